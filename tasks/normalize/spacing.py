"""R11: spaces. Remove them between CJK characters, around full-width marks and between hanzi and
digits; trim lines. Never add any.

Two kinds of deliberate spacing survive: ideographic spaces that separate paragraphs of a text with
no line breaks ("……。　　刚才"), and wide gaps in a line without sentence marks, where they align a
name, a title or joint issuers ("海拉尔区人民政府区长　　张天喜", "中共中央　国务院").
"""

from __future__ import annotations

import re
from bisect import bisect_right

from .base import CJK, FW_PUNCT, HAN, P_NUM, WS, Edit, Rule, Step, rewrite

_TRIM = re.compile(rf"^[{WS}\r]+|[{WS}\r]+$", re.MULTILINE)
_DIGIT = rf"\d{P_NUM}"
_INNER = re.compile(
    rf"(?<=[{CJK}])[{WS}]+(?=[{CJK}{_DIGIT}])"
    rf"|(?<=[{_DIGIT}%])[{WS}]+(?=[{CJK}])"
    rf"|[{WS}]+(?=[{FW_PUNCT}])|(?<=[{FW_PUNCT}])[{WS}]+"
)
_PARAGRAPH_BREAK = re.compile("\u3000{2,}")
_SENTENCE_END = "。！？”…"
_SENTENCE_MARK = re.compile("[，。；！？、：]")
_HAN_CHAR = re.compile(f"[{HAN}]")


def _inner_spaces(text: str) -> Step:
    newlines = [m.start() for m in re.finditer("\n", text)]
    plain_lines: dict[int, bool] = {}  # line index -> has no sentence marks

    def deliberate(m: re.Match[str]) -> bool:
        if m.start() and text[m.start() - 1] in _SENTENCE_END and _PARAGRAPH_BREAK.fullmatch(m.group()):
            return True
        if len(m.group()) < 2 and "\u3000" not in m.group():
            return False
        if not (_HAN_CHAR.match(text, m.start() - 1) and _HAN_CHAR.match(text, m.end())):
            return False
        line = bisect_right(newlines, m.start())
        if line not in plain_lines:
            start = newlines[line - 1] + 1 if line else 0
            end = newlines[line] if line < len(newlines) else len(text)
            plain_lines[line] = _SENTENCE_MARK.search(text, start, end) is None
        return plain_lines[line]

    edits = [Edit(m.start(), m.end(), "", "whitespace") for m in _INNER.finditer(text) if not deliberate(m)]
    return Step(edits, [])


RULES = (
    Rule("R11", rewrite(_TRIM, lambda m: "", "whitespace: trim")),
    Rule("R11", _inner_spaces),
)
