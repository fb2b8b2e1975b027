"""Every real text in the shared corpus goes through every stage without error (no Prefect here)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import CORPUS

from flows.config import Settings
from flows.document import convert_document

TEXTS = sorted(p for p in CORPUS.glob("*.txt"))


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(outputs=tmp_path_factory.mktemp("outputs"))


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.stem)
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
