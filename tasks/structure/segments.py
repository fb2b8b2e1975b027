"""Cutting the text into paragraphs (segments). Site and news furniture is blanked before (furniture.py).

A segment is normally one non-empty line. Texts copied from web pages or CSV dumps may hold a
whole speech on one line, paragraphs separated by spaces (two or more U+3000, or a single space) or
by nothing at all; such a line is cut at those gaps, so every segment keeps its true line number and
character offset.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from tasks.structure.markers import parse_marker

_GAP = re.compile(r"[ \t\u3000\u00a0]{2,}")
_ANY_GAP = re.compile(r"[ \t\u3000\u00a0]+")
_SENTENCE_END = "。！？；：!?;:”’）"
_CN = "一二三四五六七八九十"
# A line this long with a numbered heading after a sentence is a whole text run together.
_FLATTENED = 300
_INNER_HEADING = re.compile(rf"[。！？\s](?:[{_CN}]{{1,3}}、|[（(][{_CN}]{{1,3}}[）)]|第[{_CN}]{{1,3}}，)")
_GLUED = re.compile(rf"(?<=[。！？])(?=(?:[{_CN}]{{1,3}}、|[（(][{_CN}]{{1,3}}[）)]|第[{_CN}]{{1,3}}，))")
# A heading glued to the first sub-heading under it: "一、总体要求（一）指导思想。"
_SUBHEADING_GLUED = re.compile(rf"(?<=[^\s。！？；：，、])(?=[（(][{_CN}]{{1,3}}[）)]|\d{{1,2}}[.．](?!\d))")
_FRONT_LABEL = 40  # a title, date or speaker line at the start of a flattened text
_CLAUSE_END = re.compile(r"[；;。]")
_SENTENCE_MARKS = re.compile(r"[。！？!?]")
_PUNCTUATION = re.compile(r"[，。；：！？、,.;:!?]")


@dataclass(frozen=True)
class Segment:
    line: int  # 1-based line in the input text
    offset: int  # character offset of text[0] in the whole input text
    text: str  # stripped


def _flattened(line: str) -> bool:
    return len(line) >= _FLATTENED and _INNER_HEADING.search(line) is not None


def _gaps(line: str) -> list[re.Match[str]]:
    """Paragraph gaps. In a whole text on one line any space may be one, and so is the point before a
    numbered paragraph glued to the sentence before it ("……意见。第一，……") or a sub-heading glued to
    its heading."""
    if not _flattened(line):
        return list(_GAP.finditer(line))
    found = [*_ANY_GAP.finditer(line), *_GLUED.finditer(line), *_SUBHEADING_GLUED.finditer(line)]
    return sorted(found, key=lambda m: m.start())


def _cut_points(line: str) -> list[tuple[int, int]]:
    """(start, end) of the paragraphs within one line."""
    pieces: list[tuple[int, int]] = []
    start = 0
    front = _flattened(line)  # the title, date and speaker lines that open a flattened text
    for gap in _gaps(line):
        piece = line[start : gap.start()].strip()
        if not piece:
            continue
        ends_sentence = piece[-1] in _SENTENCE_END
        # A heading glued to its paragraph by the gap: "一、总体要求\u3000\u3000党的……"
        lone_heading = parse_marker(piece) is not None and not _SENTENCE_MARKS.search(piece)
        front = front and len(piece) <= _FRONT_LABEL
        label = front and not _PUNCTUATION.search(piece)
        if ends_sentence or lone_heading or label:
            pieces.append((start, gap.start()))
            start = gap.end()
    pieces.append((start, len(line)))
    return pieces


def _run_in_points(text: str) -> list[int]:
    """Where "（1）……；（2）……；（3）……" continues with the next number after ；or 。."""
    first = parse_marker(text)
    if first is None:
        return []
    points, expected = [], first.value + 1
    for match in _CLAUSE_END.finditer(text):
        marker = parse_marker(text[match.end() :])
        if marker and marker.level == first.level and marker.value == expected:
            points.append(match.end())
            expected += 1
    return points


def _pieces(number: int, offset: int, raw: str) -> list[Segment]:
    """The segments of one paragraph-sized stretch of a line starting at `offset`."""
    stripped = raw.strip().lstrip("\ufeff").strip()
    if not stripped:
        return []
    offset += len(raw) - len(raw.lstrip().lstrip("\ufeff").lstrip())
    edges = [0, *_run_in_points(stripped), len(stripped)]
    return [Segment(number, offset + a, stripped[a:b]) for a, b in itertools.pairwise(edges)]


def split_segments(text: str) -> list[Segment]:
    segments: list[Segment] = []
    offset = 0
    for number, line in enumerate(text.split("\n"), start=1):
        for start, end in _cut_points(line):
            segments.extend(_pieces(number, offset + start, line[start:end]))
        offset += len(line) + 1
    return segments
