"""Broken and hostile inputs through the real flow: each gets complete outputs or a clear error.

One batch of crafted files (made here, nothing big committed) runs through `process_inbox` once.
Per file: either all eight outputs (the PDF opens, report.json is valid and names the input's hash)
or outputs/_failed/NAME.error.txt naming the file and the problem; the batch goes on; no input
changes; nothing is written outside outputs/.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import stat
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from flows.config import Settings
from flows.engine.outputs import MAX_NAME_BYTES
from flows.service.inbox import FileOutcome

pytestmark = pytest.mark.flow

SPEECH = (
    "在全市工作会议上的讲话\n同志们：\n一、提高认识\n加强学习是提高自身素质的重要途径，我们要认真学习。\n"
    "二、狠抓落实\n各部门要抓好落实，确保各项任务完成。\n谢谢大家！\n"
)
GBK_LINE = "各单位要高度重视，认真组织实施。"
EXT_B = "𠀀𠀁𪚥𰻞"
EMOJI = "👍🎉😀"
BIDI = "\u202e\u2066\u200f"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DONE = "done"
IGNORED = "ignored"
SECONDS_5000_HEADINGS = 90  # ~15 s on an idle 2-core machine, ~45 s while other tests run


@dataclass(frozen=True)
class Crafted:
    name: str  # str(os.fsdecode(...)) for names that are not UTF-8
    make: Callable[[Path, Path], None]  # (path in the inbox, a folder outside the inbox)
    expect: str  # DONE, IGNORED, or a phrase the error must contain


def _bytes(data: bytes) -> Callable[[Path, Path], None]:
    return lambda path, outside: path.write_bytes(data)


def _text(text: str) -> Callable[[Path, Path], None]:
    return _bytes(text.encode("utf-8"))


def _docx_xml(document_xml: str) -> Callable[[Path, Path], None]:
    def make(path: Path, outside: Path) -> None:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("word/document.xml", document_xml)

    return make


def _zip_bomb(path: Path, outside: Path) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<a/>" + b" " * (60 * 1024 * 1024))


def _lying_zip_bomb(path: Path, outside: Path) -> None:
    """A bomb whose headers declare 100 bytes: a size check alone lets it through."""
    _zip_bomb(path, outside)
    data = bytearray(path.read_bytes())
    struct.pack_into("<I", data, data.find(b"PK\x03\x04") + 22, 100)  # local header: uncompressed size
    struct.pack_into("<I", data, data.find(b"PK\x01\x02") + 24, 100)  # central directory: the same
    path.write_bytes(bytes(data))


def _real_docx(path: Path, outside: Path) -> None:
    import docx

    document = docx.Document()
    for line in SPEECH.splitlines():
        document.add_paragraph(line)
    document.save(str(path))


def _sparse_50mb(path: Path, outside: Path) -> None:
    with path.open("wb") as handle:
        handle.write(SPEECH.encode())
        handle.truncate(50 * 1024 * 1024)


def _symlink_to(target: str) -> Callable[[Path, Path], None]:
    """A link to `target`: a name under the outside folder, or "." for the link itself (a loop)."""

    def make(path: Path, outside: Path) -> None:
        os.symlink(path if target == "." else outside / target, path)

    return make


def _with_sidecar(toml: str | None) -> Callable[[Path, Path], None]:
    """NAME.txt with NAME.toml beside it: `toml` as its text, or None for a link to a secret outside."""

    def make(path: Path, outside: Path) -> None:
        path.write_text(SPEECH, encoding="utf-8")
        sidecar = path.with_suffix(".toml")
        if toml is None:
            os.symlink(outside / "secret.toml", sidecar)
        else:
            sidecar.write_text(toml, encoding="utf-8")

    return make


def _one_megabyte_line() -> bytes:
    unit = "各部门要抓好落实，确保各项任务完成，".encode()
    return unit * (1_000_000 // len(unit))


def _five_thousand_headings() -> str:
    """50 parts, 500 sections, 4,000 items: 4,550 headings and a title."""
    numerals = "一二三四五六七八九十"

    def chinese(n: int) -> str:
        tens, units = divmod(n, 10)
        return (
            (numerals[tens - 1] if tens > 1 else "")
            + ("十" if tens else "")
            + (numerals[units - 1] if units else "")
        )

    lines = ["关于全面加强各项工作的意见"]
    for part in range(1, 51):
        lines.append(f"{chinese(part)}、第{part}部分")
        for section in range(1, 11):
            lines.append(f"（{chinese(section)}）第{part}部分第{section}节")
            lines.extend(f"{item}.第{item}项要求" for item in range(1, 9))
    return "\n".join(lines) + "\n"


def _deep_docx(path: Path, outside: Path) -> None:
    """20,000 nested empty paragraphs around the speech: reading them took 43 s (quadratic)."""
    depth = 20000
    speech = "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in SPEECH.splitlines())
    body = f"{'<w:p>' * depth}{speech}{'</w:p>' * depth}"
    _docx_xml(f'<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>')(path, outside)


def _word_numbered_docx(path: Path, outside: Path) -> None:
    """Headings numbered by Word (numbering.xml, chineseCounting `%1、`), a footnote and a table."""
    from test_docx_reading import FOOTNOTES, HEADING_STYLE, NUMBERING, make_docx, p

    heading = "<w:pStyle w:val='Heading1'/>"
    table = (
        "<w:tbl>"
        + "".join(
            f"<w:tr><w:tc>{p(a)}</w:tc><w:tc>{p(b)}</w:tc></w:tr>"
            for a, b in (("序号", "任务"), ("1", "抓落实"))
        )
        + "</w:tbl>"
    )
    body = (
        p("在全市工作会议上的讲话")
        + p("同志们：")
        + p("提高认识", properties=heading)
        + p("加强学习是提高自身素质的重要途径", "<w:r><w:footnoteReference w:id='1'/></w:r>", "。")
        + p("狠抓落实", properties=heading)
        + table
        + p("各部门要抓好落实，确保各项任务完成。")
    )
    make_docx(path, body, {"word/numbering.xml": NUMBERING, "word/footnotes.xml": FOOTNOTES}, HEADING_STYLE)


def _sparse_sidecar(path: Path, outside: Path) -> None:
    path.write_text(SPEECH, encoding="utf-8")
    with path.with_suffix(".toml").open("wb") as handle:
        handle.write(b'title = "')
        handle.truncate(400 * 1024 * 1024)


def _doctype(declarations: str) -> str:
    return f'<?xml version="1.0"?><!DOCTYPE w:document [{declarations}]><w:document xmlns:w="{W_NS}"/>'


ENGLISH = "This memo has no Chinese at all."
KOREAN = "안녕하십니까 여러분. 오늘 회의에서 우리는 새로운 계획을 논의합니다. 모두 열심히 일합시다.\n"
JAPANESE = "皆さん、こんにちは。今日の会議では新しい計画について話し合います。\n"
UYGHUR = "ھەرقايسى ئورۇنلار يۇقىرى دەرىجىدە ئەھمىيەت بېرىشى كېرەك.\n"
TRADITIONAL = "在全市工作會議上的講話\n同志們：\n一、提高認識\n加強學習是提高自身素質的重要途徑。\n"
INVISIBLE = "\x85\x9b\u202e\u200b"  # C1 controls, a bidi override, a zero-width space
NOT_UTF8_NAME = os.fsdecode(b"gbk_name_" + "中文".encode("gbk") + b".txt")  # a name from an old machine
EXTERNAL = '<!ENTITY x SYSTEM "file:///etc/passwd">'
LAUGHS = '<!ENTITY a "哈哈哈哈哈哈哈哈">' + "".join(
    f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)
)

CRAFTED = [
    Crafted("empty.txt", _bytes(b""), "file is empty"),
    Crafted("whitespace.txt", _bytes(b" \r\n\t  \n\n"), "only whitespace"),
    Crafted("fullwidth_spaces.txt", _text("\u3000\u3000\n\u3000\n"), "holds no text"),
    Crafted("binary.txt", _bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + random.Random(9).randbytes(4000)), "binary"),
    Crafted("high_bytes.txt", _bytes(bytes(random.Random(4).choices(range(0x80, 0x100), k=999))), "decode"),
    Crafted("control_flood.txt", _text("通知\x01\x02\x03" * 200), "control characters"),
    Crafted("truncated_utf8.txt", _bytes(SPEECH.encode()[:-1] + "讲".encode()[:2]), DONE),
    Crafted("mixed_encodings.txt", _bytes(SPEECH.encode() + GBK_LINE.encode("gbk") + b"\n"), DONE),
    Crafted("utf16_no_bom.txt", _bytes(SPEECH.encode("utf-16-le")), DONE),
    Crafted("gbk.txt", _bytes(SPEECH.encode("gbk")), DONE),
    Crafted("nul_and_controls.txt", _text(SPEECH.replace("同志们", "\x00\x01同志们\x1b\x7f")), DONE),
    Crafted("one_line_1mb.txt", _bytes(_one_megabyte_line()), DONE),
    Crafted("over_limit_50mb.txt", _sparse_50mb, "over the limit"),
    Crafted("no_chinese.txt", _text(f"Annual memo\n{ENGLISH}\n1. Scope\nSmall.\n"), DONE),
    Crafted("only_headings.txt", _text("一、提高认识\n二、狠抓落实\n三、加强领导\n"), DONE),
    Crafted("headings_5000.txt", _text(_five_thousand_headings()), DONE),
    Crafted("cjk_extension_b.txt", _text(SPEECH + f"{EXT_B}很好。\n"), DONE),
    Crafted("emoji.txt", _text(SPEECH + f"大家辛苦了{EMOJI}\n"), DONE),
    Crafted("bidi_controls.txt", _text(SPEECH.replace("落实", f"落{BIDI}实")), DONE),
    Crafted("c1_and_zero_width.txt", _text(SPEECH.replace("落实", f"落{INVISIBLE}实")), DONE),
    Crafted("line_separators.txt", _text(SPEECH.replace("\n", "\u2028", 2)), DONE),
    Crafted("utf32_bom.txt", _bytes(SPEECH.encode("utf-32")), DONE),
    Crafted("utf32_no_bom.txt", _bytes(SPEECH.encode("utf-32-le")), DONE),
    Crafted("euc_kr.txt", _bytes(KOREAN.encode("euc_kr")), "looks like Korean (EUC-KR), not Chinese"),
    Crafted("euc_jp.txt", _bytes(JAPANESE.encode("euc_jp")), "looks like Japanese (EUC-JP), not Chinese"),
    Crafted("uyghur_gb18030.txt", _bytes((SPEECH + UYGHUR).encode("gb18030")), DONE),
    Crafted("big5.txt", _bytes(TRADITIONAL.encode("big5")), DONE),
    Crafted("not_a_zip.docx", _text(SPEECH), "not a zip"),
    Crafted("zip_bomb.docx", _zip_bomb, "zip bomb"),
    Crafted("zip_bomb_lying_sizes.docx", _lying_zip_bomb, "zip bomb"),
    Crafted("entity_expansion.docx", _docx_xml(_doctype(LAUGHS)), "refused"),
    Crafted("external_entity.docx", _docx_xml(_doctype(EXTERNAL)), "refused"),
    Crafted("no_document_xml.docx", _bytes(b"PK\x05\x06" + b"\x00" * 18), "no word/document.xml"),
    Crafted("real.docx", _real_docx, DONE),
    Crafted("nested_20000.docx", _deep_docx, DONE),
    Crafted("word_numbered.docx", _word_numbered_docx, DONE),
    Crafted("name with spaces.txt", _text(SPEECH), DONE),
    Crafted("中文文件名.txt", _text(SPEECH), DONE),
    Crafted("quotes \"double\" and 'single'.txt", _text(SPEECH), DONE),
    Crafted("-leading-dash.txt", _text(SPEECH), DONE),
    Crafted("--force.txt", _text(SPEECH), DONE),
    Crafted("line\nbreak.txt", _text(SPEECH), DONE),
    Crafted("讲" * 83 + "ab.txt", _text(SPEECH), DONE),  # 255 bytes
    Crafted(EXT_B[0] * 62 + ".txt", _text(SPEECH), DONE),  # 252 bytes, 4 per character
    Crafted(NOT_UTF8_NAME, _text(SPEECH), DONE),
    Crafted("_failed.txt", _text(SPEECH), DONE),
    Crafted("link_outside.txt", _symlink_to("secret.txt"), "outside"),
    Crafted("link_dangling.txt", lambda path, outside: os.symlink("missing.txt", path), "no such file"),
    Crafted("link_loop.txt", _symlink_to("."), "no such file"),
    Crafted("link_inside.txt", lambda path, outside: os.symlink("gbk.txt", path), DONE),
    Crafted("sidecar_outside.txt", _with_sidecar(None), "sidecar"),
    Crafted("sidecar_broken.txt", _with_sidecar("title = [unclosed"), "not valid TOML"),
    Crafted("sidecar_400mb.txt", _sparse_sidecar, "over the limit of 65,536 bytes"),
    Crafted("folder.txt", lambda path, outside: path.mkdir(), "directory"),
    Crafted("fifo.txt", lambda path, outside: os.mkfifo(path), "not a regular file"),
    Crafted("scan.pdf", _bytes(b"%PDF-1.4\n"), "unsupported file type .pdf"),
    Crafted("no_suffix", _text(SPEECH), "unsupported file type (none)"),
    Crafted(".hidden.txt", _text(SPEECH), IGNORED),
]


def _tree(root: Path, skip: Path) -> dict[str, str]:
    """Every path under root but `skip` -> what it is: content hash and mtime, link target, kind."""
    seen: dict[str, str] = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if Path(folder, d) != skip]
        for name in dirs + files:
            path = Path(folder, name)
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                seen[str(path)] = f"link -> {os.readlink(path)}"
            elif stat.S_ISREG(info.st_mode):
                seen[str(path)] = f"{hashlib.sha256(path.read_bytes()).hexdigest()} {info.st_mtime_ns}"
            else:
                seen[str(path)] = stat.filemode(info.st_mode)
    return seen


def _display(name: str) -> str:
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


@dataclass
class BadBatch:
    settings: Settings
    rows: dict[str, FileOutcome]  # input file name -> outcome
    tree_before: dict[str, str]
    tree_after: dict[str, str]
    second_run: dict[str, str]  # input file name -> status


@pytest.fixture(scope="module")
def bad_batch(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> BadBatch:
    from flows.orchestration.flow import process_inbox

    root = tmp_path_factory.mktemp("hostile")
    settings = Settings(inputs=root / "inputs", outputs=root / "outputs")
    outside = root / "outside"
    outside.mkdir()
    settings.inputs.mkdir()
    (outside / "secret.txt").write_text("机密：不得外传\n", encoding="utf-8")
    (outside / "secret.toml").write_text('title = "机密文件标题"\n', encoding="utf-8")
    for crafted in CRAFTED:
        crafted.make(settings.inputs / crafted.name, outside)
    before = _tree(root, skip=settings.outputs)
    rows = {Path(row.input).name: row for row in process_inbox(settings=settings)}
    after = _tree(root, skip=settings.outputs)
    again = {Path(row.input).name: row.status for row in process_inbox(settings=settings)}
    return BadBatch(settings, rows, before, after, again)


def _docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    return "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))


def _assert_complete(settings: Settings, row: FileOutcome, input_path: Path) -> dict:
    """All ten outputs exist, the PDF opens with the reported page count; returns report.json."""
    from pypdf import PdfReader

    name = row.name
    folder = settings.outputs / name
    expected = {"outline.json", "outline.md", "summary.md", "summary.json", "changes.html", "report.json"}
    assert {p.name for p in folder.iterdir()} == expected | {
        f"{name}.docx",
        f"{name}.review.docx",
        f"{name}.pdf",
        f"{name}.ofd",
    }
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    assert report["input"]["sha256"] == hashlib.sha256(input_path.read_bytes()).hexdigest()
    assert len(PdfReader(folder / f"{name}.pdf").pages) == report["pages"] >= 1
    json.loads((folder / "outline.json").read_text(encoding="utf-8"))
    json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert not (settings.failed_dir / f"{name}.error.txt").exists()
    return report


@pytest.mark.parametrize("crafted", CRAFTED, ids=lambda c: _display(c.name)[:40].replace("\n", "\\n"))
def test_each_input_gets_outputs_or_a_clear_error(bad_batch: BadBatch, crafted: Crafted) -> None:
    settings, row = bad_batch.settings, bad_batch.rows.get(crafted.name)
    if crafted.expect == IGNORED:
        assert row is None
        return
    assert row is not None, "every candidate gets an outcome: the batch went on"
    if crafted.expect == DONE:
        assert row.status == "done", row.detail
        _assert_complete(settings, row, settings.inputs / crafted.name)
        return
    assert row.status == "failed"
    assert crafted.expect in row.detail
    error = (settings.failed_dir / f"{row.name}.error.txt").read_text(encoding="utf-8")
    assert crafted.name in error and crafted.expect in error
    assert not (settings.outputs / row.name).exists()


def test_inputs_unchanged_and_nothing_written_outside_outputs(bad_batch: BadBatch) -> None:
    assert bad_batch.tree_after == bad_batch.tree_before
    outputs = bad_batch.settings.outputs
    for folder, dirs, files in os.walk(outputs):
        for name in dirs + files:
            path = Path(folder, name)
            assert not path.is_symlink(), path
            assert len(name.encode("utf-8", "surrogateescape")) <= 255
    names = {row.name for row in bad_batch.rows.values()}
    assert all(len(name.encode("utf-8")) <= MAX_NAME_BYTES for name in names)
    assert len(names) == len(bad_batch.rows), "one output name per input"
    leftovers = [p for p in outputs.rglob("*") if p.name.startswith(".tmp-")]
    assert leftovers == [] and list((bad_batch.settings.state_dir / "staging").glob("*")) == []


def test_second_run_does_no_work_again(bad_batch: BadBatch) -> None:
    """The ledger round-trips every odd name (one that is not UTF-8 too); refusals repeat unchanged."""
    assert bad_batch.second_run.keys() == bad_batch.rows.keys()
    for name, status in bad_batch.second_run.items():
        first = bad_batch.rows[name]
        assert status == "skipped" or (status == "failed" == first.status), name


def test_decoding_repairs_are_recorded(bad_batch: BadBatch) -> None:
    outputs = bad_batch.settings.outputs

    def report(name: str) -> dict:
        return json.loads((outputs / name / "report.json").read_text(encoding="utf-8"))

    assert "cut short" in report("truncated_utf8")["input"]["detection"]
    assert report("mixed_encodings")["input"]["encoding"] == "utf-8+gb18030"
    assert GBK_LINE in _docx_text(outputs / "mixed_encodings" / "mixed_encodings.docx")
    assert report("utf16_no_bom")["input"]["encoding"] == "utf-16-le"
    for name in ("nul_and_controls", "bidi_controls", "c1_and_zero_width"):
        assert "removed" in report(name)["input"]["notes"][0]
        text = _docx_text(outputs / name / f"{name}.docx")
        assert "同志们" in text and not re.search(f"[\x00-\x08\x1b\x7f{BIDI}{INVISIBLE}]", text)
    assert "line or paragraph separator" in report("line_separators")["input"]["notes"][0]
    assert "\u2028" not in _docx_text(outputs / "line_separators" / "line_separators.docx")
    for name in ("utf32_bom", "utf32_no_bom"):
        assert report(name)["input"]["encoding"].startswith("utf-32")
        assert "狠抓落实" in _docx_text(outputs / name / f"{name}.docx")
    assert UYGHUR.strip() in _docx_text(outputs / "uyghur_gb18030" / "uyghur_gb18030.docx")
    assert report("big5")["input"]["encoding"] == "big5"
    assert "加強學習" in _docx_text(outputs / "big5" / "big5.docx")


def test_docx_read_as_word_shows_it(bad_batch: BadBatch) -> None:
    """Deep nesting reads fast; Word's list numbers make the outline; notes and tables are reported."""
    assert bad_batch.rows["nested_20000.docx"].result.timings_ms["ingest"] < 5000
    folder = bad_batch.settings.outputs / "word_numbered"
    outline = json.loads((folder / "outline.json").read_text(encoding="utf-8"))
    assert [(h["number"], h["title"]) for h in outline if h["level"] == 1] == [
        ("一、", "提高认识"),
        ("二、", "狠抓落实"),
    ]
    notes = json.loads((folder / "report.json").read_text(encoding="utf-8"))["input"]["notes"]
    assert any("footnote" in note for note in notes) and any("table" in note for note in notes)
    text = _docx_text(folder / "word_numbered.docx")
    assert "重要途径[1]。" in text and "注释：" in text and "见国发〔2020〕1号文件。" in text


def test_characters_outside_every_font_are_kept_and_reported(bad_batch: BadBatch) -> None:
    outputs = bad_batch.settings.outputs
    for name, chars in (("cjk_extension_b", EXT_B), ("emoji", EMOJI)):
        assert chars in _docx_text(outputs / name / f"{name}.docx")
        report = json.loads((outputs / name / "report.json").read_text(encoding="utf-8"))
        fonts_lack = set(report["uncovered_characters"])
        assert fonts_lack <= set(chars)
        assert bad_batch.rows[f"{name}.txt"].result.warnings or not fonts_lack


def test_documents_without_the_usual_shape(bad_batch: BadBatch) -> None:
    outputs = bad_batch.settings.outputs
    assert ENGLISH in _docx_text(outputs / "no_chinese" / "no_chinese.docx")
    assert "狠抓落实" in _docx_text(outputs / "only_headings" / "only_headings.docx")
    big = bad_batch.rows["headings_5000.txt"].result
    assert 550 <= big.headings <= 4550  # parts and sections at least; items may count as provisions
    assert big.seconds < SECONDS_5000_HEADINGS, big.timings_ms
    line = bad_batch.rows["one_line_1mb.txt"].result
    assert line.pages > 500


def test_hostile_names_stay_inside_outputs(bad_batch: BadBatch) -> None:
    names = {crafted: bad_batch.rows[crafted].name for crafted in bad_batch.rows}
    assert names["-leading-dash.txt"] == "leading-dash"
    assert names["--force.txt"] == "force"
    assert names["line\nbreak.txt"] == "line_break"
    assert names["quotes \"double\" and 'single'.txt"] == "quotes _double_ and 'single'"
    assert names["_failed.txt"] == "failed", "not outputs/_failed, nor hidden from the index"
    assert names[NOT_UTF8_NAME].startswith("gbk_name_")
    refusal = (bad_batch.settings.failed_dir / "sidecar_outside.error.txt").read_text(encoding="utf-8")
    assert "机密" not in refusal and not (bad_batch.settings.outputs / "sidecar_outside").exists()


def test_page_limit_refuses_before_and_after_rendering(tmp_path: Path) -> None:
    from flows.engine.convert import convert_document
    from tasks.reading.ingest import IngestError

    settings = Settings(inputs=tmp_path, outputs=tmp_path / "outputs", max_pages=3)
    long_text = tmp_path / "long.txt"
    long_text.write_text("标题\n" + "各部门要抓好落实。" * 300 + "\n", encoding="utf-8")  # 97 lines
    with pytest.raises(IngestError, match=r"long.txt: would take at least 5 pages, over the limit of 3"):
        convert_document(long_text, settings, "long")
    # 66 one-character lines fill exactly 3 pages of body text; the title pushes the rest onto a 4th.
    short_lines = tmp_path / "lines.txt"
    short_lines.write_text("标题\n" + "好\n" * 65, encoding="utf-8")
    with pytest.raises(IngestError, match=r"lines.txt: takes 4 pages, over the limit of 3"):
        convert_document(short_lines, settings, "lines")
    assert not list(settings.outputs.rglob("*.pdf")), "nothing published, no staging left"
