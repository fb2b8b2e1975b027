"""Paying a process's first-use costs (imports, fonts, jieba's dictionary) before documents arrive.

Two ways, for two kinds of process: `prime` converts a short text off the record (a long-lived
process: the watcher, the worker pool's fork server); `warm_in_background` loads the fonts and
jieba on a thread while the process does something else (a run that converts in its own process
while Prefect starts).
"""

from __future__ import annotations

import logging
import tempfile
import threading
from dataclasses import replace
from pathlib import Path

from flows.config import FontKey, Settings
from flows.engine.convert import convert_document
from flows.engine.fonts import load_fonts
from tasks.text.words import tokenizer

# A short text with a title long enough to be broken (jieba's tagger), a heading and body text:
# every stage and font role runs once.
PRIMING_TEXT = (
    "关于试运行全市政务服务一网通办平台有关事项的通知\n\n各单位：\n\n一、总体要求\n\n"
    "请于本月底前报送材料。\n\n特此通知。\n"
)


def prime(settings: Settings) -> None:
    """Convert a short text off the record: fonts, jieba and every stage's first-use costs are paid now."""
    with tempfile.TemporaryDirectory(prefix="gongwen-warm-up-") as scratch:
        source = Path(scratch) / "warm-up.txt"
        source.write_text(PRIMING_TEXT, encoding="utf-8")
        convert_document(source, replace(settings, outputs=Path(scratch) / "outputs"), "warm-up")


def warm_in_background(settings: Settings) -> None:
    """Load fonts and jieba's dictionary on a daemon thread; the first document waits for them if it must."""
    threading.Thread(target=_warm, args=(settings.font_key,), name="gongwen-warm-up", daemon=True).start()


def _warm(key: FontKey) -> None:
    try:
        load_fonts(key)
        tokenizer()
    except Exception:  # the first document loads them again and reports what went wrong
        logging.getLogger(__name__).debug("warm-up failed", exc_info=True)
