"""R12: dates in Arabic numerals, full year, no zero padding.

Only a complete year (four digits before 年) makes a date, so fixed expressions (二十大, 十四五,
两学一做, 第一) are never numbers here. Dates in Chinese numerals before 2012 are kept and reported:
GB/T 9704-1999 wrote 成文日期 that way, so such texts are right as they stand.
"""

from __future__ import annotations

import re

from .base import Edit, Flag, Rule, Step

_YEAR_DIGIT = "〇○零OＯ0一二三四五六七八九"
_VALUE = {ch: str(i % 10) for i, ch in enumerate("〇一二三四五六七八九")} | {ch: "0" for ch in "○零OＯ"}
_CN_SMALL = "(?:[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])"
# The leading lookaheads let the scanner skip other characters at C speed.
_CN_DATE = re.compile(
    rf"(?=[{_YEAR_DIGIT}])(?<![{_YEAR_DIGIT}\d])([{_YEAR_DIGIT}]{{4}})年(?:({_CN_SMALL})月(?:({_CN_SMALL})([日号]))?)?"
)
_ARABIC_DATE = re.compile(
    r"(?=\d)(?:(?<!\d)(\d{4})年0(\d)月|(?<=月)0(\d)(?=[日号])|(?<![\d年])0(\d)(?=月\d{1,2}[日号]))"
)
_FIRST_MODERN_YEAR = 2012


def _small(numeral: str) -> int:
    tens, sep, units = numeral.partition("十")
    if not sep:
        return "一二三四五六七八九".index(numeral) + 1
    return ("一二三".index(tens) + 1 if tens else 1) * 10 + (
        "一二三四五六七八九".index(units) + 1 if units else 0
    )


def _dates(text: str) -> Step:
    edits, flags = [], []
    for m in _CN_DATE.finditer(text):
        year_text = m[1]
        if not any(ch in "〇一二三四五六七八九" for ch in year_text):
            continue  # all zeros/latin: 0000年 or OOOO年 is no date
        year = "".join(_VALUE.get(ch, ch) for ch in year_text)
        parts = [f"{year}年"]
        if m[2]:
            month = _small(m[2])
            parts.append(f"{month}月")
            if m[3]:
                parts.append(f"{_small(m[3])}{m[4]}")
        if int(year) < _FIRST_MODERN_YEAR:
            flags.append(
                Flag(m.start(), m.end(), f"date in Chinese numerals kept (pre-2012 style): {''.join(parts)}")
            )
        else:
            edits.append(Edit(m.start(), m.end(), "".join(parts), "date in Arabic numerals"))
    for m in _ARABIC_DATE.finditer(text):
        if m[1]:
            edits.append(Edit(m.start(), m.end(), f"{m[1]}年{m[2]}月", "no zero padding in dates"))
        else:
            edits.append(Edit(m.start(), m.end(), m[3] or m[4], "no zero padding in dates"))
    edits.sort()
    return Step(edits, flags)


RULES = (Rule("R12", _dates),)
