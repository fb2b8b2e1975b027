"""Health and alerts: notify_url POSTs (a local HTTP server on 127.0.0.1), the run record, heartbeats,
`gongwen status`, and a real `gongwen watch` beating, recording its runs and alerting on a failure."""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import checkout_environment

from flows.cli.command import main
from flows.config import Settings, load_settings
from flows.engine.outputs import HISTORY_DIR, atomic_write_json
from flows.orchestration.prefect_server import free_port
from flows.service.health import (
    RUN_FILE,
    RunRecord,
    check_health,
    read_run_record,
    recorded_run,
    service_process,
)
from flows.service.heartbeat import Beat, beat_file, heartbeat, read_beats
from flows.service.inbox import TEMPORARY_NOTE, FileOutcome, record_failure
from flows.service.ledger import Ledger, run_lock
from flows.service.notify import notify_failures, notify_fatal, post_json

HOST = socket.gethostname()
NOTICE = "关于开展安全检查的通知\n\n各单位：\n\n一、检查范围\n\n全市各单位。\n"


class _Receiver(BaseHTTPRequestHandler):
    """Keeps each POSTed JSON body; a path of /slow answers late, /broken with 500."""

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.path == "/slow":
            time.sleep(2)
        self.server.received.append(json.loads(body))  # type: ignore[attr-defined]
        self.send_response(500 if self.path == "/broken" else 204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@dataclass
class Endpoint:
    url: str
    received: list[dict]


@pytest.fixture
def endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[Endpoint]:
    """An HTTP server on 127.0.0.1, a free port, on a thread for the test."""
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    server.received = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Endpoint(f"http://127.0.0.1:{server.server_port}", server.received)  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    settings = Settings(inputs=tmp_path / "inputs", outputs=tmp_path / "outputs")
    settings.inputs.mkdir()
    settings.state_dir.mkdir(parents=True)
    for name in ("a.txt", "b.txt"):
        (settings.inputs / name).write_text(NOTICE, encoding="utf-8")
    return settings


def _failed(settings: Settings, name: str, reason: str) -> FileOutcome:
    return FileOutcome(str(settings.inputs / f"{name}.txt"), name, "failed", reason)


def test_failed_documents_are_announced_once_each(settings: Settings, endpoint: Endpoint) -> None:
    settings = replace(settings, notify_url=f"{endpoint.url}/hook")
    done = FileOutcome(str(settings.inputs / "b.txt"), "b", "done", "outputs/b")
    assert notify_failures(settings, [_failed(settings, "a", "a.txt: file is empty"), done])
    (payload,) = endpoint.received
    assert payload["event"] == "documents_failed" and payload["text"] == "gongwen：1 份文件未能处理"
    assert payload["documents"] == [
        {
            "input": str(settings.inputs / "a.txt"),
            "name": "a",
            "reason": "a.txt: file is empty",
            "temporary": False,
        }
    ]
    assert payload["host"] == HOST and payload["pid"] == os.getpid()
    assert payload["outputs"] == str(settings.outputs.resolve())
    assert datetime.fromisoformat(payload["time"]) > datetime.now(UTC) - timedelta(minutes=1)

    assert not notify_failures(settings, [_failed(settings, "a", "a.txt: file is empty")]), (
        "announced already"
    )
    assert len(endpoint.received) == 1
    assert notify_failures(settings, [_failed(settings, "a", f"disk full {TEMPORARY_NOTE}")]), (
        "another reason"
    )
    assert endpoint.received[-1]["documents"][0] | {"input": ""} == {
        "input": "",
        "name": "a",
        "reason": "disk full",
        "temporary": True,
    }
    converted = FileOutcome(str(settings.inputs / "a.txt"), "a", "done", "outputs/a")
    notify_failures(settings, [converted])  # converted at last: a later failure is news again
    assert notify_failures(settings, [_failed(settings, "a", f"disk full {TEMPORARY_NOTE}")])
    assert len(endpoint.received) == 3


def test_an_endpoint_down_slow_or_failing_costs_a_warning_only(
    endpoint: Endpoint, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="gongwen.notify")
    assert not post_json(f"http://127.0.0.1:{free_port()}/hook", {"event": "x"}), "nobody listens"
    started = time.monotonic()
    assert not post_json(f"{endpoint.url}/slow", {"event": "x"}, timeout=0.3)
    assert time.monotonic() - started < 1.5, "the timeout holds"
    assert not post_json(f"{endpoint.url}/broken", {"event": "x"})
    assert post_json(f"{endpoint.url}/hook", {"event": "x"})
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 3 and all("did not take the alert" in w for w in warnings)
    assert "500" in warnings[2]


def test_a_run_records_itself_and_a_fatal_error_is_announced_once(
    settings: Settings, endpoint: Endpoint
) -> None:
    settings = replace(settings, notify_url=f"{endpoint.url}/hook", retention_days=30)
    old_version = settings.outputs / HISTORY_DIR / "a" / "20200101T000000Z"
    old_version.mkdir(parents=True)
    with recorded_run(settings) as run:
        record = read_run_record(settings.state_dir)
        assert record is not None and record.status == "running"
        assert (record.pid, record.host) == (os.getpid(), HOST)
        done = FileOutcome(str(settings.inputs / "b.txt"), "b", "done", "outputs/b")
        run.finish([done, _failed(settings, "a", "a.txt: file is empty")])
    record = read_run_record(settings.state_dir)
    assert record is not None and (record.status, record.done, record.failed) == ("finished", 1, 1)
    assert [p["event"] for p in endpoint.received] == ["documents_failed"]
    assert not old_version.exists(), "retention_days applied at the end of the run"

    full = OSError(28, "No space left on device")
    with pytest.raises(OSError), service_process(settings, "watch"), recorded_run(settings):
        raise full
    record = read_run_record(settings.state_dir)
    assert record is not None and record.status == "failed" and "No space left" in record.error
    fatal = [p for p in endpoint.received if p["event"] == "fatal"]
    assert len(fatal) == 1, "the run announced it; the watcher it stopped does not again"
    assert fatal[0]["where"] == "run" and "No space left" in fatal[0]["text"]
    assert not notify_fatal(settings, full, "watch")
    (beat,) = read_beats(settings.state_dir)
    assert beat.ended == "failed: [Errno 28] No space left on device"


def _status(settings: Settings, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:
    code = main(["status", "--json", "--outputs", str(settings.outputs), "--inputs", str(settings.inputs)])
    return code, json.loads(capsys.readouterr().out)


def test_status_of_a_quiet_service_and_of_a_run_in_progress(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    code, status = _status(settings, capsys)
    assert (code, status["status"], status["run_active"], status["problems"]) == (0, "healthy", False, [])
    with run_lock(settings.state_dir):
        health = check_health(settings)
    assert health.run_active and health.lock_holder == f"pid {os.getpid()} on {HOST}", "read from /proc/locks"
    assert main(["status", "--outputs", str(settings.outputs)]) == 0
    text = capsys.readouterr().out
    assert f"gongwen status: {settings.outputs}: healthy" in text and "run: none now" in text


def test_status_reports_a_killed_run_and_failed_documents(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    killed = RunRecord(4_000_000, HOST, "2026-01-01T08:00:00+00:00", "running")
    atomic_write_json(settings.state_dir / RUN_FILE, asdict(killed))
    code, status = _status(settings, capsys)
    assert code == 3 and status["status"] == "unhealthy"
    (problem,) = status["problems"]
    assert problem.startswith(
        f"the last run (pid 4000000 on {HOST}, started 2026-01-01T08:00:00+00:00) ended"
    )
    assert problem.endswith("without finishing: killed")
    finished = replace(killed, status="finished", finished="2026-01-01T08:01:00+00:00", done=2, failed=1)
    atomic_write_json(settings.state_dir / RUN_FILE, asdict(finished))
    record_failure(
        settings, Ledger(settings.state_dir), settings.inputs / "a.txt", "a", "a.txt: file is empty", "0" * 64
    )
    code, status = _status(settings, capsys)
    assert (code, status["status"], status["problems"]) == (1, "documents failed", [])
    assert status["last_run"]["failed"] == 1
    (failure,) = status["recent_failures"]
    assert (
        failure["input"] == os.path.realpath(settings.inputs / "a.txt")
        and failure["error"] == "a.txt: file is empty"
    )
    assert main(["status", "--outputs", str(settings.outputs)]) == 1
    text = capsys.readouterr().out
    assert "last run: finished" in text and "2 done, 0 skipped, 1 failed" in text and "file is empty" in text


def test_heartbeats_alive_stopped_stale_and_dead(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    with heartbeat(settings.state_dir, "watch", interval=0.05):
        path = beat_file(settings.state_dir, "watch", HOST)
        first = path.stat().st_mtime_ns
        time.sleep(0.3)
        assert path.stat().st_mtime_ns > first, "it beats every interval"
        (service,) = check_health(settings).services
        assert service.state == "alive" and service.beat.pid == os.getpid() and service.beat.kind == "watch"
    code, status = _status(settings, capsys)
    assert code == 0 and status["services"][0]["state"] == "stopped"

    long_ago = (datetime.now(UTC) - timedelta(minutes=10)).isoformat(timespec="seconds")
    stale = Beat("serve", "other-host", 123, long_ago, long_ago, 30.0)
    atomic_write_json(beat_file(settings.state_dir, "serve", "other-host"), asdict(stale))
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    now = datetime.now(UTC).isoformat(timespec="seconds")
    dead = Beat("web", HOST, int(gone.stdout), now, now, 30.0)  # a fresh beat from a process that is no more
    atomic_write_json(beat_file(settings.state_dir, "web", HOST), asdict(dead))
    code, status = _status(settings, capsys)
    states = {service["beat"]["kind"]: service["state"] for service in status["services"]}
    assert code == 3 and states == {"watch": "stopped", "serve": "stale", "web": "gone"}
    assert any(
        p.startswith("serve on other-host (pid 123): no heartbeat for 10 min") for p in status["problems"]
    )


@pytest.mark.slow
@pytest.mark.flow
def test_a_watcher_beats_records_its_runs_alerts_and_is_seen_killed(
    settings: Settings, endpoint: Endpoint, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (settings.inputs / "scan.pdf").write_bytes(b"%PDF-1.4\n")  # refused (not .txt or .docx): an alert
    env = checkout_environment(
        PREFECT_HOME=str(tmp_path / "prefect"),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        GONGWEN_NOTIFY_URL=f"{endpoint.url}/hook",
    )
    env.pop("PREFECT_API_URL", None)
    folders = ["--inputs", str(settings.inputs), "--outputs", str(settings.outputs)]
    watcher = subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "watch", "--settle", "0.2", *folders],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 240
        while (record := read_run_record(settings.state_dir)) is None or record.status != "finished":
            assert watcher.poll() is None and time.monotonic() < deadline, "the catch-up run did not finish"
            time.sleep(0.2)
        assert (record.done, record.failed, record.pid, record.host) == (2, 1, watcher.pid, HOST)
        while not endpoint.received and time.monotonic() < deadline:  # posted after the record
            time.sleep(0.1)
        (alert,) = endpoint.received
        assert [d["name"] for d in alert["documents"]] == ["scan"]
        assert "unsupported file type .pdf" in alert["documents"][0]["reason"]
        code, status = _status(settings, capsys)
        assert code == 1, "alive, and the last run had a failed document"
        (service,) = status["services"]
        assert service["state"] == "alive" and service["beat"]["pid"] == watcher.pid
        assert status["documents"] == {"current": 2}
    finally:
        os.killpg(watcher.pid, signal.SIGKILL)
        watcher.wait(30)
    code, status = _status(settings, capsys)
    assert code == 3 and status["services"][0]["state"] == "gone"
    assert status["problems"] == [
        f"watch on {HOST} (pid {watcher.pid}): the process is gone without stopping (killed)"
    ]


def test_notify_url_and_retention_days_are_checked_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # no gongwen.toml
    monkeypatch.setenv("GONGWEN_NOTIFY_URL", "https://alerts.example/gongwen")
    monkeypatch.setenv("GONGWEN_RETENTION_DAYS", "90")
    settings = load_settings()
    assert (settings.notify_url, settings.retention_days) == ("https://alerts.example/gongwen", 90)
    assert settings.source_of("notify_url") == "GONGWEN_NOTIFY_URL"
    monkeypatch.setenv("GONGWEN_NOTIFY_URL", "alerts.example/gongwen")
    with pytest.raises(ValueError, match="notify_url must be an http:// or https:// URL"):
        load_settings()
    monkeypatch.setenv("GONGWEN_NOTIFY_URL", "")
    monkeypatch.setenv("GONGWEN_RETENTION_DAYS", "-1")
    with pytest.raises(ValueError, match="retention_days must not be negative"):
        load_settings()


# `gongwen serve` whose serving fails at once (its port taken): what it leaves is checked by the test.
FAILING_SERVE = """
import sys
from pathlib import Path
import flows.orchestration.serve as serve

def taken_port(when, port, log_file):
    assert list(Path(sys.argv[1]).glob("heartbeat/serve@*.json")), "no heartbeat while serving"
    raise OSError(98, "Address already in use")

serve.serve_inbox = taken_port
from flows.cli.command import main
sys.exit(main(["serve", "--interval", "60"]))
"""


@pytest.mark.slow
def test_serve_beats_while_it_serves_and_alerts_when_it_stops_on_an_error(
    settings: Settings, endpoint: Endpoint, tmp_path: Path
) -> None:
    env = checkout_environment(
        PREFECT_HOME=str(tmp_path / "prefect"),
        GONGWEN_INPUTS=str(settings.inputs),
        GONGWEN_OUTPUTS=str(settings.outputs),
        GONGWEN_NOTIFY_URL=f"{endpoint.url}/hook",
    )
    env.pop("PREFECT_API_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", FAILING_SERVE, str(settings.state_dir)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 3 and "Address already in use" in done.stderr, done.stderr
    (alert,) = endpoint.received
    assert (alert["event"], alert["where"], alert["type"]) == ("fatal", "serve", "OSError")
    (beat,) = read_beats(settings.state_dir)
    assert beat.kind == "serve" and beat.ended == "failed: [Errno 98] Address already in use"
