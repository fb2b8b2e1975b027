"""R1: protect spans no rule may touch, and restore them at the end; keep cited titles as written.

Each protected span is replaced by one private-use placeholder so later regexes see a single
character: P_NUM for numbers and times (so "增长 1,234.5" still counts as hanzi next to a number),
P_TEXT for everything else (URLs, e-mail, file names, versions, English sentences).
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right

from .base import P_NUM, P_TEXT, WS, Edit

_URL_TAIL = r"[!-~]*[A-Za-z0-9/#=&_%~+\-]"  # no trailing , . ) : the sentence's marks
# The leading lookahead lets the scanner skip every other character at C speed.
_PATTERN = re.compile(
    "(?=[A-Za-z0-9\ue000\ue001])(?:"
    + "|".join(
        (
            rf"(?P<text>(?:(?:https?|ftp)://|www\.){_URL_TAIL}",
            r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+",
            r"[A-Za-z0-9_\-]+(?:\.[A-Za-z0-9_\-]+)*\."
            r"(?i:docx?|xlsx?|pptx?|pdf|txt|wps|ofd|zip|rar|7z|jpe?g|png|gif|html?|csv|json|xml|md|py)\b",
            r"\b[vV]\d+(?:\.\d+)+\b|(?<![\d.])\d+(?:\.\d+){2,}(?![\d.])",
            # three or more Latin words: an English sentence or name keeps its own punctuation
            r"[A-Za-z][A-Za-z'’\-]*(?:[ ,;:]+[A-Za-z][A-Za-z'’\-]*){2,}(?:[.!?](?![A-Za-z0-9]))?",
            r"[A-Za-z]+['’][A-Za-z]+",  # It's
            "[\ue000\ue001])",  # placeholder code points already in the input
            r"(?P<num>(?<!\d)\d{1,2}:\d{2}(?::\d{2})?(?!\d)",
            r"(?<![\d.])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d])",
            r"(?<![\d.])\d+\.\d+(?![\d.]))",
        )
    )
    + ")"
)


def protect(text: str) -> tuple[str, list[str], list[int]]:
    """Text with placeholders, the protected originals in order, and the placeholder offsets in `text`."""
    spans: list[str] = []
    starts: list[int] = []

    def hide(m: re.Match[str]) -> str:
        spans.append(m.group())
        starts.append(m.start())
        return P_NUM if m.group("num") else P_TEXT

    return _PATTERN.sub(hide, text), spans, starts


_PLACEHOLDER = re.compile("[\ue000\ue001]")


def restore(text: str, spans: list[str]) -> str:
    """Put the protected originals back; rules never add, drop or reorder placeholders."""
    originals = iter(spans)
    return _PLACEHOLDER.sub(lambda _: next(originals), text) if spans else text


# Cited titles and quoted names are the author's (or the issuer's) exact words: rules may read them
# as context but never edit inside. Unlike the spans above they stay in the text, because the marks
# around them (《》 “”) and their hanzi are what the neighbouring rules must see.
# 《…》 may hold one inner title (《关于印发《方案》的通知》, which R8 turns into 〈〉).
_TITLE = re.compile(r"《(?:[^《》\n]|《[^《》\n]*》)*》")
# A quoted name or title (“十四五”, “中共中央 国务院关于……的意见”): no sentence mark inside; a
# quoted sentence is ordinary text.
_QUOTED_NAME = re.compile("“[^“”\n，。；！？：,;!?]{1,80}”")
# R8 repairs the book-title marks themselves, inner ones included.
TITLE_MARK_RULES = frozenset({"R8"})


def _words_inside(mark: re.Match[str]) -> tuple[int, int]:
    """The span inside the marks without padding spaces ("《 人民日报 》"): those are R11's to remove."""
    inside = mark.group()[1:-1]
    start = mark.start() + 1 + len(inside) - len(inside.lstrip(WS))
    return start, max(start, mark.end() - 1 - (len(inside) - len(inside.rstrip(WS))))


def frozen_spans(text: str) -> list[tuple[int, int]]:
    """The words inside cited titles and quoted names: (start, end) offsets, sorted, not overlapping."""
    spans = sorted(_words_inside(m) for pattern in (_TITLE, _QUOTED_NAME) for m in pattern.finditer(text))
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _touches(edit: Edit, start: int, end: int) -> bool:
    if edit.start == edit.end:  # an insertion
        return start <= edit.start <= end
    return edit.start < end and start < edit.end


def outside_frozen(edits: list[Edit], text: str) -> list[Edit]:
    """The sorted `edits` that change nothing inside a frozen span of `text`."""
    spans = frozen_spans(text)
    if not spans:
        return edits
    starts = [start for start, _ in spans]
    kept = []
    for e in edits:
        k = max(bisect_right(starts, e.start) - 1, 0)  # the last span starting at or before the edit
        near = itertools.takewhile(lambda span, stop=e.end: span[0] <= stop, spans[k:])
        if not any(_touches(e, start, end) for start, end in near):
            kept.append(e)
    return kept
