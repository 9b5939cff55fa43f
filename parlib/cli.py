"""The ``parlib`` command: clean, demo-data, reports, info, cite.

Exit codes: 0 when outputs were written, 1 when parlib refused bad input
(the message says what to fix) or the system refused a read or write, 2 for a
wrong command line, 3 when ``parlib clean --strict`` wrote its outputs but found
warnings or quarantined rows, 130 when interrupted (Ctrl-C or SIGTERM).

No traceback reaches the user: parlib's own errors, any ``OSError`` (a full
disk, a read-only folder, a path that is a file) and any ``ValueError`` (a NUL
character in a path) end as one paragraph on standard error. Everything printed
goes through :func:`parlib.text.printable`, so text from the data cannot move
the cursor, erase lines or forge output.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import signal
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

from parlib import __version__
from parlib.errors import ParlibError

__all__ = ["main", "run"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``parlib`` command line and return its exit code."""
    return _dispatch(argv)[0]


def run() -> None:
    """The ``parlib`` program: run :func:`main` on ``sys.argv`` and exit with its code."""
    signal.signal(signal.SIGTERM, _interrupt)  # stopped like Ctrl-C: kernels shut down
    warnings.showwarning = _show_warning
    sys.exit(_dispatch(None)[0])


def _dispatch(argv: Sequence[str] | None) -> tuple[int, argparse.Namespace | None]:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return 2, None
    try:
        return int(args.run(args) or 0), args
    except ParlibError as exc:
        _say(f"parlib {args.command}: {exc}", err=True)
        return 1, args
    except KeyboardInterrupt:
        _say(f"parlib {args.command}: interrupted; previous outputs are unchanged.", err=True)
        return 130, args
    except OSError as exc:
        _say(f"parlib {args.command}: {_os_error(exc)}", err=True)
        return 1, args
    except ValueError as exc:  # a NUL character in a path, and the like
        _say(
            f"parlib {args.command}: {exc}. Fix: check the paths and values given on the "
            "command line and in the YAML files.",
            err=True,
        )
        return 1, args


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Show a warning as one line of text, without the code it came from."""
    _say(f"parlib: warning: {message}", err=True)


def _say(text: str, *, err: bool = False, lines: bool = False) -> None:
    """Print ``text`` with terminal control characters removed."""
    from parlib.text import printable  # not at import: it loads numpy, which clean tunes first

    stream = sys.stderr if err else sys.stdout
    print(printable(text, lines=lines), file=stream)


_OS_FIXES = {
    errno.ENOSPC: "free some disk space, or write the outputs to another disk",
    errno.EDQUOT: "free some of your disk quota, or write the outputs elsewhere",
    errno.EACCES: "make the folder writable for you, or choose another folder",
    errno.EPERM: "make the folder writable for you, or choose another folder",
    errno.EROFS: "the disk is read-only: write the outputs to another folder",
    errno.ENOENT: "check the path",
    errno.ENOTDIR: "a part of the path is a file, not a folder: check the path",
    errno.EISDIR: "the path is a folder where a file is expected: check the path",
    errno.ENAMETOOLONG: "use a shorter path",
}


def _os_error(exc: OSError) -> str:
    """One paragraph for an error the system gave: the file, what happened, the fix."""
    where = exc.filename if exc.filename is not None else "a file"
    what = exc.strerror or str(exc)
    fix = "check the path and the disk, then run the command again"
    if exc.errno is not None:
        fix = _OS_FIXES.get(exc.errno, fix)
    return (
        f"{where}: the system refused to read or write it ({what}). Fix: {fix}; "
        "earlier outputs are unchanged."
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="parlib",
        description="Clean, validate and report Vietnam's public-administration "
        "indices (PAR Index, SIPAS, PAPI).",
    )
    parser.add_argument("--version", action="version", version=f"parlib {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    clean = sub.add_parser("clean", help="clean every dataset in data/raw into data/clean")
    clean.add_argument("--raw", default="data/raw", help="raw datasets folder (data/raw)")
    clean.add_argument("--out", default="data/clean", help="output folder (data/clean)")
    clean.add_argument(
        "--dataset", action="append", metavar="NAME", help="clean only this dataset (repeatable)"
    )
    clean.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    clean.add_argument(
        "--strict",
        action="store_true",
        help="exit with code 3 when a dataset has warnings or quarantined rows",
    )
    clean.set_defaults(run=_run_clean)

    demo = sub.add_parser("demo-data", help="write the synthetic demo dataset")
    demo.add_argument("--out", default="data/raw/demo-synthetic", help="folder to write")
    demo.add_argument("--seed", type=int, default=None, help="random seed (default fixed)")
    demo.set_defaults(run=_run_demo)

    try:
        from parlib.reports import cli as reports_cli
    except ImportError:  # pragma: no cover - reports not installed
        pass
    else:
        reports_cli.add_parser(sub)

    info = sub.add_parser(
        "info",
        help="list the cleaned datasets, their coverage and the reports",
        description="Show the cleaned datasets (kind, licence, sources), "
        "their indices, levels and components, and the reports "
        "of reports.yaml with their state; with DATASET, a "
        "province x year coverage table per index and level.",
    )
    info.add_argument("dataset", nargs="?", help="one cleaned dataset, with its coverage tables")
    info.add_argument(
        "--clean-dir",
        default=None,
        help="the clean data folder (default: data/clean of the project)",
    )
    info.add_argument(
        "--config", default="reports.yaml", help="the reports file (default: %(default)s)"
    )
    info.add_argument("--json", action="store_true", help="print JSON for scripts")
    info.set_defaults(run=_run_info)

    cite = sub.add_parser("cite", help="print the citation of a report figure")
    cite.add_argument("figure", help="a figure file (PNG, SVG, PDF) or its sidecar JSON")
    cite.add_argument(
        "--format",
        choices=["text", "bibtex", "ris", "csl-json"],
        default="text",
        help="text (default), bibtex, ris, or csl-json (imports into Zotero)",
    )
    cite.set_defaults(run=_run_cite)
    return parser


def _run_clean(args: argparse.Namespace) -> int:
    _tune_process()  # before numpy and pyarrow load
    from parlib.pipeline import clean_all

    results = clean_all(args.raw, args.out, datasets=args.dataset, progress=not args.no_progress)
    flagged = []
    for result in results:
        report = result.report(frame=True)
        totals = report["totals"]
        line = (
            f"{result.config.name}: {_count(totals['rows_read'], 'row')} read from "
            f"{_count(totals['files'], 'file')}, {_count(totals['figures'], 'figure')} "
            f"clean, {_count(totals['rows_quarantined'], 'row')} quarantined"
        )
        if report["contradictions"]:
            line += f", {_count(report['contradictions'], 'published figure')} contradicting others"
        if totals["warnings"]:
            line += f", {_count(totals['warnings'], 'warning')}"
        _say(line + f" -> {args.out}/{result.config.name}/")
        if totals["rows_quarantined"]:
            rules = ", ".join(f"{k} {v}" for k, v in report["quarantine_by_rule"].items())
            _say(
                f"  warning: quarantined rows by rule: {rules}; see "
                f"{args.out}/{result.config.name}/quarantine.csv",
                err=True,
            )
        for fix in report.get("corrections", []):
            _say(
                f"  correction: {fix['raw_file']} row {fix['raw_row']}, {fix['column']}: "
                f"{fix['published'] or '(empty)'} -> {fix['corrected']} "
                f"(evidence: {fix['source_id']})",
                err=True,
            )
        if report.get("disputed"):
            _say(
                f"  disputed: {_count(len(report['disputed']), 'figure')} whose published "
                f"versions disagree; see {args.out}/{result.config.name}/disputed.csv",
                err=True,
            )
        found = report["warnings"]
        for message in found["message"].head(5):
            _say(f"  warning: {message}", err=True)
        if len(found) > 5:
            _say(f"  ... and {len(found) - 5} more warnings in report.json", err=True)
        if totals["warnings"] or totals["rows_quarantined"]:
            flagged.append(result.config.name)
    if args.strict and flagged:
        _say(
            f"parlib clean --strict: {', '.join(flagged)} had warnings or quarantined rows "
            "(outputs written; see report.json)",
            err=True,
        )
        return 3
    return 0


def _count(n: int, noun: str) -> str:
    """``"1 row"``, ``"2 rows"``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _tune_process() -> None:
    """Set up this process for cleaning, unless the environment already says otherwise.

    - Arrow allocates with the C library's malloc (``ARROW_DEFAULT_MEMORY_POOL=system``),
      so that :func:`parlib.memory.release_memory` (Arrow's ``release_unused``) trims
      the C heap and hands back what each step freed. Arrow's own pools keep it: after
      a threaded CSV parse of a million rows, jemalloc still held over 100 MB with
      nothing allocated.
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
    from parlib.demo.panel import write_demo_data

    kwargs = {} if args.seed is None else {"seed": args.seed}
    try:
        paths = write_demo_data(args.out, **kwargs)
    except ValueError as exc:
        raise ParlibError(
            str(exc), value=args.seed, fix="pass --seed with a whole number from 0"
        ) from None
    _say(f"wrote {len(paths)} files of synthetic demo data to {args.out}")
    return 0


def _run_info(args: argparse.Namespace) -> int:
    import json

    from parlib.analysis.load import clean_datasets, default_clean_dir
    from parlib.info import describe_dataset, describe_datasets, format_info

    clean = Path(args.clean_dir) if args.clean_dir else default_clean_dir()
    if args.dataset:
        known = clean_datasets(clean)
        if args.dataset not in known:
            from parlib.analysis.hints import did_you_mean, suggest_names

            hint = did_you_mean(suggest_names(args.dataset, known)).strip()
            raise ParlibError(
                "no such cleaned dataset",
                file=clean,
                value=args.dataset,
                fix=f"{hint + ' ' if hint else ''}cleaned datasets: {known} "
                "(run `parlib clean` for others)",
            )
        info = describe_dataset(args.dataset, clean_dir=clean)
    else:
        info = describe_datasets(clean_dir=clean, config=args.config)
    if args.json:
        print(json.dumps(info, ensure_ascii=False, indent=2))
    else:
        print(format_info(info))
    return 0


def _run_cite(args: argparse.Namespace) -> int:
    from parlib.viz.figures import read_sidecar

    try:
        sidecar = read_sidecar(args.figure)
    except FileNotFoundError:
        raise ParlibError(
            "the figure has no sidecar file (its caption, source and citation)",
            file=args.figure,
            fix="give a figure saved by parlib's reports: "
            "its .json sidecar sits beside the .png, .svg and .pdf",
        ) from None
    except ValueError as exc:  # json.JSONDecodeError
        raise ParlibError(
            f"the figure's sidecar is not valid JSON ({exc})",
            file=str(Path(args.figure).with_suffix(".json")),
            fix="rebuild the report that made the figure",
        ) from None
    citation = sidecar.get("citation") if isinstance(sidecar, dict) else None
    if not isinstance(citation, dict) or not all(
        isinstance(citation.get(k, ""), str) for k in ("text", "bibtex")
    ):
        raise ParlibError(
            "the figure's sidecar holds no citation (a 'citation' mapping with "
            "'text' and 'bibtex')",
            file=str(Path(args.figure).with_suffix(".json")),
            fix="give a figure saved by parlib's reports, or rebuild its report",
        )
    field = {"csl-json": "csl_json"}.get(args.format, args.format)
    if field not in citation:
        raise ParlibError(
            f"the figure's sidecar has no {args.format} citation",
            file=str(Path(args.figure).with_suffix(".json")),
            fix="rebuild the report that made the figure (make reports)",
        )
    value = citation[field]
    if field == "csl_json":
        value = json.dumps(value, ensure_ascii=False, indent=2)
    _say(str(value).rstrip("\n"), lines=True)
    return 0


if __name__ == "__main__":  # pragma: no cover
    run()
