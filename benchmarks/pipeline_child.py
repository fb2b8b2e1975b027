"""What bench_pipeline.py runs in a new process, one kind of cold measurement per command:

    python benchmarks/pipeline_child.py first DOC OUTPUTS    # one document, no Prefect
    python benchmarks/pipeline_child.py loop INBOX OUTPUTS   # every file, a plain loop in this process
    python benchmarks/pipeline_child.py pool INBOX OUTPUTS   # every file, the batch's worker pool, no Prefect

`loop` and `pool` do a run's work without Prefect: each document's outputs and thumbnail, then the index.
    python benchmarks/pipeline_child.py flow                 # a trivial Prefect flow: Prefect's own floor
    python benchmarks/pipeline_child.py pdf DOC OUTPUTS      # text -> PDF only
    python benchmarks/pipeline_child.py fonts                # resolve and parse every font

Each prints one JSON line of timings measured inside the process (seconds).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

_STARTED = time.perf_counter()
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _settings(inbox: Path, outputs: Path):
    from flows.config import Settings

    return Settings(inputs=inbox, outputs=outputs)


def first(doc: str, outputs: str) -> dict[str, object]:
    from flows.engine.convert import convert_document

    imported = time.perf_counter()
    result = convert_document(Path(doc), _settings(Path(doc).parent, Path(outputs)), "first")
    return {"import": imported - _STARTED, "convert": result.seconds, "stages_ms": result.timings_ms}


def loop(inbox: str, outputs: str) -> dict[str, object]:
    from flows.orchestration.work import convert
    from flows.service.collect import refresh_index

    settings = _settings(Path(inbox), Path(outputs))
    paths = sorted(Path(inbox).iterdir())
    seconds = sum(convert(path, settings, path.stem).seconds for path in paths)
    refresh_index(settings.outputs)
    return {"documents": len(paths), "stage_seconds": seconds}


def pool(inbox: str, outputs: str) -> dict[str, object]:
    from flows.orchestration.pool import WorkerPool
    from flows.orchestration.work import convert
    from flows.service.collect import refresh_index
    from flows.service.inbox import pool_size

    settings = _settings(Path(inbox), Path(outputs))
    paths = sorted(Path(inbox).iterdir())
    workers = pool_size(settings, len(paths))
    if not workers:
        raise SystemExit("the batch would not use a pool (concurrency or cores < 2)")
    with WorkerPool().executor(settings, workers) as executor:
        futures = [executor.submit(convert, path, settings, path.stem) for path in paths]
        seconds = sum(future.result().seconds for future in futures)
    refresh_index(settings.outputs)
    return {"documents": len(paths), "stage_seconds": seconds}


def flow() -> dict[str, object]:
    from prefect import flow, task
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    @task
    def one() -> int:
        return 1

    @flow
    def trivial() -> int:
        return one()

    imported = time.perf_counter()
    # As `gongwen run` does: no heartbeat thread for a one-shot flow.
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        trivial()
    return {"import": imported - _STARTED, "flow": time.perf_counter() - imported}


def pdf(doc: str, outputs: str) -> dict[str, object]:
    from flows.engine.read import read_document
    from tasks.writing.fonts import resolve_fonts
    from tasks.writing.layout import get_profile
    from tasks.writing.render_pdf import render_pdf

    document = read_document(Path(doc)).document
    Path(outputs).mkdir(parents=True, exist_ok=True)
    render_pdf(document, get_profile("gbt9704"), resolve_fonts(), Path(outputs) / "ours.pdf")
    return {}


def fonts() -> dict[str, object]:
    from tasks.writing.fonts import resolve_fonts

    font_set = resolve_fonts()
    resolved = time.perf_counter()
    for font in (*font_set.roles.values(), *font_set.fallbacks):
        font.face()
    return {"resolve": resolved - _STARTED, "parse": time.perf_counter() - resolved}


_KINDS = {"first": first, "loop": loop, "pool": pool, "flow": flow, "pdf": pdf, "fonts": fonts}

if __name__ == "__main__":
    timings = _KINDS[sys.argv[1]](*sys.argv[2:])
    print(json.dumps({**timings, "process": time.perf_counter() - _STARTED}))
