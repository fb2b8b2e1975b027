"""Where the review DOCX's comments go: every warning, doubt and dropped piece as a range of the source
text, which the review DOCX holds whole (its rejected view).

The normalizer reports positions in its input, which has the source's lines (a front-matter block is
blanked line for line); the structure stage and the proofreader report them in the normalized text, which
has as many lines: a position there is carried to the source through an alignment of its line alone.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tasks.model import Diagnostic, DroppedLine, Finding
from tasks.writing.review.text_diff import Op, Span, diff

WHOLE_LINE_CAP = 30  # characters a comment with no excerpt covers from its position, within the line


@dataclass(frozen=True)
class Comment:
    """A comment on source[start:end] (a point when they are equal)."""

    start: int
    end: int
    text: str
    # Whether text inserted just after source[end - 1] is covered too: the normalized text a structure
    # warning or a doubt is about is the inserted one; a deletion or an input position ends where it ends.
    on_inserted: bool = False


def _line_starts(text: str) -> list[int]:
    starts = [0]
    starts.extend(i + 1 for i, char in enumerate(text) if char == "\n")
    return starts


class LineMap:
    """Offsets in the normalized text carried to the source text, line by line."""

    def __init__(self, source: str, normalized: str) -> None:
        self.source, self.normalized = source, normalized
        s_starts, n_starts = _line_starts(source), _line_starts(normalized)
        if len(s_starts) != len(n_starts):  # not line for line: align the texts whole
            s_starts, n_starts = [0], [0]
        self._s_starts, self._n_starts = s_starts, n_starts
        self._spans: dict[int, list[Span]] = {}

    def _segment(self, starts: list[int], text: str, line: int) -> tuple[int, int]:
        end = starts[line + 1] - 1 if line + 1 < len(starts) else len(text)
        return starts[line], end

    def to_source(self, offset: int, end: bool = False) -> int:
        """The source offset of normalized[offset]; `end`: of a range's end, which stays after a change."""
        line = bisect_right(self._n_starts, offset) - 1
        n0, n1 = self._segment(self._n_starts, self.normalized, line)
        s0, s1 = self._segment(self._s_starts, self.source, line)
        column = min(offset, n1) - n0
        if self.source[s0:s1] == self.normalized[n0:n1]:
            return s0 + column
        if line not in self._spans:
            self._spans[line] = diff(self.source[s0:s1], self.normalized[n0:n1])
        changed_from = 0  # where the change a span belongs to starts in the source line
        for span in self._spans[line]:
            changed_from = span.b0 if span.op is not Op.INSERT else changed_from
            if span.a0 <= column < span.a1 or (end and span.a0 < column <= span.a1):
                if span.op is Op.EQUAL:
                    return s0 + span.b0 + column - span.a0
                return s0 + (span.b1 if end else changed_from)  # the whole change: deleted and inserted
        return s1  # at the line's end, after a deletion there

    def source_offset(self, line: int, column: int) -> int:
        """The source offset of a 1-based line and column of the normalizer's input."""
        s_starts = _line_starts(self.source) if len(self._s_starts) == 1 else self._s_starts
        index = min(max(line, 1), len(s_starts)) - 1
        start, end = self._segment(s_starts, self.source, index)
        return min(start + column - 1, end)

    def dropped_ranges(self, dropped: Iterable[DroppedLine]) -> list[tuple[int, int]]:
        return [(self.to_source(d.offset), self.to_source(d.offset + len(d.text), end=True)) for d in dropped]


def _extent(text: str, offset: int, excerpt: str) -> int:
    """Where a warning at text[offset] ends: its excerpt if the text reads so there, else one character, or
    with no excerpt the rest of the line, up to WHOLE_LINE_CAP."""
    line_end = text.find("\n", offset)
    line_end = len(text) if line_end < 0 else line_end
    if excerpt and text.startswith(excerpt, offset):
        return offset + len(excerpt)
    if not excerpt:
        return min(line_end, offset + WHOLE_LINE_CAP)
    return min(line_end, offset + 1)


def comments_for(
    lines: LineMap,
    input_warnings: Sequence[Diagnostic],
    normalized_warnings: Sequence[Diagnostic],
    findings: Sequence[Finding],
    dropped: Sequence[DroppedLine],
) -> list[Comment]:
    """Every comment in source order: the normalizer's warnings (positions in the input), the structure
    stage's (positions in the normalized text), the proofreader's doubts, the pieces left out."""
    comments = []
    for warning in input_warnings:
        start = lines.source_offset(warning.line, warning.column)
        comments.append(Comment(start, _extent(lines.source, start, warning.excerpt), _say(warning)))
    normalized_starts = _line_starts(lines.normalized)
    for warning in normalized_warnings:
        line = min(max(warning.line, 1), len(normalized_starts)) - 1
        offset = min(normalized_starts[line] + warning.column - 1, len(lines.normalized))
        end = _extent(lines.normalized, offset, warning.excerpt)
        start, end = lines.to_source(offset), lines.to_source(end, end=True)
        comments.append(Comment(start, end, _say(warning), on_inserted=True))
    for finding in findings:
        start, end = finding.offset, finding.offset + finding.length
        text = _say(finding.diagnostic())
        start, end = lines.to_source(start), lines.to_source(end, end=True)
        comments.append(Comment(start, end, text, on_inserted=True))
    for piece, (start, end) in zip(dropped, lines.dropped_ranges(dropped), strict=True):
        comments.append(Comment(start, end, f"left out of the document: {piece.reason}"))
    return sorted(comments, key=lambda c: (c.start, c.end))


def _say(warning: Diagnostic) -> str:
    return f"{warning.rule}: {warning.message}"
