"""Cutting the text into paragraphs (segments), and dropping website/newspaper trailers.

A segment is normally one non-empty line. Texts copied from web pages or CSV dumps may hold a
whole speech on one line, paragraphs separated only by two or more U+3000 (or spaces); such a line is
cut at those gaps, so every segment keeps its true line number and character offset.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from tasks.model import DroppedLine
from tasks.structure.markers import parse_marker

_GAP = re.compile(r"[ \t\u3000\u00a0]{2,}")
_SENTENCE_END = "。！？；：!?;:”’）"
_ONE_LINE_TEXT = 1000  # characters: a line this long is a whole text pasted without line breaks
_GLUED = re.compile(
    r"(?<=[。！？])(?=(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)]|第[一二三四五六七八九十]{1,3}，))"
)
_CLAUSE_END = re.compile(r"[；;。]")
_SENTENCE_MARKS = re.compile(r"[。！？!?]")

# Trailing boilerplate from news sites and government portals, with the reason reported.
_BOILERPLATE: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[（(]?\s*责任编辑|责编[:：]|[（(]\s*编辑[:：]"), "editor credit"),
    (re.compile(r"^(?:【[^】]{1,12}】\s*)+$"), "website widget"),
    (re.compile(r"^《\s*[^》]{1,12}报\s*》\s*[（(][^）)]*版\s*[）)]$"), "newspaper trailer"),
    (
        re.compile(r"^[（(]\s*(?:新华社|中新社|人民网|新华网|央视网)[^）)]{0,20}电\s*[）)]$"),
        "news agency dateline",
    ),
    (re.compile(r"打印本页|关闭窗口|分享到|扫一扫|网站地图|我要纠错|字号[:：]\s*大"), "website widget"),
    (re.compile(r"版权所有|Copyright|ICP备|主办单位[:：]|联系我们"), "site footer"),
    (re.compile(r"^(?:来源|稿源|编辑|校对|审核)[:：]\S{0,20}$"), "source credit"),
    (re.compile(r"^(?:[^\s。，！？]{1,8}\s*[|｜>＞/]\s*){2,}[^\s。，！？]{1,8}$"), "website menu"),
    (re.compile(r"^(?:[^\s。，！？：]{2,6}[ \u3000]+){3,}[^\s。，！？：]{2,6}$"), "website menu"),
)


@dataclass(frozen=True)
class Segment:
    line: int  # 1-based line in the input text
    offset: int  # character offset of text[0] in the whole input text
    text: str  # stripped


def _gaps(line: str) -> list[re.Match[str]]:
    """Paragraph gaps; in a whole text on one line that lost them, the point before a numbered
    paragraph glued to the sentence before it ("……意见。第一，……") serves as one."""
    if len(line) < _ONE_LINE_TEXT:
        return list(_GAP.finditer(line))
    return sorted([*_GAP.finditer(line), *_GLUED.finditer(line)], key=lambda m: m.start())


def _cut_points(line: str) -> list[tuple[int, int]]:
    """(start, end) of the paragraphs within one line."""
    pieces: list[tuple[int, int]] = []
    start = 0
    for gap in _gaps(line):
        piece = line[start : gap.start()].strip()
        if not piece:
            continue
        ends_sentence = piece[-1] in _SENTENCE_END
        # A heading glued to its paragraph by the gap: "一、总体要求\u3000\u3000党的……"
        lone_heading = parse_marker(piece) is not None and not _SENTENCE_MARKS.search(piece)
        if ends_sentence or lone_heading:
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


def boilerplate_reason(text: str) -> str | None:
    for pattern, reason in _BOILERPLATE:
        if pattern.search(text):
            return reason
    return None


def drop_trailer(segments: list[Segment]) -> tuple[list[Segment], tuple[DroppedLine, ...]]:
    """Remove boilerplate segments at the end of the text (and only there)."""
    keep = len(segments)
    while keep and boilerplate_reason(segments[keep - 1].text):
        keep -= 1
    dropped = tuple(
        DroppedLine(seg.line, seg.text, boilerplate_reason(seg.text) or "") for seg in segments[keep:]
    )
    return segments[:keep], dropped
