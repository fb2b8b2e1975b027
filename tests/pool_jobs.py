"""Jobs for the process-pool tests, in a module that imports next to nothing: a new worker unpickles
them in milliseconds (a test module would make it import Prefect first)."""

from __future__ import annotations

import os
import signal
import time


def pid_after(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def killed() -> None:
    """A worker killed mid-job, as the out-of-memory killer does."""
    os.kill(os.getpid(), signal.SIGKILL)


def no_warm_up() -> None:
    """A worker's start with nothing to load."""


def fails(message: str) -> None:
    raise ValueError(message)
