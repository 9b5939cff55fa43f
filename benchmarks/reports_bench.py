"""Benchmark `parlib reports`: against plain papermill + nbconvert, a no-kernel floor, a no-op.

Builds a small project in a temporary folder (the shipped trend, correlation and
comparison notebooks; the repository's ``data/raw/demo-synthetic`` cleaned with
``parlib clean`` into the temporary folder; a generated ``reports.yaml``) and
prints three result lines, each with ratios measured within this one run:

- ``reports``: ``parlib reports --force --jobs CORES`` for N reports over the time of
  the plain way: for each report, ``papermill NB OUT -p ... -k KERNEL`` then ``jupyter
  nbconvert --to html --no-input OUT``, run as many reports at a time as there are
  cores (target <= 0.35), and also one report after another (shown, no target).
- ``floor``: the same ``parlib reports --force`` over a plain Python script that
  makes the same reports' figures and tables with the same parlib functions,
  without kernels or notebooks, in a ``multiprocessing.Pool`` of one process per
  core (target <= 1.6), and also in one process (shown, no target).
- ``no-op``: ``parlib reports`` with nothing changed, for M reports built once
  before with ``--force``, over that full build (target < 0.02), and also over the
  start-up of the command line (``parlib --version``; shown, no target).

Usage: python benchmarks/reports_bench.py [--reports N] [--noop-reports M] [--jobs J]
                                          [--only reports,floor,no-op] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import BIN, ROOT, best_of, result, run_timed

DATASET = "demo-synthetic"
NOTEBOOKS = ("trend", "correlation", "comparison")
MEASURES = ("reports", "floor", "no-op")

# -- the parameter sets ------------------------------------------------------------------------

_GROUPS = [
    ["Bến Tre", "Trà Vinh", "Vĩnh Long"],
    ["Quảng Ninh", "Hà Tĩnh"],
    ["01", "79"],
    ["Thái Nguyên"],
    ["Đồng Tháp", "An Giang", "Kiên Giang", "Cần Thơ"],
    ["Hà Nội", "Hải Phòng", "Quảng Ninh"],
    ["Đà Nẵng", "Quảng Nam"],
    ["Lào Cai", "Yên Bái", "Hà Giang"],
]
_GROUPS_2025 = [["Vĩnh Long"], ["Thái Nguyên", "Cần Thơ"], ["01", "79"], ["Quảng Ninh"]]
_SUB = ["Bến Tre", "Quảng Ninh", "Hà Tĩnh", "Thái Nguyên", "Đồng Tháp"]
_UNIT_TYPES = ["tai_chinh", "noi_vu", "tu_phap", "y_te", "xay_dung"]
_INDICES = ["PAR", "SIPAS", "PAPI"]


def _interleave(*lists: list) -> list:
    out = []
    for i in range(max(map(len, lists))):
        out += [lst[i] for lst in lists if i < len(lst)]
    return out


def _variants() -> dict[str, list[dict[str, Any]]]:
    """Return valid parameter sets per notebook, varied first where they differ most."""
    trend = _interleave(
        [
            {"index": _INDICES[i % 3], "level": "province", "provinces": g}
            for i, g in enumerate(_GROUPS * 3)
        ],
        [
            {"index": ix, "level": "department", "provinces": [p]}
            for p in _SUB
            for ix in ("PAR", "SIPAS")
        ],
        [
            {"index": ix, "level": "district", "provinces": [p]}
            for p in _SUB
            for ix in ("SIPAS", "PAR")
        ],
    )
    pairs = [
        ("PAR", "total", "SIPAS", "total"),
        ("PAR", "procedures", "PAPI", "total"),
        ("SIPAS", "total", "PAPI", "total"),
        ("PAR", "e_government", "SIPAS", "total"),
        ("PAPI", "total", "PAR", "total"),
    ]
    correlation = [
        {
            "index": x,
            "component": xc,
            "y_index": y,
            "y_component": yc,
            "level": "province",
            "years": years,
        }
        for years in ([2023], [], [2022], [2019, 2020, 2021], [2024])
        for x, xc, y, yc in pairs
    ]
    correlation.insert(
        3, {"index": "PAR", "y_index": "SIPAS", "level": "department", "years": [2023]}
    )
    comparison = _interleave(
        [
            {"index": ix, "level": "province", "year": year}
            for year in (2023, 2022, 2024, 0)
            for ix in _INDICES
        ],
        [
            {"index": "PAR", "level": "department", "unit_type": t, "year": year}
            for year in (2023, 2022)
            for t in _UNIT_TYPES
        ],
        [
            {"index": "PAR", "level": level, "provinces": [p], "year": year}
            for level, year in (("department", 2022), ("district", 2023))
            for p in _SUB
        ],
    )
    return {"trend": trend, "correlation": correlation, "comparison": comparison}


def parameter_sets(n: int) -> list[dict[str, Any]]:
    """Return ``n`` reports.yaml entries cycling over the three notebooks.

    Languages alternate; about one report in five (every fifth, where the level
    is province) uses the 2025 boundaries, as in the shipped ``reports.yaml``.
    """
    variants = _variants()
    out = []
    for i in range(n):
        notebook = NOTEBOOKS[i % 3]
        pool = variants[notebook]
        j = i // 3
        params = json.loads(json.dumps(pool[j % len(pool)]))  # a deep copy
        lang = ("vi", "en")[(j + j // len(pool)) % 2]
        params["lang"] = lang
        if i % 5 == 4 and params["level"] == "province":
            params["boundaries"] = "2025"
            if "provinces" in params:
                params["provinces"] = _GROUPS_2025[j % len(_GROUPS_2025)]
        out.append(
            {
                "notebook": notebook,
                "slug": f"r{i:03d}-{notebook}",
                "title": f"Benchmark report {i}: {notebook}",
                "parameters": params,
            }
        )
    return out


def write_config(project: Path, name: str, n: int, output_dir: str) -> Path:
    """Write a reports file with ``n`` parameter sets into ``project``."""
    config = {
        "clean_dir": "data/clean",
        "output_dir": output_dir,
        "notebooks_dir": "notebooks",
        "timeout": 600,
        "datasets": {DATASET: {"reports": parameter_sets(n)}},
    }
    path = project / name
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def make_project(project: Path) -> Path:
    """Create the project: notebooks copied from the repository, clean data from its raw data."""
    (project / "notebooks").mkdir(parents=True)
    for name in NOTEBOOKS:
        shutil.copy2(ROOT / "notebooks" / f"{name}.ipynb", project / "notebooks")
    (project / "pyproject.toml").write_text(
        '[project]\nname = "parlib-bench-project"\nversion = "0"\n', encoding="utf-8"
    )
    run_timed(
        [
            str(BIN / "parlib"),
            "clean",
            "--raw",
            str(ROOT / "data" / "raw"),
            "--dataset",
            DATASET,
            "--out",
            str(project / "data" / "clean"),
            "--no-progress",
        ]
    )
    return project


# -- the plain way: papermill then nbconvert, one report after another or CORES at a time -------


def _papermill_args(params: dict[str, Any]) -> list[str]:
    """Return ``-p``/``-r``/``-y`` options giving papermill exactly these values and types."""
    args = []
    for key, value in params.items():
        if isinstance(value, bool) or isinstance(value, (int, float)):
            args += ["-p", key, json.dumps(value)]
        elif isinstance(value, str):
            args += ["-r", key, value]  # raw: "2025" and "01" stay strings
        else:
            args += ["-y", json.dumps({key: value}, ensure_ascii=False)]
    return args


def _plain_report(
    project: Path, spec: dict[str, Any], kernel: str, folder: str
) -> tuple[float, float]:
    """Run one report with the papermill and nbconvert commands; return their seconds."""
    out = project / folder / spec["slug"]
    out.mkdir(parents=True)
    params = {
        "dataset": DATASET,
        **spec["parameters"],
        "clean_dir": str(project / "data" / "clean"),
        "output_dir": ".",
    }
    nb_out = out / "report.ipynb"
    pm, _ = run_timed(
        [
            str(BIN / "papermill"),
            str(project / "notebooks" / f"{spec['notebook']}.ipynb"),
            str(nb_out),
            "-k",
            kernel,
            "--cwd",
            str(out),
            *_papermill_args(params),
        ],
        cwd=project,
    )
    nbc, _ = run_timed(
        [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(nb_out)], cwd=project
    )
    return pm, nbc


def run_plain(
    project: Path, specs: list[dict[str, Any]], kernel: str, *, workers: int, folder: str
) -> tuple[float, float]:
    """Run every report the plain way, ``workers`` reports at a time, into ``folder``.

    Each worker runs its report's two commands one after the other, as a researcher's
    ``xargs -P`` or ``parallel`` line would; the workers are threads that only wait
    on their child processes. Returns (wall seconds of the whole run, seconds spent
    in papermill summed over the reports); with one worker the reports run one
    after another.
    """
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        times = list(pool.map(lambda spec: _plain_report(project, spec, kernel, folder), specs))
    return time.perf_counter() - start, sum(pm for pm, _ in times)


# -- the floor: the same figures and tables, no kernels, one process per core ------------------


def _publish(report: Any, fig: Any, name: str, caption: str, data: Any = None) -> None:
    """What ``Report.publish`` does, less showing the PNG in a notebook."""
    import matplotlib.pyplot as plt

    from parlib.publish.citations import cite_documents
    from parlib.reports.report import data_hash, figure_title
    from parlib.viz.figures import save_figure

    figure = getattr(fig, "figure", fig)
    title = figure_title(figure) or name
    citation = cite_documents(
        report.sources,
        key=f"{report.key}-{name}",
        title=title,
        release=report.release,
        lang=report.lang,
    )
    save_figure(
        figure,
        report.figures_dir / name,
        title=title,
        caption=caption,
        source=report.sources,
        synthetic=report.synthetic,
        lang=report.lang,
        citation=citation,
        data_hash=data_hash(data),
    )
    plt.close(figure)


def _table(report: Any, name: str, styler: Any) -> None:
    (report.output_dir / f"{name}.html").write_text(styler.to_html(), encoding="utf-8")


def _floor_trend(
    report,
    scores,
    *,
    index="PAR",
    component="total",
    level="province",
    provinces=(),
    unit_type="",
    years=(),
    lang="vi",
    **_,
):
    from parlib.analysis.trend import compute_changes, compute_trend
    from parlib.viz.rank_plots import plot_changes
    from parlib.viz.trend_plots import plot_components, plot_trend

    provinces, years = list(provinces), list(years)
    selection = dict(
        index=index,
        component=component,
        level=level,
        provinces=provinces or None,
        unit_type=unit_type or None,
        years=years or None,
    )
    trend = compute_trend(scores, **selection)
    report.describe(trend, index=index, component=component, level=level, unit_type=unit_type)
    ax = plot_trend(scores, **selection, lang=lang)
    _publish(report, ax, "trend", report.say("trend_caption", n=int(trend["n"].max())), trend)
    _table(report, "change", report.year_table(trend, values="change"))
    if report.components_of(scores, index=index, level=level):
        fig = plot_components(
            scores,
            index=index,
            level=level,
            provinces=provinces or None,
            years=years or None,
            lang=lang,
        )
        _publish(report, fig, "components", report.say("components_caption", index=index))
    span = report.year_span(trend)
    if span is not None:
        start, end = span
        changes = compute_changes(
            scores,
            index=index,
            component=component,
            level=level,
            start=start,
            end=end,
            provinces=provinces or None,
            unit_type=unit_type or None,
        )
        if not changes.empty:
            ax = plot_changes(
                scores,
                index=index,
                component=component,
                level=level,
                start=start,
                end=end,
                provinces=provinces or None,
                unit_type=unit_type or None,
                lang=lang,
            )
            _publish(
                report, ax, "changes", report.say("changes_caption", start=start, end=end), changes
            )
            _table(
                report,
                "changes",
                report.table(changes, ["unit", "province", "start_score", "end_score", "change"]),
            )


def _floor_correlation(
    report,
    scores,
    *,
    index="PAR",
    component="total",
    y_index="SIPAS",
    y_component="total",
    level="province",
    provinces=(),
    unit_type="",
    years=(),
    lang="vi",
    **_,
):
    from parlib.analysis.correlation import compute_correlation, compute_correlation_matrix
    from parlib.reports import filter_units
    from parlib.viz.correlation_plots import plot_correlation, plot_correlation_matrix

    years = list(years)
    scores = filter_units(scores, provinces=list(provinces), unit_type=unit_type)
    x = index if component == "total" else f"{index}:{component}"
    y = y_index if y_component == "total" else f"{y_index}:{y_component}"
    res = compute_correlation(scores, x=x, y=y, years=years or None, level=level)
    report.describe_correlation(res)
    _table(
        report,
        "correlation",
        report.table(
            res.to_frame(),
            [
                "n",
                "years",
                "pearson_r",
                "pearson_ci_low",
                "pearson_ci_high",
                "pearson_p",
                "spearman_rho",
                "spearman_p",
            ],
        ),
    )
    if not res.message:
        ax = plot_correlation(scores, x=x, y=y, years=years or None, level=level, lang=lang)
        _publish(report, ax, "scatter", report.say("scatter_caption"), res.pairs)
    if report.components_of(scores, index=index, level=level):
        matrix = compute_correlation_matrix(scores, index=index, years=years or None, level=level)
        ax = plot_correlation_matrix(matrix, lang=lang)
        _publish(report, ax, "matrix", report.say("matrix_caption", index=index), matrix)


def _floor_comparison(
    report,
    scores,
    *,
    index="PAR",
    component="total",
    level="province",
    provinces=(),
    unit_type="",
    year=0,
    lang="vi",
    **_,
):
    from parlib.analysis.percentiles import compute_percentiles
    from parlib.reports import filter_units
    from parlib.viz.rank_plots import plot_percentiles, plot_ranking

    scores = filter_units(scores, provinces=list(provinces))
    year = year or report.latest_year(scores, index=index, component=component, level=level)
    if report.count_rankings(scores, level=level) == 1:
        ax = plot_ranking(
            filter_units(scores, unit_type=unit_type),
            index=index,
            year=year,
            component=component,
            level=level,
            lang=lang,
        )
        _publish(report, ax, "ranking", report.say("ranking_caption", index=index, year=year))
    percentiles = compute_percentiles(
        scores,
        index=index,
        component=component,
        level=level,
        year=year,
        unit_type=unit_type or None,
    )
    if level != "province":
        ax = plot_percentiles(
            scores,
            index=index,
            year=year,
            unit_type=unit_type or None,
            component=component,
            level=level,
            lang=lang,
        )
        _publish(report, ax, "percentiles", report.say("percentiles_caption"), percentiles)
    _table(
        report,
        "table",
        report.table(
            percentiles, ["unit", "province", "unit_type", "score", "rank", "n_units", "percentile"]
        ),
    )


_FLOOR = {"trend": _floor_trend, "correlation": _floor_correlation, "comparison": _floor_comparison}


def floor_report(task: tuple[str, dict[str, Any], str, str]) -> str:
    """Make one report's figures and tables in this process (a Pool worker)."""
    import warnings

    from parlib.reports import apply_boundaries, start_report

    notebook, params, clean_dir, out = task
    lang = params.get("lang", "vi")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = start_report(notebook, DATASET, clean_dir=clean_dir, output_dir=out, lang=lang)
        scores, _ = apply_boundaries(report.scores, params.get("boundaries", "legacy"), lang=lang)
        _FLOOR[notebook](report, scores, **params)
    return out


def _floor_main(tasks_file: str, processes: int) -> int:
    """Run the floor: every task of ``tasks_file`` in a Pool of ``processes``, or here if 1."""
    import multiprocessing

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot

    import parlib.analysis.trend
    import parlib.reports
    import parlib.viz.correlation_plots
    import parlib.viz.rank_plots
    import parlib.viz.trend_plots  # noqa: F401

    tasks = [tuple(t) for t in json.loads(Path(tasks_file).read_text(encoding="utf-8"))]
    if processes == 1:  # one process: the reports one after another, no Pool
        for task in tasks:
            floor_report(task)
        return 0
    with multiprocessing.get_context("fork").Pool(processes=processes) as pool:
        for _ in pool.imap_unordered(floor_report, tasks, chunksize=1):
            pass
    return 0


def run_floor(project: Path, specs: list[dict[str, Any]], processes: int, *, folder: str) -> float:
    """Time the floor script in a process of its own; return its wall seconds."""
    clean = str(project / "data" / "clean")
    tasks = [
        (s["notebook"], s["parameters"], clean, str(project / folder / s["slug"])) for s in specs
    ]
    tasks_file = project / f"{folder}-tasks.json"
    tasks_file.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    seconds, _ = run_timed(
        [
            str(BIN / "python"),
            str(Path(__file__).resolve()),
            "--floor-tasks",
            str(tasks_file),
            "--processes",
            str(processes),
        ],
        cwd=project,
    )
    return seconds


# -- checks ------------------------------------------------------------------------------------


def _figures(folder: Path) -> set[str]:
    return {
        p.name
        for p in (folder / "figures").glob("*")
        if p.suffix in (".png", ".svg", ".pdf", ".json")
    }


def check_same_work(project: Path, specs: list[dict[str, Any]], others: list[str]) -> None:
    """Raise when the plain way or the floor made other figures than parlib for a report."""
    problems = []
    for spec in specs:
        built = project / "reports" / DATASET / spec["notebook"] / spec["slug"]
        mine = _figures(built)
        if not mine or not (built / "report.html").is_file():
            problems.append(f"{spec['slug']}: parlib wrote no figures or no report.html")
        for other in others:
            theirs = _figures(project / other / spec["slug"])
            if theirs != mine:
                problems.append(
                    f"{spec['slug']}: {other} made {sorted(theirs)}, parlib {sorted(mine)}"
                )
    if problems:
        raise RuntimeError("the compared runs did not do the same work:\n" + "\n".join(problems))


def _manifest_state(folder: Path) -> dict[str, int]:
    return {str(p): p.stat().st_mtime_ns for p in folder.glob("*/*/manifest.json")}


# -- main --------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--reports",
        type=int,
        default=20,
        help="reports for the 'reports' and 'floor' lines (default 20)",
    )
    parser.add_argument(
        "--noop-reports", type=int, default=100, help="reports for the 'no-op' line (default 100)"
    )
    parser.add_argument(
        "--only", default=",".join(MEASURES), help="comma-separated subset of reports,floor,no-op"
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=None,
        help="parlib --jobs and floor processes (default: the cores)",
    )
    parser.add_argument("--keep", type=Path, help="keep the generated project here")
    parser.add_argument("--floor-tasks", help=argparse.SUPPRESS)
    parser.add_argument("--processes", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.floor_tasks:  # the floor's own process
        return _floor_main(args.floor_tasks, args.processes)
    only = [m.strip() for m in args.only.split(",") if m.strip()]
    unknown = sorted(set(only) - set(MEASURES))
    if unknown:
        parser.error(f"--only: unknown {unknown}; use {', '.join(MEASURES)}")
    cores = args.jobs or len(os.sched_getaffinity(0))

    from parlib.reports.kernels import choose_kernel_name

    kernel = choose_kernel_name()
    work = Path(tempfile.mkdtemp(prefix="parlib-bench-reports-"))
    parlib_cmd = [str(BIN / "parlib"), "reports", "--no-progress", "--jobs", str(cores)]
    ok = True
    try:
        project = make_project(work / "project")
        # warm-up: one report, so that every later run finds the same warm disk and font caches
        write_config(project, "warmup.yaml", 1, "warmup")
        run_timed([*parlib_cmd, "--config", "warmup.yaml", "--force"], cwd=project)

        if "reports" in only or "floor" in only:
            specs = parameter_sets(args.reports)
            write_config(project, "reports.yaml", args.reports, "reports")
            parlib_s, _ = run_timed([*parlib_cmd, "--force"], cwd=project)
            counts = {nb: sum(s["notebook"] == nb for s in specs) for nb in NOTEBOOKS}
            mix = ", ".join(f"{n} {nb}" for nb, n in counts.items())
            n2025 = sum(s["parameters"].get("boundaries") == "2025" for s in specs)
            runs = []
            if "floor" in only:
                floor_s = run_floor(project, specs, cores, folder="floor")
                floor1_s = run_floor(project, specs, 1, folder="floor-1")
                runs += ["floor", "floor-1"]
            if "reports" in only:
                plain_s, pm = run_plain(project, specs, kernel, workers=cores, folder="plain")
                plain1_s, pm1 = run_plain(project, specs, kernel, workers=1, folder="plain-1")
                runs += ["plain", "plain-1"]
            check_same_work(project, specs, runs)
            if "reports" in only:
                ratio = parlib_s / plain_s
                ok &= result(
                    "reports",
                    ratio,
                    f"<= 0.35 x papermill + nbconvert {cores} at a time",
                    ratio <= 0.35,
                    f"{args.reports} reports ({mix}; {n2025} in 2025 boundaries): "
                    f"parlib reports --force --jobs {cores} {parlib_s:.1f} s vs "
                    f"papermill + nbconvert {cores} at a time {plain_s:.1f} s (papermill "
                    f"{pm:.1f} s summed over reports) and one at a time {plain1_s:.1f} s "
                    f"(papermill {pm1:.1f} s, nbconvert {plain1_s - pm1:.1f} s); "
                    f"kernel {kernel}",
                    also=[f"{parlib_s / plain1_s:.3f} x papermill + nbconvert one at a time"],
                )
            if "floor" in only:
                ratio = parlib_s / floor_s
                ok &= result(
                    "floor",
                    ratio,
                    f"<= 1.6 x plain script in Pool({cores})",
                    ratio <= 1.6,
                    f"{args.reports} reports: parlib reports --force --jobs {cores} "
                    f"{parlib_s:.1f} s vs the same figures and tables by a Python "
                    f"script in Pool({cores}) {floor_s:.1f} s and in one process "
                    f"{floor1_s:.1f} s",
                    also=[f"{parlib_s / floor1_s:.3f} x plain script in one process"],
                )

        if "no-op" in only:
            write_config(project, "reports-noop.yaml", args.noop_reports, "reports-noop")
            cmd = [*parlib_cmd, "--config", "reports-noop.yaml"]
            full_s, _ = run_timed([*cmd, "--force"], cwd=project)
            before = _manifest_state(project / "reports-noop" / DATASET)
            if len(before) != args.noop_reports:
                raise RuntimeError(
                    f"the full build wrote {len(before)} manifests, expected {args.noop_reports}"
                )
            noop_s, noop_peak = best_of(3, cmd, cwd=project)
            if _manifest_state(project / "reports-noop" / DATASET) != before:
                raise RuntimeError("the no-op run rebuilt reports")
            startup_s, _ = best_of(3, [str(BIN / "parlib"), "--version"], cwd=project)
            ratio = noop_s / full_s
            ok &= result(
                "no-op",
                ratio,
                "< 0.02 x full build",
                ratio < 0.02,
                f"{args.noop_reports} unchanged reports: parlib reports {noop_s:.2f} s "
                f"(best of 3, peak memory {noop_peak / 1e6:.0f} MB) vs the full "
                f"build with --force {full_s:.1f} s and parlib --version "
                f"{startup_s:.2f} s (best of 3)",
                also=[f"{noop_s / startup_s:.2f} x parlib --version start-up"],
            )
        if args.keep:
            shutil.copytree(project, args.keep, dirs_exist_ok=True, symlinks=True)
        return 0 if ok else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
