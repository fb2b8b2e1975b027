"""`gongwen serve`: the inbox flow as a Prefect deployment on a schedule, and a local Prefect server.

Schedules need a real server (an ephemeral one cannot schedule). With PREFECT_API_URL configured
(environment or Prefect profile) serve uses that server; without one it starts `prefect server
start` on 127.0.0.1 as its child, in its own process group, and stops it on exit.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flows.orchestration.prefect_server import configured_api_url, healthy, port_in_use, stop_process_group
from flows.service.environment import require_server

if TYPE_CHECKING:  # Prefect is imported only when needed: `import prefect` takes 1-2 s
    from prefect.schedules import Schedule

DEPLOYMENT_NAME = "inbox"
SERVER_START_SECONDS = 120  # a new SQLite database takes ~10 s on 2 cores; a loaded CI machine more


@contextmanager
def local_server(port: int, log_file: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    """A Prefect server on 127.0.0.1:port for the duration of the block; yields its API URL."""
    if port_in_use(port):
        raise ValueError(
            f"port {port} on 127.0.0.1 is in use: pass another --port, "
            "or set PREFECT_API_URL to use the server that runs there"
        )
    api_url = f"http://127.0.0.1:{port}/api"
    child_env = {**(env or os.environ), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    child_env.pop("PREFECT_API_URL", None)  # the server itself must not look for another server
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("ab") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=child_env,
            start_new_session=True,  # its own group: Ctrl-C in a terminal reaches us, and we stop it
        )
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while not healthy(api_url):
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Prefect server on port {port} did not start; see {log_file}")
            time.sleep(0.25)
        yield api_url
    finally:
        stop_process_group(server)


def schedule(cron: str | None, interval: int | None, timezone: str) -> Schedule:
    """The runs' schedule; a bad cron expression or time zone raises ValueError before anything starts."""
    from prefect.schedules import Cron, Interval

    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {timezone!r}; e.g. Asia/Shanghai, UTC") from None
    return Cron(cron, timezone=timezone) if cron else Interval(interval, timezone=timezone)


def serve_inbox(when: Schedule, port: int, log_file: Path) -> None:
    """Serve the inbox flow on a schedule until SIGTERM or Ctrl-C."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    api_url = configured_api_url()
    if api_url:
        require_server(api_url)
        print(f"gongwen serve: using the Prefect server at {api_url}", flush=True)
        _serve(when)
        return
    with local_server(port, log_file) as api_url, temporary_settings(updates={PREFECT_API_URL: api_url}):
        os.environ["PREFECT_API_URL"] = api_url  # the runner's flow-run processes inherit it
        print(
            f"gongwen serve: started a Prefect server at {api_url} (UI: {api_url.removesuffix('/api')})",
            flush=True,
        )
        _serve(when)


def _serve(when: Schedule) -> None:
    from prefect import serve
    from prefect.deployments.runner import EntrypointType

    from flows.orchestration.flow import process_inbox

    # A deployment, not `process_inbox.serve()`: each run then starts `python -m prefect.engine`,
    # which imports the flow by module path like a worker does, instead of unpickling the flow
    # object (flows.orchestration.flow holds a ContextVar, which cannot be pickled).
    deployment = process_inbox.to_deployment(
        name=DEPLOYMENT_NAME,
        schedules=[when],
        description="Convert every new or changed file in the inbox (gongwen serve).",
        entrypoint_type=EntrypointType.MODULE_PATH,
    )
    serve(deployment, limit=1)  # runs share the inbox's run lock; a second one would only wait
