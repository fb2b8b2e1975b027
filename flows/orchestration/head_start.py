"""A new `gongwen run` process starts converting before its Prefect flow run exists.

Prefect takes seconds to import and start its server in a new process; the workers are warm sooner.
So, when no other run holds the run lock, the command takes it, plans the batch, claims the documents
and hands them to the workers first (`start_head`, called by WorkerPool.get_ready). The flow run,
once Prefect is up, claims the head start: it finds the lock held and the documents under way, and
records each one as it finishes, as if it had started it (ledger, log, progress); it releases the
lock and the claims at its end.
Nothing is recorded outside the flow: a command that dies before its flow runs leaves published
outputs the ledger does not list, and the next run converts them again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future, wait
from contextlib import ExitStack
from functools import partial
from pathlib import Path

from flows.config import Settings
from flows.engine.outputs import clear_leftovers
from flows.orchestration.work import convert
from flows.service.claims import claims_in
from flows.service.inbox import WorkItem, plan_batch, worker_count
from flows.service.ledger import Ledger, try_run_lock

StartPool = Callable[[Settings, int], Executor]  # WorkerPool.executor


class HeadStart:
    """Documents under way before the flow run, and the run lock they were planned under."""

    def __init__(
        self, settings: Settings, held: ExitStack, todo: list[WorkItem], start_pool: StartPool, workers: int
    ) -> None:
        self.settings = settings
        self.held = held  # the run lock, released when the flow's batch ends
        self.futures: dict[WorkItem, Future] = {}
        self._started: dict[tuple[Path, str], Future] = {}
        self._submitted = threading.Event()
        # On a thread: the first submission waits for the fork server's warm-up.
        threading.Thread(
            target=self._submit, args=(todo, start_pool, workers), name="gongwen-head-start", daemon=True
        ).start()

    def _submit(self, todo: list[WorkItem], start_pool: StartPool, workers: int) -> None:
        try:
            pool = start_pool(self.settings, workers)
            for item in todo:
                self.futures[item] = pool.submit(convert, item.path, self.settings, item.name, item.sha256)
        finally:
            self._submitted.set()

    def wait_submitted(self) -> None:
        self._submitted.wait()

    def hand_over(self, todo: list[WorkItem]) -> None:
        """The flow's batch is `todo`: documents under way that it still plans are kept for `take`.
        Those it no longer has (a file changed since) are waited out first, so that an older
        conversion cannot publish over a newer one."""
        planned = set(todo)
        wait([future for item, future in self.futures.items() if item not in planned])
        self._started = {
            (item.path, item.name): future for item, future in self.futures.items() if item in planned
        }

    def take(self, item: WorkItem) -> Future | None:
        """The conversion of `item` already under way, if any, handed out once."""
        return self._started.pop((item.path, item.name), None)


def _claimed(held: ExitStack, settings: Settings, todo: list[WorkItem]) -> list[WorkItem]:
    """The documents of `todo` this process could claim, their claims released when `held` closes
    (the flow releases each one sooner, once it is recorded)."""
    claims = claims_in(settings.state_dir)
    taken = [(item, claims.take(Ledger.key(item.path))) for item in todo]
    for _, claim in taken:
        if claim is not None:
            held.callback(claims.release, claim)
    return [item for item, claim in taken if claim is not None]


def start_head(settings: Settings, paths: list[Path], force: bool, start_pool: StartPool) -> HeadStart | None:
    """Take the run lock if it is free, plan the batch and start converting it. None, with nothing
    done, when another run holds the lock or the batch is not one for worker processes."""
    if settings.concurrency < 2:
        return None
    held = ExitStack()
    try:
        leftovers = partial(clear_leftovers, settings.state_dir, settings.failed_dir, settings.outputs)
        if not held.enter_context(try_run_lock(settings.state_dir, when_alone=leftovers)):
            held.close()
            return None
        todo = _claimed(held, settings, plan_batch(settings, Ledger(settings.state_dir), paths, force).todo)
    except OSError:  # an unreadable inbox or state folder: the flow meets it again and reports it
        held.close()
        return None
    except BaseException:
        held.close()
        raise
    if not todo:
        held.close()
        return None
    # As many workers as the flow's batch asks for, so that it finds this very pool running.
    return HeadStart(settings, held, todo, start_pool, worker_count(settings, len(todo)))
