"""Each document's lifecycle: is its input still there, unchanged? And `prune`, which removes what has
outlived its input.

A document is `current` while the file it was converted from is there with the same content;
`input changed` when that file now holds other bytes (the next run converts it again, or it failed
to); `input renamed` when the file is gone but a file with the same sha256 is in the inbox under
another name; `input gone` when neither. Renamed and gone documents are orphans: the index lists
them apart, `collect --zip` leaves them out unless asked, and `prune` removes them.

The input is found by the path its report.json names, then by its name in the inbox (an inbox moved
or mounted at another path keeps its documents current). Earlier versions of a document live in
outputs/_history/NAME/<when replaced>/ (flows/engine/outputs.py).
"""

from __future__ import annotations

import logging
import os
import shutil
import stat
import tempfile
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from flows.config import Settings
from flows.engine.outputs import HISTORY_DIR, HISTORY_STAMP, STAGING, TMP_PREFIX
from flows.service.inbox import is_ignored
from flows.service.ledger import file_sha256
from flows.service.reports import read_reports

log = logging.getLogger("gongwen.lifecycle")


class State(StrEnum):
    CURRENT = "current"
    CHANGED = "input changed"
    RENAMED = "input renamed"
    GONE = "input gone"


LABELS = {
    State.CURRENT: "当前",
    State.CHANGED: "输入已修改",
    State.RENAMED: "已改名",
    State.GONE: "输入已删除",
}
ORPHANED = frozenset({State.RENAMED, State.GONE})


@dataclass(frozen=True)
class Version:
    """An earlier version of a document: a whole outputs/NAME/ folder as it was when replaced."""

    name: str
    folder: Path  # outputs/_history/NAME/<stamp>/
    retired: datetime  # when a newer conversion replaced it (UTC)


@dataclass(frozen=True)
class DocumentLifecycle:
    name: str  # folder under outputs/
    input: Path | None  # the file it was converted from, as recorded (None: not recorded)
    sha256: str  # of the input's bytes it was converted from
    created: datetime  # when it was converted (UTC)
    state: State
    renamed_to: Path | None = None  # State.RENAMED: the file that now has the input's bytes
    history: tuple[Version, ...] = ()  # oldest first

    @property
    def orphaned(self) -> bool:
        return self.state in ORPHANED

    @property
    def label(self) -> str:
        """The state in Chinese, as the index and the page show it."""
        if self.renamed_to is not None:
            return f"{LABELS[self.state]}为 {self.renamed_to.name}"
        return LABELS[self.state]


@dataclass(frozen=True)
class Pruned:
    """What `prune` removed (or, on a dry run, would remove)."""

    documents: tuple[DocumentLifecycle, ...]
    versions: tuple[Version, ...]


@lru_cache(maxsize=8192)
def _sha256(path: str, size: int, mtime_ns: int, inode: int) -> str:
    """A file's sha256, remembered while its size, time and inode stay: a watcher's index after each
    drop need not read the whole inbox again."""
    return file_sha256(Path(path))


def sha256_now(path: Path) -> str | None:
    """The sha256 of a regular file now; None if there is none (gone, a folder); "" if it cannot be read."""
    try:
        info = path.stat()
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    try:
        return _sha256(str(path), info.st_size, info.st_mtime_ns, info.st_ino)
    except OSError:
        return ""


def _inbox_by_sha(inbox: Path | None) -> dict[str, Path]:
    """sha256 -> a file in the inbox with those bytes (its documents' candidates, top level only)."""
    if inbox is None or not inbox.is_dir():
        return {}
    found = {}
    for path in sorted(inbox.iterdir()):
        if not is_ignored(path) and (sha := sha256_now(path)):
            found.setdefault(sha, path)
    return found


def _stamp_time(folder: Path) -> datetime:
    """When a history version was replaced: its folder's name, else (renamed by hand) its mtime."""
    try:
        return datetime.strptime(folder.name.split("-")[0], HISTORY_STAMP).replace(tzinfo=UTC)
    except ValueError:
        return datetime.fromtimestamp(folder.stat().st_mtime, UTC)


def history_versions(outputs: Path) -> dict[str, tuple[Version, ...]]:
    """Document name -> its earlier versions, oldest first (names whose document is gone too)."""
    root = outputs / HISTORY_DIR
    versions: dict[str, tuple[Version, ...]] = {}
    for folder in sorted(root.iterdir()) if root.is_dir() else []:
        if folder.is_dir() and not folder.is_symlink():
            found = [Version(folder.name, v, _stamp_time(v)) for v in folder.iterdir() if v.is_dir()]
            versions[folder.name] = tuple(sorted(found, key=lambda version: version.retired))
    return versions


def _first_hash(places: list[Path]) -> str | None:
    """The sha256 of the first of `places` that holds a file (see sha256_now); None if none does."""
    for place in places:
        digest = sha256_now(place)
        if digest is not None:
            return digest
    return None


def _created(report: dict) -> datetime:
    return datetime.fromisoformat(report["created"]).astimezone(UTC)


def lifecycles(
    reports: Mapping[str, dict], outputs: Path, inbox: Path | None
) -> dict[str, DocumentLifecycle]:
    """Name -> lifecycle of each document of `reports` (flows.service.reports.read_reports)."""
    history = history_versions(outputs)
    inbox_files: dict[str, Path] | None = None  # read only if some input is missing
    states = {}
    for name, report in reports.items():
        source = report.get("input", {})
        recorded = Path(source["path"]) if source.get("path") else None
        sha = source.get("sha256", "")
        places = [recorded] if recorded else []
        if inbox is not None and source.get("name"):
            places.append(inbox / Path(source["name"]).name)
        renamed_to = None
        now = _first_hash(places)
        if now is not None:
            # An input that cannot be read ("") is not gone: it counts as changed, never as an orphan.
            state = State.CURRENT if now == sha else State.CHANGED
        else:
            if inbox_files is None:
                inbox_files = _inbox_by_sha(inbox)
            renamed_to = inbox_files.get(sha) if sha else None
            state = State.RENAMED if renamed_to else State.GONE
        states[name] = DocumentLifecycle(
            name, recorded, sha, _created(report), state, renamed_to, history.get(name, ())
        )
    return states


def list_documents(settings: Settings) -> list[DocumentLifecycle]:
    """Every document in the outputs folder with its lifecycle state, newest first."""
    found = lifecycles(read_reports(settings.outputs), settings.outputs, settings.inputs)
    return sorted(found.values(), key=lambda document: document.created, reverse=True)


def prune(
    settings: Settings,
    older_than_days: float,
    dry_run: bool = False,
    orphans: bool = True,
    now: datetime | None = None,
) -> Pruned:
    """Remove orphaned documents (input gone or renamed) made more than `older_than_days` ago, with
    their history, and history versions replaced more than `older_than_days` ago. `orphans=False`
    keeps every document and prunes the history only.

    The caller holds the run lock (flows.service.ledger.run_lock): no run publishes meanwhile.
    """
    cutoff = (now or datetime.now(UTC)) - timedelta(days=older_than_days)
    documents = tuple(d for d in list_documents(settings) if orphans and d.orphaned and d.created < cutoff)
    gone = {document.name for document in documents}
    versions = tuple(
        version
        for name, kept in history_versions(settings.outputs).items()
        for version in kept
        if name in gone or version.retired < cutoff
    )
    if not dry_run:
        for document in documents:
            _discard(settings.outputs / document.name, settings.state_dir)
        for version in versions:
            _discard(version.folder, settings.state_dir)
        for name in {version.name for version in versions}:
            _remove_if_empty(settings.outputs / HISTORY_DIR / name)
    return Pruned(documents, versions)


def _discard(folder: Path, state_dir: Path) -> None:
    """Remove a folder so that nobody ever sees it half-deleted: first renamed into the staging area
    (which the next run clears if this process dies now), then deleted."""
    trash_root = state_dir / STAGING
    trash_root.mkdir(parents=True, exist_ok=True)
    trash = Path(tempfile.mkdtemp(dir=trash_root, prefix=TMP_PREFIX))
    os.replace(folder, trash / folder.name)
    shutil.rmtree(trash, ignore_errors=True)


def _remove_if_empty(folder: Path) -> None:
    with suppress(OSError):  # still holds versions
        folder.rmdir()


def inbox_in_sight(inbox: Path) -> bool:
    """Whether the inbox is there and holds a file: an unmounted share is missing or an empty folder,
    and every document would look orphaned."""
    try:
        return inbox.is_dir() and any(not is_ignored(path) for path in inbox.iterdir())
    except OSError:
        return False


def apply_retention(settings: Settings) -> Pruned | None:
    """The `retention_days` setting, after a run, under its lock; None when it is not set. While the
    inbox is out of sight only the history is pruned."""
    if not settings.retention_days:
        return None
    orphans = inbox_in_sight(settings.inputs)
    if not orphans:
        log.warning("retention: inbox %s missing or empty; documents kept, history pruned", settings.inputs)
    pruned = prune(settings, settings.retention_days, orphans=orphans)
    for document in pruned.documents:
        log.info("retention: removed %s (%s)", document.name, document.state)
    for version in pruned.versions:
        log.info("retention: removed %s", version.folder)
    return pruned
