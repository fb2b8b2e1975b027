"""The 版记 (GB/T 9704 7.4): 抄送 and 印发 lines at the end of a formal document.

Recognised only at the very end of the text; set at the bottom of the last page between rules as wide as
the type area (PDF, checked with pdfplumber), and as a table of full-width rules after the body (DOCX XML).
"""

from __future__ import annotations

import pytest

from tasks.model import BlockKind, Run
from tasks.normalize import normalize
from tasks.structure import build_document

NOTICE = (
    "云山市人民政府办公室关于印发《云山市政务信息报送办法》的通知\n"
    "各县（市、区）人民政府，市政府各部门：\n"
    "现将《云山市政务信息报送办法》印发给你们，请认真贯彻执行。\n"
    "一、报送要求\n"
    "报送的信息涉及其他部门职责的，应当同时抄送相关部门。\n"
    "云山市人民政府办公室\n"
    "2024年3月5日\n"
)
COPY_TO = "抄送：市委办公室，市人大常委会办公室，市政协办公室。"
PRINTED_BY = "云山市人民政府办公室　　　　　　　　2024年3月5日印发"


def imprint(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """(kind, run texts) of the 版记 blocks read from the normalized text."""
    doc = build_document(normalize(text).text, "x.txt")
    kinds = (BlockKind.COPY_TO, BlockKind.PRINTED_BY)
    return [(b.kind.value, tuple(r.text for r in b.runs)) for b in doc.blocks if b.kind in kinds]


OFFICE_AND_DATE = ("printed_by", ("云山市人民政府办公室", "2024年3月5日印发"))


@pytest.mark.parametrize(
    "line",
    [
        "云山市人民政府办公室　　　　　　　　2024年3月5日印发",
        "云山市人民政府办公室        2024年3月5日印发",
        "云山市人民政府办公室\t\t2024年3月5日印发",
        "云山市人民政府办公室 2024年3月5日印发",
        "云山市人民政府办公室2024年3月5日印发",
        "　　云山市人民政府办公室　　2024年3月5日印发　　",
    ],
    ids=["full-width spaces", "spaces", "tabs", "one space", "no space", "indented"],
)
def test_printed_by_line_however_spaced(line: str) -> None:
    assert imprint(f"{NOTICE}{COPY_TO}\n{line}") == [
        ("copy_to", ("抄送：", "市委办公室，市人大常委会办公室，市政协办公室。")),
        OFFICE_AND_DATE,
    ]


def test_print_run_note_on_the_line_or_under_it() -> None:
    on_the_line = imprint(f"{NOTICE}云山市人民政府办公室　　2024年3月5日印发（共印60份）")
    under_it = imprint(f"{NOTICE}云山市人民政府办公室　　2024年3月5日印发\n（共印60份）")
    assert (
        on_the_line == under_it == [("printed_by", ("云山市人民政府办公室", "2024年3月5日印发（共印60份）"))]
    )


def test_copy_to_continued_on_the_next_line_and_raw_marks() -> None:
    text = f"{NOTICE}抄送:市委办公室,市人大常委会办公室,\n　　　市政协办公室。\n{PRINTED_BY}"
    assert imprint(text) == [
        ("copy_to", ("抄送：", "市委办公室，市人大常委会办公室，市政协办公室。")),
        OFFICE_AND_DATE,
    ]


def test_addressees_moved_into_the_imprint_above_copy_to() -> None:
    text = f"{NOTICE}主送：各县（市、区）人民政府。\n{COPY_TO}\n{PRINTED_BY}"
    assert [kind for kind, _ in imprint(text)] == ["copy_to", "copy_to", "printed_by"]
    assert imprint(text)[0] == ("copy_to", ("主送：", "各县（市、区）人民政府。"))


def test_copy_to_alone_and_date_alone() -> None:
    assert imprint(f"{NOTICE}{COPY_TO}") == [
        ("copy_to", ("抄送：", "市委办公室，市人大常委会办公室，市政协办公室。"))
    ]
    assert imprint(f"{NOTICE}2024年3月5日印发") == [("printed_by", ("2024年3月5日印发",))]


def test_imprint_lines_keep_their_line_numbers_and_stay_out_of_the_outline() -> None:
    doc = build_document(f"{NOTICE}{COPY_TO}\n{PRINTED_BY}", "x.txt")
    without = build_document(NOTICE, "x.txt")
    assert [(b.kind, b.line) for b in doc.blocks[-2:]] == [(BlockKind.COPY_TO, 8), (BlockKind.PRINTED_BY, 9)]
    assert all(b.heading is None for b in doc.blocks[-2:])
    assert doc.outline == without.outline and [h.number for h in doc.outline] == ["一、"]
    assert doc.blocks[:-2] == without.blocks
    assert doc.blocks[-3].kind is BlockKind.SIGNED_DATE


@pytest.mark.parametrize(
    "ending",
    [
        "现将《云山市政务信息报送办法》印发给你们，请认真贯彻执行。",  # a sentence saying 印发
        "本办法自2024年3月5日印发之日起施行。",
        "2019年4月1日印发的《云山市政务信息工作规定》同时废止。",
        "主送：各县（市、区）人民政府。",  # addressees alone: no 抄送, no 印发 under them
        f"{COPY_TO}\n（此件公开发布）",  # a 抄送 line that does not end the text
        f"{PRINTED_BY}\n报送的信息应当同时抄送相关部门。",  # an 印发 line with body text after it
        "抄送：市委办公室。请各单位认真执行。",  # a sentence after the list
    ],
    ids=["issued-to-you", "in-force", "repealed", "addressees", "copy-not-last", "printed-not-last", "prose"],
)
def test_body_sentences_with_yinfa_or_chaosong_are_no_imprint(ending: str) -> None:
    assert imprint(f"{NOTICE}{ending}") == []


def test_title_that_issues_a_document_is_no_imprint() -> None:
    doc = build_document("关于印发《云山市政务信息报送办法》的通知\n2024年3月5日印发", "x.txt")
    assert [(b.kind, b.text) for b in doc.blocks] == [
        (BlockKind.TITLE, "关于印发《云山市政务信息报送办法》的通知"),
        (BlockKind.PRINTED_BY, "2024年3月5日印发"),
    ]
    assert doc.blocks[1].runs == (Run("2024年3月5日印发"),)
