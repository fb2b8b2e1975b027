"""The ends of documents (GB/T 9704 7.3.5.4 and 附件另面编排), in the PDF, the DOCX's XML and the DOCX as
LibreOffice sets it: the signature and its date never stand alone on a page, and a document attached after
the signature (the 方案 a 印发 notice issues) starts a page with its own 2号 title."""

from __future__ import annotations

import shutil
from pathlib import Path

import pdfplumber
import pytest

from tasks.model import Block, BlockKind, Document, Run
from tasks.reading.normalize import normalize
from tasks.reading.structure import build_document
from tasks.writing.fonts import FontSet, resolve_fonts
from tasks.writing.layout import GBT9704, SIZE_2HAO, Profile
from tasks.writing.render_docx import render_docx
from tasks.writing.render_pdf import render_pdf
from tests.docx_layout_check import (
    body_paragraphs,
    libreoffice_pdf,
    lines_by_page,
    paragraph_text,
    read_docx_xml,
    type_area_lines,
    w,
)
from tests.pdf_layout_check import TextLine, lines

ROOT = Path(__file__).resolve().parents[1]
GENRE = ROOT / "tests" / "data" / "genre"
ALIAS_FILE = ROOT / "fonts" / "fontconfig" / "65-gongwen.conf"
HOLIDAY = "notice_holiday_attachments"  # its signature and date stood alone on page 3
ISSUING = ("notice_issuing_plan", "notice_issuing_rules_imprint")
AGENCY = "云山市人民政府办公室"
LONG = "各地各部门要切实加强组织领导，压实工作责任，细化工作措施，确保各项任务落到实处，取得实效。" * 2


@pytest.fixture(scope="module")
def fonts() -> FontSet:
    return resolve_fonts()


def _genre(name: str) -> Document:
    text = (GENRE / f"{name}.txt").read_text(encoding="utf-8")
    return build_document(normalize(text).text, f"{name}.txt")


def _pdf_lines(doc: Document, fonts: FontSet, out: Path, profile: Profile = GBT9704) -> list[TextLine]:
    render_pdf(doc, profile, fonts, out)
    with pdfplumber.open(out) as pdf:
        return lines(pdf, profile)


def _notice(short_paragraphs: int) -> Document:
    """A notice whose body ends lower on its page the more one-line paragraphs it has."""
    body = [
        Block(BlockKind.PARAGRAPH, (Run(f"第{i + 1}项工作按计划推进。"),), 3 + i)
        for i in range(short_paragraphs)
    ]
    end = 3 + short_paragraphs
    blocks = (
        Block(BlockKind.TITLE, (Run("云山市人民政府办公室关于做好节日期间工作的通知"),), 1),
        Block(BlockKind.SALUTATION, (Run("各县（市、区）人民政府："),), 2),
        *body,
        Block(BlockKind.PARAGRAPH, (Run(LONG),), end),
        Block(BlockKind.CLOSING, (Run("特此通知。"),), end + 1),
        Block(BlockKind.SIGNATURE, (Run(AGENCY),), end + 2),
        Block(BlockKind.SIGNED_DATE, (Run("2023年12月20日"),), end + 3),
    )
    return Document("云山市人民政府办公室关于做好节日期间工作的通知", "text", blocks)


def _signature_page_problems(found: list[TextLine], body: str) -> list[str]:
    """Whether the page of the (last) signature has lines of the body's text above the signature."""
    signature = max(i for i, line in enumerate(found) if line.text == AGENCY)
    page = found[signature].page
    above = [line.text for line in found[:signature] if line.page == page]
    if not any(text and text in body for text in above):
        return [f"page {page}: no body line above the signature, only {above}"]
    return []


@pytest.mark.parametrize("short_paragraphs", range(0, 24))
def test_pdf_signature_never_alone_on_a_page(short_paragraphs: int, fonts: FontSet, tmp_path: Path) -> None:
    """Every place the body may end on a page: the last lines come over with the signature when needed."""
    doc = _notice(short_paragraphs)
    found = _pdf_lines(doc, fonts, tmp_path / "notice.pdf")
    body = "".join(b.text for b in doc.blocks if b.kind is BlockKind.PARAGRAPH)
    assert _signature_page_problems(found, body) == []
    date = next(line for line in found if line.text == "2023年12月20日")
    assert date.page == max(line.page for line in found)


def test_pdf_moves_no_more_than_it_must(fonts: FontSet, tmp_path: Path) -> None:
    """Where the whole end fits, nothing moves: the last paragraph is not pulled apart."""
    found = _pdf_lines(_notice(0), fonts, tmp_path / "notice.pdf")
    assert {line.page for line in found} == {1}


def test_pdf_holiday_notice_signature_with_body_lines(fonts: FontSet, tmp_path: Path) -> None:
    doc = _genre(HOLIDAY)
    found = _pdf_lines(doc, fonts, tmp_path / "holiday.pdf")
    body = "".join(b.text for b in doc.blocks if b.kind in (BlockKind.PARAGRAPH, BlockKind.HEADING))
    assert _signature_page_problems(found, body) == []
    signature = next(i for i, line in enumerate(found) if line.text == AGENCY)
    page = [line.text for line in found if line.page == found[signature].page]
    assert "特此通知。" in page and page[page.index("特此通知。") + 1].startswith("附件：1.")


def _paragraph_flags(path: Path) -> dict[str, tuple[bool, bool, bool]]:
    """Paragraph text -> (keepNext, widowControl, pageBreakBefore) as set on the paragraph itself."""
    flags = {}
    for paragraph in body_paragraphs(read_docx_xml(path)):
        pPr = paragraph.find(w("pPr"))

        def on(name: str, pPr=pPr) -> bool:
            found = pPr.find(w(name)) if pPr is not None else None
            return found is not None and found.get(w("val"), "1") not in ("0", "false")

        flags[paragraph_text(paragraph)] = (on("keepNext"), on("widowControl"), on("pageBreakBefore"))
    return flags


def test_docx_keeps_the_body_end_with_the_signature(tmp_path: Path) -> None:
    doc = _genre(HOLIDAY)
    out = tmp_path / "holiday.docx"
    render_docx(doc, GBT9704, out)
    flags = _paragraph_flags(out)
    last_body = [b.text for b in doc.blocks if b.kind is BlockKind.PARAGRAPH and b.line < 32][-1]
    kept = [last_body, "特此通知。", "附件：1.元旦春节期间市政府值班安排表", "2.突发事件信息报告流程", AGENCY]
    assert all(flags[text][:2] == (True, True) for text in kept), {t: flags[t] for t in kept}
    assert flags["2023年12月20日"][0] is False  # the date keeps with nothing: the note may go on
    earlier = [b.text for b in doc.blocks if b.kind is BlockKind.PARAGRAPH and b.line < 32][-2]
    assert flags[earlier][0] is False


@pytest.mark.parametrize("name", ISSUING)
def test_pdf_attached_document_starts_a_page_with_its_title(
    name: str, fonts: FontSet, tmp_path: Path
) -> None:
    doc = _genre(name)
    title = [b.text for b in doc.blocks if b.kind is BlockKind.TITLE][1]
    found = _pdf_lines(doc, fonts, tmp_path / f"{name}.pdf")
    first = next(i for i, line in enumerate(found) if line.text and title.startswith(line.text))
    assert found[first].page == 2 and found[first - 1].page == 1
    assert found[first].size == pytest.approx(SIZE_2HAO, abs=0.1)
    assert found[first - 1].text in ("2023年4月3日", "2024年3月5日")  # page 1 ends with the signed date


@pytest.mark.parametrize("name", ISSUING)
def test_docx_attached_document_title_breaks_the_page(name: str, tmp_path: Path) -> None:
    doc = _genre(name)
    title = [b.text for b in doc.blocks if b.kind is BlockKind.TITLE][1]
    out = tmp_path / f"{name}.docx"
    render_docx(doc, GBT9704, out)
    breaks = [text for text, (_, _, page_break) in _paragraph_flags(out).items() if page_break]
    assert [text.replace("\n", "") for text in breaks] == [title]


@pytest.fixture(scope="module")
def libreoffice(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[list]]:
    """The holiday notice, the 印发 notice and a notice whose body ends at the foot of page 1, as
    LibreOffice sets their DOCX: lines by page."""
    if shutil.which("soffice") is None:
        pytest.skip(
            "LibreOffice (soffice) is not installed; the set-up script installs libreoffice-writer-nogui"
        )
    work = tmp_path_factory.mktemp("ends-libreoffice")
    pages = {}
    for name, doc in ((HOLIDAY, _genre(HOLIDAY)), (ISSUING[0], _genre(ISSUING[0])), ("foot", _notice(12))):
        docx_path = work / f"{name}.docx"
        render_docx(doc, GBT9704, docx_path)
        pages[name] = [
            type_area_lines(GBT9704, page)
            for page in lines_by_page(libreoffice_pdf(docx_path, work, ALIAS_FILE))
        ]
    return pages


@pytest.mark.slow
def test_libreoffice_sets_body_lines_above_the_signature(libreoffice: dict[str, list[list]]) -> None:
    page = next(page for page in libreoffice[HOLIDAY] if any(line.text == AGENCY for line in page))
    texts = [line.text for line in page]
    above = texts[: texts.index(AGENCY)]
    assert "特此通知。" in above
    assert len(above) - above.index("特此通知。") == 3  # 特此通知 and the two 附件说明 lines
    assert above.index("特此通知。") >= 2  # and at least two lines of the body before it


@pytest.mark.slow
def test_libreoffice_brings_body_lines_to_a_signature_at_the_top_of_a_page(
    libreoffice: dict[str, list[list]],
) -> None:
    last = libreoffice["foot"][-1]
    texts = [line.text for line in last]
    assert texts[-2:] == [AGENCY, "2023年12月20日"]
    assert "特此通知。" in texts and texts.index("特此通知。") >= 2  # the last paragraph's lines above it
    assert all(text[:4] in LONG for text in texts[: texts.index("特此通知。")])


@pytest.mark.slow
def test_libreoffice_starts_the_attached_document_on_a_page(libreoffice: dict[str, list[list]]) -> None:
    pages = libreoffice[ISSUING[0]]
    assert pages[0][-1].text.replace(" ", "") == "2023年4月3日"
    assert pages[1][0].text.startswith("云山市优化营商环境")
