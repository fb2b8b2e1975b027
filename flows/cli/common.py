"""What every subcommand shares: the `--config` option, the one settings loader, Prefect's defaults."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from flows.config import Settings, load_settings
from flows.orchestration.lifeline import start_lifeline

# Command-line flags that override settings; each flag's dest is the setting's name.
SETTING_FLAGS = ("inputs", "outputs", "profile", "concurrency", "settle_seconds", "watch_polling")

# Prefect reads these at import: quiet, offline-safe defaults for a command-line tool.
_PREFECT_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    "PREFECT_LOGGING_LEVEL": "WARNING",
}


def config_option(parser: argparse.ArgumentParser, top_level: bool = False) -> None:
    """`--config FILE`, accepted before the subcommand and after it. A subcommand's copy has no
    default, so that it keeps what was given before the subcommand when it is not repeated."""
    parser.add_argument(
        "--config",
        type=Path,
        default=None if top_level else argparse.SUPPRESS,
        help="gongwen.toml to use (default: ./gongwen.toml)",
    )


def settings_from(args: argparse.Namespace) -> Settings:
    """The settings: defaults, gongwen.toml, GONGWEN_* and the flags this subcommand has."""
    return load_settings(args.config, **{name: getattr(args, name, None) for name in SETTING_FLAGS})


def prepare_prefect(verbose: bool) -> None:
    """Before a subcommand imports Prefect: its defaults, the SIGTERM handler and the lifeline."""
    for key, value in _PREFECT_DEFAULTS.items():
        os.environ.setdefault(key, value)
    if verbose:
        os.environ["PREFECT_LOGGING_LEVEL"] = "INFO"
    # A SIGTERM must unwind through Prefect, so that its last events and logs reach the server and the
    # server closes its database; after a SIGKILL the lifeline stops the worker processes.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    start_lifeline()
