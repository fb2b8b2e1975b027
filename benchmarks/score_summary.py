"""Score summaries against the reference summaries in tests/data/summaries/.

For each reference NAME.txt the source text is looked up in the shared samples, summarized, and
compared by character-level ROUGE-L (longest common subsequence over Chinese characters, letters and
digits; punctuation and spaces are ignored). Also printed: the share of top-level sections that got
a key sentence, the summary length and the time summarize() took on a second run (warm).

    python benchmarks/score_summary.py [--budget 300] [--samples DIR] [--long]

--long also times a 100,000-character text built by repeating the corpus.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tasks.model import Document, Summary  # noqa: E402
from tasks.structure import build_document  # noqa: E402
from tasks.summarize import summarize  # noqa: E402
from tasks.words import tokenizer  # noqa: E402

REFERENCES = ROOT / "tests" / "data" / "summaries"
SAMPLES = Path("/work/shared/samples")
_SCORED = re.compile(r"[\u4e00-\u9fff0-9A-Za-z]")


@dataclass(frozen=True)
class Score:
    name: str
    precision: float
    recall: float
    f1: float
    coverage: float  # share of top-level sections with a key sentence; 1.0 when there are none
    chars: int
    seconds: float


def _scored_chars(text: str) -> str:
    return "".join(_SCORED.findall(text))


def _lcs(a: str, b: str) -> int:
    row = [0] * (len(b) + 1)
    for ch in a:
        prev_diag = 0
        for j, other in enumerate(b, start=1):
            prev_diag, row[j] = row[j], prev_diag + 1 if ch == other else max(row[j], row[j - 1])
    return row[-1]


def rouge_l(candidate: str, reference: str) -> tuple[float, float, float]:
    """Character-level ROUGE-L precision, recall and F1."""
    cand, ref = _scored_chars(candidate), _scored_chars(reference)
    if not cand or not ref:
        return 0.0, 0.0, 0.0
    common = _lcs(cand, ref)
    precision, recall = common / len(cand), common / len(ref)
    f1 = 0.0 if common == 0 else 2 * precision * recall / (precision + recall)
    return precision, recall, f1


def heading_coverage(doc: Document, summary: Summary) -> float:
    """Share of top-level sections (headings of the highest level) holding at least one key sentence."""
    outline = doc.outline
    if not outline:
        return 1.0
    top = min(h.level for h in outline)
    section_of: list[int] = []
    section = -1
    for block in doc.blocks:
        if block.heading is not None and block.heading.kind == "heading" and block.heading.level == top:
            section += 1
        section_of.append(section)
    covered = {section_of[s.block_index] for s in summary.sentences} - {-1}
    return len(covered) / (section + 1)


def load_document(path: Path) -> Document:
    return build_document(path.read_text(encoding="utf-8-sig"), path.name)


def source_for(name: str, samples: Path) -> Path:
    direct = samples / f"{name}.txt"
    return direct if direct.exists() else samples / "corpus" / f"{name}.txt"


def score_file(name: str, samples: Path = SAMPLES, budget: int = 300) -> Score:
    doc = load_document(source_for(name, samples))
    summary = summarize(doc, budget_chars=budget)  # warm-up: jieba's and the stop-word caches
    start = time.perf_counter()
    summary = summarize(doc, budget_chars=budget)
    seconds = time.perf_counter() - start
    reference = (REFERENCES / f"{name}.txt").read_text(encoding="utf-8")
    precision, recall, f1 = rouge_l(summary.gist + summary.text, reference)
    coverage = heading_coverage(doc, summary)
    return Score(name, precision, recall, f1, coverage, len(summary.text), seconds)


def _time_long(samples: Path, target_chars: int = 100_000) -> tuple[int, float]:
    paths = [p for p in sorted((samples / "corpus").glob("*.txt")) if ".gbk" not in p.name]
    texts = [p.read_text(encoding="utf-8-sig") for p in paths]
    joined = "\n".join(texts)
    long_text = (joined * (target_chars // len(joined) + 1))[:target_chars]
    doc = build_document(long_text, "long.txt")
    start = time.perf_counter()
    summarize(doc)
    return len(long_text), time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--budget", type=int, default=300)
    parser.add_argument("--samples", type=Path, default=SAMPLES)
    parser.add_argument("--long", action="store_true", help="also time a 100,000-character text")
    args = parser.parse_args()
    tokenizer()
    print(f"{'file':42} {'P':>6} {'R':>6} {'F':>6} {'cover':>6} {'chars':>6} {'ms':>7}")
    scores = [score_file(p.stem, args.samples, args.budget) for p in sorted(REFERENCES.glob("*.txt"))]
    for s in scores:
        print(
            f"{s.name:42} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} "
            f"{s.coverage:6.2f} {s.chars:6d} {s.seconds * 1000:7.1f}"
        )
    if scores:
        mean_f = sum(s.f1 for s in scores) / len(scores)
        mean_cover = sum(s.coverage for s in scores) / len(scores)
        print(f"{'mean':42} {'':6} {'':6} {mean_f:6.3f} {mean_cover:6.2f}")
    if args.long:
        chars, seconds = _time_long(args.samples)
        print(f"long text: {chars} characters summarized in {seconds:.2f} s")


if __name__ == "__main__":
    main()
