"""Breaking a long 2号 title into balanced lines at word boundaries (词意完整).

Shared by both writers so DOCX and PDF break the title the same way. Where the author gave the title
on several lines and each fits, those lines are kept. Otherwise GB/T 9704 asks for a trapezoid (梯形)
or diamond (菱形) shape; an hourglass (long-short-long) is avoided. A line never breaks inside a quoted
term (“无废城市”), a 《…》 title, brackets, or a number with its unit (2019年); it avoids breaking a
noun phrase (消费扶贫, 城镇老旧小区, 今后一个时期) and prefers to break after a verb, before its object.
No line may end on a word that binds to what follows (的, 和, 与, 及, 关于 ...) or on an opening mark,
and none may start with a closing mark. Widths are grid cells: Latin letters and digits take half a cell.
"""

from __future__ import annotations

import itertools
from functools import lru_cache

from tasks.model import Block, BlockKind
from tasks.text.chars import NO_LINE_END, NO_LINE_START
from tasks.text.widths import text_cells
from tasks.text.words import tagged
from tasks.writing.layout import Profile

# Words a title line must not end with: they bind to the next word (等 binds to the one before).
_BAD_LINE_ENDS = ("的", "和", "与", "及", "关于", "对", "在", "为", "以", "暨", "并", "或")
# A quoted term never breaks; a 《…》 title or a bracket only where the line cannot hold it whole.
_UNBREAKABLE_PAIRS = {"“": "”", "‘": "’"}
_ENCLOSING_PAIRS = {"《": "》", "（": "）", "(": ")", "「": "」", "〔": "〕", "【": "】"}
_NUMBER_UNITS = frozenset("年月日号时个%％万亿元岁届次期份.．")
_MAX_LINES = 4
_INFEASIBLE = float("inf")
# What a break between two words costs, in the units of the balance cost (squared cells off the
# mean): inside a noun phrase ~ a line 4-5 cells more uneven; beside a conjunction (发展和改革) less.
_PHRASE_BREAK = 40.0
_CONJUNCTION_BREAK = 15.0
_ENCLOSED_BREAK = 60.0
# jieba tags of words that modify or name, and so bind to a following content word.
_BINDS_FORWARD = frozenset({"vn", "an", "t", "m", "q", "f", "a", "ad", "b", "j", "d", "s", "mq", "eng"})
# Adverbs of official titles (全面推进, 深入实施) that jieba's dictionary tags as nouns or adjectives.
_TITLE_ADVERBS = frozenset(
    {"全面", "深入", "切实", "大力", "积极", "认真", "扎实", "稳步", "全力", "着力", "持续"}
)
_CONTENT = frozenset({"vn", "an", "t", "m", "q", "f", "a", "b", "j", "s", "mq", "eng", "v", "i", "l"})


def _binds_forward(tag: str) -> bool:
    return tag.startswith("n") or tag in _BINDS_FORWARD


def _nominal(tag: str) -> bool:
    """A noun-like word: a verb after one is part of the same phrase (计划执行情况), not its head."""
    return tag.startswith("n") or tag in _BINDS_FORWARD - {"d", "a", "ad"}


def _content(tag: str) -> bool:
    return tag.startswith(("n", "v")) or tag in _CONTENT


def _enclosures(title: str) -> tuple[set[int], set[int]]:
    """Offsets where no line may break (inside a quoted term, a number with its unit) and offsets
    inside a 《…》 title or brackets."""
    unbreakable: set[int] = set()
    enclosed: set[int] = set()
    closing: list[str] = []
    for index, char in enumerate(title):
        if closing:
            (unbreakable if any(c in _UNBREAKABLE_PAIRS.values() for c in closing) else enclosed).add(index)
            if char == closing[-1]:
                closing.pop()
        if char in _UNBREAKABLE_PAIRS or char in _ENCLOSING_PAIRS:
            closing.append(_UNBREAKABLE_PAIRS.get(char) or _ENCLOSING_PAIRS[char])
        if index and title[index - 1].isdigit() and (char.isdigit() or char in _NUMBER_UNITS):
            unbreakable.add(index)
    return unbreakable, enclosed


def _word_breaks(title: str) -> dict[int, float]:
    """Offsets between words where a line may break, each with what breaking there costs."""
    words = [(word, "d" if word in _TITLE_ADVERBS else tag) for word, tag in tagged(title)]
    unbreakable, enclosed = _enclosures(title)
    breaks: dict[int, float] = {}
    offset = 0
    previous_tag = ""
    for (word, tag), (_, next_tag) in itertools.pairwise(words):
        offset += len(word)
        if offset not in unbreakable:
            breaks[offset] = _break_cost(previous_tag, tag, next_tag) + _ENCLOSED_BREAK * (offset in enclosed)
        previous_tag = tag
    return breaks


def _break_cost(before: str, tag: str, after: str) -> float:
    """What a break between a word tagged `tag` (after one tagged `before`) and one tagged `after` costs.
    Free after a verb that heads its phrase, before its object (全面推进 / 城镇老旧小区改造工作); a verb
    after a noun or another verb modifies what follows (计划执行情况, 打赢脱贫攻坚战)."""
    if "c" in (tag, after):
        return _CONJUNCTION_BREAK
    if tag == "b":  # a distinguishing word (新型, 重大) always modifies the next
        return 2 * _PHRASE_BREAK
    if tag.startswith("v") and tag != "vn":
        bound = _nominal(before) or before.startswith("v")
        return _PHRASE_BREAK if bound and _content(after) else 0.0
    return _PHRASE_BREAK if _binds_forward(tag) and _content(after) else 0.0


def _cost(lines: list[str], limit: float, latin_space: float) -> float:
    lengths = [text_cells(line, latin_space) for line in lines]
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
    ends_ok = all(not line.endswith(_BAD_LINE_ENDS) and line[-1] not in NO_LINE_END for line in lines[:-1])
    return ends_ok and all(line[0] not in NO_LINE_START for line in lines[1:])


def _best(
    title: str, bounds: dict[int, float], max_cells: float, latin_space: float
) -> tuple[str, ...] | None:
    """The cheapest split at `bounds` (offset -> cost of a break there) into as few lines as fit, or
    None when no split is allowed."""
    minimum = max(2, int(-(-text_cells(title, latin_space) // max_cells)))
    for n_lines in range(minimum, min(_MAX_LINES, len(bounds) + 1) + 1):
        best: tuple[float, list[str]] = (_INFEASIBLE, [])
        for cuts in itertools.combinations(sorted(bounds), n_lines - 1):
            lines = [title[a:b] for a, b in itertools.pairwise((0, *cuts, len(title)))]
            cost = _cost(lines, max_cells, latin_space) + sum(bounds[cut] for cut in cuts)
            if cost < best[0]:
                best = (cost, lines)
        if best[0] != _INFEASIBLE:
            return tuple(best[1])
    return None


@lru_cache(maxsize=256)
def break_title(title: str, max_cells: float, latin_space: float = 0.0) -> tuple[str, ...]:
    """Split `title` into as few balanced lines of at most `max_cells` grid cells as the words allow,
    `latin_space` cells counted where Chinese and a Latin letter or digit meet (Profile.latin_space_cells).

    Where no split at word boundaries is allowed (a single word longer than a line), any character
    boundary may break, under the same rules; a title too long for that is cut into even lines.
    """
    title = title.strip()
    cells = text_cells(title, latin_space)
    if cells <= max_cells:
        return (title,)
    anywhere = dict.fromkeys(range(1, len(title)), 0.0)
    found = _best(title, _word_breaks(title), max_cells, latin_space) or _best(
        title, anywhere, max_cells, latin_space
    )
    if found:
        return found
    size = -(-len(title) // int(-(-cells // max_cells)))
    return tuple(title[i : i + size] for i in range(0, len(title), size))


def balanced_lines(block: Block, profile: Profile) -> tuple[str, ...] | None:
    """Lines of a centred title (2号) or subtitle (3号), None for other blocks: the author's lines (one
    run each) where there are several and each fits, else the text broken by `break_title`."""
    if block.kind is BlockKind.TITLE:
        limit = profile.title_chars_per_line
    elif block.kind is BlockKind.SUBTITLE:
        limit = profile.chars_per_line
    else:
        return None
    authors = tuple(text for run in block.runs if (text := run.text.strip()))
    space = profile.latin_space_cells  # as both files set the lines
    if len(authors) > 1 and all(text_cells(line, space) <= limit for line in authors):
        return authors
    return break_title(block.text, limit, space)
