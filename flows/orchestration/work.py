"""The worker processes that convert a batch's documents, warm before the first document arrives.

A worker that dies (killed by the out-of-memory killer, say) fails only the document it was
converting, and one that takes longer than `document_timeout` is killed and fails its document with
that reason (flows/orchestration/process_pool.py); either is replaced and the batch goes on.

One pool per process, kept between runs (`gongwen watch` runs a flow per drop). Where the platform
has a fork server, workers are forked from it after it has imported every stage, loaded jieba's
dictionary and the fonts and converted a short text (`flows.orchestration.worker_preload`): a worker
starts warm in milliseconds, and the workers share those ~150 MB instead of holding a copy each. Elsewhere
workers are spawned and warm up on their first document.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import TYPE_CHECKING

from flows.config import Settings
from flows.orchestration.process_pool import JobTimedOut, ProcessPool
from flows.service.collect import draw_thumbnail, thumbnail_path
from flows.service.inbox import as_failure, candidate_files, worker_count

if TYPE_CHECKING:
    from flows.engine.result import DocumentResult

PRELOAD = "flows.orchestration.worker_preload"
RETRY_SECONDS = 1.0

_lock = threading.Lock()
_pool: ProcessPool | None = None
_shape: tuple[int, tuple[tuple[str, str], ...], float] = (0, (), 0.0)


def _context() -> BaseContext:
    # Never plain fork: the flow's process runs threads (Prefect's client, event loops).
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([PRELOAD])
        return context
    return multiprocessing.get_context("spawn")


def worker_pool(settings: Settings, workers: int) -> ProcessPool:
    """This process's pool of `workers` processes for `settings`' fonts and time limit, started at first."""
    global _pool, _shape
    shape = (workers, settings.font_key, settings.document_timeout)
    with _lock:
        if _pool is None or _pool.closed or shape != _shape:
            if _pool is not None:
                _pool.shutdown(wait=False, cancel_futures=True)
            # Licensed fonts from gongwen.toml are not in the fork server's warm-up: each worker parses them.
            start = (_start_worker, (settings.font_key,))
            _pool = ProcessPool(workers, _context(), *start, time_limit=settings.document_timeout)
            _shape = shape
        return _pool


def _start_worker(key: tuple[tuple[str, str], ...]) -> None:
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


def convert(path: Path, settings: Settings, output_name: str, sha256: str = "") -> DocumentResult:
    """One document's work, in a worker or in this process: its outputs, then its thumbnail for the
    index (drawn here, in parallel, rather than for the whole batch at its end).

    An OSError (a full disk, a file still locked) may pass: it is tried once more after a second.
    Any failure is raised as ConversionFailed: the reason, and whether it is the environment's or
    the input's (`sha256`, the hash the batch planned with, tells a file that changed meanwhile).
    """
    try:
        result = _convert_with_retry(path, settings, output_name)
    except Exception as error:
        raise as_failure(error, path, sha256) from None
    pdf = Path(result.output_dir) / f"{output_name}.pdf"
    try:
        draw_thumbnail(pdf, thumbnail_path(settings.outputs, output_name))
    except OSError:  # the document is done; the index draws the thumbnail again or goes without
        logging.getLogger(__name__).warning("no thumbnail for %s", pdf, exc_info=True)
    _release_free_memory()
    return result


def _convert_with_retry(path: Path, settings: Settings, output_name: str) -> DocumentResult:
    from flows.engine.convert import convert_document

    try:
        return convert_document(path, settings, output_name)
    except OSError:
        time.sleep(RETRY_SECONDS)
        return convert_document(path, settings, output_name)


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """A document converted in this process, not in a worker that can be killed: JobTimedOut is raised
    in it after `seconds`. A signal interrupts Python code only, and only on the main thread (where
    the flow converts); elsewhere the document runs without a limit."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise JobTimedOut(f"took longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(None).malloc_trim  # glibc
    except (AttributeError, OSError):
        return None


def _release_free_memory() -> None:
    """Give the memory a document freed back to the system: glibc keeps it otherwise, and a worker
    would hold its largest document's worth for good. Measured: ~7 MB less per worker, no cost in time."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def prestart(settings: Settings, workers: int) -> None:
    """Start the workers now, on a thread, so that their warm-up overlaps Prefect's start."""

    def start() -> None:
        pool = worker_pool(settings, workers)
        for started in [pool.submit(os.getpid) for _ in range(workers)]:  # a process per waiting task
            started.result()

    threading.Thread(target=start, name="gongwen-workers", daemon=True).start()


def stop_workers() -> None:
    """Stop the pool now, dropping documents not yet started (an interrupted or failed run)."""
    global _pool
    with _lock:
        if _pool is not None:
            _pool.shutdown(wait=False, cancel_futures=True)
            _pool = None


def running_pool(settings: Settings) -> ProcessPool | None:
    """The pool this process has already started for `settings`' fonts and time limit, if any. A batch too
    small to start workers for still uses them once they run: they are warm, this process may not be."""
    with _lock:
        usable = _pool is not None and not _pool.closed
        return _pool if usable and _shape[1:] == (settings.font_key, settings.document_timeout) else None


def get_ready(settings: Settings, paths: list[Path]) -> None:
    """Before the flow of a new `gongwen run` process starts: start its workers now, so that they warm
    up (~1.5 s of imports, fonts and jieba) on the other cores while this process starts Prefect (~3 s).
    Even one document is done sooner by a worker warmed up meanwhile than here after Prefect's start:
    measured 7.7 s against 9.2 s. With a concurrency of 1, fonts and jieba load on a thread here."""
    try:
        documents = len(candidate_files(settings, paths))
    except OSError:
        return  # the flow reports the folder it cannot read
    workers = worker_count(settings, documents)
    if settings.concurrency > 1 and workers:
        prestart(settings, workers)
    else:
        from flows.engine.warm import warm_in_background

        warm_in_background(settings)
