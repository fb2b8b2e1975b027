"""Title breaking: balanced lines at word boundaries, measured in grid cells, never ending on a word
that binds to the next."""

from __future__ import annotations

import itertools

import pytest

from tasks.model import Block, BlockKind, Run
from tasks.writing.layout import GBT9704, text_cells
from tasks.writing.title import balanced_lines, break_title

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
    lines = balanced_lines(_block(BlockKind.SUBTITLE, subtitle), GBT9704)
    assert lines is not None and len(lines) == 2 and "".join(lines) == subtitle
    assert lines[0].startswith("——") and all(text_cells(line) <= GBT9704.chars_per_line for line in lines)
    assert balanced_lines(_block(BlockKind.PARAGRAPH, subtitle), GBT9704) is None


def _block(kind: BlockKind, *lines: str) -> Block:
    return Block(kind, tuple(Run(line) for line in lines), 1)


# Terms a title line must not split, as "left|right" at the place a careless break would go: compound
# nouns, quoted terms, numbers with their units, fixed terms after a distinguishing word.
UNSPLIT = [
    ("国务院办公厅关于深入开展消费扶贫助力打赢脱贫攻坚战的指导意见", "消费|扶贫"),
    ("中共中央 国务院关于今后一个时期加强国家职业教育体系建设的意见", "一个|时期"),
    ("中共中央 国务院关于今后一个时期加强国家职业教育体系建设的意见", "职业|教育"),
    ("关于印发《“十四五”时期“无废城市”建设工作方案》的通知", "无废|城市"),
    ("国务院办公厅关于全面推进城镇老旧小区改造工作的指导意见", "城镇|老旧"),
    ("国务院办公厅关于全面推进城镇老旧小区改造工作的指导意见", "老旧|小区"),
    ("关于加快推进城镇小区配套幼儿园治理工作的通知", "城镇|小区"),
    ("关于做好2019年度全市经济社会发展计划执行情况和草案编制工作的通知", "2019|年"),
    ("在中央政治局常委会会议研究应对新型冠状病毒肺炎疫情工作时的讲话", "新型|冠状"),
]


@pytest.mark.parametrize(("title", "term"), UNSPLIT, ids=[term for _, term in UNSPLIT])
def test_no_line_splits_a_term(title: str, term: str) -> None:
    lines = break_title(title, LIMIT)
    left, right = term.split("|")
    assert "".join(lines) == title and all(text_cells(line) <= LIMIT for line in lines)
    assert not any(a.endswith(left) and b.startswith(right) for a, b in itertools.pairwise(lines)), lines


def test_a_title_too_long_for_a_line_breaks_inside_its_book_title_at_a_word() -> None:
    title = "关于《中共中央关于进一步全面深化改革、推进中国式现代化的决定》的说明"
    assert break_title(title, LIMIT) == (
        "关于《中共中央关于进一步全面深化改革、",
        "推进中国式现代化的决定》的说明",
    )


def test_the_authors_lines_are_kept_where_each_fits() -> None:
    author = ("建设中国特色中国风格中国气派的考古学", "更好认识源远流长博大精深的中华文明")
    assert balanced_lines(_block(BlockKind.TITLE, *author), GBT9704) == author
    # A line too long for the 2号 line: the whole title is broken again.
    too_long = ("国务院办公厅关于深入开展消费扶贫助力打赢脱贫攻坚战的", "指导意见")
    lines = balanced_lines(_block(BlockKind.TITLE, *too_long), GBT9704)
    assert lines == break_title("".join(too_long), LIMIT) and lines != too_long


def test_the_structure_keeps_the_authors_title_lines() -> None:
    from tasks.reading.structure import build_document

    two_lines = build_document(
        "国务院办公厅关于深入开展消费扶贫\n助力打赢脱贫攻坚战的指导意见\n各省：\n现印发。", "a.txt"
    )
    assert [run.text for run in two_lines.blocks[0].runs] == [
        "国务院办公厅关于深入开展消费扶贫",
        "助力打赢脱贫攻坚战的指导意见",
    ]
    # A two-line title pasted as one line, the break left as a space; joint issuers are no break.
    pasted = build_document(
        "建设中国特色中国风格中国气派的考古学 更好认识源远流长博大精深的中华文明\n同志们：\n好。", "a"
    )
    assert len(pasted.blocks[0].runs) == 2
    joint = build_document(
        "中共中央办公厅 国务院办公厅关于印发《关于加强基层治理的意见》的通知\n各地区：\n现印发。", "a"
    )
    assert len(joint.blocks[0].runs) == 1
