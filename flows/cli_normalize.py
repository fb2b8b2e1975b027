"""`gongwen normalize [FILE|-]` and `gongwen check FILE...`: the normalizer on the command line.

No Prefect here: both commands must answer at once (editors and scripts call them on every save).
normalize prints the text to stdout, one output line per input line, and what it did to stderr;
check only reports and exits 1 when it finds something to fix or review.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from flows.terminal import err, printable, printable_to
from tasks.ingest import IngestError, decode_text, read_source
from tasks.model import NormalizedText
from tasks.normalize import normalize

EXIT_CLEAN, EXIT_FOUND, EXIT_ERROR = 0, 1, 2


def _read(name: str) -> str:
    if name != "-":
        return read_source(Path(name)).text
    data = sys.stdin.buffer.read()
    if not data.strip():
        return data.decode("utf-8", errors="replace")
    text = decode_text(Path("<stdin>"), data)[0]
    return text.replace("\r\n", "\n").replace("\r", "\n")


def report_lines(result: NormalizedText, prefix: str = "") -> list[str]:
    """One line per change and warning, in text order: "PREFIXLINE:COL: RULE ..."."""
    rows = [
        (c.line, c.column, f"{prefix}{c.line}:{c.column}: {c.rule} {c.before!r} -> {c.after!r}  {c.note}")
        for c in result.changes
    ]
    rows += [
        (w.line, w.column, f"{prefix}{w.line}:{w.column}: {w.rule} warning: {w.message}  [{w.excerpt}]")
        for w in result.warnings
    ]
    return [text.rstrip() for _, _, text in sorted(rows, key=lambda r: r[:2])]


def report_json(results: dict[str, NormalizedText]) -> str:
    return json.dumps(
        {
            name: {
                "changes": [asdict(c) for c in result.changes],
                "warnings": [asdict(w) for w in result.warnings],
            }
            for name, result in results.items()
        },
        ensure_ascii=False,
        indent=1,
    )


def _write_report(path: str | None, results: dict[str, NormalizedText]) -> None:
    if path:
        Path(path).write_text(report_json(results) + "\n", encoding="utf-8")


def cmd_normalize(args: argparse.Namespace) -> int:
    try:
        text = _read(args.file)
    except (IngestError, OSError) as error:
        err(f"gongwen normalize: {error}")
        return EXIT_ERROR
    result = normalize(text)
    sys.stdout.write(printable_to(sys.stdout, result.text))
    sys.stdout.flush()
    if not args.quiet:
        for line in report_lines(result):
            err(line)
    _write_report(args.report, {args.file: result})
    return EXIT_CLEAN


def cmd_check(args: argparse.Namespace) -> int:
    results: dict[str, NormalizedText] = {}
    status = EXIT_CLEAN
    for name in args.files:
        try:
            result = normalize(_read(name))
        except (IngestError, OSError) as error:
            err(f"gongwen check: {error}")
            status = EXIT_ERROR
            continue
        results[name] = result
        for line in report_lines(result, prefix=f"{name}:"):
            print(printable(line))
        if (result.changes or result.warnings) and status == EXIT_CLEAN:
            status = EXIT_FOUND
    _write_report(args.report, results)
    return status


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "normalize", help="fix punctuation, numbering, spaces and dates; text to stdout, changes to stderr"
    )
    parser.add_argument("file", nargs="?", default="-", help="input .txt or .docx, or - for stdin (default)")
    parser.add_argument("--report", metavar="FILE", help="also write the changes and warnings as JSON")
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing to stderr")
    parser.set_defaults(func=cmd_normalize)

    parser = subparsers.add_parser(
        "check", help="report what normalize would change or flag; exit 1 if anything, 2 on a read error"
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="input .txt or .docx files")
    parser.add_argument("--report", metavar="FILE", help="also write the findings as JSON")
    parser.set_defaults(func=cmd_check)
