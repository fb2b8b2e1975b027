"""Document -> OFD (GB/T 33190-2016), drawn from the PDF writer's own layout.

The PDF writer's layout pass draws on an `OfdSurface` instead of a canvas: same pages, same line
breaks, every glyph at the PDF's pen position. The package:

    OFD.xml                       DocBody: DocInfo, DocRoot
    Doc_0/Document.xml            CommonData (MaxUnitID, PageArea, PublicRes, DocumentRes), Pages, Outlines
    Doc_0/PublicRes.xml           Fonts, each with its subset under Doc_0/Res/
    Doc_0/DocumentRes.xml         (no images: an empty resource list)
    Doc_0/Pages/Page_N/Content.xml  one Layer of TextObjects and PathObjects

Units are millimetres, y downwards from the top of the page. A TextObject is one stretch of a line in
one font; its TextCode sits at the baseline and DeltaX carries the pen from glyph to glyph, so a
reader places each glyph where the PDF has it (docs/ofd.md).
"""

from __future__ import annotations

import hashlib
import logging
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from importlib import metadata as importlib_metadata
from itertools import groupby, pairwise
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from tasks.model import Document
from tasks.writing.fonts import FontSet, ResolvedFont
from tasks.writing.layout import LATIN_FONT_NAME, MM_PER_INCH, OFFICIAL_FONT_NAMES, PT_PER_INCH, Profile
from tasks.writing.ofd_fonts import embedding_allowed, truetype_subset
from tasks.writing.render_pdf import PdfResult, typeset
from tasks.writing.surface import FAKE_BOLD_STROKE
from tasks.writing.typeset import Glyph

log = logging.getLogger(__name__)

NAMESPACE = "http://www.ofdspec.org/2016"
MM_PER_PT = MM_PER_INCH / PT_PER_INCH
_DOC = "Doc_0"
_BLACK = "000000"
_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'


@lru_cache(maxsize=16384)
def _um(micrometres: int) -> str:
    """A length in whole micrometres written in mm (1 µm: far below a device pixel), no trailing zeros."""
    whole, part = divmod(abs(micrometres), 1000)
    text = f"{whole}.{part:03d}".rstrip("0").rstrip(".")
    return f"-{text}" if micrometres < 0 else text


def _mm(value: float) -> str:
    return _um(round(value * 1000))


def _rgb(hex_rgb: str) -> str:
    return " ".join(str(int(hex_rgb[i : i + 2], 16)) for i in (0, 2, 4))


def delta_list(positions: Sequence[float]) -> str:
    """DeltaX from pen positions (mm): gaps between the positions rounded as written, so that no
    rounding adds up along a line; repeats as the standard's "g count value" shorthand."""
    marks = [round(p * 1000) for p in positions]
    parts = []
    for gap, same in groupby(b - a for a, b in pairwise(marks)):
        count = sum(1 for _ in same)
        parts.append(f"g {count} {_um(gap)}" if count > 1 else _um(gap))
    return " ".join(parts)


@dataclass(frozen=True)
class OfdResult:
    layout: PdfResult
    unembedded: list[str] = field(default_factory=list)  # fonts referenced by name only (licence)


@dataclass
class _Bookmark:
    title: str
    level: int
    page_id: int
    top: float  # mm from the top of the page


@dataclass
class _FontUse:
    font_id: int
    chars: set[str] = field(default_factory=set)


class OfdSurface:
    """Records pages as Content.xml text while the layout draws; `save` writes the package."""

    def __init__(self, out: Path, profile: Profile, fonts: FontSet) -> None:
        self.out = out
        self.fonts = fonts
        self.width_mm = profile.page.width_mm
        self.height_mm = profile.page.height_mm
        self.next_id = 0
        self.pages: list[tuple[int, list[str]]] = []  # (page ID, its objects' XML)
        self.used_fonts: dict[str, tuple[ResolvedFont, _FontUse]] = {}
        self.bookmarks: list[_Bookmark] = []
        self.fill = self.stroke = _BLACK
        self.title = self.author = self.creator = ""
        self.unembedded: list[str] = []
        self._new_page()

    def _id(self) -> int:
        self.next_id += 1
        return self.next_id

    def _new_page(self) -> None:
        self.pages.append((self._id(), []))
        self.objects = self.pages[-1][1]

    def set_metadata(self, title: str, author: str, creator: str) -> None:
        self.title, self.author, self.creator = title, author, creator

    def end_page(self) -> None:
        self._new_page()

    def set_fill_color(self, rgb: str) -> None:
        self.fill = rgb.upper()

    def set_stroke_color(self, rgb: str) -> None:
        self.stroke = rgb.upper()

    def draw_glyphs(self, glyphs: Sequence[Glyph], origins: Sequence[float], baseline: float) -> None:
        """One TextObject per stretch of one font and weight; Boundary its em box, TextCode at the
        baseline in the object's own space."""
        y = self.height_mm - baseline * MM_PER_PT
        start = 0
        for (_, bold), stretch in groupby(glyphs, key=lambda g: (g.font.pdf_name, g.bold)):
            count = len(list(stretch))
            end = start + count
            self._text(glyphs[start:end], [o * MM_PER_PT for o in origins[start:end]], y, bold)
            start = end

    def _text(self, glyphs: Sequence[Glyph], xs: list[float], baseline: float, bold: bool) -> None:
        first = glyphs[0]
        use = self._font_use(first.font)
        text = "".join(g.char for g in glyphs)
        use.chars.update(text)
        size = first.size * MM_PER_PT
        face = first.font.face().face
        ascent, descent = face.ascent / 1000 * size, -face.descent / 1000 * size
        # In µm: Boundary and TextCode add up to the rounded baseline and pen positions exactly, so that
        # runs in different fonts share their line's baseline to the last digit.
        left = round(xs[0] * 1000)
        width = round((xs[-1] + glyphs[-1].advance * MM_PER_PT) * 1000) - left
        line = round(baseline * 1000)
        top = line - round(ascent * 1000)
        box = f"{_um(left)} {_um(top)} {_um(width)} {_mm(ascent + descent)}"
        attributes = f'ID="{self._id()}" Boundary="{box}" Font="{use.font_id}" Size="{_mm(size)}"'
        children = "" if self.fill == _BLACK else f'<ofd:FillColor Value="{_rgb(self.fill)}"/>'
        if bold:  # as the PDF fakes it: the outline stroked as well as filled
            attributes += f' Stroke="true" LineWidth="{_mm(size * FAKE_BOLD_STROKE)}"'
            if self.fill != _BLACK:
                children += f'<ofd:StrokeColor Value="{_rgb(self.fill)}"/>'
        deltas = f' DeltaX="{delta_list(xs)}"' if len(xs) > 1 else ""
        self.objects.append(
            f'<ofd:TextObject {attributes}>{children}<ofd:TextCode X="0" Y="{_um(line - top)}"{deltas}>'
            f"{escape(text)}</ofd:TextCode></ofd:TextObject>"
        )

    def _font_use(self, font: ResolvedFont) -> _FontUse:
        found = self.used_fonts.get(font.pdf_name)
        if found is None:
            found = self.used_fonts[font.pdf_name] = (font, _FontUse(self._id()))
        return found[1]

    def rule(self, x0: float, y0: float, x1: float, y1: float, width: float) -> None:
        """A PathObject: Boundary the stroke's box, the path through its middle."""
        w = width * MM_PER_PT
        ax, bx = x0 * MM_PER_PT, x1 * MM_PER_PT
        ay, by = self.height_mm - y0 * MM_PER_PT, self.height_mm - y1 * MM_PER_PT
        left, top = min(ax, bx) - w / 2, min(ay, by) - w / 2
        box = f"{_mm(left)} {_mm(top)} {_mm(abs(bx - ax) + w)} {_mm(abs(by - ay) + w)}"
        path = f"M {_mm(ax - left)} {_mm(ay - top)} L {_mm(bx - left)} {_mm(by - top)}"
        color = "" if self.stroke == _BLACK else f'<ofd:StrokeColor Value="{_rgb(self.stroke)}"/>'
        self.objects.append(
            f'<ofd:PathObject ID="{self._id()}" Boundary="{box}" LineWidth="{_mm(w)}">'
            f"{color}<ofd:AbbreviatedData>{path}</ofd:AbbreviatedData></ofd:PathObject>"
        )

    def bookmark(self, title: str, level: int, top: float) -> None:
        page_id = self.pages[-1][0]
        self.bookmarks.append(_Bookmark(title, level, page_id, self.height_mm - top * MM_PER_PT))

    def save(self) -> None:
        if len(self.pages) > 1 and not self.pages[-1][1]:
            self.pages.pop()  # the layout closed its last page and drew nothing after it
        box = f"0 0 {_mm(self.width_mm)} {_mm(self.height_mm)}"
        contents = [self._content(page_id, objects, box) for page_id, objects in self.pages]
        font_resources = self._fonts()
        document = self._document(box)
        with zipfile.ZipFile(self.out, "w", zipfile.ZIP_DEFLATED) as package:
            package.writestr("OFD.xml", self._ofd_xml(contents))
            package.writestr(f"{_DOC}/Document.xml", document)
            package.writestr(f"{_DOC}/PublicRes.xml", font_resources.xml)
            package.writestr(f"{_DOC}/DocumentRes.xml", _res(""))
            for number, content in enumerate(contents):
                package.writestr(f"{_DOC}/Pages/Page_{number}/Content.xml", content)
            for name, data in font_resources.files:
                # Deflate's fastest level: a third smaller than stored, 6 % larger than level 6 at a
                # quarter of its time (a CJK subset of 800 glyphs: 18 ms against 73 ms).
                package.writestr(f"{_DOC}/Res/{name}", data, compresslevel=1)

    def _content(self, page_id: int, objects: list[str], box: str) -> str:
        layer = self._id()
        return (
            f'{_HEAD}<ofd:Page xmlns:ofd="{NAMESPACE}"><ofd:Area><ofd:PhysicalBox>{box}</ofd:PhysicalBox>'
            f'</ofd:Area><ofd:Content><ofd:Layer ID="{layer}" Type="Body">{"".join(objects)}</ofd:Layer>'
            "</ofd:Content></ofd:Page>"
        )

    def _fonts(self) -> _FontResources:
        elements, files = [], []
        for font, use in self.used_fonts.values():
            name = quoteattr(font.family)
            family = quoteattr(self._official_family(font))
            if embedding_allowed(font.embed_path, font.embed_index):
                file_name = _file_name(font.family, {name for name, _ in files})
                files.append((file_name, truetype_subset(font, use.chars)))
                file_element = f"<ofd:FontFile>{file_name}</ofd:FontFile>"
            else:
                log.warning("%s: its licence forbids embedding; the OFD names it only", font.describe())
                self.unembedded.append(font.describe())
                file_element = ""
            elements.append(
                f'<ofd:Font ID="{use.font_id}" FontName={name} FamilyName={family}>{file_element}</ofd:Font>'
            )
        return _FontResources(_res(f"<ofd:Fonts>{''.join(elements)}</ofd:Fonts>"), files)

    def _official_family(self, font: ResolvedFont) -> str:
        """The family the document asks for where this font serves a role, so that a reader without the
        embedded file substitutes the official font; a fallback's own family otherwise."""
        for role, role_font in self.fonts.roles.items():
            if role_font == font:
                return OFFICIAL_FONT_NAMES[role]
        return LATIN_FONT_NAME if font == self.fonts.latin else font.family

    def _document(self, box: str) -> str:
        pages = "".join(
            f'<ofd:Page ID="{page_id}" BaseLoc="Pages/Page_{n}/Content.xml"/>'
            for n, (page_id, _) in enumerate(self.pages)
        )
        outlines = _outlines(self.bookmarks)
        return (
            f'{_HEAD}<ofd:Document xmlns:ofd="{NAMESPACE}"><ofd:CommonData>'
            f"<ofd:MaxUnitID>{self.next_id}</ofd:MaxUnitID>"
            f"<ofd:PageArea><ofd:PhysicalBox>{box}</ofd:PhysicalBox></ofd:PageArea>"
            "<ofd:PublicRes>PublicRes.xml</ofd:PublicRes><ofd:DocumentRes>DocumentRes.xml</ofd:DocumentRes>"
            f"</ofd:CommonData><ofd:Pages>{pages}</ofd:Pages>{outlines}</ofd:Document>"
        )

    def _ofd_xml(self, contents: list[str]) -> str:
        # DocID: 32 hex characters (GB/T 33190 7.4), here a digest of the pages: same pages, same ID.
        doc_id = hashlib.md5("".join(contents).encode(), usedforsecurity=False).hexdigest()
        author = f"<ofd:Author>{escape(self.author)}</ofd:Author>" if self.author else ""
        return (
            f'{_HEAD}<ofd:OFD xmlns:ofd="{NAMESPACE}" Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo>'
            f"<ofd:DocID>{doc_id}</ofd:DocID><ofd:Title>{escape(self.title)}</ofd:Title>{author}"
            f"<ofd:CreationDate>{datetime.now(UTC).date().isoformat()}</ofd:CreationDate>"
            f"<ofd:Creator>{escape(self.creator)}</ofd:Creator>"
            f"<ofd:CreatorVersion>{_creator_version()}</ofd:CreatorVersion>"
            f"</ofd:DocInfo><ofd:DocRoot>{_DOC}/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
        )


def _file_name(family: str, taken: set[str]) -> str:
    """The font's own name without spaces: two readers (ofd2img, easyofd) register an embedded font
    under its file name and look it up under its FontName (docs/ofd.md)."""
    stem = "".join(char for char in family if char.isalnum()) or "font"
    name, number = f"{stem}.ttf", 1
    while name in taken:
        number += 1
        name = f"{stem}-{number}.ttf"
    return name


@dataclass(frozen=True)
class _FontResources:
    xml: str
    files: list[tuple[str, bytes]]


def _res(body: str) -> str:
    return f'{_HEAD}<ofd:Res xmlns:ofd="{NAMESPACE}" BaseLoc="Res">{body}</ofd:Res>'


def _outlines(bookmarks: list[_Bookmark]) -> str:
    """Nested OutlineElems, each a Goto to the heading's page and the top of its line."""
    if not bookmarks:
        return ""
    parts, depth = [], 0
    for index, mark in enumerate(bookmarks):
        if index:
            closes = depth - mark.level + 1
            parts.append("</ofd:OutlineElem>" * closes)
        depth = mark.level
        parts.append(
            f'<ofd:OutlineElem Title={quoteattr(mark.title)}><ofd:Actions><ofd:Action Event="CLICK">'
            f'<ofd:Goto><ofd:Dest Type="XYZ" PageID="{mark.page_id}" Left="0" Top="{_mm(mark.top)}"/>'
            "</ofd:Goto></ofd:Action></ofd:Actions>"
        )
    parts.append("</ofd:OutlineElem>" * (depth + 1))
    return f"<ofd:Outlines>{''.join(parts)}</ofd:Outlines>"


@lru_cache(maxsize=1)
def _creator_version() -> str:
    try:
        return importlib_metadata.version("gongwen")
    except importlib_metadata.PackageNotFoundError:
        return "0+unknown"


def render_ofd(doc: Document, profile: Profile, fonts: FontSet, out: Path) -> OfdResult:
    """Typeset `doc` as the PDF writer does and write the pages into the OFD package `out`."""
    surface = OfdSurface(out, profile, fonts)
    layout = typeset(doc, profile, fonts, surface)
    return OfdResult(layout, surface.unembedded)
