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
        str(result.get("warnings", "")),
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
        if _gist(outcome):
            table.add_row("", f"[italic]{_gist(outcome)}[/italic]", *[""] * (len(COLUMNS) - 2))
    return table


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_table(outcomes: Sequence[FileOutcome]) -> str:
    lines = [f"# gongwen run: {counts(outcomes)}", "", "| " + " | ".join(COLUMNS) + " | summary |"]
    lines.append("|" + "---|" * (len(COLUMNS) + 1))
    for outcome in outcomes:
        lines.append("| " + " | ".join(_cell(c) for c in (*_row(outcome), _gist(outcome))) + " |")
    return "\n".join(lines) + "\n"
