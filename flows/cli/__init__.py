"""The `gongwen` command: one parser (flows/cli/command.py), its subcommands, one settings loader."""

from flows.cli.command import build_parser, main

__all__ = ["build_parser", "main"]
