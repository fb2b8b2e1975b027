"""`gongwen web`: uploads, the list (status, search, sort, paging), downloads, the zip, what it never
serves, the token; and, marked slow, the page as a subprocess driven by curl-like requests and by a
real browser (Playwright driving Debian's chromium)."""

from __future__ import annotations

import io
import json
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from browser import CHROMIUM, CHROMIUM_ARGS
from conftest import SPEECH, checkout_environment
from starlette.testclient import TestClient

from flows.cli.command import main
from flows.config import Settings
from flows.engine.convert import convert_document
from flows.service.inbox import FileOutcome, record_failure, record_success
from flows.service.ledger import Ledger
from flows.service.report_table import markdown_table
from flows.web.app import create_app, resolve_output
from flows.web.catalog import Catalog, Query, Status
from flows.web.reasons import UNKNOWN, in_chinese
from flows.web.server import Address, serve_page_in_background, web_settings

NOTICE = (
    "关于开展安全检查的通知\n\n各单位：\n\n一、检查范围\n\n全市各单位。\n\n二、时间安排\n\n本月底前完成。\n"
    "\n云山市安全生产委员会办公室\n2024年3月5日\n"
)
LOCAL = "http://127.0.0.1"  # the Host a loopback page accepts
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The sample speech and a short notice converted and recorded, and an empty file failed."""
    root = tmp_path_factory.mktemp("web")
    settings = Settings(inputs=root / "inputs", outputs=root / "outputs")
    settings.inputs.mkdir()
    shutil.copy(SPEECH, settings.inputs / "speech.txt")
    (settings.inputs / "notice.txt").write_text(NOTICE, encoding="utf-8")
    (settings.inputs / "empty.txt").write_bytes(b"")
    ledger = Ledger(settings.state_dir)
    for name in ("speech", "notice"):
        path = settings.inputs / f"{name}.txt"
        result = convert_document(path, settings, name)
        record_success(settings, ledger, path, name, result.sha256)
    reason = "empty.txt: file is empty"
    record_failure(settings, ledger, settings.inputs / "empty.txt", "empty", reason, "0" * 64)
    return settings


@pytest.fixture
def settings(converted: Settings, tmp_path: Path) -> Settings:
    """A private copy of the converted folders, for tests that hand in files."""
    shutil.copytree(converted.inputs, tmp_path / "inputs", symlinks=True)
    shutil.copytree(converted.outputs, tmp_path / "outputs", symlinks=True)
    # The copy's inputs have other paths: the reports, the ledger and the failure record follow them.
    copy = replace(converted, inputs=tmp_path / "inputs", outputs=tmp_path / "outputs")
    for report_file in copy.outputs.glob("*/report.json"):
        report = json.loads(report_file.read_text(encoding="utf-8"))
        report["input"]["path"] = str(copy.inputs / Path(report["input"]["path"]).name)
        report_file.write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    ledger = Ledger(copy.state_dir)
    entries, ledger.entries = ledger.entries, {}
    for key, entry in entries.items():
        ledger.record(copy.inputs / Path(key).name, entry.sha256, entry.status, entry.output, entry.error)
    record_failure(copy, ledger, copy.inputs / "empty.txt", "empty", "empty.txt: file is empty", "0" * 64)
    return copy


def client_for(settings: Settings, catalog: Catalog | None = None) -> TestClient:
    return TestClient(create_app(settings, catalog), base_url=LOCAL)


def rows_by_key(client: TestClient, **params: str) -> dict[str, dict]:
    answer = client.get("/api/documents", params={"per_page": "200", **params})
    assert answer.status_code == 200
    return {row["key"]: row for row in answer.json()["rows"]}


# -- the list ------------------------------------------------------------------------------------


def test_the_list_shows_each_document_with_its_facts_and_the_failure_in_chinese(settings: Settings) -> None:
    client = client_for(settings)
    rows = rows_by_key(client)
    assert set(rows) == {"speech", "notice", "empty"}
    speech, notice, empty = rows["speech"], rows["notice"], rows["empty"]
    report = json.loads((settings.outputs / "notice" / "report.json").read_text(encoding="utf-8"))
    assert notice["title"] == report["title"] == "关于开展安全检查的通知"
    assert notice["date"] == report["date"] and "2024" in notice["date"]
    assert notice["pages"] == report["pages"] and notice["status"] == "done"
    assert speech["pages"] >= 3 and any("。，" in w for w in speech["warnings"])
    assert (empty["status"], empty["status_text"]) == ("failed", "失败")
    assert empty["reason_text"] == "文件是空的，没有可转换的文字"
    page = client.get("/").text
    for shown in (notice["title"], notice["date"], "已完成", "失败", "文件是空的", "搜索标题或正文"):
        assert shown in page
    assert 'enctype="multipart/form-data"' in page and 'type="file" name="file" multiple' in page


def test_a_thumbnail_is_page_one_of_the_pdf(settings: Settings) -> None:
    client = client_for(settings)
    (settings.outputs / "_thumbnails" / "notice.png").unlink(missing_ok=True)  # drawn on demand
    answer = client.get("/thumbnail/notice.png")
    assert answer.status_code == 200 and answer.content.startswith(PNG_MAGIC)
    assert client.get("/thumbnail/empty.png").status_code == 404  # no PDF
    assert client.get("/thumbnail/..%2Fnotice.png").status_code == 404


def test_search_finds_titles_and_words_of_the_text(settings: Settings) -> None:
    client = client_for(settings)
    assert set(rows_by_key(client, q="安全检查")) == {"notice"}  # in the title
    assert set(rows_by_key(client, q="学以立德")) == {"speech"}  # in the body only
    body_only = "本月底前完成"
    assert body_only not in rows_by_key(client)["notice"]["title"]
    assert set(rows_by_key(client, q=body_only)) == {"notice"}
    assert rows_by_key(client, q="没有这样的词语") == {}


def test_statuses_follow_the_inbox_the_converter_and_the_ledger(settings: Settings) -> None:
    catalog = Catalog(settings)
    client = client_for(settings, catalog)
    new = settings.inputs / "new.txt"
    new.write_text(NOTICE, encoding="utf-8")
    assert rows_by_key(client)["inbox:new.txt"]["status"] == "queued"
    catalog.converting.begin([new])
    assert rows_by_key(client)["inbox:new.txt"]["status"] == "converting"
    catalog.converting.end()
    # A converted input changed since: its document is listed as queued again, under its own row.
    later = datetime.now(UTC) + timedelta(seconds=5)
    os.utime(settings.inputs / "speech.txt", (later.timestamp(), later.timestamp()))
    rows = rows_by_key(client)
    assert rows["speech"]["status"] == "queued" and rows["speech"]["files"]["PDF"]
    assert rows["notice"]["status"] == "done"
    # During a run over the whole inbox, only what is not converted yet is converting.
    catalog.converting.begin(None)
    statuses = {key: row["status"] for key, row in rows_by_key(client).items()}
    assert statuses == {
        "speech": "converting",
        "inbox:new.txt": "converting",
        "notice": "done",
        "empty": "failed",
    }


# -- documents whose input changed, was renamed or deleted ------------------------------------------


def test_a_document_whose_input_is_deleted_is_hidden_unless_asked_for(settings: Settings) -> None:
    client = client_for(settings)
    assert rows_by_key(client)["notice"]["state"] == "current"  # looked at once: then the inbox changes
    (settings.inputs / "notice.txt").unlink()
    listed = client.get("/api/documents").json()
    assert {row["key"] for row in listed["rows"]} == {"speech", "empty"}
    assert listed["orphans"] == 1 and "另有 1 份输入已删除或改名（未列出）" in listed["counts"]
    page = client.get("/").text
    assert 'data-key="notice"' not in page and "另有 1 份输入已删除或改名" in page
    assert 'name="orphans" value="1">' in page  # the filter, not ticked
    notice = rows_by_key(client, orphans="1")["notice"]
    assert (notice["state"], notice["state_text"], notice["orphaned"]) == ("input gone", "输入已删除", True)
    assert notice["status"] == "done" and notice["files"]["PDF"]
    shown = client.get("/", params={"orphans": "1"}).text  # the plain form's query, without JavaScript
    assert 'data-key="notice" class="orphan"' in shown and "输入已删除</span>" in shown
    assert 'name="orphans" value="1" checked>' in shown and "其中 1 份输入已删除或改名" in shown
    one_per_page = client.get("/api/documents", params={"orphans": "1", "per_page": "1"}).json()
    assert "orphans=1" in one_per_page["pager_html"] and "per_page=1" in one_per_page["pager_html"]
    # Ticked, it is in the zip, listed apart in the zip's index as collect lists it.
    answer = client.post("/zip", data={"name": ["speech", "notice"]})
    with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
        top = archive.namelist()[0].split("/")[0]
        assert f"{top}/notice/notice.pdf" in archive.namelist()
        index = archive.read(f"{top}/index.html").decode()
    assert index.index("输入已删除或改名 (1)") < index.index("关于开展安全检查的通知")


def test_a_document_whose_input_is_renamed_says_to_what(settings: Settings) -> None:
    (settings.inputs / "notice.txt").rename(settings.inputs / "安全检查通知.txt")
    client = client_for(settings)
    rows = rows_by_key(client)
    assert "notice" not in rows and rows["inbox:安全检查通知.txt"]["status"] == "queued"
    notice = rows_by_key(client, orphans="1")["notice"]
    assert (notice["state"], notice["renamed_to"]) == ("input renamed", "安全检查通知.txt")
    assert notice["state_text"] == "已改名为 安全检查通知.txt" and notice["orphaned"]
    assert "已改名为 安全检查通知.txt</span>" in client.get("/", params={"orphans": "1"}).text


def test_a_document_whose_input_changed_is_marked_and_stays_listed(settings: Settings) -> None:
    client = client_for(settings)
    assert rows_by_key(client)["speech"]["state_text"] == ""
    # An older draft copied over the input with its own time (cp -p): not newer than the conversion,
    # so not queued again, but no longer what the document was made from.
    speech = settings.inputs / "speech.txt"
    earlier = speech.stat().st_mtime - 3600
    speech.write_text(NOTICE, encoding="utf-8")
    os.utime(speech, (earlier, earlier))
    listed = client.get("/api/documents").json()
    speech_row = {row["key"]: row for row in listed["rows"]}["speech"]
    assert (speech_row["status"], speech_row["state"]) == ("done", "input changed")
    assert speech_row["state_text"] == "输入已修改" and not speech_row["orphaned"]
    assert listed["orphans"] == 0 and "输入已删除" not in listed["counts"]
    assert '<span class="lifecycle changed">输入已修改</span>' in client.get("/").text
    # Handed in anew (a newer time): queued, and the status alone says so.
    later = time.time() + 5
    os.utime(speech, (later, later))
    speech_row = rows_by_key(client)["speech"]
    assert (speech_row["status"], speech_row["state_text"]) == ("queued", "")


# -- sorting and paging, thousands of documents ---------------------------------------------------


@pytest.fixture(scope="module")
def thousands(converted: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """2,000 published documents: the notice's report with other titles, dates, pages and times."""
    outputs = tmp_path_factory.mktemp("thousands") / "outputs"
    report = json.loads((converted.outputs / "notice" / "report.json").read_text(encoding="utf-8"))
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for number in range(2000):
        folder = outputs / f"doc{number:04d}"
        folder.mkdir(parents=True)
        facts = {
            "title": f"关于第{number:04d}号事项的通知",
            "created": (start + timedelta(minutes=number * 7 % 2000)).isoformat(),
            "date": f"2023年{number % 12 + 1}月{number % 28 + 1}日",
            "pages": number % 13 + 1,
        }
        (folder / "report.json").write_text(
            json.dumps({**report, **facts}, ensure_ascii=False), encoding="utf-8"
        )
    return Settings(inputs=outputs.parent / "inputs", outputs=outputs)


def test_two_thousand_documents_sort_and_page_on_the_server_quickly(thousands: Settings) -> None:
    thousands.inputs.mkdir(exist_ok=True)
    client = client_for(thousands)
    first = client.get("/api/documents").json()  # parses the reports once
    assert first["total"] == 2000 and first["pages"] == 40 and len(first["rows"]) == 50
    times = []
    for _ in range(3):
        started = time.perf_counter()
        answer = client.get("/api/documents", params={"sort": "title", "order": "asc", "page": "3"})
        times.append(time.perf_counter() - started)
    assert min(times) < 0.2, f"a list request took {min(times):.3f} s with 2,000 documents"
    titles = [row["title"] for row in answer.json()["rows"]]
    assert titles == [f"关于第{n:04d}号事项的通知" for n in range(100, 150)]

    def column(sort: str, order: str, field: str) -> list:
        rows = client.get("/api/documents", params={"sort": sort, "order": order, "per_page": "200"}).json()
        return [row[field] for row in rows["rows"]]

    made = column("time", "desc", "made")
    assert made == sorted(made, reverse=True)
    pages = column("pages", "desc", "pages")
    assert pages[0] == 13 and pages == sorted(pages, reverse=True)
    dates = column("date", "asc", "date")  # 2023年1月… before 2023年10月…: by value, not by text
    assert dates[0].startswith("2023年1月") and all(d.startswith("2023年1月") for d in dates[:10])
    last = client.get("/api/documents", params={"page": "40"}).json()
    assert last["page"] == 40 and len(last["rows"]) == 50
    found = client.get("/api/documents", params={"q": "第1234号"}).json()
    assert [row["key"] for row in found["rows"]] == ["doc1234"]


# -- uploads -------------------------------------------------------------------------------------


def test_uploads_go_into_the_inbox_under_names_of_their_own(settings: Settings) -> None:
    client = client_for(settings)
    before = (settings.inputs / "notice.txt").read_bytes()
    files = [
        ("file", ("notice.txt", NOTICE.encode() + b"v2", "text/plain")),
        ("file", ("notice.txt", NOTICE.encode() + b"v3", "text/plain")),
        ("file", ("../../escape.txt", b"\xe6\x96\x87", "text/plain")),
        ("file", ("slides.pdf", b"%PDF-1.4", "application/pdf")),
    ]
    answer = client.post("/upload", files=files, headers={"Accept": "application/json"})
    assert answer.status_code == 200
    result = answer.json()
    assert result["saved"] == ["notice-2.txt", "notice-3.txt", "escape.txt"]
    assert result["refused"] == ["slides.pdf：只收 .txt 和 .docx 文件"]
    assert (settings.inputs / "notice.txt").read_bytes() == before, "an upload never replaces an input"
    assert (settings.inputs / "notice-3.txt").read_bytes().endswith(b"v3")
    assert not (settings.inputs.parent / "escape.txt").exists()
    assert not [p for p in settings.inputs.iterdir() if p.name.startswith(".")], "no temporary file left"
    rows = rows_by_key(client)
    assert rows["inbox:notice-2.txt"]["status"] == "queued"


def test_the_plain_form_works_without_javascript(settings: Settings) -> None:
    client = client_for(settings)
    answer = client.post(
        "/upload",
        files=[("file", ("通知.docx", b"PK not really a docx", "application/octet-stream"))],
        headers={"Accept": "text/html"},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    page = client.get(answer.headers["location"]).text
    assert "已收到：通知.docx" in page and "排队中" in page


def test_an_upload_over_the_size_limit_is_refused_and_leaves_nothing(settings: Settings) -> None:
    client = client_for(replace(settings, max_input_bytes=1000))
    answer = client.post("/upload", files=[("file", ("big.txt", b"x" * 1001, "text/plain"))])
    assert answer.status_code == 400 and "上限" in answer.json()["refused"][0]
    assert not (settings.inputs / "big.txt").exists()
    assert not [p for p in settings.inputs.iterdir() if p.name.startswith(".")]


# -- downloads -----------------------------------------------------------------------------------


def test_every_link_of_a_document_downloads_its_file(settings: Settings) -> None:
    client = client_for(settings)
    speech = rows_by_key(client)["speech"]
    assert {"PDF", "Word", "提纲", "摘要", "修改"} <= set(speech["files"])
    for url in speech["files"].values():
        answer = client.get(url)
        assert answer.status_code == 200, url
        relative = url.removeprefix("/files/")
        assert answer.content == (settings.outputs / urllib.request.url2pathname(relative)).read_bytes()
    assert client.get(speech["files"]["PDF"]).content.startswith(b"%PDF-")
    changes = client.get(speech["files"]["修改"])
    assert "sandbox" in changes.headers["content-security-policy"]


def test_a_zip_of_the_selection_holds_those_documents(settings: Settings) -> None:
    client = client_for(settings)
    answer = client.post("/zip", data={"name": ["speech", "notice", "../inputs", "nothing"]})
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
        names = archive.namelist()
        top = names[0].split("/")[0]
        assert f"{top}/index.html" in names
        for document in ("speech", "notice"):
            pdf = archive.read(f"{top}/{document}/{document}.pdf")
            assert pdf == (settings.outputs / document / f"{document}.pdf").read_bytes()
        assert not any("/inputs" in name or ".gongwen" in name for name in names)
    assert client.get("/zip", params={"name": "nothing"}).status_code == 400


@pytest.mark.parametrize(
    "path",
    [
        "/files/../inputs/speech.txt",
        "/files/%2e%2e/inputs/speech.txt",
        "/files/speech/%2e%2e/%2e%2e/inputs/speech.txt",
        "/files/..%2Finputs%2Fspeech.txt",
        "/files/.gongwen/ledger.json",
        "/files/%2Fetc%2Fpasswd",
        "/files//etc/passwd",
        "/files/speech/..%5C..%5Cinputs%5Cspeech.txt",
        "/files/outside/speech.txt",
        "/files/speech",
    ],
)
def test_nothing_outside_outputs_is_served(settings: Settings, path: str) -> None:
    (settings.outputs / "outside").symlink_to(settings.inputs)  # a link inside outputs/ leading out
    answer = client_for(settings).get(path)
    assert answer.status_code == 404, answer.text
    assert "各单位" not in answer.text and "sha256" not in answer.text


@pytest.mark.parametrize(
    "relative",
    [
        "../inputs/speech.txt",
        "speech/../../inputs/speech.txt",
        "/etc/passwd",
        ".gongwen/ledger.json",
        "outside/speech.txt",
        "speech",
        "",
    ],
)
def test_a_path_resolves_only_to_a_file_inside_outputs(settings: Settings, relative: str) -> None:
    (settings.outputs / "outside").symlink_to(settings.inputs)
    assert resolve_output(settings.outputs, relative) is None
    assert (
        resolve_output(settings.outputs, "speech/summary.md")
        == (settings.outputs / "speech" / "summary.md").resolve()
    )


# -- addresses and the token ---------------------------------------------------------------------


def test_a_page_on_the_network_needs_a_token(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ValueError, match="token"):
        Address("0.0.0.0", 0).check(Settings())
    Address("0.0.0.0", 0).check(Settings(web_token="s3cret"))
    Address("127.0.0.1", 0).check(Settings())
    Address("::1", 0).check(Settings())
    assert main(["web", "--host", "192.0.2.1", "--port", "0"]) == 2
    assert "web_token" in capsys.readouterr().err


def test_with_a_token_every_request_needs_it(settings: Settings) -> None:
    token = "s3cret-" + uuid.uuid4().hex
    client = TestClient(create_app(replace(settings, web_token=token)), base_url="http://office-pc:8080")
    html = {"Accept": "text/html"}
    answer = client.get("/", headers=html, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login")
    assert client.get("/api/documents").status_code == 401
    assert client.get("/files/notice/notice.pdf").status_code == 401
    assert client.post("/upload", files=[("file", ("a.txt", b"x", "text/plain"))]).status_code == 401
    assert not (settings.inputs / "a.txt").exists()
    assert client.get("/api/documents", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/api/documents", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert client.get("/files/notice/notice.pdf", params={"token": token}).content.startswith(b"%PDF")
    assert client.get("/static/style.css").status_code == 200  # the login form's style
    refused = client.post("/login", data={"token": "wrong", "next": "/"}, follow_redirects=False)
    assert refused.status_code == 401 and "口令不对" in refused.text
    login = client.post("/login", data={"token": token, "next": "//evil.example/"}, follow_redirects=False)
    assert login.status_code == 303 and login.headers["location"] == "/"
    assert token not in login.headers["set-cookie"]
    assert client.get("/", headers=html).status_code == 200  # the cookie from now on


def test_without_a_token_only_loopback_names_and_same_site_posts_are_served(settings: Settings) -> None:
    rebound = TestClient(create_app(settings), base_url="http://attacker.example:8080")
    assert rebound.get("/api/documents").status_code == 421
    client = client_for(settings)
    foreign = client.post(
        "/upload",
        files=[("file", ("a.txt", b"x", "text/plain"))],
        headers={"Origin": "http://attacker.example"},
    )
    assert foreign.status_code == 403 and not (settings.inputs / "a.txt").exists()


def test_gongwen_config_says_a_token_is_set_without_showing_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GONGWEN_WEB_TOKEN", "do-not-print-me")
    assert main(["config"]) == 0
    out = capsys.readouterr().out
    assert "do-not-print-me" not in out and "(set)" in out


# -- the Prefect artifact's links ----------------------------------------------------------------


def test_while_the_page_runs_the_artifact_links_open_on_it(settings: Settings, converted: Settings) -> None:
    page = "http://127.0.0.1:8765/"
    linked = web_settings(replace(settings, web_token="not in the flow's parameters"), page)
    assert linked.web_token == ""
    outcome = FileOutcome(
        str(settings.inputs / "notice.txt"), "notice", "done", str(settings.outputs / "notice")
    )
    table = markdown_table([outcome], linked)
    assert "file://" not in table
    links = [part.split(")")[0] for part in table.split("(")[1:] if part.startswith(page)]
    assert f"{page}files/notice/{quote('notice.pdf')}" in links
    client = client_for(settings)
    for link in links:
        answer = client.get(link.removeprefix(page.rstrip("/")))
        assert answer.status_code == 200, link  # index.html: the page itself


def test_serve_web_runs_the_page_beside_the_schedule(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GONGWEN_OUTPUTS_URL", "")  # the page sets it for the flow runs; restored after
    url, server = serve_page_in_background(settings, Address("127.0.0.1", 0))
    try:
        assert os.environ["GONGWEN_OUTPUTS_URL"] == url + "files"
        deadline = time.monotonic() + 10
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        listed = get_json(url + "api/documents")
        assert {row["key"] for row in listed["rows"]} == {"speech", "notice", "empty"}
        assert "按计划" in listed["note"]
    finally:
        server.should_exit = True


def test_failure_reasons_read_in_chinese() -> None:
    assert in_chinese("a.txt: unsupported file type .pdf; use .txt or .docx").startswith("不支持的文件类型")
    assert in_chinese("binary data (NUL bytes), not a text file") == "不是文本文件，或文字编码无法识别"
    assert in_chinese("took longer than 300 s (document_timeout)") == "转换超时"
    assert (
        in_chinese("not a valid DOCX (not a zip archive, or a damaged one: x)") == "Word 文件已损坏或无法读取"
    )
    assert in_chinese("file is 11,000,000 bytes, over the limit of 10,485,760 (max_input_bytes)").startswith(
        "文件太大"
    )
    assert in_chinese("RuntimeError: something new") == UNKNOWN


def test_a_query_outside_the_pages_shows_the_last_page(thousands: Settings) -> None:
    page = Catalog(thousands).query(Query(page=999, per_page=200))
    assert page.page == page.pages == 10 and len(page.rows) == 200 and page.busy == 0
    assert all(row.status is Status.DONE for row in page.rows)


# -- the page as a process: curl-like requests, and a real browser ---------------------------------

READY_SECONDS = 180  # Prefect's first start in a new home migrates its database: slow on a loaded machine
DONE_SECONDS = 30


class WebProcess:
    """`gongwen web --port 0` on its own inbox and outputs; its stdout lines read on a thread."""

    def __init__(self, root: Path) -> None:
        self.inputs, self.outputs = root / "inputs", root / "outputs"
        self.inputs.mkdir()
        self.log = root / "web.log"
        command = [sys.executable, "-m", "flows.cli", "web", "--port", "0"]
        command += ["--inputs", str(self.inputs), "--outputs", str(self.outputs)]
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=log, text=True, env=checkout_environment()
            )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.url = self.wait_for("gongwen web: http").split()[2]
        self.wait_for("gongwen web: converting")

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def wait_for(self, start: str) -> str:
        deadline = time.monotonic() + READY_SECONDS
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=1)
            except queue.Empty:
                assert self.process.poll() is None, self.log.read_text()
                continue
            if line.startswith(start):
                return line
        raise AssertionError(f"no line {start!r} in {READY_SECONDS} s: {self.log.read_text()}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebProcess]:
    process = WebProcess(tmp_path_factory.mktemp("served"))
    try:
        yield process
    finally:
        process.stop()


def multipart(field: str, name: str, data: bytes) -> tuple[bytes, str]:
    """A multipart/form-data body as `curl -F field=@name` sends it, and its content type."""
    boundary = uuid.uuid4().hex
    head = f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n'
    head += "Content-Type: text/plain\r\n\r\n"
    body = head.encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return json.load(answer)


@pytest.mark.flow
@pytest.mark.slow
def test_a_draft_posted_as_curl_does_is_listed_done_and_its_pdf_served(web: WebProcess) -> None:
    with urllib.request.urlopen(web.url, timeout=10) as answer:
        assert "公文转换" in answer.read().decode()
    body, content_type = multipart("file", SPEECH.name, SPEECH.read_bytes())
    request = urllib.request.Request(web.url + "upload", data=body, headers={"Content-Type": content_type})
    posted = time.monotonic()
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert json.load(answer)["saved"] == [SPEECH.name]
    while time.monotonic() - posted < DONE_SECONDS:
        listed = get_json(web.url + "api/documents")["rows"]
        rows = [row for row in listed if SPEECH.stem in (row["name"], Path(row["input"]).stem)]
        if rows and rows[0]["status"] == "done":
            break
        time.sleep(0.3)
    else:
        raise AssertionError(f"not done in {DONE_SECONDS} s: {rows}; {web.log.read_text()[-2000:]}")
    with urllib.request.urlopen(web.url + rows[0]["files"]["PDF"].lstrip("/"), timeout=10) as answer:
        assert answer.headers["content-type"] == "application/pdf"
        assert answer.read().startswith(b"%PDF-")


DROP_A_FILE = """([name, text]) => {
    const files = new DataTransfer();
    files.items.add(new File([text], name, {type: "text/plain"}));
    const drop = new DragEvent("drop", {dataTransfer: files, bubbles: true, cancelable: true});
    document.getElementById("drop").dispatchEvent(drop);
}"""


@pytest.mark.flow
@pytest.mark.slow
def test_in_a_browser_a_draft_handed_in_is_done_and_its_pdf_downloads(
    web: WebProcess, tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    draft = tmp_path / "安全检查通知.txt"
    draft.write_text(NOTICE, encoding="utf-8")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(web.url)
            page.set_input_files("#upload input[type=file]", str(draft))  # the script sends it at once
            expect(page.locator("#message")).to_contain_text("已收到：安全检查通知.txt")
            row = page.locator("tr", has_text="关于开展安全检查的通知")
            expect(row.locator(".status")).to_have_text("已完成", timeout=DONE_SECONDS * 1000)
            with page.expect_download() as download:
                row.get_by_role("link", name="PDF", exact=True).click()
            saved = tmp_path / "downloaded.pdf"
            download.value.save_as(saved)
            # Dropped onto the page: the script hands it in as the file picker does.
            page.evaluate(DROP_A_FILE, ["拖入的通知.txt", NOTICE])
            expect(page.locator("#message")).to_contain_text("已收到：拖入的通知.txt")
            expect(page.locator("tr", has_text="拖入的通知")).to_have_count(1)
        finally:
            browser.close()
    assert saved.read_bytes().startswith(b"%PDF-")
