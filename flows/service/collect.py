"""The collection: outputs/index.html and index.md list every document; a zip bundles them for hand-over.

Each row comes from the document's report.json (title, date, pages, outline size, warnings) and
links to its files. Page 1 of each PDF is drawn as a small PNG in outputs/_thumbnails/ by pdftoppm
(poppler-utils) and redrawn only when the PDF changes: a thumbnail carries its PDF's mtime.
"""

from __future__ import annotations

import html
import json
import logging
import os
import shutil
import subprocess
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from urllib.parse import quote

from flows.engine.outputs import FAILED_DIR, INDEX_FILES, THUMBNAIL_DIR, atomic_write_text

THUMBNAIL_PIXELS = 240  # longest side: A4 page 1 at ~170 × 240
HEADERS = ("", "标题", "日期", "页数", "提纲", "警告", "文件")

log = logging.getLogger("gongwen.collect")


@dataclass(frozen=True)
class Entry:
    """One converted document as the index shows it."""

    name: str  # folder under outputs/
    title: str
    created: datetime  # local time
    date: str | None  # the document's own date as written (成文日期), if it has one
    pages: int
    headings: int
    warnings: tuple[str, ...]
    files: tuple[tuple[str, str], ...]  # (label, path relative to outputs/)
    thumbnail: str | None  # relative to outputs/

    @property
    def label(self) -> str:
        """The title, or the folder's name for a text without a title."""
        return self.title or self.name

    @property
    def pdf(self) -> str | None:
        return next((path for label, path in self.files if label == "PDF"), None)


@dataclass(frozen=True)
class Failure:
    name: str
    reason: str
    file: str  # the error file, relative to outputs/
    input: str = ""  # the input's path, as the run named it


def _report_warnings(report: dict) -> tuple[str, ...]:
    if "warnings" in report:
        return tuple(report["warnings"])
    # A report written before report.json listed its warnings: rebuilt from the stages' records.
    found = [*report["normalization"]["warnings"], *report["structure"]["warnings"]]
    lines = [f"{w['rule']} {w['line']}:{w['column']} {w['message']}" for w in found]
    if report.get("uncovered_characters"):
        lines.append(f"font: no installed font has {''.join(report['uncovered_characters'])}")
    return tuple(lines)


def document_links(name: str) -> list[tuple[str, str]]:
    """(label, file name) of what a reader opens in outputs/NAME/, in the order links are shown."""
    return [
        ("PDF", f"{name}.pdf"),
        ("Word", f"{name}.docx"),
        ("修订", f"{name}.review.docx"),
        ("OFD", f"{name}.ofd"),
        ("提纲", "outline.md"),
        ("摘要", "summary.md"),
        ("修改", "changes.html"),
    ]


def _files(folder: Path) -> tuple[tuple[str, str], ...]:
    links = document_links(folder.name)
    return tuple((label, f"{folder.name}/{file}") for label, file in links if (folder / file).is_file())


def read_report(folder: Path) -> dict | None:
    """outputs/NAME/report.json, or None when it is missing or being replaced."""
    try:
        return json.loads((folder / "report.json").read_text(encoding="utf-8"))
    except (FileNotFoundError, NotADirectoryError):  # not a document's folder
        return None
    except (OSError, ValueError) as error:  # replaced mid-read by a new run; the next index has it
        log.warning("index: skipping %s: %s", folder.name, error)
        return None


def read_reports(outputs: Path) -> dict[str, dict]:
    """Folder name -> report.json of every published document (staging and _failed are not)."""
    folders = sorted(outputs.iterdir()) if outputs.is_dir() else []
    reports = {
        folder.name: read_report(folder) for folder in folders if not folder.name.startswith(("_", "."))
    }
    return {name: report for name, report in reports.items() if report is not None}


def draw_thumbnail(pdf: Path, target: Path) -> bool:
    """Page 1 of `pdf` as a PNG at `target`, unless the one there was drawn from this very PDF."""
    pdf_mtime = pdf.stat().st_mtime_ns
    if target.is_file() and target.stat().st_mtime_ns == pdf_mtime:
        return True
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".tmp-") as scratch:
        page = Path(scratch) / "page"
        size = ("-scale-to", str(THUMBNAIL_PIXELS))
        command = [pdftoppm, "-png", "-f", "1", "-l", "1", *size, "-singlefile", str(pdf), str(page)]
        try:
            done = subprocess.run(command, capture_output=True, timeout=60, check=False)
        except subprocess.TimeoutExpired:
            log.warning("thumbnail of %s: pdftoppm took more than 60 s", pdf)
            return False
        if done.returncode != 0:
            log.warning("thumbnail of %s: pdftoppm: %s", pdf, done.stderr.decode(errors="replace").strip())
            return False
        os.utime(page.with_suffix(".png"), ns=(pdf_mtime, pdf_mtime))
        os.replace(page.with_suffix(".png"), target)
    return True


def thumbnail_path(outputs: Path, name: str) -> Path:
    return outputs / THUMBNAIL_DIR / f"{name}.png"


def _thumbnails(outputs: Path, pdfs: dict[str, str]) -> dict[str, str]:
    """Name -> thumbnail path (relative to outputs/) for each document's PDF; stale thumbnails go."""
    folder = outputs / THUMBNAIL_DIR
    targets = {name: thumbnail_path(outputs, name).relative_to(outputs).as_posix() for name in pdfs}
    # pdftoppm runs outside the GIL: one per core.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        drawn = pool.map(lambda name: draw_thumbnail(outputs / pdfs[name], outputs / targets[name]), pdfs)
        made = {name: targets[name] for name, ok in zip(pdfs, drawn, strict=True) if ok}
    if folder.is_dir():
        for stale in set(folder.glob("*.png")) - {outputs / path for path in made.values()}:
            stale.unlink(missing_ok=True)
    return made


def entry_from_report(outputs: Path, name: str, report: dict, thumbnail: str | None = None) -> Entry:
    """The index entry of outputs/NAME/ from its report.json."""
    return Entry(
        name=name,
        title=report["title"],
        created=datetime.fromisoformat(report["created"]).astimezone(),
        date=report.get("date"),  # reports written before it was recorded have none
        pages=report["pages"],
        headings=report["structure"]["headings"],
        warnings=_report_warnings(report),
        files=_files(outputs / name),
        thumbnail=thumbnail,
    )


def read_entries(outputs: Path) -> list[Entry]:
    """Every document, newest first, with its thumbnail drawn if needed."""
    entries = [entry_from_report(outputs, name, report) for name, report in read_reports(outputs).items()]
    thumbnails = _thumbnails(outputs, {entry.name: entry.pdf for entry in entries if entry.pdf})
    entries = [replace(entry, thumbnail=thumbnails.get(entry.name)) for entry in entries]
    return sorted(entries, key=lambda entry: entry.created, reverse=True)


def read_failures(outputs: Path) -> list[Failure]:
    failures = []
    for error_file in sorted((outputs / FAILED_DIR).glob("*.error.txt")):
        lines = error_file.read_text(encoding="utf-8", errors="replace").splitlines()
        fields = dict(line.partition(": ")[::2] for line in lines)
        name = error_file.name.removesuffix(".error.txt")
        failures.append(
            Failure(name, fields.get("error", ""), f"{FAILED_DIR}/{error_file.name}", fields.get("input", ""))
        )
    return failures


def _when(entry: Entry) -> str:
    return entry.created.strftime("%Y-%m-%d %H:%M")


def _dates_html(entry: Entry) -> str:
    """The document's date, and when it was converted below it (or alone when it has no date)."""
    if not entry.date:
        return _when(entry)
    return f'{html.escape(entry.date)}<div class="name">生成 {_when(entry)}</div>'


def _dates_md(entry: Entry) -> str:
    return f"{_md(entry.date)}（生成 {_when(entry)}）" if entry.date else _when(entry)


def _html_row(entry: Entry) -> str:
    pdf = quote(entry.pdf) if entry.pdf else ""
    image = (
        f'<a href="{pdf}"><img src="{quote(entry.thumbnail)}" alt="第 1 页" loading="lazy"></a>'
        if entry.thumbnail
        else ""
    )
    links = " · ".join(f'<a href="{quote(path)}">{label}</a>' for label, path in entry.files)
    # The folder name, where it says more than the title (e.g. two versions of one document).
    name = f'<div class="name">{html.escape(entry.name)}</div>' if entry.name != entry.label else ""
    warnings = ""
    if entry.warnings:
        items = "".join(f"<li>{html.escape(w)}</li>" for w in entry.warnings)
        warnings = f"<details><summary>{len(entry.warnings)}</summary><ul>{items}</ul></details>"
    cells = (
        image,
        f'<a href="{pdf}">{html.escape(entry.label)}</a>{name}',
        _dates_html(entry),
        str(entry.pages),
        str(entry.headings),
        warnings or "0",
        links,
    )
    return "<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"


_STYLE = """
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #ddd; padding: .5em; text-align: left; vertical-align: top; }
td img { width: 120px; border: 1px solid #ccc; box-shadow: 1px 1px 3px #aaa; }
td:nth-child(3) { white-space: nowrap; }
.name { color: #777; font-size: .85em; }
details ul { margin: .3em 0; padding-left: 1.2em; font-size: .85em; }
"""


def index_html(entries: list[Entry], failures: list[Failure]) -> str:
    head = "".join(f"<th>{h}</th>" for h in HEADERS)
    rows = "\n".join(_html_row(entry) for entry in entries)
    failed = ""
    if failures:
        items = "".join(
            f'<li><a href="{quote(f.file)}">{html.escape(f.name)}</a>: {html.escape(f.reason)}</li>'
            for f in failures
        )
        failed = f"<h2>未能处理 ({len(failures)})</h2><ul>{items}</ul>"
    return (
        '<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>gongwen 文件</title><style>{_STYLE}</style></head><body>\n"
        f"<h1>gongwen 文件</h1><p>{len(entries)} 份文件</p>\n"
        f"<table><thead><tr>{head}</tr></thead><tbody>\n{rows}\n</tbody></table>\n{failed}\n</body></html>\n"
    )


def _md(text: str) -> str:
    """A table cell. Links are written <path>: output names never hold < or > (flows.engine.outputs)."""
    return text.replace("|", "\\|").replace("\n", " ")


def index_markdown(entries: list[Entry], failures: list[Failure]) -> str:
    lines = ["# gongwen 文件", "", f"{len(entries)} 份文件", "", "| " + " | ".join(HEADERS) + " |"]
    lines.append("|" + "---|" * len(HEADERS))
    for entry in entries:
        image = f"![第 1 页](<{entry.thumbnail}>)" if entry.thumbnail else ""
        links = " · ".join(f"[{label}](<{path}>)" for label, path in entry.files)
        cells = (image, _md(entry.label), _dates_md(entry), str(entry.pages), str(entry.headings))
        lines.append("| " + " | ".join((*cells, str(len(entry.warnings)), links)) + " |")
    if failures:
        lines += ["", f"## 未能处理 ({len(failures)})", ""]
        lines += [f"- [{_md(f.name)}](<{f.file}>): {_md(f.reason)}" for f in failures]
    return "\n".join(lines) + "\n"


def build_index(outputs: Path) -> list[Entry]:
    """Rewrite outputs/index.html and index.md from what is in outputs/ now."""
    entries = read_entries(outputs)
    failures = read_failures(outputs)
    html_file, markdown_file = (outputs / name for name in INDEX_FILES)
    atomic_write_text(html_file, index_html(entries, failures))
    atomic_write_text(markdown_file, index_markdown(entries, failures))
    return entries


def refresh_index(outputs: Path) -> None:
    """After a run: the documents are done whatever happens to their index."""
    try:
        build_index(outputs)
    except (OSError, ValueError, KeyError):
        log.exception("could not rebuild %s/index.html", outputs)


def bundle(outputs: Path, zip_file: Path, since: date | None = None) -> list[Entry]:
    """Documents created on or after `since` (all without it), with their own index, in one zip."""
    entries = [e for e in build_index(outputs) if since is None or e.created.date() >= since]
    write_bundle(outputs, zip_file, entries)
    return entries


def write_bundle(outputs: Path, zip_file: Path, entries: list[Entry]) -> None:
    """These documents' files (and thumbnails), with their own index, in one zip."""
    top = zip_file.stem  # one folder inside, so unzipping does not spill files
    zip_file.parent.mkdir(parents=True, exist_ok=True)
    partial = zip_file.with_name(f".{zip_file.name}.part")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{top}/index.html", index_html(entries, []))
        archive.writestr(f"{top}/index.md", index_markdown(entries, []))
        for entry in entries:
            files = [p for p in sorted((outputs / entry.name).rglob("*")) if p.is_file()]
            if entry.thumbnail:
                files.append(outputs / entry.thumbnail)
            for path in files:
                archive.write(path, f"{top}/{path.relative_to(outputs)}")
    os.replace(partial, zip_file)
