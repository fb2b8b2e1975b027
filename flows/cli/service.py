"""`gongwen watch`, `gongwen serve`, `gongwen collect`: the pipeline as a service (docs/service.md)."""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path

from flows.cli.common import prepare_prefect, settings_from
from flows.cli.web import address_options
from flows.service.environment import require_existing_outputs, require_service
from flows.service.terminal import guard_console_log, printable

_MARKS = {"done": "✓", "skipped": "·", "failed": "✗"}


def cmd_watch(args: argparse.Namespace) -> int:
    prepare_prefect(args.verbose)
    settings = settings_from(args)
    require_service(settings)
    from flows.orchestration.prefect_server import flow_settings, start_server

    server = start_server()  # it starts while the rest is imported and the process warms up
    from flows.engine.warm import prime
    from flows.orchestration.flow import process_inbox
    from flows.orchestration.pool import WorkerPool
    from flows.service.health import service_process
    from flows.service.inbox import FileOutcome
    from flows.service.report_table import counts
    from flows.service.watch import watch_inbox

    guard_console_log(args.verbose)

    def show(outcome: FileOutcome) -> None:
        # Not print(): inside the flow, log_prints turns print() into Prefect log records.
        name, detail = printable(outcome.name), printable(outcome.detail)
        sys.stdout.write(f"  {_MARKS[outcome.status]} {name}  {detail}\n")
        sys.stdout.flush()

    def run(paths: list[Path] | None) -> None:
        started = time.perf_counter()
        what = "whole inbox" if paths is None else f"{len(paths)} file{'s' * (len(paths) != 1)}"
        print(f"{time.strftime('%H:%M:%S')} {what}", flush=True)
        chosen = None if paths is None else [str(p) for p in paths]
        outcomes = process_inbox(paths=chosen, settings=settings, workers=workers, progress=show)
        print(
            f"{time.strftime('%H:%M:%S')} {what}: {counts(outcomes)} ({time.perf_counter() - started:.2f} s)"
        )

    how = "polling" if settings.watch_polling else "file events"
    print(
        printable(f"gongwen watch: {settings.inputs} -> {settings.outputs} ({how}, ")
        + f"settle {settings.settle_seconds:g} s); Ctrl-C stops",
        flush=True,
    )
    workers = WorkerPool()  # kept between runs: each drop finds them warm
    prime(settings)  # for drops too small for workers, converted in this process
    with service_process(settings, "watch"), flow_settings(server):  # heartbeat; alert on a fatal error
        watch_inbox(settings, run)
    return 0  # the workers are killed as the process exits


def cmd_serve(args: argparse.Namespace) -> int:
    prepare_prefect(args.verbose)
    from flows.orchestration.serve import schedule, serve_inbox, server_address

    # Usage errors stop it before anything starts: a bad schedule, --port with PREFECT_API_URL.
    when = schedule(args.cron, args.interval, args.timezone)
    address = server_address(args.host, args.port)
    settings = settings_from(args)  # a bad gongwen.toml fails here, not in the first scheduled run
    require_service(settings)  # nor a missing inbox, nor a full disk
    if args.config:  # flow runs are child processes: they find the file through the environment
        os.environ["GONGWEN_CONFIG"] = str(args.config.resolve())
    from flows.service.health import service_process

    with service_process(settings, "serve"):  # heartbeat; alert on a fatal error
        if args.web:  # the page, without a converter of its own: the schedule converts what it gets
            from flows.web.server import Address, serve_page_in_background

            url, _ = serve_page_in_background(settings, Address(args.web_host, args.web_port))
            print(f"gongwen serve: web page at {url}", flush=True)
        serve_inbox(when, address, settings.state_dir / "prefect-server.log")
    return 0


def cmd_collect(args: argparse.Namespace) -> int:
    from flows.service.collect import build_index, bundle

    settings = settings_from(args)
    if (args.since or args.include_orphans) and not args.zip:
        raise ValueError("--since and --include-orphans choose what goes into --zip FILE; the index has all")
    require_existing_outputs(settings)
    if args.zip:
        entries = bundle(settings.outputs, args.zip, args.since, settings.inputs, args.include_orphans)
        since = f" since {args.since}" if args.since else ""
        orphans = sum(entry.orphaned for entry in entries)
        apart = f", {orphans} whose input was deleted or renamed" if orphans else ""
        print(printable(f"{args.zip}: {len(entries)} documents{since}{apart}"))
    else:
        entries = build_index(settings.outputs, settings.inputs)
        orphans = sum(entry.orphaned for entry in entries)
        apart = f"; {orphans} more whose input was deleted or renamed, listed apart" if orphans else ""
        index = settings.outputs / "index.html"
        print(printable(f"{index}: {len(entries) - orphans} documents{apart}"))
    return 0


def _port(text: str) -> int:
    port = int(text)
    if not 0 < port < 65536:
        raise argparse.ArgumentTypeError(f"{text} is not a TCP port (1-65535)")
    return port


def register(subparsers: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    watch = subparsers.add_parser(
        "watch", parents=parents, help="convert files as they are dropped into the inbox"
    )
    watch.add_argument("--inputs", type=Path, help="inbox folder")
    watch.add_argument("--outputs", type=Path, help="outputs folder")
    watch.add_argument("--profile", help="layout profile (gbt9704, gbt33476, centered)")
    watch.add_argument("--concurrency", type=int, help="documents converted at once")
    watch.add_argument(
        "--settle",
        dest="settle_seconds",
        type=float,
        metavar="SECONDS",
        help="how long a file must stay unchanged",
    )
    watch.add_argument(
        "--poll", dest="watch_polling", action="store_const", const=True, help="poll (network shares)"
    )
    watch.set_defaults(func=cmd_watch)

    serve = subparsers.add_parser(
        "serve", parents=parents, help="serve the inbox flow as a scheduled Prefect deployment"
    )
    when = serve.add_mutually_exclusive_group(required=True)
    when.add_argument("--cron", help='cron schedule, e.g. "*/10 8-18 * * 1-5"')
    when.add_argument("--interval", type=int, metavar="SECONDS", help="seconds between runs")
    serve.add_argument(
        "--timezone", default="Asia/Shanghai", help="time zone of the schedule (default Asia/Shanghai)"
    )
    # Without PREFECT_API_URL, serve starts a Prefect server of its own:
    serve.add_argument(
        "--host", help="address of the Prefect server serve starts (default 127.0.0.1: this machine only)"
    )
    serve.add_argument("--port", type=_port, help="port of that server, its API and UI (default 4200)")
    serve.add_argument("--web", action="store_true", help="also serve the web page (gongwen web)")
    address_options(serve, prefix="web-")
    serve.set_defaults(func=cmd_serve)

    collect = subparsers.add_parser(
        "collect", parents=parents, help="rebuild outputs/index.html; bundle outputs in a zip"
    )
    collect.add_argument("--outputs", type=Path, help="outputs folder")
    collect.add_argument("--inputs", type=Path, help="inbox folder (where renamed inputs are looked for)")
    collect.add_argument("--zip", type=Path, help="write the documents and their index into this zip")
    collect.add_argument(
        "--since", type=date.fromisoformat, help="with --zip: documents made on or after YYYY-MM-DD"
    )
    collect.add_argument(
        "--include-orphans",
        action="store_true",
        help="with --zip: documents whose input was deleted or renamed too",
    )
    collect.set_defaults(func=cmd_collect)
