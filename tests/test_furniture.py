"""Site and news furniture is left out of the document, wherever it stands, and reported.

The messy samples (tests/data/samples/messy/NAME.expect.json lists each one's furniture) are checked
on the Document and, through `convert_document`, in the PDF (pdfplumber) and the DOCX text, report.json
and changes.html. The short texts below are written in the shapes of the genre, not copied from the
samples: other agencies, names, dates and sites.
"""

from __future__ import annotations

import html
import json
import re
from functools import cache
from pathlib import Path

import pdfplumber
import pytest
from conftest import MESSY

from flows.config import Settings
from flows.engine.convert import convert_document
from tasks.model import BlockKind, Document
from tasks.reading.normalize import normalize
from tasks.reading.structure import build_document
from tasks.reading.structure.furniture import find_furniture, remove_furniture
from tasks.writing.changes_html import render_changes_html
from tasks.writing.layout import get_profile
from tests import docx_layout_check as docx_check
from tests import pdf_layout_check as pdf_check

NAMES = sorted(p.stem for p in MESSY.glob("*.txt"))
_SHORT = 8  # a furniture item this short (打印本页, 分享：) is compared as a whole line, not a substring


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


@cache
def expected(name: str) -> dict:
    return json.loads((MESSY / f"{name}.expect.json").read_text(encoding="utf-8"))


@cache
def document(name: str) -> Document:
    raw = (MESSY / f"{name}.txt").read_text(encoding="utf-8")
    return build_document(normalize(raw).text, f"{name}.txt")


def _furniture(name: str) -> list[str]:
    """Each item as the document would hold it: normalized, without whitespace."""
    return [_compact(normalize(item).text) for item in expected(name)["furniture"]]


def _left_in(items: list[str], paragraphs: list[str]) -> list[str]:
    """Items found in `paragraphs`: long ones anywhere, short ones as a whole paragraph or line."""
    whole = "".join(_compact(p) for p in paragraphs)
    lines = {_compact(line) for p in paragraphs for line in p.split("\n")}
    return [item for item in items if (item in lines if len(item) <= _SHORT else item in whole)]


@pytest.mark.parametrize("name", NAMES)
def test_no_furniture_in_the_document(name: str) -> None:
    assert _left_in(_furniture(name), [b.text for b in document(name).blocks]) == []


@pytest.mark.parametrize("name", NAMES)
def test_every_furniture_item_is_reported(name: str) -> None:
    dropped = "".join(_compact(d.text) for d in document(name).dropped)
    assert [item for item in _furniture(name) if item not in dropped] == []
    assert sum(w.rule == "furniture" for w in document(name).warnings) == 1


@pytest.mark.parametrize("name", NAMES)
def test_nothing_but_furniture_is_dropped(name: str) -> None:
    """Every dropped piece lies inside one expected furniture item (the lone ※ mark of a ※ note aside)."""
    items = _furniture(name)
    for piece in document(name).dropped:
        assert piece.text == "※" or any(_compact(piece.text) in item for item in items), piece


@pytest.mark.parametrize("name", NAMES)
def test_dropped_pieces_point_into_the_text(name: str) -> None:
    text = normalize((MESSY / f"{name}.txt").read_text(encoding="utf-8")).text
    for piece in document(name).dropped:
        assert text[piece.offset : piece.offset + len(piece.text)] == piece.text
        assert text.count("\n", 0, piece.offset) + 1 == piece.line


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    outputs = tmp_path_factory.mktemp("outputs")
    settings = Settings(outputs=outputs)
    for name in NAMES:
        convert_document(MESSY / f"{name}.txt", settings, name)
    return outputs


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.slow
def test_no_furniture_in_the_pdf_or_the_docx(name: str, converted: Path) -> None:
    folder = converted / name
    with pdfplumber.open(folder / f"{name}.pdf") as pdf:
        pdf_lines = [line.text for line in pdf_check.lines(pdf, get_profile("gbt9704"))]
    xml = docx_check.read_docx_xml(folder / f"{name}.docx")
    docx_paragraphs = [docx_check.paragraph_text(p) for p in docx_check.body_paragraphs(xml)]
    items = _furniture(name)
    # The PDF's lines are broken by the typesetter: long items are looked for in the joined text.
    assert _left_in([i for i in items if len(i) > _SHORT], ["".join(pdf_lines)]) == []
    assert _left_in([i for i in items if len(i) <= _SHORT], pdf_lines) == []
    assert _left_in(items, docx_paragraphs) == []


@pytest.mark.parametrize("name", NAMES)
def test_report_and_changes_page_list_what_was_dropped(name: str, converted: Path) -> None:
    report = json.loads((converted / name / "report.json").read_text(encoding="utf-8"))
    dropped = report["structure"]["dropped"]
    assert [(d["line"], d["reason"], d["text"]) for d in dropped] == [
        (d.line, d.reason, d.text) for d in document(name).dropped
    ]
    assert any(w["rule"] == "furniture" for w in report["structure"]["warnings"])
    page = (converted / name / "changes.html").read_text(encoding="utf-8")
    struck = re.findall(r'<s class="f" title="left out: ([^"]+)">', page)
    assert set(struck) == {d["reason"] for d in dropped}
    assert len(struck) >= len(dropped)  # a piece over several lines is struck through on each


def _dropped(text: str) -> list[tuple[str, str]]:
    return [(d.reason, d.text) for d in remove_furniture(text)[1]]


def _body(text: str) -> list[str]:
    return [b.text for b in build_document(text, "x.txt").blocks if b.kind is not BlockKind.TITLE]


def test_blanking_keeps_every_offset_and_line() -> None:
    text = "标题\n【字号：\n大\n中\n小\n】\n正文第一段。\n网站标识码：3300000001　浙ICP备05012345号"
    blanked, dropped = remove_furniture(text)
    assert len(blanked) == len(text) and blanked.count("\n") == text.count("\n")
    assert [line.strip() for line in blanked.split("\n")] == ["标题", "", "", "", "", "", "正文第一段。", ""]
    assert [(d.line, d.reason) for d in dropped] == [(2, "website widget"), (8, "site footer")]


def test_a_caption_glued_between_two_sentences_and_a_heading() -> None:
    text = (
        "要坚持不懈抓好落实。2023年5月8日，省委书记王建国在某县调研。这是王建国在某企业了解生产情况。"
        " 人民日报记者 李明 摄一、加强组织保障。各级党委要负起责任。"
    )
    assert _dropped(text) == [
        (
            "photo caption",
            "2023年5月8日，省委书记王建国在某县调研。这是王建国在某企业了解生产情况。 人民日报记者 李明 摄",
        )
    ]
    doc = build_document(text, "x.txt")
    assert [h.number for h in doc.outline] == ["一、"]
    assert "李明" not in "".join(b.text for b in doc.blocks)


def test_a_caption_never_takes_the_speakers_own_sentence() -> None:
    """The speaker's dated sentence (我……) before a caption that names no date stays."""
    text = "1月7日，我主持召开会议研究部署。同志们在一线坚守岗位。图为医务人员在病房工作。 新华社记者 张三/摄"
    assert _dropped(text) == [("photo caption", "图为医务人员在病房工作。 新华社记者 张三/摄")]
    alone = "1月7日，我主持召开会议。 新华社记者 张三/摄"
    assert _dropped(alone) == [("photo caption", "新华社记者 张三/摄")]


def test_a_caption_on_its_own_line_with_a_bracketed_credit() -> None:
    text = "各位代表：\n3月1日，全市重点项目集中开工。（通讯员 刘洋 摄）\n现在，我代表市人民政府报告工作。"
    assert _dropped(text) == [("photo caption", "3月1日，全市重点项目集中开工。（通讯员 刘洋 摄）")]


def test_dateline_and_trailers() -> None:
    text = (
        "中新社上海5月3日电（记者 陈静）上海市今天召开会议。会议要求抓好落实。"
        "（中新社上海5月3日电）《 解放日报 》（ 2023年05月04日 03 版）"
    )
    assert [reason for reason, _ in _dropped(text)] == [
        "news agency dateline",
        "news agency dateline",
        "newspaper trailer",
    ]
    assert _body(text) == ["上海市今天召开会议。会议要求抓好落实。"]


def test_a_newspaper_cited_inside_a_sentence_stays() -> None:
    text = "标题\n《人民日报》（2023年5月4日）发表评论员文章，引起广泛反响。"
    assert _dropped(text) == []


def test_page_chrome_one_token_per_line() -> None:
    text = (
        "您现在的位置：\n首页\n>\n新闻中心\n>\n图片新闻\n关于做好防汛工作的通知\n"
        "发布时间：\n2024-06-01 10:12\n"
        "信息来源：\n市应急管理局\n浏览次数：\n【\n打印此页\n】\n各区县：\n请做好防汛工作。\n特此通知。\n"
        "相关阅读：\n0f1e2d3c4b5a69788796a5b4c3d2e1f0:\n防汛知识问答\n回到顶部\n返回首页\n|\n网站地图"
    )
    doc = build_document(text, "x.txt")
    assert doc.title == "关于做好防汛工作的通知"
    assert [b.text for b in doc.blocks] == [
        "关于做好防汛工作的通知",
        "各区县：",
        "请做好防汛工作。",
        "特此通知。",
    ]
    reasons = {d.reason for d in doc.dropped}
    assert {"breadcrumb", "source credit", "view count", "website widget", "related links"} <= reasons


def test_meta_lines_count_only_at_the_edges_of_the_page() -> None:
    """来源：, 作者：, a menu of spaced words: furniture over and under the text, content inside it."""
    text = "统计公报\n一、总体情况\n全年经济平稳运行。\n来源：国家统计局\n二、分项情况\n各项指标向好。"
    assert _dropped(text) == []


def test_a_page_headline_over_the_documents_own_title() -> None:
    text = (
        "市政府召开常务会议部署防汛工作\n来源：市政府办公室\n【字体：大 中 小】\n"
        "云山市人民政府常务会议纪要\n会议研究了防汛工作。"
    )
    doc = build_document(text, "x.txt")
    assert doc.title == "云山市人民政府常务会议纪要"
    assert ("page headline", "市政府召开常务会议部署防汛工作") in [(d.reason, d.text) for d in doc.dropped]


def test_the_title_repeated_under_the_page_tail() -> None:
    text = (
        "关于加强安全生产工作的意见\n各单位：\n为加强安全生产，现提出如下意见。\n要压实责任。\n"
        "打印本页\n关闭窗口\n关于加强安全生产工作的意见\n各单位：为加强安全生产，现提出如下意见。"
    )
    assert _body(text) == ["各单位：", "为加强安全生产，现提出如下意见。", "要压实责任。"]
    assert [reason for reason, _ in _dropped(text)][-1] == "repeated title"


def test_a_clean_document_loses_nothing() -> None:
    text = "关于印发方案的通知\n各单位：\n现将《方案》印发给你们。\n附件：方案\n云山市人民政府\n2024年1月2日"
    assert find_furniture(text) == []


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        (
            "在全省乡村振兴工作会议上的讲话（2023年3月1日）张建国同志们：今天的会议很重要。",
            [
                ("title", "在全省乡村振兴工作会议上的讲话"),
                ("date", "（2023年3月1日）"),
                ("speaker", "张建国"),
                ("salutation", "同志们："),
            ],
        ),
        (
            "　　新华社北京3月5日电关于《政府工作报告》修改情况的说明李强各位代表：　　现在我作说明。",
            [
                ("title", "关于《政府工作报告》修改情况的说明"),
                ("speaker", "李强"),
                ("salutation", "各位代表："),
            ],
        ),
        (
            "决胜小康社会 夺取伟大胜利——在全省党代会上的报告（2022年5月20日）王建国同志们：现在我作报告。",
            [
                ("title", "决胜小康社会夺取伟大胜利"),
                ("subtitle", "——在全省党代会上的报告"),
                ("date", "（2022年5月20日）"),
                ("speaker", "王建国"),
                ("salutation", "同志们："),
            ],
        ),
        (
            "关于进一步加强安全生产工作的通知各乡镇人民政府：现将有关事项通知如下。",
            [("title", "关于进一步加强安全生产工作的通知"), ("salutation", "各乡镇人民政府：")],
        ),
    ],
)
def test_title_date_speaker_and_salutation_run_together(text: str, parts: list[tuple[str, str]]) -> None:
    doc = build_document(text, "x.txt")
    assert [(b.kind.value, b.text) for b in doc.blocks][: len(parts)] == parts
    assert doc.blocks[len(parts)].kind is BlockKind.PARAGRAPH


def test_a_two_line_title_joined_by_a_space_keeps_its_lines() -> None:
    doc = build_document("坚定文化自信 建设文化强国※习近平文化是民族的血脉。※这是在某会议上的讲话。", "x.txt")
    title = doc.blocks[0]
    assert title.kind is BlockKind.TITLE
    assert [run.text for run in title.runs] == ["坚定文化自信", "建设文化强国"]
    assert doc.title == "坚定文化自信建设文化强国"
    assert (doc.blocks[1].kind, doc.blocks[1].text) == (BlockKind.SPEAKER, "习近平")
    assert [(d.reason, d.text) for d in doc.dropped] == [
        ("footnote mark", "※"),
        ("source note", "※这是在某会议上的讲话。"),
    ]


@pytest.mark.parametrize("name", NAMES)
def test_title_and_title_lines(name: str) -> None:
    """The text's own title, its lines as the author broke them; none where the text has none."""
    doc, want = document(name), expected(name)
    title = next((b for b in doc.blocks if b.kind is BlockKind.TITLE and b.line > 0), None)
    if not want["title"]:
        assert title is None and doc.title_source in ("inferred", "none")
        return
    assert title is not None and doc.title_source == "text"
    assert doc.title == _compact(want["title"])
    assert [run.text for run in title.runs] == want["title_lines"]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("标题\n正文。\n3月1日，工人在车间作业。新华社发（王五 摄）\n正文。", "photo caption"),
        ("标题\n正文。\n【责任编辑：李四】", "editor credit"),
        ("标题\n正文。\n（本文来源：新华网）", "source credit"),
        ("2024-01-02 10:00　来源：新华网　作者：张三\n标题\n正文。", "page meta"),
        ("标题\u3000\u3000新华社北京10月27日电\u3000\u3000正文。", "news agency dateline"),
        ("标题\n正文。\n打印 | 关闭\n微信 微博 QQ空间", "website widget"),
        ("标题\n正文。\n京公网安备 11010202000001号", "site footer"),
    ],
)
def test_more_shapes_of_furniture(text: str, reason: str) -> None:
    assert reason in {r for r, _ in _dropped(text)}
    assert all("正文" not in piece for _, piece in _dropped(text))


@pytest.mark.parametrize("line", ["分享发展成果", "点击率大幅提升。", "时间：2024年3月1日上午", "编辑部"])
def test_content_that_looks_like_furniture_stays(line: str) -> None:
    assert _dropped(f"标题\n{line}\n正文。") == []


def test_a_toolbar_without_brackets_one_token_per_line() -> None:
    text = "标题\n正文。\n字号：\n大\n中\n小\n打印\n|\n关闭"
    assert [line.strip() for line in remove_furniture(text)[0].split("\n")] == ["标题", "正文。"] + [""] * 7


def test_single_characters_away_from_any_toolbar_stay() -> None:
    """A table flattened one cell per line (规模 / 大 / 中 / 小) is content."""
    assert _dropped("标题\n规模\n大\n中\n小\n正文。") == []


def test_a_caption_saying_wo_guo_and_a_credit_in_a_paragraph_of_its_own() -> None:
    caption = "6月17日，神舟十二号飞船发射升空。这是我国首次载人飞行。\u3000\u3000新华社记者 李刚 摄"
    text = f"要抓好落实。\u3000\u3000{caption}\u3000\u3000第二，加强领导。"
    assert _dropped(text) == [("photo caption", caption)]


def test_a_news_portal_page() -> None:
    text = (
        "国务院关于加强数字政府建设的指导意见\n2022-06-23 16:12　来源：新华社\n字体：【大】【中】【小】\n"
        "原标题：国务院印发指导意见\n新华社北京6月23日电\u3000国务院日前印发意见。意见提出总体要求。（完）\n"
        "【纠错】\u3000【责任编辑：王敏】\n手机扫一扫\n图片来源：新华社\n"
        "版权所有：中国政府网　|　关于本网　|　网站声明\n运行维护单位：中国政府网运行中心"
    )
    doc = build_document(text, "x.txt")
    assert doc.title == "国务院关于加强数字政府建设的指导意见"
    assert [b.text for b in doc.blocks] == [doc.title, "国务院日前印发意见。意见提出总体要求。"]


def test_changes_page_strikes_through_the_input_text_of_each_piece() -> None:
    """Columns of the normalized text map back to the input line, across the normalizer's edits."""
    source = "要抓好落实。 2023年05月08日，王建国在某县调研。 人民日报记者 李明 摄一、加强保障。\n打印本页"
    result = normalize(source)
    dropped = build_document(result.text, "x.txt").dropped
    page = render_changes_html(source, result, "x", dropped)
    struck = re.findall(r'<s class="f" title="left out: [^"]+">(.*?)</s>', page)
    inputs = [re.sub(r"<[^>]+>", "", re.sub(r"<ins>.*?</ins>", "", s)) for s in struck]
    assert [html.unescape(s).strip() for s in inputs] == [
        "2023年05月08日，王建国在某县调研。 人民日报记者 李明 摄",
        "打印本页",
    ]


def test_a_page_headline_repeating_the_title_is_dropped_once() -> None:
    title = "关于做好防汛工作的通知"
    text = f"{title}\n发布时间：2024-06-01\n【打印】\n{title}\n各区县：\n请做好防汛工作。"
    doc = build_document(text, "x.txt")
    assert [b.text for b in doc.blocks] == [title, "各区县：", "请做好防汛工作。"]
    assert doc.blocks[0].line == 4


def test_warnings_on_text_left_out_of_the_document_are_not_shown(tmp_path: Path) -> None:
    """A site toolbar split over lines (【 / 打印本页 / 】) leaves marks unclosed, in the raw text only."""
    sample = MESSY / "ningxia_2026_gov_work_report.txt"
    result = convert_document(sample, Settings(outputs=tmp_path / "out"), "ningxia")
    report = json.loads((Path(result.output_dir) / "report.json").read_text(encoding="utf-8"))
    raw = [w for w in report["normalization"]["warnings"] if w["rule"] == "R13"]
    assert raw, "the normalizer saw the toolbar's marks"
    assert not [w for w in result.warnings if w.startswith("R13")]
    assert report["warnings"] == result.warnings
