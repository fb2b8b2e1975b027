"""A .docx as Word shows it: one line per paragraph, each piece of text once.

- Text boxes are read once (mc:Choice, else mc:Fallback) as their own paragraphs after their anchor's.
- Deleted and moved-away text (w:del, w:moveFrom) and hidden text (w:vanish, directly or through a style)
  are skipped; inserted and moved-here text (w:ins, w:moveTo) is kept.
- w:sym, non-breaking and soft hyphens, tabs and breaks become the characters Word draws.
- List numbers Word draws from numbering.xml (`一、`, `（一）`, `1.1`) are written into the text.
- Footnotes and endnotes keep their place as `[1]` marks and follow the text under a line `注释：`.
- A table row becomes one line, its cells separated by a TAB (the structure stage sets such lines as tables).

The document and its notes are read as a stream of start and end events (iterparse) and each element is
dropped once read: time is linear in the size of the XML however deep its nesting (a hostile file nests
20,000 paragraphs), memory holds only the open elements and the text, and no recursion limit is reached.
Properties (w:pPr, w:rPr ...) are taken from their children's attributes as they start; a paragraph's
number and a run's hidden flag are settled when their properties end or their content starts.
Every part is parsed by defusedxml with DTDs forbidden (no entities, no external references) and read
through one byte budget that stops zip bombs, whatever sizes the zip headers declare.
"""

from __future__ import annotations

import gc
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from tasks.reading.docx_numbering import Numbering, Styles, W, attr

DOCX_MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # a zip bomb unpacks far past this
MAX_PART_TAGS = 400_000  # styles.xml and numbering.xml are read whole: a real one has a few thousand
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
NOTES_HEADING = "注释："
MAX_TABLE_NESTING = 8  # deeper tables are read as plain lines: joining cells of cells is not free
DOCUMENT_PART = "word/document.xml"
_STRICT_NAMESPACES = (
    (b"http://purl.oclc.org/ooxml/wordprocessingml/main", W.strip("{}").encode()),
    (
        b"http://purl.oclc.org/ooxml/officeDocument/math",
        b"http://schemas.openxmlformats.org/officeDocument/2006/math",
    ),
)
_NOTE_PARTS = {"footnote": "word/footnotes.xml", "endnote": "word/endnotes.xml"}
# Elements whose text Word does not show: deletions, moved-away text, field codes, section properties,
# ruby text (the small reading set above its base, w:rt).
_SKIPPED = {
    f"{W}{name}"
    for name in (
        "del", "moveFrom", "delText", "delInstrText", "sectPr", "tblPr", "tblGrid",
        "sdtPr", "footnoteRef", "endnoteRef", "separator", "continuationSeparator", "commentReference",
        "annotationRef", "tblPrEx", "rt",
    )
}  # fmt: skip
_TEXT, _SYMBOL, _PARAGRAPH, _RUN, _TEXT_BOX = f"{W}t", f"{W}sym", f"{W}p", f"{W}r", f"{W}txbxContent"
_TEXTS = {_TEXT, "{http://schemas.openxmlformats.org/officeDocument/2006/math}t"}  # words, equations
_TABLE, _ROW, _CELL = f"{W}tbl", f"{W}tr", f"{W}tc"
_ALTERNATE_CONTENT, _CHOICE, _FALLBACK = f"{MC}AlternateContent", f"{MC}Choice", f"{MC}Fallback"
_NOTE_REFERENCES = {f"{W}footnoteReference": "footnote", f"{W}endnoteReference": "endnote"}
_NOTES = {f"{W}footnote", f"{W}endnote"}
_FIELD_CHAR, _FIELD_CODE, _SIMPLE_FIELD = f"{W}fldChar", f"{W}instrText", f"{W}fldSimple"
_RUN_CHARACTERS = {
    f"{W}tab": "\t",
    f"{W}ptab": "\t",
    f"{W}br": "\n",
    f"{W}cr": "\n",
    f"{W}noBreakHyphen": "-",
    f"{W}softHyphen": "",
}
# Property blocks and the (path, attribute) of what is read from them; a path not listed is skipped,
# which also skips w:pPrChange and the like (the properties before a tracked change).
_PROPERTIES = {f"{W}pPr": "paragraph", f"{W}rPr": "run", f"{W}tcPr": "cell", f"{W}trPr": "row"}
_PROPERTY_READS = {
    ("paragraph", (f"{W}pStyle",)): "style",
    ("paragraph", (f"{W}numPr", f"{W}numId")): "num_id",
    ("paragraph", (f"{W}numPr", f"{W}ilvl")): "ilvl",
    ("run", (f"{W}vanish",)): "vanish",
    ("run", (f"{W}rStyle",)): "style",
    ("cell", (f"{W}gridSpan",)): "span",
    ("row", (f"{W}del",)): "deleted",
}
_PROPERTY_GROUPS = {("paragraph", (f"{W}numPr",))}  # property elements whose children are read
# Symbol fonts draw their glyphs at private-use codes U+F020-U+F0FF: the Unicode characters they show.
_SYMBOL_FONT = dict(
    zip(
        range(0x20, 0x7F),
        " !∀#∃%&∋()∗+,−./0123456789:;<=>?≅ΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟΠΘΡΣΤΥςΩΞΨΖ[∴]⊥_‾αβχδεφγηιϕκλμνοπθρστυϖωξψζ{|}∼",
        strict=True,
    )
) | dict(zip(range(0xA1, 0xBD), "ϒ′≤⁄∞ƒ♣♦♥♠↔←↑→↓°±″≥×∝∂•÷≠≡≈…", strict=True))
_WINGDINGS = {
    0x4A: "☺", 0x6C: "●", 0x6E: "■", 0x6F: "□", 0x71: "❑", 0x76: "❖", 0x9F: "•", 0xA7: "▪",
    0xA8: "◻", 0xD8: "➢", 0xFB: "✗", 0xFC: "✓", 0xFD: "☒", 0xFE: "☑",
}  # fmt: skip
_SYMBOL_FONTS = {"symbol": _SYMBOL_FONT, "wingdings": _WINGDINGS}


class DocxRefused(ValueError):
    """The .docx cannot be read safely; str(error) says why (the caller names the file)."""


@dataclass(frozen=True)
class DocxText:
    text: str
    notes: tuple[str, ...]  # what was done that the reader should know: tables, notes, hidden text


def symbol_character(font: str | None, code: str | None) -> str:
    """The character a w:sym draws: a symbol font's private-use code mapped to Unicode, else kept."""
    try:
        value = int(code or "", 16)
    except ValueError:
        return ""
    table = _SYMBOL_FONTS.get((font or "").strip().lower(), {})
    low = value - 0xF000 if 0xF000 <= value <= 0xF0FF else value
    return table.get(low) or (chr(value) if 0 < value <= 0x10FFFF else "")


class _Package:
    """The zip's members, read through one byte budget shared by all parts."""

    def __init__(self, data: bytes) -> None:
        try:
            self.archive = zipfile.ZipFile(io.BytesIO(data))
            declared = sum(info.file_size for info in self.archive.infolist())
        except (zipfile.BadZipFile, OSError) as error:
            raise DocxRefused(f"not a valid DOCX (not a zip archive, or a damaged one: {error})") from None
        if declared > DOCX_MAX_UNPACKED_BYTES:
            self.archive.close()
            raise DocxRefused(f"DOCX unpacks to {declared:,} bytes (zip bomb?); refused")
        self.budget = DOCX_MAX_UNPACKED_BYTES

    def member(self, name: str) -> bytes | None:
        """A member's bytes; None when the part is missing (styles, numbering and notes may be)."""
        try:
            info = self.archive.getinfo(name)
        except KeyError:
            return None
        # zipfile trusts the declared size and would unpack a lying bomb whole into memory:
        # declaring "unlimited" lets the bounded read() below do the limiting.
        info.file_size = 1 << 62
        try:
            with self.archive.open(info) as member:
                data = member.read(self.budget + 1)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as error:
            raise DocxRefused(f"not a valid DOCX ({name} is damaged: {error})") from None
        if len(data) > self.budget:
            raise DocxRefused(f"DOCX {name} unpacks past {DOCX_MAX_UNPACKED_BYTES:,} bytes (zip bomb?)")
        self.budget -= len(data)
        # "Strict Open XML" (a Word save option) names the same elements in other namespaces.
        for strict, transitional in _STRICT_NAMESPACES:
            data = data.replace(strict, transitional)
        return data

    def tree(self, name: str) -> Element | None:
        """A small part parsed whole (styles, numbering), refused when it holds too many elements."""
        data = self.member(name)
        if data is None:
            return None
        if data.count(b"<") > MAX_PART_TAGS:  # counted in C before a slow parse builds them all
            raise DocxRefused(f"DOCX {name} holds over {MAX_PART_TAGS:,} XML tags; refused")
        try:
            return SafeET.fromstring(data, forbid_dtd=True)
        except (ParseError, DefusedXmlException) as error:
            raise DocxRefused(f"DOCX XML refused: {type(error).__name__}: {error}") from None


_Lines = list["str | _Lines"]  # finished lines, and slots filled later (text boxes, nested paragraphs)


@dataclass
class _Paragraph:
    parts: list[str] = field(default_factory=list)
    after: _Lines | None = None  # text boxes and the like anchored here, read after it
    style: str | None = None
    num_id: str | None = None
    ilvl: str | None = None
    label: str = ""  # the list number Word draws before the text
    default_hidden: bool = False  # hidden through the paragraph's style
    settled: bool = False  # properties read, number drawn
    contents: bool = False  # held text of a table of contents (left out)


@dataclass
class _Run:
    vanish: str | None = None  # w:vanish's w:val ("" when present without one)
    style: str | None = None
    hidden: bool | None = None  # settled when the run's content starts


@dataclass
class _Row:
    cells: list[str] = field(default_factory=list)
    deleted: str | None = None  # a row deleted with changes tracked


@dataclass
class _Cell:
    lines: _Lines = field(default_factory=list)
    span: str | None = None


@dataclass(slots=True)
class _Context:
    """Where the children of an element go and what they belong to (copied, not changed)."""

    lines: _Lines  # where finished paragraphs go: the body, a table cell, a text box, a note
    paragraph: _Paragraph | None = None
    run: _Run | None = None
    row: _Row | None = None
    cell: _Cell | None = None
    tables: int = 0  # how deep in tables: past MAX_TABLE_NESTING a table is read as plain lines
    chosen: list[bool] | None = None  # inside mc:AlternateContent: whether an alternative was taken
    owner: tuple[str, object, tuple[str, ...]] | None = None  # inside properties: (kind, target, path)
    notes_part: bool = False  # at the top of footnotes.xml or endnotes.xml: only notes referred to are read

    def but(self, **changes: Any) -> _Context:
        """A copy with some fields changed (dataclasses.replace is slow on this path: once per run)."""
        values = {name: getattr(self, name) for name in self.__slots__}
        values.update(changes)
        return _Context(**values)


_End = Callable[[Element], None] | None
_SKIP = None  # what start() returns for an element whose content is not read


def _is_contents(instruction: str) -> bool:
    return instruction.lstrip().upper().startswith("TOC")


class _Fields:
    """Word's fields (w:fldChar begin, w:instrText code, separate, result, end), followed to know when
    text is a table of contents: Word draws it from the headings, read as text it repeats them all."""

    def __init__(self) -> None:
        self.open: list[list[str | bool]] = []  # [code's first characters, counted as contents]
        self.contents_open = 0
        self.contents = 0  # tables of contents seen
        self.left_out = 0  # their lines

    def char(self, kind: str | None) -> None:
        if kind == "begin":
            self.open.append(["", False])
        elif kind == "separate" and self.open and not self.open[-1][1]:
            if _is_contents(str(self.open[-1][0])):
                self.open[-1][1] = True
                self.contents_open += 1
                self.contents += 1
        elif kind == "end" and self.open:
            self.contents_open -= bool(self.open.pop()[1])

    def code(self, text: str) -> None:
        if self.open and len(code := str(self.open[-1][0])) < 16:  # enough to tell TOC from the rest
            self.open[-1][0] = (code + text)[:16]

    @property
    def in_contents(self) -> bool:
        return self.contents_open > 0


def flatten(lines: _Lines) -> list[str]:
    """The lines in reading order, slots expanded (iteratively: slots may nest 20,000 deep)."""
    flat: list[str] = []
    stack = [iter(lines)]
    while stack:
        item = next(stack[-1], None)
        if item is None:
            stack.pop()
        elif isinstance(item, str):
            flat.append(item)
        else:
            stack.append(iter(item))
    return flat


class _Reader:
    def __init__(self, package: _Package) -> None:
        self.package = package
        self.styles = Styles(package.tree("word/styles.xml"))
        self.numbering = Numbering(package.tree("word/numbering.xml"), self.styles)
        # (footnote|endnote, w:id) -> its number, in reading order. A note marked twice keeps its
        # first number and is printed once: a hostile file marks one huge note a million times.
        self.note_numbers: dict[tuple[str, str], int] = {}
        self.note_texts: dict[str, dict[str, _Lines]] = {}  # kind -> w:id -> its lines
        self.tables = self.hidden_runs = self.text_boxes = 0
        self.fields = _Fields()

    def read(self) -> DocxText:
        document = self.package.member(DOCUMENT_PART)
        if document is None:
            raise DocxRefused(f"DOCX has no {DOCUMENT_PART}")
        lines = self.stream(document, _Context([]))
        notes = []
        note_lines = self.notes()
        if note_lines:
            lines += ["", NOTES_HEADING, *note_lines]
            notes.append(
                f"DOCX: {len(note_lines)} footnote(s)/endnote(s) set at the end under {NOTES_HEADING}"
            )
        if self.tables:
            notes.append(f"DOCX: {self.tables} table(s) read one row per line, cells separated by TAB")
        if self.text_boxes:
            notes.append(f"DOCX: {self.text_boxes} text box(es) read once, after their anchor paragraph")
        if self.hidden_runs:
            notes.append(f"DOCX: {self.hidden_runs} hidden run(s) (w:vanish) left out")
        if self.fields.contents:
            notes.append(
                f"DOCX: table of contents ({self.fields.left_out} line(s)) left out: it repeats the headings"
            )
        return DocxText("\n".join(lines), tuple(notes))

    def stream(self, data: bytes, base: _Context) -> list[str]:
        """The lines of one part, read start tag by end tag; each element is dropped once read."""
        frames: list[tuple[_End, _Context]] = []
        open_elements: list[Element] = []
        skipping = 0  # depth inside an element whose content is not read
        try:
            for event, element in SafeET.iterparse(io.BytesIO(data), ("start", "end"), forbid_dtd=True):
                if event == "start":
                    open_elements.append(element)
                    if skipping:
                        skipping += 1
                        continue
                    opened = self.start(element, frames[-1][1] if frames else base)
                    if opened is _SKIP:
                        skipping = 1
                    else:
                        frames.append(opened)
                    continue
                open_elements.pop()
                if skipping:
                    skipping -= 1
                else:
                    on_end, _ = frames.pop()
                    if on_end is not None:
                        on_end(element)
                element.clear()  # read: drop it and its (already dropped) children
                if open_elements:
                    open_elements[-1].remove(element)  # its only child left: earlier ones were removed
        except (ParseError, DefusedXmlException) as error:
            raise DocxRefused(f"DOCX XML refused: {type(error).__name__}: {error}") from None
        return flatten(base.lines)

    def start(self, element: Element, context: _Context) -> tuple[_End, _Context] | None:
        """What to do with an element: (what to do at its end, the context of its children), or _SKIP."""
        tag = element.tag
        if context.owner is not None:
            return self.property(element, context)
        paragraph, run = context.paragraph, context.run
        if paragraph is not None and not paragraph.settled and tag != f"{W}pPr":
            self.settle_paragraph(paragraph)
        if run is not None and tag != f"{W}rPr":
            if run.hidden is None:
                self.settle_run(run, paragraph)
            if run.hidden:
                return _SKIP
        if tag in _SKIPPED:
            return _SKIP
        if tag in _PROPERTIES:
            return self.start_properties(tag, context)
        if tag in _TEXTS:
            return (self.text_of(paragraph), context) if paragraph is not None else _SKIP
        if tag in _RUN_CHARACTERS or tag == _SYMBOL or tag in _NOTE_REFERENCES:
            if paragraph is not None and not self.left_out(paragraph):
                paragraph.parts.append(self.character(element))
            return _SKIP
        if tag == _FIELD_CHAR:
            self.fields.char(attr(element, "fldCharType"))
            return _SKIP
        if tag == _FIELD_CODE:
            return lambda code: self.fields.code(code.text or ""), context
        if tag == _SIMPLE_FIELD and _is_contents(attr(element, "instr") or ""):
            self.fields.contents += 1
            return _SKIP
        if tag == _ALTERNATE_CONTENT:
            return None, context.but(chosen=[False])
        if tag in (_CHOICE, _FALLBACK):
            # Word shows one of the alternatives: the first Choice, else the Fallback.
            if context.chosen is None or context.chosen[0]:
                return _SKIP
            context.chosen[0] = True
            return None, context.but(chosen=None)
        if tag == _PARAGRAPH:
            return self.start_paragraph(context)
        if tag == _RUN:
            return None, context.but(run=_Run())
        if tag == _TEXT_BOX:
            self.text_boxes += 1
            return None, _Context(self.slot(context), tables=context.tables)
        if tag in _NOTES and context.notes_part:
            return self.start_note(element)
        if self.is_table_part(tag, context):
            return self.start_table_part(tag, context)
        return None, context  # containers: hyperlinks, w:ins, w:moveTo, content controls, fields ...

    @staticmethod
    def is_table_part(tag: str, context: _Context) -> bool:
        if tag == _CELL:
            return context.row is not None  # a cell outside a row is read as plain paragraphs
        return tag in (_TABLE, _ROW) and context.tables <= MAX_TABLE_NESTING

    def text_of(self, paragraph: _Paragraph) -> _End:
        def end(element: Element) -> None:
            if element.text and not self.left_out(paragraph):
                paragraph.parts.append(element.text)

        return end

    def left_out(self, paragraph: _Paragraph) -> bool:
        """Whether text is a table of contents' (marking its paragraph: it is left out if that was all)."""
        if self.fields.in_contents:
            paragraph.contents = True
        return self.fields.in_contents

    def character(self, element: Element) -> str:
        """What a w:tab, w:br, w:sym, hyphen or note reference shows."""
        tag = element.tag
        if tag == _SYMBOL:
            return symbol_character(attr(element, "font"), attr(element, "char"))
        if tag in _NOTE_REFERENCES:
            key = (_NOTE_REFERENCES[tag], attr(element, "id") or "")
            return f"[{self.note_numbers.setdefault(key, len(self.note_numbers) + 1)}]"
        return _RUN_CHARACTERS[tag]

    @staticmethod
    def slot(context: _Context) -> _Lines:
        """A place for lines read inside a paragraph (text box, nested paragraph): right after it."""
        lines: _Lines = []
        _Reader.target(context).append(lines)
        return lines

    @staticmethod
    def target(context: _Context) -> _Lines:
        """Where lines read here go: after the paragraph they are in, else into the container."""
        paragraph = context.paragraph
        if paragraph is None:
            return context.lines
        if paragraph.after is None:
            paragraph.after = []
        return paragraph.after

    def start_properties(self, tag: str, context: _Context) -> tuple[_End, _Context] | None:
        kind = _PROPERTIES[tag]
        owner = getattr(context, kind)  # the paragraph, run, cell or row they belong to
        if owner is None or (isinstance(owner, _Paragraph) and owner.settled):
            return _SKIP  # properties of something else (a table's, a style's), or given twice
        on_end: _End = None
        if isinstance(owner, _Paragraph):

            def on_end(_: Element) -> None:
                self.settle_paragraph(owner)

        return on_end, context.but(owner=(kind, owner, ()))

    @staticmethod
    def property(element: Element, context: _Context) -> tuple[_End, _Context] | None:
        """Inside a property block: read the attributes listed in _PROPERTY_READS, skip the rest."""
        assert context.owner is not None
        kind, owner, path = context.owner
        path = (*path, element.tag)
        if (kind, path) in _PROPERTY_GROUPS:
            return None, context.but(owner=(kind, owner, path))
        name = _PROPERTY_READS.get((kind, path))
        if name is not None:
            setattr(owner, name, attr(element, "val") or "")
        return _SKIP

    def settle_paragraph(self, paragraph: _Paragraph) -> None:
        """The paragraph's properties are known: draw its list number, find whether its style hides it."""
        paragraph.settled = True
        style = paragraph.style or self.styles.default_paragraph
        ilvl = paragraph.ilvl
        num_id, level = self.numbering.paragraph_numbering(
            paragraph.num_id or None, int(ilvl) if ilvl and ilvl.isdigit() else None, style
        )
        paragraph.label = "" if num_id is None else self.numbering.label(num_id, level)
        hidden = self.styles.vanish(style)
        paragraph.default_hidden = self.styles.default_vanish if hidden is None else hidden

    def settle_run(self, run: _Run, paragraph: _Paragraph | None) -> None:
        """w:vanish on the run, else through its character style, else its paragraph's style."""
        if run.vanish is not None:
            run.hidden = run.vanish not in ("0", "false", "off")
        else:
            by_style = self.styles.vanish(run.style)
            run.hidden = by_style if by_style is not None else bool(paragraph and paragraph.default_hidden)
        self.hidden_runs += run.hidden

    def start_paragraph(self, context: _Context) -> tuple[_End, _Context]:
        paragraph = _Paragraph()

        def end(_: Element) -> None:
            if not paragraph.settled:
                self.settle_paragraph(paragraph)
            # Appended at its end: what was read inside it went after it (a paragraph nested in a
            # paragraph, invalid but made by hostile files, is read as the next one).
            target = self.target(context)
            text = "".join(paragraph.parts)
            if paragraph.contents and not text.strip():
                self.fields.left_out += 1
            else:
                target.append(paragraph.label + text if text.strip() else text)
            if paragraph.after:
                target.append(paragraph.after)

        return end, context.but(paragraph=paragraph, run=None)

    def start_table_part(self, tag: str, context: _Context) -> tuple[_End, _Context]:
        """A table, a row (one line, cells joined by TAB) or a cell (its paragraphs joined by spaces)."""
        if tag == _TABLE:
            self.tables += 1
            return None, _Context(self.slot(context), tables=context.tables + 1)
        if tag == _ROW:
            row = _Row()

            def end_row(_: Element) -> None:
                if row.deleted is None and any(cell.strip() for cell in row.cells):
                    context.lines.append("\t".join(row.cells))

            return end_row, context.but(row=row, paragraph=None, run=None)
        row, cell = context.row, _Cell()
        assert row is not None

        def end_cell(_: Element) -> None:
            row.cells.append(" ".join(" ".join(flatten(cell.lines)).split()))  # no TAB or break inside
            span = int(cell.span) if cell.span and cell.span.isdigit() else 1
            row.cells.extend([""] * (min(span, 64) - 1))

        return end_cell, _Context(cell.lines, cell=cell, tables=context.tables)

    def start_note(self, element: Element) -> tuple[_End, _Context] | None:
        """A w:footnote or w:endnote of a notes part: read when the text refers to it."""
        kind = element.tag.removeprefix(W)
        note_id = attr(element, "id") or ""
        wanted = self.note_texts.get(kind, {})
        if note_id not in wanted:
            return _SKIP
        return None, _Context(wanted[note_id])

    def notes(self) -> list[str]:
        """`[n] text` for each footnote and endnote referred to, in the order of their marks."""
        marked = list(self.note_numbers)  # marks inside notes are not numbered again
        for kind, note_id in marked:
            self.note_texts.setdefault(kind, {})[note_id] = []
        for kind in self.note_texts:
            data = self.package.member(_NOTE_PARTS[kind])
            if data is not None:
                self.stream(data, _Context([], notes_part=True))
        return [
            f"[{number}] {' '.join(' '.join(flatten(self.note_texts[kind][note_id])).split())}".rstrip()
            for number, (kind, note_id) in enumerate(marked, start=1)
        ]


def read_docx(data: bytes) -> DocxText:
    """The text of a .docx (its bytes, the ones hashed) as Word shows it; DocxRefused when it is
    damaged, hostile or empty."""
    package = _Package(data)
    # The reader makes and drops objects for every element, none of them in a reference cycle. The
    # cyclic collector, which walks all live objects of the process each time it runs, is paused
    # meanwhile: in a worker that has run Prefect, reading took twice as long with it.
    collecting = gc.isenabled()
    gc.disable()
    try:
        with package.archive:
            result = _Reader(package).read()
    finally:
        if collecting:
            gc.enable()
    if not result.text.strip():
        raise DocxRefused("DOCX has no text")
    return result
