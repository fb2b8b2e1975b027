"""R2: full-width letters and digits to half-width, with ． and ％ when they belong to a number."""

from __future__ import annotations

import re

from tasks.text.chars import DIGITS
from tasks.text.widths import half_width

from .base import Rule, rewrite

_FULL = [chr(code) for code in range(ord("０"), ord("ｚ") + 1) if half_width(chr(code)).isalnum()]
_TABLE = str.maketrans({ch: half_width(ch) for ch in [*_FULL, "．", "％"]})
# A run of full-width alphanumerics; ． only inside a number, ％ only after one.
_RUN = re.compile("[０-９Ａ-Ｚａ-ｚ．％]+")
_DIGIT = re.compile(f"[{DIGITS}]")


def _half_width(m: re.Match[str]) -> str:
    text, run = m.string, m.group()
    after_digit = m.start() > 0 and _DIGIT.match(text, m.start() - 1) is not None
    if run[0] in "．％" and not after_digit:
        return run  # a lone ． or ％ is not part of a number
    if run[-1] == "．" and not _DIGIT.match(text, m.end()):
        return run[:-1].translate(_TABLE) + "．"  # "１．" opens a heading (R3) or ends a sentence
    return run.translate(_TABLE)


RULES = (Rule("R2", rewrite(_RUN, _half_width, "full-width to half-width")),)
