"""What kind of document this is, read from its structure, and where its main text ends.

- "items": a list of items, each a short heading with its facts (a holiday or schedule notice:
  一、元旦：1月1日至3日放假……). Every item is worth reporting, with its dates and numbers.
- "notice": a directive (通知, 意见, 决定 ...): signed by an organ, or closed by 特此通知, or with a
  document number. What matters is what it decides or requires, of whom, by when.
- "speech": a speech or report: its points, each with its key content.

Attached texts (an attachment after the signature, a forwarded document) are not part of the main
text: their sections are theirs, not the notice's. Each is reported as one line, by its title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from tasks.model import Block, BlockKind, Document, HeadingKind, RunRole

# A fact a reader acts on: a date, a time, an amount (digits, or a Chinese count with its unit).
FACT = re.compile(
    r"\d+[年月日时号点天%％万亿元个项家人次名]|[0-9０-９]+[:：][0-9０-９]{2}"
    r"|[一二两三四五六七八九十百千]+[年月日天个项次家名批]"
)
# A deadline: by when a directive is to be done (于6月20日18：00前, 2018年12月31日前, 每季度).
DEADLINE = re.compile(r"[日月底末][^。；，]{0,8}?(?:前|之前|以前)|截至|截止|每[年季月周]")
_DIRECTIVE_TITLE = re.compile(r"(?:通知|意见|决定|通报|办法|方案|规定|批复|函|公告|通告|细则|要点)$")
_SIGNED = frozenset({BlockKind.SIGNATURE, BlockKind.SIGNED_DATE, BlockKind.DOC_NUMBER, BlockKind.COPY_TO})
_ITEM_NAME_CHARS = 12  # an item is named in a word or two: 元旦, 第一场 会议报到
_ITEM_BODY_CHARS = 80  # an item's text says its facts in a line or two
_ITEM_FACT_SHARE = 0.6  # ... and most items have a date or a number


@dataclass(frozen=True)
class Attached:
    """An attached or forwarded text: its label block (附件), its title and where it starts."""

    start: int  # index of its first block
    title: str
    title_index: int  # block of its title (the label's when it has no title of its own)
    label: str = ""  # as written: "附件", "附件1"; "" for a forwarded document


@dataclass(frozen=True)
class Layout:
    kind: str  # "items", "notice" or "speech"
    main_end: int  # blocks[:main_end] are the main text
    attached: tuple[Attached, ...]
    listed: tuple[tuple[int, str], ...]  # attachment names listed under the main text (附件：1. ……)


def _attachment_name(block: Block) -> str:
    """附件：1. 云山市……方案 -> 云山市……方案 (the label and numbering dropped)."""
    return "".join(run.text for run in block.runs if run.role is RunRole.TEXT).strip()


def _attachment_label(block: Block) -> str:
    """附件2： -> 附件2."""
    label = block.run_of(RunRole.LABEL)
    return re.sub(r"[\s:：]", "", label.text) if label is not None else "附件"


def _attached_texts(doc: Document) -> tuple[Attached, ...]:
    """Texts after the main one: an 附件 label after the signature or over a title of its own, or a
    second title after the signature (a forwarded document)."""
    found: list[Attached] = []
    signed = False
    blocks = doc.blocks
    for i, block in enumerate(blocks):
        signed = signed or block.kind in (BlockKind.SIGNATURE, BlockKind.SIGNED_DATE)
        titled = i + 1 < len(blocks) and blocks[i + 1].kind == BlockKind.TITLE
        if block.kind is BlockKind.ATTACHMENT_LABEL:
            title_index = i + 1 if titled else i
            name = blocks[i + 1].text.strip() if titled else _attachment_name(block)
            found.append(Attached(i, name, title_index, _attachment_label(block)))
        elif block.kind == BlockKind.TITLE and signed and not (found and found[-1].title_index == i):
            found.append(Attached(i, block.text.strip(), i))
    return tuple(found)


def _is_directive(doc: Document, main: tuple[Block, ...]) -> bool:
    closes = any(b.kind == BlockKind.CLOSING and "特此" in b.text for b in main)
    return bool(_DIRECTIVE_TITLE.search(doc.title.strip())) or closes or any(b.kind in _SIGNED for b in main)


def _is_item_list(main: tuple[Block, ...]) -> bool:
    """Two or more top-level sections, each a short text, most of them holding a fact."""
    levels = [h.level for b in main if (h := b.heading) is not None and h.kind is HeadingKind.HEADING]
    if not levels:
        return False
    top = min(levels)
    titles = sorted(len(h.title) for b in main if (h := b.heading) is not None and h.level == top)
    if titles[len(titles) // 2] > _ITEM_NAME_CHARS:
        return False  # points of a speech or a notice, not names of items
    bodies: list[str] = []
    for block in main:
        heading = block.heading
        if heading is not None and heading.kind is HeadingKind.HEADING and heading.level == top:
            bodies.append("".join(r.text for r in block.runs if r.heading_level is None))
        elif bodies and block.kind == BlockKind.PARAGRAPH and heading is None:
            bodies[-1] += block.text
        elif bodies and block.kind != BlockKind.PARAGRAPH:
            break  # the items end at the closing, signature or attachments
    # The last item may run on into a closing paragraph: the median item is what counts.
    if len(bodies) < 2 or sorted(map(len, bodies))[len(bodies) // 2] > _ITEM_BODY_CHARS:
        return False
    return sum(bool(FACT.search(body)) for body in bodies) >= _ITEM_FACT_SHARE * len(bodies)


def layout(doc: Document) -> Layout:
    """The kind of document, where its main text ends, its attached texts and listed attachments."""
    attached = _attached_texts(doc)
    main_end = attached[0].start if attached else len(doc.blocks)
    main = doc.blocks[:main_end]
    listed = tuple(
        (i, name)
        for i, b in enumerate(main)
        if b.kind is BlockKind.ATTACHMENT and (name := _attachment_name(b))
    )
    # An attached text with neither a title nor a name after its label takes the name listed for it.
    names = [name for _, name in listed]
    attached = tuple(
        replace(a, title=names[n]) if not a.title and n < len(names) else a for n, a in enumerate(attached)
    )
    if _is_item_list(main):
        kind = "items"
    elif _is_directive(doc, main):
        kind = "notice"
    else:
        kind = "speech"
    return Layout(kind, main_end, attached, listed)
