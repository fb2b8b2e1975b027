"""Normalization never rewrites authoritative wording (issue 14 point 5, docs/normalization.md).

Cited titles and quoted names stay as written, dates in Chinese numerals stay (a mixed one is
reported), the space between joint issuers stays, and a numbered item that is a sentence keeps
its final 。 while heading phrases lose theirs.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pdfplumber
import pytest
from docx import Document as DocxDocument

from flows.config import Settings
from flows.engine.convert import convert_document
from tasks.reading.normalize import normalize
from tasks.reading.structure import build_document

CITED_TITLES = [
    "《中共中央关于制定国民经济和社会发展第十四个五年规划和二〇三五年远景目标的建议》",
    "《中共中央 国务院关于加强基层治理体系和治理能力现代化建设的意见》",
    "《中共中央办公厅 国务院办公厅关于印发〈方案〉的通知》",
    "《国务院关于2021年09月 新修订的 条例 的决定》",
]


@pytest.mark.parametrize("title", CITED_TITLES)
def test_cited_titles_are_never_changed(title: str) -> None:
    text = f"全会审议通过了{title},要认真 学习贯彻。。"
    result = normalize(text)
    assert title in result.text
    # The sentence around the title is still normalized.
    assert result.text.endswith("，要认真学习贯彻。")


def test_quoted_names_are_kept_but_quoted_sentences_are_normalized() -> None:
    result = normalize("落实“中共中央 国务院关于 二〇二〇年工作的部署”。他说：“要认真 学习,,抓好落实”。")
    assert "“中共中央 国务院关于 二〇二〇年工作的部署”" in result.text
    assert "“要认真学习，抓好落实”" in result.text


def test_padding_inside_title_marks_is_not_part_of_the_title() -> None:
    assert normalize("《 人民日报 》（2020年3月7日）").text == "《人民日报》（2020年3月7日）"


def test_title_marks_themselves_are_still_repaired() -> None:
    assert normalize("印发<<关于印发《实施方案》的通知>>").text == "印发《关于印发〈实施方案〉的通知》"


PARTY_REPORT = (
    "二○二○年十月二十九日，十九届五中全会审议通过了建议。"
    "到二〇三五年基本实现社会主义现代化，二○二○年是决胜之年。\n"
    "中共中央\n"
    "二○二○年十月二十九日"
)


def test_dates_in_chinese_numerals_are_kept_without_a_warning() -> None:
    result = normalize(PARTY_REPORT)
    assert result.text == PARTY_REPORT
    assert not any(c.rule == "R12" for c in result.changes)
    assert not any(w.rule == "R12" for w in result.warnings)


@pytest.mark.parametrize("date", ["2020年十月二十九日", "二〇二〇年10月29日", "2021年三月"])
def test_a_date_mixing_numerals_is_reported_not_rewritten(date: str) -> None:
    result = normalize(f"会议于{date}召开。")
    assert result.text == f"会议于{date}召开。"
    assert [w.rule for w in result.warnings] == ["R12"] and "mixes" in result.warnings[0].message


def test_a_letter_o_in_a_chinese_year_is_reported_not_rewritten() -> None:
    result = normalize("二O二O年五月十日")
    assert result.text == "二O二O年五月十日" and result.warnings[0].rule == "R12"


def test_arabic_dates_still_lose_zero_padding() -> None:
    assert normalize("2021年09月01日").text == "2021年9月1日"


JOINT_ISSUERS = [
    "中共中央 国务院关于实施乡村振兴战略的意见",
    "经中共中央办公厅 国务院办公厅同意，现印发给你们。",
    "省委 省政府高度重视，市委 市政府认真落实，县委\u3000县政府具体负责。",
    "国家发展改革委 财政部 商务部联合印发通知，民政部 国家卫生健康委作出部署。",
    "全国人大常委会\u3000国务院作出决定，教育部 人力资源社会保障部印发办法。",
    "最高人民法院 最高人民检察院发布解释，中国人民银行 中国证监会联合通知。",
    "自治区党委 自治区人民政府，州委 州政府，共青团中央 全国妇联。",
]


@pytest.mark.parametrize("text", JOINT_ISSUERS)
def test_spaces_between_joint_issuers_stay_everywhere(text: str) -> None:
    assert normalize(text).text == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("各级干部 队伍建设要加强，全部 完成任务。", "各级干部队伍建设要加强，全部完成任务。"),
        ("联系人：市自然资源局\u3000陈建军，电话12345。", "联系人：市自然资源局陈建军，电话12345。"),
        ("医院 管理要规范，财政部 要求如下。", "医院管理要规范，财政部要求如下。"),
        ("市委 常委会研究，国务院 办公厅印发。", "市委常委会研究，国务院办公厅印发。"),
        ("各家银行 要落实，到银行 办理。", "各家银行要落实，到银行办理。"),
    ],
)
def test_other_spaces_beside_such_words_are_still_removed(text: str, expected: str) -> None:
    assert normalize(text).text == expected


HOLIDAY_NOTICE = """国务院办公厅关于2024年部分节假日安排的通知

各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
经国务院批准，现将放假调休日期的具体安排通知如下。
一、元旦：1月1日放假，与周末连休。
二、春节：2月10日至17日放假调休，共8天。2月4日（星期日）上班。
三、清明节：4月4日至6日放假调休，共3天。
四、劳动节：5月1日放假。
五、端午节：6月10日放假，与周末连休。

国务院办公厅
2023年11月10日"""


def test_numbered_items_that_are_sentences_keep_their_full_stop() -> None:
    normalized = normalize(HOLIDAY_NOTICE)
    assert normalized.text == HOLIDAY_NOTICE
    doc = build_document(normalized.text, "通知.txt")
    items = ["".join(run.text for run in b.runs) for b in doc.blocks if b.heading is not None]
    assert len(items) == 5 and all(item.endswith("。") for item in items)
    assert "四、劳动节：5月1日放假。" in items


def test_a_colon_with_a_body_makes_a_sentence_even_among_heading_phrases() -> None:
    text = "一、总体要求。\n正文。\n二、时间安排：5月1日放假。\n正文。\n三、保障措施。\n正文。"
    headings = normalize(text).text.split("\n")[::2]
    assert headings == ["一、总体要求", "二、时间安排：5月1日放假。", "三、保障措施"]


def test_heading_phrases_lose_their_final_mark_consistently_across_the_series() -> None:
    text = "一、提高站位，增强责任意识。\n正文。\n二、加强领导。\n正文。\n三、强化保障；\n正文。"
    headings = normalize(text).text.split("\n")[::2]
    assert headings == ["一、提高站位，增强责任意识", "二、加强领导", "三、强化保障"]


def test_a_series_of_sentences_keeps_every_final_mark() -> None:
    text = "一、各单位要按时报送材料，不得延误。\n二、报送材料须加盖公章。\n三、逾期未报的，视为放弃。"
    assert normalize(text).text == text


def test_normalizing_changes_no_hanzi_of_an_authoritative_text() -> None:
    text = "\n".join([*CITED_TITLES, PARTY_REPORT, *JOINT_ISSUERS, HOLIDAY_NOTICE])
    hanzi = re.compile("[^\u3007\u4e00-\u9fff]+")
    assert hanzi.sub("", normalize(text).text) == hanzi.sub("", text)


CONGRESS_NOTICE = "\n".join(
    [
        "关于贯彻落实全会精神的通知",
        "",
        "各市（州）党委和人民政府，省直各部门：",
        f"二○二○年十月二十九日，党的十九届五中全会审议通过了{CITED_TITLES[0]}。"
        "经省委 省政府同意，现就有关事项通知如下。",
        "一、提高认识：全会精神是今后一个时期的行动指南。",
        f"二、认真学习{CITED_TITLES[1]}，深入领会精神实质。",
        "三、抓好落实：各地要结合实际制定方案，到二〇三五年基本实现现代化。",
        "",
        "中共某某省委办公厅",
        "二○二○年十一月五日",
    ]
)


def test_the_documents_print_the_authoritative_wording(tmp_path: Path) -> None:
    """PDF, DOCX and summary carry the titles, dates, joint issuers and full stops as written."""
    source = tmp_path / "通知.txt"
    source.write_text(CONGRESS_NOTICE, encoding="utf-8")
    settings = Settings(outputs=tmp_path / "outputs")
    convert_document(source, settings, "通知")
    out = settings.outputs / "通知"
    with pdfplumber.open(out / "通知.pdf") as pdf:
        pdf_text = "".join((page.extract_text() or "").replace("\n", "") for page in pdf.pages)
    docx_text = "".join(p.text for p in DocxDocument(str(out / "通知.docx")).paragraphs)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    for kept in (
        "二○二○年十月二十九日",
        CITED_TITLES[0],
        "经省委 省政府同意",
        CITED_TITLES[1],
        "一、提高认识：全会精神是今后一个时期的行动指南。",
        "二○二○年十一月五日",
    ):
        assert kept in pdf_text and kept in docx_text, kept
    quoted = summary["gist"] + "".join(s["text"] for s in summary["sentences"])
    assert "2035" not in quoted and "2020" not in quoted
