"""The `gongwen` command: the parser and `run`, `config`. Subcommands that need no orchestration never
import Prefect (seconds of start-up).

Exit status: 0 done; 1 some documents failed (or `check` found something); 2 a usage or settings
error; 3 the environment failed (outputs folder, disk, Prefect server). Failures are one line on
stderr; `-v` adds the traceback.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

from flows.cli import normalize, outline, service, upkeep, web
from flows.cli.common import global_options, prepare_prefect, settings_from
from flows.service.environment import (
    EXIT_ENVIRONMENT,
    EXIT_USAGE,
    EnvironmentFailure,
    lost_server,
    os_problem,
    require_service,
)
from flows.service.terminal import err, guard_console_log, printable

if TYPE_CHECKING:
    from flows.config import Settings
    from flows.orchestration.pool import WorkerPool


def cmd_run(args: argparse.Namespace) -> int:
    prepare_prefect(args.verbose)
    settings = settings_from(args)
    require_service(settings, args.paths)
    from flows.orchestration.pool import WorkerPool

    # The workers warm up (and, when no other run holds the lock, start converting) while Prefect starts.
    workers = WorkerPool()
    workers.get_ready(settings, [Path(p) for p in args.paths], args.force)
    # Done, the workers are killed as the process exits (flows/orchestration/process_pool.py): sooner
    # than they would stop one by one.
    try:
        return _run_flow(args, settings, workers)
    except BaseException:  # Ctrl-C, or Prefect did not start: the workers must not go on converting
        workers.stop()
        raise


def _run_flow(args: argparse.Namespace, settings: Settings, workers: WorkerPool) -> int:
    from flows.orchestration.prefect_server import flow_settings, start_server

    server = start_server()
    from rich.console import Console
    from rich.text import Text

    from flows.orchestration.flow import process_inbox
    from flows.service.report_table import detail_lines, rich_table

    guard_console_log(args.verbose)
    # Piped output (logs, CI) gets a wide table rather than rich's 80-column default.
    console = Console(width=None if sys.stdout.isatty() else 160)
    marks = {"done": ("✓", "green"), "skipped": ("·", "dim"), "failed": ("✗", "red")}

    def show(outcome) -> None:  # Text, not markup: a name may hold "[/]"
        detail = (printable(outcome.detail), "dim")
        console.print(Text.assemble(marks[outcome.status], " ", printable(outcome.name), "  ", detail))

    what = settings.inputs if not args.paths else " ".join(args.paths)
    console.print(
        Text.assemble(
            ("gongwen", "bold"),
            printable(f": {what} -> {settings.outputs}  "),
            f"(profile {settings.profile})",
        )
    )
    with flow_settings(server):
        outcomes = process_inbox(
            paths=args.paths, force=args.force, settings=settings, workers=workers, progress=show
        )
    console.print(rich_table(outcomes))
    for line in detail_lines(outcomes):
        console.print(Text(f"  {printable(line)}"))
    return 1 if any(o.status == "failed" for o in outcomes) else 0


def cmd_config(args: argparse.Namespace) -> int:
    from dataclasses import fields

    settings = settings_from(args)
    for item in fields(settings):
        if item.name == "sources":
            continue
        value = printable(getattr(settings, item.name))
        if item.name == "web_token" and value:  # a password: whether it is set, not what it is
            value = "(set)"
        print(f"{item.name:16} = {value:40}  # {printable(settings.source_of(item.name))}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gongwen", description="Raw Chinese drafts -> GB/T 9704 DOCX/PDF.")
    global_options(parser, top_level=True)
    shared = argparse.ArgumentParser(add_help=False)  # each subcommand's copy of the global options
    global_options(shared)
    parents = [shared]
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", parents=parents, help="convert inputs/ (or the given files) into outputs/")
    run.add_argument("paths", nargs="*", help="files or folders (default: the inputs folder)")
    run.add_argument("--force", action="store_true", help="re-process files the ledger has seen")
    run.add_argument("--profile", help="layout profile (gbt9704, gbt33476, centered)")
    run.add_argument("--inputs", type=Path, help="inbox folder")
    run.add_argument("--outputs", type=Path, help="outputs folder")
    run.add_argument("--concurrency", type=int, help="documents converted at once")
    run.set_defaults(func=cmd_run)

    config = sub.add_parser(
        "config", parents=parents, help="print the effective settings and where each came from"
    )
    config.set_defaults(func=cmd_config)

    for module in (normalize, outline, service, upkeep, web):
        module.register(sub, parents)
    return parser


def _failure(error: Exception) -> tuple[int, str] | None:
    """The exit status and the one line for an expected failure; None for a bug (its traceback shows)."""
    if isinstance(error, ValueError):  # settings and usage: what to change
        return EXIT_USAGE, str(error)
    # A folder, a disk or a server failed: the same command works again once that is mended.
    if isinstance(error, EnvironmentFailure):
        return EXIT_ENVIRONMENT, str(error)
    if isinstance(error, OSError):
        return EXIT_ENVIRONMENT, os_problem(error)
    lost = lost_server(error)
    return (EXIT_ENVIRONMENT, lost) if lost else None


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except Exception as error:
        failure = _failure(error)
        if failure is None:
            raise
        if args.verbose:
            traceback.print_exc()
        err(f"gongwen: {failure[1]}")
        return failure[0]
