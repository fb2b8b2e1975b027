"""The 版记 (GB/T 9704 7.4): 抄送 and 印发 lines at the end of a formal document.

Recognised only at the very end of the text; set at the bottom of the last page between rules as wide as
the type area (PDF, checked with pdfplumber), and as a table of full-width rules after the body (DOCX XML,
and the PDF LibreOffice sets from it).
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import pdfplumber
import pytest

from tasks.model import Block, BlockKind, Document, Run, RunRole
from tasks.reading.normalize import normalize
from tasks.reading.structure import build_document
from tasks.writing.fonts import FontSet, resolve_fonts
from tasks.writing.layout import GBT9704, PROFILES, FontRole, Profile, mm_to_pt
from tasks.writing.render_docx import render_docx
from tasks.writing.render_pdf import PdfResult, render_pdf
from tests.docx_layout_check import (
    NS,
    layout_problems,
    libreoffice_pdf,
    paragraph_text,
    read_docx_xml,
    runs,
    w,
)
from tests.pdf_layout_check import (
    MM,
    Char,
    TextLine,
    TypeArea,
    base_font_name,
    is_page_number,
    lines,
    page_number_problems,
)

NOTICE = (
    "云山市人民政府办公室关于印发《云山市政务信息报送办法》的通知\n"
    "各县（市、区）人民政府，市政府各部门：\n"
    "现将《云山市政务信息报送办法》印发给你们，请认真贯彻执行。\n"
    "一、报送要求\n"
    "报送的信息涉及其他部门职责的，应当同时抄送相关部门。\n"
    "云山市人民政府办公室\n"
    "2024年3月5日\n"
)
COPY_TO = "抄送：市委办公室，市人大常委会办公室，市政协办公室。"
PRINTED_BY = "云山市人民政府办公室　　　　　　　　2024年3月5日印发"


def imprint(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """(kind, run texts) of the 版记 blocks read from the normalized text."""
    doc = build_document(normalize(text).text, "x.txt")
    kinds = (BlockKind.COPY_TO, BlockKind.PRINTED_BY)
    return [(b.kind.value, tuple(r.text for r in b.runs)) for b in doc.blocks if b.kind in kinds]


OFFICE_AND_DATE = ("printed_by", ("云山市人民政府办公室", "2024年3月5日印发"))


@pytest.mark.parametrize(
    "line",
    [
        "云山市人民政府办公室　　　　　　　　2024年3月5日印发",
        "云山市人民政府办公室        2024年3月5日印发",
        "云山市人民政府办公室\t\t2024年3月5日印发",
        "云山市人民政府办公室 2024年3月5日印发",
        "云山市人民政府办公室2024年3月5日印发",
        "　　云山市人民政府办公室　　2024年3月5日印发　　",
    ],
    ids=["full-width spaces", "spaces", "tabs", "one space", "no space", "indented"],
)
def test_printed_by_line_however_spaced(line: str) -> None:
    assert imprint(f"{NOTICE}{COPY_TO}\n{line}") == [
        ("copy_to", ("抄送：", "市委办公室，市人大常委会办公室，市政协办公室。")),
        OFFICE_AND_DATE,
    ]


def test_print_run_note_on_the_line_or_under_it() -> None:
    on_the_line = imprint(f"{NOTICE}云山市人民政府办公室　　2024年3月5日印发（共印60份）")
    under_it = imprint(f"{NOTICE}云山市人民政府办公室　　2024年3月5日印发\n（共印60份）")
    assert (
        on_the_line == under_it == [("printed_by", ("云山市人民政府办公室", "2024年3月5日印发（共印60份）"))]
    )


def test_copy_to_continued_on_the_next_line_and_raw_marks() -> None:
    text = f"{NOTICE}抄送:市委办公室,市人大常委会办公室,\n　　　市政协办公室。\n{PRINTED_BY}"
    assert imprint(text) == [
        ("copy_to", ("抄送：", "市委办公室，市人大常委会办公室，市政协办公室。")),
        OFFICE_AND_DATE,
    ]


def test_addressees_moved_into_the_imprint_above_copy_to() -> None:
    text = f"{NOTICE}主送：各县（市、区）人民政府。\n{COPY_TO}\n{PRINTED_BY}"
    assert [kind for kind, _ in imprint(text)] == ["copy_to", "copy_to", "printed_by"]
    assert imprint(text)[0] == ("copy_to", ("主送：", "各县（市、区）人民政府。"))


def test_copy_to_alone_and_date_alone() -> None:
    assert imprint(f"{NOTICE}{COPY_TO}") == [
        ("copy_to", ("抄送：", "市委办公室，市人大常委会办公室，市政协办公室。"))
    ]
    assert imprint(f"{NOTICE}2024年3月5日印发") == [("printed_by", ("2024年3月5日印发",))]


def test_imprint_lines_keep_their_line_numbers_and_stay_out_of_the_outline() -> None:
    doc = build_document(f"{NOTICE}{COPY_TO}\n{PRINTED_BY}", "x.txt")
    without = build_document(NOTICE, "x.txt")
    assert [(b.kind, b.line) for b in doc.blocks[-2:]] == [(BlockKind.COPY_TO, 8), (BlockKind.PRINTED_BY, 9)]
    assert all(b.heading is None for b in doc.blocks[-2:])
    assert doc.outline == without.outline and [h.number for h in doc.outline] == ["一、"]
    assert doc.blocks[:-2] == without.blocks
    assert doc.blocks[-3].kind is BlockKind.SIGNED_DATE


@pytest.mark.parametrize(
    "ending",
    [
        "现将《云山市政务信息报送办法》印发给你们，请认真贯彻执行。",  # a sentence saying 印发
        "本办法自2024年3月5日印发之日起施行。",
        "2019年4月1日印发的《云山市政务信息工作规定》同时废止。",
        "主送：各县（市、区）人民政府。",  # addressees alone: no 抄送, no 印发 under them
        f"{COPY_TO}\n（此件公开发布）",  # a 抄送 line that does not end the text
        f"{PRINTED_BY}\n报送的信息应当同时抄送相关部门。",  # an 印发 line with body text after it
        "抄送：市委办公室。请各单位认真执行。",  # a sentence after the list
    ],
    ids=["issued-to-you", "in-force", "repealed", "addressees", "copy-not-last", "printed-not-last", "prose"],
)
def test_body_sentences_with_yinfa_or_chaosong_are_no_imprint(ending: str) -> None:
    assert imprint(f"{NOTICE}{ending}") == []


def test_title_that_issues_a_document_is_no_imprint() -> None:
    doc = build_document("关于印发《云山市政务信息报送办法》的通知\n2024年3月5日印发", "x.txt")
    assert [(b.kind, b.text) for b in doc.blocks] == [
        (BlockKind.TITLE, "关于印发《云山市政务信息报送办法》的通知"),
        (BlockKind.PRINTED_BY, "2024年3月5日印发"),
    ]
    assert doc.blocks[1].runs == (Run("2024年3月5日印发", role=RunRole.DATE),)


# PDF: the 版记 closes the last page ----------------------------------------------------------------

AGENCIES = "市委办公室，市人大常委会办公室，市政协办公室，市中级人民法院，市人民检察院，云山军分区。"
IMPRINT = (
    Block(BlockKind.COPY_TO, (Run("抄送：", role=RunRole.LABEL), Run(AGENCIES)), 20),
    Block(
        BlockKind.PRINTED_BY,
        (Run("云山市人民政府办公室", role=RunRole.OFFICE), Run("2024年3月5日印发", role=RunRole.DATE)),
        21,
    ),
)


@pytest.fixture(scope="module")
def fonts() -> FontSet:
    return resolve_fonts()


def _with_body_lines(count: int) -> Document:
    """A body of `count` full grid lines (one paragraph, indented 2), then the 版记."""
    body = Block(BlockKind.PARAGRAPH, (Run("一" * (GBT9704.chars_per_line * count - 2)),), 1)
    return Document("", "text", (body, *IMPRINT))


def _render(doc: Document, profile: Profile, fonts: FontSet, out: Path) -> tuple[PdfResult, pdfplumber.PDF]:
    return render_pdf(doc, profile, fonts, out), pdfplumber.open(out)


def _imprint_lines(pdf: pdfplumber.PDF, profile: Profile) -> list[TextLine]:
    return [line for line in lines(pdf, profile) if abs(line.size - profile.imprint_size_pt) < 0.05]


def _rules(page: pdfplumber.page.Page) -> list[dict]:
    return sorted((e for e in page.lines if e["top"] == e["bottom"]), key=lambda e: e["top"])


def _em_top(profile: Profile, slot: int) -> float:
    """Top of a 4号 em box set in grid line `slot` (0-based): lines sit centred in their slot."""
    half_leading = (profile.line_pitch_pt - profile.imprint_size_pt) / 2
    return TypeArea.of(profile).top + slot * profile.line_pitch_pt + half_leading


def _hanzi(lines: Sequence[TextLine]) -> list[Char]:
    """The Chinese characters: Latin digits sit in a taller box of another font."""
    return [c for line in lines for c in line.chars if "\u4e00" <= c["text"] <= "\u9fff"]


def _chinese_top(line: TextLine) -> float:
    return min(c["top"] for c in _hanzi([line]))


def test_imprint_on_the_bottom_lines_of_the_even_page_between_rules(fonts: FontSet, tmp_path: Path) -> None:
    """The body ends on page 1 (odd): printed two-sided, the 版记 goes on page 2, the back of the sheet."""
    profile = GBT9704
    result, pdf = _render(_with_body_lines(3), profile, fonts, tmp_path / "even.pdf")
    area, cell = TypeArea.of(profile), profile.cell_pt(profile.imprint_size_pt)
    assert result.pages == 2
    copy_to, wrapped, printed = _imprint_lines(pdf, profile)
    assert {line.page for line in (copy_to, wrapped, printed)} == {2}
    assert [line.page for line in lines(pdf, profile) if line not in (copy_to, wrapped, printed)] == [1] * 3
    assert copy_to.text + wrapped.text == "抄送：" + AGENCIES
    assert printed.text == "云山市人民政府办公室2024年3月5日印发"
    # on the grid's last three lines, 4号 仿宋
    for slot, line in zip((19, 20, 21), (copy_to, wrapped, printed), strict=True):
        assert abs(_chinese_top(line) - _em_top(profile, slot)) < 0.5, line.text
    fangsong = fonts.font(FontRole.BODY).face().face.name.decode()
    assert {base_font_name(c["fontname"]) for c in _hanzi([copy_to, wrapped, printed])} == {fangsong}
    # 1 character in on either side; wrapped agencies under the first after "抄送："
    assert abs(copy_to.chars[0]["x0"] - (area.left + cell)) < 0.5
    assert abs(copy_to.chars[-1]["x1"] - (area.right - cell)) < 0.5  # a full line, justified
    assert abs(wrapped.chars[0]["x0"] - copy_to.chars[3]["x0"]) < 0.5
    assert abs(printed.chars[0]["x0"] - (area.left + cell)) < 0.5
    assert abs(printed.chars[-1]["x1"] - (area.right - cell)) < 0.5
    # three rules as wide as the type area: 0.35 mm above and below, 0.25 mm between 抄送 and 印发
    top, inner, bottom = _rules(pdf.pages[1])
    for rule in (top, inner, bottom):
        assert abs(rule["x0"] - area.left) < 0.5 and abs(rule["x1"] - area.right) < 0.5
    assert [round(r["linewidth"] / MM, 2) for r in (top, inner, bottom)] == [0.35, 0.25, 0.35]
    assert top["top"] < copy_to.chars[0]["top"] and wrapped.chars[0]["bottom"] < inner["top"]
    assert inner["top"] < printed.chars[0]["top"] and printed.chars[0]["bottom"] < bottom["top"]
    assert abs(bottom["top"] - area.bottom) < 0.5  # the last rule on the type area's bottom edge
    assert _rules(pdf.pages[0]) == []
    assert page_number_problems(pdf, profile) == []  # no blank page before: both pages numbered


def test_imprint_shares_the_last_even_page_when_it_fits(fonts: FontSet, tmp_path: Path) -> None:
    """19 lines of text on page 2 leave its last three grid lines to the 版记."""
    result, pdf = _render(_with_body_lines(22 + 19), GBT9704, fonts, tmp_path / "fits.pdf")
    assert result.pages == 2
    imprint = _imprint_lines(pdf, GBT9704)
    assert {line.page for line in imprint} == {2}
    body = [line for line in lines(pdf, GBT9704) if line.page == 2 and line not in imprint]
    top, *_ = _rules(pdf.pages[1])
    assert len(body) == 19 and body[-1].chars[0]["bottom"] < top["top"] < imprint[0].chars[0]["top"]
    assert page_number_problems(pdf, GBT9704) == []


def test_a_blank_page_before_the_imprint_page_and_neither_numbered(fonts: FontSet, tmp_path: Path) -> None:
    """Page 2 is too full for the 版记's three lines: page 3 stays blank, the 版记 closes page 4 (7.5.1)."""
    result, pdf = _render(_with_body_lines(22 + 20), GBT9704, fonts, tmp_path / "blank.pdf")
    assert result.pages == 4
    assert pdf.pages[2].chars == [] and _rules(pdf.pages[2]) == []
    assert {line.page for line in _imprint_lines(pdf, GBT9704)} == {4}
    area = TypeArea.of(GBT9704)
    numbered = [any(is_page_number(c, area) for c in page.chars) for page in pdf.pages]
    assert numbered == [True, True, False, False]


def test_screen_profile_closes_the_last_page_whatever_its_number(fonts: FontSet, tmp_path: Path) -> None:
    profile = PROFILES["gbt33476"]
    assert not profile.imprint_on_even_page
    result, pdf = _render(_with_body_lines(3), profile, fonts, tmp_path / "screen.pdf")
    assert result.pages == 1
    printed = _imprint_lines(pdf, profile)[-1]
    assert printed.page == 1 and abs(_chinese_top(printed) - _em_top(profile, 21)) < 0.5
    assert abs(_rules(pdf.pages[0])[-1]["top"] - TypeArea.of(profile).bottom) < 0.5


@pytest.mark.parametrize(
    "office",
    ["", "中共云山市委办公室　云山市人民政府办公室　云山军分区政治工作处"],
    ids=["date-alone", "long-office"],
)
def test_date_flush_right_under_an_office_too_long_to_share_its_line(
    office: str, fonts: FontSet, tmp_path: Path
) -> None:
    pieces = ((office, RunRole.OFFICE), ("2024年3月5日印发", RunRole.DATE))
    runs = tuple(Run(text, role=role) for text, role in pieces if text)
    doc = Document(
        "", "text", (Block(BlockKind.PARAGRAPH, (Run("正文。"),), 1), Block(BlockKind.PRINTED_BY, runs, 2))
    )
    _, pdf = _render(doc, GBT9704, fonts, tmp_path / "printed.pdf")
    *office_lines, date = _imprint_lines(pdf, GBT9704)
    area, cell = TypeArea.of(GBT9704), GBT9704.cell_pt(GBT9704.imprint_size_pt)
    assert date.text == "2024年3月5日印发"
    assert abs(date.chars[-1]["x1"] - (area.right - cell)) < 0.5
    assert "".join(line.text for line in office_lines).replace("　", "") == office.replace("　", "")
    assert len(office_lines) == (2 if office else 0)
    assert all(abs(line.chars[0]["x0"] - (area.left + cell)) < 0.5 for line in office_lines)


def test_a_notice_from_its_text(fonts: FontSet, tmp_path: Path) -> None:
    """Through structure: the fixture's 版记 lines at the foot of its last (even) page, and nowhere else."""
    raw = (Path(__file__).parent / "data" / "genre" / "notice_issuing_rules_imprint.txt").read_text("utf-8")
    doc = build_document(normalize(raw).text, "notice.txt")
    result, pdf = _render(doc, GBT9704, fonts, tmp_path / "notice.pdf")
    found = _imprint_lines(pdf, GBT9704)
    assert result.pages % 2 == 0 and {line.page for line in found} == {result.pages}
    assert found[-1].text == "云山市人民政府办公室2024年3月5日印发"
    assert "".join(line.text for line in found[:-1]).startswith("抄送：市委办公室")
    assert (
        abs(_rules(pdf.pages[-1])[-1]["top"] - mm_to_pt(GBT9704.page.height_mm - GBT9704.page.bottom_mm))
        < 0.5
    )


# DOCX: a table of full-width rules one blank line under the body -----------------------------------

ALIAS_FILE = Path(__file__).resolve().parents[1] / "fonts" / "fontconfig" / "65-gongwen.conf"


def _docx(tmp_path: Path) -> Path:
    out = tmp_path / "imprint.docx"
    render_docx(_with_body_lines(3), GBT9704, out)
    return out


def test_docx_imprint_table_rules_and_lines(tmp_path: Path) -> None:
    path = _docx(tmp_path)
    assert layout_problems(path, GBT9704) == []  # the body as before
    body = read_docx_xml(path).document.find("w:body", NS)
    *_, blank, table, _ = body  # the last paragraph, the table, the section properties
    assert (blank.tag, paragraph_text(blank), table.tag) == (w("p"), "", w("tbl"))
    assert blank.find("w:pPr/w:keepNext", NS) is not None
    assert blank.find("w:pPr/w:spacing", NS).get(w("line")) == str(GBT9704.line_pitch_twips)
    # as wide as the type area, flush with it, cells without side margins
    props = table.find("w:tblPr", NS)
    assert (props.find("w:tblW", NS).get(w("type")), props.find("w:tblW", NS).get(w("w"))) == ("pct", "5000")
    assert props.find("w:tblInd", NS).get(w("w")) == "0"
    assert [m.get(w("w")) for m in props.find("w:tblCellMar", NS)] == ["0", "0"]
    rows = table.findall("w:tr", NS)
    assert all(row.find("w:trPr/w:cantSplit", NS) is not None for row in rows)
    # rules in eighths of a point: 0.35 mm = 0.99 pt -> 8 above and below, 0.25 mm = 0.71 pt -> 6 between
    borders = [
        {side.tag.split("}")[1]: side.get(w("sz")) for side in row.find("w:tc/w:tcPr/w:tcBorders", NS)}
        for row in rows
    ]
    assert borders == [{"top": "8"}, {"top": "6", "bottom": "8"}]
    copy_to, printed = (row.find("w:tc/w:p", NS) for row in rows)
    assert copy_to.find("w:pPr/w:keepNext", NS) is not None  # the rows stay on one page
    # 4号 仿宋 (sz in half points), the official font names
    for paragraph in (copy_to, printed):
        assert {(run.east_asia, run.size_half_pt) for run in runs(paragraph)} == {("仿宋_GB2312", 28)}
    # indents in twips (a 4号 character is 280): 1 character in, 抄送's wrapped lines after "抄送："
    ind = copy_to.find("w:pPr/w:ind", NS)
    assert {a.split("}")[1]: v for a, v in ind.attrib.items()} == {
        "left": "1120",
        "hanging": "840",
        "right": "280",
    }
    assert paragraph_text(copy_to) == "抄送：" + AGENCIES
    # the office at the left indent, a tab to the date ending at the right indent
    ind = printed.find("w:pPr/w:ind", NS)
    assert (ind.get(w("left")), ind.get(w("right"))) == ("280", "280")
    tab = printed.find("w:pPr/w:tabs/w:tab", NS)
    assert (tab.get(w("val")), tab.get(w("pos"))) == ("right", str(round(GBT9704.type_width_pt * 20) - 280))
    pieces = [
        "\t" if el.tag == w("tab") else el.text for el in printed.iterfind("w:r/*", NS) if el.tag != w("rPr")
    ]
    assert "".join(pieces) == "云山市人民政府办公室\t2024年3月5日印发"


def test_docx_without_imprint_has_no_table(tmp_path: Path) -> None:
    out = tmp_path / "plain.docx"
    render_docx(Document("", "text", _with_body_lines(3).blocks[:1]), GBT9704, out)
    assert read_docx_xml(out).document.find(".//w:tbl", NS) is None


@pytest.mark.slow
def test_libreoffice_sets_the_rules_across_the_type_area(tmp_path: Path) -> None:
    if shutil.which("soffice") is None:
        pytest.skip(
            "LibreOffice (soffice) is not installed; the set-up script installs libreoffice-writer-nogui"
        )
    area, cell = TypeArea.of(GBT9704), GBT9704.imprint_size_pt
    with pdfplumber.open(libreoffice_pdf(_docx(tmp_path), tmp_path, ALIAS_FILE)) as pdf:
        page = pdf.pages[0]
        top, inner, bottom = _rules(page)
        chars = [c for c in page.chars if c["size"] == GBT9704.imprint_size_pt]
    for rule in (top, inner, bottom):
        assert abs(rule["x0"] - area.left) < 1 and abs(rule["x1"] - area.right) < 1
    assert [r["linewidth"] for r in (top, inner, bottom)] == [1.0, 0.75, 1.0]
    copy_to = [c for c in chars if top["top"] < c["top"] < inner["top"]]
    printed = [c for c in chars if inner["top"] < c["top"] < bottom["top"]]
    assert "".join(c["text"] for c in copy_to) == "抄送：" + AGENCIES
    assert "".join(c["text"] for c in printed).replace(" ", "") == "云山市人民政府办公室2024年3月5日印发"
    assert abs(min(c["x0"] for c in printed) - (area.left + cell)) < 1
    assert abs(max(c["x1"] for c in printed) - (area.right - cell)) < 1
