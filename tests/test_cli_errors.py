"""Every command, run as the user runs it, against a broken environment and hostile names.

An outputs folder that is a file, read-only or full, and a Prefect server that does not answer: one
line naming the folder or server and the problem, exit 3, nothing converted. A missing inbox: exit 2,
and never created. Escape sequences in a file name or a text never reach the terminal raw.
"""

from __future__ import annotations

import contextlib
import json
import os
import pty
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from flows.engine.read import read_document
from flows.orchestration.prefect_server import free_port
from flows.orchestration.serve import local_server
from flows.service.environment import EXIT_ENVIRONMENT, EXIT_USAGE
from tasks.analysis.outline import outline_entries
from tasks.reading.ingest import read_source
from tasks.reading.normalize import normalize

pytestmark = pytest.mark.flow  # each test runs the gongwen command in a subprocess

ROOT = Path(__file__).resolve().parents[1]
UNREACHABLE_API = "http://127.0.0.1:9/api"  # the discard port: nothing listens there
# What must never reach a terminal raw: C0 controls but tab and newline, DEL and C1, bidi and zero-width.
RAW_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
HOSTILE_NAME = "报告\x1b]2;pwned\x07\u202etxt.exe\u200b\x9b31m"


def _environment(cwd: Path, env: dict[str, str]) -> dict[str, str]:
    """This checkout's code, no GONGWEN_* or PREFECT_API_URL from outside, a Prefect home of its own."""
    inherited = {
        k: v for k, v in os.environ.items() if not k.startswith("GONGWEN_") and k != "PREFECT_API_URL"
    }
    return {
        **inherited,
        "PYTHONPATH": str(ROOT),
        "PREFECT_HOME": str(cwd / ".prefect"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        **env,
    }


def gongwen(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`gongwen` in a subprocess, its output captured through pipes."""
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", *args],
        cwd=cwd,
        env=_environment(cwd, env),
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def on_a_terminal(*args: str, cwd: Path) -> str:
    """What `gongwen` shows when its standard output and error are a terminal (a pseudo-terminal)."""
    leader, follower = pty.openpty()
    with subprocess.Popen(
        [sys.executable, "-m", "flows.cli", *args],
        cwd=cwd,
        env=_environment(cwd, {}),
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
    ) as process:
        os.close(follower)
        shown = b""
        with contextlib.suppress(OSError):  # EIO once the command has exited and closed the terminal
            while chunk := os.read(leader, 65536):
                shown += chunk
        process.wait(60)
    os.close(leader)
    return shown.decode("utf-8", errors="replace").replace("\r\n", "\n")  # the terminal ends lines so


def one_line(done: subprocess.CompletedProcess[str]) -> str:
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, f"one line, no traceback; got {len(lines)}:\n{done.stderr}"
    return lines[0]


@pytest.fixture
def office(tmp_path: Path) -> Path:
    """A working folder with an inbox holding one document."""
    (tmp_path / "inputs").mkdir()
    (tmp_path / "inputs" / "通知.txt").write_text("关于开会的通知\n各单位：\n定于下周一开会。\n", "utf-8")
    return tmp_path


def _mount(*args: str) -> None:
    done = subprocess.run(["mount", *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount here (needs root and CAP_SYS_ADMIN): {done.stderr.strip()}")


@pytest.fixture
def full_outputs(office: Path) -> Iterator[Path]:
    """outputs/ on a 256 KiB tmpfs, filled to the last byte."""
    outputs = office / "outputs"
    outputs.mkdir()
    _mount("-t", "tmpfs", "-o", "size=256k", "tmpfs", str(outputs))
    try:
        with (outputs / "filler").open("wb", buffering=0) as filler, pytest.raises(OSError):
            while True:
                filler.write(bytes(4096))
                filler.flush()
        yield outputs
    finally:
        subprocess.run(["umount", str(outputs)], check=True)


@pytest.fixture
def mounted_outputs(office: Path) -> Iterator[Path]:
    """outputs/ as a bind mount, to be made read-only (root ignores mode bits, not a read-only mount)."""
    source, outputs = office / "outputs-source", office / "outputs"
    source.mkdir()
    outputs.mkdir()
    _mount("--bind", str(source), str(outputs))
    try:
        yield outputs
    finally:
        subprocess.run(["umount", str(outputs)], check=True)


def make_read_only(mount_point: Path) -> None:
    _mount("-o", "remount,bind,ro", str(mount_point))


@pytest.fixture
def read_only_outputs(mounted_outputs: Path) -> Path:
    make_read_only(mounted_outputs)
    return mounted_outputs


def published(outputs: Path) -> list[str]:
    return sorted(p.name for p in outputs.iterdir() if not p.name.startswith(".")) if outputs.is_dir() else []


@pytest.mark.parametrize("command", [["run"], ["watch"], ["serve", "--interval", "60"]])
def test_outputs_that_is_a_file(office: Path, command: list[str]) -> None:
    (office / "outputs").write_text("not a folder")
    done = gongwen(*command, cwd=office)
    assert done.returncode == EXIT_ENVIRONMENT
    assert one_line(done) == "gongwen: outputs folder outputs is a file, not a folder"


def test_collect_on_an_outputs_file_or_a_missing_folder_is_a_usage_error(office: Path) -> None:
    (office / "outputs").write_text("not a folder")
    done = gongwen("collect", cwd=office)
    assert done.returncode == EXIT_USAGE
    assert "outputs folder outputs is not a folder" in one_line(done)
    done = gongwen("collect", "--outputs", "outptus", cwd=office)
    assert done.returncode == EXIT_USAGE
    assert "outputs folder outptus does not exist" in one_line(done)
    assert not (office / "outptus").exists(), "collect must not make an empty outputs folder"


@pytest.mark.parametrize("command", [["run"], ["watch"]])
def test_read_only_outputs(office: Path, read_only_outputs: Path, command: list[str]) -> None:
    done = gongwen(*command, cwd=office)
    assert done.returncode == EXIT_ENVIRONMENT
    assert one_line(done) == "gongwen: outputs folder outputs: read-only (a read-only file system)"


def test_watch_stops_when_the_outputs_folder_fails_under_it(office: Path, mounted_outputs: Path) -> None:
    """No retrying every 30 s while looking alive: one line, exit 3, the process gone."""
    (office / "inputs" / "通知.txt").unlink()
    watcher = subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "watch"],
        cwd=office,
        env=_environment(office, {}),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert watcher.stdout is not None
        for line in watcher.stdout:  # the catch-up run has ended: the watcher waits for drops
            if "whole inbox:" in line:
                break
        make_read_only(mounted_outputs)
        (office / "inputs" / "通知.txt").write_text("关于开会的通知\n各单位：\n定于下周一开会。\n", "utf-8")
        assert watcher.wait(120) == EXIT_ENVIRONMENT
        error = watcher.stderr.read() if watcher.stderr else ""
        assert len(error.splitlines()) == 1, error
        assert error.startswith("gongwen: outputs/") and "Read-only file system" in error, error
    finally:
        if watcher.poll() is None:
            watcher.kill()
            watcher.wait()


def test_watch_stops_when_its_prefect_server_goes_away(office: Path) -> None:
    port = free_port()
    with local_server(port, office / "server.log", env=_environment(office, {})) as api_url:
        watcher = subprocess.Popen(
            [sys.executable, "-m", "flows.cli", "watch"],
            cwd=office,
            env=_environment(office, {"PREFECT_API_URL": api_url}),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert watcher.stdout is not None
        for line in watcher.stdout:
            if "whole inbox:" in line:
                break
    try:  # the server is stopped: the next drop's run cannot reach it
        (office / "inputs" / "后来.txt").write_text("关于开会的通知\n各单位：\n开会。\n", "utf-8")
        assert watcher.wait(120) == EXIT_ENVIRONMENT
        error = watcher.stderr.read() if watcher.stderr else ""
        assert error == f"gongwen: Prefect server http://127.0.0.1:{port} stopped answering: " + (
            "[Errno 111] Connection refused\n"
        )
    finally:
        if watcher.poll() is None:
            watcher.kill()
            watcher.wait()


@pytest.mark.parametrize("command", [["run"], ["watch"]])
def test_full_outputs(office: Path, full_outputs: Path, command: list[str]) -> None:
    done = gongwen(*command, cwd=office)
    assert done.returncode == EXIT_ENVIRONMENT
    assert one_line(done) == "gongwen: outputs folder outputs: full (no space left on the device)"


@pytest.mark.parametrize("command", [["run"], ["watch"], ["serve", "--interval", "60"]])
def test_unreachable_prefect_server_stops_before_converting(office: Path, command: list[str]) -> None:
    done = gongwen(*command, cwd=office, PREFECT_API_URL=UNREACHABLE_API)
    assert done.returncode == EXIT_ENVIRONMENT
    line = one_line(done)
    assert line.startswith(f"gongwen: Prefect server {UNREACHABLE_API} (PREFECT_API_URL) does not answer")
    assert "Connection refused" in line
    assert published(office / "outputs") == [], "nothing converted for a run that cannot be recorded"


@pytest.mark.parametrize("command", [["run"], ["watch"]])
def test_unreachable_prefect_server_of_a_profile(office: Path, command: list[str]) -> None:
    """Named in the active Prefect profile, not the environment: found once Prefect has read it."""
    profiles = office / "profiles.toml"
    profiles.write_text(f'active = "office"\n[profiles.office]\nPREFECT_API_URL = "{UNREACHABLE_API}"\n')
    done = gongwen(*command, cwd=office, PREFECT_PROFILES_PATH=str(profiles))
    assert done.returncode == EXIT_ENVIRONMENT
    assert one_line(done).startswith(f"gongwen: Prefect server {UNREACHABLE_API} (PREFECT_API_URL) does not")


@pytest.mark.parametrize("command", [["run"], ["watch"]])
def test_a_missing_inbox_is_a_usage_error_and_never_created(office: Path, command: list[str]) -> None:
    done = gongwen(*command, "--inputs", "inptus", cwd=office)
    assert done.returncode == EXIT_USAGE
    assert one_line(done) == (
        "gongwen: inputs folder inptus does not exist (set by command line); "
        "create it, or give another with --inputs"
    )
    assert not (office / "inptus").exists()
    assert not (office / "outputs" / "_failed").exists(), "not a failed file"


def test_run_refuses_a_missing_file_or_folder_given(office: Path) -> None:
    done = gongwen("run", "inputs/通知.txt", "inputs/mistyped", cwd=office)
    assert done.returncode == EXIT_USAGE
    assert one_line(done) == "gongwen: no such file or folder: inputs/mistyped"
    assert published(office / "outputs") == []


def test_serve_refuses_a_missing_inbox(office: Path) -> None:
    done = gongwen("serve", "--interval", "60", cwd=office, GONGWEN_INPUTS="inptus")
    assert done.returncode == EXIT_USAGE
    assert "inputs folder inptus does not exist (set by GONGWEN_INPUTS)" in one_line(done)


@pytest.mark.parametrize("command", ["normalize", "check", "outline"])
def test_file_commands_on_a_missing_file(office: Path, command: str) -> None:
    done = gongwen(command, "missing.txt", cwd=office)
    assert done.returncode == EXIT_USAGE
    assert "missing.txt" in one_line(done)


def test_an_unwritable_report_file_is_one_line(office: Path) -> None:
    done = gongwen("normalize", "-q", "--report", "no-such-folder/report.json", "inputs/通知.txt", cwd=office)
    assert done.returncode == EXIT_ENVIRONMENT
    assert one_line(done) == "gongwen: no-such-folder/report.json: No such file or directory"


def test_hostile_names_and_text_are_escaped_by_the_file_commands(office: Path) -> None:
    hostile = office / f"{HOSTILE_NAME}.txt"
    # 。， is reported by check with the file's name in front of the line.
    hostile.write_text(f"一、总体要求{HOSTILE_NAME}\n正文。，\n三、保障措施\n正文。\n", encoding="utf-8")
    for command in (["check"], ["outline"], ["outline", "--json"], ["normalize"]):
        shown = on_a_terminal(*command, hostile.name, cwd=office)
        assert "报告" in shown and not RAW_CONTROLS.search(shown), f"{command} showed {shown!r}"
    done = gongwen("check", hostile.name, cwd=office)
    assert "\\x1b]2;pwned\\x07\\u202etxt.exe\\u200b\\x9b31m" in done.stdout, "visible, as escapes"
    outline = gongwen("outline", "--json", hostile.name, cwd=office)
    assert not RAW_CONTROLS.search(outline.stdout), "JSON escapes, wherever it goes"
    assert json.loads(outline.stdout) == outline_entries(read_document(hostile).document), "the same data"
    piped = gongwen("normalize", "-q", hostile.name, cwd=office)
    expected = normalize(read_source(hostile).text).text
    assert piped.stdout == expected, "normalized text to a pipe or a file is the data, unchanged"


def test_hostile_names_are_escaped_by_run(office: Path) -> None:
    """The progress lines, the table, the gist and Prefect's console log (a numbering gap warns, naming
    the file as it is called in the inbox)."""
    (office / "inputs" / f"{HOSTILE_NAME}[bold].txt").write_text(
        "关于开会的通知\n一、总体要求\n正文。\n三、保障措施\n正文。\n", encoding="utf-8"
    )
    done = gongwen("run", cwd=office)
    shown = done.stdout + done.stderr
    assert done.returncode == 0, shown
    assert not RAW_CONTROLS.search(shown), shown
    assert "[bold]" in done.stdout, "a name is text, not rich markup"
    assert "\\x1b]2;pwned\\x07\\u202etxt.exe" in done.stderr, "the log's warning names the file, escaped"
