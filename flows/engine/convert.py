"""One input file -> outputs/NAME/ (DOCX, PDF, outline, summary, changes, report).

`convert_document` is a plain function: it runs every stage in order, times each, writes all
outputs into a staging folder and publishes the folder in one rename. It is what the Prefect task
runs, in the flow's process or in a worker process of the batch pool.
"""

from __future__ import annotations

import logging
import math
import platform
import tempfile
import threading
import time
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, replace
from datetime import UTC, datetime
from functools import lru_cache
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

from flows.config import Settings
from flows.engine.outputs import atomic_write_json, atomic_write_text, publish_dir, staging_dir
from flows.engine.result import DocumentResult
from flows.service.ledger import Ledger
from tasks.changes_html import render_changes_html
from tasks.fonts import FontSet, resolve_fonts
from tasks.ingest import IngestError, read_source
from tasks.layout import FontRole, Profile, get_profile
from tasks.metadata import load_metadata
from tasks.model import Document, NormalizedText, SourceText, Summary
from tasks.normalize import normalize
from tasks.outline import outline_entries, outline_markdown
from tasks.proofread import Finding, proofread
from tasks.render_docx import render_docx
from tasks.render_ofd import render_ofd
from tasks.render_pdf import render_pdf
from tasks.structure import build_document
from tasks.summarize import summarize, summary_dict, summary_markdown
from tasks.words import tokenizer

_VERSIONED = ("gongwen", "prefect", "python-docx", "reportlab", "jieba", "fonttools")


_fonts_lock = threading.Lock()  # a warm-up thread may be loading the fonts right now


def _fonts(user_fonts: tuple[tuple[str, str], ...]) -> FontSet:
    """Fonts are parsed (and CFF converted) once per process, not per document."""
    with _fonts_lock:
        return _font_set(user_fonts)


@lru_cache(maxsize=4)
def _font_set(user_fonts: tuple[tuple[str, str], ...]) -> FontSet:
    return resolve_fonts({FontRole(role): Path(path) for role, path in user_fonts} or None)


def warm_up(settings: Settings) -> None:
    """Load fonts and jieba's dictionary on a background thread, for a run that converts in this process.

    The first document waits for them (~2 s); started before the flow, they load while Prefect
    starts its server and the main thread only waits.
    """
    threading.Thread(target=_warm, args=(settings.font_key,), name="gongwen-warm-up", daemon=True).start()


def _warm(key: tuple[tuple[str, str], ...]) -> None:
    try:
        warm_fonts(key)
        tokenizer()
    except Exception:  # the first document loads them again and reports what went wrong
        logging.getLogger(__name__).debug("warm-up failed", exc_info=True)


def warm_fonts(key: tuple[tuple[str, str], ...]) -> None:
    """Resolve and parse the fonts of `key` (`Settings.font_key`) now rather than in the first document."""
    with _fonts_lock:
        fonts = _font_set(key)
        for font in (*fonts.roles.values(), *([fonts.latin] if fonts.latin else [])):
            font.face()


# A short text with a title long enough to be broken (jieba's tagger), a heading and body text:
# every stage and font role runs once.
PRIMING_TEXT = (
    "关于试运行全市政务服务一网通办平台有关事项的通知\n\n各单位：\n\n一、总体要求\n\n"
    "请于本月底前报送材料。\n\n特此通知。\n"
)


def prime(settings: Settings) -> None:
    """Convert a short text off the record: fonts, jieba and every stage's first-use costs are paid now.

    The first document of a process costs seconds more than the next ones; a long-lived process
    (the watcher, the fork server of the worker pool) pays them before anything arrives.
    """
    with tempfile.TemporaryDirectory(prefix="gongwen-warm-up-") as scratch:
        source = Path(scratch) / "warm-up.txt"
        source.write_text(PRIMING_TEXT, encoding="utf-8")
        convert_document(source, replace(settings, outputs=Path(scratch) / "outputs"), "warm-up")


@lru_cache(maxsize=1)
def _versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for package in _VERSIONED:
        try:
            found[package] = importlib_metadata.version(package)
        except importlib_metadata.PackageNotFoundError:
            found[package] = "not installed"
    return found


class _Stopwatch:
    def __init__(self) -> None:
        self.ms: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.ms[name] = round((time.perf_counter() - start) * 1000, 2)


def convert_document(path: Path, settings: Settings, output_name: str) -> DocumentResult:
    """Run every stage on one file and publish outputs/NAME/. Raises on any failure; writes nothing then."""
    clock = _Stopwatch()
    started = time.perf_counter()
    with clock.stage("ingest"):
        source = read_source(path, settings.max_input_bytes)
        metadata, body = load_metadata(path, source.text)
    with clock.stage("normalize"):
        normalized = normalize(body)
    with clock.stage("structure"):
        document = build_document(normalized.text, source.name, metadata)
    with clock.stage("proofread"):
        findings = proofread(normalized.text, document)
    profile = get_profile(metadata.profile or settings.profile)
    check_pages(path, page_floor(document, profile), settings.max_pages, "would take at least")
    with clock.stage("summarize"):
        summary = summarize(document, settings.summary_chars)
    final = settings.outputs / output_name
    with staging_dir(settings.state_dir, output_name) as staging:
        formats = settings.output_formats
        if "docx" in formats:
            with clock.stage("render_docx"):
                render_docx(document, profile, staging / f"{output_name}.docx")
        with clock.stage("fonts"):
            fonts = _fonts(settings.font_key)
        pdf, unembedded = None, []
        if "pdf" in formats:
            with clock.stage("render_pdf"):
                pdf = render_pdf(document, profile, fonts, staging / f"{output_name}.pdf")
        if "ofd" in formats:
            with clock.stage("render_ofd"):
                ofd = render_ofd(document, profile, fonts, staging / f"{output_name}.ofd")
            pdf, unembedded = pdf or ofd.layout, ofd.unembedded  # one layout: same pages and fonts
        assert pdf is not None  # Settings: pdf or ofd is among the formats
        check_pages(path, pdf.pages, settings.max_pages, "takes")
        warnings = _warnings(source, normalized, document, findings, pdf.uncovered, unembedded)
        with clock.stage("write"):
            _write_texts(staging, source, normalized, document, summary, findings)
            report = _report(source, normalized, document, summary, findings, pdf, profile.name, clock.ms)
            # Which input owns outputs/NAME/, should the ledger not know (a run killed before recording it).
            report["input"]["path"] = Ledger.key(path)
            report["files"] = _written(staging, output_name, formats, clock.ms)
            report["warnings"] = warnings
            report["timings_ms"]["total"] = round((time.perf_counter() - started) * 1000, 2)
            atomic_write_json(staging / "report.json", report)
            publish_dir(staging, final)
    return DocumentResult(
        input=str(path),
        name=output_name,
        sha256=source.sha256,
        output_dir=str(final),
        title=document.title,
        pages=pdf.pages,
        headings=len(document.outline),
        changes=len(normalized.changes),
        warnings=warnings,
        gist=summary.gist,
        seconds=round(time.perf_counter() - started, 3),
        timings_ms=dict(clock.ms),
    )


def _warnings(
    source: SourceText,
    normalized: NormalizedText,
    document: Document,
    findings: tuple[Finding, ...],
    uncovered: Iterable[str],
    unembedded: Iterable[str],
) -> list[str]:
    """Every warning of the document as one line each: what the run prints and the index lists."""
    doubts = (f.diagnostic() for f in findings)
    lines = [note for note in source.notes if note.startswith("warning:")]
    lines += [
        f"{w.rule} {w.line}:{w.column} {w.message}"
        for w in (*normalized.warnings, *document.warnings, *doubts)
    ]
    if missing := "".join(uncovered):
        lines.append(f"font: no installed font has {missing}")
    lines += [f"font: {font} is named, not embedded, in the OFD (its licence)" for font in unembedded]
    return lines


def _written(staging: Path, output_name: str, formats: frozenset[str], ms: dict[str, float]) -> dict:
    """Each written document's size and the time its writer took, for report.json."""
    return {
        kind: {"bytes": (staging / f"{output_name}.{kind}").stat().st_size, "ms": ms[f"render_{kind}"]}
        for kind in sorted(formats)
    }


def page_floor(document: Document, profile: Profile) -> int:
    """The fewest pages the text can fill: every block on whole lines, half-width characters in half cells."""
    lines = 0
    for block in document.blocks:
        cells = sum(1 if unicodedata.east_asian_width(ch) in "FW" else 0.5 for ch in block.text)
        lines += max(1, math.ceil(cells / profile.chars_per_line))
    return math.ceil(lines / profile.lines_per_page)


def check_pages(path: Path, pages: int, max_pages: int, how: str) -> None:
    if pages > max_pages:
        raise IngestError(path, f"{how} {pages:,} pages, over the limit of {max_pages:,} (max_pages)")


def _write_texts(
    staging: Path,
    source: SourceText,
    normalized: NormalizedText,
    document: Document,
    summary: Summary,
    findings: tuple[Finding, ...],
) -> None:
    atomic_write_json(staging / "outline.json", outline_entries(document))
    atomic_write_text(staging / "outline.md", outline_markdown(document))
    atomic_write_text(staging / "summary.md", summary_markdown(document, summary))
    atomic_write_json(staging / "summary.json", summary_dict(summary))
    doubts = tuple(f.diagnostic() for f in findings)
    page = render_changes_html(
        source.text, normalized, document.title or source.name, document.dropped, doubts
    )
    atomic_write_text(staging / "changes.html", page)


def _report(
    source: SourceText,
    normalized: NormalizedText,
    document: Document,
    summary: Summary,
    findings: tuple[Finding, ...],
    pdf: Any,
    profile_name: str,
    timings: dict[str, float],
) -> dict[str, Any]:
    return {
        "input": {
            "name": source.name,
            "sha256": source.sha256,
            "bytes": source.size,
            "encoding": source.encoding,
            "detection": source.detection,
            "line_ends": source.line_ends,
            "notes": list(source.notes),
        },
        "title": document.title,
        "title_source": document.title_source,
        "date": document.date,
        "profile": profile_name,
        "normalization": {
            "changes": [asdict(c) for c in normalized.changes],
            "warnings": [asdict(w) for w in normalized.warnings],
        },
        "structure": {
            "headings": len(document.outline),
            "items": len(document.headings) - len(document.outline),
            "warnings": [asdict(w) for w in document.warnings],
            "dropped": [asdict(d) for d in document.dropped],
        },
        "proofreading": [asdict(f) for f in findings],
        "summary": summary_dict(summary),
        "pages": pdf.pages,
        "fonts": pdf.fonts_by_role,
        "uncovered_characters": list(pdf.uncovered),
        "timings_ms": dict(timings),
        "versions": _versions(),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
