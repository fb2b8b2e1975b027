"""One layout, two files: LibreOffice sets the DOCX with the PDF's lines and pages.

The sample speech and two corpus texts (a notice full of numbers and dates, a speech) go through the
pipeline's stages to both files; LibreOffice renders the DOCX; the lines of each page are compared
(benchmarks/parity.py runs every public text).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from benchmarks.parity import SAMPLES, TARGET, Parity, compare, measure, page_lines
from tasks.model import Block, BlockKind, Document, Heading, Run
from tasks.writing.fonts import FontSet, resolve_fonts
from tasks.writing.layout import GBT9704
from tasks.writing.render_pdf import render_pdf

TEXTS = [
    SAMPLES / "speech_office_directors.txt",
    SAMPLES / "corpus" / "gov_2018_incentive_support_notice.txt",
    SAMPLES / "corpus" / "xi_2020_0306_poverty_speech.txt",
]


@pytest.fixture(scope="module")
def fonts() -> FontSet:
    return resolve_fonts()


@pytest.mark.parametrize("text", TEXTS, ids=[text.stem for text in TEXTS])
def test_libreoffice_sets_the_docx_with_the_pdfs_lines_and_pages(
    text: Path, fonts: FontSet, tmp_path: Path
) -> None:
    assert shutil.which("soffice"), "LibreOffice: scripts/setup.sh installs libreoffice-writer-nogui"
    result = measure(text, fonts, tmp_path)
    assert result.pdf_pages == result.docx_pages
    assert result.share >= TARGET, result.differences


def test_a_line_counts_only_on_its_own_page() -> None:
    pdf = [["甲乙丙", "丁戊"], ["己庚"]]
    moved = [["甲乙丙"], ["丁戊", "己庚"]]  # a line pushed over to the next page
    assert compare("x", pdf, moved) == Parity("x", 2, 2, 3, 2, ((1, "丁戊", ""),))


def test_lines_are_read_by_baseline_and_the_page_number_left_out(fonts: FontSet, tmp_path: Path) -> None:
    heading = Heading(2, "（一）", "坚持学以立德", inline=True, line=1)
    runs = (Run("（一）坚持学以立德。", heading_level=2), Run("深入学习。"))
    doc = Document("t", "text", (Block(BlockKind.PARAGRAPH, runs, 1, heading),))
    render_pdf(doc, GBT9704, fonts, tmp_path / "one.pdf")
    (page,) = page_lines(tmp_path / "one.pdf", GBT9704)
    # a 楷体 run and a 仿宋 run on one line sit on one baseline: one line; "— 1 —" is not read
    assert page[-1] == "（一）坚持学以立德。深入学习。"
