"""R1: protect spans no rule may touch, and restore them at the end; keep cited titles as written.

Each protected span is replaced by one private-use placeholder so later regexes see a single
character: P_NUM for numbers and times (so "增长 1,234.5" still counts as hanzi next to a number),
P_TEXT for everything else (URLs, e-mail, file names, versions, English sentences).
"""

from __future__ import annotations

import re
from bisect import bisect_right

from tasks.text.chars import WS

from .base import P_NUM, P_TEXT, Edit

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
# around them (《》 “”) and their hanzi are what the neighbouring rules must see. One pattern, so the
# spans come sorted and never overlap (a name quoted inside a title is part of the title):
# - a title, which may hold one inner title (《关于印发《方案》的通知》, which R8 turns into 〈〉);
# - a quoted name or title (“十四五”, “中共中央 国务院关于……的意见”): no sentence mark inside, for a
#   quoted sentence is ordinary text.
# Spaces just inside the marks ("《 人民日报 》") are padding, not words: R11 may remove them.
_FROZEN = re.compile(
    rf"《[{WS}]*(?P<title>(?:[^《》\n]|《[^《》\n]*》)*?)[{WS}]*》"
    rf"|“[{WS}]*(?P<name>[^“”\n，。；！？：,;!?]{{1,80}}?)[{WS}]*”"
)
# R8 repairs the book-title marks themselves, inner ones included.
TITLE_MARK_RULES = frozenset({"R8"})
# The rules that make or unmake the marks around a frozen span (<<X>> -> 《X》, "X" -> “X”).
_MARK_MAKERS = frozenset({"R8", "R9"})


def frozen_spans(text: str) -> list[tuple[int, int]]:
    """The words inside cited titles and quoted names: (start, end) offsets, sorted, not overlapping."""
    return [m.span(m.lastindex or 0) for m in _FROZEN.finditer(text)]


def _touches(edit: Edit, start: int, end: int) -> bool:
    if edit.start == edit.end:  # an insertion
        return start <= edit.start <= end
    return edit.start < end and start < edit.end


class FrozenSpans:
    """The frozen spans of the text being normalized, kept current as the rules edit it: found once,
    then moved by each rule's edits, and found again only after a rule that makes title or quote marks."""

    def __init__(self, text: str) -> None:
        self.spans = frozen_spans(text)

    def outside(self, edits: list[Edit]) -> list[Edit]:
        """The sorted, non-overlapping `edits` that change nothing inside a frozen span."""
        if not self.spans or not edits:
            return edits
        starts = [start for start, _ in self.spans]
        kept = []
        for e in edits:
            k = max(bisect_right(starts, e.start) - 1, 0)  # the last span starting at or before the edit
            touched = False
            while k < len(self.spans) and self.spans[k][0] <= e.end and not touched:
                touched = _touches(e, *self.spans[k])
                k += 1
            if not touched:
                kept.append(e)
        return kept

    def edited(self, rule: str, edits: list[Edit], text: str) -> None:
        """Follow `edits` (kept by `outside`, unless `rule` repairs title marks), now applied to `text`."""
        if rule in _MARK_MAKERS:
            self.spans = frozen_spans(text)
            return
        moved, shift, i = [], 0, 0
        for start, end in self.spans:
            while i < len(edits) and edits[i].end <= start:
                shift += len(edits[i].after) - (edits[i].end - edits[i].start)
                i += 1
            moved.append((start + shift, end + shift))
        self.spans = moved
