"""The OFD writer, read back by independent OFD readers (ofdkit, easyofd, ofd2img) and from its XML,
against the PDF the same layout writes."""

from __future__ import annotations

import io
import itertools
import logging
import re
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import ofdkit
import pdfplumber
import pymupdf
import pytest
from conftest import CORPUS, SPEECH
from easyofd.ofd import OFD as EasyOfd
from fontTools.ttLib import TTFont as FtFont
from ofd2img.ofd import OFD as Ofd2Img
from PIL import Image, ImageChops

from flows.config import load_settings
from flows.engine.convert import convert_document
from tasks.model import Document, Metadata
from tasks.reading.ingest import DEFAULT_MAX_BYTES, read_source
from tasks.reading.metadata import load_metadata
from tasks.reading.normalize import normalize
from tasks.reading.structure import build_document
from tasks.writing.fonts import FontSet, ResolvedFont, resolve_fonts
from tasks.writing.layout import GBT9704, MM_PER_INCH, PT_PER_INCH, Profile
from tasks.writing.ofd_fonts import embedding_allowed
from tasks.writing.render_ofd import OfdResult, render_ofd
from tasks.writing.render_pdf import render_pdf
from tests.pdf_layout_check import TypeArea, outline_titles

NS = {"ofd": "http://www.ofdspec.org/2016"}  # GB/T 33190-2016, 7.1
MM_PER_PT = MM_PER_INCH / PT_PER_INCH
POSITION_MM = 0.002  # coordinates are written to a thousandth of a millimetre
PIXEL_DIFFERENCE = 0.01  # share of a page's pixels that may differ between the two renders


@dataclass(frozen=True)
class Written:
    doc: Document
    pdf: Path
    ofd: Path
    result: OfdResult


@dataclass(frozen=True)
class GlyphRun:
    """One TextObject as the XML places it: page coordinates in mm, y down."""

    text: str
    font_id: str
    size: float
    xs: tuple[float, ...]  # each glyph's pen position
    right: float  # the Boundary's right edge: the last glyph's advance ends there
    baseline: float
    bold: bool


def _document(path: Path, metadata: Metadata | None = None) -> Document:
    source = read_source(path, DEFAULT_MAX_BYTES)
    own, body = load_metadata(path, source.text)
    return build_document(normalize(body).text, source.name, metadata or own)


CASES = {
    "speech": (SPEECH, None),
    "long_report": (CORPUS / "hailar_2016_report.txt", None),
    # The red header (agency mark and rule) and the 版记's rules.
    "notice": (
        Path(__file__).parent / "data" / "genre" / "notice_issuing_rules_imprint.txt",
        Metadata(agency="云山市人民政府办公室文件", doc_number="云政办发〔2024〕12号"),
    ),
}


@pytest.fixture(scope="module")
def fonts() -> FontSet:
    return resolve_fonts()


@pytest.fixture(scope="module")
def written(fonts: FontSet, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Written]:
    folder = tmp_path_factory.mktemp("ofd")
    found = {}
    for name, (path, metadata) in CASES.items():
        doc = _document(path, metadata)
        pdf, ofd = folder / f"{name}.pdf", folder / f"{name}.ofd"
        render_pdf(doc, GBT9704, fonts, pdf)
        found[name] = Written(doc, pdf, ofd, render_ofd(doc, GBT9704, fonts, ofd))
    return found


def _no_space(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _pdf_pages_text(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [_no_space(page.extract_text()) for page in pdf.pages]


@pytest.mark.parametrize("case", CASES)
def test_ofdkit_reads_the_pdfs_text_page_by_page(written: dict[str, Written], case: str) -> None:
    with ofdkit.open(written[case].ofd) as ofd:
        assert not ofd.warnings
        assert (ofd.info.title or "") == written[case].doc.title  # no Title element for an untitled text
        assert ofd.info.creator == "gongwen"
        pages = [_no_space(page.text()) for page in ofd.pages]
    assert pages == _pdf_pages_text(written[case].pdf)


@pytest.mark.parametrize("case", CASES)
def test_easyofd_reads_the_pdfs_text_page_by_page(written: dict[str, Written], case: str) -> None:
    reader = EasyOfd()
    reader.read(str(written[case].ofd), fmt="path")
    pages = reader.data[0]["page_info"]
    texts = [_no_space("".join(run["text"] for run in pages[i]["text_list"])) for i in range(len(pages))]
    assert texts == _pdf_pages_text(written[case].pdf)


@pytest.mark.parametrize("case", CASES)
def test_every_run_starts_at_the_pdfs_pen_position(written: dict[str, Written], case: str) -> None:
    """ofdkit's run origins (Boundary + TextCode) against the origin of the same glyph in the PDF."""
    with pdfplumber.open(written[case].pdf) as pdf, ofdkit.open(written[case].ofd) as ofd:
        for pdf_page, ofd_page in zip(pdf.pages, ofd.pages, strict=True):
            origins = [
                (c["matrix"][4] * MM_PER_PT, (pdf_page.height - c["matrix"][5]) * MM_PER_PT)
                for c in pdf_page.chars
            ]
            for run in ofd_page.runs:
                if run.text.strip():
                    assert any(
                        abs(run.x - x) < POSITION_MM and abs(run.y - y) < POSITION_MM for x, y in origins
                    ), (run.text, run.x, run.y)


def _render(path: Path, width: int) -> list[Image.Image]:
    with pymupdf.open(path) as doc:
        images = []
        for page in doc:
            zoom = width / page.rect.width
            pix = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False)
            images.append(Image.frombytes("RGB", (pix.width, pix.height), pix.samples))
        return images


@pytest.mark.parametrize("case", CASES)
def test_ofd2img_renders_the_pages_as_the_pdf_shows_them(
    written: dict[str, Written], case: str, tmp_path: Path
) -> None:
    reader = Ofd2Img()
    reader.read(str(written[case].ofd), fmt="path")
    rendered = tmp_path / "ofd2img.pdf"
    rendered.write_bytes(reader.to_pdf())
    theirs, ours = _render(rendered, 600), _render(written[case].pdf, 600)
    assert len(theirs) == len(ours)
    for number, (a, b) in enumerate(zip(theirs, ours, strict=True), start=1):
        assert a.size == b.size
        ink = sum(b.convert("L").point(lambda v: 255 if v < 128 else 0).histogram()[255:])
        # In colour: red where the PDF has black, or black where it has red, counts as different.
        difference = ImageChops.difference(a, b).convert("L")
        differing = sum(difference.point(lambda v: 255 if v > 64 else 0).histogram()[255:])
        assert ink > 0
        assert differing / (a.width * a.height) < PIXEL_DIFFERENCE, f"page {number}"


class Package:
    """The package read with ElementTree: this file's own look at the XML, not a reader's."""

    def __init__(self, path: Path) -> None:
        self.zip = zipfile.ZipFile(path)
        self.root = self.xml("OFD.xml")
        self.doc_path = PurePosixPath(self.root.findtext("ofd:DocBody/ofd:DocRoot", namespaces=NS))
        self.document = self.xml(str(self.doc_path))
        base = self.doc_path.parent
        self.page_paths = [
            str(base / page.get("BaseLoc")) for page in self.document.iterfind("ofd:Pages/ofd:Page", NS)
        ]
        public = base / self.document.findtext("ofd:CommonData/ofd:PublicRes", namespaces=NS)
        self.public_res = self.xml(str(public))
        self.res_dir = public.parent / self.public_res.get("BaseLoc")

    def xml(self, name: str) -> ET.Element:
        return ET.fromstring(self.zip.read(name))

    def fonts(self) -> dict[str, ET.Element]:
        return {font.get("ID"): font for font in self.public_res.iterfind("ofd:Fonts/ofd:Font", NS)}

    def font_file(self, font: ET.Element) -> bytes | None:
        name = font.findtext("ofd:FontFile", namespaces=NS)
        return None if name is None else self.zip.read(str(self.res_dir / name))

    def pages(self) -> list[list[GlyphRun]]:
        return [
            [_run(obj) for obj in self.xml(path).iter(f"{{{NS['ofd']}}}TextObject")]
            for path in self.page_paths
        ]


def _deltas(value: str | None) -> list[float]:
    """DeltaX with the standard's "g count value" shorthand expanded (GB/T 33190 11.3)."""
    tokens, out = (value or "").split(), []
    while tokens:
        token = tokens.pop(0)
        if token == "g":
            count, delta = int(tokens.pop(0)), float(tokens.pop(0))
            out += [delta] * count
        else:
            out.append(float(token))
    return out


def _run(obj: ET.Element) -> GlyphRun:
    left, top, width, _ = (float(v) for v in obj.get("Boundary").split())
    code = obj.find("ofd:TextCode", NS)
    x = left + float(code.get("X"))
    xs = [x]
    for delta in _deltas(code.get("DeltaX")):
        x += delta
        xs.append(x)
    text = code.text or ""
    assert len(xs) == len(text)
    bold = obj.get("Stroke") == "true"
    baseline = top + float(code.get("Y"))
    return GlyphRun(text, obj.get("Font"), float(obj.get("Size")), tuple(xs), left + width, baseline, bold)


def _body_lines(page: list[GlyphRun], profile: Profile) -> dict[float, list[tuple[float, str]]]:
    """Baseline -> the body-size glyphs on it, (pen position, character) left to right."""
    size = profile.body_size_pt * MM_PER_PT
    lines: dict[float, list[tuple[float, str]]] = {}
    for run in page:
        if abs(run.size - size) < POSITION_MM:
            same = [b for b in lines if abs(b - run.baseline) < POSITION_MM]
            lines.setdefault(same[0] if same else run.baseline, []).extend(zip(run.xs, run.text, strict=True))
    return {baseline: sorted(glyphs) for baseline, glyphs in lines.items()}


def test_a_full_page_has_22_baselines_and_a_full_line_28_advances_of_the_grid(
    written: dict[str, Written],
) -> None:
    profile = GBT9704
    pitch_mm = profile.page.type_width_mm / profile.chars_per_line
    line_mm = profile.line_pitch_pt * MM_PER_PT
    type_top = profile.page.top_mm
    pages = Package(written["long_report"].ofd).pages()
    full_pages = [_body_lines(page, profile) for page in pages[1:-1]]
    assert full_pages
    for lines in full_pages:
        baselines = sorted(lines)
        # One baseline in each line slot of the grid (where in the slot depends on the font's descent).
        slots = [int((baseline - type_top) // line_mm) for baseline in baselines]
        assert slots == list(range(profile.lines_per_page))
    # Lines of Chinese characters and marks only, as many as the grid holds.
    full_lines = [
        [x for x, _ in glyphs]
        for lines in full_pages
        for glyphs in lines.values()
        if len(glyphs) == profile.chars_per_line
        and all(unicodedata.east_asian_width(char) in ("W", "F") for _, char in glyphs)
    ]
    assert len(full_lines) > 5 * len(full_pages)  # a report with figures: about 10 such lines a page
    for xs in full_lines:
        steps = [b - a for a, b in itertools.pairwise(xs)]
        assert all(abs(step - pitch_mm) < POSITION_MM for step in steps), steps


@pytest.mark.parametrize("case", CASES)
def test_glyphs_inside_the_type_area_and_page_numbers_below_it(
    written: dict[str, Written], case: str
) -> None:
    profile = GBT9704
    area = TypeArea.of(profile)  # pt from the top left
    left, right = area.left * MM_PER_PT, area.right * MM_PER_PT
    top, bottom = area.top * MM_PER_PT, area.bottom * MM_PER_PT
    page_number_size = profile.page_number_size_pt * MM_PER_PT
    for number, page in enumerate(Package(written[case].ofd).pages(), start=1):
        below = [run for run in page if run.baseline > bottom]
        assert all(abs(run.size - page_number_size) < POSITION_MM for run in below), number
        for run in page:
            if run in below:
                continue
            # A glyph's cell may be a hair narrower than its advance: the first one starts within 0.05 mm.
            assert run.xs[0] >= left - 0.05 and run.right <= right + 0.05, (number, run.text)
            assert run.baseline - run.size >= top - POSITION_MM and run.baseline <= bottom, (number, run.text)


@pytest.mark.parametrize("case", CASES)
def test_fonts_embedded_as_unicode_subsets_with_names(written: dict[str, Written], case: str) -> None:
    package = Package(written[case].ofd)
    fonts = package.fonts()
    chars: dict[str, set[str]] = {}
    for page in package.pages():
        for run in page:
            chars.setdefault(run.font_id, set()).update(run.text)
    assert set(chars) == set(fonts)
    for font_id, font in fonts.items():
        assert font.get("FontName") and font.get("FamilyName")
        data = package.font_file(font)
        assert data is not None, font.get("FontName")
        with FtFont(io.BytesIO(data)) as face:
            cmap = face.getBestCmap()
            assert {ord(c) for c in chars[font_id]} <= set(cmap)
            # A subset: the glyphs drawn, .notdef and the parts of composite glyphs.
            assert len(face.getGlyphOrder()) <= 3 * len(chars[font_id]) + 8


@pytest.mark.parametrize("case", CASES)
def test_ids_unique_and_max_unit_id_is_the_largest(written: dict[str, Written], case: str) -> None:
    package = Package(written[case].ofd)
    ids = []
    for name in package.zip.namelist():
        if name.endswith(".xml"):
            ids += [int(e.get("ID")) for e in package.xml(name).iter() if e.get("ID") is not None]
    assert len(ids) == len(set(ids))
    assert int(package.document.findtext("ofd:CommonData/ofd:MaxUnitID", namespaces=NS)) == max(ids)
    assert (
        package.document.findtext("ofd:CommonData/ofd:PageArea/ofd:PhysicalBox", namespaces=NS)
        == "0 0 210 297"
    )
    info = package.root.find("ofd:DocBody/ofd:DocInfo", NS)
    assert re.fullmatch(r"[0-9a-f]{32}", info.findtext("ofd:DocID", namespaces=NS))
    titled = ("Title",) if written[case].doc.title else ()  # a text with no title has none
    for field in (*titled, "CreationDate", "Creator", "CreatorVersion"):
        assert info.findtext(f"ofd:{field}", namespaces=NS)


@pytest.mark.parametrize("case", ["speech", "long_report"])
def test_outlines_are_the_pdfs_bookmarks_and_go_to_the_heading(
    written: dict[str, Written], case: str
) -> None:
    package = Package(written[case].ofd)
    page_ids = [page.get("ID") for page in package.document.iterfind("ofd:Pages/ofd:Page", NS)]
    pages = package.pages()

    def walk(parent: ET.Element, depth: int) -> list[tuple[int, str]]:
        found = []
        for elem in parent.iterfind("ofd:OutlineElem", NS):
            dest = elem.find("ofd:Actions/ofd:Action/ofd:Goto/ofd:Dest", NS)
            runs = pages[page_ids.index(dest.get("PageID"))]
            top = float(dest.get("Top"))
            # The heading's first line starts in the line slot that begins at Top.
            assert any(
                0 < run.baseline - top < GBT9704.line_pitch_pt * MM_PER_PT
                and run.text[:2] == elem.get("Title")[:2]
                for run in runs
            ), elem.get("Title")
            found += [(depth, elem.get("Title")), *walk(elem, depth + 1)]
        return found

    outline = walk(package.document.find("ofd:Outlines", NS), 0)
    assert outline
    assert outline == outline_titles(written[case].pdf)


def test_rules_where_the_pdf_draws_them_the_red_one_red(written: dict[str, Written]) -> None:
    package = Package(written["notice"].ofd)
    with pdfplumber.open(written["notice"].pdf) as pdf:
        for page_path, pdf_page in zip(package.page_paths, pdf.pages, strict=True):
            paths = list(package.xml(page_path).iter(f"{{{NS['ofd']}}}PathObject"))
            assert len(paths) == len(pdf_page.lines)
            for path, line in zip(paths, pdf_page.lines, strict=True):
                left, top, width, height = (float(v) for v in path.get("Boundary").split())
                stroke = float(path.get("LineWidth"))
                assert abs(left + stroke / 2 - line["x0"] * MM_PER_PT) < POSITION_MM
                assert abs(top + height / 2 - line["top"] * MM_PER_PT) < POSITION_MM
                assert abs(width - stroke - (line["x1"] - line["x0"]) * MM_PER_PT) < POSITION_MM
                assert abs(stroke - line["linewidth"] * MM_PER_PT) < POSITION_MM
                color = path.find("ofd:StrokeColor", NS)
                stroking = line["stroking_color"]  # a number for gray, a tuple for RGB
                red = isinstance(stroking, tuple) and tuple(round(c * 255) for c in stroking) == (255, 0, 0)
                assert (color is not None and color.get("Value") == "255 0 0") == red
    first = package.xml(package.page_paths[0])
    red_text = [
        obj for obj in first.iter(f"{{{NS['ofd']}}}TextObject") if obj.find("ofd:FillColor", NS) is not None
    ]
    assert [obj.find("ofd:TextCode", NS).text for obj in red_text] == ["云山市人民政府办公室文件"]
    assert all(obj.find("ofd:FillColor", NS).get("Value") == "255 0 0" for obj in red_text)
    last = list(package.xml(package.page_paths[-1]).iter(f"{{{NS['ofd']}}}PathObject"))
    assert len(last) >= 3  # the 版记: a rule above it, one between 抄送 and 印发, one under it


def _restricted_latin_font(tmp_path: Path, fonts: FontSet) -> ResolvedFont:
    """The Latin font cut to ASCII, its licence bits set to "restricted": what a licensed font may say."""
    from fontTools.subset import Options, Subsetter

    assert fonts.latin is not None
    face = FtFont(fonts.latin.embed_path)
    subsetter = Subsetter(Options())
    subsetter.populate(unicodes=range(0x20, 0x7F))
    subsetter.subset(face)
    face["OS/2"].fsType = 0x0002
    path = tmp_path / "restricted-latin.ttf"
    face.save(path)
    return ResolvedFont(path, 0, "Restricted Serif", "user", path, 0)


def test_a_font_whose_licence_forbids_embedding_is_named_not_embedded(
    fonts: FontSet, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    restricted = _restricted_latin_font(tmp_path, fonts)
    assert not embedding_allowed(restricted.embed_path, 0)
    assert embedding_allowed(fonts.latin.embed_path, fonts.latin.embed_index)
    licensed = FontSet(fonts.roles, fonts.fallbacks, restricted)
    with caplog.at_level(logging.WARNING):
        # The sample speech with its title: Latin digits (2024) for the Latin font to set.
        document = _document(SPEECH, Metadata(title="2024年全市秘书长和办公室主任会议讲话"))
        result = render_ofd(document, GBT9704, licensed, tmp_path / "speech.ofd")
    assert result.unembedded == [restricted.describe()]
    assert "forbids embedding" in caplog.text
    package = Package(tmp_path / "speech.ofd")
    named = [font for font in package.fonts().values() if font.get("FontName") == "Restricted Serif"]
    assert len(named) == 1
    assert package.font_file(named[0]) is None
    assert named[0].get("FamilyName") == "Times New Roman"  # what a reader substitutes
    assert all(package.font_file(f) is not None for f in package.fonts().values() if f is not named[0])


def test_formats_setting(tmp_path: Path) -> None:
    assert load_settings().formats == "docx,review,pdf,ofd"
    assert load_settings(formats="OFD, pdf").formats == "pdf,ofd"
    config = tmp_path / "gongwen.toml"
    config.write_text('formats = ["ofd", "docx"]\n', encoding="utf-8")
    assert load_settings(config).output_formats == {"docx", "ofd"}
    for wrong in ("docx", "pdf,html", "", "pdf,review"):
        with pytest.raises(ValueError, match="formats"):
            load_settings(formats=wrong)


def test_the_flow_writes_the_ofd_beside_the_pdf_and_reports_it(tmp_path: Path) -> None:
    import json

    settings = load_settings(outputs=tmp_path / "out")
    result = convert_document(SPEECH, settings, "speech")
    folder = Path(result.output_dir)
    for kind in ("docx", "review.docx", "pdf", "ofd"):
        assert (folder / f"speech.{kind}").is_file()
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    assert report["files"]["review"]["bytes"] == (folder / "speech.review.docx").stat().st_size
    assert report["files"]["ofd"]["bytes"] == (folder / "speech.ofd").stat().st_size
    assert report["files"]["ofd"]["ms"] > 0

    only = load_settings(outputs=tmp_path / "only", formats="ofd")
    result = convert_document(SPEECH, only, "speech")
    assert sorted(p.suffix for p in Path(result.output_dir).glob("speech.*")) == [".ofd"]
    assert result.pages == report["pages"]
