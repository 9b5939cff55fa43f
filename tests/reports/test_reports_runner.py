"""End-to-end tests of ``parlib reports``: real kernels, the shipped notebooks, fixture data.

One small project is built once per module (fixture clean data of two datasets, the three
notebooks and a probe notebook) and run several times: a first run, a run that must skip
everything, a data change, a broken dataset, ``--force`` and the command line.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import filelock
import nbformat
import pandas as pd
import pytest

from parlib.errors import LockError, ParameterError
from parlib.reports import cli, run_reports

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parents[1] / "fixtures" / "reports"
HOSTILE = "Bến Tre </script><script>alert(1)</script>"
CONFIG = f"""
timeout: 300
datasets:
  fx-synthetic:
    reports:
      - notebook: trend
        slug: trend-vi
        title: "{HOSTILE}"
        parameters: {{provinces: [Bến Tre, Trà Vinh]}}
      - notebook: correlation
        slug: corr-2025-en
        parameters: {{lang: en, boundaries: "2025"}}
      - notebook: comparison
        slug: tai-chinh
        parameters: {{level: department, unit_type: tai_chinh}}
      - notebook: probe
        slug: probe-a
        parameters: {{mark: a}}
      - notebook: probe
        slug: probe-b
        parameters: {{mark: b}}
  fx-published:
    reports:
      - notebook: correlation
        slug: par-sipas
      - notebook: comparison
        slug: par-2023
        parameters: {{year: 2023}}
      - notebook: trend
        slug: bad
        parameters: {{index: NOPE}}
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("project")
    shutil.copytree(FIXTURES / "clean", root / "data" / "clean")
    (root / "notebooks").mkdir()
    for name in ("trend", "correlation", "comparison"):
        shutil.copy(REPO / "notebooks" / f"{name}.ipynb", root / "notebooks")
    shutil.copy(FIXTURES / "notebooks" / "probe.ipynb", root / "notebooks")
    (root / "reports.yaml").write_text(CONFIG, encoding="utf-8")
    (root / "reports").mkdir()
    (root / "reports" / ".gitkeep").write_bytes(b"")  # tracked in the repository
    return root


@pytest.fixture(scope="module")
def first(project):
    return run_reports(root=project, jobs=2, progress=False)


def folder(project: Path, report_id: str) -> Path:
    return project / "reports" / report_id


def statuses(summary) -> dict[str, str]:
    return {r.id: r.status for r in summary.results}


def test_first_run_builds_every_report_but_the_failing_one(first):
    assert statuses(first) == {
        "fx-synthetic/trend/trend-vi": "ok",
        "fx-synthetic/correlation/corr-2025-en": "ok",
        "fx-synthetic/comparison/tai-chinh": "ok",
        "fx-synthetic/probe/probe-a": "ok",
        "fx-synthetic/probe/probe-b": "ok",
        "fx-published/correlation/par-sipas": "ok",
        "fx-published/comparison/par-2023": "ok",
        "fx-published/trend/bad": "failed",
    }
    assert first.exit_code == 1
    assert "7 built, 0 unchanged, 1 failed" in first.line()


def test_failure_names_the_cell_and_keeps_the_failed_notebook(project, first):
    bad = next(r for r in first.results if r.status == "failed")
    assert bad.ename == "SelectionError" and "NOPE" in bad.evalue
    assert bad.cell_index is not None
    nb = nbformat.read(bad.failed_notebook, as_version=4)
    failing = [
        c for c in nb.cells if any(o.get("output_type") == "error" for o in c.get("outputs", []))
    ]
    assert len(failing) == 1 and "compute_trend" in failing[0].source
    (error,) = [o for o in failing[0].outputs if o.output_type == "error"]
    assert error.traceback == [f"SelectionError: {error.evalue}"]  # one paragraph, no traceback
    assert f"cell {bad.cell_index}" in bad.describe()
    out = folder(project, "fx-published/trend/bad")
    assert sorted(p.name for p in out.iterdir()) == [
        "kernel.failed.log",
        "report.failed.ipynb",
        "report.failed.json",
    ]
    assert json.loads((out / "report.failed.json").read_text())["ename"] == "SelectionError"


@pytest.mark.parametrize(
    "report_id",
    [
        "fx-synthetic/trend/trend-vi",
        "fx-synthetic/correlation/corr-2025-en",
        "fx-synthetic/comparison/tai-chinh",
        "fx-published/comparison/par-2023",
    ],
)
def test_report_folder_holds_notebook_html_figures_and_manifest(project, first, report_id):
    out = folder(project, report_id)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "ok" and manifest["id"] == report_id
    assert manifest["parlib_version"] and "git_commit" in manifest
    assert manifest["injected"] == {
        "dataset": report_id.split("/")[0],
        "clean_dir": "../../../../data/clean",
        "output_dir": ".",
    }
    dataset, notebook = report_id.split("/")[:2]
    assert set(manifest["inputs"]) == {
        f"notebooks/{notebook}.ipynb",
        f"data/clean/{dataset}/scores.parquet",
        f"data/clean/{dataset}/sources.csv",
    }
    assert all(len(h) == 64 for h in manifest["inputs"].values())
    assert {"wait_kernel", "execute", "export_html", "total"} <= set(manifest["timings"])
    assert manifest["citation"] and dataset in manifest["citation"]
    pngs = sorted(out.glob("figures/*.png"))
    assert pngs and [p.relative_to(out).as_posix() for p in pngs] == [
        f for f in manifest["figures"] if f.endswith(".png")
    ]
    for png in pngs:
        for ext in (".svg", ".pdf", ".json"):
            assert png.with_suffix(ext).is_file()
        sidecar = json.loads(png.with_suffix(".json").read_text(encoding="utf-8"))
        assert sidecar["synthetic"] is (dataset == "fx-synthetic")
        assert sidecar["caption"] and sidecar["source"] and sidecar["citation"]["text"]
    nb = nbformat.read(out / "report.ipynb", as_version=4)
    assert nb.metadata["papermill"]["output_path"] == f"reports/{report_id}/report.ipynb"
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) == len(pngs)  # each figure shown once, as its saved PNG
    assert not any("<Figure size" in str(o.get("data", {}).get("text/plain", "")) for o in outputs)


def test_report_folders_and_files_follow_the_umask(project, first):
    mask = os.umask(0o022)
    os.umask(mask)
    out = folder(project, "fx-synthetic/comparison/tai-chinh")
    for path in [out, *out.rglob("*")]:
        expected = (0o777 if path.is_dir() else 0o666) & ~mask
        assert path.stat().st_mode & 0o777 == expected, path


def test_html_has_no_code_input(project, first):
    html = (folder(project, "fx-synthetic/trend/trend-vi") / "report.html").read_text(
        encoding="utf-8"
    )
    body = html.split("<body", 1)[1]
    assert "jp-InputPrompt" not in body and "jp-OutputPrompt" not in body
    code_cells = re.findall(r'<div class="(jp-Cell jp-CodeCell[^"]*)"', body)
    assert code_cells and all("jp-mod-noInput" in c for c in code_cells)
    for chunk in body.split('<div class="jp-Cell ')[1:]:
        if chunk.startswith("jp-CodeCell"):
            assert "jp-InputArea" not in chunk.split('<div class="jp-Cell-outputWrapper"')[0]
    assert "start_report(" not in body and "import " not in body
    assert "<img" in body and "Synthetic data" not in body  # vi report: Vietnamese text
    assert "Dữ liệu giả lập" in body
    assert "<script>alert" not in html  # the hostile title is escaped in <title> too


def test_fewer_than_three_pairs_is_reported_not_raised(project, first):
    html = (folder(project, "fx-published/correlation/par-sipas") / "report.html").read_text(
        encoding="utf-8"
    )
    assert "Chỉ có 2 cặp: cần ít nhất 3 cặp" in html


def test_2025_boundaries_state_members_and_aggregate(project, first):
    html = (folder(project, "fx-synthetic/correlation/corr-2025-en") / "report.html").read_text(
        encoding="utf-8"
    )
    assert "from 1 July 2025" in html and "unweighted <strong>mean</strong>" in html
    assert "Bến Tre (83), Trà Vinh (84), Vĩnh Long (86)" in html


def test_each_report_gets_a_fresh_warm_kernel_in_its_folder(project, first):
    for mark in ("a", "b"):
        nb = nbformat.read(
            folder(project, f"fx-synthetic/probe/probe-{mark}") / "report.ipynb", as_version=4
        )
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert code[0].execution_count == 1  # the warm-up did not count
        assert code[-1].outputs[0]["text"].startswith(f"{mark} .probe-{mark}.tmp-")


def test_index_lists_reports_with_thumbnails_and_escapes_titles(project, first):
    html = (project / "reports" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "&lt;/script&gt;&lt;script&gt;alert(1)" in html
    assert 'src="fx-synthetic/trend/trend-vi/figures/' in html
    assert 'href="fx-published/trend/bad/report.failed.ipynb"' in html


def files(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def second(project, first):
    before = files(project / "reports")
    summary = run_reports(root=project, jobs=2, progress=False, only="fx-synthetic")
    summary.files = (before, files(project / "reports"))
    return summary


def test_second_run_skips_everything_unchanged(second):
    assert set(statuses(second).values()) == {"skipped"}
    assert second.kernel_name is None  # no kernel was started
    assert second.seconds < 10


def test_second_run_writes_nothing(second):
    before, after = second.files
    assert "index.html" in before and "index.json" in before and ".gitkeep" in before
    assert after == before  # same files, same bytes, same modification times


def test_index_shows_the_time_of_the_last_build(project, first):
    html = (project / "reports" / "index.html").read_text(encoding="utf-8")
    finished = max(
        json.loads(p.read_text(encoding="utf-8"))["finished"]
        for p in (project / "reports").glob("*/*/*/manifest.json")
    )
    assert f"Last built {finished[:10]} {finished[11:16]} UTC" in html


@pytest.fixture(scope="module")
def changed(project, second):
    path = project / "data" / "clean" / "fx-published" / "scores.parquet"
    scores = pd.read_parquet(path)
    scores.loc[0, "score"] = 91.0
    scores.to_parquet(path, index=False)
    return run_reports(root=project, jobs=2, progress=False)


def test_changing_one_dataset_reruns_only_its_reports(changed):
    result = statuses(changed)
    assert {v for k, v in result.items() if k.startswith("fx-synthetic/")} == {"skipped"}
    assert result["fx-published/correlation/par-sipas"] == "ok"
    assert result["fx-published/comparison/par-2023"] == "ok"
    assert result["fx-published/trend/bad"] == "failed"  # failed reports are retried


def test_a_failing_rerun_keeps_the_previous_good_outputs(project, changed):
    out = folder(project, "fx-published/comparison/par-2023")
    before = (out / "manifest.json").read_text(encoding="utf-8")
    html = (out / "report.html").read_bytes()
    path = project / "data" / "clean" / "fx-published" / "scores.parquet"
    scores = pd.read_parquet(path)
    scores.loc[scores["index"] == "SIPAS"].to_parquet(path, index=False)  # no PAR rows left
    summary = run_reports(root=project, progress=False, only="fx-published/comparison")
    assert statuses(summary) == {"fx-published/comparison/par-2023": "failed"}
    assert (out / "manifest.json").read_text(encoding="utf-8") == before
    assert (out / "report.html").read_bytes() == html
    assert (out / "report.failed.ipynb").is_file()
    assert not list(out.parent.glob(".*"))  # no temporary folder left behind


def test_cli_force_rebuilds_and_prints_one_line(project, changed, capsys):
    parser = argparse.ArgumentParser(prog="parlib")
    cli.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(
        ["reports", "--root", str(project), "--only", "probe-a", "--force", "--no-progress"]
    )
    assert args.func(args) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith("1 reports: 1 built, 0 unchanged, 0 failed")


def test_cli_exit_code_names_each_failure(project, changed, capsys):
    parser = argparse.ArgumentParser(prog="parlib")
    cli.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(
        ["reports", "--root", str(project), "--only", "fx-published/trend", "--no-progress"]
    )
    assert args.func(args) == 1
    captured = capsys.readouterr()
    assert "FAILED fx-published/trend/bad: failed at cell" in captured.err
    assert "SelectionError: No rows for index='NOPE'" in captured.err


def test_unknown_parameter_fails_before_anything_runs(tmp_path):
    shutil.copytree(FIXTURES / "clean", tmp_path / "data" / "clean")
    (tmp_path / "notebooks").mkdir()
    shutil.copy(REPO / "notebooks" / "trend.ipynb", tmp_path / "notebooks")
    (tmp_path / "reports.yaml").write_text(
        "datasets:\n  fx-synthetic:\n    reports:\n      - notebook: trend\n"
        "      - notebook: trend\n        parameters: {yaers: [2020]}\n",
        encoding="utf-8",
    )
    with pytest.raises(
        ParameterError,
        match="unknown parameter 'yaers' for notebook trend.ipynb.*did you mean 'years'",
    ):
        run_reports(root=tmp_path, progress=False)
    assert not (tmp_path / "reports").exists()
    args = argparse.Namespace(
        config="reports.yaml", jobs=None, force=False, only=None, root=str(tmp_path), progress=False
    )
    assert cli.run(args) == 1


def test_a_second_run_on_the_same_folder_is_refused(project, changed):
    lock = filelock.FileLock(str(project / "reports" / ".parlib-reports.lock"))
    with lock, pytest.raises(LockError, match="another 'parlib reports' run"):
        run_reports(root=project, progress=False, only="probe-a")


def test_notebook_runs_with_plain_papermill(project):
    """Kernel started in notebooks/ (as Jupyter does): relative defaults still work."""
    out = project / "adhoc.ipynb"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "papermill",
            "notebooks/comparison.ipynb",
            str(out),
            "-k",
            "python3",
            "--cwd",
            "notebooks",
            "--no-progress-bar",
            "-p",
            "dataset",
            "fx-synthetic",
            "-p",
            "year",
            "2022",
        ],
        cwd=project,
        check=True,
        capture_output=True,
        timeout=300,
    )
    assert (
        project
        / "reports"
        / "_adhoc"
        / "comparison"
        / "dataset-fx-synthetic-year-2022"
        / "figures"
        / "ranking.png"
    ).is_file()
    assert not (project / "notebooks" / "reports").exists()


def test_kernel_output_goes_to_a_log_beside_the_report(project, first):
    for report_id in ("fx-synthetic/probe/probe-a", "fx-synthetic/trend/trend-vi"):
        log = folder(project, report_id) / "kernel.log"
        assert log.is_file(), report_id
    assert not list((project / "reports").glob(".parlib-kernels-*"))  # the pool's folder went


def _one_notebook_project(root: Path, source: str) -> Path:
    shutil.copytree(FIXTURES / "clean", root / "data" / "clean")
    (root / "notebooks").mkdir()
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell(
        'dataset = "fx-synthetic"\nclean_dir = "data/clean"\noutput_dir = "."'
    )
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(source)]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, root / "notebooks" / "one.ipynb")
    (root / "reports.yaml").write_text(
        "datasets:\n  fx-synthetic:\n    reports:\n      - notebook: one\n", encoding="utf-8"
    )
    return root


def test_kernel_writes_to_its_log_and_a_dead_kernel_is_reported_with_its_exit_status(tmp_path):
    root = _one_notebook_project(
        tmp_path,
        "import os, signal\n"
        'os.write(2, "từ kernel\\n".encode())\n'
        "os.kill(os.getpid(), signal.SIGKILL)",
    )
    summary = run_reports(root=root, progress=False)
    (result,) = summary.results
    assert result.status == "failed" and result.ename == "DeadKernelError"
    assert "exit status -9 (killed by SIGKILL)" in result.evalue
    out = folder(root, "fx-synthetic/one/default")
    assert "từ kernel" in (out / "kernel.failed.log").read_text(encoding="utf-8")
    failure = json.loads((out / "report.failed.json").read_text(encoding="utf-8"))
    assert "killed by SIGKILL" in failure["error"]


def test_a_failed_preload_is_reported_with_its_error(project):
    from parlib.errors import ReportError
    from parlib.reports.kernels import KernelPool

    logs = project / "reports"
    with (
        KernelPool(
            "python3",
            size=1,
            total=1,
            cwd=project,
            log_dir=logs,
            warmup="import parlib_no_such_module",
        ) as pool,
        pytest.raises(
            ReportError,
            match="preload failed: ModuleNotFoundError: No module named 'parlib_no_such_module'",
        ),
    ):
        pool.acquire(cwd=project)
    assert (project / "kernel.log").is_file()
    (project / "kernel.log").unlink()


def test_a_kernel_that_exits_at_start_is_reported_with_its_exit_status(tmp_path, monkeypatch):
    from parlib.errors import ReportError
    from parlib.reports.kernels import KernelPool

    spec = tmp_path / "jupyter" / "kernels" / "exits"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [
                    sys.executable,
                    "-c",
                    "import sys; print('bad start'); sys.exit(3)",
                    "{connection_file}",
                ],
                "display_name": "exits",
                "language": "python",
            }
        )
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    with (
        KernelPool(
            "exits", size=1, total=1, cwd=tmp_path, log_dir=tmp_path, startup_timeout=30
        ) as pool,
        pytest.raises(ReportError, match="kernel 'exits' did not start \\(exit status 3\\)"),
    ):
        pool.acquire(cwd=tmp_path)
    assert "bad start" in (tmp_path / "kernel.log").read_text()
