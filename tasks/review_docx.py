"""NAME.review.docx: the DOCX the writer made, with every edit between the source text and it as a Word
tracked revision and every doubt as a Word comment.

It is made from NAME.docx, not written anew: the same paragraphs, properties and runs (fonts, grid,
headings), each paragraph's runs rewritten as equal, inserted (w:ins) and deleted (w:del) pieces. The edits
come from aligning the DOCX's text with the source text (tasks.text_diff): the normalizer's changes, the
furniture left out, line breaks joined or split, a title added. Accept every revision and the text is
NAME.docx's; reject every one and it is the source's, line ends and all (tasks.docx_revisions defines both):
  - source line breaks that end no paragraph are deleted line breaks (w:br in w:del);
  - paragraph marks with no line break in the source are inserted marks (w:pPr/w:rPr/w:ins);
  - furniture the structure stage dropped is masked before aligning, so it is deleted whole.
Comments (word/comments.xml) carry the normalizer's and the structure stage's warnings, the proofreader's
doubts and the reason for each piece left out, on the text they concern.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

from docx.oxml.ns import qn
from lxml import etree

from tasks.docx_revisions import Revisions, body_paragraphs, make_run
from tasks.model import Document, NormalizedText, SourceText
from tasks.proofread.finding import Finding
from tasks.review_anchors import Comment, LineMap, comments_for
from tasks.text_diff import Op, diff
from tasks.word_comments import add_comments_part, comment_reference_run

_BOUNDARY = object()  # a paragraph mark in the DOCX's text, where the text has its "\n"
_MASK = "\x00"  # stands for dropped furniture while aligning: never equal to the DOCX's text


def write_review_docx(
    docx_path: Path,
    source: SourceText,
    normalized: NormalizedText,
    document: Document,
    findings: Sequence[Finding],
    out_path: Path,
    when: datetime,
) -> None:
    """Write the review DOCX for the DOCX at `docx_path`, which render_docx wrote from `document`."""
    with zipfile.ZipFile(docx_path) as package:
        parts = {info.filename: package.read(info) for info in package.infolist()}
    root = etree.fromstring(parts["word/document.xml"])
    lines = LineMap(source.text, normalized.text)
    comments = comments_for(lines, normalized.warnings, document.warnings, findings, document.dropped)
    masked = _masked(source.text, lines.dropped_ranges(document.dropped))
    _track(root.find(qn("w:body")), source.text, masked, comments, Revisions(when))
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    add_comments_part(parts, comments, when)
    with zipfile.ZipFile(out_path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)


def _masked(text: str, ranges: Iterable[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in ranges:
        chars[start:end] = _MASK * (end - start)  # its line breaks too: no paragraph mark splits it
    return "".join(chars)


class _Paragraphs:
    """The body's paragraphs with their text and, char by char, the run properties it is set in."""

    def __init__(self, body: etree._Element) -> None:
        self.elements = body_paragraphs(body)
        self.first_rPr: list[etree._Element | None] = []
        self.char_rPr: list[object] = []  # per character of `text`: its run's w:rPr (or None), or _BOUNDARY
        pieces: list[str] = []
        for index, paragraph in enumerate(self.elements):
            if index:
                pieces.append("\n")
                self.char_rPr.append(_BOUNDARY)
            first: etree._Element | None = None
            for run in paragraph.iter(qn("w:r")):
                rPr = run.find(qn("w:rPr"))
                first = rPr if first is None else first
                text = "".join(_run_chars(run))
                pieces.append(text)
                self.char_rPr.extend([rPr] * len(text))
            self.first_rPr.append(first)
            for child in list(paragraph):  # refilled by _Emitter
                if child.tag != qn("w:pPr"):
                    paragraph.remove(child)
        self.text = "".join(pieces)


def _run_chars(run: etree._Element) -> Iterable[str]:
    for child in run:
        if child.tag == qn("w:t"):
            yield child.text or ""
        elif child.tag == qn("w:tab"):
            yield "\t"
        elif child.tag in (qn("w:br"), qn("w:cr")):
            yield "\n"


def _track(
    body: etree._Element, source: str, masked: str, comments: list[Comment], revisions: Revisions
) -> None:
    paragraphs = _Paragraphs(body)
    docx_text = paragraphs.text
    items: list[tuple[Op, str | None, object, int]] = []  # (op, char or None for a mark, rPr, source offset)
    for span in diff(masked, docx_text):
        if span.op is Op.DELETE:
            items.extend((Op.DELETE, source[s], None, s) for s in range(span.b0, span.b1))
            continue
        for k, d in enumerate(range(span.a0, span.a1)):
            rPr = paragraphs.char_rPr[d]
            char = None if rPr is _BOUNDARY else docx_text[d]
            items.append((span.op, char, rPr, span.b0 + k if span.op is Op.EQUAL else -1))
    emitter = _Emitter(paragraphs, revisions)
    markers = _markers(items, len(source), comments)
    for index, (op, char, rPr, _) in enumerate(items):
        emitter.markers(markers.get(index, ()))
        if char is None:
            emitter.paragraph_mark(op)
        else:
            emitter.char(op, char, rPr)
    emitter.markers(markers.get(len(items), ()))
    emitter.flush()


def _markers(
    items: Sequence[tuple[Op, str | None, object, int]], source_length: int, comments: list[Comment]
) -> dict[int, list[tuple[str, int]]]:
    """Where each comment's range starts and ends, as ("start" | "end", comment id) before item i.

    A range stays in its first paragraph: Word and LibreOffice anchor a comment in one."""
    item_of = [0] * (source_length + 1)
    item_of[source_length] = len(items)
    for index, (_, _, _, s) in enumerate(items):
        if s >= 0:
            item_of[s] = index
    markers: dict[int, list[tuple[str, int]]] = {}
    for number, comment in enumerate(comments):
        start = item_of[comment.start]
        if comment.end == comment.start:
            end = start
        elif comment.on_inserted:  # up to the next source character
            end = item_of[comment.end]
        else:
            end = item_of[comment.end - 1] + 1
        end = next((i for i in range(start, end) if _is_mark(items[i])), end)
        markers.setdefault(start, []).append(("start", number))
        markers.setdefault(end, []).append(("end", number))
    return markers


def _is_mark(item: tuple[Op, str | None, object, int]) -> bool:
    """A paragraph mark of the DOCX (a deleted "\\n" is a line break inside a paragraph)."""
    return item[1] is None


class _Emitter:
    """Refills the paragraphs in order: runs of one revision state and one w:rPr, comment markers."""

    def __init__(self, paragraphs: _Paragraphs, revisions: Revisions) -> None:
        self.paragraphs = paragraphs
        self.revisions = revisions
        self.index = 0
        self.rPr = paragraphs.first_rPr[0] if paragraphs.first_rPr else None
        self.op: Op | None = None
        self.group_rPr: object = None
        self.chars: list[str] = []

    @property
    def paragraph(self) -> etree._Element:
        return self.paragraphs.elements[self.index]

    def char(self, op: Op, char: str, rPr: object) -> None:
        if op is Op.DELETE:
            rPr = self.rPr  # deleted text is set like the text beside it
        else:
            self.rPr = rPr
        if op is not self.op or rPr is not self.group_rPr:
            self.flush()
            self.op, self.group_rPr = op, rPr
        self.chars.append(char)

    def paragraph_mark(self, op: Op) -> None:
        self.flush()
        if op is Op.INSERT:
            self.revisions.mark_paragraph_inserted(self.paragraph)
        self.index += 1
        first = self.paragraphs.first_rPr[self.index]
        self.rPr = first if first is not None else self.rPr

    def markers(self, markers: Iterable[tuple[str, int]]) -> None:
        for kind, number in markers:
            self.flush()
            if kind == "start":
                etree.SubElement(self.paragraph, qn("w:commentRangeStart")).set(qn("w:id"), str(number))
            else:
                etree.SubElement(self.paragraph, qn("w:commentRangeEnd")).set(qn("w:id"), str(number))
                self.paragraph.append(comment_reference_run(number))

    def flush(self) -> None:
        if not self.chars:
            return
        assert self.op is not None
        rPr = self.group_rPr if isinstance(self.group_rPr, etree._Element) else None
        run = make_run("".join(self.chars), rPr, deleted=self.op is Op.DELETE)
        if self.op is Op.EQUAL:
            self.paragraph.append(run)
        else:
            self.paragraph.append(self.revisions.wrap("del" if self.op is Op.DELETE else "ins", run))
        self.chars = []
