"""Summaries: gist from the top-level headings, verbatim key sentences within a shared budget, every
section covered, nothing said twice, no procedure or filler, specific keywords, determinism, speed."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest
from conftest import SAMPLES
from markdown_it import MarkdownIt

from tasks.analysis.summarize import summarize, summary_dict, summary_markdown
from tasks.analysis.summarize.rank import MAX_NEIGHBOURS, similarity_graph
from tasks.analysis.summarize.units import collect, top_headings
from tasks.model import Block, BlockKind, Document, Heading, KeySentence, Run, Summary
from tasks.reading.normalize import normalize
from tasks.reading.structure import build_document
from tasks.text.numerals import spelled, value
from tasks.text.words import tokenizer

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = SAMPLES / "speech_office_directors.txt"
REFERENCES = sorted((ROOT / "tests" / "data" / "summaries").glob("*.txt"))


@cache
def _benchmark() -> ModuleType:
    """benchmarks/score_summary.py, which is a script rather than part of a package."""
    spec = importlib.util.spec_from_file_location("score_summary", ROOT / "benchmarks" / "score_summary.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def _heading(level: int, number: str, title: str, line: int) -> Block:
    heading = Heading(level, number, title, inline=False, line=line)
    return Block(BlockKind.HEADING, (Run(number + title, level),), line, heading)


def _paragraph(text: str, line: int) -> Block:
    return Block(BlockKind.PARAGRAPH, (Run(text),), line)


def _document(*blocks: Block, title: str = "在机关工作会议上的讲话", source: str = "text") -> Document:
    return Document(title=title, title_source=source, blocks=blocks)


SECTIONS = {
    ("一、", "抓学习，提升理论水平"): "学习是提高素质的重要途径，机关干部要勤于学习、善于学习。"
    "要把学习作为履职的第一要求，学以致用，提高解决实际问题的本领。",
    ("二、", "抓团结，形成工作合力"): "团结出凝聚力，出战斗力，班子成员要相互补台、相互支持。"
    "各部门要加强沟通协调，避免工作衔接上的失误，形成推动发展的整体合力。",
    ("三、", "抓落实，提高服务质量"): "落实是推动各项决策部署见到实效的关键环节。"
    "要讲求工作效率，见事快、行动快，保证服务质量，做到参谋不乱谋、服务不出错。",
}
CEREMONY = "刚才，几位同志作了很好的发言，我都赞成。下面，我讲几点意见。"


def _speech() -> Document:
    blocks = [Block(BlockKind.SALUTATION, (Run("同志们："),), 1), _paragraph(CEREMONY, 2)]
    for (number, title), body in SECTIONS.items():
        blocks.append(_heading(1, number, title, len(blocks) + 1))
        blocks.append(_paragraph(body, len(blocks) + 1))
    blocks.append(Block(BlockKind.CLOSING, (Run("谢谢大家！"),), len(blocks) + 1))
    return _document(*blocks)


def _is_title(doc: Document, sentence: KeySentence) -> bool:
    heading = doc.blocks[sentence.block_index].heading
    return heading is not None and sentence.text == heading.title + "。"


def _sections_spoken(doc: Document, summary: Summary) -> set[int]:
    """Ordinals (from 1) of the top-level sections a key sentence comes from, titles not counted."""
    starts = [i for i, b in enumerate(doc.blocks) if b.heading is not None and b.heading.level == 1]
    return {
        sum(1 for start in starts if start <= s.block_index)
        for s in summary.sentences
        if not _is_title(doc, s)
    }


def test_gist_names_each_top_level_point() -> None:
    assert summarize(_speech()).gist == "共三个方面：抓学习、抓团结、抓落实。"


def test_gist_keeps_first_clause_when_headings_are_not_parallel() -> None:
    doc = _document(
        _heading(1, "一、", "总体要求", 1),
        _paragraph("到2022年，建成整体协同、响应迅速的政务新媒体矩阵体系。", 2),
        _heading(1, "二、", "明确工作职责，理顺管理体制", 3),
        _paragraph("主管单位负责推进、指导、协调、监督政务新媒体工作。", 4),
    )
    assert summarize(doc).gist == "共两个方面：总体要求、明确工作职责。"


def test_key_sentences_are_whole_sentences_of_the_text_in_reading_order() -> None:
    doc = _speech()
    summary = summarize(doc, budget_chars=1000)
    indices = [s.block_index for s in summary.sentences]
    assert summary.sentences and indices == sorted(indices)
    for sentence in summary.sentences:
        assert sentence.label and sentence.text.startswith(sentence.label + "：")
        body = sentence.text.removeprefix(sentence.label + "：")
        assert body in "".join(doc.blocks[i].text for i in sentence.blocks)
        assert sentence.label in doc.blocks[sentence.heading_index].text
        assert sentence.text.endswith(("。", "！", "？"))


@pytest.mark.parametrize("budget", [200, 300])
def test_gist_and_key_sentences_share_the_budget_and_every_section_speaks(budget: int) -> None:
    doc = _speech()
    summary = summarize(doc, budget_chars=budget)
    assert len(summary.gist) + len(summary.text) <= budget
    assert _sections_spoken(doc, summary) == {1, 2, 3}


def test_sub_heading_titles_are_summary_material() -> None:
    doc = _document(
        _heading(1, "一、", "加强功能建设", 1),
        _paragraph("各地区要遵循政务新媒体发展规律，明确政务新媒体定位，不断强化发布、互动、办事等功能。", 2),
        _heading(2, "（一）", "推进政务公开，强化解读回应", 3),
        _paragraph("积极运用政务新媒体传播党和政府声音，做大做强正面宣传，巩固拓展主流舆论阵地。", 4),
        _heading(2, "（二）", "突出民生事项，优化掌上服务", 5),
        _paragraph("强化政务新媒体办事服务功能，聚合办事入口，推动更多事项掌上办。", 6),
    )
    summary = summarize(doc)
    (line,) = summary.sentences
    assert line.label == "加强功能建设" and line.heading_index == 0
    assert "推进政务公开，强化解读回应。" in line.text and "突出民生事项，优化掌上服务。" in line.text
    assert "**加强功能建设**：" in summary_markdown(doc, summary)


def test_procedure_filler_asides_and_bylines_are_never_chosen() -> None:
    body = (
        "学习是提高素质的重要途径，机关干部要勤于学习、善于学习。学习的目的在于运用。（办公厅负责）"
        "现就有关工作通知如下。"
    )
    doc = _document(
        _paragraph("来源：人民网－人民日报", 1),
        _paragraph(CEREMONY, 2),
        _heading(1, "一、", "抓学习", 3),
        _paragraph(body, 4),
        _paragraph("联系人：市政府办公室张明，联系电话：0470-8236501。", 5),
    )
    chosen = {s.text for s in summarize(doc, budget_chars=1000).sentences}
    assert chosen == {"抓学习：学习是提高素质的重要途径，机关干部要勤于学习、善于学习。"}


def test_nothing_is_said_twice() -> None:
    repeated = "要把学习作为履职的第一要求，学以致用，提高解决实际问题的本领。"
    blocks = [*_speech().blocks]
    blocks.insert(4, _paragraph(repeated, 4))
    summary = summarize(_document(*blocks), budget_chars=1000)
    assert summary.text.count(repeated) == 1


def test_text_without_headings_leads_with_its_opening_sentence() -> None:
    opening = "为推动机关作风建设，决定在全系统开展为期三个月的作风整顿活动。"
    doc = _document(_paragraph(opening + "".join(SECTIONS.values()), 1), title="关于开展作风整顿的通知")
    summary = summarize(doc, budget_chars=150)
    assert summary.kind == "notice" and summary.gist == opening
    assert opening not in summary.text
    assert len(summary.gist) + len(summary.text) <= 150


def test_without_headings_or_title_the_opening_sentence_is_the_gist() -> None:
    opening = "为推动机关作风建设，决定在全系统开展为期三个月的作风整顿活动。"
    doc = _document(_paragraph(opening + "".join(SECTIONS.values()), 1), title="notice", source="file name")
    summary = summarize(doc)
    assert summary.gist == opening
    assert opening not in summary.text


def test_without_headings_title_or_opening_the_best_sentence_is_the_gist() -> None:
    doc = _document(_paragraph(CEREMONY + "".join(SECTIONS.values()), 1), title="speech", source="file name")
    summary = summarize(doc)
    assert summary.gist and summary.gist in "".join(SECTIONS.values())
    assert summary.gist not in summary.text and len(summary.gist) <= 150


def test_empty_document_gives_an_empty_summary() -> None:
    summary = summarize(_document(title="空", source="file name"))
    assert summary == Summary(gist="", sentences=(), keywords=(), kind="speech")


def test_keywords_prefer_the_specific_and_keep_compounds_whole() -> None:
    sentences = [
        "政务新媒体是推进政务公开、加快发展的重要渠道。",
        "各地区要加强政务新媒体建设，推动经济社会发展。",
        "政务新媒体主办单位要做好发布审核，服务发展大局。",
        "县级政务新媒体要与融媒体中心建立协调机制，促进发展。",
        "政务新媒体名称应简洁规范，加快建设步伐。",
    ]
    keywords = summarize(_document(_paragraph("".join(sentences), 1)), keyword_count=6).keywords
    assert 0 < len(keywords) <= 6
    assert keywords[0] == "政务新媒体"
    assert not {"政务", "媒体", "发展", "建设", "工作", "加强", "推进"} & set(keywords)


def test_same_input_same_summary() -> None:
    assert summarize(_speech()) == summarize(_speech())


@pytest.mark.slow
def test_same_summary_in_every_process() -> None:
    """Nothing may hang on the order of a set or dict of strings, which changes with PYTHONHASHSEED."""
    script = (
        "import json; from pathlib import Path; from tasks.reading.normalize import normalize; "
        "from tasks.reading.structure import build_document; "
        "from tasks.analysis.summarize import summarize, summary_dict; "
        f"text = Path({str(SAMPLE)!r}).read_text(encoding='utf-8'); "
        "doc = build_document(normalize(text).text, 'speech.txt'); "
        "print(json.dumps(summary_dict(summarize(doc)), ensure_ascii=False))"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(outputs) == 1


def test_many_sections_are_named_in_half_the_budget_and_all_still_speak() -> None:
    pairs = "农业工业教育医疗交通水利环保科技文化体育金融住房就业养老旅游商贸物流能源通信安全"
    topics = [pairs[i : i + 2] for i in range(0, len(pairs), 2)]
    blocks = []
    for n, topic in enumerate(topics):
        blocks.append(_heading(1, f"{n + 1}、", f"加快{topic}领域改革", 2 * n + 1))
        blocks.append(
            _paragraph(f"要围绕{topic}领域的突出问题，拿出管用的办法，确保{topic}改革落地见效。", 2 * n + 2)
        )
    doc = _document(*blocks)
    summary = summarize(doc)
    assert summary.gist.startswith("共二十个方面：加快农业领域改革、") and summary.gist.endswith("等。")
    assert len(summary.gist) <= 150 and len(summary.gist) + len(summary.text) <= 300
    assert summary.sentences


def test_a_hundred_and_more_points_are_read_counted_and_summarized() -> None:
    """120 level-1 points, numbered 一、 … 一百二十、, through the whole pipeline (issue 15 point 8)."""
    fields = "农业工业教育医疗交通水利环保科技文化体育金融住房就业养老旅游商贸物流能源通信安全"
    topics = [fields[i : i + 2] for i in range(0, len(fields), 2)]
    lines = ["关于推进重点领域改革的实施意见", ""]
    for n in range(1, 121):
        topic = topics[n % len(topics)]
        lines.append(f"{spelled(n)}、推进第{n}批{topic}改革")
        lines.append(f"要聚焦{topic}领域第{n}批改革任务，明确责任分工，确保按期完成。")
    doc = build_document(normalize("\n".join(lines)).text, "意见.txt")
    numbers = [h.number for h in top_headings(doc)]
    assert numbers == [f"{spelled(n)}、" for n in range(1, 121)]
    assert numbers[99:102] == ["一百、", "一百零一、", "一百零二、"] and numbers[-1] == "一百二十、"
    summary = summarize(doc)
    assert summary.gist.startswith("共一百二十个方面：推进第1批")
    assert summary.sentences and len(summary.gist) + len(summary.text) <= 300
    assert f"**要点**：{summary.gist}" in summary_markdown(doc, summary)


@pytest.mark.parametrize(
    ("n", "numeral"),
    [(1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (99, "九十九"), (100, "一百"), (101, "一百零一"),
     (110, "一百一十"), (120, "一百二十"), (999, "九百九十九")],
)  # fmt: skip
def test_chinese_numerals_are_spelled_and_read_alike(n: int, numeral: str) -> None:
    assert spelled(n) == numeral and value(numeral) == n


def test_markdown_gives_a_paragraph_per_section_and_json_the_same_content() -> None:
    doc = _speech()
    summary = summarize(doc)
    markdown = summary_markdown(doc, summary)
    data = json.loads(json.dumps(summary_dict(summary), ensure_ascii=False))
    assert f"**要点**：{summary.gist}" in markdown and "## 关键句" in markdown and "## 关键词" in markdown
    paragraphs = markdown.split("## 关键句")[1].split("## 关键词")[0].strip().split("\n\n")
    assert [p[:2] for p in paragraphs] == ["一、", "二、", "三、"]
    assert all(s.text.removeprefix(s.label) in markdown for s in summary.sentences)
    assert all(f"**{s.label}**" in markdown for s in summary.sentences)
    assert data["gist"] == summary.gist and data["keywords"] == list(summary.keywords)
    assert data["chars"] == len(summary.gist) + len(summary.text) <= 300
    assert [s["block_index"] for s in data["sentences"]] == [s.block_index for s in summary.sentences]


def test_markdown_titles_render_bold_even_next_to_quotes_and_punctuation() -> None:
    doc = _document(
        _heading(1, "一、", "“十三五”时期的主要目标", 1),
        _paragraph("今后五年要坚持发展第一要务，不断壮大地区综合实力，实现经济中高速增长。", 2),
        _heading(2, "（一）", "坚持和完善党对“三农”工作的领导", 3),
        _paragraph("各级党委和政府要把党管农村工作的要求落到实处，健全领导体制机制。", 4),
    )
    summary = summarize(doc, budget_chars=1000)
    html = MarkdownIt().render(summary_markdown(doc, summary))
    assert "<strong>“十三五”时期的主要目标</strong>：" in html and "**" not in html
    assert html.count("<strong>") == 1 + len(summary.sentences)


def test_markdown_escapes_what_markdown_would_read_as_markup() -> None:
    doc = _document(
        _paragraph("第*1*项工作要按照<规定>完成，不得拖延，各单位要抓紧落实到位。", 1), title="a_b"
    )
    markdown = summary_markdown(doc, summarize(doc))
    assert "# a\\_b" in markdown and "第\\*1\\*项" in markdown and "\\<规定\\>" in markdown


def test_sentence_graph_stays_sparse_for_long_texts() -> None:
    """Edges grow with the number of sentences, not its square: long reports stay near-linear."""
    topics = ["学习", "团结", "落实", "创新", "服务", "纪律", "作风", "调研"]
    text = "".join(
        f"第{n}项要求是把{topics[n % 8]}和{topics[n % 5]}结合起来，推动{topics[n % 7]}取得实效。"
        for n in range(3000)
    )
    units = collect(_document(_paragraph(text, 1)))
    graph = similarity_graph(units)
    assert len(units) == 3000
    assert sum(len(edges) for edges in graph) <= 2 * MAX_NEIGHBOURS * len(units)


def test_rouge_l_is_character_level_lcs() -> None:
    precision, recall, f1 = _benchmark().rouge_l("讲学习讲团结", "讲学习，讲责任")
    assert (precision, recall) == (4 / 6, 4 / 6) and f1 == pytest.approx(4 / 6)


def test_coverage_does_not_count_a_sections_own_title() -> None:
    doc = _speech()
    title_only = Summary("", (KeySentence("抓学习，提升理论水平。", 2, 1.0),), ())
    assert _benchmark().heading_coverage(doc, title_only) == 0.0
    assert _benchmark().heading_coverage(doc, summarize(doc)) == 1.0


def test_sample_speech_names_its_four_points_scores_and_is_fast() -> None:
    benchmark = _benchmark()
    doc = benchmark.load_document(SAMPLE)
    summary = summarize(doc)
    score = benchmark.score_summary("speech_office_directors", doc, summary)
    assert summary.gist == "共四个方面：讲学习、讲团结、讲责任、讲创新。"
    assert score.coverage == 1.0 and score.chars <= 300
    assert score.f1 >= 0.35  # 0.28 before titles, coverage-first selection and the shared budget
    assert not any(s.text.startswith(("刚才", "下面")) for s in summary.sentences)
    _, cpu_seconds = benchmark.best_of_three(lambda: summarize(doc))
    assert cpu_seconds < 0.1  # ~20 ms CPU warm; CPU time, since a busy box stretches the wall clock


@pytest.mark.parametrize("reference", REFERENCES, ids=lambda p: p.stem)
def test_reference_summaries_are_office_length_and_are_matched(reference: Path) -> None:
    benchmark = _benchmark()
    assert 100 <= len(reference.read_text(encoding="utf-8").strip()) <= 300
    doc = benchmark.load_document(benchmark.source_for(reference.stem, SAMPLES))
    score = benchmark.score_summary(reference.stem, doc, summarize(doc))
    assert score.chars <= 300 and score.coverage >= 0.8
    # mean 0.495 over all references (0.475 before issue 20, same structure stage); lowest 0.35
    assert score.f1 >= 0.3


@pytest.mark.slow
def test_a_long_report_is_summarized_in_near_linear_time() -> None:
    doc = _benchmark().long_document(SAMPLES)
    tokenizer()
    start = time.process_time()
    summary = summarize(doc)
    assert time.process_time() - start < 3.0  # ~1.2 s CPU for 100,000 characters, most of it jieba
    assert summary.sentences and len(summary.gist) + len(summary.text) <= 300
