"""The ledger: which input (by path) was processed with which content (sha256), how it ended, and
which output name it owns.

A second run skips a file whose content hash is unchanged; a changed file is processed again.
The ledger is rewritten atomically, and only after all of a file's outputs exist. A run lock
keeps two runs (or a watcher and a run) from processing the same file twice.

Nothing read from the ledger is trusted: a file that is not a JSON object of entries is set aside
and a new ledger started; an entry whose output is not a plain name under outputs/ is dropped.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from flows.engine.outputs import atomic_write_json, input_key, is_plain_name

LEDGER_FILE = "ledger.json"
LOCK_FILE = "run.lock"
STATUSES = ("done", "failed")
LEGACY_ERROR_SUFFIX = ".error.txt"  # a failed entry's output was once its error file's path

log = logging.getLogger("gongwen.ledger")


@dataclass(frozen=True)
class Entry:
    sha256: str  # of the bytes read
    status: str  # "done" or "failed"
    output: str  # the output name the input owns: outputs/NAME/, outputs/_failed/NAME.error.txt
    at: str
    error: str = ""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _parse(raw: object) -> dict[str, Entry]:
    """Entries of a ledger file's JSON; ValueError or TypeError when it has another shape."""
    if not isinstance(raw, dict):
        raise ValueError(f"a JSON {type(raw).__name__}, not an object of entries")
    entries = {}
    for key, value in raw.items():
        if not isinstance(value, dict):
            raise ValueError(f"entry {key!r} is a JSON {type(value).__name__}, not an object")
        entry = Entry(**value)  # TypeError: a field missing or unknown
        if not all(isinstance(getattr(entry, f.name), str) for f in fields(Entry)):
            raise ValueError(f"entry {key!r} has a field that is not text")
        if entry.status not in STATUSES:
            raise ValueError(f"entry {key!r} has status {entry.status!r}")
        entries[key] = entry
    return entries


def _safe(entries: dict[str, Entry]) -> dict[str, Entry]:
    """Entries whose output is a plain name, each name owned by one input (the latest converted)."""
    owners: dict[str, str] = {}
    for key, entry in sorted(entries.items(), key=lambda item: item[1].at):
        if entry.status == "failed" and entry.output.endswith(LEGACY_ERROR_SUFFIX):
            entry = entries[key] = Entry(**{**asdict(entry), "output": _legacy_name(entry.output)})
        if not is_plain_name(entry.output):
            log.warning("ledger: dropped the entry of %s: %r is not a name under outputs/", key, entry.output)
            continue
        earlier = owners.get(entry.output.casefold())
        if earlier is not None:  # written before names were unique across runs: converted again
            log.warning("ledger: %s and %s claim %s; the first is made again", earlier, key, entry.output)
        owners[entry.output.casefold()] = key
    return {key: entries[key] for key in owners.values()}


def _legacy_name(error_file: str) -> str:
    return os.path.basename(error_file).removesuffix(LEGACY_ERROR_SUFFIX)


class Ledger:
    def __init__(self, state_dir: Path) -> None:
        self.path = state_dir / LEDGER_FILE
        self.entries: dict[str, Entry] = {}
        if self.path.is_file():
            try:
                self.entries = _safe(_parse(json.loads(self.path.read_text(encoding="utf-8"))))
            except (ValueError, TypeError) as error:
                # A damaged ledger only costs re-processing; keep the damaged copy for inspection.
                os.replace(self.path, self.path.with_suffix(".damaged.json"))
                log.warning("ledger %s unreadable (%s); set aside, starting a new one", self.path, error)

    key = staticmethod(input_key)

    def get(self, path: Path) -> Entry | None:
        return self.entries.get(self.key(path))

    def owned_names(self) -> set[str]:
        """Output names (case-folded) that inputs own: no other input may take one."""
        return {entry.output.casefold() for entry in self.entries.values()}

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
