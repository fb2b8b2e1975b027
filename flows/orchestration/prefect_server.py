"""Which Prefect API a command talks to, and the Prefect server a command runs when none is configured.

With no PREFECT_API_URL (environment or Prefect profile) Prefect starts a temporary ("ephemeral")
server for the process in a subprocess, at the first flow run. `gongwen run` and `gongwen watch` run
the same server application (same database, same ephemeral set of services) on a thread of their own
process instead: it shares the Prefect, pydantic and httpx modules the command has imported anyway,
where a subprocess would hold a copy of its own, and it dies with the command however that ends.
It shares the command's GIL, which costs little: the command's own threads mostly wait on the
worker processes that convert documents.
"""

from __future__ import annotations

import concurrent.futures.thread  # noqa: F401  (its exit hook must be registered before ours, see below)
import contextlib
import contextvars
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from typing import TYPE_CHECKING

from flows.service.environment import health_problem, require_server

if TYPE_CHECKING:
    import uvicorn

STOP_SECONDS = 15


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as probe:
        return probe.connect_ex((host, port)) == 0


def configured_api_url() -> str | None:
    """PREFECT_API_URL as Prefect sees it: environment, then the active profile."""
    if os.environ.get("PREFECT_API_URL"):  # Prefect read its settings at import; the variable may be newer
        return os.environ["PREFECT_API_URL"]
    from prefect.settings import get_current_settings

    return get_current_settings().api.url


def healthy(api_url: str) -> bool:
    return health_problem(api_url) is None


def stop_process_group(process: subprocess.Popen, seconds: float = STOP_SECONDS) -> None:
    """SIGTERM the child's process group (a server runs uvicorn below it), then SIGKILL what is left."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(seconds)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


class TemporaryServer:
    """Prefect's ephemeral server application, served on a thread of this process until it exits."""

    def __init__(self) -> None:
        import uvicorn
        from prefect.server.api.server import create_app

        # Bound here, so no other process can take the port between choosing and serving it.
        self._socket = socket.create_server(("127.0.0.1", 0))
        self.api_url = f"http://127.0.0.1:{self._socket.getsockname()[1]}/api"
        # log_config=None: uvicorn would otherwise replace the logging set-up of the whole process.
        config = uvicorn.Config(
            create_app(ephemeral=True, final=True),
            lifespan="on",
            log_config=None,
            log_level="error",
            access_log=False,
        )
        self._server: uvicorn.Server = uvicorn.Server(config)
        # In the settings in effect here (Prefect keeps them in a context variable a thread would not see).
        serve = partial(contextvars.copy_context().run, self._server.run, [self._socket])
        self._thread = threading.Thread(target=serve, name="prefect-server", daemon=True)
        self._thread.start()
        # Stop it when the main thread ends, after Prefect's own exit hooks (registered later, run
        # earlier) have sent the last events and logs to it, and before the thread pools shut down
        # (registered at import, earlier, run later): the server's shutdown needs them.
        threading._register_atexit(self.stop)  # type: ignore[attr-defined]

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def wait(self) -> str:
        """Its API URL, once it answers."""
        from prefect.settings import get_current_settings

        timeout = get_current_settings().server.ephemeral.startup_timeout_seconds
        deadline = time.monotonic() + timeout
        while not healthy(self.api_url):
            if not self.running or time.monotonic() > deadline:
                why = f"no answer in {timeout} s" if self.running else "it stopped; its error is logged above"
                self.stop()
                raise RuntimeError(f"the temporary Prefect server did not start ({why})")
            time.sleep(0.05)
        return self.api_url

    def stop(self) -> None:
        """Shut it down as uvicorn does on SIGTERM: the services stop and the database is closed."""
        self._server.should_exit = True
        self._thread.join(STOP_SECONDS)
        self._socket.close()


def start_server() -> TemporaryServer | None:
    """This command's temporary server, starting; None when the environment or a Prefect profile
    names a server (PREFECT_API_URL)."""
    return None if configured_api_url() else TemporaryServer()


@contextmanager
def flow_settings(server: TemporaryServer | None) -> Iterator[None]:
    """Prefect settings for a command's flow runs: the temporary server's API once it answers, or the
    configured one if it answers (else EnvironmentFailure), and no heartbeat (the heartbeat thread
    delays the end of every flow run of a short-lived process).
    """
    from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    updates = {PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}
    if server is not None:
        updates[PREFECT_API_URL] = server.wait()
    else:
        require_server(configured_api_url() or "")
    with temporary_settings(updates=updates):
        yield
