"""Grid line breaking for the PDF writer: characters in, justified lines out.

A full-width character takes one grid cell (profile.char_pitch_pt at body size); half-width
characters (Latin, digits) take their font advance, condensed as the profile condenses the DOCX's
characters, and stay together as words. A Chinese character and a Latin letter or digit next to it are
the profile's latin space apart. Lines are filled greedily as a word processor fills the DOCX's (every
character its advance less the profile's condensing, the type width less the indents), then the break is
moved back to the last place where the line-breaking rules (避头尾, numbers and signs kept whole) let a
line end: the characters before a closing mark go down with it; where no place in the line will do,
closing marks are squeezed into the line. A line never grows wider than the width it is given.
Justification spreads space between those pieces, never inside a number or a Latin word.
"""

from __future__ import annotations

import itertools
import unicodedata
from dataclasses import dataclass

from tasks.text.widths import is_full_width as is_full_width  # render_pdf sizes glyphs with it
from tasks.writing.fonts import ResolvedFont, is_weak
from tasks.writing.layout import LineBreaking, Profile

_EPS = 1e-6


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
    """Unbreakable pieces: single full-width characters, half-width words, single spaces. A hyphen ends a
    word (0470-|8221234), and narrow quotation marks (set in the Latin font after a Latin character)
    part words: a line may end after - and ” and before “."""
    tokens: list[list[Glyph]] = []
    for glyph in glyphs:
        half_word = glyph.width < glyph.size * 0.9 and not glyph.char.isspace()
        previous = tokens[-1] if tokens else None
        if (
            half_word
            and previous
            and previous[-1].width < previous[-1].size * 0.9
            and not previous[-1].char.isspace()
            and unicodedata.category(previous[-1].char) not in ("Pf", "Pd")
            and unicodedata.category(glyph.char) != "Pi"
            and sum(g.width for g in previous) + glyph.width <= limit
        ):
            previous.append(glyph)
        else:
            tokens.append([glyph])
    return tokens


@dataclass(frozen=True)
class _Measure:
    """How a word processor measures the DOCX's lines, which the PDF's lines follow."""

    rules: LineBreaking
    condense: float  # pt off every character's advance
    cell: float  # the PDF's grid cell, in which indents are given
    latin_space: float  # pt between a Chinese character and a Latin letter or digit
    slack: float  # the DOCX's type width (margins in whole twips) over the PDF's
    indent_char: float  # one character of the DOCX's indents

    @classmethod
    def of(cls, profile: Profile, size: float) -> _Measure:
        rules = profile.line_breaking
        slack = profile.docx_type_width_pt - profile.type_width_pt
        condense, cell = profile.condense_pt(size), profile.cell_pt(size)
        return cls(rules, condense, cell, rules.latin_space_em * size, slack, profile.indent_char_pt(size))

    def width(self, token: list[Glyph]) -> float:
        return sum(g.advance - self.condense for g in token)

    def indent(self, indent: float) -> float:
        """An indent of the PDF's cells in the DOCX's characters (Profile.indent_char_pt)."""
        return indent / self.cell * self.indent_char

    def gap(self, a: Glyph, b: Glyph, change: bool) -> float:
        """Room between two neighbouring tokens, `a` ending one and `b` starting the next. Where the
        script changes, the word processor ends a text portion, whose last character keeps its full
        advance, and sets the latin space between a Chinese character and a Latin letter or digit (never
        beside a mark)."""
        if not change:
            return 0.0
        return self.condense + (self.latin_space if a.char.isalnum() and b.char.isalnum() else 0.0)


def _is_chinese(glyph: Glyph) -> bool:
    return is_full_width(glyph.char, glyph.advance, glyph.size)


def _scripts(glyphs: list[Glyph]) -> list[bool]:
    """Per glyph, whether the word processor counts it Chinese: full-width characters, except marks and
    signs of no script of their own, which take the script of the character before them (Chinese at the
    start)."""
    chinese: list[bool] = []
    for glyph in glyphs:
        chinese.append(chinese[-1] if is_weak(glyph.char) and chinese else _is_chinese(glyph))
    return chinese


def _bad_break(tokens: list[list[Glyph]], at: int, rules: LineBreaking) -> bool:
    before, after = tokens[at - 1][-1], tokens[at][0]
    if after.char in rules.no_line_start or before.char in rules.no_line_end:
        return True
    word, sign = _is_letter_or_digit, _is_symbol
    if (word(before) and sign(after)) or (sign(before) and word(after)):
        return True  # 8.3∶41.4 and 5℃ are one word, as Unicode's line breaking (UAX #14) has them
    return _is_letter_or_digit(after) and before.char in rules.marks_keeping_latin


def _is_letter_or_digit(glyph: Glyph) -> bool:
    """A Latin letter or digit (not a mark)."""
    return glyph.char.isalnum() and not _is_chinese(glyph)


def _is_symbol(glyph: Glyph) -> bool:
    """A sign (∶ ℃ ± →), which the line-breaking rules keep with the letters and digits beside it."""
    return unicodedata.category(glyph.char) in ("Sm", "So")


def _fix_break(tokens: list[list[Glyph]], start: int, end: int, rules: LineBreaking) -> int:
    """Move the break before tokens[end] back to the last place in the line where a line may end and the
    next begin, as the word processor does ("增长" before "6.8%、12.3%、7.8%，" that cannot be parted)."""
    at = end
    while at > start + 1 and _bad_break(tokens, at, rules):
        at -= 1
    if not _bad_break(tokens, at, rules):
        return at
    # Nowhere in the line: squeeze the closing marks into it.
    at = end
    while at < len(tokens) and tokens[at][0].char in rules.no_line_start:
        at += 1
    return at


def break_lines(
    glyphs: list[Glyph],
    width: float,
    first_indent: float,
    justify: bool,
    profile: Profile,
    left: float = 0.0,
) -> list[Line]:
    """Break a paragraph into lines of at most `width` (after `left` and, first line, `first_indent`).

    A line takes what fits as the word processor measures the DOCX (_Measure). Lines other than the last
    are justified to the full width when `justify` is set.
    """
    measure = _Measure.of(profile, glyphs[0].size)
    rules = measure.rules
    tokens, gaps = _pieces(glyphs, width - left - first_indent, measure)
    widths = [measure.width(token) for token in tokens]
    lines: list[Line] = []
    start = 0
    while start < len(tokens):
        indent = left + (first_indent if not lines else 0.0)
        room = width - indent
        fit_room = width + measure.slack - measure.indent(indent)
        end, used = start, 0.0
        # The line's last character keeps its full advance, as a portion's last does (_Measure.gap).
        while end < len(tokens) and used + widths[end] + measure.condense <= fit_room + _EPS:
            used += widths[end] + gaps[end]
            end += 1
        end = max(end, start + 1)
        if end < len(tokens):
            end = _fix_break(tokens, start, end, rules)
        fill = justify and end < len(tokens)
        lines.append(_line(tokens[start:end], gaps[start:end], indent, room, fill))
        start = end
    return lines


def _pieces(glyphs: list[Glyph], limit: float, measure: _Measure) -> tuple[list[list[Glyph]], list[float]]:
    """The tokens of a paragraph and the room after each (the last: none)."""
    tokens = _tokens(glyphs, limit)
    scripts = _scripts(glyphs)
    ends = list(itertools.accumulate(len(token) for token in tokens))  # index after each token
    gaps = [
        measure.gap(a[-1], b[0], scripts[end - 1] != scripts[end])
        for a, b, end in zip(tokens, tokens[1:], ends, strict=False)
    ]
    return tokens, [*gaps, 0.0]


def set_line(glyphs: list[Glyph], profile: Profile) -> Line:
    """One line as it stands (a title's, broken beforehand), with the latin spaces; not spread."""
    tokens, gaps = _pieces(glyphs, float("inf"), _Measure.of(profile, glyphs[0].size))
    return _line(tokens, gaps, 0.0, float("inf"), False)


def _line(tokens: list[list[Glyph]], gaps: list[float], indent: float, room: float, justify: bool) -> Line:
    """A line of `tokens` with the latin space between scripts, spread to `room` between tokens when
    justified or when too wide (squeezed)."""
    gaps = [*gaps[:-1], 0.0]  # none after the line's last token
    natural = sum(_width(token) for token in tokens) + sum(gaps)
    spread = 0.0
    if len(tokens) > 1 and (justify or natural > room + _EPS):
        spread = (room - natural) / (len(tokens) - 1)
    elif not any(gaps):
        return Line(tuple(g for token in tokens for g in token), indent)
    glyphs, spacing = [], []
    for i, (token, gap) in enumerate(zip(tokens, gaps, strict=True)):
        glyphs += token
        spacing += [0.0] * (len(token) - 1) + [gap + spread if i < len(tokens) - 1 else 0.0]
    return Line(tuple(glyphs), indent, tuple(spacing))


def _width(token: list[Glyph]) -> float:
    return sum(g.width for g in token)


def line_width(line: Line) -> float:
    return sum(g.width for g in line.glyphs) + sum(line.spacing)
