"""Heading markers (一、 （一） 1. （1） 第一， 第一个问题：) in raw and normalized forms.

Normalization is imperfect, so every raw variant from outline.md is read here and mapped to the
normalized `number` the outline reports: (一) -> （一）, 1、 -> 1., ⑴ -> （1）, 第一、 -> 第一，.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tasks.numerals import NUMERAL, value

ORDINAL = 0  # 第一， ranks by depth; its level is settled against the headings around it

_CN = "一二三四五六七八九十"
_CN_NUMERAL = rf"(?:{NUMERAL}|[{_CN}]{{1,3}})"  # 一百、 and on: a long text's hundredth point
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")

# A series of numbers opening a sentence is no marker: "一、二季度", "3、4月份", "第一、二批".
_CN_SERIES = rf"(?!{_CN_NUMERAL}(?:[、，,至到]|季度|产业|批|类|级|等|期|档|次|轮|个|线|号|月|年代))"
_DIGIT_SERIES = r"(?![0-9０-９]{1,2}(?:[、，,至到~\-]|月|日|号|季度|年级|批|类))"

# A speech's top level may count its parts: "第一个问题：", "第二个方面：" (level 1, 第一， below it).
_COUNTED_PART = re.compile(rf"第({_CN_NUMERAL})个(问题|方面)\s*[：:，,]\s*")

# Each pattern matches at the start of a stripped line; group 1 is the numeral.
_PATTERNS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, _COUNTED_PART),
    (1, re.compile(rf"({_CN_NUMERAL})\s*[、.．，,:：。]\s*{_CN_SERIES}")),
    (2, re.compile(rf"[（(]\s*({_CN_NUMERAL})\s*[）)]\s*[、.．，,]?\s*")),
    (3, re.compile(rf"(\d{{1,2}})\s*(?:[、，,]|[.．](?!\d))\s*{_DIGIT_SERIES}")),
    (4, re.compile(r"[（(]\s*(\d{1,2})\s*[）)]\s*[、.．，,]?\s*")),
    (4, re.compile(r"([\u2474-\u2487\u2460-\u2473])\s*")),  # ⑴…⒇ and ①…⑳
    (ORDINAL, re.compile(rf"第({_CN_NUMERAL})\s*[，,、：:](?!第)\s*{_CN_SERIES}")),
)


@dataclass(frozen=True)
class Marker:
    level: int  # 1..4, or ORDINAL
    number: str  # normalized form: "一、", "（一）", "1.", "（1）", "第一，"
    value: int  # 1 for 一 / 1 / ⑴
    end: int  # index in the line where the heading text starts


def chinese_value(numeral: str) -> int:
    """一 -> 1, 十 -> 10, 十二 -> 12, 二十 -> 20, 二十一 -> 21, 一百零一 -> 101."""
    if "百" in numeral:
        return value(numeral)
    digits = [_CN.index(ch) + 1 for ch in numeral]
    if 10 not in digits:
        return digits[0] if len(digits) == 1 else int("".join(str(d) for d in digits))
    tens_at = digits.index(10)
    tens = digits[tens_at - 1] if tens_at else 1
    units = digits[tens_at + 1] if tens_at + 1 < len(digits) else 0
    return tens * 10 + units


def _value(numeral: str) -> int:
    if numeral.isascii():
        return int(numeral)
    if numeral[0] in _CN:
        return chinese_value(numeral)
    code = ord(numeral)
    return code - 0x2473 if code >= 0x2474 else code - 0x245F  # ⑴…⒇ or ①…⑳


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
