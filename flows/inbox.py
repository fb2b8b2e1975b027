"""The inbox: find what is new in inputs/, convert it, remember it.

`plan_batch` decides (without Prefect) what to do with every candidate file; `process_inbox` is
the Prefect flow that converts the batch, one task run per document, and records each result in
the ledger as soon as that document's outputs exist.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from flows.config import Settings
from flows.ledger import Ledger, file_sha256
from flows.outputs import atomic_write_text, failure_path, safe_output_name
from tasks.ingest import SUPPORTED_SUFFIXES, IngestError, check_size
from tasks.metadata import sidecar_path

IGNORED_PREFIXES = (".", "~$")
IGNORED_SUFFIXES = (".tmp", ".part", ".crdownload", ".swp", ".toml")  # .toml: metadata sidecars
POOL_MIN_DOCUMENTS = 3  # below this, starting worker processes costs more than it saves


Todo = tuple[Path, str, str]  # a document to convert: (path, output name, sha256)


@dataclass
class FileOutcome:
    input: str
    name: str
    status: str  # done | skipped | failed
    detail: str = ""
    result: dict | None = None


@dataclass
class Batch:
    todo: list[Todo] = field(default_factory=list)
    outcomes: list[FileOutcome] = field(default_factory=list)  # skipped and refused up front


def is_ignored(path: Path) -> bool:
    """Hidden, temporary and partial files, and metadata sidecars, are never documents."""
    name = path.name
    return name.startswith(IGNORED_PREFIXES) or name.lower().endswith(IGNORED_SUFFIXES)


def candidate_files(settings: Settings, paths: Iterable[Path] = ()) -> list[Path]:
    """Files named on the command line (folders expanded), or everything in the inbox."""
    roots = list(paths) or [settings.inputs]
    found: list[Path] = []
    for root in roots:
        if root.is_dir():
            found.extend(sorted(p for p in root.iterdir() if not is_ignored(p)))
        else:
            found.append(root)
    return found


def _link_out_of(path: Path, inbox: Path) -> Path | None:
    """Where a symbolic link leads if that is outside the inbox, else None."""
    try:
        if not path.is_symlink():
            return None
    except OSError:  # a name too long to exist (NAME.toml beside a 252-byte NAME.txt)
        return None
    # realpath, not Path.resolve: a symbolic-link loop must not raise (RuntimeError on 3.11).
    target = Path(os.path.realpath(path))
    return None if target.is_relative_to(os.path.realpath(inbox)) else target


def _refusal(path: Path, settings: Settings) -> str | None:
    """Why a candidate is not even read (nor hashed), or None."""
    target = _link_out_of(path, settings.inputs)
    if target is not None:
        return f"symbolic link pointing outside {settings.inputs}: {target}; not followed"
    sidecar = sidecar_path(path)
    if _link_out_of(sidecar, settings.inputs) is not None:
        return f"metadata sidecar {sidecar.name} links outside {settings.inputs}; not followed"
    if path.is_dir():
        return "a directory, not a file"
    if not path.exists():
        return "no such file (or a symbolic link to nothing, or to itself)"
    if not path.is_file():
        return "not a regular file (a FIFO, socket or device); reading it could block or never end"
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        return f"unsupported file type {path.suffix or '(none)'}; use .txt or .docx"
    try:
        check_size(path, settings.max_input_bytes)
    except IngestError as error:
        return error.problem
    return None


def _output_names(paths: list[Path], ledger: Ledger) -> dict[Path, str]:
    """Stable, unique output folder names: the one used before, else the file's stem."""
    names: dict[Path, str] = {}
    taken: set[str] = set()
    for path in paths:
        entry = ledger.get(path)
        if entry is not None and entry.status == "done":
            names[path] = entry.output
            taken.add(entry.output)
    for path in paths:
        if path in names:
            continue
        name = safe_output_name(path.name)
        if name in taken or name.startswith("_"):
            name = f"{name}-{path.suffix.lstrip('.').lower() or 'file'}"
        base, n = name, 2
        while name in taken:
            name, n = f"{base}-{n}", n + 1
        names[path] = name
        taken.add(name)
    return names


def plan_batch(settings: Settings, ledger: Ledger, paths: Iterable[Path] = (), force: bool = False) -> Batch:
    batch = Batch()
    candidates = candidate_files(settings, paths)
    names = _output_names(candidates, ledger)
    for path in candidates:
        name = names[path]
        try:
            refusal = _refusal(path, settings)
            sha = "" if refusal else file_sha256(path)
        except OSError as error:  # unreadable, vanished: this file fails, the batch goes on
            refusal = f"cannot read: {error.strerror or error}"
        if refusal:
            batch.outcomes.append(FileOutcome(str(path), name, "failed", refusal))
            record_failure(settings, ledger, path, name, refusal, sha256="")
            continue
        entry = ledger.get(path)
        output_exists = entry is not None and (settings.outputs / entry.output).is_dir()
        if (
            not force
            and entry is not None
            and entry.sha256 == sha
            and (entry.status == "failed" or output_exists)
        ):
            detail = "unchanged" if entry.status == "done" else f"unchanged, failed before: {entry.error}"
            batch.outcomes.append(FileOutcome(str(path), name, "skipped", detail))
            continue
        batch.todo.append((path, name, sha))
    return batch


def record_failure(
    settings: Settings, ledger: Ledger, path: Path, name: str, reason: str, sha256: str
) -> None:
    error_file = failure_path(settings.failed_dir, name)
    atomic_write_text(error_file, f"input: {path}\nsha256: {sha256 or '-'}\nerror: {reason}\n")
    if sha256:
        ledger.record(path, sha256, "failed", str(error_file), reason)


def record_success(settings: Settings, ledger: Ledger, path: Path, name: str, sha256: str) -> None:
    ledger.record(path, sha256, "done", name)
    failure_path(settings.failed_dir, name).unlink(missing_ok=True)


def describe_error(error: BaseException) -> str:
    """One line for users; the traceback tail for anything that is not a known input problem."""
    if isinstance(error, ValueError):
        return str(error)
    frames = traceback.extract_tb(error.__traceback__)
    where = f" (at {frames[-1].filename}:{frames[-1].lineno})" if frames else ""
    return f"{type(error).__name__}: {error}{where}"


def worker_count(settings: Settings, documents: int) -> int:
    """Documents of a batch of `documents` that can be converted at once: settings, batch and cores."""
    return min(settings.concurrency, documents, os.cpu_count() or 1)


def pool_size(settings: Settings, documents: int) -> int:
    """Worker processes for a batch of `documents`; 0 when converting in this process is quicker."""
    workers = worker_count(settings, documents)
    return 0 if workers < 2 or documents < POOL_MIN_DOCUMENTS else workers


def finish_outcome(
    settings: Settings,
    ledger: Ledger,
    path: Path,
    name: str,
    sha: str,
    result: dict | None,
    error: BaseException | None,
) -> FileOutcome:
    if error is not None:
        reason = describe_error(error)
        record_failure(settings, ledger, path, name, reason, sha)
        return FileOutcome(str(path), name, "failed", reason)
    record_success(settings, ledger, path, name, sha)
    return FileOutcome(str(path), name, "done", str(settings.outputs / name), result)
