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
from tasks.summarize.units import Unit, collect, top_headings

__all__ = ["summarize", "summary_dict", "summary_markdown"]

_GIST_SHARE = 2  # the gist takes at most 1/this of the budget, leaving the rest to the sections


def _stand_in(units: list[Unit], scores: list[float], max_chars: int) -> int | None:
    """The sentence that stands for a text with neither points nor title: its opening sentence,
    where a 公文 says what it is for, or else its best; one of at most `max_chars`."""
    short = [i for i, unit in enumerate(units) if len(unit.text) <= max_chars]
    opening = [i for i in short if units[i].opens]
    return opening[0] if opening else max(short, key=lambda i: (scores[i], -i), default=None)


def summarize(doc: Document, budget_chars: int = 300, keyword_count: int = 8) -> Summary:
    """Gist, then key sentences in document order: at most `budget_chars` characters together.

    The gist takes at most half the budget; only a document title longer than that is kept whole.
    """
    units = collect(doc)
    scores = textrank(units)
    keywords = top_keywords([u for u in units if u.depth == 0], keyword_count)
    line = gist_line(top_headings(doc), budget_chars // _GIST_SHARE) or (
        doc.title if doc.title_source != "file name" else ""
    )
    stand_in = None if line else _stand_in(units, scores, budget_chars // _GIST_SHARE)
    if stand_in is not None:
        line = units[stand_in].text
        units, scores = units[:stand_in] + units[stand_in + 1 :], scores[:stand_in] + scores[stand_in + 1 :]
    chosen = choose(units, scores, budget_chars - len(line))
    return Summary(
        gist=line,
        sentences=tuple(
            KeySentence(units[i].text, units[i].block_index, round(scores[i], 4)) for i in chosen
        ),
        keywords=keywords,
    )
