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
# The leading lookaheads let the scanner skip other characters at C speed.
_CN_YEAR = re.compile(rf"(?=[{_CN_YEAR_DIGIT}])(?<![{_CN_YEAR_DIGIT}\d])[{_CN_YEAR_DIGIT}]{{4}}年")
# One date, two scripts: an Arabic year with a Chinese month, or a Chinese year with an Arabic month.
_MIXED = re.compile(
    rf"(?=[\d{_CN_YEAR_DIGIT}])(?:(?<!\d)\d{{4}}年{_CN_SMALL}月"
    rf"|(?<![{_CN_YEAR_DIGIT}\d])(?P<cn>[{_CN_YEAR_DIGIT}]{{4}})年\d{{1,2}}月)"
)
_ARABIC_DATE = re.compile(
    r"(?=\d)(?:(?<!\d)(\d{4})年0(\d)月|(?<=月)0(\d)(?=[日号])|(?<![\d年])0(\d)(?=月\d{1,2}[日号]))"
)


def _is_chinese_year(year: str) -> bool:
    """Not all zeros or look-alikes (0000年, OOOO年) and not all Arabic (2020年)."""
    return any(ch in "一二三四五六七八九" for ch in year)


def _flags(text: str) -> list[Flag]:
    flags = []
    for m in _CN_YEAR.finditer(text):
        year = m.group()[:4]
        if _is_chinese_year(year) and any(ch in _LOOKALIKE_ZERO for ch in year):
            flags.append(Flag(m.start(), m.end(), f"year {m.group()} has a letter O or digit 0 for 〇: kept"))
    for m in _MIXED.finditer(text):
        if m["cn"] is None or _is_chinese_year(m["cn"]):
            flags.append(
                Flag(m.start(), m.end(), f"date {m.group()} mixes Arabic and Chinese numerals: kept")
            )
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
