"""The ``parlib`` command: clean, demo-data, reports, cite.

Exit codes: 0 when outputs were written, 1 when parlib refused bad input
(the message says what to fix), 2 for a wrong command line, 3 when
``parlib clean --strict`` wrote its outputs but found warnings or quarantined rows.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .errors import ParlibError

__all__ = ["main", "run"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``parlib`` command line and return its exit code."""
    return _dispatch(argv)[0]


def run() -> None:
    """The ``parlib`` program: run :func:`main` on ``sys.argv`` and end the process.

    A command whose outputs are all written and flushed to disk (``parlib clean``)
    ends the process at once. Tearing the interpreter down would free its tables
    object by object: about 0.1 s after cleaning a million rows, freed by the
    system in an instant.
    """
    code, args = _dispatch(None)
    if getattr(args, "quick_exit", False):
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing to keep
                stream.flush()
        os._exit(code)
    sys.exit(code)


def _dispatch(argv: Sequence[str] | None) -> tuple[int, argparse.Namespace | None]:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return 2, None
    try:
        return int(args.run(args) or 0), args
    except ParlibError as exc:
        print(f"parlib {args.command}: {exc}", file=sys.stderr)
        return 1, args
    except KeyboardInterrupt:
        print(f"parlib {args.command}: interrupted; previous outputs are unchanged.",
              file=sys.stderr)
        return 130, args


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="parlib", description="Clean, validate and report Vietnam's public-administration "
                                   "indices (PAR Index, SIPAS, PAPI).")
    parser.add_argument("--version", action="version", version=f"parlib {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    clean = sub.add_parser("clean", help="clean every dataset in data/raw into data/clean")
    clean.add_argument("--raw", default="data/raw", help="raw datasets folder (data/raw)")
    clean.add_argument("--out", default="data/clean", help="output folder (data/clean)")
    clean.add_argument("--dataset", action="append", metavar="NAME",
                       help="clean only this dataset (repeatable)")
    clean.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    clean.add_argument("--strict", action="store_true",
                       help="exit with code 3 when a dataset has warnings or quarantined rows")
    clean.set_defaults(run=_run_clean, quick_exit=True)

    demo = sub.add_parser("demo-data", help="write the synthetic demo dataset")
    demo.add_argument("--out", default="data/raw/demo-synthetic", help="folder to write")
    demo.add_argument("--seed", type=int, default=None, help="random seed (default fixed)")
    demo.set_defaults(run=_run_demo)

    try:
        from .reports import cli as reports_cli
    except ImportError:  # pragma: no cover - reports not installed
        reports_cli = None
    if reports_cli is not None:
        reports_cli.add_parser(sub)

    cite = sub.add_parser("cite", help="print the citation of a report figure")
    cite.add_argument("figure", help="a figure file (PNG, SVG, PDF) or its sidecar JSON")
    cite.add_argument("--format", choices=["text", "bibtex", "ris", "csl-json"], default="text",
                      help="text (default), bibtex, ris, or csl-json (imports into Zotero)")
    cite.set_defaults(run=_run_cite)
    return parser


def _run_clean(args: argparse.Namespace) -> int:
    _tune_process()  # before numpy and pyarrow load
    from .pipeline import clean_all

    results = clean_all(args.raw, args.out, datasets=args.dataset,
                        progress=not args.no_progress)
    flagged = []
    for result in results:
        report = result.report(frame=True)
        totals = report["totals"]
        line = (f"{result.config.name}: {_count(totals['rows_read'], 'row')} read from "
                f"{_count(totals['files'], 'file')}, {_count(totals['figures'], 'figure')} "
                f"clean, {_count(totals['rows_quarantined'], 'row')} quarantined")
        if report["contradictions"]:
            line += (f", {_count(report['contradictions'], 'published figure')} "
                     "contradicting others")
        if totals["warnings"]:
            line += f", {_count(totals['warnings'], 'warning')}"
        print(line + f" -> {args.out}/{result.config.name}/")
        if totals["rows_quarantined"]:
            rules = ", ".join(f"{k} {v}" for k, v in report["quarantine_by_rule"].items())
            print(f"  warning: quarantined rows by rule: {rules}; see "
                  f"{args.out}/{result.config.name}/quarantine.csv", file=sys.stderr)
        for fix in report.get("corrections", []):
            print(f"  correction: {fix['raw_file']} row {fix['raw_row']}, {fix['column']}: "
                  f"{fix['published'] or '(empty)'} -> {fix['corrected']} "
                  f"(evidence: {fix['source_id']})", file=sys.stderr)
        if report.get("disputed"):
            print(f"  disputed: {_count(len(report['disputed']), 'figure')} whose published "
                  f"versions disagree; see {args.out}/{result.config.name}/disputed.csv",
                  file=sys.stderr)
        warnings = report["warnings"]
        for message in warnings["message"].head(5):
            print(f"  warning: {message}", file=sys.stderr)
        if len(warnings) > 5:
            print(f"  ... and {len(warnings) - 5} more warnings in report.json", file=sys.stderr)
        if totals["warnings"] or totals["rows_quarantined"]:
            flagged.append(result.config.name)
    if args.strict and flagged:
        print(f"parlib clean --strict: {', '.join(flagged)} had warnings or quarantined rows "
              "(outputs written; see report.json)", file=sys.stderr)
        return 3
    return 0


def _count(n: int, noun: str) -> str:
    """``"1 row"``, ``"2 rows"``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _tune_process() -> None:
    """Set up this process for cleaning, unless the environment already says otherwise.

    - Arrow allocates with the C library's malloc (``ARROW_DEFAULT_MEMORY_POOL=system``),
      so that :func:`parlib.memory.release_memory` can hand back what each step freed.
      Arrow's own pools keep it: after a threaded CSV parse of a million rows, jemalloc
      still held over 100 MB with nothing allocated, and cleaning the benchmark's
      million rows peaked near 450 MB instead of 400 MB.
    - OpenBLAS gets one thread (``OPENBLAS_NUM_THREADS``). Cleaning does no linear
      algebra, but the threads OpenBLAS starts with numpy spin for a while, taking
      a core from Arrow's CSV parser and the writers (the benchmark's parse took
      0.35 s instead of 0.24 s on two cores).

    Both are read when the library loads, so they are set before the first import.
    A command owns its process, so the command sets them; the library leaves a
    notebook's process alone.
    """
    if "pyarrow" not in sys.modules:
        os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
    if "numpy" not in sys.modules:
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def _run_demo(args: argparse.Namespace) -> int:
    from .demo import write_demo_data

    kwargs = {} if args.seed is None else {"seed": args.seed}
    try:
        paths = write_demo_data(args.out, **kwargs)
    except ValueError as exc:
        raise ParlibError(str(exc), value=args.seed, fix="pass --seed with a whole number "
                                                        "from 0") from None
    print(f"wrote {len(paths)} files of synthetic demo data to {args.out}")
    return 0


def _run_cite(args: argparse.Namespace) -> int:
    from .figures import read_sidecar

    try:
        sidecar = read_sidecar(args.figure)
    except FileNotFoundError:
        raise ParlibError("the figure has no sidecar file (its caption, source and citation)",
                          file=args.figure, fix="give a figure saved by parlib's reports: "
                          "its .json sidecar sits beside the .png, .svg and .pdf") from None
    except ValueError as exc:  # json.JSONDecodeError
        raise ParlibError(f"the figure's sidecar is not valid JSON ({exc})",
                          file=str(Path(args.figure).with_suffix(".json")),
                          fix="rebuild the report that made the figure") from None
    citation = sidecar.get("citation", {})
    field = {"csl-json": "csl_json"}.get(args.format, args.format)
    if field not in citation:
        raise ParlibError(f"the figure's sidecar has no {args.format} citation",
                          file=str(Path(args.figure).with_suffix(".json")),
                          fix="rebuild the report that made the figure (make reports)")
    value = citation[field]
    if field == "csl_json":
        value = json.dumps(value, ensure_ascii=False, indent=2)
    print(value.rstrip("\n"))
    return 0


if __name__ == "__main__":  # pragma: no cover
    run()
