"""Cutting the text into paragraphs (segments). Site and news furniture is blanked before (furniture.py).

A segment is normally one non-empty line. Texts copied from web pages or CSV dumps may hold a
whole speech on one line, paragraphs separated by spaces (two or more U+3000, or a single space) or
by nothing at all; such a line is cut at those gaps, before each numbered heading that continues its
series right after a sentence, and after a heading glued to its body; so every segment keeps its true
line number and character offset.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from dataclasses import dataclass

from tasks.reading.structure.glued import glued_heading_ends
from tasks.text.chars import PUNCTUATION, SENTENCE_END, WS
from tasks.text.markers import HEADING_OPENER, ORDINAL, Marker, is_flattened, marker_style, parse_marker
from tasks.text.numerals import LOOSE_NUMERAL

_GAP = re.compile(rf"[{WS}]{{2,}}")
_ANY_GAP = re.compile(f"[{WS}]+")
_SENTENCE_END = "。！？；：!?;:”’）"
# A photo caption ends with its credit ("……新华社记者 鞠鹏/摄"): a paragraph end like a sentence's.
_CREDIT = r"[/／\s]摄"
_CREDIT_END = re.compile(rf"{_CREDIT}$")
_AFTER_CREDIT = re.compile(rf"(?<={_CREDIT})")
# A numbered paragraph glued to the sentence, the colon opening its list or the photo credit before it.
_GLUED = re.compile(rf"(?:(?<=[。！？：])|(?<={_CREDIT}))(?={HEADING_OPENER})")
# A heading glued to the first sub-heading under it: "一、总体要求（一）指导思想。"
_SUBHEADING_GLUED = re.compile(rf"(?<=[^\s。！？；：，、])(?=[（(]{LOOSE_NUMERAL}[）)]|\d{{1,2}}[.．](?!\d))")
_LONE_OPENER = ("（", "(")  # a marker broken after its bracket: "（" / "三）改革开放……"
_FRONT_LABEL = 40  # a title, date or speaker line at the start of a flattened text
_CLAUSE_END = re.compile(r"[；;。]")
_SENTENCE_MARKS = re.compile(f"[{SENTENCE_END}]")
_PUNCTUATION = re.compile(f"[{PUNCTUATION}]")


@dataclass(frozen=True)
class Segment:
    line: int  # 1-based line in the input text
    offset: int  # character offset of text[0] in the whole input text
    text: str  # stripped


def _gaps(line: str, flattened: bool) -> list[re.Match[str]]:
    """Paragraph gaps. In a whole text on one line any space may be one, and so are the point before a
    numbered paragraph glued to the sentence or photo credit before it, the point before a sub-heading
    glued to its heading and the point after a photo credit."""
    if not flattened:
        return list(_GAP.finditer(line))
    found = [
        *_ANY_GAP.finditer(line),
        *_GLUED.finditer(line),
        *_SUBHEADING_GLUED.finditer(line),
        *_AFTER_CREDIT.finditer(line),
    ]
    return sorted(found, key=lambda m: m.start())


def _paragraph_pieces(line: str) -> list[tuple[int, int]]:
    """(start, end) of the paragraphs of one line. A numbered paragraph glued to the sentence before
    it is one only if its marker continues its series: in "……。六、七十年代" after 二、 it is body text."""
    flattened = is_flattened(line)
    series = _Series()
    opening = parse_marker(line.strip())
    if opening is not None:
        series.take(opening)
    pieces: list[tuple[int, int]] = []
    start = 0
    front = flattened  # the title, date and speaker lines that open a flattened text
    for gap in _gaps(line, flattened):
        piece = line[start : gap.start()].strip()
        if not piece:
            continue
        if gap.re is _GLUED:
            marker = parse_marker(line[gap.start() :])
            cut = marker is not None and series.continues(marker)
        else:
            ends_sentence = piece[-1] in _SENTENCE_END or _CREDIT_END.search(piece) is not None
            # A heading glued to its paragraph by the gap: "一、总体要求\u3000\u3000党的……"
            lone_heading = parse_marker(piece) is not None and not _SENTENCE_MARKS.search(piece)
            front = front and len(piece) <= _FRONT_LABEL
            label = front and not _PUNCTUATION.search(piece)
            cut = ends_sentence or lone_heading or label
            marker = parse_marker(line[gap.end() :].strip()) if cut else None
            if marker is not None:
                series.take(marker)
        if cut:
            pieces.append((start, gap.start()))
            start = gap.end()
    pieces.append((start, len(line)))
    return pieces


def _style(marker: Marker) -> tuple[int, str]:
    """What the members of one numbering series share: 一、 二、 / （一） （二） / 第一， 第二，."""
    return marker.level, marker_style(marker.number)


class _Series:
    """The numbering series open at a point of the text, outermost first, with their last values."""

    def __init__(self) -> None:
        self.open: list[tuple[tuple[int, str], int]] = []

    def _depth(self, style: tuple[int, str]) -> int | None:
        return next((depth for depth, (open_style, _) in enumerate(self.open) if open_style == style), None)

    def continues(self, marker: Marker) -> bool:
        """Whether `marker` starts a series (1) or continues an open one; if so it is taken."""
        depth = self._depth(_style(marker))
        expected = (1,) if depth is None else (1, self.open[depth][1] + 1)
        if marker.value not in expected:
            return False
        self.take(marker)
        return True

    def take(self, marker: Marker) -> None:
        """Count `marker` as the last of its series, closing the series opened under it (第一， starts
        again under each 一、). A marker that opens a paragraph after a gap is taken as it comes."""
        style = _style(marker)
        depth = self._depth(style)
        if depth is not None:
            del self.open[depth:]
        self.open.append((style, marker.value))


def _glued_heading_cuts(line: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Cut each heading glued straight to its body ("一、充分认识……重大战略意义党的十八大以来，……")
    off it, series by series: a 第一， is always followed by its own sentence, so only the other styles."""
    series: dict[tuple[int, str], list[tuple[int, int]]] = defaultdict(list)
    for index, (start, end) in enumerate(pieces):
        text = line[start:end]
        marker = parse_marker(text.strip())
        if marker is not None and marker.level != ORDINAL:
            head = start + len(text) - len(text.lstrip()) + marker.end
            series[_style(marker)].append((index, head))
    ends: dict[int, int] = {}
    for members in series.values():
        rests = [line[head : pieces[index][1]] for index, head in members]
        for (index, head), end in zip(members, glued_heading_ends(rests, line), strict=True):
            if end is not None:
                ends[index] = head + end
    cut: list[tuple[int, int]] = []
    for index, (start, end) in enumerate(pieces):
        cut.extend([(start, ends[index]), (ends[index], end)] if index in ends else [(start, end)])
    return cut


def _cut_points(line: str) -> list[tuple[int, int]]:
    """(start, end) of the paragraphs within one line."""
    pieces = _paragraph_pieces(line)
    return _glued_heading_cuts(line, pieces) if is_flattened(line) else pieces


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
    opener: Segment | None = None  # a lone "（" waiting for the rest of its marker on the next line
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip() in _LONE_OPENER:
            opener = Segment(number, offset + len(line) - len(line.lstrip()), line.strip())
            offset += len(line) + 1
            continue
        found = [
            piece
            for start, end in _cut_points(line)
            for piece in _pieces(number, offset + start, line[start:end])
        ]
        if opener is not None and found:
            found[0] = Segment(opener.line, opener.offset, opener.text + found[0].text)
            opener = None
        segments.extend(found)
        offset += len(line) + 1
    return [*segments, opener] if opener is not None else segments
