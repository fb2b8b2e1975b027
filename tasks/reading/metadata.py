"""Metadata the raw text lacks: a front-matter block at the top of a .txt, or a sidecar NAME.toml.

Front matter is fenced by "---" lines and holds "key: value" lines; Chinese keys are accepted:

    ---
    title: 在全市四套班子秘书长和办公室主任会议上的讲话
    讲话人: 张三
    date: 2022年3月1日
    ---

Keys: title, subtitle, speaker, date, occasion, profile, agency, doc_number (see tasks.model.Metadata).
"""

from __future__ import annotations

import tomllib
from dataclasses import fields, replace
from datetime import date
from pathlib import Path

from tasks.model import Metadata

SIDECAR_MAX_BYTES = 64 * 1024  # a few lines of TOML; a bigger file is a mistake or an attack
_FENCE = "---"
_KEYS = {f.name for f in fields(Metadata)}
_ALIASES = {
    "标题": "title",
    "副标题": "subtitle",
    "讲话人": "speaker",
    "发言人": "speaker",
    "日期": "date",
    "时间": "date",
    "场合": "occasion",
    "会议": "occasion",
    "版式": "profile",
    "发文机关": "agency",
    "发文字号": "doc_number",
}


def _metadata(values: dict[str, object], where: str) -> Metadata:
    """Check keys and values; raise ValueError naming the problem and where it is."""
    settings: dict[str, str] = {}
    for raw_key, value in values.items():
        key = _ALIASES.get(raw_key.strip(), raw_key.strip())
        if key not in _KEYS:
            raise ValueError(f"{where}: unknown metadata key {raw_key!r}; known: {', '.join(sorted(_KEYS))}")
        if isinstance(value, date):
            value = value.isoformat()
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{where}: metadata {raw_key!r} must be non-empty text, got {value!r}")
        settings[key] = value.strip()
    return Metadata(**settings)


def split_front_matter(text: str) -> tuple[Metadata, str]:
    """(metadata, body). The block is replaced by as many empty lines, so line numbers stay true.

    Text without a front-matter block comes back unchanged with empty Metadata.
    """
    lines = text.split("\n")
    if not lines or lines[0].lstrip("\ufeff").strip() != _FENCE:
        return Metadata(), text
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == _FENCE)
    except StopIteration:
        raise ValueError("front matter: opening '---' on line 1 has no closing '---'") from None
    values: dict[str, object] = {}
    for number in range(1, end):
        line = lines[number].strip()
        if not line:
            continue
        key, sep, value = line.replace("：", ":", 1).partition(":")
        if not sep:
            raise ValueError(f"front matter line {number + 1}: expected 'key: value', got {line!r}")
        values[key] = value
    metadata = _metadata(values, "front matter")
    return metadata, "\n".join([""] * (end + 1) + lines[end + 1 :])


def sidecar_path(source: Path) -> Path:
    """NAME.toml beside NAME.txt / NAME.docx."""
    return source.with_suffix(".toml")


def read_sidecar(path: Path) -> Metadata:
    """Metadata from a sidecar TOML file: `path` is the .toml itself or the input beside it.

    No sidecar file means empty Metadata; a malformed or oversized one raises ValueError.
    """
    path = path if path.suffix == ".toml" else sidecar_path(path)
    try:
        if not path.is_file():
            return Metadata()
    except OSError:  # a name too long to exist (NAME.toml beside a 252-byte NAME.txt)
        return Metadata()
    with path.open("rb") as handle:  # never more than the limit in memory, whatever the file's size
        data = handle.read(SIDECAR_MAX_BYTES + 1)
    if len(data) > SIDECAR_MAX_BYTES:
        raise ValueError(f"{path.name}: metadata sidecar is over the limit of {SIDECAR_MAX_BYTES:,} bytes")
    try:
        values = tomllib.loads(data.decode("utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ValueError(f"{path.name}: not valid TOML: {error}") from None
    return _metadata(values, path.name)


def load_metadata(source: Path, text: str) -> tuple[Metadata, str]:
    """(metadata, body) for an input: its front matter, overridden field by field by NAME.toml."""
    front, body = split_front_matter(text)
    sidecar = read_sidecar(source)
    given = {
        f.name: getattr(sidecar, f.name) for f in fields(Metadata) if getattr(sidecar, f.name) is not None
    }
    return replace(front, **given), body
