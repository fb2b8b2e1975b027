"""The run's closing table: one row per file, as a rich table (terminal) and as markdown (Prefect)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table

from flows.inbox import FileOutcome

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
        table.add_row(*_row(outcome), style=styles.get(outcome.status))
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


def markdown_table(outcomes: Sequence[FileOutcome]) -> str:
    lines = [f"# gongwen run: {counts(outcomes)}", "", "| " + " | ".join(COLUMNS) + " | summary |"]
    lines.append("|" + "---|" * (len(COLUMNS) + 1))
    for outcome in outcomes:
        lines.append("| " + " | ".join(_cell(c) for c in (*_row(outcome), _gist(outcome))) + " |")
    return "\n".join(lines) + "\n"
