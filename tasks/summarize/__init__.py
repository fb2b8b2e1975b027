"""Extractive summary: a gist line naming the top-level points, key sentences, keywords.

The gist comes from the top-level headings. The key sentences are units of the text itself (body
sentences and the titles of the two top heading levels, see units.py), ranked by TextRank over jieba
words with the generic 公文 vocabulary left out (rank.py), and chosen so that every top-level section
says something and nothing is said twice, within the budget that gist and sentences share
(select.py). Keywords are TF-IDF words and phrases (keywords.py). Every tie is broken by position,
so the same input gives the same summary.
"""

from __future__ import annotations

from tasks.model import Document, KeySentence, Summary
from tasks.summarize.gist import gist_line
from tasks.summarize.keywords import top_keywords
from tasks.summarize.rank import textrank
from tasks.summarize.render import summary_dict, summary_markdown
from tasks.summarize.select import choose
from tasks.summarize.units import collect, top_headings

__all__ = ["summarize", "summary_dict", "summary_markdown"]

_GIST_SHARE = 2  # the gist takes at most 1/this of the budget, leaving the rest to the sections


def summarize(doc: Document, budget_chars: int = 300, keyword_count: int = 8) -> Summary:
    """Gist, then key sentences in document order: at most `budget_chars` characters together."""
    units = collect(doc)
    scores = textrank(units)
    line = gist_line(top_headings(doc), budget_chars // _GIST_SHARE) or (
        doc.title if doc.title_source != "file name" else ""
    )
    if not line:  # no points to name, no title: the opening sentence says what the text is for
        opening = next((i for i, unit in enumerate(units) if unit.opens), None)
        if opening is not None:
            line = units[opening].text
            units, scores = units[:opening] + units[opening + 1 :], scores[:opening] + scores[opening + 1 :]
    chosen = choose(units, scores, budget_chars - len(line))
    return Summary(
        gist=line,
        sentences=tuple(
            KeySentence(units[i].text, units[i].block_index, round(scores[i], 4)) for i in chosen
        ),
        keywords=top_keywords([u for u in units if u.depth == 0], keyword_count),
    )
