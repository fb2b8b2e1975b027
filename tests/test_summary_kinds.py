"""Summaries by kind of document (issue 20): a holiday notice reports every item with its dates, a
notice with an attached 方案 keeps the attachment's points apart, a speech's 第一，… points are
named by their key phrase; facts are copied as written; keywords are words, not fragments."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tasks.analysis.summarize import summarize, summary_dict, summary_markdown
from tasks.analysis.summarize.gist import key_phrase
from tasks.analysis.summarize.kinds import layout
from tasks.reading.normalize import normalize
from tasks.reading.structure import build_document

TEXTS = Path(__file__).parent / "data" / "genre_summaries"


def _doc(name: str):
    return build_document(normalize((TEXTS / name).read_text(encoding="utf-8")).text, name)


def _headings(doc) -> set[str]:
    return {h.title.rstrip("。") for h in doc.headings}


def test_holiday_notice_is_a_list_of_items_each_with_its_dates() -> None:
    doc = _doc("holiday.txt")
    summary = summarize(doc)
    assert summary.kind == "items" and summary.gist.startswith("经国务院批准")
    labels = [s.label for s in summary.sentences]
    assert labels == ["元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"]
    for fact in ("1月1日至3日放假调休，共3天。", "4月4日至6日放假，共3天。", "10月1日至7日放假调休，共7天。"):
        assert fact in summary.text  # copied as written
    assert all(s.text.rstrip("。") not in _headings(doc) for s in summary.sentences)
    assert len(summary.gist) + len(summary.text) <= 300
    assert not {"日至", "周六", "二十八"} & set(summary.keywords)


def test_notice_with_an_attached_plan_keeps_its_sections_apart() -> None:
    doc = _doc("attach.txt")
    shape = layout(doc)
    assert shape.kind == "notice" and [a.title for a in shape.attached] == ["云山市消费扶贫行动实施方案"]
    summary = summarize(doc)
    texts = [s.text for s in summary.sentences]
    attachment = texts.index("附件：云山市消费扶贫行动实施方案。")
    assert "要于2020年6月30日前" in "".join(texts[:attachment])  # the main text's deadline, as written
    after = summary.sentences[attachment + 1 :]
    assert after and all(s.block_index > shape.main_end for s in after)
    assert "消费扶贫" in summary.keywords
    markdown = summary_markdown(doc, summary)
    assert markdown.index("**附件**：") < markdown.index("**总体要求**")


def test_speech_points_made_of_whole_sentences_are_named_by_their_key_phrase() -> None:
    assert key_phrase("以畅通国内大循环为重点，加快构建新发展格局") == "加快构建新发展格局"
    assert key_phrase("讲学习不放松，努力提升政治理论水平") == "讲学习不放松"
    doc = _doc("speech.txt")
    summary = summarize(doc)
    assert summary.kind == "speech"
    assert summary.gist == "共三个方面：坚定做好经济工作的信心、加快构建新发展格局、推动产业转型升级。"
    for sentence in summary.sentences:
        assert sentence.text.rstrip("。") not in _headings(doc)  # never a heading alone
        assert sentence.text.endswith(("。", "！", "？"))  # nothing cut mid-phrase
    assert "完成投资800亿元" in summary.text


def test_summary_json_traces_every_line_to_its_blocks() -> None:
    doc = _doc("holiday.txt")
    data = json.loads(json.dumps(summary_dict(summarize(doc)), ensure_ascii=False))
    assert data["kind"] == "items"
    for line in data["sentences"]:
        heading = doc.blocks[line["heading_index"]]
        assert line["label"] in heading.text
        body = line["text"].removeprefix(line["label"] + "：")
        assert body in "".join(doc.blocks[i].text for i in line["blocks"])


def test_each_attachment_is_one_line_by_its_label_and_title_after_the_main_points() -> None:
    doc = _doc("two_attachments.txt")
    summary = summarize(doc)
    texts = [s.text for s in summary.sentences]
    assert [s.label for s in summary.sentences] == [
        "做好开学准备",
        "加强安全管理",
        "及时报送情况",
        "附件1",
        "附件2",
    ]
    assert texts[-2:] == [
        "附件1：开学工作检查表。",
        "附件2：校舍安全排查要点，共两个方面：重点部位、排查方法。",
    ]
    # the notice's own deadlines, as written, and its three points, not the attachments' four
    assert "于8月25日前" in texts[0] and "于9月5日前" in texts[2]
    assert summary.gist == "为做好2026年秋季学期开学工作，现将有关事项通知如下。"


def test_keywords_are_terms_of_the_text_never_two_halves_of_one() -> None:
    doc = build_document(
        "\n".join(
            [
                "关于推进消费扶贫的通知",
                "实施乡村振兴战略，要把消费扶贫作为重要抓手，落实乡村振兴战略的各项部署。",
                "各地要推动乡村振兴战略落地，建设配套幼儿园，配套幼儿园要于9月1日前投入使用。",
                "要进一步加强消费扶贫工作，切实做好配套幼儿园移交，有关部门要加强督查。",
                "消费扶贫成效纳入考核。",
            ]
        ),
        "notice.txt",
    )
    keywords = summarize(doc).keywords
    assert {"消费扶贫", "配套幼儿园"} <= set(keywords)
    assert not {"进一步", "切实", "加强", "有关", "日前", "9月"} & set(keywords)
    assert not {"乡村振兴", "振兴战略"} <= set(keywords)  # two halves of 乡村振兴战略
    assert all(a == b or a not in b for a in keywords for b in keywords)


SAMPLES = Path(__file__).parent / "data" / "samples"
PUBLIC = sorted(
    p
    for p in [*SAMPLES.glob("*.txt"), *SAMPLES.glob("corpus/*.txt"), *SAMPLES.glob("messy/*.txt")]
    if ".gbk" not in p.name
)


@pytest.mark.parametrize("path", PUBLIC, ids=lambda p: p.stem)
def test_every_line_of_a_public_text_is_its_own_wording_within_the_budget(path: Path) -> None:
    doc = build_document(normalize(path.read_text(encoding="utf-8-sig")).text, path.name)
    summary = summarize(doc)
    text = "".join(block.text for block in doc.blocks)
    assert len(summary.gist) + len(summary.text) <= 300
    for line in summary.sentences:
        body = line.text.removeprefix(line.label + "：") if line.label else line.text
        if line.heading_index is not None:
            assert line.label in doc.blocks[line.heading_index].text  # the heading's own words
        for sentence in re.findall(r"[^。！？]+[。！？]", body):
            # a sub-heading read as a sentence gets its 。; the gist's frame (共两个方面：) is ours
            assert sentence.rstrip("。") in text or sentence.startswith("共"), sentence
        assert line.text.rstrip("。") not in {h.title for h in doc.outline}  # never a heading alone


def test_when_the_budget_is_tight_a_lists_items_keep_every_fact_and_the_opening_gives_way() -> None:
    doc = _doc("holiday_weekdays.txt")
    summary = summarize(doc)
    assert summary.kind == "items" and summary.gist == doc.title
    for fact in ("1月4日（周日）上班。", "5月9日（周六）上班。", "9月20日（周日）、10月10日（周六）上班。"):
        assert fact in summary.text
    assert len(summary.gist) + len(summary.text) <= 300


def test_markdown_says_who_issued_a_signed_text_and_when_as_written() -> None:
    doc = _doc("holiday.txt")
    markdown = summary_markdown(doc, summarize(doc))
    assert "**发文**：国务院办公厅（国办发明电〔2025〕7号），2025年11月4日" in markdown
    speech = _doc("speech.txt")
    assert "**发文**" not in summary_markdown(speech, summarize(speech))
