"""Documents outlive their inputs: states (current, input changed, renamed, gone), the index and the zip
that keep orphans apart, the history of replaced versions (crash-safe), `gongwen prune` and retention."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import unquote

import pytest
from conftest import checkout_environment

from flows.cli.command import main
from flows.config import Settings
from flows.engine.convert import convert_document
from flows.engine.outputs import HISTORY_DIR, THUMBNAIL_DIR, clear_leftovers
from flows.service.collect import build_index, bundle
from flows.service.inbox import plan_batch
from flows.service.ledger import Ledger
from flows.service.lifecycle import State, apply_retention, history_versions, list_documents

NOTICE = (
    "关于开展{}检查的通知\n\n各单位：\n\n一、检查范围\n\n全市各单位。\n\n二、时间安排\n\n本月底前完成。\n"
)
NAMES = ("kept", "changed", "renamed", "deleted")


def _notice(topic: str) -> str:
    return NOTICE.format(topic)


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Four notices converted (PDF only: the lifecycle does not depend on the formats)."""
    root = tmp_path_factory.mktemp("lifecycle")
    settings = Settings(inputs=root / "inputs", outputs=root / "outputs", formats="pdf")
    settings.inputs.mkdir()
    for number, name in enumerate(NAMES):
        path = settings.inputs / f"{name}.txt"
        path.write_text(_notice(f"第{number}次安全"), encoding="utf-8")
        convert_document(path, settings, name)
    return settings


@pytest.fixture
def settings(converted: Settings, tmp_path: Path) -> Settings:
    """A private copy of inbox and outputs, the reports' input paths pointing at the copy."""
    copy = replace(converted, inputs=tmp_path / "inputs", outputs=tmp_path / "outputs")
    shutil.copytree(converted.inputs, copy.inputs)
    shutil.copytree(converted.outputs, copy.outputs)
    for report_file in copy.outputs.glob("*/report.json"):
        report = json.loads(report_file.read_text(encoding="utf-8"))
        report["input"]["path"] = os.path.realpath(copy.inputs / report["input"]["name"])
        report_file.write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    return copy


def _lose_inputs(settings: Settings) -> None:
    """changed.txt gets other bytes, renamed.txt a new name, deleted.txt is gone."""
    inbox = settings.inputs
    (inbox / "changed.txt").write_text(_notice("消防") + "\n三、要求\n\n认真落实。\n", encoding="utf-8")
    (inbox / "renamed.txt").rename(inbox / "新名字.txt")
    (inbox / "deleted.txt").unlink()


def _age_report(settings: Settings, name: str, days: float) -> None:
    report_file = settings.outputs / name / "report.json"
    report = json.loads(report_file.read_text(encoding="utf-8"))
    report["created"] = (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="seconds")
    report_file.write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")


def test_each_document_knows_whether_its_input_is_there(settings: Settings) -> None:
    assert {d.name: d.state for d in list_documents(settings)} == dict.fromkeys(NAMES, State.CURRENT)
    _lose_inputs(settings)
    documents = {d.name: d for d in list_documents(settings)}
    assert {name: d.state for name, d in documents.items()} == {
        "kept": State.CURRENT,
        "changed": State.CHANGED,
        "renamed": State.RENAMED,
        "deleted": State.GONE,
    }
    assert documents["renamed"].renamed_to == settings.inputs / "新名字.txt"
    assert documents["renamed"].label == "已改名为 新名字.txt"
    assert documents["deleted"].label == "输入已删除" and documents["changed"].label == "输入已修改"
    assert {name for name, d in documents.items() if d.orphaned} == {"renamed", "deleted"}


def test_an_inbox_moved_elsewhere_keeps_its_documents_current(settings: Settings, tmp_path: Path) -> None:
    moved = replace(settings, inputs=tmp_path / "mounted-elsewhere")
    settings.inputs.rename(moved.inputs)  # every recorded path is gone; the names are in the new inbox
    assert {d.state for d in list_documents(moved)} == {State.CURRENT}
    assert {d.state for d in list_documents(settings)} == {State.GONE}, "without the inbox: gone"


def test_the_index_marks_changed_inputs_and_lists_orphans_apart(settings: Settings) -> None:
    _lose_inputs(settings)
    entries = {e.name: e for e in build_index(settings.outputs, settings.inputs)}
    assert set(entries) == set(NAMES), "the index still reaches every document"
    page = (settings.outputs / "index.html").read_text(encoding="utf-8")
    main_table, apart = page.split("<h2>输入已删除或改名 (2)</h2>")
    assert "<p>2 份文件</p>" in main_table
    for name in ("kept", "changed"):
        assert f'href="{name}/{name}.pdf"' in main_table and f"{name}/" not in apart
    for name in ("renamed", "deleted"):
        assert f'href="{name}/{name}.pdf"' in apart and f"{name}/" not in main_table
    assert '<div class="state">输入已修改</div>' in main_table
    assert '<div class="state">已改名为 新名字.txt</div>' in apart
    assert '<div class="state">输入已删除</div>' in apart
    markdown = (settings.outputs / "index.md").read_text(encoding="utf-8")
    listed, orphans = markdown.split("## 输入已删除或改名 (2)")
    assert "（输入已修改）" in listed and "（输入已删除）" in orphans and "<deleted/deleted.pdf>" in orphans


def test_the_zip_leaves_orphans_out_unless_asked(settings: Settings, tmp_path: Path) -> None:
    _lose_inputs(settings)
    archive_path = tmp_path / "handover.zip"
    entries = bundle(settings.outputs, archive_path, inbox=settings.inputs)
    assert sorted(e.name for e in entries) == ["changed", "kept"]
    with zipfile.ZipFile(archive_path) as archive:
        folders = {name.split("/")[1] for name in archive.namelist()}
    assert folders == {"changed", "kept", THUMBNAIL_DIR, "index.html", "index.md"}
    everything = bundle(settings.outputs, archive_path, inbox=settings.inputs, include_orphans=True)
    assert sorted(e.name for e in everything) == sorted(NAMES)
    with zipfile.ZipFile(archive_path) as archive:
        assert "handover/deleted/deleted.pdf" in archive.namelist()
        assert "输入已删除或改名 (2)" in archive.read("handover/index.html").decode("utf-8")


def test_collect_command_says_what_it_left_apart(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _lose_inputs(settings)
    folders = ["--outputs", str(settings.outputs), "--inputs", str(settings.inputs)]
    assert main(["collect", *folders]) == 0
    assert "2 documents; 2 more whose input was deleted or renamed, listed apart" in capsys.readouterr().out
    archive_path = tmp_path / "all.zip"
    assert main(["collect", *folders, "--zip", str(archive_path)]) == 0
    assert f"{archive_path}: 2 documents\n" in capsys.readouterr().out
    assert main(["collect", *folders, "--zip", str(archive_path), "--include-orphans"]) == 0
    assert "4 documents, 2 whose input was deleted or renamed" in capsys.readouterr().out
    assert main(["collect", *folders, "--include-orphans"]) == 2, "--include-orphans needs --zip"


def test_a_changed_input_keeps_the_previous_version(settings: Settings) -> None:
    folder = settings.outputs / "changed"
    before = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    pdf_before = (folder / "changed.pdf").read_bytes()
    _lose_inputs(settings)
    convert_document(settings.inputs / "changed.txt", settings, "changed")
    after = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    assert after["input"]["sha256"] != before["input"]["sha256"]
    (version,) = history_versions(settings.outputs)["changed"]
    kept = json.loads((version.folder / "report.json").read_text(encoding="utf-8"))
    assert kept == before and (version.folder / "changed.pdf").read_bytes() == pdf_before
    assert version.folder.parent == settings.outputs / HISTORY_DIR / "changed"
    assert abs((datetime.now(UTC) - version.retired).total_seconds()) < 60
    state = {d.name: d for d in list_documents(settings)}["changed"]
    assert state.state is State.CURRENT and state.history == (version,)
    build_index(settings.outputs, settings.inputs)
    page = (settings.outputs / "index.html").read_text(encoding="utf-8")
    assert HISTORY_DIR not in page and "<p>2 份文件</p>" in page, "the index shows the current version only"
    links = [unquote(href) for href in re.findall(r'href="([^"]+)"', page)]
    assert "changed/changed.pdf" in links


def test_prune_removes_old_orphans_and_old_versions(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    _lose_inputs(settings)
    convert_document(settings.inputs / "changed.txt", settings, "changed")  # one earlier version, new
    _age_report(settings, "deleted", 40)  # an old orphan
    _age_report(settings, "renamed", 5)  # a recent one
    _age_report(settings, "kept", 400)  # old, but its input is there
    old_version = settings.outputs / HISTORY_DIR / "kept" / "20200101T000000Z"
    shutil.copytree(settings.outputs / "kept", old_version)
    build_index(settings.outputs, settings.inputs)
    folders = ["--outputs", str(settings.outputs), "--inputs", str(settings.inputs)]

    assert main(["prune", *folders, "--older-than", "30", "--dry-run"]) == 0
    dry = capsys.readouterr().out
    assert f"would remove {settings.outputs / 'deleted'}  (input gone, made " in dry
    assert f"would remove {old_version}  (earlier version, replaced 2020-01-01" in dry
    assert "would remove: 1 documents, 1 earlier versions (over 30 days)" in dry
    assert (settings.outputs / "deleted").is_dir() and old_version.is_dir(), "a dry run removes nothing"

    assert main(["prune", *folders, "--older-than", "30"]) == 0
    assert "removed: 1 documents, 1 earlier versions" in capsys.readouterr().out
    remaining = {d.name: d for d in list_documents(settings)}
    assert set(remaining) == {"kept", "changed", "renamed"}
    assert len(remaining["changed"].history) == 1, "a version replaced today stays"
    assert not (settings.outputs / HISTORY_DIR / "kept").exists(), "an emptied history folder goes"
    assert not (settings.outputs / THUMBNAIL_DIR / "deleted.png").exists(), "the index was rebuilt"
    assert "deleted" not in (settings.outputs / "index.html").read_text(encoding="utf-8")
    assert not list((settings.state_dir / "staging").iterdir()), "nothing half-removed is left"

    assert main(["prune", *folders]) == 2, "no --older-than and no retention_days"


def test_retention_prunes_after_a_run_but_not_while_the_inbox_is_out_of_sight(settings: Settings) -> None:
    _lose_inputs(settings)
    _age_report(settings, "deleted", 10)
    old_version = settings.outputs / HISTORY_DIR / "kept" / "20200101T000000Z"
    shutil.copytree(settings.outputs / "kept", old_version)
    assert apply_retention(settings) is None, "retention_days = 0 keeps everything"

    unmounted = replace(settings, inputs=settings.inputs.parent / "empty-mount-point", retention_days=7)
    unmounted.inputs.mkdir()
    pruned = apply_retention(unmounted)
    assert pruned is not None and not pruned.documents, "an empty inbox: documents kept"
    assert [v.folder for v in pruned.versions] == [old_version] and not old_version.exists()

    pruned = apply_retention(replace(settings, retention_days=7))
    assert pruned is not None and [d.name for d in pruned.documents] == ["deleted"]
    assert not (settings.outputs / "deleted").exists() and (settings.outputs / "renamed").is_dir()


def test_a_run_killed_between_the_two_renames_keeps_the_old_version_and_converts_again(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    final = settings.outputs / "changed"
    old = json.loads((final / "report.json").read_text(encoding="utf-8"))["input"]["sha256"]
    Ledger(settings.state_dir).record(settings.inputs / "changed.txt", old, "done", "changed")
    _lose_inputs(settings)
    rename = os.replace

    def killed_before_publishing(source: str | Path, target: str | Path) -> None:
        if Path(target) == final:  # the new version's rename: the process dies here
            raise KeyboardInterrupt
        rename(source, target)

    monkeypatch.setattr(os, "replace", killed_before_publishing)
    with pytest.raises(KeyboardInterrupt):
        convert_document(settings.inputs / "changed.txt", settings, "changed")
    monkeypatch.undo()
    assert not final.exists()
    (version,) = history_versions(settings.outputs)["changed"]
    assert json.loads((version.folder / "report.json").read_text(encoding="utf-8"))["input"]["sha256"] == old
    # The next run: the ledger still holds the old hash, so the input is converted again.
    (item,) = plan_batch(settings, Ledger(settings.state_dir), [settings.inputs / "changed.txt"]).todo
    assert item.name == "changed"
    clear_leftovers(settings.state_dir, settings.failed_dir, settings.outputs)
    convert_document(item.path, settings, item.name)
    assert final.is_dir() and history_versions(settings.outputs)["changed"] == (version,)


# A child that publishes version after version of one document (three files each), printing each
# version number once it is published, until it is killed.
PUBLISHER = """
import sys
from pathlib import Path
from flows.engine.outputs import atomic_write_text, publish_dir
root = Path(sys.argv[1])
for version in range(1, 100000):
    staging = root / "staging" / str(version)
    for part in range(3):
        atomic_write_text(staging / f"{part}.txt", str(version))
    publish_dir(staging, root / "out" / "doc")
    print(version, flush=True)
"""


def _version(folder: Path) -> int:
    """The version a folder holds, checking that it is whole: three files of one version."""
    contents = {path.name: path.read_text(encoding="utf-8") for path in folder.iterdir()}
    assert sorted(contents) == ["0.txt", "1.txt", "2.txt"], f"{folder} is not whole: {sorted(contents)}"
    assert len(set(contents.values())) == 1, f"{folder} mixes versions: {contents}"
    return int(contents["0.txt"])


@pytest.mark.parametrize("delay", [0.0, 0.003, 0.011, 0.027, 0.05])
def test_publishing_killed_at_any_moment_loses_no_version(tmp_path: Path, delay: float) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", PUBLISHER, str(tmp_path)],
        env=checkout_environment(),
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    published = [int(child.stdout.readline()) for _ in range(5)]
    time.sleep(delay)
    os.kill(child.pid, signal.SIGKILL)
    rest, _ = child.communicate()
    published += [int(line) for line in rest.split()]
    final = tmp_path / "out" / "doc"
    current = _version(final) if final.exists() else None
    kept = [_version(folder) for folder in (tmp_path / "out" / HISTORY_DIR / "doc").iterdir()]
    seen = set(kept) | ({current} if current else set())
    assert set(range(1, published[-1] + 1)) <= seen, "every published version is kept"
    assert len(kept) == len(set(kept)), "each version once"
    assert max(seen) <= published[-1] + 1, "nothing but what was staged"
    if current is None:  # killed between the two renames: the replaced version is in the history
        assert max(kept) == published[-1]
    else:
        assert current == max(seen)
