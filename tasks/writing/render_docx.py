"""The DOCX writer: a Document set on the GB/T 9704 grid of a layout Profile.

Every paragraph and run carries its formatting directly (fonts, size, exact line pitch, indents), so the
file reads the same in Word, WPS and LibreOffice whatever their defaults; the document defaults are set
too, for what a user types later. The OOXML details live in tasks.writing.docx_xml.

The 版记 is a one-column table one blank line below the body, its rules the cells' borders: paragraph
borders would stop at the lines' 1-character indents, cell borders span the type area. It stays in the
flow, kept on one page: Word and LibreOffice paginate for themselves, and neither places a frame or a
floating table at the page's foot alike (LibreOffice 7.4 drops the frame and sets a floating table
inline), so it is not pushed to the bottom of the page, nor to an even page, as the PDF writer does;
more blank lines above it push it down.

Pages break where Word or LibreOffice break them; what must stay together is marked: keep-with-next and
widow control from the body's last lines to the signature (GB/T 9704 7.3.5.4), page breaks before
attached texts. A table is a real w:tbl of fixed columns, as wide as the type area, its rows whole and its
header row repeated on each page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.section import Section
from docx.shared import Pt, RGBColor, Twips
from docx.text.paragraph import Paragraph
from docx.text.run import Run as DocxRun

from tasks.model import Block, BlockKind, Document, HeadingKind, Run, RunRole, Table
from tasks.writing import docx_xml
from tasks.writing.layout import (
    OFFICIAL_FONT_NAMES,
    TWIPS_PER_PT,
    Align,
    BlockStyle,
    DocxReader,
    FontRole,
    PageNumberStyle,
    Profile,
    latin_font_name,
    mm_to_pt,
)
from tasks.writing.placement import (
    FRONT_MATTER,
    blocks_to_set,
    imprint_rule_above,
    imprint_start,
    placed_styles,
    table_geometry,
)
from tasks.writing.title import balanced_lines

LANGUAGE = "zh-CN"
RULE_COLOR = "000000"

_ALIGNMENT = {
    Align.LEFT: WD_ALIGN_PARAGRAPH.LEFT,
    Align.JUSTIFY: WD_ALIGN_PARAGRAPH.JUSTIFY,
    Align.CENTER: WD_ALIGN_PARAGRAPH.CENTER,
    Align.RIGHT: WD_ALIGN_PARAGRAPH.RIGHT,
}


def render_docx(doc: Document, profile: Profile, out: Path) -> None:
    """Write `doc` as a DOCX laid out by `profile` to `out`."""
    document = docx.Document()
    _set_defaults(document, profile)
    section = document.sections[0]
    _set_page(section, profile)
    _add_page_numbers(document, section, profile)
    number, blocks = blocks_to_set(doc)
    if doc.metadata.agency:
        _add_red_header(document, doc.metadata.agency, number, profile)
    styles = placed_styles(profile, blocks)
    imprint = imprint_start(blocks)
    for i, (block, style) in enumerate(zip(blocks[:imprint], styles[:imprint], strict=True)):
        if block.table is not None:
            _add_table(document, block.table, style, profile)
            continue
        paragraph = _add_block(document, block, style, profile)
        if i == 0 and doc.metadata.agency:
            paragraph.paragraph_format.space_before = _lines(profile, profile.title_below_rule_lines)
    if imprint < len(blocks):
        _add_imprint(document, blocks[imprint:], styles[imprint:], profile)
    document.save(str(out))


def _twips(pt: float) -> Twips:
    return Twips(round(pt * TWIPS_PER_PT))


def _mm(mm: float) -> Twips:
    return _twips(mm_to_pt(mm))


def _lines(profile: Profile, count: float) -> Twips:
    return Twips(round(count * profile.line_pitch_twips))


def _condense_twips(profile: Profile, size_pt: float) -> int:
    """Runs are condensed so that chars_per_line body characters fit the type width (layout.md), and as
    many 4号 characters as the PDF's cells of that size."""
    return -round(profile.condense_pt(size_pt) * TWIPS_PER_PT)


def _char_advance_pt(profile: Profile, size_pt: float) -> float:
    """One character of indent (Profile.indent_char_pt)."""
    return profile.indent_char_pt(size_pt)


def _set_defaults(document: DocxDocument, profile: Profile) -> None:
    """Body font, size and language as the document default; no theme fonts; no space after paragraphs."""
    styles = document.styles.element
    docx_xml.clear_theme_fonts(styles)
    defaults = styles.find(qn("w:docDefaults"))
    rPr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    docx_xml.set_run_fonts(rPr, OFFICIAL_FONT_NAMES[FontRole.BODY], latin_font_name(FontRole.BODY))
    docx_xml.set_east_asian_language(rPr, LANGUAGE)
    rPr.get_or_add_sz().val = Pt(profile.body_size_pt)
    normal = document.styles["Normal"].paragraph_format
    normal.space_after = Pt(0)
    normal.line_spacing = _lines(profile, 1)
    normal.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.widow_control = False  # a full page holds exactly lines_per_page lines
    normal_pPr = document.styles["Normal"].element.get_or_add_pPr()
    _set_line_breaking(normal_pPr, profile)
    docx_xml.set_snap_to_grid(normal_pPr, False)  # as every paragraph (_format_paragraph)
    docx_xml.set_theme_font_language(document.settings.element, LANGUAGE)
    docx_xml.set_punctuation_settings(document.settings.element, profile.line_breaking, LANGUAGE)


def _set_page(section: Section, profile: Profile) -> None:
    page = profile.page
    section.page_width, section.page_height = _mm(page.width_mm), _mm(page.height_mm)
    section.top_margin, section.bottom_margin = _mm(page.top_mm), _mm(page.bottom_mm)
    section.left_margin, section.right_margin = _mm(page.left_mm), _mm(page.right_mm)
    # Word measures the footer from the page edge up to the bottom of its text; the number line's top
    # is page_number_below_mm under the type area.
    number_top_pt = mm_to_pt(page.bottom_mm - profile.page_number_below_mm)
    section.footer_distance = _twips(number_top_pt - profile.page_number_size_pt)
    docx_xml.set_line_grid(section._sectPr, profile.line_pitch_twips)


def _add_page_numbers(document: DocxDocument, section: Section, profile: Profile) -> None:
    if profile.page_number_style is PageNumberStyle.CENTER:
        _fill_page_number(section.footer.paragraphs[0], profile, Align.CENTER)
        return
    document.settings.odd_and_even_pages_header_footer = True
    _fill_page_number(section.footer.paragraphs[0], profile, Align.RIGHT)
    _fill_page_number(section.even_page_footer.paragraphs[0], profile, Align.LEFT)


def _fill_page_number(paragraph: Paragraph, profile: Profile, align: Align) -> None:
    """ "— N —" in the page-number font, indented page_number_indent_chars from the outer edge."""
    size = profile.page_number_size_pt
    indent = _twips(profile.page_number_indent_pt)
    fmt = paragraph.paragraph_format
    fmt.alignment = _ALIGNMENT[align]
    fmt.first_line_indent = Twips(0)
    fmt.left_indent = indent if align is Align.LEFT else Twips(0)
    fmt.right_indent = indent if align is Align.RIGHT else Twips(0)
    fmt.line_spacing = _twips(size)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    dash = profile.page_number_dash
    runs = [
        paragraph.add_run(f"{dash} "),
        *docx_xml.add_page_field(paragraph, "1"),
        paragraph.add_run(f" {dash}"),
    ]
    for run in runs:
        _format_run(run, profile, FontRole.PAGE_NUMBER, size)


def _format_run(run: DocxRun, profile: Profile, role: FontRole, size_pt: float, bold: bool = False) -> None:
    run.font.size = Pt(size_pt)
    run.font.bold = True if bold else None  # not bold: inherit, which is not bold
    rPr = run._r.get_or_add_rPr()
    docx_xml.set_run_fonts(rPr, OFFICIAL_FONT_NAMES[role], latin_font_name(role))
    condense = _condense_twips(profile, size_pt)
    if condense:
        docx_xml.set_character_spacing(rPr, condense)
    docx_xml.set_east_asian_language(rPr, LANGUAGE)


def _format_paragraph(paragraph: Paragraph, profile: Profile, style: BlockStyle) -> None:
    fmt = paragraph.paragraph_format
    fmt.alignment = _ALIGNMENT[style.align]
    pitch = profile.line_pitch_of(style)
    fmt.line_spacing = _twips(pitch)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.space_before = _lines(profile, style.space_before_lines)
    fmt.space_after = Twips(0)
    fmt.page_break_before = style.new_page or None
    # Kept with the next paragraph, and whole (Profile.lines_kept_with_next): LibreOffice keeps a paragraph
    # that keeps with the next together anyway; w:keepLines makes Word move the same lines.
    fmt.keep_with_next = style.keep_with_next or None
    fmt.keep_together = style.keep_with_next or None
    fmt.widow_control = style.keep_with_next or None
    char = _char_advance_pt(profile, style.size_pt)
    fmt.first_line_indent = _twips(style.first_line_chars * char)
    fmt.left_indent = _twips(style.left_chars * char)
    fmt.right_indent = _twips(style.right_chars * char)
    pPr = paragraph._p.get_or_add_pPr()
    if _indents_in_characters(profile, style):
        docx_xml.set_indent_chars(pPr, style.first_line_chars, style.left_chars, style.right_chars)
    _set_line_breaking(pPr, profile)
    # Lines at their exact pitch, not snapped to the line grid: LibreOffice centres a snapped line's font
    # box in the grid line, so a 黑体 line's baseline would sit 2 pt off the 仿宋 lines' (and a title
    # line would take two grid lines). Unsnapped, every baseline lies at the same place in its pitch.
    docx_xml.set_snap_to_grid(pPr, False)


def _set_line_breaking(pPr: BaseOxmlElement, profile: Profile) -> None:
    """The profile's line breaking, with w:overflowPunct as the profile's DOCX reader reads it."""
    rules = profile.line_breaking
    hanging = rules.hanging_punctuation
    overflow = hanging if profile.docx_reader is DocxReader.WORD else not hanging
    docx_xml.set_line_breaking(pPr, rules, overflow)


def _indents_in_characters(profile: Profile, style: BlockStyle) -> bool:
    """Whether indents are written in character units too. Word sizes a character unit by the default
    font (the body's 3号), not by the runs: lines in another size (the 4号 版记) keep their indents in
    twips alone, which every reader takes as they are. Zero is zero in any unit."""
    indented = style.first_line_chars or style.left_chars or style.right_chars
    return style.size_pt == profile.body_size_pt or not indented


def _add_block(document: DocxDocument, block: Block, style: BlockStyle, profile: Profile) -> Paragraph:
    return _fill_paragraph(document.add_paragraph(), block, style, profile)


def _fill_paragraph(paragraph: Paragraph, block: Block, style: BlockStyle, profile: Profile) -> Paragraph:
    _format_paragraph(paragraph, profile, style)
    if block.kind in FRONT_MATTER:  # a title is never left at the foot of a page alone
        paragraph.paragraph_format.keep_together = paragraph.paragraph_format.keep_with_next = True
    centred = balanced_lines(block, profile)
    if centred is not None:  # title and subtitle: one paragraph, broken where the PDF breaks it
        _format_run(paragraph.add_run("\n".join(centred)), profile, style.role, style.size_pt, style.bold)
        return paragraph
    for piece in block.runs:
        role, bold = profile.run_style(piece.heading_level, style)
        _format_run(paragraph.add_run(piece.text), profile, role, style.size_pt, bold)
    if block.heading is not None and block.heading.kind is HeadingKind.HEADING:
        docx_xml.set_outline_level(paragraph._p.get_or_add_pPr(), block.heading.level)
    return paragraph


def _add_blank_line(document: DocxDocument, profile: Profile) -> Paragraph:
    style = profile.block_style(BlockKind.PARAGRAPH)
    return _add_block(document, Block(BlockKind.PARAGRAPH, (), 0), style, profile)


def _add_table(document: DocxDocument, table: Table, style: BlockStyle, profile: Profile) -> None:
    """A ruled table of fixed columns across the type area (GB/T 9704 practice): cell text on the line
    grid in the table's size, the header row centred and repeated on every page; rows never split."""
    geometry = table_geometry(profile, table)
    if style.space_before_lines:  # a table has no space before: a blank body line stands for it
        _add_blank_line(document, profile).paragraph_format.keep_with_next = True
    style = replace(style, space_before_lines=0.0)  # the cells' own
    docx_table = document.add_table(rows=len(table.rows), cols=len(geometry.widths))
    docx_table.autofit = False
    widths = [round(width * TWIPS_PER_PT) for width in geometry.widths]
    docx_xml.set_fixed_columns(docx_table._tbl, widths, round(geometry.margin * TWIPS_PER_PT))
    docx_xml.set_table_borders(docx_table._tbl.tblPr, RULE_COLOR, profile.table_rule_pt)
    for index, (row, cells) in enumerate(zip(docx_table.rows, table.rows, strict=True)):
        trPr = row._tr.get_or_add_trPr()
        docx_xml.set_cant_split(trPr)
        if index == 0:
            docx_xml.set_header_row(trPr)
            cell_styles = [replace(style, role=profile.table_header_role, align=Align.CENTER)] * len(cells)
        else:
            cell_styles = [replace(style, align=align) for align in geometry.aligns]
        for cell, text, width, cell_style in zip(row.cells, cells, widths, cell_styles, strict=True):
            cell.width = Twips(width)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            content = Block(BlockKind.PARAGRAPH, (Run(text),), 0)
            _fill_paragraph(cell.paragraphs[0], content, cell_style, profile)  # unsnapped, one pitch a line


def _add_imprint(
    document: DocxDocument, blocks: Sequence[Block], styles: Sequence[BlockStyle], profile: Profile
) -> None:
    """版记 (GB/T 9704 7.4): a row a line, a rule above the first and under the last, a thinner one
    between the 抄送 and 印发 lines; rows never split and stay together (see the module docstring)."""
    _add_blank_line(document, profile).paragraph_format.keep_with_next = True
    table = document.add_table(rows=len(blocks), cols=1)
    table.autofit = False
    docx_xml.set_edge_to_edge(table._tbl.tblPr)
    for i, (row, block, style) in enumerate(zip(table.rows, blocks, styles, strict=True)):
        docx_xml.set_cant_split(row._tr.get_or_add_trPr())
        paragraph = row.cells[0].paragraphs[0]
        office, date = block.run_of(RunRole.OFFICE), block.run_of(RunRole.DATE)
        if office is not None and date is not None:
            block = replace(block, runs=(office, _tab_date(paragraph, date, style, profile)))
        _fill_paragraph(paragraph, block, style, profile)
        paragraph.paragraph_format.keep_with_next = i < len(blocks) - 1 or None
        tcPr = row.cells[0]._tc.get_or_add_tcPr()
        rule = imprint_rule_above(profile, blocks, i)
        if rule is not None:
            docx_xml.set_cell_border(tcPr, "top", RULE_COLOR, mm_to_pt(rule))
    last = table.rows[-1].cells[0]._tc.get_or_add_tcPr()
    docx_xml.set_cell_border(last, "bottom", RULE_COLOR, mm_to_pt(profile.imprint_outer_rule_mm))


def _tab_date(paragraph: Paragraph, date: Run, style: BlockStyle, profile: Profile) -> Run:
    """The 印发 line's date after a tab, to a right tab stop at the right indent (Word measures tab stops
    from the margin, here the cell's edge); the office stays at the left indent."""
    char = _char_advance_pt(profile, style.size_pt)
    stop = _twips(profile.type_width_pt - style.right_chars * char)
    paragraph.paragraph_format.tab_stops.add_tab_stop(stop, WD_TAB_ALIGNMENT.RIGHT)
    return replace(date, text="\t" + date.text)


def _add_red_header(document: DocxDocument, agency: str, number: str | None, profile: Profile) -> None:
    """发文机关标志 in red title type, red_header_top_mm into the type area; the 发文字号 and the red rule."""
    mark = document.add_paragraph()
    style = profile.block_style(BlockKind.TITLE)
    _format_paragraph(mark, profile, style)
    # The mark's glyphs, not its line box, start red_header_top_mm into the type area.
    mark.paragraph_format.space_before = _twips(
        mm_to_pt(profile.red_header_top_mm) - profile.half_leading_pt(style)
    )
    run = mark.add_run(agency)
    _format_run(run, profile, style.role, style.size_pt)
    run.font.color.rgb = RGBColor.from_string(profile.red_header_color)
    if not number:
        _add_red_rule(mark, style, profile)
        return
    block = Block(BlockKind.DOC_NUMBER, (Run(number),), 0)
    number_style = profile.block_style(BlockKind.DOC_NUMBER)
    paragraph = _add_block(document, block, number_style, profile)
    paragraph.paragraph_format.space_before = _lines(profile, profile.doc_number_below_mark_lines)
    _add_red_rule(paragraph, number_style, profile)


def _add_red_rule(paragraph: Paragraph, style: BlockStyle, profile: Profile) -> None:
    """The red rule, type-area wide, under the paragraph (the 发文字号, or the mark when there is none)."""
    paragraph.paragraph_format.left_indent = paragraph.paragraph_format.right_indent = Twips(0)
    # The border hangs below the line box, whose exact pitch already leaves leading under the glyphs.
    space_pt = max(0, round(mm_to_pt(profile.red_rule_below_mm) - profile.half_leading_pt(style)))
    docx_xml.set_bottom_border(
        paragraph._p.get_or_add_pPr(), profile.red_header_color, profile.red_rule_width_pt, space_pt
    )
