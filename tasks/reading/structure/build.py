"""Text -> Document: front matter, body with headings, closing, signature, attachments, 版记."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace

from tasks.model import Block, BlockKind, Document, DroppedLine, Heading, HeadingKind, Metadata, Run, RunRole
from tasks.reading.structure import parts, tables
from tasks.reading.structure.front_run import split_front_run
from tasks.reading.structure.furniture import furniture_warning, remove_furniture
from tasks.reading.structure.headings import (
    Draft,
    Numbered,
    Resolved,
    is_label,
    outline_candidates,
    read_numbered,
    resolve,
)
from tasks.reading.structure.numbering import numbering_warnings
from tasks.reading.structure.segments import Segment, split_segments
from tasks.reading.structure.titles import choose_title
from tasks.text.chars import HAN, SPACES

_MAX_TITLE_LINES = 3
_MAX_SIGNERS = 3  # lines of a joint signature
_MAX_SIGNATURE = 40  # characters: 中共云山县委办公室　　云山县人民政府办公室 on one line
_OPENING = 300  # characters of body text where a speech names its occasion
_MAX_IMPRINT = 8  # lines of a 版记: 主送 and 抄送 over a few lines each, 印发, （共印50份）


@dataclass(frozen=True)
class Part:
    """One or more segments (a title may span lines) with their role; kind None = body paragraph."""

    kind: BlockKind | None
    segments: tuple[Segment, ...]
    section: int  # a new section starts at each attachment or forwarded document

    @property
    def text(self) -> str:
        return "".join(seg.text for seg in self.segments)


def _front(
    segments: list[Segment], start: int, section: int, run: tuple[Part, ...] = ()
) -> tuple[list[Part], int]:
    """Title, subtitle, speaker, date, document number and salutation at `start`, after the parts of a
    front run (`run`: title, date and speaker on one line) when the text opens with one."""
    found: list[Part] = list(run)
    title: list[Segment] = []
    i = start
    while i < len(segments):
        seg, text = segments[i], segments[i].text
        following = segments[i + 1].text if i + 1 < len(segments) else ""
        if tables.kind_of(seg):
            break
        elif parts.is_doc_number(text):
            kind = BlockKind.DOC_NUMBER
        elif parts.is_date_line(text) or (title and parts.is_plain_date(text)):
            kind = BlockKind.DATE
        elif parts.is_subtitle(text):
            kind = BlockKind.SUBTITLE
        elif parts.is_note(text):
            kind = BlockKind.PARAGRAPH  # （此件公开发布） （本文有删减）: a note, not a title
        elif parts.is_attachment_label(text) or parts.is_attachment_note(text):
            break
        elif parts.is_salutation(text):
            found.append(Part(BlockKind.SALUTATION, (seg,), section))
            i += 1
            break
        elif _takes_title_line(title, found, text, following):
            title.append(seg)
            i += 1
            continue
        elif (title or found) and parts.is_speaker(text):
            kind = BlockKind.SPEAKER
        else:
            break
        found.append(Part(kind, (seg,), section))
        i += 1
    if title:
        found.append(Part(BlockKind.TITLE, tuple(title), section))
    return sorted(found, key=lambda part: part.segments[0].offset), i


def _front_run(text: str, segments: list[Segment]) -> tuple[list[Segment], tuple[Part, ...]]:
    """The parts of a front run (see front_run.py) and the segments after it, the one it ends in cut."""
    split = split_front_run(text)
    if split is None:
        return segments, ()
    pieces, body = split

    def segment(start: int, end: int) -> Segment:
        return Segment(text.count("\n", 0, start) + 1, start, text[start:end])

    title = tuple(segment(p.start, p.end) for p in pieces if p.kind is BlockKind.TITLE)
    others = tuple(
        Part(p.kind, (segment(p.start, p.end),), 0) for p in pieces if p.kind is not BlockKind.TITLE
    )
    rest = []
    for seg in segments:
        end = seg.offset + len(seg.text)
        start = max(seg.offset, body)
        start += len(text[start:end]) - len(text[start:end].lstrip())
        if start < end:
            rest.append(seg if start == seg.offset else segment(start, end))
    return rest, (Part(BlockKind.TITLE, title, 0), *others)


def _takes_title_line(title: list[Segment], found: list[Part], text: str, following: str) -> bool:
    """The first title line (a 发文字号 or a note may come first), or the next line of a broken title."""
    if not title:
        if not all(p.kind in (BlockKind.DOC_NUMBER, BlockKind.PARAGRAPH) for p in found):
            return False
        return parts.is_title_line(text) or (parts.is_subtitle(following) and parts.is_headline(text))
    interrupted = any(p.segments[0].offset > title[0].offset for p in found)
    return (
        not interrupted
        and len(title) < _MAX_TITLE_LINES
        and parts.is_title_line(text)
        and parts.continues_title(title[-1].text, text)
    )


def _joint_signers(found: list[Part], section: int) -> None:
    """Agency lines right above a signature sign with it: 中共云山市委办公室 / 云山市人民政府办公室."""
    for index in range(len(found) - 1, max(len(found) - _MAX_SIGNERS, -1), -1):
        part = found[index]
        if part.kind is not None or part.section != section or not parts.is_agency_name(part.text):
            return
        found[index] = replace(part, kind=BlockKind.SIGNATURE)


def _lists_attachments(text: str, following: str, signed: bool) -> bool:
    """The 附件说明 between body and signature ("附件：1.……" or "附件：" over "1.……"); after the
    signature a 附件 line heads the attached text itself."""
    if signed:
        return False
    return parts.is_attachment_note(text) or (
        parts.is_attachment_label(text) and parts.is_attachment_item(following)
    )


def _imprint(segments: list[Segment], section: int) -> list[Part] | None:
    """The 版记 if `segments` read as one, else None: 抄送 (or 主送) lines, each maybe continued on
    further lines, then at most one 印发 line, maybe with （共印50份） under it. A 主送 list alone is no
    版记: without 抄送 or 印发 under it, it is as likely a body's addressees."""
    found: list[Part] = []
    for seg in segments:
        last = found[-1] if found else None
        if last is not None and last.kind is BlockKind.PRINTED_BY:
            if len(last.segments) > 1 or not parts.is_print_run_note(seg.text):
                return None  # the 印发 line is the last line of a 版记
            found[-1] = replace(last, segments=(*last.segments, seg))
        elif parts.printed_by(seg.text):
            found.append(Part(BlockKind.PRINTED_BY, (seg,), section))
        elif parts.distribution(seg.text):
            found.append(Part(BlockKind.COPY_TO, (seg,), section))
        elif last is not None and not last.text.endswith("。") and parts.continues_distribution(seg.text):
            found[-1] = replace(last, segments=(*last.segments, seg))
        else:
            return None
    copied = any(part.kind is BlockKind.PRINTED_BY or not part.text.startswith("主") for part in found)
    return found if copied else None


def _imprint_start(segments: list[Segment]) -> int:
    """Where the 版记 starts: the longest run of lines at the very end that reads as one (len: none).
    Only there: a sentence that says 印发 or 抄送 inside the body never starts one."""
    for start in range(max(len(segments) - _MAX_IMPRINT, 0), len(segments)):
        if _imprint(segments[start:], 0):
            return start
    return len(segments)


def _classify(segments: list[Segment], run: tuple[Part, ...]) -> list[Part]:
    """Every segment's role; body paragraphs are left with kind None for the heading pass."""
    imprint_start = _imprint_start(segments)
    found = _classify_body(segments[:imprint_start], run)
    section = found[-1].section if found else 0
    return found + (_imprint(segments[imprint_start:], section) or [])


def _classify_body(segments: list[Segment], run: tuple[Part, ...]) -> list[Part]:
    """The roles of the segments above the 版记."""
    found, i = _front(segments, 0, 0, run)
    section = 0
    signed = False
    while i < len(segments):
        seg, text = segments[i], segments[i].text
        following = segments[i + 1].text if i + 1 < len(segments) else ""
        if table := tables.kind_of(seg):
            found.append(Part(table, (seg,), section))
        elif parts.is_closing(text):
            found.append(Part(BlockKind.CLOSING, (seg,), section))
        elif _lists_attachments(text, following, signed):
            found.append(Part(BlockKind.ATTACHMENT, (seg,), section))  # 附件说明 under the body
            while i + 1 < len(segments) and parts.is_attachment_item(segments[i + 1].text):
                i += 1
                found.append(Part(BlockKind.ATTACHMENT, (segments[i],), section))
        elif parts.is_attachment_label(text) or parts.is_attachment_note(text):
            section += 1  # an attached text: its own title and numbering
            found.append(Part(BlockKind.ATTACHMENT_LABEL, (seg,), section))
            front, i = _front(segments, i + 1, section)
            found.extend(front)
            continue
        elif parts.is_short_label(text, _MAX_SIGNATURE) and parts.is_plain_date(following):
            _joint_signers(found, section)
            found.append(Part(BlockKind.SIGNATURE, (seg,), section))
            found.append(Part(BlockKind.SIGNED_DATE, (segments[i + 1],), section))
            section += 1  # what follows a signature is another document (转发) or a note
            signed = True
            front, i = _front(segments, i + 2, section)
            found.extend(front)
            continue
        elif parts.is_plain_date(text) and not following:
            found.append(Part(BlockKind.SIGNED_DATE, (seg,), section))
        else:
            found.append(Part(None, (seg,), section))
        i += 1
    return found


def _numbered(body: list[Part]) -> list[tuple[int, Draft]]:
    """(index into `body`, draft) for every numbered body paragraph."""
    found = []
    for index, part in enumerate(body):
        draft = read_numbered(part.text) if part.kind is None else None
        if draft is not None:
            above = body[index - 1] if index else None
            label = above is not None and above.kind is None and is_label(above.text)
            found.append(Numbered(index, draft, part.section, label))
    return outline_candidates(found)


def _heading_block(part: Part, entry: Resolved) -> Block:
    seg, draft = part.segments[0], entry.draft
    inline = draft.inline and draft.head_end < len(seg.text)
    heading = Heading(entry.level, draft.marker.number, draft.title, inline, seg.line, entry.kind, seg.offset)
    if entry.kind is HeadingKind.ITEM:
        return Block(BlockKind.PARAGRAPH, (Run(seg.text),), seg.line, heading)
    if not inline:
        return Block(BlockKind.HEADING, (Run(seg.text, entry.level),), seg.line, heading)
    runs = (Run(seg.text[: draft.head_end], entry.level), Run(seg.text[draft.head_end :]))
    return Block(BlockKind.PARAGRAPH, runs, seg.line, heading)


_TITLE_HALVES = re.compile(rf"(?<=[{HAN}》”）])[{SPACES}]+(?=[{HAN}《“（])")
_MIN_TITLE_HALF = 6  # characters: 中共中央 国务院关于…… is one line with joint issuers, not two


def _title_runs(part: Part) -> tuple[Run, ...]:
    """A run per line as the author broke the title: its source lines, and the halves of a line that
    a space splits into two long phrases (a two-line title pasted as one line)."""
    runs: list[Run] = []
    for seg in part.segments:
        line = parts.clean_title(seg.text)
        gap = _TITLE_HALVES.search(line)
        left, right = (line[: gap.start()], line[gap.end() :]) if gap else (line, "")
        if min(len(left), len(right)) >= _MIN_TITLE_HALF and not parts.is_agency_name(left):
            runs += [Run(left), Run(right)]
        else:
            runs.append(Run(line))
    return tuple(runs)


def _imprint_block(part: Part) -> Block:
    """A 抄送 line's runs: its label and the agencies; a 印发 line's: the office (when named) and the date.
    The space between them is the writers' to set."""
    if part.kind is BlockKind.COPY_TO:
        pieces, roles = parts.distribution(part.text), (RunRole.LABEL, RunRole.TEXT)
    else:
        pieces, roles = parts.printed_by(part.text), (RunRole.OFFICE, RunRole.DATE)
    assert pieces is not None  # `_imprint` gave the part its kind by the same reading
    runs = tuple(Run(piece, role=role) for piece, role in zip(pieces, roles, strict=True) if piece)
    return Block(part.kind, runs, part.segments[0].line)


def _attachment_block(part: Part) -> Block:
    """A line of the 附件说明, or an attachment's label: its label, number and name as runs of their own."""
    roles = (RunRole.LABEL, RunRole.NUMBER, RunRole.TEXT)
    pieces = zip(parts.attachment_pieces(part.text), roles, strict=True)
    runs = tuple(Run(piece, role=role) for piece, role in pieces if piece)
    return Block(part.kind, runs, part.segments[0].line)


def _blocks(found: list[Part], resolved: dict[int, Resolved]) -> list[Block]:
    blocks = []
    for index, part in enumerate(found):
        seg = part.segments[0]
        if index in resolved:
            blocks.append(_heading_block(part, resolved[index]))
        elif part.kind in (BlockKind.TABLE, BlockKind.LINE):
            blocks.append(tables.table_block(seg))
        elif part.kind in (BlockKind.COPY_TO, BlockKind.PRINTED_BY):
            blocks.append(_imprint_block(part))
        elif part.kind in (BlockKind.ATTACHMENT, BlockKind.ATTACHMENT_LABEL):
            blocks.append(_attachment_block(part))
        elif part.kind is BlockKind.TITLE:
            blocks.append(Block(BlockKind.TITLE, _title_runs(part), seg.line))
        else:
            blocks.append(Block(part.kind or BlockKind.PARAGRAPH, (Run(part.text),), seg.line))
    return blocks


def _from_metadata(metadata: Metadata, present: set[BlockKind]) -> list[Block]:
    """Front blocks the text lacks but the metadata gives (line 0: not from the text)."""
    date = metadata.date and (metadata.date if metadata.date.startswith("（") else f"（{metadata.date}）")
    wanted = (
        (BlockKind.SUBTITLE, metadata.subtitle),
        (BlockKind.SPEAKER, metadata.speaker),
        (BlockKind.DATE, date),
        (BlockKind.DOC_NUMBER, metadata.doc_number),
    )
    return [Block(kind, (Run(value),), 0) for kind, value in wanted if value and kind not in present]


def _first_text(blocks: list[Block], kind: BlockKind) -> str | None:
    return next((b.text for b in blocks if b.kind is kind), None)


def _front_of_main(blocks: list[Block]) -> list[Block]:
    """The main document's own front blocks: those before its first body paragraph or heading."""
    body = (BlockKind.PARAGRAPH, BlockKind.HEADING)
    end = next((i for i, b in enumerate(blocks) if b.kind in body), len(blocks))
    return blocks[:end]


def _agency_mark(segments: list[Segment]) -> tuple[list[Segment], tuple[DroppedLine, ...]]:
    """The red-header line over a 发文字号 (云山市人民政府办公室文件) is no paragraph: the writers draw
    it from metadata.agency."""
    if len(segments) > 1 and parts.is_agency_mark(segments[0].text) and parts.is_doc_number(segments[1].text):
        mark = segments[0]
        return segments[1:], (
            DroppedLine(mark.line, mark.text, "agency mark: kept as metadata.agency", mark.offset),
        )
    return segments, ()


def _merged(metadata: Metadata, blocks: list[Block], title: str, agency: str | None) -> Metadata:
    """The metadata given, completed with what the text itself says."""
    found = {
        "title": title,
        "agency": agency,
        "subtitle": _first_text(blocks, BlockKind.SUBTITLE),
        "speaker": _first_text(blocks, BlockKind.SPEAKER),
        "date": (_first_text(blocks, BlockKind.DATE) or "").strip("（）()") or None,
        "doc_number": _first_text(blocks, BlockKind.DOC_NUMBER),
    }
    missing = {
        f.name: found[f.name]
        for f in fields(metadata)
        if getattr(metadata, f.name) is None and found.get(f.name)
    }
    return replace(metadata, **missing)


def build_document(text: str, source_name: str, metadata: Metadata | None = None) -> Document:
    """Read the structure of a (normalized) text. Lines are numbered from 1.

    The title is the text's own title line(s); failing that metadata.title, the title the opening
    words imply, or a Chinese file name (titles.py). The Document opens with a TITLE block (line 0
    when not from the text) unless it has no title at all.
    """
    metadata = metadata or Metadata()
    text, dropped = remove_furniture(text)
    segments, run = _front_run(text, split_segments(text))
    segments, mark = _agency_mark(segments)
    segments, table_warnings = tables.find_tables(segments, text)
    found = _classify(segments, run)
    numbered = _numbered(found)
    headed = {index for index, _ in numbered}
    resolved_list = resolve(
        [(draft, found[index].section, _is_body(found, index + 1, headed)) for index, draft in numbered]
    )
    resolved = {index: entry for (index, _), entry in zip(numbered, resolved_list, strict=True)}
    warnings = numbering_warnings(
        resolved_list,
        [found[index].segments[0].line for index, _ in numbered],
        [found[index].section for index, _ in numbered],
    )
    blocks = _blocks(found, resolved)
    text_title = _first_text(blocks, BlockKind.TITLE)
    title = choose_title(text_title, metadata.title, _opening(blocks), source_name)
    present = {b.kind for b in blocks}
    head = [] if text_title or not title.text else [Block(BlockKind.TITLE, (Run(title.text),), 0)]
    head += _from_metadata(metadata, present)
    notes = [note for note in (title.warning, furniture_warning(dropped)) if note is not None]
    return Document(
        title=title.text,
        title_source=title.source,
        blocks=tuple(head + blocks),
        metadata=_merged(metadata, _front_of_main(blocks), title.text, mark[0].text if mark else None),
        dropped=tuple(sorted(dropped + mark, key=lambda d: (d.line, d.offset))),
        warnings=(*notes, *warnings, *table_warnings),
    )


def _opening(blocks: list[Block]) -> str:
    """The first body paragraphs, where a speech names its occasion."""
    return "".join(b.text for b in blocks if b.kind is BlockKind.PARAGRAPH)[:_OPENING]


def _is_body(found: list[Part], index: int, headed: set[int]) -> bool:
    """A body paragraph that is no heading or item (the content under a heading)."""
    return index < len(found) and found[index].kind is None and index not in headed
