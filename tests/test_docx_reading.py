"""DOCX read as Word shows it: each text once, no hidden or deleted text, numbers, notes and tables kept.

Documents are made here: python-docx's template (real styles.xml, settings, content types) with the
body, numbering.xml, footnotes.xml or styles replaced by the XML Word writes for each feature.
"""

from __future__ import annotations

import io
import re
import time
import zipfile
from pathlib import Path

import docx
import pytest

from tasks.reading.docx_numbering import chinese_counting, format_number
from tasks.reading.ingest import IngestError, read_source

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NAMESPACES = {
    "w": W_NS,
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "v": "urn:schemas-microsoft-com:vml",
    "m": "http://schemas.openxmlformats.org/officeDocument/2006/math",
}
XMLNS = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in NAMESPACES.items())


def _template() -> dict[str, bytes]:
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def make_docx(path: Path, body: str, parts: dict[str, str] | None = None, styles: str = "") -> Path:
    """A DOCX from the template with `body` as w:body, `parts` replacing or adding members, `styles`
    (w:style elements) added to styles.xml."""
    members = _template()
    members["word/document.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:document {XMLNS}><w:body>{body}</w:body></w:document>'
    ).encode()
    if styles:
        members["word/styles.xml"] = members["word/styles.xml"].replace(
            b"</w:styles>", styles.encode() + b"</w:styles>"
        )
    for name, xml in (parts or {}).items():
        members[name] = f'<?xml version="1.0" encoding="UTF-8"?>{xml}'.encode()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def p(*runs: str, properties: str = "") -> str:
    """A paragraph: each run is text, or raw XML when it starts with '<'."""
    xml = "".join(
        run if run.startswith("<") else f"<w:r><w:t xml:space='preserve'>{run}</w:t></w:r>" for run in runs
    )
    return f"<w:p>{f'<w:pPr>{properties}</w:pPr>' if properties else ''}{xml}</w:p>"


def numbered(text: str, num_id: int, ilvl: int = 0) -> str:
    return p(text, properties=f'<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>')


def lines(path: Path) -> list[str]:
    return read_source(path).text.split("\n")


def test_deeply_nested_paragraphs_read_in_linear_time(tmp_path: Path) -> None:
    """20,000 nested w:p in a ~2 KB file took 43 s (each paragraph walked all those inside it)."""
    depth = 20000
    path = make_docx(tmp_path / "nested.docx", "<w:p><w:r><w:t>字</w:t></w:r>" * depth + "</w:p>" * depth)
    assert path.stat().st_size < 50_000
    # This thread's CPU time: neither other processes on a busy machine nor Prefect's threads count.
    started = time.thread_time()
    source = read_source(path)
    assert time.thread_time() - started < 1.0
    assert source.text.split("\n") == ["字"] * depth


@pytest.mark.slow
def test_memory_holds_the_text_not_the_xml_tree(tmp_path: Path) -> None:
    """The XML is read as a stream: a 50 MB flood of paragraphs took 1.4 GB as a tree, 220 MB now."""
    import tracemalloc

    count = 20000
    paragraph = "<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>字</w:t></w:r></w:p>"
    path = make_docx(tmp_path / "long.docx", paragraph * count)
    tracemalloc.start()
    try:
        source = read_source(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert source.text == "\n".join(["字"] * count)
    assert peak < 7_000_000  # the XML is 1.1 MB; its tree alone takes 14 MB


def test_huge_styles_part_is_refused(tmp_path: Path) -> None:
    styles = f'<w:styles xmlns:w="{W_NS}">' + "<w:style/>" * 500_000 + "</w:styles>"
    with pytest.raises(IngestError, match=r"huge.docx: DOCX word/styles.xml holds over 400,000 XML tags"):
        read_source(make_docx(tmp_path / "huge.docx", p("正文"), {"word/styles.xml": styles}))


def test_text_box_is_read_once_after_its_anchor(tmp_path: Path) -> None:
    box = p("文本框里的通知")
    drawing = (
        "<w:r><mc:AlternateContent><mc:Choice Requires='wps'><w:drawing><wp:anchor><a:graphic>"
        f"<a:graphicData><wps:wsp><wps:txbx><w:txbxContent>{box}</w:txbxContent></wps:txbx></wps:wsp>"
        "</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"
        f"<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>{box}</w:txbxContent></v:textbox>"
        "</v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
    )
    fallback_only = drawing.replace("<mc:Choice Requires='wps'>", "<mc:Choice Requires='x'>", 1)
    fallback_only = re.sub(r"<mc:Choice.*?</mc:Choice>", "", fallback_only)
    body = p("锚定段落", drawing, "。") + p("下一段", fallback_only)
    source = read_source(make_docx(tmp_path / "box.docx", body))
    assert source.text.split("\n") == ["锚定段落。", "文本框里的通知", "下一段", "文本框里的通知"]
    assert any("2 text box(es)" in note for note in source.notes)


def test_tracked_changes_read_as_accepted(tmp_path: Path) -> None:
    body = p(
        "各单位要",
        "<w:del w:id='1' w:author='a'><w:r><w:delText>尽快</w:delText></w:r></w:del>",
        "<w:ins w:id='2' w:author='a'><w:r><w:t>立即</w:t></w:r></w:ins>",
        "<w:moveFrom w:id='3' w:author='a'><w:r><w:t>认真</w:t></w:r></w:moveFrom>",
        "组织",
        "<w:moveTo w:id='4' w:author='a'><w:r><w:t>认真</w:t></w:r></w:moveTo>",
        "实施。",
    )
    deleted_row = (
        "<w:tr><w:trPr><w:del w:id='5' w:author='a'/></w:trPr><w:tc>" + p("删去的行") + "</w:tc></w:tr>"
    )
    body += f"<w:tbl><w:tr><w:tc>{p('保留的行')}</w:tc></w:tr>{deleted_row}</w:tbl>"
    assert lines(make_docx(tmp_path / "changes.docx", body)) == ["各单位要立即组织认真实施。", "保留的行"]


def test_hidden_text_is_left_out(tmp_path: Path) -> None:
    styles = (
        '<w:style w:type="character" w:styleId="Secret"><w:name w:val="Secret"/>'
        "<w:rPr><w:vanish/></w:rPr></w:style>"
        '<w:style w:type="paragraph" w:styleId="Hidden"><w:name w:val="Hidden"/>'
        "<w:rPr><w:vanish/></w:rPr></w:style>"
    )
    body = (
        p("看得见", "<w:r><w:rPr><w:vanish/></w:rPr><w:t>藏起来</w:t></w:r>", "的字")
        + p("<w:r><w:rPr><w:rStyle w:val='Secret'/></w:rPr><w:t>样式隐藏</w:t></w:r>", "正文")
        + p("整段隐藏", properties="<w:pStyle w:val='Hidden'/>")
        + p("<w:r><w:rPr><w:vanish w:val='0'/></w:rPr><w:t>关掉的隐藏</w:t></w:r>")
    )
    source = read_source(make_docx(tmp_path / "hidden.docx", body, styles=styles))
    assert source.text.split("\n") == ["看得见的字", "正文", "", "关掉的隐藏"]
    assert any("3 hidden run(s)" in note for note in source.notes)


def test_symbols_hyphens_tabs_and_breaks(tmp_path: Path) -> None:
    run = "<w:r>{}</w:r>".format
    body = p(
        run("<w:sym w:font='Wingdings' w:char='F0FC'/>"),
        "完成",
        run("<w:sym w:font='Symbol' w:char='F061'/>"),
        "值",
        run("<w:t>COVID</w:t><w:noBreakHyphen/><w:t>19</w:t>"),
        run("<w:t>信</w:t><w:softHyphen/><w:t>息</w:t>"),
        run("<w:tab/><w:t>甲</w:t><w:br/><w:t>乙</w:t>"),
    )
    assert lines(make_docx(tmp_path / "sym.docx", body)) == ["✓完成α值COVID-19信息\t甲", "乙"]


def test_ruby_shows_its_base_and_equations_their_text(tmp_path: Path) -> None:
    ruby = (
        "<w:r><w:ruby><w:rt><w:r><w:t>zhǐ</w:t></w:r></w:rt>"
        "<w:rubyBase><w:r><w:t>祉</w:t></w:r></w:rubyBase></w:ruby></w:r>"
    )
    equation = "<m:oMath><m:r><m:t>x+y=1</m:t></m:r></m:oMath>"
    assert lines(make_docx(tmp_path / "ruby.docx", p("福", ruby, "，其中", equation))) == ["福祉，其中x+y=1"]


FOOTNOTES = (
    f'<w:footnotes xmlns:w="{W_NS}">'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r>'
    '<w:r><w:t xml:space="preserve"> 见国发〔2020〕1号文件。</w:t></w:r></w:p></w:footnote></w:footnotes>'
)
ENDNOTES = (
    f'<w:endnotes xmlns:w="{W_NS}"><w:endnote w:id="2"><w:p><w:r><w:endnoteRef/></w:r>'
    "<w:r><w:t>数据来源：统计局。</w:t></w:r></w:p></w:endnote></w:endnotes>"
)


def test_footnotes_and_endnotes_follow_the_text(tmp_path: Path) -> None:
    body = p(
        "根据文件精神",
        "<w:r><w:footnoteReference w:id='1'/></w:r>",
        "，增长5%",
        "<w:r><w:endnoteReference w:id='2'/></w:r>",
        "。",
    )
    parts = {"word/footnotes.xml": FOOTNOTES, "word/endnotes.xml": ENDNOTES}
    source = read_source(make_docx(tmp_path / "notes.docx", body, parts))
    assert source.text.split("\n") == [
        "根据文件精神[1]，增长5%[2]。",
        "",
        "注释：",
        "[1] 见国发〔2020〕1号文件。",
        "[2] 数据来源：统计局。",
    ]
    assert any("2 footnote(s)/endnote(s)" in note for note in source.notes)


def test_a_note_marked_twice_is_printed_once(tmp_path: Path) -> None:
    """Valid files mark each note once; a hostile one marks one long note many times."""
    mark = "<w:r><w:footnoteReference w:id='1'/></w:r>"
    body = p("甲", mark, "乙", mark) * 1000
    source = read_source(make_docx(tmp_path / "marks.docx", body, {"word/footnotes.xml": FOOTNOTES}))
    assert source.text.split("\n")[-3:] == ["", "注释：", "[1] 见国发〔2020〕1号文件。"]
    assert source.text.count("[1]") == 2001


def _level(ilvl: int, fmt: str, text: str, extra: str = "") -> str:
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/>{extra}</w:lvl>'
    )


NUMBERING = (
    f'<w:numbering xmlns:w="{W_NS}">'
    '<w:abstractNum w:abstractNumId="0">'
    + _level(0, "chineseCounting", "%1、", '<w:pStyle w:val="Heading1"/>')
    + _level(1, "chineseCounting", "（%2）")
    + _level(2, "decimal", "%3.")
    + _level(3, "decimal", "(%4)")
    + "</w:abstractNum>"
    '<w:abstractNum w:abstractNumId="1">'
    + _level(0, "decimal", "第%1章")
    + _level(1, "decimal", "%1.%2")
    + _level(2, "chineseCounting", "%1.%2.%3", "<w:isLgl/>")
    + "</w:abstractNum>"
    '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
    '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>'
    '<w:num w:numId="3"><w:abstractNumId w:val="1"/>'
    '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
    '<w:num w:numId="4"><w:abstractNumId w:val="0"/></w:num>'
    '<w:abstractNum w:abstractNumId="2">'
    + _level(0, "chineseCounting", "第%1条")
    + _level(1, "decimal", "%2", '<w:suff w:val="nothing"/>')
    + "</w:abstractNum>"
    '<w:num w:numId="5"><w:abstractNumId w:val="2"/></w:num>'
    "</w:numbering>"
)
HEADING_STYLE = (
    '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/>'
    '<w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>'
)


def test_word_list_numbers_are_written_into_the_text(tmp_path: Path) -> None:
    heading = "<w:pStyle w:val='Heading1'/>"
    body = (
        p("总体要求", properties=heading)
        + numbered("指导思想", 1, 1)
        + numbered("坚持党的领导", 1, 2)
        + numbered("坚持人民至上", 4, 2)  # another instance of the same list continues it
        + numbered("具体说明", 1, 3)
        + numbered("基本原则", 1, 1)
        + p("主要任务", properties=heading)
        + numbered("深化改革", 1, 1)
        + numbered("总则", 2, 0)
        + numbered("目的", 2, 1)
        + numbered("依据", 2, 2)
        + numbered("分则", 2, 0)
        + numbered("重新开始", 3, 0)  # "restart numbering": a new instance with a startOverride
        + numbered("条款", 3, 1)
        + p("", properties="<w:numPr><w:ilvl w:val='1'/><w:numId w:val='0'/></w:numPr>")
        + numbered("为了规范管理，制定本办法。", 5, 0)
        + numbered("号文件", 5, 1)
    )
    parts = {"word/numbering.xml": NUMBERING}
    assert lines(make_docx(tmp_path / "numbers.docx", body, parts, styles=HEADING_STYLE)) == [
        "一、总体要求",
        "（一）指导思想",
        "1.坚持党的领导",
        "2.坚持人民至上",
        "(1)具体说明",
        "（二）基本原则",
        "二、主要任务",
        "（一）深化改革",
        "第1章 总则",
        "1.1 目的",
        "1.1.1 依据",
        "第2章 分则",
        "第1章 重新开始",
        "1.1 条款",
        "",
        "第一条 为了规范管理，制定本办法。",
        "1号文件",
    ]


def test_number_formats() -> None:
    assert [chinese_counting(n) for n in (1, 10, 11, 20, 21, 99, 100, 105, 110, 1000, 1010)] == [
        "一", "十", "十一", "二十", "二十一", "九十九", "一百", "一百〇五", "一百一十", "一千", "一千〇一十",
    ]  # fmt: skip
    assert format_number(3, "chineseLegalSimplified") == "叁"
    assert format_number(12, "upperRoman") == "XII"
    assert format_number(28, "lowerLetter") == "bb"
    assert format_number(2, "decimalEnclosedCircleChinese") == "②"
    assert format_number(7, "unknownFormat") == "7"
    assert format_number(10**6, "upperRoman") == format_number(10**6, "lowerLetter") == "1000000"


def test_tables_become_tab_separated_rows(tmp_path: Path) -> None:
    def cell(text: str, span: int = 1) -> str:
        properties = f"<w:tcPr><w:gridSpan w:val='{span}'/></w:tcPr>" if span > 1 else ""
        return f"<w:tc>{properties}{p(text)}</w:tc>"

    two_paragraphs = f"<w:tc>{p('深化')}{p('改革')}</w:tc>"
    table = (
        "<w:tbl><w:tblPr/><w:tblGrid/>"
        f"<w:tr>{cell('序号')}{cell('改革举措')}{cell('牵头单位')}</w:tr>"
        f"<w:tr>{cell('1')}{two_paragraphs}{cell('发展改革委')}</w:tr>"
        f"<w:tr>{cell('合计', 2)}{cell('3项')}</w:tr>"
        f"<w:tr>{cell('')}{cell('')}{cell('')}</w:tr>"
        "</w:tbl>"
    )
    source = read_source(make_docx(tmp_path / "table.docx", p("附件") + table + p("以上。")))
    assert source.text.split("\n") == [
        "附件",
        "序号\t改革举措\t牵头单位",
        "1\t深化 改革\t发展改革委",
        "合计\t\t3项",
        "以上。",
    ]
    assert any("1 table(s)" in note and "TAB" in note for note in source.notes)


def _field(code: str, result: str) -> str:
    """A complex field as Word writes it: begin, code, separate, result runs, end."""
    char = "<w:r><w:fldChar w:fldCharType='{}'/></w:r>".format
    code_run = f"<w:r><w:instrText xml:space='preserve'>{code}</w:instrText></w:r>"
    return f"{char('begin')}{code_run}{char('separate')}{result}{char('end')}"


def test_table_of_contents_is_left_out(tmp_path: Path) -> None:
    """Word draws a TOC from the headings; read as text it would repeat every heading in the outline."""

    def entry(text: str, page: int) -> str:
        return (
            f"<w:hyperlink w:anchor='_Toc{page}'><w:r><w:t>{text}</w:t></w:r><w:r><w:tab/></w:r>"
            + _field(f" PAGEREF _Toc{page} \\h ", f"<w:r><w:t>{page}</w:t></w:r>")
            + "</w:hyperlink>"
        )

    begin, end = _field(' TOC \\o "1-3" \\h \\z \\u ', "<END>").split("<END>")
    body = (
        p("目录")
        + p(begin + entry("一、总体要求", 1))
        + p(entry("二、主要任务", 2))
        + p(end)
        + p("一、总体要求")
        + p("第", _field(" PAGE ", "<w:r><w:t>3</w:t></w:r>"), "页")
        + p("二、主要任务")
    )
    source = read_source(make_docx(tmp_path / "toc.docx", body))
    assert source.text.split("\n") == ["目录", "", "一、总体要求", "第3页", "二、主要任务"]
    assert any("table of contents (2 line(s)) left out" in note for note in source.notes)


def test_strict_open_xml_is_read(tmp_path: Path) -> None:
    """Word's "Strict Open XML" save option: the same elements in the purl.oclc.org namespaces."""
    path = make_docx(tmp_path / "strict.docx", p("严格格式", "<w:r><w:tab/><w:t>文档</w:t></w:r>"))
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    strict = b"http://purl.oclc.org/ooxml/wordprocessingml/main"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data.replace(W_NS.encode(), strict))
    assert read_source(path).text == "严格格式\t文档"


def test_python_docx_document_reads_as_before(tmp_path: Path) -> None:
    """A plain document (python-docx's styles and numbering parts present) gets nothing added."""
    document = docx.Document()
    document.add_paragraph("关于做好工作的通知")
    document.add_paragraph("各单位：")
    document.add_paragraph("请认真落实。")
    document.save(str(tmp_path / "plain.docx"))
    source = read_source(tmp_path / "plain.docx")
    assert source.text == "关于做好工作的通知\n各单位：\n请认真落实。"
    assert source.notes == ()


@pytest.mark.slow
def test_libreoffice_made_docx_reads_as_it_shows() -> None:
    """A DOCX written by a word processor, not by hand: `soffice --headless --convert-to docx
    word_features.fodt` (the source beside it). Outline numbers (一、（一）1.), a footnote, hidden text,
    a text box (mc:AlternateContent with both alternatives) and a table."""
    source = read_source(Path(__file__).parent / "data" / "docx" / "word_features.docx")
    assert source.text.split("\n") == [
        "在全市工作会议上的讲话",
        "同志们：",
        "一、提高认识",
        "（一）加强学习",
        "（二）转变作风",
        "1.深入基层。",
        "2.联系群众。",
        "二、狠抓落实",
        "加强学习是提高素质的途径[1]，各单位要认真落实。",
        "文本框在此段之后。",
        "框中文字",
        "序号\t改革举措\t牵头单位",
        "1\t深化改革\t发展改革委",
        "谢谢大家！",
        "",
        "注释：",
        "[1] 见国发〔2020〕1号文件。",
    ]
    assert len(source.notes) == 4  # footnote, table, text box, hidden run


@pytest.mark.slow
def test_libreoffice_table_of_contents_is_left_out() -> None:
    """toc.docx from toc.fodt as above: LibreOffice writes the TOC field inside a content control."""
    source = read_source(Path(__file__).parent / "data" / "docx" / "toc.docx")
    assert source.text.split("\n") == ["目录", "一、总体要求", "正文。", "二、主要任务", "正文二。"]
