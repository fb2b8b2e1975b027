"""Contracts for the private APIs of other packages that gongwen relies on.

Each use is named here with what it needs, so that an upgrade that changes one fails this test by
name instead of breaking a document, a subset font or a shutdown silently. pyproject.toml pins each
package below the next untested version; when raising a bound, run this file first.
"""

from __future__ import annotations

import inspect
import threading
from concurrent.futures import ProcessPoolExecutor

from docx import Document as new_docx
from reportlab.pdfbase.ttfonts import TTFont, TTFontFace
from reportlab.pdfgen.canvas import Canvas

LATIN_FONT = (
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf"  # scripts/setup.sh installs it
)


def test_reportlab_canvas_keeps_its_document_where_the_pdf_writer_embeds_subsets() -> None:
    """tasks/writing/render_pdf.py: TTFont.splitString(text, canvas._doc) and
    getSubsetInternalName(subset, doc)."""
    canvas = Canvas("unused.pdf")
    assert canvas._doc is not None
    assert list(inspect.signature(TTFont.splitString).parameters)[:3] == ["self", "text", "doc"]
    assert list(inspect.signature(TTFont.getSubsetInternalName).parameters) == ["self", "subset", "doc"]


def test_reportlab_font_face_reads_tables_through_get_table() -> None:
    """tasks/writing/fonts.py: the glyph table is handed to the subsetter by replacing
    TTFontFace.get_table, which reads `_ttf_data` at `get_table_pos(tag)`."""
    assert list(inspect.signature(TTFontFace.get_table).parameters) == ["self", "tag"]
    face = TTFontFace(LATIN_FONT)
    start, length = face.get_table_pos("glyf")
    assert face._ttf_data[start : start + length] == face.get_table("glyf")


def test_threading_has_register_atexit() -> None:
    """flows/orchestration/prefect_server.py: the temporary Prefect server stops before the
    interpreter's thread pools."""
    assert callable(threading._register_atexit)  # type: ignore[attr-defined]


def test_process_pool_exposes_broken() -> None:
    """flows/orchestration/pool.py: a pool whose worker died is replaced, known by its `_broken` flag."""
    with ProcessPoolExecutor(max_workers=1) as pool:
        assert pool._broken is False  # type: ignore[attr-defined]


def test_python_docx_element_accessors() -> None:
    """tasks/writing/render_docx.py and tasks/writing/docx_xml.py set properties python-docx has no API
    for on the underlying elements: paragraph._p, run._r, table._tbl, row._tr, cell._tc."""
    document = new_docx()
    paragraph = document.add_paragraph()
    run = paragraph.add_run("x")
    table = document.add_table(rows=1, cols=1)
    assert paragraph._p.get_or_add_pPr() is not None
    assert run._r.get_or_add_rPr() is not None
    assert table._tbl.tblPr is not None
    assert table.rows[0]._tr.get_or_add_trPr() is not None
    assert table.rows[0].cells[0]._tc.get_or_add_tcPr() is not None


def test_jieba_tagger_loads_its_word_table_through_load_word_tag() -> None:
    """tasks/text/words.py builds the tagger's word table in an override of POSTokenizer.load_word_tag
    (sharing the tokenizer's word strings); jieba must still call it and read `word_tag_tab`."""
    from jieba.posseg import POSTokenizer

    from tasks.text import words

    assert "self.load_word_tag(" in inspect.getsource(POSTokenizer.__init__)
    assert "word_tag_tab" in inspect.getsource(POSTokenizer)
    ours, theirs = words._tagger(), POSTokenizer(words.tokenizer())
    assert ours.word_tag_tab == theirs.word_tag_tab
    text = "关于试运行全市政务服务一网通办平台有关事项的通知，请各单位认真贯彻落实。"
    assert words.tagged(text) == [(pair.word, pair.flag) for pair in theirs.cut(text)]
