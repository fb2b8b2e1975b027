"""Inputs for the pipeline benchmark, built from the shared samples.

- `long_report(n)`: one report of exactly n characters, the corpus texts one after another under one
  title; shorter reports are prefixes of longer ones, so time per character can be compared.
- `write_batch(folder, count)`: `count` files cycling through the sample speech and every corpus file
  (the GBK one stays GBK), each with its own closing line so that every content hash differs.
"""

from __future__ import annotations

import itertools
from pathlib import Path

SAMPLES = (
    Path(__file__).resolve().parents[1] / "tests" / "data" / "samples"
)  # vendored copy of ../shared/samples
SAMPLE_SPEECH = SAMPLES / "speech_office_directors.txt"
_REPORT_TITLE = "关于全市重点工作推进情况的综合报告"


def _corpus_files() -> list[Path]:
    return sorted((SAMPLES / "corpus").glob("*.txt"))


def long_report(chars: int) -> str:
    """A title line, then whole corpus texts (UTF-8 ones) in turn, cut to exactly `chars` characters."""
    texts = [p.read_text(encoding="utf-8-sig").strip() for p in _corpus_files() if ".gbk." not in p.name]
    parts = [_REPORT_TITLE]
    size = len(_REPORT_TITLE)
    for text in itertools.cycle(texts):
        if size >= chars:
            break
        parts.append(text)
        size += len(text) + 1
    return "\n".join(parts)[:chars]


def write_batch(folder: Path, count: int) -> list[Path]:
    """Write the batch's input files into `folder` (created) and return them."""
    folder.mkdir(parents=True, exist_ok=True)
    sources = [SAMPLE_SPEECH, *_corpus_files()]
    written = []
    for n, source in zip(range(count), itertools.cycle(sources), strict=False):
        encoding = "gb18030" if ".gbk." in source.name else "utf-8"
        closing = f"\n（本件为第{n + 1}份）\n".encode(encoding)
        target = folder / f"{n:03d}-{source.name}"
        target.write_bytes(source.read_bytes() + closing)
        written.append(target)
    return written
