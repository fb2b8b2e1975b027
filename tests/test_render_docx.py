"""The DOCX writer: its XML against the layout profile, and a LibreOffice round trip that counts the
grid (lines a page, characters a line) in the PDF that LibreOffice sets from it."""

from __future__ import annotations

import itertools
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree

from tasks.model import Block, BlockKind, Document, Heading, Metadata, Run, RunRole
from tasks.writing.layout import GBT9704, OFFICIAL_FONT_NAMES, PROFILES, DocxReader, FontRole, Profile
from tasks.writing.render_docx import render_docx
from tasks.writing.title import break_title
from tests.docx_layout_check import (
    NS,
    SetLine,
    body_paragraphs,
    layout_problems,
    libreoffice_pdf,
    lines_by_page,
    outline_levels,
    paragraph_text,
    read_docx_xml,
    runs,
    set_page_number_problems,
    type_area_lines,
    w,
)

ROOT = Path(__file__).resolve().parents[1]
ALIAS_FILE = ROOT / "fonts" / "fontconfig" / "65-gongwen.conf"
TITLE = "在全市四套班子秘书长和办公室主任工作座谈会上关于进一步加强办公室工作的讲话"
# 56 characters (two full lines), no punctuation: no line-breaking rule moves a character.
FILLER = (
    "深入学习贯彻新时代中国特色社会主义思想全面贯彻党的二十大精神"
    "坚持稳中求进工作总基调完整准确全面贯彻新发展理念着力"
)


def _block(kind: BlockKind, text: str, line: int, heading: Heading | None = None) -> Block:
    return Block(kind, (Run(text),), line, heading)


def _speech(paragraphs: int = 3) -> Document:
    h1 = Heading(1, "一、", "讲学习不放松", inline=False, line=5)
    h2 = Heading(2, "（一）", "坚持学以立德", inline=True, line=6)
    blocks = (
        _block(BlockKind.TITLE, TITLE, 1),
        _block(BlockKind.SPEAKER, "张三", 2),
        _block(BlockKind.DATE, "（2018年1月2日）", 3),
        _block(BlockKind.SALUTATION, "同志们：", 4),
        _block(BlockKind.HEADING, "一、讲学习不放松", 5, h1),
        Block(BlockKind.PARAGRAPH, (Run("（一）坚持学以立德。", heading_level=2), Run(FILLER + "。")), 6, h2),
        *(_block(BlockKind.PARAGRAPH, FILLER * 2 + "。", 7 + i) for i in range(paragraphs)),
        _block(BlockKind.CLOSING, "谢谢大家！", 7 + paragraphs),
    )
    return Document(TITLE, "text", blocks)


def _notice() -> Document:
    blocks = (
        _block(BlockKind.DOC_NUMBER, "国办发〔2024〕1号", 1),
        _block(BlockKind.TITLE, "国务院办公厅关于做好某项工作的通知", 2),
        _block(BlockKind.SALUTATION, "各省、自治区、直辖市人民政府：", 3),
        _block(BlockKind.PARAGRAPH, FILLER + "。", 4),
        Block(
            BlockKind.ATTACHMENT,
            (Run("附件：", role=RunRole.LABEL), Run("1.", role=RunRole.NUMBER), Run(FILLER[:30])),
            5,
        ),
        _block(BlockKind.SIGNATURE, "国务院办公厅", 6),
        _block(BlockKind.SIGNED_DATE, "2024年1月2日", 7),
    )
    return Document("国务院办公厅关于做好某项工作的通知", "text", blocks, Metadata(agency="国务院办公厅文件"))


def _render(doc: Document, profile: Profile, tmp_path: Path) -> Path:
    out = tmp_path / f"{profile.name}.docx"
    render_docx(doc, profile, out)
    return out


@pytest.mark.parametrize("profile", PROFILES.values(), ids=PROFILES.keys())
def test_layout_follows_the_profile(profile: Profile, tmp_path: Path) -> None:
    for doc in (_speech(), _notice()):
        assert layout_problems(_render(doc, profile, tmp_path), profile) == []


def test_headings_carry_outline_levels(tmp_path: Path) -> None:
    xml = read_docx_xml(_render(_speech(), GBT9704, tmp_path))
    assert outline_levels(xml) == [(0, "一、讲学习不放松"), (1, "（一）坚持学以立德。" + FILLER + "。")]


def test_inline_heading_run_in_kaiti_rest_of_paragraph_in_fangsong(tmp_path: Path) -> None:
    xml = read_docx_xml(_render(_speech(), GBT9704, tmp_path))
    paragraph = next(p for p in body_paragraphs(xml) if paragraph_text(p).startswith("（一）"))
    assert [(r.text, r.east_asia, r.size_half_pt) for r in runs(paragraph)] == [
        ("（一）坚持学以立德。", OFFICIAL_FONT_NAMES[FontRole.KAITI], 32),
        (FILLER + "。", OFFICIAL_FONT_NAMES[FontRole.BODY], 32),
    ]


def test_title_is_one_paragraph_broken_as_break_title_says(tmp_path: Path) -> None:
    xml = read_docx_xml(_render(_speech(), GBT9704, tmp_path))
    title = body_paragraphs(xml)[0]
    run = title.find("w:r", NS)
    lines = "".join("\n" if el.tag == w("br") else el.text for el in run if el.tag in (w("t"), w("br")))
    assert tuple(lines.split("\n")) == break_title(TITLE, GBT9704.title_chars_per_line)
    assert len(lines.split("\n")) > 1
    assert [(r.east_asia, r.size_half_pt) for r in runs(title)] == [(OFFICIAL_FONT_NAMES[FontRole.TITLE], 44)]
    assert title.find("w:pPr/w:jc", NS).get(w("val")) == "center"
    assert title.find("w:pPr/w:keepNext", NS) is not None  # never alone at the foot of a page


def test_body_indents_two_characters_in_character_units(tmp_path: Path) -> None:
    xml = read_docx_xml(_render(_speech(), GBT9704, tmp_path))
    indents = {
        paragraph_text(p)[:4]: p.find("w:pPr/w:ind", NS).get(w("firstLineChars"))
        for p in body_paragraphs(xml)
    }
    assert indents["深入学习"] == "200"
    assert indents["同志们："] == "0"  # salutation flush left


@pytest.mark.parametrize("reader", list(DocxReader), ids=[r.value for r in DocxReader])
def test_line_breaking_written_out_on_every_paragraph(reader: DocxReader, tmp_path: Path) -> None:
    """Each East Asian line-breaking property explicit, so no reader falls back on its own default; the
    profile's "no hanging punctuation" in the polarity its DOCX reader gives w:overflowPunct."""
    profile = replace(GBT9704, docx_reader=reader)
    xml = read_docx_xml(_render(_notice(), profile, tmp_path))
    overflow = "1" if reader is DocxReader.LIBREOFFICE else "0"
    want = {"kinsoku": "1", "wordWrap": "1", "overflowPunct": overflow, "topLinePunct": "0"}
    want |= {"autoSpaceDE": "1", "autoSpaceDN": "1"}  # the profile's latin space, as Word's default
    paragraphs = [*body_paragraphs(xml), *xml.styles.findall("w:style[@w:styleId='Normal']", NS)]
    for paragraph in paragraphs:
        found = {name: paragraph.find(f"w:pPr/w:{name}", NS) for name in want}
        assert {name: el.get(w("val")) for name, el in found.items() if el is not None} == want
    settings = xml.settings
    assert settings.find("w:characterSpacingControl", NS).get(w("val")) == "doNotCompress"
    rules = GBT9704.line_breaking
    assert settings.find("w:noLineBreaksBefore", NS).get(w("val")) == rules.no_line_start
    assert settings.find("w:noLineBreaksAfter", NS).get(w("val")) == rules.no_line_end


def test_red_header_only_with_an_agency(tmp_path: Path) -> None:
    notice = read_docx_xml(_render(_notice(), GBT9704, tmp_path))
    mark, number = body_paragraphs(notice)[:2]
    assert paragraph_text(mark) == "国务院办公厅文件"
    assert mark.find("w:r/w:rPr/w:color", NS).get(w("val")) == GBT9704.red_header_color
    rule = number.find("w:pPr/w:pBdr/w:bottom", NS)
    assert (paragraph_text(number), rule.get(w("color"))) == ("国办发〔2024〕1号", GBT9704.red_header_color)
    speech = read_docx_xml(_render(_speech(), GBT9704, tmp_path))
    assert speech.document.find(".//w:pBdr", NS) is None
    assert speech.document.find(".//w:color", NS) is None


def test_attachment_note_hangs_in_character_units(tmp_path: Path) -> None:
    xml = read_docx_xml(_render(_notice(), GBT9704, tmp_path))
    note = next(p for p in body_paragraphs(xml) if paragraph_text(p).startswith("附件："))
    ind = note.find("w:pPr/w:ind", NS)
    # "附件：1." is 4 characters: the name's wrapped lines align under the name, 2 + 4 characters in.
    assert [ind.get(w(a)) for a in ("hangingChars", "leftChars", "firstLineChars")] == ["400", "600", None]


def test_fontconfig_alias_names_every_official_and_windows_family() -> None:
    aliased = {family.text for family in etree.parse(str(ALIAS_FILE)).iterfind("alias/family")}
    windows = {"FangSong", "SimHei", "KaiTi", "SimSun", "仿宋", "楷体"}
    assert set(OFFICIAL_FONT_NAMES.values()) | windows <= aliased


# LibreOffice round trip ----------------------------------------------------------------------------


@pytest.fixture(scope="module", params=PROFILES.values(), ids=PROFILES.keys())
def libreoffice_pages(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Profile, list[list[SetLine]]]:
    """A speech of 14 full body paragraphs after the front matter, set by LibreOffice, per profile."""
    if shutil.which("soffice") is None:
        pytest.skip(
            "LibreOffice (soffice) is not installed; the set-up script installs libreoffice-writer-nogui"
        )
    profile: Profile = request.param
    work = tmp_path_factory.mktemp(f"libreoffice-{profile.name}")
    docx_path = work / "speech.docx"
    render_docx(_speech(paragraphs=14), profile, docx_path)
    return profile, lines_by_page(libreoffice_pdf(docx_path, work, ALIAS_FILE))


@pytest.mark.slow
def test_libreoffice_sets_22_lines_on_a_full_page(
    libreoffice_pages: tuple[Profile, list[list[SetLine]]],
) -> None:
    profile, pages = libreoffice_pages
    assert len(pages) >= 3
    assert len(type_area_lines(profile, pages[1])) == profile.lines_per_page  # page 2: body text only


@pytest.mark.slow
def test_libreoffice_sets_28_characters_on_full_lines(
    libreoffice_pages: tuple[Profile, list[list[SetLine]]],
) -> None:
    profile, pages = libreoffice_pages
    lengths = [len(line.text) for page in pages for line in type_area_lines(profile, page)]
    # Each body paragraph of 113 characters sets as 26 (indented 2), 28, 28, 28 and 3.
    assert max(lengths) == profile.chars_per_line
    assert lengths.count(profile.chars_per_line) >= 3 * 14


@pytest.mark.slow
def test_libreoffice_uses_the_aliased_substitute_fonts(
    libreoffice_pages: tuple[Profile, list[list[SetLine]]],
) -> None:
    fonts = {line.text[:2]: line.font for page in libreoffice_pages[1] for line in page}
    assert fonts["一、"].startswith("WenQuanYi")  # 黑体
    assert fonts["（一"].startswith("UKai")  # 楷体
    assert fonts["深入"].startswith("FandolFang")  # 仿宋
    assert fonts[TITLE[:2]].startswith("FandolSong")  # 方正小标宋


@pytest.mark.slow
def test_libreoffice_page_numbers_below_the_type_area(
    libreoffice_pages: tuple[Profile, list[list[SetLine]]],
) -> None:
    assert set_page_number_problems(*libreoffice_pages) == []


def test_libreoffice_sets_heading_lines_on_the_grid(
    libreoffice_pages: tuple[Profile, list[list[SetLine]]],
) -> None:
    """The 黑体 and 楷体 lines at the body's exact pitch, as in the PDF: not snapped to the grid, where
    LibreOffice would centre their fonts' boxes 2 pt off the 仿宋 lines'."""
    profile, pages = libreoffice_pages
    lines = type_area_lines(profile, pages[0])
    start = next(i for i, line in enumerate(lines) if line.text.startswith("同志们"))
    body = lines[start:]
    assert {line.font[:4] for line in body} >= {"WenQ", "UKai", "Fand"}
    pitches = [b.top - a.top for a, b in itertools.pairwise(body)]
    assert pitches == pytest.approx([profile.line_pitch_pt] * len(pitches), abs=0.1)
