"""Genre fixtures: texts written in the style of government documents and speeches, unlike the corpus.

Each tests/data/genre/NAME.txt has a NAME.json holding what a reader sees in it: the front and closing
parts (title, subtitle, speaker, date, 发文字号, salutation, closing, 附件, signature), the outline with
kinds and lines, the boilerplate left out, the numbering warnings, the normalizer's warnings, and for
drafts the expected normalized lines (NAME.normalized.txt: the whole text). The pipeline normalizes
before it reads structure, so structure is asserted on normalized text; the outline must come out of
the raw text as well.
"""

from __future__ import annotations

import json
import re
import sys
from functools import cache
from pathlib import Path

import pytest

from tasks.analysis.outline import outline_entries
from tasks.model import BlockKind, Document, Metadata, NormalizedText
from tasks.reading.normalize import normalize
from tasks.reading.structure import build_document

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
import score_outline  # noqa: E402

GENRE = Path(__file__).parent / "data" / "genre"
NAMES = sorted(p.stem for p in GENRE.glob("*.json"))
_BODY = (BlockKind.PARAGRAPH, BlockKind.HEADING)
_OUTLINE_FIELDS = ("level", "number", "title", "inline", "kind", "line")
_WHITESPACE = re.compile(r"\s+")
_HANZI = re.compile("[\u4e00-\u9fff]+")


@cache
def raw(name: str) -> str:
    return (GENRE / f"{name}.txt").read_text(encoding="utf-8")


@cache
def expected(name: str) -> dict:
    return json.loads((GENRE / f"{name}.json").read_text(encoding="utf-8"))


@cache
def normalized(name: str) -> NormalizedText:
    return normalize(raw(name))


@cache
def document(name: str) -> Document:
    return build_document(normalized(name).text, f"{name}.txt")


def test_there_are_enough_fixtures() -> None:
    assert len(NAMES) >= 10 and all((GENRE / f"{name}.txt").exists() for name in NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_title_and_parts(name: str) -> None:
    doc, want = document(name), expected(name)
    assert (doc.title, doc.title_source) == (want["title"], want["title_source"])
    parts = [[b.line, b.kind.value, b.text] for b in doc.blocks if b.kind not in _BODY]
    assert parts == want["parts"]


def test_title_from_metadata_where_the_text_has_none() -> None:
    title = "关于开展护林防火宣传月活动的通知"
    doc = build_document(normalized("notice_no_title_joint").text, "x.txt", Metadata(title=title))
    assert (doc.title, doc.title_source) == (title, "metadata")
    assert (doc.blocks[0].kind, doc.blocks[0].text, doc.blocks[0].line) == (BlockKind.TITLE, title, 0)


@pytest.mark.parametrize("name", NAMES)
def test_outline(name: str) -> None:
    entries = [{key: e[key] for key in _OUTLINE_FIELDS} for e in outline_entries(document(name))]
    assert entries == expected(name)["outline"]


@pytest.mark.parametrize("name", NAMES)
def test_outline_from_the_raw_text(name: str) -> None:
    """Scored as the corpus is (benchmarks/score_outline.py), titles compared after normalizing."""
    found = [
        {**e, "title": normalize(e["title"]).text}
        for e in outline_entries(build_document(raw(name), f"{name}.txt"))
    ]
    for kind in ("heading", "item"):
        score = score_outline._score(expected(name)["outline"], found, kind)
        assert score.f1 == 1.0, (kind, score)


@pytest.mark.parametrize("name", NAMES)
def test_boilerplate_is_left_out_and_reported(name: str) -> None:
    doc = document(name)
    assert [[d.line, d.reason] for d in doc.dropped] == expected(name)["dropped"]
    kept = {b.line for b in doc.blocks}
    assert not kept & {d.line for d in doc.dropped}


@pytest.mark.parametrize("name", NAMES)
def test_numbering_warnings(name: str) -> None:
    found = [[w.line, w.message] for w in document(name).warnings if w.rule == "numbering"]
    assert found == expected(name)["warnings"]


@pytest.mark.parametrize("name", NAMES)
def test_metadata_from_the_text(name: str) -> None:
    metadata = document(name).metadata
    for key, value in expected(name).get("metadata", {}).items():
        assert getattr(metadata, key) == value, key


@pytest.mark.parametrize("name", NAMES)
def test_normalizer_warnings(name: str) -> None:
    assert [[w.rule, w.line] for w in normalized(name).warnings] == expected(name)["normalize_warnings"]


@pytest.mark.parametrize("name", NAMES)
def test_normalized_lines(name: str) -> None:
    lines = normalized(name).text.split("\n")
    for number, text in expected(name)["normalized_lines"]:
        assert lines[number - 1] == text
    whole = GENRE / f"{name}.normalized.txt"
    if whole.exists():
        assert normalized(name).text == whole.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", [n for n in NAMES if expected(n)["clean"]])
def test_clean_text_keeps_every_mark(name: str) -> None:
    """An edited text loses indentation and stray spaces, and nothing else."""
    assert {c.rule for c in normalized(name).changes} <= {"R11"}
    assert _WHITESPACE.sub("", normalized(name).text) == _WHITESPACE.sub("", raw(name))


@pytest.mark.parametrize("name", NAMES)
def test_normalizing_keeps_words_lines_and_positions(name: str) -> None:
    text, result = raw(name), normalized(name)
    dated = text  # R12 alone may write hanzi as digits: 二〇二四年 -> 2024年
    for change in result.changes:
        dated = dated.replace(change.before, change.after, 1) if change.rule == "R12" else dated
    assert "".join(_HANZI.findall(result.text)) == "".join(_HANZI.findall(dated))
    assert result.text.count("\n") == text.count("\n")
    assert result.text.count(" ") <= text.count(" ")
    lines = text.split("\n")
    for change in result.changes:
        at = lines[change.line - 1][change.column - 1 :]
        # A rule may act on what an earlier rule wrote there (",，" -> "，，" -> "，").
        chained = any(
            other.rule != change.rule
            and other.line == change.line
            and other.column < change.column + len(change.before)
            and change.column < other.column + len(other.before)
            for other in result.changes
        )
        assert at.startswith(change.before) or chained, change
    assert normalize(result.text).changes == ()
