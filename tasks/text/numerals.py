"""Chinese numerals as structure numbers and counts use them: 一 … 九十九, 一百 … 九百九十九.

One reading and one spelling for the whole pipeline, so that a document with a hundred points or
more (一百、, 一百零一、) is numbered, read and summarized like any other. Drafts also number with
runs such as 十一 or 一二 outside the standard spelling; LOOSE_NUMERAL and loose_value read those.
"""

from __future__ import annotations

DIGITS = "一二三四五六七八九"
_BELOW_HUNDRED = f"(?:[{DIGITS}]?十[{DIGITS}]?|[{DIGITS}])"
# 1-999 in the standard spelling: 十二, 二十, 一百, 一百零五, 一百一十, 三百四十五.
NUMERAL = f"(?:[{DIGITS}]百(?:零[{DIGITS}]|[{DIGITS}]十[{DIGITS}]?)?|{_BELOW_HUNDRED})"

_TEN = "十"
# A structure number as drafts write it: the standard spelling, or any short run of 一 … 十.
LOOSE_NUMERAL = f"(?:{NUMERAL}|[{DIGITS}{_TEN}]{{1,3}})"

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


def loose_value(numeral: str) -> int:
    """The value of a numeral matched by LOOSE_NUMERAL: 一 -> 1, 十二 -> 12, 二十一 -> 21,
    一百零一 -> 101, and a run of digits read digit by digit: 一二 -> 12."""
    if "百" in numeral:
        return value(numeral)
    digits = [(DIGITS + _TEN).index(ch) + 1 for ch in numeral]
    if 10 not in digits:
        return digits[0] if len(digits) == 1 else int("".join(str(d) for d in digits))
    tens_at = digits.index(10)
    tens = digits[tens_at - 1] if tens_at else 1
    units = digits[tens_at + 1] if tens_at + 1 < len(digits) else 0
    return tens * 10 + units
