"""What the ledger and the outputs folder must survive (issue 15): names reused across runs, temporary
failures, hostile ledger values, inputs named like the tool's own files, the umask, invisible
characters in names, documents that take too long. Documents convert in this process: no Prefect."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import SPEECH

from flows.config import Settings, load_settings
from flows.engine.outputs import clean_name, is_plain_name, safe_output_name
from flows.orchestration.work import convert, time_limit
from flows.service.inbox import FileOutcome, WorkItem, finish_outcome, plan_batch
from flows.service.ledger import Ledger

SAMPLE_TEXT = SPEECH.read_text(encoding="utf-8")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    (tmp_path / "inputs").mkdir()
    return Settings(inputs=tmp_path / "inputs", outputs=tmp_path / "outputs", concurrency=1)


def drop(folder: Path, name: str, text: str = SAMPLE_TEXT) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def run(settings: Settings, paths: list[Path] | None = None) -> list[FileOutcome]:
    """A batch as the flow runs it, converting in this process: plan, convert, record."""
    ledger = Ledger(settings.state_dir)
    batch = plan_batch(settings, ledger, paths or [])
    outcomes = list(batch.outcomes)
    for item in batch.todo:
        outcomes.append(_convert_and_record(settings, ledger, item))
    return outcomes


def _convert_and_record(settings: Settings, ledger: Ledger, item: WorkItem) -> FileOutcome:
    try:
        with time_limit(settings.document_timeout):
            result = convert(item.path, settings, item.name, item.sha256)
    except Exception as error:
        return finish_outcome(settings, ledger, item, None, error)
    return finish_outcome(settings, ledger, item, result, None)


def report_sha(settings: Settings, name: str) -> str:
    report = json.loads((settings.outputs / name / "report.json").read_text(encoding="utf-8"))
    return report["input"]["sha256"]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# 1. Names unique across runs


def test_a_name_reused_in_a_later_run_gets_its_own_folder(settings: Settings, tmp_path: Path) -> None:
    first = drop(settings.inputs, "通知.txt")
    (done,) = run(settings)
    assert (done.name, done.status) == ("通知", "done")
    # The next day: the same name as a .txt from another folder, then as a .docx in the inbox.
    other = drop(tmp_path / "elsewhere", "通知.txt", f"{SAMPLE_TEXT}\n另一份。\n")
    (second,) = run(settings, [other])
    assert second.status == "done" and second.name != "通知"
    assert report_sha(settings, "通知") == sha256(first), "the first document is still there"
    assert report_sha(settings, second.name) == sha256(other)
    # The first input converted again keeps its own folder.
    first.write_text(f"{SAMPLE_TEXT}\n改过了。\n", encoding="utf-8")
    (again,) = run(settings, [first])
    assert (again.name, again.status) == ("通知", "done")
    assert report_sha(settings, "通知") == sha256(first)
    assert report_sha(settings, second.name) == sha256(other)


def test_a_folder_the_ledger_does_not_know_is_left_alone_unless_it_is_this_files(settings: Settings) -> None:
    mine = settings.outputs / "讲话"
    mine.mkdir(parents=True)
    (mine / "notes.txt").write_text("a colleague's folder", encoding="utf-8")
    path = drop(settings.inputs, "讲话.txt")
    (outcome,) = run(settings)
    assert outcome.name == "讲话-txt", "a folder no input owns is not replaced"
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]
    # Published but never recorded (a run killed in between, a ledger set aside): the file keeps it,
    # changed or not.
    shutil.rmtree(settings.state_dir / "ledger")
    path.write_text(f"{SAMPLE_TEXT}\n改过了。\n", encoding="utf-8")
    ((_, name, _),) = plan_batch(settings, Ledger(settings.state_dir)).todo
    assert name == "讲话-txt"


def test_a_report_without_the_inputs_path_is_matched_by_name_and_content(settings: Settings) -> None:
    path = drop(settings.inputs, "讲话.txt")
    sha = sha256(path)
    for name, content in (("讲话", "0" * 64), ("讲话-txt", sha)):  # written before reports named the path
        (settings.outputs / name).mkdir(parents=True)
        report = {"input": {"name": path.name, "sha256": content}}
        (settings.outputs / name / "report.json").write_text(json.dumps(report), encoding="utf-8")
    ((_, name, _),) = plan_batch(settings, Ledger(settings.state_dir)).todo
    assert name == "讲话-txt"


def test_two_inputs_claiming_one_name_in_an_old_ledger_are_told_apart(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    older, newer = drop(settings.inputs, "通知.docx", "x"), drop(settings.inputs, "通知.txt")
    (settings.outputs / "通知").mkdir(parents=True)
    ledger = {
        os.path.realpath(older): _entry(sha256(older), "通知", "2025-01-01T08:00:00+00:00"),
        os.path.realpath(newer): _entry(sha256(newer), "通知", "2025-01-02T08:00:00+00:00"),
    }
    _write_ledger(settings, ledger)
    with caplog.at_level(logging.WARNING, logger="gongwen.ledger"):
        batch = plan_batch(settings, Ledger(settings.state_dir))
    assert [(p.name, name) for p, name, _ in batch.todo] == [("通知.docx", "通知-docx")]
    assert [(o.name, o.status) for o in batch.outcomes] == [("通知", "skipped")]
    assert "claim 通知" in caplog.text


# 2. Temporary failures are not permanent


def _assert_temporary(outcome: FileOutcome, settings: Settings, path: Path) -> None:
    assert outcome.status == "failed" and "the next run tries again" in outcome.detail
    assert Ledger(settings.state_dir).get(path) is None, "not recorded as the document's failure"
    assert not settings.failed_dir.exists() or not list(settings.failed_dir.iterdir())
    (retry,) = plan_batch(settings, Ledger(settings.state_dir)).todo
    assert retry[0] == path, "planned again, not 'skipped: unchanged, failed before'"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    disk = tmp_path / "disk"
    disk.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(disk)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.decode().strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=True)


# python-docx leaves a ZipFile whose close meets the full disk again when it is collected: noise.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_full_disk_is_not_the_documents_failure(settings: Settings, small_disk: Path) -> None:
    settings = replace(settings, outputs=small_disk / "outputs")
    path = drop(settings.inputs, "讲话.txt")
    settings.state_dir.mkdir(parents=True)
    filler = small_disk / "filler"
    with filler.open("wb") as handle:  # fill the disk, leaving room for the ledger but not a document
        handle.write(b"\0" * (2 * 1024 * 1024 - 24 * 1024))
    (outcome,) = run(settings)
    assert "No space left on device" in outcome.detail
    _assert_temporary(outcome, settings, path)
    filler.unlink()
    (done,) = run(settings)
    assert done.status == "done" and Ledger(settings.state_dir).get(path).status == "done"


def test_a_missing_font_file_is_not_the_documents_failure(settings: Settings) -> None:
    settings = replace(settings, fonts={"body": str(settings.inputs.parent / "fonts" / "simfang.ttf")})
    path = drop(settings.inputs, "讲话.txt")
    (outcome,) = run(settings)
    assert "font file not found" in outcome.detail and "simfang.ttf" in outcome.detail
    _assert_temporary(outcome, settings, path)


def test_a_file_changed_while_it_was_read(settings: Settings) -> None:
    """The ledger records the hash of the bytes read; a failure on bytes that are gone is not final."""
    path = drop(settings.inputs, "讲话.txt")
    ledger = Ledger(settings.state_dir)
    ((_, name, planned),) = plan_batch(settings, ledger).todo
    path.write_text(f"{SAMPLE_TEXT}\n补充。\n", encoding="utf-8")  # changed after planning
    outcome = _convert_and_record(settings, ledger, WorkItem(path, name, planned))
    assert outcome.status == "done"
    assert Ledger(settings.state_dir).get(path).sha256 == sha256(path) != planned
    assert not plan_batch(settings, Ledger(settings.state_dir)).todo, "what was converted is what is there"

    ((_, name, planned),) = plan_batch(settings, ledger, force=True).todo
    path.write_bytes(b"")  # truncated while the batch ran
    failed = _convert_and_record(settings, ledger, WorkItem(path, name, planned))
    assert "file is empty" in failed.detail and "changed while it was read" in failed.detail
    assert Ledger(settings.state_dir).get(path).sha256 == planned, "the failure is not recorded"


# 3. Ledger values are not trusted


def _entry(sha: str, output: str, at: str = "2025-01-01T08:00:00+00:00", status: str = "done") -> dict:
    return {"sha256": sha, "status": status, "output": output, "at": at, "error": ""}


def _write_ledger(settings: Settings, data: object) -> None:
    settings.state_dir.mkdir(parents=True, exist_ok=True)
    (settings.state_dir / "ledger.json").write_text(json.dumps(data), encoding="utf-8")


@pytest.mark.parametrize(
    "output", ["../victim", "/tmp/victim", "a/../../victim", ".gongwen", "index.html", ""]
)
def test_a_ledger_path_outside_outputs_is_dropped(
    settings: Settings, tmp_path: Path, output: str, caplog: pytest.LogCaptureFixture
) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("not gongwen's", encoding="utf-8")
    path = drop(settings.inputs, "讲话.txt", "改过的文本")  # changed since: converted again
    _write_ledger(settings, {os.path.realpath(path): _entry("0" * 64, output)})
    with caplog.at_level(logging.WARNING, logger="gongwen.ledger"):
        ledger = Ledger(settings.state_dir)
    assert ledger.entries == {} and "not a name under outputs/" in caplog.text
    drop(settings.inputs, "讲话.txt")
    (outcome,) = run(settings)
    assert (outcome.name, outcome.status) == ("讲话", "done")
    assert [p.name for p in victim.iterdir()] == ["keep.txt"]


@pytest.mark.parametrize(
    "data",
    [
        [],
        None,
        "ledger",
        {"/in/a.txt": 5},
        {"/in/a.txt": {"sha256": 5, "status": "done", "output": "a", "at": "x"}},
        {"/in/a.txt": {"sha256": "0", "status": "done"}},
        {"/in/a.txt": {**_entry("0", "a"), "extra": 1}},
        {"/in/a.txt": _entry("0", "a", status="deleted")},
    ],
)
def test_a_ledger_of_the_wrong_shape_is_set_aside(settings: Settings, data: object) -> None:
    drop(settings.inputs, "a.txt")
    _write_ledger(settings, data)
    assert Ledger(settings.state_dir).entries == {}
    assert json.loads((settings.state_dir / "ledger.damaged.json").read_text(encoding="utf-8")) == data
    assert [p.name for p, _, _ in plan_batch(settings, Ledger(settings.state_dir)).todo] == ["a.txt"]


def test_a_failed_entry_of_the_older_format_keeps_its_name(settings: Settings) -> None:
    path = drop(settings.inputs, "空.txt", " ")
    error_file = settings.failed_dir / "空.error.txt"
    _write_ledger(settings, {os.path.realpath(path): _entry(sha256(path), str(error_file), status="failed")})
    assert Ledger(settings.state_dir).get(path).output == "空"
    (outcome,) = plan_batch(settings, Ledger(settings.state_dir)).outcomes
    assert (outcome.name, outcome.status) == ("空", "skipped")


# 4. Inputs named like the tool's own files


@pytest.mark.parametrize(
    ("file", "name"),
    [
        ("index.html.txt", "index.html-txt"),
        ("INDEX.MD.txt", "INDEX.MD-txt"),
        ("_failed.txt", "failed"),
        ("_thumbnails.docx", "thumbnails"),
        ("-.gongwen.txt", "gongwen"),
    ],
)
def test_inputs_never_take_the_tools_own_names(settings: Settings, file: str, name: str) -> None:
    (settings.inputs / file).write_text(SAMPLE_TEXT, encoding="utf-8")
    ((_, planned, _),) = plan_batch(settings, Ledger(settings.state_dir)).todo
    assert planned == name


def test_the_index_is_written_beside_a_document_called_index(settings: Settings) -> None:
    from flows.service.collect import build_index

    drop(settings.inputs, "index.html.txt")
    (outcome,) = run(settings)
    assert outcome.status == "done"
    build_index(settings.outputs)
    assert (settings.outputs / "index.html").is_file()
    assert (settings.outputs / "index.html-txt" / "index.html-txt.pdf").is_file()


# 5. Published files follow the umask


@pytest.mark.parametrize(("umask", "folder", "file"), [(0o022, 0o755, 0o644), (0o027, 0o750, 0o640)])
def test_published_files_follow_the_umask(settings: Settings, umask: int, folder: int, file: int) -> None:
    drop(settings.inputs, "讲话.txt")
    drop(settings.inputs, "空.txt", "")
    previous = os.umask(umask)
    try:
        outcomes = run(settings)
    finally:
        os.umask(previous)
    assert [o.status for o in outcomes] == ["failed", "done"]
    published = [settings.outputs / "讲话", settings.failed_dir, settings.outputs / "_thumbnails"]
    for path in published:
        assert stat.S_IMODE(path.stat().st_mode) == folder, path
        for child in path.iterdir():
            assert stat.S_IMODE(child.stat().st_mode) == file, child


# 7. A time limit per document


def test_a_document_past_its_time_limit_fails_with_that_reason(settings: Settings) -> None:
    settings = replace(settings, document_timeout=0.3)
    body = "各部门要认真抓好落实，确保各项工作取得实效。" * 5 + "\n"
    path = drop(settings.inputs, "长.txt", SAMPLE_TEXT + body * 400)  # ~70 pages: seconds, not 0.3
    (outcome,) = run(settings)
    assert outcome.detail == "took longer than 0.3 s (document_timeout)"
    assert not (settings.outputs / "长").exists() and not list((settings.state_dir / "staging").glob("*"))
    assert Ledger(settings.state_dir).get(path).status == "failed", (
        "the input's failure: final until it changes"
    )


@pytest.mark.parametrize("value", ["0", "-1", "soon"])
def test_document_timeout_must_be_a_positive_number(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GONGWEN_DOCUMENT_TIMEOUT", value)
    with pytest.raises(ValueError, match="document_timeout"):
        load_settings()


# 13. Control and format characters in output names


@pytest.mark.parametrize(
    ("file", "name"),
    [
        ("通知\u202e\u200b.txt", "通知"),  # right-to-left override, zero-width space
        ("a\u0085b\u009bc.txt", "a_b_c"),  # C1 controls (NEL, CSI)
        ("\ufeff\u2066报告\u2069.txt", "报告"),  # BOM, isolates
        ("x\u2028y.txt", "x_y"),  # line separator
        ("\x1b]2;title\x07.txt", "]2;title_"),  # a terminal escape
        ("\u200b\u200d.txt", "document"),
    ],
)
def test_invisible_and_control_characters_do_not_reach_names(file: str, name: str) -> None:
    assert safe_output_name(file) == name
    assert is_plain_name(name) and clean_name(name) == name


def test_a_ledger_name_with_a_hidden_character_is_not_plain() -> None:
    assert not is_plain_name("通知\u202e")
    assert not is_plain_name("a/b") and not is_plain_name("..") and not is_plain_name("_failed")


def test_a_name_with_a_number_stays_within_the_limit(settings: Settings) -> None:
    drop(settings.inputs, "长" * 80 + ".txt")
    drop(settings.inputs, "长" * 80 + ".docx", "x")
    (settings.outputs / ("长" * 65 + "-txt")).mkdir(parents=True)  # a colleague's folder: not to be taken
    names = [name for _, name, _ in plan_batch(settings, Ledger(settings.state_dir)).todo]
    assert len(set(names)) == 2
    assert all(is_plain_name(name) and len(name.encode()) <= 200 for name in names), names
