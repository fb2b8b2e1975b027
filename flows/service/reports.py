"""The report.json of every published document: what the index, the lifecycle and the page read."""

from __future__ import annotations

import json
import logging
from pathlib import Path

log = logging.getLogger("gongwen.reports")


def read_reports(outputs: Path) -> dict[str, dict]:
    """Folder name -> report.json of every published document (staging, _failed, _history are not)."""
    reports = {}
    folders = sorted(outputs.iterdir()) if outputs.is_dir() else []
    for folder in folders:
        if folder.name.startswith(("_", ".")) or not (folder / "report.json").is_file():
            continue
        try:
            reports[folder.name] = json.loads((folder / "report.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:  # replaced mid-read by a new run; the next index has it
            log.warning("index: skipping %s: %s", folder.name, error)
    return reports
