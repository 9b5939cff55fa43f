"""Tests of the helpers the report notebooks call, in this process (no kernels)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from importlib import resources
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from parlib.errors import ParameterError, SelectionError
from parlib.reports import apply_boundaries, filter_units, resolve_project_path, start_report
from parlib.reports.texts import say

FIXTURES = Path(__file__).parents[1] / "fixtures" / "reports" / "clean"


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    shutil.copytree(FIXTURES, tmp_path / "data" / "clean")
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "reports.yaml").write_text("datasets: {}\n")
    monkeypatch.chdir(tmp_path / "notebooks")  # where Jupyter starts a kernel
    return tmp_path


def test_resolve_project_path_finds_the_root_from_notebooks(project):
    assert resolve_project_path("data/clean").resolve() == project / "data" / "clean"
    assert resolve_project_path("reports/_adhoc").resolve() == project / "reports" / "_adhoc"
    assert resolve_project_path(project / "x") == project / "x"


def test_resolve_project_path_keeps_paths_that_exist_here(project, monkeypatch):
    monkeypatch.chdir(project)
    assert resolve_project_path("data/clean") == Path("data/clean")
    assert resolve_project_path(".") == Path(".")


def test_start_report_loads_data_and_flags_synthetic(project):
    report = start_report("trend", "fx-synthetic", lang="en")
    assert report.synthetic
    assert set(report.scores["dataset"].astype(str)) == {"fx-synthetic"}
    assert report.figures_dir.is_dir()
    assert not start_report("trend", "fx-published").synthetic
    with pytest.raises(ParameterError, match="unknown language"):
        start_report("trend", "fx-synthetic", lang="fr")


def test_publish_saves_once_closes_and_records_figures(project):
    report = start_report("trend", "fx-synthetic", output_dir="reports/_adhoc", lang="vi")
    _fig, ax = plt.subplots(figsize=(2, 1.5))
    ax.plot([2020, 2021], [80.0, 82.5])
    ax.set_title("Bến Tre")
    report.publish(ax, "xu-huong", caption="Chú thích", data=report.scores.head())
    assert plt.get_fignums() == []
    folder = project / "reports" / "_adhoc" / "trend" / "defaults"  # no parameters injected
    assert sorted(p.name for p in (folder / "figures").iterdir()) == [
        "xu-huong.csv",
        "xu-huong.json",
        "xu-huong.pdf",
        "xu-huong.png",
        "xu-huong.svg",
    ]
    sidecar = json.loads((folder / "figures" / "xu-huong.json").read_text(encoding="utf-8"))
    drawn = pd.read_csv(folder / "figures" / "xu-huong.csv")
    assert len(drawn) == 5 and set(drawn["role"]) == {"shown"}
    assert list(drawn.columns[:3]) == ["province", "unit", "year"]
    assert sidecar["data"] == {"path": "xu-huong.csv", "rows": 5, "columns": list(drawn.columns)}
    assert "csv" in sidecar["files"]
    assert sidecar["synthetic"] is True
    assert sidecar["caption"] == "Chú thích"
    assert sidecar["title"] == "Bến Tre"
    assert sidecar["data_hash"]
    meta = json.loads((folder / "figures.json").read_text(encoding="utf-8"))
    assert meta["figures"][0]["png"] == "figures/xu-huong.png"
    assert meta["figures"][0]["csv"] == "figures/xu-huong.csv"
    assert meta["synthetic"] is True and "fx-synthetic" in meta["citation"]


def test_apply_boundaries_2025_names_members_and_aggregate(project):
    report = start_report("trend", "fx-synthetic", lang="en")
    grouped, note = apply_boundaries(report.scores, "2025", lang="en")
    assert "unweighted **mean**" in note.data
    assert "**Vĩnh Long** (86): Bến Tre (83), Trà Vinh (84), Vĩnh Long (86)" in note.data
    assert "**Thái Nguyên** (19): Bắc Kạn (06), Thái Nguyên (19)" in note.data
    assert "Đồng Tháp" not in note.data  # one member only: not merged
    provinces = set(grouped.loc[grouped["level"] == "province", "province"].astype(str))
    assert provinces == {"Vĩnh Long", "Thái Nguyên", "Đồng Tháp"}
    same, legacy_note = apply_boundaries(report.scores, "legacy", lang="vi")
    assert same is report.scores and "trước 1/7/2025" in legacy_note.data
    with pytest.raises(ParameterError, match="unknown boundaries.*'1976'"):
        apply_boundaries(report.scores, "1976")


def test_filter_units_matches_names_codes_and_types(project):
    scores = start_report("trend", "fx-synthetic").scores
    some = filter_units(scores, provinces=["ben tre", "19"])
    assert set(some["province"].astype(str)) == {"Bến Tre", "Thái Nguyên"}
    assert filter_units(scores, provinces=[], unit_type="") is scores
    types = filter_units(scores, unit_type="tai_chinh")
    assert set(types["unit"].astype(str)) == {"Sở Tài chính"}
    with pytest.raises(SelectionError, match=r"No rows for provinces=\['Atlantis'\]"):
        filter_units(scores, provinces=["Atlantis"])
    with pytest.raises(SelectionError, match="No rows for unit_type"):
        filter_units(scores, unit_type="ministry_of_magic")


def test_start_report_shows_the_synthetic_warning_first(project, monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs: shown.extend(objs))
    start_report("trend", "fx-synthetic", lang="en")
    assert ["Synthetic data — not real figures" in getattr(o, "data", "") for o in shown] == [True]
    shown.clear()
    start_report("trend", "fx-published", lang="en")
    assert shown == []


def test_describe_lists_gaps(project):
    from parlib.analysis.trend import compute_trend

    report = start_report("trend", "fx-synthetic", lang="en")
    trend = compute_trend(report.scores, index="PAR", provinces=["Trà Vinh"])
    text = report.describe(trend, index="PAR", component="total", level="province").data
    assert "Trà Vinh 2020" in text


def test_table_uses_the_language_decimal_mark(project):
    report = start_report("comparison", "fx-published", lang="vi")
    html = report.table(pd.DataFrame({"score": [88.125]}), ["score"]).to_html()
    assert "88,12" in html or "88,13" in html


def test_every_text_has_both_languages():
    table = resources.files("parlib.reference").joinpath("labels.csv").read_text("utf-8")
    rows = list(csv.DictReader(io.StringIO(table)))
    assert [r["key"] for r in rows if not (r["vi"].strip() and r["en"].strip())] == []
    assert len({r["key"] for r in rows}) == len(rows)  # one text per key
    assert say("one_year", "en").startswith("Figures for one year")


def test_a_missing_report_text_names_the_table_to_add_it_to():
    with pytest.raises(KeyError, match="labels.csv"):
        say("no_such_sentence", "en")
