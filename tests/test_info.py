"""``parlib info``: datasets, indices, levels, components, coverage and report states."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from parlib.cli import main
from parlib.info import compute_coverage, describe_dataset, describe_datasets

FIXTURES = Path(__file__).parent / "fixtures" / "reports"
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def project(tmp_path) -> Path:
    shutil.copytree(FIXTURES / "clean", tmp_path / "data" / "clean")
    (tmp_path / "notebooks").mkdir()
    shutil.copy(REPO / "notebooks" / "trend.ipynb", tmp_path / "notebooks")
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    (tmp_path / "reports.yaml").write_text(
        "datasets:\n  fx-synthetic:\n    reports:\n      - notebook: trend\n        slug: bt\n"
        "        parameters: {provinces: [ben tre]}\n",
        encoding="utf-8",
    )
    return tmp_path


def test_coverage_counts_units_per_province_and_year_by_boundary_system():
    scores = pd.DataFrame(
        {
            "index": "PAPI",
            "level": ["province", "province", "department", "department", "province"],
            "boundaries": ["legacy", "legacy", "legacy", "legacy", "2025"],
            "province": ["Hà Nội", "Hà Nội", "Bến Tre", "Bến Tre", "Hà Nội"],
            "unit": ["Hà Nội", "Hà Nội", "Sở A", "Sở B", "Hà Nội"],
            "component": "total",
            "year": [2023, 2024, 2024, 2024, 2024],
            "score": [1.0, 2.0, 3.0, 4.0, 2.0],
        }
    )
    coverage = compute_coverage(scores)
    assert list(coverage) == ["PAPI department", "PAPI province", "PAPI province, 2025 boundaries"]
    assert coverage["PAPI department"].loc["Bến Tre", 2024] == 2
    assert coverage["PAPI province"].loc["Hà Nội"].tolist() == [1, 1]
    assert coverage["PAPI province, 2025 boundaries"].columns.tolist() == [2024]


def test_describe_dataset_gives_kind_licence_sources_and_indices(project):
    info = describe_dataset("fx-synthetic", clean_dir=project / "data" / "clean")
    assert info["kind"] == "synthetic" and info["synthetic"] is True
    assert info["sources"] >= 1
    assert "PAR" in info["indices"]
    assert "province" in info["indices"]["PAR"]["levels"]
    assert info["indices"]["PAR"]["components"][0] == "total"
    assert any(name.startswith("PAR province") for name in info["coverage"])


def test_describe_datasets_lists_reports_with_their_state(project):
    info = describe_datasets(clean_dir=project / "data" / "clean", root=project)
    assert [d["dataset"] for d in info["datasets"]] == ["fx-published", "fx-synthetic"]
    assert info["reports"] == [
        {
            "id": "fx-synthetic/trend/bt",
            "title": None,
            "state": "not built",
            "folder": "reports/fx-synthetic/trend/bt",
        }
    ]


def test_cli_info_prints_text_and_json(project, capsys, monkeypatch):
    monkeypatch.chdir(project)
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    assert "fx-synthetic  (synthetic;" in out and "fx-synthetic/trend/bt  not built" in out
    assert main(["info", "fx-published", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["dataset"] == "fx-published" and info["coverage"]
    assert main(["info", "fx-published"]) == 0
    assert "Coverage, PAR province (units with a score):" in capsys.readouterr().out


def test_cli_info_names_an_unknown_dataset_and_the_closest(project, capsys, monkeypatch):
    monkeypatch.chdir(project)
    assert main(["info", "fx-publishd"]) == 1
    err = capsys.readouterr().err
    assert "no such cleaned dataset (value 'fx-publishd'). Fix: Did you mean 'fx-published'?" in err
