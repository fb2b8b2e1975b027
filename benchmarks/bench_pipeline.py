"""Pipeline speed: the figures of issue 8 beside their targets, as medians of several runs.

    python benchmarks/bench_pipeline.py                        # everything (~15 min on 2 cores)
    python benchmarks/bench_pipeline.py --quick                # one run each, a 40-document batch
    python benchmarks/bench_pipeline.py --only stages,cold --runs 7 --json figures.json

Sections (--only):
  stages  time per document by stage, warm (in this process, after a warm-up), for the sample speech and
          for reports of 25k, 50k and 100k characters (time per character shows whether it is linear);
          and the first document of a new process (imports, fonts, jieba)
  batch   a batch (200 documents) through `gongwen run` from a cold process, beside the same work in
          the batch's worker pool without Prefect and in a plain loop in one process; peak memory of
          each run's whole process tree (the fork server and the workers included), and once more with
          PREFECT_API_URL naming a running server, as a service set-up has it
  cold    `gongwen run` on the sample from a cold process, beside a trivial Prefect flow (Prefect's floor)
  pdf     LibreOffice converting our DOCX of the sample to PDF, beside our PDF writer
  fonts   font resolution in a new process, with the converted-font cache and from an empty one

"Cold" figures time whole processes from outside. Prefect's home and all outputs live in a temporary
folder; the font and jieba caches are the user's, except for the empty-cache font run. The load average
is printed with each section: on a shared machine, other jobs slow every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

import proctree  # noqa: E402
from pipeline_inputs import SAMPLE_SPEECH, long_report, write_batch  # noqa: E402

CHILD = str(ROOT / "benchmarks" / "pipeline_child.py")
SECTIONS = ("stages", "batch", "cold", "pdf", "fonts")
REPORT_SIZES = (25_000, 50_000, 100_000)
_BATCH_KINDS = {"gongwen": "gongwen run", "pool": "worker pool, no Prefect", "loop": "plain loop"}
WORKERS = 2


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    target: str = ""  # "< 0.5" or "> 10": the target, if it sets one
    note: str = ""

    @property
    def met(self) -> bool | None:
        if not self.target:
            return None
        op, limit = self.target.split()
        return self.value < float(limit) if op == "<" else self.value > float(limit)


class Bench:
    def __init__(self, root: Path, runs: int, batch_runs: int, batch_size: int) -> None:
        self.root = root
        self.runs = runs
        self.batch_runs = batch_runs
        self.batch_size = batch_size
        self.figures: list[Figure] = []
        self.env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "PREFECT_HOME": str(root / "prefect"),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
            "PREFECT_LOGGING_LEVEL": "WARNING",
        }

    def add(self, name: str, value: float, unit: str, target: str = "", note: str = "") -> None:
        figure = Figure(name, value, unit, target, note)
        self.figures.append(figure)
        mark = {None: " ", True: "✓", False: "✗"}[figure.met]
        print(f"  {mark} {name:58} {value:10.3f} {unit:8} {target:8} {note}", flush=True)

    def run(self, command: list[str], env: dict[str, str] | None = None) -> proctree.Measured:
        return proctree.run(command, env or self.env, cwd=self.root)

    def child(self, *args: str, env: dict[str, str] | None = None) -> tuple[proctree.Measured, dict]:
        measured = self.run([sys.executable, CHILD, *args], env)
        # Its timings are its last JSON line; Prefect may log after it.
        line = next(line for line in reversed(measured.stdout.splitlines()) if line.startswith("{"))
        return measured, json.loads(line)

    def gongwen(self, inbox: Path, outputs: Path, *paths: Path, env: dict[str, str] | None = None):
        folders = ["--inputs", str(inbox), "--outputs", str(outputs), "--concurrency", str(WORKERS)]
        return self.run([sys.executable, "-m", "flows.cli", "run", *folders, *map(str, paths)], env)


def median(values: list[float]) -> float:
    return statistics.median(values)


def _section(title: str) -> None:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n== {title}  (load average {load} on {os.cpu_count()} cores)", flush=True)


def bench_stages(bench: Bench) -> None:
    from flows.config import Settings
    from flows.engine.convert import convert_document

    _section("stages: one document, warm, median ms per stage")
    folder = bench.root / "stages"
    folder.mkdir()
    docs = {"sample speech": folder / "sample.txt"}
    shutil.copy(SAMPLE_SPEECH, docs["sample speech"])
    for size in REPORT_SIZES:
        docs[f"report {size // 1000}k"] = folder / f"report{size}.txt"
        docs[f"report {size // 1000}k"].write_text(long_report(size), encoding="utf-8")
    settings = Settings(inputs=folder, outputs=folder / "out")
    convert_document(docs["sample speech"], settings, "warm-up")
    per_char: dict[str, float] = {}
    for label, path in docs.items():
        results = [convert_document(path, settings, f"{path.stem}-{i}") for i in range(bench.runs)]
        stages = {stage: median([r.timings_ms[stage] for r in results]) for stage in results[0].timings_ms}
        chars = len(path.read_text(encoding="utf-8"))
        laps = ", ".join(f"{stage} {ms:.0f}" for stage, ms in stages.items())
        print(f"  {label} ({chars} characters, {results[0].pages} pages): {laps}")
        total = median([r.seconds for r in results])
        per_char[label] = total / chars * 1000
        target = {"sample speech": "< 0.5", "report 100k": "< 5"}.get(label, "")
        bench.add(f"{label}: all stages, warm", total, "s", target)
    sizes = [label for label in per_char if label.startswith("report")]
    growth = per_char[sizes[-1]] / per_char[sizes[0]]
    bench.add(f"time per character, {sizes[-1]} / {sizes[0]}", growth, "ratio", "< 1.25", "1.0 = linear")
    sample = str(docs["sample speech"])
    firsts = [bench.child("first", sample, str(folder / f"first{i}")) for i in range(bench.runs)]
    imports = median([t["import"] for _, t in firsts])
    convert = median([t["convert"] for _, t in firsts])
    note = f"imports {imports:.2f} s, convert {convert:.2f} s"
    bench.add(
        "sample speech, first document of a new process", median([m.wall for m, _ in firsts]), "s", note=note
    )


def _stage_seconds(outputs: Path) -> float:
    """Sum over the batch's documents of the time spent in our stages (report.json)."""
    reports = outputs.glob("*/report.json")
    return sum(json.loads(p.read_text(encoding="utf-8"))["timings_ms"]["total"] for p in reports) / 1000


def bench_batch(bench: Bench) -> None:
    size = bench.batch_size
    _section(f"batch: {size} documents, cold processes, {WORKERS} workers")
    inbox = bench.root / "batch-in"
    write_batch(inbox, size)
    bench.child("flow")  # Prefect's database exists before the first measured run, as after a user's first
    measured: dict[str, list[proctree.Measured]] = {"gongwen": [], "pool": [], "loop": []}
    stage_seconds = []
    for i in range(bench.batch_runs):  # interleaved, so that a burst of load hits all three alike
        outputs = bench.root / f"batch-gongwen-{i}"
        measured["gongwen"].append(bench.gongwen(inbox, outputs))
        done = len(list(outputs.glob("*/report.json")))
        if done != size:
            raise RuntimeError(f"gongwen run converted {done} of {size} documents")
        stage_seconds.append(_stage_seconds(outputs))
        for kind in ("pool", "loop"):
            measured[kind].append(bench.child(kind, str(inbox), str(bench.root / f"batch-{kind}-{i}"))[0])
    wall = {kind: median([m.wall for m in runs]) for kind, runs in measured.items()}
    for kind, label in _BATCH_KINDS.items():
        target = f"< {60 * size / 200:g}" if kind == "gongwen" else ""
        cores = median([m.cpu / m.wall for m in measured[kind]])
        note = f"{size / wall[kind]:.2f} documents/s, {cores:.2f} cores busy"
        bench.add(f"batch, {label}: wall time", wall[kind], "s", target, note)
    shares = [1 - p.wall / g.wall for g, p in zip(measured["gongwen"], measured["pool"], strict=True)]
    bench.add("batch: Prefect's share of the wall time, 1 - pool/gongwen", 100 * median(shares), "%", "< 20")
    busy = [s / (WORKERS * g.wall) for s, g in zip(stage_seconds, measured["gongwen"], strict=True)]
    bench.add("batch: share of gongwen's worker time in our stages", 100 * median(busy), "%")
    speed_up = wall["loop"] / wall["gongwen"]
    bench.add("batch: gongwen run's speed-up over the plain loop", speed_up, "x", note=f"{WORKERS} workers")
    for kind in ("gongwen", "pool"):
        peak = median([m.peak_mb for m in measured[kind]])
        target = "< 500" if kind == "gongwen" else ""
        rss = median([m.peak_rss_mb for m in measured[kind]])
        note = f"{max(m.peak_processes for m in measured[kind])} processes; RSS {rss:.0f} MB"
        bench.add(f"batch, {_BATCH_KINDS[kind]}: peak memory (PSS), process tree", peak, "MB", target, note)
    _batch_beside_a_server(bench, inbox)


def _batch_beside_a_server(bench: Bench, inbox: Path) -> None:
    """Once: the batch as a service runs it, PREFECT_API_URL naming a running server (not in the tree)."""
    from flows.orchestration.prefect_server import free_port
    from flows.orchestration.serve import local_server

    with local_server(free_port(), bench.root / "server.log", bench.env) as api_url:
        env = {**bench.env, "PREFECT_API_URL": api_url}
        measured = bench.gongwen(inbox, bench.root / "batch-gongwen-served", env=env)
    note = f"{measured.peak_processes} processes; wall {measured.wall:.1f} s, one run"
    label = "batch, gongwen run with a running Prefect server: peak memory"
    bench.add(label, measured.peak_mb, "MB", note=note)


def bench_cold(bench: Bench) -> None:
    _section("cold: one small file through `gongwen run` in a new process")
    inbox = bench.root / "cold-in"
    inbox.mkdir()
    sample = inbox / SAMPLE_SPEECH.name
    shutil.copy(SAMPLE_SPEECH, sample)
    new_db = []
    for i in range(bench.runs):
        env = {**bench.env, "PREFECT_HOME": str(bench.root / f"prefect-new-{i}")}
        new_db.append(bench.gongwen(inbox, bench.root / f"cold-new-{i}", sample, env=env).wall)
    bench.gongwen(inbox, bench.root / "cold-warm-up", sample)  # the shared Prefect database exists now
    ours, floor = [], []
    for i in range(bench.runs):
        ours.append(bench.gongwen(inbox, bench.root / f"cold-{i}", sample).wall)
        floor.append(bench.child("flow")[0].wall)
    bench.add("gongwen run, one file, new process", median(ours), "s")
    bench.add("trivial Prefect flow, new process (Prefect's floor)", median(floor), "s")
    bench.add("gongwen run above Prefect's floor", median(ours) - median(floor), "s", "< 1")
    bench.add("gongwen run, one file, first run (new Prefect database)", median(new_db), "s")


def bench_pdf(bench: Bench) -> None:
    from flows.config import Settings
    from flows.engine.convert import convert_document
    from flows.engine.read import read_document
    from tasks.writing.fonts import resolve_fonts
    from tasks.writing.layout import get_profile
    from tasks.writing.render_pdf import render_pdf

    _section("pdf: the sample's PDF, LibreOffice from our DOCX beside our writer")
    soffice = shutil.which("soffice")
    folder = bench.root / "pdf"
    converted = convert_document(SAMPLE_SPEECH, Settings(outputs=folder), "sample")
    docx = Path(converted.output_dir) / "sample.docx"
    document = read_document(SAMPLE_SPEECH).document
    profile, fonts = get_profile("gbt9704"), resolve_fonts()

    def ours_warm(i: int) -> float:
        start = time.perf_counter()
        render_pdf(document, profile, fonts, folder / f"warm{i}.pdf")
        return time.perf_counter() - start

    lo_profile = f"-env:UserInstallation=file://{folder / 'lo-profile'}"

    def libreoffice(i: int) -> float:
        out = str(folder / f"lo{i}")
        command = [soffice, lo_profile, "--headless", "--norestore", "--convert-to", "pdf", "--outdir", out]
        return bench.run([*command, str(docx)]).wall

    if soffice is None:
        print("  LibreOffice (soffice) is not installed: scripts/setup.sh installs it")
        return
    libreoffice(-1)  # creates LibreOffice's profile: once per user, not per conversion
    lo, cold, warm = [], [], []
    for i in range(bench.runs):
        lo.append(libreoffice(i))
        cold.append(bench.child("pdf", str(SAMPLE_SPEECH), str(folder / f"cold{i}"))[0].wall)
        warm.append(ours_warm(i))
    bench.add("LibreOffice: DOCX -> PDF, soffice --convert-to pdf", median(lo), "s")
    bench.add("ours: text -> PDF, new process", median(cold), "s")
    bench.add("ours: Document -> PDF, warm (as in a batch)", median(warm), "s")
    bench.add("LibreOffice / ours, new process each", median(lo) / median(cold), "x")
    bench.add("LibreOffice / ours warm", median(lo) / median(warm), "x", "> 10")


def bench_fonts(bench: Bench) -> None:
    _section("fonts: resolve and parse every font in a new process")
    cached = [bench.child("fonts")[1] for _ in range(bench.runs)]
    note = f"parse {median([t['parse'] for t in cached]):.2f} s"
    bench.add(
        "fonts, converted-font cache present: resolve", median([t["resolve"] for t in cached]), "s", note=note
    )
    empty = []
    for i in range(min(bench.runs, 3)):  # each run converts the CFF fonts again
        env = {**bench.env, "XDG_CACHE_HOME": str(bench.root / f"empty-cache-{i}")}
        empty.append(bench.child("fonts", env=env)[0].wall)
    bench.add("fonts, empty cache (CFF conversion): whole process", median(empty), "s")


_BENCHES: dict[str, Callable[[Bench], None]] = {
    "stages": bench_stages,
    "batch": bench_batch,
    "cold": bench_cold,
    "pdf": bench_pdf,
    "fonts": bench_fonts,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, help="runs per figure (default 5, 3 for the batch)")
    parser.add_argument("--quick", action="store_true", help="one run each and a 40-document batch")
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"sections, of {','.join(SECTIONS)}")
    parser.add_argument("--batch-size", type=int, help="documents in the batch (default 200)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(only) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections {', '.join(sorted(unknown))}")
    runs = args.runs or (1 if args.quick else 5)
    batch_runs = args.runs or (1 if args.quick else 3)
    root = Path(tempfile.mkdtemp(prefix="gongwen-bench-"))
    bench = Bench(root, runs, batch_runs, args.batch_size or (40 if args.quick else 200))
    try:
        for name in only:
            _BENCHES[name](bench)
    finally:
        if args.keep:
            print(f"\nkept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps([asdict(f) for f in bench.figures], ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
