"""The layout specification: one place for every number of GB/T 9704-2012 that a writer needs.

Both writers (DOCX and PDF) read a `Profile`; neither holds a layout number of its own.
Offices differ in margins, line spacing and page-number placement, so those are profile fields,
with the standard's values as the default profile ("gbt9704").
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

from tasks.model import BlockKind
from tasks.text.chars import NO_LINE_END_MARKS, NO_LINE_START_MARKS
from tasks.text.widths import text_cells as text_cells  # the writers' width of a text, in grid cells

MM_PER_INCH = 25.4
PT_PER_INCH = 72.0
TWIPS_PER_PT = 20


def mm_to_pt(mm: float) -> float:
    return mm * PT_PER_INCH / MM_PER_INCH


class FontRole(StrEnum):
    """Typographic roles; each resolves to one font (official name for DOCX, a file for PDF)."""

    TITLE = "title"  # 方正小标宋简体
    BODY = "body"  # 仿宋_GB2312
    HEITI = "heiti"  # 黑体: level-1 headings
    KAITI = "kaiti"  # 楷体_GB2312: level-2 headings, speaker and date lines
    PAGE_NUMBER = "page_number"  # 宋体


# Official family names, written into DOCX (w:eastAsia) and matched against installed fonts.
OFFICIAL_FONT_NAMES: dict[FontRole, str] = {
    FontRole.TITLE: "方正小标宋简体",
    FontRole.BODY: "仿宋_GB2312",
    FontRole.HEITI: "黑体",
    FontRole.KAITI: "楷体_GB2312",
    FontRole.PAGE_NUMBER: "宋体",
}
LATIN_FONT_NAME = "Times New Roman"  # letters and digits (practice) ...
# ... except where the standard names the digits' font: page numbers are 4号半角宋体阿拉伯数字 (7.5).
OWN_LATIN_ROLES = frozenset({FontRole.PAGE_NUMBER})


def latin_font_name(role: FontRole) -> str:
    """The family for a role's Latin letters and digits (w:ascii, w:hAnsi)."""
    return OFFICIAL_FONT_NAMES[role] if role in OWN_LATIN_ROLES else LATIN_FONT_NAME


# Font sizes by the Chinese size names the standard uses.
SIZE_2HAO = 22.0
SIZE_3HAO = 16.0
SIZE_4HAO = 14.0


class PageNumberStyle(StrEnum):
    OUTSIDE = "outside"  # odd pages right, even pages left, 1 character in (the standard)
    CENTER = "center"


class Align(StrEnum):
    LEFT = "left"  # flush left, wrapped lines flush left
    JUSTIFY = "justify"
    CENTER = "center"
    RIGHT = "right"


@dataclass(frozen=True)
class PageGeometry:
    width_mm: float = 210.0
    height_mm: float = 297.0
    top_mm: float = 37.0
    bottom_mm: float = 35.0
    left_mm: float = 28.0
    right_mm: float = 26.0

    @property
    def type_width_mm(self) -> float:
        return self.width_mm - self.left_mm - self.right_mm

    @property
    def type_height_mm(self) -> float:
        return self.height_mm - self.top_mm - self.bottom_mm


@dataclass(frozen=True)
class BlockStyle:
    """How one kind of block is set: font role of its text, size, alignment, indents in characters."""

    role: FontRole
    size_pt: float
    align: Align = Align.JUSTIFY
    first_line_chars: float = 2.0
    left_chars: float = 0.0
    right_chars: float = 0.0
    bold: bool = False
    space_before_lines: float = 0.0  # blank lines before, in grid lines
    new_page: bool = False  # starts a page (an attached text: 附件应当另面编排)
    # Its lines (Profile.lines_kept_with_next) stand on one page with the next block: the body's end,
    # the 附件说明 and the agency lines stay with the signature's date (GB/T 9704 7.3.5.4).
    keep_with_next: bool = False


class DocxReader(StrEnum):
    LIBREOFFICE = "libreoffice"
    WORD = "word"  # Word and WPS, which read the OOXML properties as the standard defines them


@dataclass(frozen=True)
class LineBreaking:
    """How lines of Chinese text break, decided once for both files. The DOCX writes each as an explicit
    property (docx-parity.md), so that Word, WPS and LibreOffice do not fall back on their own defaults;
    the PDF typesetter follows the same rules."""

    # 避头尾 (w:kinsoku, and the marks themselves as w:noLineBreaksBefore / w:noLineBreaksAfter): no line
    # starts with a closing mark or ends with an opening one.
    no_line_start: str = NO_LINE_START_MARKS
    no_line_end: str = NO_LINE_END_MARKS
    # Closing marks that keep the number or Latin word after them on their line ("。2015年" breaks before
    # the character ahead of the mark), as LibreOffice's line-break rules do (measured: 。，、）”》』 keep
    # it; ；：！？ do not). Empty: none.
    marks_keeping_latin: str = "，。、）》”’」』】〕〉"
    # A closing mark that would start a line is not hung in the right margin (w:overflowPunct off): the
    # character before it goes down with it and the line is spread to the full width. LibreOffice 7.4
    # leaves a hung mark out of its PDF altogether, and glyphs stay inside the type area.
    hanging_punctuation: bool = False
    # Marks keep their full cell (w:characterSpacingControl doNotCompress): compression would move every
    # character after a mark off the grid.
    compress_punctuation: bool = False
    # Space between a Chinese character and a Latin letter or digit next to it, in ems of the text
    # (w:autoSpaceDE / w:autoSpaceDN on): Word's default, and what LibreOffice always sets (a fifth of the
    # font size; its DOCX import ignores both properties), so "1 月 7 日" in both files. 0: none.
    latin_space_em: float = 0.2
    # Latin words and numbers are never split at a line's end (w:wordWrap on).
    whole_latin_words: bool = True


def _default_heading_roles() -> dict[int, tuple[FontRole, bool]]:
    # level -> (font role, bold). Level 3 is often bold in practice; the standard says 仿宋.
    return {
        1: (FontRole.HEITI, False),
        2: (FontRole.KAITI, False),
        3: (FontRole.BODY, False),
        4: (FontRole.BODY, False),
    }


@dataclass(frozen=True)
class Profile:
    name: str = "gbt9704"
    description: str = "GB/T 9704-2012 党政机关公文格式 (print)"
    page: PageGeometry = field(default_factory=PageGeometry)
    lines_per_page: int = 22
    chars_per_line: int = 28
    # Exact line spacing. 579 twips (28.95 pt) is the largest exact value that still gives 22 lines
    # in a 225 mm type area in Word; 225 mm / 22 would be 28.99 pt.
    line_pitch_pt: float = 28.95
    title_line_pitch_pt: float = 34.0  # 2号 title lines (practice: 33-35 pt)
    body_size_pt: float = SIZE_3HAO
    title_size_pt: float = SIZE_2HAO
    page_number_size_pt: float = SIZE_4HAO
    page_number_style: PageNumberStyle = PageNumberStyle.OUTSIDE
    page_number_below_mm: float = 7.0  # top of the number line below the type area
    page_number_indent_chars: float = 1.0
    page_number_dash: str = "—"  # "— 1 —"
    heading_roles: dict[int, tuple[FontRole, bool]] = field(default_factory=_default_heading_roles)
    line_breaking: LineBreaking = field(default_factory=LineBreaking)
    # Body characters condensed so that 28 16-pt glyphs fit 156 mm in Word and LibreOffice alike
    # (layout.md: -0.25 pt gives 28 a line; -0.2 pt gives 27). The PDF measures its lines as they do.
    body_condense_pt: float = 0.25
    # The reader the DOCX's w:overflowPunct is written for: LibreOffice (7.4 and later) reads it inverted,
    # so no one value gives the same hanging punctuation in Word and LibreOffice (docx-parity.md).
    docx_reader: DocxReader = DocxReader.LIBREOFFICE
    red_header_color: str = "FF0000"
    # Red header of formal documents (GB/T 9704 7.2): the agency mark's top edge below the top of the
    # type area, the 发文字号 that many lines below the mark, the red rule that far below the 发文字号,
    # the title that many lines below the rule.
    red_header_top_mm: float = 35.0
    doc_number_below_mark_lines: float = 2.0
    red_rule_below_mm: float = 4.0
    title_below_rule_lines: float = 2.0
    red_rule_width_pt: float = 1.5  # the standard fixes the rule's place and colour, not its weight
    # Signature without a seal (GB/T 9704 7.3.5.2): the agency 2 characters in from the right, the date
    # on the next line starting 2 characters right of the agency's first character; a date longer than
    # that moves both left until the date is 2 characters in.
    signature_right_chars: float = 2.0
    signed_date_shift_chars: float = 2.0
    # Tables (practice for 公文: 仿宋, 3号 or smaller, single rules as wide as the type area): cell text
    # on the line grid, the header row centred and repeated on every page the table runs over.
    table_size_pt: float = SIZE_4HAO
    table_rule_pt: float = 0.5
    table_cell_margin_chars: float = 0.3  # left and right inside a cell, in characters of table_size_pt
    table_min_column_chars: float = 2.0  # the narrowest column, in characters of table_size_pt
    # Room over a column's widest cell: Latin letters and digits run a little wider than the half cell
    # counted, and LibreOffice sets a gap between them and Chinese.
    table_column_slack_chars: float = 1.0
    table_header_role: FontRole = FontRole.HEITI
    # 版记 (GB/T 9704 7.4): 4号 lines 1 character in from both sides, between rules as wide as the type
    # area, the first and the last thicker than the one between 抄送 and 印发; the last rule lies on the
    # bottom edge of the last page's type area. Printed two-sided, that page is an even one (封四).
    imprint_size_pt: float = SIZE_4HAO
    imprint_indent_chars: float = 1.0
    imprint_outer_rule_mm: float = 0.35
    imprint_inner_rule_mm: float = 0.25
    imprint_on_even_page: bool = True

    # Derived values: computed, never written down twice.
    @property
    def char_pitch_pt(self) -> float:
        return mm_to_pt(self.page.type_width_mm) / self.chars_per_line

    @property
    def lines_kept_with_next(self) -> int:
        """Lines of a paragraph that keeps with the next (the body's end above a signature, GB/T 9704
        7.3.5.4) brought over with it: all of them, up to a page. LibreOffice keeps such a paragraph
        together; the DOCX says so to Word too (w:keepLines), which would otherwise move two."""
        return self.lines_per_page

    @property
    def type_width_pt(self) -> float:
        return mm_to_pt(self.page.type_width_mm)

    @property
    def type_height_pt(self) -> float:
        return mm_to_pt(self.page.type_height_mm)

    @property
    def docx_type_width_pt(self) -> float:
        """The type width the DOCX's readers fill: the page less its margins, each in whole twips."""
        page = self.page
        width, left, right = (
            round(mm_to_pt(mm) * TWIPS_PER_PT) for mm in (page.width_mm, page.left_mm, page.right_mm)
        )
        return (width - left - right) / TWIPS_PER_PT

    @property
    def line_pitch_twips(self) -> int:
        return round(self.line_pitch_pt * TWIPS_PER_PT)

    @property
    def title_chars_per_line(self) -> int:
        """2号 characters a title line holds (20 in the 156 mm type area)."""
        return int(self.type_width_pt // self.title_size_pt)

    @property
    def page_number_indent_pt(self) -> float:
        """The page number's distance from the type area's outer edge: one character of its own size."""
        return self.page_number_indent_chars * self.page_number_size_pt

    @property
    def latin_space_cells(self) -> float:
        """The latin space in cells of its text's size (the cell scales with the size)."""
        return self.line_breaking.latin_space_em * self.body_size_pt / self.char_pitch_pt

    def set_cells(self, text: str) -> float:
        """Width of `text` as both files set it, in cells of its size: text_cells and the latin spaces."""
        return text_cells(text, self.latin_space_cells)

    def cell_pt(self, size_pt: float) -> float:
        """One grid cell for characters of `size_pt`: the character pitch, scaled from the body size."""
        return self.char_pitch_pt * size_pt / self.body_size_pt

    def condense_pt(self, size_pt: float) -> float:
        """Taken off every character's advance at `size_pt`, in whole twips: body_condense_pt scaled to the
        size, so that 4号 lines (tables, 版记) hold as many characters as the PDF's cells of that size;
        none for the larger title type, whose lines are broken beforehand."""
        if size_pt > self.body_size_pt:
            return 0.0
        return round(self.body_condense_pt * size_pt / self.body_size_pt * TWIPS_PER_PT) / TWIPS_PER_PT

    def indent_char_pt(self, size_pt: float) -> float:
        """One character of a DOCX indent at `size_pt`: a condensed body character; other sizes their own
        size (Word counts character units in the default font, the body's)."""
        return size_pt - (self.body_condense_pt if size_pt == self.body_size_pt else 0.0)

    def line_pitch_of(self, style: BlockStyle) -> float:
        """Exact line pitch of a block: the grid's, or the wider title pitch for 2号 title type."""
        return self.title_line_pitch_pt if style.role is FontRole.TITLE else self.line_pitch_pt

    def half_leading_pt(self, style: BlockStyle) -> float:
        """Space between a line's slot and its em box, above and below: lines sit centred in their pitch."""
        return (self.line_pitch_of(style) - style.size_pt) / 2

    def heading_role(self, level: int) -> tuple[FontRole, bool]:
        return self.heading_roles.get(level, (FontRole.BODY, False))

    def block_style(self, kind: BlockKind, heading_level: int | None = None) -> BlockStyle:
        """The style of a block. For HEADING blocks pass the heading's level."""
        body = self.body_size_pt
        if kind is BlockKind.TITLE:
            return BlockStyle(FontRole.TITLE, self.title_size_pt, Align.CENTER, first_line_chars=0)
        if kind is BlockKind.SUBTITLE:
            return BlockStyle(FontRole.KAITI, body, Align.CENTER, first_line_chars=0)
        if kind in (BlockKind.SPEAKER, BlockKind.DATE):
            return BlockStyle(FontRole.KAITI, body, Align.CENTER, first_line_chars=0)
        if kind is BlockKind.DOC_NUMBER:
            return BlockStyle(FontRole.BODY, body, Align.CENTER, first_line_chars=0)
        if kind is BlockKind.SALUTATION:
            return BlockStyle(FontRole.BODY, body, Align.LEFT, first_line_chars=0, space_before_lines=1)
        if kind is BlockKind.HEADING:
            role, bold = self.heading_role(heading_level or 1)
            return BlockStyle(role, body, Align.LEFT, bold=bold)
        if kind is BlockKind.ATTACHMENT:
            return BlockStyle(FontRole.BODY, body, Align.JUSTIFY, space_before_lines=1)
        if kind is BlockKind.ATTACHMENT_LABEL:  # 7.3.4: flush left in 黑体 on a page of its own
            return BlockStyle(FontRole.HEITI, body, Align.LEFT, first_line_chars=0, new_page=True)
        if kind in (BlockKind.SIGNATURE, BlockKind.SIGNED_DATE):
            space = 1.0 if kind is BlockKind.SIGNATURE else 0.0  # one blank line below the body
            return BlockStyle(
                FontRole.BODY,
                body,
                Align.RIGHT,
                first_line_chars=0,
                right_chars=self.signature_right_chars,
                space_before_lines=space,
            )
        if kind in (BlockKind.COPY_TO, BlockKind.PRINTED_BY):
            indent = self.imprint_indent_chars
            align = Align.JUSTIFY if kind is BlockKind.COPY_TO else Align.LEFT
            return BlockStyle(
                FontRole.BODY,
                self.imprint_size_pt,
                align,
                first_line_chars=0,
                left_chars=indent,
                right_chars=indent,
            )
        if kind is BlockKind.LINE:  # cells of what was not read as a table: as they stand
            return BlockStyle(FontRole.BODY, body, Align.LEFT, first_line_chars=0)
        if kind is BlockKind.TABLE:  # the cells' text; the header's role is table_header_style's
            return BlockStyle(FontRole.BODY, self.table_size_pt, Align.JUSTIFY, first_line_chars=0)
        return BlockStyle(FontRole.BODY, body)  # PARAGRAPH, CLOSING

    def run_style(self, heading_level: int | None, block: BlockStyle) -> tuple[FontRole, bool]:
        """Font role and boldness of a run inside a block of the given style."""
        if heading_level is None:
            return block.role, block.bold
        return self.heading_role(heading_level)


GBT9704 = Profile()

PROFILES: dict[str, Profile] = {
    "gbt9704": GBT9704,
    # GB/T 33476.2 electronic display: tighter top and bottom, slightly wider lines.
    "gbt33476": replace(
        GBT9704,
        name="gbt33476",
        description="GB/T 33476.2 党政机关电子公文 (screen display)",
        page=replace(GBT9704.page, top_mm=34.58, bottom_mm=32.58),
        line_pitch_pt=29.45,
        imprint_on_even_page=False,  # read on a screen: no back cover to fill
    ),
    "centered": replace(
        GBT9704,
        name="centered",
        description="GB/T 9704-2012 with centred page numbers (common office practice)",
        page_number_style=PageNumberStyle.CENTER,
    ),
}


def get_profile(name: str | None) -> Profile:
    """Look up a profile by name; None gives the default. Unknown names are an error, not a fallback."""
    if name is None:
        return GBT9704
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown layout profile {name!r}; known: {', '.join(sorted(PROFILES))}") from None


def page_number_text(profile: Profile, number: int) -> str:
    dash = profile.page_number_dash
    return f"{dash} {number} {dash}"
