"""``load_scores``: one boundary system at a time, English province names."""

from __future__ import annotations

import pandas as pd
import pytest

from parlib.analysis.load import default_clean_dir, find_project_root, load_scores
from parlib.errors import ParlibError


@pytest.fixture
def clean_dir(tmp_path):
    rows = pd.DataFrame(
        {
            "dataset": "ds",
            "dataset_kind": "synthetic",
            "synthetic": True,
            "boundaries": ["legacy", "legacy", "2025"],
            "province_code": ["01", "83", "01"],
            "province": ["Hà Nội", "Bến Tre", "Hà Nội"],
            "province_code_2025": ["01", "86", "01"],
            "province_2025": ["Hà Nội", "Vĩnh Long", "Hà Nội"],
            "year": [2024, 2024, 2024],
            "level": "province",
            "unit": ["Hà Nội", "Bến Tre", "Hà Nội"],
            "unit_type": None,
            "index": "PAPI",
            "component": "total",
            "score": [45.6, 44.0, 45.6],
        }
    )
    (tmp_path / "ds").mkdir()
    rows.to_parquet(tmp_path / "ds" / "scores.parquet", index=False)
    return tmp_path


def test_load_scores_returns_legacy_rows_by_default_so_a_pivot_works(clean_dir):
    scores = load_scores("ds", clean_dir)
    assert scores["boundaries"].astype(str).tolist() == ["legacy", "legacy"]
    wide = scores.pivot(index="province_en", columns="year", values="score")
    assert wide.loc["Hanoi", 2024] == 45.6


def test_load_scores_2025_and_all(clean_dir):
    assert load_scores("ds", clean_dir, boundaries="2025")["boundaries"].astype(str).tolist() == [
        "2025"
    ]
    everything = load_scores("ds", clean_dir, boundaries="all")
    assert len(everything) == 3
    with pytest.raises(ValueError, match="Index contains duplicate entries"):
        everything.pivot(index="province", columns="year", values="score")


def test_load_scores_adds_english_names_after_the_vietnamese(clean_dir):
    scores = load_scores("ds", clean_dir, boundaries="all")
    columns = list(scores.columns)
    assert columns[columns.index("province") + 1] == "province_en"
    assert columns[columns.index("province_2025") + 1] == "province_2025_en"
    assert scores["province_en"].tolist() == ["Hanoi", "Ben Tre", "Hanoi"]
    assert scores["province_2025_en"].tolist() == ["Hanoi", "Vinh Long", "Hanoi"]


def test_load_scores_2025_says_how_to_group_when_there_is_none(clean_dir):
    scores = load_scores("ds", clean_dir)
    scores.to_parquet(clean_dir / "ds" / "scores.parquet", index=False)
    with pytest.warns(UserWarning, match="group_to_2025"):
        assert load_scores("ds", clean_dir, boundaries="2025").empty


def test_load_scores_refuses_unknown_boundaries(clean_dir):
    with pytest.raises(
        ParlibError,
        match=r"unknown boundaries \(value '1976'\). Fix: use one of "
        r"\['legacy', '2025', 'all'\]",
    ):
        load_scores("ds", clean_dir, boundaries=1976)


@pytest.mark.parametrize("marker", ["pyproject.toml", "reports.yaml"])
def test_find_project_root_walks_up_to_the_nearest_marker(tmp_path, monkeypatch, marker):
    (tmp_path / marker).write_text("", encoding="utf-8")
    (tmp_path / "data" / "clean").mkdir(parents=True)
    (tmp_path / "notebooks" / "deep").mkdir(parents=True)
    assert find_project_root(tmp_path / "notebooks" / "deep") == tmp_path.resolve()
    monkeypatch.delenv("PARLIB_CLEAN_DIR", raising=False)
    monkeypatch.chdir(tmp_path / "notebooks")
    assert default_clean_dir() == tmp_path.resolve() / "data" / "clean"


def test_find_project_root_is_none_outside_a_project(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    assert find_project_root(tmp_path / "a" / "b") is None  # pytest's tmp folders hold no marker
