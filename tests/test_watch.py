"""The watcher without Prefect: settling, ignored files, bursts, catch-up, retries (a recording runner)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from flows.config import Settings
from flows.service import watch
from flows.service.unfinished import lacks_its_end, open_for_writing
from flows.service.watch import Settler, watch_inbox

pytestmark = pytest.mark.slow  # real settle times and file events

Batch = list[Path] | None


class Recorder:
    """A batch runner that remembers what it was given, and each file's size when it was given."""

    def __init__(self, fail_first: bool = False) -> None:
        self.batches: list[Batch] = []
        self.sizes: dict[Path, list[int]] = {}
        self.fail_first = fail_first
        self.changed = threading.Condition()

    def __call__(self, paths: Batch) -> None:
        with self.changed:
            self.batches.append(paths)
            for path in paths or []:
                self.sizes.setdefault(path, []).append(path.stat().st_size)
            self.changed.notify_all()
        if self.fail_first and len(self.batches) == 1:
            raise RuntimeError("Prefect API unreachable")

    def wait_for(self, done: Callable[[], bool], seconds: float = 30) -> None:
        with self.changed:
            assert self.changed.wait_for(done, timeout=seconds), f"batches so far: {self.batches}"

    def files(self) -> list[Path]:
        return [path for batch in self.batches if batch for path in batch]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    (tmp_path / "inputs").mkdir()
    return Settings(inputs=tmp_path / "inputs", outputs=tmp_path / "outputs", settle_seconds=0.3)


@pytest.fixture
def watching(settings: Settings) -> Iterator[Callable[..., Recorder]]:
    """Start watch_inbox in a thread with a Recorder; stop and join it after the test."""
    stop = threading.Event()
    threads: list[threading.Thread] = []

    def start(recorder: Recorder | None = None, **changes: object) -> Recorder:
        recorder = recorder or Recorder()
        thread = threading.Thread(target=watch_inbox, args=(replace(settings, **changes), recorder, stop))
        thread.start()
        threads.append(thread)
        recorder.wait_for(lambda: len(recorder.batches) >= 1)  # the catch-up run
        return recorder

    yield start
    stop.set()
    for thread in threads:
        thread.join(10)
        assert not thread.is_alive(), "watch_inbox must return once stop is set"


def test_settler_holds_a_file_until_it_stops_growing(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"x" * 10)
    settler = Settler(seconds=0.5)
    settler.note(path, now=0.0)
    assert settler.take_ready(now=0.3) == []
    with path.open("ab") as handle:  # still being copied
        handle.write(b"y" * 10)
    assert settler.take_ready(now=0.6) == [], "grew at 0.6: the clock starts again"
    assert settler.take_ready(now=1.0) == []
    assert settler.take_ready(now=1.1) == [path]
    assert settler.take_ready(now=2.0) == [], "handed out once"


def test_settler_ignores_a_late_event_for_a_file_it_handed_over_unchanged(tmp_path: Path) -> None:
    """Polling may report a write a moment after the file settled and was handed over: the same file,
    unchanged, is not handed over again; changed, it is."""
    path = tmp_path / "a.txt"
    path.write_bytes(b"x" * 10)
    settler = Settler(seconds=0.5)
    settler.note(path, now=0.0)
    assert settler.take_ready(now=0.6) == [path]
    settler.note(path, now=0.7)  # the late event
    assert settler.take_ready(now=2.0) == []
    path.write_bytes(b"z" * 12)
    settler.note(path, now=2.1)
    assert settler.take_ready(now=2.7) == [path]


def test_settler_forgets_files_that_disappear(tmp_path: Path) -> None:
    path = tmp_path / "a.part.txt"
    path.write_text("x")
    settler = Settler(seconds=0.1)
    settler.note(path, now=0.0)
    path.unlink()
    assert settler.take_ready(now=1.0) == []
    assert settler.waiting == {}


def test_start_catches_up_with_a_whole_inbox_run(settings: Settings, watching) -> None:
    (settings.inputs / "dropped-while-down.txt").write_text("同志们：\n正文。\n")
    recorder = watching()
    assert recorder.batches == [None], "one normal run over the whole inbox, nothing else"


def test_empty_inbox_still_runs_once_at_start(watching) -> None:
    """The first run warms Prefect (its client, an ephemeral server) before anything is dropped."""
    assert watching().batches == [None]


def test_burst_of_500_is_handed_over_once_each_and_ignored_files_never(settings: Settings, watching) -> None:
    recorder = watching()
    names = [f"doc-{n:03d}.txt" for n in range(500)]
    for name in names:
        (settings.inputs / name).write_text(f"第{name}号\n", encoding="utf-8")
    for junk in ("~$draft.docx", "download.part", "x.tmp", ".hidden.txt", "notes.toml"):
        (settings.inputs / junk).write_text("temporary")
    recorder.wait_for(lambda: len(recorder.files()) >= 500)
    time.sleep(1.0)  # anything handed over twice would arrive in this time
    assert sorted(p.name for p in recorder.files()) == names
    assert len(recorder.batches) <= 4, f"a burst is a few batches, not one per file: {len(recorder.batches)}"


def test_a_file_still_being_written_waits_for_its_last_byte(settings: Settings, watching) -> None:
    recorder = watching()
    path = settings.inputs / "slow-copy.txt"
    with path.open("wb") as handle:
        for _ in range(5):  # 1 s of writes, 0.2 s apart: less than the 0.3 s settle time
            handle.write(b"x" * 1000)
            handle.flush()
            time.sleep(0.2)
    recorder.wait_for(lambda: path in recorder.sizes)
    time.sleep(0.5)
    assert recorder.sizes[path] == [5000], "handed over once, complete"


def test_a_changed_file_is_handed_over_again(settings: Settings, watching) -> None:
    recorder = watching()
    path = settings.inputs / "a.txt"
    path.write_text("第一稿")
    recorder.wait_for(lambda: path in recorder.sizes)
    path.write_text("第二稿，改过了")
    recorder.wait_for(lambda: len(recorder.sizes[path]) == 2)
    assert recorder.sizes[path] == [len("第一稿".encode()), len("第二稿，改过了".encode())]


def test_polling_sees_drops_too(settings: Settings, watching) -> None:
    recorder = watching(watch_polling=True)
    path = settings.inputs / "on-a-share.txt"
    path.write_text("正文")
    recorder.wait_for(lambda: path in recorder.sizes)


def test_a_failed_run_stops_the_watcher_instead_of_retrying(settings: Settings) -> None:
    """A run raises only when the environment failed (outputs full, Prefect gone): the watcher stops
    with that error rather than look alive while converting nothing."""
    recorder = Recorder(fail_first=True)
    started = time.monotonic()
    with pytest.raises(RuntimeError, match="Prefect API unreachable"):
        watch_inbox(settings, recorder, threading.Event())
    assert recorder.batches == [None]
    assert time.monotonic() - started < 10


def test_a_missing_inbox_is_not_created(settings: Settings) -> None:
    missing = settings.inputs.parent / "inptus"
    with pytest.raises(OSError):
        watch_inbox(replace(settings, inputs=missing), Recorder(), threading.Event())
    assert not missing.exists(), "a mistyped inbox must not be created and watched in silence"


@pytest.mark.parametrize("polling", [False, True], ids=["file-events", "polling"])
def test_a_copy_that_pauses_longer_than_the_settle_time_is_taken_once_whole(
    settings: Settings, watching, polling: bool
) -> None:
    """A slow USB stick: half the file, a pause of five settle times with the file still open, the rest.
    File events see no close; polling sees the open descriptor in /proc."""
    recorder = watching(watch_polling=polling)
    path = settings.inputs / "paused-copy.txt"
    with path.open("wb") as handle:
        handle.write(b"x" * 4000)
        handle.flush()
        time.sleep(5 * settings.settle_seconds)
        assert path not in recorder.sizes, "taken while its writer still had it open"
        handle.write(b"y" * 4000)
    recorder.wait_for(lambda: path in recorder.sizes)
    time.sleep(1.0)  # a second hand-over would arrive in this time
    assert recorder.sizes[path] == [8000], "exactly one conversion, of the whole file"


def test_close_write_alone_holds_a_paused_copy(
    settings: Settings, watching, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A writer this user may not inspect in /proc (another account, a Samba server): inotify's
    close-write event is then the only sign, and enough."""
    monkeypatch.setattr(watch, "open_for_writing", lambda paths: set())
    recorder = watching()
    path = settings.inputs / "paused-copy.txt"
    with path.open("wb") as handle:
        handle.write(b"x" * 4000)
        handle.flush()
        time.sleep(5 * settings.settle_seconds)
        handle.write(b"y" * 4000)
    recorder.wait_for(lambda: path in recorder.sizes)
    time.sleep(1.0)
    assert recorder.sizes[path] == [8000]


@pytest.mark.parametrize("polling", [False, True], ids=["file-events", "polling"])
def test_a_docx_is_taken_only_with_its_central_directory(
    settings: Settings, watching, polling: bool, tmp_path: Path
) -> None:
    """A network share: the writer is elsewhere (the file is closed between the halves), so only the
    zip's end record, written last, says the DOCX is complete."""
    whole = docx_bytes(tmp_path / "whole.docx")
    recorder = watching(watch_polling=polling)
    path = settings.inputs / "通知.docx"
    path.write_bytes(whole[: len(whole) // 2])
    time.sleep(5 * settings.settle_seconds)
    assert path not in recorder.sizes, "half a DOCX was taken"
    with path.open("ab") as handle:
        handle.write(whole[len(whole) // 2 :])
    recorder.wait_for(lambda: path in recorder.sizes)
    time.sleep(1.0)
    assert recorder.sizes[path] == [len(whole)]


def test_a_docx_that_never_completes_is_handed_over_after_a_grace_time(
    settings: Settings, watching, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not held for ever: its conversion then records why it is not a valid DOCX."""
    monkeypatch.setattr(watch, "UNFINISHED_GRACE_SECONDS", 1.5)
    recorder = watching()
    path = settings.inputs / "broken.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    started = time.monotonic()
    recorder.wait_for(lambda: path in recorder.sizes)
    assert time.monotonic() - started >= 1.5
    assert recorder.sizes[path] == [path.stat().st_size]


def test_open_for_writing_sees_another_process(tmp_path: Path) -> None:
    path, other = tmp_path / "copying.txt", tmp_path / "read.txt"
    other.write_text("x")
    writer = subprocess.Popen(
        [sys.executable, "-c", f"f = open({str(path)!r}, 'wb'); g = open({str(other)!r}); input()"],
        stdin=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while not path.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.2)
        assert open_for_writing([path, other]) == {path}, "open for writing; open only to read"
    finally:
        writer.communicate(b"\n", timeout=30)
    assert open_for_writing([path, other]) == set()


def test_lacks_its_end(tmp_path: Path) -> None:
    whole = docx_bytes(tmp_path / "a.docx")
    for size in (0, 100, len(whole) // 2, len(whole) - 1):
        (tmp_path / "a.docx").write_bytes(whole[:size])
        assert lacks_its_end(tmp_path / "a.docx"), size
    (tmp_path / "a.docx").write_bytes(whole)
    assert not lacks_its_end(tmp_path / "a.docx")
    (tmp_path / "a.txt").write_text("正文")
    assert not lacks_its_end(tmp_path / "a.txt")


def docx_bytes(path: Path) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("关于开会的通知")
    document.add_paragraph("各单位：定于下周一开会。" * 50)
    document.save(str(path))
    return path.read_bytes()
