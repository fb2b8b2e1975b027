"""outputs/NAME/changes.html: the input text with every change and warning marked, for review.

Self-contained (inline CSS, no script): a change shows its input text struck through and the
replacement inline, with rule and note on hover; a warning is underlined with its message on hover.
"""

from __future__ import annotations

from collections import defaultdict
from html import escape

from tasks.model import Change, Diagnostic, NormalizedText

_CSS = """
body{font:16px/1.9 "Noto Serif CJK SC","Songti SC",serif;margin:2em auto;max-width:60em;color:#222}
h1{font-size:1.3em} .sum{color:#555} table{border-collapse:collapse}
.l{white-space:pre-wrap;word-break:break-all} .n{color:#999;text-align:right;padding-right:1em;
vertical-align:top;user-select:none;font:12px/2.4 monospace}
del{background:#fdd;color:#a00} ins{background:#dfd;color:#060;text-decoration:none}
.c{cursor:help;border-radius:2px} .c del:empty::after{content:"∅";color:#a00}
.w{text-decoration:underline wavy #e80;cursor:help} .wm{color:#c60;font-size:.8em;cursor:help}
.ws del,.ws ins{background:#eee;color:#777}
"""


def _hover(item: Change | Diagnostic) -> str:
    if isinstance(item, Change):
        return escape(f"{item.rule} {item.before!r} → {item.after!r} {item.note}".strip())
    return escape(f"{item.rule}: {item.message}")


def _line_html(line: str, changes: list[Change], warnings: list[Diagnostic]) -> str:
    """The input line with changes (del+ins) and warnings (wavy underline) at their columns."""
    out: list[str] = []
    pos = 0
    marks = sorted(
        [(c.column - 1, 0, c) for c in changes] + [(w.column - 1, 1, w) for w in warnings],
        key=lambda m: m[:2],
    )
    for start, _, item in marks:
        if start > pos:
            out.append(escape(line[pos:start]))
            pos = start
        if isinstance(item, Change):
            # A later rule may rewrite text an earlier one produced; then it no longer matches the input.
            span = len(item.before) if line.startswith(item.before, start) and start >= pos else 0
            kind = "c ws" if item.note.startswith("whitespace") else "c"
            out.append(
                f'<span class="{kind}" title="{_hover(item)}"><del>{escape(line[start : start + span])}</del>'
                f"<ins>{escape(item.after)}</ins></span>"
            )
            pos = max(pos, start + span)
        else:
            if start >= pos and start < len(line):
                out.append(f'<span class="w" title="{_hover(item)}">{escape(line[start])}</span>')
                pos = start + 1
            else:
                out.append(f'<span class="wm" title="{_hover(item)}">⚠</span>')
    out.append(escape(line[pos:]))
    return "".join(out)


def render_changes_html(source_text: str, result: NormalizedText, title: str) -> str:
    """A review page: every input line, changes and warnings highlighted with before/after."""
    changes: dict[int, list[Change]] = defaultdict(list)
    warnings: dict[int, list[Diagnostic]] = defaultdict(list)
    for c in result.changes:
        changes[c.line].append(c)
    for w in result.warnings:
        warnings[w.line].append(w)
    rows = [
        f'<tr id="L{n}"><td class="n">{n}</td>'
        f'<td class="l">{_line_html(line, changes[n], warnings[n])}</td></tr>'
        for n, line in enumerate(source_text.split("\n"), start=1)
    ]
    listing = "".join(
        f'<li><a href="#L{w.line}">{w.line}:{w.column}</a> {escape(w.rule)} {escape(w.message)}'
        f" <q>{escape(w.excerpt)}</q></li>"
        for w in result.warnings
    )
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{escape(title)}</h1>"
        f'<p class="sum">{len(result.changes)} changes, {len(result.warnings)} warnings. '
        "Struck through: input; green: replacement; wavy underline: please review. Hover for the rule.</p>"
        + (f"<h2>Warnings</h2><ol>{listing}</ol>" if listing else "")
        + f"<table>{''.join(rows)}</table></body></html>\n"
    )
