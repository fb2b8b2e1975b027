"""The proofreader: each check finds its errors and leaves the legitimate forms alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CORPUS, MESSY, SPEECH, checkout_environment

from tasks.analysis.proofread import Finding, proofread
from tasks.analysis.proofread.wrong_forms import SET_PHRASES
from tasks.reading.normalize import normalize
from tasks.reading.structure import build_document

GENRE = Path(__file__).parent / "data" / "genre"


def flagged(text: str, rule: str) -> list[str]:
    """The flagged pieces of `text` for one rule."""
    document = build_document(text, "case") if "\n" in text else None
    return [text[f.offset : f.offset + f.length] for f in proofread(text, document) if f.rule == rule]


@pytest.mark.parametrize(
    ("text", "wrong", "right"),
    [
        ("截止2023年底，全市共有企业1200家。", "截止", "截至"),
        ("截止目前，已完成全年任务的八成。", "截止", "截至"),
        ("本次征文的截至日期为10月31日。", "截至", "截止"),
        ("各级领导干部必需加强理论学习。", "必需", "必须"),
        ("我们必需高度重视安全生产。", "必需", "必须"),
        ("保障群众生活必须品供应。", "必须品", "必需品"),
        ("依法保障公民的权力和义务。", "权力", "权利"),
        ("要把权利关进制度的笼子里。", "权利", "权力"),
        ("要抓紧制订相关法律法规。", "制订", "制定"),
        ("市委对此做出重要部署。", "做出", "作出"),
        ("要大胆启用一批年轻干部。", "启用", "起用"),
        ("新系统将于下月起用新平台。", "起用", "启用"),
        ("请其它同志做好准备。", "其它", "其他"),
        ("这需要几年以致十几年的努力。", "以致", "以至"),
        ("要如实反应基层情况。", "反应", "反映"),
        ("群众向我们反应问题。", "反应", "反映"),
        ("会议需知：请提前十分钟入场。", "需知", "须知"),
        ("对决策失误实行终生追责。", "终生", "终身"),
        ("严禁泄漏国家秘密。", "泄漏", "泄露"),
        ("汛期要防范山洪爆发。", "爆发", "暴发"),
        ("各单位要建立工作台帐。", "帐", "账"),
        ("既使条件不具备，仍要想办法推进。", "既使", "即使"),
    ],
)
def test_confused_words_in_the_context_that_makes_them_wrong(text: str, wrong: str, right: str) -> None:
    findings = [f for f in proofread(text) if f.rule == "confusable"]
    assert [(text[f.offset : f.offset + f.length], f.suggestion) for f in findings] == [(wrong, right)]


@pytest.mark.parametrize(
    "text",
    [
        "截至2023年底，全市共有企业1200家。",
        "报名截止日期为5月1日，逾期不再受理。",
        "报名截止到5月1日。",
        "申报截止2024年5月1日。",  # the deadline of an event: tolerated
        "报名将于本月底截止。",
        "生活必需品供应充足，这是生产所必需的条件。",
        "我们必须加强管理，这是必须的。",
        "依法行使权力，切实维护群众合法权利。",
        "制订工作方案，制定相关政策。",
        "作出重大决定，做出了显著成绩。",
        "新办公楼正式启用，起用了一批年轻干部。",
        "其它事项另行通知，其他同志按时参加。",
        "由于管理不善，以致发生事故。",
        "群众反应强烈，及时反映情况，接种后反应情况良好，市场反应积极。",
        "对帐篷进行检查，患者需知情同意，需知会相关部门。",
        "既使用传统渠道，也使用新媒体。",
        "启用新人脸识别系统。",
        "他终生难忘那段经历。",
        "大家需知道相关规定，所需知识要提前准备。",
        "支付市长热线的费用，蚊帐一顶。",
        "渡过难关，度过春节。",
        "既使企业受益，又使群众满意。",
    ],
)
def test_right_uses_of_the_confused_words_are_left_alone(text: str) -> None:
    assert flagged(text, "confusable") == []


def test_wrong_set_phrases_and_words_name_the_right_form() -> None:
    text = "我们要再接再励，一股作气完成任务，不能按步就班。会议对工作进行了布署。"
    findings = proofread(text)
    assert [(f.rule, f.suggestion) for f in findings] == [
        ("set-phrase", "再接再厉"),
        ("set-phrase", "一鼓作气"),
        ("set-phrase", "按部就班"),
        ("misspelling", "部署"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "完成全部份额，平安祥和过节。",
        "形势严峻工作艰巨，讲座落幕后立即然后返回。",
        "既便于管理，又便于监督。",
        "通过抽签定顺序。",
    ],
)
def test_a_miswritten_word_is_not_read_across_two_right_words(text: str) -> None:
    assert flagged(text, "misspelling") == []


def test_the_set_phrase_list_is_long_and_never_lists_a_right_form_as_wrong() -> None:
    assert len(SET_PHRASES) >= 60
    assert not set(SET_PHRASES) & set(SET_PHRASES.values())
    assert all(len(wrong) == len(right) and wrong != right for wrong, right in SET_PHRASES.items())
    right_forms = "。".join(SET_PHRASES.values())
    assert flagged(right_forms, "set-phrase") == []


@pytest.mark.parametrize(
    ("text", "doubled"),
    [
        ("这是我们的的工作重点。", "的"),
        ("他来了了，我们开会。", "了"),
        ("这是是全市人民的共同心愿。", "是"),
        ("我们在在这里工作。", "在"),
        ("要进一步进一步优化营商环境。", "进一步"),
        ("要把把工作做细做实。", "把"),
        ("我代表区政府向大会作工作工作报告。", "工作"),
        ("我们我们要坚定信心。", "我们"),
        ("这是我们的的", "的"),  # at the very end of the text
    ],
)
def test_doubled_words(text: str, doubled: str) -> None:
    assert flagged(text, "doubled") == [doubled]


@pytest.mark.parametrize(
    "text",
    [
        "我们常常开会，渐渐明白了道理，谢谢大家。",
        "人人有责，天天向上，这件事要研究研究再说。",
        "大家看看，一一对应，各个部门都要参加。",
        "要讲得清清楚楚、明明白白，星星点点的灯光。",
        "的的确确如此，是是非非要分清，实实在在地干。",
        "这个问题不能不了了之。",
        "他说的的确是事实。",
        "一个一个地落实，一步一步往前走。",
        "工作要抓得很紧很紧，这非常非常重要。",
        "要商量商量、讨论讨论，再交流交流。",
        "坚持发展和和平的统一。",
        "这是实现目的的途径。",
    ],
)
def test_reduplication_is_not_doubling(text: str) -> None:
    assert flagged(text, "doubled") == []


@pytest.mark.parametrize(
    ("text", "mark"),
    [
        ("根据《关于加强安全生产工作的意见，制定本方案。", "《"),
        ("市发展和改革委员会（以下简称市发改委负责牵头。", "（"),
        ("对材料不全的事项，先行受理，“限期补齐。", "“"),
        ("要坚持“两个毫不动摇”，”推动民营经济发展。", "”"),
        ("他说：“要落实‘四个最严要求。”", "‘"),
        ("【责任编辑：王明", "【"),
        # A quotation over paragraphs that never closes: flagged where it opened.
        ("他强调：“第一，要提高认识。\n“第二，要加强领导。\n会议要求各地抓好落实。", "“"),
    ],
)
def test_paired_marks_that_do_not_close(text: str, mark: str) -> None:
    assert flagged(text, "unpaired") == [mark]


@pytest.mark.parametrize(
    "text",
    [
        "根据《中华人民共和国预算法》（2018年修正）和“放管服”改革要求，落实‘四个最严’。",
        # GB/T 15834: each paragraph of a long quotation opens with “, only the last closes.
        "他强调：“第一，要提高认识。\n“第二，要加强领导。\n“第三，要狠抓落实。”\n会议要求各地抓好落实。",
        "1）申报材料齐全；\n2）符合条件。",
        # A line copied from a web page that wraps inside the marks.
        "（\n三）改革开放持续深化。\n【\n打印本页\n】",
        "》》点击图片进入专题《《",
    ],
)
def test_closed_marks_and_wrapped_lines_are_not_flagged(text: str) -> None:
    assert flagged(text, "unpaired") == []


NOTICE = "关于加强管理的通知\n\n各单位：\n现就有关事项通知如下：\n{items}\n特此通知。\n"


@pytest.mark.parametrize(
    ("items", "odd"),
    [
        (
            "（一）建立健全工作制度；\n（二）加强队伍建设。\n（三）完善考核办法；\n（四）强化监督检查。",
            "（二）",
        ),
        ("1.建立健全工作制度。\n2.加强队伍建设。\n3.完善考核办法\n4.强化监督检查。", "3."),
    ],
)
def test_a_series_whose_items_end_inconsistently(items: str, odd: str) -> None:
    text = NOTICE.format(items=items)
    findings = [f for f in proofread(text, build_document(text, "n.txt")) if f.rule == "series-end"]
    assert len(findings) == 1
    assert findings[0].message.startswith(odd)
    assert text.split("\n")[findings[0].line - 1].startswith(odd)


@pytest.mark.parametrize(
    "items",
    [
        # GB/T 15834: an enumeration ends each item with ；, the last with 。.
        "（一）建立健全工作制度；\n（二）加强队伍建设；\n（三）完善考核办法；\n（四）强化监督检查。",
        "1.建立健全工作制度。\n2.加强队伍建设。\n3.完善考核办法。",
        "1.建立健全工作制度。\n2.加强队伍建设：\n3.完善考核办法。",  # a colon says something of its own
        "1.建立健全工作制度。\n2.加强队伍建设",  # two items are no custom
    ],
)
def test_consistent_series_are_left_alone(items: str) -> None:
    text = NOTICE.format(items=items)
    assert flagged(text, "series-end") == []


def test_a_finding_has_its_line_column_span_and_excerpt() -> None:
    text = "关于开展检查的通知\n各单位：\n请其它同志按时参加。\n"
    [finding] = proofread(text)
    assert (finding.line, finding.column, finding.length) == (3, 2, 2)
    assert text[finding.offset : finding.offset + finding.length] == "其它"
    assert "其它同志" in finding.excerpt
    diagnostic = finding.diagnostic()
    assert (diagnostic.rule, diagnostic.line, diagnostic.column) == ("confusable", 3, 2)
    assert "其他" in diagnostic.message


def test_findings_come_in_reading_order_without_duplicates() -> None:
    text = "记帐本要统一。截止目前，的的确确如此。我们的的工作。"
    findings = proofread(text)
    assert [f.offset for f in findings] == sorted(f.offset for f in findings)
    assert len({(f.offset, f.rule) for f in findings}) == len(findings)
    assert isinstance(findings, tuple) and all(isinstance(f, Finding) for f in findings)


def public_texts() -> list[Path]:
    samples = [p for p in CORPUS.glob("*.txt") if ".gbk" not in p.name] + [*MESSY.glob("*.txt"), SPEECH]
    return sorted(samples) + sorted(p for p in GENRE.glob("*.txt") if not p.name.endswith(".normalized.txt"))


def test_few_findings_on_the_public_texts() -> None:
    """At most one finding per 10,000 characters over every public text (each reviewed in the benchmark)."""
    chars = found = 0
    for path in public_texts():
        text = normalize(path.read_text(encoding="utf-8-sig")).text
        chars += len(text)
        found += len(proofread(text, build_document(text, path.name)))
    assert chars > 150_000
    assert found <= chars / 10_000


@pytest.mark.flow
def test_gongwen_check_reports_the_proofreaders_doubts_with_line_and_column(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    draft = tmp_path / "draft.txt"
    draft.write_text(
        "关于做好检查工作的通知\n各单位：\n请大家再接再励，截止2024年底全部完成。\n", encoding="utf-8"
    )
    done = subprocess.run(
        [sys.executable, "-m", "flows.cli", "check", str(draft), "--report", str(tmp_path / "r.json")],
        capture_output=True,
        text=True,
        env=checkout_environment(),
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert f"{draft}:3:4: set-phrase doubt:" in done.stdout
    assert f"{draft}:3:9: confusable doubt:" in done.stdout
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert {f["rule"] for f in report[str(draft)]["proofreading"]} == {"set-phrase", "confusable"}
