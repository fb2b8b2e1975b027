"""A new `gongwen run` process starts converting before its Prefect flow run exists.

Prefect needs ~4.5 s in a new process to import its client and server and start the server; the
worker processes are warm after ~1.5 s. So, when the run lock is free at once, the command takes it,
plans the batch and hands the documents to the workers first. The flow run, once Prefect is up, finds
the lock held and the documents under way: it records each one as it finishes, as if it had started
it (ledger, log, progress), and releases the lock at its end. Nothing is recorded outside the flow:
a command that dies before its flow runs leaves published outputs the ledger does not list, and the
next run converts them again.
"""

from __future__ import annotations

import threading
from concurrent.futures import Executor, Future, wait
from contextlib import ExitStack
from pathlib import Path

from flows.config import Settings
from flows.engine.outputs import clear_leftovers
from flows.service.inbox import Todo, plan_batch, worker_count
from flows.service.ledger import Ledger, try_run_lock

_lock = threading.Lock()
_pending: HeadStart | None = None


class HeadStart(Executor):
    """The worker pool as the flow sees it: a document already under way is not submitted again."""

    def __init__(self, settings: Settings, held: ExitStack, todo: list[Todo], workers: int) -> None:
        self.settings = settings
        self.held = held  # the run lock, released when the flow's batch ends
        self.futures: dict[Todo, Future] = {}
        self._started: dict[tuple[Path, str], Future] = {}
        self._pool: Executor | None = None
        self._submitted = threading.Event()
        # On a thread: the first submission waits for the fork server's warm-up (~1.5 s).
        threading.Thread(
            target=self._submit, args=(todo, workers), name="gongwen-head-start", daemon=True
        ).start()

    def _submit(self, todo: list[Todo], workers: int) -> None:
        from flows.orchestration.pool import convert, worker_pool

        try:
            pool = worker_pool(self.settings, workers)
            for item in todo:
                self.futures[item] = pool.submit(convert, item[0], self.settings, *item[1:])
        finally:
            self._submitted.set()

    def hand_over(self, todo: list[Todo], pool: Executor) -> Executor:
        """The executor for the flow's batch `todo`: `pool`, except for documents already under way.
        Those the flow's plan no longer has (a file changed since) are waited out first, so that an
        older conversion cannot publish over a newer one."""
        from flows.orchestration.pool import worker_pool

        planned = set(todo)
        wait([future for item, future in self.futures.items() if item not in planned])
        self._started = {item[:2]: future for item, future in self.futures.items() if item in planned}
        self._pool = pool or worker_pool(self.settings, 1)  # None: the pool was stopped meanwhile
        return self

    def submit(self, fn, /, *args, **kwargs) -> Future:  # type: ignore[override]
        path, _, name = args[:3]  # convert(path, settings, output_name, sha256)
        started = self._started.pop((path, name), None)
        if started is not None:
            return started
        assert self._pool is not None, "hand_over() first"
        return self._pool.submit(fn, *args, **kwargs)


def start(settings: Settings, paths: list[Path], force: bool) -> bool:
    """Take the run lock if it is free, plan the batch and start converting it. False, with nothing
    done, when another run holds the lock or the batch is not one for worker processes."""
    global _pending
    if settings.concurrency < 2:
        return False
    held = ExitStack()
    try:
        if not held.enter_context(try_run_lock(settings.state_dir)):
            held.close()
            return False
        clear_leftovers(settings.state_dir, settings.failed_dir, settings.outputs)
        todo = plan_batch(settings, Ledger(settings.state_dir), paths, force).todo
    except OSError:  # an unreadable inbox or state folder: the flow meets it again and reports it
        held.close()
        return False
    except BaseException:
        held.close()
        raise
    if not todo:
        held.close()
        return False
    # As many workers as the flow's batch asks for, so that it finds this very pool running.
    workers = worker_count(settings, len(todo))
    with _lock:
        _pending = HeadStart(settings, held, todo, workers)
    return True


def claim(settings: Settings) -> HeadStart | None:
    """This process's head start for `settings`' outputs, handed over once."""
    global _pending
    with _lock:
        head, _pending = _pending, None
    if head is not None and head.settings.state_dir != settings.state_dir:
        head.held.close()
        return None
    if head is not None:
        head._submitted.wait()  # done long before a flow starts: its pool exists from here on
    return head
