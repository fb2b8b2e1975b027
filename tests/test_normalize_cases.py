"""The exact-match table tests/data/normalize_cases.tsv: input line -> expected line, per rule.

Also read by benchmarks/bench_normalize.py for its score.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

import pytest

from tasks.reading.normalize import normalize

CASES_PATH = Path(__file__).parent / "data" / "normalize_cases.tsv"
_ESCAPE = re.compile(r"\\(n|t|\\|u[0-9a-fA-F]{4})")


class Case(NamedTuple):
    rule: str
    text: str
    expected: str


def _unescape(cell: str) -> str:
    def one(m: re.Match[str]) -> str:
        code = m[1]
        return {"n": "\n", "t": "\t", "\\": "\\"}.get(code) or chr(int(code[1:], 16))

    return _ESCAPE.sub(one, cell)


def load_cases(path: Path = CASES_PATH) -> list[Case]:
    cases = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line and not line.startswith("#"):
            rule, text, expected = line.split("\t")
            cases.append(Case(rule, _unescape(text), _unescape(expected)))
    return cases


CASES = load_cases()


def test_table_covers_every_rule() -> None:
    assert {case.rule for case in CASES} >= {f"R{i}" for i in range(1, 15)}
    assert len(CASES) >= 60


@pytest.mark.parametrize("case", CASES, ids=[f"{c.rule}-{i}" for i, c in enumerate(CASES)])
def test_exact_match(case: Case) -> None:
    assert normalize(case.text).text == case.expected


@pytest.mark.parametrize("case", CASES, ids=[f"{c.rule}-{i}" for i, c in enumerate(CASES)])
def test_expected_lines_are_fixed_points(case: Case) -> None:
    """Normalized text is clean text: normalizing it again changes nothing."""
    assert normalize(case.expected).changes == ()
