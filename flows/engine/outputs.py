"""Where results go: safe names under outputs/, atomic files and directories, the history of replaced
versions, failure records.

Nothing is ever written outside the outputs folder, whatever an input is called, and no reader
ever sees a half-written file: everything is written under a temporary name and renamed.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from itertools import count
from pathlib import Path
from typing import Any

from flows.config import FAILED_DIR, STATE_DIR

# UTF-8 bytes, not characters (a CJK Extension B character is 4): with "NAME.error.txt" or "NAME.docx"
# the longest name stays within the 255-byte file-name limit of most filesystems.
MAX_NAME_BYTES = 200
TMP_PREFIX = ".tmp-"
STAGING = "staging"
# What the tool itself writes at the top of outputs/: no input may take one of these names.
THUMBNAIL_DIR = "_thumbnails"  # page 1 of each PDF, for the index
# Earlier versions of a document: outputs/_history/NAME/<when it was replaced>/, a whole outputs/NAME/
# folder each. A "_" folder, so that no input takes its name and the index and the zip pass it by.
HISTORY_DIR = "_history"
HISTORY_STAMP = "%Y%m%dT%H%M%SZ"  # UTC; no colons, which SMB shares refuse in names
INDEX_FILES = ("index.html", "index.md")
RESERVED_NAMES = frozenset({STATE_DIR, FAILED_DIR, THUMBNAIL_DIR, HISTORY_DIR, *INDEX_FILES})
# Path separators and characters Windows forbids; controls are found by their Unicode category.
_FORBIDDEN = frozenset('/\\:*?"<>|')


def _clean_char(char: str) -> str:
    category = unicodedata.category(char)
    if category == "Cf":  # invisible format characters (U+200B, U+202E, U+FEFF): dropped
        return ""
    # C0 and C1 controls, line and paragraph separators, lone surrogates (a name that is not UTF-8)
    if category in ("Cc", "Zl", "Zp", "Cs") or char in _FORBIDDEN:
        return "_"
    return char


def clean_name(text: str, max_bytes: int = MAX_NAME_BYTES) -> str:
    """`text` as a folder/file name that cannot escape outputs/, hide, or garble a terminal."""
    name = "".join(_clean_char(char) for char in unicodedata.normalize("NFC", text))
    name = name.strip().lstrip("._-")  # never hidden, an option, or one of the tool's _ folders
    while len(name.encode("utf-8")) > max_bytes:
        name = name[:-1]
    return name.rstrip()


def safe_output_name(input_name: str) -> str:
    """A folder/file stem derived from an input file name that cannot escape or hide."""
    stem = Path(input_name).stem if Path(input_name).suffix else input_name
    return clean_name(stem) or "document"


def with_suffix(name: str, suffix: str) -> str:
    """`name` + `suffix` (e.g. "-2"), the name shortened so that the whole stays within MAX_NAME_BYTES."""
    return clean_name(name, MAX_NAME_BYTES - len(suffix.encode("utf-8"))) + suffix


def numbered(name: str) -> Iterator[str]:
    """`name`, then "name-2", "name-3", …: the choices for a name that may be taken."""
    yield name
    for number in count(2):
        yield with_suffix(name, f"-{number}")


def is_reserved(name: str) -> bool:
    """A name the tool writes itself, or one it treats as its own (hidden, or starting with _)."""
    return name.casefold() in RESERVED_NAMES or name.startswith(("_", "."))


def is_plain_name(name: str) -> bool:
    """A name an input could have been given: one folder directly under outputs/, not the tool's own."""
    return bool(name) and clean_name(name) == name and not is_reserved(name)


def _umask() -> int:
    """This process's umask, read without setting it (os.umask would change it for every thread)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def public_mode(directory: bool = False) -> int:
    """The mode a published file or folder gets: what open() and mkdir() give under the umask.
    mkstemp and mkdtemp make them 0600 and 0700, which colleagues and web servers cannot read."""
    return (0o777 if directory else 0o666) & ~_umask()


def atomic_write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=TMP_PREFIX, suffix=path.suffix)
    try:
        os.fchmod(fd, public_mode())
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
    """A folder under the state folder, unseen by readers, to write one document's outputs into; removed
    if writing them fails."""
    staging_root = state_dir / STAGING
    staging_root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=staging_root, prefix=f"{name[:40]}."))
    try:
        staging.chmod(public_mode(directory=True))  # it is published as it is, by a rename
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def publish_dir(staging: Path, final: Path) -> Path | None:
    """Move a complete staging folder into place. An older result of the same input is kept: it moves
    whole into outputs/_history/NAME/<now>/ first (returned). Each step is one rename, so a process
    killed between them leaves the old version in the history and no outputs/NAME/ (the ledger still
    holds the old hash: the next run converts the input again), never a half-written folder."""
    final.parent.mkdir(parents=True, exist_ok=True)
    retired = None
    if final.exists():
        retired = history_slot(final.parent, final.name, datetime.now(UTC))
        os.replace(final, retired)
    os.replace(staging, final)
    return retired


def history_slot(outputs: Path, name: str, when: datetime) -> Path:
    """A free outputs/_history/NAME/<when>/ (two versions replaced in one second: <when>-2, …)."""
    folder = outputs / HISTORY_DIR / name
    folder.mkdir(parents=True, exist_ok=True)
    stamp = when.astimezone(UTC).strftime(HISTORY_STAMP)
    return next(slot for choice in numbered(stamp) if not os.path.lexists(slot := folder / choice))


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


def input_key(path: Path) -> str:
    """How the ledger and report.json name an input: its real path."""
    # realpath, not Path.resolve: a symbolic-link loop must not raise (RuntimeError on 3.11).
    return os.path.realpath(path)


def failure_path(failed_dir: Path, output_name: str) -> Path:
    return failed_dir / f"{output_name}.error.txt"
