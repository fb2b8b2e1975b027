"""A .docx as Word shows it: one line per paragraph, each piece of text once.

- Text boxes are read once (mc:Choice, else mc:Fallback) as their own paragraphs after their anchor's.
- Deleted and moved-away text (w:del, w:moveFrom) and hidden text (w:vanish, directly or through a style)
  are skipped; inserted and moved-here text (w:ins, w:moveTo) is kept.
- w:sym, non-breaking and soft hyphens, tabs and breaks become the characters Word draws.
- List numbers Word draws from numbering.xml (`一、`, `（一）`, `1.1`) are written into the text.
- Footnotes and endnotes keep their place as `[1]` marks and follow the text under a line `注释：`.
- A table row becomes one line, its cells separated by a TAB (the structure stage sets such lines as tables).

One walk over each XML tree with an explicit stack: time is linear in the size of the XML however deep its
nesting (a hostile file nests 20,000 paragraphs), and no Python recursion limit is reached.
Every part is parsed by defusedxml with DTDs forbidden (no entities, no external references) and read
through one byte budget that stops zip bombs, whatever sizes the zip headers declare.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeET

from tasks.docx_numbering import Numbering, Styles, W, attr, is_on

DOCX_MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # a zip bomb unpacks far past this
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
NOTES_HEADING = "注释："
MAX_TABLE_NESTING = 8  # deeper tables are read as plain lines: joining cells of cells is not free
DOCUMENT_PART = "word/document.xml"
_NOTE_PARTS = {"footnote": "word/footnotes.xml", "endnote": "word/endnotes.xml"}
# Elements whose text Word does not show: deletions, moved-away text, field codes, property blocks.
_SKIPPED = {
    f"{W}{name}"
    for name in (
        "del", "moveFrom", "delText", "instrText", "delInstrText", "pPr", "rPr", "sectPr", "tblPr",
        "tblGrid", "trPr", "tcPr", "sdtPr", "footnoteRef", "endnoteRef", "separator",
        "continuationSeparator", "commentReference", "annotationRef",
    )
}  # fmt: skip
_RUN_PROPERTIES, _VANISH, _RUN_STYLE = f"{W}rPr", f"{W}vanish", f"{W}rStyle"
_TEXT, _SYMBOL, _PARAGRAPH, _RUN, _TEXT_BOX = f"{W}t", f"{W}sym", f"{W}p", f"{W}r", f"{W}txbxContent"
_ALTERNATE_CONTENT = f"{MC}AlternateContent"
_NOTE_REFERENCES = {f"{W}footnoteReference": "footnote", f"{W}endnoteReference": "endnote"}
_RUN_CHARACTERS = {
    f"{W}tab": "\t",
    f"{W}ptab": "\t",
    f"{W}br": "\n",
    f"{W}cr": "\n",
    f"{W}noBreakHyphen": "-",
}
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

    def __init__(self, path: Path) -> None:
        try:
            self.archive = zipfile.ZipFile(path)
            declared = sum(info.file_size for info in self.archive.infolist())
        except (zipfile.BadZipFile, OSError) as error:
            raise DocxRefused(f"not a valid DOCX (not a zip archive, or a damaged one: {error})") from None
        if declared > DOCX_MAX_UNPACKED_BYTES:
            self.archive.close()
            raise DocxRefused(f"DOCX unpacks to {declared:,} bytes (zip bomb?); refused")
        self.budget = DOCX_MAX_UNPACKED_BYTES

    def xml(self, name: str) -> Element | None:
        """A member parsed safely; None when the part is missing (styles, numbering and notes may be)."""
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
        try:
            return SafeET.fromstring(data, forbid_dtd=True)
        except Exception as error:  # defusedxml raises several types for entities and DTDs
            raise DocxRefused(f"DOCX XML refused: {type(error).__name__}: {error}") from None


_Lines = list["str | _Lines"]  # finished lines, and slots filled later (text boxes, nested paragraphs)


@dataclass
class _Paragraph:
    label: str  # the list number Word draws before the text
    default_hidden: bool  # hidden through the paragraph's style
    parts: list[str] = field(default_factory=list)
    after: _Lines = field(default_factory=list)  # text boxes anchored here, read after it


@dataclass(frozen=True)
class _Context:
    lines: _Lines  # where finished paragraphs go: the body, a table cell, a text box, a note
    paragraph: _Paragraph | None = None
    cells: list[str] | None = None  # inside a table row: its cells' texts
    tables: int = 0  # how deep in tables: past MAX_TABLE_NESTING a table is read as plain lines


_Frame = tuple[Iterator[Element], Callable[[], None] | None, _Context]


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
        self.styles = Styles(package.xml("word/styles.xml"))
        self.numbering = Numbering(package.xml("word/numbering.xml"), self.styles)
        self.note_parts: dict[str, dict[str, Element]] = {}
        self.note_refs: list[tuple[str, str]] = []  # (footnote|endnote, w:id) in reading order
        self.tables = self.hidden_runs = self.text_boxes = 0

    def read(self) -> DocxText:
        document = self.package.xml(DOCUMENT_PART)
        if document is None:
            raise DocxRefused(f"DOCX has no {DOCUMENT_PART}")
        body = document.find(f"{W}body")
        lines = self.walk(body if body is not None else document)
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
        return DocxText("\n".join(lines), tuple(notes))

    def walk(self, root: Element) -> list[str]:
        """The lines of a story (body, note): one pass, an explicit stack instead of recursion."""
        lines: _Lines = []
        stack: list[_Frame] = [(iter(root), None, _Context(lines))]
        while stack:
            children, on_exit, context = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                if on_exit is not None:
                    on_exit()
            else:
                self.enter(child, context, stack)
        return flatten(lines)

    def enter(self, element: Element, context: _Context, stack: list[_Frame]) -> None:
        tag = element.tag
        paragraph = context.paragraph
        if tag in _SKIPPED:
            return
        if tag == _TEXT:
            if paragraph is not None and element.text:
                paragraph.parts.append(element.text)
        elif tag in _RUN_CHARACTERS:
            if paragraph is not None:
                paragraph.parts.append(_RUN_CHARACTERS[tag])
        elif tag == _SYMBOL:
            if paragraph is not None:
                paragraph.parts.append(symbol_character(attr(element, "font"), attr(element, "char")))
        elif tag in _NOTE_REFERENCES:
            if paragraph is not None:
                kind = _NOTE_REFERENCES[tag]
                self.note_refs.append((kind, attr(element, "id") or ""))
                paragraph.parts.append(f"[{len(self.note_refs)}]")
        elif tag == _ALTERNATE_CONTENT:
            # Word shows one of the alternatives: the first Choice, else the Fallback.
            chosen = element.find(f"{MC}Choice")
            chosen = chosen if chosen is not None else element.find(f"{MC}Fallback")
            if chosen is not None:
                stack.append((iter(chosen), None, context))
        elif tag == _PARAGRAPH:
            self.enter_paragraph(element, context, stack)
        elif tag == _RUN:
            if self.run_hidden(element, paragraph):
                self.hidden_runs += 1
            else:
                stack.append((iter(element), None, context))
        elif tag == _TEXT_BOX:
            self.text_boxes += 1
            stack.append((iter(element), None, _Context(self.slot(context), tables=context.tables)))
        elif self.is_table_part(tag, context):
            self.enter_table(element, context, stack)
        else:  # containers: hyperlinks, w:ins, w:moveTo, content controls, fields, drawings ...
            stack.append((iter(element), None, context))

    @staticmethod
    def is_table_part(tag: str, context: _Context) -> bool:
        if tag == f"{W}tc":
            return context.cells is not None  # a cell outside a row is read as plain paragraphs
        return tag in (f"{W}tbl", f"{W}tr") and context.tables <= MAX_TABLE_NESTING

    @staticmethod
    def slot(context: _Context) -> _Lines:
        """A place for lines read inside a paragraph (text box, nested paragraph): right after it."""
        lines: _Lines = []
        (context.paragraph.after if context.paragraph is not None else context.lines).append(lines)
        return lines

    def enter_paragraph(self, element: Element, context: _Context, stack: list[_Frame]) -> None:
        properties = element.find(f"{W}pPr")
        style = attr(None if properties is None else properties.find(f"{W}pStyle"), "val")
        style = style or self.styles.default_paragraph
        num = None if properties is None else properties.find(f"{W}numPr")
        own_ilvl = attr(None if num is None else num.find(f"{W}ilvl"), "val")
        num_id, ilvl = self.numbering.paragraph_numbering(
            attr(None if num is None else num.find(f"{W}numId"), "val"),
            None if own_ilvl is None or not own_ilvl.isdigit() else int(own_ilvl),
            style,
        )
        label = "" if num_id is None else self.numbering.label(num_id, ilvl)
        hidden = self.styles.vanish(style)
        paragraph = _Paragraph(label, self.styles.default_vanish if hidden is None else hidden)
        # A paragraph nested in a paragraph (invalid, but hostile files do it) is read as the next one.
        target = self.slot(context)

        def finish() -> None:
            text = "".join(paragraph.parts)
            target.append(paragraph.label + text if text.strip() else text)
            target.append(paragraph.after)

        stack.append(
            (iter(element), finish, _Context(context.lines, paragraph, context.cells, context.tables))
        )

    def enter_table(self, element: Element, context: _Context, stack: list[_Frame]) -> None:
        """A table, a row (one line, cells joined by TAB) or a cell (its paragraphs joined by spaces)."""
        if element.tag == f"{W}tbl":
            self.tables += 1
            inner = _Context(self.slot(context), tables=context.tables + 1)
            stack.append((iter(element), None, inner))
        elif element.tag == f"{W}tr":
            if element.find(f"{W}trPr/{W}del") is not None:  # a row deleted with changes tracked
                return
            cells: list[str] = []

            def finish_row() -> None:
                if any(cell.strip() for cell in cells):
                    context.lines.append("\t".join(cells))

            stack.append((iter(element), finish_row, replace(context, cells=cells)))
        else:
            row = context.cells
            assert row is not None
            cell: _Lines = []
            span = attr(element.find(f"{W}tcPr/{W}gridSpan"), "val")

            def finish_cell() -> None:
                row.append(" ".join(" ".join(flatten(cell)).split()))  # no TAB or line break inside
                row.extend([""] * (int(span) - 1 if span and span.isdigit() and int(span) > 1 else 0))

            stack.append((iter(element), finish_cell, _Context(cell, tables=context.tables)))

    def run_hidden(self, run: Element, paragraph: _Paragraph | None) -> bool:
        """w:vanish on the run, else through its character style, else its paragraph's style."""
        properties = run.find(_RUN_PROPERTIES)  # one child at a time: a path would go through ElementPath
        if properties is not None:
            direct = is_on(properties.find(_VANISH))
            if direct is not None:
                return direct
            by_style = self.styles.vanish(attr(properties.find(_RUN_STYLE), "val"))
            if by_style is not None:
                return by_style
        return paragraph.default_hidden if paragraph is not None else False

    def notes(self) -> list[str]:
        """`[n] text` for each footnote and endnote referenced, in the order of their marks."""
        lines = []
        for number, (kind, note_id) in enumerate(self.note_refs, start=1):  # notes may mark notes
            note = self.note_part(kind).get(note_id)
            text = "" if note is None else " ".join(" ".join(self.walk(note)).split())
            lines.append(f"[{number}] {text}".rstrip())
        return lines

    def note_part(self, kind: str) -> dict[str, Element]:
        if kind not in self.note_parts:
            root = self.package.xml(_NOTE_PARTS[kind])
            notes = [] if root is None else root.iter(f"{W}{kind}")
            self.note_parts[kind] = {attr(note, "id") or "": note for note in notes}
        return self.note_parts[kind]


def read_docx(path: Path) -> DocxText:
    """The text of a .docx as Word shows it; DocxRefused when it is damaged, hostile or empty."""
    package = _Package(path)
    with package.archive:
        result = _Reader(package).read()
    if not result.text.strip():
        raise DocxRefused("DOCX has no text")
    return result
