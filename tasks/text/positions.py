"""Where each line of a text starts: offsets to 1-based (line, column) and back."""

from __future__ import annotations

import re

_NEWLINE = re.compile("\n")


def line_starts(text: str) -> list[int]:
    """The offset of each line's first character; line N (1-based) starts at [N - 1]."""
    return [0, *(m.end() for m in _NEWLINE.finditer(text))]
