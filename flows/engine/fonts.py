"""The fonts of a conversion, resolved and parsed once per process and font setting, not per document."""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

from flows.config import FontKey
from tasks.writing.fonts import FontSet, resolve_fonts
from tasks.writing.layout import FontRole

_lock = threading.Lock()  # a warm-up thread may be loading the fonts right now


def fonts_for(key: FontKey) -> FontSet:
    """The font set of `key`, resolved at its first use in this process."""
    with _lock:
        return _font_set(key)


def load_fonts(key: FontKey) -> None:
    """Resolve and parse the fonts of `key` now rather than in the first document."""
    with _lock:
        fonts = _font_set(key)
        for font in (*fonts.roles.values(), *([fonts.latin] if fonts.latin else [])):
            font.face()


@lru_cache(maxsize=4)
def _font_set(key: FontKey) -> FontSet:
    return resolve_fonts({FontRole(role): Path(path) for role, path in key} or None)
