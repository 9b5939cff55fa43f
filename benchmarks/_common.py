"""Shared helpers of the benchmarks: time a child process and read its own peak memory."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def run_timed(
    cmd: list[str], *, cwd: Path | None = None, env: dict | None = None
) -> tuple[float, int]:
    """Run ``cmd``; return (wall seconds, peak resident memory of that child in bytes)."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            cmd, cwd=cwd, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=err
        )
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            tail = err.read().decode(errors="replace")[-3000:]
            raise RuntimeError(f"{' '.join(map(str, cmd[:4]))} failed ({proc.returncode}):\n{tail}")
    return seconds, usage.ru_maxrss * 1024  # Linux reports kilobytes


def best_of(runs: int, cmd: list[str], **kw) -> tuple[float, int]:
    """Return the fastest of ``runs`` runs and the largest peak memory seen."""
    times, peaks = zip(*(run_timed(cmd, **kw) for _ in range(runs)))
    return min(times), max(peaks)


def result(
    name: str, ratio: float, target: str, ok: bool, detail: str, *, also: Sequence[str] = ()
) -> bool:
    """Print the one result line of a benchmark and return whether it met its target.

    The line reads ``NAME: ratio R (target T) PASS|FAIL; ALSO; ... - DETAIL``: ``R`` is
    the ratio the target is about, each ``ALSO`` another ratio of the same run against
    a second baseline (for the reader, no target), ``DETAIL`` the times behind them.
    ``benchmarks/run.py`` parses this line; an ``ALSO`` must not contain " - ".
    """
    extra = "".join(f"; {text}" for text in also)
    print(
        f"{name}: ratio {ratio:.3f} (target {target}) {'PASS' if ok else 'FAIL'}{extra} - {detail}",
        flush=True,
    )
    return ok
