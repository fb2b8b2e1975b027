"""Numbering checks on the resolved headings: gaps, duplicates, a level climbing back up.

The one place the pipeline checks how numbers run on (the normalizer reports only mixed marker styles).

Only reported, never repaired. Numbered provisions ("item") are checked too: a gap there is as
likely a lost paragraph. Numbering that runs on across sections (（一）…（三） under 一、,
（四）… under 二、) is a house style, not a fault, and is accepted.
"""

from __future__ import annotations

from tasks.model import Diagnostic
from tasks.reading.structure.headings import Resolved


def _problems(entry: Resolved, previous: int | None, run_on: int | None) -> list[str]:
    number, value = entry.draft.marker.number, entry.draft.marker.value
    problems = []
    if entry.climbs:
        problems.append(
            f"{number} (level {entry.level}) comes after deeper headings: the numbering climbs back up"
        )
    if previous is None:
        if value != 1 and run_on is None:
            problems.append(f"{number} starts a list that does not start at 1")
        elif value != 1 and value != run_on + 1:
            problems.append(f"{number} starts a list; expected 1 or {run_on + 1}")
    elif value == previous:
        problems.append(f"{number} is numbered twice")
    elif value != previous + 1:
        problems.append(f"{number} follows number {previous}: expected {previous + 1}")
    return problems


def numbering_warnings(resolved: list[Resolved], lines: list[int], sections: list[int]) -> list[Diagnostic]:
    """`lines[i]` and `sections[i]` locate `resolved[i]`; provisions are checked like headings."""
    warnings: list[Diagnostic] = []
    last_in_group: dict[tuple[int, int | None, int], int] = {}
    last_at_level: dict[tuple[int, int], int] = {}
    for i, entry in enumerate(resolved):
        group = (sections[i], entry.parent, entry.level)
        level_key = (sections[i], entry.level)
        excerpt = entry.draft.marker.number + entry.draft.title
        for message in _problems(entry, last_in_group.get(group), last_at_level.get(level_key)):
            warnings.append(Diagnostic("numbering", lines[i], 1, message, excerpt))
        last_in_group[group] = entry.draft.marker.value
        last_at_level[level_key] = entry.draft.marker.value
    return warnings
