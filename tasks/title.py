"""Breaking a long 2号 title into balanced lines at word boundaries (词意完整).

Shared by both writers so DOCX and PDF break the title the same way. GB/T 9704 asks for a
trapezoid (梯形) or diamond (菱形) shape; an hourglass (long-short-long) is avoided. No line may end
on a word that binds to what follows (的, 和, 与, 及, 关于 ...) or on an opening mark, and none may start
with a closing mark. Widths are grid cells: Latin letters and digits take half a cell.
"""

from __future__ import annotations

import itertools
from functools import lru_cache

from tasks.layout import Profile, text_cells
from tasks.model import BlockKind
from tasks.words import cut

# Words a title line must not end with: they bind to the next word (等 binds to the one before).
_BAD_LINE_ENDS = ("的", "和", "与", "及", "关于", "对", "在", "为", "以", "暨", "并", "或")
_NO_LINE_END = frozenset("（《“‘")
_NO_LINE_START = frozenset("，。、；：？！）》”’…—·")
_MAX_LINES = 4
_INFEASIBLE = float("inf")


def _cost(lines: list[str], limit: float) -> float:
    lengths = [text_cells(line) for line in lines]
    if max(lengths) > limit or not _allowed(lines):
        return _INFEASIBLE
    mean = sum(lengths) / len(lengths)
    cost = sum((n - mean) ** 2 for n in lengths)
    cost += sum(60.0 for line in lines[1:] if line[0] == "的")  # binds to the line before
    if len(lines) >= 3 and any(
        lengths[i] < lengths[i - 1] and lengths[i] < lengths[i + 1] for i in range(1, len(lines) - 1)
    ):
        cost += 30.0  # hourglass
    if len(lines) == 2 and lengths[0] > lengths[1]:
        cost += 0.5  # prefer the upright trapezoid (short over long) among equals
    return cost


def _allowed(lines: list[str]) -> bool:
    ends_ok = all(not line.endswith(_BAD_LINE_ENDS) and line[-1] not in _NO_LINE_END for line in lines[:-1])
    return ends_ok and all(line[0] not in _NO_LINE_START for line in lines[1:])


def _best(title: str, bounds: list[int], max_cells: float) -> tuple[str, ...] | None:
    """The cheapest split at `bounds` into as few lines as fit, or None when no split is allowed."""
    minimum = max(2, int(-(-text_cells(title) // max_cells)))
    for n_lines in range(minimum, min(_MAX_LINES, len(bounds) + 1) + 1):
        best: tuple[float, list[str]] = (_INFEASIBLE, [])
        for cuts in itertools.combinations(bounds, n_lines - 1):
            lines = [title[a:b] for a, b in itertools.pairwise((0, *cuts, len(title)))]
            cost = _cost(lines, max_cells)
            if cost < best[0]:
                best = (cost, lines)
        if best[0] != _INFEASIBLE:
            return tuple(best[1])
    return None


@lru_cache(maxsize=256)
def break_title(title: str, max_cells: float) -> tuple[str, ...]:
    """Split `title` into as few balanced lines of at most `max_cells` grid cells as the words allow.

    Where no split at word boundaries is allowed (a single word longer than a line), any character
    boundary may break, under the same rules; a title too long for that is cut into even lines.
    """
    title = title.strip()
    cells = text_cells(title)
    if cells <= max_cells:
        return (title,)
    words = list(itertools.accumulate(len(w) for w in cut(title)))[:-1]
    found = _best(title, words, max_cells) or _best(title, list(range(1, len(title))), max_cells)
    if found:
        return found
    size = -(-len(title) // int(-(-cells // max_cells)))
    return tuple(title[i : i + size] for i in range(0, len(title), size))


def balanced_lines(kind: BlockKind, text: str, profile: Profile) -> tuple[str, ...] | None:
    """Lines of a centred title (2号) or subtitle (3号), broken by `break_title`; None for other blocks."""
    if kind is BlockKind.TITLE:
        return break_title(text, profile.title_chars_per_line)
    if kind is BlockKind.SUBTITLE:
        return break_title(text, profile.chars_per_line)
    return None
