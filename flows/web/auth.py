"""Who may use the page.

Without a token the page answers on loopback only, and only to requests addressed to a loopback
name (a web page elsewhere cannot reach it through a DNS name rebound to 127.0.0.1). With a token
(`web_token`, GONGWEN_WEB_TOKEN) every request needs it: a session cookie from the login form,
`Authorization: Bearer TOKEN`, or `?token=TOKEN` (curl). A POST from another site's page is refused
whatever it carries.
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import quote, urlsplit

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from flows.service.environment import is_loopback

COOKIE = "gongwen_session"
OPEN_PATHS = ("/login", "/static/")  # what the login form needs


def session_value(token: str) -> str:
    """What the cookie holds: derived from the token, so that the cookie does not reveal it."""
    return hmac.new(token.encode(), b"gongwen web session", hashlib.sha256).hexdigest()


def token_matches(token: str, given: str) -> bool:
    return hmac.compare_digest(token.encode(), given.encode())


def local_target(target: str) -> str:
    """Where to go after logging in: a path on this site, never another site (//host, http://...)."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def _host_name(request: Request) -> str:
    host = request.headers.get("host", "")
    return urlsplit(f"//{host}").hostname or ""


class Guard:
    """ASGI middleware: the checks above, before any route."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self._refusal(Request(scope))
        if refusal is None:
            await self.app(scope, receive, send)
        else:
            await refusal(scope, receive, send)

    def _refusal(self, request: Request) -> Response | None:
        if not self.token and not is_loopback(_host_name(request)):
            return PlainTextResponse("此页面只接受本机地址（127.0.0.1、localhost）的请求。", 421)
        origin = request.headers.get("origin")
        if request.method == "POST" and origin and urlsplit(origin).netloc != request.headers.get("host"):
            return PlainTextResponse("拒绝来自其他网站的提交。", 403)
        if not self.token or request.url.path.startswith(OPEN_PATHS) or self.authorized(request):
            return None
        if request.method == "GET" and "text/html" in request.headers.get("accept", ""):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={quote(target)}", 303)
        return PlainTextResponse(
            "需要口令：登录，或 Authorization: Bearer 口令，或 ?token=口令",
            401,
            headers={"WWW-Authenticate": 'Bearer realm="gongwen"'},
        )

    def authorized(self, request: Request) -> bool:
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and token_matches(self.token, given.strip()):
            return True
        if token_matches(self.token, request.query_params.get("token", "")):
            return True
        return hmac.compare_digest(request.cookies.get(COOKIE, ""), session_value(self.token))
