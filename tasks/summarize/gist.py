"""The gist: one line naming the top-level points, from the top-level headings' own words."""

from __future__ import annotations

import re
from collections.abc import Sequence

from tasks.model import Heading
from tasks.numerals import spelled
from tasks.summarize.lexicon import is_content
from tasks.words import cut

_CLAUSE_END = re.compile(r"[，,；;：:。！？!?]")
_MAX_POINT_CHARS = 20  # longest point before it is cut at a word boundary


def _count(n: int) -> str:
    """How many points, in words: 两, 十二, 一百二十."""
    return "两" if n == 2 else spelled(n)


def points(titles: Sequence[str]) -> list[str]:
    """The leading point of each heading: its first clause, cut short at a word boundary.

    Parallel headings that open with the same one-character verb (讲学习不放松, 讲团结, 讲责任 ...)
    shorten further to verb + object (讲学习, 讲团结, 讲责任).
    """
    clauses = [_CLAUSE_END.split(title, maxsplit=1)[0].strip() or title for title in titles]
    words = [cut(clause) for clause in clauses]
    lead = words[0][0]
    if (
        len(words) > 1
        and len(lead) == 1
        and all(len(w) > 1 and w[0] == lead and is_content(w[1]) for w in words)
    ):
        return [lead + w[1] for w in words]
    found = []
    for clause, parts in zip(clauses, words, strict=True):
        point = ""
        for part in parts:
            if len(point) + len(part) > _MAX_POINT_CHARS:
                break
            point += part
        found.append(point or clause[:_MAX_POINT_CHARS])
    return found


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
