"""Which units make the summary, within the budget.

First every top-level section gets its most valuable sentence or sub-heading title: a summary that
skips a point misreports the text. A text without sections gets its opening sentence instead, where
a 公文 states its purpose. Then the most valuable of the rest, titles and sentences alike.

A unit's value is its TextRank score times its novelty, the share of its words (weighted by how
specific they are) that the chosen units do not hold yet, so that nothing is said twice (maximal
marginal relevance). Units are taken by value per character, the length damped, so that short
titles compete with long sentences without crowding them out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from tasks.analysis.summarize.lexicon import idf
from tasks.analysis.summarize.units import Unit

_LENGTH_EXPONENT = 0.7  # value per length**this: 1 would favour the shortest units, 0 the longest
_SECTION_RESERVE = 16  # characters kept free for each section still without a unit


class _Selection:
    def __init__(self, units: Sequence[Unit], scores: Sequence[float], budget: int):
        self.units, self.scores, self.budget = units, scores, budget
        self.chosen: list[int] = []
        self.used = 0
        # Per unit, how many of its words are not yet covered and their weight, kept current as
        # units are chosen (the count, exact, says when nothing new is left).
        self.unseen = [len(unit.terms) for unit in units]
        self.novel = [sum(idf(t) for t in unit.terms) for unit in units]
        self.total = list(self.novel)
        self.holders: dict[str, list[int]] = {}
        for i, unit in enumerate(units):
            for term in unit.terms:
                self.holders.setdefault(term, []).append(i)

    def value(self, i: int) -> float:
        return self.scores[i] * self.novel[i] / self.total[i]

    def density(self, i: int) -> tuple[float, int]:
        return self.value(i) / len(self.units[i].text) ** _LENGTH_EXPONENT, -i

    def fitting(self, candidates: Iterable[int], reserve: int = 0) -> list[int]:
        room = self.budget - self.used - reserve
        return [i for i in candidates if self.unseen[i] and len(self.units[i].text) <= room]

    def add_best(self, candidates: Sequence[int]) -> None:
        if not candidates:
            return
        best = max(candidates, key=self.density)
        self.chosen.append(best)
        self.used += len(self.units[best].text)
        for term in self.units[best].terms:
            for i in self.holders.pop(term, ()):
                self.unseen[i] -= 1
                self.novel[i] -= idf(term)


def _cover_sections(picks: _Selection) -> bool:
    """Each top-level section's most valuable sentence or sub-heading title (its own title, which the
    gist names, does not count); False when the text has no sections.

    A section takes no more than its fair share of the budget when it has anything that short. The
    strongest sections go first, and each leaves room for those still waiting, so that when the
    budget cannot hold them all it is the weakest that go without.
    """
    sections: dict[int, list[int]] = {}
    for i, unit in enumerate(picks.units):
        if unit.section >= 0:
            sections.setdefault(unit.section, []).append(i)
    ranked = sorted(sections.values(), key=lambda members: -max(picks.scores[i] for i in members))
    share = picks.budget // max(len(ranked), 1)
    for waiting, members in zip(range(len(ranked) - 1, -1, -1), ranked, strict=True):
        own = [i for i in members if picks.units[i].depth != 1]
        fair = [i for i in own if len(picks.units[i].text) <= share]
        reserve = waiting * _SECTION_RESERVE
        picks.add_best(picks.fitting(fair, reserve) or picks.fitting(own, reserve))
    return bool(sections)


def choose(units: Sequence[Unit], scores: Sequence[float], budget: int) -> list[int]:
    """Indices of the chosen units in reading order, at most `budget` characters in all."""
    picks = _Selection(units, scores, budget)
    if not _cover_sections(picks):
        # Without headings to name its points, a 公文's opening sentence (its purpose) leads.
        picks.add_best(picks.fitting([i for i, unit in enumerate(units) if unit.opens]))
    while pool := picks.fitting(range(len(units))):
        picks.add_best(pool)
    return sorted(picks.chosen)
