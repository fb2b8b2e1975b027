from __future__ import annotations

import pytest
from conftest import SAMPLES

from tasks.model import BlockKind, Heading, Metadata, Run
from tasks.reading.structure import build_document
from tasks.text.markers import normalize_number, parse_marker


def kinds(text: str) -> list[tuple[str, str]]:
    return [(b.kind.value, b.text) for b in build_document(text, "x.txt").blocks]


def test_sample_speech() -> None:
    doc = build_document((SAMPLES / "speech_office_directors.txt").read_text(encoding="utf-8"), "讲话.txt")
    assert (doc.title, doc.title_source) == ("讲话", "file name")
    assert doc.blocks[0].kind is BlockKind.TITLE and doc.blocks[0].line == 0
    assert doc.blocks[1].kind is BlockKind.SALUTATION
    assert [h.level for h in doc.outline] == [1, 2, 2, 2, 1, 2, 2, 2, 1, 1]
    inline = next(b for b in doc.blocks if b.heading and b.heading.number == "（一）")
    assert inline.kind is BlockKind.PARAGRAPH
    assert inline.runs[0] == Run("（一）坚持学以立德。", heading_level=2)
    assert inline.runs[1].text.startswith("深入学习") and inline.runs[1].heading_level is None
    assert inline.heading == Heading(2, "（一）", "坚持学以立德", True, 5, offset=inline.heading.offset)
    standalone = next(b for b in doc.blocks if b.heading and b.heading.number == "一、")
    assert standalone.kind is BlockKind.HEADING and standalone.runs[0].heading_level == 1
    assert doc.blocks[-1].kind is BlockKind.CLOSING and doc.blocks[-1].text == "谢谢大家！"
    assert doc.warnings == ()


def test_title_from_metadata_with_speaker_and_date() -> None:
    doc = build_document(
        "同志们：\n一、总体要求\n正文。", "a.txt", Metadata(title="讲话", speaker="张三", date="2022年3月1日")
    )
    assert (doc.title, doc.title_source) == ("讲话", "metadata")
    assert [(b.kind.value, b.text, b.line) for b in doc.blocks[:3]] == [
        ("title", "讲话", 0),
        ("speaker", "张三", 0),
        ("date", "（2022年3月1日）", 0),
    ]


def test_front_matter_of_a_report() -> None:
    text = (
        "政 府 工 作 报 告\n\n----2012年2月29日在区人民代表大会上\n\n"
        "区人民政府区长　　张天喜\n\n　　各位代表：\n　　现在报告。"
    )
    assert kinds(text)[:4] == [
        ("title", "政府工作报告"),
        ("subtitle", "----2012年2月29日在区人民代表大会上"),
        ("speaker", "区人民政府区长　　张天喜"),
        ("salutation", "各位代表："),
    ]


def test_two_line_title_doc_number_and_signature() -> None:
    text = (
        "国务院办公厅关于推进\n政务新媒体健康有序发展的意见\n国办发〔2018〕123号\n"
        "各省、自治区、直辖市人民政府：\n正文。\n国务院办公厅\n2018年12月7日\n（此件公开发布）"
    )
    assert kinds(text) == [
        ("title", "国务院办公厅关于推进政务新媒体健康有序发展的意见"),
        ("doc_number", "国办发〔2018〕123号"),
        ("salutation", "各省、自治区、直辖市人民政府："),
        ("paragraph", "正文。"),
        ("signature", "国务院办公厅"),
        ("signed_date", "2018年12月7日"),
        ("paragraph", "（此件公开发布）"),
    ]


def test_date_line_is_not_a_heading() -> None:
    doc = build_document("关于实施乡村振兴战略的意见\n（2018年1月2日）\n一、重大意义\n正文。", "x.txt")
    assert doc.blocks[1].kind is BlockKind.DATE and [h.number for h in doc.outline] == ["一、"]


@pytest.mark.parametrize(
    "line",
    [
        "一是准确把握政策，找准投资方向。",
        "——坚持党管农村工作。毫不动摇。",
        "包括第一、第二两个部分。",
        "1 北京市 100 200",
        "一、二季度全县降雨量偏少。",
        "3、4月份群众反映的问题已整改。",
        "第一、二批试点单位已完成验收。",
    ],
)
def test_not_headings(line: str) -> None:
    assert build_document(f"标题\n{line}", "x.txt").headings == ()


def test_raw_markers_mixed_with_normalized() -> None:
    doc = build_document(
        "一.总体要求\n(一)指导思想\n正文。\n（二）目标\n正文。\n1、坚持导向\n正文。\n⑴细则\n正文。", "x.txt"
    )
    assert [(h.level, h.number) for h in doc.outline] == [
        (1, "一、"),
        (2, "（一）"),
        (2, "（二）"),
        (3, "1."),
        (4, "（1）"),
    ]


def test_ordinal_ranks_by_depth() -> None:
    doc = build_document(
        "第一，总体要求。正文。\n第二，保障措施。正文。\n一、大局\n第一，坚持稳定。正文。", "x.txt"
    )
    assert [(h.level, h.number) for h in doc.outline] == [
        (1, "第一，"),
        (1, "第二，"),
        (1, "一、"),
        (2, "第一，"),
    ]


def test_one_line_text_with_ideographic_gaps() -> None:
    text = (
        "同志们：\u3000\u3000开场。\u3000\u3000一、取得决定性成就\u3000\u3000正文。"
        "\u3000\u3000第一，目标接近完成。正文。"
    )
    doc = build_document(text, "x.txt")
    assert [(h.level, h.title, h.inline) for h in doc.outline] == [
        (1, "取得决定性成就", False),
        (2, "目标接近完成", True),
    ]
    assert doc.outline[1].offset == text.index("第一")


def test_provisions_are_items() -> None:
    text = "通知\n各省人民政府：\n1.未依照章程开展活动的；\n2.财务管理混乱的；\n3.未达到整改要求的。"
    doc = build_document(text, "x.txt")
    assert doc.outline == () and [h.kind for h in doc.headings] == ["item"] * 3


def test_run_in_provisions_on_one_line() -> None:
    doc = build_document("标题\n（1）有专职工作人员；（2）有固定的办公住所；（3）有资金。", "x.txt")
    assert [(h.number, h.title, h.kind) for h in doc.headings] == [
        ("（1）", "有专职工作人员", "item"),
        ("（2）", "有固定的办公住所", "item"),
        ("（3）", "有资金", "item"),
    ]


def test_trailer_dropped_and_reported() -> None:
    doc = build_document("标题\n正文。\n谢谢大家！\n责任编辑：张三\n【我要纠错】", "x.txt")
    assert doc.blocks[-1].kind is BlockKind.CLOSING
    assert [(d.line, d.reason) for d in doc.dropped] == [(4, "editor credit"), (5, "website widget")]


@pytest.mark.parametrize(
    ("line", "salutation"),
    [
        ("省自然资源厅：", True),
        ("市直有关部门：", True),
        ("各科室，局属各单位：", True),
        ("填报单位：", False),
    ],
)
def test_salutation_names_agencies(line: str, salutation: bool) -> None:
    assert (kinds(f"关于报送材料的通知\n{line}\n正文。")[1][0] == "salutation") is salutation


def test_boilerplate_at_the_start_is_dropped_and_reported() -> None:
    doc = build_document(
        "首页 > 政务公开 > 通知公告\n发布日期：2023年5月12日\n关于做好防汛工作的通知\n正文。", "x.txt"
    )
    assert doc.title == "关于做好防汛工作的通知"
    assert [(d.line, d.reason) for d in doc.dropped] == [(1, "website menu"), (2, "portal metadata")]


def test_agency_mark_becomes_metadata() -> None:
    doc = build_document("云山市人民政府文件\n云政发〔2024〕1号\n关于印发方案的通知\n正文。", "x.txt")
    assert doc.metadata.agency == "云山市人民政府文件" and doc.title == "关于印发方案的通知"
    assert [b.kind for b in doc.blocks[:2]] == [BlockKind.DOC_NUMBER, BlockKind.TITLE]


def test_attachment_list_and_joint_signature() -> None:
    text = "标题\n正文。\n附件：1.值班表\n2.报告流程\n中共某县委办公室\n某县人民政府办公室\n2024年1月2日"
    assert kinds(text)[2:] == [
        ("attachment", "附件：1.值班表"),
        ("attachment", "2.报告流程"),
        ("signature", "中共某县委办公室"),
        ("signature", "某县人民政府办公室"),
        ("signed_date", "2024年1月2日"),
    ]


def test_numbering_problems_are_warnings() -> None:
    doc = build_document("标题\n一、甲\n正文。\n三、丙\n正文。\n三、丁\n正文。", "x.txt")
    assert [w.message for w in doc.warnings] == [
        "三、 follows number 1: expected 2",
        "三、 is numbered twice",
    ]


def test_numbering_restarts_in_an_attachment() -> None:
    doc = build_document("标题\n一、甲\n正文。\n二、乙\n正文。\n附件\n实施细则\n一、总则\n正文。", "x.txt")
    assert doc.warnings == () and any(b.kind is BlockKind.ATTACHMENT_LABEL for b in doc.blocks)


@pytest.mark.parametrize(
    ("raw", "number"),
    [("(一)", "（一）"), ("1、", "1."), ("⑴", "（1）"), ("十二.", "十二、"), ("第一、", "第一，")],
)
def test_marker_forms(raw: str, number: str) -> None:
    assert normalize_number(raw) == number
    assert parse_marker("1.5倍") is None


@pytest.mark.parametrize(
    ("file_name", "title", "source"),
    [
        ("annual_report_2024.txt", "", "none"),  # not Chinese: a label for files, never a title
        ("关于_开展_安全检查的通知.docx", "关于开展安全检查的通知", "file name"),
        ("2024年__第3期_简报.txt", "2024年第3期简报", "file name"),
        ("讲话.txt", "讲话", "file name"),
    ],
)
def test_a_chinese_file_name_is_a_title_its_underscores_read_as_spaces(
    file_name: str, title: str, source: str
) -> None:
    doc = build_document("同志们：\n\n今天开会，研究工作。\n", file_name)
    assert (doc.title, doc.title_source) == (title, source)
