"""The page's routes (Starlette): the list, its JSON, uploads, files, thumbnails, a zip of a selection.

Files are served from outputs/ only: a requested path is resolved, symbolic links included, and must
stay inside outputs/ and name no hidden part (the ledger and run state under .gongwen/ are not served).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path, PurePosixPath
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from flows.config import Settings
from flows.engine.outputs import is_plain_name
from flows.service.collect import draw_thumbnail, thumbnail_path, write_bundle
from flows.web.auth import COOKIE, Guard, local_target, session_value, token_matches
from flows.web.catalog import MAX_PER_PAGE, PER_PAGE, SORTS, Catalog, Query, Row
from flows.web.pages import (
    STATUS_WORDS,
    counts_text,
    file_url,
    list_page,
    login_page,
    pager_html,
    rows_html,
)
from flows.web.reasons import in_chinese
from flows.web.uploads import UploadRefused, save_draft

STATIC = Path(__file__).parent / "static"
MAX_FILES_PER_UPLOAD = 20
# HTML written by the pipeline (the changes page) is shown without scripts, in an origin of its own.
HTML_POLICY = "sandbox; default-src 'none'; style-src 'unsafe-inline'"


def parse_query(request: Request) -> Query:
    params = request.query_params

    def number(name: str, default: int, most: int) -> int:
        try:
            return min(max(1, int(params.get(name, default))), most)
        except ValueError:
            return default

    sort = params.get("sort", "time")
    return Query(
        text=params.get("q", "").strip(),
        sort=sort if sort in SORTS else "time",
        descending=params.get("order", "desc") != "asc",
        page=number("page", 1, 1 << 30),
        per_page=number("per_page", PER_PAGE, MAX_PER_PAGE),
        orphans=params.get("orphans", "") not in ("", "0"),
    )


def row_json(row: Row) -> dict:
    entry = row.entry
    lifecycle = entry.lifecycle if entry else None
    renamed_to = lifecycle.renamed_to if lifecycle else None
    return {
        "key": row.key,
        "name": row.name,
        "title": row.title,
        "input": row.input_name,
        "status": row.status.value,
        "status_text": STATUS_WORDS[row.status],
        "reason": row.reason,
        "reason_text": in_chinese(row.reason) if row.reason else "",
        # The document's input: "current", "input changed", "input renamed", "input gone" (None: no document).
        "state": lifecycle.state.value if lifecycle else None,
        "state_text": row.state_label,
        "renamed_to": renamed_to.name if renamed_to else None,
        "orphaned": row.orphaned,
        "date": entry.date if entry else None,
        "made": row.made.isoformat(timespec="seconds"),
        "pages": entry.pages if entry else None,
        "warnings": list(entry.warnings) if entry else [],
        "files": {label: file_url(path) for label, path in entry.files} if entry else {},
    }


def resolve_output(outputs: Path, relative: str) -> Path | None:
    """outputs/`relative` if it is a file inside outputs/ whose path has no hidden or parent part."""
    parts = PurePosixPath(relative).parts
    if not parts or any(part in ("..", ".") or part.startswith(".") for part in parts) or "\\" in relative:
        return None
    root = os.path.realpath(outputs)
    real = os.path.realpath(os.path.join(root, *parts))
    if not real.startswith(root + os.sep) or not os.path.isfile(real):
        return None
    return Path(real)


def create_app(
    settings: Settings, catalog: Catalog | None = None, note: Callable[[], str] = str
) -> Starlette:
    """The page for `settings` (inbox, outputs, token); `note` says what the converter is doing."""
    catalog = catalog or Catalog(settings)
    outputs = settings.outputs
    drawing = threading.BoundedSemaphore(os.cpu_count() or 1)  # pdftoppm: one per core

    def home(request: Request) -> HTMLResponse:
        query = parse_query(request)
        saved, refused = request.query_params.getlist("saved"), request.query_params.getlist("refused")
        message = "；".join(
            ([f"已收到：{'、'.join(saved)}，转换完成后会显示在下面"] if saved else []) + refused
        )
        return HTMLResponse(list_page(catalog.query(query), query, note(), message))

    def documents(request: Request) -> JSONResponse:
        query = parse_query(request)
        page = catalog.query(query)
        return JSONResponse(
            {
                "total": page.total,
                "page": page.page,
                "pages": page.pages,
                "busy": page.busy,
                "orphans": page.orphans,
                "note": note(),
                "counts": counts_text(page, query),
                "rows": [row_json(row) for row in page.rows],
                "rows_html": rows_html(page),
                "pager_html": pager_html(page, query),
            }
        )

    async def upload(request: Request) -> Response:
        length = request.headers.get("content-length")
        if length is None or not length.isdigit():
            return JSONResponse({"saved": [], "refused": ["请求缺少 Content-Length"]}, 411)
        if int(length) > MAX_FILES_PER_UPLOAD * settings.max_input_bytes:
            return JSONResponse({"saved": [], "refused": ["一次上传的文件太大或太多"]}, 413)
        saved, refused = [], []
        async with request.form(max_files=MAX_FILES_PER_UPLOAD, max_fields=10) as form:
            drafts = [item for item in form.getlist("file") if isinstance(item, UploadFile) and item.filename]
            for draft in drafts:
                try:
                    path = await run_in_threadpool(
                        save_draft,
                        settings.inputs,
                        draft.filename or "",
                        draft.file,
                        settings.max_input_bytes,
                    )
                except UploadRefused as refusal:
                    refused.append(str(refusal))
                else:
                    saved.append(path.name)
        if not drafts:
            refused.append("没有选择文件")
        if "text/html" in request.headers.get("accept", ""):  # the form without JavaScript
            return RedirectResponse("/?" + urlencode({"saved": saved, "refused": refused}, doseq=True), 303)
        return JSONResponse({"saved": saved, "refused": refused}, 200 if saved or not refused else 400)

    def files(request: Request) -> Response:
        relative = request.path_params["path"]
        if relative == "index.html":  # the Prefect artifact's "all documents" link: this page
            return RedirectResponse("/", 303)
        path = resolve_output(outputs, relative)
        if path is None:
            return Response("没有这个文件", 404, media_type="text/plain; charset=utf-8")
        headers = {"X-Content-Type-Options": "nosniff"}
        if path.suffix.lower() in (".html", ".htm"):
            headers["Content-Security-Policy"] = HTML_POLICY
        return FileResponse(path, filename=path.name, content_disposition_type="inline", headers=headers)

    def thumbnail(request: Request) -> Response:
        name = request.path_params["file"].removesuffix(".png")
        pdf = resolve_output(outputs, f"{name}/{name}.pdf") if is_plain_name(name) else None
        target = thumbnail_path(outputs, name)
        with drawing:
            if pdf is None or not draw_thumbnail(pdf, target):
                return Response("没有缩略图", 404, media_type="text/plain; charset=utf-8")
        return FileResponse(target, headers={"Cache-Control": "no-cache"})

    async def bundle(request: Request) -> Response:
        if request.method == "POST":
            async with request.form(max_files=0) as form:
                names = [str(name) for name in form.getlist("name")]
        else:
            names = request.query_params.getlist("name")
        documents = catalog.documents()
        chosen = [documents[name] for name in dict.fromkeys(names) if name in documents]
        if not chosen:
            return Response("没有选择文件", 400, media_type="text/plain; charset=utf-8")
        scratch = tempfile.mkdtemp(prefix="gongwen-web-zip-")
        archive = Path(scratch) / f"公文-{datetime.now():%Y%m%d-%H%M%S}.zip"
        await run_in_threadpool(write_bundle, outputs, archive, chosen)
        cleanup = BackgroundTask(shutil.rmtree, scratch, ignore_errors=True)
        return FileResponse(archive, filename=archive.name, media_type="application/zip", background=cleanup)

    async def login(request: Request) -> Response:
        if request.method == "GET":
            return HTMLResponse(login_page(local_target(request.query_params.get("next", "/"))))
        async with request.form(max_files=0) as form:
            given, target = str(form.get("token", "")), local_target(str(form.get("next", "/")))
        if not settings.web_token or not token_matches(settings.web_token, given):
            return HTMLResponse(login_page(target, "口令不对"), 401)
        response = RedirectResponse(target, 303)
        response.set_cookie(COOKIE, session_value(settings.web_token), httponly=True, samesite="lax")
        return response

    routes = [
        Route("/", home),
        Route("/api/documents", documents),
        Route("/upload", upload, methods=["POST"]),
        Route("/files/{path:path}", files),
        Route("/thumbnail/{file}", thumbnail),
        Route("/zip", bundle, methods=["GET", "POST"]),
        Route("/login", login, methods=["GET", "POST"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    return Starlette(routes=routes, middleware=[Middleware(Guard, token=settings.web_token)])
