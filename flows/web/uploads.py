"""Drafts handed in through the page, saved into the inbox.

A draft is written under a hidden temporary name (the watcher ignores it), then linked to its own
name in one step that fails if the name is taken: an upload never replaces a file in the inbox, and
the watcher never sees half a file. A taken name gets a number (通知-2.txt).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path, PurePath
from typing import BinaryIO

from flows.engine.outputs import clean_name, numbered, public_mode
from tasks.reading.ingest import SUPPORTED_SUFFIXES

CHUNK_BYTES = 1 << 20
UPLOAD_PREFIX = ".upload-"  # hidden: never taken for a document while it is written


class UploadRefused(ValueError):
    """A draft the page does not take; the message is for the person who handed it in (Chinese)."""


def draft_name(filename: str) -> tuple[str, str]:
    """(stem, suffix) for a file handed in as `filename`: its last path part, a safe name, .txt or .docx."""
    base = PurePath(filename.replace("\\", "/")).name
    suffix = PurePath(base).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UploadRefused(f"{base or '（无名文件）'}：只收 .txt 和 .docx 文件")
    # "~$" opens Word's lock files, which the inbox ignores; clean_name drops leading dots.
    stem = clean_name(PurePath(base).stem.lstrip("~$")) or "文稿"
    return stem, suffix


def save_draft(inbox: Path, filename: str, source: BinaryIO, max_bytes: int) -> Path:
    """Copy an uploaded draft into the inbox under a name of its own; its path there."""
    stem, suffix = draft_name(filename)
    fd, temporary = tempfile.mkstemp(dir=inbox, prefix=UPLOAD_PREFIX, suffix=".part")
    try:
        os.fchmod(fd, public_mode())
        with os.fdopen(fd, "wb") as target:
            size = 0
            while chunk := source.read(CHUNK_BYTES):
                size += len(chunk)
                if size > max_bytes:
                    raise UploadRefused(f"{stem}{suffix}：文件超过 {max_bytes / 2**20:g} MB 的上限")
                target.write(chunk)
            target.flush()
            os.fsync(target.fileno())
        for name in (choice + suffix for choice in numbered(stem)):
            try:
                os.link(temporary, inbox / name)  # fails if the name exists: nothing is replaced
            except FileExistsError:
                continue
            return inbox / name
        raise AssertionError("unreachable: the choices never end")
    finally:
        Path(temporary).unlink(missing_ok=True)
