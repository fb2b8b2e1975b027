"""Word comments in a DOCX package: the comments part, its relationship and content type, and the run
that shows a comment's mark in the text (the range itself is w:commentRangeStart/End in the body)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from docx.oxml.ns import nsmap, qn
from lxml import etree

from tasks.writing.review.revisions import AUTHOR, make_run, word_date

COMMENTS_PART = "word/comments.xml"
_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
_RELS = "word/_rels/document.xml.rels"
_PACKAGE_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CONTENT_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"


class Said(Protocol):
    text: str


def comment_reference_run(number: int) -> etree._Element:
    run = etree.Element(qn("w:r"))
    etree.SubElement(run, qn("w:commentReference")).set(qn("w:id"), str(number))
    return run


def add_comments_part(parts: dict[str, bytes], comments: Sequence[Said], when: datetime) -> None:
    """Add word/comments.xml holding `comments` (ids 0, 1, … in order) to the package's `parts`."""
    if not comments:
        return
    date = word_date(when)
    root = etree.Element(qn("w:comments"), nsmap={"w": nsmap["w"]})
    for number, comment in enumerate(comments):
        element = etree.SubElement(root, qn("w:comment"))
        element.set(qn("w:id"), str(number))
        element.set(qn("w:author"), AUTHOR)
        element.set(qn("w:date"), date)
        element.set(qn("w:initials"), "gw")
        etree.SubElement(element, qn("w:p")).append(make_run(comment.text, None, deleted=False))
    parts[COMMENTS_PART] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    parts[_RELS] = _with_relationship(parts[_RELS])
    parts["[Content_Types].xml"] = _with_content_type(parts["[Content_Types].xml"])


def _with_relationship(data: bytes) -> bytes:
    root = etree.fromstring(data)
    ids = {rel.get("Id") for rel in root}
    number = len(ids) + 1
    while f"rId{number}" in ids:
        number += 1
    rel = etree.SubElement(root, f"{{{_PACKAGE_RELS_NS}}}Relationship")
    rel.set("Id", f"rId{number}")
    rel.set("Type", _RELATIONSHIP)
    rel.set("Target", "comments.xml")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _with_content_type(data: bytes) -> bytes:
    root = etree.fromstring(data)
    override = etree.SubElement(root, f"{{{_CONTENT_TYPES_NS}}}Override")
    override.set("PartName", "/" + COMMENTS_PART)
    override.set("ContentType", _CONTENT_TYPE)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
