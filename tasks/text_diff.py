"""A character diff of two long, mostly equal texts, fast enough for a whole document.

difflib on characters is quadratic in the frequent ones (，的。), so the texts are aligned in three
passes: lines, then within unequal lines tokens (a run of letters or ideographs, or one other
character), then within unequal tokens characters. Any alignment is correct (equal spans are equal, the
rest is deleted from `before` and inserted from `after`); the passes only make it read like an editor's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import StrEnum

_TOKEN = re.compile(r"\w+|.", re.DOTALL)


class Op(StrEnum):
    EQUAL = "equal"
    DELETE = "delete"
    INSERT = "insert"


@dataclass(frozen=True)
class Span:
    """before[b0:b1] and after[a0:a1]: equal text, or a deletion (a0 == a1), or an insertion (b0 == b1)."""

    op: Op
    b0: int
    b1: int
    a0: int
    a1: int


def diff(before: str, after: str) -> list[Span]:
    """Spans covering both texts in order; between two equal spans, one deletion then one insertion.

    Callers that know a piece was removed mask it in `before` with a character `after` lacks ("\x00").
    """
    b_lines, a_lines = before.splitlines(keepends=True), after.splitlines(keepends=True)
    b_starts, a_starts = _starts(b_lines), _starts(a_lines)
    spans: list[Span] = []
    matcher = SequenceMatcher(None, b_lines, a_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        b0, b1, a0, a1 = b_starts[i1], b_starts[i2], a_starts[j1], a_starts[j2]
        if tag == "equal":
            spans.append(Span(Op.EQUAL, b0, b1, a0, a1))
        elif tag == "replace" and before[b1 - 1] == after[a1 - 1] == "\n":  # lines stay lines
            spans.extend(_tokens(before, after, b0, b1 - 1, a0, a1 - 1))
            spans.append(Span(Op.EQUAL, b1 - 1, b1, a1 - 1, a1))
        elif tag == "replace":
            spans.extend(_tokens(before, after, b0, b1, a0, a1))
        else:
            spans.extend(_changed(b0, b1, a0, a1))
    return _merge(spans)


def _tokens(before: str, after: str, b0: int, b1: int, a0: int, a1: int) -> list[Span]:
    b_tokens, a_tokens = _TOKEN.findall(before, b0, b1), _TOKEN.findall(after, a0, a1)
    b_starts, a_starts = _starts(b_tokens, b0), _starts(a_tokens, a0)
    spans: list[Span] = []
    matcher = SequenceMatcher(None, b_tokens, a_tokens, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        c0, c1, d0, d1 = b_starts[i1], b_starts[i2], a_starts[j1], a_starts[j2]
        if tag == "equal":
            spans.append(Span(Op.EQUAL, c0, c1, d0, d1))
        elif tag == "replace":
            spans.extend(_chars(before, after, c0, c1, d0, d1))
        else:
            spans.extend(_changed(c0, c1, d0, d1))
    return spans


def _chars(before: str, after: str, b0: int, b1: int, a0: int, a1: int) -> list[Span]:
    spans: list[Span] = []
    matcher = SequenceMatcher(None, before[b0:b1], after[a0:a1], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            spans.append(Span(Op.EQUAL, b0 + i1, b0 + i2, a0 + j1, a0 + j2))
        else:
            spans.extend(_changed(b0 + i1, b0 + i2, a0 + j1, a0 + j2))
    return spans


def _changed(b0: int, b1: int, a0: int, a1: int) -> list[Span]:
    spans = []
    if b1 > b0:
        spans.append(Span(Op.DELETE, b0, b1, a0, a0))
    if a1 > a0:
        spans.append(Span(Op.INSERT, b1, b1, a0, a1))
    return spans


def _starts(pieces: list[str], origin: int = 0) -> list[int]:
    """Offsets where each piece starts, and where the last one ends."""
    starts = [origin]
    for piece in pieces:
        starts.append(starts[-1] + len(piece))
    return starts


def _merge(spans: list[Span]) -> list[Span]:
    """Adjacent spans of one kind as one; the changes between two equal spans as one deletion and one
    insertion."""
    merged: list[Span] = []
    pending: list[Span] = []

    def flush() -> None:
        if pending:
            merged.extend(_changed(pending[0].b0, pending[-1].b1, pending[0].a0, pending[-1].a1))
            pending.clear()

    for span in spans:
        if span.b0 == span.b1 and span.a0 == span.a1:
            continue
        if span.op is not Op.EQUAL:
            pending.append(span)
            continue
        flush()
        if merged and merged[-1].op is Op.EQUAL:
            prev = merged.pop()
            span = Span(Op.EQUAL, prev.b0, span.b1, prev.a0, span.a1)
        merged.append(span)
    flush()
    return merged
