"""The review page: escaped, self-contained, every change and warning visible with before/after."""

from __future__ import annotations

from html.parser import HTMLParser

from tasks.reading.normalize import normalize
from tasks.writing.changes_html import render_changes_html

SOURCE = "  一.总体要求\n重要途径,办公室。，建设<script>\n他指出“要加强。"


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.titles: list[str] = []
        self.dels: list[str] = []
        self.ins: list[str] = []
        self._inside: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.titles += [value or "" for name, value in attrs if name == "title"]
        self._inside = tag if tag in ("del", "ins") else None
        if self._inside:
            (self.dels if tag == "del" else self.ins).append("")

    def handle_data(self, data: str) -> None:
        if self._inside:
            target = self.dels if self._inside == "del" else self.ins
            target[-1] += data

    def handle_endtag(self, tag: str) -> None:
        self._inside = None


def _page() -> tuple[str, _Collector]:
    result = normalize(SOURCE)
    html = render_changes_html(SOURCE, result, "讲话 <草稿>")
    parser = _Collector()
    parser.feed(html)
    return html, parser


def test_every_change_shows_before_and_after() -> None:
    _, page = _page()
    result = normalize(SOURCE)
    assert len(page.ins) == len(result.changes)
    assert {(c.before, c.after) for c in result.changes if c.before in page.dels} == {
        (c.before, c.after) for c in result.changes
    }
    assert "，" in page.ins and "一、" in page.ins


def test_every_warning_has_its_message_on_hover() -> None:
    _, page = _page()
    for warning in normalize(SOURCE).warnings:
        assert any(warning.message in title for title in page.titles)


def test_text_is_escaped_and_page_is_self_contained() -> None:
    html, page = _page()
    assert "script" not in page.tags
    assert "&lt;script&gt;" in html and "&lt;草稿&gt;" in html
    assert "http" not in html  # no external stylesheet, font or script


def test_untouched_text_passes_through() -> None:
    text = "同志们：\n谢谢大家！"
    html = render_changes_html(text, normalize(text), "t")
    assert "同志们：" in html and "谢谢大家！" in html and "<del>" not in html
