"""R3 structure numbers, R4 final marks of headings, and the line-structure checks.

Markers are recognised only at the start of a line (after indentation), so numbers inside a sentence
("包括第一、第二两个部分") are never touched.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from .base import CN_NUMBER, WS, Edit, Flag, Rule, Step, cn_to_int

_LEAD = rf"^(?P<lead>[{WS}]*)"
_GAP = rf"[{WS}]*"  # spaces after a marker go with it; R11 would otherwise close "1 、" up after R3 ran
# "一、二季度", "第一、二批": a series of numerals opening a sentence, not a marker.
_SERIES = rf"(?!{CN_NUMBER}(?:[、，,至到]|季度|产业|批|类|级|等|期|档|次|轮|个|线|号|月))"

# One alternative per level; group names say which.
_MARKER = re.compile(
    _LEAD
    + "(?:"
    + rf"(?P<l1>{CN_NUMBER}){_GAP}[、.．,，:：。]{_GAP}{_SERIES}(?=[^{WS}\n])"
    + rf"|[(（](?P<l2>{CN_NUMBER})[)）]、?{_GAP}"
    + rf"|(?P<l3>\d{{1,2}}){_GAP}(?:[、，,．]|\.(?!\d)){_GAP}(?=[^{WS}\d\n])"
    + rf"|(?:[(（](?P<l4>\d{{1,2}})[)）]、?|(?P<c4>[⑴-⒇])){_GAP}"
    + rf"|第(?P<ord>{CN_NUMBER})、(?!第){_SERIES}"
    + ")",
    re.MULTILINE,
)


class Marker(NamedTuple):
    level: int  # 1..4; 0 for 第一，
    number: int
    canonical: str  # "一、", "（一）", "1.", "（1）", "第一，"


def read_marker(m: re.Match[str]) -> Marker:
    if m["l1"]:
        return Marker(1, cn_to_int(m["l1"]), m["l1"] + "、")
    if m["l2"]:
        return Marker(2, cn_to_int(m["l2"]), f"（{m['l2']}）")
    if m["l3"]:
        return Marker(3, int(m["l3"]), m["l3"] + ".")
    if m["ord"]:
        return Marker(0, cn_to_int(m["ord"]), f"第{m['ord']}，")
    number = int(m["l4"]) if m["l4"] else ord(m["c4"]) - 0x2473
    return Marker(4, number, f"（{number}）")


def _fix_markers(text: str) -> Step:
    edits = []
    for m in _MARKER.finditer(text):
        canonical = read_marker(m).canonical
        if m.group()[m.end("lead") - m.start() :] != canonical:
            edits.append(Edit(m.end("lead"), m.end(), canonical, "structure number"))
    return Step(edits, [])


# R4: a level-1 heading alone on its line loses a final 。；：, unless the item is a sentence. Level
# 2-4 lines such as "（一）指导思想。" are run-in headings whose body was put on the next line; gov.cn
# keeps their 。.
_LEVEL1_LINE = re.compile(rf"^[{WS}]*(?P<number>{CN_NUMBER})、(?P<body>[^\n]*)", re.MULTILINE)
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
        if not series or cn_to_int(m["number"]) == 1:
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


def _style(raw: str) -> str:
    """The marker with its number blanked and spaces dropped: "(四)" -> "(N)", "1 、" -> "N、"."""
    return _NUMBER.sub("N", _SPACE.sub("", raw))


_SPACE = re.compile(f"[{WS}]+")


_NUMBER = re.compile(rf"{CN_NUMBER}|\d+|[⑴-⒇]")


def structure_flags(text: str) -> list[Flag]:
    """Numbering gaps, mixed marker styles at one level, and levels climbing back up.

    Reads the input text: the raw marker style is what tells mixed styles apart.
    """
    flags: list[Flag] = []
    last: dict[int, tuple[int, str]] = {}  # level -> (number, marker) of the latest heading
    styles: dict[int, str] = {}  # level -> first style seen
    stack: list[tuple[int, str]] = []  # open headings (level, marker), outermost first
    first_child: dict[int, tuple[int, str]] = {}  # depth in stack -> level and marker of its first child
    for m in _MARKER.finditer(text):
        marker = read_marker(m)
        if marker.level == 0:
            continue  # 第一， ranks by depth; its numbering is checked by the outline stage
        start = m.end("lead")
        raw = text[start : m.end()].rstrip(WS)
        prev = last.get(marker.level)
        if prev and marker.number == prev[0]:
            flags.append(Flag(start, m.end(), f"number repeated: {raw} follows {prev[1]}"))
        elif prev and marker.number not in (1, prev[0] + 1):
            flags.append(Flag(start, m.end(), f"numbering gap: {raw} follows {prev[1]}"))
        style = _style(raw)
        if styles.setdefault(marker.level, style) != style:
            flags.append(
                Flag(
                    start,
                    m.end(),
                    f"mixed markers at level {marker.level}: {raw} ({style}, first {styles[marker.level]})",
                )
            )
        while stack and stack[-1][0] >= marker.level:
            first_child.pop(len(stack), None)
            stack.pop()
        sibling = first_child.setdefault(len(stack), (marker.level, raw))
        if marker.level < sibling[0]:
            flags.append(
                Flag(
                    start,
                    m.end(),
                    f"heading level climbs back up: {raw} (level {marker.level}) "
                    f"after {sibling[1]} (level {sibling[0]})",
                )
            )
        stack.append((marker.level, raw))
        last[marker.level] = (marker.number, raw)
        for deeper in [level for level in last if level > marker.level]:
            del last[deeper]
    return flags
