"""Title breaking: balanced lines at word boundaries, measured in grid cells, never ending on a word
that binds to the next."""

from __future__ import annotations

import pytest

from tasks.layout import GBT9704, text_cells
from tasks.model import BlockKind
from tasks.title import balanced_lines, break_title

LIMIT = GBT9704.title_chars_per_line
BINDING = ("的", "和", "与", "及", "关于")
TITLES = [
    "在全市四套班子秘书长和办公室主任会议上的讲话",
    "国务院办公厅关于推进政务新媒体健康有序发展的意见",
    "国务院办公厅转发民政部关于清理整顿社会团体意见的通知",
    "在全市四套班子秘书长和办公室主任工作座谈会上关于进一步加强办公室工作的讲话",
    "关于2018年度全市经济社会发展计划执行情况和2019年度计划草案的报告",
    "中共中央办公厅国务院办公厅关于进一步加强和改进新形势下高校宣传思想工作的意见及其实施方案",
]


def test_title_line_holds_20_characters_of_2hao() -> None:
    assert LIMIT == 20


@pytest.mark.parametrize("title", TITLES)
def test_long_titles_break_balanced_within_the_line(title: str) -> None:
    lines = break_title(title, LIMIT)
    assert "".join(lines) == title
    assert len(lines) == -(-text_cells(title) // LIMIT)  # as few lines as fit
    widths = [text_cells(line) for line in lines]
    assert max(widths) <= LIMIT
    assert max(widths) - min(widths) <= 8  # a trapezoid or diamond, not a long line over a stub


@pytest.mark.parametrize("title", TITLES)
def test_no_line_ends_on_a_binding_word_or_an_opening_mark(title: str) -> None:
    for line in break_title(title, LIMIT)[:-1]:
        assert not line.endswith(BINDING), line
        assert line[-1] not in "（《“‘", line


def test_no_hourglass() -> None:
    lines = break_title(TITLES[-1], LIMIT)
    widths = [text_cells(line) for line in lines]
    assert len(lines) == 3
    assert not (widths[1] < widths[0] and widths[1] < widths[2])


def test_latin_letters_and_digits_take_half_a_cell() -> None:
    assert text_cells("2018年") == 3.0
    assert break_title("2018年海拉尔区人民政府政府工作报告", LIMIT) == ("2018年海拉尔区人民政府政府工作报告",)
    # A file name as the title: 23 half-width characters fit one 20-cell line.
    assert break_title("speech_office_directors", LIMIT) == ("speech_office_directors",)
    long_name = "annual_report_of_the_municipal_government_office"
    lines = break_title(long_name, LIMIT)
    assert len(lines) == 2 and "".join(lines) == long_name
    assert all(text_cells(line) <= LIMIT for line in lines)


def test_a_word_longer_than_a_line_breaks_between_characters() -> None:
    word = "x" * 50  # 25 cells, one "word"
    lines = break_title(word, LIMIT)
    assert "".join(lines) == word and all(text_cells(line) <= LIMIT for line in lines)


def test_subtitle_breaks_on_the_body_line_and_keeps_its_dashes_together() -> None:
    subtitle = "——2012年2月29日在海拉尔区第十三届人民代表大会第六次会议上"
    lines = balanced_lines(BlockKind.SUBTITLE, subtitle, GBT9704)
    assert lines is not None and len(lines) == 2 and "".join(lines) == subtitle
    assert lines[0].startswith("——") and all(text_cells(line) <= GBT9704.chars_per_line for line in lines)
    assert balanced_lines(BlockKind.PARAGRAPH, subtitle, GBT9704) is None
