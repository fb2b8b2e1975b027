"""One document's work in a worker process (or in the run's own): its outputs, then its thumbnail.

`convert` is what the worker pool (flows/orchestration/pool.py) runs for each work item. A failure
is raised as ConversionFailed, with its reason and whether it is the environment's or the input's.
"""

from __future__ import annotations

import ctypes
import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from flows.config import Settings
from flows.engine.result import JobTimedOut
from flows.service.collect import draw_thumbnail, thumbnail_path
from flows.service.inbox import as_failure

if TYPE_CHECKING:
    from flows.engine.result import DocumentResult

RETRY_SECONDS = 1.0


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


_RAISE_AGAIN_SECONDS = 1.0


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """A document converted in this process, not in a worker that can be killed: JobTimedOut is raised
    in it after `seconds`, and again every second until it leaves the document (code that catches every
    exception, a library's cleanup or a logging handler, may swallow one). On the main thread a signal
    raises it, which also cuts a sleep or a read short; on another thread the interpreter's asynchronous
    exception does, which interrupts Python code only."""
    message = f"took longer than {seconds:g} s"
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        with _raised_by_signal(seconds, message):
            yield
    else:
        with _raised_in_thread(seconds, message):
            yield


@contextmanager
def _raised_by_signal(seconds: float, message: str) -> Iterator[None]:
    def expire(signum: int, frame: object) -> None:
        raise JobTimedOut(message)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds, _RAISE_AGAIN_SECONDS)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def _raised_in_thread(seconds: float, message: str) -> Iterator[None]:
    # The interpreter raises a class, not an instance: one whose message says the limit.
    expired = type(
        JobTimedOut.__name__, (JobTimedOut,), {"__init__": lambda self: Exception.__init__(self, message)}
    )
    target = ctypes.c_ulong(threading.get_ident())
    done = threading.Event()

    def watch() -> None:
        if done.wait(seconds):
            return
        while not done.is_set():
            ctypes.pythonapi.PyThreadState_SetAsyncExc(target, ctypes.py_object(expired))
            done.wait(_RAISE_AGAIN_SECONDS)

    watcher = threading.Thread(target=watch, name="gongwen-time-limit", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join()
        ctypes.pythonapi.PyThreadState_SetAsyncExc(target, None)  # one pending now is void


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(None).malloc_trim  # glibc
    except (AttributeError, OSError):
        return None


def _release_free_memory() -> None:
    """Give the memory a document freed back to the system: glibc keeps it otherwise, and a worker
    would hold its largest document's worth for good."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
