"""A title (maybe with its subtitle), its date, the speaker and the salutation run together at the
start of a text.

Scraped reprints lose the line breaks of the front matter:
`在中央政治局常委会会议……时的讲话（2020年2月3日）习近平　　武汉……`,
`关于《……的决定》的说明习近平同志们：`, `建设……的考古学 更好认识……中华文明 习近平我国是……`,
`……伟大胜利——在……大会上的报告（2017年10月18日）习近平同志们：`.
The title ends where a bracketed date, a speaker's name or a salutation begins; the name is the
person name (jieba's part of speech) that follows. A space inside the title stands for a line break;
a dash (——) starts the subtitle.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tasks.model import BlockKind
from tasks.reading.structure import parts
from tasks.text.chars import HAN, WS
from tasks.text.markers import parse_marker
from tasks.text.words import tagged

_HAN = re.compile(f"[{HAN}]+")
_WINDOW = 240  # characters at the start of the text where the front matter may run together
_TITLE_MIN, _TITLE_MAX = 4, 120  # a title with its subtitle run on
_DATE = re.compile(r"[（(][^（）()]{0,20}?\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日[^（）()]{0,12}[）)]")
_GAP = re.compile(f"[{WS}]+")
_SENTENCE_PUNCTUATION = re.compile(r"[，。；：！？,;:!?]")
_QUOTED_TITLE = re.compile(r"《[^《》]*》")
_SALUTATION = re.compile(r"[^，。；：！？\s]{2,20}[：:]")
_NAME_LENGTH = (2, 4)
_DASH = re.compile(r"\s*(?:——|--|－－|――|──)")


@dataclass(frozen=True)
class FrontPiece:
    """text[start:end] is a front-matter part of the kind `kind` (a title has one piece per line)."""

    kind: BlockKind
    start: int
    end: int


def _name_at(text: str, start: int, limit: int) -> int | None:
    """The end of a person's name at text[start:limit], if one starts there. jieba's part-of-speech
    model is loaded only here, for a text whose title runs on into more text."""
    if start >= limit or not _HAN.match(text, start):
        return None
    words = tagged(text[start : min(limit, start + 12)])
    if not words or not words[0][1].startswith("nr"):
        return None
    word = words[0][0]
    if not _NAME_LENGTH[0] <= len(word) <= _NAME_LENGTH[1] or not _HAN.fullmatch(word):
        return None
    return start + len(word)


def _salutation_at(text: str, start: int) -> int | None:
    """The end of 同志们： (or 各位代表：) at text[start:]."""
    match = _SALUTATION.match(text, start)
    return match.end() if match and parts.is_salutation(match.group()) else None


def _title_like(text: str) -> bool:
    """A title's text: no sentence punctuation (inside 《》 anything goes), no heading marker."""
    bare = _QUOTED_TITLE.sub("《》", text)
    length = len(_GAP.sub("", text))
    return (
        _TITLE_MIN <= length <= _TITLE_MAX
        and _SENTENCE_PUNCTUATION.search(bare) is None
        and parse_marker(text.strip()) is None
    )


def _skip_gap(text: str, position: int) -> int:
    gap = _GAP.match(text, position)
    return gap.end() if gap else position


def _title_pieces(text: str, start: int, end: int) -> list[FrontPiece]:
    """One TITLE piece per line of a title whose lines a space separates; a subtitle (——在……上的报告)
    run on to it is a piece of its own."""
    dash = _DASH.search(text, start + 1, end)
    subtitle = [FrontPiece(BlockKind.SUBTITLE, dash.end() - len(dash.group().lstrip()), end)] if dash else []
    end = dash.start() if dash else end
    pieces, position = [], start
    for gap in _GAP.finditer(text, start, end):
        pieces.append(FrontPiece(BlockKind.TITLE, position, gap.start()))
        position = gap.end()
    return [*pieces, FrontPiece(BlockKind.TITLE, position, end), *subtitle]


def _after_title(text: str, position: int, limit: int) -> tuple[list[FrontPiece], int]:
    """Date and speaker (in either order), then the salutation, after a title's end, as far as they go."""
    found: list[FrontPiece] = []
    readers = {
        BlockKind.DATE: lambda at: m.end() if (m := _DATE.match(text, at, limit)) else None,
        BlockKind.SPEAKER: lambda at: _name_at(text, at, limit),
        BlockKind.SALUTATION: lambda at: _salutation_at(text, at),
    }
    while readers:
        at = _skip_gap(text, position)
        kind, end = next(((k, e) for k, read in readers.items() if (e := read(at)) is not None), (None, None))
        if kind is None or end is None:
            break
        found.append(FrontPiece(kind, at, end))
        position = end
        readers = {} if kind is BlockKind.SALUTATION else {k: r for k, r in readers.items() if k is not kind}
    return found, position


def _title_ends(text: str, start: int, limit: int) -> list[int]:
    """Where the title may end: before a date, at a space or after its genre word (讲话, 说明 …)."""
    masked = _QUOTED_TITLE.sub(lambda m: "《" * len(m.group()), text[:limit])  # marks in 《》 are no stop
    stop = _SENTENCE_PUNCTUATION.search(masked, start)
    end = stop.start() if stop else limit
    ends = {m.start() for m in _DATE.finditer(text, start, limit) if m.start() <= end}
    ends |= {gap.start() for gap in _GAP.finditer(text, start, end)}
    ends |= {pos for pos in range(start + _TITLE_MIN, end + 1) if parts.names_genre(text[start:pos])}
    return sorted(ends)


def split_front_run(text: str) -> tuple[list[FrontPiece], int] | None:
    """The front pieces run together at the start of `text` and where the body starts after them, or
    None when the start of the text is no such run (a title alone on its line is left to the caller)."""
    start = len(text) - len(text.lstrip())
    line_end = text.find("\n", start)
    limit = min(len(text), start + _WINDOW, line_end if line_end >= 0 else len(text))
    best: tuple[list[FrontPiece], int] | None = None
    for end in _title_ends(text, start, limit):
        if not _title_like(text[start:end]):
            continue
        after, body = _after_title(text, end, limit)
        spoken = any(piece.kind is BlockKind.SPEAKER for piece in after)
        if after and (spoken or parts.names_genre(text[start:end])):
            best = (_title_pieces(text, start, end) + after, body)
    return best
