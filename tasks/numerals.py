"""Chinese numerals as structure numbers and counts use them: 一 … 九十九, 一百 … 九百九十九.

One reading and one spelling for the whole pipeline, so that a document with a hundred points or
more (一百、, 一百零一、) is numbered, read and summarized like any other.
"""

from __future__ import annotations

DIGITS = "一二三四五六七八九"
_BELOW_HUNDRED = f"(?:[{DIGITS}]?十[{DIGITS}]?|[{DIGITS}])"
# 1-999 in the standard spelling: 十二, 二十, 一百, 一百零五, 一百一十, 三百四十五.
NUMERAL = f"(?:[{DIGITS}]百(?:零[{DIGITS}]|[{DIGITS}]十[{DIGITS}]?)?|{_BELOW_HUNDRED})"

_VALUE = {ch: i for i, ch in enumerate(DIGITS, start=1)}


def value(numeral: str) -> int:
    """The value of a numeral matched by NUMERAL ("十二" -> 12, "一百零一" -> 101)."""
    hundreds, sep, rest = numeral.partition("百")
    if not sep:
        hundreds, rest = "", numeral
    rest = rest.removeprefix("零")
    tens, sep, units = rest.partition("十")
    if not sep:
        tens, units = "", rest
    return _VALUE.get(hundreds, 0) * 100 + (_VALUE.get(tens, 1) * 10 if sep else 0) + _VALUE.get(units, 0)


def spelled(n: int) -> str:
    """A count in Chinese numerals: 12 -> 十二, 101 -> 一百零一, 110 -> 一百一十; from 1000 on in
    Arabic digits, as GB/T 15835 prefers for large numbers."""
    if n < 1:
        raise ValueError(f"no count {n}")
    if n >= 1000:
        return str(n)
    hundreds, rest = divmod(n, 100)
    tens, units = divmod(rest, 10)
    head = DIGITS[hundreds - 1] + "百" if hundreds else ""
    if tens:
        tens_part = ("" if tens == 1 and not hundreds else DIGITS[tens - 1]) + "十"
    else:
        tens_part = "零" if hundreds and units else ""
    return head + tens_part + (DIGITS[units - 1] if units else "")
