"""The collection: index.html / index.md, page-1 thumbnails, the zip bundle, the run's Prefect artifact."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import zipfile
from datetime import date
from pathlib import Path
from urllib.parse import unquote

import pytest

from flows.cli.command import main
from flows.config import Settings
from flows.engine.convert import convert_document
from flows.engine.outputs import THUMBNAIL_DIR
from flows.engine.result import DocumentResult
from flows.service.collect import build_index, bundle
from flows.service.inbox import FileOutcome, record_failure
from flows.service.ledger import Ledger
from flows.service.report_table import markdown_table

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = next((ROOT / "inputs").glob("*.txt"))
NOTICE = (
    "关于开展安全检查的通知\n\n各单位：\n\n一、检查范围\n\n全市各单位。\n\n二、时间安排\n\n本月底前完成。\n"
    "\n云山市安全生产委员会办公室\n2024年3月5日\n"
)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


Converted = tuple[Settings, dict[str, DocumentResult]]


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Converted:
    """Two converted documents (the sample speech, a short notice) and one failure, in outputs/."""
    root = tmp_path_factory.mktemp("collect")
    settings = Settings(inputs=root / "inputs", outputs=root / "outputs")
    settings.inputs.mkdir()
    shutil.copy(SAMPLE, settings.inputs / "speech.txt")
    (settings.inputs / "notice.txt").write_text(NOTICE, encoding="utf-8")
    results = {}
    for name in ("speech", "notice"):
        results[name] = convert_document(settings.inputs / f"{name}.txt", settings, name)
    ledger = Ledger(settings.state_dir)
    record_failure(
        settings, ledger, settings.inputs / "empty.txt", "empty", "empty.txt: file is empty", "0" * 64
    )
    return settings, results


@pytest.fixture
def outputs(converted: Converted, tmp_path: Path) -> Path:
    """A private copy of the converted outputs, for tests that change them."""
    copy = tmp_path / "outputs"
    shutil.copytree(converted[0].outputs, copy)
    return copy


def _report(outputs: Path, name: str) -> dict:
    return json.loads((outputs / name / "report.json").read_text(encoding="utf-8"))


def test_index_lists_every_document_with_its_facts_and_working_links(outputs: Path) -> None:
    entries = build_index(outputs)
    assert {e.name for e in entries} == {"speech", "notice"}
    page = (outputs / "index.html").read_text(encoding="utf-8")
    for entry in entries:
        report = _report(outputs, entry.name)
        assert entry.title == report["title"] and html.escape(report["title"]) in page
        assert entry.pages == report["pages"] and entry.headings == report["structure"]["headings"]
        assert entry.created.date().isoformat() in page
    speech = next(e for e in entries if e.name == "speech")
    assert speech.pages >= 3 and speech.headings == 10
    assert any("。，" in w for w in speech.warnings), "the sample's colliding marks are a warning"
    links = [unquote(href) for href in re.findall(r'(?:href|src)="([^"]+)"', page)]
    assert {
        "speech/speech.pdf",
        "speech/speech.docx",
        "speech/speech.ofd",
        "notice/outline.md",
        "_failed/empty.error.txt",
    } <= set(links)
    assert all((outputs / link).is_file() for link in links), "every link and image resolves"
    assert "file is empty" in page
    markdown = (outputs / "index.md").read_text(encoding="utf-8")
    assert all(f"<{link}>" in markdown for link in links if not link.startswith("_failed"))


def test_thumbnails_show_page_one_and_are_redrawn_only_when_the_pdf_changes(outputs: Path) -> None:
    build_index(outputs)
    thumbnail = outputs / THUMBNAIL_DIR / "speech.png"
    pdf = outputs / "speech" / "speech.pdf"
    data = thumbnail.read_bytes()
    assert data.startswith(PNG_MAGIC)
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert height == 240 and 160 <= width <= 180, "A4 portrait, 240 px high"
    assert thumbnail.stat().st_mtime_ns == pdf.stat().st_mtime_ns

    first = thumbnail.stat().st_ino
    build_index(outputs)
    assert thumbnail.stat().st_ino == first, "unchanged PDF: the thumbnail is reused"

    os.utime(pdf, ns=(pdf.stat().st_atime_ns, pdf.stat().st_mtime_ns + 10**9))
    build_index(outputs)
    assert thumbnail.stat().st_ino != first and thumbnail.stat().st_mtime_ns == pdf.stat().st_mtime_ns

    shutil.rmtree(outputs / "notice")
    assert [e.name for e in build_index(outputs)] == ["speech"]
    assert not (outputs / THUMBNAIL_DIR / "notice.png").exists(), "a removed document's thumbnail goes"


def test_index_shows_the_documents_own_date_and_when_it_was_made(outputs: Path) -> None:
    assert _report(outputs, "notice")["date"] == "2024年3月5日"
    assert _report(outputs, "speech")["date"] is None, "the sample speech carries no date"
    entries = {e.name: e for e in build_index(outputs)}
    page = (outputs / "index.html").read_text(encoding="utf-8")
    made = entries["notice"].created.strftime("%Y-%m-%d %H:%M")
    assert f'2024年3月5日<div class="name">生成 {made}</div>' in page
    markdown = (outputs / "index.md").read_text(encoding="utf-8")
    assert f"2024年3月5日（生成 {made}）" in markdown
    report = _report(outputs, "speech")
    del report["date"]  # a report from before the date was recorded
    (outputs / "speech" / "report.json").write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    assert {e.name: e.date for e in build_index(outputs)} == {"notice": "2024年3月5日", "speech": None}


def test_bundle_holds_the_documents_made_since_a_date(outputs: Path, tmp_path: Path) -> None:
    report = _report(outputs, "notice")
    report["created"] = "2020-05-01T08:00:00+00:00"
    (outputs / "notice" / "report.json").write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    archive_path = tmp_path / "handover" / "gongwen-2025.zip"
    entries = bundle(outputs, archive_path, since=date(2021, 1, 1))
    assert [e.name for e in entries] == ["speech"]
    with zipfile.ZipFile(archive_path) as archive:
        names = set(archive.namelist())
        index = archive.read("gongwen-2025/index.html").decode("utf-8")
    expected = {f"gongwen-2025/speech/{p.name}" for p in (outputs / "speech").iterdir()}
    assert expected | {"gongwen-2025/_thumbnails/speech.png", "gongwen-2025/index.html"} <= names
    assert not any("notice" in name for name in names)
    assert "speech/speech.pdf" in index and "notice" not in index
    assert len(bundle(outputs, archive_path)) == 2, "without --since: everything"


def test_collect_command(outputs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["collect", "--outputs", str(outputs)]) == 0
    assert "2 documents" in capsys.readouterr().out
    archive_path = tmp_path / "all.zip"
    assert (
        main(["collect", "--outputs", str(outputs), "--zip", str(archive_path), "--since", "2000-01-01"]) == 0
    )
    assert zipfile.ZipFile(archive_path).testzip() is None
    assert main(["collect", "--outputs", str(outputs), "--since", "2000-01-01"]) == 2, "--since needs --zip"


def test_run_artifact_links_each_file_and_lists_warnings(
    converted: Converted,
) -> None:
    settings, results = converted
    outcomes = [
        FileOutcome(
            "inputs/speech.txt", "speech", "done", str(settings.outputs / "speech"), results["speech"]
        ),
        FileOutcome("inputs/empty.txt", "empty", "failed", "empty.txt: file is empty"),
    ]
    markdown = markdown_table(outcomes, settings)
    links = re.findall(r"\]\((file://[^)]+)\)", markdown)
    assert Path(unquote(links[0].removeprefix("file://"))) == (settings.outputs / "index.html").resolve()
    files = {Path(unquote(link.removeprefix("file://"))) for link in links[1:]}
    assert files == {
        (settings.outputs / "speech" / f).resolve()
        for f in (
            "speech.pdf",
            "speech.docx",
            "speech.review.docx",
            "speech.ofd",
            "outline.md",
            "summary.md",
            "changes.html",
        )
    }
    assert "| empty | failed |" in markdown and "file is empty" in markdown
    assert "## Warnings" in markdown and "colliding marks" in markdown

    served = markdown_table(
        outcomes, Settings(outputs=settings.outputs, outputs_url="http://docs.example/out/")
    )
    assert "(http://docs.example/out/speech/speech.pdf)" in served
