"""Document -> outline.json entries and outline.md (spec: shared/spec/outline.md)."""

from __future__ import annotations

from tasks.model import Document, Heading


def outline_entries(doc: Document) -> list[dict]:
    """One dict per heading and numbered provision, in document order.

    The contract's four fields (level, number, title, inline) plus line, offset and kind
    ("heading", or "item" for a numbered provision that is not part of the outline proper).
    """
    return [
        {
            "level": h.level,
            "number": h.number,
            "title": h.title,
            "inline": h.inline,
            "line": h.line,
            "offset": h.offset,
            "kind": h.kind,
        }
        for h in doc.headings
    ]


def _depths(headings: tuple[Heading, ...]) -> list[int]:
    """Nesting depth of each heading: a skipped level (一、 then 1.) indents one step, not two."""
    depths: list[int] = []
    open_levels: list[int] = []
    for heading in headings:
        while open_levels and open_levels[-1] >= heading.level:
            open_levels.pop()
        depths.append(len(open_levels))
        open_levels.append(heading.level)
    return depths


def outline_markdown(doc: Document) -> str:
    """The title as a Markdown heading, then the headings proper as an indented list."""
    lines = [f"# {doc.title}", ""] if doc.title else []  # no title, no empty heading
    for heading, depth in zip(doc.outline, _depths(doc.outline), strict=True):
        lines.append(f"{'  ' * depth}- {heading.number}{heading.title}")
    return "\n".join(lines) + "\n"
