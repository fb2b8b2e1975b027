"""Paragraphs and headings in text without line breaks (issue 14, point 1).

Speeches pasted from news sites come as one line: paragraphs run together, 一、 headings are glued to
the sentence before and to the body after, ordinal numbers stand inside sentences. The messy samples
are scored as the corpus is, with their furniture (captions, datelines, trailers) blanked to spaces
as the furniture pass does before segmentation.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from conftest import CORPUS, MESSY, ROOT

from tasks.analysis.outline import outline_entries
from tasks.reading.normalize import normalize
from tasks.reading.structure import build_document
from tasks.reading.structure.glued import glued_title_end

sys.path.insert(0, str(ROOT / "benchmarks"))
import score_outline

# Body sentences long enough for a text on one line to read as a whole text run together.
_BODY = "我们要坚持问题导向，抓住关键环节，把各项工作落到实处，确保取得实效。" * 4


def _blanked(path: Path) -> str:
    """The raw text with each furniture item replaced by as many spaces."""
    text = path.read_text(encoding="utf-8")
    expect = json.loads(path.with_name(f"{path.stem}.expect.json").read_text(encoding="utf-8"))
    for item in expect["furniture"]:
        text = text.replace(item, " " * len(item))
    return text


def _outline(text: str) -> list[tuple[int, str, str]]:
    return [(h.level, h.number, h.title) for h in build_document(text, "x.txt").outline]


@pytest.mark.parametrize("path", sorted(MESSY.glob("*.txt")), ids=lambda p: p.stem)
def test_messy_sample_outline(path: Path) -> None:
    text = normalize(_blanked(path)).text
    found = outline_entries(build_document(text, path.name))
    reference = json.loads(path.with_name(f"{path.stem}.outline.json").read_text(encoding="utf-8"))
    score = score_outline._score(reference, found, "heading")
    assert score.f1 >= score_outline.TARGET_F1, score
    # Every heading points at its marker in the text (a marker broken by a line break: "（\n三）").
    for entry in found:
        window = "".join(text[entry["offset"] : entry["offset"] + 12].split())
        assert window.startswith(entry["number"].rstrip("，：")), entry


@pytest.mark.parametrize("normalized", [False, True], ids=["raw", "normalized"])
def test_corpus_stays_exact(normalized: bool) -> None:
    for path in score_outline.corpus_files(CORPUS):
        heading, item = score_outline.score_file(path, normalize=normalized)
        assert (heading.f1, item.f1) == (1.0, 1.0), path.stem


@pytest.mark.parametrize(
    ("glued", "title"),
    [
        ("充分认识加快科技创新的重大战略意义党的十八大以来，我们", "充分认识加快科技创新的重大战略意义"),
        ("加快解决制约科技创新发展的关键问题我国拥有众多科技人员。", "加快解决制约科技创新发展的关键问题"),
        ("用好考古和历史研究成果在历史长河中，中华民族形成了伟大民族精神。", "用好考古和历史研究成果"),
        ("关于前一段疫情防控工作新冠肺炎疫情发生后，党中央高度重视。", "关于前一段疫情防控工作"),
    ],
)
def test_a_glued_title_ends_where_the_body_begins(glued: str, title: str) -> None:
    assert glued[: glued_title_end(glued, glued)] == title


def test_a_recurring_key_phrase_settles_a_cut_between_nouns() -> None:
    """ "大力弘扬科学家精神科学成就离不开精神支撑": 科学家精神 recurs in its section, 精神科学 does not."""
    glued = "大力弘扬科学家精神科学成就离不开精神支撑。"
    context = glued + "科学家精神是科技工作者的宝贵精神财富。要大力弘扬科学家精神。"
    assert glued[: glued_title_end(glued, context)] == "大力弘扬科学家精神"


def test_glued_headings_of_a_speech_on_one_line() -> None:
    text = (
        f"下面，我谈几点意见。一、充分认识加快科技创新的重大战略意义党的十八大以来，{_BODY}"
        f"即使是在六、七十年代，{_BODY}"
        f"二、加快解决制约科技创新发展的一些关键问题我国拥有数量众多的科技工作者。{_BODY}"
        f"第一，坚持需求导向和问题导向。{_BODY}第二，整合优化科技资源配置。{_BODY}"
        f"三、大力弘扬科学家精神科学成就离不开精神支撑。科学家精神是宝贵财富。{_BODY}"
    )
    doc = build_document(text, "x.txt")
    assert [(h.level, h.number, h.title) for h in doc.outline] == [
        (1, "一、", "充分认识加快科技创新的重大战略意义"),
        (1, "二、", "加快解决制约科技创新发展的一些关键问题"),
        (2, "第一，", "坚持需求导向和问题导向"),
        (2, "第二，", "整合优化科技资源配置"),
        (1, "三、", "大力弘扬科学家精神"),
    ]
    # Each glued heading starts at its marker; its body starts a paragraph of its own.
    for heading in doc.outline:
        assert text[heading.offset :].startswith(heading.number + heading.title)
    assert any(b.text.startswith("党的十八大以来，") for b in doc.blocks)


@pytest.mark.parametrize(
    "sentence",
    [
        "全书分第一、第二两个部分。",
        "六、七十年代的发掘很艰苦。",
        "获得大赛一、二等奖多项。",
        "主要指标居全国第二、第七。",
        "选派第一书记三千余名。",
        "第一部分为第一板块。",
    ],
)
def test_ordinals_inside_sentences_are_body_text(sentence: str) -> None:
    text = f"一、总体情况{_BODY}{sentence}{_BODY}\u3000\u3000{sentence}{_BODY}二、主要任务{_BODY}"
    assert [number for _, number, _ in _outline(text)] == ["一、", "二、"]


def test_a_marker_that_does_not_continue_its_series_is_body_text() -> None:
    text = f"一、总体情况\u3000\u3000{_BODY}五、各方面都有进步。{_BODY}二、主要任务\u3000\u3000{_BODY}"
    assert [number for _, number, _ in _outline(text)] == ["一、", "二、"]


def test_ordinal_points_level_two_under_yi_level_one_alone() -> None:
    points = f"第一，加强组织领导。{_BODY}第二，坚持目标标准。{_BODY}"
    assert [level for level, _, _ in _outline(f"讲几点意见。{_BODY}{points}")] == [1, 1]
    under = _outline(f"讲几点意见。{_BODY}一、工作部署\u3000\u3000{_BODY}{points}")
    assert [level for level, _, _ in under] == [1, 2, 2]


def test_counted_parts_are_the_top_level_and_points_restart_under_each() -> None:
    text = (
        f"下面，我讲3个问题。第一个问题：深刻认识取得的决定性进展。{_BODY}第一，创造了最好成绩。{_BODY}"
        f"第二，促进了加快发展。{_BODY}第二个问题：全面打好攻坚战。{_BODY}第一，加强组织领导。{_BODY}"
    )
    assert _outline(text) == [
        (1, "第一个问题：", "深刻认识取得的决定性进展"),
        (2, "第一，", "创造了最好成绩"),
        (2, "第二，", "促进了加快发展"),
        (1, "第二个问题：", "全面打好攻坚战"),
        (2, "第一，", "加强组织领导"),
    ]


def test_a_long_first_sentence_is_a_heading_among_heading_sized_siblings() -> None:
    long_point = "第一，从攻坚任务看，截至2017年底，全国农村贫困人口还有3046万人，贫困发生率仍在3%以上。"
    text = f"一、形势\n{long_point}正文。\n第二，坚持目标标准。正文。\n"
    assert [title for _, _, title in _outline(text)][1].startswith("从攻坚任务看")
    assert [number for _, number, _ in _outline(f"一、形势\n{long_point}正文。\n")] == ["一、"]


def test_photo_credits_end_paragraphs() -> None:
    caption = "习近平在北京考察。 新华社记者 鞠鹏/摄"
    text = f"开场白。{_BODY}一、总体情况\u3000\u3000{_BODY}{caption}二、主要任务\u3000\u3000{_BODY}"
    assert [number for _, number, _ in _outline(text)] == ["一、", "二、"]


def test_a_glossary_after_the_body_is_not_outline() -> None:
    glossary = "\n".join(f"{n}.“术语{n}”：是指某项政策。" for n in range(1, 6))
    body = "工作报告\n一、回顾\n正文。\n（一）经济运行稳中有进。正文。\n各位代表！让我们奋斗！"
    text = f"{body}\n名词解释\n{glossary}"
    assert _outline(text) == [(1, "一、", "回顾"), (2, "（一）", "经济运行稳中有进")]
    # Headings under an unnumbered label line stay headings.
    tasks = "\n".join(f"{n}.加强第{n}项工作：各单位要落实。" for n in range(1, 4))
    assert [number for _, number, _ in _outline(f"{body}\n工作要求\n{tasks}")][-3:] == ["1.", "2.", "3."]


def test_a_marker_broken_after_its_bracket() -> None:
    text = "报告\n一、回顾\n（一）经济运行稳中有进。\n正文。\n（\n二）改革开放持续深化。\n正文。"
    doc = build_document(text, "x.txt")
    assert [(h.number, h.title) for h in doc.outline][-1] == ("（二）", "改革开放持续深化")
    assert doc.outline[-1].offset == text.index("（\n二）")


def test_a_glued_series_reads_its_siblings() -> None:
    """A glued series: each body opens its own way (a pronoun, a quoted term the title holds, after a 关于
    title's head noun); one opens on a verb ("面对……，") and is cut where its siblings' titles end."""
    text = (
        f"过去一年，我们做了大量工作。{_BODY}"
        f"一、经济发展取得新成就面对经济下行压力，我区狠抓项目建设，保持了经济平稳增长，主要指标好于预期。{_BODY}"
        f"二、城市建设取得新进展我区基础设施建设取得突破性进展，城市面貌明显改观，人居环境和公共服务持续优化提升。{_BODY}"
        f"三、民生事业取得新进步我们坚持把民生作为工作的重中之重，持续加大投入力度。{_BODY}"
        f"四、“十五五”时期主要任务“十五五”时期是基本实现现代化的关键时期。{_BODY}"
        f"五、关于确定全会议题的考虑围绕党的中心任务谋划和部署改革，是成功经验。{_BODY}"
    )
    assert [title for _, _, title in _outline(text)] == [
        "经济发展取得新成就",
        "城市建设取得新进展",
        "民生事业取得新进步",
        "“十五五”时期主要任务",
        "关于确定全会议题的考虑",
    ]


def test_titles_ending_in_a_full_stop_are_not_cut() -> None:
    """A flattened report whose sub-headings end in 。 keeps them whole, commas and all."""
    text = (
        f"重点做好以下工作。{_BODY}（一）着力贯彻新发展理念，在全面推动经济提质增效上开新局。{_BODY}"
        f"（二）着力完善市场经济体制，在全面深化改革开放上开新局。{_BODY}"
    )
    assert [title for _, _, title in _outline(text)] == [
        "着力贯彻新发展理念，在全面推动经济提质增效上开新局",
        "着力完善市场经济体制，在全面深化改革开放上开新局",
    ]


def test_long_titles_of_several_clauses_stay_whole() -> None:
    """In a glued series, "以……为核心，……，确保……。" is still a title of three clauses: no cut inside the
    以……为 frame ("以旅游文化融合|发展为核心") nor after its first clause."""
    glued = "加快解决制约发展的一些关键问题我国拥有数量众多的科技工作者、规模庞大的研发投入，初步具备了条件。"
    whole = "以旅游文化融合发展为核心，加快旅游基础设施建设，确保旅游经济实现新发展"
    text = f"主要抓好以下工作。{_BODY}（一）{glued}{_BODY}（二）{whole}。{_BODY}"
    assert [title for _, _, title in _outline(text)] == ["加快解决制约发展的一些关键问题", whole]


def test_points_under_each_glued_about_heading_are_alike() -> None:
    """ "一、关于前一段疫情防控工作新冠肺炎疫情发生后……": each 关于 heading ends on its head noun, and the
    第一， points under every one of them are level-2 headings alike."""
    text = (
        f"下面，我讲几点意见。一、关于前一段疫情防控工作新冠肺炎疫情发生后，党中央高度重视，迅速作出部署，全面加强对疫情防控的集中统一领导。{_BODY}"
        f"第一，加强统一领导。{_BODY}第二，加强重点地区防控。{_BODY}"
        f"二、关于统筹推进经济社会发展工作疫情对经济社会发展的冲击是明显的，我们要准确把握形势。{_BODY}"
        f"第一，落实分区分级精准防控策略。{_BODY}第二，加大宏观政策调节力度。{_BODY}"
    )
    assert _outline(text) == [
        (1, "一、", "关于前一段疫情防控工作"),
        (2, "第一，", "加强统一领导"),
        (2, "第二，", "加强重点地区防控"),
        (1, "二、", "关于统筹推进经济社会发展工作"),
        (2, "第一，", "落实分区分级精准防控策略"),
        (2, "第二，", "加大宏观政策调节力度"),
    ]
