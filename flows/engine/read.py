"""Reading one file into a document: ingest, metadata, normalize, structure.

`read_document` is the reading half of every conversion: `convert_document`, `gongwen outline`,
the benchmarks and the tests all read a file through it, so they all see the same document.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flows.engine.stopwatch import Stopwatch
from tasks.model import Document, NormalizedText, SourceText
from tasks.reading.ingest import DEFAULT_MAX_BYTES, read_source
from tasks.reading.metadata import Metadata, load_metadata
from tasks.reading.normalize import normalize
from tasks.reading.structure import build_document


@dataclass(frozen=True)
class Reading:
    """One file read: its decoded text, its metadata, the normalized body and the document model."""

    source: SourceText
    metadata: Metadata
    normalized: NormalizedText
    document: Document


def read_document(path: Path, max_bytes: int = DEFAULT_MAX_BYTES, clock: Stopwatch | None = None) -> Reading:
    """Ingest (with the front matter and NAME.toml), normalize and structure one file.

    Raises IngestError (or OSError) when the file cannot be read. `clock`, if given, times the
    stages "ingest", "normalize" and "structure".
    """
    clock = clock or Stopwatch()
    with clock.stage("ingest"):
        source = read_source(Path(path), max_bytes)
        metadata, body = load_metadata(Path(path), source.text)
    with clock.stage("normalize"):
        normalized = normalize(body)
    with clock.stage("structure"):
        document = build_document(normalized.text, source.name, metadata)
    return Reading(source, metadata, normalized, document)
