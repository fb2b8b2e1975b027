"""The whole pipeline through Prefect: a dropped speech becomes DOCX, PDF, outline, summary, report."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import SAMPLES, checkout_environment

from flows.config import Settings
from flows.service.inbox import FileOutcome

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_INPUT = next((ROOT / "inputs").glob("*.txt"))

pytestmark = pytest.mark.flow


FirstRun = tuple[Settings, list[FileOutcome]]


@pytest.fixture(scope="module")
def first_run(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> FirstRun:
    from flows.orchestration.flow import process_inbox

    root = tmp_path_factory.mktemp("inbox")
    settings = Settings(inputs=root / "inputs", outputs=root / "outputs")
    settings.inputs.mkdir()
    shutil.copy(SAMPLE_INPUT, settings.inputs / SAMPLE_INPUT.name)
    shutil.copy(SAMPLES / "corpus" / "hailar_2012_report.gbk.txt", settings.inputs)
    (settings.inputs / "empty.txt").write_bytes(b"")
    before = {p.name: p.read_bytes() for p in settings.inputs.iterdir()}
    rows = process_inbox(settings=settings)
    assert {p.name: p.read_bytes() for p in settings.inputs.iterdir()} == before, "inputs must never change"
    return settings, rows


def test_each_input_gets_all_outputs(first_run: FirstRun) -> None:
    settings, rows = first_run
    status = {row.name: row.status for row in rows}
    assert status == {SAMPLE_INPUT.stem: "done", "hailar_2012_report.gbk": "done", "empty": "failed"}
    out = settings.outputs / SAMPLE_INPUT.stem
    expected = {
        f"{SAMPLE_INPUT.stem}.docx",
        f"{SAMPLE_INPUT.stem}.pdf",
        "outline.json",
        "outline.md",
        "summary.md",
        "summary.json",
        "report.json",
        "changes.html",
    }
    assert expected <= {p.name for p in out.iterdir()}
    assert not list((settings.state_dir / "staging").glob("*")), "no staging leftovers"


def test_sample_outline_and_report(first_run: FirstRun) -> None:
    settings, _ = first_run
    out = settings.outputs / SAMPLE_INPUT.stem
    outline = json.loads((out / "outline.json").read_text(encoding="utf-8"))
    assert [h["level"] for h in outline].count(1) == 4
    assert [h["level"] for h in outline].count(2) == 6
    assert outline[1] == {
        **outline[1],
        "level": 2,
        "number": "（一）",
        "title": "坚持学以立德",
        "inline": True,
    }

    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    changes = report["normalization"]["changes"]
    assert any(c["before"] == "," and c["after"] == "，" for c in changes), "ASCII comma fixed and recorded"
    assert any(c["before"] == "。，" and c["after"] == "。" for c in changes), (
        "doubled mark fixed and recorded"
    )
    assert report["input"]["sha256"] and report["input"]["encoding"] == "utf-8"
    assert set(report["fonts"]) >= {"title", "body", "heiti", "kaiti", "page_number"}
    assert report["pages"] >= 3
    assert {"ingest", "normalize", "structure", "summarize", "render_docx", "render_pdf", "total"} <= set(
        report["timings_ms"]
    )
    assert report["versions"]["prefect"]


def test_gbk_report_is_decoded(first_run: FirstRun) -> None:
    settings, _ = first_run
    report = json.loads(
        (settings.outputs / "hailar_2012_report.gbk" / "report.json").read_text(encoding="utf-8")
    )
    assert report["input"]["encoding"] == "gb18030"
    assert report["title"] == "政府工作报告"


def test_failure_is_recorded_with_its_reason(first_run: FirstRun) -> None:
    settings, _ = first_run
    error = (settings.failed_dir / "empty.error.txt").read_text(encoding="utf-8")
    assert "empty.txt: file is empty" in error


def test_second_run_skips_and_force_redoes(first_run: FirstRun) -> None:
    from flows.orchestration.flow import process_inbox

    settings, _ = first_run
    again = {row.name: row.status for row in process_inbox(settings=settings)}
    assert set(again.values()) == {"skipped"}
    forced = process_inbox(paths=[str(settings.inputs / SAMPLE_INPUT.name)], force=True, settings=settings)
    assert [row.status for row in forced] == ["done"]


def _children(pid: int) -> dict[int, str]:
    """Live child processes of `pid`: pid -> state letter and command line."""
    found = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text()
            state, ppid = stat[stat.rindex(")") + 2 :].split()[:2]
            if int(ppid) == pid and state not in "ZX":
                command = (entry / "cmdline").read_bytes().decode(errors="replace")
                found[int(entry.name)] = f"{state} {command}"
        except (OSError, ValueError):
            continue
    return found


def _busy_worker() -> int | None:
    """A worker process of this process's pool that is converting right now (forked by the fork server)."""
    for server, command in _children(os.getpid()).items():
        if "forkserver" in command:
            busy = [pid for pid, worker in _children(server).items() if worker.startswith("R")]
            return busy[0] if busy else None
    return None


def test_a_killed_worker_fails_at_most_its_own_document(prefect_harness: None, tmp_path: Path) -> None:
    """A worker killed mid-batch (the out-of-memory killer): its document fails as the environment's
    failure, tried again by the next run; the pool gets a new worker and the batch goes on."""
    from flows.orchestration.flow import process_inbox

    settings = Settings(inputs=tmp_path / "inputs", outputs=tmp_path / "outputs", concurrency=2)
    settings.inputs.mkdir()
    text = SAMPLE_INPUT.read_text(encoding="utf-8")
    for number in range(6):
        (settings.inputs / f"speech{number}.txt").write_text(f"{text}\n第{number}份。\n", encoding="utf-8")
    killed: list[int] = []

    def kill_a_busy_worker() -> None:
        deadline = time.monotonic() + 300
        while not killed and time.monotonic() < deadline:
            worker = _busy_worker() if list(settings.outputs.glob("speech*")) else None
            if worker is not None:
                os.kill(worker, signal.SIGKILL)
                killed.append(worker)
            time.sleep(0.005)

    killer = threading.Thread(target=kill_a_busy_worker)
    killer.start()
    rows = process_inbox(settings=settings)
    killer.join()
    assert killed, "a worker was killed mid-batch"
    failed = [row for row in rows if row.status == "failed"]
    assert len(failed) <= 1 and len(rows) - len(failed) == 6 - len(failed), rows
    for row in failed:
        assert "killed by SIGKILL" in row.detail and "the next run tries again" in row.detail
    again = {row.name: row.status for row in process_inbox(settings=settings)}
    assert again == {f"speech{n}": "skipped" for n in range(6)} | {row.name: "done" for row in failed}


def test_a_document_past_its_time_limit_fails_and_the_batch_goes_on(
    prefect_harness: None, tmp_path: Path
) -> None:
    """Converting in the flow's own process (a concurrency of 1), the limit holds too."""
    from flows.orchestration.flow import process_inbox

    settings = Settings(
        inputs=tmp_path / "inputs", outputs=tmp_path / "outputs", concurrency=1, document_timeout=5
    )
    settings.inputs.mkdir()
    text = SAMPLE_INPUT.read_text(encoding="utf-8")
    body = "各部门要认真抓好落实，确保各项工作取得实效。" * 5 + "\n"
    # ~870 pages (under max_pages): over 5 s even in a process that has converted before
    (settings.inputs / "long.txt").write_text(text + body * 5000, encoding="utf-8")
    shutil.copy(SAMPLE_INPUT, settings.inputs / "short.txt")
    started = time.monotonic()
    rows = {row.name: (row.status, row.detail) for row in process_inbox(settings=settings)}
    assert rows["long"] == ("failed", "took longer than 5 s (document_timeout)")
    assert rows["short"][0] == "done"
    assert time.monotonic() - started < 60


def test_cli_run_cold_process(tmp_path: Path) -> None:
    """The user's path: `gongwen run FILE` in a new process, with Prefect's ephemeral server."""
    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    inputs.mkdir()
    shutil.copy(SAMPLE_INPUT, inputs)
    env = checkout_environment(PREFECT_HOME=str(tmp_path / "prefect"), GONGWEN_OUTPUTS=str(outputs))
    done = subprocess.run(
        [sys.executable, "-m", "flows.cli", "run", "--inputs", str(inputs)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 done, 0 skipped, 0 failed" in done.stdout
    assert (outputs / SAMPLE_INPUT.stem / f"{SAMPLE_INPUT.stem}.pdf").stat().st_size > 10_000
