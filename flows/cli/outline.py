"""`gongwen outline FILE`: print the outline of one text (Markdown, or JSON with --json).

No Prefect here: the command should answer in well under a second.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from flows.engine.read import read_document
from flows.service.terminal import err, printable_json, printable_to
from tasks.analysis.outline import outline_entries, outline_markdown
from tasks.reading.ingest import IngestError


def handler(args: argparse.Namespace) -> int:
    try:
        doc = read_document(Path(args.file)).document
    except (IngestError, ValueError, OSError) as error:
        err(f"gongwen outline: {error}")
        return 2
    if args.json:
        print(printable_json(json.dumps(outline_entries(doc), ensure_ascii=False, indent=1)))
    else:
        print(printable_to(sys.stdout, outline_markdown(doc)), end="")
    for warning in doc.warnings:
        err(f"warning: line {warning.line}: {warning.message}")
    for piece in doc.dropped:  # a piece spread over lines is shown on one, its line breaks as " / "
        err(f"dropped: line {piece.line} ({piece.reason}): {' / '.join(piece.text.split())}")
    return 0


def register(subparsers: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "outline", parents=parents, help="print the outline (headings) of a .txt or .docx file"
    )
    parser.add_argument("file", help="input .txt or .docx")
    parser.add_argument("--json", action="store_true", help="print outline.json instead of Markdown")
    parser.set_defaults(func=handler)
