"""Settings are refused, never coerced: the file, variable or flag, the key and the problem in one line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import checkout_environment

from flows.config import load_settings

pytestmark = pytest.mark.flow  # each test runs the gongwen command in a subprocess

ROOT = Path(__file__).resolve().parents[1]


def gongwen(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """This checkout's CLI in a subprocess (not the installed command)."""
    environment = checkout_environment(**(env or {}))
    environment = {k: v for k, v in environment.items() if not k.startswith("GONGWEN_") or k in (env or {})}
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("content", "key", "problem"),
    [
        ("concurrency = 2.7\n", "concurrency", "must be a whole number, got 2.7"),
        ("concurrency = true\n", "concurrency", "must be a whole number, got True"),
        ("max_pages = 1e3\n", "max_pages", "must be a whole number"),
        ("settle_seconds = true\n", "settle_seconds", "must be a number"),
        ("settle_seconds = nan\n", "settle_seconds", "must be a finite number"),
        ("settle_seconds = -1\n", "settle_seconds", "must not be negative"),
        ("watch_polling = 1\n", "watch_polling", "must be true or false"),
        ('watch_polling = "sometimes"\n', "watch_polling", "must be true or false"),
        ("profile = 3\n", "profile", "must be text"),
        ('outputs = ""\n', "outputs", "must not be empty"),
        ('[fonts]\nbodyy = "/fonts/simfang.ttf"\n', "fonts.bodyy", "unknown font role"),
        ("[fonts]\nbody = 3\n", "fonts.body", "must be a font file path"),
        ('fonts = "simfang.ttf"\n', "fonts", "must be a table"),
        ("gongwen = 3\n", "gongwen", "must be a table"),
    ],
)
def test_gongwen_config_refuses_a_bad_value(tmp_path: Path, content: str, key: str, problem: str) -> None:
    (tmp_path / "gongwen.toml").write_text(content, encoding="utf-8")
    done = gongwen("config", cwd=tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, f"one line, no traceback: {done.stderr}"
    assert str(tmp_path / "gongwen.toml") in lines[0]
    assert key in lines[0] and problem in lines[0]


@pytest.mark.parametrize(
    ("variable", "value", "problem"),
    [
        ("GONGWEN_CONCURRENCY", "2.7", "must be a whole number"),
        ("GONGWEN_CONCURRENCY", "true", "must be a whole number"),
        ("GONGWEN_SETTLE_SECONDS", "inf", "must be a finite number"),
        ("GONGWEN_WATCH_POLLING", "2", "must be true or false"),
        ("GONGWEN_OUTPUTS", " ", "must not be empty"),
    ],
)
def test_environment_values_are_refused_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, problem: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValueError, match=f"^{variable}: .*{problem}"):
        load_settings()


def test_flags_are_refused_naming_the_flag(tmp_path: Path) -> None:
    (tmp_path / "inputs").mkdir()
    done = gongwen("watch", "--settle", "nan", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == "gongwen: --settle-seconds: settle_seconds must be a finite number, got nan"


def test_good_values_of_every_kind_are_taken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "gongwen.toml"
    config.write_text(
        "concurrency = 3\nsettle_seconds = 2\nwatch_polling = true\n"
        '[fonts]\nbody = "/fonts/simfang.ttf"\npage_number = "/fonts/simsun.ttc#1"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("GONGWEN_MAX_PAGES", " 50 ")
    settings = load_settings(config)
    assert (settings.concurrency, settings.settle_seconds, settings.watch_polling) == (3, 2.0, True)
    assert isinstance(settings.settle_seconds, float)
    assert settings.max_pages == 50
    assert settings.fonts == {"body": "/fonts/simfang.ttf", "page_number": "/fonts/simsun.ttc#1"}


def test_a_config_path_that_is_a_folder_is_named_so(tmp_path: Path) -> None:
    done = gongwen("--config", str(tmp_path), "config", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == f"gongwen: config file {tmp_path} is not a file\n"
