"""Interrupted and concurrent runs: a killed or doubled run never loses or corrupts outputs.

``parlib clean`` runs as a subprocess and is killed with SIGKILL at named points of the
atomic write (the run is started by a small script that sets :data:`parlib.publish.outputs.on_stage`
to stop at a stage and say so in a file), and after random delays. After every kill the output folder holds the previous outputs or the new ones,
complete and byte-identical to what a clean run writes, never a mix and never nothing;
the next run completes; the raw files are never modified. Two runs started together
queue behind the lock and end with the outputs of one run. ``parlib reports`` is killed
the same way on a tiny project.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from parlib.errors import LockError
from parlib.pipeline import clean_all
from parlib.publish.outputs import recover_outputs

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).parent / "fixtures" / "reports"
YAML = """\
title: Interrupted runs
kind: compiled
license: CC-BY-4.0
sources: [{id: s1, title: Quyết định, publisher: UBND tỉnh Bến Tre, date: 2022-09-20}]
files: [{path: t.csv, source: s1, index: PAR, year: 2021, province: Bến Tre, level: department}]
"""
UNITS = ["Sở Nội vụ", "Sở Y tế", "Sở Tư pháp", "Sở Tài chính", "Sở Xây dựng", "Sở Công Thương"]


def table(version: int) -> str:
    rows = [
        f'{u},"{str(round(90 - i + version / 10, 2)).replace(".", ",")}",{i + 1}/6'
        for i, u in enumerate(UNITS)
    ]
    return "Tên đơn vị,Điểm,Xếp hạng\n" + "\n".join(rows) + "\n"


def digest(folder: Path) -> dict[str, str] | None:
    """The sha256 of every file of ``folder``, or None when it does not exist."""
    if not folder.is_dir():
        return None
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# Runs the command line given after its four arguments, pausing at the named stages of the
# atomic write; with "no", as on a system without renameat2 (two renames).
_PAUSING = """
import pathlib, sys, time
from parlib import cli
from parlib.publish import outputs
stages, marker, seconds, exchange = sys.argv[1:5]

def pause(stage):
    if stage in stages.split(","):
        pathlib.Path(marker).write_text(stage, encoding="utf-8")
        time.sleep(float(seconds))

outputs.on_stage = pause
if exchange == "no":
    outputs._exchange = lambda a, b: False
sys.argv = ["parlib", *sys.argv[5:]]
cli.run()
"""


def parlib(
    *args: str,
    env: dict[str, str] | None = None,
    pause: str | None = None,
    marker: Path | None = None,
    seconds: float = 60,
    exchange: bool = True,
    **kwargs,
) -> subprocess.Popen:
    """Start ``parlib ARGS``; with ``pause``, stopping at those stages (see _PAUSING)."""
    command = [sys.executable, "-m", "parlib.cli", *args]
    if pause is not None:
        command = [
            sys.executable,
            "-c",
            _PAUSING,
            pause,
            str(marker),
            str(seconds),
            "yes" if exchange else "no",
            *args,
        ]
    return subprocess.Popen(
        command,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        **kwargs,
    )


def wait_for(path: Path, proc: subprocess.Popen, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while not path.exists():
        if proc.poll() is not None:
            raise AssertionError(f"the run ended before pausing: {proc.communicate()}")
        if time.monotonic() > end:
            raise AssertionError(f"the run did not reach {path.name}")
        time.sleep(0.02)


def kill(proc: subprocess.Popen) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)


@pytest.fixture
def project(tmp_path):
    """A raw dataset, its outputs of version 1, and the outputs version 2 must give."""
    raw = tmp_path / "raw" / "bt"
    raw.mkdir(parents=True)
    (raw / "dataset.yaml").write_text(YAML, encoding="utf-8")
    (raw / "t.csv").write_text(table(2), encoding="utf-8")
    clean_all(tmp_path / "raw", tmp_path / "expected", progress=False)
    new = digest(tmp_path / "expected" / "bt")
    (raw / "t.csv").write_text(table(1), encoding="utf-8")
    out = tmp_path / "out"
    clean_all(tmp_path / "raw", out, progress=False)
    old = digest(out / "bt")
    assert old != new
    (raw / "t.csv").write_text(table(2), encoding="utf-8")
    return {"root": tmp_path, "out": out, "old": old, "new": new, "raw": digest(raw)}


def clean_args(p) -> list[str]:
    return ["clean", "--raw", str(p["root"] / "raw"), "--out", str(p["out"]), "--no-progress"]


# Where a killed run leaves the outputs: before the swap the old ones, after it the new ones.
STAGES = [("write", "old"), ("written", "old"), ("swapped", "new")]
FALLBACK = [("write", "old"), ("written", "old"), ("swap", None), ("swapped", "new")]


@pytest.mark.parametrize(("stage", "left"), STAGES)
def test_killed_clean_leaves_complete_outputs_at_every_stage(project, stage, left):
    p = project
    marker = p["root"] / "paused"
    proc = parlib(*clean_args(p), pause=stage, marker=marker)
    wait_for(marker, proc)
    seen_while_paused = digest(p["out"] / "bt")  # what a reader finds during the run
    kill(proc)
    assert seen_while_paused == p[left]
    assert digest(p["out"] / "bt") == p[left]  # complete, byte-identical, never a mix
    assert digest(p["root"] / "raw" / "bt") == p["raw"]
    clean_all(p["root"] / "raw", p["out"], progress=False)  # the next run completes
    assert digest(p["out"] / "bt") == p["new"]
    assert sorted(x.name for x in p["out"].iterdir()) == [".parlib.lock", "bt"]
    assert digest(p["root"] / "raw" / "bt") == p["raw"]


@pytest.mark.parametrize(("stage", "left"), FALLBACK)
def test_killed_two_rename_swap_is_recovered(project, stage, left):
    """Without renameat2 a kill between the renames hides the outputs until the next run."""
    p = project
    marker = p["root"] / "paused"
    proc = parlib(*clean_args(p), pause=stage, marker=marker, exchange=False)
    wait_for(marker, proc)
    kill(proc)
    assert digest(p["out"] / "bt") == (p[left] if left else None)
    recover_outputs(p["out"])  # what the next run does first, under the lock
    assert digest(p["out"] / "bt") == p[left or "old"]
    clean_all(p["root"] / "raw", p["out"], progress=False)
    assert digest(p["out"] / "bt") == p["new"]
    assert sorted(x.name for x in p["out"].iterdir()) == [".parlib.lock", "bt"]


def test_clean_killed_after_random_delays_never_loses_outputs(project):
    p = project
    start = time.monotonic()
    done = parlib(*clean_args(p))
    done.communicate(timeout=60)
    duration = time.monotonic() - start
    versions = {json.dumps(p["old"]), json.dumps(p["new"])}
    rng = random.Random(20240601)
    raw = p["root"] / "raw" / "bt" / "t.csv"
    for attempt in range(6):
        raw.write_text(table(1 + attempt % 2), encoding="utf-8")
        before = digest(p["root"] / "raw" / "bt")
        proc = parlib(*clean_args(p))
        time.sleep(rng.uniform(0.5, 1.1) * duration)
        if proc.poll() is None:
            kill(proc)
        else:
            proc.communicate()
        assert json.dumps(digest(p["out"] / "bt")) in versions, f"attempt {attempt}"
        assert digest(p["root"] / "raw" / "bt") == before
    raw.write_text(table(2), encoding="utf-8")
    clean_all(p["root"] / "raw", p["out"], progress=False)
    assert digest(p["out"] / "bt") == p["new"]


def test_two_clean_runs_at_once_queue_behind_the_lock(project):
    p = project
    marker = p["root"] / "paused"
    first = parlib(*clean_args(p), pause="written", marker=marker, seconds=5)
    wait_for(marker, first)  # the first run holds the lock, its new files not yet in place
    second = parlib(*clean_args(p))
    with pytest.raises(
        LockError,
        match=r"another parlib run is writing to this folder.*Fix: "
        r"wait for it to finish",
    ):
        clean_all(p["root"] / "raw", p["out"], progress=False, lock_timeout=0.2)
    out1, err1 = first.communicate(timeout=60)
    out2, err2 = second.communicate(timeout=60)
    assert first.returncode == 0 and second.returncode == 0, (err1, err2)
    assert "bt: 6 rows read" in out1 and "bt: 6 rows read" in out2
    assert digest(p["out"] / "bt") == p["new"]
    assert sorted(x.name for x in p["out"].iterdir()) == [".parlib.lock", "bt"]
    assert digest(p["root"] / "raw" / "bt") == p["raw"]


def test_many_clean_runs_at_once_end_with_one_runs_outputs(project):
    p = project
    procs = [parlib(*clean_args(p)) for _ in range(4)]
    results = [proc.communicate(timeout=120) for proc in procs]
    assert [proc.returncode for proc in procs] == [0] * 4, results
    assert digest(p["out"] / "bt") == p["new"]
    assert digest(p["root"] / "raw" / "bt") == p["raw"]


# ----------------------------------------------------------------------------- reports
REPORTS_YAML = """\
timeout: 120
datasets:
  fx-synthetic:
    reports:
      - {notebook: probe, slug: probe-a, parameters: {mark: a}}
      - {notebook: probe, slug: probe-b, parameters: {mark: b}}
"""


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            kids.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry))
    return kids


def _stat(pid: int) -> tuple[str, str] | None:
    """Return (state, start time) of a process, or None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return fields[0], fields[19]


class Descendants(threading.Thread):
    """Record every process a run starts (kernels run in sessions of their own)."""

    def __init__(self, pid: int, root: Path) -> None:
        super().__init__(daemon=True)
        self.pid, self.root, self.seen, self.stop = pid, root.resolve(), {}, threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            kids, todo = _children(), [self.pid]
            while todo:
                for child in kids.get(todo.pop(), []):
                    if child not in self.seen and (stat := _stat(child)) is not None:
                        self.seen[child] = stat[1]
                    todo.append(child)
            time.sleep(0.05)

    def survivors(self) -> list[int]:
        """The recorded processes still running (the same processes: same start time)."""
        alive = []
        for pid, started in sorted(self.seen.items()):
            stat = _stat(pid)
            if stat is not None and stat[1] == started and stat[0] != "Z":
                alive.append(pid)
        return alive

    def _inside_root(self) -> None:
        """Also record processes working inside the project: kernels started just before a kill."""
        for entry in os.listdir("/proc"):
            if entry.isdigit() and int(entry) not in self.seen:
                try:
                    cwd = Path(os.readlink(f"/proc/{entry}/cwd"))
                except OSError:
                    continue
                if cwd.is_relative_to(self.root) and (stat := _stat(int(entry))) is not None:
                    self.seen[int(entry)] = stat[1]

    def end(self) -> list[int]:
        """Stop watching; kill what the run left behind (by pid); return those pids."""
        self.stop.set()
        self.join()
        self._inside_root()
        left = self.survivors()
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        return left


def settle(watch: Descendants, seconds: float = 5) -> None:
    """Give the run's processes time to end: ipykernel polls its parent once a second."""
    time.sleep(0.5)
    deadline = time.monotonic() + seconds
    while watch.survivors() and time.monotonic() < deadline:
        time.sleep(0.1)


def report_project(root: Path) -> Path:
    shutil.copytree(FIXTURES / "clean", root / "data" / "clean")
    (root / "notebooks").mkdir()
    shutil.copy(FIXTURES / "notebooks" / "probe.ipynb", root / "notebooks")
    (root / "reports.yaml").write_text(REPORTS_YAML, encoding="utf-8")
    return root


def report_state(root: Path) -> dict[str, object]:
    """Each report folder's files and whether it is a complete report."""
    state = {}
    for folder in sorted((root / "reports" / "fx-synthetic" / "probe").glob("probe-*")):
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        complete = (
            manifest["status"] == "ok"
            and (folder / "report.html").is_file()
            and (folder / "report.ipynb").is_file()
        )
        state[folder.name] = (complete, digest(folder))
    return state


def reports_args(root: Path) -> list[str]:
    return ["reports", "--root", str(root), "--force", "--no-progress", "--jobs", "2"]


def test_killed_reports_run_keeps_every_report_complete(tmp_path):
    from parlib.reports import run_reports

    root = report_project(tmp_path)
    data = digest(root / "data")
    start = time.monotonic()
    proc = parlib(*reports_args(root))  # the first run: its outputs are the previous ones
    watch = Descendants(proc.pid, root)
    watch.start()
    proc.communicate(timeout=300)
    watch.end()
    duration = time.monotonic() - start
    assert proc.returncode == 0
    rng = random.Random(7)
    for attempt in range(3):
        before = report_state(root)
        proc = parlib(*reports_args(root))
        watch = Descendants(proc.pid, root)
        watch.start()
        time.sleep(rng.uniform(0.4, 0.95) * duration)
        if proc.poll() is None:
            kill(proc)
        else:
            proc.communicate()
        settle(watch)
        assert not watch.end(), f"kernels outlived the run killed at attempt {attempt}"
        after = report_state(root)
        assert set(after) == set(before) == {"probe-a", "probe-b"}, f"attempt {attempt}"
        for name, (complete, _files) in after.items():
            assert complete, f"{name} is incomplete after kill {attempt}"
        index = (root / "reports" / "index.html").read_text(encoding="utf-8")
        assert index.rstrip().endswith("</html>")
        assert digest(root / "data") == data  # clean data is only read
    summary = run_reports(root=root, jobs=2, progress=False, force=True)
    assert {r.status for r in summary.results} == {"ok"}
    leftovers = [p for p in (root / "reports").rglob(".*") if p.is_dir()]
    assert not leftovers
    assert all(complete for complete, _ in report_state(root).values())


def test_two_reports_runs_at_once_queue_or_refuse_clearly(tmp_path):
    root = report_project(tmp_path)
    procs = [parlib(*reports_args(root)) for _ in range(2)]
    watches = [Descendants(p.pid, root) for p in procs]
    for w in watches:
        w.start()
    results = [p.communicate(timeout=300) for p in procs]
    for w in watches:
        w.end()
    codes = sorted(p.returncode for p in procs)
    assert codes in ([0, 0], [0, 1]), results
    if codes == [0, 1]:
        err = next(e for p, (_, e) in zip(procs, results) if p.returncode == 1)
        assert "LockError: " in err and "another 'parlib reports' run is writing" in err
        assert "Fix: wait for it to finish" in err
    assert all(complete for complete, _ in report_state(root).values())


@pytest.mark.parametrize(
    "signum", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT], ids=["SIGKILL", "SIGTERM", "SIGINT"]
)
def test_killed_reports_run_leaves_no_kernel_running(tmp_path, signum):
    """Kernels die with their runner: SIGKILL (ipykernel's watcher of its parent), SIGTERM
    and SIGINT (handled as Ctrl-C: the run shuts its kernels down and says so)."""
    root = report_project(tmp_path)
    proc = parlib(*reports_args(root))
    watch = Descendants(proc.pid, root)
    watch.start()
    end = time.monotonic() + 120
    wanted = 2  # two kernels
    while len(watch.seen) < wanted and time.monotonic() < end:
        time.sleep(0.05)
    assert len(watch.seen) >= wanted, "the run started no kernel"
    time.sleep(0.5)
    os.kill(proc.pid, signum)
    _, err = proc.communicate(timeout=60)
    if signum != signal.SIGKILL:
        assert proc.returncode == 130, err
        assert "interrupted" in err and "Traceback" not in err, err
    settle(watch)
    left = watch.end()
    assert not left, f"processes still running after the run was stopped: {left}"


def test_report_swap_failure_keeps_the_previous_report(tmp_path, monkeypatch):
    from parlib.reports import build, run_reports, runner

    root = report_project(tmp_path)
    assert run_reports(root=root, jobs=1, progress=False, only="probe-a").exit_code == 0
    final = root / "reports" / "fx-synthetic" / "probe" / "probe-a"
    before = digest(final)
    real_rename = os.rename

    def rename(src, dst, *args, **kwargs):
        if Path(dst) == final:
            raise OSError(28, "No space left on device")
        return real_rename(src, dst, *args, **kwargs)

    monkeypatch.setattr(runner.os, "rename", rename)
    failed = run_reports(root=root, jobs=1, progress=False, only="probe-a", force=True)
    monkeypatch.undo()
    assert [r.status for r in failed.results] == ["failed"]
    build.recover_folders(root / "reports")  # what the next run does first, under its lock
    assert (final / "report.html").is_file() and digest(final) is not None
    good = ("report.html", "report.ipynb", "manifest.json")  # the failure is kept beside them
    assert {k: v for k, v in digest(final).items() if k in good} == {
        k: v for k, v in before.items() if k in good
    }
    assert (final / "report.failed.json").is_file()
