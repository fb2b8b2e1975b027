"""A throw-away PostgreSQL cluster for a Prefect server: Debian's `postgresql` package, a temporary
folder, a free port on 127.0.0.1, removed when the block ends (also on Ctrl-C or an error).

PostgreSQL refuses to run as root: as root, `initdb` and `pg_ctl` run as the unprivileged user
`nobody` (runuser), in a folder only that user can enter; otherwise as the current user.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

UNPRIVILEGED_USER = "nobody"
DATABASE = "prefect"
START_SECONDS = 60


@dataclass(frozen=True)
class Cluster:
    url: str  # postgresql+asyncpg://…, for PREFECT_SERVER_DATABASE_CONNECTION_URL
    folder: Path  # data, socket and log
    bin_dir: Path

    @property
    def postmaster_pid(self) -> int:
        return int((self.folder / "data" / "postmaster.pid").read_text().split()[0])


def postgres_bin_dir() -> Path:
    """The newest installed server's programs (/usr/lib/postgresql/<version>/bin)."""
    found = [d / "bin" for d in Path("/usr/lib/postgresql").glob("*") if (d / "bin" / "initdb").is_file()]
    if not found:
        raise RuntimeError("PostgreSQL is not installed: run scripts/setup.sh (Debian package `postgresql`)")
    return max(found, key=lambda d: [int(part) for part in d.parent.name.split(".") if part.isdigit()])


def _as_owner(command: list[str]) -> list[str]:
    return ["runuser", "-u", UNPRIVILEGED_USER, "--", *command] if os.geteuid() == 0 else command


def _run(command: list[str], log: Path, **env: str) -> None:
    with log.open("ab") as output:
        done = subprocess.run(
            _as_owner(command), stdout=output, stderr=subprocess.STDOUT, env={**os.environ, **env}
        )
    if done.returncode != 0:
        raise RuntimeError(f"{Path(command[0]).name} failed ({done.returncode}); see {log}")


def _stop(pg_ctl: str, data: Path, log: Path) -> None:
    """Stop the cluster if it runs ("immediate": nothing in it is worth a checkpoint)."""
    if (data / "postmaster.pid").exists():
        _run([pg_ctl, "stop", "-D", str(data), "-m", "immediate"], log)


@contextmanager
def throwaway_cluster(port: int) -> Iterator[Cluster]:
    """A running cluster with a database for Prefect, password-protected on 127.0.0.1:`port`."""
    bin_dir = postgres_bin_dir()
    folder = Path(tempfile.mkdtemp(prefix="gongwen-pg-"))
    if os.geteuid() == 0:
        owner = pwd.getpwnam(UNPRIVILEGED_USER)
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    data, log = folder / "data", folder / "postgres.log"
    password = secrets.token_hex(16)
    password_file = folder / "password"
    password_file.write_text(password)
    with contextlib.ExitStack() as cleanup:
        cleanup.callback(shutil.rmtree, folder, ignore_errors=True)
        if os.geteuid() == 0:
            os.chown(password_file, owner.pw_uid, owner.pw_gid)
            log.touch()
            os.chown(log, owner.pw_uid, owner.pw_gid)
        # Sockets only in the cluster's own folder (trusted: only its owner can enter it); TCP with
        # the password. --no-sync: a throw-away cluster needs no durable start (the server does fsync).
        _run(
            [str(bin_dir / "initdb"), "-D", str(data), "-U", DATABASE, "-E", "UTF8", "--no-sync",
             "--auth-local=trust", "--auth-host=scram-sha-256", f"--pwfile={password_file}"],
            log,
        )  # fmt: skip
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1"
        pg_ctl = str(bin_dir / "pg_ctl")
        cleanup.callback(_stop, pg_ctl, data, log)
        start = [pg_ctl, "start", "-D", str(data), "-l", str(log), "-w", "-t", str(START_SECONDS)]
        _run([*start, "-o", options], log)
        _run([str(bin_dir / "createdb"), "-h", str(folder), "-p", str(port), "-U", DATABASE, DATABASE], log)
        url = f"postgresql+asyncpg://{DATABASE}:{password}@127.0.0.1:{port}/{DATABASE}"
        yield Cluster(url, folder, bin_dir)
