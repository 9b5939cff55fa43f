"""Run parlib's benchmarks (what `make bench` runs) and check each against its target.

Runs ``clean_bench.py`` and ``reports_bench.py`` one after the other, each in a
process of its own, shows their output as it comes, then prints the four
result lines again and exits with 1 when any missed its target, a benchmark
failed to run or a line lacks its second ratio, else 0.

Each line gives the ratio its target is about and, after ";", the same run
against a second baseline (measured in the same run, no target):

- ``clean``: 1,000,000 rows, ``parlib clean`` over ``read_csv`` + parquet (target
  <= 6) and its peak memory over the raw file's size (target <= 4); also over a
  row-by-row cleaning with parlib's scalar parsers, on a 50,000-row sample.
- ``reports``: 20 reports, ``parlib reports --force`` over the plain papermill +
  nbconvert commands run as many at a time as there are cores (target <= 0.35);
  also over the same commands one report at a time.
- ``floor``: the same ``parlib reports --force`` over a Python script making the
  same figures and tables without kernels in a Pool of one process per core
  (target <= 1.6); also over that script in one process.
- ``no-op``: ``parlib reports`` on 100 unchanged reports over their full build
  (target < 0.02); also over the command line's start-up (``parlib --version``).

Usage: python benchmarks/run.py [--only clean,reports,floor,no-op] [--quick]

``--only reports`` runs the reports benchmark's "reports" line only (it needs the
plain papermill runs); ``--only floor`` or ``--only no-op`` the others. ``--quick``
uses smaller sizes (for a first look, not for the targets: on small sizes fixed
start-up costs weigh more, so the ratios are worse).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
LINES = ("clean", "reports", "floor", "no-op")
#: "NAME: ratio R (target T) PASS|FAIL; SECOND RATIO; ... - DETAIL", see _common.result
_RESULT = re.compile(
    r"^(?P<name>clean|reports|floor|no-op): ratio (?P<ratio>\S+) "
    r"\(target (?P<target>.*?)\) (?P<status>PASS|FAIL)(?P<also>;.*?)? - "
)

#: (script, the result lines it prints, its options at full size, its options with --quick)
BENCHMARKS = [
    ("clean_bench.py", ("clean",), [], ["--rows", "200000", "--sample", "10000", "--runs", "1"]),
    (
        "reports_bench.py",
        ("reports", "floor", "no-op"),
        [],
        ["--reports", "6", "--noop-reports", "30"],
    ),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only",
        default=",".join(LINES),
        help="comma-separated result lines to measure (default: all four)",
    )
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a first look")
    args = parser.parse_args(argv)
    only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(only) - set(LINES))
    if unknown or not only:
        parser.error(f"--only: unknown {unknown}; use some of {', '.join(LINES)}")

    found: dict[str, str] = {}
    status: dict[str, str] = {}
    failures: list[str] = []
    for script, lines, full, quick in BENCHMARKS:
        wanted = [line for line in lines if line in only]
        if not wanted:
            continue
        cmd = [sys.executable, str(HERE / script), *(quick if args.quick else full)]
        if len(lines) > 1:
            cmd += ["--only", ",".join(wanted)]
        print(f"$ {' '.join(cmd)}", flush=True)
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, bufsize=1)
        for text in proc.stdout:
            print(text, end="", flush=True)
            match = _RESULT.match(text)
            if match:
                found[match["name"]] = text.rstrip("\n")
                status[match["name"]] = match["status"]
                if not match["also"]:
                    failures.append(f"{match['name']}: no ratio against a second baseline")
        code = proc.wait()
        print(f"({script}: {time.perf_counter() - start:.0f} s, exit code {code})", flush=True)
        missing = [line for line in wanted if line not in found]
        if missing:
            failures.append(f"{script} exited with {code} before printing {', '.join(missing)}")

    print("\n== results" + (" (--quick: smaller sizes)" if args.quick else ""))
    for line in LINES:
        if line in found:
            print(found[line])
    for failure in failures:
        print(f"ERROR: {failure}")
    missed = [line for line in LINES if status.get(line) == "FAIL"]
    if missed:
        print(f"missed target: {', '.join(missed)}")
    return 1 if missed or failures else 0


if __name__ == "__main__":
    sys.exit(main())
