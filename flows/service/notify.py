"""Alerts: a JSON POST to the `notify_url` setting when documents fail and when a run or a service
stops on an error.

An endpoint that is down, slow or refusing costs at most NOTIFY_TIMEOUT_SECONDS and a warning in the
log: an alert never fails the run it reports on. A failed document is announced once, not at every
run that meets it again (a refused file stays in the inbox, and `serve` reads the inbox every few
minutes): outputs/.gongwen/notified.json remembers which inputs were announced with which reason,
until the input converts or leaves the inbox.

Every POST has `event` ("documents_failed" or "fatal"), `text` (one line in Chinese, what chat
webhooks show), `host`, `pid`, `time` (UTC) and `outputs`; then `documents` (input, name, reason,
temporary) or `where` and `error`.
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import socket
import urllib.request
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flows.config import Settings
from flows.engine.outputs import atomic_write_json, input_key
from flows.service.inbox import TEMPORARY_NOTE, FileOutcome

NOTIFY_TIMEOUT_SECONDS = 5.0
ANNOUNCED_FILE = "notified.json"
REPORTED_NOTE = "gongwen: reported to notify_url"  # on an exception already announced

log = logging.getLogger("gongwen.notify")


def post_json(url: str, payload: dict[str, Any], timeout: float = NOTIFY_TIMEOUT_SECONDS) -> bool:
    """POST `payload` as JSON; False (and a warning) when the endpoint did not take it."""
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8", "backslashreplace")  # undecodable names
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "gongwen"}
    request = urllib.request.Request(url, data, headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
    except (OSError, ValueError, http.client.HTTPException) as error:  # HTTPError and timeouts are OSErrors
        log.warning("notify_url %s did not take the alert: %s", url, error)
        return False
    return True


def _envelope(settings: Settings, event: str, text: str) -> dict[str, Any]:
    return {
        "event": event,
        "text": text,
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "outputs": str(settings.outputs.resolve()),
    }


def _announced(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # none yet, or damaged: at worst a failure is announced again
        return {}
    return {str(key): str(value) for key, value in data.items()} if isinstance(data, dict) else {}


def notify_failures(settings: Settings, outcomes: Sequence[FileOutcome]) -> bool:
    """After a run (under its lock): announce the documents that failed and were not announced with
    that reason before. True when a POST was made and taken."""
    if not settings.notify_url:
        return False
    path = settings.state_dir / ANNOUNCED_FILE
    announced = _announced(path)
    fresh = []
    for outcome in outcomes:
        key = input_key(Path(outcome.input))
        if outcome.status == "done":
            announced.pop(key, None)
        elif outcome.status == "failed" and announced.get(key) != outcome.detail:
            announced[key] = outcome.detail
            fresh.append(outcome)
    announced = {key: reason for key, reason in announced.items() if os.path.lexists(key)}
    try:
        atomic_write_json(path, announced)
    except OSError as error:
        log.warning("could not write %s: %s", path, error)
    if not fresh:
        return False
    payload = _envelope(settings, "documents_failed", f"gongwen：{len(fresh)} 份文件未能处理")
    payload["documents"] = [
        {
            "input": outcome.input,
            "name": outcome.name,
            "reason": outcome.detail.removesuffix(TEMPORARY_NOTE).strip(),
            "temporary": outcome.detail.endswith(TEMPORARY_NOTE),
        }
        for outcome in fresh
    ]
    return post_json(settings.notify_url, payload)


def notify_fatal(settings: Settings, error: BaseException, where: str) -> bool:
    """Announce that `where` (a run, `watch`, `serve`) stopped on `error`; once per exception, however
    many layers it passes on its way out."""
    if not settings.notify_url or REPORTED_NOTE in getattr(error, "__notes__", ()):
        return False
    error.add_note(REPORTED_NOTE)
    reason = str(error) or type(error).__name__
    payload = _envelope(settings, "fatal", f"gongwen {where} 因错误停止：{reason}")
    payload.update(where=where, error=reason, type=type(error).__name__)
    return post_json(settings.notify_url, payload)
