"""`gongwen serve`: the inbox flow as a Prefect deployment on a schedule, and a local Prefect server.

Schedules need a real server (an ephemeral one cannot schedule). With PREFECT_API_URL configured
(environment or Prefect profile) serve uses that server; without one it starts `prefect server
start` on the chosen host and port as its child, in its own process group, and stops it on exit.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flows.orchestration.prefect_server import configured_api_url, healthy, port_in_use, stop_process_group
from flows.service.environment import is_loopback, require_server

if TYPE_CHECKING:  # Prefect is imported only when needed: `import prefect` takes 1-2 s
    from prefect.schedules import Schedule

# Not the names in prefect.yaml (worker, inbox-on-demand): a `prefect deploy` must not replace the
# deployment a running `gongwen serve` serves.
DEPLOYMENT_NAME = "serve"
SERVER_START_SECONDS = 120  # a new SQLite database takes ~10 s on 2 cores; a loaded CI machine more
# Addresses that mean every interface, and where this machine's processes reach a server on them.
WILDCARD_LOOPBACK = {"0.0.0.0": "127.0.0.1", "::": "::1"}


@dataclass(frozen=True)
class ServerAddress:
    """Where a local Prefect server listens, and the URLs its clients and its UI use to reach it."""

    host: str = "127.0.0.1"
    port: int = 4200

    @property
    def loopback(self) -> bool:
        """Reachable from this machine only."""
        return is_loopback(self.host)

    @property
    def client_host(self) -> str:
        """The host processes on this machine connect to: loopback for a wildcard address."""
        return WILDCARD_LOOPBACK.get(self.host, self.host)

    @property
    def api_url(self) -> str:
        return _url(self.client_host, self.port)

    @property
    def ui_api_url(self) -> str:
        """For the UI's browsers, which call the API themselves (Prefect's default, port 4200 whatever
        --port says, would point them at another server): the machine's name for a wildcard address."""
        return _url(socket.getfqdn() if self.host in WILDCARD_LOOPBACK else self.host, self.port)


def _url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}/api" if ":" in host else f"http://{host}:{port}/api"


def ui_api_url(address: ServerAddress, env: Mapping[str, str]) -> str:
    """The API URL the UI's pages call: one the caller set (a reverse proxy, a name browsers know the
    machine by), else the server's own address."""
    return env.get("PREFECT_UI_API_URL") or env.get("PREFECT_SERVER_UI_API_URL") or address.ui_api_url


def server_environment(address: ServerAddress, env: Mapping[str, str]) -> dict[str, str]:
    """The environment of a Prefect server at `address`, from the caller's `env`."""
    child = {
        **env,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_API_HOST": address.host,
        "PREFECT_SERVER_API_PORT": str(address.port),
        "PREFECT_UI_API_URL": ui_api_url(address, env),
    }
    child.pop("PREFECT_API_URL", None)  # the server itself must not look for another server
    return child


@contextmanager
def local_server(
    port: int, log_file: Path, env: Mapping[str, str] | None = None, host: str = "127.0.0.1"
) -> Iterator[str]:
    """A Prefect server on host:port for the duration of the block; yields its API URL."""
    address = ServerAddress(host, port)
    if port_in_use(port, address.client_host):
        raise ValueError(
            f"port {port} on {host} is in use: pass another --port, "
            "or set PREFECT_API_URL to use the server that runs there"
        )
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("ab") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--host", host, "--port", str(port)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=server_environment(address, env or os.environ),
            start_new_session=True,  # its own group: Ctrl-C in a terminal reaches us, and we stop it
        )
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while not healthy(address.api_url):
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Prefect server on port {port} did not start; see {log_file}")
            time.sleep(0.25)
        yield address.api_url
    finally:
        stop_process_group(server)


def schedule(cron: str | None, interval: int | None, timezone: str) -> Schedule:
    """The runs' schedule; a bad cron expression, interval or time zone raises ValueError (one line)
    before anything starts, rather than a validation error from the server after it has started."""
    from prefect.client.schemas.schedules import CronSchedule
    from prefect.schedules import Cron, Interval
    from pydantic import ValidationError

    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {timezone!r}; e.g. Asia/Shanghai, UTC") from None
    if cron is None:
        if interval is None or interval <= 0:
            raise ValueError(f"--interval must be a number of seconds above 0, not {interval}")
        return Interval(timedelta(seconds=interval), timezone=timezone)
    try:
        CronSchedule(cron=cron, timezone=timezone)  # the server's own check
    except ValidationError as error:
        reason = error.errors()[0]["msg"].removeprefix("Value error, ")
        raise ValueError(f'--cron {cron!r}: {reason}; e.g. "*/10 8-18 * * 1-5"') from None
    return Cron(cron, timezone=timezone)


def server_address(host: str | None, port: int | None) -> ServerAddress | None:
    """Where serve starts its Prefect server (default 127.0.0.1:4200); None when PREFECT_API_URL names
    the server to use, in which case --host and --port are a usage error."""
    api_url = configured_api_url()
    if api_url is None:
        defaults = ServerAddress()
        return ServerAddress(host or defaults.host, port or defaults.port)
    if host is not None or port is not None:
        raise ValueError(
            f"--host and --port start a Prefect server, but PREFECT_API_URL names one ({api_url}): "
            "drop them, or unset PREFECT_API_URL"
        )
    return None


def serve_inbox(when: Schedule, address: ServerAddress | None, log_file: Path) -> None:
    """Serve the inbox flow on a schedule until SIGTERM or Ctrl-C: on a Prefect server started at
    `address`, or on the configured one (None)."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    if address is None:
        api_url = configured_api_url() or ""
        require_server(api_url)
        print(f"gongwen serve: using the Prefect server at {api_url}", flush=True)
        _serve(when)
        return
    if not address.loopback:
        print(
            f"gongwen serve: warning: the Prefect API and UI on {address.host}:{address.port} have no "
            "authentication: whoever reaches that address can start, change and delete runs and "
            "deployments; allow only trusted machines (firewall, a reverse proxy with a login)",
            file=sys.stderr,
            flush=True,
        )
    with (
        local_server(address.port, log_file, host=address.host) as api_url,
        temporary_settings(updates={PREFECT_API_URL: api_url}),
    ):
        os.environ["PREFECT_API_URL"] = api_url  # the runner's flow-run processes inherit it
        ui = ui_api_url(address, os.environ).removesuffix("/api")
        print(f"gongwen serve: started a Prefect server at {api_url} (UI: {ui})", flush=True)
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
