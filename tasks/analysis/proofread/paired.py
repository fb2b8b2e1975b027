"""Paired marks that do not close within their paragraph: “ ”, ‘ ’, 《 》, （ ）, 【 】, 〔 〕, 〈 〉.

GB/T 15834-2011 (4.1.3.4 引号): a quotation of several paragraphs opens each paragraph with “ and
closes only at the end of the last. So a paragraph left with an open “ is fine when the next
paragraph opens with “; the quotation must then close somewhere down the chain.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .finding import Finding, Locator

_OPEN_OF = {"）": "（", "》": "《", "〉": "〈", "】": "【", "〕": "〔", "”": "“", "’": "‘"}
_MARKS = re.compile("[（）《》〈〉【】〔〕“”‘’]")
# A paragraph ends at a line break after a final mark, or at an empty line.
_LINE_END = re.compile(r"(?<=[。！？；…”’）》】〕])[ \t　]*\n|\n[ \t　]*(?=\n)")
# Doubled angle marks are arrows of web furniture (》》点击进入《《), not titles.
_ARROWS = re.compile("《《+|》》+")
# "1）" "a）" "十）": a list marker written with the closing parenthesis alone.
_BARE_MARKER = re.compile(r"(?:^|[\s。；：，、])[0-9A-Za-z一二三四五六七八九十]{1,3}$")


def _paragraphs(text: str) -> Iterator[tuple[int, str]]:
    """(offset, text) of each paragraph. A line that stops mid-sentence (no final mark, as text copied
    from a web page wraps: "（" / "三）…", "【" / "打印本页" / "】") runs on into the next line."""
    start = 0
    for m in _LINE_END.finditer(text):
        if text[start : m.start()].strip():
            yield start, text[start : m.start()]
        start = m.end()
    if text[start:].strip():
        yield start, text[start:]


def _unmatched(line: str, continued: bool) -> tuple[list[tuple[str, int]], list[int]]:
    """(marks left open, closing marks without an opening) in one paragraph, as offsets in `line`.

    `continued`: the paragraph carries on a quotation, its opening “ stands for the one still open.
    """
    stack: list[tuple[str, int]] = []
    strays: list[int] = []
    for m in _MARKS.finditer(_ARROWS.sub(lambda a: " " * len(a.group()), line)):
        ch, pos = m.group(), m.start()
        if ch not in _OPEN_OF:
            if not (continued and ch == "“" and line[:pos].strip() == ""):
                stack.append((ch, pos))
        elif stack and stack[-1][0] == _OPEN_OF[ch]:
            stack.pop()
        elif any(mark == _OPEN_OF[ch] for mark, _ in stack):
            while stack[-1][0] != _OPEN_OF[ch]:  # crossed marks: the inner ones never closed
                strays.append(stack.pop()[1])
            stack.pop()
        elif continued and ch == "”":
            continued = False  # the quotation carried from above ends here
        elif not (ch == "）" and _BARE_MARKER.search(line[:pos])):
            strays.append(pos)
    if continued:
        stack.insert(0, ("“", -1))  # still open: the carried quotation
    return stack, strays


def check(locator: Locator) -> Iterator[Finding]:
    paragraphs = list(_paragraphs(locator.text))
    quote_opened_at: int | None = None  # offset of the “ a multi-paragraph quotation opened with
    for i, (start, line) in enumerate(paragraphs):
        open_marks, strays = _unmatched(line, quote_opened_at is not None)
        for pos in strays:
            at = start + pos
            yield locator.finding("unpaired", at, at + 1, f"{line[pos]} without its opening")
        next_opens_quote = i + 1 < len(paragraphs) and paragraphs[i + 1][1].lstrip().startswith("“")
        if open_marks and open_marks[0][0] == "“" and len(open_marks) == 1 and next_opens_quote:
            if quote_opened_at is None:
                quote_opened_at = start + open_marks[0][1]
            continue  # the quotation runs on into the next paragraph
        for mark, pos in open_marks:
            at = quote_opened_at if pos < 0 and quote_opened_at is not None else start + pos
            yield locator.finding("unpaired", at, at + 1, f"{mark} not closed in its paragraph")
        quote_opened_at = None
