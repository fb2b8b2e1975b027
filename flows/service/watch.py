"""`gongwen watch`: convert files as they are dropped into the inbox, in one long-lived process.

A file is taken only once it is finished: its writer has closed it (inotify's close-write event on
Linux; /proc shows no process holding it open for writing, where this user may look), its size and
modification time have stayed the same for `settle_seconds`, and a DOCX has its zip central
directory. A copy that pauses longer than the settle time is therefore not converted half-written.
On a network share (`--poll`) a writer on another machine raises no events and holds no descriptor
here: the settle time and the DOCX check are all there is (flows/service/unfinished.py).

Finished files go to the inbox flow as one batch; the ledger inside the flow makes sure nothing is
converted twice. At start, once the inbox is quiet, one normal run over the whole inbox catches up on
files dropped while the watcher was down, and warms Prefect (the first flow in a process starts its
client).
"""

from __future__ import annotations

import stat
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from threading import Event as StopEvent

import watchfiles

from flows.config import Settings
from flows.service.inbox import candidate_files, is_ignored
from flows.service.inotify import Event, FolderEvents, Kind
from flows.service.unfinished import lacks_its_end, open_for_writing

# A batch runner: None means the whole inbox (the catch-up run), else exactly these files.
BatchRunner = Callable[[list[Path] | None], object]
Signature = tuple[int, int]  # size, mtime in ns

TICK_SECONDS = 0.1  # how often waiting files are looked at again when no event arrives
MAX_HOLD_SECONDS = 5.0  # during a long stream of drops, settled files still go every few seconds
# An empty file or a DOCX without its central directory that stays so this long is converted as it
# is: the conversion says what is wrong with it, rather than the watcher waiting for ever in silence.
UNFINISHED_GRACE_SECONDS = 60.0
_WATCHFILES_KINDS = {
    watchfiles.Change.added: Kind.CHANGED,
    watchfiles.Change.modified: Kind.CHANGED,
    watchfiles.Change.deleted: Kind.GONE,
}


def signature(path: Path) -> Signature | None:
    """Size and modification time of a regular file; None if it is gone or not a file."""
    try:
        info = path.stat()
    except OSError:  # renamed or deleted again before we looked
        return None
    return (info.st_size, info.st_mtime_ns) if stat.S_ISREG(info.st_mode) else None


@dataclass
class Settler:
    """Files waiting to be finished; `take_ready` hands them out as batches."""

    seconds: float
    waiting: dict[Path, tuple[Signature, float]] = field(default_factory=dict)  # since (monotonic)
    writing: set[Path] = field(default_factory=set)  # written to, and no close seen since (inotify)
    look_again: dict[Path, float] = field(default_factory=dict)  # found unfinished: when to look again
    # What each file was when handed over: an event arriving late for it (polling notices a write a
    # moment after the file settled) must not hand it over a second time.
    taken: dict[Path, Signature] = field(default_factory=dict)
    last_change: float = float("-inf")

    def note(self, path: Path, now: float, kind: Kind = Kind.CHANGED) -> None:
        if kind is Kind.WRITTEN:
            self.writing.add(path)
        elif kind in (Kind.CLOSED, Kind.GONE):
            self.writing.discard(path)
        current = signature(path)
        if current is None:
            self.waiting.pop(path, None)
            self.writing.discard(path)
            self.taken.pop(path, None)
            return
        if self.taken.get(path) == current and path not in self.writing:
            return
        known = self.waiting.get(path)
        if known is None or known[0] != current:
            self.waiting[path] = (current, now)
            self.last_change = now

    def lost_events(self, paths: Iterable[Path], now: float) -> None:
        """The kernel dropped events: which files are open is unknown again, and any may have changed."""
        self.writing.clear()
        for path in paths:
            self.note(path, now)

    def take_ready(self, now: float) -> list[Path]:
        """Finished files, once the inbox has been quiet for `seconds` (a burst is one batch)."""
        for path in list(self.waiting):  # stat again: a network share may raise no event for a write
            self.note(path, now)
        settled = sorted(p for p, (_, since) in self.waiting.items() if now - since >= self.seconds)
        still_arriving = now - self.last_change < self.seconds
        held_long = any(now - self.waiting[p][1] >= MAX_HOLD_SECONDS for p in settled)
        if still_arriving and not held_long:
            return []
        ready = self._finished(settled, now)
        for path in ready:
            self.taken[path] = self.waiting.pop(path)[0]
            self.look_again.pop(path, None)
        return ready

    def _finished(self, settled: list[Path], now: float) -> list[Path]:
        """Those of the settled files that nothing is writing and that look complete."""
        candidates = [p for p in settled if p not in self.writing and self.look_again.get(p, now) <= now]
        held = open_for_writing(candidates)
        held.update(
            p for p in candidates if now - self.waiting[p][1] < UNFINISHED_GRACE_SECONDS and lacks_its_end(p)
        )
        for path in held:  # reading /proc every tick would cost; once a settle time is enough
            self.look_again[path] = now + max(self.seconds, TICK_SECONDS)
        return [p for p in candidates if p not in held]


def _watchfiles_events(settings: Settings, stop: StopEvent | None) -> Iterator[list[Event]]:
    """Polling (network shares), or the OS events of a system without inotify: changes, no closes."""
    batches = watchfiles.watch(
        settings.inputs,
        step=50,  # a batch closes 50 ms after the last event
        rust_timeout=int(TICK_SECONDS * 1000),
        yield_on_timeout=True,
        stop_event=stop,
        force_polling=True if settings.watch_polling else None,  # None: watchfiles decides (WSL, env)
        recursive=False,  # outputs/ may live below the inbox; only top-level files are documents
        raise_interrupt=False,
    )
    for changes in batches:
        yield [Event(_WATCHFILES_KINDS[change], Path(name)) for change, name in changes]


def _inotify_events(folder: FolderEvents, stop: StopEvent | None) -> Iterator[list[Event]]:
    with folder:
        try:
            while stop is None or not stop.is_set():
                yield folder.read(TICK_SECONDS)
        except KeyboardInterrupt:  # Ctrl-C ends the watch quietly, as watchfiles does
            return


def inbox_events(settings: Settings, stop: StopEvent | None) -> Iterator[list[Event]]:
    """Events of the inbox's files; an empty list every TICK_SECONDS when nothing happens."""
    if not settings.watch_polling:
        try:
            folder = FolderEvents(settings.inputs)
        except OSError:  # not Linux, or no inotify watches left: watchfiles' own choice
            pass
        else:
            return _inotify_events(folder, stop)
    return _watchfiles_events(settings, stop)


def watch_inbox(settings: Settings, run: BatchRunner, stop: StopEvent | None = None) -> None:
    """Catch up on the inbox, then run each batch of finished new or changed files until `stop`.

    A run that raises (outputs folder full or read-only, Prefect server gone: failures of single
    documents are recorded inside the run and never raise) ends the watch with that exception: a
    watcher that retried would look alive while converting nothing.
    """
    if not settings.inputs.is_dir():  # never created here: a mistyped inbox must not be watched
        raise FileNotFoundError(2, "the inbox folder does not exist", str(settings.inputs))
    settler = Settler(settings.settle_seconds)
    for path in candidate_files(settings):  # the catch-up run waits until these are finished too
        settler.note(path, time.monotonic())
    caught_up = False
    for events in inbox_events(settings, stop):
        now = time.monotonic()
        for event in events:
            if event.kind is Kind.OVERFLOW:
                settler.lost_events(candidate_files(settings), now)
            elif event.path is not None and not is_ignored(event.path):
                settler.note(event.path, now, event.kind)
        ready = settler.take_ready(now)
        catch_up = not caught_up and not settler.waiting
        if ready or catch_up:
            run(None if catch_up else ready)
            caught_up = True
