"""Score summaries against the reference summaries in tests/data/summaries/.

For each reference NAME.txt the source text is looked up in the shared samples, summarized, and
compared by character-level ROUGE-L (longest common subsequence over Chinese characters, letters and
digits; punctuation and spaces are ignored) on gist and key sentences together. Also printed: the
share of top-level sections that the key sentences say something from (a title alone does not
count), the summary's length (gist included) and the time summarize() takes warm: the best of three
runs, wall clock and CPU (a busy machine inflates the first, hardly the second).

    python benchmarks/score_summary.py [--budget 300] [--samples DIR] [--long]

--long also times a 100,000-character text built by repeating the corpus.
"""

from __future__ import annotations

import argparse
import bisect
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flows.engine.read import read_document  # noqa: E402
from tasks.analysis.summarize import summarize  # noqa: E402
from tasks.model import Document, Summary  # noqa: E402
from tasks.reading.structure import build_document  # noqa: E402
from tasks.text.words import tokenizer  # noqa: E402

REFERENCES = ROOT / "tests" / "data" / "summaries"
SAMPLES = (
    Path(__file__).resolve().parents[1] / "tests" / "data" / "samples"
)  # vendored copy of ../shared/samples
_SCORED = re.compile(r"[\u4e00-\u9fff0-9A-Za-z]")


@dataclass(frozen=True)
class Score:
    name: str
    precision: float
    recall: float
    f1: float
    coverage: float  # share of top-level sections with a key sentence; 1.0 when there are none
    chars: int  # gist and key sentences
    seconds: float = 0.0  # wall clock, best of three (0 when not timed)
    cpu_seconds: float = 0.0  # best of three


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
    """Share of top-level sections (headings of the highest level) holding at least one key sentence.

    A section's own title does not count: the gist names it already.
    """
    if not doc.outline:
        return 1.0
    top = min(h.level for h in doc.outline)
    tops = [
        (i, block.heading.title)
        for i, block in enumerate(doc.blocks)
        if block.heading is not None and block.heading.kind == "heading" and block.heading.level == top
    ]
    starts = [i for i, _ in tops]
    titles = {title + "。" for _, title in tops}
    spoken = {bisect.bisect_right(starts, s.block_index) for s in summary.sentences if s.text not in titles}
    return len(spoken - {0}) / len(starts)


def load_document(path: Path) -> Document:
    """The document as the pipeline sees it: read, normalized, then structured (flows/engine/read.py)."""
    return read_document(path).document


def source_for(name: str, samples: Path) -> Path:
    """NAME.txt in the samples folder, else in its corpus/ or messy/ folder."""
    found = [folder / f"{name}.txt" for folder in (samples, samples / "corpus", samples / "messy")]
    return next((path for path in found if path.exists()), found[1])


def best_of_three(run: Callable[[], object]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of `run`, each the least of three runs after a warm-up run."""
    run()  # warm-up: jieba's dictionary and the word lists
    walls, cpus = [], []
    for _ in range(3):
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def score_summary(name: str, doc: Document, summary: Summary) -> Score:
    """`summary` of `doc` against the reference NAME.txt (untimed)."""
    reference = (REFERENCES / f"{name}.txt").read_text(encoding="utf-8")
    precision, recall, f1 = rouge_l(summary.gist + summary.text, reference)
    chars = len(summary.gist) + len(summary.text)
    return Score(name, precision, recall, f1, heading_coverage(doc, summary), chars)


def score_file(name: str, samples: Path = SAMPLES, budget: int = 300) -> Score:
    doc = load_document(source_for(name, samples))
    score = score_summary(name, doc, summarize(doc, budget_chars=budget))
    seconds, cpu_seconds = best_of_three(lambda: summarize(doc, budget_chars=budget))
    return replace(score, seconds=seconds, cpu_seconds=cpu_seconds)


def long_document(samples: Path, target_chars: int = 100_000) -> Document:
    """A long report: the corpus texts one after another, repeated up to `target_chars` characters."""
    paths = [p for p in sorted((samples / "corpus").glob("*.txt")) if ".gbk" not in p.name]
    joined = "\n".join(p.read_text(encoding="utf-8-sig") for p in paths)
    return build_document((joined * (target_chars // len(joined) + 1))[:target_chars], "long.txt")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--budget", type=int, default=300)
    parser.add_argument("--samples", type=Path, default=SAMPLES)
    parser.add_argument("--long", action="store_true", help="also time a 100,000-character text")
    args = parser.parse_args()
    tokenizer()
    print(f"{'file':42} {'P':>6} {'R':>6} {'F':>6} {'cover':>6} {'chars':>6} {'ms':>7} {'cpu ms':>7}")
    scores = [score_file(p.stem, args.samples, args.budget) for p in sorted(REFERENCES.glob("*.txt"))]
    for s in scores:
        print(
            f"{s.name:42} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} "
            f"{s.coverage:6.2f} {s.chars:6d} {s.seconds * 1000:7.1f} {s.cpu_seconds * 1000:7.1f}"
        )
    if scores:
        means = [
            sum(getattr(s, field) for s in scores) / len(scores) for field in ("precision", "recall", "f1")
        ]
        mean_cover = sum(s.coverage for s in scores) / len(scores)
        print(f"{'mean':42} {means[0]:6.3f} {means[1]:6.3f} {means[2]:6.3f} {mean_cover:6.2f}")
    if args.long:
        doc = long_document(args.samples)
        seconds, cpu_seconds = best_of_three(lambda: summarize(doc))
        chars = sum(len(block.text) for block in doc.blocks)
        print(f"long text: {chars} characters summarized in {seconds:.2f} s ({cpu_seconds:.2f} s CPU)")


if __name__ == "__main__":
    main()
