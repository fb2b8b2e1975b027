"""Layout checks on the XML of a DOCX file, independent of the writer that made it, and the LibreOffice
round trip that sets it as a PDF to count the grid.

Each `*_problems` function returns what is wrong, as readable strings (an empty list: nothing), so a
test can assert `== []` and see every problem at once. The expected values come from the Profile.
"""

from __future__ import annotations

import os
import subprocess
import zipfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import pdfplumber
from lxml import etree

from tasks.writing.layout import (
    OFFICIAL_FONT_NAMES,
    TWIPS_PER_PT,
    FontRole,
    PageNumberStyle,
    Profile,
    mm_to_pt,
)

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = {"w": W_NS, "r": R_NS}
THEME_FONT_ATTRIBUTES = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")


def w(name: str) -> str:
    """Clark name of a w: attribute or element."""
    return f"{{{W_NS}}}{name}"


@dataclass(frozen=True)
class DocxXml:
    document: etree._Element
    styles: etree._Element
    settings: etree._Element
    footers: dict[str, etree._Element]  # footer type ("default", "even", "first") -> w:ftr


@dataclass(frozen=True)
class RunInfo:
    text: str
    east_asia: str | None
    size_half_pt: int | None
    ascii: str | None = None  # the font of Latin letters and digits


def read_docx_xml(path: Path) -> DocxXml:
    with zipfile.ZipFile(path) as archive:

        def part(name: str) -> etree._Element:
            return etree.fromstring(archive.read(name))

        document = part("word/document.xml")
        rels = part("word/_rels/document.xml.rels")
        targets = {rel.get("Id"): rel.get("Target") for rel in rels}
        footers = {
            ref.get(w("type")): part("word/" + targets[ref.get(f"{{{R_NS}}}id")])
            for ref in document.iterfind(".//w:sectPr/w:footerReference", NS)
        }
        return DocxXml(document, part("word/styles.xml"), part("word/settings.xml"), footers)


def twips(pt: float) -> int:
    return round(pt * TWIPS_PER_PT)


def body_paragraphs(xml: DocxXml) -> list[etree._Element]:
    return xml.document.findall("w:body/w:p", NS)


def paragraph_text(paragraph: etree._Element) -> str:
    return "".join(t.text or "" for t in paragraph.iterfind(".//w:t", NS))


def runs(paragraph: etree._Element) -> list[RunInfo]:
    """The text runs of a paragraph with their East Asian font and size (fields' code runs left out)."""
    found = []
    for run in paragraph.iterfind("w:r", NS):
        text = "".join(t.text or "" for t in run.iterfind("w:t", NS))
        if not text:
            continue
        fonts = run.find("w:rPr/w:rFonts", NS)
        size = run.find("w:rPr/w:sz", NS)
        found.append(
            RunInfo(
                text,
                fonts.get(w("eastAsia")) if fonts is not None else None,
                int(size.get(w("val"))) if size is not None else None,
                fonts.get(w("ascii")) if fonts is not None else None,
            )
        )
    return found


def outline_levels(xml: DocxXml) -> list[tuple[int, str]]:
    """(outline level, paragraph text) of every body paragraph that carries one."""
    return [
        (int(level.get(w("val"))), paragraph_text(p))
        for p in body_paragraphs(xml)
        if (level := p.find("w:pPr/w:outlineLvl", NS)) is not None
    ]


def page_problems(xml: DocxXml, profile: Profile) -> list[str]:
    """Page size and margins in twips, and a line grid at the profile's pitch."""
    page = profile.page
    expected = {
        "pgSz/w": page.width_mm,
        "pgSz/h": page.height_mm,
        "pgMar/top": page.top_mm,
        "pgMar/bottom": page.bottom_mm,
        "pgMar/left": page.left_mm,
        "pgMar/right": page.right_mm,
    }
    sect = xml.document.find("w:body/w:sectPr", NS)
    problems = []
    for key, mm in expected.items():
        element, attribute = key.split("/")
        value = sect.find(f"w:{element}", NS).get(w(attribute))
        if value != str(twips(mm_to_pt(mm))):
            problems.append(f"{key} is {value} twips, expected {twips(mm_to_pt(mm))} ({mm} mm)")
    grid = sect.find("w:docGrid", NS)
    if (
        grid is None
        or grid.get(w("type")) != "lines"
        or grid.get(w("linePitch")) != str(profile.line_pitch_twips)
    ):
        problems.append(f"docGrid is {None if grid is None else dict(grid.attrib)}, expected a line grid")
    return problems


def spacing_problems(xml: DocxXml, profile: Profile) -> list[str]:
    """Every body paragraph has exact line spacing: the grid pitch, or the title pitch for 2号 lines."""
    allowed = {str(profile.line_pitch_twips), str(twips(profile.title_line_pitch_pt))}
    problems = []
    for p in body_paragraphs(xml):
        spacing = p.find("w:pPr/w:spacing", NS)
        line = None if spacing is None else (spacing.get(w("line")), spacing.get(w("lineRule")))
        if line is None or line[0] not in allowed or line[1] != "exact":
            problems.append(
                f"line spacing {line} in {paragraph_text(p)[:12]!r}, expected exact {sorted(allowed)}"
            )
    return problems


def font_problems(xml: DocxXml) -> list[str]:
    """No theme fonts anywhere; every run names an official East Asian font and the zh-CN language."""
    official = set(OFFICIAL_FONT_NAMES.values())
    problems = []
    for part_name, root in (("styles", xml.styles), ("document", xml.document), *xml.footers.items()):
        for fonts in root.iter(w("rFonts")):
            themed = [a for a in THEME_FONT_ATTRIBUTES if fonts.get(w(a)) is not None]
            if themed:
                problems.append(f"theme font attributes {themed} in {part_name}")
    for root in (xml.document, *xml.footers.values()):
        for run in root.iter(w("r")):
            fonts = run.find("w:rPr/w:rFonts", NS)
            if fonts is None or fonts.get(w("eastAsia")) not in official:
                problems.append(f"run {''.join(run.itertext())[:12]!r} has no official eastAsia font")
            lang = run.find("w:rPr/w:lang", NS)
            if lang is None or lang.get(w("eastAsia")) != "zh-CN":
                problems.append(f"run {''.join(run.itertext())[:12]!r} is not marked zh-CN")
    default_lang = xml.styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
    if default_lang is None or default_lang.get(w("eastAsia")) != "zh-CN":
        problems.append("docDefaults language is not zh-CN")
    return problems


def size_problems(xml: DocxXml, profile: Profile) -> list[str]:
    """Title runs 2号, every other body run 3号 (sizes in half points)."""
    title_font = OFFICIAL_FONT_NAMES[FontRole.TITLE]
    problems = []
    for p in body_paragraphs(xml):
        for run in runs(p):
            size_pt = profile.title_size_pt if run.east_asia == title_font else profile.body_size_pt
            if run.size_half_pt != round(size_pt * 2):
                problems.append(
                    f"run {run.text[:12]!r} is sz {run.size_half_pt}, expected {round(size_pt * 2)}"
                )
    return problems


def footer_problems(xml: DocxXml, profile: Profile) -> list[str]:
    """A PAGE field between dashes in the page-number font and size, placed as the profile says."""
    indent = str(twips(profile.page_number_indent_chars * profile.page_number_size_pt))
    even_and_odd = xml.settings.find("w:evenAndOddHeaders", NS) is not None
    if profile.page_number_style is PageNumberStyle.CENTER:
        expected = {"default": ("center", None, None)}
    else:
        expected = {"default": ("right", None, indent), "even": ("left", indent, None)}
    problems = []
    if even_and_odd != (len(expected) == 2):
        problems.append(f"evenAndOddHeaders is {even_and_odd}, expected {len(expected) == 2}")
    for kind, (align, left, right) in expected.items():
        footer = xml.footers.get(kind)
        if footer is None:
            problems.append(f"no {kind} footer")
            continue
        p = footer.find("w:p", NS)
        jc = p.find("w:pPr/w:jc", NS)
        ind = p.find("w:pPr/w:ind", NS)
        placed = (
            None if jc is None else jc.get(w("val")),
            None if ind is None or ind.get(w("left")) in (None, "0") else ind.get(w("left")),
            None if ind is None or ind.get(w("right")) in (None, "0") else ind.get(w("right")),
        )
        if placed != (align, left, right):
            problems.append(f"{kind} footer (jc, left, right) is {placed}, expected {(align, left, right)}")
        if "PAGE" not in "".join(t.text or "" for t in p.iterfind(".//w:instrText", NS)):
            problems.append(f"{kind} footer has no PAGE field")
        dash = profile.page_number_dash
        if not (paragraph_text(p).startswith(f"{dash} ") and paragraph_text(p).endswith(f" {dash}")):
            problems.append(f"{kind} footer reads {paragraph_text(p)!r}")
        song = OFFICIAL_FONT_NAMES[FontRole.PAGE_NUMBER]  # digits too: 4号半角宋体阿拉伯数字
        for run in runs(p):
            if (run.east_asia, run.ascii, run.size_half_pt) != (
                song,
                song,
                round(profile.page_number_size_pt * 2),
            ):
                problems.append(
                    f"{kind} footer run {run.text!r} is {run.east_asia}/{run.ascii} sz {run.size_half_pt}"
                )
    return problems


def indent_problems(xml: DocxXml) -> list[str]:
    """Indents in character units (firstLineChars, or hangingChars) on every body paragraph; justified
    paragraphs that do not hang indent 2."""
    problems = []
    for p in body_paragraphs(xml):
        ind = p.find("w:pPr/w:ind", NS)
        if ind is not None and ind.get(w("hangingChars")) is not None:
            continue
        first = None if ind is None else ind.get(w("firstLineChars"))
        jc = p.find("w:pPr/w:jc", NS)
        if first is None or (jc is not None and jc.get(w("val")) == "both" and first != "200"):
            problems.append(f"firstLineChars {first} in {paragraph_text(p)[:12]!r}")
    return problems


def grid_problems(xml: DocxXml, profile: Profile) -> list[str]:
    """The grid the numbers make: lines_per_page exact lines fill the type height, and chars_per_line
    body characters (size plus character spacing) fit the type width where one more would not."""
    sect = xml.document.find("w:body/w:sectPr", NS)
    size, margin = sect.find("w:pgSz", NS), sect.find("w:pgMar", NS)
    height = int(size.get(w("h"))) - int(margin.get(w("top"))) - int(margin.get(w("bottom")))
    width = int(size.get(w("w"))) - int(margin.get(w("left"))) - int(margin.get(w("right")))
    pitch = int(sect.find("w:docGrid", NS).get(w("linePitch")))
    problems = []
    if height // pitch != profile.lines_per_page:
        problems.append(f"{height} twips of type height hold {height // pitch} lines of {pitch}")
    advances = set()
    for run in xml.document.iterfind("w:body/w:p/w:r", NS):
        sz, spacing = run.find("w:rPr/w:sz", NS), run.find("w:rPr/w:spacing", NS)
        if sz is not None and int(sz.get(w("val"))) == round(profile.body_size_pt * 2):
            advances.add(int(sz.get(w("val"))) * 10 + int(0 if spacing is None else spacing.get(w("val"))))
    for advance in sorted(advances):
        if width // advance != profile.chars_per_line:
            problems.append(f"{width} twips of type width hold {width // advance} characters of {advance}")
    if not advances:
        problems.append("no body-size run")
    return problems


def inline_heading_problems(
    xml: DocxXml, paragraphs: Sequence[tuple[str, str]], heading_font: str, body_font: str
) -> list[str]:
    """Each (heading run, rest of its paragraph; empty for a heading on its own line): the heading text
    in runs of `heading_font`, the rest in runs of `body_font` (East Asian font names), in one paragraph."""
    by_text = {paragraph_text(p): p for p in body_paragraphs(xml)}
    problems = []
    for heading, rest in paragraphs:
        p = by_text.get(heading + rest)
        if p is None:
            problems.append(f"no paragraph reads {heading}{rest[:20]}")
            continue
        fonts = [font for run in runs(p) for font in [run.east_asia] * len(run.text)]
        found = (set(fonts[: len(heading)]), set(fonts[len(heading) :]))
        if found != ({heading_font}, {body_font} if rest else set()):
            problems.append(f"{heading}: fonts {sorted(found[0])} then {sorted(found[1])}")
    return problems


def layout_problems(path: Path, profile: Profile) -> list[str]:
    """Every check above on one file."""
    xml = read_docx_xml(path)
    return [
        *page_problems(xml, profile),
        *grid_problems(xml, profile),
        *spacing_problems(xml, profile),
        *indent_problems(xml),
        *font_problems(xml),
        *size_problems(xml, profile),
        *footer_problems(xml, profile),
    ]


# LibreOffice round trip -----------------------------------------------------------------------------


class SetLine(NamedTuple):
    """A line of text in a PDF that LibreOffice set."""

    top: float
    x0: float
    x1: float
    text: str
    font: str  # of its first character, subset prefix removed


def libreoffice_pdf(docx_path: Path, work: Path, alias_file: Path) -> Path:
    """Convert with LibreOffice, the official font names resolved through the project's alias file."""
    fonts_conf = work / "fonts.conf"
    fonts_conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"  <include>{alias_file}</include>\n"
        f"  <cachedir>{work / 'fc-cache'}</cachedir>\n</fontconfig>\n",
        encoding="utf-8",
    )
    env = {**os.environ, "HOME": str(work), "FONTCONFIG_FILE": str(fonts_conf)}
    command = [
        "soffice",
        f"-env:UserInstallation={(work / 'lo-profile').as_uri()}",
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        str(work),
        str(docx_path),
    ]
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=180)
    return work / f"{docx_path.stem}.pdf"


def lines_by_page(pdf_path: Path) -> list[list[SetLine]]:
    """Per page, its text lines from top to bottom."""
    pages = []
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            by_top: dict[int, list[dict]] = defaultdict(list)
            for char in page.chars:
                by_top[round(char["top"])].append(char)
            lines = []
            for top in sorted(by_top):
                chars = sorted(by_top[top], key=lambda c: c["x0"])
                text = "".join(c["text"] for c in chars)
                font = chars[0]["fontname"].split("+")[-1]
                lines.append(SetLine(chars[0]["top"], chars[0]["x0"], chars[-1]["x1"], text, font))
            pages.append(lines)
    return pages


def type_area_lines(profile: Profile, lines: list[SetLine]) -> list[SetLine]:
    """The lines above the bottom of the type area (the page number is below it)."""
    bottom_pt = mm_to_pt(profile.page.height_mm - profile.page.bottom_mm)
    return [line for line in lines if line.top < bottom_pt]


def set_page_number_problems(profile: Profile, pages: list[list[SetLine]]) -> list[str]:
    """Each page's last line is "— N —", 7 mm below the type area, odd pages right and even pages left
    one character in (or centred, as the profile says). Glyph tops vary by font: 4 pt of slack there."""
    page = profile.page
    number_top = mm_to_pt(page.height_mm - page.bottom_mm + profile.page_number_below_mm)
    left, right = mm_to_pt(page.left_mm), mm_to_pt(page.width_mm - page.right_mm)
    problems = []
    for number, lines in enumerate(pages, start=1):
        line = lines[-1]
        if line.text.replace(" ", "") != f"{profile.page_number_dash}{number}{profile.page_number_dash}":
            problems.append(f"page {number}: last line {line.text!r}")
            continue
        if abs(line.top - number_top) > 4:
            problems.append(f"page {number}: page number top at {line.top:.1f} pt, want {number_top:.1f}")
        if profile.page_number_style is PageNumberStyle.CENTER:
            off = (line.x0 + line.x1) / 2 - (left + right) / 2
        elif number % 2:
            off = line.x1 - (right - profile.page_number_indent_pt)
        else:
            off = line.x0 - (left + profile.page_number_indent_pt)
        if abs(off) > 1:
            problems.append(f"page {number}: page number {off:+.1f} pt off its place")
    return problems
