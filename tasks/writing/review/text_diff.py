"""A character diff of two long, mostly equal texts, fast enough for a whole document.

difflib on characters is quadratic in the frequent ones (，的。), so the texts are aligned in three
passes: lines, then within unequal lines tokens (a run of letters or ideographs, or one other
character), then within unequal tokens characters. Any alignment is correct (equal spans are equal, the
rest is deleted from `before` and inserted from `after`); the passes only make it read like an editor's.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
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
    i, j = 0, 0
    for bi, aj, size in [*_matching_blocks(b_tokens, a_tokens, 0, 0), (len(b_tokens), len(a_tokens), 0)]:
        c0, c1, d0, d1 = b_starts[i], b_starts[bi], a_starts[j], a_starts[aj]
        if c1 > c0 and d1 > d0:
            spans.extend(_chars(before, after, c0, c1, d0, d1))
        else:
            spans.extend(_changed(c0, c1, d0, d1))
        if size:
            spans.append(Span(Op.EQUAL, b_starts[bi], b_starts[bi + size], a_starts[aj], a_starts[aj + size]))
        i, j = bi + size, aj + size
    return spans


def _matching_blocks(b: list[str], a: list[str], b_origin: int, a_origin: int) -> list[tuple[int, int, int]]:
    """Equal runs (b index, a index, length) in order. Anchored first on the tokens found once on each
    side, in an order both agree on (patience diff): difflib alone is quadratic in a long text's common
    tokens, and between anchors the pieces are short."""
    anchors = _unique_anchors(b, a)
    if not anchors:
        matcher = SequenceMatcher(None, b, a, autojunk=False)
        return [(b_origin + i, a_origin + j, n) for i, j, n in matcher.get_matching_blocks() if n]
    blocks: list[tuple[int, int, int]] = []
    i, j = 0, 0
    for bi, aj in [*anchors, (len(b), len(a))]:
        if bi > i and aj > j:
            blocks.extend(_matching_blocks(b[i:bi], a[j:aj], b_origin + i, a_origin + j))
        if bi < len(b):
            blocks.append((b_origin + bi, a_origin + aj, 1))
        i, j = bi + 1, aj + 1
    return blocks


def _unique_anchors(b: list[str], a: list[str]) -> list[tuple[int, int]]:
    """Pairs (i, j) with b[i] == a[j] found once in each, the longest series increasing on both sides."""
    b_count, a_count = Counter(b), Counter(a)
    a_at = {token: j for j, token in enumerate(a) if a_count[token] == 1}
    pairs = [(i, a_at[t]) for i, t in enumerate(b) if b_count[t] == 1 and t in a_at]
    # the longest series increasing in j too (patience sorting)
    tails: list[int] = []  # tails[k]: the pair ending the best series of length k + 1 found so far
    tail_js: list[int] = []  # its j
    previous = [-1] * len(pairs)
    for index, (_, j) in enumerate(pairs):
        k = bisect_left(tail_js, j)
        previous[index] = tails[k - 1] if k else -1
        if k == len(tails):
            tails.append(index)
            tail_js.append(j)
        else:
            tails[k], tail_js[k] = index, j
    series = []
    index = tails[-1] if tails else -1
    while index >= 0:
        series.append(pairs[index])
        index = previous[index]
    return series[::-1]


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
