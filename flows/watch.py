"""`gongwen watch`: convert files as they are dropped into the inbox, in one long-lived process.

The watcher (watchfiles: OS events, or polling for network shares) only says which files moved;
a `Settler` holds each one until its size and modification time have stayed the same for
`settle_seconds`, so a file still being copied is never read half-written. Settled files go
to the inbox flow as one batch; the ledger inside the flow makes sure nothing is converted twice.
At start, once the inbox is quiet, one normal run over the whole inbox catches up on files dropped
while the watcher was down, and warms Prefect (the first flow in a process starts its client).
"""

from __future__ import annotations

import stat
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from threading import Event

import watchfiles

from flows.config import Settings
from flows.inbox import candidate_files, is_ignored

# A batch runner: None means the whole inbox (the catch-up run), else exactly these files.
BatchRunner = Callable[[list[Path] | None], object]
Signature = tuple[int, int]  # size, mtime in ns

TICK_MS = 100  # how often waiting files are looked at again when no event arrives
MAX_HOLD_SECONDS = 5.0  # during a long stream of drops, settled files still go every few seconds


def signature(path: Path) -> Signature | None:
    """Size and modification time of a regular file; None if it is gone or not a file."""
    try:
        info = path.stat()
    except OSError:  # renamed or deleted again before we looked
        return None
    return (info.st_size, info.st_mtime_ns) if stat.S_ISREG(info.st_mode) else None


@dataclass
class Settler:
    """Files waiting to stop changing; `take_ready` hands them out as batches."""

    seconds: float
    waiting: dict[Path, tuple[Signature, float]] = field(default_factory=dict)  # since (monotonic)
    last_change: float = float("-inf")

    def note(self, path: Path, now: float) -> None:
        current = signature(path)
        if current is None:
            self.waiting.pop(path, None)
            return
        known = self.waiting.get(path)
        if known is None or known[0] != current:
            self.waiting[path] = (current, now)
            self.last_change = now

    def take_ready(self, now: float) -> list[Path]:
        """Settled files, once the inbox has been quiet for `seconds` (a burst is one batch)."""
        for path in list(self.waiting):  # stat again: a network share may raise no event for a write
            self.note(path, now)
        settled = sorted(p for p, (_, since) in self.waiting.items() if now - since >= self.seconds)
        still_arriving = now - self.last_change < self.seconds
        held_long = any(now - self.waiting[p][1] >= MAX_HOLD_SECONDS for p in settled)
        if still_arriving and not held_long:
            return []
        for path in settled:
            del self.waiting[path]
        return settled


def _is_document_event(change: watchfiles.Change, path: str) -> bool:
    return change != watchfiles.Change.deleted and not is_ignored(Path(path))


def inbox_events(settings: Settings, stop: Event | None) -> Iterator[set[tuple[watchfiles.Change, str]]]:
    """Changed files in the inbox; an empty set every TICK_MS when nothing happens."""
    return watchfiles.watch(
        settings.inputs,
        watch_filter=_is_document_event,
        step=50,  # a batch closes 50 ms after the last event
        rust_timeout=TICK_MS,
        yield_on_timeout=True,
        stop_event=stop,
        force_polling=True if settings.watch_polling else None,  # None: watchfiles decides (WSL, env)
        recursive=False,  # outputs/ may live below the inbox; only top-level files are documents
        raise_interrupt=False,
    )


def watch_inbox(settings: Settings, run: BatchRunner, stop: Event | None = None) -> None:
    """Catch up on the inbox, then run each settled batch of new or changed files until `stop`.

    A run that raises (outputs folder full or read-only, Prefect server gone: failures of single
    documents are recorded inside the run and never raise) ends the watch with that exception: a
    watcher that retried would look alive while converting nothing.
    """
    settler = Settler(settings.settle_seconds)
    for path in candidate_files(settings):  # the catch-up run waits until these have settled too
        settler.note(path, time.monotonic())
    caught_up = False
    for changes in inbox_events(settings, stop):
        now = time.monotonic()
        for _, name in changes:
            settler.note(Path(name), now)
        ready = settler.take_ready(now)
        catch_up = not caught_up and not settler.waiting
        if ready or catch_up:
            run(None if catch_up else ready)
            caught_up = True
