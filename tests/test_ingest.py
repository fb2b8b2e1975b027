"""Ingest: encodings, line ends, DOCX text, and clear refusals."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest
from conftest import CORPUS

from tasks.reading.ingest import IngestError, decode_text, read_source

SAMPLE_TEXT = "同志们：\n一、讲学习不放松\n加强学习是提高自身素质的重要途径。\n"
PURE_CJK = "讲学习不放松努力提升"  # BOM-less UTF-16 with no ASCII: only the content tells
TRADITIONAL = "同志們：\n一、講學習不放鬆\n加強學習是提高自身素質的重要途徑。\n"  # Taiwan, Hong Kong


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("data", "encoding", "detection"),
    [
        (SAMPLE_TEXT.encode("utf-8"), "utf-8", "valid UTF-8"),
        (b"\xef\xbb\xbf" + SAMPLE_TEXT.encode("utf-8"), "utf-8", "BOM"),
        (SAMPLE_TEXT.encode("gbk"), "gb18030", "not UTF-8; valid GB18030 (GBK)"),
        (SAMPLE_TEXT.encode("utf-16"), "utf-16", "BOM"),
        (TRADITIONAL.encode("big5"), "big5", "not UTF-8 or GB18030; valid Big5 (Traditional Chinese)"),
        (SAMPLE_TEXT.encode("utf-16-le"), "utf-16-le", "UTF-16 without BOM (judged by content)"),
        (SAMPLE_TEXT.encode("utf-16-be"), "utf-16-be", "UTF-16 without BOM (judged by content)"),
        (PURE_CJK.encode("utf-16-le"), "utf-16-le", "UTF-16 without BOM (judged by content)"),
        (SAMPLE_TEXT.encode("utf-32"), "utf-32", "BOM"),
        (b"\x00\x00\xfe\xff" + SAMPLE_TEXT.encode("utf-32-be"), "utf-32", "BOM"),
        (SAMPLE_TEXT.encode("utf-32-le"), "utf-32-le", "UTF-32 without BOM (judged by content)"),
        (SAMPLE_TEXT.encode("utf-32-be"), "utf-32-be", "UTF-32 without BOM (judged by content)"),
        (PURE_CJK.encode("utf-32-le"), "utf-32-le", "UTF-32 without BOM (judged by content)"),
    ],
)
def test_encodings_are_detected_and_recorded(
    tmp_path: Path, data: bytes, encoding: str, detection: str
) -> None:
    source = read_source(write(tmp_path, "a.txt", data))
    assert source.text in (SAMPLE_TEXT, PURE_CJK, TRADITIONAL)
    assert (source.encoding, source.detection) == (encoding, detection)
    assert source.sha256 == hashlib.sha256(data).hexdigest()
    assert source.size == len(data)


@pytest.mark.parametrize(
    ("raw", "kind"), [("a\r\nb\r\n", "CRLF"), ("a\rb\r", "CR"), ("a\nb\n", "LF"), ("a\r\nb\n", "mixed")]
)
def test_line_ends_become_lf(tmp_path: Path, raw: str, kind: str) -> None:
    source = read_source(write(tmp_path, "a.txt", ("标题" + raw).encode()))
    assert source.text == "标题a\nb\n"
    assert source.line_ends == kind


def test_gbk_corpus_file_matches_its_utf8_twin() -> None:
    gbk = read_source(CORPUS / "hailar_2012_report.gbk.txt")
    utf8 = read_source(CORPUS / "hailar_2012_report.txt")
    assert gbk.encoding == "gb18030" and gbk.line_ends == "CRLF"
    assert gbk.text.replace("\n", "") == utf8.text.replace("\n", "")


def test_control_and_bidi_characters_are_removed_and_noted(tmp_path: Path) -> None:
    source = read_source(write(tmp_path, "a.txt", "第一\u202e段\x07落".encode()))
    assert source.text == "第一段落"
    assert source.notes and "2" in source.notes[0]


def test_every_invisible_character_is_removed_and_counted_by_kind(tmp_path: Path) -> None:
    """C1 controls, bidirectional controls and zero-width characters; joiners stay (emoji, Uyghur)."""
    text = "第\x85一\x9b段\u202e落\u2067，\u200b有\u2060效\u00ad\ufeff文\u061c本。家庭👨\u200d👩\u200d👧\n"
    source = read_source(write(tmp_path, "a.txt", text.encode()))
    assert source.text == "第\n一段落，有效文本。家庭👨\u200d👩\u200d👧\n"
    assert source.notes[0] == (
        "removed 8 invisible character(s): 1 control (C0/C1, DEL), 3 bidirectional control, 4 zero-width"
    )


def test_line_and_paragraph_separators_become_line_breaks(tmp_path: Path) -> None:
    """Web pages paste U+2028/U+2029 between title, subtitle, date and speaker: they are line breaks."""
    text = "关于做好工作的讲话\u2028——在全市大会上\u20292020年2月23日\u2028\n同志们：\n"
    source = read_source(write(tmp_path, "a.txt", text.encode()))
    assert source.text.split("\n") == [
        "关于做好工作的讲话",
        "——在全市大会上",
        "2020年2月23日",
        "",
        "同志们：",
        "",
    ]
    assert any("3 line or paragraph separator(s)" in note for note in source.notes)


KOREAN = "안녕하십니까 여러분. 오늘 회의에서 우리는 새로운 계획을 논의합니다. 모두 열심히 일합시다.\n"
JAPANESE = "皆さん、こんにちは。今日の会議では新しい計画について話し合います。よろしくお願いします。\n"
UYGHUR_NOTICE = (
    "关于做好春节期间安全工作的通知\n"
    "باھار بايرىمى مەزگىلىدىكى بىخەتەرلىك خىزمىتىنى ياخشى ئىشلەش توغرىسىدا ئۇقتۇرۇش\n"
    "各单位要高度重视，认真组织实施。\n"
    "ھەرقايسى ئورۇنلار يۇقىرى دەرىجىدە ئەھمىيەت بېرىشى، ئەستايىدىل تەشكىللەپ يولغا قويۇشى كېرەك.\n"
)


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (KOREAN.encode("euc_kr"), "looks like Korean (EUC-KR), not Chinese"),
        (JAPANESE.encode("euc_jp"), "looks like Japanese (EUC-JP), not Chinese"),
        (JAPANESE.encode("shift_jis"), "looks like Japanese (Shift_JIS), not Chinese"),
    ],
    ids=["euc-kr", "euc-jp", "shift_jis"],
)
def test_legacy_korean_and_japanese_are_refused_not_read_as_gb18030(
    tmp_path: Path, data: bytes, problem: str
) -> None:
    with pytest.raises(IngestError) as raised:
        read_source(write(tmp_path, "外来.txt", data))
    assert str(raised.value).startswith("外来.txt: " + problem)


def test_chinese_with_other_scripts_is_accepted(tmp_path: Path) -> None:
    source = read_source(write(tmp_path, "a.txt", UYGHUR_NOTICE.encode("gb18030")))
    assert source.text == UYGHUR_NOTICE and source.encoding == "gb18030"
    assert source.notes == ()


def test_text_that_is_not_chinese_is_read_with_a_warning(tmp_path: Path) -> None:
    source = read_source(write(tmp_path, "a.txt", KOREAN.encode("utf-8")))
    assert source.text == KOREAN
    assert source.notes == ("warning: not Chinese: the text looks like Korean; it is laid out as Chinese",)


def test_gb18030_chinese_is_never_taken_for_korean_or_japanese() -> None:
    """Each line and sentence of the corpus on its own (short ones are the hard case) reads as GB18030."""
    pieces = {
        piece.strip()
        for path in CORPUS.glob("*.txt")
        if ".gbk." not in path.name
        for line in path.read_text(encoding="utf-8-sig").splitlines()
        for piece in [line, *line.split("。")]
        if len(piece.strip()) >= 6
    }
    assert len(pieces) > 500
    for piece in pieces:
        assert decode_text(Path("piece.txt"), piece.encode("gb18030"))[:2] == (piece, "gb18030")


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b" \n\t\r\n", "whitespace"),
        ("nul.txt", b"abc\x00\x01\x02def\x00ghi\x00\x00jk", "binary"),
        ("bad.txt", b"ab\x80\x80\x80", "cannot decode"),
        ("x.pdf", b"%PDF-1.4", "unsupported file type .pdf"),
        ("notzip.docx", b"this is not a zip", "not a zip"),
    ],
)
def test_bad_input_is_refused_with_the_file_name(
    tmp_path: Path, name: str, data: bytes, problem: str
) -> None:
    with pytest.raises(IngestError) as raised:
        read_source(write(tmp_path, name, data))
    assert name in str(raised.value)
    assert problem in str(raised.value)


def test_oversized_input_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "big.txt", "字".encode() * 1000)
    with pytest.raises(IngestError, match="over the limit"):
        read_source(path, max_bytes=2000)


def _docx(path: Path, body_xml: str) -> Path:
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "word/document.xml",
            f'<?xml version="1.0"?><w:document {ns}><w:body>{body_xml}</w:body></w:document>',
        )
    return path


def test_docx_paragraphs_become_lines(tmp_path: Path) -> None:
    body = (
        "<w:p><w:r><w:t>同志们：</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>一、</w:t></w:r><w:r><w:t>讲学习</w:t></w:r></w:p>"
    )
    source = read_source(_docx(tmp_path / "a.docx", body))
    assert source.text == "同志们：\n一、讲学习"
    assert source.detection == "DOCX paragraphs"


def test_docx_with_entities_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "evil.docx"
    xml = '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><d>&b;</d>'
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", xml)
    with pytest.raises(IngestError, match="refused"):
        read_source(path)


def test_docx_zip_bomb_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<a/>" + b" " * (60 * 1024 * 1024))
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(IngestError, match="zip bomb"):
        read_source(path)


def test_errors_survive_pickling_between_processes(tmp_path: Path) -> None:
    import pickle

    with pytest.raises(IngestError) as raised:
        read_source(write(tmp_path, "empty.txt", b""))
    copy = pickle.loads(pickle.dumps(raised.value))
    assert str(copy) == str(raised.value) and copy.problem == "file is empty"
