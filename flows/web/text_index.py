"""Each document's text, for the page's search: read from its PDF by pdftotext (poppler-utils).

A text is kept in memory and on disk (outputs/.gongwen/web-text/NAME.txt), and the file carries its
PDF's modification time, as a thumbnail does: it is extracted again only when the PDF changes, and
not at all after a restart.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from flows.config import STATE_DIR
from flows.engine.outputs import atomic_write_text

TEXT_DIR = "web-text"
PDFTOTEXT_SECONDS = 60

log = logging.getLogger("gongwen.web")


def searchable(text: str) -> str:
    """Case-folded, without line breaks: a phrase broken across two lines of the PDF still matches."""
    return "".join(text.split("\n")).replace("\f", "").casefold()


class TextIndex:
    def __init__(self, outputs: Path) -> None:
        self.folder = outputs / STATE_DIR / TEXT_DIR
        self._texts: dict[str, tuple[int, str]] = {}  # name -> (PDF mtime in ns, searchable text)
        self._lock = threading.Lock()

    def texts(self, pdfs: dict[str, Path]) -> dict[str, str]:
        """Name -> searchable text of each PDF; those not known yet are read (pdftotext, one per core)."""
        found: dict[str, str] = {}
        missing: dict[str, tuple[Path, int]] = {}
        for name, pdf in pdfs.items():
            try:
                mtime = pdf.stat().st_mtime_ns
            except OSError:  # replaced or removed meanwhile: not searchable this time
                continue
            known = self._texts.get(name)
            if known is not None and known[0] == mtime:
                found[name] = known[1]
            else:
                missing[name] = (pdf, mtime)
        if missing:
            with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
                read = pool.map(lambda item: self._read(item[0], *item[1]), missing.items())
                found.update(zip(missing, read, strict=True))
        return found

    def _read(self, name: str, pdf: Path, mtime: int) -> str:
        cached = self.folder / f"{name}.txt"
        try:
            if cached.stat().st_mtime_ns == mtime:
                text = cached.read_text(encoding="utf-8")
                self._remember(name, mtime, text)
                return text
        except OSError:
            pass
        text = searchable(_pdf_text(pdf))
        try:
            atomic_write_text(cached, text)
            os.utime(cached, ns=(mtime, mtime))
        except OSError as error:  # a read-only outputs folder: searched, just not kept
            log.warning("search text of %s not kept: %s", pdf, error)
        self._remember(name, mtime, text)
        return text

    def _remember(self, name: str, mtime: int, text: str) -> None:
        with self._lock:
            self._texts[name] = (mtime, text)


def _pdf_text(pdf: Path) -> str:
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        return ""
    try:
        done = subprocess.run(
            [pdftotext, "-enc", "UTF-8", str(pdf), "-"],
            capture_output=True,
            timeout=PDFTOTEXT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        log.warning("search text of %s: pdftotext took more than %d s", pdf, PDFTOTEXT_SECONDS)
        return ""
    return done.stdout.decode("utf-8", errors="replace") if done.returncode == 0 else ""
