"""One parser: the global options (--config, -v, --version) are accepted before the subcommand and
after it."""

from __future__ import annotations

from importlib.metadata import version
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


@pytest.mark.parametrize("command", SUBCOMMANDS, ids=lambda c: c[0])
def test_verbose_before_or_after_the_subcommand(command: list[str]) -> None:
    parser = build_parser()
    assert parser.parse_args(["-v", *command]).verbose
    assert parser.parse_args([*command, "--verbose"]).verbose
    assert not parser.parse_args(command).verbose


@pytest.mark.parametrize("where", ["before", "after"])
def test_version_from_the_package_metadata(where: str, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--version", "config"] if where == "before" else ["config", "--version"]
    with pytest.raises(SystemExit) as done:
        build_parser().parse_args(args)
    assert done.value.code == 0
    assert capsys.readouterr().out == f"gongwen {version('gongwen')}\n"


def test_serve_takes_the_address_of_its_prefect_server() -> None:
    command = ["serve", "--cron", "*/10 * * * *", "--host", "0.0.0.0", "--port", "4321"]
    args = build_parser().parse_args(command)
    assert (args.host, args.port, args.cron, args.interval) == ("0.0.0.0", 4321, "*/10 * * * *", None)
    default = build_parser().parse_args(["serve", "--interval", "600"])
    assert (default.host, default.port) == (None, None), "unset: PREFECT_API_URL, or 127.0.0.1:4200"


@pytest.mark.parametrize("port", ["0", "65536", "http"])
def test_serve_refuses_a_port_that_is_not_one(port: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        build_parser().parse_args(["serve", "--interval", "600", "--port", port])
    assert done.value.code == 2
    assert "argument --port" in capsys.readouterr().err
