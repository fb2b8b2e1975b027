"""The Prefect flow: convert a batch of inbox files, a task run per slice of the batch.

`process_inbox` plans the batch (flows/service/inbox.py), converts it in the worker pool it is
handed (flows/orchestration/pool.py) or in this process, each document under its claim (runs of
other workers convert the same inbox side by side), and records each document (ledger, progress,
log) as soon as it is done. Prefect's cost per task run would be a large share of a small
document's own time, so a large batch is cut into a few slices per worker; up to that size, every
document is a task run of its own. The stages of a document are timed inside it (report.json), not
orchestrated one by one.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from flows.config import Settings, load_settings
from flows.engine.outputs import clear_leftovers
from flows.orchestration.head_start import HeadStart
from flows.orchestration.pool import WorkerPool
from flows.orchestration.work import convert, time_limit
from flows.service.claims import claims_in
from flows.service.collect import refresh_index
from flows.service.health import recorded_run
from flows.service.inbox import (
    Converted,
    FileOutcome,
    WorkItem,
    finish_outcome,
    plan_batch,
    pool_size,
    under_claims,
)
from flows.service.ledger import Ledger, run_lock
from flows.service.report_table import markdown_table

if TYPE_CHECKING:
    from flows.engine.result import DocumentResult

ProgressHook = Callable[[FileOutcome], None]
Recorder = Callable[[WorkItem, "DocumentResult | None", "Exception | None"], FileOutcome]
Submit = Callable[[WorkItem], Future]  # a document to the worker pool, or the head start that has it
Claimed = Callable[..., Iterator[Converted]]  # under_claims, given the run's ledger and claims
SLICES_PER_WORKER = 4  # enough that workers finish together and a retry or crash costs little
# A slice converts one document at a time: threads for every slice of up to 8 worker processes.
SLICE_THREADS = SLICES_PER_WORKER * 8


def _results(
    todo: list[WorkItem], settings: Settings, submit: Submit | None, claimed: Claimed
) -> Iterator[Converted]:
    """Each document's result or error, as it comes: converted in a worker process or here, one
    at a time per slice (slices run side by side), each under its claim."""

    def convert_one(item: WorkItem) -> DocumentResult:
        if submit is not None:
            return submit(item).result()
        with time_limit(settings.document_timeout):
            return convert(item.path, settings, item.name, item.sha256)

    return claimed(todo, convert_one=convert_one)


@task(name="convert", cache_policy=NO_CACHE, task_run_name="convert {label}")
def convert_task(
    label: str,
    todo: list[WorkItem],
    settings: Settings,
    submit: Submit | None,
    record: Recorder,
    claimed: Claimed,
) -> list[str]:
    """Convert a slice of the batch, recording each document as soon as it is done; its statuses."""
    logger = get_run_logger()
    statuses = []
    for item, result, error in _results(todo, settings, submit, claimed):
        outcome = record(item, result, error)
        statuses.append(outcome.status)
        if result is None:
            if outcome.status == "failed":  # else recorded meanwhile by another run
                logger.warning("%s: failed: %s", item.path.name, outcome.detail)
            continue
        # One line per document at INFO: the run's log in the Prefect UI says what it did.
        name, pages, seconds = item.path.name, result.pages, result.seconds
        logger.info("%s: done, %d pages, %.2f s -> %s", name, pages, seconds, result.output_dir)
        for warning in result.warnings:
            logger.warning("%s: %s", item.path.name, warning)
    return statuses


def slices(todo: list[WorkItem], workers: int) -> list[list[WorkItem]]:
    """The batch cut into task-run slices: one document each up to SLICES_PER_WORKER per worker."""
    size = max(1, math.ceil(len(todo) / (max(workers, 1) * SLICES_PER_WORKER)))
    return [todo[i : i + size] for i in range(0, len(todo), size)]


def _label(todo: list[WorkItem]) -> str:
    return todo[0].name if len(todo) == 1 else f"{todo[0].name} +{len(todo) - 1}"


def _convert_all(
    settings: Settings, todo: list[WorkItem], submit: Submit | None, record: Recorder, claimed: Claimed
) -> None:
    """Without worker processes the slices run one after another in this thread: in threads they
    would share one core and all finish together at the very end, so a killed run would lose them all."""
    parts = slices(todo, pool_size(settings, len(todo)))
    if submit is None:
        for part in parts:
            convert_task(_label(part), part, settings, None, record, claimed)
        return
    runs = [convert_task.submit(_label(part), part, settings, submit, record, claimed) for part in parts]
    for run in runs:
        run.result()


def _submitter(
    settings: Settings, todo: list[WorkItem], workers: WorkerPool, head: HeadStart | None
) -> Submit | None:
    """How the batch's documents reach the workers; None: converted in this process."""
    size = pool_size(settings, len(todo))
    pool: Executor | None = workers.executor(settings, size) if size else workers.running(settings)
    if head is not None:
        head.hand_over(todo)
        pool = pool or workers.executor(settings, 1)  # the head start's pool was stopped meanwhile
    if pool is None:
        return None

    def submit(item: WorkItem) -> Future:
        started = head.take(item) if head is not None else None
        return started or pool.submit(convert, item.path, settings, item.name, item.sha256)

    return submit


def run_batch(
    settings: Settings,
    paths: list[Path],
    force: bool,
    workers: WorkerPool,
    progress: ProgressHook | None = None,
) -> list[FileOutcome]:
    """The batch body: plan, convert in `workers` (or here), record, publish the index."""
    # A warning, not a print: the CLI shows warnings, and a waiting run must not look hung.
    logger = get_run_logger()
    waiting = partial(logger.warning, "another gongwen run holds %s; waiting for it", settings.outputs)
    leftovers = partial(clear_leftovers, settings.state_dir, settings.failed_dir, settings.outputs)
    head = workers.claim_head_start(settings)  # the command may hold the lock and have started converting
    held = head.held if head else run_lock(settings.state_dir, on_wait=waiting, when_alone=leftovers)
    with held, recorded_run(settings) as run:  # run.json, alerts and retention (flows/service/health.py)
        ledger = Ledger(settings.state_dir)
        claimed = partial(
            under_claims,
            ledger=ledger,
            claims=claims_in(settings.state_dir),
            on_wait=lambda item, holder: logger.warning(
                "%s is being converted by %s; waiting for it", item.path.name, holder
            ),
        )
        batch = plan_batch(settings, ledger, paths, force)
        outcomes = list(batch.outcomes)
        for outcome in outcomes:  # skipped by the ledger, or refused before converting
            logger.info("%s: %s: %s", Path(outcome.input).name, outcome.status, outcome.detail)
            if progress:
                progress(outcome)
        submit = _submitter(settings, batch.todo, workers, head)
        lock = threading.Lock()  # slices finish documents on their own threads

        def record(item: WorkItem, result: DocumentResult | None, error: Exception | None) -> FileOutcome:
            with lock:
                outcome = finish_outcome(settings, ledger, item, result, error)
                outcomes.append(outcome)
                if progress:
                    progress(outcome)
                return outcome

        try:
            _convert_all(settings, batch.todo, submit, record, claimed)
        except BaseException:  # interrupted: documents not yet started must not go on converting
            workers.stop()
            raise
        order = {str(item.path): i for i, item in enumerate(batch.todo)}
        outcomes.sort(key=lambda outcome: order.get(outcome.input, -1))  # the table in batch order
        run.finish(outcomes)
    create_markdown_artifact(
        key="gongwen-batch",
        markdown=markdown_table(outcomes, settings),
        description="Documents produced by this run",
    )
    refresh_index(settings.outputs, settings.inputs)
    return outcomes


@flow(name="gongwen-inbox", task_runner=ThreadPoolTaskRunner(max_workers=SLICE_THREADS), log_prints=True)
def process_inbox(
    paths: list[str] | None = None,
    force: bool = False,
    settings: Settings | None = None,
    workers: WorkerPool | None = None,
    progress: ProgressHook | None = None,
) -> list[FileOutcome]:
    """Convert every new or changed file in the inbox (or the given paths) into outputs/NAME/.

    The command line hands its worker pool (kept between a watcher's runs) and a progress hook;
    a deployment's run has neither: its pool lives for this run only.
    """
    settings = settings or load_settings()  # deployments: gongwen.toml and GONGWEN_* where they run
    own = workers is None
    pool = WorkerPool() if workers is None else workers
    try:
        return run_batch(settings, [Path(p) for p in paths or []], force, pool, progress)
    finally:
        if own:
            pool.stop()
