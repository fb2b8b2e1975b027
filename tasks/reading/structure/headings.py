"""Numbered paragraphs -> headings (standalone or inline) and numbered provisions ("item").

A numbered paragraph is a heading when its first sentence names a topic: short, one clause, followed
by body text or sub-headings. It is an item when it is itself the content: a long clause, a clause
ending in ；, a one-sentence rule followed straight by the next number, or one of a list of such.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from tasks.model import HeadingKind
from tasks.text.chars import HAN, SENTENCE_END, SENTENCE_MARKS
from tasks.text.markers import ORDINAL, Marker, parse_marker

LONG_TITLE = 45  # beyond this a "title" is a provision, not a heading (longest real ones ~ 44)
_LONG_ORDINAL = 30  # 第一，… longer than this opens an ordinary sentence, unless its siblings are headings
_RUN_ON_ORDINAL = 80  # … and longer than this it is never a heading
_MIN_GLOSSARY = 3  # entries
_MAX_LABEL = 12  # characters of a line naming what follows: 名词解释, 注释
_QUOTED_TERM = re.compile(r"“[^”]+”")
_LABEL_PUNCTUATION = re.compile(f"[{SENTENCE_MARKS}]")
_MAX_COLON_TITLE = 30  # "（二）工作目标：到2022年……" takes the ： as the heading's end
# A raw draft may end a sentence with an ASCII full stop after hanzi ("压缩审批时限.一般……"); a
# decimal, a file name or a URL keeps its dot.
_SENTENCE_END = re.compile(rf"[{SENTENCE_END}]|(?<=[{HAN}”’）》])\.(?![\dA-Za-z])")
_COLON = re.compile(r"[：:]")
_TABLE_ROW = re.compile(r"\w[ \t\u3000]+[\w.%]+[ \t\u3000]+\w")  # cells of a flattened table
_TRAILING = " \u3000。.：:；;，,"
_KEPT_END = "？！?!"


@dataclass(frozen=True)
class Draft:
    """What one numbered paragraph says about itself, before its neighbours are seen."""

    marker: Marker
    title: str
    inline: bool
    head_end: int  # end of the heading run in the paragraph (after its 。/：)
    self_contained: bool  # a rule-like clause: ends in ；， or holds ；, or is long
    run_on: bool = False  # a 第一，… whose first sentence is longer than such a heading's usually is
    defines: bool = False  # "term：definition": the title ends at a colon

    @property
    def is_ordinal(self) -> bool:
        return self.marker.level == ORDINAL


KINDS = {False: HeadingKind.HEADING, True: HeadingKind.ITEM}  # by whether a numbered paragraph is a provision


@dataclass(frozen=True)
class Resolved:
    draft: Draft
    level: int
    kind: HeadingKind
    parent: int | None  # index (into the resolved list) of the heading above, in this section
    climbs: bool  # opens a level above the deepest one open under the same parent


def _heading_end(rest: str) -> int | None:
    """Index in `rest` of the mark that ends an inline heading, or None if `rest` is one sentence."""
    body = rest.rstrip(_TRAILING)
    stop = _SENTENCE_END.search(body)
    colon = _COLON.search(body)
    if colon and (stop is None or colon.start() < stop.start()) and colon.start() <= _MAX_COLON_TITLE:
        return colon.start()
    return stop.start() if stop else None


def read_numbered(text: str) -> Draft | None:
    """The heading-or-item reading of one paragraph, or None if it is not numbered."""
    marker = parse_marker(text)
    if marker is None:
        return None
    rest = text[marker.end :]
    end = _heading_end(rest)
    # A question stays one: "为什么要开展主题教育？" keeps its ？ (only 。 and ： close a heading).
    stop = len(rest) if end is None else end + 1 if rest[end] in _KEPT_END else end
    title = rest[:stop].strip().rstrip(_TRAILING)
    if not title or _TABLE_ROW.search(title):
        return None
    ordinal = marker.level == ORDINAL
    if ordinal and len(title) > _RUN_ON_ORDINAL:
        return None
    if end is None:
        head_end = len(text)
        ends_clause = rest.rstrip()[-1] in "；;，,"
    else:
        head_end = marker.end + end + 1
        head_end += 1 if text[head_end : head_end + 1] in ("”", "’") else 0
        ends_clause = False
    long = len(title) > LONG_TITLE and not ordinal
    contained = ends_clause or "；" in title or ";" in title or long
    defines = end is not None and rest[end] in "：:"
    run_on = ordinal and len(title) > _LONG_ORDINAL
    return Draft(marker, title, end is not None, head_end, contained, run_on, defines)


@dataclass(frozen=True)
class Numbered:
    """A numbered body paragraph where it stands: its index among the parts, its section, and whether
    an unnumbered label line ("名词解释") stands right above it."""

    index: int
    draft: Draft
    section: int
    after_label: bool


def _glossary(numbered: list[Numbered], start: int) -> int:
    """How many entries of a glossary start at `numbered[start]`, or 0: under a label line, a series
    1., 2., 3., ... of "term：definition" entries, most terms quoted ("“两重”：是指……"), explains
    words; it is no part of the outline. Headings named by a label ("工作要求" / "1.加强领导：……")
    are rarely quoted terms."""
    first = numbered[start]
    if not first.after_label or first.draft.marker.value != 1:
        return 0
    end = start
    while (
        end < len(numbered)
        and numbered[end].draft.defines
        and numbered[end].draft.marker.level == first.draft.marker.level
        and numbered[end].draft.marker.value == end - start + 1
    ):
        end += 1
    quoted = sum(_QUOTED_TERM.search(entry.draft.title) is not None for entry in numbered[start:end])
    return end - start if end - start >= _MIN_GLOSSARY and 2 * quoted >= end - start else 0


def outline_candidates(numbered: list[Numbered]) -> list[tuple[int, Draft]]:
    """(index, draft) for the numbered paragraphs that may be headings or items, less glossaries and
    each run-on 第一，…: that is a heading only in a section whose other 第X， points are headings-sized
    ("第一，从脱贫攻坚任务看，截至2017年底，……3%以上。" among "第一，加强组织领导。"), else a sentence."""
    short = {n.section for n in numbered if n.draft.is_ordinal and not n.draft.run_on}
    kept: list[tuple[int, Draft]] = []
    position = 0
    while position < len(numbered):
        skip = _glossary(numbered, position)
        if skip:
            position += skip
            continue
        entry = numbered[position]
        if not entry.draft.run_on or entry.section in short:
            kept.append((entry.index, entry.draft))
        position += 1
    return kept


def is_label(text: str) -> bool:
    """A short unpunctuated line naming what follows: "名词解释"."""
    return len(text) <= _MAX_LABEL and not _LABEL_PUNCTUATION.search(text) and parse_marker(text) is None


def resolve(drafts: list[tuple[Draft, int, bool]]) -> list[Resolved]:
    """Levels, parents and kinds for the numbered paragraphs of a document, in order.

    `drafts` holds (draft, section, followed_by_body) where section changes at an attachment and
    followed_by_body tells whether an unnumbered paragraph comes before the next numbered one.
    """
    levels: list[int] = []
    parents: list[int | None] = []
    climbs: list[bool] = []
    stack: list[int] = []
    section = None
    groups: dict[tuple[int, int | None, int], list[int]] = defaultdict(list)
    for index, (draft, sec, _) in enumerate(drafts):
        if sec != section:
            stack, section = [], sec
        level = draft.marker.level
        if level == ORDINAL:
            above = [levels[i] for i in stack if not drafts[i][0].is_ordinal]
            level = min(above[-1] + 1, 4) if above else 1
        deeper = False
        while stack and levels[stack[-1]] >= level:
            deeper = deeper or levels[stack[-1]] > level
            stack.pop()
        parent = stack[-1] if stack else None
        key = (sec, parent, level)
        climbs.append(deeper and not groups[key])
        groups[key].append(index)
        levels.append(level)
        parents.append(parent)
        stack.append(index)

    def next_level(index: int) -> int | None:
        following = index + 1
        if following < len(drafts) and drafts[following][1] == drafts[index][1]:
            return levels[following]
        return None

    signals = [
        draft.self_contained or (not draft.inline and not body and _next_is_sibling(levels[i], next_level(i)))
        for i, (draft, _, body) in enumerate(drafts)
    ]
    # A rule-like clause is a provision. A bare line followed by its sibling is one only in a list that
    # holds rule-like clauses or reads mostly as provisions: beside sub-numbered siblings it is a task
    # heading ("1.全面推行“一窗受理”" next to "2.开展……" with （1）（2） under it).
    item = [draft.self_contained for draft, _, _ in drafts]
    for members in groups.values():
        ruled = any(item[i] for i in members)
        mostly = 2 * sum(signals[i] for i in members) > len(members)
        for i in members:
            item[i] = item[i] or mostly or (ruled and signals[i])
    for i, parent in enumerate(parents):
        if parent is not None and item[parent]:
            item[i] = True  # the sub-clauses of a provision are provisions too
    return [
        Resolved(draft, levels[i], KINDS[item[i]], parents[i], climbs[i])
        for i, (draft, _, _) in enumerate(drafts)
    ]


def _next_is_sibling(level: int, following_level: int | None) -> bool:
    """Nothing numbered follows, or the next number is a sibling or higher: no content of its own."""
    return following_level is None or following_level <= level
