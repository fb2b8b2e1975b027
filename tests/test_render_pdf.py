"""The PDF writer against the layout profile, checked on the rendered file with pdfplumber."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import pdfplumber
import pytest

from tasks.model import Block, BlockKind, Document, Heading, Metadata, Run, RunRole
from tasks.writing.fonts import FontSet, ResolvedFont, resolve_fonts
from tasks.writing.layout import GBT9704, PROFILES, FontRole, Profile
from tasks.writing.render_pdf import PdfResult, render_pdf
from tests.pdf_layout_check import (
    NO_LINE_END,
    NO_LINE_START,
    TypeArea,
    base_font_name,
    fonts_of,
    full_line_problems,
    is_page_number,
    line_break_problems,
    lines,
    lines_per_page_problems,
    outline_titles,
    page_number_problems,
    page_size_problems,
    size_problems,
    type_area_problems,
    unembedded_fonts,
)

TITLE = "在全市四套班子秘书长和办公室主任工作座谈会上的讲话"
INLINE_HEADING = "（一）坚持学以立德。"
INLINE_REST = "深入学习十九大"
PARAGRAPH = (
    "加强学习是提高自身素质和能力的重要途径，办公室机关的学习更显得重要。要结合思想、工作和生活实际，"
    "勤于学习、乐于学习、善于学习，深入钻研政策，把握形势，提高处理问题和搞好服务的能力和水平，"
    "高质量完成各项任务。树立良好的形象，起好表率示范作用，建设学习型机关。"
)


@pytest.fixture(scope="session")
def fonts() -> FontSet:
    """Resolved once per test run: CFF conversion (cold) happens at most once."""
    return resolve_fonts()


def _heading(level: int, number: str, title: str, line: int, inline: bool = False) -> Heading:
    return Heading(level=level, number=number, title=title, inline=inline, line=line)


def _speech(paragraphs_per_section: int = 2, sections: int = 2) -> Document:
    blocks = [
        Block(BlockKind.TITLE, (Run(TITLE),), 1),
        Block(BlockKind.SPEAKER, (Run("张三"),), 2),
        Block(BlockKind.DATE, (Run("（2022年3月1日）"),), 3),
        Block(BlockKind.SALUTATION, (Run("同志们："),), 4),
    ]
    numbers = "一二三四五六七八九十"
    for s in range(sections):
        line = len(blocks) + 1
        heading = _heading(1, f"{numbers[s]}、", "讲学习不放松，努力提升政治理论水平", line)
        blocks.append(
            Block(
                BlockKind.HEADING, (Run(f"{numbers[s]}、讲学习不放松，努力提升政治理论水平"),), line, heading
            )
        )
        inline = _heading(2, f"（{numbers[s]}）", "坚持学以立德", line + 1, inline=True)
        runs = (Run(INLINE_HEADING, heading_level=2), Run(INLINE_REST + "，" + PARAGRAPH))
        blocks.append(Block(BlockKind.PARAGRAPH, runs, line + 1, inline))
        blocks += [
            Block(BlockKind.PARAGRAPH, (Run(PARAGRAPH),), line + 2 + i) for i in range(paragraphs_per_section)
        ]
    blocks.append(Block(BlockKind.CLOSING, (Run("谢谢大家！"),), len(blocks) + 1))
    return Document(title=TITLE, title_source="text", blocks=tuple(blocks))


def _render(doc: Document, profile: Profile, fonts: FontSet, out: Path) -> tuple[PdfResult, pdfplumber.PDF]:
    result = render_pdf(doc, profile, fonts, out)
    return result, pdfplumber.open(out)


@pytest.mark.parametrize("profile", list(PROFILES.values()), ids=list(PROFILES))
def test_sample_document_layout(profile: Profile, fonts: FontSet, tmp_path: Path) -> None:
    out = tmp_path / "sample.pdf"
    result, pdf = _render(_speech(), profile, fonts, out)
    assert result.pages == len(pdf.pages) == 2
    assert page_size_problems(pdf, profile) == []
    assert type_area_problems(pdf, profile) == []
    assert full_line_problems(pdf, profile) == []
    assert line_break_problems(pdf, profile) == []
    assert size_problems(pdf, profile, TITLE) == []
    assert page_number_problems(pdf, profile) == []
    assert unembedded_fonts(out) == []


def test_long_document_fills_full_pages(fonts: FontSet, tmp_path: Path) -> None:
    out = tmp_path / "long.pdf"
    doc = _speech(paragraphs_per_section=12, sections=4)
    assert len(doc.blocks) > 50
    result, pdf = _render(doc, GBT9704, fonts, out)
    assert result.pages >= 5
    full_pages = list(range(2, result.pages))  # neither the title page nor the last page
    assert lines_per_page_problems(pdf, GBT9704, full_pages) == []
    assert type_area_problems(pdf, GBT9704) == []
    assert full_line_problems(pdf, GBT9704) == []
    assert line_break_problems(pdf, GBT9704) == []
    assert size_problems(pdf, GBT9704, TITLE) == []
    assert page_number_problems(pdf, GBT9704) == []
    assert unembedded_fonts(out) == []


def test_inline_heading_run_in_kaiti_rest_in_fangsong(fonts: FontSet, tmp_path: Path) -> None:
    _, pdf = _render(_speech(), GBT9704, fonts, tmp_path / "inline.pdf")
    assert _roles_of(pdf, INLINE_HEADING, fonts) == {FontRole.KAITI}
    assert _roles_of(pdf, INLINE_REST, fonts) == {FontRole.BODY}
    assert _roles_of(pdf, "讲学习不放松", fonts) == {FontRole.HEITI}


def _roles_of(pdf: pdfplumber.PDF, text: str, fonts: FontSet) -> set[FontRole]:
    """The roles whose fonts printed `text` (PDF names: "TAG+PostScriptName", maybe "-subset number")."""
    names = {base_font_name(name) for name in fonts_of(pdf, GBT9704, text)}
    return {role for role in FontRole if _postscript_name(fonts.font(role)) in names}


def _postscript_name(font: ResolvedFont) -> str:
    return font.face().face.name.decode()


def test_digits_in_the_latin_font_but_page_numbers_in_songti(fonts: FontSet, tmp_path: Path) -> None:
    _, pdf = _render(_speech(), GBT9704, fonts, tmp_path / "digits.pdf")
    area = TypeArea.of(GBT9704)
    numbers = {base_font_name(c["fontname"]) for c in pdf.pages[0].chars if is_page_number(c, area)}
    assert numbers == {_postscript_name(fonts.font(FontRole.PAGE_NUMBER))}  # 4号半角宋体阿拉伯数字
    assert fonts.latin is not None
    date_digits = [c for c in pdf.pages[0].chars if c["text"] == "2" and not is_page_number(c, area)]
    assert {base_font_name(c["fontname"]) for c in date_digits} == {_postscript_name(fonts.latin)}


def test_front_matter_placement(fonts: FontSet, tmp_path: Path) -> None:
    _, pdf = _render(_speech(), GBT9704, fonts, tmp_path / "front.pdf")
    area = TypeArea.of(GBT9704)
    found = {line.text: line for line in lines(pdf, GBT9704)}
    centre = (area.left + area.right) / 2
    for text in ("张三", "（2022年3月1日）"):
        line = found[text]
        assert abs((line.chars[0]["x0"] + line.chars[-1]["x1"]) / 2 - centre) < 1
    assert abs(found["同志们："].chars[0]["x0"] - area.left) < 1
    title_lines = [line for line in found.values() if line.size == GBT9704.title_size_pt]
    assert "".join(line.text for line in title_lines) == TITLE
    assert len(title_lines) == 2


def test_bookmarks_nest_by_level(fonts: FontSet, tmp_path: Path) -> None:
    out = tmp_path / "outline.pdf"
    render_pdf(_speech(), GBT9704, fonts, out)
    assert outline_titles(out) == [
        (0, "一、讲学习不放松，努力提升政治理论水平"),
        (1, "（一）坚持学以立德"),
        (0, "二、讲学习不放松，努力提升政治理论水平"),
        (1, "（二）坚持学以立德"),
    ]


def _paragraph(text: str) -> Document:
    return Document(title="", title_source="text", blocks=(Block(BlockKind.PARAGRAPH, (Run(text),), 1),))


@pytest.mark.parametrize(
    "text",
    [
        "一" * 26 + "，" + "二" * 30,  # a comma would start line 2: pull the previous character down
        "一" * 25 + "《" + "书》" + "二" * 30,  # an opening mark would end line 1
        "一" * 22 + "。”）》。" + "二" * 30,  # a run of closing marks: the character before goes down too
        "一" * 24 + "，8.3∶41.4∶50.3" + "二" * 30,  # a number with its signs is one word, after a mark
        "一" * 25 + "。2015年" + "二" * 30,  # 。 keeps the number after it: 一。 go down with it
    ],
    ids=["pull-down", "opening-mark", "mark-run", "number-with-signs", "mark-keeps-number"],
)
def test_line_breaking_rules(text: str, fonts: FontSet, tmp_path: Path) -> None:
    _, pdf = _render(_paragraph(text), GBT9704, fonts, tmp_path / "kinsoku.pdf")
    body = lines(pdf, GBT9704)
    assert "".join(line.text for line in body) == text
    assert body[0].text[-1] not in NO_LINE_END and body[1].text[0] not in NO_LINE_START
    assert type_area_problems(pdf, GBT9704, tolerance_mm=0.2) == []
    assert full_line_problems(pdf, GBT9704) == []


def test_latin_space_between_chinese_and_digits_and_condensed_digits(fonts: FontSet, tmp_path: Path) -> None:
    """As the DOCX's word processor sets them: a fifth of an em between 的 and 2016 and between 2016 and 年
    (LibreOffice's autospace, Word's w:autoSpaceDN), digits condensed as the DOCX condenses them."""
    _, pdf = _render(_paragraph("截至2016年底"), GBT9704, fonts, tmp_path / "latin.pdf")
    line = next(c["top"] for c in pdf.pages[0].chars if c["text"] == "至")
    chars = [c for c in pdf.pages[0].chars if c["text"] in "至2016年" and abs(c["top"] - line) < 3]
    space = GBT9704.line_breaking.latin_space_em * GBT9704.body_size_pt
    pairs = list(itertools.pairwise(chars))
    gaps = [round(b["x0"] - a["x1"], 2) for a, b in pairs]
    assert gaps[0] == pytest.approx(space, abs=0.3) and gaps[-1] == pytest.approx(space, abs=0.3)
    steps = [b["x0"] - a["x0"] for a, b in pairs[1:-1]]  # inside the number
    advance = chars[1]["x1"] - chars[1]["x0"]
    assert steps == pytest.approx([advance - GBT9704.condense_pt(GBT9704.body_size_pt)] * 3, abs=0.01)


def test_a_title_is_not_left_at_the_foot_of_a_page(fonts: FontSet, tmp_path: Path) -> None:
    # 20 full lines, then a forwarded document's title: it would fit the page, its first line would not.
    filler = "一" * (GBT9704.chars_per_line * 20 - 2)
    blocks = (
        Block(BlockKind.PARAGRAPH, (Run(filler),), 1),
        Block(BlockKind.TITLE, (Run("关于清理整顿社会团体的意见"),), 2),
        Block(BlockKind.PARAGRAPH, (Run(PARAGRAPH),), 3),
    )
    _, pdf = _render(Document("", "text", blocks), GBT9704, fonts, tmp_path / "keep.pdf")
    found = lines(pdf, GBT9704)
    assert [line.page for line in found if line.text == "关于清理整顿社会团体的意见"] == [2]
    assert sum(line.page == 1 for line in found) == 20


def test_fallback_font_and_uncovered_characters(fonts: FontSet, tmp_path: Path) -> None:
    rare = "镕"  # outside GB2312: not in FandolFang, covered by the fallback
    nothing = "\U0002a6d7"  # CJK Extension B: no installed font covers it
    result, pdf = _render(_paragraph(f"朱{rare}基同志{nothing}说。"), GBT9704, fonts, tmp_path / "fb.pdf")
    assert result.uncovered == [nothing]
    if not fonts.font(FontRole.BODY).covers(rare):
        assert _roles_of(pdf, rare, fonts) != {FontRole.BODY}
        assert result.fallbacks_used


def test_red_header_for_formal_documents(fonts: FontSet, tmp_path: Path) -> None:
    doc = Document(
        title="关于做好年度工作的通知",
        title_source="text",
        metadata=Metadata(agency="某某市人民政府办公室文件"),
        blocks=(
            Block(BlockKind.DOC_NUMBER, (Run("某政办发〔2024〕1号"),), 1),
            Block(BlockKind.TITLE, (Run("关于做好年度工作的通知"),), 2),
            Block(BlockKind.SALUTATION, (Run("各区人民政府，市政府各部门："),), 3),
            Block(BlockKind.PARAGRAPH, (Run(PARAGRAPH),), 4),
            Block(
                BlockKind.ATTACHMENT,
                (Run("附件：", role=RunRole.LABEL), Run("1.", role=RunRole.NUMBER), Run("年度工作安排")),
                5,
            ),
            Block(BlockKind.SIGNATURE, (Run("某某市人民政府办公室"),), 6),
            Block(BlockKind.SIGNED_DATE, (Run("2024年1月5日"),), 7),
        ),
    )
    out = tmp_path / "formal.pdf"
    _, pdf = _render(doc, GBT9704, fonts, out)
    area = TypeArea.of(GBT9704)
    page = pdf.pages[0]
    mark = [
        c
        for c in page.chars
        if c["text"] in "某某市人民政府办公室文件" and c["size"] == GBT9704.title_size_pt
    ]
    assert mark and all(c["non_stroking_color"] in ((1, 0, 0), [1, 0, 0]) for c in mark)
    assert abs(min(c["top"] for c in mark) - (area.top + 35 * 72 / 25.4)) < 1
    rules = [e for e in page.edges if e["orientation"] == "h" and e["width"] > 400]
    assert len(rules) == 1
    number = next(line for line in lines(pdf, GBT9704) if line.text == "某政办发〔2024〕1号")
    assert rules[0]["top"] > number.chars[0]["bottom"]
    assert type_area_problems(pdf, GBT9704) == []
    signature = next(line for line in lines(pdf, GBT9704) if line.text == "某某市人民政府办公室")
    assert abs(signature.chars[-1]["x1"] - (area.right - 2 * GBT9704.char_pitch_pt)) < 1


def test_warm_render_is_fast(fonts: FontSet, tmp_path: Path) -> None:
    doc = _speech(paragraphs_per_section=13, sections=4)
    assert sum(len(b.text) for b in doc.blocks) > 6000
    render_pdf(doc, GBT9704, fonts, tmp_path / "warm.pdf")  # fonts parsed, subsets primed
    start = time.perf_counter()
    render_pdf(doc, GBT9704, fonts, tmp_path / "warm.pdf")
    assert time.perf_counter() - start < 0.6  # typically ~0.15 s; generous for loaded CI machines
