"""Fonts for the OFD package: TrueType subsets cut by the PDF writer's own subsetter, and licence bits.

reportlab's `makeSubset` (what the PDF embeds) writes a cmap from subset positions to glyphs, for its
one-byte PDF encoding; an OFD reader maps the Unicode text of a TextCode through the font's cmap, so
the subset's cmap is rewritten to a Unicode one (platform 3) before it goes into the package.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont as FtFont
from fontTools.ttLib.tables._c_m_a_p import cmap_format_4, cmap_format_12

from tasks.writing.fonts import ResolvedFont

# OS/2 fsType (OpenType spec): bits 0-3 == 2 is "restricted licence embedding"; 0x0100 "no
# subsetting" and 0x0200 "bitmap embedding only" rule out the outline subset the package carries.
_RESTRICTED = 0x0002
_NO_OUTLINE_SUBSET = 0x0300


@lru_cache(maxsize=32)
def embedding_allowed(path: Path, index: int) -> bool:
    """False when the font's licence bits forbid embedding an outline subset of it."""
    with FtFont(path, fontNumber=index, lazy=True) as font:
        if "OS/2" not in font:
            return True
        fs_type = font["OS/2"].fsType
    return (fs_type & 0x000F) != _RESTRICTED and not fs_type & _NO_OUTLINE_SUBSET


def truetype_subset(font: ResolvedFont, chars: Iterable[str]) -> bytes:
    """A TrueType file with the glyphs of `chars` and a Unicode cmap for them."""
    codes = sorted({ord(char) for char in chars})
    data = font.face().face.makeSubset(codes)
    subset = FtFont(io.BytesIO(data), lazy=True)  # lazy: the other tables are copied as they are
    positions = subset["cmap"].tables[0].cmap  # subset position -> glyph name
    unicode_map = {codes[position]: name for position, name in positions.items()}
    wide = max(codes) > 0xFFFF
    table = cmap_format_12(12) if wide else cmap_format_4(4)
    table.platformID, table.platEncID, table.language = 3, 10 if wide else 1, 0
    table.cmap = unicode_map
    subset["cmap"].tables = [table]
    out = io.BytesIO()
    subset.save(out, reorderTables=False)  # reportlab's order, kept: sorting costs a third of the save
    return out.getvalue()
