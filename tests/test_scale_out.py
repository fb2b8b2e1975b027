"""scripts/scale_out.py on PostgreSQL, small: a throw-away cluster, a Prefect server on it, two
workers as if on two hosts, one batch converted together; everything it started is gone afterwards."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, checkout_environment

pytestmark = [pytest.mark.slow, pytest.mark.flow]


def _postgres_running_in(folder: str) -> bool:
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if folder.encode() in cmdline.read_bytes():
                return True
        except OSError:
            continue
    return False


def test_scale_out_on_postgresql_converts_every_document_once() -> None:
    script = ROOT / "scripts" / "scale_out.py"
    done = subprocess.run(
        [sys.executable, str(script), "--database", "postgresql", "--workers", "2", "--documents", "6"],
        env=checkout_environment(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "on postgresql" in output
    assert "workers that took part: 2 of 2" in output
    assert "documents converted: 6 for 6 inputs; converted twice: none" in output
    assert "ledger and outputs: complete" in output
    server_cpu = re.search(r"server: ([\d.]+) CPU s .*?(\d+) API calls", output)
    assert server_cpu and float(server_cpu[1]) > 0 and int(server_cpu[2]) > 0, "the server was measured"
    (cluster,) = re.findall(r"PostgreSQL \(\d+\) in (\S+)", output)
    (workspace,) = re.findall(r"workspace (\S+)", output)
    assert not Path(cluster).exists() and not Path(workspace).exists(), "everything it made is removed"
    assert not _postgres_running_in(cluster), "the cluster is stopped"
