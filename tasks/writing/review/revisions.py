"""Word tracked revisions in WordprocessingML: the text a document reads as, with its revisions accepted
or rejected, and the elements that mark text and paragraph marks as inserted or deleted.

"The text of a DOCX" is its body paragraphs in document order (table cells' paragraphs included, as the
DOCX writer lays one paragraph a cell) joined by "\\n"; inside a paragraph w:t (and, rejected, w:delText)
is text, w:tab a "\\t", w:br and w:cr a "\\n". A paragraph whose mark is deleted (accepted) or inserted
(rejected) runs on into the next one without a "\\n", as Word joins them.
"""

from __future__ import annotations

from copy import deepcopy
from datetime import UTC, datetime
from enum import StrEnum

from docx.oxml.ns import qn
from lxml import etree

AUTHOR = "gongwen"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_BREAKS = (qn("w:br"), qn("w:cr"))


class View(StrEnum):
    ACCEPTED = "accepted"  # insertions kept, deletions gone: the document as edited
    REJECTED = "rejected"  # deletions kept, insertions gone: the document as it came


def _dropped_tags(view: View) -> frozenset[str]:
    """Revision wrappers whose content the view leaves out."""
    if view is View.ACCEPTED:
        return frozenset({qn("w:del"), qn("w:moveFrom")})
    return frozenset({qn("w:ins"), qn("w:moveTo")})


def _run_text(element: etree._Element, dropped: frozenset[str], view: View, out: list[str]) -> None:
    for child in element:
        tag = child.tag
        if tag in dropped or tag == qn("w:pPr"):
            continue
        if tag == qn("w:t") or (tag == qn("w:delText") and view is View.REJECTED):
            out.append(child.text or "")
        elif tag == qn("w:tab") and element.tag == qn("w:r"):  # not a tab stop in w:tabs
            out.append("\t")
        elif tag in _BREAKS and element.tag == qn("w:r"):
            out.append("\n")
        elif tag != qn("w:rPr"):
            _run_text(child, dropped, view, out)


def mark_revision(paragraph: etree._Element) -> str | None:
    """ "ins" or "del" when the paragraph's mark is a tracked revision, else None."""
    rPr = paragraph.find(f"{qn('w:pPr')}/{qn('w:rPr')}")
    if rPr is None:
        return None
    if rPr.find(qn("w:ins")) is not None:
        return "ins"
    if rPr.find(qn("w:del")) is not None:
        return "del"
    return None


def body_paragraphs(body: etree._Element) -> list[etree._Element]:
    """Every paragraph of the body in reading order, table cells' included."""
    return list(body.iter(qn("w:p")))


def paragraph_text(paragraph: etree._Element, view: View = View.ACCEPTED) -> str:
    out: list[str] = []
    _run_text(paragraph, _dropped_tags(view), view, out)
    return "".join(out)


def document_text(body: etree._Element, view: View = View.ACCEPTED) -> str:
    """The body's text as `view` reads it (a document without revisions reads the same either way)."""
    joined_away = "del" if view is View.ACCEPTED else "ins"
    out: list[str] = []
    paragraphs = body_paragraphs(body)
    for index, paragraph in enumerate(paragraphs):
        out.append(paragraph_text(paragraph, view))
        if index < len(paragraphs) - 1 and mark_revision(paragraph) != joined_away:
            out.append("\n")
    return "".join(out)


def word_date(when: datetime) -> str:
    """A w:date: UTC to the second (a naive time is taken as UTC)."""
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


class Revisions:
    """Builds w:ins / w:del marks with ids unique in the document, all by one author at one time."""

    def __init__(self, when: datetime, first_id: int = 0) -> None:
        self.date = word_date(when)
        self._next_id = first_id  # annotation ids are one series in a document: comments come first

    def mark(self, kind: str) -> etree._Element:
        """An empty w:ins or w:del with id, author and date."""
        element = etree.Element(qn(f"w:{kind}"))
        element.set(qn("w:id"), str(self._next_id))
        element.set(qn("w:author"), AUTHOR)
        element.set(qn("w:date"), self.date)
        self._next_id += 1
        return element

    def wrap(self, kind: str, run: etree._Element) -> etree._Element:
        wrapper = self.mark(kind)
        wrapper.append(run)
        return wrapper

    def mark_paragraph_inserted(self, paragraph: etree._Element) -> None:
        """The paragraph's mark as inserted: rejected, the paragraph runs on into the next."""
        pPr = paragraph.find(qn("w:pPr"))
        if pPr is None:
            pPr = etree.Element(qn("w:pPr"))
            paragraph.insert(0, pPr)
        rPr = pPr.find(qn("w:rPr"))
        if rPr is None:
            rPr = etree.Element(qn("w:rPr"))
            # w:rPr comes last in w:pPr but for w:sectPr and w:pPrChange (CT_PPr)
            after = next((c for c in pPr if c.tag in (qn("w:sectPr"), qn("w:pPrChange"))), None)
            if after is None:
                pPr.append(rPr)
            else:
                after.addprevious(rPr)
        rPr.insert(0, self.mark("ins"))


def make_run(text: str, rPr: etree._Element | None, deleted: bool) -> etree._Element:
    """A w:r of `text` with a copy of `rPr`: "\\n" as w:br, "\\t" as w:tab, the rest as w:t (w:delText in a
    deletion)."""
    run = etree.Element(qn("w:r"))
    if rPr is not None:
        run.append(deepcopy(rPr))
    text_tag = qn("w:delText") if deleted else qn("w:t")
    piece: list[str] = []

    def flush() -> None:
        if piece:
            t = etree.SubElement(run, text_tag)
            t.text = "".join(piece)
            t.set(XML_SPACE, "preserve")
            piece.clear()

    for char in text:
        if char in "\n\t":
            flush()
            etree.SubElement(run, qn("w:br") if char == "\n" else qn("w:tab"))
        else:
            piece.append(char)
    flush()
    return run
