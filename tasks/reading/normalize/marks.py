"""R8 book-title marks, R9 quotes, R13 balance of paired marks (report only)."""

from __future__ import annotations

import re

from tasks.text.chars import HAN

from .base import Edit, Flag, Rule, Step, rewrite

# R8 --------------------------------------------------------------------------------------------
# The title inside may hold a title of its own: <<关于印发<方案>的通知>>.
_DOUBLE_ANGLES = re.compile(r"<<((?:[^<>\n]|<[^<>\n]*>)+)>>|《《([^《》\n]+)》》")
# Not a comparison: no Latin letter or space just inside the angles (a<b且c>d stays).
_ANGLES_AROUND_HAN = re.compile(rf"<(?![A-Za-z ])([^<>\n]*[{HAN}][^<>\n]*)(?<![A-Za-z ])>")
_MISMATCHED = re.compile(r"《([^《》<>\n]*)>|<([^《》<>\n]*)》")
_NESTED = re.compile(r"(《[^《》\n]*)《([^《》\n]*)》([^《》\n]*》)")


def _inner(m: re.Match[str]) -> str:
    return f"{m[1]}〈{m[2]}〉{m[3]}"


# R9 --------------------------------------------------------------------------------------------
_DOUBLE_QUOTES = re.compile('["“”]')
# An apostrophe (It's, It’s) is not a quote.
_SINGLE_QUOTES = re.compile("‘|(?<![A-Za-z])['’]|['’](?![A-Za-z])")
# Worth a look: a straight quote, curly ones out of turn (two openings), or a line opening with a closing.
_QUOTE_SUSPECT = re.compile(
    "(?=[\"'“”‘’])(?:[\"']|“[^”\n]*“|”[^“\n]*”|‘[^’\n]*‘|’[^‘\n]*’)|^(?=[^“\n]*”)", re.MULTILINE
)


def _pair_quotes(line: str, offset: int, pattern: re.Pattern[str], pair: str, edits: list[Edit]) -> None:
    marks = list(pattern.finditer(line))
    straight = any(m.group() in "\"'" for m in marks)
    if len(marks) % 2 and not straight:
        return  # an odd count of curly marks may be a quotation running on to the next paragraph; R13 says so
    for i, m in enumerate(marks):
        want = pair[i % 2]
        if m.group() != want:
            edits.append(Edit(offset + m.start(), offset + m.end(), want, "quotes paired in order"))


def _quotes(text: str) -> Step:
    edits: list[Edit] = []
    line_end = -1
    for hit in _QUOTE_SUSPECT.finditer(text):
        if hit.start() <= line_end:
            continue  # this line is done
        start = text.rfind("\n", 0, hit.start()) + 1
        line_end = text.find("\n", hit.start())
        line_end = len(text) if line_end < 0 else line_end
        line = text[start:line_end]
        _pair_quotes(line, start, _DOUBLE_QUOTES, "“”", edits)
        _pair_quotes(line, start, _SINGLE_QUOTES, "‘’", edits)
    edits.sort()
    return Step(edits, [])


# R13 -------------------------------------------------------------------------------------------
_OPEN_OF = {"）": "（", "》": "《", "〉": "〈", "】": "【", "〕": "〔", "”": "“", "’": "‘"}
_PAIRED = re.compile("[（）《》〈〉【】〔〕“”‘’\n]")


def _balance(text: str) -> Step:
    """Per paragraph (line): every closing mark must meet its opening mark, innermost first."""
    flags = []
    stack: list[tuple[str, int]] = []
    for m in _PAIRED.finditer(text):
        ch = m.group()
        if ch == "\n":
            flags.extend(Flag(pos, pos + 1, f"unclosed {mark}") for mark, pos in stack)
            stack.clear()
        elif ch not in _OPEN_OF:
            stack.append((ch, m.start()))
        elif stack and stack[-1][0] == _OPEN_OF[ch]:
            stack.pop()
        elif any(mark == _OPEN_OF[ch] for mark, _ in stack):
            # crossed marks: the ones opened after the match are the unclosed ones
            while stack[-1][0] != _OPEN_OF[ch]:
                mark, pos = stack.pop()
                flags.append(Flag(pos, pos + 1, f"unclosed {mark}"))
            stack.pop()
        else:
            flags.append(Flag(m.start(), m.end(), f"{ch} without its opening {_OPEN_OF[ch]}"))
    flags.extend(Flag(pos, pos + 1, f"unclosed {mark}") for mark, pos in stack)
    flags.sort()
    return Step([], flags)


RULES = (
    Rule("R8", rewrite(_DOUBLE_ANGLES, lambda m: f"《{m[1] or m[2]}》", "book-title marks")),
    Rule("R8", rewrite(_ANGLES_AROUND_HAN, lambda m: f"《{m[1]}》", "book-title marks")),
    Rule(
        "R8", rewrite(_MISMATCHED, lambda m: f"《{m[1] if m[1] is not None else m[2]}》", "book-title marks")
    ),
    Rule("R8", rewrite(_NESTED, _inner, "inner book-title marks")),
    Rule("R9", _quotes),
)
BALANCE = (Rule("R13", _balance),)
