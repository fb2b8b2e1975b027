"""Organisations' names on both sides of a space: joint issuers ("中共中央 国务院", "省委　省政府").

Joint issuers are written with a space between them, in a heading, a sentence or a cited title
alike; without it two names read as one. So R11 keeps a space whose left side ends like an organ's
name and whose right side opens with one. Word boundaries come from jieba, so that a word merely
ending in an organ's character (干部, 全部, 医院) does not count.
"""

from __future__ import annotations

import re

from tasks.text.chars import HAN
from tasks.text.words import cut

# Endings that make an organ's name whatever comes before them.
_NAME_ENDINGS = (
    "中央", "国务院", "政府", "办公厅", "办公室", "委员会", "委会", "人大", "政协", "党委", "党组",
    "军委", "纪委", "监委", "总局", "法院", "检察院", "监会", "银行", "工会", "妇联", "科协", "侨联",
    "残联",
)  # fmt: skip
# One-character endings (财政部, 发展改革委, 教育厅): a name only in a word of three or more
# characters, as the word itself after a longer name (国家卫生健康 / 委), or after a level of
# government (省委, 市委, 县委).
_SHORT_ENDINGS = "委部厅局院署办"
_LEVELS = "省市县区州盟旗乡镇"
# An office of the organ before it (国务院 / 办公厅, 市委 / 常委会) is part of that name, not a second issuer.
_OFFICES = frozenset({"办公厅", "办公室", "常委会", "委员会", "党组", "党委"})
_ENDING_CHARS = "".join({name[-1] for name in _NAME_ENDINGS}) + _SHORT_ENDINGS
_WINDOW = 16  # hanzi read on each side of the space
_NAME_WORDS = 4  # words an organ's name on the right may take (国家 / 卫生 / 健康 / 委)
_LEFT = re.compile(f"[{HAN}]{{1,{_WINDOW}}}$")
_RIGHT = re.compile(f"[{HAN}]{{1,{_WINDOW}}}")


def _names_an_organ(name: str, last_word: str) -> bool:
    """Whether `name`, whose final jieba word is `last_word`, ends like an organ's name."""
    if name.endswith(_NAME_ENDINGS):
        return True
    if not name or name[-1] not in _SHORT_ENDINGS:
        return False
    return (
        len(last_word) >= 3
        or (len(last_word) == 1 and len(name) >= 3)
        or (len(last_word) == 2 and last_word[0] in _LEVELS)
    )


def _left_is_organ(text: str, at: int) -> bool:
    run = _LEFT.search(text, max(0, at - _WINDOW), at)
    if run is None:
        return False
    words = cut(run.group())
    return _names_an_organ(run.group(), words[-1])


def _right_is_organ(text: str, at: int) -> bool:
    run = _RIGHT.match(text, at)
    if run is None:
        return False
    name = ""
    for word in cut(run.group())[:_NAME_WORDS]:
        name += word
        if _names_an_organ(name, word):
            return name not in _OFFICES
    return False


def between_organs(text: str, start: int, end: int) -> bool:
    """Whether the space text[start:end] parts two organisations' names (both sides are hanzi)."""
    return text[start - 1] in _ENDING_CHARS and _left_is_organ(text, start) and _right_is_organ(text, end)
