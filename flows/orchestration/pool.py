"""The worker pool: the processes that convert a batch's documents, warm before the first one arrives.

One `WorkerPool` per command, handed to each flow run it starts (`gongwen watch` keeps its workers
between runs). It owns every step of the workers' life:

- the fork server's preload (flows/orchestration/worker_preload.py): where the platform has a fork
  server, workers are forked from it after it has imported every stage, loaded jieba's dictionary
  and the fonts and converted a short text, so a worker starts warm in milliseconds and the workers
  share those pages instead of holding a copy each. Elsewhere workers are spawned and warm up on
  their first document;
- `get_ready`, before Prefect is up: the head start (flows/orchestration/head_start.py) when the run
  lock is free, else the workers started, else (one document at a time) fonts and jieba loaded on a
  thread of this process;
- `executor` for a batch, `stop` at the end or on an interruption. A worker that dies fails only its
  document, and one that takes longer than `document_timeout` is killed and fails its document with
  that reason (flows/orchestration/process_pool.py); either is replaced and the batch goes on. The
  workers also die with this process (a parent-death signal, and flows/orchestration/lifeline.py).
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import sys
import threading
from concurrent.futures import CancelledError
from dataclasses import dataclass
from multiprocessing.context import BaseContext
from pathlib import Path

from flows.config import FontKey, Settings
from flows.orchestration.head_start import HeadStart, start_head
from flows.orchestration.process_pool import ProcessPool
from flows.service.inbox import candidate_files, worker_count

PRELOAD = "flows.orchestration.worker_preload"


@dataclass(frozen=True)
class PoolShape:
    """What a running pool was started for: another shape needs other workers."""

    workers: int
    font_key: FontKey
    time_limit: float

    @classmethod
    def of(cls, settings: Settings, workers: int) -> PoolShape:
        return cls(workers, settings.font_key, settings.document_timeout)


def worker_context() -> BaseContext:
    """Forked from a fork server that ran the preload; spawned where there is none."""
    # Never plain fork: the flow's process runs threads (Prefect's client, event loops).
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([PRELOAD])
        return context
    return multiprocessing.get_context("spawn")


class WorkerPool:
    """A command's worker processes, started at the first need and kept until `stop`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pool: ProcessPool | None = None
        self._shape: PoolShape | None = None
        self._head: HeadStart | None = None

    def executor(self, settings: Settings, workers: int) -> ProcessPool:
        """The pool of `workers` processes for `settings`' fonts and time limit, started if it is not."""
        shape = PoolShape.of(settings, workers)
        with self._lock:
            if self._pool is None or self._pool.closed or shape != self._shape:
                if self._pool is not None:
                    self._pool.shutdown(wait=False, cancel_futures=True)
                # Licensed fonts from gongwen.toml are not in the fork server's warm-up: each worker
                # parses them.
                self._pool = ProcessPool(
                    workers,
                    worker_context(),
                    _start_worker,
                    (settings.font_key,),
                    time_limit=shape.time_limit,
                )
                self._shape = shape
            return self._pool

    def running(self, settings: Settings) -> ProcessPool | None:
        """The pool already started for `settings`' fonts and time limit, if any. A batch too small to
        start workers for still uses them once they run: they are warm, this process may not be."""
        with self._lock:
            if self._pool is None or self._pool.closed or self._shape is None:
                return None
            wanted = PoolShape.of(settings, self._shape.workers)
            return self._pool if wanted == self._shape else None

    def stop(self) -> None:
        """Stop the workers now, dropping documents not yet started (a run's end, or its interruption)."""
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None

    def get_ready(self, settings: Settings, paths: list[Path], force: bool) -> None:
        """Before the flow of a new process starts: use the time Prefect takes to start.

        When the run lock is free, the batch is planned and its documents handed to the workers now
        (the head start, which the flow claims). Else the workers are started, so that they warm up
        on the other cores; even one document is done sooner by a worker warmed up meanwhile than in
        this process after Prefect's start. With a concurrency of 1, fonts and jieba load on a thread.
        """
        head = start_head(settings, paths, force, self.executor)
        if head is not None:
            with self._lock:
                self._head = head
            return
        try:
            documents = len(candidate_files(settings, paths))
        except OSError:
            return  # the flow reports the folder it cannot read
        workers = worker_count(settings, documents)
        if settings.concurrency > 1 and workers:
            threading.Thread(
                target=self._start, args=(settings, workers), name="gongwen-workers", daemon=True
            ).start()
        else:
            from flows.engine.warm import warm_in_background  # the stages: only where this process converts

            warm_in_background(settings)

    def _start(self, settings: Settings, workers: int) -> None:
        pool = self.executor(settings, workers)
        try:
            for started in [pool.submit(os.getpid) for _ in range(workers)]:  # a process per waiting task
                started.result()
        except (CancelledError, RuntimeError):  # stopped meanwhile: the run ended or was interrupted
            pass

    def claim_head_start(self, settings: Settings) -> HeadStart | None:
        """The head start `get_ready` made for `settings`' outputs, handed over once."""
        with self._lock:
            head, self._head = self._head, None
        if head is not None and head.settings.state_dir != settings.state_dir:
            head.held.close()
            return None
        if head is not None:
            head.wait_submitted()  # done long before a flow starts: its pool exists from here on
        return head


def _start_worker(key: FontKey) -> None:
    """A worker's first step: collect garbage again (the fork server does not), parse licensed fonts."""
    gc.enable()
    if "forkserver" in multiprocessing.get_all_start_methods() and PRELOAD not in sys.modules:
        # The fork server drops its preload's ImportError silently (and Python 3.11's ignores the
        # sys.path it is given): each worker would then load everything itself, slower and unshared.
        logging.getLogger(__name__).warning(
            "worker %d starts cold: its fork server could not import %s; install gongwen "
            "(pip install -e .) or put its folder on PYTHONPATH",
            os.getpid(),
            PRELOAD,
        )
    from flows.engine.fonts import load_fonts  # here: the flow's process need not import the stages

    try:
        load_fonts(key)
    except Exception:  # a font file missing: each document meets it and reports it as its reason
        logging.getLogger(__name__).debug("worker warm-up failed", exc_info=True)
