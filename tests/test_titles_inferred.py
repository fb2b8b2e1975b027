"""A text without a title line: the title its opening words imply, a Chinese file name, or none.

Never an ASCII file name ("xi_2020_0223_epidemic_work_speech" is a label for files). Without a title
the writers set no 2号 line, and a warning says how to add one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pdfplumber
import pytest

from flows.config import Settings
from flows.engine.convert import convert_document
from tasks.model import BlockKind, Metadata
from tasks.reading.structure import build_document
from tasks.reading.structure.titles import inferred_title, title_from_file_name
from tasks.writing.layout import get_profile
from tests import docx_layout_check as docx_check
from tests import pdf_layout_check as pdf_check

SPEECH = (
    "同志们：\n今天，我们召开全市安全生产工作会议，主要任务是总结工作、部署任务。\n一、总体要求\n要压实责任。"
)
NOTICE = "各单位：\n一、总体要求\n请于本月底前报送材料。\n特此通知。"


@pytest.mark.parametrize(
    ("opening", "title"),
    [
        ("今天，我们召开科技工作者座谈会，听听大家的意见。", "在科技工作者座谈会上的讲话"),
        ("今天上午，我们在这里召开全省优化营商环境大会。", "在全省优化营商环境大会上的讲话"),
        ("今天召开这次全县经济工作会议，主要任务是……", "在全县经济工作会议上的讲话"),
        (
            "受市委委托，我就《云山市国民经济和社会发展规划纲要》起草的有关情况作说明。",
            "关于《云山市国民经济和社会发展规划纲要》的说明",
        ),
        ("我代表起草组，就《条例（草案）》向大会作简要说明。", "关于《条例（草案）》的说明"),
        ("今天，我们召开会议，研究工作。", None),  # no occasion named
        ("这次会议的主要任务是部署工作。", None),
        ("这次全省农村工作会议的主要任务是，总结工作。", "在全省农村工作会议上的讲话"),
        ("我就这个问题讲几点意见。", None),
    ],
)
def test_the_standard_title_for_the_occasion_named(opening: str, title: str | None) -> None:
    assert inferred_title(opening) == title


def test_an_inferred_title_is_used_and_said_to_be_inferred() -> None:
    doc = build_document(SPEECH, "speech.txt")
    assert (doc.title, doc.title_source) == ("在全市安全生产工作会议上的讲话", "inferred")
    assert (doc.blocks[0].kind, doc.blocks[0].text, doc.blocks[0].line) == (BlockKind.TITLE, doc.title, 0)
    warning = next(w for w in doc.warnings if w.rule == "title")
    assert "inferred" in warning.message and "speech.toml" in warning.message


def test_metadata_and_the_texts_own_title_come_before_an_inferred_one() -> None:
    assert build_document(SPEECH, "a.txt", Metadata(title="讲话")).title_source == "metadata"
    assert build_document("在某会议上的讲话\n" + SPEECH, "a.txt").title == "在某会议上的讲话"


@pytest.mark.parametrize(
    "file_name", ["xi_2020_0223_epidemic_work_speech.txt", "2024_03_01.txt", "report_关于开展检查的通知.txt"]
)
def test_no_title_from_a_file_name_that_is_not_chinese(file_name: str) -> None:
    assert title_from_file_name(file_name) == ""
    doc = build_document(NOTICE, file_name)
    assert (doc.title, doc.title_source) == ("", "none")
    assert all(b.kind is not BlockKind.TITLE for b in doc.blocks)
    warning = next(w for w in doc.warnings if w.rule == "title")
    stem = Path(file_name).stem
    assert "first line" in warning.message and f"{stem}.toml" in warning.message


def test_a_chinese_file_name_is_still_a_title() -> None:
    assert build_document(NOTICE, "关于报送材料的通知.txt").title == "关于报送材料的通知"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The outputs folder after converting a notice and a speech, both with ASCII names."""
    inputs, outputs = tmp_path_factory.mktemp("inputs"), tmp_path_factory.mktemp("outputs")
    (inputs / "notice_2024.txt").write_text(NOTICE, encoding="utf-8")
    (inputs / "speech_2024.txt").write_text(SPEECH, encoding="utf-8")
    settings = Settings(outputs=outputs)
    for name in ("notice_2024", "speech_2024"):
        convert_document(inputs / f"{name}.txt", settings, name)
    return outputs


def _title_lines(pdf_path: Path) -> list[str]:
    profile = get_profile("gbt9704")
    with pdfplumber.open(pdf_path) as pdf:
        return [line.text for line in pdf_check.lines(pdf, profile) if line.size == profile.title_size_pt]


def test_no_title_line_in_the_pdf_docx_or_outline_of_a_text_without_one(outputs: Path) -> None:
    folder = outputs / "notice_2024"
    assert _title_lines(folder / "notice_2024.pdf") == []
    xml = docx_check.read_docx_xml(folder / "notice_2024.docx")
    first = docx_check.body_paragraphs(xml)[0]
    assert docx_check.paragraph_text(first) == "各单位："
    assert not (folder / "outline.md").read_text(encoding="utf-8").startswith("#")
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    assert (report["title"], report["title_source"]) == ("", "none")
    assert any(w["rule"] == "title" for w in report["structure"]["warnings"])


def test_an_inferred_title_is_set_and_reported(outputs: Path) -> None:
    folder = outputs / "speech_2024"
    assert "".join(_title_lines(folder / "speech_2024.pdf")) == "在全市安全生产工作会议上的讲话"
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    assert (report["title"], report["title_source"]) == ("在全市安全生产工作会议上的讲话", "inferred")
