"""The Prefect flow: convert a batch of inbox files, a task run per slice of the batch.

A task run ("convert") converts a slice of the batch's documents and records each one (ledger,
progress, log) as soon as it is done. Prefect's cost per task run (~25 ms of CPU in its client
and server, events written one by one to SQLite) would be a third of a small document's own time,
so a large batch is cut into a few slices per worker; up to that size, every document is a task
run of its own. The stages of a document are timed inside it (report.json), not orchestrated one by
one. CPU-bound conversion runs in a pool of worker processes so that a batch uses every core.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, as_completed
from contextvars import ContextVar
from dataclasses import asdict
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from flows.config import Settings, load_settings
from flows.engine.outputs import clear_leftovers
from flows.orchestration import head_start
from flows.orchestration.pool import convert, running_pool, stop_workers, time_limit, worker_pool
from flows.service.collect import refresh_index
from flows.service.inbox import FileOutcome, Todo, finish_outcome, plan_batch, pool_size
from flows.service.ledger import Ledger, run_lock
from flows.service.report_table import markdown_table

if TYPE_CHECKING:
    from flows.engine.result import DocumentResult

ProgressHook = Callable[[FileOutcome], None]
Recorder = Callable[[Todo, "DocumentResult | None", "Exception | None"], FileOutcome]
SLICES_PER_WORKER = 4  # enough that workers finish together and a retry or crash costs little


def _results(
    todo: list[Todo], settings: Settings, pool: Executor | None
) -> Iterator[tuple[Todo, DocumentResult | None, Exception | None]]:
    """Each document's result or error, as it comes: in worker processes, or here one by one."""
    if pool is None:
        for item in todo:
            try:
                with time_limit(settings.document_timeout):
                    result = convert(item[0], settings, *item[1:])
            except Exception as error:  # a failed document must not stop the batch
                yield item, None, error
            else:
                yield item, result, None
        return
    futures: dict[Future, Todo] = {pool.submit(convert, item[0], settings, *item[1:]): item for item in todo}
    for future in as_completed(futures):
        error = future.exception()
        yield futures[future], None if error else future.result(), error


@task(name="convert", cache_policy=NO_CACHE, task_run_name="convert {label}")
def convert_task(
    label: str, todo: list[Todo], settings: Settings, pool: Executor | None, record: Recorder
) -> list[str]:
    """Convert a slice of the batch, recording each document as soon as it is done; its statuses."""
    logger = get_run_logger()
    statuses = []
    for item, result, error in _results(todo, settings, pool):
        outcome = record(item, result, error)
        statuses.append(outcome.status)
        path = item[0]
        if result is None:
            logger.warning("%s failed: %s", path.name, outcome.detail)
            continue
        logger.info("%s -> %s (%d pages, %.2f s)", path.name, result.output_dir, result.pages, result.seconds)
        for warning in result.warnings:
            logger.warning("%s: %s", path.name, warning)
    return statuses


def slices(todo: list[Todo], workers: int) -> list[list[Todo]]:
    """The batch cut into task-run slices: one document each up to SLICES_PER_WORKER per worker."""
    size = max(1, math.ceil(len(todo) / (max(workers, 1) * SLICES_PER_WORKER)))
    return [todo[i : i + size] for i in range(0, len(todo), size)]


def _label(todo: list[Todo]) -> str:
    return todo[0][1] if len(todo) == 1 else f"{todo[0][1]} +{len(todo) - 1}"


def _convert_all(settings: Settings, todo: list[Todo], pool: Executor | None, record: Recorder) -> None:
    """Without worker processes the slices run one after another in this thread: in threads they
    would share one core and all finish together at the very end, so a killed run would lose them all."""
    parts = slices(todo, pool_size(settings, len(todo)))
    if pool is None:
        for part in parts:
            convert_task(_label(part), part, settings, None, record)
        return
    runs = [convert_task.submit(_label(part), part, settings, pool, record) for part in parts]
    for run in runs:
        run.result()


def run_batch(
    settings: Settings, paths: list[Path], force: bool, progress: ProgressHook | None = None
) -> list[FileOutcome]:
    """The batch body, shared by the flow and by callers that already run inside one."""
    # A warning, not a print: the CLI shows warnings, and a waiting run must not look hung.
    logger = get_run_logger()
    waiting = partial(logger.warning, "another gongwen run holds %s; waiting for it", settings.outputs)
    head = head_start.claim(settings)  # the command may hold the lock and have started converting
    with head.held if head else run_lock(settings.state_dir, on_wait=waiting):
        if head is None:
            clear_leftovers(settings.state_dir, settings.failed_dir, settings.outputs)
        ledger = Ledger(settings.state_dir)
        batch = plan_batch(settings, ledger, paths, force)
        outcomes = list(batch.outcomes)
        for outcome in outcomes:
            if progress:
                progress(outcome)
        workers = pool_size(settings, len(batch.todo))
        pool: Executor | None = worker_pool(settings, workers) if workers else running_pool(settings)
        if head is not None:
            pool = head.hand_over(batch.todo, pool)
        lock = threading.Lock()  # slices finish documents on their own threads

        def record(item: Todo, result: DocumentResult | None, error: Exception | None) -> FileOutcome:
            with lock:
                done = result.as_dict() if result is not None else None
                outcome = finish_outcome(settings, ledger, *item, done, error)
                outcomes.append(outcome)
                if progress:
                    progress(outcome)
                return outcome

        try:
            _convert_all(settings, batch.todo, pool, record)
        except BaseException:  # interrupted: documents not yet started must not go on converting
            stop_workers()
            raise
        order = {str(path): i for i, (path, _, _) in enumerate(batch.todo)}
        outcomes.sort(key=lambda outcome: order.get(outcome.input, -1))  # the table in batch order
    create_markdown_artifact(
        key="gongwen-batch",
        markdown=markdown_table(outcomes, settings),
        description="Documents produced by this run",
    )
    refresh_index(settings.outputs)
    return outcomes


@flow(name="gongwen-inbox", task_runner=ThreadPoolTaskRunner(max_workers=8), log_prints=True)
def process_inbox(
    paths: list[str] | None = None, force: bool = False, settings: Settings | None = None
) -> list[dict]:
    """Convert every new or changed file in the inbox (or the given paths) into outputs/NAME/."""
    settings = settings or load_settings()  # deployments: gongwen.toml and GONGWEN_* where they run
    outcomes = run_batch(settings, [Path(p) for p in paths or []], force, _progress.get(None))
    return [asdict(outcome) for outcome in outcomes]


# The CLI shows progress per file; a deployment run only logs. A flow parameter cannot carry a
# callable (parameters are serialized), so the hook travels beside the call.
_progress: ContextVar[ProgressHook] = ContextVar("gongwen_progress")


def run_with_progress(hook: ProgressHook, **parameters: object) -> list[dict]:
    token = _progress.set(hook)
    try:
        return process_inbox(**parameters)
    finally:
        _progress.reset(token)
