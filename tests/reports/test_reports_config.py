"""Tests of reports.yaml parsing and validation (no kernels)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from parlib.errors import ConfigError, ParameterError
from parlib.reports import read_reports_config, slugify_report
from parlib.reports.notebook_params import notebook_parameters

REPO = Path(__file__).resolve().parents[2]
PARAMS = (
    'dataset = "demo"\nindex = "PAR"\nprovinces = []\nyear = 0\nlang = "vi"\n'
    'boundaries = "legacy"\nclean_dir = "data/clean"\noutput_dir = "reports/_adhoc"'
)


@pytest.fixture
def project(tmp_path) -> Path:
    (tmp_path / "notebooks").mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(PARAMS, metadata={"tags": ["parameters"]})]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    for name in ("trend", "comparison"):
        nbformat.write(nb, tmp_path / "notebooks" / f"{name}.ipynb")
    return tmp_path


def write(project: Path, text: str) -> Path:
    path = project / "reports.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_reports_yaml_is_valid():
    cfg = read_reports_config(REPO / "reports.yaml")
    by_dataset = {}
    for spec in cfg.reports:
        by_dataset.setdefault(spec.dataset, []).append(spec)
    assert set(by_dataset) == {"demo-synthetic", "vn-published", "papi-official"}
    papi = by_dataset["papi-official"]
    assert {s.notebook for s in papi} == {"trend", "correlation", "comparison"}
    assert all(s.parameters["index"] == "PAPI" for s in papi)
    demo = by_dataset["demo-synthetic"]
    assert 10 <= len(demo) <= 14
    assert {s.notebook for s in demo} == {"trend", "correlation", "comparison"}
    assert {s.parameters["lang"] for s in demo} == {"vi", "en"}
    assert {s.parameters["boundaries"] for s in demo} == {"legacy", "2025"}
    assert {s.parameters["level"] for s in demo} >= {"province", "department", "district"}


def test_shipped_notebooks_have_literal_parameters():
    for name in ("trend", "correlation", "comparison"):
        params = notebook_parameters(REPO / "notebooks" / f"{name}.ipynb")
        assert {
            "dataset",
            "index",
            "component",
            "level",
            "provinces",
            "unit_type",
            "boundaries",
            "lang",
            "clean_dir",
            "output_dir",
        } <= set(params)
        assert params["clean_dir"] == "data/clean"
        assert params["output_dir"] == "reports/_adhoc"
        nb = nbformat.read(REPO / "notebooks" / f"{name}.ipynb", as_version=4)
        assert nb.metadata["kernelspec"]["name"] == "parlib"
        assert nb.metadata["kernelspec"]["display_name"] == "parlib (.venv)"
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
        assert not any("def " in c.source for c in nb.cells if c.cell_type == "code")


def test_reads_reports_with_defaults_and_derived_slugs(project):
    cfg = read_reports_config(
        write(
            project,
            """
defaults: {lang: en}
datasets:
  demo:
    defaults: {index: SIPAS}
    reports:
      - notebook: trend
        parameters: {provinces: [Bến Tre, Trà Vinh]}
      - notebook: comparison
        title: "Sở Tài chính 2023"
        parameters: {year: 2023, lang: vi}
""",
        )
    )
    first, second = cfg.reports
    assert first.parameters == {
        "lang": "en",
        "index": "SIPAS",
        "provinces": ["Bến Tre", "Trà Vinh"],
    }
    assert first.id == "demo/trend/sipas-en-ben-tre-tra-vinh"
    assert second.slug == "so-tai-chinh-2023"
    assert second.parameters["lang"] == "vi"
    assert cfg.output_dir == project / "reports"
    assert cfg.clean_dir == project / "data" / "clean"


def test_unknown_parameter_names_parameter_notebook_and_known_ones(project):
    path = write(
        project,
        "datasets:\n  demo:\n    reports:\n"
        "      - {notebook: trend, parameters: {provinse: [Huế]}}\n",
    )
    with pytest.raises(
        ParameterError,
        match=r"unknown parameter 'provinse' for notebook "
        r"trend\.ipynb.*did you mean 'provinces'",
    ) as err:
        read_reports_config(path)
    assert "boundaries" in str(err.value)  # the known parameters are listed
    assert err.value.column == "datasets.demo.reports[0].parameters.provinse"


def test_parameter_of_the_wrong_type_is_refused(project):
    path = write(
        project,
        "datasets:\n  demo:\n    reports:\n"
        "      - {notebook: trend, parameters: {provinces: {Huế: 1}}}\n",
    )
    with pytest.raises(ParameterError, match="'provinces' of notebook trend.ipynb must be list"):
        read_reports_config(path)


def test_parameters_are_read_as_people_write_them(project):
    path = write(
        project,
        "datasets:\n  demo:\n    reports:\n"
        "      - {notebook: trend, parameters: {provinces: 'TP.HCM, HN',\n"
        "         boundaries: 2025}}\n",
    )
    (spec,) = read_reports_config(path).reports
    assert spec.parameters["provinces"] == ["TP.HCM", "HN"]
    assert spec.parameters["boundaries"] == "2025"


@pytest.mark.parametrize(
    "name",
    [
        "TPHCM",
        "HCM",
        "Ho Chi Minh City",
        "Sài Gòn",
        "TT Huế",
        "Hue",
        "HN",
        "ben tre",
        "79",
        "Thừa Thiên Huế",
    ],
)
def test_province_names_as_people_write_them_pass(project, name):
    path = write(
        project,
        "datasets:\n  demo:\n    reports:\n"
        f"      - {{notebook: trend, parameters: {{provinces: ['{name}']}}}}\n",
    )
    assert read_reports_config(path).reports[0].parameters["provinces"] == [name]


def test_unknown_province_gets_the_closest_names(project):
    path = write(
        project,
        "datasets:\n  demo:\n    reports:\n"
        "      - {notebook: trend, parameters: {provinces: [Ben Tree]}}\n",
    )
    with pytest.raises(
        ParameterError,
        match=r"provinces.*no province has this name \(value "
        r"'Ben Tree'\)\. Fix: Did you mean 'Bến Tre'\?",
    ):
        read_reports_config(path)


@pytest.mark.parametrize("key, value", [("lang", "fr"), ("boundaries", "1976")])
def test_choice_parameters_are_checked(project, key, value):
    path = write(
        project,
        f"datasets:\n  demo:\n    reports:\n"
        f"      - {{notebook: trend, parameters: {{{key}: '{value}'}}}}\n",
    )
    with pytest.raises(ParameterError, match=f"parameter '{key}' must be one of"):
        read_reports_config(path)


@pytest.mark.parametrize(
    "text, match",
    [
        (
            "datasets:\n  demo:\n    reports:\n      - {notebook: trend, parameters: "
            "{clean_dir: /tmp}}\n",
            "the parameter 'clean_dir' is set by the runner",
        ),
        (
            "datasets:\n  demo:\n    reports:\n      - {notebook: trend, slug: ../up}\n",
            "a slug must be ASCII words",
        ),
        (
            "datasets:\n  demo:\n    reports:\n      - {notebook: trend, slug: a}\n"
            "      - {notebook: trend, slug: a}\n",
            "two reports would write to the same folder",
        ),
        (
            "datasets:\n  demo:\n    reports:\n      - {notebook: nope}\n",
            r"the notebook does not exist.*comparison.*trend",
        ),
        (
            "datasets:\n  demo:\n    reports:\n      - {notebok: trend}\n",
            "unknown key datasets.demo.reports\\[0\\].notebok.*did you mean 'notebook'",
        ),
        ("datasets:\n  Demo Data:\n    reports: []\n", "a dataset name must be a slug"),
        ("datasets:\n  demo:\n    reports: []\n", "'reports' must be a non-empty list"),
        ("datasets: [a, b]\n", "'datasets' must map dataset names"),
        (
            "datasets:\n  demo: {reports: [{notebook: trend}]}\ntimeout: -3\n",
            "'timeout' must be a positive number",
        ),
        ("datasets:\n  demo:\n   reports:\n  - x: [\n", "not valid YAML"),
    ],
)
def test_config_errors_name_file_key_and_fix(project, text, match):
    with pytest.raises(ConfigError, match=match) as err:
        read_reports_config(write(project, text))
    assert "reports.yaml" in str(err.value)
    assert "Fix:" in str(err.value)


def test_missing_config_file(project):
    with pytest.raises(ConfigError, match="the reports configuration does not exist"):
        read_reports_config(project / "nope.yaml")


@pytest.mark.parametrize(
    "text",
    [
        "../../etc/passwd",
        "..",
        "/",
        "</script>",
        "Đắk Lắk/..",
        "a" * 300,
        "CON",
        "x\x00y",
        "\u202e\u202dabc",
    ],
)
def test_slugs_are_safe_folder_names(text):
    slug = slugify_report(text)
    assert ".." not in slug and "/" not in slug and "\\" not in slug
    assert all(c.isascii() and (c.isalnum() or c == "-") for c in slug)
    assert len(slug) <= 80
