"""Where results go: safe names under outputs/, atomic files and directories, failure records.

Nothing is ever written outside the outputs folder, whatever an input is called, and no reader
ever sees a half-written file: everything is written under a temporary name and renamed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# UTF-8 bytes, not characters (a CJK Extension B character is 4): with "-docx-99.error.txt" added the
# longest name stays within the 255-byte file-name limit of most filesystems.
MAX_NAME_BYTES = 200
TMP_PREFIX = ".tmp-"
THUMBNAIL_DIR = "_thumbnails"  # under outputs/: page 1 of each PDF, for the index
STAGING = "staging"
# Path separators, characters Windows forbids, controls, and lone surrogates (a name that is not UTF-8).
_UNSAFE = re.compile('[\x00-\x1f\x7f/\\\\:*?"<>|\ud800-\udfff]')


def safe_output_name(input_name: str) -> str:
    """A folder/file stem derived from an input file name that cannot escape or hide."""
    stem = Path(input_name).stem if Path(input_name).suffix else input_name
    stem = unicodedata.normalize("NFC", _UNSAFE.sub("_", stem))
    stem = stem.strip().lstrip(".-")
    while len(stem.encode("utf-8")) > MAX_NAME_BYTES:
        stem = stem[:-1]
    return stem.rstrip() or "document"


def atomic_write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=TMP_PREFIX, suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    # A file name that is not UTF-8 reaches reports as lone surrogates: written as "\\udcff", which
    # JSON reads back as the same string.
    atomic_write_bytes(path, text.encode("utf-8", "backslashreplace"))


def atomic_write_json(path: Path, data: Any) -> None:
    atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")


@contextmanager
def staging_dir(state_dir: Path, name: str) -> Iterator[Path]:
    """A private folder to write one document's outputs into; removed if writing them fails."""
    staging_root = state_dir / STAGING
    staging_root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=staging_root, prefix=f"{name[:40]}."))
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def publish_dir(staging: Path, final: Path) -> None:
    """Move a complete staging folder into place, replacing an older result of the same input."""
    final.parent.mkdir(parents=True, exist_ok=True)
    if final.exists():
        retired = staging.parent / f"{staging.name}.old"
        os.replace(final, retired)
        os.replace(staging, final)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        os.replace(staging, final)


def clear_leftovers(state_dir: Path, failed_dir: Path, outputs: Path) -> None:
    """Remove what a run killed mid-write left: its staging folders, half-written temporary files and
    scratch folders (a thumbnail being drawn).

    Call it only while holding the run lock: then no other run is writing in these folders.
    """
    shutil.rmtree(state_dir / STAGING, ignore_errors=True)
    for folder in (state_dir, failed_dir, outputs / THUMBNAIL_DIR):
        for leftover in folder.glob(f"{TMP_PREFIX}*"):
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)


def failure_path(failed_dir: Path, output_name: str) -> Path:
    return failed_dir / f"{output_name}.error.txt"
