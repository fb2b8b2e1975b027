"""What a summary is made of: the body's sentences and the titles of the two top heading levels.

A title is text of the document and its author's own summary of the section under it: a top-level
title labels its section's line, a sub-heading's title is read as a sentence (closed with 。) inside
it. Sentences are whole: they end at 。！？ and keep their words as written; only list markers in
front are dropped. In a list of items (item_sentences) every sentence counts, short ones too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from tasks.analysis.summarize.lexicon import is_content, is_formulaic
from tasks.model import Block, BlockKind, Document, Heading, HeadingKind
from tasks.text.words import cut

# A sentence ends at 。！？ (plus closing quotes); ；and ， do not end one, so nothing is cut mid-sentence.
_SENTENCE = re.compile(r"[^。！？!?]+(?:[。！？!?…]+[”’」』）)]*)?")
# Numbering that opens a provision ("一、", "（二）", "3.", "第四，") labels a sentence; it is not part of it.
_MARKER = re.compile(
    r"^(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十百零]+[、.．]|\d+[、.．]|第[一二三四五六七八九十]+[，、]"
    r"|[一二三四五六七八九十]+是(?=[^，,。]{2}))"
)
_LEADING_JUNK = "，,、；;：:。—- \u3000\t"
_ENDS = ("。", "！", "？", "!", "?", "…")
_CLOSERS = "”’」』）)"

_MIN_SENTENCE_CHARS = 16  # shorter ones ("学习的目的在于运用。") rarely stand alone in a summary
_MIN_POINT_CHARS = 6  # a paragraph's opening point ("——综合实力显著增强。") may be this short
_MAX_POINT_CHARS = 20
_DOCUMENT_LEAD = 2.0  # a 公文 states its purpose in its first sentence (unless that is ceremony)
_SECTION_LEAD = 1.3  # ... and a section's point in its first sentence
_PARAGRAPH_LEAD = 1.1  # ... and a paragraph's point in its first
_HEADING_ECHO = 1.0  # prior gained by a sentence holding all the words of its headings
_HEADING_PRIOR = 2.5  # a title is its author's own summary of the section under it
_HEADING_DEPTHS = (1, 2)  # heading levels, counted from the top one present, that are summary material


@dataclass(frozen=True)
class Unit:
    """A candidate for the summary: a body sentence, or a heading title read as a sentence."""

    text: str
    block_index: int
    section: int  # ordinal of the top-level section it sits in; -1 before the first one
    depth: int  # 0 for a body sentence; 1 for a top-level heading, 2 for the level below
    prior: float  # weight from position and from words shared with its headings
    words: tuple[str, ...]  # all words, in order (for keywords)
    terms: tuple[str, ...]  # distinct content words, in order of first use (for similarity)
    opens: bool = False  # the text's first sentence, where a 公文 states its purpose


def top_headings(doc: Document) -> tuple[Heading, ...]:
    """The headings of the highest level present (usually 一、二、 ...)."""
    top = min((h.level for h in doc.outline), default=0)
    return tuple(h for h in doc.outline if h.level == top)


def _body_text(block: Block) -> str:
    """The block's text without its inline heading run: that run is a heading, not a sentence."""
    return "".join(run.text for run in block.runs if run.heading_level is None)


def _split(text: str) -> list[str]:
    """Sentences of `text`, each stripped of leading punctuation and numbering."""
    sentences = []
    for match in _SENTENCE.finditer(text):
        sentence = _MARKER.sub("", match.group().lstrip(_LEADING_JUNK)).lstrip(_LEADING_JUNK).rstrip()
        if sentence:
            sentences.append(sentence)
    return sentences


def _is_material(sentence: str, opens_paragraph: bool) -> bool:
    """A whole sentence (a line without 。！？ is a title, a byline, a list's lead-in "……如下："),
    long enough to stand alone, not a bracketed aside ("（财政部负责）"), not procedure."""
    short_point = opens_paragraph and _MIN_POINT_CHARS <= len(sentence) <= _MAX_POINT_CHARS
    return (
        sentence.rstrip(_CLOSERS).endswith(_ENDS)
        and (len(sentence) >= _MIN_SENTENCE_CHARS or short_point)
        and not (sentence[0] in "（(" and sentence[-1] in "）)")
        and not is_formulaic(sentence)
    )


@lru_cache(maxsize=16384)
def _words(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """All words of a sentence and its distinct content words: a text with attachments is read twice
    (its main text, then the whole for keywords), jieba once."""
    words = tuple(cut(text))
    return words, tuple(dict.fromkeys(w for w in words if is_content(w)))


def _unit(text: str, index: int, section: int, depth: int, prior: float) -> Unit:
    return Unit(text, index, section, depth, prior, *_words(text))


def _heading_unit(heading: Heading, index: int, section: int, depth: int) -> Unit:
    title = heading.title if heading.title.endswith(_ENDS) else heading.title + "。"
    return _unit(title, index, section, depth, _HEADING_PRIOR)


def _place(first: bool, lead: bool, position: int) -> float:
    """Prior from where a sentence stands: opening the text, a section, a paragraph, or none."""
    if first:
        return _DOCUMENT_LEAD
    if lead:
        return _SECTION_LEAD
    return _PARAGRAPH_LEAD if position == 0 else 1.0


def collect(doc: Document) -> list[Unit]:
    """Every heading title and material sentence of the body, in reading order."""
    top = min((h.level for h in doc.outline), default=1)
    section = -1
    lead = False  # the next material sentence opens a section
    opening = True  # neither a heading nor a sentence of the body has been read yet
    titles: dict[int, frozenset[str]] = {}  # depth -> words of the current heading at that depth
    found: list[Unit] = []
    for index, block in enumerate(doc.blocks):
        heading = block.heading
        if heading is not None and heading.kind is HeadingKind.HEADING:
            depth = heading.level - top + 1
            if depth == 1:
                section += 1
            lead, opening = True, False
            unit = _heading_unit(heading, index, section, depth)
            titles = {d: words for d, words in titles.items() if d < depth} | {depth: frozenset(unit.terms)}
            if depth in _HEADING_DEPTHS and unit.terms:
                found.append(unit)
        if block.kind != BlockKind.PARAGRAPH:
            continue
        context = frozenset().union(*titles.values())
        for position, text in enumerate(_split(_body_text(block))):
            first, opening = opening, False
            if not _is_material(text, position == 0 and heading is None):
                continue
            unit = _unit(text, index, section, 0, 1.0)
            if not unit.terms:
                continue
            # A sentence that restates its headings, or opens the text, a section or a paragraph,
            # carries the point.
            echo = len(context.intersection(unit.terms)) / len(context) if context else 0.0
            prior = (1 + _HEADING_ECHO * echo) * _place(first, lead, position)
            found.append(replace(unit, prior=prior, opens=first))
            lead = False
    return found


def opening_sentence(doc: Document) -> Unit | None:
    """The first sentence of the body before any heading, where a notice says what it decides
    ("经国务院批准，现将……安排通知如下。"): kept even when it announces what follows."""
    for index, block in enumerate(doc.blocks):
        if block.heading is not None:
            return None
        if block.kind != BlockKind.PARAGRAPH:
            continue
        sentences = _split(block.text)
        if sentences and sentences[0].endswith(_ENDS) and len(sentences[0]) >= _MIN_SENTENCE_CHARS:
            return _unit(sentences[0], index, -1, 0, 1.0)
        return None
    return None


def item_sentences(doc: Document) -> list[Unit]:
    """Every sentence of each top-level item, short ones too: in a list of items (一、元旦：1月1日至3日
    放假调休，共3天。) each sentence is a fact. An item is its heading's line, or, for a heading on a
    line of its own, the paragraph under it; the text before the first item and a closing paragraph
    after the last one are no item's."""
    top = min((h.level for h in doc.outline), default=1)
    section = -1
    open_item = False  # a heading on its own line waits for its paragraph
    found: list[Unit] = []
    for index, block in enumerate(doc.blocks):
        heading = block.heading
        if heading is not None and heading.kind is HeadingKind.HEADING and heading.level == top:
            section += 1
            open_item = not heading.inline
            text = _body_text(block)
        elif open_item and block.kind == BlockKind.PARAGRAPH:
            open_item = False
            text = block.text
        else:
            continue
        found += [
            _unit(sentence, index, section, 0, 1.0)
            for sentence in _split(text)
            if sentence.rstrip(_CLOSERS).endswith(_ENDS)
        ]
    return found
