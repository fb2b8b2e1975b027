"""Where blocks stand: the front-matter gap, signatures and dates (GB/T 9704 7.3.5.2), 附件 lines (7.3.4)
and attached texts, and what is set for a red header."""

from __future__ import annotations

import pytest

from tasks.model import Block, BlockKind, Document, Metadata, Run, RunRole
from tasks.writing.layout import GBT9704, Align, FontRole
from tasks.writing.placement import blocks_to_set, placed_styles, signature_indents


def _blocks(*items: tuple[BlockKind, str | tuple[Run, ...]]) -> tuple[Block, ...]:
    """Blocks of one run each, or of the runs given."""
    return tuple(
        Block(kind, (Run(text),) if isinstance(text, str) else text, line)
        for line, (kind, text) in enumerate(items, start=1)
    )


LABEL, NUMBER = RunRole.LABEL, RunRole.NUMBER


def test_body_starts_one_blank_line_below_the_front_matter() -> None:
    blocks = _blocks(
        (BlockKind.TITLE, "关于实施乡村振兴战略的意见"),
        (BlockKind.DATE, "（2018年1月2日）"),
        (BlockKind.PARAGRAPH, "实施乡村振兴战略，是党的十九大作出的重大决策部署。"),
        (BlockKind.PARAGRAPH, "现就实施乡村振兴战略提出如下意见。"),
    )
    assert [s.space_before_lines for s in placed_styles(GBT9704, blocks)] == [0, 0, 1, 0]


def test_date_starts_two_characters_right_of_the_agency() -> None:
    # The agency 2 characters in; the date, 2 characters right of its start, ends further in.
    assert signature_indents(GBT9704, 10, 6) == (2, 4)
    # A date longer than that: the date is 2 characters in, the agency moves left to stay 2 ahead.
    assert signature_indents(GBT9704, 6, 6.5) == (4.5, 2)


def test_joint_signatures_start_at_one_column_above_the_date() -> None:
    blocks = _blocks(
        (BlockKind.PARAGRAPH, "特此通知。"),
        (BlockKind.SIGNATURE, "中共云山市委办公室"),
        (BlockKind.SIGNATURE, "云山市人民政府办公室"),
        (BlockKind.SIGNED_DATE, "2024年1月5日"),
    )
    styles = placed_styles(GBT9704, blocks)
    starts = [28 - s.right_chars - len(b.text) for s, b in zip(styles[1:3], blocks[1:3], strict=True)]
    assert starts == [16, 16]
    # the date (6 cells and its latin spaces, as set) 2 characters right of the agencies
    assert 28 - styles[3].right_chars - GBT9704.set_cells(blocks[3].text) == pytest.approx(18)
    assert [s.space_before_lines for s in styles[1:]] == [1, 0, 0]
    assert {s.align for s in styles[1:]} == {Align.RIGHT}


def test_attachment_note_hangs_and_further_items_align_under_the_first() -> None:
    blocks = _blocks(
        (BlockKind.PARAGRAPH, "特此通知。"),
        (
            BlockKind.ATTACHMENT,
            (
                Run("附件：", role=LABEL),
                Run("1.", role=NUMBER),
                Run("2024年度全市安全生产和应急管理重点工作任务分工方案及责任清单"),
            ),
        ),
        (BlockKind.ATTACHMENT, (Run("2.", role=NUMBER), Run("突发事件信息报告流程"))),
        (BlockKind.SIGNATURE, "云山市人民政府办公室"),
        (BlockKind.SIGNED_DATE, "2024年1月5日"),
    )
    note, item = placed_styles(GBT9704, blocks)[1:3]
    # "附件：1." is 4 cells: the first line starts 2 in, its wrapped lines under the name, 6 in.
    assert (note.left_chars + note.first_line_chars, note.left_chars, note.space_before_lines) == (2, 6, 1)
    # "2." under "1.", its name (and wrapped lines) under the first name.
    assert (item.left_chars + item.first_line_chars, item.left_chars, item.space_before_lines) == (5, 6, 0)


def test_an_attached_text_starts_a_page_with_its_label_flush_left_in_heiti() -> None:
    blocks = _blocks(
        (BlockKind.SIGNATURE, "云山市人民政府办公室"),
        (BlockKind.SIGNED_DATE, "2024年1月5日"),
        (BlockKind.ATTACHMENT_LABEL, (Run("附件1", role=LABEL),)),
        (BlockKind.TITLE, "突发事件信息报告流程"),
        (BlockKind.PARAGRAPH, "一、总体要求"),
    )
    label, title = placed_styles(GBT9704, blocks)[2:4]
    assert (label.new_page, label.role, label.align, label.first_line_chars) == (
        True,
        FontRole.HEITI,
        Align.LEFT,
        0,
    )
    assert title.space_before_lines == 1  # the title on the third line


def test_red_header_takes_the_first_document_number_wherever_the_text_has_it() -> None:
    blocks = _blocks(
        (BlockKind.TITLE, "国务院办公厅关于推进政务新媒体健康有序发展的意见"),
        (BlockKind.DOC_NUMBER, "国办发〔2018〕123号"),
        (BlockKind.SALUTATION, "各省、自治区、直辖市人民政府："),
    )
    formal = Document(blocks[0].text, "text", blocks, Metadata(agency="国务院办公厅文件"))
    number, placed = blocks_to_set(formal)
    assert number == "国办发〔2018〕123号"
    assert [b.kind for b in placed] == [BlockKind.TITLE, BlockKind.SALUTATION]
    assert blocks_to_set(Document(blocks[0].text, "text", blocks)) == (None, blocks)


def test_a_document_without_a_title_block_gets_its_title_first() -> None:
    blocks = _blocks((BlockKind.SALUTATION, "同志们："), (BlockKind.PARAGRAPH, "今天的会议很重要。"))
    _, placed = blocks_to_set(Document("speech_office_directors", "file name", blocks))
    assert [(b.kind, b.text) for b in placed[:2]] == [
        (BlockKind.TITLE, "speech_office_directors"),
        (BlockKind.SALUTATION, "同志们："),
    ]
