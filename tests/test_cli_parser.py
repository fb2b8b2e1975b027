"""One parser: the shared options are accepted before the subcommand and after it."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.cli.command import build_parser

SUBCOMMANDS = (
    ["run"],
    ["config"],
    ["watch"],
    ["serve", "--interval", "60"],
    ["collect"],
    ["outline", "a.txt"],
    ["check", "a.txt"],
)


@pytest.mark.parametrize("command", SUBCOMMANDS, ids=lambda c: c[0])
def test_config_before_or_after_the_subcommand(command: list[str]) -> None:
    parser = build_parser()
    before = parser.parse_args(["--config", "office.toml", *command])
    after = parser.parse_args([*command, "--config", "office.toml"])
    assert before.config == after.config == Path("office.toml")
    assert parser.parse_args(command).config is None


def test_the_subcommands_copy_wins_over_the_top_levels() -> None:
    args = build_parser().parse_args(["--config", "a.toml", "config", "--config", "b.toml"])
    assert args.config == Path("b.toml")
