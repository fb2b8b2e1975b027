"""The gist: one line naming the top-level points, from the top-level headings' own words."""

from __future__ import annotations

import re
from collections.abc import Sequence

from tasks.analysis.summarize.lexicon import is_content
from tasks.model import Heading
from tasks.text.numerals import spelled
from tasks.text.words import cut, tagged

_CLAUSE_END = re.compile(r"[，,；;：:。！？!?]")
_MAX_POINT_CHARS = 20  # longest clause that names a point in the gist


def _count(n: int) -> str:
    """How many points, in words: 两, 十二, 一百二十."""
    return "两" if n == 2 else spelled(n)


def _opens_with_preposition(clause: str) -> bool:
    """以……为重点, 围绕……, 在……中: a clause that frames the point rather than making it."""
    words = tagged(clause)
    return bool(words) and words[0][1] == "p"


def key_phrase(title: str) -> str:
    """The heading's key phrase: its first clause, or, when that only frames the point (以……为重点,
    a preposition first) or is too long, its shortest clause that makes it. Never cut inside a clause:
    a clause too long for a gist is kept whole rather than left unfinished."""
    clauses = [c.strip() for c in _CLAUSE_END.split(title) if c.strip()]
    if not clauses:
        return title.strip()
    first = clauses[0]
    if len(first) <= _MAX_POINT_CHARS and not _opens_with_preposition(first):
        return first
    making = [c for c in clauses if not _opens_with_preposition(c)] or clauses
    return min(
        making,
        key=lambda c: (
            len(c) > _MAX_POINT_CHARS,
            len(c) if len(c) > _MAX_POINT_CHARS else 0,
            clauses.index(c),
        ),
    )


def line_label(title: str, max_chars: int) -> str:
    """What opens a point's line: a short heading whole (讲学习不放松，努力提升政治理论水平), the key
    phrase of a long one or of one that opens with its frame (以……为重点，加快构建新发展格局)."""
    first = _CLAUSE_END.split(title, maxsplit=1)[0].strip()
    if len(title) <= max_chars and not _opens_with_preposition(first):
        return title
    return key_phrase(title)


def points(titles: Sequence[str]) -> list[str]:
    """The key phrase of each heading (see key_phrase).

    Parallel headings that open with the same one-character verb (讲学习不放松, 讲团结, 讲责任 ...)
    shorten further to verb + object (讲学习, 讲团结, 讲责任).
    """
    if not titles:
        return []
    phrases = [key_phrase(title) for title in titles]
    words = [cut(phrase) for phrase in phrases]
    lead = words[0][0] if words[0] else ""
    if (
        len(words) > 1
        and len(lead) == 1
        and tagged(lead)[0][1].startswith("v")
        and all(len(w) > 1 and w[0] == lead and is_content(w[1]) for w in words)
    ):
        return [lead + w[1] for w in words]
    return phrases


def gist_line(top: Sequence[Heading], max_chars: int) -> str:
    """The points named in one line: 共四个方面：讲学习、讲团结、讲责任、讲创新。

    A lone heading gives its point alone; no headings give "". When the points do not fit in
    `max_chars`, the first ones that do are named, then 等.
    """
    named = points([h.title for h in top]) if top else []
    if len(named) < 2:
        return "".join(named)[:max_chars]
    lead = f"共{_count(len(named))}个方面："
    line = lead + "、".join(named) + "。"
    while len(line) > max_chars and len(named) > 1:
        named.pop()
        line = lead + "、".join(named) + "等。"
    return line
