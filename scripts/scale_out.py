"""Scale-out demo: a local Prefect server, a process work pool, two workers, one batch across them.

    python3 scripts/scale_out.py [--documents 12] [--runs 4] [--api-url URL] [--keep]

1. starts a Prefect server on 127.0.0.1 on a free port, PREFECT_HOME in a temporary folder
   (or uses the server at --api-url);
2. creates the process work pool `gongwen` and deploys `inbox-on-demand` from prefect.yaml;
3. starts two workers as child processes, each with PREFECT_API_URL set;
4. copies the sample speech into a temporary inbox --documents times and submits the batch as
   --runs flow runs (each converts its share, `concurrency` documents at a time);
5. prints which worker ran which flow run, and stops everything it started.
Exit status 0 only when every run completed, every document has its PDF and both workers took part.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from flows.orchestration.prefect_server import free_port, stop_process_group
from flows.orchestration.serve import local_server

ROOT = Path(__file__).resolve().parents[1]
POOL = "gongwen"
DEPLOYMENT = "gongwen-inbox/inbox-on-demand"
WORKERS = ("gongwen-worker-1", "gongwen-worker-2")
RUN_TIMEOUT_SECONDS = 600


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


def start_worker(name: str, env: dict[str, str], log_file: Path) -> subprocess.Popen:
    # A child process of its own group, not `prefect worker start &`: a backgrounded shell job
    # ignores SIGINT, which the worker's graceful shutdown relies on.
    with log_file.open("ab") as output:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "prefect",
                "worker",
                "start",
                "--pool",
                POOL,
                "--name",
                name,
                "--limit",
                "1",
            ],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def run_batch(paths: list[Path], runs: int) -> list:
    """Submit the batch as `runs` flow runs and wait for all; returns the finished flow runs."""
    from prefect import get_client
    from prefect.deployments import run_deployment

    shares = [[str(p) for p in paths[n::runs]] for n in range(runs)]
    submitted = [run_deployment(DEPLOYMENT, parameters={"paths": share}, timeout=0) for share in shares]
    deadline = time.monotonic() + RUN_TIMEOUT_SECONDS
    with get_client(sync_client=True) as client:
        while True:
            finished = [client.read_flow_run(run.id) for run in submitted]
            if all(run.state and run.state.is_final() for run in finished) or time.monotonic() > deadline:
                return finished
            time.sleep(1)


def report(finished: list, outputs: Path, paths: list[Path]) -> bool:
    print(f"\n{'flow run':24} {'worker':18} {'state':10} {'seconds':>8}  documents")
    for run in finished:
        worker = run.labels.get("prefect.worker.name", "-")
        seconds = run.total_run_time.total_seconds()
        documents = len(run.parameters["paths"])
        print(f"{run.name:24} {worker:18} {run.state.name:10} {seconds:8.1f}  {documents}")
    workers = {run.labels.get("prefect.worker.name") for run in finished}
    pdfs = [outputs / p.stem / f"{p.stem}.pdf" for p in paths]
    completed = all(run.state.is_completed() for run in finished)
    converted = sum(pdf.is_file() for pdf in pdfs)
    print(f"\nworkers that took part: {', '.join(sorted(w for w in workers if w))}")
    print(f"documents with a PDF: {converted} of {len(paths)} in {outputs}")
    return completed and converted == len(paths) and set(WORKERS) <= workers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--documents", type=int, default=12, help="copies of the sample in the batch")
    parser.add_argument("--runs", type=int, default=4, help="flow runs the batch is split into")
    parser.add_argument("--api-url", help="use this Prefect server instead of starting one")
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary folder (inbox, outputs, logs)"
    )
    args = parser.parse_args(argv)

    started = time.monotonic()
    workspace = Path(tempfile.mkdtemp(prefix="gongwen-scale-out-"))
    paths = make_inbox(workspace, args.documents)
    outputs = workspace / "outputs"
    home = workspace / "prefect-home"
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_WORKER_QUERY_SECONDS": "1",  # 10 s by default: most of a short run's wait
        "GONGWEN_INPUTS": str(paths[0].parent),
        "GONGWEN_OUTPUTS": str(outputs),
    }
    with contextlib.ExitStack() as cleanup:
        if not args.keep:
            cleanup.callback(shutil.rmtree, workspace, ignore_errors=True)
        cleanup.callback(log, "workers and server stopped", started)
        api_url = args.api_url or cleanup.enter_context(
            local_server(free_port(), workspace / "server.log", env)
        )
        env["PREFECT_API_URL"] = os.environ["PREFECT_API_URL"] = api_url
        os.environ["PREFECT_HOME"] = str(home)
        log(f"Prefect server at {api_url}; workspace {workspace}", started)
        prefect_cli(["work-pool", "create", POOL, "--type", "process", "--overwrite"], env)
        prefect_cli(["--no-prompt", "deploy", "--name", "inbox-on-demand"], env)
        log(f"work pool {POOL!r} created, {DEPLOYMENT} deployed", started)
        for name in WORKERS:
            cleanup.callback(stop_process_group, start_worker(name, env, workspace / f"{name}.log"))
        log(f"{len(WORKERS)} workers started; submitting {len(paths)} documents as {args.runs} runs", started)
        finished = run_batch(paths, args.runs)
        log("all runs finished", started)
        ok = report(finished, outputs, paths)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
