"""Writing the OFD against writing the PDF, from the same Document, profile and fonts.

    python benchmarks/bench_ofd.py [--runs N]

For the sample speech and every corpus text: the median time of render_pdf and render_ofd over N runs
(after one warm-up run each, so that fonts are parsed and glyph widths cached alike) and the size of
each file. Both writers lay the document out in full; the OFD writer then writes XML and its font
subsets where the PDF writer writes content streams and its subsets.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flows.engine.read import read_document  # noqa: E402
from tasks.model import Document  # noqa: E402
from tasks.writing.fonts import FontSet, resolve_fonts  # noqa: E402
from tasks.writing.layout import GBT9704  # noqa: E402
from tasks.writing.render_ofd import render_ofd  # noqa: E402
from tasks.writing.render_pdf import render_pdf  # noqa: E402

SAMPLES = ROOT / "tests" / "data" / "samples"


def _document(path: Path) -> Document:
    return read_document(path).document


def _median_ms(write: Callable[[], object], runs: int) -> float:
    write()  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        write()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    fonts: FontSet = resolve_fonts()
    paths = [SAMPLES / "speech_office_directors.txt", *sorted((SAMPLES / "corpus").glob("*.txt"))]
    print(f"{'text':40} {'pages':>5} {'pdf ms':>8} {'ofd ms':>8} {'ofd/pdf':>8} {'pdf KB':>8} {'ofd KB':>8}")
    totals = [0.0, 0.0]
    with tempfile.TemporaryDirectory() as folder:
        for path in paths:
            doc = _document(path)
            pdf, ofd = Path(folder) / "out.pdf", Path(folder) / "out.ofd"
            pages = render_pdf(doc, GBT9704, fonts, pdf).pages
            pdf_ms = _median_ms(lambda doc=doc, pdf=pdf: render_pdf(doc, GBT9704, fonts, pdf), args.runs)
            ofd_ms = _median_ms(lambda doc=doc, ofd=ofd: render_ofd(doc, GBT9704, fonts, ofd), args.runs)
            totals[0] += pdf_ms
            totals[1] += ofd_ms
            print(
                f"{path.stem[:40]:40} {pages:5d} {pdf_ms:8.0f} {ofd_ms:8.0f} {ofd_ms / pdf_ms:8.2f}"
                f" {pdf.stat().st_size / 1024:8.0f} {ofd.stat().st_size / 1024:8.0f}"
            )
    print(f"{'all':40} {'':5} {totals[0]:8.0f} {totals[1]:8.0f} {totals[1] / totals[0]:8.2f}")


if __name__ == "__main__":
    main()
