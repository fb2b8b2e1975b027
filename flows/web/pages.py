"""The page's HTML, in Chinese: the list page (also what its script reloads in place) and the login form.

Every value from a document or a request is escaped here; links to files are quoted.
"""

from __future__ import annotations

from html import escape
from string import Template
from urllib.parse import quote, urlencode

from flows.web.catalog import PER_PAGE, Page, Query, Row, Status
from flows.web.reasons import in_chinese

STATUS_WORDS = {
    Status.QUEUED: "排队中",
    Status.CONVERTING: "转换中",
    Status.DONE: "已完成",
    Status.FAILED: "失败",
}
ORPHANS_WORDS = "输入已删除或改名"
SORT_WORDS = {"time": "生成时间", "title": "标题", "date": "成文日期", "pages": "页数"}
HEADERS = ("", "", "标题", "成文日期", "生成时间", "页数", "警告", "状态", "下载")

_PAGE = Template("""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>公文转换</title><link rel="stylesheet" href="/static/style.css"></head>
<body>
<header><h1>公文转换</h1><p id="note" class="note">$note</p></header>
<section class="upload">
<form id="upload" method="post" action="/upload" enctype="multipart/form-data">
<label id="drop" class="drop">把 .txt 或 .docx 文稿拖到这里，或
<input type="file" name="file" multiple accept=".txt,.docx"></label>
<button type="submit">上传</button>
</form>
<div id="message" class="message">$message</div>
</section>
<form class="search" method="get" action="/">
<input type="search" name="q" value="$q" placeholder="搜索标题或正文">
<label>排序 <select name="sort">$sorts</select></label>
<select name="order"><option value="desc"$desc>降序</option>
<option value="asc"$asc>升序</option></select>
<label><input type="checkbox" name="orphans" value="1"$orphans> 显示输入已删除或改名的文档</label>
<button type="submit">搜索</button>
</form>
<form id="zip" method="post" action="/zip"></form>
<p class="counts" id="counts">$counts</p>
<table><thead><tr>$headers</tr></thead>
<tbody id="rows">$rows</tbody></table>
<nav class="pager" id="pager">$pager</nav>
<p><button type="submit" form="zip">打包下载所选文件（zip）</button></p>
<script src="/static/app.js"></script>
</body></html>
""")

_LOGIN = Template("""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>登录 · 公文转换</title>
<link rel="stylesheet" href="/static/style.css"></head>
<body class="login"><h1>公文转换</h1>
<form method="post" action="/login">
<input type="hidden" name="next" value="$next">
<label>口令 <input type="password" name="token" autofocus required></label>
<button type="submit">登录</button>
</form>
<p class="message">$message</p>
</body></html>
""")


def file_url(path: str) -> str:
    """A file's address on the page; `path` is relative to outputs/."""
    return "/files/" + quote(path)


def _when(row: Row) -> str:
    when = row.made.strftime("%Y-%m-%d %H:%M")
    return f"上传于 {when}" if row.status.busy else when


def _warnings(row: Row) -> str:
    warnings = row.entry.warnings if row.entry else ()
    if not warnings:
        return "0"
    items = "".join(f"<li>{escape(w)}</li>" for w in warnings)
    return f"<details><summary>{len(warnings)}</summary><ul>{items}</ul></details>"


def _status(row: Row) -> str:
    badge = f'<span class="status {row.status.value}">{STATUS_WORDS[row.status]}</span>'
    if row.state_label and row.entry and row.entry.lifecycle:
        state = row.entry.lifecycle.state.name.lower()  # changed, renamed, gone
        badge += f' <span class="lifecycle {state}">{escape(row.state_label)}</span>'
    if row.status is not Status.FAILED:
        return badge
    reason = f'<div class="reason">{escape(in_chinese(row.reason))}</div>'
    return f'{badge}{reason}<div class="sub">{escape(row.reason)}</div>'


def _links(row: Row) -> str:
    links = [(label, path) for label, path in row.entry.files] if row.entry else []
    if row.error_file:
        links.append(("错误记录", row.error_file))
    return " · ".join(f'<a href="{file_url(path)}" download>{escape(label)}</a>' for label, path in links)


def row_html(row: Row) -> str:
    entry = row.entry
    pdf = entry.pdf if entry else None
    check = (
        f'<input type="checkbox" name="name" value="{escape(entry.name)}" form="zip" aria-label="选择">'
        if entry
        else ""
    )
    image = f'<img src="/thumbnail/{quote(entry.name)}.png" alt="第 1 页" loading="lazy">' if entry else ""
    thumbnail = f'<a href="{file_url(pdf)}">{image}</a>' if pdf else ""
    title = f'<a href="{file_url(pdf)}">{escape(row.title)}</a>' if pdf else escape(row.title)
    source = row.input_name or (entry.name if entry else "")
    cells = (
        check,
        thumbnail,
        f'{title}<div class="sub">{escape(source)}</div>',
        escape(entry.date) if entry and entry.date else "—",
        _when(row),
        str(entry.pages) if entry else "—",
        _warnings(row),
        _status(row),
        _links(row),
    )
    orphan = ' class="orphan"' if row.orphaned else ""
    opening = f'<tr data-status="{row.status.value}" data-key="{escape(row.key)}"{orphan}>'
    return opening + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"


def rows_html(page: Page) -> str:
    if not page.rows:
        return f'<tr><td colspan="{len(HEADERS)}" class="empty">没有文件</td></tr>'
    return "\n".join(row_html(row) for row in page.rows)


def counts_text(page: Page, query: Query) -> str:
    busy = f"，{page.busy} 份等待或正在转换" if page.busy else ""
    orphans = ""
    if page.orphans:
        listed = "其中" if query.orphans else "另有"
        hidden = "" if query.orphans else "（未列出）"
        orphans = f"，{listed} {page.orphans} 份{ORPHANS_WORDS}{hidden}"
    return f"共 {page.total} 份{busy}{orphans}"


def query_string(query: Query, page: int) -> str:
    order = "desc" if query.descending else "asc"
    fields: dict[str, str | int] = {"q": query.text, "sort": query.sort, "order": order, "page": page}
    if query.per_page != PER_PAGE:
        fields["per_page"] = query.per_page
    if query.orphans:
        fields["orphans"] = 1
    return urlencode(fields)


def pager_html(page: Page, query: Query) -> str:
    parts = []
    if page.page > 1:
        parts.append(f'<a href="/?{escape(query_string(query, page.page - 1))}">上一页</a>')
    parts.append(f"第 {page.page} / {page.pages} 页")
    if page.page < page.pages:
        parts.append(f'<a href="/?{escape(query_string(query, page.page + 1))}">下一页</a>')
    return " ".join(parts)


def list_page(page: Page, query: Query, note: str, message: str = "") -> str:
    sorts = "".join(
        f'<option value="{key}"{" selected" if key == query.sort else ""}>{word}</option>'
        for key, word in SORT_WORDS.items()
    )
    return _PAGE.substitute(
        note=escape(note),
        message=escape(message),
        q=escape(query.text),
        sorts=sorts,
        desc=" selected" if query.descending else "",
        asc="" if query.descending else " selected",
        orphans=" checked" if query.orphans else "",
        counts=counts_text(page, query),
        headers="".join(f"<th>{h}</th>" for h in HEADERS),
        rows=rows_html(page),
        pager=pager_html(page, query),
    )


def login_page(target: str, message: str = "") -> str:
    return _LOGIN.substitute(next=escape(target), message=escape(message))
