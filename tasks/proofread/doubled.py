"""Doubled characters and words: 的的, 了了, 是是, 进一步进一步.

Reduplication is grammar in Chinese (常常, 看看, 研究研究, 清清楚楚, 一个一个), so a repeat is a slip
only when jieba reads it as the same whole word twice and that word does not reduplicate: a function
word (的, 了, 在, 和 …), or a word of two or more characters that is not a verb or adjective (ABAB
reduplication: 研究研究, 雪白雪白) nor a numeral with its measure word (一个一个).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tasks.words import tagged

from .finding import Finding, Locator

_HAN = "\u4e00-\u9fff"
# Up to four characters said twice in a row, on one line.
_REPEAT = re.compile(rf"([{_HAN}]{{1,4}})\1")
_CLAUSE_END = re.compile(rf"[^{_HAN}]")
# Single characters that never reduplicate: particles, prepositions, conjunctions, pronouns.
_FUNCTION_CHARS = frozenset("的了着过地得是在和与及或把被将从向对于为以而并也都又还就这那其之所很更最")
# jieba tags of words that reduplicate (ABAB): verbs, adjectives, numerals and measure words, names,
# onomatopoeia. "vn" (a verb used as a noun) is left out: 加强加强 is not.
_REDUPLICATING_TAGS = ("v", "a", "m", "q", "nr", "o", "e", "y")
# Emphasis by saying a degree twice is the speaker's own: 抓得很紧很紧, 非常非常重要.
_DEGREE = ("很", "非常", "特别", "十分", "太", "最", "更加")
_WINDOW = 8  # characters of context either side given to jieba


def _words_around(text: str, start: int, end: int) -> tuple[int, list[tuple[str, str]]]:
    """jieba's (word, tag) pairs of the clause around text[start:end], and the clause's start offset."""
    left = start
    while left > 0 and start - left < _WINDOW and not _CLAUSE_END.match(text[left - 1]):
        left -= 1
    right = end
    while right < len(text) and right - end < _WINDOW and not _CLAUSE_END.match(text[right]):
        right += 1
    return left, tagged(text[left:right])


def _is_slip(text: str, m: re.Match[str]) -> bool:
    unit = m.group(1)
    if unit.startswith(_DEGREE):
        return False
    if len(unit) == 1 and unit not in _FUNCTION_CHARS:
        return False  # 常常, 看看, 人人: a one-character content word reduplicates
    if len(unit) == 1 and text[m.end() : m.end() + 2] == text[m.end()] * 2:
        return False  # AABB: 的的确确, 是是非非
    if len(unit) == 1 and m.start() >= 2 and text[m.start() - 2] == text[m.start() - 1] != unit:
        return False  # the second half of AABB
    left, words = _words_around(text, m.start(), m.end())
    offset, first = left, None
    for word, tag in words:
        if offset == m.start() and word == unit:
            first = (word, tag)
        elif first is not None:
            # The repeat is a slip only if jieba cut it as the same whole word twice.
            if offset != m.start() + len(unit) or word != unit:
                return False
            return len(unit) == 1 or not tag.startswith(_REDUPLICATING_TAGS)
        offset += len(word)
    return False


def check(locator: Locator) -> Iterator[Finding]:
    text = locator.text
    for m in _REPEAT.finditer(text):
        if _is_slip(text, m):
            unit = m.group(1)
            message = f"{unit} written twice"
            yield locator.finding("doubled", m.start() + len(unit), m.end(), message, unit)
