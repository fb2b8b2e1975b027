"""Claims and the ledger's entry files, one process playing several: who converts a document now, and
what was converted, without one shared file to rewrite."""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import socket
import time
from pathlib import Path

import pytest

from flows.service.claims import Claims, digest
from flows.service.ledger import Ledger


def test_a_claim_is_taken_once_and_over_only_when_its_holder_is_gone(tmp_path: Path) -> None:
    first, second = Claims(tmp_path, lease=60), Claims(tmp_path, lease=60)
    claim = first.take("/in/a.txt")
    assert claim is not None and second.take("/in/a.txt") is None, "held: nobody else gets it"
    first.release(claim)
    again = second.take("/in/a.txt")
    assert again is not None and again.file.name == "1" and not claim.file.exists()
    # Its holder stopped touching it a lease ago (a host that died): the next number takes it over.
    os.utime(again.file, (time.time() - 61, time.time() - 61))
    taker = first.take("/in/a.txt")
    assert taker is not None and taker.file.name == "2"
    assert not second.still_holds(again) and first.still_holds(taker)
    # A process of this host that has died holds it no longer, whatever its lease.
    holder = taker.file.parent / "3"
    holder.write_text(json.dumps({"holder": f"{socket.gethostname()} pid {_dead_pid()}"}), encoding="utf-8")
    assert second.take("/in/a.txt").file.name == "4"
    assert [p.name for p in (tmp_path / "claims" / digest("/in/a.txt")).iterdir()] == ["4"]


def _dead_pid() -> int:
    child = multiprocessing.get_context("fork").Process(target=int)
    child.start()
    child.join()
    return child.pid


def test_two_writers_record_side_by_side_and_an_old_ledger_json_is_read_beneath(tmp_path: Path) -> None:
    at = "2025-01-01T08:00:00+00:00"
    old = {"/in/old.txt": {"sha256": "1" * 64, "status": "done", "output": "old", "at": at}}
    (tmp_path / "ledger.json").write_text(json.dumps(old), encoding="utf-8")
    first, second = Ledger(tmp_path), Ledger(tmp_path)  # read before either records: no lost update
    first.record(Path("/in/a.txt"), "a" * 64, "done", "a")
    second.record(Path("/in/b.txt"), "b" * 64, "failed", "b", "empty")
    second.record(Path("/in/old.txt"), "2" * 64, "done", "old")
    entries = Ledger(tmp_path).entries
    assert sorted(entries) == ["/in/a.txt", "/in/b.txt", "/in/old.txt"]
    assert entries["/in/old.txt"].sha256 == "2" * 64, "an entry file wins over ledger.json"
    assert entries["/in/a.txt"].by == f"{socket.gethostname()} pid {os.getpid()}"
    assert json.loads((tmp_path / "ledger.json").read_text(encoding="utf-8")) == old, "never rewritten"
    assert first.recorded_meanwhile(Path("/in/b.txt")).status == "failed"
    assert first.recorded_meanwhile(Path("/in/a.txt")) is None, "its own record is not news"


def test_an_entry_file_naming_another_input_is_ignored(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    Ledger(tmp_path).record(Path("/in/a.txt"), "a" * 64, "done", "a")
    entry = tmp_path / "ledger" / f"{digest('/in/a.txt')}.json"
    forged = {**json.loads(entry.read_text(encoding="utf-8")), "input": "/in/b.txt"}
    entry.write_text(json.dumps(forged), encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="gongwen.ledger"):
        assert Ledger(tmp_path).entries == {}
    assert "not its own" in caplog.text


def test_another_writers_temporary_file_is_not_read(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    Ledger(tmp_path).record(Path("/in/a.txt"), "a" * 64, "done", "a")
    (tmp_path / "ledger" / ".tmp-half.json").write_text('{"inp', encoding="utf-8")  # being written
    with caplog.at_level(logging.WARNING, logger="gongwen.ledger"):
        assert list(Ledger(tmp_path).entries) == ["/in/a.txt"]
    assert not caplog.text
