"""Paths to the vendored sample texts, and fixtures shared by the flow tests."""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Public texts vendored from ../shared/samples (their sources: data/samples/README.md and messy/SOURCES.md),
# so the suite passes in a plain clone.
SAMPLES = ROOT / "tests" / "data" / "samples"
CORPUS = SAMPLES / "corpus"
MESSY = SAMPLES / "messy"
SPEECH = SAMPLES / "speech_office_directors.txt"
if not SPEECH.is_file() or not any(CORPUS.glob("*.txt")) or not any(MESSY.glob("*.txt")):
    raise RuntimeError(f"the vendored samples are missing under {SAMPLES}: the suite cannot run without them")


def pytest_configure(config: pytest.Config) -> None:
    """Under pytest-xdist each worker gets a Prefect home of its own: two temporary Prefect servers on
    one SQLite database would wait on each other's locks."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        home = Path(os.environ.get("PREFECT_HOME") or tempfile.mkdtemp(prefix="prefect-")) / worker
        home.mkdir(parents=True, exist_ok=True)
        os.environ["PREFECT_HOME"] = str(home)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Files with the most slow tests first (stable: each file's tests stay together and in order), so
    that the two test processes take the long files early and finish together."""
    slow = Counter(
        item.path for item in items if item.get_closest_marker("slow") or item.get_closest_marker("flow")
    )
    items.sort(key=lambda item: -slow[item.path])


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """Captured output may hold the lone surrogates of undecodable file names (tests/test_bad_inputs.py);
    pytest-xdist sends reports as UTF-8 and would lose its worker on them, so they are escaped."""
    outcome = yield
    report = outcome.get_result()
    report.sections = [
        (title, text.encode("utf-8", "backslashreplace").decode("utf-8")) for title, text in report.sections
    ]


def checkout_environment(base: dict[str, str] | None = None, **overrides: str) -> dict[str, str]:
    """The environment for a subprocess that must run this checkout's code (PYTHONPATH), never the
    `gongwen` installed elsewhere: `base` (default os.environ) with `overrides`."""
    return {**(os.environ if base is None else base), "PYTHONPATH": str(ROOT), **overrides}


@pytest.fixture(scope="module")
def prefect_harness() -> Iterator[None]:
    """A Prefect test server for one module (not the session: other modules set up Prefect their own way)."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    with (
        prefect_test_harness(server_startup_timeout=90),
        temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}),
    ):
        yield
