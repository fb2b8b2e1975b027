"""Ingest: bytes of a .txt or .docx file -> SourceText.

Office files come from old machines and chat windows: UTF-8 with or without BOM, GB18030/GBK,
UTF-16 with or without BOM, CRLF or CR line ends. The codec is detected, never guessed silently:
SourceText records which one and why. Input that is empty, binary, oversized or a hostile .docx
raises IngestError with a message that names the file and the problem.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path

from defusedxml import ElementTree as SafeET

from tasks.model import SourceText

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MIN_PLAUSIBILITY = 0.85
DOCX_MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # a zip bomb unpacks far past this
SUPPORTED_SUFFIXES = (".txt", ".docx")

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# C0 controls other than tab and newline, DEL, and the bidirectional overrides (Trojan Source).
_STRAY_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069\u200e\u200f]")


def display_name(path: Path | str) -> str:
    """The file's name as text: bytes that are not UTF-8 (a name from an old machine) become U+FFFD."""
    return Path(path).name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


class IngestError(ValueError):
    """The file cannot be read as a document. str(error) names the file and says why."""

    def __init__(self, path: Path | str, problem: str) -> None:
        super().__init__(f"{display_name(path)}: {problem}")
        self.path, self.problem = str(path), problem

    def __reduce__(self) -> tuple[type[IngestError], tuple[str, str]]:
        # Errors cross from worker processes to the flow: pickle the constructor's arguments.
        return IngestError, (self.path, self.problem)


def read_source(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> SourceText:
    """Read and decode one input file."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise IngestError(path, f"unsupported file type {suffix or '(none)'}; use .txt or .docx")
    if not path.is_file():
        raise IngestError(path, "not a regular file")
    check_size(path, max_bytes)
    data = path.read_bytes()
    if suffix == ".docx":
        text, encoding, detection = _docx_text(path, data), "utf-8", "DOCX paragraphs"
    else:
        text, encoding, detection = decode_text(path, data)
    return _finish(path, data, text, encoding, detection)


def check_size(path: Path, max_bytes: int) -> None:
    size = path.stat().st_size
    if size > max_bytes:
        raise IngestError(path, f"file is {size:,} bytes, over the limit of {max_bytes:,} (max_input_bytes)")


def decode_text(path: Path, data: bytes) -> tuple[str, str, str]:
    """Decode .txt bytes: (text, codec, how the codec was found)."""
    if not data.strip():
        raise IngestError(path, "file is empty" if not data else "file holds only whitespace")
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return _strict(path, data, codec, "BOM")
    # A few stray NULs in UTF-8 text are removed later; many mean UTF-16 or binary data.
    if data.count(b"\x00") <= len(data) // 100:
        utf8 = _utf8(data)
        if utf8 is not None:
            return utf8
    mixed = None if b"\x00" in data else _utf8_and_gb18030_lines(data)
    if mixed is not None:
        return mixed
    # GB18030 (a superset of GBK) or BOM-less UTF-16: several may decode without error, so keep
    # the reading whose characters look most like Chinese office text.
    codecs = ("utf-16-le", "utf-16-be") if b"\x00" in data else ("gb18030", "utf-16-le", "utf-16-be")
    readings = []
    for codec in codecs:
        if codec.startswith("utf-16") and len(data) % 2:
            continue
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        readings.append((_plausibility(text), codec, text))
    score, codec, text = max(readings, key=lambda r: r[0], default=(0.0, "", ""))
    if score >= MIN_PLAUSIBILITY:
        how = (
            "not UTF-8; valid GB18030 (GBK)"
            if codec == "gb18030"
            else "UTF-16 without BOM (judged by content)"
        )
        return text, codec, how
    if b"\x00" in data:
        raise IngestError(path, "binary data (NUL bytes), not a text file")
    raise IngestError(path, "cannot decode: not UTF-8, GB18030/GBK or UTF-16 text")


def _utf8(data: bytes) -> tuple[str, str, str] | None:
    """UTF-8, also when the file was cut short inside its last character (an interrupted copy)."""
    try:
        return data.decode("utf-8"), "utf-8", "valid UTF-8"
    except UnicodeDecodeError as error:
        if error.reason != "unexpected end of data" or error.end != len(data):
            return None
        cut = len(data) - error.start
        return data[: error.start].decode("utf-8"), "utf-8", f"UTF-8 cut short: last {cut} byte(s) dropped"


def _utf8_and_gb18030_lines(data: bytes) -> tuple[str, str, str] | None:
    """Text pasted together from a UTF-8 and a GBK file: some non-ASCII lines are UTF-8, others not."""
    lines, utf8_lines, gb_lines = [], 0, 0
    for raw in data.split(b"\n"):
        try:
            lines.append(raw.decode("utf-8"))
            utf8_lines += not raw.isascii()
        except UnicodeDecodeError:
            try:
                lines.append(raw.decode("gb18030"))
            except UnicodeDecodeError:
                return None
            gb_lines += 1
    text = "\n".join(lines)
    if not (utf8_lines and gb_lines) or _plausibility(text) < MIN_PLAUSIBILITY:
        return None
    return text, "utf-8+gb18030", f"mixed: {gb_lines} of {len(lines)} lines GB18030 (GBK), the rest UTF-8"


def _weight(ch: str) -> float:
    """How typical a character is of Chinese office text: 1 typical, 0 never seen in it."""
    if ch.isascii():
        if ch.isalpha():
            return 0.5  # a misread of UTF-16 yields ASCII letters between hanzi
        return 1.0 if ch.isprintable() or ch in "\t\n\r" else 0.0
    if "\u3000" <= ch <= "\u303f" or "\uff01" <= ch <= "\uff5e" or "\u2010" <= ch <= "\u2027":
        return 1.0
    try:
        gb = ch.encode("gb2312")
    except UnicodeEncodeError:
        return 0.0
    return 1.0 if gb[0] < 0xD8 else 0.5  # GB2312 level 1 (the 3,755 commonest hanzi) or level 2


def _plausibility(text: str) -> float:
    """Share of characters that ordinary Chinese office text is made of (a misread gives rare ones)."""
    sample = text[:20000]
    return sum(map(_weight, sample)) / max(1, len(sample))


def _strict(path: Path, data: bytes, codec: str, how: str) -> tuple[str, str, str]:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as error:
        raise IngestError(path, f"invalid {codec} at byte {error.start} ({how})") from None
    name = {"utf-8-sig": "utf-8"}.get(codec, codec)
    return text, name, how


def _docx_text(path: Path, data: bytes) -> str:
    """Paragraph text of word/document.xml, one line per paragraph; no entities, no external refs."""
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > DOCX_MAX_UNPACKED_BYTES:
                raise IngestError(path, f"DOCX unpacks to {unpacked:,} bytes (zip bomb?); refused")
            xml = _bounded_member(path, archive, "word/document.xml")
    except zipfile.BadZipFile as error:
        raise IngestError(path, f"not a valid DOCX (not a zip archive, or a damaged one: {error})") from None
    try:
        root = SafeET.fromstring(xml)
    except Exception as error:  # defusedxml raises several types for entities and DTDs
        raise IngestError(path, f"DOCX XML refused: {type(error).__name__}: {error}") from None
    lines = []
    for paragraph in root.iter(f"{_W}p"):
        parts = []
        for node in paragraph.iter():
            if node.tag == f"{_W}t" and node.text:
                parts.append(node.text)
            elif node.tag == f"{_W}tab":
                parts.append("\t")
            elif node.tag in (f"{_W}br", f"{_W}cr"):
                parts.append("\n")
        lines.append("".join(parts))
    text = "\n".join(lines)
    if not text.strip():
        raise IngestError(path, "DOCX has no text")
    return text


def _bounded_member(path: Path, archive: zipfile.ZipFile, name: str) -> bytes:
    """A member's bytes, never more than DOCX_MAX_UNPACKED_BYTES, whatever sizes the headers declare.

    zipfile trusts the declared size: a bomb that declares 100 bytes is unpacked whole into memory
    by read(), then cut. Declaring "unlimited" lets the bounded read() below do the limiting.
    """
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise IngestError(path, f"DOCX has no {name}") from None
    info.file_size = 1 << 62
    with archive.open(info) as member:
        data = member.read(DOCX_MAX_UNPACKED_BYTES + 1)
    if len(data) > DOCX_MAX_UNPACKED_BYTES:
        raise IngestError(path, f"DOCX {name} unpacks past {DOCX_MAX_UNPACKED_BYTES:,} bytes (zip bomb?)")
    return data


def _finish(path: Path, data: bytes, text: str, encoding: str, detection: str) -> SourceText:
    crlf = text.count("\r\n")
    counts = {"CRLF": crlf, "CR": text.count("\r") - crlf, "LF": text.count("\n") - crlf}
    kinds = [kind for kind, count in counts.items() if count]
    line_ends = kinds[0] if len(kinds) == 1 else "mixed" if kinds else "LF"
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    controls = len(_STRAY_CONTROLS.findall(text))
    if controls > max(8, len(text) // 100):
        raise IngestError(path, f"binary data ({controls} control characters), not a text file")
    notes = []
    text, removed = _STRAY_CONTROLS.subn("", text)
    if removed:
        notes.append(f"removed {removed} control or bidirectional-override character(s)")
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise IngestError(path, "file holds no text")
    return SourceText(
        name=display_name(path),
        text=text,
        encoding=encoding,
        detection=detection,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        line_ends=line_ends,
        notes=tuple(notes),
    )
