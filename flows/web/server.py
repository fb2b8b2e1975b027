"""Serving the page: the address check, the socket, uvicorn, and the converter beside it.

The page binds 127.0.0.1 unless told otherwise, and refuses any other address without a token. While
it runs, the Prefect artifacts' links point at it (outputs_url, GONGWEN_OUTPUTS_URL for flow runs in
other processes), so they open over http rather than as file:// links a browser refuses.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import socket
import threading
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from flows.config import Settings
from flows.service.environment import is_loopback
from flows.web.catalog import Catalog, Converting

if TYPE_CHECKING:
    import uvicorn
    from starlette.types import ASGIApp

FILES_PATH = "/files"  # where the page serves outputs/


@dataclass(frozen=True)
class Address:
    host: str
    port: int  # 0: any free port

    def check(self, settings: Settings) -> None:
        """A page on the network must ask for a token: refuse to start without one."""
        if not is_loopback(self.host) and not settings.web_token:
            raise ValueError(
                f"--host {self.host} opens the page to the network: set a token first "
                "(web_token in gongwen.toml, or GONGWEN_WEB_TOKEN), or keep the default 127.0.0.1"
            )

    def bind(self) -> socket.socket:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        return socket.create_server((self.host.strip("[]"), self.port), family=family)


def page_url(host: str, sock: socket.socket) -> str:
    """The page's address as a browser on this machine (or, for 0.0.0.0, the office) reaches it."""
    port = sock.getsockname()[1]
    try:
        unspecified = ipaddress.ip_address(host.strip("[]")).is_unspecified
    except ValueError:
        unspecified = False
    name = socket.getfqdn() if unspecified else host
    if ":" in name and not name.startswith("["):
        name = f"[{name}]"
    return f"http://{name}:{port}/"


def web_settings(settings: Settings, url: str) -> Settings:
    """The settings for the conversions the page's process runs: artifact links to the page, and no
    token (the flow's parameters, settings included, are recorded by the Prefect server)."""
    return replace(settings, outputs_url=url.rstrip("/") + FILES_PATH, web_token="")


def _uvicorn_server(app: ASGIApp) -> uvicorn.Server:
    import uvicorn

    # log_config=None: uvicorn would otherwise replace the logging set-up of the whole process.
    config = uvicorn.Config(app, log_config=None, log_level="warning", access_log=False, lifespan="off")
    return uvicorn.Server(config)


def _open(settings: Settings, address: Address) -> tuple[socket.socket, str]:
    """The checked address bound, and the page's URL, which the Prefect artifacts' links now use."""
    address.check(settings)
    sock = address.bind()
    url = page_url(address.host, sock)
    os.environ["GONGWEN_OUTPUTS_URL"] = web_settings(settings, url).outputs_url
    return sock, url


def _warm(catalog: Catalog) -> None:
    """Search texts of the documents already there are read now, not at the first search."""
    threading.Thread(target=catalog.warm, name="gongwen-web-warm", daemon=True).start()


def serve_page(settings: Settings, address: Address) -> int:
    """Serve the page until SIGTERM or Ctrl-C, and convert what lands in the inbox. Raises what stopped
    the converter (a full disk, a lost Prefect server), as `gongwen watch` would."""
    from flows.web.app import create_app
    from flows.web.converter import Converter

    sock, url = _open(settings, address)
    converting = Converting()
    catalog = Catalog(settings, converting)
    state = {"note": "后台转换正在启动……"}
    server = _uvicorn_server(create_app(settings, catalog, note=lambda: state["note"]))
    failure: list[BaseException] = []

    def stopped(error: BaseException) -> None:
        failure.append(error)
        state["note"] = f"后台转换已停止：{error}"
        server.should_exit = True

    print(f"gongwen web: {url}  ({settings.inputs} -> {settings.outputs}); Ctrl-C stops", flush=True)
    converter = Converter(web_settings(settings, url), converting)

    def ready() -> None:
        state["note"] = "上传的文稿会自动转换"
        print(f"gongwen web: converting what lands in {settings.inputs}", flush=True)

    converter.start(on_ready=ready, on_failure=stopped)
    _warm(catalog)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C, passed on by uvicorn once it stopped: normal
        server.run(sockets=[sock])
    converter.stop()
    if failure:
        raise failure[0]
    return 0


def serve_page_in_background(settings: Settings, address: Address) -> tuple[str, uvicorn.Server]:
    """The page on a thread, without a converter (`gongwen serve --web`: the schedule converts): its URL,
    and its server (`should_exit` stops it; else it ends with the process)."""
    from flows.web.app import create_app

    sock, url = _open(settings, address)
    catalog = Catalog(settings)
    server = _uvicorn_server(
        create_app(settings, catalog, note=lambda: "文稿按计划批量转换（gongwen serve）")
    )
    threading.Thread(target=server.run, args=([sock],), name="gongwen-web", daemon=True).start()
    _warm(catalog)
    return url, server
