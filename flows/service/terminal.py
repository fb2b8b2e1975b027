"""Names and text from files, made safe to print: nothing the CLI shows can drive the terminal.

A file name or a document may hold escape sequences (ESC ] 2 ; ... BEL retitles a terminal, ESC [ ...
moves the cursor or clears the screen), C1 controls (some terminals take U+009B for ESC [), and
invisible characters that make one name read as another (U+202E turns text around, U+200B hides).
Everything the CLI prints from a file, a file name or a setting goes through `printable`, which shows
those characters as Python escapes (\\x1b, \\u202e): visible, unambiguous and inert. Names are also
kept to one line; text that has lines (an outline, a normalized text on a terminal) keeps them.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import TextIO

# C0 and C1 controls, DEL, bidirectional and zero-width format characters, line and paragraph separators,
# and lone surrogates (a file name that is not UTF-8: printing one would raise UnicodeEncodeError).
_HIDDEN = "\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff"
_UNSAFE_IN_LINE = re.compile(f"[\x00-\x1f{_HIDDEN}]")
_UNSAFE_IN_TEXT = re.compile(f"[\x00-\x08\x0b-\x1f{_HIDDEN}]")  # keeps \t and \n


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: object, lines: bool = False) -> str:
    """`text` with every control and invisible character shown as an escape; one line unless `lines`."""
    return (_UNSAFE_IN_TEXT if lines else _UNSAFE_IN_LINE).sub(_escape, str(text))


def printable_to(stream: TextIO, text: str) -> str:
    """`text` as it may be written to `stream`: escaped for a terminal, unchanged for a pipe or a file
    (the output of `gongwen normalize` is data, and must reach a file byte for byte; `ls` does the same)."""
    return printable(text, lines=True) if stream.isatty() else text


def printable_json(text: str) -> str:
    """JSON text with those characters as JSON escapes (\\u001b): the same data, safe on any terminal."""
    return _UNSAFE_IN_TEXT.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


class _ConsoleRecords(logging.Filter):
    """Log records as the terminal shows them: printable (Prefect's log names the files it converts),
    and without Prefect's own account of a failure unless asked for (-v): the command says in one line
    what failed, where Prefect would print its traceback."""

    def __init__(self, verbose: bool) -> None:
        super().__init__()
        self.verbose = verbose

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.verbose:
            if record.levelno >= logging.ERROR and record.name.startswith("prefect."):
                return False
            record.exc_info, record.exc_text = None, None
        record.msg, record.args = printable(record.getMessage(), lines=True), None
        return True


def guard_console_log(verbose: bool) -> None:
    """Filter what the log handlers that print (the root logger's: Prefect's console) show."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, _ConsoleRecords) for f in handler.filters):
            handler.addFilter(_ConsoleRecords(verbose))


def err(message: str) -> None:
    """One line for the user on stderr, printable whatever names or values it holds."""
    print(printable(message), file=sys.stderr)
