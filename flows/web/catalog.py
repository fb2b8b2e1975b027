"""The page's list: every published document, every failure and every inbox file not yet converted,
each with its status; searched, sorted and paged here, on the server.

Statuses: a file in the inbox that the ledger has not recorded with its present content is queued;
one in the conversion run now is converting; a recorded one is done or failed as the ledger and
the failure records (outputs/_failed/) say.

Each document also carries its lifecycle state (flows/service/lifecycle.py): its input changed,
renamed or gone. Orphans (input renamed or gone) are left out of the list unless the query asks.

A request must stay quick with thousands of documents: each report.json is parsed once and kept
until its modification time changes; the ledger and the failure records likewise; the lifecycle
states until a report or a file in the inbox changes.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import NamedTuple

from flows.config import Settings
from flows.engine.outputs import input_key, is_plain_name
from flows.service.collect import Entry, Failure, entry_from_report, read_failures
from flows.service.inbox import is_ignored
from flows.service.ledger import LEDGER_FILE, Ledger
from flows.service.ledger import Entry as LedgerEntry
from flows.service.lifecycle import lifecycles
from flows.service.reports import read_report
from flows.web.text_index import TextIndex
from tasks.text.numerals import loose_value

SORTS = ("time", "title", "date", "pages")
_DATE = re.compile(
    r"(\d{4}|[〇零○一二三四五六七八九]{4})\s*[年./-]\s*(\d{1,2}|[一二三四五六七八九十]{1,3})"
    r"\s*[月./-]\s*(\d{1,2}|[一二三四五六七八九十]{1,3})"
)
_YEAR_DIGITS = str.maketrans("〇零○一二三四五六七八九", "000123456789")
PER_PAGE = 50
MAX_PER_PAGE = 200


class Status(Enum):
    QUEUED = "queued"
    CONVERTING = "converting"
    DONE = "done"
    FAILED = "failed"

    @property
    def busy(self) -> bool:
        return self in (Status.QUEUED, Status.CONVERTING)


@dataclass(frozen=True)
class Row:
    key: str  # the output name, or "inbox:" + the file name of an input that has none yet
    status: Status
    title: str
    made: datetime  # converted, or handed in while queued
    entry: Entry | None = None  # the published document, if there is one
    input_name: str = ""
    reason: str = ""  # why it failed, as recorded
    error_file: str = ""  # the failure record, relative to outputs/

    @property
    def name(self) -> str:
        return self.entry.name if self.entry else ""

    @property
    def state_label(self) -> str:
        """The document's lifecycle state in Chinese where it says something: not while the input is
        queued or converting again (the status says so), nor while it is plain current."""
        return self.entry.state_label if self.entry and not self.status.busy else ""

    @property
    def orphaned(self) -> bool:
        """A document whose input was deleted or renamed, and which is not being converted."""
        return self.entry is not None and self.entry.orphaned and not self.status.busy


@dataclass(frozen=True)
class Query:
    text: str = ""
    sort: str = "time"
    descending: bool = True
    page: int = 1
    per_page: int = PER_PAGE
    orphans: bool = False  # list the documents whose input was deleted or renamed too


@dataclass(frozen=True)
class Page:
    rows: list[Row]
    total: int  # rows matching the query
    page: int
    pages: int
    busy: int  # queued or converting, in the whole list
    orphans: int  # input deleted or renamed, among the rows matching the query's text


class Converting:
    """Which inbox files (by input key) the running conversion has; all of them during a catch-up run."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keys: set[str] = set()
        self._everything = False

    def begin(self, paths: Iterable[Path] | None) -> None:
        with self._lock:
            self._everything = paths is None
            self._keys = {input_key(path) for path in paths or ()}

    def finished(self, path: Path) -> None:
        with self._lock:
            self._keys.discard(input_key(path))

    def end(self) -> None:
        with self._lock:
            self._everything, self._keys = False, set()

    def has(self, key: str) -> bool:
        return self._everything or key in self._keys


class _Converted(NamedTuple):
    """An input's last conversion: the output name it owns, and when."""

    name: str
    at: datetime


def _unchanged_since(handed_in: datetime, converted: datetime) -> bool:
    # The ledger's time has whole seconds and is taken after the conversion read the file.
    return handed_in.replace(microsecond=0) <= converted


class _Published(NamedTuple):
    """A document as read from its report.json."""

    mtime: int  # report.json's, in ns
    entry: Entry  # without its lifecycle state
    key: str  # the input's key, as the report names it
    facts: dict  # the report's "input" and "created": what flows.service.lifecycle reads


class _Stated(NamedTuple):
    """Every document's entry with its lifecycle state, and what they were looked at with."""

    seen: frozenset[tuple[str, int]]  # (name, report mtime) and (inbox file key, mtime)
    documents: dict[str, Entry]


class _ByMtime:
    """A value read from a file, read again only when the file's modification time changes."""

    def __init__(self) -> None:
        self.mtime: int | None = -1  # never a file's: the first look reads it (None: there is no file)
        self.value: object = None


class Catalog:
    def __init__(self, settings: Settings, converting: Converting | None = None) -> None:
        self.settings = settings
        self.converting = converting or Converting()
        self.texts = TextIndex(settings.outputs)
        self._entries: dict[str, _Published] = {}
        self._stated = _Stated(frozenset(), {})
        self._ledger = _ByMtime()
        self._failures = _ByMtime()
        self._lock = threading.Lock()  # requests run on several threads

    # -- reading outputs/ --------------------------------------------------------------------------

    def documents(self) -> dict[str, Entry]:
        """Every published document with its lifecycle state, parsed anew only where its report.json
        changed."""
        return self._with_states(self._published(), self._inbox_files())

    def _published(self) -> dict[str, _Published]:
        """Name -> each published document, as its report.json says."""
        outputs = self.settings.outputs
        seen: dict[str, _Published] = {}
        try:
            folders = [item.name for item in os.scandir(outputs) if item.is_dir(follow_symlinks=False)]
        except OSError:
            folders = []
        for name in folders:
            known = self._entries.get(name)
            if known is None and not is_plain_name(name):  # checked once: the name is the key after
                continue
            try:
                mtime = os.stat(os.path.join(outputs, name, "report.json")).st_mtime_ns
            except OSError:
                continue
            if known is None or known.mtime != mtime:
                report = read_report(outputs / name)
                try:
                    entry = entry_from_report(outputs, name, report or {})
                    source = report["input"]  # type: ignore[index]
                    facts = {"input": source, "created": report["created"]}  # type: ignore[index]
                    known = _Published(mtime, entry, str(source.get("path", "")), facts)
                except (KeyError, TypeError, ValueError, AttributeError):  # not a report this version reads
                    continue
            seen[name] = known
        with self._lock:
            self._entries = seen
        return seen

    def _with_states(
        self, published: dict[str, _Published], inbox_files: list[tuple[Path, str, int]]
    ) -> dict[str, Entry]:
        """Name -> entry with its lifecycle state. The states are looked at again only when a report
        or a file in the inbox (by name and mtime) changed: an input outside the inbox is looked at
        then too, not on every request."""
        seen = frozenset(
            [(name, document.mtime) for name, document in published.items()]
            + [(key, mtime) for _, key, mtime in inbox_files]
        )
        with self._lock:
            if self._stated.seen == seen:
                return self._stated.documents
        facts = {name: document.facts for name, document in published.items()}
        states = lifecycles(facts, self.settings.outputs, self.settings.inputs)
        documents = {name: replace(found.entry, lifecycle=states[name]) for name, found in published.items()}
        with self._lock:
            self._stated = _Stated(seen, documents)
        return documents

    def _ledger_entries(self) -> dict[str, LedgerEntry]:
        state = self.settings.state_dir
        mtime = _mtime(state / LEDGER_FILE)
        with self._lock:
            if mtime != self._ledger.mtime:
                self._ledger.value = Ledger(state).entries if mtime is not None else {}
                self._ledger.mtime = mtime
            return self._ledger.value  # type: ignore[return-value]

    def _failure_records(self) -> list[tuple[Failure, datetime]]:
        folder = self.settings.failed_dir
        mtime = _mtime(folder)  # a record written or removed renames into the folder: its time changes
        with self._lock:
            if mtime != self._failures.mtime:
                records = read_failures(self.settings.outputs) if mtime is not None else []
                self._failures.value = [(f, _file_time(self.settings.outputs / f.file)) for f in records]
                self._failures.mtime = mtime
            return self._failures.value  # type: ignore[return-value]

    # -- the rows ----------------------------------------------------------------------------------

    def rows(self) -> list[Row]:
        """Every row, in no particular order."""
        published = self._published()
        inbox_files = self._inbox_files()
        documents = self._with_states(published, inbox_files)
        rows = {name: Row(name, Status.DONE, e.label, e.created, e) for name, e in documents.items()}
        # What happened to each input last, by its key: the ledger's word, else a published report's or a
        # failure record's (written just before the ledger, or for a file refused unread).
        converted = {key: _Converted(name, e.created) for name, (_, e, key, _) in published.items()}
        for failure, when in self._failure_records():
            entry = documents.get(failure.name)
            rows[failure.name] = Row(
                failure.name,
                Status.FAILED,
                entry.label if entry else failure.name,
                when,
                entry,
                Path(failure.input).name,
                failure.reason,
                failure.file,
            )
            converted[failure.input] = _Converted(failure.name, when)
        for key, recorded in self._ledger_entries().items():
            converted[key] = _Converted(recorded.output, datetime.fromisoformat(recorded.at))
        for path, key, mtime in inbox_files:
            handed_in = datetime.fromtimestamp(mtime / 1e9).astimezone()
            last = converted.get(key)
            if last is not None and _unchanged_since(handed_in, last.at) and last.name in rows:
                continue  # its row, done or failed, says it
            status = Status.CONVERTING if self.converting.has(key) else Status.QUEUED
            known = rows.get(last.name) if last else None
            if known is not None:
                rows[known.key] = replace(known, status=status, made=handed_in, reason="", error_file="")
            else:
                row_key = f"inbox:{path.name}"
                rows[row_key] = Row(row_key, status, path.stem, handed_in, input_name=path.name)
        return list(rows.values())

    def _inbox_files(self) -> list[tuple[Path, str, int]]:
        """(path, input key, mtime in ns) of each file in the inbox that may be a document."""
        inbox = self.settings.inputs
        real = os.path.realpath(inbox)
        found = []
        try:
            items = list(os.scandir(inbox))
        except OSError:
            return []
        for item in items:
            path = Path(item.path)
            if is_ignored(path):
                continue
            try:
                if not item.is_file():
                    continue
                mtime = item.stat().st_mtime_ns
            except OSError:
                continue
            key = input_key(path) if item.is_symlink() else os.path.join(real, item.name)
            found.append((path, key, mtime))
        return found

    # -- the query ---------------------------------------------------------------------------------

    def query(self, query: Query) -> Page:
        rows = self.rows()
        busy = sum(row.status.busy for row in rows)
        if query.text:
            rows = self._matching(rows, query.text.casefold())
        orphans = sum(row.orphaned for row in rows)
        if not query.orphans:
            rows = [row for row in rows if not row.orphaned]
        rows.sort(key=_sort_key(query.sort), reverse=query.descending)
        pages = max(1, -(-len(rows) // query.per_page))
        page = min(max(1, query.page), pages)
        start = (page - 1) * query.per_page
        return Page(rows[start : start + query.per_page], len(rows), page, pages, busy, orphans)

    def _matching(self, rows: list[Row], text: str) -> list[Row]:
        """Rows whose title, file name or document text holds `text` (case-folded)."""

        def by_name(row: Row) -> bool:
            return any(text in field.casefold() for field in (row.title, row.name, row.input_name))

        named = {row.key for row in rows if by_name(row)}
        outputs = self.settings.outputs
        pdfs = {
            row.name: outputs / row.entry.pdf
            for row in rows
            if row.key not in named and row.entry is not None and row.entry.pdf
        }
        texts = self.texts.texts(pdfs)
        return [row for row in rows if row.key in named or text in texts.get(row.name, "")]

    def warm(self) -> None:
        """Read every document's search text now (at start), not at the first search."""
        outputs = self.settings.outputs
        self.texts.texts({name: outputs / entry.pdf for name, entry in self.documents().items() if entry.pdf})


def _sort_key(sort: str) -> Callable[[Row], tuple]:
    if sort == "title":
        return lambda row: (row.title.casefold(), row.key)
    if sort == "date":  # 成文日期 as written ("2024年3月1日" or ISO): rows without one sort first
        return lambda row: (row.entry is not None and bool(row.entry.date), _date_key(row), row.made)
    if sort == "pages":
        return lambda row: (row.entry.pages if row.entry else -1, row.made)
    return lambda row: (row.made, row.key)


def _date_key(row: Row) -> tuple[int, ...]:
    """成文日期 as (year, month, day) whatever its digits: 2024-03-01, 2024年3月1日, 二〇二四年三月一日."""
    found = _DATE.search(row.entry.date) if row.entry and row.entry.date else None
    if found is None:
        return ()
    year, month, day = found.groups()
    return (int(year.translate(_YEAR_DIGITS)), *(_small_number(part) for part in (month, day)))


def _small_number(text: str) -> int:
    return int(text) if text.isdecimal() else loose_value(text)  # int() reads full-width digits too


def _mtime(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


def _file_time(path: Path) -> datetime:
    mtime = _mtime(path)
    return datetime.fromtimestamp((mtime or 0) / 1e9).astimezone()
