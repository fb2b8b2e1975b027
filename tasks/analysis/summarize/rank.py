"""TextRank over units, on a sparse similarity graph so that long reports cost near-linear time.

Two units are similar by the content words they share, over the log of their lengths (the TextRank
measure). No dense matrix is built: a unit meets only the units next to it in each of its words'
posting lists, and keeps the few it shares most words with.
"""

from __future__ import annotations

import itertools
import math
import operator
from collections import Counter
from collections.abc import Sequence

from tasks.analysis.summarize.units import Unit

_POSTING_WINDOW = 5  # neighbours looked at on each side in a word's posting list
MAX_NEIGHBOURS = 10  # links a unit makes, strongest first (links made to it come on top)
_PAGERANK_ROUNDS = 40
_DAMPING = 0.85
_SETTLED = 1e-3  # largest change of a rank (ranks average 1) at which PageRank stops


def pagerank(graph: list[dict[int, float]]) -> list[float]:
    """PageRank over a symmetric weighted graph given as adjacency dicts; stops once ranks settle."""
    strength = [sum(edges.values()) or 1.0 for edges in graph]
    sources = [list(edges) for edges in graph]
    shares = [[_DAMPING * w / strength[j] for j, w in edges.items()] for edges in graph]
    scores = [1.0] * len(graph)
    for _ in range(_PAGERANK_ROUNDS):
        new = [
            (1 - _DAMPING) + sum(map(operator.mul, share, map(scores.__getitem__, source)))
            for source, share in zip(sources, shares, strict=True)
        ]
        settled = max(map(abs, map(operator.sub, new, scores)), default=0.0) < _SETTLED
        scores = new
        if settled:
            break
    return scores


def similarity_graph(units: Sequence[Unit]) -> list[dict[int, float]]:
    """TextRank similarity (shared words / log lengths), sparse: near posting-list neighbours only.

    Each unit links to the units sharing most words with it among those it meets, and every link
    is kept both ways.
    """
    postings: dict[str, list[int]] = {}
    slots: list[list[tuple[str, int]]] = []
    for i, unit in enumerate(units):
        own = []
        for term in unit.terms:
            posting = postings.setdefault(term, [])
            own.append((term, len(posting)))
            posting.append(i)
        slots.append(own)
    norms = [math.log(2 + len(u.terms)) for u in units]
    graph: list[dict[int, float]] = [{} for _ in units]
    for i, own in enumerate(slots):
        shared = Counter(
            itertools.chain.from_iterable(
                postings[term][max(0, slot - _POSTING_WINDOW) : slot + 1 + _POSTING_WINDOW]
                for term, slot in own
            )
        )
        del shared[i]
        for j, count in shared.most_common(MAX_NEIGHBOURS):  # ties: the first met
            graph[i][j] = graph[j][i] = count / (norms[i] + norms[j])
    return graph


def textrank(units: Sequence[Unit]) -> list[float]:
    """Each unit's centrality times its prior."""
    ranks = pagerank(similarity_graph(units))
    return [rank * unit.prior for rank, unit in zip(ranks, units, strict=True)]
