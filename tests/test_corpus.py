"""Every real text in the shared corpus goes through every stage without error (no Prefect here)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import CORPUS

from flows.config import Settings
from flows.engine.convert import convert_document

TEXTS = sorted(p for p in CORPUS.glob("*.txt"))


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(outputs=tmp_path_factory.mktemp("outputs"))


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.stem)
@pytest.mark.slow
def test_corpus_text_converts(path: Path, settings: Settings) -> None:
    name = path.stem.replace(".", "_")
    result = convert_document(path, settings, name)
    out = settings.outputs / name
    assert result.pages >= 1
    assert (out / f"{name}.pdf").read_bytes().startswith(b"%PDF")
    assert (out / f"{name}.docx").stat().st_size > 5_000
    reference = json.loads(path.with_name(path.name.split(".")[0] + ".outline.json").read_text("utf-8"))
    outline = json.loads((out / "outline.json").read_text(encoding="utf-8"))
    assert sum(e.get("kind", "heading") == "heading" for e in outline) == sum(
        e.get("kind", "heading") == "heading" for e in reference
    )
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["uncovered_characters"] == []
    assert report["summary"]["sentences"], "every text gets key sentences"


def test_report_lists_the_proofreaders_doubts(tmp_path: Path) -> None:
    source = tmp_path / "通知.txt"
    source.write_text(
        "关于做好检查工作的通知\n各单位：\n请再接再励，截止2024年底全部完成。\n特此通知。\n", encoding="utf-8"
    )
    result = convert_document(source, Settings(outputs=tmp_path / "out"), "通知")
    report = json.loads((Path(result.output_dir) / "report.json").read_text(encoding="utf-8"))
    rules = {finding["rule"] for finding in report["proofreading"]}
    assert {"set-phrase", "confusable"} <= rules
    assert any(w.startswith("set-phrase 3:") for w in result.warnings)
    page = (Path(result.output_dir) / "changes.html").read_text(encoding="utf-8")
    assert "再接再厉" in page


def test_a_text_that_is_not_chinese_is_laid_out_with_a_warning_the_run_shows(tmp_path: Path) -> None:
    source = tmp_path / "note.txt"
    source.write_text("Meeting notes\nThe office will close at five on Friday.\n", encoding="utf-8")
    result = convert_document(source, Settings(outputs=tmp_path / "out"), "note")
    report = json.loads((Path(result.output_dir) / "report.json").read_text(encoding="utf-8"))
    assert any(w.startswith("warning: not Chinese") for w in result.warnings)
    assert report["warnings"] == result.warnings
