"""R1: protect spans no rule may touch, and restore them at the end.

Each protected span is replaced by one private-use placeholder so later regexes see a single
character: P_NUM for numbers and times (so "增长 1,234.5" still counts as hanzi next to a number),
P_TEXT for everything else (URLs, e-mail, file names, versions, English sentences).
"""

from __future__ import annotations

import re

from .base import P_NUM, P_TEXT

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
