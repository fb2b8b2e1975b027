"""Widths: how many grid cells a character takes, which characters a font sets full width, and the
full-width forms of ASCII (Ａ１％) with their half-width counterparts.

A grid cell holds one Chinese character; Latin letters and digits take half a cell. Ambiguous-width
marks (“ — …) count as full: the Chinese fonts that set them give them a whole cell.
"""

from __future__ import annotations

import itertools
import unicodedata

# U+FF01-FF5E (！ … ～) are the ASCII marks, digits and letters U+0021-007E moved up by this much.
_FULL_WIDTH_OFFSET = 0xFEE0
_WIDE = ("F", "W")  # East Asian Width: full-width and wide
_AMBIGUOUS = "A"
_WIDE_ADVANCE = 0.9  # of the font size: an ambiguous mark this wide is set as a full-width one


def half_width(char: str) -> str:
    """The ASCII form of a full-width form: "１" -> "1", "Ａ" -> "A", "％" -> "%"."""
    return chr(ord(char) - _FULL_WIDTH_OFFSET)


def cells(char: str) -> float:
    """Grid cells `char` takes: 1 for Chinese characters and marks (ambiguous ones too), else 0.5."""
    kind = unicodedata.east_asian_width(char)
    return 1.0 if kind in _WIDE or kind == _AMBIGUOUS else 0.5


def text_cells(text: str, latin_space: float = 0.0) -> float:
    """Width of `text` in grid cells: Chinese characters and marks one cell, Latin letters and digits half,
    and `latin_space` cells wherever a Chinese character and a Latin letter or digit meet."""
    width = sum(map(cells, text))
    return width + script_changes(text) * latin_space if latin_space else width


def script_changes(text: str) -> int:
    """Places where a Chinese character and a Latin letter or digit meet: where the latin space goes."""
    return sum(a.isalnum() and b.isalnum() and cells(a) != cells(b) for a, b in itertools.pairwise(text))


def is_full_width(char: str, advance: float, size: float) -> bool:
    """Whether a font sets `char` in a whole cell: CJK characters and punctuation, and ambiguous-width
    marks (“ — …) when its advance at `size` is wide."""
    kind = unicodedata.east_asian_width(char)
    return kind in _WIDE or (kind == _AMBIGUOUS and advance >= _WIDE_ADVANCE * size)
