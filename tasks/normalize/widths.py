"""R2: full-width letters and digits to half-width, with ． and ％ when they belong to a number."""

from __future__ import annotations

import re

from .base import Rule, rewrite

_FULL = [chr(code) for code in range(ord("０"), ord("ｚ") + 1) if chr(code - 0xFEE0).isalnum()]
_TABLE = str.maketrans({ch: chr(ord(ch) - 0xFEE0) for ch in [*_FULL, "．", "％"]})
# A run of full-width alphanumerics; ． only inside a number, ％ only after one.
_RUN = re.compile(r"(?:[０-９Ａ-Ｚａ-ｚ]|(?<=[0-9０-９])．(?=[0-9０-９])|(?<=[0-9０-９])％)+")

RULES = (Rule("R2", rewrite(_RUN, lambda m: m.group().translate(_TABLE), "full-width to half-width")),)
