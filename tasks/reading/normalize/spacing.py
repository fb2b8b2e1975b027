"""R11: spaces. Remove them between CJK characters, around full-width marks and between hanzi and
digits; trim lines. Never add any.

Deliberate spacing survives:
- paragraph breaks of a text with no line breaks: "……。　　刚才", and in a line long enough to be a
  whole text, any space after a sentence, a title or a heading ("……意义 巡察是……");
- gaps in a line without sentence marks, where they align a name, a title, joint issuers or table
  cells ("县委副书记、县长　王建国", "中共中央　国务院", "序号\t指标名称", "办公室　　2023年12月20日印发");
- the space between joint issuers, in any line ("中共中央 国务院关于……", "省委 省政府"), see agencies.py;
- ideographic spaces in a list of names ("出席：赵立新　孙海涛　王　芳"), and the space after an
  article number ("第一条　为了……").
"""

from __future__ import annotations

import re
from bisect import bisect_right

from tasks.text.chars import CJK, FW_PUNCT, HAN, WS
from tasks.text.markers import is_flattened
from tasks.text.numerals import NUMERAL

from .agencies import between_organs
from .base import P_NUM, Edit, Rule, Step, rewrite

_SPACES = re.compile(f"[{WS}\r]+")
_DIGIT = re.compile(rf"[\d{P_NUM}%]")
_CJK_CHAR = re.compile(f"[{CJK}]")
_FW_CHAR = re.compile(f"[{FW_PUNCT}]")
_PARAGRAPH_BREAK = re.compile("\u3000{2,}")
_SENTENCE_END = "。！？”…"
_SENTENCE_MARK = re.compile("[，。；！？：]")  # 、 lists roles in a speaker line: "副书记、县长　王建国"
_NAME_LIST = re.compile(rf"(?<![{HAN}])[{HAN}]{{1,4}}(?:\u3000+[{HAN}]{{1,4}}){{2,}}(?![{HAN}])")
_NAME_WINDOW = 60
_ARTICLE = re.compile(rf"[{WS}]*第[{HAN}]{{1,5}}[条章节编]")
# In a flattened line: what ends a paragraph, and a heading or title that runs up to a space.
_PIECE_END = re.compile(rf".*[。！？”…；：）{WS}]", re.DOTALL)
_HEADING_PIECE = 60
_MARKER_START = re.compile(rf"{NUMERAL}、|[（(](?:{NUMERAL}|\d{{1,2}})[）)]|\d{{1,2}}[.、]|第{NUMERAL}[，、]")


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


class _Lines:
    """What R11 asks about the line around a space, each answer computed once per line and only when
    asked: most spaces are settled by their neighbours and the line's length."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.newlines = [m.start() for m in re.finditer("\n", text)]
        self._plain: dict[int, bool] = {}
        self._flattened: dict[int, bool] = {}

    def bounds(self, at: int) -> tuple[int, int]:
        number = bisect_right(self.newlines, at)
        start = self.newlines[number - 1] + 1 if number else 0
        return start, self.newlines[number] if number < len(self.newlines) else len(self.text)

    def plain(self, start: int, end: int) -> bool:
        """No sentence marks and no heading number: a title, a name, a signature or a table row."""
        if start not in self._plain:
            marked = _SENTENCE_MARK.search(self.text, start, end) or _MARKER_START.match(self.text, start)
            self._plain[start] = marked is None
        return self._plain[start]

    def table_row(self, start: int, end: int) -> bool:
        """Tab-separated cells in this line and the one above or below: a table's rows, whatever the cells
        hold (a Word table read a row a line)."""
        above = self.text.rfind("\n", 0, max(start - 1, 0))
        below = self.text.find("\n", end + 1)
        below = len(self.text) if below < 0 else below
        neighbours = (self.text[above + 1 : max(start - 1, 0)], self.text[end + 1 : below])
        return "\t" in self.text[start:end] and any("\t" in line for line in neighbours)

    def flattened(self, start: int, end: int) -> bool:
        if start not in self._flattened:
            self._flattened[start] = is_flattened(self.text, start, end)
        return self._flattened[start]

    def in_name_list(self, start: int, end: int, at: int) -> bool:
        """Whether the space at `at` parts names in a list; read in a window, a whole text may be one line."""
        low, high = max(start, at - _NAME_WINDOW), min(end, at + _NAME_WINDOW)
        return any(
            m.start() < at < m.end() and (m.end() < high or high == end)
            for m in _NAME_LIST.finditer(self.text, low, high)
        )


def _paragraph_break(text: str, line_start: int, m: re.Match[str]) -> bool:
    """In a flattened line: the space after a sentence, or after a title or heading it closes."""
    if text[m.start() - 1] in _SENTENCE_END + "；：）":
        return True
    window_start = max(line_start, m.start() - _HEADING_PIECE)
    last = _PIECE_END.match(text, window_start, m.start())
    if last is None and window_start > line_start:
        return False  # a long stretch without a break: the space is inside a sentence
    piece_start = last.end() if last else line_start
    return piece_start == line_start or _MARKER_START.match(text, piece_start) is not None


def _inner_spaces(text: str) -> Step:
    lines = _Lines(text)

    def deliberate(m: re.Match[str]) -> bool:
        gap = m.group()
        wide = _PARAGRAPH_BREAK.fullmatch(gap) is not None
        if wide and text[m.start() - 1] in _SENTENCE_END:
            return True
        start, end = lines.bounds(m.start())
        if lines.flattened(start, end) and (len(gap) > 1 or _paragraph_break(text, start, m)):
            return True
        if (len(gap) > 1 or gap in "\u3000\t") and lines.plain(start, end):
            return True
        if "\t" in gap and lines.table_row(start, end):
            return True
        if "\u3000" in gap and lines.in_name_list(start, end, m.start()):
            return True
        if between_organs(text, m.start(), m.end()):
            return True
        return _ARTICLE.fullmatch(text, start, m.start()) is not None

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
