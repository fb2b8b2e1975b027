"""The ledger: which input (by path) was processed with which content (sha256), and how it ended.

A second run skips a file whose content hash is unchanged; a changed file is processed again.
The ledger is rewritten atomically, and only after all of a file's outputs exist. A run lock
keeps two runs (or a watcher and a run) from processing the same file twice.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from flows.outputs import atomic_write_json

LEDGER_FILE = "ledger.json"
LOCK_FILE = "run.lock"


@dataclass(frozen=True)
class Entry:
    sha256: str
    status: str  # "done" or "failed"
    output: str  # output folder name (done) or error file (failed)
    at: str
    error: str = ""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class Ledger:
    def __init__(self, state_dir: Path) -> None:
        self.path = state_dir / LEDGER_FILE
        self.entries: dict[str, Entry] = {}
        if self.path.is_file():
            try:
                raw = json.loads(self.path.read_text(encoding="utf-8"))
                self.entries = {key: Entry(**value) for key, value in raw.items()}
            except (ValueError, TypeError) as error:
                # A damaged ledger only costs re-processing; keep the damaged copy for inspection.
                os.replace(self.path, self.path.with_suffix(".damaged.json"))
                print(f"warning: ledger {self.path} unreadable ({error}); starting a new one")

    @staticmethod
    def key(path: Path) -> str:
        # realpath, not Path.resolve: a symbolic-link loop must not raise (RuntimeError on 3.11).
        return os.path.realpath(path)

    def get(self, path: Path) -> Entry | None:
        return self.entries.get(self.key(path))

    def is_current(self, path: Path, sha256: str) -> bool:
        entry = self.get(path)
        return entry is not None and entry.sha256 == sha256

    def record(self, path: Path, sha256: str, status: str, output: str, error: str = "") -> None:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        self.entries[self.key(path)] = Entry(sha256, status, output, now, error)
        atomic_write_json(self.path, {key: asdict(entry) for key, entry in sorted(self.entries.items())})


@contextmanager
def run_lock(state_dir: Path, on_wait: Callable[[], object] | None = None) -> Iterator[None]:
    """Exclusive lock for the duration of a run; a second run waits for the first to finish."""
    with _lock_file(state_dir) as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait:
                on_wait()
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def try_run_lock(state_dir: Path) -> Iterator[bool]:
    """The run lock if it is free now (True, held for the block); False at once if another run has it."""
    with _lock_file(state_dir) as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _lock_file(state_dir: Path) -> TextIO:
    state_dir.mkdir(parents=True, exist_ok=True)
    return (state_dir / LOCK_FILE).open("a")
