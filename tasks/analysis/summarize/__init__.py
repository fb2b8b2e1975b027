"""Extractive summary, shaped by the kind of document: a gist line, point lines, keywords.

The kind is read from the document's structure (kinds.py): a list of items (a holiday notice)
reports every item with its facts; a notice leads with what it decides (its opening sentence); a
speech or report names its points in the gist. Every point line opens with its heading's key phrase
(gist.py) and goes on with sentences of the text itself, as written: a line is never a heading alone.
Sentences are ranked by TextRank over jieba words (rank.py) and chosen so that every top-level
section says something and nothing is said twice (select.py), within one budget for gist and lines;
whole units are dropped, nothing is cut. Attached and forwarded texts get one line each: their title
and, room permitting, their points. Keywords are TF-IDF terms (keywords.py). Ties are broken by
position, so the same input gives the same summary.
"""

from __future__ import annotations

from dataclasses import replace

from tasks.analysis.summarize.gist import gist_line, line_label
from tasks.analysis.summarize.keywords import top_keywords
from tasks.analysis.summarize.kinds import DEADLINE, FACT, Layout, layout
from tasks.analysis.summarize.rank import textrank
from tasks.analysis.summarize.render import summary_dict, summary_markdown
from tasks.analysis.summarize.select import choose
from tasks.analysis.summarize.units import Unit, collect, item_sentences, opening_sentence, top_headings
from tasks.model import Document, KeySentence, Summary

__all__ = ["summarize", "summary_dict", "summary_markdown"]

_GIST_SHARE = 2  # the gist takes at most 1/this of the budget, leaving the rest to the sections
_OPENING_SHARE = 3  # a notice's opening sentence leads when it leaves 2/3 to its points
_FACT_WEIGHT = 1.3  # a sentence with a date or an amount tells a reader what to act on
_DEADLINE_WEIGHT = 1.5  # ... and one with a deadline says by when (on top of its date)
_LABEL_END = "："
_LABEL_SHARE = 4  # labels take at most 1/this of the budget, or the lines go without them
_MAX_LABEL_CHARS = 24  # a longer heading is a sentence: its key phrase labels its line


def _stand_in(units: list[Unit], scores: list[float], max_chars: int) -> int | None:
    """The sentence that stands for a text with neither points nor title: its opening sentence,
    where a 公文 says what it is for, or else its best; one of at most `max_chars`."""
    short = [i for i, unit in enumerate(units) if len(unit.text) <= max_chars]
    opening = [i for i in short if units[i].opens]
    return opening[0] if opening else max(short, key=lambda i: (scores[i], -i), default=None)


def _section_labels(doc: Document) -> dict[int, tuple[str, int]]:
    """Per top-level section ordinal: its heading's key phrase and the heading's block index."""
    top = top_headings(doc)
    index = {id(b.heading): i for i, b in enumerate(doc.blocks) if b.heading is not None}
    return {
        n: (line_label(heading.title, _MAX_LABEL_CHARS), index[id(heading)]) for n, heading in enumerate(top)
    }


def _lines(
    units: list[Unit], chosen: list[int], scores: list[float], labels: dict[int, tuple[str, int]]
) -> list[KeySentence]:
    """One line per section in reading order: its key phrase, then its chosen units as written."""
    groups: dict[int, list[int]] = {}
    for i in sorted(chosen):
        groups.setdefault(units[i].section if units[i].section in labels else -1 - i, []).append(i)
    found: list[KeySentence] = []
    for section, members in groups.items():
        label, heading_index = labels.get(section, ("", None))
        body = "".join(units[i].text for i in members)
        found.append(
            KeySentence(
                label + _LABEL_END + body if label else body,
                units[members[0]].block_index,
                round(max(scores[i] for i in members), 4),
                label,
                heading_index,
                tuple(dict.fromkeys(units[i].block_index for i in members)),
            )
        )
    return found


def _fit(
    units: list[Unit],
    chosen: list[int],
    scores: list[float],
    labels: dict[int, tuple[str, int]],
    budget: int,
) -> list[KeySentence]:
    """The lines of the chosen units; whole units dropped, lowest score first, until they fit."""
    kept = sorted(chosen)
    while kept:
        lines = _lines(units, kept, scores, labels)
        if sum(len(s.text) for s in lines) <= budget:
            return lines
        kept.remove(min(kept, key=lambda i: (scores[i], -i)))
    return []


def _item_lines(units: list[Unit], labels: dict[int, tuple[str, int]], budget: int) -> list[KeySentence]:
    """Every item with its facts: each item's first sentence, then its others in order while they fit."""
    firsts = {}
    for i, unit in enumerate(units):
        firsts.setdefault(unit.section, i)
    chosen = sorted(firsts.values())
    used = sum(
        len(units[i].text) + len(labels.get(units[i].section, ("",))[0]) + len(_LABEL_END) for i in chosen
    )
    for i, unit in enumerate(units):
        if i not in chosen and used + len(unit.text) <= budget:
            chosen.append(i)
            used += len(unit.text)
    scores = [2.0 if i in firsts.values() else 1.0 for i in range(len(units))]
    return _fit(units, chosen, scores, labels, budget)


def _attachment_lines(doc: Document, shape: Layout, budget: int, with_points: bool) -> list[KeySentence]:
    """One line per attached text: 附件：its title, then (`with_points`) its points when they fit."""
    found: list[KeySentence] = []
    bounds = [a.start for a in shape.attached] + [len(doc.blocks)]
    for attached, end in zip(shape.attached, bounds[1:], strict=True):
        part = replace(doc, blocks=doc.blocks[attached.title_index + 1 : end])
        label = attached.label
        head = f"{label}：{attached.title}" if label else attached.title
        named = gist_line(top_headings(part), budget) if with_points else ""
        found.append(KeySentence(head + "。", attached.title_index, 0.0, label, None))
        if named:
            found[-1] = replace(found[-1], text=f"{head}，{named}")
    for listed_index, name in shape.listed if not shape.attached else ():
        found.append(KeySentence(f"附件：{name}。", listed_index, 0.0, "附件", None))
    return found


def _weigh_facts(units: list[Unit], scores: list[float]) -> list[float]:
    """Scores of a directive's sentences, raised for the facts and deadlines a reader acts on."""
    return [
        score
        * (_FACT_WEIGHT if FACT.search(unit.text) else 1.0)
        * (_DEADLINE_WEIGHT if DEADLINE.search(unit.text) else 1.0)
        for unit, score in zip(units, scores, strict=True)
    ]


def _gist(
    doc: Document,
    main: Document,
    shape: Layout,
    labelled: bool,
    max_chars: int,
    max_opening: int,
    item_room: int,
) -> Unit | str:
    """A notice's or a list's opening sentence (what it decides), else the points named in one line,
    else the title; "" when there is none of these. `item_room`: what a list's items leave free."""
    if shape.kind == "items" or (shape.kind == "notice" and labelled):
        opening = opening_sentence(main)
        # A list's items come first: its opening leads only when every item's facts still fit.
        longest = max_chars if shape.kind == "items" else max_opening
        if opening is not None and len(opening.text) <= min(longest, max(item_room, 0)):
            return opening
    named = gist_line(top_headings(main), max_chars) if shape.kind != "items" else ""
    return named or (doc.title if doc.title_source != "file name" else "")


def summarize(doc: Document, budget_chars: int = 300, keyword_count: int = 8) -> Summary:
    """Gist, then point lines in document order, then one line per attachment: at most
    `budget_chars` characters together (only a document title longer than that is kept whole)."""
    shape = layout(doc)
    main = replace(doc, blocks=doc.blocks[: shape.main_end])
    # A cover note without points of its own (转发, 印发) is summarized by the points of what it sends.
    lent = bool(shape.attached) and not top_headings(main)
    attachments = _attachment_lines(doc, shape, budget_chars // _GIST_SHARE, with_points=not lent)
    budget = budget_chars - sum(len(a.text) for a in attachments)
    units = collect(doc if lent else main)
    scores = textrank(units)
    if shape.kind != "speech":  # a directive's dates and amounts are what its reader acts on
        scores = _weigh_facts(units, scores)
    keyword_units = collect(doc) if shape.attached else units
    keywords = top_keywords([u for u in keyword_units if u.depth == 0], keyword_count)
    labels = _section_labels(doc if lent else main)
    # Labels go with every line only when they leave most of the room to what the sections say.
    labelled = _label_chars(labels) <= budget // _LABEL_SHARE
    if not labelled and shape.kind != "items":
        labels = {}
    items = item_sentences(main) if shape.kind == "items" else []
    item_chars = sum(len(u.text) for u in items) + _label_chars(labels)
    gist = _gist(
        doc, main, shape, labelled, budget // _GIST_SHARE, budget // _OPENING_SHARE, budget - item_chars
    )
    if isinstance(gist, Unit):
        units, scores = _without(units, scores, gist.text)
        line = gist.text
    else:
        line = gist
    stand_in = None if line else _stand_in(units, scores, budget // _GIST_SHARE)
    if stand_in is not None:
        line = units[stand_in].text
        units, scores = units[:stand_in] + units[stand_in + 1 :], scores[:stand_in] + scores[stand_in + 1 :]
    room = budget - len(line)
    if shape.kind == "items":
        lines = _item_lines(items, labels, room)
    else:
        # A top-level title labels its line (or is named in the gist), a sub-heading's title is
        # content inside its point's line: neither is ever a line alone.
        content = [i for i, u in enumerate(units) if u.depth == 0 or (u.depth == 2 and labels)]
        units, scores = [units[i] for i in content], [scores[i] for i in content]
        chosen = choose(units, scores, max(room - _label_chars(labels), 0))
        lines = _fit(units, chosen, scores, labels, room)
    return Summary(line, _in_reading_order(lines, attachments), keywords, shape.kind)


def _in_reading_order(lines: list[KeySentence], attachments: list[KeySentence]) -> tuple[KeySentence, ...]:
    """The main text's lines, then each attachment's line followed by the lines read from it."""
    # At one block an attachment's line (its title) goes before a line read from it.
    return tuple(sorted(lines + attachments, key=lambda s: (s.block_index, s.heading_index is not None)))


def _label_chars(labels: dict[int, tuple[str, int]]) -> int:
    """What the labels cost when every section has a line."""
    return sum(len(label) + len(_LABEL_END) for label, _ in labels.values())


def _without(units: list[Unit], scores: list[float], text: str) -> tuple[list[Unit], list[float]]:
    """The units and their scores but the one that became the gist."""
    keep = [i for i, u in enumerate(units) if u.text != text]
    return [units[i] for i in keep], [scores[i] for i in keep]
