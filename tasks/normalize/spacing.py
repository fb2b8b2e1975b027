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

_SPACES = re.compile(f"[{WS}\r]+")
_DIGIT = re.compile(rf"[\d{P_NUM}%]")
_CJK_CHAR = re.compile(f"[{CJK}]")
_FW_CHAR = re.compile(f"[{FW_PUNCT}]")
_HAN_CHAR = re.compile(f"[{HAN}]")
_PARAGRAPH_BREAK = re.compile("\u3000{2,}")
_SENTENCE_END = "。！？”…"
FLATTENED_LINE_CHARS = 300  # a line this long holding "　　" gaps is several paragraphs run together
_SENTENCE_MARK = re.compile("[，。；！？、：]")


def _trim(m: re.Match[str]) -> str | None:
    text = m.string
    at_start = m.start() == 0 or text[m.start() - 1] == "\n"
    at_end = m.end() == len(text) or text[m.end()] == "\n"
    return "" if at_start or at_end else None


def _removable(text: str, start: int, end: int) -> bool:
    """Between CJK characters, around a full-width mark, or between hanzi and a number."""
    left, right = text[start - 1], text[end]  # the caller trimmed lines first: both exist
    if _FW_CHAR.match(left) or _FW_CHAR.match(right):
        return True
    if _CJK_CHAR.match(left):
        return bool(_CJK_CHAR.match(right) or _DIGIT.match(right))
    return bool(_DIGIT.match(left) and _CJK_CHAR.match(right))


def _inner_spaces(text: str) -> Step:
    newlines = [m.start() for m in re.finditer("\n", text)]
    plain_lines: dict[int, bool] = {}  # line start -> the line has no sentence marks

    def line_bounds(at: int) -> tuple[int, int]:
        line = bisect_right(newlines, at)
        start = newlines[line - 1] + 1 if line else 0
        return start, newlines[line] if line < len(newlines) else len(text)

    def deliberate(m: re.Match[str]) -> bool:
        if _PARAGRAPH_BREAK.fullmatch(m.group()):
            if text[m.start() - 1] in _SENTENCE_END:
                return True
            # In a whole text pasted as one line, the gap after a heading is its paragraph break too.
            start, end = line_bounds(m.start())
            if end - start >= FLATTENED_LINE_CHARS:
                return True
        if len(m.group()) < 2 and "\u3000" not in m.group():
            return False
        if not (_HAN_CHAR.match(text, m.start() - 1) and _HAN_CHAR.match(text, m.end())):
            return False
        start, end = line_bounds(m.start())
        if start not in plain_lines:
            plain_lines[start] = _SENTENCE_MARK.search(text, start, end) is None
        return plain_lines[start]

    edits = [
        Edit(m.start(), m.end(), "", "whitespace")
        for m in _SPACES.finditer(text)
        if m.start() > 0
        and m.end() < len(text)
        and "\n" not in (text[m.start() - 1], text[m.end()])
        and _removable(text, m.start(), m.end())
        and not deliberate(m)
    ]
    return Step(edits, [])


RULES = (
    Rule("R11", rewrite(_SPACES, _trim, "whitespace: trim")),
    Rule("R11", _inner_spaces),
)
