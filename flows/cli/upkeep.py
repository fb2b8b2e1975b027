"""`gongwen status` and `gongwen prune`: is the service well, and what has outlived its input
(docs/service.md). Neither imports Prefect."""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from flows.cli.common import settings_from
from flows.service.environment import require_existing_outputs, require_inputs
from flows.service.terminal import printable

if TYPE_CHECKING:
    from flows.service.health import Health


def _local(moment: str) -> str:
    return datetime.fromisoformat(moment).astimezone().strftime("%Y-%m-%d %H:%M:%S") if moment else "-"


def _status_lines(health: Health) -> list[str]:
    lines = [f"gongwen status: {health.outputs}: {health.status}"]
    lines.append(f"  run: held by {health.lock_holder}" if health.run_active else "  run: none now")
    run = health.last_run
    if run is not None:
        lines.append(
            f"  last run: {run.status}, started {_local(run.started)} (pid {run.pid} on {run.host}), "
            f"ended {_local(run.finished)}: {run.done} done, {run.skipped} skipped, {run.failed} failed"
        )
    for service in health.services:
        beat = service.beat
        lines.append(
            f"  {beat.kind} on {beat.host} (pid {beat.pid}): {service.state}, "
            f"last heartbeat {service.age_seconds:.0f} s ago"
        )
    counts = ", ".join(f"{n} {state}" for state, n in sorted(health.documents.items())) or "none"
    lines.append(f"  documents: {counts}; {health.history_versions} earlier versions kept")
    if health.recent_failures:
        lines.append("  failed inputs (ledger, newest first):")
        lines += [f"    {_local(f.at)}  {f.input}: {f.error}" for f in health.recent_failures]
    lines += [f"  problem: {problem}" for problem in health.problems]
    return lines


def cmd_status(args: argparse.Namespace) -> int:
    from flows.service.health import check_health

    settings = settings_from(args)
    require_existing_outputs(settings)
    health = check_health(settings)
    if args.json:
        print(json.dumps(health.as_dict(), ensure_ascii=False, indent=2, default=str))
    else:
        for line in _status_lines(health):
            print(printable(line))
    return health.exit_code


def cmd_prune(args: argparse.Namespace) -> int:
    from flows.service.collect import build_index
    from flows.service.ledger import run_lock
    from flows.service.lifecycle import prune

    settings = settings_from(args)
    days = args.older_than if args.older_than is not None else settings.retention_days or None
    if days is None:
        raise ValueError("give --older-than DAYS (or set retention_days)")
    require_existing_outputs(settings)
    require_inputs(settings)  # without the inbox every document would look orphaned
    waiting = f"another gongwen run holds {settings.outputs}; waiting for it"
    with run_lock(settings.state_dir, on_wait=lambda: print(printable(waiting), flush=True)):
        pruned = prune(settings, days, dry_run=args.dry_run)
    verb = "would remove" if args.dry_run else "removed"
    for document in pruned.documents:
        made = document.created.astimezone().strftime("%Y-%m-%d")
        print(printable(f"{verb} {settings.outputs / document.name}  ({document.state}, made {made})"))
    for version in pruned.versions:
        replaced = version.retired.astimezone().strftime("%Y-%m-%d %H:%M")
        print(printable(f"{verb} {version.folder}  (earlier version, replaced {replaced})"))
    total = f"{len(pruned.documents)} documents, {len(pruned.versions)} earlier versions"
    print(f"{verb}: {total} (over {days:g} days)")
    if not args.dry_run and (pruned.documents or pruned.versions):
        build_index(settings.outputs, settings.inputs)
    return 0


def register(subparsers: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    status = subparsers.add_parser(
        "status",
        parents=parents,
        help="is a run or service active, the last run, heartbeats, failures (exit 0 healthy)",
    )
    status.add_argument("--outputs", type=Path, help="outputs folder")
    status.add_argument("--inputs", type=Path, help="inbox folder")
    status.add_argument("--json", action="store_true", help="print the status as JSON")
    status.set_defaults(func=cmd_status)

    prune = subparsers.add_parser(
        "prune",
        parents=parents,
        help="remove documents whose input is gone, and earlier versions, older than N days",
    )
    prune.add_argument(
        "--older-than",
        type=float,
        metavar="DAYS",
        help="documents made, and versions replaced, more than DAYS ago (default: retention_days)",
    )
    prune.add_argument("--dry-run", action="store_true", help="print what would be removed, remove nothing")
    prune.add_argument("--outputs", type=Path, help="outputs folder")
    prune.add_argument("--inputs", type=Path, help="inbox folder")
    prune.set_defaults(func=cmd_prune)
