"""Keywords and key phrases: the words most specific to this text, weighed by TF-IDF.

Frequency in the text (damped by a logarithm) times rarity in general Chinese (lexicon.idf) puts
the text's own subject (政务新媒体, 社会团体) above the vocabulary every 公文 shares (发展, 建设).
jieba splits compounds (政务/新/媒体); runs of two or three words that recur together and account
for most uses of their outer words become one phrase, and their parts count only their uses outside it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from functools import lru_cache

from tasks.analysis.summarize.lexicon import idf, stopwords
from tasks.analysis.summarize.units import Unit
from tasks.text.words import tagged

# Parts of speech that name a subject: nouns (n, nr, ns, nt, nz), verbal and adjectival nouns (vn, an),
# idioms, set phrases and abbreviations (i, l, j). Verbs, numerals, times, prepositions, adverbs and
# particles make no keyword on their own (they made 日至, 为重, 办成, 二期); a recurring phrase of
# content words (消费扶贫) is a term whatever its parts.
_NAMING = ("n", "vn", "an", "i", "l", "j", "eng")

# A count with its unit (五年, 万亩, 万平方米) says how much, not what about.
_QUANTITY = re.compile(
    r"^[零一二两三四五六七八九十百千万亿几多]+(?:[年月日天亩元个项次户人家名座条所批吨]|平方米|公里|公顷)$"
)
_MIN_PHRASE_COUNT = 3
_FAMILY = 2  # keywords opening alike at most: the rest of the list says something else
_PHRASE_SHARE = 0.5  # a phrase holds at least this share of the uses of each of its outer words


def _runs(words: Sequence[str], terms: Collection[str]) -> Iterable[tuple[str, ...]]:
    """Runs of two or three words opening and closing on a content word (one of `terms`), linked by
    no stop word."""
    content = [w in terms for w in words]
    for start in (i for i, flag in enumerate(content) if flag):
        if start + 1 < len(words) and content[start + 1]:
            yield words[start], words[start + 1]
        if start + 2 < len(words) and content[start + 2] and _is_link(words[start + 1]):
            yield words[start], words[start + 1], words[start + 2]


def _is_link(word: str) -> bool:
    return all("\u4e00" <= ch <= "\u9fff" for ch in word) and word not in stopwords()


@lru_cache(maxsize=65536)
def _names_a_subject(word: str) -> bool:
    """A word jieba reads, on its own, as one word of a naming part of speech."""
    parts = tagged(word)
    # jieba's dictionary holds a few noun + function-word compounds (国家有关): no subject either
    trailing = any(word.endswith(stop) for stop in stopwords() if 2 <= len(stop) < len(word))
    return len(parts) == 1 and parts[0][1].startswith(_NAMING) and not trailing


def top_keywords(sentences: Sequence[Unit], count: int) -> tuple[str, ...]:
    """The `count` best keywords of a text given as its sentences; no two overlap."""
    freq: Counter[str] = Counter()
    runs: Counter[tuple[str, ...]] = Counter()
    for sentence in sentences:
        terms = frozenset(sentence.terms)
        freq.update(w for w in sentence.words if w in terms)
        runs.update(_runs(sentence.words, terms))
    weights: dict[str, float] = {}
    for run, together in runs.items():
        if together >= _MIN_PHRASE_COUNT and all(
            together >= _PHRASE_SHARE * freq[w] for w in (run[0], run[-1])
        ):
            weights["".join(run)] = (1 + math.log(together)) * max(idf(w) for w in run)
            for word in (run[0], run[-1]):
                freq[word] -= together
    for word, n in freq.items():
        if n > 0 and not _QUANTITY.match(word) and _names_a_subject(word):
            weights[word] = max(weights.get(word, 0.0), (1 + math.log(n)) * idf(word))
    text = "".join(sentence.text for sentence in sentences)
    picked: list[str] = []
    for term in sorted(weights, key=lambda t: (-weights[t], t)):
        if len(picked) == count:
            break
        if not any(_one_term(term, other, text) for other in picked) and _family(term, picked) < _FAMILY:
            picked.append(term)
    return tuple(picked)


def _one_term(a: str, b: str, text: str) -> bool:
    """One inside the other (乡村振兴, 乡村振兴战略), or two halves of one term the text writes whole
    (乡村振兴 + 振兴战略 = 乡村振兴战略)."""
    if a in b or b in a:
        return True
    for first, second in ((a, b), (b, a)):
        for size in range(min(len(first), len(second)) - 1, 0, -1):
            if first.endswith(second[:size]) and first + second[size:] in text:
                return True
    return False


def _family(term: str, picked: Sequence[str]) -> int:
    """How many picked keywords open with the same two characters (贫困人口, 贫困地区, 贫困县)."""
    return sum(other[:2] == term[:2] for other in picked)
