"""The service on a real Prefect server: `gongwen serve` starts one; `gongwen watch` and the
scale-out script (work pool, two workers) use it. One server start for the whole module.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import checkout_environment

from flows.orchestration.prefect_server import free_port, port_in_use, stop_process_group
from flows.orchestration.serve import SERVER_START_SECONDS, local_server, schedule

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = next((ROOT / "inputs").glob("*.txt"))
RUN_SECONDS = 240  # a flow-run process imports Prefect and converts cold: slow on a busy 2-core CI machine

pytestmark = pytest.mark.flow


@dataclass
class Served:
    process: subprocess.Popen
    api_url: str
    root: Path
    env: dict[str, str]  # what a process needs to talk to the served server


def wait_until(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out after {seconds} s waiting for {what}"
        time.sleep(0.05)


def api_call(api_url: str, path: str, body: dict | None = None, method: str = "GET") -> object:
    """One Prefect API call; a 503 (SQLite busy writing events) is retried, as Prefect's client does."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        f"{api_url}{path}", data, {"Content-Type": "application/json"}, method=method
    )
    for attempt in range(30):
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.load(response) if response.status != 204 else None
        except urllib.error.HTTPError as error:
            if error.code != 503 or attempt == 29:
                raise
            time.sleep(0.5)
    raise AssertionError("unreachable")


def healthy(api_url: str) -> bool:
    try:
        return api_call(api_url, "/health") is True
    except OSError:
        return False


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`gongwen serve --interval 10` with no PREFECT_API_URL: it starts a server of its own.

    Once the first scheduled run has converted the inbox, the schedule is paused, so that runs
    every 10 s do not compete with the other tests for the CPU.
    """
    root = tmp_path_factory.mktemp("serve")
    (root / "inputs").mkdir()
    shutil.copy(SAMPLE, root / "inputs" / "scheduled.txt")
    port = free_port()
    base = {key: value for key, value in os.environ.items() if key != "PREFECT_API_URL"}
    env = {
        **checkout_environment(base),
        "PREFECT_HOME": str(root / "prefect-home"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "1",  # runs are scheduled at once
        "PREFECT_RUNNER_POLL_FREQUENCY": "1",
        "GONGWEN_INPUTS": str(root / "inputs"),
        "GONGWEN_OUTPUTS": str(root / "outputs"),
    }
    with (root / "serve.log").open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "flows.cli", "serve", "--interval", "10", "--port", str(port)],
            cwd=root,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    api_url = f"http://127.0.0.1:{port}/api"
    try:
        wait_until(lambda: healthy(api_url) or process.poll() is not None, SERVER_START_SECONDS, "the server")
        assert process.poll() is None, (root / "serve.log").read_text()
        pdf = root / "outputs" / "scheduled" / "scheduled.pdf"
        wait_until(
            lambda: pdf.is_file() or process.poll() is not None, RUN_SECONDS, "the first scheduled run"
        )
        deployment = api_call(api_url, "/deployments/name/gongwen-inbox/serve")
        api_call(api_url, f"/deployments/{deployment['id']}", {"paused": True}, "PATCH")
        yield Served(process, api_url, root, {**env, "PREFECT_API_URL": api_url})
        process.send_signal(signal.SIGTERM)
        assert process.wait(60) == 0, "SIGTERM is how a service is stopped"
        assert not port_in_use(port), "serve stops the server it started"
    finally:
        stop_process_group(process)


def test_serve_runs_the_inbox_on_its_schedule(served: Served) -> None:
    deployment = api_call(served.api_url, "/deployments/name/gongwen-inbox/serve")
    assert [s["schedule"]["interval"] for s in deployment["schedules"]] == [10.0]
    query = {
        "flow_runs": {
            "deployment_id": {"any_": [deployment["id"]]},
            "state": {"type": {"any_": ["COMPLETED"]}},
        }
    }

    def scheduled_run_completed() -> bool:
        runs = api_call(served.api_url, "/flow_runs/filter", query, "POST")
        return any(run["auto_scheduled"] for run in runs)

    wait_until(scheduled_run_completed, 60, "the scheduled run to complete")
    outputs = served.root / "outputs"
    assert (outputs / "scheduled" / "scheduled.pdf").is_file()
    assert "scheduled/scheduled.pdf" in (outputs / "index.html").read_text(encoding="utf-8")
    artifacts = api_call(
        served.api_url, "/artifacts/filter", {"artifacts": {"key": {"any_": ["gongwen-batch"]}}}, "POST"
    )
    table = next(a["data"] for a in artifacts if "| scheduled | done |" in a["data"])
    assert (outputs / "scheduled" / "scheduled.pdf").resolve().as_uri() in table, "the UI links the PDF"


@pytest.mark.slow
def test_the_ui_on_another_port_shows_this_servers_runs(served: Served, tmp_path: Path) -> None:
    """Served on a port other than 4200, with a second server on a third port: each UI calls the API
    of its own server (Prefect's default would send both to port 4200), and lists that server's runs."""
    home = {**served.env, "PREFECT_HOME": str(tmp_path / "prefect-home")}
    other_env = {key: value for key, value in home.items() if key != "PREFECT_API_URL"}
    with local_server(free_port(), tmp_path / "other.log", other_env) as other_api_url:
        runs_listed = {}
        for api_url in (served.api_url, other_api_url):
            ui = api_url.removesuffix("/api")
            with urllib.request.urlopen(f"{ui}/ui-settings", timeout=10) as response:
                ui_api_url = json.load(response)["api_url"]
            assert ui_api_url == api_url
            with urllib.request.urlopen(ui, timeout=10) as response:
                assert b"<title>Prefect" in response.read(), "the UI itself is served there"
            runs = api_call(ui_api_url, "/flow_runs/filter", {"flow_runs": {}}, "POST")
            runs_listed[api_url] = {run["id"] for run in runs}
    assert runs_listed[served.api_url], "the scheduled runs"
    assert not runs_listed[other_api_url]


@pytest.mark.slow
def test_a_runs_log_has_a_line_per_document_at_info(served: Served) -> None:
    """A clean run logs what it did (Prefect's UI said "This run didn't generate logs")."""
    done_line = re.compile(r"scheduled\.txt: done, \d+ pages, \d+\.\d\d s -> \S+")

    def logged_at_info() -> list[str]:
        logs = api_call(served.api_url, "/logs/filter", {"logs": {"level": {"ge_": logging.INFO}}}, "POST")
        return [log["message"] for log in logs if log["level"] == logging.INFO]

    wait_until(lambda: any(done_line.fullmatch(m) for m in logged_at_info()), 60, "the document's log line")


def _pump(process: subprocess.Popen, lines: list[str]) -> None:
    for line in process.stdout:
        lines.append(line)


def test_watch_converts_each_drop_once(served: Served, tmp_path: Path) -> None:
    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    inputs.mkdir()
    shutil.copy(SAMPLE, inputs / "before-start.txt")  # dropped while the watcher was down
    watcher = subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "watch", "--settle", "0.3", "--inputs", str(inputs)],
        cwd=tmp_path,
        env={**served.env, "GONGWEN_OUTPUTS": str(outputs)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    threading.Thread(target=_pump, args=(watcher, lines), daemon=True).start()
    try:
        wait_until(lambda: any("whole inbox:" in line for line in lines), RUN_SECONDS, "the catch-up run")
        assert (outputs / "before-start" / "before-start.pdf").is_file(), "".join(lines)

        dropped = time.monotonic()
        shutil.copy(SAMPLE, inputs / "dropped.txt")
        wait_until((outputs / "dropped" / "dropped.pdf").is_file, 60, "the dropped file's PDF")
        latency = time.monotonic() - dropped
        print(f"drop to PDF: {latency:.2f} s")
        assert latency < 10, "well under 2 s on an idle machine; CI machines are busy"

        report = outputs / "dropped" / "report.json"
        created = json.loads(report.read_text(encoding="utf-8"))["created"]
        (inputs / "dropped.txt").write_bytes((inputs / "dropped.txt").read_bytes())  # same bytes, new mtime
        wait_until(lambda: any("1 skipped" in line for line in lines), 60, "the second look at dropped.txt")
        assert json.loads(report.read_text(encoding="utf-8"))["created"] == created, "not converted twice"
        assert (outputs / "index.html").is_file()
    finally:
        watcher.send_signal(signal.SIGTERM)
        watcher.wait(60)
    # 0 when the signal finds it waiting for files (watchfiles stops), 143 when it lands elsewhere.
    assert watcher.returncode in (0, 128 + signal.SIGTERM), "".join(lines)


def test_scale_out_script_uses_both_workers(served: Served) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "scripts/scale_out.py",
            "--api-url",
            served.api_url,
            "--documents",
            "2",
        ],
        cwd=ROOT,
        env=served.env,
        capture_output=True,
        text=True,
        timeout=2 * RUN_SECONDS + 120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "workers that took part: 2 of 2" in done.stdout
    assert "documents converted: 2 for 2 inputs; converted twice: none" in done.stdout
    assert "ledger and outputs: complete" in done.stdout


def test_local_server_refuses_a_port_in_use(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with (
            pytest.raises(ValueError, match=f"port {port} on 127.0.0.1 is in use"),
            local_server(port, tmp_path / "log"),
        ):
            pass


def test_a_bad_schedule_is_refused_before_anything_starts() -> None:
    with pytest.raises(ValueError, match="Invalid cron"):
        schedule("every ten minutes", None, "Asia/Shanghai")
    with pytest.raises(ValueError, match="unknown time zone 'Beijing'"):
        schedule("*/10 8-18 * * 1-5", None, "Beijing")
    office_hours = schedule("*/10 8-18 * * 1-5", None, "Asia/Shanghai")
    assert (office_hours.cron, office_hours.timezone) == ("*/10 8-18 * * 1-5", "Asia/Shanghai")
    assert schedule(None, 600, "UTC").interval.total_seconds() == 600
