"""Where each character of the text being normalized came from in the input.

Piecewise: a segment starting at current offset cur[k] began at input offset orig[k]; characters of
an unchanged segment follow one by one, those of a replacement all map to where the replaced text
began. Composing an edit costs O(log n) per edit, so a 10 MB text with no changes pays nothing.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable

from .base import Edit


class OffsetMap:
    def __init__(self, cur: list[int], orig: list[int], fixed: list[bool]) -> None:
        self.cur, self.orig, self.fixed = cur, orig, fixed

    @classmethod
    def identity(cls) -> OffsetMap:
        return cls([0], [0], [False])

    def __getitem__(self, offset: int) -> int:
        k = bisect_right(self.cur, offset) - 1
        return self.orig[k] if self.fixed[k] else self.orig[k] + offset - self.cur[k]

    def edited(self, edits: Iterable[Edit]) -> OffsetMap:
        """The map of the text after applying sorted, non-overlapping `edits`."""
        cur: list[int] = []
        orig: list[int] = []
        fixed: list[bool] = []

        def keep(start: int, end: int | None, shift: int) -> None:
            """Old text [start, end) survives, moved by `shift`; end None means to the end."""
            k = bisect_right(self.cur, start) - 1
            cur.append(start + shift)
            orig.append(self[start])
            fixed.append(self.fixed[k])
            stop = len(self.cur) if end is None else bisect_left(self.cur, end)
            cur.extend([c + shift for c in self.cur[k + 1 : stop]])
            orig.extend(self.orig[k + 1 : stop])
            fixed.extend(self.fixed[k + 1 : stop])

        shift = prev = 0
        for e in edits:
            if prev < e.start:
                keep(prev, e.start, shift)
            if e.after:
                cur.append(e.start + shift)
                orig.append(self[e.start])
                fixed.append(True)
            shift += len(e.after) - (e.end - e.start)
            prev = e.end
        keep(prev, None, shift)
        return OffsetMap(cur, orig, fixed)
