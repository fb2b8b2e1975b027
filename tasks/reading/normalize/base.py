"""Building blocks shared by the rule modules: placeholders, edits, flags and rule steps.

A rule step reads the whole (protected) text and returns edits and flags in that text's offsets;
the pipeline applies them and maps every position back to the input. Steps scan with compiled
regexes, so a text with nothing to fix costs one C-level search per step.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

# Placeholders for protected spans (R1): one that reads like Latin text, one that reads like a number.
P_TEXT = "\ue000"
P_NUM = "\ue001"


class Edit(NamedTuple):
    """Replace text[start:end] with `after`."""

    start: int
    end: int
    after: str
    note: str = ""


class Flag(NamedTuple):
    """A warning about text[start:end]; the text is left as it is."""

    start: int
    end: int
    message: str


class Step(NamedTuple):
    edits: list[Edit]
    flags: list[Flag]


class Rule(NamedTuple):
    name: str  # "R7"
    apply: Callable[[str], Step]


Replacement = Callable[[re.Match[str]], str | None]


def rewrite(
    pattern: re.Pattern[str], replace: Replacement, note: str, group: int | str = 0
) -> Callable[[str], Step]:
    """A step replacing `group` of each match by replace(match); None or an unchanged string: no edit."""

    def apply(text: str) -> Step:
        edits = []
        for m in pattern.finditer(text):
            after = replace(m)
            if after is not None and after != m.group(group):
                edits.append(Edit(m.start(group), m.end(group), after, note))
        return Step(edits, [])

    return apply


def flag_all(pattern: re.Pattern[str], message: str) -> Callable[[str], Step]:
    """A step that only warns, once per match."""

    def apply(text: str) -> Step:
        return Step([], [Flag(m.start(), m.end(), message) for m in pattern.finditer(text)])

    return apply
