"""The whole pipeline through Prefect: a dropped speech becomes DOCX, PDF, outline, summary, report."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SAMPLES

from flows.config import Settings

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_INPUT = next((ROOT / "inputs").glob("*.txt"))

pytestmark = pytest.mark.flow


@pytest.fixture(scope="module")
def first_run(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, list[dict]]:
    from flows.batch import process_inbox

    root = tmp_path_factory.mktemp("inbox")
    settings = Settings(inputs=root / "inputs", outputs=root / "outputs")
    settings.inputs.mkdir()
    shutil.copy(SAMPLE_INPUT, settings.inputs / SAMPLE_INPUT.name)
    shutil.copy(SAMPLES / "corpus" / "hailar_2012_report.gbk.txt", settings.inputs)
    (settings.inputs / "empty.txt").write_bytes(b"")
    before = {p.name: p.read_bytes() for p in settings.inputs.iterdir()}
    rows = process_inbox(settings=settings)
    assert {p.name: p.read_bytes() for p in settings.inputs.iterdir()} == before, "inputs must never change"
    return settings, rows


def test_each_input_gets_all_outputs(first_run: tuple[Settings, list[dict]]) -> None:
    settings, rows = first_run
    status = {row["name"]: row["status"] for row in rows}
    assert status == {SAMPLE_INPUT.stem: "done", "hailar_2012_report.gbk": "done", "empty": "failed"}
    out = settings.outputs / SAMPLE_INPUT.stem
    expected = {
        f"{SAMPLE_INPUT.stem}.docx",
        f"{SAMPLE_INPUT.stem}.pdf",
        "outline.json",
        "outline.md",
        "summary.md",
        "summary.json",
        "report.json",
        "changes.html",
    }
    assert expected <= {p.name for p in out.iterdir()}
    assert not list((settings.state_dir / "staging").glob("*")), "no staging leftovers"


def test_sample_outline_and_report(first_run: tuple[Settings, list[dict]]) -> None:
    settings, _ = first_run
    out = settings.outputs / SAMPLE_INPUT.stem
    outline = json.loads((out / "outline.json").read_text(encoding="utf-8"))
    assert [h["level"] for h in outline].count(1) == 4
    assert [h["level"] for h in outline].count(2) == 6
    assert outline[1] == {
        **outline[1],
        "level": 2,
        "number": "（一）",
        "title": "坚持学以立德",
        "inline": True,
    }

    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    changes = report["normalization"]["changes"]
    assert any(c["before"] == "," and c["after"] == "，" for c in changes), "ASCII comma fixed and recorded"
    assert any(c["before"] == "。，" and c["after"] == "。" for c in changes), (
        "doubled mark fixed and recorded"
    )
    assert report["input"]["sha256"] and report["input"]["encoding"] == "utf-8"
    assert set(report["fonts"]) >= {"title", "body", "heiti", "kaiti", "page_number"}
    assert report["pages"] >= 3
    assert {"ingest", "normalize", "structure", "summarize", "render_docx", "render_pdf", "total"} <= set(
        report["timings_ms"]
    )
    assert report["versions"]["prefect"]


def test_gbk_report_is_decoded(first_run: tuple[Settings, list[dict]]) -> None:
    settings, _ = first_run
    report = json.loads(
        (settings.outputs / "hailar_2012_report.gbk" / "report.json").read_text(encoding="utf-8")
    )
    assert report["input"]["encoding"] == "gb18030"
    assert report["title"] == "政府工作报告"


def test_failure_is_recorded_with_its_reason(first_run: tuple[Settings, list[dict]]) -> None:
    settings, _ = first_run
    error = (settings.failed_dir / "empty.error.txt").read_text(encoding="utf-8")
    assert "empty.txt: file is empty" in error


def test_second_run_skips_and_force_redoes(first_run: tuple[Settings, list[dict]]) -> None:
    from flows.batch import process_inbox

    settings, _ = first_run
    again = {row["name"]: row["status"] for row in process_inbox(settings=settings)}
    assert set(again.values()) == {"skipped"}
    forced = process_inbox(paths=[str(settings.inputs / SAMPLE_INPUT.name)], force=True, settings=settings)
    assert [row["status"] for row in forced] == ["done"]


def test_cli_run_cold_process(tmp_path: Path) -> None:
    """The user's path: `gongwen run FILE` in a new process, with Prefect's ephemeral server."""
    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    inputs.mkdir()
    shutil.copy(SAMPLE_INPUT, inputs)
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "GONGWEN_OUTPUTS": str(outputs)}
    done = subprocess.run(
        [sys.executable, "-m", "flows.cli", "run", "--inputs", str(inputs)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 done, 0 skipped, 0 failed" in done.stdout
    assert (outputs / SAMPLE_INPUT.stem / f"{SAMPLE_INPUT.stem}.pdf").stat().st_size > 10_000
