"""Where a heading glued to its body ends: "一、充分认识……重大战略意义党的十八大以来，……".

Texts pasted from news sites lose the line break after a heading, and nothing marks where its title
ends. A title is a verb phrase or a noun phrase with no predicate of its own; the body's first clause
is a sentence: it opens with a pronoun, a preposition, a time word, a year or a quotation
("我国拥有", "在历史长河中", "2023年11月，"), or it is a noun phrase with its verb
("考古学是", "科学成就离不开") or a frame ending on a time or place word ("党的十八大以来，"). jieba
tags the words; a cut is tried at each word boundary of the first clause, within a title's length.
The numbering series decides the rest: whether its headings are glued at all, and, for a member whose
body opens in no way seen, the typical length of its siblings' titles.
"""

from __future__ import annotations

import itertools
import re
import statistics
from dataclasses import dataclass

from tasks.reading.structure.headings import LONG_TITLE
from tasks.text.chars import SENTENCE_END

_MIN_TITLE = 4
_SENTENCE_END = re.compile(f"[{SENTENCE_END}]")
_CLAUSE_MARKS = "，,。！？!?；;：:、"
# "关于……工作": a 关于 title ends on its head noun, unless the phrase goes on ("工作的", "问题和").
_ABOUT_HEAD = "工作|问题|情况|考虑|过程|内容|意见|建议"
_ABOUT = re.compile(rf"关于[^，,。！？；：、]{{1,40}}?(?:{_ABOUT_HEAD})(?![的和与及、，,])")
_OPENING_TAGS = ("r", "p", "t")  # 我国 我 这次 / 在 对 从 / 当前 目前
_MODALS = frozenset({"要", "必须", "应当", "应该", "需要"})  # in a title, a predicate of its own
_COPULA = "是"
_FRAME_TAG = "f"  # 以来 后 中: "党的十八大以来，"
_NOUN_TAGS = ("n", "vn", "i", "j")  # n covers nr ns nt nz
_SUBJECT_TAGS = (*_NOUN_TAGS, "l", "b")  # 各级党委, 省级部门 open a sentence; 充分认识 ends no title
_ADVERB_TAG = "d"  # between a subject and its verb (or preposition): "省政府将对……"
# A title does not end on a particle, conjunction, preposition, number, mark, place or time word,
# pronoun or measure word, nor on a one-character adverb (将, 也); jieba tags some nouns as adverbs
# (进步/d), so a longer adverb may end one.
_NO_TITLE_END = ("u", "c", "p", "m", "x", "f", "r", "q", "t")
_NO_BODY_START = ("u", "c", "x", "f")  # a body does not open on 的, 和, a mark or 以来
_YEAR = re.compile(r"\d{4}年")
# A title does not end inside a frame it opened: "以旅游文化融合发展|为核心", "以旅游文化融合|发展为核心".
_FRAMES = (("以", "为"), ("从", "到"))
_QUOTE = "“"
_QUOTED = re.compile(r"“[^”]{1,12}”")


@dataclass(frozen=True)
class _Opening:
    sure: bool  # a pronoun, preposition, time word or year: the title may end on a verb


@dataclass(frozen=True)
class _Word:
    text: str
    tag: str


def _words(text: str) -> list[_Word]:
    from tasks.text.words import tagged  # jieba is loaded only when a glued series is examined

    return [_Word(word, tag) for word, tag in tagged(text)]


def _opening(clause: list[_Word], ends_at_comma: bool, title: str) -> _Opening | None:
    """How the words of a clause (up to its mark) open a sentence of body text after `title`, if they
    do. A quoted term opens one surely when the title holds it too ("“十五五”时期主要任务|“十五五”时期是")."""
    first = clause[0]
    text = "".join(word.text for word in clause)
    if first.tag.startswith(_OPENING_TAGS) or _YEAR.match(text):
        return _Opening(sure=True)
    if first.text == _QUOTE:
        quoted = _QUOTED.match(text)
        return _Opening(sure=quoted is not None and quoted.group() in title)
    if len(clause) > 1 and clause[1].text == _COPULA:
        return _Opening(sure=False)
    if not first.tag.startswith(_SUBJECT_TAGS):
        return None
    if ends_at_comma and clause[-1].tag == _FRAME_TAG:
        return _Opening(sure=False)
    verb = next((w for w in clause if not w.tag.startswith(_SUBJECT_TAGS) and w.tag != _ADVERB_TAG), None)
    return _Opening(sure=False) if verb is not None and verb.tag in ("v", "p") else None


def _ends_title(words: list[_Word], opening: _Opening) -> bool:
    """Whether `words` read as a whole title before a body opening so sure: it names a topic (a noun),
    has no predicate of its own (要, 是, a pronoun with its verb), and ends on a noun (or on a verb,
    before a sure opening)."""
    if any(word.text in _MODALS or word.text == _COPULA for word in words):
        return False
    if any(a.tag.startswith("r") and b.tag == "v" for a, b in itertools.pairwise(words)):
        return False  # "我们坚持": a subject with its verb
    if not any(word.tag.startswith(_NOUN_TAGS) for word in words):
        return False  # "充分认识|我国……": a verb alone names nothing
    last = words[-1]
    if last.tag.startswith(_NOUN_TAGS):
        return True
    adverb = last.tag == _ADVERB_TAG and len(last.text) == 1
    return opening.sure and not last.tag.startswith(_NO_TITLE_END) and not adverb


def glued_title_end(rest: str, context: str) -> int | None:
    """Where a heading title glued to its body ends in `rest` (the text after the marker), or None.

    A title "关于……工作" ends after 工作. Otherwise the body begins within the first clause: at its
    first sure opening (a pronoun, preposition, time word, year), else at the last noun phrase
    with its verb, unless only earlier ones end the title on words that recur in `context` (the whole
    text): a heading's key words recur in its section, a phrase made by a wrong cut ("精神科学" for
    "科学家精神|科学成就") does not.
    """
    about = _ABOUT.match(rest)
    if about and about.end() < len(rest):
        return about.end()
    words = _words(_first_sentence(rest))
    best: tuple[bool, int] | None = None
    position = 0
    for index, word in enumerate(words[:-1]):
        position += len(word.text)
        if position > LONG_TITLE or word.text in _CLAUSE_MARKS:
            break  # the body begins in the title's first clause
        clause = _clause(words, index + 1)
        if position < _MIN_TITLE or not clause:
            continue
        title = words[: index + 1]
        if _inside_frame(title):
            continue
        opening = _opening(clause, _mark_after(words, index + 1 + len(clause)) in "，,", rest[:position])
        if opening is None or not _ends_title(title, opening):
            continue
        if opening.sure:
            return position
        key_words = "".join(w.text for w in words[max(index - 1, 0) : index + 1])
        candidate = (context.count(key_words) > 1, position)
        best = candidate if best is None else max(best, candidate)
    return best[1] if best else None


def _inside_frame(words: list[_Word]) -> bool:
    texts = [word.text for word in words]
    return any(first in texts and second not in texts[texts.index(first) :] for first, second in _FRAMES)


def _clause(words: list[_Word], start: int) -> list[_Word]:
    """The words from `start` up to the next clause mark."""
    end = start
    while end < len(words) and words[end].text not in _CLAUSE_MARKS:
        end += 1
    return words[start:end]


def _mark_after(words: list[_Word], index: int) -> str:
    return words[index].text if index < len(words) else ""


def glued_heading_ends(rests: list[str], context: str) -> list[int | None]:
    """Where each heading of one series (the texts after their markers) ends, if the series is glued
    to its body, else Nones. A series is glued when one member's first "sentence" runs on past any
    title's length and a body opening is found in it; then every member where one is found is cut,
    also those whose run-on sentence happens to be short ("大力弘扬科学家精神科学成就离不开精神支撑。"),
    but not a heading that stands alone (no sentence follows it). A member whose body opens in no way
    seen, but whose first sentence is far longer than its siblings' titles, is cut at the word boundary
    nearest to their typical length."""
    if not any(len(_first_sentence(rest)) > LONG_TITLE for rest in rests):
        return [None] * len(rests)
    ends = [glued_title_end(rest, context) if _runs_on(rest) else None for rest in rests]
    lengths = [len(_first_sentence(rest)) for rest, end in zip(rests, ends, strict=True) if end is not None]
    if not any(length > LONG_TITLE for length in lengths):
        return [None] * len(rests)
    typical = statistics.median(end for end in ends if end is not None)
    return [
        _nearest_boundary(rest, typical) if end is None and _runs_far_on(rest, typical) else end
        for rest, end in zip(rests, ends, strict=True)
    ]


def _runs_far_on(rest: str, typical: float) -> bool:
    """Whether a body follows and the first sentence is far longer than a sibling's title."""
    return _runs_on(rest) and len(_first_sentence(rest)) > 2 * typical


def _nearest_boundary(rest: str, length: float) -> int | None:
    """The word boundary in the first clause nearest to `length` where a title may end and a body begin."""
    words = _words(_first_sentence(rest))
    best: tuple[float, int] | None = None
    position = 0
    for index, (word, following) in enumerate(itertools.pairwise(words)):
        position += len(word.text)
        if following.text in _CLAUSE_MARKS or word.text in _CLAUSE_MARKS:
            break
        if word.tag.startswith(_NO_TITLE_END) or following.tag.startswith(_NO_BODY_START):
            continue
        if _inside_frame(words[: index + 1]):
            continue
        if best is None or abs(position - length) < best[0]:
            best = (abs(position - length), position)
    return best[1] if best else None


def _runs_on(rest: str) -> bool:
    """Whether more than a title follows the marker."""
    return _SENTENCE_END.search(rest.rstrip("。！？!? \u3000")) is not None or len(rest) > LONG_TITLE


def _first_sentence(rest: str) -> str:
    stop = _SENTENCE_END.search(rest)
    return rest[: stop.start()] if stop else rest
