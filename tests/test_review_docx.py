"""The review DOCX: NAME.docx with every edit from the source a tracked revision and every doubt a comment.

Accepting all its revisions must give NAME.docx's text, rejecting all the source text; checked on the XML
(tasks.writing.review.revisions) and, headless, by LibreOffice itself: a Basic macro loads the review
DOCX, counts its tracked changes and comments, accepts (or rejects) them all with LibreOffice's own
commands and exports plain text, which is compared with LibreOffice's export of NAME.docx (or with the
source).
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from docx.oxml.ns import qn
from lxml import etree

from tasks.analysis.proofread import proofread
from tasks.model import Document, Finding, NormalizedText, SourceText, outside_dropped
from tasks.reading.ingest import read_source
from tasks.reading.metadata import load_metadata
from tasks.reading.normalize import normalize
from tasks.reading.structure import build_document
from tasks.writing.layout import get_profile
from tasks.writing.render_docx import render_docx
from tasks.writing.review.document import write_review_docx
from tasks.writing.review.revisions import AUTHOR, View, body_paragraphs, document_text, mark_revision
from tasks.writing.review.text_diff import Op, diff
from tests.conftest import MESSY, ROOT, SPEECH

WHEN = datetime(2026, 12, 6, 18, 30, 5, tzinfo=UTC)
SAMPLES = {
    "speech": SPEECH,
    "furniture": MESSY / "ningxia_2026_gov_work_report.txt",
    "one_line": MESSY / "xi_2020_0911_scientists_symposium.txt",
    "draft": ROOT / "tests" / "data" / "genre" / "draft_chat_pasted.txt",
}


@dataclass(frozen=True)
class Reviewed:
    source: SourceText
    normalized: NormalizedText
    document: Document
    findings: tuple[Finding, ...]
    docx: Path
    review: Path


def _review(path: Path, work: Path) -> Reviewed:
    source = read_source(path)
    metadata, body = load_metadata(path, source.text)
    normalized = normalize(body)
    document = build_document(normalized.text, source.name, metadata)
    findings = proofread(normalized.text, document)
    docx_path, review_path = work / f"{path.stem}.docx", work / f"{path.stem}.review.docx"
    render_docx(document, get_profile(metadata.profile), docx_path)
    write_review_docx(docx_path, source, normalized, document, findings, review_path, WHEN)
    return Reviewed(source, normalized, document, findings, docx_path, review_path)


@pytest.fixture(scope="module", params=SAMPLES.values(), ids=SAMPLES.keys())
def reviewed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Reviewed:
    return _review(request.param, tmp_path_factory.mktemp("review"))


def _part(path: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(path) as package:
        return etree.fromstring(package.read(name))


def _body(path: Path) -> etree._Element:
    return _part(path, "word/document.xml").find(qn("w:body"))


def test_accepting_all_gives_the_docx_text_and_rejecting_all_the_source(reviewed: Reviewed) -> None:
    review = _body(reviewed.review)
    assert document_text(review, View.ACCEPTED) == document_text(_body(reviewed.docx))
    assert document_text(review, View.REJECTED) == reviewed.source.text
    assert reviewed.normalized.changes  # there is something to review in every sample


def test_same_paragraphs_and_run_formatting_as_the_docx(reviewed: Reviewed) -> None:
    docx_paragraphs = body_paragraphs(_body(reviewed.docx))
    review_paragraphs = body_paragraphs(_body(reviewed.review))
    assert len(review_paragraphs) == len(docx_paragraphs)
    for ours, theirs in zip(review_paragraphs, docx_paragraphs, strict=True):
        pPr = ours.find(qn("w:pPr"))
        if mark_revision(ours) is not None:  # the inserted mark is the only property added
            pPr = etree.fromstring(etree.tostring(pPr))
            pPr.remove(pPr.find(qn("w:rPr")))
        assert _xml(pPr) == _xml(theirs.find(qn("w:pPr")))
    run_formats = {_xml(rPr) for rPr in _body(reviewed.docx).iter(qn("w:rPr"))}
    for run in _body(reviewed.review).iter(qn("w:r")):
        if run.find(qn("w:commentReference")) is None:
            assert _xml(run.find(qn("w:rPr"))) in run_formats


def _xml(element: etree._Element | None) -> bytes:
    return b"" if element is None else etree.tostring(element)


def test_front_matter_title_and_agency_are_edits_too(tmp_path: Path) -> None:
    """Metadata in a front-matter block: the block is deleted, the red header and title it gives inserted."""
    draft = SAMPLES["draft"].read_text(encoding="utf-8").split("\n", 2)[2]  # without its title lines
    path = tmp_path / "通知.txt"
    front = "---\ntitle: 关于开展营商环境提升年活动的通知\nagency: 云山市人民政府\n---\n"
    path.write_text(front + draft, encoding="utf-8")
    reviewed = _review(path, tmp_path)
    assert reviewed.document.metadata.agency
    review = _body(reviewed.review)
    assert document_text(review, View.ACCEPTED) == document_text(_body(reviewed.docx))
    assert document_text(review, View.REJECTED) == reviewed.source.text
    assert document_text(review, View.ACCEPTED).startswith("云山市人民政府\n关于开展")


def test_every_revision_is_by_gongwen_at_the_run_time(reviewed: Reviewed) -> None:
    body = _body(reviewed.review)
    marks = [*body.iter(qn("w:ins")), *body.iter(qn("w:del"))]
    assert marks
    assert {mark.get(qn("w:author")) for mark in marks} == {AUTHOR}
    assert {mark.get(qn("w:date")) for mark in marks} == {"2026-12-06T18:30:05Z"}
    ids = [mark.get(qn("w:id")) for mark in marks]
    ids += [start.get(qn("w:id")) for start in body.iter(qn("w:commentRangeStart"))]
    assert len(set(ids)) == len(ids)  # one series of annotation ids


def _deleted_stretches(body: etree._Element) -> list[str]:
    """Deleted text as it stands between kept text, w:br read as "\\n"."""
    stretches, current = [], []
    for paragraph in body_paragraphs(body):
        for element in paragraph.iter(qn("w:t"), qn("w:delText"), qn("w:br")):
            deleted = element.getparent().getparent().tag == qn("w:del")
            if not deleted:
                if current:
                    stretches.append("".join(current))
                current = []
                continue
            current.append("\n" if element.tag == qn("w:br") else element.text)
    return [*stretches, "".join(current)]


def test_each_piece_of_furniture_is_one_tracked_deletion(tmp_path: Path) -> None:
    reviewed = _review(SAMPLES["furniture"], tmp_path)
    assert len(reviewed.document.dropped) >= 5
    stretches = _deleted_stretches(_body(reviewed.review))
    for piece in reviewed.document.dropped:
        # deleted as the source has it, which the normalizer made the piece
        assert any(piece.text in normalize(stretch).text for stretch in stretches), piece


def _comment_ranges(review: Path) -> dict[str, tuple[str, str]]:
    """Per comment id: its text in comments.xml and the source text its range covers (rejected view)."""
    comments = {
        c.get(qn("w:id")): "".join(c.itertext())
        for c in _part(review, "word/comments.xml").iter(qn("w:comment"))
    }
    covered: dict[str, list[str]] = {}
    open_ids: set[str] = set()
    for paragraph in body_paragraphs(_body(review)):
        for element in paragraph.iter():
            number = element.get(qn("w:id"))
            if element.tag == qn("w:commentRangeStart"):
                open_ids.add(number)
                covered[number] = []
            elif element.tag == qn("w:commentRangeEnd"):
                open_ids.discard(number)
            elif element.tag in (qn("w:t"), qn("w:delText"), qn("w:br")):
                for number in open_ids:
                    covered[number].append("\n" if element.tag == qn("w:br") else element.text or "")
    assert not open_ids
    return {number: (comments[number], "".join(covered[number])) for number in comments}


def test_every_warning_doubt_and_dropped_piece_is_a_comment_on_its_text(reviewed: Reviewed) -> None:
    ranges = _comment_ranges(reviewed.review)
    normalizer = outside_dropped(
        reviewed.normalized.text, reviewed.document.dropped, reviewed.normalized.warnings
    )
    expected = (
        len(normalizer)
        + len(reviewed.document.warnings)
        + len(reviewed.findings)
        + len(reviewed.document.dropped)
    )
    assert len(ranges) == expected
    body = _body(reviewed.review)
    references = {r.get(qn("w:id")) for r in body.iter(qn("w:commentReference"))}
    assert references == set(ranges)
    texts = [text for text, _ in ranges.values()]
    for warning in normalizer:
        assert f"{warning.rule}: {warning.message}" in texts
    for piece in reviewed.document.dropped:
        said = f"left out of the document: {piece.reason}"
        on_piece = [covered for text, covered in ranges.values() if text == said]
        assert piece.text in [normalize(covered).text for covered in on_piece]  # the source's, normalized


def test_package_declares_the_comments_part(reviewed: Reviewed) -> None:
    with zipfile.ZipFile(reviewed.review) as package:
        types = package.read("[Content_Types].xml").decode()
        rels = package.read("word/_rels/document.xml.rels").decode()
    assert 'PartName="/word/comments.xml"' in types and "wordprocessingml.comments+xml" in types
    assert 'relationships/comments" Target="comments.xml"' in rels


def test_comments_sit_on_the_text_they_concern(tmp_path: Path) -> None:
    speech = _review(SAMPLES["speech"], tmp_path)
    ranges = list(_comment_ranges(speech.review).values())
    colliding = [covered for text, covered in ranges if text.startswith("R10: colliding marks 。，")]
    assert colliding == ["。"]  # on the mark kept, its deleted neighbour just after
    assert any(text.startswith("title: no title") and covered for text, covered in ranges)
    draft = _review(SAMPLES["draft"], tmp_path)
    unpaired = [
        covered for text, covered in _comment_ranges(draft.review).values() if text.startswith("unpaired")
    ]
    # the source's straight quote, deleted, and the normalized one; with the comma before, changed with it
    assert unpaired == [',"，“']


def test_text_diff_covers_both_texts_in_order() -> None:
    rng = random.Random(7)
    for _ in range(500):
        before = "".join(rng.choice("ab\n，的。x") for _ in range(rng.randint(0, 40)))
        after = "".join(rng.choice("ab\n，的。y") for _ in range(rng.randint(0, 40)))
        b, a = 0, 0
        for span in diff(before, after):
            assert (span.b0, span.a0) == (b, a)
            if span.op is Op.EQUAL:
                assert before[span.b0 : span.b1] == after[span.a0 : span.a1]
            b, a = span.b1, span.a1
        assert (b, a) == (len(before), len(after))


# LibreOffice, headless: a Basic macro in a throwaway profile. Closing the document from a macro started
# on the command line makes soffice 7.4 abort on its way out (NoSuchElementException) after the files are
# written, so its exit status is not read; the files it writes are.
BASIC = """\
Sub Review(sIn As String, sOut As String, sMode As String)
  Dim load(0) As New com.sun.star.beans.PropertyValue
  load(0).Name = "Hidden"
  load(0).Value = True
  oDoc = StarDesktop.loadComponentFromURL(ConvertToURL(sIn), "_blank", 0, load())
  nComments = 0
  oFields = oDoc.getTextFields().createEnumeration()
  Do While oFields.hasMoreElements()
    If oFields.nextElement().supportsService("com.sun.star.text.textfield.Annotation") Then
      nComments = nComments + 1
    End If
  Loop
  iFile = FreeFile()
  Open sOut & ".counts" For Output As #iFile
  Print #iFile, CStr(oDoc.getRedlines().getCount()) & " " & CStr(nComments)
  Close #iFile
  oDispatcher = createUnoService("com.sun.star.frame.DispatchHelper")
  oFrame = oDoc.getCurrentController().getFrame()
  If sMode = "accept" Then
    oDispatcher.executeDispatch(oFrame, ".uno:AcceptAllTrackedChanges", "", 0, Array())
  Else
    oDispatcher.executeDispatch(oFrame, ".uno:RejectAllTrackedChanges", "", 0, Array())
  End If
  Dim store(1) As New com.sun.star.beans.PropertyValue
  store(0).Name = "FilterName"
  store(0).Value = "Text (encoded)"
  store(1).Name = "FilterOptions"
  store(1).Value = "UTF8"
  oDoc.storeToURL(ConvertToURL(sOut), store())
  StarDesktop.terminate()
End Sub
"""
MACRO = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1"'
    ' script:language="StarBasic">' + escape(BASIC, {'"': "&quot;"}) + "</script:module>\n"
)


class LibreOffice:
    def __init__(self, work: Path) -> None:
        self.work = work
        self.profile = f"-env:UserInstallation={(work / 'lo-profile').as_uri()}"
        self.env = {**os.environ, "HOME": str(work)}
        self._run("--terminate_after_init")
        module = work / "lo-profile" / "user" / "basic" / "Standard" / "Module1.xba"
        module.write_text(MACRO, encoding="utf-8")

    def _run(self, *args: str) -> None:
        subprocess.run(
            ["soffice", self.profile, "--headless", *args], env=self.env, capture_output=True, timeout=180
        )

    def text(self, docx_path: Path) -> str:
        """LibreOffice's plain-text export of a document as it stands."""
        self._run(
            "--convert-to", "txt:Text (encoded):UTF8", "--outdir", str(docx_path.parent), str(docx_path)
        )
        return _read_export(docx_path.with_suffix(".txt"))

    def resolved(self, docx_path: Path, mode: str) -> tuple[str, int, int]:
        """The text once every revision is accepted ("accept") or rejected, with the revision and comment
        counts LibreOffice found."""
        out = docx_path.with_name(f"{docx_path.stem}.{mode}.txt")
        self._run(f'macro:///Standard.Module1.Review("{docx_path}","{out}","{mode}")')
        revisions, comments = out.with_name(out.name + ".counts").read_text().split()
        return _read_export(out), int(revisions), int(comments)


def _read_export(path: Path) -> str:
    return path.read_text(encoding="utf-8").removeprefix("\ufeff")


@pytest.mark.parametrize("name", SAMPLES.keys())
def test_libreoffice_shows_the_revisions_and_comments_and_resolves_them(name: str, tmp_path: Path) -> None:
    assert shutil.which("soffice"), "LibreOffice: scripts/setup.sh installs libreoffice-writer-nogui"
    reviewed = _review(SAMPLES[name], tmp_path)
    office = LibreOffice(tmp_path)
    comments = len(_comment_ranges(reviewed.review))
    accepted, revisions, shown = office.resolved(reviewed.review, "accept")
    assert revisions >= len(reviewed.normalized.changes) and shown == comments
    assert accepted == office.text(reviewed.docx)
    rejected, _, _ = office.resolved(reviewed.review, "reject")
    assert rejected.rstrip("\n") == reviewed.source.text.rstrip("\n")
