"""Grid line breaking for the PDF writer: characters in, justified lines out.

A full-width character takes one grid cell (profile.char_pitch_pt at body size); half-width
characters (Latin, digits) take their font advance and stay together as words. Lines are filled
greedily, then the break is moved for Chinese line-breaking rules (避头尾): the previous character is
pulled down to the next line, or, where that cannot help, closing marks are squeezed into the line.
A line never grows wider than the width it is given. Justification spreads space between those
pieces, never inside a number or a Latin word.
"""

from __future__ import annotations

from dataclasses import dataclass

from tasks.fonts import ResolvedFont
from tasks.text.chars import NO_LINE_END, NO_LINE_START
from tasks.text.widths import is_full_width as is_full_width  # render_pdf sizes glyphs with it

_EPS = 1e-6
_MAX_PULL = 3  # characters pulled down at most before squeezing instead


@dataclass(frozen=True)
class Glyph:
    char: str
    font: ResolvedFont
    size: float
    advance: float  # the font's own advance at `size`
    width: float  # room taken on the line: a grid cell, or the advance for half-width characters
    bold: bool = False


@dataclass(frozen=True)
class Line:
    glyphs: tuple[Glyph, ...]
    indent: float  # from the left edge of the type area to the first glyph's cell
    # Extra space after each glyph (justification; negative when squeezed); empty: none anywhere.
    spacing: tuple[float, ...] = ()

    def space_after(self, index: int) -> float:
        return self.spacing[index] if self.spacing else 0.0


def _tokens(glyphs: list[Glyph], limit: float) -> list[list[Glyph]]:
    """Unbreakable pieces: single full-width characters, half-width words, single spaces."""
    tokens: list[list[Glyph]] = []
    for glyph in glyphs:
        half_word = glyph.width < glyph.size * 0.9 and not glyph.char.isspace()
        previous = tokens[-1] if tokens else None
        if (
            half_word
            and previous
            and previous[-1].width < previous[-1].size * 0.9
            and not previous[-1].char.isspace()
            and sum(g.width for g in previous) + glyph.width <= limit
        ):
            previous.append(glyph)
        else:
            tokens.append([glyph])
    return tokens


def _bad_break(tokens: list[list[Glyph]], at: int) -> bool:
    return tokens[at][0].char in NO_LINE_START or tokens[at - 1][-1].char in NO_LINE_END


def _fix_break(tokens: list[list[Glyph]], start: int, end: int) -> int:
    """Move the break before tokens[end] so that no line starts or ends with a forbidden mark."""
    at = end
    while at > start + 1 and end - at < _MAX_PULL and _bad_break(tokens, at):
        at -= 1
    if not _bad_break(tokens, at):
        return at
    # Pulling down did not help: squeeze the closing marks into this line.
    at = end
    while at < len(tokens) and tokens[at][0].char in NO_LINE_START:
        at += 1
    return at


def break_lines(
    glyphs: list[Glyph], width: float, first_indent: float, justify: bool, left: float = 0.0
) -> list[Line]:
    """Break a paragraph into lines of at most `width` (after `left` and, first line, `first_indent`).

    Lines other than the last are justified to the full width when `justify` is set.
    """
    tokens = _tokens(glyphs, width - left - first_indent)
    widths = [_width(token) for token in tokens]
    lines: list[Line] = []
    start = 0
    while start < len(tokens):
        indent = left + (first_indent if not lines else 0.0)
        room = width - indent
        end, used = start, 0.0
        while end < len(tokens) and used + widths[end] <= room + _EPS:
            used += widths[end]
            end += 1
        end = max(end, start + 1)
        if end < len(tokens):
            end = _fix_break(tokens, start, end)
        fill = justify and end < len(tokens)
        lines.append(_line(tokens[start:end], widths[start:end], indent, room, fill))
        start = end
    return lines


def _line(tokens: list[list[Glyph]], widths: list[float], indent: float, room: float, justify: bool) -> Line:
    """A line of `tokens`, spread to `room` between tokens when justified or when too wide (squeezed)."""
    natural = sum(widths)
    if len(tokens) < 2 or not (justify or natural > room + _EPS):
        return Line(tuple(g for token in tokens for g in token), indent)
    gap = (room - natural) / (len(tokens) - 1)
    glyphs, spacing = [], []
    for i, token in enumerate(tokens):
        glyphs += token
        spacing += [0.0] * (len(token) - 1) + [gap if i < len(tokens) - 1 else 0.0]
    return Line(tuple(glyphs), indent, tuple(spacing))


def _width(token: list[Glyph]) -> float:
    return sum(g.width for g in token)


def line_width(line: Line) -> float:
    return sum(g.width for g in line.glyphs) + sum(line.spacing)
