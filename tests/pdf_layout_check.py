"""Layout checks on a rendered PDF (pdfplumber, pypdf), independent of the writer that made it.

Each `*_problems` function returns what is wrong as readable strings (an empty list: nothing), so a
test can assert `== []` and see every problem at once. Expected values come from the Profile; the
line-breaking marks are the issue's own lists, not the writer's.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from tasks.writing.layout import PageNumberStyle, Profile, mm_to_pt, page_number_text

NO_LINE_START = "，。、；：？！）》”’"
NO_LINE_END = "（《“‘"
MM = mm_to_pt(1.0)
_SIZE_TOLERANCE = 0.05
_FONT_FILE_KEYS = ("/FontFile", "/FontFile2", "/FontFile3")


@dataclass(frozen=True)
class TypeArea:
    """The type area in pdfplumber's coordinates (y grows downwards from the top of the page)."""

    left: float
    right: float
    top: float
    bottom: float

    @classmethod
    def of(cls, profile: Profile) -> TypeArea:
        page = profile.page
        return cls(
            mm_to_pt(page.left_mm),
            mm_to_pt(page.width_mm - page.right_mm),
            mm_to_pt(page.top_mm),
            mm_to_pt(page.height_mm - page.bottom_mm),
        )


Char = dict  # a pdfplumber character


@dataclass(frozen=True)
class TextLine:
    page: int  # 1-based
    chars: list[Char]

    @property
    def text(self) -> str:
        return "".join(c["text"] for c in self.chars)

    @property
    def size(self) -> float:
        return max(c["size"] for c in self.chars)


def is_page_number(char: Char, area: TypeArea) -> bool:
    return char["top"] >= area.bottom


def lines(pdf: pdfplumber.PDF, profile: Profile) -> list[TextLine]:
    """Text lines inside the type area in reading order, grouped by vertical centre."""
    area = TypeArea.of(profile)
    out: list[TextLine] = []
    for number, page in enumerate(pdf.pages, start=1):
        chars = sorted(
            (c for c in page.chars if not is_page_number(c, area)), key=lambda c: (_centre(c), c["x0"])
        )
        current: list[Char] = []
        for char in chars:
            if current and abs(_centre(char) - _centre(current[0])) > current[0]["size"] / 3:
                out.append(TextLine(number, sorted(current, key=lambda c: c["x0"])))
                current = []
            current.append(char)
        if current:
            out.append(TextLine(number, sorted(current, key=lambda c: c["x0"])))
    return out


def _centre(char: Char) -> float:
    return (char["top"] + char["bottom"]) / 2


def page_size_problems(pdf: pdfplumber.PDF, profile: Profile) -> list[str]:
    want = (mm_to_pt(profile.page.width_mm), mm_to_pt(profile.page.height_mm))
    return [
        f"page {i}: {page.width:.1f} x {page.height:.1f} pt, want {want[0]:.1f} x {want[1]:.1f}"
        for i, page in enumerate(pdf.pages, start=1)
        if abs(page.width - want[0]) > 0.5 or abs(page.height - want[1]) > 0.5
    ]


def type_area_problems(pdf: pdfplumber.PDF, profile: Profile, tolerance_mm: float = 1.0) -> list[str]:
    """Every glyph but the page number inside the type area, within `tolerance_mm`."""
    area = TypeArea.of(profile)
    slack = tolerance_mm * MM
    problems = []
    for i, page in enumerate(pdf.pages, start=1):
        for c in page.chars:
            if is_page_number(c, area) and c["size"] == profile.page_number_size_pt:
                continue
            if (
                c["x0"] < area.left - slack
                or c["x1"] > area.right + slack
                or c["top"] < area.top - slack
                or c["bottom"] > area.bottom + slack
            ):
                problems.append(f"page {i}: {c['text']!r} at x {c['x0']:.1f}-{c['x1']:.1f}, y {c['top']:.1f}")
    return problems


def lines_per_page_problems(pdf: pdfplumber.PDF, profile: Profile, pages: list[int]) -> list[str]:
    """Full pages of body text hold profile.lines_per_page lines, at the exact line pitch."""
    by_page: dict[int, list[TextLine]] = {}
    for line in lines(pdf, profile):
        by_page.setdefault(line.page, []).append(line)
    problems = []
    for number in pages:
        found = by_page.get(number, [])
        if len(found) != profile.lines_per_page:
            problems.append(f"page {number}: {len(found)} lines, want {profile.lines_per_page}")
        tops = [_top(line) for line in found]
        pitches = {round(b - a, 2) for a, b in itertools.pairwise(tops)}
        if any(abs(p - profile.line_pitch_pt) > 0.05 for p in pitches):
            problems.append(f"page {number}: line pitches {sorted(pitches)}, want {profile.line_pitch_pt}")
    return problems


def _top(line: TextLine) -> float:
    """Top of the line's Chinese characters: Latin fonts' boxes (ascent + descent over an em) stand taller."""
    chars = [c for c in line.chars if abs(c["size"] - line.size) < _SIZE_TOLERANCE]
    return min(c["top"] for c in ([c for c in chars if _full_width(c)] or chars))


def _full_width(char: Char) -> bool:
    return unicodedata.east_asian_width(char["text"]) in ("F", "W", "A") and char["x1"] - char["x0"] > (
        0.9 * char["size"]
    )


def full_line_problems(pdf: pdfplumber.PDF, profile: Profile) -> list[str]:
    """Full body lines of full-width characters: chars_per_line cells at the grid pitch, justified.

    A line may hold one or two characters fewer where the next line starts with a character pulled
    down for the line-breaking rules or with a number too wide for the rest of the line, or more where
    closing marks were squeezed in.
    """
    area = TypeArea.of(profile)
    pitch = profile.char_pitch_pt
    all_lines = [
        line for line in lines(pdf, profile) if abs(line.size - profile.body_size_pt) < _SIZE_TOLERANCE
    ]
    problems = []
    checked = 0
    for line, following in zip(all_lines, [*all_lines[1:], None], strict=True):
        chars = line.chars
        if not all(_full_width(c) for c in chars) or chars[-1]["x1"] < area.right - MM:
            continue
        checked += 1
        indent = round((chars[0]["x0"] - area.left) / pitch)
        cells = indent + len(chars)
        if cells == profile.chars_per_line:
            steps = [b["x0"] - a["x0"] for a, b in itertools.pairwise(chars)]
            if any(abs(step - pitch) > 0.05 for step in steps):
                problems.append(f"page {line.page}: {line.text}: off the {pitch:.2f} pt pitch")
            continue
        pulled = following is not None and (
            any(ch in NO_LINE_START for ch in following.text[1 : 2 + profile.chars_per_line - cells])
            or any(ch in NO_LINE_END for ch in following.text[: profile.chars_per_line - cells])
            or not _full_width(following.chars[0])  # a number or Latin word kept whole
        )
        squeezed = cells > profile.chars_per_line and line.text[-1] in NO_LINE_START
        if not (pulled or squeezed):
            problems.append(f"page {line.page}: {line.text}: {cells} cells, want {profile.chars_per_line}")
    if checked == 0:
        problems.append("no full body line found")
    return problems


def line_break_problems(pdf: pdfplumber.PDF, profile: Profile) -> list[str]:
    problems = []
    for line in lines(pdf, profile):
        text = line.text.strip()
        if text[0] in NO_LINE_START:
            problems.append(f"page {line.page}: line starts with {text[0]}: {text}")
        if text[-1] in NO_LINE_END:
            problems.append(f"page {line.page}: line ends with {text[-1]}: {text}")
    return problems


def size_problems(pdf: pdfplumber.PDF, profile: Profile, title: str) -> list[str]:
    """Title lines at the title size, every other line inside the type area at the body size."""
    problems = []
    for line in lines(pdf, profile):
        want = profile.title_size_pt if line.text in title else profile.body_size_pt
        sizes = {round(c["size"], 2) for c in line.chars}
        if sizes != {want}:
            problems.append(f"page {line.page}: {line.text}: sizes {sorted(sizes)}, want {want}")
    return problems


def page_number_problems(pdf: pdfplumber.PDF, profile: Profile) -> list[str]:
    area = TypeArea.of(profile)
    size = profile.page_number_size_pt
    indent = profile.page_number_indent_chars * size
    problems = []
    for number, page in enumerate(pdf.pages, start=1):
        chars = sorted((c for c in page.chars if is_page_number(c, area)), key=lambda c: c["x0"])
        text = "".join(c["text"] for c in chars)
        if text != page_number_text(profile, number):
            problems.append(f"page {number}: page number {text!r}")
            continue
        top = min(c["top"] for c in chars)
        if abs(top - (area.bottom + mm_to_pt(profile.page_number_below_mm))) > 0.5 * MM:
            problems.append(f"page {number}: page number top at {top:.1f} pt")
        if any(abs(c["size"] - size) > _SIZE_TOLERANCE for c in chars):
            problems.append(f"page {number}: page number size {chars[0]['size']}")
        x0, x1 = chars[0]["x0"], chars[-1]["x1"]
        if profile.page_number_style is PageNumberStyle.CENTER:
            off = (x0 + x1) / 2 - (area.left + area.right) / 2
        elif number % 2:
            off = x1 - (area.right - indent)
        else:
            off = x0 - (area.left + indent)
        if abs(off) > 0.5 * MM:
            problems.append(f"page {number}: page number {off:+.1f} pt off its place")
    return problems


def unembedded_fonts(path: Path) -> list[str]:
    """Names of fonts used on any page that carry no embedded font file."""
    missing = set()
    for page in PdfReader(path).pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            descriptor = _descriptor(font)
            if descriptor is None or not any(
                k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")
            ):
                missing.add(str(font.get("/BaseFont")))
    return sorted(missing)


def _descriptor(font: DictionaryObject) -> DictionaryObject | None:
    if "/DescendantFonts" in font:
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font.get("/FontDescriptor")
    return descriptor.get_object() if descriptor is not None else None


def fonts_of(pdf: pdfplumber.PDF, profile: Profile, text: str) -> list[str]:
    """Font names of the characters of the first line containing `text`, for the chars of `text`."""
    for line in lines(pdf, profile):
        start = line.text.find(text)
        if start >= 0:
            return [c["fontname"] for c in line.chars[start : start + len(text)]]
    raise AssertionError(f"{text!r} not found on any line")


def base_font_name(fontname: str) -> str:
    """A PDF font name without its subset tag ("AAAAAB+") or subset number ("-0"): the PostScript name."""
    return re.sub(r"-\d+$", "", fontname.split("+")[-1])


def _is_hanzi(char: str) -> bool:
    return unicodedata.name(char, "").startswith("CJK UNIFIED IDEOGRAPH")


def inline_heading_problems(
    pdf: pdfplumber.PDF,
    profile: Profile,
    paragraphs: Sequence[tuple[str, str]],
    heading_font: str,
    body_font: str,
) -> list[str]:
    """Each (heading run, rest of its paragraph; empty for a heading on its own line): the heading's
    Chinese characters in `heading_font`, the rest's in `body_font` (PostScript names). Paragraphs are
    found in the text of all pages in reading order."""
    chars = [c for line in lines(pdf, profile) for c in line.chars]
    text = "".join(c["text"] for c in chars)
    problems = []
    for heading, rest in paragraphs:
        start = text.find(heading + rest)
        if start < 0:
            problems.append(f"paragraph not found: {heading}{rest[:20]}")
            continue
        for part, want, offset in ((heading, heading_font, start), (rest, body_font, start + len(heading))):
            wrong = [
                f"{c['text']} in {base_font_name(c['fontname'])}"
                for c in chars[offset : offset + len(part)]
                if _is_hanzi(c["text"]) and base_font_name(c["fontname"]) != want
            ]
            if wrong:
                problems.append(f"{heading}: {', '.join(wrong[:5])}, want {want}")
    return problems


def outline_titles(path: Path) -> list[tuple[int, str]]:
    """The PDF outline (bookmarks) flattened to (depth, title)."""

    def walk(items: list, depth: int) -> list[tuple[int, str]]:
        out: list[tuple[int, str]] = []
        for item in items:
            if isinstance(item, list):
                out += walk(item, depth + 1)
            else:
                out.append((depth, item.title))
        return out

    return walk(PdfReader(path).outline, 0)
