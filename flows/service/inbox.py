"""The inbox: find what is new in inputs/, convert it, remember it.

`plan_batch` decides (without Prefect) what to do with every candidate file: skip it, refuse it,
or convert it (a WorkItem); `finish_outcome` records how each converted document ended (ledger,
failure record). The Prefect flow (flows/orchestration/flow.py) runs the plan.
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from flows.config import Settings
from flows.engine.outputs import (
    atomic_write_text,
    clean_name,
    failure_path,
    is_reserved,
    numbered,
    safe_output_name,
    with_suffix,
)
from flows.engine.result import ConversionFailed, DocumentResult, JobTimedOut, WorkerDied
from flows.service.claims import Claim, Claims, DoneElsewhere
from flows.service.ledger import Ledger, file_sha256
from tasks.reading.ingest import SUPPORTED_SUFFIXES, IngestError, check_size, display_name
from tasks.reading.metadata import sidecar_path

IGNORED_PREFIXES = (".", "~$")
IGNORED_SUFFIXES = (".tmp", ".part", ".crdownload", ".swp", ".toml")  # .toml: metadata sidecars
# A temporary failure's outcome says so: the document is not to blame, and it is not given up.
TEMPORARY_NOTE = "[the environment's failure, not the file's: not recorded; the next run tries again]"
POOL_MIN_DOCUMENTS = 3  # below this, starting worker processes costs more than it saves
CLAIM_POLL_SECONDS = 0.5  # how often a run looks again at documents another worker holds


class WorkItem(NamedTuple):
    """A document the batch converts."""

    path: Path
    name: str  # its folder under outputs/
    sha256: str  # of the bytes the batch planned with


class Converted(NamedTuple):
    """A document's conversion as a run sees it: its result, or why there is none."""

    item: WorkItem
    result: DocumentResult | None
    error: Exception | None


@dataclass
class FileOutcome:
    input: str
    name: str
    status: str  # done | skipped | failed
    detail: str = ""
    result: DocumentResult | None = None  # None unless done


@dataclass
class Batch:
    todo: list[WorkItem] = field(default_factory=list)
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


def _adoptable(folder: Path, path: Path, sha256: str) -> bool:
    """Whether outputs/NAME/ holds this very file's conversion that the ledger never recorded (a run
    killed between publishing and recording, or a ledger set aside): then the file keeps that name.
    Its report names the input's path; one written before it did, the input's name and content."""
    try:
        source = json.loads((folder / "report.json").read_text(encoding="utf-8"))["input"]
        if "path" in source:
            return source["path"] == Ledger.key(path)
        return bool(sha256) and source["sha256"] == sha256 and source["name"] == display_name(path)
    except (OSError, ValueError, KeyError, TypeError):
        return False


def _output_names(candidates: dict[Path, str], ledger: Ledger, outputs: Path) -> dict[Path, str]:
    """Output names unique across runs: the one an input owns in the ledger, else its file's stem,
    made distinct from every name another input owns, the tool's own names and anything already in
    outputs/ that is not this file's. `candidates` maps each path to its sha256 ("" if refused)."""
    names: dict[Path, str] = {}
    for path in candidates:
        entry = ledger.get(path)
        if entry is not None:
            names[path] = entry.output
    taken = ledger.owned_names() | {name.casefold() for name in names.values()}
    for path, sha256 in candidates.items():
        if path in names:
            continue
        for name in _name_choices(path):
            if name.casefold() in taken or is_reserved(name):
                continue
            folder = outputs / name
            if not os.path.lexists(folder) or _adoptable(folder, path, sha256):
                break
        names[path] = name
        taken.add(name.casefold())
    return names


def _name_choices(path: Path) -> Iterator[str]:
    """The file's stem, then with its type ("通知-docx"), then numbered ("通知-docx-2", …)."""
    stem = safe_output_name(path.name)
    yield stem
    yield from numbered(with_suffix(stem, f"-{clean_name(path.suffix.lstrip('.').lower()) or 'file'}"))


def plan_batch(settings: Settings, ledger: Ledger, paths: Iterable[Path] = (), force: bool = False) -> Batch:
    batch = Batch()
    hashes: dict[Path, str] = {}
    refusals: dict[Path, str] = {}
    for path in candidate_files(settings, paths):
        try:
            refusal = _refusal(path, settings)
            hashes[path] = "" if refusal else file_sha256(path)
        except OSError as error:  # unreadable, vanished: this file fails, the batch goes on
            refusal, hashes[path] = f"cannot read: {error.strerror or error}", ""
        if refusal:
            refusals[path] = refusal
    names = _output_names(hashes, ledger, settings.outputs)
    for path, sha in hashes.items():
        name = names[path]
        if path in refusals:
            batch.outcomes.append(FileOutcome(str(path), name, "failed", refusals[path]))
            record_failure(settings, ledger, path, name, refusals[path], sha256="")
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
        batch.todo.append(WorkItem(path, name, sha))
    return batch


def record_failure(
    settings: Settings, ledger: Ledger, path: Path, name: str, reason: str, sha256: str
) -> None:
    error_file = failure_path(settings.failed_dir, name)
    atomic_write_text(error_file, f"input: {path}\nsha256: {sha256 or '-'}\nerror: {reason}\n")
    if sha256:
        ledger.record(path, sha256, "failed", name, reason)


def record_success(settings: Settings, ledger: Ledger, path: Path, name: str, sha256: str) -> None:
    ledger.record(path, sha256, "done", name)
    failure_path(settings.failed_dir, name).unlink(missing_ok=True)


def describe_error(error: BaseException) -> str:
    """One line for users; the traceback tail for anything that is not a known problem."""
    if isinstance(error, OSError) and error.strerror:
        return f"{error.strerror}: {error.filename}" if error.filename else error.strerror
    if isinstance(error, (ValueError, WorkerDied, JobTimedOut)) or _is_font_error(error):
        return str(error)
    frames = traceback.extract_tb(error.__traceback__)
    where = f" (at {frames[-1].filename}:{frames[-1].lineno})" if frames else ""
    return f"{type(error).__name__}: {error}{where}"


def _is_font_error(error: BaseException) -> bool:
    # Not imported here: the run's process need not load the fonts module (reportlab) to ask.
    fonts = sys.modules.get("tasks.writing.fonts")
    return fonts is not None and isinstance(error, fonts.FontError)


def as_failure(error: BaseException, path: Path | None = None, sha256: str = "") -> ConversionFailed:
    """Whose failure `error` is. The environment's (a full disk, a worker killed, a font file missing,
    the file changing while it was read) is temporary: the next run tries again. Anything else is the
    input's bytes failing: final until the file changes. `path` and its planned `sha256`, where the
    error was met, tell a file that changed meanwhile."""
    if isinstance(error, ConversionFailed):
        return error
    reason = describe_error(error)
    if isinstance(error, JobTimedOut):
        return ConversionFailed(f"{reason} (document_timeout)", temporary=False)
    if isinstance(error, (OSError, MemoryError, WorkerDied)) or _is_font_error(error):
        return ConversionFailed(reason, temporary=True)
    if path is not None and sha256 and _sha256_now(path) != sha256:
        return ConversionFailed(f"{reason}; the file changed while it was read", temporary=True)
    return ConversionFailed(reason, temporary=False)


def _sha256_now(path: Path) -> str:
    try:
        return file_sha256(path)
    except OSError:
        return ""


def worker_count(settings: Settings, documents: int) -> int:
    """Documents of a batch of `documents` that can be converted at once: settings, batch and cores."""
    return min(settings.concurrency, documents, os.cpu_count() or 1)


def pool_size(settings: Settings, documents: int) -> int:
    """Worker processes for a batch of `documents`; 0 when converting in this process is quicker."""
    workers = worker_count(settings, documents)
    return 0 if workers < 2 or documents < POOL_MIN_DOCUMENTS else workers


def under_claims(
    todo: list[WorkItem],
    ledger: Ledger,
    claims: Claims,
    convert_one: Callable[[WorkItem], DocumentResult],
    on_wait: Callable[[WorkItem, str], object] | None = None,
) -> Iterator[Converted]:
    """Each document of `todo` converted by whichever run claims it first: by this one (its result or
    error), or by another worker (DoneElsewhere). A document another worker holds is looked at again
    until that worker records it, lets it go unrecorded, or dies; `on_wait` tells of one still held
    after a first look again (most are recorded by then). The claim is released only once the
    caller has recorded what is yielded, so that a run that claims it next finds it recorded."""
    pending, waited = list(todo), 0
    told: set[WorkItem] = set()
    while pending:
        held_elsewhere = []
        for item in pending:
            claim = claims.take(ledger.key(item.path))
            if claim is None:
                held_elsewhere.append(item)
                continue
            try:
                yield _converted(item, ledger, claims.still_holds, claim, convert_one)
            finally:
                claims.release(claim)
        for item in held_elsewhere if on_wait and waited else ():
            if item not in told:
                told.add(item)
                on_wait(item, claims.holder(ledger.key(item.path)) or "another run")
        if held_elsewhere:
            time.sleep(CLAIM_POLL_SECONDS)
            waited += 1
        pending = held_elsewhere


def _converted(
    item: WorkItem,
    ledger: Ledger,
    still_holds: Callable[[Claim], bool],
    claim: Claim,
    convert_one: Callable[[WorkItem], DocumentResult],
) -> Converted:
    """The document converted under `claim`, unless another run recorded it since this one planned."""
    entry = ledger.recorded_meanwhile(item.path)
    if entry is not None:  # that run read the file after this one planned: its entry stands
        return Converted(item, None, DoneElsewhere(f"converted meanwhile by {entry.by or 'another run'}"))
    try:
        result = convert_one(item)
    except Exception as error:  # a failed document must not stop the batch
        return Converted(item, None, error)
    if not still_holds(claim):  # this run stalled past the lease: the taker's conversion stands
        return Converted(item, None, DoneElsewhere("taken over by another run while this one stalled"))
    return Converted(item, result, None)


def finish_outcome(
    settings: Settings,
    ledger: Ledger,
    item: WorkItem,
    result: DocumentResult | None,
    error: BaseException | None,
) -> FileOutcome:
    """Record how a document ended. The ledger gets the hash of the bytes the conversion read; a
    temporary failure is not recorded at all, so that the next run tries the file again."""
    path, name, sha = item
    if isinstance(error, DoneElsewhere):
        return FileOutcome(str(path), name, "skipped", str(error))
    if error is None and result is not None:
        record_success(settings, ledger, path, name, result.sha256 or sha)
        return FileOutcome(str(path), name, "done", str(settings.outputs / name), result)
    failure = as_failure(error or RuntimeError("no result"))
    if failure.temporary:
        return FileOutcome(str(path), name, "failed", f"{failure.reason} {TEMPORARY_NOTE}")
    record_failure(settings, ledger, path, name, failure.reason, sha)
    return FileOutcome(str(path), name, "failed", failure.reason)
