"""What converting one document returns to the run, or raises: small, so that the run's process can
unpickle it from a worker without importing the pipeline (jieba, reportlab, python-docx), which it
never uses."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class DocumentResult:
    """What the run table and the ledger need to know about one converted file."""

    input: str
    name: str
    sha256: str
    output_dir: str
    title: str
    pages: int
    headings: int
    changes: int
    warnings: list[str]  # one line each: where and what
    gist: str
    seconds: float
    timings_ms: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class WorkerDied(Exception):
    """The worker running a job ended without answering (killed, or crashed in native code)."""


class JobTimedOut(Exception):
    """A job ran past its time limit (document_timeout); its worker was killed."""


class ConversionFailed(Exception):
    """Why a document was not converted, in one line, as the run learns it from a worker (the reason
    the worker knew, not how the worker ended), and whose failure it is: `temporary` when the
    environment failed and the next run should try again, else the input's bytes failed."""

    def __init__(self, reason: str, temporary: bool) -> None:
        super().__init__(reason)
        self.reason, self.temporary = reason, temporary

    def __reduce__(self) -> tuple[type[ConversionFailed], tuple[str, bool]]:
        return ConversionFailed, (self.reason, self.temporary)
