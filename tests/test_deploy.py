"""Packaging: the systemd units in deploy/ pass `systemd-analyze verify`, run as the user gongwen with
the same hardening, and start commands the CLI accepts; prefect.yaml's deployments never take the name
`gongwen serve` serves under; the README's service commands create the work pool before deploying.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from flows.cli.command import build_parser
from flows.orchestration.serve import DEPLOYMENT_NAME

ROOT = Path(__file__).resolve().parents[1]
UNITS = sorted((ROOT / "deploy").glob("*.service"))
BINARY = "/opt/gongwen/bin/gongwen"  # where docs/service.md installs it (a virtual environment)
HARDENING = {
    "NoNewPrivileges": "yes",
    "ProtectSystem": "strict",
    "ProtectHome": "yes",
    "PrivateTmp": "yes",
    "ReadWritePaths": "/srv/gongwen/inputs /srv/gongwen/outputs",
}


def settings(unit: Path) -> dict[str, list[str]]:
    """Each key's values, as systemd reads them: comments only on lines of their own."""
    found: dict[str, list[str]] = {}
    for line in unit.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith(("#", ";", "[")):
            key, value = line.split("=", 1)
            found.setdefault(key, []).append(value)
    return found


def test_there_is_a_unit_for_each_service() -> None:
    assert [unit.stem for unit in UNITS] == ["gongwen-serve", "gongwen-watch", "gongwen-web"]


def test_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    """verify also checks that ExecStart's program exists: the copies start a stand-in at a path
    the test creates, everything else as written."""
    verify = shutil.which("systemd-analyze")
    assert verify, "systemd-analyze (Debian: systemd) is needed to check the units"
    stand_in = tmp_path / "bin" / "gongwen"
    stand_in.parent.mkdir()
    stand_in.write_text("#!/bin/sh\n", encoding="utf-8")
    stand_in.chmod(0o755)
    for unit in UNITS:
        text = unit.read_text(encoding="utf-8")
        assert f"ExecStart={BINARY} " in text
        (tmp_path / unit.name).write_text(text.replace(f"ExecStart={BINARY} ", f"ExecStart={stand_in} "))
    done = subprocess.run(
        [verify, "verify", *(str(tmp_path / unit.name) for unit in UNITS)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    # Warnings (a value systemd ignores, say) do not change the exit status: none may be printed.
    assert (done.returncode, done.stdout + done.stderr) == (0, "")


@pytest.mark.parametrize("unit", UNITS, ids=lambda unit: unit.stem)
def test_units_run_as_gongwen_hardened(unit: Path) -> None:
    found = settings(unit)
    assert found["User"] == found["Group"] == ["gongwen"]
    assert found["WorkingDirectory"] == ["/srv/gongwen"]
    for values in found.values():
        assert not any("#" in value for value in values), "a trailing comment would be part of the value"
    for key, value in HARDENING.items():
        assert found[key] == [value], key
    state = found["StateDirectory"][0]
    assert f"PREFECT_HOME=%S/{state}" in " ".join(found["Environment"]), "a Prefect home of its own"


@pytest.mark.parametrize("name", ["watch", "serve", "web"])
def test_units_start_a_command_the_cli_accepts(name: str) -> None:
    program, *args = shlex.split(settings(ROOT / "deploy" / f"gongwen-{name}.service")["ExecStart"][0])
    assert program == BINARY
    assert build_parser().parse_args(args).command == name


def test_the_web_unit_binds_loopback() -> None:
    (start,) = settings(ROOT / "deploy" / "gongwen-web.service")["ExecStart"]
    assert shlex.split(start) == [BINARY, "web", "--host", "127.0.0.1", "--port", "8080"]


def test_prefect_yaml_never_replaces_the_served_deployment() -> None:
    """`prefect deploy --all` while `gongwen serve` runs: a deployment of the same name would be
    replaced, and its schedule with it."""
    config = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    names = [deployment["name"] for deployment in config["deployments"]]
    assert DEPLOYMENT_NAME not in names
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("document", ["README.md", "docs/service.md"])
def test_the_work_pool_is_created_before_deploying(document: str) -> None:
    """`prefect deploy` fails without the work pool that prefect.yaml names."""
    text = (ROOT / document).read_text(encoding="utf-8")
    assert text.index("prefect work-pool create gongwen --type process") < text.index(
        "prefect --no-prompt deploy --all"
    )
