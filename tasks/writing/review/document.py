"""NAME.review.docx: the DOCX the writer made, with every edit between the source text and it as a Word
tracked revision and every doubt as a Word comment.

It is made from NAME.docx, not written anew: the same paragraphs, properties and runs (fonts, grid,
headings), each paragraph's runs rewritten as equal, inserted (w:ins) and deleted (w:del) pieces. The edits
come from aligning the DOCX's text with the source text (tasks.writing.review.text_diff): the
normalizer's changes, the furniture left out, line breaks joined or split, a title added. Accept every
revision and the text is NAME.docx's; reject every one and it is the source's, line ends and all
(tasks.writing.review.revisions defines both):
  - source line breaks that end no paragraph are deleted line breaks (w:br in w:del);
  - paragraph marks with no line break in the source are inserted marks (w:pPr/w:rPr/w:ins);
  - furniture the structure stage dropped is masked before aligning, so it is deleted whole.
A table stays a table: rejected in Word or LibreOffice, its cells stay cells (a paragraph mark ending a
cell cannot go), so there their reject-all reads a row's cells on lines of their own where the source had
them on one line; the XML's rejected view, which joins them, is the source exactly.
Comments (word/comments.xml) carry the normalizer's and the structure stage's warnings, the proofreader's
doubts and the reason for each piece left out, on the text they concern.
"""

from __future__ import annotations

import zipfile
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from docx.oxml.ns import qn
from lxml import etree

from tasks.model import Document, Finding, NormalizedText, SourceText, outside_dropped
from tasks.writing.review.anchors import Comment, LineMap, comments_for
from tasks.writing.review.comments import add_comments_part, comment_reference_run
from tasks.writing.review.revisions import Revisions, body_paragraphs, make_run
from tasks.writing.review.text_diff import Op, Span, diff

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
    """Write the review DOCX for the DOCX at `docx_path`, which render_docx wrote from `document`.

    `findings` are the proofreader's doubts the run reports (on the normalized text); `when` dates every
    revision and comment."""
    with zipfile.ZipFile(docx_path) as package:
        parts = {info.filename: package.read(info) for info in package.infolist()}
    root = etree.fromstring(parts["word/document.xml"])
    lines = LineMap(source.text, normalized.text)
    # as the run reports them: no word on a toolbar's 【 in the furniture left out
    shown = outside_dropped(normalized.text, document.dropped, normalized.warnings)
    comments = comments_for(lines, shown, document.warnings, findings, document.dropped)
    masked = _masked(source.text, lines.dropped_ranges(document.dropped))
    _track(root.find(qn("w:body")), source.text, masked, comments, Revisions(when, len(comments)))
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
    """The body's paragraphs, their text joined by "\\n", and the stretches of that text in one run
    properties (segment_rPr: a w:rPr, None, or _BOUNDARY for the "\\n" between two paragraphs)."""

    def __init__(self, body: etree._Element) -> None:
        self.elements = body_paragraphs(body)
        self.first_rPr: list[etree._Element | None] = []
        self.segment_starts: list[int] = []
        self.segment_rPr: list[object] = []
        pieces: list[str] = []
        length = 0
        for index, paragraph in enumerate(self.elements):
            if index:
                self._segment(length, _BOUNDARY)
                pieces.append("\n")
                length += 1
            first: etree._Element | None = None
            for run in paragraph.iter(qn("w:r")):
                rPr = run.find(qn("w:rPr"))
                first = rPr if first is None else first
                text = "".join(_run_chars(run))
                if text:
                    self._segment(length, rPr)
                    pieces.append(text)
                    length += len(text)
            self.first_rPr.append(first)
            for child in list(paragraph):  # refilled by _Emitter
                if child.tag != qn("w:pPr"):
                    paragraph.remove(child)
        self.text = "".join(pieces)
        self.segment_starts.append(length)

    def _segment(self, start: int, rPr: object) -> None:
        self.segment_starts.append(start)
        self.segment_rPr.append(rPr)

    def segments(self, start: int, end: int) -> Iterator[tuple[int, int, object]]:
        """(start, end, rPr) of the stretches of text[start:end] in one run (or a paragraph mark)."""
        index = bisect_right(self.segment_starts, start) - 1
        while start < end:
            stop = min(end, self.segment_starts[index + 1])
            yield start, stop, self.segment_rPr[index]
            start, index = stop, index + 1


def _run_chars(run: etree._Element) -> Iterable[str]:
    for child in run:
        if child.tag == qn("w:t"):
            yield child.text or ""
        elif child.tag == qn("w:tab"):
            yield "\t"
        elif child.tag in (qn("w:br"), qn("w:cr")):
            yield "\n"


class _Chunk(NamedTuple):
    """A piece of the review's text in one revision state and one run's properties."""

    op: Op
    text: str | None  # None: a paragraph mark of the DOCX
    rPr: object
    source: int  # offset in the source of its first character; -1 for an insertion


def _track(
    body: etree._Element, source: str, masked: str, comments: list[Comment], revisions: Revisions
) -> None:
    paragraphs = _Paragraphs(body)
    cuts = sorted({c.start for c in comments} | {c.end for c in comments})  # where comment marks go
    chunks = list(_chunks(diff(masked, paragraphs.text), paragraphs, source, cuts))
    markers = _markers(chunks, len(source), comments)
    emitter = _Emitter(paragraphs, revisions)
    for index, chunk in enumerate(chunks):
        emitter.markers(markers.get(index, ()))
        if chunk.text is None:
            emitter.paragraph_mark(chunk.op)
        else:
            emitter.text(chunk.op, chunk.text, chunk.rPr)
    emitter.markers(markers.get(len(chunks), ()))
    emitter.flush()


def _chunks(spans: Iterable[Span], paragraphs: _Paragraphs, source: str, cuts: list[int]) -> Iterator[_Chunk]:
    """The aligned texts as chunks: cut at run and paragraph bounds and at the source offsets in `cuts`."""
    docx_text = paragraphs.text
    for span in spans:
        if span.op is Op.DELETE:
            for start, end in _cut(span.b0, span.b1, cuts):
                yield _Chunk(Op.DELETE, source[start:end], None, start)
            continue
        for start, end, rPr in paragraphs.segments(span.a0, span.a1):
            if span.op is Op.INSERT:
                yield _Chunk(Op.INSERT, None if rPr is _BOUNDARY else docx_text[start:end], rPr, -1)
                continue
            shift = span.b0 - span.a0  # equal text: the source offset of docx_text[i] is i + shift
            for s_start, s_end in _cut(start + shift, end + shift, cuts):
                text = None if rPr is _BOUNDARY else docx_text[s_start - shift : s_end - shift]
                yield _Chunk(Op.EQUAL, text, rPr, s_start)


def _cut(start: int, end: int, cuts: list[int]) -> Iterator[tuple[int, int]]:
    for cut in cuts[bisect_right(cuts, start) : bisect_left(cuts, end)]:
        yield start, cut
        start = cut
    yield start, end


def _markers(
    chunks: Sequence[_Chunk], source_length: int, comments: list[Comment]
) -> dict[int, list[tuple[str, int]]]:
    """Where each comment's range starts and ends, as ("start" | "end", comment id) before chunk i.

    A range stays in its first paragraph: Word and LibreOffice anchor a comment in one."""
    starting = {source_length: len(chunks)}  # source offset -> the chunk that starts there
    ending = {}  # source offset -> the chunk after the one that ends there
    for index, chunk in enumerate(chunks):
        if chunk.source >= 0:
            starting[chunk.source] = index
            ending[chunk.source + (1 if chunk.text is None else len(chunk.text))] = index + 1
    markers: dict[int, list[tuple[str, int]]] = {}
    for number, comment in enumerate(comments):
        start = starting[comment.start]
        if comment.end == comment.start:
            end = start
        elif comment.on_inserted:  # up to the next source character
            end = starting[comment.end]
        else:
            end = ending[comment.end]
        end = next((i for i in range(start, end) if chunks[i].text is None), end)
        markers.setdefault(start, []).append(("start", number))
        markers.setdefault(end, []).append(("end", number))
    return markers


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

    def text(self, op: Op, text: str, rPr: object) -> None:
        if op is Op.DELETE:
            rPr = self.rPr  # deleted text is set like the text beside it
        else:
            self.rPr = rPr
        if op is not self.op or rPr is not self.group_rPr:
            self.flush()
            self.op, self.group_rPr = op, rPr
        self.chars.append(text)

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
