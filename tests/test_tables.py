"""Tables that came in as lines: found (a row a line with tabs or ideographic spaces, a cell a line by the
序号 column), kept out of titles and headings, set as real tables in the PDF and the DOCX (LibreOffice
too), or, where the rows disagree, as plain flush-left lines with a warning."""

from __future__ import annotations

import shutil
from pathlib import Path

import pdfplumber
import pytest

from tasks.analysis.outline import outline_entries
from tasks.analysis.summarize import summarize
from tasks.model import Block, BlockKind, Document, Table
from tasks.reading.normalize import normalize
from tasks.reading.structure import build_document
from tasks.writing.fonts import FontSet, resolve_fonts
from tasks.writing.layout import GBT9704, OFFICIAL_FONT_NAMES, FontRole, mm_to_pt
from tasks.writing.render_docx import render_docx
from tasks.writing.render_pdf import render_pdf
from tests.docx_layout_check import (
    NS,
    libreoffice_pdf,
    lines_by_page,
    read_docx_xml,
    twips,
    type_area_lines,
    w,
)
from tests.pdf_layout_check import TypeArea, lines, type_area_problems

ROOT = Path(__file__).resolve().parents[1]
ALIAS_FILE = ROOT / "fonts" / "fontconfig" / "65-gongwen.conf"
HEADER = ("序号", "改革举措", "牵头单位", "完成时限")
ROWS = (
    ("1", "深化“放管服”改革，优化审批流程", "市发改委", "2024年6月底"),
    ("2", "推进“一网通办”", "市政务服务局", "2024年9月底"),
    ("3", "开展营商环境评价", "市营商办", "2024年12月底"),
)
ISSUING = """关于印发《云山市深化改革实施方案》的通知

各有关单位：

　　现将方案印发给你们，请认真贯彻落实。

云山市人民政府办公室
2024年3月5日

云山市深化改革实施方案

　　一、主要任务

{table}

　　二、工作要求

　　各单位要按时完成任务。
"""


def _document(text: str) -> Document:
    return build_document(normalize(text).text, "方案.txt")


def _cell_per_line(rows: tuple[tuple[str, ...], ...]) -> str:
    return "\n".join(cell for row in (HEADER, *rows) for cell in row)


def _tables(doc: Document) -> list[Table]:
    return [block.table for block in doc.blocks if block.table is not None]


def test_a_table_flattened_a_cell_a_line_is_one_table() -> None:
    doc = _document(ISSUING.format(table=_cell_per_line(ROWS)))
    assert _tables(doc) == [Table((HEADER, *ROWS))]
    front = [b.text for b in doc.blocks if b.kind in (BlockKind.TITLE, BlockKind.SUBTITLE)]
    assert front == ["关于印发《云山市深化改革实施方案》的通知", "云山市深化改革实施方案"]
    assert [e["title"] for e in outline_entries(doc)] == ["主要任务", "工作要求"]
    assert doc.warnings == ()


def test_cells_right_under_the_title_are_no_title_lines() -> None:
    """The issue's case: the header's short cells stood under the 方案's title and were set as subtitles."""
    text = ISSUING.replace("　　一、主要任务\n\n", "").format(table=_cell_per_line(ROWS))
    doc = _document(text)
    assert _tables(doc) == [Table((HEADER, *ROWS))]
    assert not any(b.kind in (BlockKind.TITLE, BlockKind.SUBTITLE) and "序号" in b.text for b in doc.blocks)


def test_rows_that_disagree_are_plain_lines_with_a_warning() -> None:
    uneven = (ROWS[0], ("2", "推进“一网通办”", "市政务服务局"), ROWS[2])  # a cell missing
    doc = _document(ISSUING.replace("　　一、主要任务\n\n", "").format(table=_cell_per_line(uneven)))
    assert _tables(doc) == []
    cells = [cell for row in (HEADER, *uneven) for cell in row]
    assert [b.text for b in doc.blocks if b.kind is BlockKind.LINE] == cells
    assert not any(b.kind in (BlockKind.TITLE, BlockKind.SUBTITLE) and b.text in cells for b in doc.blocks)
    warnings = [w for w in doc.warnings if w.rule == "table"]  # and the gap left by 一、 removed
    assert len(warnings) == 1 and "2 to 3" in warnings[0].message and warnings[0].excerpt == "序号"


def test_tab_separated_rows_keep_their_tabs_and_become_a_table() -> None:
    """As the DOCX reader writes a Word table: a row a line, a tab between cells; cells may hold commas."""
    rows = "\n".join("\t".join(row) for row in (HEADER, *ROWS))
    assert normalize(rows).text == rows
    doc = _document(ISSUING.format(table=rows))
    assert _tables(doc) == [Table((HEADER, *ROWS))]


def test_tab_rows_of_different_widths_are_plain_lines_with_a_warning() -> None:
    rows = "\n".join(("序号\t指标\t目标值", "1\t优良天数比例\t88\t91.2", "2\t地表水优良比例\t80"))
    doc = _document(ISSUING.format(table=rows))
    assert _tables(doc) == []
    lines_set = [b.text for b in doc.blocks if b.kind is BlockKind.LINE]
    assert lines_set == [
        "序号\u3000指标\u3000目标值",
        "1\u3000优良天数比例\u300088\u300091.2",
        "2\u3000地表水优良比例\u300080",
    ]
    assert [w.rule for w in doc.warnings] == ["table"]


def test_rows_apart_by_ideographic_spaces() -> None:
    rows = "\n".join(
        "\u3000".join(row)
        for row in (("序号", "日期", "带班领导"), ("1", "12月30日", "张伟"), ("2", "12月31日", "王芳"))
    )
    doc = _document(ISSUING.format(table=rows))
    assert _tables(doc) == [
        Table((("序号", "日期", "带班领导"), ("1", "12月30日", "张伟"), ("2", "12月31日", "王芳")))
    ]


@pytest.mark.parametrize(
    "lines",
    [
        ("第一项\t按时完成",),  # one tabbed line
        ("出席：赵立新　孙海涛", "列席：王芳　李强"),  # two lines of names
        ("张立新　孙海涛　王芳", "赵立新　钱明亮　李强", "周建国　吴卫东　郑和平"),  # names in columns
        ("会议议程", "议题", "1", "传达会议精神", "2", "部署下步工作"),  # a number and one line: a list
        (
            "会议要求：",
            "1",
            "各单位按时报送材料。",
            "2",
            "各单位认真落实。",
        ),  # numbers without a header of cells
    ],
)
def test_what_is_no_table(lines: tuple[str, ...]) -> None:
    doc = _document(ISSUING.format(table="\n".join(lines)))
    assert _tables(doc) == [] and not any(b.kind is BlockKind.LINE for b in doc.blocks)


def test_outline_and_summary_pass_tables_by() -> None:
    doc = _document(ISSUING.format(table=_cell_per_line(ROWS)))
    summary = summarize(doc)
    assert not any("序号" in s.text or "市发改委" in s.text for s in summary.sentences)
    assert "改革举措" not in summary.gist


# Rendering --------------------------------------------------------------------------------------------

MANY = tuple((str(i), f"第{i}项改革举措的具体内容", "市发改委", "2024年底") for i in range(1, 41))


@pytest.fixture(scope="module")
def fonts() -> FontSet:
    return resolve_fonts()


@pytest.fixture(scope="module")
def long_table() -> Document:
    """A 方案 whose table of 40 rows runs over pages."""
    return _document(ISSUING.format(table="\n".join("\t".join(row) for row in (HEADER, *MANY))))


def test_pdf_table_is_ruled_within_the_type_area_and_repeats_its_header(
    long_table: Document, fonts: FontSet, tmp_path: Path
) -> None:
    out = tmp_path / "table.pdf"
    render_pdf(long_table, GBT9704, fonts, out)
    area = TypeArea.of(GBT9704)
    with pdfplumber.open(out) as pdf:
        found = lines(pdf, GBT9704)
        table_pages = sorted({line.page for line in found if "项改革举措" in line.text})
        assert len(table_pages) >= 2
        for number in table_pages:
            page = pdf.pages[number - 1]
            page_lines = [line.text for line in found if line.page == number]
            first_row = next(i for i, text in enumerate(page_lines) if "项改革举措" in text)
            assert page_lines[first_row - 1].replace(" ", "") == "".join(HEADER)  # the header above the rows
            rules = page.lines
            verticals = [r for r in rules if abs(r["x0"] - r["x1"]) < 0.1]
            assert len(verticals) == len(HEADER) + 1
            assert min(r["x0"] for r in rules) == pytest.approx(area.left, abs=0.5)
            assert max(r["x1"] for r in rules) == pytest.approx(area.right, abs=0.5)
            assert (
                area.top - 0.5 <= min(r["top"] for r in rules)
                and max(r["bottom"] for r in rules) <= area.bottom + 0.5
            )
        cells = [line for line in found if "项改革举措" in line.text]
        assert {round(c["size"], 1) for line in cells for c in line.chars} == {GBT9704.table_size_pt}
        # every row once, none lost at a page break
        rows = [line.text for line in found if "项改革举措" in line.text]
        assert rows == ["".join(row) for row in MANY]


def test_docx_table_xml(long_table: Document, tmp_path: Path) -> None:
    out = tmp_path / "table.docx"
    render_docx(long_table, GBT9704, out)
    body = read_docx_xml(out).document.find("w:body", NS)
    tables = body.findall("w:tbl", NS)
    assert len(tables) == 1
    table = tables[0]
    width = int(table.find("w:tblPr/w:tblW", NS).get(w("w")))
    assert width == pytest.approx(twips(GBT9704.type_width_pt), abs=len(HEADER))
    assert sum(int(col.get(w("w"))) for col in table.findall("w:tblGrid/w:gridCol", NS)) == width
    borders = table.find("w:tblPr/w:tblBorders", NS)
    sides = {child.tag.split("}")[1]: child.get(w("val")) for child in borders}
    assert sides == dict.fromkeys(("top", "left", "bottom", "right", "insideH", "insideV"), "single")
    rows = table.findall("w:tr", NS)
    assert len(rows) == 41
    assert [row.find("w:trPr/w:tblHeader", NS) is not None for row in rows] == [True] + [False] * 40
    header_fonts = {f.get(w("eastAsia")) for f in rows[0].iterfind(".//w:rFonts", NS)}
    assert header_fonts == {OFFICIAL_FONT_NAMES[FontRole.HEITI]}
    sizes = {int(sz.get(w("val"))) for sz in table.iterfind(".//w:rPr/w:sz", NS)}
    assert sizes == {round(GBT9704.table_size_pt * 2)}
    pitch = {p.get(w("line")) for p in table.iterfind(".//w:pPr/w:spacing", NS)}
    assert pitch == {str(GBT9704.line_pitch_twips)}  # cell lines on the grid's pitch


@pytest.mark.slow
def test_libreoffice_sets_the_table_with_its_header_on_every_page(
    long_table: Document, tmp_path: Path
) -> None:
    if shutil.which("soffice") is None:
        pytest.skip(
            "LibreOffice (soffice) is not installed; the set-up script installs libreoffice-writer-nogui"
        )
    docx_path = tmp_path / "table.docx"
    render_docx(long_table, GBT9704, docx_path)
    pages = [
        type_area_lines(GBT9704, page)
        for page in lines_by_page(libreoffice_pdf(docx_path, tmp_path, ALIAS_FILE))
    ]
    with_rows = [page for page in pages if any("项改革举措" in line.text for line in page)]
    assert len(with_rows) >= 2
    for page in with_rows:
        texts = [line.text.replace(" ", "") for line in page]
        first_row = next(i for i, text in enumerate(texts) if "项改革举措" in text)
        assert texts[first_row - 1] == "".join(HEADER)
        assert max(line.x1 for line in page) <= mm_to_pt(GBT9704.page.width_mm - GBT9704.page.right_mm) + 1


def test_uncertain_cells_are_set_flush_left(fonts: FontSet, tmp_path: Path) -> None:
    uneven = (ROWS[0], ("2", "推进“一网通办”", "市政务服务局"), ROWS[2])
    doc = _document(ISSUING.format(table=_cell_per_line(uneven)))
    out = tmp_path / "lines.pdf"
    render_pdf(doc, GBT9704, fonts, out)
    with pdfplumber.open(out) as pdf:
        found = {line.text: line for line in lines(pdf, GBT9704)}
    for cell in ("序号", "改革举措", "市政务服务局"):
        assert found[cell].chars[0]["x0"] == pytest.approx(TypeArea.of(GBT9704).left, abs=1.0)


def test_pdf_rows_taller_than_a_page_go_on_without_losing_text(fonts: FontSet, tmp_path: Path) -> None:
    """A header of half a page is not repeated, a row taller than a page runs on: every character kept."""
    long_cell = "很长的单元格内容" * 40
    rows = (
        ("序号", long_cell[:320], "名称"),
        *((str(i), long_cell if i % 2 else "短", "名称") for i in range(1, 6)),
    )
    doc = Document("表", "text", (Block(BlockKind.TABLE, (), 1, table=Table(rows)),))
    out = tmp_path / "tall.pdf"
    render_pdf(doc, GBT9704, fonts, out)
    with pdfplumber.open(out) as pdf:
        assert type_area_problems(pdf, GBT9704) == []
        assert sum(1 for page in pdf.pages for c in page.chars if c["text"] == "很") == 40 + 3 * 40
