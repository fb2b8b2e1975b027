"""A new `gongwen run` converts before its flow run exists: under the run lock, handed over once."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from flows.config import Settings
from flows.orchestration.pool import WorkerPool
from flows.orchestration.work import convert
from flows.service.inbox import plan_batch
from flows.service.ledger import Ledger, try_run_lock

pytestmark = pytest.mark.slow  # worker processes convert whole documents

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_TEXT = next((ROOT / "inputs").glob("*.txt")).read_text(encoding="utf-8")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    settings = Settings(inputs=tmp_path / "inputs", outputs=tmp_path / "outputs", concurrency=2)
    settings.inputs.mkdir()
    for n in range(3):
        (settings.inputs / f"speech{n}.txt").write_text(f"{SAMPLE_TEXT}\n第{n}份。\n", encoding="utf-8")
    return settings


@pytest.fixture
def workers(settings: Settings) -> Iterator[WorkerPool]:
    workers = WorkerPool()
    yield workers
    head = workers.claim_head_start(settings)
    if head is not None:
        head.held.close()
    workers.stop()


def _lock_is_free(settings: Settings) -> bool:
    with try_run_lock(settings.state_dir) as free:
        return free


def test_head_start_holds_the_lock_and_hands_its_documents_over(
    settings: Settings, workers: WorkerPool
) -> None:
    workers.get_ready(settings, [], force=False)
    assert not _lock_is_free(settings), "another run waits until the flow's batch ends"
    head = workers.claim_head_start(settings)
    assert head is not None and workers.claim_head_start(settings) is None, "handed over once"
    todo = plan_batch(settings, Ledger(settings.state_dir)).todo
    with head.held:
        head.hand_over(todo)
        futures = [head.take(item) for item in todo]
        assert futures == [head.futures[item] for item in todo], "not converted a second time"
        assert all(head.take(item) is None for item in todo), "each handed out once"
        assert [f.result(timeout=300).pages for f in futures] == [4, 4, 4]
    assert _lock_is_free(settings)


def test_a_file_changed_after_the_head_start_is_converted_again(
    settings: Settings, workers: WorkerPool
) -> None:
    workers.get_ready(settings, [], force=False)
    changed = settings.inputs / "speech1.txt"
    changed.write_text(f"{SAMPLE_TEXT}\n改过了。\n", encoding="utf-8")
    head = workers.claim_head_start(settings)
    assert head is not None
    todo = plan_batch(settings, Ledger(settings.state_dir)).todo
    with head.held:
        head.hand_over(todo)
        item = next(item for item in todo if item.path == changed)
        old = next(future for started, future in head.futures.items() if started.path == changed)
        assert old.done(), "the older conversion is over before the newer one starts"
        assert head.take(item) is None, "the newer bytes are not under way"
        result = convert(item.path, settings, item.name, item.sha256)
    report = json.loads((Path(result.output_dir) / "report.json").read_text(encoding="utf-8"))
    assert report["input"]["sha256"] == hashlib.sha256(changed.read_bytes()).hexdigest()


def test_no_head_start_when_another_run_holds_the_lock_or_for_one_worker(
    settings: Settings, workers: WorkerPool
) -> None:
    with try_run_lock(settings.state_dir) as mine:
        assert mine
        workers.get_ready(settings, [], force=False)
        assert workers.claim_head_start(settings) is None
    workers.get_ready(replace(settings, concurrency=1), [], force=False)
    assert workers.claim_head_start(settings) is None
    assert _lock_is_free(settings)
