"""Score heading extraction against the hand-made reference outlines in the samples corpus.

    python benchmarks/score_outline.py [--corpus DIR] [--normalize]

An entry matches a reference entry on level, number and title, after both sides are normalized
(marker forms, character width, spaces, final 。/：). Headings and numbered provisions ("item") are
scored separately. Exits 1 if any file's heading F1 is below the target.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a script from anywhere

from tasks.analysis.outline import outline_entries  # noqa: E402
from tasks.reading.structure import build_document  # noqa: E402
from tasks.text.markers import normalize_number  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "samples" / "corpus"
TARGET_F1 = 0.97
_SPACES = re.compile(r"\s+")

Key = tuple[int, str, str]


@dataclass(frozen=True)
class Score:
    reference: int
    found: int
    matched: int

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else float(self.reference == 0)

    @property
    def recall(self) -> float:
        return self.matched / self.reference if self.reference else float(self.found == 0)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _key(entry: dict) -> Key:
    title = _SPACES.sub("", unicodedata.normalize("NFKC", entry["title"])).rstrip("。.:：")
    return entry["level"], normalize_number(entry["number"]), title


def _score(reference: list[dict], found: list[dict], kind: str) -> Score:
    ref = Counter(_key(e) for e in reference if e.get("kind", "heading") == kind)
    got = Counter(_key(e) for e in found if e.get("kind", "heading") == kind)
    return Score(sum(ref.values()), sum(got.values()), sum((ref & got).values()))


def corpus_files(corpus: Path) -> list[Path]:
    """Each text with a reference outline (the GBK copy of a text is ingest's fixture, not scored here)."""
    return sorted(p for p in corpus.glob("*.txt") if p.with_name(p.stem + ".outline.json").exists())


def score_file(path: Path, normalize: bool = False) -> tuple[Score, Score]:
    """(headings, items) for one corpus text."""
    if normalize:  # the whole reading, as a conversion does it
        from flows.engine.read import read_document

        document = read_document(path).document
    else:  # the structure stage alone, on the text as written
        document = build_document(path.read_text(encoding="utf-8-sig"), path.name)
    found = outline_entries(document)
    reference = json.loads(path.with_name(path.stem + ".outline.json").read_text(encoding="utf-8"))
    return _score(reference, found, "heading"), _score(reference, found, "item")


def _row(name: str, heading: Score, item: Score) -> str:
    def cells(s: Score) -> str:
        return f"{s.reference:>4} {s.found:>4} {s.precision:>6.3f} {s.recall:>6.3f} {s.f1:>6.3f}"

    return f"{name:<40} {cells(heading)}   {cells(item)}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument(
        "--normalize",
        action="store_true",
        help="read as a conversion does (flows/engine/read.py): metadata, normalize, then structure",
    )
    args = parser.parse_args(argv)
    columns = "ref  got      P      R     F1"
    print(f"{'file':<40} headings: {columns}   items: {columns}")
    failing = []
    for path in corpus_files(args.corpus):
        heading, item = score_file(path, args.normalize)
        print(_row(path.stem, heading, item))
        if heading.f1 < TARGET_F1:
            failing.append(path.stem)
    if failing:
        print(f"below F1 {TARGET_F1}: {', '.join(failing)}")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
