"""Nothing a run starts outlives it, even when the run itself is killed with SIGKILL.

A killed process cannot clean up: the batch's worker processes and the Prefect server `gongwen serve`
starts (a subprocess holding a port) would keep running. `start_lifeline` starts a small watchdog
process that notes the run's descendants while the run lives and, once the run is gone however it
ended, stops whichever of them are still running. Linux only (it reads /proc); elsewhere it does
nothing.
"""

from __future__ import annotations

import contextlib
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


def start_lifeline() -> subprocess.Popen[bytes] | None:
    """Start the watchdog for this process. It exits by itself soon after this process ends."""
    if not PROC.is_dir():
        return None
    return subprocess.Popen(
        [sys.executable, "-m", "flows.lifeline", str(os.getpid())],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,  # holding the run's pipes open would keep its readers waiting
        stderr=subprocess.DEVNULL,
    )


def _stat(pid: int) -> tuple[int, int] | None:
    """(parent pid, start time) of a live process; None for one that is gone or a zombie."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()  # the command name may hold spaces and parentheses
    return None if fields[0] in "ZX" else (int(fields[1]), int(fields[19]))


def _descendants(root: int) -> set[Process]:
    children: dict[int, list[Process]] = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat is not None:
                children.setdefault(stat[0], []).append((int(entry.name), stat[1]))
    found: set[Process] = set()
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child[0])
    return found


def _alive(processes: set[Process]) -> set[Process]:
    return {(pid, start) for pid, start in processes if (_stat(pid) or (0, -1))[1] == start}


def _signal(processes: set[Process], signum: int) -> None:
    for pid, _ in processes:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signum)


def watch(parent: int) -> None:
    """Record the parent's descendants until the parent is gone, then stop the survivors."""
    me = os.getpid()
    seen: set[Process] = set()
    while os.getppid() == parent:  # a child is re-parented when its parent dies
        seen |= {p for p in _descendants(parent) if p[0] != me}
        time.sleep(POLL_SECONDS)
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
