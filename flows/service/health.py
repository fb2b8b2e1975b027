"""Health: what a run and a service leave behind for `gongwen status`, and the status itself.

A run records itself in outputs/.gongwen/run.json while it holds the run lock: "running" with its
pid and host when it starts, then "finished" with its counts, or "failed" with the error that
stopped it. A run.json that says "running" while nobody holds the lock is a run that was killed.
`service_process` wraps a long-running command (`watch`, `serve`, the web page): heartbeat, and an
alert if it stops on an error. `check_health` reads all of it, the lock, the heartbeats and the
ledger's failures into one `Health`.
"""

from __future__ import annotations

import json
import logging
import os
import socket
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, datetime
from pathlib import Path

from flows.config import Settings
from flows.engine.outputs import atomic_write_json
from flows.service.environment import EXIT_ENVIRONMENT
from flows.service.heartbeat import Beat, heartbeat, read_beats
from flows.service.inbox import FileOutcome
from flows.service.ledger import LOCK_FILE, Ledger, try_run_lock
from flows.service.lifecycle import apply_retention, history_versions, list_documents
from flows.service.notify import notify_failures, notify_fatal

RUN_FILE = "run.json"
STALE_BEATS = 3  # a heartbeat missed this many times over: the process is gone or hung
RECENT_FAILURES = 10
EXIT_DOCUMENTS_FAILED = 1

log = logging.getLogger("gongwen.health")


@dataclass(frozen=True)
class RunRecord:
    pid: int
    host: str
    started: str  # UTC, ISO 8601
    status: str  # running | finished | failed
    finished: str = ""
    done: int = 0
    skipped: int = 0
    failed: int = 0
    error: str = ""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _write_record(state_dir: Path, record: RunRecord) -> None:
    try:
        atomic_write_json(state_dir / RUN_FILE, asdict(record))
    except OSError as error:  # the run's own writes will say what is wrong with the folder
        log.warning("run record not written: %s", error)


def read_run_record(state_dir: Path) -> RunRecord | None:
    try:
        data = json.loads((state_dir / RUN_FILE).read_text(encoding="utf-8"))
        known = {f.name for f in fields(RunRecord)}
        return RunRecord(**{key: value for key, value in data.items() if key in known})
    except (OSError, ValueError, TypeError):
        return None


@dataclass
class RunWatch:
    """The run being recorded; `finish` it with the run's outcomes."""

    settings: Settings
    record: RunRecord

    def finish(self, outcomes: Sequence[FileOutcome]) -> None:
        """Record the counts, announce failed documents, apply the retention setting. Nothing here may
        fail the run: its documents are converted and recorded already."""
        totals = Counter(outcome.status for outcome in outcomes)
        self.record = replace(
            self.record,
            status="finished",
            finished=_now(),
            done=totals["done"],
            skipped=totals["skipped"],
            failed=totals["failed"],
        )
        _write_record(self.settings.state_dir, self.record)
        notify_failures(self.settings, outcomes)
        try:
            apply_retention(self.settings)
        except (OSError, ValueError, KeyError):  # a folder that will not go, a report damaged by hand
            log.exception("retention: pruning %s failed", self.settings.outputs)


@contextmanager
def recorded_run(settings: Settings) -> Iterator[RunWatch]:
    """Record a run in run.json for the duration of the block; the caller holds the run lock. An error
    that ends the block is recorded and announced (notify_url), and raised on."""
    record = RunRecord(os.getpid(), socket.gethostname(), _now(), "running")
    _write_record(settings.state_dir, record)
    watch = RunWatch(settings, record)
    try:
        yield watch
    except Exception as error:
        failed = replace(watch.record, status="failed", finished=_now(), error=str(error) or repr(error))
        _write_record(settings.state_dir, failed)
        notify_fatal(settings, error, "run")
        raise


@contextmanager
def service_process(settings: Settings, kind: str) -> Iterator[None]:
    """A long-running command: its heartbeat, and an alert if it stops on an error (not on a signal)."""
    try:
        with heartbeat(settings.state_dir, kind):
            yield
    except Exception as error:
        notify_fatal(settings, error, kind)
        raise


@dataclass(frozen=True)
class Service:
    """A heartbeat as seen now."""

    beat: Beat
    age_seconds: float
    state: str  # alive | stale (no beat for long) | gone (its process is no more) | stopped | failed


@dataclass(frozen=True)
class LedgerFailure:
    input: str
    output: str
    at: str
    error: str


@dataclass(frozen=True)
class Health:
    outputs: str
    checked: str  # UTC
    run_active: bool
    lock_holder: str  # "pid 123 on host" while a run holds the lock, else ""
    last_run: RunRecord | None
    services: tuple[Service, ...]
    recent_failures: tuple[LedgerFailure, ...]  # newest first
    documents: dict[str, int]  # lifecycle state -> documents
    history_versions: int
    problems: tuple[str, ...] = field(default=())  # each makes the status unhealthy

    @property
    def status(self) -> str:
        if self.problems:
            return "unhealthy"
        return "documents failed" if self.last_run and self.last_run.failed else "healthy"

    @property
    def exit_code(self) -> int:
        """0 healthy; 1 the last run had failed documents; 3 a stale, dead or failed run or service."""
        return {"healthy": 0, "documents failed": EXIT_DOCUMENTS_FAILED}.get(self.status, EXIT_ENVIRONMENT)

    def as_dict(self) -> dict:
        return {**asdict(self), "status": self.status, "exit_code": self.exit_code}


def _alive_here(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _service(beat: Beat, now: datetime, host: str) -> Service:
    age = (now - datetime.fromisoformat(beat.at)).total_seconds()
    if beat.ended:
        state = "stopped" if beat.ended == "stopped" else "failed"
    elif beat.host == host and not _alive_here(beat.pid):
        state = "gone"
    elif age > STALE_BEATS * beat.interval:
        state = "stale"
    else:
        state = "alive"
    return Service(beat, round(age, 1), state)


def _local_lock_holder(lock_file: Path) -> int | None:
    """The pid of a process on this machine holding a flock on `lock_file` (/proc/locks), if any."""
    try:
        inode = lock_file.stat().st_ino
        lines = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        parts = line.split()
        # "1: FLOCK  ADVISORY  WRITE 2166 fd:01:1234 0 EOF"; waiters are marked "->". Matched by inode:
        # /proc/locks numbers devices as the kernel does, which stat does not always (overlayfs).
        if "->" not in parts and len(parts) > 5 and parts[1] == "FLOCK" and parts[5].endswith(f":{inode}"):
            return int(parts[4])
    return None


def _lock_state(state_dir: Path, record: RunRecord | None) -> tuple[bool, str]:
    """Whether a run holds the lock now, and who: this machine's /proc/locks, else the run's record."""
    if not (state_dir / LOCK_FILE).exists():  # no run ever: nothing to look at, nor to create
        return False, ""
    with try_run_lock(state_dir) as free:
        if free:
            return False, ""
    pid = _local_lock_holder(state_dir / LOCK_FILE)
    if pid is not None:
        return True, f"pid {pid} on {socket.gethostname()}"
    if record is not None and record.status == "running":
        return True, f"pid {record.pid} on {record.host}"
    return True, "a process on another machine"


def _recent_failures(state_dir: Path) -> tuple[LedgerFailure, ...]:
    failed = [
        LedgerFailure(key, entry.output, entry.at, entry.error)
        for key, entry in Ledger(state_dir).entries.items()
        if entry.status == "failed"
    ]
    return tuple(sorted(failed, key=lambda failure: failure.at, reverse=True)[:RECENT_FAILURES])


def _age(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds / size:.0f} {unit}"
    return f"{seconds:.0f} s"


def _problems(services: Sequence[Service], last_run: RunRecord | None, run_active: bool) -> tuple[str, ...]:
    problems = []
    for service in services:
        beat = service.beat
        who = f"{beat.kind} on {beat.host} (pid {beat.pid})"
        if service.state == "stale":
            problems.append(f"{who}: no heartbeat for {_age(service.age_seconds)}; killed or hung")
        elif service.state == "gone":
            problems.append(f"{who}: the process is gone without stopping (killed)")
        elif service.state == "failed":
            problems.append(f"{who}: {beat.ended}")
    if last_run is not None and last_run.status == "failed":
        problems.append(f"the last run (pid {last_run.pid} on {last_run.host}) stopped: {last_run.error}")
    if last_run is not None and last_run.status == "running" and not run_active:
        problems.append(
            f"the last run (pid {last_run.pid} on {last_run.host}, started {last_run.started}) "
            "ended without finishing: killed"
        )
    return tuple(problems)


def check_health(settings: Settings, now: datetime | None = None) -> Health:
    """The service's health as `gongwen status` shows it (and the web page may)."""
    now = now or datetime.now(UTC)
    state_dir = settings.state_dir
    run_active, holder = _lock_state(state_dir, read_run_record(state_dir))
    last_run = read_run_record(state_dir)  # after the lock: a run that finished meanwhile says so
    if last_run is not None and last_run.status == "running" and not run_active:
        run_active, holder = _lock_state(state_dir, last_run)  # or one that started meanwhile
    host = socket.gethostname()
    services = tuple(_service(beat, now, host) for beat in read_beats(state_dir))
    documents = Counter(str(document.state) for document in list_documents(settings))
    return Health(
        outputs=str(settings.outputs),
        checked=now.isoformat(timespec="seconds"),
        run_active=run_active,
        lock_holder=holder,
        last_run=last_run,
        services=services,
        recent_failures=_recent_failures(state_dir),
        documents=dict(documents),
        history_versions=sum(len(v) for v in history_versions(settings.outputs).values()),
        problems=_problems(services, last_run, run_active),
    )
