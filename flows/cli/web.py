"""`gongwen web`: the page to hand in drafts and fetch documents; it converts what it gets (docs/web.md)."""

from __future__ import annotations

import argparse
from pathlib import Path

from flows.cli.common import prepare_prefect, settings_from
from flows.service.environment import require_service

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080


def cmd_web(args: argparse.Namespace) -> int:
    from flows.web.server import Address, serve_page

    settings = settings_from(args)
    address = Address(args.host, args.port)
    address.check(settings)  # before anything starts: a page on the network needs a token
    prepare_prefect(args.verbose)
    require_service(settings)
    return serve_page(settings, address)


def address_options(parser: argparse.ArgumentParser, prefix: str = "") -> None:
    """--host and --port of the page (`serve --web` names them --web-host, --web-port)."""
    parser.add_argument(
        f"--{prefix}host",
        default=DEFAULT_HOST,
        help="address to listen on (default 127.0.0.1; any other needs web_token)",
    )
    parser.add_argument(
        f"--{prefix}port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0: any free)"
    )


def register(subparsers: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    web = subparsers.add_parser(
        "web", parents=parents, help="a web page to hand in drafts and fetch documents; converts what it gets"
    )
    address_options(web)
    web.add_argument("--inputs", type=Path, help="inbox folder")
    web.add_argument("--outputs", type=Path, help="outputs folder")
    web.add_argument("--profile", help="layout profile (gbt9704, gbt33476, centered)")
    web.add_argument("--concurrency", type=int, help="documents converted at once")
    web.set_defaults(func=cmd_web)
