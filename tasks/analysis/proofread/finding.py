"""What the proofreader reports: a Finding, and the offset -> line/column arithmetic they all share."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from tasks.model import Diagnostic
from tasks.text.positions import line_starts

_EXCERPT = 12  # characters of context either side, as the normalizer's warnings


@dataclass(frozen=True)
class Finding:
    """A doubt about the text, never a change. line/column are 1-based in the text proofread."""

    rule: str  # "confusable", "set-phrase", "doubled", "unpaired", "series-end"
    line: int
    column: int
    length: int  # characters the finding covers, from column on
    message: str
    excerpt: str
    suggestion: str = ""  # what the text probably means, for a person to decide; "" when none
    offset: int = 0  # 0-based offset of the first character, for writers that anchor comments

    def diagnostic(self) -> Diagnostic:
        """The same finding as the pipeline's generic warning record."""
        hint = f" (→ {self.suggestion})" if self.suggestion else ""
        return Diagnostic(self.rule, self.line, self.column, self.message + hint, self.excerpt)


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
