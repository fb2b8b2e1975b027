"""A numbered series whose items end inconsistently: 一、…。 二、… 三、…。, or （一）…； （二）…。 （三）…；.

A series is the run of headings or provisions at one level, of one numbering style, under one parent
(Document.headings). GB/T 15834 (4.1 句号, 4.4 分号) lets an enumeration end every item with ；
and the last with 。, so that pattern is consistent; a colon, question or exclamation mark says
something of its own and is not compared. Only standalone lines are read: an inline heading's end
is the delimiter that made it a heading.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from tasks.model import Document, Heading, HeadingKind

from .finding import Finding, Locator

_NUMERALS = re.compile("[一二三四五六七八九十百零〇0-9０-９]+")
_CLOSERS = "”’）》】〕"
_NEUTRAL = frozenset("：！？…")
_NAMES = {"。": "with 。", "；": "with ；", "，": "with ，", "": "without punctuation"}
MIN_SERIES = 3  # a majority of two is no evidence


def _style(heading: Heading) -> str:
    return _NUMERALS.sub("N", heading.number)


def series_runs(headings: tuple[Heading, ...]) -> Iterator[list[Heading]]:
    """Runs of siblings: same level, kind and numbering style, no heading of a higher level between."""
    open_runs: dict[int, list[Heading]] = {}
    for h in headings:
        for level in [lvl for lvl in open_runs if lvl > h.level]:
            yield open_runs.pop(level)
        run = open_runs.get(h.level)
        if run and (run[-1].kind, _style(run[-1])) == (h.kind, _style(h)):
            run.append(h)
        else:
            if run:
                yield run
            open_runs[h.level] = [h]
    yield from open_runs.values()


def _end_of_line(text: str, offset: int) -> int:
    """Offset just after the last non-space character of the line holding `offset`."""
    end = text.find("\n", offset)
    end = len(text) if end < 0 else end
    while end > offset and text[end - 1].isspace():
        end -= 1
    return end


def _ending(text: str, end: int) -> str:
    """The line's final mark: 。 ； ， a neutral mark, or "" (none); closing quotes are looked through."""
    i = end - 1
    while i > 0 and text[i] in _CLOSERS and text[i - 1] in "。；，！？…：":
        i -= 1
    ch = text[i] if i >= 0 else ""
    if ch in _NEUTRAL:
        return "neutral"
    return ch if ch in "。；，" else ""


def final_mark(text: str, heading: Heading) -> str:
    """How the line of a heading or provision ends: "。", "；", "，", "" (no mark) or "neutral"."""
    if heading.inline and heading.kind is not HeadingKind.ITEM:
        return "neutral"  # an inline heading's end is the delimiter that made it one
    return _ending(text, _end_of_line(text, heading.offset))


def _odd_ones(endings: list[str]) -> tuple[str, list[int]]:
    """The series' own ending and the indexes that differ. Item by item ；, the last 。, is consistent."""
    compared = [i for i, e in enumerate(endings) if e != "neutral"]
    if len(compared) < MIN_SERIES:
        return "", []
    last = compared[-1]
    rest = Counter(endings[i] for i in compared[:-1])
    if endings[last] == "。" and rest.most_common(1)[0][0] == "；":
        compared = compared[:-1]  # the enumeration's closing item
    usual, seen = Counter(endings[i] for i in compared).most_common(1)[0]
    if seen < 2 or seen * 2 <= len(compared):
        return "", []  # no clear custom to measure against
    return usual, [i for i in compared if endings[i] != usual]


def check(locator: Locator, document: Document) -> Iterator[Finding]:
    text = locator.text
    for run in series_runs(document.headings):
        endings = [final_mark(text, h) for h in run]
        usual, odd = _odd_ones(endings)
        for i in odd:
            at = max(_end_of_line(text, run[i].offset) - 1, run[i].offset)
            message = f"{run[i].number} ends {_NAMES[endings[i]]}, its siblings {_NAMES[usual]}"
            yield locator.finding("series-end", at, at + 1, message)
