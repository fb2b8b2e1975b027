"""Claims: which process, on which host, is converting an input right now.

Workers on several hosts share one outputs folder, mounted over NFS or SMB, where a file lock may
not hold. A claim relies on two operations every such file system does atomically: creating a file
that must not exist yet (O_EXCL), and setting a file's time. The claims of an input are numbered
files, `claims/<digest of its path>/<n>`; the highest number is the current claim:

- a worker takes a free input by creating claim n+1 exclusively: of two workers, one wins;
- its holder touches it every quarter of the lease; a claim untouched for a whole lease, or held by
  a process of this host that has died, is free again, and the next claim (n+1) takes it over;
- released, a claim is not removed but dated 1970: its number stays the highest, so no later taker
  can create a claim that an earlier one, still deciding, would also create.

What a holder does is checked against the ledger before converting (flows/service/inbox.py):
a claim says who converts now, the ledger what was converted.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import socket
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

CLAIMS_DIR = "claims"
LEASE_SECONDS = 60.0  # a holder that stops touching its claim loses it after this long
RELEASED = (0, 0)  # the time a released claim is given: free at once


class DoneElsewhere(Exception):
    """Another worker has converted (or is converting) this input: this run leaves it alone."""


def digest(key: str) -> str:
    """A file name for an input's path: fixed length, whatever the path."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:40]


def this_holder() -> str:
    return f"{socket.gethostname()} pid {os.getpid()}"


@dataclass(frozen=True)
class Claim:
    key: str  # the input's path, as the ledger keys it
    file: Path  # claims/<digest>/<n>


class Claims:
    """The claims this process holds in one outputs folder, kept alive by a thread while held."""

    def __init__(self, state_dir: Path, lease: float = LEASE_SECONDS) -> None:
        self.root = state_dir / CLAIMS_DIR
        self.lease = lease
        self._held: dict[str, Claim] = {}
        self._lock = threading.Lock()
        self._renewer: threading.Thread | None = None

    def take(self, key: str) -> Claim | None:
        """The claim on input `key`, or None while another live process holds it."""
        with self._lock:
            mine = self._held.pop(key, None)
        if mine is not None and self.still_holds(mine):  # taken earlier by this process (a head start)
            with self._lock:
                self._held[key] = mine
            return mine
        folder = self.root / digest(key)
        folder.mkdir(parents=True, exist_ok=True)
        numbers = _numbers(folder)
        top = max(numbers, default=-1)
        if top >= 0 and self._alive(folder / str(top)):
            return None
        mine = folder / str(top + 1)
        try:
            descriptor = os.open(mine, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:  # another worker took it over first
            return None
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            # ASCII: an undecodable file name's lone surrogates are written as escapes, read back as they were
            json.dump({"input": key, "holder": this_holder(), "at": _now()}, handle)
        for number in numbers:  # claims it supersedes: nobody creates these numbers again
            (folder / str(number)).unlink(missing_ok=True)
        claim = Claim(key, mine)
        with self._lock:
            self._held[key] = claim
            self._start_renewing()
        return claim

    def still_holds(self, claim: Claim) -> bool:
        """False when another worker took the claim over (this process stalled past the lease)."""
        try:
            return claim.file.exists() and max(_numbers(claim.file.parent)) == int(claim.file.name)
        except (OSError, ValueError):
            return False

    def release(self, claim: Claim) -> None:
        with self._lock:
            self._held.pop(claim.key, None)
        with contextlib.suppress(FileNotFoundError):  # taken over meanwhile: nothing to release
            os.utime(claim.file, RELEASED)

    def holder(self, key: str) -> str:
        """Who holds input `key`'s claim, for messages; "" when nobody does."""
        folder = self.root / digest(key)
        top = max(_numbers(folder), default=-1)
        return _holder_of(folder / str(top)) if top >= 0 else ""

    def _alive(self, file: Path) -> bool:
        try:
            touched = file.stat().st_mtime
        except FileNotFoundError:
            return False
        if time.time() - touched >= self.lease:
            return False
        return not _died_here(_holder_of(file))

    def _start_renewing(self) -> None:
        """Called holding self._lock, as the renewer decides to stop holding it: one renewer at a time."""
        if self._renewer is None:
            self._renewer = threading.Thread(target=self._renew, name="gongwen-claims", daemon=True)
            self._renewer.start()

    def _renew(self) -> None:
        """Touch every held claim each quarter of the lease; stop when none is held."""
        while True:
            time.sleep(self.lease / 4)
            with self._lock:
                held = list(self._held.values())
                if not held:
                    self._renewer = None
                    return
            for claim in held:
                with contextlib.suppress(FileNotFoundError):  # taken over: still_holds tells
                    os.utime(claim.file)  # no times given: the file server's clock sets it


def _numbers(folder: Path) -> list[int]:
    try:
        return [int(name) for name in os.listdir(folder) if name.isdigit()]
    except FileNotFoundError:
        return []


def _holder_of(file: Path) -> str:
    """The claim's holder; "" while its creator is still writing it, or when it is unreadable."""
    try:
        return str(json.loads(file.read_text(encoding="utf-8"))["holder"])
    except (OSError, ValueError, KeyError, TypeError):
        return ""


def _died_here(holder: str) -> bool:
    """Whether `holder` was a process of this host that no longer runs: no need to wait out its lease."""
    host, _, pid = holder.rpartition(" pid ")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # another user's process
        return False
    return False


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


_registry: dict[str, Claims] = {}
_registry_lock = threading.Lock()


def claims_in(state_dir: Path) -> Claims:
    """This process's claims in an outputs folder: one object, shared by a head start and its flow."""
    with _registry_lock:
        return _registry.setdefault(os.path.realpath(state_dir), Claims(state_dir))
