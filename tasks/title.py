"""Breaking a long 2号 title into balanced lines at word boundaries (词意完整).

Shared by both writers so DOCX and PDF break the title the same way. GB/T 9704 asks for a
trapezoid (梯形) or diamond (菱形) shape; an hourglass (long-short-long) is avoided, and no line may
end on a function word that binds to what follows (的, 和, 与, 及, 关于 ...).
"""

from __future__ import annotations

import itertools
from functools import lru_cache

from tasks.words import cut

# Words a title line must not end with: they bind to the next word.
_BAD_LINE_ENDS = ("的", "和", "与", "及", "关于", "对", "在", "为", "以", "暨", "并", "或", "等")
_MAX_LINES = 4


def _cost(lines: list[str], limit: int) -> float:
    lengths = [len(line) for line in lines]
    if max(lengths) > limit:
        return float("inf")
    mean = sum(lengths) / len(lengths)
    cost = sum((n - mean) ** 2 for n in lengths)
    cost += sum(100.0 for line in lines[:-1] if line.endswith(_BAD_LINE_ENDS))
    cost += sum(60.0 for line in lines[1:] if line[0] in "的和与及、，）》”")
    if len(lines) >= 3 and any(
        lengths[i] < lengths[i - 1] and lengths[i] < lengths[i + 1] for i in range(1, len(lines) - 1)
    ):
        cost += 30.0  # hourglass
    if len(lines) == 2 and lengths[0] > lengths[1]:
        cost += 0.5  # prefer the upright trapezoid (short over long) among equals
    return cost


@lru_cache(maxsize=256)
def break_title(title: str, max_chars: int) -> tuple[str, ...]:
    """Split `title` into as few balanced lines of at most `max_chars` as the words allow."""
    title = title.strip()
    if len(title) <= max_chars:
        return (title,)
    words = cut(title)
    bounds = list(itertools.accumulate(len(w) for w in words))[:-1]
    minimum = -(-len(title) // max_chars)
    for n_lines in range(minimum, min(_MAX_LINES, len(words)) + 1):
        best: tuple[float, list[str]] | None = None
        for cuts in itertools.combinations(bounds, n_lines - 1):
            edges = (0, *cuts, len(title))
            lines = [title[a:b] for a, b in itertools.pairwise(edges)]
            cost = _cost(lines, max_chars)
            if best is None or cost < best[0]:
                best = (cost, lines)
        if best is not None and best[0] != float("inf"):
            return tuple(best[1])
    # No word boundary fits: break by characters, evenly.
    size = -(-len(title) // minimum)
    return tuple(title[i : i + size] for i in range(0, len(title), size))
