"""Parity of the two files: does LibreOffice set the DOCX with the lines and pages of our PDF?

    python benchmarks/parity.py [TEXT ...] [--target 0.95]

Each text goes through the pipeline's stages (read, metadata, normalize, structure) to one Document,
written as PDF (our typesetter) and DOCX; LibreOffice converts the DOCX to PDF. From both PDFs the text
lines of the type area are read per page (pdfplumber, characters grouped by baseline). A PDF line counts
as identical when the same text stands on the same page of LibreOffice's rendering. Without arguments
all public texts are measured (the sample speech, corpus/*.txt, messy/*.txt). Exits 1 when a document's
page counts differ or its share of identical lines is below the target.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pdfplumber

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a script from anywhere

from tasks.reading.ingest import read_source  # noqa: E402
from tasks.reading.metadata import load_metadata  # noqa: E402
from tasks.reading.normalize import normalize  # noqa: E402
from tasks.reading.structure import build_document  # noqa: E402
from tasks.writing.fonts import FontSet, resolve_fonts  # noqa: E402
from tasks.writing.layout import Profile, get_profile, mm_to_pt  # noqa: E402
from tasks.writing.render_docx import render_docx  # noqa: E402
from tasks.writing.render_pdf import render_pdf  # noqa: E402
from tests.docx_layout_check import libreoffice_pdf  # noqa: E402

SAMPLES = ROOT / "tests" / "data" / "samples"
ALIAS_FILE = ROOT / "fonts" / "fontconfig" / "65-gongwen.conf"
TARGET = 0.95
_SAME_LINE_PT = 4.0  # baselines closer than this are one line (a 楷体 run beside 仿宋 sits a little off)


def public_texts() -> list[Path]:
    """The sample speech, then the corpus and messy texts (the GBK copy of a corpus text left out)."""
    found = [SAMPLES / "speech_office_directors.txt"]
    for folder in ("corpus", "messy"):
        found += sorted(p for p in (SAMPLES / folder).glob("*.txt") if not p.name.endswith(".gbk.txt"))
    return found


@dataclass(frozen=True)
class Parity:
    name: str
    pdf_pages: int
    docx_pages: int
    pdf_lines: int
    identical: int
    # (page, PDF line, LibreOffice's line at that place) for lines that differ, the first few
    differences: tuple[tuple[int, str, str], ...]

    @property
    def share(self) -> float:
        return self.identical / self.pdf_lines if self.pdf_lines else 1.0

    def passes(self, target: float) -> bool:
        return self.pdf_pages == self.docx_pages and self.share >= target


def page_lines(pdf_path: Path, profile: Profile) -> list[list[str]]:
    """Per page, the text of each line inside the type area (page numbers below it left out), spaces
    removed: a line is its characters, wherever a reader put a gap."""
    bottom = mm_to_pt(profile.page.height_mm - profile.page.bottom_mm)
    pages = []
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            chars = [c for c in page.chars if c["top"] < bottom and c["text"].strip()]
            chars.sort(key=lambda c: -c["matrix"][5])  # baseline, top of the page first
            lines: list[list[dict]] = []
            for char in chars:
                if lines and abs(lines[-1][0]["matrix"][5] - char["matrix"][5]) < _SAME_LINE_PT:
                    lines[-1].append(char)
                else:
                    lines.append([char])
            pages.append(["".join(c["text"] for c in sorted(line, key=lambda c: c["x0"])) for line in lines])
    return pages


def compare(name: str, pdf_pages: list[list[str]], docx_pages: list[list[str]], shown: int = 8) -> Parity:
    """Lines of the PDF found on the same page of the DOCX's rendering."""
    identical = 0
    differences: list[tuple[int, str, str]] = []
    for number, lines in enumerate(pdf_pages, start=1):
        other = docx_pages[number - 1] if number <= len(docx_pages) else []
        left = Counter(other)
        for index, line in enumerate(lines):
            if left[line] > 0:
                left[line] -= 1
                identical += 1
            elif len(differences) < shown:
                there = other[index] if index < len(other) else ""
                differences.append((number, line, there))
    total = sum(len(lines) for lines in pdf_pages)
    return Parity(name, len(pdf_pages), len(docx_pages), total, identical, tuple(differences))


def measure(text: Path, fonts: FontSet, work: Path) -> Parity:
    """Both files of one text, and how alike LibreOffice sets the DOCX."""
    source = read_source(text)
    metadata, body = load_metadata(text, source.text)
    document = build_document(normalize(body).text, source.name, metadata)
    profile = get_profile(metadata.profile)
    folder = work / text.stem
    folder.mkdir(parents=True, exist_ok=True)
    pdf_path, docx_path = folder / f"{text.stem}.pdf", folder / f"{text.stem}.docx"
    render_pdf(document, profile, fonts, pdf_path)
    render_docx(document, profile, docx_path)
    lo_dir = folder / "libreoffice"
    lo_dir.mkdir(exist_ok=True)
    lo_pdf = libreoffice_pdf(docx_path, lo_dir, ALIAS_FILE)
    return compare(text.stem, page_lines(pdf_path, profile), page_lines(lo_pdf, profile))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("texts", nargs="*", type=Path)
    parser.add_argument("--target", type=float, default=TARGET)
    parser.add_argument("--keep", type=Path, help="keep the files in this folder")
    parser.add_argument("--show", type=int, default=0, help="print the first N differing lines")
    args = parser.parse_args(argv)
    fonts = resolve_fonts()
    failed = 0
    identical = total = 0
    with tempfile.TemporaryDirectory() as scratch:
        work = args.keep or Path(scratch)
        print(f"{'document':48} {'pages':>9} {'lines':>11} {'share':>7}")
        for text in args.texts or public_texts():
            result = measure(text, fonts, work)
            identical, total = identical + result.identical, total + result.pdf_lines
            failed += not result.passes(args.target)
            pages = f"{result.pdf_pages}/{result.docx_pages}"
            lines = f"{result.identical}/{result.pdf_lines}"
            print(f"{result.name:48} {pages:>9} {lines:>11} {result.share:7.1%}", flush=True)
            for page, ours, theirs in result.differences[: args.show]:
                print(f"    p{page} PDF {ours}\n    p{page} LO  {theirs}")
    print(f"{'all':48} {'':>9} {identical}/{total} {identical / max(total, 1):7.1%}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
