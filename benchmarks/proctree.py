"""Run a command as a whole process and measure it: wall time, CPU time, peak memory of its process tree.

Memory and CPU time are summed over the process and every descendant (pool workers and their fork
server, Prefect's server, LibreOffice's soffice.bin), sampled from /proc every 50 ms. Memory is the
proportional set size (shared pages split between the processes that map them: what the run needs
of the machine) and the resident set size (shared pages counted in every process). Linux only.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

_PAGE = os.sysconf("SC_PAGE_SIZE")
_TICKS = os.sysconf("SC_CLK_TCK")
_SAMPLE_SECONDS = 0.05
MB = 1 << 20


@dataclass(frozen=True)
class Measured:
    wall: float  # seconds
    cpu: float  # user + system seconds of the process tree
    peak_mb: float  # peak of the summed PSS of the process tree
    peak_rss_mb: float  # peak of the summed RSS
    peak_processes: int  # processes alive at that peak
    returncode: int
    stdout: str


def _children() -> dict[int, list[int]]:
    """Parent pid -> child pids, for every process visible in /proc."""
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: fields start after the last ")".
        ppid = int(stat.rpartition(")")[2].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def _usage(pid: int) -> tuple[int, int, float] | None:
    """(PSS, RSS) in bytes and CPU seconds (user + system) of one process; None if it is gone."""
    try:
        rss = int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * _PAGE
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except (OSError, IndexError, ValueError):
        return None  # gone between listing and reading
    pss = next((int(line.split()[1]) * 1024 for line in rollup if line.startswith("Pss:")), rss)
    return pss, rss, (int(fields[11]) + int(fields[12])) / _TICKS


def tree_usage(root: int, cpu: dict[int, float]) -> tuple[int, int, int]:
    """Summed PSS and RSS in bytes of `root` and its descendants, and how many processes that is.

    Each process's CPU time so far goes into `cpu` (pid -> seconds): a pool's workers may be children
    of a fork server that `root` never waits for, so its own rusage would not include them.
    """
    tree = _children()
    todo, pss, rss, count = [root], 0, 0, 0
    while todo:
        pid = todo.pop()
        todo.extend(tree.get(pid, ()))
        usage = _usage(pid)
        if usage is not None:
            pss, rss, count = pss + usage[0], rss + usage[1], count + 1
            cpu[pid] = usage[2]
    return pss, rss, count


def run(command: list[str], env: dict[str, str], cwd: Path, timeout: float = 1800) -> Measured:
    """Run `command` to completion; raise if it fails, with its output."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    peak = [0, 0, 0]  # PSS, RSS, processes
    cpu: dict[int, float] = {}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            pss, rss, count = tree_usage(process.pid, cpu)
            peak[:] = [max(peak[0], pss), max(peak[1], rss), count if pss > peak[0] else peak[2]]
            done.wait(_SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    # Read output on its own thread: a full pipe would block the child and skew the timing.
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.append(process.stdout.read() if process.stdout else ""))
    reader.start()
    deadline = start + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            process.kill()
            raise TimeoutError(f"{command[:4]} still running after {timeout:.0f} s")
        time.sleep(0.01)
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    reader.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    result = Measured(
        wall=wall,
        # Sampled: the last 50 ms of each process and processes shorter than that are missed.
        cpu=max(usage.ru_utime + usage.ru_stime, sum(cpu.values())),
        peak_mb=peak[0] / MB,
        peak_rss_mb=peak[1] / MB,
        peak_processes=peak[2],
        returncode=process.returncode,
        stdout="".join(output),
    )
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:6])} failed ({result.returncode}):\n{result.stdout[-3000:]}")
    return result
