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
    result = outcome.result or {}
    return (
        outcome.name,
        outcome.status,
        str(result.get("pages", "")),
        str(result.get("headings", "")),
        str(result.get("changes", "")),
        str(len(result["warnings"])) if "warnings" in result else "",
        f"{result['seconds']:.2f}" if "seconds" in result else "",
        outcome.detail,
    )


def _gist(outcome: FileOutcome) -> str:
    return (outcome.result or {}).get("gist", "")


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
        result = outcome.result or {}
        if _gist(outcome):
            lines.append(f"{outcome.name}: {_gist(outcome)}")
        warnings = result.get("warnings", [])
        lines.extend(f"    warning {w}" for w in warnings[:most_warnings])
        if len(warnings) > most_warnings:
            lines.append(f"    … {len(warnings) - most_warnings} more in {result['output_dir']}/report.json")
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
    warned = [outcome for outcome in outcomes if (outcome.result or {}).get("warnings")]
    if warned:
        lines += ["", "## Warnings", "", "```text", *detail_lines(warned, most_warnings=20), "```"]
    return "\n".join(lines) + "\n"
