from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tasks.analysis.outline import outline_entries, outline_markdown
from tasks.reading.structure import build_document

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
import score_outline  # noqa: E402

TEXT = "标题\n同志们：\n一、总体要求\n（一）指导思想。正文。\n1.细则\n正文。\n二、保障\n正文。"


def test_entries_follow_the_contract() -> None:
    entries = outline_entries(build_document(TEXT, "x.txt"))
    assert entries[1] == {
        "level": 2,
        "number": "（一）",
        "title": "指导思想",
        "inline": True,
        "line": 4,
        "offset": TEXT.index("（一）"),
        "kind": "heading",
    }


def test_markdown_is_an_indented_list() -> None:
    assert outline_markdown(build_document(TEXT, "x.txt")) == (
        "# 标题\n\n- 一、总体要求\n  - （一）指导思想\n    - 1.细则\n- 二、保障\n"
    )


@pytest.mark.parametrize("normalized", [False, True], ids=["raw", "normalized"])
@pytest.mark.parametrize("path", score_outline.corpus_files(score_outline.CORPUS), ids=lambda p: p.stem)
def test_corpus_outline_f1(path: Path, normalized: bool) -> None:
    """Structure must hold on raw text and on what the pipeline really feeds it: normalized text."""
    headings, _ = score_outline.score_file(path, normalized)
    assert headings.f1 >= score_outline.TARGET_F1
