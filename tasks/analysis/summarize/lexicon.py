"""Word lists for official texts (公文), shipped in tasks/analysis/data/, each loaded once per process.

stopwords.txt: function words and the generic 公文 vocabulary that says nothing about a text's subject.
formulaic.txt: phrases of procedure ("现就有关工作通知如下", "刚才……作了发言") that mark a sentence
as ceremony rather than content.
idf_common.txt: how common a word is in general Chinese, so that keywords prefer the specific
(政务新媒体, 社会团体) to the generic (发展, 建设).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

_DATA = Path(__file__).resolve().parents[1] / "data"
_RARE_IDF = 8.0  # idf of any word not in idf_common.txt


def _entries(name: str) -> list[str]:
    lines = (_DATA / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    return frozenset(_entries("stopwords.txt"))


@lru_cache(maxsize=1)
def _formulaic() -> re.Pattern[str]:
    return re.compile("|".join(re.escape(phrase) for phrase in _entries("formulaic.txt")))


def is_formulaic(sentence: str) -> bool:
    """A sentence of procedure: it opens or closes the business, it does not say what the text is about."""
    return _formulaic().search(sentence) is not None


@lru_cache(maxsize=1)
def _idf() -> dict[str, float]:
    return {
        word: float(value)
        for word, _, value in (entry.partition(" ") for entry in _entries("idf_common.txt"))
    }


def idf(word: str) -> float:
    return _idf().get(word, _RARE_IDF)


@lru_cache(maxsize=65536)
def is_content(word: str) -> bool:
    """A word that can say what a text is about: two or more characters, Chinese, not a stop word."""
    return len(word) >= 2 and any("\u4e00" <= ch <= "\u9fff" for ch in word) and word not in stopwords()
