"""Chinese word segmentation (jieba), initialised once per process.

jieba builds its prefix dictionary on first use (~0.7 s, or ~0.3 s from its cache file); every
caller goes through this module so that happens once, quietly, and with the cache in a known place.
"""

from __future__ import annotations

import logging
import os
import sys
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import jieba

if TYPE_CHECKING:
    from jieba.posseg import POSTokenizer

jieba.setLogLevel(logging.WARNING)


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    path = Path(base) / "gongwen"
    path.mkdir(parents=True, exist_ok=True)
    return path


@lru_cache(maxsize=1)
def tokenizer() -> jieba.Tokenizer:
    """The process-wide jieba tokenizer, dictionary loaded."""
    tok = jieba.dt
    tok.tmp_dir = str(_cache_dir())
    tok.initialize()
    return tok


def cut(text: str) -> list[str]:
    """Words of `text` in order; joining them gives `text` back."""
    return list(tokenizer().cut(text, HMM=True))


@lru_cache(maxsize=1)
def _tagger() -> POSTokenizer:
    """jieba's part-of-speech tagger, one per process, imported on first use (its models take ~0.4 s to
    import). Its table of 350,000 words shares the word strings of the tokenizer's dictionary and one
    string per tag: 8 MB instead of jieba's 43 (tests/test_private_apis.py checks the hook)."""
    from jieba.posseg import POSTokenizer

    class SharedTableTagger(POSTokenizer):
        def load_word_tag(self, f: BinaryIO) -> None:
            words = {word: word for word in self.tokenizer.FREQ}  # each word's own string object
            table = {}
            with f:
                for line in f:
                    word, _, tag = line.strip().decode("utf-8").split(" ")
                    table[words.get(word, word)] = sys.intern(tag)
            self.word_tag_tab = table

    return SharedTableTagger(tokenizer())


def tagged(text: str) -> list[tuple[str, str]]:
    """(word, part-of-speech tag) pairs of `text` in order; jieba's tags ("n", "vn", "v", "p", "uj" ...)."""
    return [(pair.word, pair.flag) for pair in _tagger().cut(text, HMM=True)]
