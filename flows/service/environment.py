"""What a command needs from its environment, checked before it starts converting anything.

A mistyped inputs folder is a usage error (a ValueError: exit 2). An outputs folder that is a file,
read-only or full, and a Prefect server that does not answer, are environment failures (exit 3):
nothing a document did, nothing a retry in 30 s mends. Either way the command says in one line which
folder or server and what is wrong, and stops; `gongwen -v` adds the traceback where there is one.
"""

from __future__ import annotations

import errno
import ipaddress
import os
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Sequence

from flows.config import Settings

EXIT_USAGE = 2
EXIT_ENVIRONMENT = 3
# Written and synced once at start (one page): a folder that cannot take it is full.
PROBE_BYTES = 4096

_PLAIN_WORDS = {
    errno.ENOSPC: "full (no space left on the device)",
    errno.EDQUOT: "full (disk quota exceeded)",
    errno.EROFS: "read-only (a read-only file system)",
    errno.EACCES: "not writable (permission denied)",
    errno.EPERM: "not writable (operation not permitted)",
    errno.ENOTDIR: "not a folder (a file is in its path)",
}


class EnvironmentFailure(Exception):
    """Something outside the documents stops the command; the message is the one line that says what."""


def os_problem(error: OSError) -> str:
    """An OSError met mid-run, in one line: the file, and what is wrong."""
    what = error.strerror or str(error)
    return f"{error.filename}: {what}" if error.filename else what


def lost_server(error: BaseException) -> str | None:
    """The one line for an error that comes from a Prefect server that stopped answering mid-command
    (an httpx transport error somewhere in its chain of causes); None for any other error."""
    httpx = sys.modules.get("httpx")  # imported by Prefect: if it is not loaded, no request was made
    link: BaseException | None = error
    seen: set[int] = set()
    while link is not None and httpx is not None and id(link) not in seen:
        seen.add(id(link))
        if isinstance(link, httpx.TransportError):
            try:
                url = link.request.url
                server = f" {url.scheme}://{url.netloc.decode()}"
            except RuntimeError:  # an error raised before its request was made
                server = ""
            return f"Prefect server{server} stopped answering: {link}"
        link = link.__cause__ or link.__context__
    return None


def require_inputs(settings: Settings) -> None:
    """The inbox must exist: a mistyped folder is never created and watched in silence."""
    inputs = settings.inputs
    if not inputs.is_dir():
        what = "is not a folder" if inputs.exists() else "does not exist"
        raise ValueError(
            f"inputs folder {inputs} {what} (set by {settings.source_of('inputs')}); "
            "create it, or give another with --inputs"
        )


def require_outputs(settings: Settings) -> None:
    """The outputs folder is a folder (made if missing) that takes a file: not read-only, not full."""
    outputs = settings.outputs
    if outputs.exists() and not outputs.is_dir():
        raise EnvironmentFailure(f"outputs folder {outputs} is a file, not a folder")
    try:
        settings.state_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=settings.state_dir) as probe:
            probe.write(bytes(PROBE_BYTES))
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as error:
        what = _PLAIN_WORDS.get(error.errno or 0) or error.strerror or str(error)
        raise EnvironmentFailure(f"outputs folder {outputs}: {what}") from None


def require_existing_outputs(settings: Settings) -> None:
    """For commands that read outputs/ (collect): it must be there already, not made empty."""
    if not settings.outputs.is_dir():
        what = "is not a folder" if settings.outputs.exists() else "does not exist"
        raise ValueError(f"outputs folder {settings.outputs} {what} (set by {settings.source_of('outputs')})")


def health_problem(api_url: str, seconds: float = 2) -> str | None:
    """Why the Prefect API at `api_url` does not answer as healthy; None when it does."""
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=seconds) as response:
            return None if response.status == 200 else f"answers {response.status} to /health"
    except urllib.error.HTTPError as error:
        return f"answers {error.code} to /health: not a Prefect API URL (it ends in /api)"
    except urllib.error.URLError as error:
        reason = error.reason
        return getattr(reason, "strerror", None) or str(reason)
    except TimeoutError:
        return f"no answer in {seconds:g} s"
    except (OSError, ValueError) as error:  # ValueError: not a URL at all
        return getattr(error, "strerror", None) or str(error)


def require_server(api_url: str) -> None:
    """The configured Prefect server answers, or the command stops here with one line."""
    problem = health_problem(api_url, seconds=5)
    if problem:
        raise EnvironmentFailure(
            f"Prefect server {api_url} (PREFECT_API_URL) does not answer: {problem}; "
            "start it, or unset PREFECT_API_URL to use a temporary one"
        )


def require_service(settings: Settings, paths: Sequence[str] = ()) -> None:
    """Before a run, watch or serve starts anything: what it converts (the files and folders given, or
    the inbox), the outputs folder, and a Prefect server named in the environment (one named only in a
    Prefect profile is checked once Prefect has read it)."""
    missing = [path for path in paths if not os.path.lexists(path)]
    if missing:
        raise ValueError(f"no such file or folder: {', '.join(missing)}")
    if not paths:
        require_inputs(settings)
    require_outputs(settings)
    if os.environ.get("PREFECT_API_URL"):
        require_server(os.environ["PREFECT_API_URL"])


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 (bracketed or not) or localhost: reachable from this machine only. A host name
    may resolve to any address, so it is not."""
    host = host.strip("[]")
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
