"""Linux inotify through ctypes, for one folder: which files were written, closed after writing,
moved in, or removed.

watchfiles (the OS events of every platform) reports a change but not that its writer closed the
file; `IN_CLOSE_WRITE` does, and is what tells a finished copy from a paused one (paperless-ngx
watches its consume folder the same way). `FolderEvents` raises OSError where inotify is missing
(not Linux, or no watches left); the caller then falls back to watchfiles. Reading raises
FileNotFoundError once the folder itself is removed or moved away.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import select
import struct
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

IN_MODIFY = 0x00000002
IN_ATTRIB = 0x00000004
IN_CLOSE_WRITE = 0x00000008
IN_MOVED_FROM = 0x00000040
IN_MOVED_TO = 0x00000080
IN_CREATE = 0x00000100
IN_DELETE = 0x00000200
IN_DELETE_SELF = 0x00000400
IN_MOVE_SELF = 0x00000800
IN_Q_OVERFLOW = 0x00004000
IN_IGNORED = 0x00008000
IN_ONLYDIR = 0x01000000
IN_ISDIR = 0x40000000
_WATCHED = IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE
_HEADER = struct.Struct("iIII")  # struct inotify_event: wd, mask, cookie, len; then the name, NUL-padded
_GONE_SELF = IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED


class Kind(Enum):
    CHANGED = "changed"  # created, or its metadata changed
    WRITTEN = "written"  # data written: a writer has it open
    CLOSED = "closed"  # its writer closed it, or it was moved in whole
    GONE = "gone"  # deleted or moved away
    OVERFLOW = "overflow"  # the kernel dropped events: anything may have changed


@dataclass(frozen=True)
class Event:
    kind: Kind
    path: Path | None  # None for OVERFLOW


def _libc() -> ctypes.CDLL:
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    if not hasattr(libc, "inotify_init1"):
        raise OSError("inotify is not available here")
    return libc


def _kind(mask: int) -> Kind:
    if mask & (IN_DELETE | IN_MOVED_FROM):
        return Kind.GONE
    if mask & (IN_CLOSE_WRITE | IN_MOVED_TO):
        return Kind.CLOSED
    if mask & IN_MODIFY:
        return Kind.WRITTEN
    return Kind.CHANGED


class FolderEvents:
    """The inotify events of the files directly in one folder (not its subfolders)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        libc = _libc()
        self._fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self._fd < 0:
            raise OSError(ctypes.get_errno(), f"inotify_init1: {os.strerror(ctypes.get_errno())}")
        if libc.inotify_add_watch(self._fd, os.fsencode(folder), _WATCHED | IN_ONLYDIR) < 0:
            error = ctypes.get_errno()
            os.close(self._fd)
            raise OSError(error, os.strerror(error), str(folder))

    def read(self, timeout: float) -> list[Event]:
        """The events that arrive within `timeout` seconds (all waiting ones, at once); [] if none."""
        if not select.select([self._fd], [], [], timeout)[0]:
            return []
        try:
            data = os.read(self._fd, 1 << 16)
        except BlockingIOError:
            return []
        events, offset = [], 0
        while offset < len(data):
            _, mask, _, size = _HEADER.unpack_from(data, offset)
            raw_name = data[offset + _HEADER.size : offset + _HEADER.size + size].rstrip(b"\0")
            offset += _HEADER.size + size
            if mask & _GONE_SELF:
                raise FileNotFoundError(errno.ENOENT, "the folder was removed or moved", str(self.folder))
            if mask & IN_Q_OVERFLOW:
                events.append(Event(Kind.OVERFLOW, None))
            elif raw_name and not mask & IN_ISDIR:
                events.append(Event(_kind(mask), self.folder / os.fsdecode(raw_name)))
        return events

    def close(self) -> None:
        os.close(self._fd)

    def __enter__(self) -> FolderEvents:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
