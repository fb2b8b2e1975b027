"""outputs/NAME/changes.html: the input text with every change and warning marked, for review.

Self-contained (inline CSS, no script): a change shows its input text struck through and the
replacement inline, with rule and note on hover; a warning is underlined with its message on hover;
a piece left out of the document (site or news furniture) is struck through on grey, its reason on
hover.
"""

from __future__ import annotations

from collections import defaultdict
from html import escape

from tasks.model import Change, Diagnostic, DroppedLine, NormalizedText

_CSS = """
body{font:16px/1.9 "Noto Serif CJK SC","Songti SC",serif;margin:2em auto;max-width:60em;color:#222}
h1{font-size:1.3em} .sum{color:#555} table{border-collapse:collapse}
.l{white-space:pre-wrap;word-break:break-all} .n{color:#999;text-align:right;padding-right:1em;
vertical-align:top;user-select:none;font:12px/2.4 monospace}
del{background:#fdd;color:#a00} ins{background:#dfd;color:#060;text-decoration:none}
.c{cursor:help;border-radius:2px} .c del:empty::after{content:"∅";color:#a00}
.w{text-decoration:underline wavy #e80;cursor:help} .wm{color:#c60;font-size:.8em;cursor:help}
.ws del,.ws ins{background:#eee;color:#777} s.f{background:#e4e4e4;color:#888;cursor:help}
"""


def _hover(item: Change | Diagnostic) -> str:
    if isinstance(item, Change):
        return escape(f"{item.rule} {item.before!r} → {item.after!r} {item.note}".strip())
    return escape(f"{item.rule}: {item.message}")


def _stretch_html(line: str, start: int, end: int, changes: list[Change], warnings: list[Diagnostic]) -> str:
    """line[start:end] with the changes (del+ins) and warnings (wavy underline) at its columns."""
    out: list[str] = []
    pos = start
    marks = sorted(
        [(c.column - 1, 0, c) for c in changes] + [(w.column - 1, 1, w) for w in warnings],
        key=lambda m: m[:2],
    )
    for column, _, item in marks:
        if not (start <= column < end or (end == len(line) and column >= end)):
            continue  # another stretch's; the last one takes marks past the end of the line
        if column > pos:
            out.append(escape(line[pos:column]))
            pos = column
        if isinstance(item, Change):
            # A later rule may rewrite text an earlier one produced; then it no longer matches the input.
            span = len(item.before) if line.startswith(item.before, column) and column >= pos else 0
            kind = "c ws" if item.note.startswith("whitespace") else "c"
            before = escape(line[column : column + span])
            out.append(
                f'<span class="{kind}" title="{_hover(item)}"><del>{before}</del>'
                f"<ins>{escape(item.after)}</ins></span>"
            )
            pos = max(pos, column + span)
        elif column >= pos and column < len(line):
            out.append(f'<span class="w" title="{_hover(item)}">{escape(line[column])}</span>')
            pos = column + 1
        else:
            out.append(f'<span class="wm" title="{_hover(item)}">⚠</span>')
    out.append(escape(line[pos:end]))
    return "".join(out)


def _input_column(changes: list[Change], column: int) -> int:
    """The input column of a column of the normalized line, replaying the line's changes."""
    shift = 0  # input column minus normalized column, left of the current change
    for change in sorted(changes, key=lambda c: c.column):
        start = change.column - 1
        if column < start - shift:
            break
        if column < start - shift + len(change.after):
            return start  # inside a replacement: where the replaced text began
        shift += len(change.before) - len(change.after)
    return column + shift


def _dropped_columns(
    normalized: str, dropped: tuple[DroppedLine, ...], changes: dict[int, list[Change]]
) -> dict[int, list[tuple[int, int, str]]]:
    """Per input line, the (start, end, reason) columns of the pieces left out."""
    found: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for piece in dropped:
        offset = piece.offset
        for number, part in enumerate(piece.text.split("\n"), start=piece.line):
            column = offset - (normalized.rfind("\n", 0, offset) + 1)
            start = _input_column(changes[number], column)
            end = _input_column(changes[number], column + len(part))
            found[number].append((start, max(start, end), piece.reason))
            offset += len(part) + 1
    return found


def _line_html(
    line: str, changes: list[Change], warnings: list[Diagnostic], dropped: list[tuple[int, int, str]]
) -> str:
    """The input line, its pieces left out struck through, the changes and warnings marked."""
    out: list[str] = []
    pos = 0
    for start, end, reason in sorted(dropped):
        start, end = max(start, pos), min(end, len(line))
        if start >= end:
            continue
        out.append(_stretch_html(line, pos, start, changes, warnings))
        inner = _stretch_html(line, start, end, changes, warnings)
        out.append(f'<s class="f" title="{escape("left out: " + reason)}">{inner}</s>')
        pos = end
    out.append(_stretch_html(line, pos, len(line), changes, warnings))
    return "".join(out)


def render_changes_html(
    source_text: str,
    result: NormalizedText,
    title: str,
    dropped: tuple[DroppedLine, ...] = (),
    doubts: tuple[Diagnostic, ...] = (),
) -> str:
    """A review page: every input line, changes and warnings highlighted with before/after, the
    pieces left out of the document (`Document.dropped`, offsets into `result.text`) struck through,
    and the proofreader's doubts listed and underlined with the warnings."""
    changes: dict[int, list[Change]] = defaultdict(list)
    warnings: dict[int, list[Diagnostic]] = defaultdict(list)
    for c in result.changes:
        changes[c.line].append(c)
    for w in (*result.warnings, *doubts):
        warnings[w.line].append(w)
    left_out = _dropped_columns(result.text, dropped, changes)
    rows = [
        f'<tr id="L{n}"><td class="n">{n}</td>'
        f'<td class="l">{_line_html(line, changes[n], warnings[n], left_out[n])}</td></tr>'
        for n, line in enumerate(source_text.split("\n"), start=1)
    ]
    listing = "".join(
        f'<li><a href="#L{w.line}">{w.line}:{w.column}</a> {escape(w.rule)} {escape(w.message)}'
        f" <q>{escape(w.excerpt)}</q></li>"
        for w in sorted((*result.warnings, *doubts), key=lambda w: (w.line, w.column))
    )
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{escape(title)}</h1>"
        f'<p class="sum">{len(result.changes)} changes, {len(result.warnings) + len(doubts)} warnings, '
        f"{len(dropped)} pieces left out. Struck through: input; green: replacement; wavy underline: "
        "please review; struck through on grey: left out of the document. Hover for the rule.</p>"
        + (f"<h2>Warnings</h2><ol>{listing}</ol>" if listing else "")
        + f"<table>{''.join(rows)}</table></body></html>\n"
    )
