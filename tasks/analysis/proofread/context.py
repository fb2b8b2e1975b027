"""jieba's reading of the clause around a span: checks cut only around a candidate, not the whole text."""

from __future__ import annotations

import re

from tasks.text.words import cut

_NOT_HAN = re.compile("[^\u4e00-\u9fff]")
_WINDOW = 8  # characters of context either side


def words_around(text: str, start: int, end: int) -> tuple[int, list[str]]:
    """jieba's words of the clause around text[start:end] (at most _WINDOW characters either side), and
    the offset of the first word."""
    left = start
    while left > 0 and start - left < _WINDOW and not _NOT_HAN.match(text[left - 1]):
        left -= 1
    right = end
    while right < len(text) and right - end < _WINDOW and not _NOT_HAN.match(text[right]):
        right += 1
    return left, cut(text[left:right])


def split_by_longer_word(text: str, start: int, end: int) -> bool:
    """Whether jieba cuts inside text[start:end] with a word reaching out of it on one side:
    全部|份额 holds no 部份, 既|便于 no 既便, 讲座|落幕 no 座落."""
    offset, words = words_around(text, start, end)
    for word in words:
        word_end = offset + len(word)
        inside_cut = start < word_end < end or start < offset < end
        if inside_cut and (offset < start or word_end > end):
            return True
        offset = word_end
    return False
