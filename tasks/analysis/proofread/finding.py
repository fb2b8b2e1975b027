"""The offset -> line/column arithmetic every proofreading check shares (Finding is in tasks.model)."""

from __future__ import annotations

from bisect import bisect_right

from tasks.model import Finding
from tasks.text.positions import line_starts

_EXCERPT = 12  # characters of context either side, as the normalizer's warnings


class Locator:
    """Builds Findings from offsets into one text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts = line_starts(text)

    def finding(self, rule: str, start: int, end: int, message: str, suggestion: str = "") -> Finding:
        line = bisect_right(self._starts, start)
        line_start = self._starts[line - 1]
        line_end = self.text.find("\n", start)
        line_end = len(self.text) if line_end < 0 else line_end
        excerpt = self.text[max(line_start, start - _EXCERPT) : min(line_end, end + _EXCERPT)]
        return Finding(rule, line, start - line_start + 1, end - start, message, excerpt, suggestion, start)
