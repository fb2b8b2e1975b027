from __future__ import annotations

from pathlib import Path

import pytest

from tasks.model import Metadata
from tasks.reading.metadata import SIDECAR_MAX_BYTES, load_metadata, read_sidecar, split_front_matter


def test_front_matter_replaced_by_empty_lines() -> None:
    text = "---\ntitle: 讲话\n讲话人： 张三\n---\n同志们：\n正文。"
    metadata, body = split_front_matter(text)
    assert metadata == Metadata(title="讲话", speaker="张三")
    assert body.split("\n") == ["", "", "", "", "同志们：", "正文。"]


def test_text_without_front_matter_is_unchanged() -> None:
    assert split_front_matter("同志们：\n---\n") == (Metadata(), "同志们：\n---\n")


@pytest.mark.parametrize(
    ("text", "problem"),
    [("---\ntitle: 讲话\n", "no closing"), ("---\nauthor: 张三\n---\n", "unknown metadata key 'author'")],
)
def test_bad_front_matter(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        split_front_matter(text)


def test_sidecar_overrides_front_matter(tmp_path: Path) -> None:
    source = tmp_path / "讲话.txt"
    (tmp_path / "讲话.toml").write_text('title = "正式标题"\ndate = 2022-03-01\n', encoding="utf-8")
    metadata, _ = load_metadata(source, "---\ntitle: 草稿\nspeaker: 张三\n---\n正文。")
    assert metadata == Metadata(title="正式标题", speaker="张三", date="2022-03-01")


def test_missing_sidecar_is_empty(tmp_path: Path) -> None:
    assert read_sidecar(tmp_path / "none.txt") == Metadata()


@pytest.mark.parametrize(
    ("content", "problem"), [("title = ", "not valid TOML"), ("title = 3", "must be non-empty text")]
)
def test_bad_sidecar(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "a.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=problem):
        read_sidecar(path)


def test_huge_sidecar_is_refused_without_reading_it(tmp_path: Path) -> None:
    """A 400 MB sparse sidecar took 850 MB of memory: it is refused after reading 64 KiB."""
    import tracemalloc

    path = tmp_path / "讲话.toml"
    with path.open("wb") as handle:
        handle.write(b'title = "')
        handle.truncate(400 * 1024 * 1024)
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=r"讲话.toml: .* over the limit of 65,536 bytes"):
            read_sidecar(tmp_path / "讲话.txt")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1024 * 1024


def test_sidecar_at_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "a.toml"
    line = 'title = "正式标题"\n'.encode()
    path.write_bytes(line + b"#" * (SIDECAR_MAX_BYTES - len(line)))
    assert read_sidecar(path) == Metadata(title="正式标题")
