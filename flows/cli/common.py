"""What every subcommand shares: the global options, the one settings loader, Prefect's defaults."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from flows.config import Settings, load_settings
from flows.orchestration.lifeline import start_lifeline

# Command-line flags that override settings; each flag's dest is the setting's name.
SETTING_FLAGS = ("inputs", "outputs", "profile", "concurrency", "settle_seconds", "watch_polling")

# Prefect reads these at import: quiet, offline-safe defaults for a command-line tool. A flow run's
# own log (a line per document) goes to the Prefect API at INFO, so the UI shows what each run did,
# while the terminal shows warnings only: the command prints its own progress.
_PREFECT_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_LOGGING_LOGGERS_PREFECT_FLOW_RUNS_LEVEL": "INFO",
    "PREFECT_LOGGING_LOGGERS_PREFECT_TASK_RUNS_LEVEL": "INFO",
    "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "WARNING",
}
_VERBOSE_LOGGING = {"PREFECT_LOGGING_LEVEL": "INFO", "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "INFO"}


def global_options(parser: argparse.ArgumentParser, top_level: bool = False) -> None:
    """`--config FILE`, `-v` and `--version`, accepted before the subcommand and after it. A
    subcommand's copy has no default, so that it keeps what was given before the subcommand when it
    is not repeated."""
    unset = None if top_level else argparse.SUPPRESS
    parser.add_argument(
        "--config", type=Path, default=unset, help="gongwen.toml to use (default: ./gongwen.toml)"
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=False if top_level else argparse.SUPPRESS,
        help="show Prefect's logs, and the traceback of a failure",
    )
    parser.add_argument("--version", action="version", version=f"gongwen {package_version()}")


def package_version() -> str:
    """The installed package's version (pyproject.toml); a checkout run without installing has none."""
    try:
        return version("gongwen")
    except PackageNotFoundError:
        return "(not installed)"


def settings_from(args: argparse.Namespace) -> Settings:
    """The settings: defaults, gongwen.toml, GONGWEN_* and the flags this subcommand has."""
    return load_settings(args.config, **{name: getattr(args, name, None) for name in SETTING_FLAGS})


def prepare_prefect(verbose: bool) -> None:
    """Before a subcommand imports Prefect: its defaults, the SIGTERM handler and the lifeline."""
    for key, value in _PREFECT_DEFAULTS.items():
        os.environ.setdefault(key, value)
    if verbose:
        os.environ.update(_VERBOSE_LOGGING)
    # A log record that cannot reach a Prefect server that went away is not the failure to report:
    # the command says in one line what failed (Prefect's log worker would add its own lines).
    logging.raiseExceptions = verbose
    # A SIGTERM must unwind through Prefect, so that its last events and logs reach the server and the
    # server closes its database; after a SIGKILL the lifeline stops the worker processes.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    start_lifeline()
