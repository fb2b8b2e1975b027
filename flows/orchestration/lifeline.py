"""Nothing a run starts outlives it, even when the run itself is killed with SIGKILL.

A killed process cannot clean up: the batch's worker processes and the Prefect server `gongwen serve`
starts (a subprocess holding a port) would keep running. Two guards, Linux only (elsewhere they do
nothing):
- `start_lifeline` starts a small watchdog process that notes the run's descendants while the run
  lives and, once the run is gone however it ended, stops whichever of them are still running, and
  those it finds still in the run's process group then (a worker forked after its last look);
- `die_with_parent` makes a worker ask the kernel to kill it when its parent (the pool's fork server,
  which ends with the run) ends.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

PROC = Path("/proc")
POLL_SECONDS = 0.2
TERM_GRACE_SECONDS = 3.0

Process = tuple[int, int]  # (pid, start time in clock ticks): a pid alone may be reused
_PR_SET_PDEATHSIG = 1  # prctl(2)


def start_lifeline() -> subprocess.Popen[bytes] | None:
    """Start the watchdog for this process. It exits by itself soon after this process ends."""
    if not PROC.is_dir():
        return None
    return subprocess.Popen(
        [sys.executable, "-m", "flows.orchestration.lifeline", str(os.getpid())],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,  # holding the run's pipes open would keep its readers waiting
        stderr=subprocess.DEVNULL,
    )


def die_with_parent() -> None:
    """Have the kernel SIGKILL this process when the thread that forked it ends (prctl PR_SET_PDEATHSIG).

    Only for a process whose parent is a single-threaded server (the pool's fork server): the signal
    follows the forking thread, not the parent process. Outputs are published by one rename, so a
    document cut short leaves nothing behind."""
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    if ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL) != 0:
        return
    if parent == 1 or os.getppid() != parent:  # the parent ended before the request was made
        os.kill(os.getpid(), signal.SIGKILL)


def _stat(pid: int) -> tuple[int, int, int] | None:
    """(parent pid, process group, start time) of a live process; None for one gone or a zombie."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()  # the command name may hold spaces and parentheses
    return None if fields[0] in "ZX" else (int(fields[1]), int(fields[2]), int(fields[19]))


def _processes() -> dict[int, tuple[int, int, int]]:
    """Every live process: pid -> (parent pid, process group, start time)."""
    found = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            found[int(entry.name)] = stat
    return found


def _descendants(root: int) -> set[Process]:
    children: dict[int, list[Process]] = {}
    for pid, (parent, _, start) in _processes().items():
        children.setdefault(parent, []).append((pid, start))
    found: set[Process] = set()
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child[0])
    return found


def _group(group: int, me: int) -> set[Process]:
    """The live processes of a process group but this one: what a killed run left in its own group."""
    return {(pid, start) for pid, (_, pgid, start) in _processes().items() if pgid == group and pid != me}


def _alive(processes: set[Process]) -> set[Process]:
    return {(pid, start) for pid, start in processes if (_stat(pid) or (0, 0, -1))[2] == start}


def _signal(processes: set[Process], signum: int) -> None:
    for pid, _ in processes:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signum)


def watch(parent: int) -> None:
    """Record the parent's descendants until the parent is gone, then stop the survivors."""
    me = os.getpid()
    seen: set[Process] = set()
    group = (_stat(parent) or (0, -1, 0))[1]
    while os.getppid() == parent:  # a child is re-parented when its parent dies
        seen |= {p for p in _descendants(parent) if p[0] != me}
        time.sleep(POLL_SECONDS)
    # A process forked since the last look is no longer the dead run's descendant: if the run led its
    # own process group (the command line does), what is left in that group is the run's too.
    if group == parent:
        seen |= _group(group, me)
    survivors = _alive(seen)
    _signal(survivors, signal.SIGTERM)  # a server closes its database cleanly on SIGTERM
    deadline = time.monotonic() + TERM_GRACE_SECONDS
    while survivors and time.monotonic() < deadline:
        time.sleep(0.1)
        survivors = _alive(survivors)
    _signal(survivors, signal.SIGKILL)


if __name__ == "__main__":
    # Ctrl-C and a closed terminal reach the whole process group: stay to clean up after the run.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    watch(int(sys.argv[1]))
