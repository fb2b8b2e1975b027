"""The run's closing table: one row per file, as a rich table (terminal) and as markdown (Prefect)."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote

from rich.table import Table
from rich.text import Text

from flows.config import Settings
from flows.service.collect import document_links
from flows.service.inbox import FileOutcome
from flows.service.terminal import printable

COLUMNS = ("file", "status", "pages", "headings", "changes", "warnings", "seconds", "output / reason")


def _row(outcome: FileOutcome) -> tuple[str, ...]:
    result = outcome.result
    if result is None:
        return (outcome.name, outcome.status, "", "", "", "", "", outcome.detail)
    figures = (result.pages, result.headings, result.changes, len(result.warnings))
    return (outcome.name, outcome.status, *map(str, figures), f"{result.seconds:.2f}", outcome.detail)


def _gist(outcome: FileOutcome) -> str:
    return outcome.result.gist if outcome.result else ""


def counts(outcomes: Sequence[FileOutcome]) -> str:
    totals = {status: sum(o.status == status for o in outcomes) for status in ("done", "skipped", "failed")}
    return ", ".join(f"{n} {status}" for status, n in totals.items())


def rich_table(outcomes: Sequence[FileOutcome]) -> Table:
    table = Table(title=f"gongwen: {counts(outcomes)}", show_lines=False)
    styles = {"done": "green", "skipped": "dim", "failed": "red"}
    for column in COLUMNS:
        table.add_column(column, overflow="fold", justify="right" if column in COLUMNS[2:7] else "left")
    for outcome in outcomes:
        table.add_row(*(Text(printable(cell)) for cell in _row(outcome)), style=styles.get(outcome.status))
    return table


def detail_lines(outcomes: Sequence[FileOutcome], most_warnings: int = 5) -> list[str]:
    """Under the table, per converted document: its summary's gist and its first warnings."""
    lines = []
    for outcome in outcomes:
        result = outcome.result
        if result is None:
            continue
        if result.gist:
            lines.append(f"{outcome.name}: {result.gist}")
        lines.extend(f"    warning {w}" for w in result.warnings[:most_warnings])
        if len(result.warnings) > most_warnings:
            more = len(result.warnings) - most_warnings
            lines.append(f"    … {more} more in {result.output_dir}/report.json")
    return lines


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _links(outcome: FileOutcome, base_url: str) -> str:
    """The output column for the Prefect UI: links to the document's files, or the reason it failed."""
    if outcome.status != "done":
        return _cell(outcome.detail)
    links = document_links(outcome.name)
    return " · ".join(f"[{label}]({base_url}/{quote(outcome.name)}/{quote(file)})" for label, file in links)


def markdown_table(outcomes: Sequence[FileOutcome], settings: Settings) -> str:
    """The run's Prefect artifact: counts, the table with links, warnings per document."""
    # file:// links only work where outputs/ is reachable as a file; outputs_url names a web server.
    base_url = settings.outputs_url.rstrip("/") or settings.outputs.resolve().as_uri()
    lines = [f"# gongwen run: {counts(outcomes)}", "", f"All documents: [index.html]({base_url}/index.html)"]
    lines += ["", "| " + " | ".join(COLUMNS) + " | summary |", "|" + "---|" * (len(COLUMNS) + 1)]
    for outcome in outcomes:
        cells = [_cell(c) for c in _row(outcome)[:-1]] + [_links(outcome, base_url), _cell(_gist(outcome))]
        lines.append("| " + " | ".join(cells) + " |")
    warned = [outcome for outcome in outcomes if outcome.result and outcome.result.warnings]
    if warned:
        lines += ["", "## Warnings", "", "```text", *detail_lines(warned, most_warnings=20), "```"]
    return "\n".join(lines) + "\n"
