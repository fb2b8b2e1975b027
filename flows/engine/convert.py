"""Converting one file into outputs/NAME/ (DOCX, PDF, OFD, outline, summary, changes, report).

`convert_document` is a plain function: it reads the file (flows/engine/read.py), proofreads and
summarizes the document, renders it, times each stage, writes all outputs into a staging folder and
publishes the folder in one rename. The flow's workers, `gongwen watch`'s warm-up and the tests
call it alike.
"""

from __future__ import annotations

import math
import platform
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict
from datetime import UTC, datetime
from functools import lru_cache
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

from flows.config import FORMAT_FILES, Settings
from flows.engine.fonts import fonts_for
from flows.engine.outputs import atomic_write_json, atomic_write_text, input_key, publish_dir, staging_dir
from flows.engine.read import read_document
from flows.engine.result import DocumentResult
from flows.engine.stopwatch import Stopwatch
from tasks.analysis.outline import outline_entries, outline_markdown
from tasks.analysis.proofread import Finding, proofread
from tasks.analysis.summarize import summarize, summary_dict, summary_markdown
from tasks.model import Document, NormalizedText, SourceText, Summary, outside_dropped
from tasks.reading.ingest import IngestError
from tasks.writing.changes_html import render_changes_html
from tasks.writing.layout import Profile, get_profile
from tasks.writing.render_docx import render_docx
from tasks.writing.render_ofd import render_ofd
from tasks.writing.render_pdf import render_pdf
from tasks.writing.review.document import write_review_docx

_VERSIONED = ("gongwen", "prefect", "python-docx", "reportlab", "jieba", "fonttools")


@lru_cache(maxsize=1)
def _versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for package in _VERSIONED:
        try:
            found[package] = importlib_metadata.version(package)
        except importlib_metadata.PackageNotFoundError:
            found[package] = "not installed"
    return found


def convert_document(path: Path, settings: Settings, output_name: str) -> DocumentResult:
    """Run every stage on one file and publish outputs/NAME/. Raises on any failure; writes nothing then."""
    clock = Stopwatch()
    started = time.perf_counter()
    reading = read_document(path, settings.max_input_bytes, clock)
    source, normalized, document = reading.source, reading.normalized, reading.document
    with clock.stage("proofread"):
        findings = _reviewable(proofread(normalized.text, document), normalized, document)
    profile = get_profile(reading.metadata.profile or settings.profile)
    check_pages(path, page_floor(document, profile), settings.max_pages, "would take at least")
    with clock.stage("summarize"):
        summary = summarize(document, settings.summary_chars)
    final = settings.outputs / output_name
    with staging_dir(settings.state_dir, output_name) as staging:
        formats = settings.output_formats
        if "docx" in formats:
            with clock.stage("render_docx"):
                render_docx(document, profile, staging / f"{output_name}.docx")
        if "review" in formats:
            with clock.stage("render_review"):
                review = staging / f"{output_name}.{FORMAT_FILES['review']}"
                made = datetime.now(UTC)
                write_review_docx(
                    staging / f"{output_name}.docx", source, normalized, document, findings, review, made
                )
        with clock.stage("fonts"):
            fonts = fonts_for(settings.font_key)
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
            report["input"]["path"] = input_key(path)
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


def _reviewable(
    findings: tuple[Finding, ...], normalized: NormalizedText, document: Document
) -> tuple[Finding, ...]:
    """The proofreader's doubts a reader of this document needs: none on text left out of it (site
    furniture), and no second word on a paired mark the normalizer's R13 already reports."""
    balance = {w.line for w in normalized.warnings if w.rule == "R13"}
    kept = outside_dropped(normalized.text, document.dropped, findings)
    return tuple(f for f in kept if not (f.rule == "unpaired" and f.line in balance))


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
    kept = outside_dropped(normalized.text, document.dropped, normalized.warnings)
    lines += [f"{w.rule} {w.line}:{w.column} {w.message}" for w in (*kept, *document.warnings, *doubts)]
    if missing := "".join(uncovered):
        lines.append(f"font: no installed font has {missing}")
    lines += [f"font: {font} is named, not embedded, in the OFD (its licence)" for font in unembedded]
    return lines


def _written(staging: Path, output_name: str, formats: frozenset[str], ms: dict[str, float]) -> dict:
    """Each written document's size and the time its writer took, for report.json."""
    return {
        kind: {
            "bytes": (staging / f"{output_name}.{FORMAT_FILES[kind]}").stat().st_size,
            "ms": ms[f"render_{kind}"],
        }
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
