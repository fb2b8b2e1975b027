"""Signs that a file dropped into the inbox is not finished yet, whatever its size and time say.

A copy that pauses (a slow USB stick, a network share) leaves a file that stops changing for a while
half-written. Two signs catch that beyond the settle time: a process on this machine still holds the
file open for writing (/proc/PID/fdinfo: where this user may look, all of them for root), and a
DOCX whose zip central directory (written last, at the end) cannot be read yet. Neither sees a writer
on another machine writing a plain text file: for that, only the settle time helps.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterable
from pathlib import Path

PROC = Path("/proc")
ZIP_SUFFIXES = (".docx",)  # formats that are zip archives: complete only with their central directory


def open_for_writing(paths: Iterable[Path]) -> set[Path]:
    """Those of `paths` that some process (that this user may inspect) holds open for writing."""
    wanted = {os.path.realpath(path): path for path in paths}
    found: set[Path] = set()
    if not wanted or not PROC.is_dir():
        return found
    for process in PROC.iterdir():
        if not process.name.isdigit():
            continue
        try:
            descriptors = os.listdir(process / "fd")
        except OSError:  # gone, or another user's process
            continue
        for fd in descriptors:
            try:
                target = os.readlink(process / "fd" / fd)
                if target in wanted and _writable((process / "fdinfo" / fd).read_text()):
                    found.add(wanted[target])
            except OSError:  # closed meanwhile
                continue
    return found


def _writable(fdinfo: str) -> bool:
    """Whether /proc/PID/fdinfo/FD describes a descriptor opened for writing (O_WRONLY or O_RDWR)."""
    for line in fdinfo.splitlines():
        if line.startswith("flags:"):
            return int(line.split()[1], 8) & os.O_ACCMODE in (os.O_WRONLY, os.O_RDWR)
    return False


def lacks_its_end(path: Path) -> bool:
    """True for a zip-based file (DOCX) whose central directory cannot be read yet; an empty file also
    has nothing written yet."""
    try:
        if path.stat().st_size == 0:
            return True
        if path.suffix.lower() not in ZIP_SUFFIXES:
            return False
        with zipfile.ZipFile(path):  # reads and checks the end record and the central directory
            return False
    except (OSError, zipfile.BadZipFile, ValueError):
        return True
