"""Four workers, as if on four hosts, convert one inbox into one outputs folder; one is killed mid-batch.

Each worker is a process of its own that names itself as another host, plans the whole inbox with
its own ledger and converts it under claims (flows/service/inbox.py under_claims), as the flow does.
The killed worker's claim outlives it for a lease; then another worker takes its document over.
Afterwards every input has one folder, one ledger entry and a complete PDF; each document was
converted by one worker only, except the one taken over from the killed worker.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import socket
import time
from functools import partial
from pathlib import Path

import pytest

from flows.config import Settings
from flows.engine.outputs import clear_leftovers
from flows.engine.result import DocumentResult
from flows.orchestration.work import convert
from flows.service.claims import Claims
from flows.service.inbox import WorkItem, finish_outcome, plan_batch, under_claims
from flows.service.ledger import Ledger, run_lock

pytestmark = pytest.mark.slow

WORKERS = 4
DOCUMENTS = 50
LEASE_SECONDS = 2.0
VICTIM_PAUSE_SECONDS = 2.0
NOTICE = (
    "关于做好第{n}批档案整理工作的通知\n\n各科室：\n"
    "为规范档案管理，现就第{n}批档案整理工作通知如下。\n\n办公室\n2025年3月{n}日\n"
)


def _settings(root: Path) -> Settings:
    return Settings(inputs=root / "inputs", outputs=root / "outputs", formats="pdf", concurrency=1)


def _worker(root: Path, host: str, pause: float) -> None:
    """One worker's run over the whole inbox; it logs each conversion it starts and each outcome.
    It pauses `pause` seconds at the start of each conversion (a slow host: a window to kill it in)."""
    socket.gethostname = lambda: host  # type: ignore[assignment]  # as if on a host of its own
    settings = _settings(root)
    log = (root / f"{host}.jsonl").open("a", encoding="utf-8", buffering=1)

    def convert_one(item: WorkItem) -> DocumentResult:
        log.write(json.dumps({"started": item.path.name}) + "\n")
        time.sleep(pause)
        return convert(item.path, settings, item.name, item.sha256)

    leftovers = partial(clear_leftovers, settings.state_dir, settings.failed_dir, settings.outputs)
    with run_lock(settings.state_dir, when_alone=leftovers):
        ledger = Ledger(settings.state_dir)
        batch = plan_batch(settings, ledger)
        claims = Claims(settings.state_dir, LEASE_SECONDS)
        for item, result, error in under_claims(batch.todo, ledger, claims, convert_one):
            outcome = finish_outcome(settings, ledger, item, result, error)
            log.write(json.dumps({"outcome": outcome.status, "input": item.path.name}) + "\n")


def _log(root: Path, host: str) -> list[dict]:
    path = root / f"{host}.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return [json.loads(line) for line in lines]


def _converting_mid_batch(settings: Settings, host: str) -> bool:
    """Whether `host` is in the middle of a conversion while the others have recorded a few documents."""
    lines = _log(settings.inputs.parent, host)
    recorded = list((settings.state_dir / "ledger").glob("*.json"))
    return bool(lines) and "started" in lines[-1] and len(recorded) >= 5


def test_four_workers_one_killed_every_document_once(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    settings.inputs.mkdir()
    for n in range(1, DOCUMENTS + 1):
        (settings.inputs / f"notice-{n:02d}.txt").write_text(NOTICE.format(n=n), encoding="utf-8")
    hosts = [f"host-{n}" for n in range(WORKERS)]
    fork = multiprocessing.get_context("fork")  # the test's imports (fonts, jieba) are shared, not redone
    pause = {hosts[0]: VICTIM_PAUSE_SECONDS}  # the one to kill is slow: it is killed mid-conversion
    workers = [fork.Process(target=_worker, args=(tmp_path, host, pause.get(host, 0.0))) for host in hosts]
    for worker in workers:
        worker.start()
    victim, killed = workers[0], hosts[0]
    deadline = time.monotonic() + 60
    # Killed while converting, the batch under way: its claim is left behind.
    while not _converting_mid_batch(settings, killed):
        assert victim.is_alive() and time.monotonic() < deadline, "the worker to kill never got going"
        time.sleep(0.005)
    os.kill(victim.pid, signal.SIGKILL)
    victim.join()
    for worker in workers[1:]:
        worker.join(timeout=120)
        assert worker.exitcode == 0, f"{worker.name} ended with {worker.exitcode}"

    inputs = sorted(settings.inputs.iterdir())
    entries = Ledger(settings.state_dir).entries
    assert sorted(entries) == [os.path.realpath(p) for p in inputs], "one ledger entry per input"
    assert {entry.status for entry in entries.values()} == {"done"}
    folders = sorted(p.name for p in settings.outputs.iterdir() if not p.name.startswith((".", "_", "index")))
    assert folders == [p.stem for p in inputs], "one folder per input, none twice"
    for path in inputs:
        folder = settings.outputs / path.stem
        assert (folder / f"{path.stem}.pdf").read_bytes().rstrip().endswith(b"%%EOF")
        report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
        assert report["input"]["path"] == os.path.realpath(path)
    assert not [p for p in settings.outputs.rglob("*") if p.name.startswith(".tmp-")], "no half-written file"
    assert not list((settings.state_dir / "staging").glob("*")), "the last worker out cleared the staging"
    assert not list(settings.failed_dir.glob("*")), "no error"

    started: dict[str, list[str]] = {p.name: [] for p in inputs}
    for host in hosts:
        for line in _log(tmp_path, host):
            if "started" in line:
                started[line["started"]].append(host)
    taken_over = {name for name, by in started.items() if by[:1] == [killed] and len(by) == 2}
    assert taken_over, "the killed worker's document was finished by another"
    assert all(len(by) == 1 for name, by in started.items() if name not in taken_over), started
    for name in taken_over:
        entry = entries[os.path.realpath(settings.inputs / name)]
        assert entry.by.startswith(started[name][1]), "recorded by the worker that took it over"
    for host in hosts[1:]:
        outcomes = [line for line in _log(tmp_path, host) if "outcome" in line]
        assert len({line["input"] for line in outcomes}) == len(outcomes), f"{host}: each document once"
        assert {line["outcome"] for line in outcomes} <= {"done", "skipped"}
    recorders = {entry.by.split(" pid ")[0] for entry in entries.values()}
    assert recorders == set(hosts[1:]), "the others shared the batch"
