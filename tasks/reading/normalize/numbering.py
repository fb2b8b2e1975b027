"""R3 structure numbers, R4 final marks of headings, and the check for mixed marker styles.

Markers are recognised only at the start of a line (after indentation), so numbers inside a sentence
("包括第一、第二两个部分") are never touched. Whether the numbers run on (gaps, repeats, levels
climbing back up) is checked once, by the structure stage, which knows which lines are headings.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from tasks.text.chars import WS
from tasks.text.markers import ORDINAL, line_start_markers, marker_style
from tasks.text.numerals import NUMERAL, value

from .base import Edit, Flag, Rule, Step


def _fix_markers(text: str) -> Step:
    edits = []
    for at, marker in line_start_markers(text):
        if text[at : at + marker.end] != marker.number:
            edits.append(Edit(at, at + marker.end, marker.number, "structure number"))
    return Step(edits, [])


# R4: a level-1 heading alone on its line loses a final 。；：, unless the item is a sentence. Level
# 2-4 lines such as "（一）指导思想。" are run-in headings whose body was put on the next line; gov.cn
# keeps their 。.
_LEVEL1_LINE = re.compile(rf"^[{WS}]*(?P<number>{NUMERAL})、(?P<body>[^\n]*)", re.MULTILINE)
_HEADING_CHARS = 30
# A heading phrase with a final mark: short, no sentence end inside.
_HEADING_END = re.compile(rf"[^。！？；;!?]{{1,{_HEADING_CHARS}}}?(?P<end>[。；：.;:]+)")
_FINAL_MARKS = "。；：.;:！？!?"
# Signs of a sentence before its final mark: a body after a colon ("劳动节：5月1日放假"), several
# clauses, a sentence ending inside; or more than a heading's length.
_SENTENCE_SIGN = re.compile("[：:，,；;。！？!?]")
_COLON = re.compile("[：:]")


class _Item(NamedTuple):
    start: int  # offset of the body, after the marker
    body: str  # without trailing spaces (R11 trims them later)
    sentence: bool  # reads as a sentence and ends like one


def _is_sentence(body: str) -> bool:
    core = body.rstrip(_FINAL_MARKS)
    return core != body and (len(core) > _HEADING_CHARS or _SENTENCE_SIGN.search(core) is not None)


def _series(text: str) -> list[list[_Item]]:
    """The level-1 lines in series: a series restarts at 一."""
    series: list[list[_Item]] = []
    for m in _LEVEL1_LINE.finditer(text):
        if not series or value(m["number"]) == 1:
            series.append([])
        body = m["body"].rstrip(WS)
        series[-1].append(_Item(m.start("body"), body, _is_sentence(body)))
    return series


def _of_sentences(series: list[_Item]) -> bool:
    """Whether at least half the series' items are sentences: then each item keeps its final mark,
    so the series stays consistent."""
    return 2 * sum(item.sentence for item in series) >= len(series)


def _heading_ends(text: str) -> Step:
    edits = []
    for series in _series(text):
        if _of_sentences(series):
            continue
        for item in series:
            end = _HEADING_END.fullmatch(item.body)
            # A body after a colon ("劳动节：5月1日放假。") makes a sentence whatever its series.
            if end is None or _COLON.search(item.body.rstrip(_FINAL_MARKS)):
                continue
            at = item.start
            edits.append(Edit(at + end.start("end"), at + end.end("end"), "", "final mark of a heading"))
    return Step(edits, [])


RULES = (
    Rule("R3", _fix_markers),
    Rule("R4", _heading_ends),
)


def mixed_marker_flags(text: str) -> list[Flag]:
    """Markers of one level written in another style than the first at that level ("（一）" then
    "(二)"). Reads the input text: the raw marker style is what tells mixed styles apart."""
    flags: list[Flag] = []
    styles: dict[int, str] = {}  # level -> first style seen
    for at, marker in line_start_markers(text):
        if marker.level == ORDINAL:
            continue  # 第一， ranks by depth: it has no style of its own level
        raw = text[at : at + marker.end].rstrip(WS)
        style = marker_style(raw)
        if styles.setdefault(marker.level, style) != style:
            message = f"mixed markers at level {marker.level}: {raw} ({style}, first {styles[marker.level]})"
            flags.append(Flag(at, at + marker.end, message))
    return flags
