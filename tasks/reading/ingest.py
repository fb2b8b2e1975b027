"""Ingest: bytes of a .txt or .docx file -> SourceText.

Office files come from old machines and chat windows: UTF-8 with or without BOM, GB18030/GBK,
Big5, UTF-16 and UTF-32 with or without BOM, CRLF or CR line ends. The codec is detected, never guessed
silently: SourceText records which one and why. A legacy file in another language's codec (Korean
EUC-KR, Japanese EUC-JP or Shift_JIS), which GB18030 would read as plausible-looking hanzi, is refused
by name; other scripts mixed with Chinese (Uyghur, Latin, Cyrillic ...) are kept. Input that is empty,
binary, oversized or a hostile .docx raises IngestError with a message that names the file and the
problem. Invisible characters (controls, bidirectional overrides, zero-width) are removed and line
separators become line breaks; SourceText.notes says what was done.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

from tasks.model import SourceText
from tasks.reading.docx_reader import DocxRefused, read_docx

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MIN_PLAUSIBILITY = 0.85
SUPPORTED_SUFFIXES = (".txt", ".docx")

# What str.splitlines() breaks at besides CR and LF: line and paragraph separators (U+2028, U+2029,
# pasted from web pages), form feed, vertical tab, NEL. They become "\n", so every later stage agrees.
_LINE_BREAKS = re.compile("[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# Characters nobody sees that must not reach the document, by kind (counted in the notes).
_INVISIBLE = {
    "control (C0/C1, DEL)": "\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f",
    "bidirectional control": "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069",  # Trojan Source
    # Zero-width space, word joiner, invisible operators, BOM inside the text, soft hyphen, annotations.
    # ZWJ and ZWNJ stay: emoji sequences and Arabic-script words (Uyghur) need them.
    "zero-width": "\u200b\u2060-\u2064\ufeff\u00ad\ufff9-\ufffb",
}
_INVISIBLE_PATTERNS = {kind: re.compile(f"[{chars}]") for kind, chars in _INVISIBLE.items()}
_CONTROLS = _INVISIBLE_PATTERNS["control (C0/C1, DEL)"]


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
    notes: tuple[str, ...] = ()
    if suffix == ".docx":
        try:
            docx = read_docx(data)
        except DocxRefused as error:
            raise IngestError(path, str(error)) from None
        text, encoding, detection, notes = docx.text, "utf-8", "DOCX paragraphs", docx.notes
    else:
        text, encoding, detection = decode_text(path, data)
    return _finish(path, data, text, encoding, detection, notes)


def check_size(path: Path, max_bytes: int) -> None:
    size = path.stat().st_size
    if size > max_bytes:
        raise IngestError(path, f"file is {size:,} bytes, over the limit of {max_bytes:,} (max_input_bytes)")


# UTF-32's BOMs first: FF FE 00 00 also starts like UTF-16's.
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
# Legacy codecs of neighbouring languages. Their bytes are valid GB18030 too, read as hanzi that look
# plausible one by one: only a reading in the right codec shows what the file is.
# Japanese first: EUC-KR reads EUC-JP's kana rows as Hangul letters (jamo), never as syllables.
_FOREIGN_CODECS = (
    ("euc_jp", "Japanese (EUC-JP)"),
    ("shift_jis", "Japanese (Shift_JIS)"),
    ("euc_kr", "Korean (EUC-KR)"),
    ("cp949", "Korean (CP949)"),
)


def decode_text(path: Path, data: bytes) -> tuple[str, str, str]:
    """Decode .txt bytes: (text, codec, how the codec was found)."""
    if not data.strip():
        raise IngestError(path, "file is empty" if not data else "file holds only whitespace")
    for bom, codec in _BOMS:
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
    wide = ("utf-32-le", "utf-32-be", "utf-16-le", "utf-16-be")
    codecs = wide if b"\x00" in data else ("gb18030", *wide)
    readings = []
    for codec in codecs:
        if len(data) % (4 if codec.startswith("utf-32") else 2 if codec.startswith("utf-16") else 1):
            continue
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        readings.append((_plausibility(text), codec, text))
    score, codec, text = max(readings, key=lambda r: r[0], default=(0.0, "", ""))
    foreign = None if b"\x00" in data else _foreign_language(data)
    if foreign is not None:
        raise IngestError(
            path, f"looks like {foreign}, not Chinese; save it as UTF-8 if it is meant to be read"
        )
    if score >= MIN_PLAUSIBILITY:
        if codec == "gb18030":
            return text, codec, "not UTF-8; valid GB18030 (GBK)"
        return text, codec, f"{codec[:6].upper()} without BOM (judged by content)"
    big5 = None if b"\x00" in data else _big5(data)
    if big5 is not None:
        return big5, "big5", "not UTF-8 or GB18030; valid Big5 (Traditional Chinese)"
    if b"\x00" in data:
        raise IngestError(path, "binary data (NUL bytes), not a text file")
    raise IngestError(path, "cannot decode: not UTF-8, GB18030/GBK, Big5, UTF-16 or UTF-32 text")


_SPACED_HANGUL = re.compile("[\uac00-\ud7a3] +[\uac00-\ud7a3]")


def _big5(data: bytes) -> str | None:
    """Traditional Chinese from Taiwan or Hong Kong. Tried last: short GBK lines can read as Big5 too."""
    try:
        text = data.decode("big5")
    except UnicodeDecodeError:
        return None
    return text if _plausibility(text) >= MIN_PLAUSIBILITY else None


def _foreign_language(data: bytes) -> str | None:
    """The language and codec of a legacy Korean or Japanese file, None for anything else.

    Korean: nearly all its letters Hangul (Chinese read as EUC-KR gives Hangul and Hanja about half and
    half, and fails on common hanzi such as 上 生 时), with spaces between words. Japanese: kana make
    a fifth of its letters (Chinese uses none; GB2312's kana rows equal EUC-JP's: a misread shows them).
    """
    for codec, language in _FOREIGN_CODECS:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        scripts = script_counts(text)
        hangul, kana, han = scripts.get("Hangul", 0), scripts.get("Kana", 0), scripts.get("Han", 0)
        spaced = len(_SPACED_HANGUL.findall(text))  # Korean puts a space between words, Chinese none
        if language.startswith("Korean") and hangul >= 0.9 * (hangul + han) and spaced * 10 >= hangul >= 8:
            return language
        if language.startswith("Japanese") and kana >= 4 and kana >= 0.2 * (kana + han):
            return language
    return None


def script_counts(text: str) -> dict[str, int]:
    """Letters by script (Han, Hangul, Kana, Latin, Arabic ...), from the first 20,000 characters."""
    counts: dict[str, int] = {}
    for ch in text[:20000]:
        script = _script(ch)
        if script is not None:
            counts[script] = counts.get(script, 0) + 1
    return counts


def _script(ch: str) -> str | None:
    code = ord(ch)
    if code < 0x80:
        return "Latin" if ch.isalpha() else None
    if 0x3040 <= code <= 0x30FF:
        return "Kana"
    if 0xAC00 <= code <= 0xD7A3:  # syllables: Korean text is written in them
        return "Hangul"
    if not ch.isalpha():
        return None
    name = unicodedata.name(ch, "")
    if name.startswith("CJK"):
        return "Han"
    return name.split(" ", 1)[0].title() or None  # LATIN, ARABIC, CYRILLIC, TIBETAN, MONGOLIAN ...


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


_OTHER_SCRIPTS = re.compile(
    "[\u00c0-\u024f\u0400-\u04ff\u0600-\u06ff\u0750-\u077f\u0f00-\u0fff\u1800-\u18af\ufb50-\ufdff\ufe70-\ufefe]"
)


def _weight(ch: str) -> float:
    """How typical a character is of Chinese office text: 1 typical, 0 never seen in it."""
    if ch.isascii():
        if ch.isalpha():
            return 0.5  # a misread of UTF-16 yields ASCII letters between hanzi
        return 1.0 if ch.isprintable() or ch in "\t\n\r" else 0.0
    if "\u3000" <= ch <= "\u303f" or "\uff01" <= ch <= "\uff5e" or "\u2010" <= ch <= "\u2027":
        return 1.0
    if _OTHER_SCRIPTS.match(ch):
        # Uyghur, Tibetan, Mongolian, Cyrillic, accented Latin: none has bytes a misread of GB18030 or
        # UTF-16 Chinese yields (their UTF-16 code units hold a byte 00-18; GB18030 needs 4-byte codes).
        return 1.0
    try:
        gb = ch.encode("gb2312")
        return 1.0 if gb[0] < 0xD8 else 0.5  # GB2312 level 1 (the 3,755 commonest hanzi) or level 2
    except UnicodeEncodeError:
        pass
    try:
        big5 = ch.encode("big5")  # Traditional Chinese: Big5's common (A4-C6) or less common hanzi
        return 1.0 if 0xA4 <= big5[0] <= 0xC6 else 0.5
    except UnicodeEncodeError:
        return 0.0


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


def _finish(
    path: Path, data: bytes, text: str, encoding: str, detection: str, reader_notes: tuple[str, ...]
) -> SourceText:
    crlf = text.count("\r\n")
    counts = {"CRLF": crlf, "CR": text.count("\r") - crlf, "LF": text.count("\n") - crlf}
    kinds = [kind for kind, count in counts.items() if count]
    line_ends = kinds[0] if len(kinds) == 1 else "mixed" if kinds else "LF"
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    controls = len(_CONTROLS.findall(text))
    if controls > max(8, len(text) // 100):
        raise IngestError(path, f"binary data ({controls} control characters), not a text file")
    text, removed = _remove_invisible(text.removeprefix("\ufeff"))
    text, breaks = _LINE_BREAKS.subn("\n", text)
    notes = [removed] if removed else []
    if breaks:
        notes.append(
            f"turned {breaks} line or paragraph separator(s) (U+2028, U+2029, form feed) into line breaks"
        )
    notes += [*reader_notes, *_language_notes(text)]
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


def _remove_invisible(text: str) -> tuple[str, str]:
    """The text without invisible characters, and a note saying how many of each kind went ("" if none)."""
    counts = []
    for kind, pattern in _INVISIBLE_PATTERNS.items():
        text, count = pattern.subn("", text)
        if count:
            counts.append(f"{count} {kind}")
    total = sum(int(count.split(" ", 1)[0]) for count in counts)
    return text, f"removed {total} invisible character(s): {', '.join(counts)}" if counts else ""


def _language_notes(text: str) -> list[str]:
    """A warning when the text is not Chinese (it is laid out as Chinese all the same).

    Other scripts beside Chinese are normal (a Chinese-Uyghur notice, English names): only a text
    without hanzi, or one whose kana or Hangul show it is Japanese or Korean, is worth a warning.
    """
    scripts = script_counts(text)
    han = scripts.get("Han", 0)
    if not scripts or (han and scripts.get("Hangul", 0) + scripts.get("Kana", 0) < 0.2 * han):
        return []
    main = max(scripts, key=lambda script: scripts[script] if script != "Han" else 0)
    language = {"Hangul": "Korean", "Kana": "Japanese"}.get(main, f"{main} script")
    return [f"warning: not Chinese: the text looks like {language}; it is laid out as Chinese"]
