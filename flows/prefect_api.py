"""Which Prefect API a command talks to, and the local servers gongwen starts when none is configured.

With no PREFECT_API_URL (environment or Prefect profile) Prefect starts a temporary server for the
process, but only at the first flow run and after importing its whole server package into the calling
process (~2.7 s and ~80 MB here). `gongwen run` and `gongwen watch` start the same server themselves, as
their first step: it then starts while the command imports Prefect and starts its worker pool, and
the command never imports the server package. The server stops when the command exits (atexit, after
Prefect has sent its last events and logs; a killed command's lifeline stops it too).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import partial

STOP_SECONDS = 15
_SERVER_APP = "prefect.server.api.server:create_app"
_PORT_TAKEN = 3  # uvicorn's exit status when another process bound the port first


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_in_use(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def configured_api_url() -> str | None:
    """PREFECT_API_URL as Prefect sees it: environment, then the active profile."""
    from prefect.settings import get_current_settings

    return get_current_settings().api.url


def healthy(api_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def stop_process_group(process: subprocess.Popen, seconds: float = STOP_SECONDS) -> None:
    """SIGTERM the child's process group (a server runs uvicorn below it), then SIGKILL what is left."""
    _stop(process, seconds, partial(os.killpg, process.pid))


def _stop(process: subprocess.Popen, seconds: float, send: Callable[[int], None]) -> None:
    """`send` SIGTERM, wait up to `seconds`, `send` SIGKILL to what is left, reap the process."""
    with contextlib.suppress(ProcessLookupError):
        send(signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(seconds)
    with contextlib.suppress(ProcessLookupError):
        send(signal.SIGKILL)
    process.wait()


class TemporaryServer:
    """The server Prefect would start for a process without an API (its "ephemeral" mode), started early."""

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        # As Prefect starts it: no UI, the ephemeral set of services. The server reads the same
        # environment (or `env`) and profile as this process, so it finds the same database.
        self.env = {**(env or os.environ), "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1"}
        self.env["PREFECT__SERVER_FINAL"] = "1"
        self._launch()
        atexit.register(self.stop)

    def _launch(self) -> None:
        port = free_port()
        self.api_url = f"http://127.0.0.1:{port}/api"
        app = ["--factory", _SERVER_APP, "--host", "127.0.0.1", "--port", str(port), "--lifespan", "on"]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", *app, "--log-level", "error"],
            stdin=subprocess.DEVNULL,
            env=self.env,
        )

    def wait(self) -> str:
        """Its API URL, once it answers."""
        from prefect.settings import get_current_settings

        timeout = get_current_settings().server.ephemeral.startup_timeout_seconds
        deadline = time.monotonic() + timeout
        while not healthy(self.api_url):
            status = self.process.poll()
            if status == _PORT_TAKEN:
                self._launch()  # another process took the free port meanwhile: another one
            elif status is not None or time.monotonic() > deadline:
                self.stop()
                why = f"exited with status {status}" if status is not None else f"no answer in {timeout} s"
                raise RuntimeError(f"the temporary Prefect server did not start ({why})")
            time.sleep(0.1)
        return self.api_url

    def stop(self) -> None:
        """As Prefect stops it: SIGTERM (it closes its database), SIGKILL after 5 s. The process alone:
        it shares the command's process group."""
        if self.process.poll() is None:
            _stop(self.process, 5, self.process.send_signal)


def start_server() -> TemporaryServer | None:
    """A temporary server, starting now; None when the environment names a server.

    Started before Prefect's settings are imported (~1 s), which a Prefect profile naming a server
    needs: `flow_settings` then stops the server again.
    """
    return None if os.environ.get("PREFECT_API_URL") else TemporaryServer()


@contextmanager
def flow_settings(server: TemporaryServer | None) -> Iterator[None]:
    """Prefect settings for a command's flow runs: the configured API or the temporary server's, once it
    answers, and no heartbeat (the heartbeat thread adds ~1 s to every flow run of a short-lived process).
    """
    from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    updates = {PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}
    if server is not None and configured_api_url():
        server.stop()
    elif server is not None:
        updates[PREFECT_API_URL] = server.wait()
    with temporary_settings(updates=updates):
        yield
