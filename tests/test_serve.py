"""`gongwen serve`: where its Prefect server listens and which API its UI calls; the schedule and the
address checked before anything starts. A served server and its UI, for real: tests/test_service.py.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import checkout_environment

from flows.orchestration.serve import ServerAddress, schedule, server_environment
from flows.service.environment import EXIT_USAGE


def test_the_ui_calls_the_api_on_the_chosen_port() -> None:
    """Prefect's UI asks /ui-settings which API to call; left alone it says port 4200 whatever port
    the server runs on, so a UI on another port showed another server's runs, or none."""
    outside = {"PATH": "/usr/bin", "PREFECT_API_URL": "http://127.0.0.1:4200/api"}
    env = server_environment(ServerAddress("127.0.0.1", 4321), outside)
    assert env["PREFECT_UI_API_URL"] == "http://127.0.0.1:4321/api"
    assert (env["PREFECT_SERVER_API_HOST"], env["PREFECT_SERVER_API_PORT"]) == ("127.0.0.1", "4321")
    assert "PREFECT_API_URL" not in env, "the server must not look for another server"
    assert env["PATH"] == "/usr/bin"


def test_a_ui_api_url_the_administrator_set_is_kept() -> None:
    """Behind a reverse proxy, browsers reach the API under another name."""
    outside = {"PREFECT_UI_API_URL": "https://prefect.office.example/api"}
    env = server_environment(ServerAddress("127.0.0.1", 4321), outside)
    assert env["PREFECT_UI_API_URL"] == "https://prefect.office.example/api"


@pytest.mark.parametrize(
    ("host", "api_url", "ui_api_url"),
    [
        ("127.0.0.1", "http://127.0.0.1:4321/api", "http://127.0.0.1:4321/api"),
        ("192.0.2.7", "http://192.0.2.7:4321/api", "http://192.0.2.7:4321/api"),
        ("0.0.0.0", "http://127.0.0.1:4321/api", f"http://{socket.getfqdn()}:4321/api"),
        ("::", "http://[::1]:4321/api", f"http://{socket.getfqdn()}:4321/api"),
        ("::1", "http://[::1]:4321/api", "http://[::1]:4321/api"),
    ],
)
def test_processes_here_and_browsers_elsewhere_reach_the_server(
    host: str, api_url: str, ui_api_url: str
) -> None:
    """On every interface, this machine's processes use loopback, and browsers the machine's name."""
    address = ServerAddress(host, 4321)
    assert (address.api_url, address.ui_api_url) == (api_url, ui_api_url)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.1.1", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.0.2.7", False),
        ("gongwen.office.example", False),
    ],
)
def test_only_loopback_addresses_count_as_private(host: str, loopback: bool) -> None:
    assert ServerAddress(host).loopback is loopback


def test_a_bad_schedule_raises_one_line() -> None:
    for interval in (0, -60):
        above_zero = f"--interval must be a number of seconds above 0, not {interval}$"
        with pytest.raises(ValueError, match=above_zero):
            schedule(None, interval, "UTC")
    with pytest.raises(ValueError, match="--cron '61 \\* \\* \\* \\*': Invalid cron string"):
        schedule("61 * * * *", None, "UTC")
    every_hour = schedule(None, 3600, "Asia/Shanghai")
    assert (every_hour.interval.total_seconds(), every_hour.timezone) == (3600, "Asia/Shanghai")


def _serve(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL" and not k.startswith("GONGWEN_")}
    environment = checkout_environment(base, PREFECT_HOME=str(cwd / ".prefect"), **env)
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", "serve", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.flow
@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--interval", "0"], "gongwen: --interval must be a number of seconds above 0, not 0"),
        (["--cron", "every ten minutes"], "gongwen: --cron 'every ten minutes': Invalid cron string"),
        (["--interval", "60", "--timezone", "Beijing"], "gongwen: unknown time zone 'Beijing'"),
    ],
    ids=["interval", "cron", "timezone"],
)
def test_serve_refuses_a_bad_schedule_before_anything_starts(
    tmp_path: Path, options: list[str], message: str
) -> None:
    (tmp_path / "inputs").mkdir()
    done = _serve(tmp_path, *options)
    assert done.returncode == EXIT_USAGE
    assert done.stderr.splitlines() == [done.stderr.strip()], "one line, no traceback"
    assert done.stderr.startswith(message)
    assert not (tmp_path / "outputs").exists(), "stopped before the outputs folder, server and schedule"


@pytest.mark.flow
def test_a_server_on_every_interface_is_announced_as_open(tmp_path: Path) -> None:
    """--host off loopback is allowed, with a warning: the Prefect API has no login. (The port is
    taken here, so that nothing starts.)"""
    (tmp_path / "inputs").mkdir()
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        done = _serve(tmp_path, "--interval", "60", "--host", "0.0.0.0", "--port", str(port))
    assert done.returncode == EXIT_USAGE
    warning, error = done.stderr.strip().splitlines()
    assert warning.startswith(f"gongwen serve: warning: the Prefect API and UI on 0.0.0.0:{port} have no")
    assert error == (
        f"gongwen: port {port} on 0.0.0.0 is in use: pass another --port, "
        "or set PREFECT_API_URL to use the server that runs there"
    )


@pytest.mark.flow
def test_host_and_port_are_refused_with_a_configured_server(tmp_path: Path) -> None:
    (tmp_path / "inputs").mkdir()
    api_url = "http://127.0.0.1:9/api"
    done = _serve(tmp_path, "--interval", "60", "--port", "4321", PREFECT_API_URL=api_url)
    assert done.returncode == EXIT_USAGE
    assert done.stderr.strip() == (
        f"gongwen: --host and --port start a Prefect server, but PREFECT_API_URL names one ({api_url}): "
        "drop them, or unset PREFECT_API_URL"
    )
