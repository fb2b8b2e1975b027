"""What a fixed-layout writer draws on: pages of glyph runs, rules and bookmarks.

The PDF writer lays a Document out once and hands every mark to a `Surface`; `CanvasSurface` turns the
marks into PDF operators on a reportlab canvas, tasks/writing/render_ofd.py into an OFD package.
Coordinates are PDF points with the origin at the bottom left of the page, as the layout computes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from reportlab import rl_config
from reportlab.lib.colors import HexColor
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.pdfgen.canvas import Canvas

from tasks.writing.fonts import ResolvedFont
from tasks.writing.typeset import Glyph

FAKE_BOLD_STROKE = 0.03  # stroke width per pt of size when a profile asks for a bold role
_EPS = 1e-6
# reportlab's number format, remembered: glyphs sit on a grid, so a few thousand x values serve a
# 100-page report, and formatting is slow without reportlab's optional C accelerator.
_number = lru_cache(maxsize=8192)(fp_str)
# Binary streams, as most PDF writers write them: ASCII85 makes the file ~8% larger and, without the
# C accelerator, takes a fifth of the time of a long document. Readers decode both alike.
rl_config.useA85 = 0


class Surface(Protocol):
    def set_metadata(self, title: str, author: str, creator: str) -> None: ...

    def end_page(self) -> None:
        """Close the current page; the next mark goes on a new one."""

    def draw_glyphs(self, glyphs: Sequence[Glyph], origins: Sequence[float], baseline: float) -> None:
        """One line's glyphs, each at its own pen origin x, all on `baseline`."""

    def rule(self, x0: float, y0: float, x1: float, y1: float, width: float) -> None:
        """A straight stroke in the current stroke colour."""

    def set_fill_color(self, rgb: str) -> None:
        """Colour of the glyphs drawn next, as six hex digits."""

    def set_stroke_color(self, rgb: str) -> None:
        """Colour of the rules drawn next, as six hex digits."""

    def bookmark(self, title: str, level: int, top: float) -> None:
        """An outline entry at `level` (0 = top) pointing at `top` on the current page."""

    def save(self) -> None:
        """Write the file."""


def runs(glyphs: Sequence[Glyph], spaces: Sequence[float]) -> list[range]:
    """Stretches of glyphs with one font, weight and spacing to the next glyph."""
    found: list[range] = []
    start = 0
    for i in range(1, len(glyphs) + 1):
        if i == len(glyphs) or not (
            _same_font(glyphs[i].font, glyphs[start].font)
            and glyphs[i].bold == glyphs[start].bold
            and abs(spaces[i - 1] - spaces[start]) < _EPS
        ):
            found.append(range(start, i))
            start = i
    return found


def _same_font(a: ResolvedFont, b: ResolvedFont) -> bool:
    return a is b or a == b


class CanvasSurface:
    """PDF through reportlab: text runs written as raw operators, everything else through the canvas."""

    def __init__(self, out: Path, size: tuple[float, float], initial_font: ResolvedFont) -> None:
        initial_font.face()  # registered before the canvas names it
        # invariant: same input, same bytes. The initial font replaces Helvetica, which is not embedded.
        self.canvas = Canvas(str(out), pagesize=size, invariant=True, initialFontName=initial_font.pdf_name)
        self.bookmarks = 0

    def set_metadata(self, title: str, author: str, creator: str) -> None:
        self.canvas.setTitle(title)
        self.canvas.setAuthor(author)
        self.canvas.setCreator(creator)

    def end_page(self) -> None:
        self.canvas.showPage()

    def draw_glyphs(self, glyphs: Sequence[Glyph], origins: Sequence[float], baseline: float) -> None:
        """Batch stretches that share font and spacing into one text run.

        reportlab's character spacing (Tc) carries the pen from one glyph's origin to the next. The
        operators are the ones reportlab's text object writes, assembled here: its textOut measures and
        re-splits every piece again, most of the time of a long document.
        """
        if any(g.bold for g in glyphs):
            self.canvas.setLineWidth(glyphs[0].size * FAKE_BOLD_STROKE)  # fill + stroke fakes bold
        spaces = [b - a - g.advance for a, b, g in zip(origins, origins[1:], glyphs, strict=False)]
        code = ["BT 1 0 0 1 0 0 Tm"]
        mode = 0
        for run in runs(glyphs, spaces):
            first = glyphs[run.start]
            code.append(f"{_number(spaces[run.start] if len(run) > 1 else 0.0)} Tc")
            if (2 if first.bold else 0) != mode:
                mode = 2 - mode
                code.append(f"{mode} Tr")
            chars = "".join(g.char for g in glyphs[run.start : run.stop])
            self._pieces(code, first, chars, origins[run.start : run.stop], baseline)
        code.append("ET")
        self.canvas.addLiteral(" ".join(code))

    def _pieces(
        self, code: list[str], first: Glyph, chars: str, origins: Sequence[float], baseline: float
    ) -> None:
        """One text run per font subset: readers that drop Tc after a run's last glyph stay on the grid."""
        face = first.font.face()
        doc = self.canvas._doc
        size = f"{_number(first.size)} Tf {_number(first.size * 1.2)} TL"  # reportlab's default leading
        y = _number(baseline)
        start = 0
        for subset, codes in face.splitString(chars, doc):
            name = face.getSubsetInternalName(subset, doc)
            code.append(f"1 0 0 1 {_number(origins[start])} {y} Tm {name} {size} ({escapePDF(codes)}) Tj")
            start += len(codes)

    def rule(self, x0: float, y0: float, x1: float, y1: float, width: float) -> None:
        self.canvas.setLineWidth(width)
        self.canvas.line(x0, y0, x1, y1)

    def set_fill_color(self, rgb: str) -> None:
        self.canvas.setFillColor(HexColor("#" + rgb))

    def set_stroke_color(self, rgb: str) -> None:
        self.canvas.setStrokeColor(HexColor("#" + rgb))

    def bookmark(self, title: str, level: int, top: float) -> None:
        key = f"h{self.bookmarks}"
        self.canvas.bookmarkHorizontal(key, 0, top)
        self.canvas.addOutlineEntry(title, key, level, closed=False)
        self.bookmarks += 1

    def save(self) -> None:
        if self.bookmarks:
            self.canvas.showOutline()
        self.canvas.save()
