"""The official layout on real pipeline output.

The sample speech (inputs/) and the longest corpus text go through `convert_document` as a user's files
do; the PDF is checked with pdfplumber, the DOCX by its XML and, for the sample, as LibreOffice sets it.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pytest
from conftest import CORPUS

from flows.config import Settings
from flows.engine.convert import convert_document
from tasks.model import Document
from tasks.reading.ingest import read_source
from tasks.reading.metadata import load_metadata
from tasks.reading.normalize import normalize
from tasks.reading.structure import build_document
from tasks.writing.fonts import resolve_fonts
from tasks.writing.layout import OFFICIAL_FONT_NAMES, FontRole, Profile, get_profile, text_cells
from tasks.writing.placement import signature_indents
from tests import docx_layout_check as docx_check
from tests import pdf_layout_check as pdf_check

pytestmark = pytest.mark.slow  # whole conversions, LibreOffice

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = next((ROOT / "inputs").glob("*.txt"))
LONGEST = CORPUS / "hailar_2016_report.txt"
ALIAS_FILE = ROOT / "fonts" / "fontconfig" / "65-gongwen.conf"


@dataclass(frozen=True)
class Converted:
    document: Document  # what the writers read, built by the pipeline's own stages
    pdf_path: Path
    docx_path: Path
    report: dict
    profile: Profile

    @property
    def level2_headings(self) -> list[tuple[str, str]]:
        """(level-2 heading run, rest of its paragraph: empty for a heading on its own line)."""
        return [
            (block.runs[0].text, "".join(run.text for run in block.runs[1:]))
            for block in self.document.blocks
            if block.runs[0].heading_level == 2
        ]


def _convert(path: Path, outputs: Path) -> Converted:
    settings = Settings(outputs=outputs)
    convert_document(path, settings, path.stem)
    out = outputs / path.stem
    source = read_source(path, settings.max_input_bytes)
    metadata, body = load_metadata(path, source.text)
    document = build_document(normalize(body).text, source.name, metadata)
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return Converted(
        document, out / f"{path.stem}.pdf", out / f"{path.stem}.docx", report, get_profile(report["profile"])
    )


@pytest.fixture(scope="module", params=[SAMPLE, LONGEST], ids=["sample", "longest"])
def converted(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Converted:
    return _convert(request.param, tmp_path_factory.mktemp("outputs"))


@pytest.fixture(scope="module")
def pdf(converted: Converted) -> pdfplumber.PDF:
    return pdfplumber.open(converted.pdf_path)


def test_the_longest_corpus_text_is_the_one_checked() -> None:
    assert max(CORPUS.glob("*.txt"), key=lambda p: p.stat().st_size) == LONGEST


def test_pdf_page_size_and_every_glyph_inside_the_type_area(
    converted: Converted, pdf: pdfplumber.PDF
) -> None:
    assert pdf_check.page_size_problems(pdf, converted.profile) == []
    assert pdf_check.type_area_problems(pdf, converted.profile, tolerance_mm=1.0) == []


def test_pdf_full_pages_hold_22_lines_at_the_exact_pitch(converted: Converted, pdf: pdfplumber.PDF) -> None:
    assert len(pdf.pages) >= 4
    full_pages = list(range(2, len(pdf.pages)))  # neither the title page nor the last page
    assert pdf_check.lines_per_page_problems(pdf, converted.profile, full_pages) == []


def test_pdf_full_lines_hold_28_characters_on_the_grid(converted: Converted, pdf: pdfplumber.PDF) -> None:
    assert pdf_check.full_line_problems(pdf, converted.profile) == []


def test_pdf_no_line_starts_or_ends_with_a_forbidden_mark(converted: Converted, pdf: pdfplumber.PDF) -> None:
    assert pdf_check.line_break_problems(pdf, converted.profile) == []


def test_pdf_body_16pt_and_title_22pt(converted: Converted, pdf: pdfplumber.PDF) -> None:
    profile = converted.profile
    assert pdf_check.size_problems(pdf, profile, converted.document.title) == []
    title_lines = [line.text for line in pdf_check.lines(pdf, profile) if line.size == profile.title_size_pt]
    assert "".join(title_lines) == converted.document.title
    assert all(text_cells(text) <= profile.title_chars_per_line for text in title_lines)


def test_pdf_every_font_embedded(converted: Converted) -> None:
    assert pdf_check.unembedded_fonts(converted.pdf_path) == []


def test_pdf_page_numbers_odd_right_even_left(converted: Converted, pdf: pdfplumber.PDF) -> None:
    assert pdf_check.page_number_problems(pdf, converted.profile) == []


def test_pdf_level2_heading_run_in_kaiti_rest_in_fangsong(converted: Converted, pdf: pdfplumber.PDF) -> None:
    fonts = resolve_fonts()
    kaiti, fangsong = (fonts.font(role).face().face.name.decode() for role in (FontRole.KAITI, FontRole.BODY))
    assert len(converted.level2_headings) >= 3
    problems = pdf_check.inline_heading_problems(
        pdf, converted.profile, converted.level2_headings, kaiti, fangsong
    )
    assert problems == []


def test_report_names_the_font_file_of_every_role(converted: Converted) -> None:
    assert set(converted.report["fonts"]) == {role.value for role in FontRole} | {"latin"}
    assert converted.report["uncovered_characters"] == []


def test_docx_layout(converted: Converted) -> None:
    assert docx_check.layout_problems(converted.docx_path, converted.profile) == []


def test_docx_level2_heading_run_in_kaiti_rest_in_fangsong(converted: Converted) -> None:
    xml = docx_check.read_docx_xml(converted.docx_path)
    fonts = (OFFICIAL_FONT_NAMES[FontRole.KAITI], OFFICIAL_FONT_NAMES[FontRole.BODY])
    assert docx_check.inline_heading_problems(xml, converted.level2_headings, *fonts) == []


# The sample's DOCX as LibreOffice sets it ------------------------------------------------------------


@pytest.fixture(scope="module")
def libreoffice_sample(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Profile, list[list[docx_check.SetLine]]]:
    assert shutil.which("soffice"), "LibreOffice: scripts/setup.sh installs libreoffice-writer-nogui"
    work = tmp_path_factory.mktemp("libreoffice-sample")
    sample = _convert(SAMPLE, work / "outputs")
    return sample.profile, docx_check.lines_by_page(
        docx_check.libreoffice_pdf(sample.docx_path, work, ALIAS_FILE)
    )


def test_libreoffice_sets_the_sample_on_22_lines_of_28_characters_with_page_numbers(
    libreoffice_sample: tuple[Profile, list[list[docx_check.SetLine]]],
) -> None:
    profile, pages = libreoffice_sample
    assert len(pages) >= 3
    body_pages = [docx_check.type_area_lines(profile, page) for page in pages[1:-1]]
    assert [len(lines) for lines in body_pages] == [profile.lines_per_page] * len(body_pages)
    lengths = [len(line.text) for page in pages for line in docx_check.type_area_lines(profile, page)]
    assert max(lengths) == profile.chars_per_line
    assert lengths.count(profile.chars_per_line) >= len(lengths) // 2
    assert docx_check.set_page_number_problems(profile, pages) == []
    first, second = pages[0][:2]  # the title's two lines, at the title pitch, not snapped to the grid
    assert abs(second.top - first.top - profile.title_line_pitch_pt) < 0.5


# A formal notice and a profile chosen in metadata --------------------------------------------------


def _with_front_matter(tmp_path: Path, source: Path, front_matter: str) -> Path:
    path = tmp_path / source.name
    path.write_text(f"---\n{front_matter}\n---\n" + source.read_text(encoding="utf-8"), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def notice(tmp_path_factory: pytest.TempPathFactory) -> Converted:
    """国办发〔2018〕123号 as published (document number under the title), its agency named in metadata."""
    work = tmp_path_factory.mktemp("notice")
    source = _with_front_matter(
        work, CORPUS / "gov_2018_gov_new_media_opinion.txt", "发文机关: 国务院办公厅文件"
    )
    return _convert(source, work / "outputs")


def test_notice_red_header_then_title_then_addressees(notice: Converted) -> None:
    profile = notice.profile
    area = pdf_check.TypeArea.of(profile)
    with pdfplumber.open(notice.pdf_path) as pdf:
        page = pdf.pages[0]
        found = {line.text: line for line in pdf_check.lines(pdf, profile) if line.page == 1}
        mark, number = found["国务院办公厅文件"], found["国办发〔2018〕123号"]
        assert all(c["non_stroking_color"] in ((1, 0, 0), [1, 0, 0]) for c in mark.chars)
        assert (
            abs(min(c["top"] for c in mark.chars) - (area.top + pdf_check.MM * profile.red_header_top_mm)) < 1
        )
        rules = [e for e in page.edges if e["orientation"] == "h" and e["width"] > area.right - area.left - 1]
        assert len(rules) == 1
        assert mark.chars[0]["bottom"] < number.chars[0]["top"] < rules[0]["top"]
        title = [line for line in found.values() if line.size == profile.title_size_pt and line is not mark]
        addressees = next(line for text, line in found.items() if text.startswith("各省、自治区"))
        assert rules[0]["top"] < title[0].chars[0]["top"]
        assert "".join(line.text for line in title) == notice.document.title
        assert abs(addressees.chars[0]["x0"] - area.left) < 1  # 主送机关 flush left
        # one blank line between the title's last line and the addressees
        gap = addressees.chars[0]["top"] - title[-1].chars[0]["bottom"]
        assert profile.line_pitch_pt < gap < 2 * profile.line_pitch_pt
    xml = docx_check.read_docx_xml(notice.docx_path)
    first = [docx_check.paragraph_text(p) for p in docx_check.body_paragraphs(xml)[:3]]
    assert first == [
        "国务院办公厅文件",
        "国办发〔2018〕123号",
        notice.document.title,
    ]


def test_libreoffice_sets_the_notice_red_header_in_place(notice: Converted, tmp_path: Path) -> None:
    """The mark's glyphs 35 mm into the type area, the red rule 4 mm under the 发文字号, within 1 mm."""
    profile, mm = notice.profile, pdf_check.MM
    area = pdf_check.TypeArea.of(profile)
    with pdfplumber.open(docx_check.libreoffice_pdf(notice.docx_path, tmp_path, ALIAS_FILE)) as pdf:
        page = pdf.pages[0]
        rule = next(
            e for e in page.edges if e["orientation"] == "h" and e["width"] > area.right - area.left - 1
        )
        above = [c for c in page.chars if c["bottom"] < rule["top"]]
    mark = [c for c in above if c["size"] == profile.title_size_pt]
    number = [c for c in above if c["size"] == profile.body_size_pt]
    assert "".join(c["text"] for c in mark) == "国务院办公厅文件"
    assert "".join(c["text"] for c in number) == "国办发〔2018〕123号"
    assert abs(min(c["top"] for c in mark) - (area.top + mm * profile.red_header_top_mm)) < mm
    assert abs(rule["top"] - max(c["bottom"] for c in number) - mm * profile.red_rule_below_mm) < mm


def test_notice_signature_and_date_per_the_standard(notice: Converted) -> None:
    """Agency and date without a seal (GB/T 9704 7.3.5.2): the date starts 2 characters right of the
    agency and ends 2 characters in from the right, since it is the longer line."""
    profile = notice.profile
    area, cell = pdf_check.TypeArea.of(profile), profile.char_pitch_pt
    with pdfplumber.open(notice.pdf_path) as pdf:
        found = {line.text: line for line in pdf_check.lines(pdf, profile)}
    signature, date = found["国务院办公厅"], found["2018年12月7日"]
    assert abs(date.chars[-1]["x1"] - (area.right - 2 * cell)) < 1
    assert abs(date.chars[0]["x0"] - signature.chars[0]["x0"] - 2 * cell) < 2
    xml = docx_check.read_docx_xml(notice.docx_path)
    right = {
        docx_check.paragraph_text(p): p.find("w:pPr/w:ind", docx_check.NS).get(docx_check.w("rightChars"))
        for p in docx_check.body_paragraphs(xml)
    }
    # the widths as set, the latin spaces of 2018 年 12 月 7 日 included
    indents = signature_indents(
        profile, profile.set_cells("国务院办公厅"), profile.set_cells("2018年12月7日")
    )
    assert (right["国务院办公厅"], right["2018年12月7日"]) == tuple(str(round(c * 100)) for c in indents)


def test_profile_chosen_in_metadata_is_used(tmp_path: Path) -> None:
    source = _with_front_matter(tmp_path, CORPUS / "sichuan_2014_inspection_notice.txt", "版式: centered")
    converted = _convert(source, tmp_path / "outputs")
    assert converted.report["profile"] == "centered"
    with pdfplumber.open(converted.pdf_path) as pdf:
        assert len(pdf.pages) == 2
        assert pdf_check.page_number_problems(pdf, get_profile("centered")) == []
    assert docx_check.footer_problems(docx_check.read_docx_xml(converted.docx_path), converted.profile) == []


def test_a_notice_with_a_table_and_its_signature_through_the_pipeline(tmp_path: Path) -> None:
    """The holiday notice as a user's file: its attached table is a real table in both files, and its
    signature stands under the body's last lines, not alone on a page."""
    source = tmp_path / "节日通知.txt"
    shutil.copy(ROOT / "tests" / "data" / "genre" / "notice_holiday_attachments.txt", source)
    converted = _convert(source, tmp_path / "outputs")
    with pdfplumber.open(converted.pdf_path) as pdf:
        found = pdf_check.lines(pdf, converted.profile)
        table_page = next(line.page for line in found if line.text == "序号日期带班领导值班人员")
        rules = len(pdf.pages[table_page - 1].lines)
    signature = next(i for i, line in enumerate(found) if line.text == "云山市人民政府办公室")
    assert found[signature - 3].page == found[signature].page  # 特此通知 and the 附件说明 above it …
    assert found[signature - 4].page == found[signature].page  # … and the body's last line
    assert rules == 5 + 5  # four rows of four columns: five rules across, five down
    xml = docx_check.read_docx_xml(converted.docx_path)
    cells = [docx_check.paragraph_text(p) for p in xml.document.iterfind(".//w:tbl//w:p", docx_check.NS)]
    assert cells[:4] == ["序号", "日期", "带班领导", "值班人员"]
