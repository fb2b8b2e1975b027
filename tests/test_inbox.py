"""Inbox planning, the ledger, output names and settings: no Prefect, no rendering."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from flows.config import Settings, load_settings
from flows.engine.outputs import atomic_write_text, publish_dir, safe_output_name
from flows.service.inbox import is_ignored, plan_batch
from flows.service.ledger import Ledger, run_lock


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    (tmp_path / "inputs").mkdir()
    return Settings(inputs=tmp_path / "inputs", outputs=tmp_path / "outputs")


def drop(settings: Settings, name: str, text: str = "同志们：\n正文。\n") -> Path:
    path = settings.inputs / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("讲话.txt", "讲话"),
        ("../../etc/passwd.txt", "passwd"),
        ("-rf.txt", "rf"),
        ('a"b:c.txt', "a_b_c"),
        (".txt", "txt"),
        ("长" * 200 + ".txt", "长" * 66),  # 198 of at most 200 UTF-8 bytes
    ],
)
def test_output_names_are_safe(name: str, expected: str) -> None:
    assert safe_output_name(name) == expected


@pytest.mark.parametrize(
    "name", ["~$讲话.docx", ".hidden.txt", "a.tmp", "b.part", "c.toml", "d.txt.crdownload"]
)
def test_temporary_hidden_and_sidecar_files_are_ignored(name: str) -> None:
    assert is_ignored(Path(name))


def test_new_files_are_planned_and_unchanged_ones_skipped(settings: Settings) -> None:
    first = drop(settings, "a.txt")
    drop(settings, "b.txt")
    ledger = Ledger(settings.state_dir)
    batch = plan_batch(settings, ledger)
    assert [p.name for p, _, _ in batch.todo] == ["a.txt", "b.txt"]

    for path, name, sha in batch.todo:
        (settings.outputs / name).mkdir(parents=True)
        ledger.record(path, sha, "done", name)
    again = plan_batch(settings, Ledger(settings.state_dir))
    assert not again.todo
    assert [o.status for o in again.outcomes] == ["skipped", "skipped"]

    first.write_text("同志们：\n改过的正文。\n", encoding="utf-8")
    changed = plan_batch(settings, Ledger(settings.state_dir))
    assert [p.name for p, _, _ in changed.todo] == ["a.txt"]
    forced = plan_batch(settings, Ledger(settings.state_dir), force=True)
    assert len(forced.todo) == 2


def test_missing_outputs_are_made_again(settings: Settings) -> None:
    path = drop(settings, "a.txt")
    ledger = Ledger(settings.state_dir)
    ((_, name, sha),) = plan_batch(settings, ledger).todo
    ledger.record(path, sha, "done", name)  # but outputs/a/ was deleted by a user
    assert len(plan_batch(settings, Ledger(settings.state_dir)).todo) == 1


def test_same_stem_gets_distinct_output_folders(settings: Settings) -> None:
    drop(settings, "讲话.txt")
    (settings.inputs / "讲话.docx").write_bytes(b"PK")
    names = sorted(name for _, name, _ in plan_batch(settings, Ledger(settings.state_dir)).todo)
    assert names == ["讲话", "讲话-txt"]


def test_refused_candidates_are_recorded_not_read(settings: Settings, tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("机密", encoding="utf-8")
    os.symlink(outside, settings.inputs / "link.txt")
    (settings.inputs / "folder.txt").mkdir()
    (settings.inputs / "scan.pdf").write_bytes(b"%PDF")
    batch = plan_batch(settings, Ledger(settings.state_dir))
    assert not batch.todo
    reasons = {o.name: o.detail for o in batch.outcomes}
    assert "outside" in reasons["link"]
    assert "directory" in reasons["folder"]
    assert "unsupported" in reasons["scan"]
    assert (settings.failed_dir / "link.error.txt").read_text(encoding="utf-8").count("outside") == 1


def test_publish_replaces_an_older_result_whole(tmp_path: Path) -> None:
    final = tmp_path / "out" / "doc"
    for version in ("old", "new"):
        staging = tmp_path / "staging" / version
        atomic_write_text(staging / "a.txt", version)
        publish_dir(staging, final)
    assert (final / "a.txt").read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in (tmp_path / "staging").iterdir()) == []


def test_damaged_ledger_is_set_aside(settings: Settings) -> None:
    settings.state_dir.mkdir(parents=True)
    (settings.state_dir / "ledger.json").write_text("{not json", encoding="utf-8")
    assert Ledger(settings.state_dir).entries == {}
    assert (settings.state_dir / "ledger.damaged.json").exists()


def test_run_lock_is_exclusive_across_processes(settings: Settings) -> None:
    import subprocess
    import sys

    code = (
        "import fcntl,sys; f=open(sys.argv[1],'a');\n"
        "try:\n fcntl.flock(f, fcntl.LOCK_EX|fcntl.LOCK_NB); print('got')\n"
        "except BlockingIOError: print('busy')"
    )
    with run_lock(settings.state_dir):
        held = subprocess.run(
            [sys.executable, "-c", code, str(settings.state_dir / "run.lock")],
            capture_output=True,
            text=True,
            check=True,
        )
    assert held.stdout.strip() == "busy"


def test_settings_layering(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "gongwen.toml"
    config.write_text(
        'profile = "centered"\nconcurrency = 3\n[fonts]\nbody = "/fonts/simfang.ttf"\n', "utf-8"
    )
    monkeypatch.setenv("GONGWEN_CONCURRENCY", "4")
    settings = load_settings(config, summary_chars=200)
    assert (settings.profile, settings.concurrency, settings.summary_chars) == ("centered", 4, 200)
    assert settings.fonts == {"body": "/fonts/simfang.ttf"}
    assert settings.source_of("profile") == str(config)
    assert settings.source_of("concurrency") == "GONGWEN_CONCURRENCY"
    assert settings.source_of("summary_chars") == "command line"
    assert settings.source_of("inputs") == "default"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ('profile = "nope"\n', "unknown profile"),
        ("colour = 1\n", "unknown setting"),
        ("concurrency = 0\n", "at least 1"),
    ],
)
def test_bad_settings_are_named(tmp_path: Path, content: str, problem: str) -> None:
    config = tmp_path / "gongwen.toml"
    config.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=problem):
        load_settings(config)
