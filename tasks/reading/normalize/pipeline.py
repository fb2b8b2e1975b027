"""The normalizer: rules R1-R14 in their one fixed order, and the engine that runs them.

The engine works on the whole text at once (each step is a handful of compiled regex scans) and keeps
`origin`: for each character of the current text, its offset in the input. Every edit and flag is
mapped through it, so positions in Change and Diagnostic are always line/column of the input.
No edit reaches the words of a cited title or quoted name (protect.FrozenSpans), whatever its rule.
"""

from __future__ import annotations

from bisect import bisect_right

from tasks.model import Change, Diagnostic, NormalizedText
from tasks.text.positions import line_starts

from . import dates, marks, numbering, punctuation, spacing, widths
from .base import P_NUM, Edit, Flag, Rule
from .offsets import OffsetMap
from .protect import TITLE_MARK_RULES, FrozenSpans, protect, restore

# The order is part of the spec: R1 wraps everything, R3 runs before R7, R10 after the marks it
# collapses have become full-width, R11 after every rule that may leave a space beside a mark.
RULES: tuple[Rule, ...] = (
    *widths.RULES,  # R2
    *numbering.RULES,  # R3, R4
    *punctuation.RULES,  # R5, R6, R7
    *marks.RULES,  # R8, R9
    *punctuation.DOUBLED,  # R10
    *spacing.RULES,  # R11
    *dates.RULES,  # R12
    *marks.BALANCE,  # R13
    *punctuation.EXTRAS,  # R14
)

_EXCERPT = 12  # characters of context either side of a warning


class _Positions:
    """Input offset -> 1-based (line, column)."""

    def __init__(self, text: str) -> None:
        self.starts = line_starts(text)

    def at(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


def _apply(text: str, edits: list[Edit]) -> str:
    pieces, prev = [], 0
    for e in edits:
        pieces.append(text[prev : e.start])
        pieces.append(e.after)
        prev = e.end
    pieces.append(text[prev:])
    return "".join(pieces)


def _non_overlapping(edits: list[Edit]) -> list[Edit]:
    kept: list[Edit] = []
    for e in edits:
        if not kept or e.start >= kept[-1].end:
            kept.append(e)
    return kept


def normalize(text: str) -> NormalizedText:
    """Apply R1-R14 to `text`; record every change and every doubt with its input line and column."""
    where = _Positions(text)
    current, spans, starts = protect(text)
    origin = OffsetMap.identity().edited(
        Edit(start, start + len(span), P_NUM) for span, start in zip(spans, starts, strict=True)
    )
    frozen = FrozenSpans(current)
    changes: list[Change] = []
    warnings: list[Diagnostic] = []

    def diagnose(rule: str, flag: Flag, offsets: OffsetMap) -> None:
        begin, end = offsets[flag.start], offsets[max(flag.start, flag.end - 1)] + 1
        line, column = where.at(begin)
        line_start = where.starts[line - 1]
        line_end = text.find("\n", begin)
        line_end = len(text) if line_end < 0 else line_end
        excerpt = text[max(line_start, begin - _EXCERPT) : min(line_end, end + _EXCERPT)]
        warnings.append(Diagnostic(rule, line, column, flag.message, excerpt))

    for rule in RULES:
        step = rule.apply(current)
        for flag in step.flags:
            diagnose(rule.name, flag, origin)
        edits = _non_overlapping(step.edits)
        if rule.name not in TITLE_MARK_RULES:
            edits = frozen.outside(edits)
        if not edits:
            continue
        for e in edits:
            line, column = where.at(origin[e.start])
            changes.append(Change(rule.name, line, column, current[e.start : e.end], e.after, e.note))
        current, origin = _apply(current, edits), origin.edited(edits)
        frozen.edited(rule.name, edits, current)
    for flag in numbering.mixed_marker_flags(text):
        diagnose("numbering", flag, OffsetMap.identity())
    changes.sort(key=lambda c: (c.line, c.column))
    warnings.sort(key=lambda d: (d.line, d.column))
    return NormalizedText(restore(current, spans), tuple(changes), tuple(warnings))
