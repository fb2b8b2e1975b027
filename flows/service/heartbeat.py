"""Heartbeats: a long-running process (`watch`, `serve`, the web page) says every HEARTBEAT_SECONDS
that it is alive, in outputs/.gongwen/heartbeat/KIND@HOST.json (pid, host, kind, started, at).

One file per kind and host: a service restarted by systemd takes over its predecessor's file, and
processes on several machines sharing one outputs folder each have their own. A process that stops
writes `ended` ("stopped", or "failed: reason") into its file last; one that was killed leaves a
file that grows old, which `gongwen status` reports as stale.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, datetime
from pathlib import Path

from flows.engine.outputs import atomic_write_json, clean_name

HEARTBEAT_DIR = "heartbeat"
HEARTBEAT_SECONDS = 30.0

log = logging.getLogger("gongwen.heartbeat")


@dataclass(frozen=True)
class Beat:
    kind: str  # watch | serve | web
    host: str
    pid: int
    started: str  # UTC, ISO 8601
    at: str  # the last beat
    interval: float  # seconds between beats
    ended: str = ""  # "" while running; "stopped"; "failed: reason"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def beat_file(state_dir: Path, kind: str, host: str) -> Path:
    return state_dir / HEARTBEAT_DIR / f"{clean_name(f'{kind}@{host}')}.json"


def _write(path: Path, beat: Beat) -> None:
    try:
        atomic_write_json(path, asdict(beat))
    except OSError as error:  # a full disk must not stop the service; status will see the beat age,
        # and the service's own error names the cause: one line on the terminal, not two
        log.info("heartbeat %s not written: %s", path, error)


@contextmanager
def heartbeat(state_dir: Path, kind: str, interval: float = HEARTBEAT_SECONDS) -> Iterator[Beat]:
    """Beat every `interval` seconds on a thread for the duration of the block."""
    host = socket.gethostname()
    path = beat_file(state_dir, kind, host)
    started = _now()
    first = Beat(kind, host, os.getpid(), started, started, interval)
    _write(path, first)
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(interval):
            _write(path, replace(first, at=_now()))

    thread = threading.Thread(target=beat, name=f"gongwen-heartbeat-{kind}", daemon=True)
    thread.start()
    ended = "stopped"
    try:
        yield first
    except Exception as error:
        ended = f"failed: {error or type(error).__name__}"
        raise
    finally:
        stop.set()
        thread.join()
        _write(path, replace(first, at=_now(), ended=ended))


def read_beats(state_dir: Path) -> list[Beat]:
    """Every heartbeat file's last beat; unreadable ones are left out."""
    beats = []
    known = {f.name for f in fields(Beat)}
    for path in sorted((state_dir / HEARTBEAT_DIR).glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            beats.append(Beat(**{key: value for key, value in data.items() if key in known}))
        except (OSError, ValueError, TypeError) as error:
            log.warning("heartbeat %s unreadable: %s", path, error)
    return beats
