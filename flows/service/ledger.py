"""The ledger: which input (by path) was processed with which content (sha256), how it ended, and
which output name it owns.

A second run skips a file whose content hash is unchanged; a changed file is processed again.
Each input's entry is a file of its own, `ledger/<digest of its path>.json`, written atomically
(a temporary file renamed) and only after all of the input's outputs exist: workers on several
hosts record at once without rewriting one shared file, so no entry is lost between two writers.
A ledger.json of earlier versions is still read, beneath the entry files, and never written again.
Which run converts an input is decided by its claim (flows/service/claims.py); the run lock only
tells a run whether it is alone, and may clear what killed runs left.

Nothing read from the ledger is trusted: an entry file that is not an entry of its own input is
ignored (its input is converted again), a ledger.json that is not a JSON object of entries is set
aside, and an entry whose output is not a plain name under outputs/ is dropped.
"""

from __future__ import annotations

import contextlib
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
from flows.service.claims import digest, this_holder

LEDGER_FILE = "ledger.json"  # every entry in one file, as versions before the entry files kept it
ENTRIES_DIR = "ledger"
LOCK_FILE = "run.lock"
STATUSES = ("done", "failed")
LEGACY_ERROR_SUFFIX = ".error.txt"  # a failed entry's output was once its error file's path

Callback = Callable[[], object]

log = logging.getLogger("gongwen.ledger")


@dataclass(frozen=True)
class Entry:
    sha256: str  # of the bytes read
    status: str  # "done" or "failed"
    output: str  # the output name the input owns: outputs/NAME/, outputs/_failed/NAME.error.txt
    at: str
    error: str = ""
    by: str = ""  # the host and process that recorded it


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
        self.folder = state_dir / ENTRIES_DIR
        self.entries: dict[str, Entry] = _safe({**self._legacy(), **self._entry_files()})

    key = staticmethod(input_key)

    def get(self, path: Path) -> Entry | None:
        return self.entries.get(self.key(path))

    def recorded_meanwhile(self, path: Path) -> Entry | None:
        """The input's entry if another run recorded it since this ledger was read, else None."""
        key = self.key(path)
        try:
            entry = _entry_of(json.loads(self._entry_file(key).read_text(encoding="utf-8")))
        except FileNotFoundError:
            return None
        except (ValueError, TypeError):
            log.warning("ledger: the entry of %s is unreadable; it is recorded again", key)
            return None
        return None if entry == self.entries.get(key) else entry

    def owned_names(self) -> set[str]:
        """Output names (case-folded) that inputs own: no other input may take one."""
        return {entry.output.casefold() for entry in self.entries.values()}

    def record(self, path: Path, sha256: str, status: str, output: str, error: str = "") -> None:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        key = self.key(path)
        entry = self.entries[key] = Entry(sha256, status, output, now, error, this_holder())
        atomic_write_json(self._entry_file(key), {"input": key, **asdict(entry)})

    def _entry_file(self, key: str) -> Path:
        return self.folder / f"{digest(key)}.json"

    def _legacy(self) -> dict[str, Entry]:
        """The entries of a ledger.json; a damaged one is set aside (it only costs converting again)."""
        try:
            return _parse(json.loads(self.path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            return {}
        except (ValueError, TypeError) as error:
            with contextlib.suppress(FileNotFoundError):  # another worker set it aside first
                os.replace(self.path, self.path.with_suffix(".damaged.json"))
            log.warning("ledger %s unreadable (%s); set aside, starting a new one", self.path, error)
            return {}

    def _entry_files(self) -> dict[str, Entry]:
        entries = {}
        for file in self.folder.glob("[0-9a-f]*.json"):  # not another writer's temporary file
            try:
                raw = json.loads(file.read_text(encoding="utf-8"))
                key = raw["input"]
                if not isinstance(key, str) or digest(key) != file.stem:
                    raise ValueError(f"it names an input {key!r} that is not its own")
                entries[key] = _entry_of(raw)
            except FileNotFoundError:
                continue
            except (ValueError, TypeError, KeyError) as error:
                log.warning("ledger: entry file %s unreadable (%s); converted again", file, error)
        return entries


def _entry_of(raw: object) -> Entry:
    """An entry file's entry; ValueError or TypeError when it has another shape."""
    if not isinstance(raw, dict):
        raise ValueError(f"a JSON {type(raw).__name__}, not an entry")
    return _parse({"": {name: value for name, value in raw.items() if name != "input"}})[""]


@contextmanager
def run_lock(
    state_dir: Path, on_wait: Callback | None = None, when_alone: Callback | None = None
) -> Iterator[None]:
    """Held for the duration of a run, shared with the runs of other workers: they convert side by
    side, each input under its claim. A run that finds itself alone, at its start or its end, holds
    the lock exclusively for a moment to call `when_alone` (clearing what killed runs left behind).
    A run waits only while another one holds it exclusively."""
    with _lock_file(state_dir) as handle:
        if _try_alone(handle, when_alone):
            fcntl.flock(handle, fcntl.LOCK_SH)
        else:
            try:
                fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                if on_wait:
                    on_wait()
                fcntl.flock(handle, fcntl.LOCK_SH)
        try:
            yield
        finally:
            _try_alone(handle, when_alone)  # a failed upgrade drops the shared lock: the run is over
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def try_run_lock(state_dir: Path, when_alone: Callback | None = None) -> Iterator[bool]:
    """The run lock if no other run holds it now (True, held shared for the block after `when_alone`);
    False at once if another run has it."""
    with _lock_file(state_dir) as handle:
        if not _try_alone(handle, when_alone):
            yield False
            return
        fcntl.flock(handle, fcntl.LOCK_SH)
        try:
            yield True
        finally:
            _try_alone(handle, when_alone)
            fcntl.flock(handle, fcntl.LOCK_UN)


def _try_alone(handle: TextIO, when_alone: Callback | None) -> bool:
    """Call `when_alone` if the lock can be held exclusively now; whether it could."""
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    if when_alone:
        when_alone()
    return True


def _lock_file(state_dir: Path) -> TextIO:
    state_dir.mkdir(parents=True, exist_ok=True)
    return (state_dir / LOCK_FILE).open("a")
