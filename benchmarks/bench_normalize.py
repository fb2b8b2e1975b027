"""Normalizer speed and exact-match score.

    python benchmarks/bench_normalize.py [--runs N]

Drafts are built from the shared samples with errors injected (ASCII marks, doubled marks, spaces,
raw numbering, full-width digits, straight quotes, -- dashes): a 1 MB mixed draft, the same at 10 MB,
and 1 MB as one paragraph with no line breaks. Prints the median MB/s (UTF-8 bytes of input) of
each and the score on tests/data/normalize_cases.tsv.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from test_normalize_cases import load_cases  # noqa: E402

from tasks.reading.normalize import normalize  # noqa: E402

SAMPLES = (
    Path(__file__).resolve().parents[1] / "tests" / "data" / "samples"
)  # vendored copy of ../shared/samples
MB = 1_000_000

# Each injection turns a clean line into a typical raw-draft line.
INJECTIONS: list[Callable[[str], str]] = [
    lambda s: s.replace("，", ",", 2),
    lambda s: s.replace("。", "。。", 1),
    lambda s: s.replace("：", ":", 1),
    lambda s: s.replace("、", "、、", 1),
    lambda s: s.replace("。", "。，", 1),
    lambda s: s[:6] + " " + s[6:],
    lambda s: "  " + s + " ",
    lambda s: s.replace("一、", "一.", 1).replace("（一）", "(一)", 1),
    lambda s: s.translate(str.maketrans("0123456789%", "０１２３４５６７８９％")),
    lambda s: s.replace("“", '"').replace("”", '"'),
    lambda s: s.replace("——", "--"),
    lambda s: s.replace("《", "<<").replace("》", ">>"),
    lambda s: s + "等等...",
    lambda s: s,
    lambda s: s,
]


def source_lines() -> list[str]:
    paths = [SAMPLES / "speech_office_directors.txt", *sorted((SAMPLES / "corpus").glob("*.txt"))]
    texts = [p.read_text(encoding="utf-8-sig") for p in paths if ".gbk." not in p.name]
    return [line.strip() for text in texts for line in text.split("\n") if line.strip()]


def mixed_draft(size: int, lines: list[str], seed: int = 0) -> str:
    rng = random.Random(seed)
    out: list[str] = []
    total = 0
    while total < size:
        line = rng.choice(INJECTIONS)(rng.choice(lines))
        out.append(line)
        total += len(line.encode("utf-8")) + 1
    return "\n".join(out)


def rate(text: str, runs: int) -> float:
    size = len(text.encode("utf-8"))
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        normalize(text)
        times.append(time.perf_counter() - start)
    return size / MB / statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    lines = source_lines()
    one = mixed_draft(MB, lines)
    ten = mixed_draft(10 * MB, lines)  # same seed: the 1 MB draft is its first tenth
    paragraph = one.replace("\n", "\u3000\u3000")
    normalize(one[:10_000])  # warm the regex cache
    results = {
        "1 MB mixed draft": rate(one, args.runs),
        "10 MB mixed draft": rate(ten, args.runs),
        "1 MB single paragraph": rate(paragraph, args.runs),
    }
    for name, mbps in results.items():
        print(f"{name:24} {mbps:6.2f} MB/s (median of {args.runs})")
    linear = results["1 MB mixed draft"] / results["10 MB mixed draft"]
    print(f"{'10 MB time / (10 x 1 MB)':24} {linear:6.2f}")
    cases = load_cases()
    passed = sum(normalize(c.text).text == c.expected for c in cases)
    print(f"{'exact match':24} {passed}/{len(cases)}")


if __name__ == "__main__":
    main()
