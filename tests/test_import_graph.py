"""flows/ and tasks/ are layered: every module imports, no import cycle, and no layer imports one above it.

Layers of flows/, bottom to top: flows.config, flows.engine, flows.service, flows.orchestration,
flows.web, flows.cli. In tasks/: the text grammar and the model, then reading, analysis and writing side
by side.
Imports are read from the source (function-level ones too: a deferred import is still a dependency).
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest
from conftest import checkout_environment

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ("flows.config", "flows.engine", "flows.service", "flows.orchestration", "flows.web", "flows.cli")
# Modules whose import has effects beyond defining names: the fork server's warm-up converts a text.
NOT_IMPORTED = {"flows.orchestration.worker_preload", "flows.cli.__main__"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in sorted((ROOT / "flows").rglob("*.py"))}


def _imports(path: Path, known: dict[str, Path]) -> set[str]:
    """The modules among `known` that `path` imports, anywhere in it."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name in known}


GRAPH = {name: _imports(path, MODULES) - {name} for name, path in MODULES.items()}


def _layer(module: str) -> int:
    return max(i for i, layer in enumerate(LAYERS) if module == layer or module.startswith(layer + "."))


@pytest.mark.parametrize("module", sorted(set(MODULES) - NOT_IMPORTED))
def test_every_module_imports(module: str) -> None:
    importlib.import_module(module)


def test_the_flows_import_graph_has_no_cycle() -> None:
    # A package's __init__ is imported before its modules: it counts as a dependency of each.
    graph = {name: set(deps) for name, deps in GRAPH.items()}
    for name in MODULES:
        package = name.rpartition(".")[0]
        if package in MODULES and package != name:
            graph[name].add(package)
    try:
        tuple(TopologicalSorter(graph).static_order())
    except CycleError as error:
        pytest.fail(f"import cycle: {' -> '.join(error.args[1])}")


def test_no_layer_imports_a_layer_above_it() -> None:
    upward = [
        f"{name} imports {dep}"
        for name, deps in GRAPH.items()
        for dep in deps
        if name != "flows" and dep != "flows" and _layer(dep) > _layer(name)
    ]
    assert upward == []


def test_the_flows_process_never_imports_the_pipeline_to_read_a_result() -> None:
    """The run's process unpickles results from workers: flows.engine.result imports nothing heavy."""
    assert GRAPH["flows.engine.result"] == set()
    assert not (ROOT / "flows" / "engine" / "__init__.py").read_text(encoding="utf-8").count("import ")


def test_the_run_process_never_imports_the_writers() -> None:
    """`gongwen run`'s own process plans, submits and records: the writers (reportlab, python-docx,
    the fonts) load in the workers only, so the command starts its workers and Prefect sooner."""
    code = (
        "import sys, flows.cli.command, flows.orchestration.pool, flows.orchestration.flow; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('reportlab', 'docx', 'fontTools') "
        "or (m.startswith('tasks.writing.') and m != 'tasks.writing.layout')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=checkout_environment(), capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


TASKS = {_module_name(path): path for path in sorted((ROOT / "tasks").rglob("*.py"))}
# Bottom: the text grammar and the model. Reading, analysis and writing stand side by side on them.
TASK_BASE = ("tasks.text", "tasks.model")
TASK_STAGES = ("tasks.reading", "tasks.analysis", "tasks.writing")


def _group(module: str) -> str:
    return next(g for g in (*TASK_BASE, *TASK_STAGES) if module == g or module.startswith(g + "."))


def test_reading_analysis_and_writing_import_only_the_text_grammar_and_the_model() -> None:
    """A writer that imported the reader could re-parse text; an analysis that imported a writer would
    depend on how pages are set. Each stage sees the model and the text grammar, nothing else."""
    crossing = [
        f"{name} imports {dep}"
        for name, path in TASKS.items()
        if name != "tasks"
        for dep in _imports(path, TASKS)
        if _group(dep) != _group(name) and _group(dep) not in TASK_BASE
    ]
    assert crossing == []


def test_the_text_grammar_imports_nothing_above_it() -> None:
    upward = [
        f"{name} imports {dep}"
        for name, path in TASKS.items()
        if name.startswith("tasks.text")
        for dep in _imports(path, TASKS)
        if _group(dep) != "tasks.text"
    ]
    assert upward == []
