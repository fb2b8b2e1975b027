"""The batch's worker pool, its slices of task runs, and the temporary Prefect server of run/watch."""

from __future__ import annotations

import contextlib
import gc
import os
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import checkout_environment
from pool_jobs import fails, killed, no_warm_up, pid_after

from flows.config import Settings
from flows.engine.result import ConversionFailed
from flows.orchestration.flow import SLICES_PER_WORKER, slices
from flows.orchestration.pool import WorkerPool, worker_context
from flows.orchestration.prefect_server import TemporaryServer, healthy, start_server
from flows.orchestration.process_pool import JobTimedOut, ProcessPool, WorkerDied

pytestmark = pytest.mark.slow  # worker processes and their fork server

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_INPUT = next((ROOT / "inputs").glob("*.txt"))


def _worker_state() -> dict[str, object]:
    """What a worker holds before its first document (runs in the worker)."""
    import jieba

    from flows.engine.fonts import _font_set

    return {
        "pid": os.getpid(),
        "stages imported": "tasks.writing.render_pdf" in sys.modules
        and "tasks.analysis.summarize" in sys.modules,
        "jieba loaded": jieba.dt.initialized,
        "fonts parsed": _font_set.cache_info().currsize > 0,
        "frozen objects": gc.get_freeze_count(),
        "gc enabled": gc.isenabled(),
    }


@pytest.fixture
def pool_settings(tmp_path: Path) -> Settings:
    return Settings(inputs=tmp_path / "inputs", outputs=tmp_path / "outputs")


@pytest.fixture
def workers() -> Iterator[WorkerPool]:
    workers = WorkerPool()
    yield workers
    workers.stop()


@pytest.mark.skipif(sys.platform != "linux", reason="workers are forked from a fork server on Linux")
def test_workers_start_warm_from_the_fork_server(pool_settings: Settings, workers: WorkerPool) -> None:
    pool = workers.executor(pool_settings, 2)
    states = [pool.submit(_worker_state).result(timeout=120) for _ in range(4)]
    for state in states:
        assert state["stages imported"] and state["jieba loaded"] and state["fonts parsed"], state
        assert state["frozen objects"] > 10_000, "the fork server froze what it loaded: pages stay shared"
        assert state["gc enabled"], "workers collect garbage again"
    assert os.getpid() not in {state["pid"] for state in states}


@pytest.mark.skipif(sys.platform != "linux", reason="workers are forked from a fork server on Linux")
def test_a_worker_without_the_fork_servers_warm_up_says_so(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.orchestration.pool import PRELOAD, _start_worker

    monkeypatch.delitem(sys.modules, PRELOAD, raising=False)  # as in a fork server that could not import it
    with caplog.at_level("WARNING", logger="flows.orchestration.pool"):
        _start_worker(Settings().font_key)
    assert "starts cold" in caplog.text and "PYTHONPATH" in caplog.text


@pytest.fixture
def small_pool() -> Iterator[ProcessPool]:
    pool = ProcessPool(2, worker_context(), no_warm_up, time_limit=2)
    yield pool
    pool.kill()


def test_a_killed_worker_fails_only_its_own_job_and_is_replaced(small_pool: ProcessPool) -> None:
    jobs = [small_pool.submit(pid_after, 0.3) for _ in range(3)]
    dying = small_pool.submit(killed)
    jobs += [small_pool.submit(pid_after, 0.1) for _ in range(3)]
    with pytest.raises(WorkerDied, match="killed by SIGKILL: out of memory"):
        dying.result(timeout=60)
    assert all(job.result(timeout=60) for job in jobs), "the other jobs, queued or running, are done"
    together = [small_pool.submit(pid_after, 0.5) for _ in range(2)]
    assert len({job.result(timeout=60) for job in together}) == 2, "two workers again: one replaced"


def test_a_job_past_the_time_limit_fails_and_its_worker_is_replaced(small_pool: ProcessPool) -> None:
    started = time.monotonic()
    stuck = small_pool.submit(pid_after, 600)
    others = [small_pool.submit(pid_after, 0.1) for _ in range(4)]
    with pytest.raises(JobTimedOut, match="took longer than 2 s"):
        stuck.result(timeout=60)
    assert time.monotonic() - started < 30
    assert all(job.result(timeout=60) for job in others)
    assert small_pool.submit(pid_after, 0).result(timeout=60) > 0


def test_a_jobs_exception_is_its_result_and_shutdown_drops_what_is_queued(small_pool: ProcessPool) -> None:
    first = small_pool.submit(pid_after, 0.5)
    with pytest.raises(ValueError, match="bad input"):
        small_pool.submit(fails, "bad input").result(timeout=60)
    queued = [small_pool.submit(pid_after, 0.5) for _ in range(4)]
    small_pool.shutdown(wait=True, cancel_futures=True)
    assert first.result() > 0, "a job under way finishes"
    assert all(job.done() for job in queued) and any(job.cancelled() for job in queued)
    with pytest.raises(RuntimeError, match="shut down"):
        small_pool.submit(pid_after, 0)


def test_a_worker_says_the_real_reason_a_document_failed(
    pool_settings: Settings, workers: WorkerPool
) -> None:
    """A font file that is missing: the document fails with that reason, not a broken pool, and
    the failure is the environment's (the next run tries again)."""
    from dataclasses import replace

    from flows.orchestration.work import convert

    settings = replace(pool_settings, fonts={"body": "/nowhere/simfang.ttf"})
    futures = [
        workers.executor(settings, 2).submit(convert, SAMPLE_INPUT, settings, f"s{n}") for n in range(3)
    ]
    for future in futures:
        with pytest.raises(ConversionFailed, match=r"font file not found: /nowhere/simfang\.ttf") as failed:
            future.result(timeout=300)
        assert failed.value.temporary


def test_pool_is_kept_between_runs_and_replaced_when_resized(
    pool_settings: Settings, workers: WorkerPool
) -> None:
    pool = workers.executor(pool_settings, 2)
    assert workers.executor(pool_settings, 2) is pool, "a watcher's next run reuses the warm workers"
    bigger = workers.executor(pool_settings, 3)
    assert bigger is not pool
    workers.stop()
    assert workers.executor(pool_settings, 3) is not bigger, "a stopped pool is not handed out again"


def test_a_worker_converts_a_document_and_draws_its_thumbnail(
    pool_settings: Settings, workers: WorkerPool
) -> None:
    from flows.orchestration.work import convert

    result = (
        workers.executor(pool_settings, 2).submit(convert, SAMPLE_INPUT, pool_settings, "sample").result(300)
    )
    assert result.pages == 4
    assert (pool_settings.outputs / "sample" / "sample.pdf").is_file()
    thumbnail = pool_settings.outputs / "_thumbnails" / "sample.png"
    assert thumbnail.read_bytes().startswith(b"\x89PNG"), "the index finds its thumbnail drawn"


@pytest.mark.parametrize(("concurrency", "expected"), [(2, 1), (1, None)])
def test_a_new_run_prestarts_a_worker_even_for_one_document(
    pool_settings: Settings, concurrency: int, expected: int | None, workers: WorkerPool
) -> None:
    """A new `gongwen run` process is cold: a worker warms up on another core while it starts Prefect.
    With a concurrency of 1 the document is converted in the run's own process."""
    from dataclasses import replace

    settings = replace(pool_settings, concurrency=concurrency)
    settings.inputs.mkdir()
    (settings.inputs / "one.txt").write_bytes(SAMPLE_INPUT.read_bytes())
    workers.get_ready(settings, [], force=False)
    deadline = time.monotonic() + 5
    while expected and workers.running(settings) is None and time.monotonic() < deadline:
        time.sleep(0.01)
    pool = workers.running(settings)
    assert (pool.workers if pool else None) == expected
    if pool:
        assert pool.submit(os.getpid).result(timeout=120) != os.getpid()
    head = workers.claim_head_start(settings)  # with two workers allowed, the document got a head start
    assert (head is not None) == (concurrency > 1)
    if head is not None:
        head.held.close()


@pytest.mark.parametrize(
    ("documents", "workers", "sizes"),
    [
        (1, 0, [1]),
        (5, 2, [1] * 5),
        (8, 2, [1] * 8),
        (9, 2, [2, 2, 2, 2, 1]),
        (200, 2, [25] * 8),
        (201, 2, [26] * 7 + [19]),
        (50, 0, [13, 13, 13, 11]),
    ],
)
def test_slices_cover_the_batch_in_order(documents: int, workers: int, sizes: list[int]) -> None:
    todo = [(Path(f"{n}.txt"), str(n), f"{n:064x}") for n in range(documents)]
    parts = slices(todo, workers)
    assert [len(part) for part in parts] == sizes
    assert [item for part in parts for item in part] == todo
    assert len(parts) <= max(workers, 1) * SLICES_PER_WORKER or max(sizes) == 1


def test_start_server_leaves_a_configured_server_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")
    assert start_server() is None


@pytest.mark.flow
def test_temporary_server_answers_then_stops(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from prefect.settings import PREFECT_HOME, PREFECT_SERVER_ANALYTICS_ENABLED, temporary_settings

    (tmp_path / "prefect").mkdir()  # as Prefect makes it at import
    with temporary_settings(
        updates={PREFECT_HOME: tmp_path / "prefect", PREFECT_SERVER_ANALYTICS_ENABLED: False}
    ):
        server = TemporaryServer()  # it serves in the settings where it was made, not the process's
    try:
        api_url = server.wait()
        assert healthy(api_url)
        with urllib.request.urlopen(f"{api_url}/admin/version", timeout=10) as response:
            assert response.status == 200
    finally:
        started = time.monotonic()
        server.stop()
    assert time.monotonic() - started < 5, "the services and the database close promptly"
    assert not server.running, "stopped"
    assert not healthy(api_url)
    assert (tmp_path / "prefect" / "prefect.db").is_file(), "the database of PREFECT_HOME, as Prefect's own"


_CHILD_THAT_DIES_WITH_ITS_PARENT = """
import os, sys, time
from flows.orchestration.lifeline import die_with_parent
pid = os.fork()
if pid == 0:
    die_with_parent()
    time.sleep(60)
    os._exit(0)
print(pid, flush=True)
time.sleep(60)
"""


def test_a_process_that_asked_to_die_with_its_parent_does() -> None:
    """What each worker of the fork server does: the kernel kills it when the server ends, however."""
    parent = subprocess.Popen(
        [sys.executable, "-c", _CHILD_THAT_DIES_WITH_ITS_PARENT],
        stdout=subprocess.PIPE,
        text=True,
        env=checkout_environment(),
    )
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    time.sleep(0.5)  # the child has made its request
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 5
    while Path(f"/proc/{child}").exists() and time.monotonic() < deadline:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(child, os.WNOHANG)  # not ours: reaped by init; this only avoids a stale entry
        time.sleep(0.05)
    stat = Path(f"/proc/{child}/stat")
    assert not stat.exists() or stat.read_text().split(") ")[1].startswith(("Z", "X")), "the child outlived"


def test_the_time_limit_in_this_process_survives_code_that_swallows_it() -> None:
    from flows.orchestration.work import time_limit

    started = time.monotonic()
    with pytest.raises(JobTimedOut), time_limit(0.2):
        with contextlib.suppress(Exception):  # a library that catches everything swallows the first
            time.sleep(5)
        time.sleep(5)  # the document goes on: the limit is raised again
    assert time.monotonic() - started < 3


def test_the_time_limit_holds_on_a_thread_that_is_not_the_main_one() -> None:
    """The flow may convert on a task runner's thread: no signal reaches it, the limit holds all the same."""
    from flows.orchestration.work import time_limit

    outcome: list[str] = []

    def convert() -> None:
        started = time.monotonic()
        try:
            with time_limit(0.3):
                while time.monotonic() - started < 10:  # Python code working
                    sum(range(1000))
            outcome.append("done")
        except JobTimedOut as error:
            outcome.append(f"{error} after {time.monotonic() - started:.1f} s")

    thread = threading.Thread(target=convert)
    thread.start()
    thread.join(15)
    assert outcome and outcome[0].startswith("took longer than 0.3 s after 0."), outcome
