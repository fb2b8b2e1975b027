"""Proofreading: doubts a person should look at in the normalized text. It flags and never fixes.

    findings = proofread(normalized.text, document)

Checks: commonly confused words in their context (confusables), miswritten set phrases and words
(wrong_forms), doubled characters and words (doubled), paired marks left open (paired), and a numbered
series whose items end inconsistently (series, from the Document's headings). Precision comes before
recall: each rule fires only where its context makes the text clearly wrong.
"""

from __future__ import annotations

from tasks.model import Document

from . import confusables, doubled, paired, series, wrong_forms
from .finding import Finding, Locator

__all__ = ["Finding", "proofread"]


def proofread(text: str, document: Document | None = None) -> tuple[Finding, ...]:
    """Findings on `text` in reading order. `document` (built from this same text) adds the series check."""
    locator = Locator(text)
    found = [
        *confusables.check(locator),
        *wrong_forms.check(locator),
        *doubled.check(locator),
        *paired.check(locator),
    ]
    if document is not None:
        found.extend(series.check(locator, document))
    unique = {(f.offset, f.length, f.rule): f for f in found}  # two patterns may meet on one word
    return tuple(sorted(unique.values(), key=lambda f: (f.offset, f.rule)))
