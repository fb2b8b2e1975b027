"""Document -> PDF (reportlab) on the official grid, with embedded fonts, page numbers and bookmarks.

Every number comes from the `Profile`. Lines are set by `tasks.writing.typeset` on the character grid;
each line sits in a slot of the profile's exact line pitch with its em box centred in the slot, so
glyphs stay inside the type area. Pages break between lines; a block that keeps with the next (the body's
end above a signature) moves its last lines to the next page with it. Tables are ruled grids of such
lines, broken between rows, the header row repeated. The 版记 closes the last page from its bottom lines
up.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from tasks.model import Block, BlockKind, Document, HeadingKind, Run, RunRole, Table
from tasks.writing.fonts import FontSet, ResolvedFont
from tasks.writing.layout import (
    Align,
    BlockStyle,
    FontRole,
    PageNumberStyle,
    Profile,
    mm_to_pt,
    page_number_text,
)
from tasks.writing.placement import (
    FRONT_MATTER,
    TableGeometry,
    blocks_to_set,
    imprint_rule_above,
    imprint_start,
    placed_styles,
    table_geometry,
)
from tasks.writing.surface import CanvasSurface, Surface
from tasks.writing.title import balanced_lines
from tasks.writing.typeset import Glyph, Line, break_lines, is_full_width, line_width, set_line

log = logging.getLogger(__name__)

_EPS = 1e-6
_BLACK = "000000"


@dataclass(frozen=True)
class PdfResult:
    pages: int
    fonts_by_role: dict[str, str]
    uncovered: list[str]
    fallbacks_used: list[str] = field(default_factory=list)


class _Page:
    """The page being filled: a surface plus how far down the type area the lines have come."""

    def __init__(self, surface: Surface, profile: Profile, fonts: FontSet) -> None:
        self.surface = surface
        self.profile = profile
        self.fonts = fonts
        self.number = 1
        self.numbered = True  # False: no page number (a blank page before the 版记, and the 版记's page)
        self.used = 0.0  # pt from the top of the type area
        self.left = mm_to_pt(profile.page.left_mm)
        self.top = mm_to_pt(profile.page.height_mm - profile.page.top_mm)
        self.bottom = mm_to_pt(profile.page.bottom_mm)
        self.uncovered: dict[str, None] = {}  # characters no font covers, in order of appearance
        self.fallbacks_used: dict[str, None] = {}  # descriptions of fallback fonts that printed something
        # Same character, role, size and weight: same glyph. Most of a speech is a few hundred characters.
        self.glyph_cache: dict[tuple[str, FontRole, float, bool, bool], Glyph] = {}

    def slot(self, pitch: float) -> float:
        """Reserve one line slot of `pitch`, on a new page if it does not fit; return its top y."""
        if self.used + pitch > self.profile.type_height_pt + _EPS:
            self.new_page()
        top = self.top - self.used
        self.used += pitch
        return top

    def keep(self, height: float) -> None:
        """Start a new page unless `height` more fits on this one (or this one is still empty)."""
        if self.used > 0 and self.used + height > self.profile.type_height_pt + _EPS:
            self.new_page()

    def skip_lines(self, count: float) -> None:
        """Blank lines before a block; none at the top of a page."""
        if self.used > 0:
            self.used = min(self.used + count * self.profile.line_pitch_pt, self.profile.type_height_pt)

    def new_page(self) -> None:
        self.finish_page()
        self.surface.end_page()
        self.number += 1
        self.numbered = True
        self.used = 0.0

    def finish_page(self) -> None:
        if not self.numbered:
            return
        profile = self.profile
        size = profile.page_number_size_pt
        glyphs = _glyphs(page_number_text(profile, self.number), FontRole.PAGE_NUMBER, size, False, self)
        width = sum(g.width for g in glyphs)
        if profile.page_number_style is PageNumberStyle.CENTER:
            x = (profile.type_width_pt - width) / 2
        elif self.number % 2:
            x = profile.type_width_pt - profile.page_number_indent_pt - width
        else:
            x = profile.page_number_indent_pt
        em_top = self.bottom - mm_to_pt(profile.page_number_below_mm)
        _draw_line(self.surface, Line(tuple(glyphs), x), self.left, _baseline(em_top, glyphs))

    def uncovered_font(self, char: str, role: FontRole) -> ResolvedFont:
        self.uncovered.setdefault(char, None)
        return self.fonts.font(role)


def _row_lines(row: list[list[Line]]) -> int:
    """Lines a table row takes: its fullest cell's, one at least."""
    return max(1, *(len(lines) for lines in row))


def _baseline(em_top: float, glyphs: Sequence[Glyph]) -> float:
    """The line's baseline: the top of its Chinese font's em box (ascent = size + descent) at `em_top`.

    Every glyph sits on it; a Latin font's own descent would shift the whole line.
    """
    glyph = next((g for g in glyphs if is_full_width(g.char, g.advance, g.size)), glyphs[0])
    descent = glyph.font.face().face.descent / 1000
    return em_top - glyph.size * (1 + descent)


def _glyphs(text: str, role: FontRole, size: float, bold: bool, page: _Page) -> list[Glyph]:
    """Characters with their font (role font, else the first fallback covering them) and grid width."""
    out: list[Glyph] = []
    latin = page.fonts.latin
    for char in text:
        after_latin = latin is not None and bool(out) and out[-1].font is latin  # FontSet.font_for
        key = (char, role, size, bold, after_latin)
        glyph = page.glyph_cache.get(key)
        if glyph is None:
            glyph = page.glyph_cache[key] = _glyph(char, role, size, bold, page, after_latin)
        out.append(glyph)
    return out


def _glyph(char: str, role: FontRole, size: float, bold: bool, page: _Page, after_latin: bool) -> Glyph:
    font = page.fonts.font_for(char, role, after_latin) or page.uncovered_font(char, role)
    if font.source == "fallback":
        page.fallbacks_used.setdefault(font.describe(), None)
    advance = font.face().stringWidth(char, size)
    profile = page.profile  # Latin letters and digits condensed as the DOCX condenses them
    width = (
        profile.cell_pt(size) if is_full_width(char, advance, size) else advance - profile.condense_pt(size)
    )
    return Glyph(char, font, size, advance, width, bold)


def _draw_line(surface: Surface, line: Line, left: float, baseline: float) -> None:
    """Draw glyphs cell by cell: each glyph centred in its cell, justification space after it."""
    origins = []
    x = left + line.indent
    for i, glyph in enumerate(line.glyphs):
        origins.append(x + (glyph.width - glyph.advance) / 2)
        x += glyph.width + line.space_after(i)
    surface.draw_glyphs(line.glyphs, origins, baseline)


def page_size(profile: Profile) -> tuple[float, float]:
    return mm_to_pt(profile.page.width_mm), mm_to_pt(profile.page.height_mm)


class _Writer:
    def __init__(self, doc: Document, profile: Profile, fonts: FontSet, surface: Surface) -> None:
        self.doc = doc
        self.profile = profile
        surface.set_metadata(doc.title, doc.metadata.speaker or doc.metadata.agency or "", "gongwen")
        self.page = _Page(surface, profile, fonts)
        self.outline_level = 0
        self.bookmarks = 0

    def write(self) -> PdfResult:
        number, blocks = blocks_to_set(self.doc)
        if self.doc.metadata.agency:
            self._red_header(self.doc.metadata.agency, number)
        styles = placed_styles(self.profile, blocks)
        imprint = imprint_start(blocks)
        body, body_styles = blocks[:imprint], styles[:imprint]
        for index, (block, style) in enumerate(zip(body, body_styles, strict=True)):
            if block.table is not None:
                self._table(block.table, style)
            elif style.keep_with_next:
                self._block(block, style, self._kept_height(body[index + 1 :], body_styles[index + 1 :]))
            else:
                self._block(block, style)
        if imprint < len(blocks):
            self._imprint(blocks[imprint:], styles[imprint:])
        self.page.finish_page()
        self.page.surface.save()
        if self.page.uncovered:
            log.warning("no font covers %s: printed as missing-glyph boxes", "".join(self.page.uncovered))
        page = self.page
        fonts = page.fonts.describe_all()
        return PdfResult(page.number, fonts, list(page.uncovered), list(page.fallbacks_used))

    def _block(self, block: Block, style: BlockStyle, kept: float = 0.0) -> None:
        """Set a block's lines; with keep_with_next, its last lines go where `kept` more pt fit under them."""
        if style.new_page and self.page.used > 0:
            self.page.new_page()
        self.page.skip_lines(style.space_before_lines)
        width = self._width(style)
        lines = self._lines(block, style, width)
        pitch = self.profile.line_pitch_of(style)
        if lines and block.kind in FRONT_MATTER:  # a title is never left at the foot of a page alone
            self.page.keep(len(lines) * pitch + self.profile.line_pitch_pt)
        kept_lines = min(len(lines), self.profile.lines_kept_with_next) if style.keep_with_next else 0
        for i, line in enumerate(lines):
            if kept_lines and i == len(lines) - kept_lines:
                self.page.keep(kept_lines * pitch + kept)
            top = self._place(line, style.align, pitch, width)
            if i == 0 and block.heading is not None and block.heading.kind is HeadingKind.HEADING:
                self._bookmark(block, top)

    def _kept_height(self, following: Sequence[Block], styles: Sequence[BlockStyle]) -> float:
        """Height of the blocks a block keeps with: the next, and on while they keep with the next too."""
        height = 0.0
        for block, style in zip(following, styles, strict=True):
            lines = self._lines(block, style, self._width(style))
            height += style.space_before_lines * self.profile.line_pitch_pt
            height += len(lines) * self.profile.line_pitch_of(style)
            if not style.keep_with_next:
                break
        return height

    def _table(self, table: Table, style: BlockStyle) -> None:
        """A ruled table across the type area: rows on the line grid, a page break only between rows (a
        row taller than a page excepted), the header row first on every page the table runs over (unless
        it takes half a page itself)."""
        page, profile, pitch = self.page, self.profile, self.profile.line_pitch_pt
        geometry = table_geometry(profile, table)
        rows = [(self._cell_lines(row, geometry, style, i == 0), i == 0) for i, row in enumerate(table.rows)]
        header = rows[0][0]
        repeated = 2 * _row_lines(header) <= profile.lines_per_page
        room = profile.lines_per_page - (_row_lines(header) if repeated else 0)  # for rows on later pages
        if style.new_page and page.used > 0:
            page.new_page()
        page.skip_lines(style.space_before_lines)
        page.keep(sum(_row_lines(row) for row, _ in rows[:2]) * pitch)  # the header with a row under it
        ruling = [page.top - page.used]
        while rows:
            row, is_header = rows.pop(0)
            free = int((profile.type_height_pt - page.used) / pitch + _EPS)
            if _row_lines(row) > free and len(ruling) > 1 and (_row_lines(row) <= room or free < 1):
                self._rule_table(ruling, geometry)
                page.new_page()
                ruling = [page.top]
                if repeated:
                    ruling = self._table_row(header, geometry, ruling, header=True)
                free = int((profile.type_height_pt - page.used) / pitch + _EPS)
            if _row_lines(row) > free:  # taller than a page: what fits here, the rest on the next
                rows.insert(0, ([cell[free:] for cell in row], is_header))
                row = [cell[:free] for cell in row]
            ruling = self._table_row(row, geometry, ruling, header=is_header)
        self._rule_table(ruling, geometry)

    def _cell_lines(
        self, cells: Sequence[str], geometry: TableGeometry, style: BlockStyle, header: bool
    ) -> list[list[Line]]:
        """Each cell's lines within its column: the header in its own role, the body in the table's style."""
        role = self.profile.table_header_role if header else style.role
        found = []
        for text, width, align in zip(cells, geometry.widths, geometry.aligns, strict=True):
            glyphs = _glyphs(text, role, style.size_pt, style.bold, self.page)
            justify = not header and align is Align.JUSTIFY
            room = width - 2 * geometry.margin
            found.append(break_lines(glyphs, room, 0.0, justify, self.profile) if glyphs else [])
        return found

    def _table_row(
        self, row: list[list[Line]], geometry: TableGeometry, ruling: list[float], header: bool = False
    ) -> list[float]:
        """Draw one row under the last of `ruling` (the y of the rules drawn so far on this page); return
        `ruling` with the row's bottom added. Cells are centred in the row's height, a column's
        body cells centred or justified as `geometry` says, header cells centred."""
        page, pitch, margin = self.page, self.profile.line_pitch_pt, geometry.margin
        top, count = page.top - page.used, _row_lines(row)
        x = page.left
        for lines, width, align in zip(row, geometry.widths, geometry.aligns, strict=True):
            first = top - (count - len(lines)) * pitch / 2  # the first line's slot
            align = Align.CENTER if header else align
            for k, line in enumerate(lines):
                self._draw_in_slot(line, align, width - 2 * margin, x + margin, first - k * pitch, pitch)
            x += width
        page.used += count * pitch
        return [*ruling, page.top - page.used]

    def _rule_table(self, ruling: list[float], geometry: TableGeometry) -> None:
        """The rules of the table's part on this page: under and over every row, and between columns."""
        surface, left, rule = self.page.surface, self.page.left, self.profile.table_rule_pt
        for y in ruling:
            surface.rule(left, y, left + self.profile.type_width_pt, y, rule)
        x = left
        for width in (0.0, *geometry.widths):
            x += width
            surface.rule(x, ruling[0], x, ruling[-1], rule)

    def _width(self, style: BlockStyle) -> float:
        """Room for a block's lines: the type width less its right indent."""
        return self.profile.type_width_pt - style.right_chars * self.profile.cell_pt(style.size_pt)

    def _lines(self, block: Block, style: BlockStyle, width: float) -> list[Line]:
        """The block's lines: a title or subtitle balanced, an 印发 line spread, else broken on the grid."""
        office, date = block.run_of(RunRole.OFFICE), block.run_of(RunRole.DATE)
        if office is not None and date is not None:
            return self._office_and_date(office, date, style, width)
        centred = balanced_lines(block, self.profile)
        if centred is not None:
            glyphs = (_glyphs(text, style.role, style.size_pt, style.bold, self.page) for text in centred)
            return [set_line(line, self.profile) for line in glyphs if line]
        glyphs: list[Glyph] = []
        for run in block.runs:
            role, bold = self.profile.run_style(run.heading_level, style)
            glyphs += _glyphs(run.text, role, style.size_pt, bold, self.page)
        if not glyphs:
            return []
        cell = self.profile.cell_pt(style.size_pt)
        justify = style.align in (Align.JUSTIFY, Align.LEFT)
        first, left = style.first_line_chars * cell, style.left_chars * cell
        return break_lines(glyphs, width, first, justify, self.profile, left)

    def _office_and_date(self, office_run: Run, date_run: Run, style: BlockStyle, width: float) -> list[Line]:
        """The 印发 line: the office at the left indent, the date ending at the right one. An office too
        long to leave a character between them takes lines of its own above the date."""
        cell = self.profile.cell_pt(style.size_pt)
        office, date = (
            _glyphs(run.text, style.role, style.size_pt, style.bold, self.page)
            for run in (office_run, date_run)
        )
        left = style.left_chars * cell
        date_width = sum(g.width for g in date)
        gap = width - left - sum(g.width for g in office) - date_width
        if gap >= cell:
            spacing = (0.0,) * (len(office) - 1) + (gap,) + (0.0,) * len(date)
            return [Line(tuple(office + date), left, spacing)]
        return [
            *break_lines(office, width, 0.0, False, self.profile, left),
            Line(tuple(date), width - date_width),
        ]

    def _imprint(self, blocks: Sequence[Block], styles: Sequence[BlockStyle]) -> None:
        """版记 (GB/T 9704 7.4) on the grid's bottom lines of the last page: a rule above its first line,
        a thinner one between the 抄送 and 印发 lines, the last on the bottom edge of the type area."""
        profile, page = self.profile, self.page
        pitch = profile.line_pitch_pt
        widths = [self._width(style) for style in styles]
        laid = [self._lines(b, style, width) for b, style, width in zip(blocks, styles, widths, strict=True)]
        first_line = max(profile.lines_per_page - sum(len(lines) for lines in laid), 0) * pitch
        self._turn_to_imprint_page(first_line)
        page.used = first_line
        for index, (style, width, lines) in enumerate(zip(styles, widths, laid, strict=True)):
            tops = [self._place(line, style.align, pitch, width) for line in lines]
            rule = imprint_rule_above(profile, blocks, index)
            if rule is not None:
                self._rule(tops[0], mm_to_pt(rule))
        self._rule(page.bottom, mm_to_pt(profile.imprint_outer_rule_mm))

    def _turn_to_imprint_page(self, first_line: float) -> None:
        """To the page the 版记 closes: this one if the text ends above `first_line`, else the next; with
        imprint_on_even_page, the next even one. A blank page put in before it leaves both unnumbered
        (GB/T 9704 7.5.1)."""
        page = self.page
        if page.used > first_line + _EPS:
            page.new_page()
        if self.profile.imprint_on_even_page and page.number % 2:
            blank = page.used == 0
            page.numbered = not blank
            page.new_page()
            page.numbered = not blank

    def _rule(self, y: float, width_pt: float) -> None:
        """A rule as wide as the type area, centred on `y`, in the current stroke colour."""
        left = self.page.left
        self.page.surface.rule(left, y, left + self.profile.type_width_pt, y, width_pt)

    def _place(self, line: Line, align: Align, pitch: float, width: float | None = None) -> float:
        """Put one line in the next slot of `pitch`, aligned within `width`; return the slot's top."""
        width = self.profile.type_width_pt if width is None else width
        top = self.page.slot(pitch)
        self._draw_in_slot(line, align, width, self.page.left, top, pitch)
        return top

    def _draw_in_slot(
        self, line: Line, align: Align, width: float, left: float, top: float, pitch: float
    ) -> None:
        """Draw a line aligned within `width` from `left`, its em box centred in the slot from `top` down."""
        free = width - line.indent - line_width(line)
        shift = {Align.CENTER: free / 2, Align.RIGHT: free}.get(align, 0.0)
        if shift:
            line = replace(line, indent=line.indent + shift)
        em_top = top - (pitch - line.glyphs[0].size) / 2
        _draw_line(self.page.surface, line, left, _baseline(em_top, line.glyphs))

    def _bookmark(self, block: Block, top: float) -> None:
        heading = block.heading
        assert heading is not None
        # Outline levels may only go one deeper at a time; a document may start at level 2.
        level = min(heading.level - 1, self.outline_level + 1 if self.bookmarks else 0)
        self.page.surface.bookmark(f"{heading.number}{heading.title}", level, top)
        self.outline_level = level
        self.bookmarks += 1

    def _red_header(self, agency: str, number: str | None) -> None:
        """发文机关标志, 发文字号 and the red rule (placed as the DOCX writer places them)."""
        profile, page, surface = self.profile, self.page, self.page.surface
        style = profile.block_style(BlockKind.TITLE)
        page.used = mm_to_pt(profile.red_header_top_mm) - profile.half_leading_pt(style)
        surface.set_fill_color(profile.red_header_color)
        self._centred(agency, style)
        surface.set_fill_color(_BLACK)
        below = profile.half_leading_pt(style)  # em box bottom above the slot end
        if number:
            page.skip_lines(profile.doc_number_below_mark_lines)
            number_style = profile.block_style(BlockKind.DOC_NUMBER)
            self._centred(number, number_style)
            below = profile.half_leading_pt(number_style)
        y = page.top - page.used + below - mm_to_pt(profile.red_rule_below_mm)
        surface.set_stroke_color(profile.red_header_color)
        self._rule(y, profile.red_rule_width_pt)
        surface.set_stroke_color(_BLACK)
        page.used = page.top - y
        page.skip_lines(profile.title_below_rule_lines)

    def _centred(self, text: str, style: BlockStyle) -> None:
        glyphs = _glyphs(text, style.role, style.size_pt, style.bold, self.page)
        self._place(Line(tuple(glyphs), 0.0), Align.CENTER, self.profile.line_pitch_of(style))


def render_pdf(doc: Document, profile: Profile, fonts: FontSet, out: Path) -> PdfResult:
    """Typeset `doc` on `profile`'s grid into `out` (written in place; the caller makes it atomic)."""
    surface = CanvasSurface(out, page_size(profile), fonts.font(FontRole.BODY))
    return typeset(doc, profile, fonts, surface)


def typeset(doc: Document, profile: Profile, fonts: FontSet, surface: Surface) -> PdfResult:
    """Lay `doc` out on `profile`'s grid and draw it on `surface` (a PDF canvas, an OFD package...)."""
    return _Writer(doc, profile, fonts, surface).write()
