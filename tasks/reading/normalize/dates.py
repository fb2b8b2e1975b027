"""R12: dates. Arabic dates lose their zero padding; dates in Chinese numerals are kept as written.

A date written in Chinese numerals (二〇二〇年十月二十九日, 二○二○年) is legitimate: Party documents,
congress reports and cited titles write them so, and the words of an authoritative text are not
ours to change. What is worth a person's look is reported, never rewritten: one date that mixes
Arabic and Chinese numerals (2020年十月), and a Latin letter O or a digit 0 standing for 〇.

Only a complete year (four digits before 年) makes a date, so fixed expressions (二十大, 十四五,
两学一做, 第一) are never dates here.
"""

from __future__ import annotations

import re

from .base import Edit, Flag, Rule, Step

_CN_ZERO = "〇○零"
_LOOKALIKE_ZERO = "OＯ0０"  # typed for 〇
_CN_YEAR_DIGIT = _CN_ZERO + _LOOKALIKE_ZERO + "一二三四五六七八九"
_CN_SMALL = "(?:[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])"
# Read from each 年 (a literal, so the scanner skips other text at C speed): a Chinese year before
# it, alone or with an Arabic month after it, or an Arabic year with a Chinese month after it.
_YEAR = re.compile(
    "年(?:"
    rf"(?<=(?<![{_CN_YEAR_DIGIT}\d])(?P<cn>[{_CN_YEAR_DIGIT}]{{4}})年)(?P<arabic_month>\d{{1,2}}月)?"
    rf"|(?<=(?<!\d)\d{{4}}年)(?P<cn_month>{_CN_SMALL}月)"
    ")"
)
_YEAR_CHARS = 4
_ARABIC_DATE = re.compile(
    r"(?=\d)(?:(?<!\d)(\d{4})年0(\d)月|(?<=月)0(\d)(?=[日号])|(?<![\d年])0(\d)(?=月\d{1,2}[日号]))"
)


def _is_chinese_year(year: str) -> bool:
    """Not all zeros or look-alikes (0000年, OOOO年) and not all Arabic (2020年)."""
    return any(ch in "一二三四五六七八九" for ch in year)


def _flags(text: str) -> list[Flag]:
    flags = []
    for m in _YEAR.finditer(text):
        start = m.start() - _YEAR_CHARS
        chinese_year = m["cn"] is not None and _is_chinese_year(m["cn"])
        if m["cn_month"] or (m["arabic_month"] and chinese_year):
            date = text[start : m.end()]
            flags.append(Flag(start, m.end(), f"date {date} mixes Arabic and Chinese numerals: kept"))
        if chinese_year and any(ch in _LOOKALIKE_ZERO for ch in m["cn"]):
            year = text[start : m.start() + 1]
            flags.append(Flag(start, m.start() + 1, f"year {year} has a letter O or digit 0 for 〇: kept"))
    return flags


def _dates(text: str) -> Step:
    edits = []
    for m in _ARABIC_DATE.finditer(text):
        if m[1]:
            edits.append(Edit(m.start(), m.end(), f"{m[1]}年{m[2]}月", "no zero padding in dates"))
        else:
            edits.append(Edit(m.start(), m.end(), m[3] or m[4], "no zero padding in dates"))
    edits.sort()
    return Step(edits, sorted(_flags(text)))


RULES = (Rule("R12", _dates),)
