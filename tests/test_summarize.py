"""Summaries: gist from the top-level headings, key sentences from the text, budget, determinism."""

from __future__ import annotations

import importlib.util
import json
import sys
import time
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest

from tasks.model import Block, BlockKind, Document, Heading, Run
from tasks.summarize import summarize, summary_dict, summary_markdown
from tasks.words import tokenizer

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = Path("/work/shared/samples/speech_office_directors.txt")


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


SECTIONS = {
    ("一、", "抓学习，提升理论水平"): "学习是提高素质的重要途径，机关干部要勤于学习、善于学习。"
    "要把学习作为履职的第一要求，学以致用，提高解决实际问题的本领。",
    ("二、", "抓团结，形成工作合力"): "团结出凝聚力，出战斗力，班子成员要相互补台、相互支持。"
    "各部门要加强沟通协调，避免工作衔接上的失误，形成推动发展的整体合力。",
    ("三、", "抓落实，提高服务质量"): "落实是推动各项决策部署见到实效的关键环节。"
    "要讲求工作效率，见事快、行动快，保证服务质量，做到参谋不乱谋、服务不出错。",
}


def _speech() -> Document:
    blocks = [Block(BlockKind.SALUTATION, (Run("同志们："),), 1)]
    blocks.append(_paragraph("今天召开机关工作会议，主要是总结经验、部署任务。下面我讲三点意见。", 2))
    for (number, title), body in SECTIONS.items():
        blocks.append(_heading(1, number, title, len(blocks) + 1))
        blocks.append(_paragraph(body, len(blocks) + 1))
    blocks.append(Block(BlockKind.CLOSING, (Run("谢谢大家！"),), len(blocks) + 1))
    return Document(title="在机关工作会议上的讲话", title_source="text", blocks=tuple(blocks))


def test_gist_names_each_top_level_point() -> None:
    assert summarize(_speech()).gist == "共三个方面：抓学习、抓团结、抓落实。"


def test_gist_keeps_first_clause_when_headings_are_not_parallel() -> None:
    blocks = (
        _heading(1, "一、", "总体要求", 1),
        _paragraph("到2022年，建成整体协同、响应迅速的政务新媒体矩阵体系。", 2),
        _heading(1, "二、", "明确工作职责，理顺管理体制", 3),
        _paragraph("主管单位负责推进、指导、协调、监督政务新媒体工作。", 4),
    )
    doc = Document(title="意见", title_source="text", blocks=blocks)
    assert summarize(doc).gist == "共两个方面：总体要求、明确工作职责。"


def test_key_sentences_are_whole_sentences_of_the_text_in_order() -> None:
    doc = _speech()
    summary = summarize(doc, budget_chars=300)
    indices = [s.block_index for s in summary.sentences]
    assert indices == sorted(indices)
    for sentence in summary.sentences:
        assert sentence.text in doc.blocks[sentence.block_index].text
        assert sentence.text.endswith(("。", "！", "？"))


def test_every_top_level_section_gets_a_sentence_within_the_budget() -> None:
    doc = _speech()
    summary = summarize(doc, budget_chars=120)
    assert len(summary.text) <= 120
    heading_blocks = [i for i, b in enumerate(doc.blocks) if b.kind == BlockKind.HEADING]
    covered = {sum(1 for h in heading_blocks if h < s.block_index) for s in summary.sentences}
    assert covered == {1, 2, 3}


def test_text_without_headings_uses_plain_textrank() -> None:
    body = "".join(SECTIONS.values())
    doc = Document(title="通知", title_source="text", blocks=(_paragraph(body, 1),))
    summary = summarize(doc, budget_chars=80)
    assert summary.gist == "通知"
    assert summary.sentences and len(summary.text) <= 80


def test_empty_document_gives_an_empty_summary() -> None:
    summary = summarize(Document(title="空", title_source="file name", blocks=()))
    assert summary.sentences == () and summary.keywords == ()


def test_keywords_are_content_words_not_stop_words() -> None:
    keywords = summarize(_speech(), keyword_count=6).keywords
    assert 0 < len(keywords) <= 6
    assert not {"工作", "要", "进一步", "加强"} & set(keywords)


def test_same_input_same_summary() -> None:
    assert summarize(_speech()) == summarize(_speech())


def test_markdown_and_json_carry_gist_sentences_and_keywords() -> None:
    doc = _speech()
    summary = summarize(doc)
    markdown = summary_markdown(doc, summary)
    data = json.loads(json.dumps(summary_dict(summary), ensure_ascii=False))
    assert summary.gist in markdown and all(s.text in markdown for s in summary.sentences)
    assert data["gist"] == summary.gist and data["keywords"] == list(summary.keywords)
    assert [s["block_index"] for s in data["sentences"]] == [s.block_index for s in summary.sentences]


def test_rouge_l_is_character_level_lcs() -> None:
    precision, recall, f1 = _benchmark().rouge_l("讲学习讲团结", "讲学习，讲责任")
    assert (precision, recall) == (4 / 6, 4 / 6) and f1 == pytest.approx(4 / 6)


@pytest.mark.skipif(not SAMPLE.exists(), reason="shared samples not mounted")
def test_sample_speech_scores_above_floor_and_is_fast() -> None:
    benchmark = _benchmark()
    score = benchmark.score_file("speech_office_directors")
    assert score.coverage == 1.0
    assert score.f1 >= 0.22
    assert score.chars <= 300
    doc = benchmark.load_document(SAMPLE)
    summary = summarize(doc)
    assert summary.gist == "共四个方面：讲学习、讲团结、讲责任、讲创新。"
    tokenizer()
    start = time.perf_counter()
    summarize(doc)
    assert time.perf_counter() - start < 0.2  # ~25 ms on a quiet machine; room for a busy CI box
