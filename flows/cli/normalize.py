"""`gongwen normalize [FILE|-]` and `gongwen check FILE...`: the normalizer and the proofreader on
the command line.

No Prefect here: both commands must answer at once (editors and scripts call them on every save).
normalize prints the text to stdout, one output line per input line, and what it did to stderr;
check only reports, with line and column: the normalizer's changes and warnings and the proofreader's
doubts, and exits 1 when it finds something to fix or review.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from flows.service.terminal import err, printable, printable_to
from tasks.analysis.proofread import Finding, proofread
from tasks.model import NormalizedText
from tasks.reading.ingest import IngestError, decode_text, read_source
from tasks.reading.normalize import normalize
from tasks.reading.structure import build_document

EXIT_CLEAN, EXIT_FOUND, EXIT_ERROR = 0, 1, 2


def _read(name: str) -> str:
    if name != "-":
        return read_source(Path(name)).text
    data = sys.stdin.buffer.read()
    if not data.strip():
        return data.decode("utf-8", errors="replace")
    text = decode_text(Path("<stdin>"), data)[0]
    return text.replace("\r\n", "\n").replace("\r", "\n")


def report_lines(result: NormalizedText, prefix: str = "", findings: tuple[Finding, ...] = ()) -> list[str]:
    """One line per change, warning and proofreading doubt, in text order: "PREFIXLINE:COL: RULE ..."."""
    rows = [
        (c.line, c.column, f"{prefix}{c.line}:{c.column}: {c.rule} {c.before!r} -> {c.after!r}  {c.note}")
        for c in result.changes
    ]
    rows += [
        (w.line, w.column, f"{prefix}{w.line}:{w.column}: {w.rule} warning: {w.message}  [{w.excerpt}]")
        for w in result.warnings
    ]
    rows += [
        (d.line, d.column, f"{prefix}{d.line}:{d.column}: {d.rule} doubt: {d.message}  [{d.excerpt}]")
        for d in (f.diagnostic() for f in findings)
    ]
    return [text.rstrip() for _, _, text in sorted(rows, key=lambda r: r[:2])]


Checked = tuple[NormalizedText, tuple[Finding, ...]]


def report_json(results: dict[str, Checked]) -> str:
    return json.dumps(
        {
            name: {
                "changes": [asdict(c) for c in result.changes],
                "warnings": [asdict(w) for w in result.warnings],
                "proofreading": [asdict(f) for f in findings],
            }
            for name, (result, findings) in results.items()
        },
        ensure_ascii=False,
        indent=1,
    )


def _write_report(path: str | None, results: dict[str, Checked]) -> None:
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
    _write_report(args.report, {args.file: (result, ())})
    return EXIT_CLEAN


def cmd_check(args: argparse.Namespace) -> int:
    results: dict[str, Checked] = {}
    status = EXIT_CLEAN
    for name in args.files:
        try:
            result = normalize(_read(name))
        except (IngestError, OSError) as error:
            err(f"gongwen check: {error}")
            status = EXIT_ERROR
            continue
        # The proofreader reads the normalized text (lines are the input's) and its numbered series.
        findings = proofread(result.text, build_document(result.text, Path(name).name))
        results[name] = (result, findings)
        for line in report_lines(result, prefix=f"{name}:", findings=findings):
            print(printable(line))
        if (result.changes or result.warnings or findings) and status == EXIT_CLEAN:
            status = EXIT_FOUND
    _write_report(args.report, results)
    return status


def register(subparsers: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "normalize",
        parents=parents,
        help="fix punctuation, numbering, spaces and dates; text to stdout, changes to stderr",
    )
    parser.add_argument("file", nargs="?", default="-", help="input .txt or .docx, or - for stdin (default)")
    parser.add_argument("--report", metavar="FILE", help="also write the changes and warnings as JSON")
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing to stderr")
    parser.set_defaults(func=cmd_normalize)

    parser = subparsers.add_parser(
        "check",
        parents=parents,
        help="report what normalize would change or flag and what the proofreader doubts; "
        "exit 1 if anything, 2 on a read error",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="input .txt or .docx files")
    parser.add_argument("--report", metavar="FILE", help="also write the findings as JSON")
    parser.set_defaults(func=cmd_check)
