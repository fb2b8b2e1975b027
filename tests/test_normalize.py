"""Properties of the normalizer: positions, line structure, warnings, protection, clean text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import CORPUS, SPEECH

from tasks.reading.normalize import RULES, normalize

CORPUS_TEXTS = sorted(p for p in CORPUS.glob("*.txt") if ".gbk." not in p.name)
GOV_CN = [p for p in CORPUS_TEXTS if p.name.startswith("gov_")]
# Edits the budget does not count: whitespace, and one code point for another in dashes/ellipses.
_UNIFICATION = re.compile("^[—―─-]+$|^[…⋯.。·]+$")

DRAFT = "\n".join(
    [
        "  一.总体要求。",
        "(一)指导思想",
        "加强学习是重要途径,办公室要抓紧。。起好表率示范。，建设学习型机关",
        "（三）工作目标",
        "全年增长５．６％,见https://a.cn/x,y.html,谢谢",
        "目标--就是 北京—上海 的“连接",
        "二〇二二年十二月三日印发，2022年12月03日施行",
    ]
)


def _at(text: str, line: int, column: int) -> str:
    return text.split("\n")[line - 1][column - 1 :]


@pytest.mark.parametrize("path", [SPEECH, *CORPUS_TEXTS], ids=lambda p: p.name)
def test_one_output_line_per_input_line(path: Path) -> None:
    text = path.read_text(encoding="utf-8-sig")
    assert normalize(text).text.count("\n") == text.count("\n")


def test_changes_point_at_their_text_in_the_input() -> None:
    result = normalize(DRAFT)
    assert result.changes
    for change in result.changes:
        assert _at(DRAFT, change.line, change.column).startswith(change.before), change


def test_every_rule_family_reports_under_its_own_name() -> None:
    result = normalize(DRAFT)
    assert {c.rule for c in result.changes} >= {"R2", "R3", "R4", "R6", "R7", "R10", "R11", "R12"}


def test_warnings_for_the_ambiguous_cases() -> None:
    result = normalize(DRAFT)
    found = {(w.rule, w.line) for w in result.warnings}
    assert ("R10", 3) in found  # 。， collision, kept 。
    assert ("R6", 6) in found  # lone — between hanzi
    assert ("R13", 6) in found  # unclosed “
    # (一) then （三）: the mixed style is the normalizer's to report; the gap is the structure stage's,
    # which knows which lines are headings.
    numbering = [(w.line, w.column, w.message) for w in result.warnings if w.rule == "numbering"]
    assert numbering == [(4, 1, "mixed markers at level 2: （三） (（N）, first (N))")]


def test_mixed_styles_are_reported_and_levels_left_to_the_structure_stage() -> None:
    text = "一、甲\n（一）乙\n(二)丙\n二、丁\n1.戊\n（一）己"
    messages = [(w.line, w.message) for w in normalize(text).warnings if w.rule == "numbering"]
    assert messages == [(3, "mixed markers at level 2: (二) ((N), first （N）)")]


def test_the_speech_sample() -> None:
    result = normalize(SPEECH.read_text(encoding="utf-8"))
    assert "重要途径，办公室" in result.text and "示范。建设" in result.text
    fixes = {(c.rule, c.before, c.after) for c in result.changes}
    assert {("R7", ",", "，"), ("R10", "。，", "。")} <= fixes
    assert [w.rule for w in result.warnings] == ["R10"]


@pytest.mark.parametrize("path", GOV_CN, ids=lambda p: p.name)
def test_clean_official_text_stays_as_it_is(path: Path) -> None:
    text = path.read_text(encoding="utf-8-sig")
    counted = [
        c
        for c in normalize(text).changes
        if not c.note.startswith("whitespace")
        and not (_UNIFICATION.match(c.before) and _UNIFICATION.match(c.after))
    ]
    assert len(counted) <= len(text) / 10_000


@pytest.mark.parametrize("path", [SPEECH, *CORPUS_TEXTS], ids=lambda p: p.name)
def test_normalized_text_is_a_fixed_point(path: Path) -> None:
    once = normalize(path.read_text(encoding="utf-8-sig")).text
    assert normalize(once).changes == ()


def test_protected_spans_come_back_verbatim() -> None:
    spans = [
        "https://a.cn/x,y.html",
        "office@gov.cn",
        "1,234.5",
        "10:30",
        "v1.2.3",
        "It's a plan, not a dream.",
    ]
    text = "，".join(f"见{span}" for span in spans)
    result = normalize(text)
    for span in spans:
        assert span in result.text


def test_never_adds_spaces_nor_changes_words() -> None:
    text = DRAFT.replace("2022年12月03日", "") + "\n使用 Python 开发，共3个"
    result = normalize(text)
    assert result.text.count(" ") <= text.count(" ")
    hanzi = re.compile("[^\u4e00-\u9fff]+")
    assert hanzi.sub("", result.text) == hanzi.sub("", text)


def test_rules_come_in_spec_order() -> None:
    numbers = [int(rule.name[1:]) for rule in RULES]
    assert numbers == sorted(numbers) and set(numbers) == set(range(2, 15))
