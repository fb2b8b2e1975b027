"""Scale-out demo: a Prefect server, a process work pool, several workers, one batch across them.

    python3 scripts/scale_out.py [--database sqlite|postgresql] [--workers 2] [--documents 12]
                                 [--concurrency 1] [--api-url URL] [--keep]

1. with --database postgresql, starts a throw-away PostgreSQL cluster (scripts/throwaway_postgres.py);
2. starts a Prefect server on 127.0.0.1 on a free port, on that database or on SQLite in a temporary
   folder (or uses the server at --api-url);
3. creates the process work pool `gongwen` and deploys `inbox-on-demand` from prefect.yaml;
4. starts --workers workers as child processes, each as if on a host of its own: its own
   PREFECT_HOME and working folder, sharing only the inbox and the outputs folder;
5. copies the sample speech into the inbox --documents times and submits one flow run per worker,
   each over the whole batch: the runs convert it together, each document under its claim;
6. prints which worker ran which run and converted how many documents, what the server (and the
   database) spent, and stops and removes everything it started, also on an error or Ctrl-C.
Exit status 0 only when every run completed, every worker took part, every document was converted
exactly once, and the ledger and the outputs are complete.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from throwaway_postgres import throwaway_cluster

from flows.config import FAILED_DIR, STATE_DIR
from flows.orchestration.prefect_server import free_port, stop_process_group
from flows.orchestration.serve import local_server
from flows.service.ledger import Ledger

if TYPE_CHECKING:
    from prefect.client.orchestration import SyncPrefectClient

ROOT = Path(__file__).resolve().parents[1]
POOL = "gongwen"
DEPLOYMENT = "gongwen-inbox/inbox-on-demand"
RUN_TIMEOUT_SECONDS = 900
LOG_WAIT_SECONDS = 20
CONVERTED = re.compile(r"^(.+?): done, \d+ pages")  # the flow's log line for a converted document
ACCESS_LOG = re.compile(r'"(GET|POST|PATCH|PUT|DELETE) /api/\S* HTTP/[\d.]+" \d{3}')
TICKS = os.sysconf("SC_CLK_TCK")


def log(message: str, started: float) -> None:
    print(f"[{time.monotonic() - started:6.1f} s] {message}", flush=True)


def prefect_cli(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "prefect", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"prefect {' '.join(args)} failed:\n{done.stdout}{done.stderr}")


def make_inbox(workspace: Path, documents: int) -> list[Path]:
    inbox = workspace / "inputs"
    inbox.mkdir(parents=True)
    sample = next((ROOT / "inputs").glob("*.txt"))
    paths = [inbox / f"sample-{n:02d}.txt" for n in range(1, documents + 1)]
    for path in paths:
        shutil.copy(sample, path)
    return paths


def start_worker(name: str, env: dict[str, str], home: Path) -> subprocess.Popen:
    """A worker as if on a host of its own: its PREFECT_HOME and working folder under `home`."""
    (home / "prefect").mkdir(parents=True)
    # A child process of its own group, not `prefect worker start &`: a backgrounded shell job
    # ignores SIGINT, which the worker's graceful shutdown relies on.
    with (home / "worker.log").open("ab") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "prefect", "worker", "start", "--pool", POOL, "--name", name, "--limit=1"],
            cwd=home,
            env={**env, "PREFECT_HOME": str(home / "prefect")},
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def tree_cpu_seconds(pid: int) -> float:
    """CPU time of a process and its descendants, living and exited (/proc/PID/stat, Linux)."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            child = int(stat.parent.name)
            parents[child] = int(fields[1])
            # utime, stime of the process; cutime, cstime of its children it has reaped
            times[child] = sum(int(value) for value in fields[11:15]) / TICKS
    tree, frontier = {pid}, [pid]
    while frontier:
        parent = frontier.pop()
        children = [child for child, ppid in parents.items() if ppid == parent and child not in tree]
        tree.update(children)
        frontier.extend(children)
    return sum(times.get(member, 0.0) for member in tree)


def server_pid(port: int) -> int | None:
    """The `prefect server start` process listening on `port`."""
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        with contextlib.suppress(OSError):
            args = cmdline.read_bytes().split(b"\0")
            if b"server" in args and b"start" in args and str(port).encode() in args:
                return int(cmdline.parent.name)
    return None


@dataclass
class Meter:
    """CPU seconds of the workers (their flow runs' processes included), the Prefect server and
    PostgreSQL, and the server's API calls."""

    workers: list[int]
    server: int | None
    postgres: int | None
    server_log: Path

    def read(self) -> dict[str, float]:
        exists = self.server_log.exists()
        text = self.server_log.read_text(encoding="utf-8", errors="replace") if exists else ""
        return {
            "worker_cpu": sum(tree_cpu_seconds(pid) for pid in self.workers),
            "server_cpu": tree_cpu_seconds(self.server) if self.server else float("nan"),
            "postgres_cpu": tree_cpu_seconds(self.postgres) if self.postgres else float("nan"),
            "api_calls": float(len(ACCESS_LOG.findall(text))),
        }


def wait_for_workers(names: list[str]) -> None:
    """Until every worker has polled the pool: a run submitted sooner would go to the first ones."""
    from prefect import get_client

    deadline = time.monotonic() + RUN_TIMEOUT_SECONDS
    with get_client(sync_client=True) as client:
        while {worker.name for worker in client.read_workers_for_work_pool(POOL)} < set(names):
            if time.monotonic() > deadline:
                raise RuntimeError("the workers did not come up")
            time.sleep(0.5)


def run_batch(paths: list[Path], runs: int) -> list:
    """Submit `runs` flow runs, each over the whole batch, and wait for all; the finished flow runs."""
    from prefect import get_client
    from prefect.deployments import run_deployment

    batch = [str(p) for p in paths]
    submitted = [run_deployment(DEPLOYMENT, parameters={"paths": batch}, timeout=0) for _ in range(runs)]
    deadline = time.monotonic() + RUN_TIMEOUT_SECONDS
    with get_client(sync_client=True) as client:
        while True:
            finished = [client.read_flow_run(run.id) for run in submitted]
            if all(run.state and run.state.is_final() for run in finished) or time.monotonic() > deadline:
                return finished
            time.sleep(1)


def converted_by_run(finished: list, documents: int) -> tuple[dict[str, list[str]], int]:
    """Each run's converted documents, from its log; and the task runs of all runs. A run's last
    logs reach the server shortly after its end: read until all documents are there or nothing
    more comes."""
    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    ids = [run.id for run in finished]
    with get_client(sync_client=True) as client:
        converted, deadline = _converted_in_logs(client, ids), time.monotonic() + LOG_WAIT_SECONDS
        while sum(map(len, converted.values())) < documents and time.monotonic() < deadline:
            time.sleep(1)
            converted = _converted_in_logs(client, ids)
        task_runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=ids)))
    return converted, len(task_runs)


def _converted_in_logs(client: SyncPrefectClient, ids: list) -> dict[str, list[str]]:
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId

    converted: dict[str, list[str]] = {str(run_id): [] for run_id in ids}
    of_runs, offset = LogFilter(flow_run_id=LogFilterFlowRunId(any_=ids)), 0
    while page := client.read_logs(of_runs, limit=200, offset=offset):
        for line in page:
            match = CONVERTED.match(line.message)
            if match and line.flow_run_id is not None:
                converted[str(line.flow_run_id)].append(match.group(1))
        offset += len(page)
    return converted


def check_outputs(outputs: Path, paths: list[Path]) -> list[str]:
    """What is missing or left over in the shared outputs folder; nothing when it is complete."""
    problems = []
    entries = Ledger(outputs / STATE_DIR).entries
    for path in paths:
        entry = entries.get(os.path.realpath(path))
        if entry is None or entry.status != "done":
            problems.append(f"{path.name}: ledger entry {entry}")
        elif not (outputs / entry.output / f"{entry.output}.pdf").read_bytes().rstrip().endswith(b"%%EOF"):
            problems.append(f"{path.name}: no complete PDF in {entry.output}/")
    folders = [p.name for p in outputs.iterdir() if not p.name.startswith((".", "_", "index"))]
    if len(folders) != len(paths):
        problems.append(f"{len(folders)} document folders for {len(paths)} inputs")
    leftovers = [*outputs.rglob(".tmp-*"), *(outputs / STATE_DIR / "staging").glob("*")]
    problems.extend(f"left over: {p}" for p in leftovers)
    problems.extend(f"failed: {p.name}" for p in (outputs / FAILED_DIR).glob("*"))
    return problems


def report(finished: list, converted: dict[str, list[str]], paths: list[Path], workers: list[str]) -> bool:
    print(f"\n{'flow run':26} {'worker':20} {'state':10} {'seconds':>8} {'converted':>10}")
    for run in finished:
        worker = run.labels.get("prefect.worker.name", "-")
        seconds = run.total_run_time.total_seconds()
        documents = len(converted[str(run.id)])
        print(f"{run.name:26} {worker:20} {run.state.name:10} {seconds:8.1f} {documents:10}")
    took_part = {run.labels.get("prefect.worker.name") for run in finished}
    names = sorted(name for names in converted.values() for name in names)
    twice = sorted({name for name in names if names.count(name) > 1})
    print(f"\nworkers that took part: {len(took_part & set(workers))} of {len(workers)}")
    print(f"documents converted: {len(names)} for {len(paths)} inputs; converted twice: {twice or 'none'}")
    completed = all(run.state.is_completed() for run in finished)
    return completed and set(workers) <= took_part and names == sorted(p.name for p in paths)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--workers", type=int, default=2, help="workers, each as if on a host of its own")
    parser.add_argument("--documents", type=int, default=12, help="copies of the sample in the batch")
    parser.add_argument("--concurrency", type=int, default=1, help="documents at once in each worker's run")
    parser.add_argument("--api-url", help="use this Prefect server instead of starting one")
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary folder (inbox, outputs, logs)"
    )
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # clean up as on Ctrl-C

    started = time.monotonic()
    workspace = Path(tempfile.mkdtemp(prefix="gongwen-scale-out-"))
    paths = make_inbox(workspace, args.documents)
    outputs = workspace / "outputs"
    env = {
        **os.environ,
        "PREFECT_HOME": str(workspace / "prefect-home"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_WORKER_QUERY_SECONDS": "1",  # 10 s by default: most of a short run's wait
        "GONGWEN_INPUTS": str(paths[0].parent),
        "GONGWEN_OUTPUTS": str(outputs),
        "GONGWEN_CONCURRENCY": str(args.concurrency),
    }
    workers = [f"gongwen-worker-{n}" for n in range(1, args.workers + 1)]
    with contextlib.ExitStack() as cleanup:
        if not args.keep:
            cleanup.callback(shutil.rmtree, workspace, ignore_errors=True)
        cleanup.callback(log, "workers, server and database stopped", started)
        server_env = {**env, "PREFECT_SERVER_LOGGING_LEVEL": "INFO"}  # its access log counts API calls
        postgres = None
        if args.database == "postgresql" and not args.api_url:
            postgres = cleanup.enter_context(throwaway_cluster(free_port()))
            server_env["PREFECT_SERVER_DATABASE_CONNECTION_URL"] = postgres.url
            log(f"PostgreSQL ({postgres.bin_dir.parent.name}) in {postgres.folder}", started)
        port = free_port()
        server_log = workspace / "server.log"
        api_url = args.api_url or cleanup.enter_context(local_server(port, server_log, server_env))
        env["PREFECT_API_URL"] = os.environ["PREFECT_API_URL"] = api_url
        os.environ["PREFECT_HOME"] = env["PREFECT_HOME"]
        log(f"Prefect server at {api_url} on {args.database}; workspace {workspace}", started)
        prefect_cli(["work-pool", "create", POOL, "--type", "process", "--overwrite"], env)
        prefect_cli(["--no-prompt", "deploy", "--name", "inbox-on-demand"], env)
        log(f"work pool {POOL!r} created, {DEPLOYMENT} deployed", started)
        worker_pids = []
        for name in workers:
            worker = start_worker(name, env, workspace / name)
            cleanup.callback(stop_process_group, worker)
            worker_pids.append(worker.pid)
        wait_for_workers(workers)
        postmaster = postgres.postmaster_pid if postgres else None
        meter = Meter(worker_pids, None if args.api_url else server_pid(port), postmaster, server_log)
        before, batch_started = meter.read(), time.monotonic()
        log(f"{len(workers)} workers polling; {len(workers)} runs over {len(paths)} documents", started)
        finished = run_batch(paths, len(workers))
        seconds = time.monotonic() - batch_started
        after = meter.read()
        log("all runs finished", started)
        converted, task_runs = converted_by_run(finished, len(paths))
        ok = report(finished, converted, paths, workers)
        problems = check_outputs(outputs, paths)
        print(f"ledger and outputs: {'complete' if not problems else '; '.join(problems[:10])}")
        spent = {key: after[key] - before[key] for key in after}
        documents = len(paths)
        print(
            f"\nbatch: {seconds:.1f} s from submission to the last run's end, "
            f"{documents / seconds * 60:.1f} documents a minute with {len(workers)} workers\n"
            f"workers: {spent['worker_cpu']:.1f} CPU s ({spent['worker_cpu'] / documents:.3f} a document, "
            f"their flow runs' processes included)\n"
            f"server: {spent['server_cpu']:.1f} CPU s ({spent['server_cpu'] / documents:.3f} a document, "
            f"{spent['server_cpu'] / max(task_runs, 1):.3f} a task run; {task_runs} task runs), "
            f"{spent['api_calls']:.0f} API calls ({spent['api_calls'] / documents:.1f} a document)\n"
            f"PostgreSQL: {spent['postgres_cpu']:.1f} CPU s "
            f"({spent['postgres_cpu'] / documents:.3f} a document)"
        )
    return 0 if ok and not problems else 1


if __name__ == "__main__":
    sys.exit(main())
