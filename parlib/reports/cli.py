"""The ``parlib reports`` command: argparse wiring around :func:`run_reports`.

Examples
--------
>>> import argparse
>>> parser = argparse.ArgumentParser(prog="parlib")
>>> sub = parser.add_subparsers(dest="command")
>>> _ = add_parser(sub)
>>> args = parser.parse_args(["reports", "--jobs", "2", "--only", "demo-synthetic/trend"])
>>> args.jobs, args.only, args.force, args.config
(2, 'demo-synthetic/trend', False, 'reports.yaml')
"""

from __future__ import annotations

import argparse
import sys

from parlib.errors import ParlibError

__all__ = ["add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``reports`` sub-command to ``subparsers`` and return its parser."""
    parser = subparsers.add_parser(
        "reports",
        help="build the report notebooks listed in reports.yaml",
        description="Run the report notebooks of reports.yaml with papermill, skipping "
        "reports whose notebook, parameters, parlib version and data are "
        "unchanged, and write reports/index.html.",
    )
    parser.add_argument(
        "--config", default="reports.yaml", help="the reports file (default: %(default)s)"
    )
    parser.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=None,
        metavar="N",
        help="reports run at once (default: one per CPU core)",
    )
    parser.add_argument(
        "--force", action="store_true", help="rebuild every selected report, changed or not"
    )
    parser.add_argument(
        "--only",
        default=None,
        metavar="PATTERN",
        help="build only reports whose id <dataset>/<notebook>/<slug> matches "
        "this shell pattern (or contains this text)",
    )
    parser.add_argument("--root", default=".", help="the project folder (default: .)")
    parser.add_argument(
        "--no-progress", dest="progress", action="store_false", help="do not show the progress bar"
    )
    parser.set_defaults(func=run, run=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Run the reports for parsed ``args``, print a summary and return the exit code.

    Returns
    -------
    int
        0 when every report was built or unchanged; 1 when a report failed, or
        when the configuration or a parameter is wrong (nothing ran then); 2
        for a wrong command line.
    """
    from parlib.reports.runner import run_reports
    from parlib.text import printable

    if args.jobs is not None and args.jobs < 1:
        print(f"parlib reports: --jobs must be at least 1, got {args.jobs}", file=sys.stderr)
        return 2
    try:
        summary = run_reports(
            args.config,
            jobs=args.jobs,
            force=args.force,
            only=args.only,
            root=args.root,
            progress=getattr(args, "progress", True),
        )
    except ParlibError as exc:
        print(printable(f"parlib reports: {type(exc).__name__}: {exc}"), file=sys.stderr)
        return 1
    for result in summary.failed:
        print(printable(f"FAILED {result.describe()}"), file=sys.stderr)
    print(printable(summary.line()))
    return summary.exit_code
