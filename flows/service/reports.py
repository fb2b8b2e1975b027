"""The report.json of every published document: what the index, the lifecycle and the page read."""

from __future__ import annotations

import json
import logging
from pathlib import Path

log = logging.getLogger("gongwen.reports")


def read_report(folder: Path) -> dict | None:
    """outputs/NAME/report.json, or None when it is missing or being replaced."""
    try:
        return json.loads((folder / "report.json").read_text(encoding="utf-8"))
    except (FileNotFoundError, NotADirectoryError):  # not a document's folder
        return None
    except (OSError, ValueError) as error:  # replaced mid-read by a new run; the next index has it
        log.warning("index: skipping %s: %s", folder.name, error)
        return None


def read_reports(outputs: Path) -> dict[str, dict]:
    """Folder name -> report.json of every published document (staging, _failed, _history are not)."""
    folders = sorted(outputs.iterdir()) if outputs.is_dir() else []
    reports = {
        folder.name: read_report(folder) for folder in folders if not folder.name.startswith(("_", "."))
    }
    return {name: report for name, report in reports.items() if report is not None}
