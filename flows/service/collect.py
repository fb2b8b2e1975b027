"""The collection: outputs/index.html and index.md list every document; a zip bundles them for hand-over.

Each row comes from the document's report.json (title, date, pages, outline size, warnings) and
links to its files. Page 1 of each PDF is drawn as a small PNG in outputs/_thumbnails/ by pdftoppm
(poppler-utils) and redrawn only when the PDF changes: a thumbnail carries its PDF's mtime.

Each document carries its lifecycle state (flows/service/lifecycle.py): a document whose input
changed is marked in the list; one whose input was renamed or deleted (an orphan) is listed apart
below it, and left out of the zip unless asked. Earlier versions (outputs/_history/) are not listed.
"""

from __future__ import annotations

import html
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
from flows.service.lifecycle import DocumentLifecycle, State, lifecycles
from flows.service.reports import read_reports

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
    lifecycle: DocumentLifecycle | None = None  # None: not looked at

    @property
    def orphaned(self) -> bool:
        return self.lifecycle is not None and self.lifecycle.orphaned

    @property
    def state_label(self) -> str:
        """The lifecycle state in Chinese where it is not plain current, else ""."""
        if self.lifecycle is None or self.lifecycle.state is State.CURRENT:
            return ""
        return self.lifecycle.label

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


def entry_from_report(
    outputs: Path,
    name: str,
    report: dict,
    thumbnail: str | None = None,
    lifecycle: DocumentLifecycle | None = None,
) -> Entry:
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
        lifecycle=lifecycle,
    )


def read_entries(outputs: Path, inbox: Path | None = None) -> list[Entry]:
    """Every document, newest first, with its thumbnail drawn if needed and its lifecycle state (its
    input looked for where its report says, and by name and content in `inbox`)."""
    reports = read_reports(outputs)
    states = lifecycles(reports, outputs, inbox)
    entries = [
        entry_from_report(outputs, name, report, lifecycle=states[name]) for name, report in reports.items()
    ]
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
    state = f'<div class="state">{html.escape(entry.state_label)}</div>' if entry.state_label else ""
    warnings = ""
    if entry.warnings:
        items = "".join(f"<li>{html.escape(w)}</li>" for w in entry.warnings)
        warnings = f"<details><summary>{len(entry.warnings)}</summary><ul>{items}</ul></details>"
    cells = (
        image,
        f'<a href="{pdf}">{html.escape(entry.label)}</a>{name}{state}',
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
.state { color: #b35900; font-size: .85em; }
details ul { margin: .3em 0; padding-left: 1.2em; font-size: .85em; }
"""


ORPHANS_HEADING = "输入已删除或改名"


def _apart(entries: list[Entry]) -> tuple[list[Entry], list[Entry]]:
    """(documents whose input is there, orphans)."""
    return [e for e in entries if not e.orphaned], [e for e in entries if e.orphaned]


def _html_table(entries: list[Entry]) -> str:
    head = "".join(f"<th>{h}</th>" for h in HEADERS)
    rows = "\n".join(_html_row(entry) for entry in entries)
    return f"<table><thead><tr>{head}</tr></thead><tbody>\n{rows}\n</tbody></table>"


def index_html(entries: list[Entry], failures: list[Failure]) -> str:
    listed, orphans = _apart(entries)
    apart = f"<h2>{ORPHANS_HEADING} ({len(orphans)})</h2>\n{_html_table(orphans)}\n" if orphans else ""
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
        f"<h1>gongwen 文件</h1><p>{len(listed)} 份文件</p>\n"
        f"{_html_table(listed)}\n{apart}{failed}\n</body></html>\n"
    )


def _md(text: str) -> str:
    """A table cell. Links are written <path>: output names never hold < or > (flows.engine.outputs)."""
    return text.replace("|", "\\|").replace("\n", " ")


def _markdown_table(entries: list[Entry]) -> list[str]:
    lines = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    for entry in entries:
        image = f"![第 1 页](<{entry.thumbnail}>)" if entry.thumbnail else ""
        links = " · ".join(f"[{label}](<{path}>)" for label, path in entry.files)
        title = f"{entry.label}（{entry.state_label}）" if entry.state_label else entry.label
        cells = (image, _md(title), _dates_md(entry), str(entry.pages), str(entry.headings))
        lines.append("| " + " | ".join((*cells, str(len(entry.warnings)), links)) + " |")
    return lines


def index_markdown(entries: list[Entry], failures: list[Failure]) -> str:
    listed, orphans = _apart(entries)
    lines = ["# gongwen 文件", "", f"{len(listed)} 份文件", "", *_markdown_table(listed)]
    if orphans:
        lines += ["", f"## {ORPHANS_HEADING} ({len(orphans)})", "", *_markdown_table(orphans)]
    if failures:
        lines += ["", f"## 未能处理 ({len(failures)})", ""]
        lines += [f"- [{_md(f.name)}](<{f.file}>): {_md(f.reason)}" for f in failures]
    return "\n".join(lines) + "\n"


def build_index(outputs: Path, inbox: Path | None = None) -> list[Entry]:
    """Rewrite outputs/index.html and index.md from what is in outputs/ now; every document, orphans
    too (listed apart)."""
    entries = read_entries(outputs, inbox)
    failures = read_failures(outputs)
    html_file, markdown_file = (outputs / name for name in INDEX_FILES)
    atomic_write_text(html_file, index_html(entries, failures))
    atomic_write_text(markdown_file, index_markdown(entries, failures))
    return entries


def refresh_index(outputs: Path, inbox: Path | None = None) -> None:
    """After a run: the documents are done whatever happens to their index."""
    try:
        build_index(outputs, inbox)
    except (OSError, ValueError, KeyError):
        log.exception("could not rebuild %s/index.html", outputs)


def bundle(
    outputs: Path,
    zip_file: Path,
    since: date | None = None,
    inbox: Path | None = None,
    include_orphans: bool = False,
) -> list[Entry]:
    """Documents created on or after `since` (all without it), with their own index, in one zip; those
    whose input was deleted or renamed only with `include_orphans`."""
    entries = [
        e
        for e in build_index(outputs, inbox)
        if (since is None or e.created.date() >= since) and (include_orphans or not e.orphaned)
    ]
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
