"""`gongwen run` as users run it, in new processes: killed with SIGKILL mid-batch, then twice at once.

No process of the killed run (its watchdog, pdftoppm) is left running. After the
restart, two runs started together, every input has complete outputs exactly once, each file was
converted by one run only, nothing partial is left, and the ledger lists each input once. (One
scenario for both: every cold `gongwen run` costs a Prefect start.)
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import checkout_environment

from flows.config import Settings
from flows.service.ledger import Ledger

pytestmark = pytest.mark.flow

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = next((ROOT / "inputs").glob("*.txt"))
OUTPUT_FILES = ("outline.json", "outline.md", "summary.md", "summary.json", "changes.html", "report.json")
DOCUMENT_FILES = 4  # NAME.docx, NAME.review.docx, NAME.pdf, NAME.ofd
RUN_TIMEOUT = 600  # a cold Prefect start is 10-30 s; loaded CI machines are slower
SUMMARY_LINE = re.compile(r"(\d+) done, (\d+) skipped, (\d+) failed")


def _inbox(root: Path, count: int) -> Settings:
    settings = Settings(inputs=root / "inputs", outputs=root / "outputs")
    settings.inputs.mkdir(parents=True)
    text = SAMPLE.read_text(encoding="utf-8")
    for number in range(1, count + 1):
        (settings.inputs / f"speech{number}.txt").write_text(f"{text}\n第{number}份。\n", encoding="utf-8")
    return settings


def _start(settings: Settings, prefect_home: Path, concurrency: int = 1) -> subprocess.Popen[str]:
    """`gongwen run` in its own session, so that its process group holds exactly what it started."""
    env = checkout_environment(PREFECT_HOME=str(prefect_home), PREFECT_SERVER_ANALYTICS_ENABLED="false")
    command = [sys.executable, "-m", "flows.cli", "run", "--inputs", str(settings.inputs)]
    command += ["--outputs", str(settings.outputs), "--concurrency", str(concurrency)]
    return subprocess.Popen(
        command,
        cwd=settings.inputs.parent,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def _finish(run: subprocess.Popen[str]) -> tuple[int, int, str]:
    """(done, skipped) of a run that must succeed, and its output."""
    output, _ = run.communicate(timeout=RUN_TIMEOUT)
    assert run.returncode == 0, output
    done, skipped, failed = map(int, SUMMARY_LINE.search(output).groups())
    assert failed == 0, output
    return done, skipped, output


def _process_group(pgid: int) -> dict[int, str]:
    """Live processes (zombies aside) of a process group: pid -> command line."""
    found = {}
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            if entry.name.isdigit() and int(fields[2]) == pgid and fields[0] not in "ZX":
                found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, ValueError):
            continue
    return found


def _has_open(pid: int, path: Path) -> bool:
    try:
        return any(os.readlink(fd) == str(path) for fd in Path(f"/proc/{pid}/fd").iterdir())
    except OSError:  # a descriptor closed while looking
        return False


def _documents(settings: Settings) -> list[Path]:
    """Document folders under outputs/ (not _failed, _thumbnails or .gongwen)."""
    return sorted(p for p in settings.outputs.glob("*") if p.is_dir() and not p.name.startswith(("_", ".")))


def _assert_every_input_done_once(settings: Settings) -> None:
    inputs = sorted(settings.inputs.iterdir())
    assert [p.name for p in _documents(settings)] == [p.stem for p in inputs], "one folder per input"
    for path in inputs:
        folder = settings.outputs / path.stem
        names = {p.name for p in folder.iterdir()}
        assert names == {
            *OUTPUT_FILES,
            f"{path.stem}.docx",
            f"{path.stem}.review.docx",
            f"{path.stem}.pdf",
            f"{path.stem}.ofd",
        }, names
        report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
        assert report["input"]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert (folder / f"{path.stem}.pdf").read_bytes().rstrip().endswith(b"%%EOF")
    ledger = Ledger(settings.state_dir).entries
    assert sorted(ledger) == [os.path.realpath(p) for p in inputs]
    assert {entry.status for entry in ledger.values()} == {"done"}
    assert not list((settings.state_dir / "staging").glob("*")), "no staging leftovers"
    assert not [p for p in settings.outputs.rglob("*") if p.name.startswith(".tmp-")], "no temporary files"
    assert not list(settings.failed_dir.glob("*"))


def _wait_for_a_published_document(run: subprocess.Popen[str], settings: Settings) -> None:
    deadline = time.monotonic() + RUN_TIMEOUT
    while not _documents(settings):
        assert run.poll() is None, run.communicate()[0]
        assert time.monotonic() < deadline, "the run published nothing"
        time.sleep(0.01)


def _assert_group_ends(pgid: int, message: str) -> None:
    """Within 15 s of its leader's death, the process group of a killed run is empty."""
    deadline = time.monotonic() + 15
    while _process_group(pgid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _process_group(pgid) == {}, message


def test_sigkill_mid_batch_then_two_runs_at_once(tmp_path: Path) -> None:
    settings = _inbox(tmp_path, 8)
    prefect_home = tmp_path / "prefect"
    run = _start(settings, prefect_home)
    staging = settings.state_dir / "staging"
    try:
        _wait_for_a_published_document(run, settings)
        group = _process_group(run.pid)
        while not list(staging.glob("*")):  # kill while the next document is being written
            assert run.poll() is None, run.communicate()[0]
            time.sleep(0.002)
        os.kill(run.pid, signal.SIGKILL)  # the run alone, as `kill -9 PID` does
        run.wait()
        published = len(_documents(settings))
        assert any("flows.orchestration.lifeline" in command for command in group.values()), group
        _assert_group_ends(run.pid, "a process of the run outlived it")
    finally:
        if _process_group(run.pid):
            os.killpg(run.pid, signal.SIGKILL)
    assert 1 <= published < 8 and list(staging.glob("*")), "killed mid-batch, with a document half-written"
    recorded = Ledger(settings.state_dir).entries
    for entry in recorded.values():  # the ledger names only documents whose outputs all exist
        assert len(list((settings.outputs / entry.output).iterdir())) == len(OUTPUT_FILES) + DOCUMENT_FILES
    # A ledger write cut short by the kill leaves a temporary file beside it: the restart removes it.
    (settings.state_dir / ".tmp-cut-short.json").write_text('{"half', encoding="utf-8")

    # The restart is two runs at once. Holding the lock until both wait for it makes them meet
    # whatever their start-up times; then they convert side by side, each file under its claim.
    lock = settings.state_dir / "run.lock"
    restarts = []
    try:
        with lock.open("a") as held:
            fcntl.flock(held, fcntl.LOCK_EX)  # as a run clearing leftovers holds it
            restarts = [_start(settings, prefect_home) for _ in range(2)]
            deadline = time.monotonic() + RUN_TIMEOUT
            while not all(_has_open(restart.pid, lock) for restart in restarts):
                assert all(restart.poll() is None for restart in restarts), restarts
                assert time.monotonic() < deadline, "the runs never reached the lock"
                time.sleep(0.05)
        results = [_finish(restart) for restart in restarts]
    finally:
        for restart in restarts:
            if restart.poll() is None:
                os.killpg(restart.pid, signal.SIGKILL)

    converted = sorted(name for _, _, output in results for name in re.findall(r"^✓ (\S+)", output, re.M))
    left_over = sorted(p.stem for p in settings.inputs.iterdir() if os.path.realpath(p) not in recorded)
    assert converted == left_over, "each file not yet in the ledger converted once, by one of the runs"
    assert [done + skipped for done, skipped, _ in results] == [8, 8]
    assert all("waiting for it" in output for _, _, output in results), "each run said it was waiting"
    _assert_every_input_done_once(settings)


def test_sigkill_leaves_no_worker_process_running(tmp_path: Path) -> None:
    """The worker processes and their fork server are not the run's children to reap: the watchdog
    stops them."""
    settings = _inbox(tmp_path, 6)
    run = _start(settings, tmp_path / "prefect", concurrency=2)
    try:
        _wait_for_a_published_document(run, settings)  # the workers are converting
        group = _process_group(run.pid)
        assert sum("multiprocessing.forkserver" in command for command in group.values()) >= 2, group
        os.kill(run.pid, signal.SIGKILL)
        run.wait()
        _assert_group_ends(run.pid, "a worker or the fork server outlived the run")
    finally:
        if _process_group(run.pid):
            os.killpg(run.pid, signal.SIGKILL)
