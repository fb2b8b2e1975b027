"""The Prefect flow: convert a batch of inbox files, one task run per document.

Each document is one coarse task run ("convert"): Prefect's per-task cost and its SQLite event
writes grow with the number of task runs, and the stages of one document are microseconds to
milliseconds each, so they are timed inside the task (report.json) rather than orchestrated one
by one. CPU-bound conversion runs in a pool of worker processes so that a batch uses every core;
the task run in the flow's process waits for its document and carries retries and logging.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from contextvars import ContextVar
from dataclasses import asdict
from functools import partial
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from flows.collect import refresh_index
from flows.config import Settings, load_settings
from flows.inbox import FileOutcome, finish_outcome, plan_batch, pool_size
from flows.ledger import Ledger, run_lock
from flows.outputs import clear_leftovers
from flows.report_table import markdown_table
from flows.workers import convert, stop_workers, worker_pool

ProgressHook = Callable[[FileOutcome], None]


def _is_transient(task, task_run, state) -> bool:
    """Retry only failures that may pass (I/O), never bad input or bugs that would fail again."""
    try:
        state.result()
    except OSError:
        return True
    except Exception:
        return False
    return False


@task(
    name="convert", cache_policy=NO_CACHE, retries=1, retry_delay_seconds=1, retry_condition_fn=_is_transient
)
def convert_task(path: Path, settings: Settings, output_name: str, pool: Executor | None = None) -> dict:
    logger = get_run_logger()
    if pool is None:
        result = convert(path, settings, output_name)
    else:
        result = pool.submit(convert, path, settings, output_name).result()
    logger.info("%s -> %s (%d pages, %.2f s)", path.name, result.output_dir, result.pages, result.seconds)
    for warning in result.warnings:
        logger.warning("%s: %s", path.name, warning)
    return result.as_dict()


def _converted(
    settings: Settings, todo: list[tuple[Path, str, str]], pool: Executor | None
) -> Iterator[tuple[Path, str, str, dict | None, Exception | None]]:
    """(path, name, sha256, result, error) per document, in batch order.

    Without worker processes documents are converted one at a time: in threads they would share
    one core and all finish together at the very end, so a killed run would lose all of them.
    """
    if pool is None:
        runs = [(path, name, sha, partial(convert_task, path, settings, name)) for path, name, sha in todo]
    else:
        runs = [
            (path, name, sha, convert_task.submit(path, settings, name, pool).result)
            for path, name, sha in todo
        ]
    for path, name, sha, run in runs:
        try:
            yield path, name, sha, run(), None
        except Exception as error:  # a failed document must not stop the batch
            yield path, name, sha, None, error


def run_batch(
    settings: Settings, paths: list[Path], force: bool, progress: ProgressHook | None = None
) -> list[FileOutcome]:
    """The batch body, shared by the flow and by callers that already run inside one."""
    # A warning, not a print: the CLI shows warnings, and a waiting run must not look hung.
    logger = get_run_logger()
    waiting = partial(logger.warning, "another gongwen run holds %s; waiting for it", settings.outputs)
    with run_lock(settings.state_dir, on_wait=waiting):
        clear_leftovers(settings.state_dir, settings.failed_dir)
        ledger = Ledger(settings.state_dir)
        batch = plan_batch(settings, ledger, paths, force)
        outcomes = list(batch.outcomes)
        for outcome in outcomes:
            if progress:
                progress(outcome)
        workers = pool_size(settings, len(batch.todo))
        pool = worker_pool(settings, workers) if workers else None
        try:
            for path, name, sha, result, error in _converted(settings, batch.todo, pool):
                outcome = finish_outcome(settings, ledger, path, name, sha, result, error)
                outcomes.append(outcome)
                if progress:
                    progress(outcome)
        except BaseException:  # interrupted: documents not yet started must not go on converting
            stop_workers()
            raise
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
