"""A process pool in which a worker that dies or overruns fails only the job it was running.

`concurrent.futures.ProcessPoolExecutor` cannot say which job a dead worker held: one worker killed
(by the out-of-memory killer, say) breaks the pool and fails every job in flight or queued with
`BrokenProcessPool`, and it has no time limit. Here each worker has its own pipe and runs one job at
a time, so the pool knows which job a worker holds: a worker that dies fails that job
(`WorkerDied`), one that runs past the time limit is killed and fails that job (`JobTimedOut`), and
either is replaced by a new worker for the jobs still queued.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from multiprocessing import connection
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from typing import Any

from flows.engine.result import JobTimedOut, WorkerDied
from flows.orchestration.lifeline import die_with_parent

_READY = "ready"  # a worker's first message: its initializer has run, it takes jobs now


def _serve(
    conn: connection.Connection, forked_by_server: bool, initializer: Callable[..., None], initargs: tuple
) -> None:
    """A worker's life: initialize, then run one job at a time until told to stop or the pool is gone.
    Ctrl-C reaches the whole process group: the pool's process decides what stops, not each worker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if forked_by_server:
        die_with_parent()  # the fork server ends with the pool's process, however that ends
    initializer(*initargs)
    try:
        conn.send(_READY)
    except OSError:  # the pool was shut down while this worker started
        return
    while True:
        try:
            job = conn.recv()
            if job is None:
                return
            fn, args, kwargs = job
            reply: tuple[bool, Any] = (True, fn(*args, **kwargs))
        except EOFError:  # the pool's process is gone
            return
        except Exception as error:  # the job's failure (or its arguments' unpickling) is its result
            reply = (False, error)
        try:
            conn.send(reply)
        except Exception as error:  # a result or exception that cannot be pickled
            conn.send((False, RuntimeError(f"{type(reply[1]).__name__} could not be sent back: {error}")))


@dataclass
class _Worker:
    process: BaseProcess
    conn: connection.Connection
    ready: bool = False
    job: Future | None = None
    deadline: float = 0.0
    started: float = field(default_factory=time.monotonic)


def _death(process: BaseProcess) -> str:
    process.join(5)  # its exit status, once the process is reaped
    code = process.exitcode
    if code is not None and code < 0:
        name = signal.Signals(-code).name if -code in signal.valid_signals() else str(-code)
        hint = ": out of memory, or killed by an administrator" if -code == signal.SIGKILL else ""
        return f"worker process {process.pid} was killed by {name}{hint}"
    return f"worker process {process.pid} ended with exit code {code}"


class ProcessPool(Executor):
    """Up to `workers` processes from `context`, each started with `initializer(*initargs)`.

    A job running longer than `time_limit` seconds fails with JobTimedOut and its worker is killed.
    """

    def __init__(
        self,
        workers: int,
        context: BaseContext,
        initializer: Callable[..., None],
        initargs: tuple = (),
        time_limit: float | None = None,
    ) -> None:
        self.workers = workers
        self.time_limit = time_limit
        self._context = context
        self._forked_by_server = context.get_start_method() == "forkserver"
        self._start_args = (initializer, initargs)
        self._queue: deque[tuple[Future, Callable, tuple, dict]] = deque()
        self._lock = threading.Lock()  # guards the queue and the closing flag; workers are the thread's
        self._closing = False
        self._slots: list[_Worker] = []
        self._wake_reader, self._wake_writer = os.pipe()
        self._thread = threading.Thread(target=self._dispatch, name="gongwen-pool", daemon=True)
        self._thread.start()
        _live.add(self)

    @property
    def closed(self) -> bool:
        return self._closing

    def submit(self, fn: Callable, /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        with self._lock:
            if self._closing:
                raise RuntimeError("cannot submit to a pool that was shut down")
            self._queue.append((future, fn, args, kwargs))
        self._wake()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """No new jobs; with `cancel_futures` the queued ones are dropped. Jobs running finish."""
        with self._lock:
            self._closing = True
            dropped = list(self._queue) if cancel_futures else []
            if cancel_futures:
                self._queue.clear()
        for future, *_ in dropped:
            future.cancel()
        self._wake()
        if wait and threading.current_thread() is not self._thread:
            self._thread.join()

    def kill(self) -> None:
        """Stop every worker now, running jobs and all (the run's process is ending)."""
        self.shutdown(wait=False, cancel_futures=True)
        for slot in list(self._slots):
            slot.process.kill()

    def _wake(self) -> None:
        with contextlib.suppress(OSError):  # the dispatcher has ended and closed the pipe
            os.write(self._wake_writer, b"x")

    def _dispatch(self) -> None:
        try:
            while self._step():
                pass
        except BaseException as error:  # a bug here must not leave callers waiting for ever
            with self._lock:
                self._closing = True
                queued = [job[0] for job in self._queue if job[0].set_running_or_notify_cancel()]
                self._queue.clear()
            for future in queued + [slot.job for slot in self._slots if slot.job is not None]:
                future.set_exception(error)
            for slot in self._slots:
                slot.process.kill()
            raise
        finally:
            for slot in self._slots:
                slot.conn.close()
                slot.process.join(1)
            os.close(self._wake_reader)
            os.close(self._wake_writer)
            _live.discard(self)

    def _step(self) -> bool:
        """Start workers and hand out jobs, then wait for an answer, a death or a deadline. False: done."""
        with self._lock:
            queued, closing = len(self._queue), self._closing
        idle = sum(slot.job is None for slot in self._slots)
        for _ in range(min(queued - idle, self.workers - len(self._slots))):
            if not self._start_worker():
                break
        self._hand_out()
        busy = [slot for slot in self._slots if slot.job is not None]
        if closing and not busy and not queued:
            for slot in self._slots:
                with contextlib.suppress(OSError):  # a worker that died meanwhile
                    slot.conn.send(None)
            return False
        deadlines = [slot.deadline for slot in busy if self.time_limit is not None]
        timeout = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
        waitables: list[Any] = [self._wake_reader]
        waitables += [slot.conn for slot in self._slots] + [slot.process.sentinel for slot in self._slots]
        ready = connection.wait(waitables, timeout)
        if self._wake_reader in ready:
            os.read(self._wake_reader, 4096)
        for slot in list(self._slots):
            if slot.conn in ready:
                self._receive(slot)
            elif slot.process.sentinel in ready:
                self._lose(slot, WorkerDied(_death(slot.process)))
            elif slot.job is not None and self.time_limit is not None and time.monotonic() >= slot.deadline:
                slot.process.kill()
                self._lose(slot, JobTimedOut(f"took longer than {self.time_limit:g} s"))
        return True

    def _start_worker(self) -> bool:
        parent_end, child_end = self._context.Pipe()
        process = self._context.Process(
            target=_serve, args=(child_end, self._forked_by_server, *self._start_args), name="gongwen-worker"
        )
        try:
            process.start()
        except OSError as error:  # no memory or process slots left: fail a job rather than wait forever
            parent_end.close()
            if not self._slots:
                self._fail_next(error)
            return False
        finally:
            child_end.close()
        self._slots.append(_Worker(process, parent_end))
        return True

    def _hand_out(self) -> None:
        for slot in self._slots:
            if slot.ready and slot.job is None:
                job = self._next_job()
                if job is None:
                    return
                self._send(slot, *job)

    def _next_job(self) -> tuple[Future, Callable, tuple, dict] | None:
        """The next queued job that was not cancelled, now marked running."""
        while True:
            with self._lock:
                if not self._queue:
                    return None
                job = self._queue.popleft()
            if job[0].set_running_or_notify_cancel():
                return job

    def _send(self, slot: _Worker, future: Future, fn: Callable, args: tuple, kwargs: dict) -> None:
        slot.job = future
        slot.deadline = time.monotonic() + (self.time_limit or 0.0)
        try:
            slot.conn.send((fn, args, kwargs))
        except Exception as error:  # the job cannot be pickled, or the worker is gone
            slot.job = None
            future.set_exception(error)

    def _receive(self, slot: _Worker) -> None:
        try:
            message = slot.conn.recv()
        except (EOFError, OSError):
            self._lose(slot, WorkerDied(_death(slot.process)))
            return
        except Exception as error:  # an answer that cannot be unpickled here
            message = (False, RuntimeError(f"the worker's answer could not be read: {error}"))
        if message == _READY:
            slot.ready = True
            return
        future, slot.job = slot.job, None
        ok, value = message
        if future is not None:
            future.set_result(value) if ok else future.set_exception(value)

    def _lose(self, slot: _Worker, error: Exception) -> None:
        """A worker is gone: its job fails with `error`; one that never got ready costs a queued job,
        so that a worker that cannot start does not make the pool start workers for ever."""
        self._slots.remove(slot)
        slot.conn.close()
        slot.process.join(5)
        if slot.job is not None:
            slot.job.set_exception(error)
        elif not slot.ready:
            self._fail_next(error)

    def _fail_next(self, error: Exception) -> None:
        with self._lock:
            job = self._queue.popleft() if self._queue else None
        if job is not None and job[0].set_running_or_notify_cancel():
            job[0].set_exception(error)


# Workers are not daemons (a worker may start processes of its own: fonts are converted in a pool),
# so multiprocessing would wait for them at exit: the pools still running are stopped first.
_live: weakref.WeakSet[ProcessPool] = weakref.WeakSet()


@atexit.register
def _kill_live_pools() -> None:
    for pool in list(_live):
        pool.kill()
