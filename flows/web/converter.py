"""The web process's own watcher: what lands in the inbox is converted by the inbox flow, on a
thread of this process, as `gongwen watch` does it (flows/service/watch.py, the same flow, the same
ledger and run lock), so that a draft handed in through the page needs no other process.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from flows.config import Settings
from flows.web.catalog import Converting

log = logging.getLogger("gongwen.web")


class Converter:
    def __init__(self, settings: Settings, converting: Converting) -> None:
        self.settings = settings
        self.converting = converting
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, on_ready: Callable[[], object], on_failure: Callable[[BaseException], None]) -> None:
        """Start watching: `on_ready` is called once it converts, `on_failure` with what stopped it
        (a full disk, a lost Prefect server)."""

        def run() -> None:
            try:
                self._watch(on_ready)
            except BaseException as error:
                on_failure(error)

        self._thread = threading.Thread(target=run, name="gongwen-web-converter", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """No new runs; a run under way is cut short as the process exits (the next start redoes it)."""
        self._stop.set()

    def _watch(self, on_ready: Callable[[], object]) -> None:
        from flows.engine.warm import prime
        from flows.orchestration.flow import process_inbox
        from flows.orchestration.pool import WorkerPool
        from flows.orchestration.prefect_server import flow_settings, start_server
        from flows.service.inbox import FileOutcome
        from flows.service.watch import watch_inbox

        server = start_server()
        settings = self.settings
        workers = WorkerPool()  # kept between runs, as the watcher keeps it

        def done(outcome: FileOutcome) -> None:
            self.converting.finished(Path(outcome.input))

        def run(paths: list[Path] | None) -> None:
            self.converting.begin(paths)
            try:
                chosen = None if paths is None else [str(path) for path in paths]
                process_inbox(paths=chosen, settings=settings, workers=workers, progress=done)
            finally:
                self.converting.end()

        prime(settings)
        with flow_settings(server):
            on_ready()
            watch_inbox(settings, run, self._stop)
