"""The data that flows through the pipeline, stage by stage.

bytes -> SourceText -> NormalizedText -> Document -> (DOCX, PDF, outline, summary).
Readers build a Document; writers only read it. Nothing after `structure` parses text again.
All records are frozen: a stage returns new values and never mutates its input.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol, TypeVar

from tasks.text.positions import line_starts


@dataclass(frozen=True)
class SourceText:
    """Decoded input text. Line ends are "\\n"; lines are numbered from 1 in everything downstream."""

    name: str  # file name as dropped, e.g. "讲话.txt"
    text: str
    encoding: str  # codec that decoded the bytes, e.g. "utf-8", "gb18030", "utf-16-le"
    detection: str  # how the codec was chosen, e.g. "BOM", "valid UTF-8", "GB18030 fallback"
    sha256: str  # of the raw bytes
    size: int  # bytes
    line_ends: str = "LF"  # what the raw bytes used: LF, CRLF, CR or mixed
    notes: tuple[str, ...] = ()  # what ingest removed or noticed (control characters, BOM ...)


@dataclass(frozen=True)
class Change:
    """One edit the normalizer made. line/column are 1-based positions in the *input* text."""

    rule: str  # "R7"
    line: int
    column: int
    before: str
    after: str
    note: str = ""


@dataclass(frozen=True)
class Diagnostic:
    """Something a person should look at; the text was not changed for it."""

    rule: str  # "R6", "R13", "numbering", "font", ...
    line: int
    column: int
    message: str
    excerpt: str = ""


@dataclass(frozen=True)
class Finding:
    """A doubt about the text, never a change. line/column are 1-based in the text proofread."""

    rule: str  # "confusable", "set-phrase", "doubled", "unpaired", "series-end"
    line: int
    column: int
    length: int  # characters the finding covers, from column on
    message: str
    excerpt: str
    suggestion: str = ""  # what the text probably means, for a person to decide; "" when none
    offset: int = 0  # 0-based offset of the first character, for writers that anchor comments

    def diagnostic(self) -> Diagnostic:
        """The same finding as the pipeline's generic warning record."""
        hint = f" (→ {self.suggestion})" if self.suggestion else ""
        return Diagnostic(self.rule, self.line, self.column, self.message + hint, self.excerpt)


@dataclass(frozen=True)
class NormalizedText:
    """Normalizer output. Holds exactly as many lines as the input text."""

    text: str
    changes: tuple[Change, ...] = ()
    warnings: tuple[Diagnostic, ...] = ()


@dataclass(frozen=True)
class Metadata:
    """What the raw text may lack, from a front-matter block or a sidecar NAME.toml."""

    title: str | None = None
    subtitle: str | None = None
    speaker: str | None = None
    date: str | None = None
    occasion: str | None = None
    profile: str | None = None
    agency: str | None = None  # issuing agency: asks for the red header (发文机关标志)
    doc_number: str | None = None


class BlockKind(StrEnum):
    TITLE = "title"
    SUBTITLE = "subtitle"  # ——在……上的讲话
    SPEAKER = "speaker"
    DATE = "date"  # （2018年1月2日） under the title
    DOC_NUMBER = "doc_number"  # 国办发〔2018〕123号
    SALUTATION = "salutation"  # 同志们： / 主送机关：
    HEADING = "heading"  # a heading on its own line
    PARAGRAPH = "paragraph"  # body text; may open with an inline heading run
    CLOSING = "closing"  # 谢谢大家！ 特此通知。
    ATTACHMENT = "attachment"  # a line of the 附件说明 under the body: 附件：1. …… / 2. ……
    ATTACHMENT_LABEL = "attachment_label"  # 附件2 (附件1：名称) over an attached text: it starts a page
    SIGNATURE = "signature"  # issuing agency at the end
    SIGNED_DATE = "signed_date"  # date under the signature
    # The 版记 at the very end (GB/T 9704 7.4). COPY_TO runs: the label "抄送：" (or "主送：") and the
    # agencies; PRINTED_BY runs: the printing office, if named, and the date "2018年6月1日印发".
    COPY_TO = "copy_to"  # 抄送：省委办公厅，省人大常委会办公厅。
    PRINTED_BY = "printed_by"  # 云山市人民政府办公室  2018年6月1日印发
    TABLE = "table"  # rows of cells (Block.table), the first row the header
    LINE = "line"  # a line set as it stands, flush left: cells of what may be a table, not read as one


class HeadingKind(StrEnum):
    HEADING = "heading"  # part of the outline
    ITEM = "item"  # a numbered provision: a whole paragraph, not part of the outline proper


@dataclass(frozen=True)
class Heading:
    """A numbered heading (or a numbered provision, kind "item").

    `number` is the marker as normalized ("一、", "（一）", "1.", "（1）", "第一，");
    `title` is the heading text without marker and without its final 。/：.
    """

    level: int  # 1..4
    number: str
    title: str
    inline: bool
    line: int
    kind: HeadingKind = HeadingKind.HEADING
    offset: int = 0  # character offset of the marker in the normalized text


class RunRole(StrEnum):
    """What a run is within its block, where writers set the parts of a line apart."""

    TEXT = "text"
    LABEL = "label"  # "附件：" opening the 附件说明, "抄送：" opening a 版记 line
    NUMBER = "number"  # "1." before an attachment's name in the 附件说明
    OFFICE = "office"  # the printing office of the 印发 line
    DATE = "date"  # the date of the 印发 line ("2018年6月1日印发")


@dataclass(frozen=True)
class Run:
    """A stretch of text with one typographic role. heading_level set = the inline heading run."""

    text: str
    heading_level: int | None = None
    role: RunRole = RunRole.TEXT


@dataclass(frozen=True)
class Table:
    """A table's cells as text, row by row; the first row is the header. Every row has as many cells."""

    rows: tuple[tuple[str, ...], ...]

    @property
    def text(self) -> str:
        """The cells flattened: a tab between cells, a line break between rows (as a TSV)."""
        return "\n".join("\t".join(row) for row in self.rows)


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    runs: tuple[Run, ...]  # empty for a TABLE
    line: int  # 1-based line in the normalized (= input) text
    heading: Heading | None = None  # HEADING blocks, and PARAGRAPHs that open with an inline heading
    table: Table | None = None  # TABLE blocks

    @property
    def text(self) -> str:
        if self.table is not None:
            return self.table.text
        return "".join(run.text for run in self.runs)

    def run_of(self, role: RunRole) -> Run | None:
        """The block's first run in `role`, None without one."""
        return next((run for run in self.runs if run.role is role), None)


@dataclass(frozen=True)
class DroppedLine:
    """A piece left out of the document (site or news furniture, an agency mark) and why.

    `line` is where it starts; `offset` is the character offset of its start in the normalized text.
    """

    line: int
    text: str
    reason: str
    offset: int = 0


@dataclass(frozen=True)
class Document:
    """The model every writer reads. `blocks` is the whole document in reading order."""

    title: str
    title_source: str  # "text", "metadata", "inferred" (from the opening words), "file name" or "none"
    blocks: tuple[Block, ...]
    metadata: Metadata = field(default_factory=Metadata)
    dropped: tuple[DroppedLine, ...] = ()
    warnings: tuple[Diagnostic, ...] = ()

    @property
    def headings(self) -> tuple[Heading, ...]:
        return tuple(block.heading for block in self.blocks if block.heading is not None)

    @property
    def outline(self) -> tuple[Heading, ...]:
        """Headings proper, without numbered provisions."""
        return tuple(h for h in self.headings if h.kind is HeadingKind.HEADING)

    @property
    def date(self) -> str | None:
        """The document's own date as written: under its title, else under its signature."""
        for kind in (BlockKind.DATE, BlockKind.SIGNED_DATE):
            found = next((block.text for block in self.blocks if block.kind == kind), None)
            if found:
                return found.strip().strip("（）()").strip()
        return None


class _Located(Protocol):
    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...


Located = TypeVar("Located", bound=_Located)


def outside_dropped(text: str, dropped: tuple[DroppedLine, ...], found: Iterable[Located]) -> list[Located]:
    """The warnings or doubts (1-based line and column in `text`) that do not point into a piece left
    out of the document: a toolbar's unclosed 【 is no concern of the document's reader."""
    if not dropped:
        return list(found)
    starts = line_starts(text)
    spans = [(d.offset, d.offset + len(d.text)) for d in dropped]

    def left_out(item: Located) -> bool:
        offset = starts[min(item.line, len(starts)) - 1] + item.column - 1
        return any(start <= offset < end for start, end in spans)

    return [item for item in found if not left_out(item)]


@dataclass(frozen=True)
class KeySentence:
    text: str
    block_index: int  # index into Document.blocks
    score: float
    label: str = ""  # the key phrase of its section's heading that opens `text` ("讲学习：……"), if any
    heading_index: int | None = None  # block of the heading that `label` comes from
    blocks: tuple[int, ...] = ()  # every block `text` is read from, when more than `block_index`


@dataclass(frozen=True)
class Summary:
    gist: str  # one line naming the top-level points
    sentences: tuple[KeySentence, ...]
    keywords: tuple[str, ...]
    kind: str = ""  # the kind of document it was read as: "speech", "notice" or "items"

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.sentences)
