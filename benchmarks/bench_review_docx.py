"""What the review DOCX costs beside the DOCX it is made from.

    python benchmarks/bench_review_docx.py [--runs N]

For the sample speech and the longest corpus text: the median time of render_docx (NAME.docx) and of
write_review_docx (NAME.review.docx, made from that NAME.docx), each over N runs, with the review's
revisions and comments.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from tasks.analysis.proofread import proofread  # noqa: E402
from tasks.reading.ingest import read_source  # noqa: E402
from tasks.reading.metadata import load_metadata  # noqa: E402
from tasks.reading.normalize import normalize  # noqa: E402
from tasks.reading.structure import build_document  # noqa: E402
from tasks.writing.layout import get_profile  # noqa: E402
from tasks.writing.render_docx import render_docx  # noqa: E402
from tasks.writing.review.document import write_review_docx  # noqa: E402

SAMPLES = ROOT / "tests" / "data" / "samples"


def _median_ms(action: Callable[[], None], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def bench(path: Path, runs: int, work: Path) -> str:
    source = read_source(path)
    metadata, body = load_metadata(path, source.text)
    normalized = normalize(body)
    document = build_document(normalized.text, source.name, metadata)
    findings = proofread(normalized.text, document)
    profile = get_profile(metadata.profile)
    docx_path, review_path = work / "doc.docx", work / "doc.review.docx"
    when = datetime.now(UTC)
    render_docx(document, profile, docx_path)  # warm: imports, the template
    docx_ms = _median_ms(lambda: render_docx(document, profile, docx_path), runs)
    review_ms = _median_ms(
        lambda: write_review_docx(docx_path, source, normalized, document, findings, review_path, when), runs
    )
    xml = zipfile.ZipFile(review_path).read("word/document.xml")
    revisions = xml.count(b"<w:ins ") + xml.count(b"<w:del ")
    comments = xml.count(b"<w:commentReference ")
    return (
        f"{path.name}: {len(source.text):,} chars, DOCX {docx_ms:.1f} ms, review DOCX {review_ms:.1f} ms "
        f"({review_ms / docx_ms:.2f}x; {revisions} revisions, {comments} comments)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    longest = max((SAMPLES / "corpus").glob("*.txt"), key=lambda p: p.stat().st_size)
    with tempfile.TemporaryDirectory() as work:
        for path in (SAMPLES / "speech_office_directors.txt", longest):
            print(bench(path, args.runs, Path(work)))


if __name__ == "__main__":
    main()
