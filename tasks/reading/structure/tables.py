"""Tables that came in as lines of text, found before the other roles are read.

Two shapes are read as tables:
- a row a line, cells apart: a tab between cells (as the DOCX reader writes a Word table's rows), or
  ideographic spaces between short cells ("序号　日期　带班领导") with a column of figures under the
  header (a list of names is no table); the rows of a run share their number of cells;
- a cell a line: a header of short cells (序号 / 改革举措 / 牵头单位), then the rows, each opening with its
  number in the 序号 column (1, 2, 3 …). The series gives the number of columns: the distance from one
  row number to the next, and the header is that many short lines above the first row. Three columns at
  least: a number and one line after it is as likely a list.
Where the shape is recognised but not certain (rows of differing numbers of cells), the lines are set as
they stand, flush left (tabs as ideographic spaces), with a warning: a reader must not take them for
titles or headings.

A table found here reaches the classifier as one `TableSegment`, which every role reader passes over.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from tasks.model import Block, BlockKind, Diagnostic, Run, Table
from tasks.reading.structure.segments import Segment
from tasks.text.chars import PUNCTUATION
from tasks.text.markers import parse_marker

_SPACE_GAP = re.compile(r"\u3000+| {2,}")  # between cells of a row without tabs
_ROW_NUMBER = re.compile(r"\d{1,3}")  # a line holding only the 序号 of a row
_SENTENCE = re.compile(r"[，。；！？,;!?]")
_HEADER_MARK = re.compile(f"[{PUNCTUATION}]")
_MAX_COLUMNS = 10
_MAX_HEADER_CELL = 12  # characters of a header cell: 序号, 改革举措, 牵头单位, 完成时限 …
_MAX_SPACED_CELL = 20  # characters of a cell in a row set apart by ideographic spaces
_MAX_CELL = 200  # characters of any cell: a longer line is a paragraph
_MIN_SPACED_ROWS = 3  # header and two rows: spaces part names and titles too, tabs only cells
_MIN_CELL_COLUMNS = 3
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class TableSegment(Segment):
    """A table in the stream of segments (text: the table's text), or, table None, a line of cells set as
    it stands."""

    table: Table | None = None


def kind_of(segment: Segment) -> BlockKind | None:
    """TABLE or LINE for what `find_tables` put in, else None."""
    if not isinstance(segment, TableSegment):
        return None
    return BlockKind.TABLE if segment.table is not None else BlockKind.LINE


def table_block(segment: Segment) -> Block:
    assert isinstance(segment, TableSegment)
    if segment.table is None:
        return Block(BlockKind.LINE, (Run(segment.text),), segment.line)
    return Block(BlockKind.TABLE, (), segment.line, table=segment.table)


@dataclass(frozen=True)
class _Found:
    start: int  # index of the first line (group of segments) taken
    end: int  # after the last
    table: Table | None  # None: uncertain, set line by line
    why: str = ""  # for the warning when uncertain


def find_tables(segments: list[Segment], text: str) -> tuple[list[Segment], list[Diagnostic]]:
    """`segments` with each table found replaced by one TableSegment (uncertain ones: one a line), and a
    warning for each uncertain one. `text` is the text the segments were cut from."""
    lines = text.split("\n")
    groups = [list(group) for _, group in itertools.groupby(segments, key=lambda seg: seg.line)]
    found = _row_tables(groups, lines) + _cell_tables(groups)
    found.sort(key=lambda f: f.start)
    out: list[Segment] = []
    warnings: list[Diagnostic] = []
    at = 0
    for table in found:
        if table.start < at:
            continue  # overlaps a table found by the other reading
        out += [seg for group in groups[at : table.start] for seg in group]
        taken = [seg for group in groups[table.start : table.end] for seg in group]
        first = taken[0]
        if table.table is not None:
            out.append(TableSegment(first.line, first.offset, table.table.text, table.table))
        else:
            out += [TableSegment(seg.line, seg.offset, seg.text.replace("\t", "\u3000")) for seg in taken]
            where = f"lines {first.line}-{taken[-1].line}"
            message = f"{where} look like a table, {table.why}: set as plain lines, check them"
            warnings.append(Diagnostic("table", first.line, 1, message, first.text))
        at = table.end
    out += [seg for group in groups[at:] for seg in group]
    return out, warnings


def _row_cells(line: str) -> tuple[str, ...] | None:
    """The cells of a line that reads as a table row: tab-separated (any cells, empty ones too), or short
    plain cells apart by ideographic spaces. None for anything else."""
    line = line.strip()
    if "\t" in line:
        cells = tuple(cell.strip() for cell in line.split("\t"))
        return cells if all(len(cell) <= _MAX_CELL for cell in cells) else None
    cells = tuple(_SPACE_GAP.split(line))
    plain = all(0 < len(cell) <= _MAX_SPACED_CELL and not _SENTENCE.search(cell) for cell in cells)
    return cells if len(cells) > 1 and plain else None


def _row_tables(groups: list[list[Segment]], lines: list[str]) -> list[_Found]:
    """Runs of lines with cells apart (see the module docstring)."""
    texts = [lines[group[0].line - 1] for group in groups]
    rows = [_row_cells(text) for text in texts]
    tabbed = ["\t" in text for text in texts]
    found = []
    start = 0
    while start < len(rows):
        end = start
        while end < len(rows) and rows[end] is not None and tabbed[end] == tabbed[start]:
            end += 1
        run = [row for row in rows[start:end] if row is not None]
        widths = {len(row) for row in run}
        if len(run) >= (2 if tabbed[start] else _MIN_SPACED_ROWS):
            if len(widths) == 1 and (tabbed[start] or _has_figures(run)):
                found.append(_Found(start, end, Table(tuple(run))))
            elif tabbed[start]:
                why = f"but its rows have {min(widths)} to {max(widths)} cells"
                found.append(_Found(start, end, None, why))
        start = max(end, start + 1)
    return found


def _has_figures(rows: list[tuple[str, ...]]) -> bool:
    """A column whose cells under the header all hold a figure: numbers, dates, amounts."""
    return any(all(_DIGIT.search(row[col]) for row in rows[1:]) for col in range(len(rows[0])))


def _single_line(group: list[Segment]) -> str | None:
    return group[0].text if len(group) == 1 else None


def _is_number(text: str | None, value: int) -> bool:
    return text is not None and _ROW_NUMBER.fullmatch(text) is not None and int(text) == value


def _is_header_cell(text: str | None) -> bool:
    return (
        text is not None
        and 0 < len(text) <= _MAX_HEADER_CELL
        and not _HEADER_MARK.search(text)
        and not text.isdigit()
        and parse_marker(text) is None
    )


def _is_cell(text: str | None) -> bool:
    return text is not None and 0 < len(text) <= _MAX_CELL


def _cell_tables(groups: list[list[Segment]]) -> list[_Found]:
    """Tables flattened a cell a line, found by their 序号 column (see the module docstring)."""
    texts = [_single_line(group) for group in groups]
    found = []
    for first, text in enumerate(texts):
        if not _is_number(text, 1):
            continue
        table = _cell_table(texts, first)
        if table is not None:
            found.append(table)
    return found


def _cell_table(texts: list[str | None], first: int) -> _Found | None:
    """The table whose row 1 starts at `first`, if a header stands above it and row 2 follows."""
    numbers = [first]  # where each row's number stands
    while True:
        look = range(numbers[-1] + 1, min(numbers[-1] + 2 * _MAX_COLUMNS, len(texts)))
        following = next((i for i in look if _is_number(texts[i], len(numbers) + 1)), None)
        if following is None or not all(_is_cell(texts[i]) for i in range(numbers[-1] + 1, following)):
            break
        numbers.append(following)
    if len(numbers) < 2:
        return None
    lengths = [b - a for a, b in itertools.pairwise(numbers)]
    columns = lengths[0]
    header_start = first - columns
    if not _MIN_CELL_COLUMNS <= columns <= _MAX_COLUMNS or header_start < 0:
        return None
    if not all(_is_header_cell(texts[i]) for i in range(header_start, first)):
        return None
    last_end = numbers[-1] + max(lengths)
    if last_end > len(texts) or not all(_is_cell(texts[i]) for i in range(numbers[-1] + 1, last_end)):
        return None
    if len(set(lengths)) > 1:
        why = f"but its rows have {min(lengths) - 1} to {max(lengths) - 1} cells after the number"
        return _Found(header_start, last_end, None, why)
    cells = [text or "" for text in texts[header_start:last_end]]
    rows = tuple(tuple(cells[i : i + columns]) for i in range(0, len(cells), columns))
    return _Found(header_start, last_end, Table(rows))
