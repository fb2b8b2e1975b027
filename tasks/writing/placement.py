"""Where each block stands: what a writer sets, and the styles that depend on a block's neighbours.

`Profile.block_style` styles a block by its kind alone; both writers then take these adjustments:
- the body starts one blank line below the front matter (title, subtitle, speaker, date, 发文字号);
- the agency, or the agencies of a joint signature one below the other, and the date under them stand
  as GB/T 9704 7.3.5.2 says for a document without a seal, and never alone on a page (7.3.5.4): the
  body's last lines, the closing line and the 附件说明 above them keep with them;
- a document attached after the signature (the 方案 a 印发 notice issues, a forwarded text) starts a
  page with its own title, as an attachment does;
- the 附件说明 ("附件：1.……" and its further items) hangs, so that wrapped lines and later items align
  with the first attachment's name (7.3.4); an attached text starts a page, its 附件 label flush left in
  黑体 on the first line and its title on the third;
- a table's columns share the type width by the widths of their cells;
- in the 版记 (7.4) a 抄送 line hangs, so that wrapped lines align after "抄送：", and an 印发 line that
  names no office sets its date flush right. Where the 版记 goes on the page is each writer's to say.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from tasks.model import Block, BlockKind, Document, Run, RunRole, Table
from tasks.writing.layout import Align, BlockStyle, Profile, text_cells

# Blocks above the body: the body starts one blank line below them, and they stay with what follows.
FRONT_MATTER = frozenset(
    {BlockKind.TITLE, BlockKind.SUBTITLE, BlockKind.SPEAKER, BlockKind.DATE, BlockKind.DOC_NUMBER}
)
# The 版记: the lines that close the document, set apart from the body.
IMPRINT = frozenset({BlockKind.COPY_TO, BlockKind.PRINTED_BY})
# What may stand between the body and the signature; each keeps with what follows it.
_BEFORE_SIGNATURE = frozenset({BlockKind.CLOSING, BlockKind.ATTACHMENT, BlockKind.SIGNATURE})
# What an attached document's title may stand under without a page break of its own.
_OVER_A_TITLE = FRONT_MATTER | {BlockKind.ATTACHMENT_LABEL}
# Body blocks whose last lines go over to the signature's page.
_BODY_END = frozenset({BlockKind.PARAGRAPH, BlockKind.HEADING, BlockKind.LINE})


def blocks_to_set(doc: Document) -> tuple[str | None, tuple[Block, ...]]:
    """What a writer sets: the 发文字号 for the red header (None without one), then the blocks in order.

    A document without a title block gets its title (from metadata or the file name) set first. With a
    red header (metadata names the issuing agency) the first 发文字号 moves up into the header, wherever
    the text had it; without one the 发文字号 stays where the text put it.
    """
    blocks = list(doc.blocks)
    if doc.title and not any(b.kind is BlockKind.TITLE for b in blocks):
        blocks.insert(0, Block(BlockKind.TITLE, (Run(doc.title),), 0))
    if not doc.metadata.agency:
        return None, tuple(blocks)
    number = next((b for b in blocks if b.kind is BlockKind.DOC_NUMBER), None)
    if number is None:
        return doc.metadata.doc_number, tuple(blocks)
    blocks.remove(number)
    return number.text, tuple(blocks)


def placed_styles(profile: Profile, blocks: Sequence[Block]) -> list[BlockStyle]:
    """The style of each block where it stands (see the module docstring)."""
    styles = [profile.block_style(b.kind, b.heading.level if b.heading else None) for b in blocks]
    for i, block in enumerate(blocks):
        if i and blocks[i - 1].kind in FRONT_MATTER and block.kind not in FRONT_MATTER:
            styles[i] = replace(styles[i], space_before_lines=max(styles[i].space_before_lines, 1.0))
    _place_signatures(profile, blocks, styles)
    _place_attachments(blocks, styles)
    _keep_signatures_with_body(blocks, styles)  # after the attachments: a label starting a page stops it
    _place_attached_documents(blocks, styles)
    _place_imprint(blocks, styles)
    return styles


def imprint_start(blocks: Sequence[Block]) -> int:
    """Index of the 版记's first block among the blocks that end the document (len(blocks): none)."""
    start = len(blocks)
    while start and blocks[start - 1].kind in IMPRINT:
        start -= 1
    return start


def signature_indents(profile: Profile, signature_cells: float, date_cells: float) -> tuple[float, float]:
    """Right indents in characters of the agency line and of the date line under it (GB/T 9704 7.3.5.2):
    the agency 2 characters in, the date starting 2 characters right of the agency's first character; a
    date longer than that moves both left until the date is 2 characters in."""
    shift, right = profile.signed_date_shift_chars, profile.signature_right_chars
    date_right = max(right, right + signature_cells - shift - date_cells)
    return date_right + date_cells + shift - signature_cells, date_right


def _place_signatures(profile: Profile, blocks: Sequence[Block], styles: list[BlockStyle]) -> None:
    """Each run of agency lines and the date after it; joint agencies start at one column."""
    start = 0
    while start < len(blocks):
        if blocks[start].kind is not BlockKind.SIGNATURE:
            start += 1
            continue
        end = start
        while end < len(blocks) and blocks[end].kind is BlockKind.SIGNATURE:
            end += 1
        widths = [profile.set_cells(block.text) for block in blocks[start:end]]
        right = profile.signature_right_chars
        if end < len(blocks) and blocks[end].kind is BlockKind.SIGNED_DATE:
            right, date_right = signature_indents(profile, max(widths), profile.set_cells(blocks[end].text))
            styles[end] = replace(styles[end], right_chars=date_right)
        for index, width in zip(range(start, end), widths, strict=True):
            space = styles[index].space_before_lines if index == start else 0.0  # one blank line above all
            styles[index] = replace(
                styles[index], right_chars=right + max(widths) - width, space_before_lines=space
            )
        start = end


def _keep_signatures_with_body(blocks: Sequence[Block], styles: list[BlockStyle]) -> None:
    """Every block from the body's last paragraph to the last agency line keeps with the next, so that the
    date never stands on a page without body text above it (GB/T 9704 7.3.5.4)."""
    for end, block in enumerate(blocks):
        signed = end and blocks[end - 1].kind is BlockKind.SIGNATURE
        if block.kind is not BlockKind.SIGNED_DATE or not signed:
            continue
        start = end - 1
        while start and blocks[start - 1].kind in _BEFORE_SIGNATURE and not styles[start - 1].new_page:
            start -= 1
        if start and blocks[start - 1].kind in _BODY_END:
            start -= 1
        for index in range(start, end):
            styles[index] = replace(styles[index], keep_with_next=True)


def _place_attached_documents(blocks: Sequence[Block], styles: list[BlockStyle]) -> None:
    """The front of a document after a signature starts a page, unless an attachment label above it
    already has (`_place_attachments`)."""
    signed = False
    for i, block in enumerate(blocks):
        signed = signed or block.kind is BlockKind.SIGNATURE
        previous = blocks[i - 1].kind if i else None
        if signed and block.kind in FRONT_MATTER and previous not in _OVER_A_TITLE:
            styles[i] = replace(styles[i], new_page=True, space_before_lines=0.0)


def _place_attachments(blocks: Sequence[Block], styles: list[BlockStyle]) -> None:
    """The 附件说明 hangs: wrapped lines and later items align with the first attachment's name. The title
    of an attached text under its label stands one blank line lower."""
    note_cells = 0.0  # width of the 附件说明's "附件：", under which further items align
    for i, block in enumerate(blocks):
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        titled = following is not None and following.kind in FRONT_MATTER
        if block.kind is BlockKind.ATTACHMENT_LABEL and titled:
            styles[i + 1] = replace(styles[i + 1], space_before_lines=1.0)
        if block.kind is not BlockKind.ATTACHMENT:
            continue
        style = styles[i]
        label, number = block.run_of(RunRole.LABEL), block.run_of(RunRole.NUMBER)
        hang = text_cells(number.text) if number else 0.0
        if label is not None:
            note_cells = text_cells(label.text)
            hang += note_cells
            left = style.first_line_chars
        else:
            left = style.first_line_chars + note_cells
            style = replace(style, space_before_lines=0.0)
        styles[i] = replace(style, left_chars=left + hang, first_line_chars=-hang)


def imprint_rule_above(profile: Profile, imprint: Sequence[Block], index: int) -> float | None:
    """Thickness in mm of the rule above the 版记's line `index` (None: no rule): the outer rule over the
    first, the inner one between the 抄送 and the 印发 lines (none between 主送 and 抄送). The other
    outer rule closes the last line."""
    if index == 0:
        return profile.imprint_outer_rule_mm
    if imprint[index].kind is BlockKind.PRINTED_BY and imprint[index - 1].kind is BlockKind.COPY_TO:
        return profile.imprint_inner_rule_mm
    return None


def _place_imprint(blocks: Sequence[Block], styles: list[BlockStyle]) -> None:
    """A 抄送 line hangs by its label; an 印发 line that names no office sets its date flush right."""
    for i, block in enumerate(blocks):
        label = block.run_of(RunRole.LABEL)
        if block.kind is BlockKind.COPY_TO and label is not None:
            hang = text_cells(label.text)
            styles[i] = replace(styles[i], left_chars=styles[i].left_chars + hang, first_line_chars=-hang)
        elif block.kind is BlockKind.PRINTED_BY and block.run_of(RunRole.OFFICE) is None:
            styles[i] = replace(styles[i], align=Align.RIGHT)


@dataclass(frozen=True)
class TableGeometry:
    """A table's columns: widths in pt (together the type width) and how their body cells align."""

    widths: tuple[float, ...]
    aligns: tuple[Align, ...]
    margin: float  # pt inside a cell, left and right


def table_geometry(profile: Profile, table: Table) -> TableGeometry:
    """Columns as wide as their widest cell where they all fit; otherwise the narrow ones keep their width
    and the wide ones share the rest by their widths. A column whose cells fit one line is centred."""
    char = profile.cell_pt(profile.table_size_pt)
    margin = profile.table_cell_margin_chars * char
    columns = range(len(table.rows[0]))
    least = profile.table_min_column_chars
    widest = [max(least, *(text_cells(row[col]) for row in table.rows)) for col in columns]
    natural = [(count + profile.table_column_slack_chars) * char + 2 * margin for count in widest]
    total = profile.type_width_pt
    if sum(natural) <= total:
        widths = [width * total / sum(natural) for width in natural]
    else:
        widths = _share(natural, total)
    body_rows = table.rows[1:]
    aligns = tuple(
        Align.CENTER if natural[col] <= widths[col] + 1e-6 or not body_rows else Align.JUSTIFY
        for col in columns
    )
    return TableGeometry(tuple(widths), aligns, margin)


def _share(natural: list[float], total: float) -> list[float]:
    """Widths for columns wanting more than `total` together: a column narrower than an equal share of
    what is left keeps its width; the others divide the rest in proportion to their wants."""
    fixed: dict[int, float] = {}
    while True:
        wide = [col for col in range(len(natural)) if col not in fixed]
        room = total - sum(fixed.values())
        narrow = {col: natural[col] for col in wide if natural[col] <= room / len(wide)}
        if not narrow:
            want = sum(natural[col] for col in wide)
            return [fixed.get(col, natural[col] * room / want) for col in range(len(natural))]
        fixed.update(narrow)
