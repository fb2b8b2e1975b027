"""The shared text grammar (tasks/text/): one reading of characters, widths and structure numbers,
and each numbering problem reported once across the normalizer and the structure stage."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import ROOT

from flows.config import Settings
from flows.engine.convert import convert_document
from tasks.reading.normalize import normalize
from tasks.reading.structure import build_document
from tasks.text.chars import CJK, HAN, NO_LINE_END, NO_LINE_START, WS
from tasks.text.markers import is_flattened, line_start_markers, marker_style, parse_marker
from tasks.text.numerals import LOOSE_NUMERAL, loose_value
from tasks.text.widths import cells, half_width, is_full_width, text_cells
from tasks.writing.title import break_title


def _warnings(text: str) -> list[tuple[str, int, str]]:
    """Every warning of the reading pipeline (normalizer, then structure), as the report lists them."""
    normalized = normalize(text)
    document = build_document(normalized.text, "x.txt")
    return [(w.rule, w.line, w.message) for w in (*normalized.warnings, *document.warnings)]


def test_a_numbering_gap_is_reported_once() -> None:
    found = _warnings("标题\n一、甲\n正文。\n三、丙\n正文。")
    assert [w[1:] for w in found if w[0] == "numbering"] == [(4, "三、 follows number 1: expected 2")]


def test_the_report_shows_the_gap_once(tmp_path: Path) -> None:
    """report.json and the run's warning list hold the one structure warning, not a second one."""
    source = tmp_path / "draft.txt"
    source.write_text("标题\n一、甲\n正文。\n三、丙\n正文。\n", encoding="utf-8")
    result = convert_document(source, Settings(inputs=tmp_path, outputs=tmp_path / "outputs"), "draft")
    report = json.loads((tmp_path / "outputs/draft/report.json").read_text(encoding="utf-8"))
    numbering = [
        w
        for part in ("normalization", "structure")
        for w in report[part]["warnings"]
        if w["rule"] == "numbering"
    ]
    assert [(w["line"], w["message"]) for w in numbering] == [(4, "三、 follows number 1: expected 2")]
    assert [w for w in result.warnings if w.startswith("numbering")] == [
        "numbering 4:1 三、 follows number 1: expected 2"
    ]


def test_gaps_repeats_and_climbs_are_reported_once_each() -> None:
    found = _warnings((ROOT / "tests/data/genre/draft_numbering_problems.txt").read_text(encoding="utf-8"))
    assert [w[1:] for w in found if w[0] == "numbering"] == [
        (9, "三、 follows number 1: expected 2"),
        (15, "（二） is numbered twice"),
        (19, "（一） follows number 2: expected 3"),
        (25, "（二） (level 2) comes after deeper headings: the numbering climbs back up"),
    ]


@pytest.mark.parametrize(
    "line",
    ["一、总体要求", "（二）目标", "3. 措施", "（4）附则", "第五、坚持原则", "十二、其他", "一百零一、末"],
)
def test_both_stages_read_a_marker_alike(line: str) -> None:
    """The normalizer's whole-text reading and the structure stage's line reader agree on the
    normalized number, its value and where the heading text starts."""
    assert list(line_start_markers(line)) == [(0, parse_marker(line))]


@pytest.mark.parametrize("line", ["一、二季度增长较快", "第一、二批试点", "3、4月份降雨偏多", "七、八十年代"])
def test_numbers_opening_a_sentence_are_no_marker_in_either_stage(line: str) -> None:
    assert parse_marker(line) is None
    assert all(marker.level != 1 for _, marker in line_start_markers(line))


@pytest.mark.parametrize(("numeral", "value"), [("一", 1), ("十二", 12), ("二十一", 21), ("一二", 12)])
def test_loose_numerals(numeral: str, value: int) -> None:
    assert re.fullmatch(LOOSE_NUMERAL, numeral) and loose_value(numeral) == value


@pytest.mark.parametrize(
    ("raw", "style"), [("(四)", "(N)"), ("1 、", "N、"), ("（十二）", "（N）"), ("⑶", "N")]
)
def test_marker_styles(raw: str, style: str) -> None:
    assert marker_style(raw) == style


def test_character_classes() -> None:
    han = re.compile(f"[{HAN}]")
    assert all(han.match(ch) for ch in "中国〇㐀豈")  # unified, 〇, extension A, compatibility
    assert not han.match("，") and re.match(f"[{CJK}]", "，")
    assert not re.search(f"[{WS}]", "\n") and all(re.match(f"[{WS}]", ch) for ch in " \t\u00a0\u3000")
    assert not NO_LINE_START & NO_LINE_END


def test_widths() -> None:
    assert [cells(ch) for ch in "中，A1“—"] == [1.0, 1.0, 0.5, 0.5, 1.0, 1.0]
    assert text_cells("2018年") == 3.0
    assert [half_width(ch) for ch in "１Ａｚ％"] == ["1", "A", "z", "%"]
    assert is_full_width("中", 5.0, 16.0)  # wide whatever the font says
    assert is_full_width("“", 16.0, 16.0) and not is_full_width("“", 6.0, 16.0)  # ambiguous: by the font


def test_titles_never_start_a_line_with_a_closing_mark() -> None:
    title = "关于印发《云山县城乡建设领域碳达峰实施方案》「二〇二四年修订」的通知"
    lines = break_title(title, 12)
    assert "".join(lines) == title
    assert all(line[0] not in NO_LINE_START for line in lines[1:])
    assert all(line[-1] not in NO_LINE_END for line in lines[:-1])


def test_a_whole_text_on_one_line_is_flattened() -> None:
    paragraph = "各地区各部门要认真贯彻落实，切实加强组织领导。" * 7
    assert is_flattened(f"一、总体要求{paragraph}二、主要任务{paragraph}")
    assert not is_flattened(f"一、总体要求{paragraph * 2}")  # long, but no heading after a sentence
    assert not is_flattened("一、总体要求。二、主要任务。")  # too short to be a whole text
