"""Structure numbers (一、 （一） 1. （1） 第一， 第一个问题：) in raw and normalized forms.

Drafts write markers many ways, so every raw variant from outline.md is read here and mapped to the
normalized `number` the outline reports: (一) -> （一）, 1、 -> 1., ⑴ -> （1）, 第一、 -> 第一，. The
structure stage reads one stripped line at a time (parse_marker); the normalizer finds the markers
opening the lines of a whole text (line_start_markers) to rewrite them. marker_style tells a series'
style (一、 or 一. ; （一） or (一)), is_flattened a line holding a whole text run together.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from tasks.text.chars import DIGITS, WS
from tasks.text.numerals import LOOSE_NUMERAL, NUMERAL, loose_value, value

ORDINAL = 0  # 第一， ranks by depth; its level is settled against the headings around it

_PARENTHESIZED = "⑴-⒇"  # ⑴ … ⒇, level 4 as one character
_CIRCLED = "①-⑳"
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")

# A series of numbers opening a sentence is no marker: "一、二季度", "3、4月份", "第一、二批".
CN_SERIES = rf"(?!{LOOSE_NUMERAL}(?:[、，,至到]|季度|产业|批|类|级|等|期|档|次|轮|个|线|号|月|年代))"
_TOP_SEPARATORS = "[、.．，,:：。]"  # after 一: 一、 is right, the rest are drafts' variants
_DIGIT_SERIES = rf"(?![{DIGITS}]{{1,2}}(?:[、，,至到~\-]|月|日|号|季度|年级|批|类))"

# A heading marker where paragraphs run together in one line (一、 （一） 第一， 第一个问题), and how
# long such a line is at least: with a numbered heading after a sentence, it is a whole text flattened.
HEADING_OPENER = rf"{LOOSE_NUMERAL}、|[（(]{LOOSE_NUMERAL}[）)]|第{LOOSE_NUMERAL}(?:，|个(?:问题|方面))"
_INNER_HEADING = re.compile(rf"[。！？{WS}](?:{HEADING_OPENER})")
_FLATTENED_LINE_CHARS = 300

# A speech's top level may count its parts: "第一个问题：", "第二个方面：" (level 1, 第一， below it).
_COUNTED_PART = re.compile(rf"第({LOOSE_NUMERAL})个(问题|方面)\s*[：:，,]\s*")

# Each pattern matches at the start of a stripped line; group 1 is the numeral.
_PATTERNS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, _COUNTED_PART),
    (1, re.compile(rf"({LOOSE_NUMERAL})\s*{_TOP_SEPARATORS}\s*{CN_SERIES}")),
    (2, re.compile(rf"[（(]\s*({LOOSE_NUMERAL})\s*[）)]\s*[、.．，,]?\s*")),
    (3, re.compile(rf"(\d{{1,2}})\s*(?:[、，,]|[.．](?!\d))\s*{_DIGIT_SERIES}")),
    (4, re.compile(r"[（(]\s*(\d{1,2})\s*[）)]\s*[、.．，,]?\s*")),
    (4, re.compile(rf"([{_PARENTHESIZED}{_CIRCLED}])\s*")),
    (ORDINAL, re.compile(rf"第({LOOSE_NUMERAL})\s*[，,、：:](?!第)\s*{CN_SERIES}")),
)


@dataclass(frozen=True)
class Marker:
    level: int  # 1..4, or ORDINAL
    number: str  # normalized form: "一、", "（一）", "1.", "（1）", "第一，"
    value: int  # 1 for 一 / 1 / ⑴
    end: int  # index in the line where the heading text starts


def _value(numeral: str) -> int:
    if numeral.isascii():
        return int(numeral)
    code = ord(numeral[0])
    if 0x2474 <= code <= 0x2487:  # ⑴…⒇
        return code - 0x2473
    if 0x2460 <= code <= 0x2473:  # ①…⑳
        return code - 0x245F
    return loose_value(numeral)


def _normalized(level: int, numeral: str, value: int, counted: str | None) -> str:
    if counted:
        return f"第{numeral}个{counted}："
    return {
        1: f"{numeral}、",
        2: f"（{numeral}）",
        3: f"{value}.",
        4: f"（{value}）",
        ORDINAL: f"第{numeral}，",
    }[level]


def parse_marker(line: str) -> Marker | None:
    """The heading marker opening `line` (already stripped), or None."""
    probe = line.translate(_FULL_WIDTH_DIGITS)  # same length, so indexes hold for `line`
    for level, pattern in _PATTERNS:
        match = pattern.match(probe)
        if match:
            numeral = match.group(1)
            value = _value(numeral)
            if level == 4 and not numeral.isdigit():
                numeral = str(value)
            counted = match.group(2) if pattern is _COUNTED_PART else None
            return Marker(level, _normalized(level, numeral, value, counted), value, match.end())
    return None


def normalize_number(number: str) -> str:
    """A marker as written anywhere (raw or normalized) in its normalized form."""
    marker = parse_marker(number.strip() + "x")
    return marker.number if marker else number.strip()


def is_flattened(text: str, start: int = 0, end: int | None = None) -> bool:
    """Whether the line text[start:end] is several paragraphs run together: long, with a numbered
    heading after a sentence or a space."""
    end = len(text) if end is None else end
    return end - start >= _FLATTENED_LINE_CHARS and _INNER_HEADING.search(text, start, end) is not None


# The markers the normalizer rewrites, at a line start after indentation: narrower than parse_marker
# (standard numerals, fewer separators, a level-1 marker only before its heading's text), so that R3
# changes only what is surely a marker. One alternative per level; group names say which.
_LEAD = rf"^(?P<lead>[{WS}]*)"
_GAP = rf"[{WS}]*"  # spaces after a marker go with it; R11 would otherwise close "1 、" up after R3 ran
_LINE_START_MARKER = re.compile(
    _LEAD
    + "(?:"
    + rf"(?P<l1>{NUMERAL}){_GAP}{_TOP_SEPARATORS}{_GAP}{CN_SERIES}(?=[^{WS}\n])"
    + rf"|[(（](?P<l2>{NUMERAL})[)）]、?{_GAP}"
    + rf"|(?P<l3>\d{{1,2}}){_GAP}(?:[、，,．]|\.(?!\d)){_GAP}(?=[^{WS}\d\n])"
    + rf"|(?:[(（](?P<l4>\d{{1,2}})[)）]、?|(?P<c4>[{_PARENTHESIZED}])){_GAP}"
    + rf"|第(?P<ord>{NUMERAL})、(?!第){CN_SERIES}"
    + ")",
    re.MULTILINE,
)


def _line_start_marker(m: re.Match[str]) -> Marker:
    end = m.end() - m.end("lead")
    if m["l1"]:
        return Marker(1, m["l1"] + "、", value(m["l1"]), end)
    if m["l2"]:
        return Marker(2, f"（{m['l2']}）", value(m["l2"]), end)
    if m["l3"]:
        return Marker(3, m["l3"] + ".", int(m["l3"]), end)
    if m["ord"]:
        return Marker(ORDINAL, f"第{m['ord']}，", value(m["ord"]), end)
    number = int(m["l4"]) if m["l4"] else _value(m["c4"])
    return Marker(4, f"（{number}）", number, end)


def line_start_markers(text: str) -> Iterator[tuple[int, Marker]]:
    """The markers opening lines of `text` with their offsets: text[at : at + marker.end] is the
    marker as written, with the spaces after it."""
    for m in _LINE_START_MARKER.finditer(text):
        yield m.end("lead"), _line_start_marker(m)


_NUMBER_IN_MARKER = re.compile(rf"{LOOSE_NUMERAL}|\d+|[{_PARENTHESIZED}{_CIRCLED}]")


def marker_style(marker: str) -> str:
    """A marker with its number blanked and spaces dropped: "(四)" -> "(N)", "1 、" -> "N、"."""
    return _NUMBER_IN_MARKER.sub("N", "".join(marker.split()))
