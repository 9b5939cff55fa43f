"""Parameters as people type them: coercion, unknown names, and plain ``papermill`` runs.

The papermill tests run the shipped notebooks with the ``papermill`` command from the
project root, as the README shows (``-p``, ``-y``, ``-f params.yaml``), on fixture data.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from parlib.errors import ParameterError
from parlib.reports.notebook import adhoc_slug
from parlib.reports.parameters import (
    check_injected,
    coerce_parameter,
    parameters_of,
    show_errors_briefly,
)

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parents[1] / "fixtures" / "reports"
PAPERMILL = Path(sys.executable).with_name("papermill")


@pytest.mark.parametrize(
    ("name", "value", "default", "expected"),
    [
        ("provinces", '["Bến Tre", "Trà Vinh"]', [], ["Bến Tre", "Trà Vinh"]),
        ("provinces", "['Bến Tre', 'Trà Vinh']", [], ["Bến Tre", "Trà Vinh"]),
        ("provinces", "Bến Tre, Trà Vinh", [], ["Bến Tre", "Trà Vinh"]),
        ("provinces", "[Bến Tre, Trà Vinh]", [], ["Bến Tre", "Trà Vinh"]),
        ("provinces", "Bến Tre", [], ["Bến Tre"]),
        ("provinces", 79, [], ["79"]),
        ("provinces", "", [], []),
        ("years", "[2023]", [], [2023]),
        ("years", 2023, [], [2023]),
        ("years", "2019, 2020", [], [2019, 2020]),
        ("years", ["2021"], [], [2021]),
        ("boundaries", 2025, "legacy", "2025"),
        ("year", "2023", 0, 2023),
        ("year", 2023.0, 0, 2023),
        ("scale", "1,5", 1.0, 1.5),
        ("flag", "true", False, True),
        ("anything", {"a": 1}, None, {"a": 1}),
    ],
)
def test_coerce_parameter_reads_values_as_people_type_them(name, value, default, expected):
    assert coerce_parameter(name, value, default) == expected


@pytest.mark.parametrize(
    ("name", "value", "default", "message"),
    [
        (
            "year",
            "last",
            0,
            r"parameter 'year' must be a whole number like its default 0 "
            r"\(value 'last'\)\. Fix: pass it as e\.g\. -p year 0\.",
        ),
        ("years", "2019, twenty", [], r"parameter 'years' must be a list of whole numbers"),
        ("flag", "maybe", False, r"parameter 'flag' must be true or false \(value 'maybe'\)"),
    ],
)
def test_coerce_parameter_names_what_it_cannot_read(name, value, default, message):
    with pytest.raises(ParameterError, match=message):
        coerce_parameter(name, value, default)


def test_parameters_of_reads_assignments_only():
    assert parameters_of('a = 1  # note\nb = ["x"]\nc: str = "y"') == {"a": 1, "b": ["x"], "c": "y"}
    assert parameters_of("import os") is None
    assert parameters_of("a = (") is None


def shell(*inputs: str, **namespace) -> SimpleNamespace:
    return SimpleNamespace(user_ns={"In": ["", *inputs], **namespace})


def test_check_injected_coerces_into_the_namespace():
    sh = shell(
        'provinces = []\nyears = []\nboundaries = "legacy"',
        "import parlib",
        'provinces = []\nyears = []\nboundaries = "legacy"',
        '# Parameters\nprovinces = "Bến Tre, Trà Vinh"\nboundaries = 2025\n',
        provinces="Bến Tre, Trà Vinh",
        years=[],
        boundaries=2025,
    )
    assert check_injected(sh) == {"provinces": ["Bến Tre", "Trà Vinh"], "boundaries": "2025"}
    assert sh.user_ns["provinces"] == ["Bến Tre", "Trà Vinh"]
    assert sh.user_ns["boundaries"] == "2025"


def test_check_injected_refuses_a_name_the_parameters_cell_does_not_define():
    sh = shell('years = []\nlang = "vi"', "# Parameters\nyaers = [2020]\n", yaers=[2020])
    with pytest.raises(
        ParameterError,
        match=r"unknown parameter 'yaers': the notebook does not "
        r"define it \(value \[2020\]\)\. Fix: did you mean "
        r"'years'\? the notebook's parameters are "
        r"\['lang', 'years'\]",
    ):
        check_injected(sh)


def test_check_injected_without_injection_or_ipython_checks_nothing():
    assert check_injected(shell("years = []", "x = 1")) == {}
    assert check_injected() == {}  # not inside IPython


def test_check_injected_needs_a_parameters_cell():
    with pytest.raises(ParameterError, match="no cell of defaults"):
        check_injected(shell("import parlib", "# Parameters\nyears = [1]\n"))


def test_show_errors_briefly_registers_a_handler_that_shows_one_line():
    sent = []

    class Shell:
        def set_custom_exc(self, exc_tuple, handler):
            self.exc_tuple, self.handler = exc_tuple, handler

        def _showtraceback(self, etype, value, stb):
            sent.append(stb)

    sh = Shell()
    assert show_errors_briefly(sh)
    err = ParameterError("unknown parameter 'foo'", value="bar", fix="remove it")
    stb = sh.handler(sh, type(err), err, None)
    assert stb == ["ParameterError: unknown parameter 'foo' (value 'bar'). Fix: remove it."]
    assert sent == [stb]
    assert not show_errors_briefly(SimpleNamespace())  # no IPython: nothing registered


def test_adhoc_slug_names_the_parameters():
    assert (
        adhoc_slug({"provinces": ["Bến Tre"], "years": [2023], "clean_dir": "x"})
        == "provinces-ben-tre-years-2023"
    )
    assert adhoc_slug({"provinces": []}) == "provinces-all"


# -- plain papermill, from the project root -------------------------------------------------


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("papermill")
    shutil.copytree(FIXTURES / "clean", root / "data" / "clean")
    shutil.copytree(REPO / "notebooks", root / "notebooks")
    (root / "pyproject.toml").write_text("", encoding="utf-8")
    return root


def papermill(project: Path, notebook: str, *args: str) -> subprocess.CompletedProcess:
    out = project / f"out-{len(list(project.glob('out-*')))}.ipynb"
    return subprocess.run(
        [
            str(PAPERMILL),
            f"notebooks/{notebook}.ipynb",
            str(out),
            "-k",
            "python3",
            "--no-progress-bar",
            *args,
        ],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )


def outputs(result: subprocess.CompletedProcess, project: Path) -> list[dict]:
    path = Path(result.args[2])
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [o for c in nb["cells"] if c["cell_type"] == "code" for o in c["outputs"]]


@pytest.mark.slow
def test_papermill_p_takes_lists_as_text_and_numbers_for_text(project):
    result = papermill(
        project,
        "trend",
        "-p",
        "dataset",
        "fx-synthetic",
        "-p",
        "provinces",
        '["ben tre", "Bắc Cạn"]',
        "-p",
        "years",
        "[2021]",
        "-p",
        "boundaries",
        "2025",
    )
    assert result.returncode == 0, result.stderr[-2000:]
    folder = (
        project
        / "reports"
        / "_adhoc"
        / "trend"
        / "boundaries-2025-dataset-fx-synthetic-provinces-ben-tre-bac-can-years-2021"
    )
    assert (folder / "figures" / "trend.png").is_file()
    notes = "".join(
        "".join(o.get("text", "")) for o in outputs(result, project) if o.get("name") == "stderr"
    )
    assert (
        "Note: 'ben tre' is legacy province 83 Bến Tre, part of 86 Vĩnh Long from "
        "2025-07-01. Under 2025 boundaries it selects that province."
    ) in notes
    assert "Bắc Cạn' is legacy province 06 Bắc Kạn, part of 19 Thái Nguyên" in notes


@pytest.mark.slow
def test_papermill_y_and_f_take_yaml(project):
    (project / "params.yaml").write_text(
        "dataset: fx-synthetic\nindex: Chỉ số CCHC\nlevel: sở\nprovinces: Ben Tre\n"
        "unit_type: Sở Tài chính\nyear: '2022'\n",
        encoding="utf-8",
    )
    result = papermill(project, "comparison", "-f", "params.yaml")
    assert result.returncode == 0, result.stderr[-2000:]
    result = papermill(
        project,
        "correlation",
        "-y",
        "dataset: fx-synthetic\nyears: 2021, 2022\nboundaries: 2025\nlang: en",
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert (
        project
        / "reports"
        / "_adhoc"
        / "correlation"
        / "boundaries-2025-dataset-fx-synthetic-lang-en-years-2021-2022"
    ).is_dir()


@pytest.mark.slow
def test_papermill_unknown_parameter_fails_in_one_paragraph_before_any_analysis(project):
    result = papermill(project, "trend", "-p", "dataset", "fx-synthetic", "-p", "foo", "bar")
    assert result.returncode != 0
    errors = [o for o in outputs(result, project) if o["output_type"] == "error"]
    assert len(errors) == 1
    (line,) = errors[0]["traceback"]
    assert line.startswith(
        "ParameterError: unknown parameter 'foo': the notebook does not "
        "define it (value 'bar'). Fix: the notebook's parameters are ["
    )
    assert line in result.stderr
    assert not (project / "reports" / "_adhoc" / "trend" / "dataset-fx-synthetic-foo-bar").exists()


@pytest.mark.slow
def test_papermill_unknown_province_suggests_the_closest_in_one_paragraph(project):
    result = papermill(
        project, "trend", "-p", "dataset", "fx-synthetic", "-p", "provinces", "Ben Tree"
    )
    assert result.returncode != 0
    (error,) = [o for o in outputs(result, project) if o["output_type"] == "error"]
    assert error["ename"] == "SelectionError"
    assert error["traceback"] == [
        "SelectionError: No rows for provinces=['Ben Tree'] (index='PAR', level='province'); "
        "available: ['Bắc Kạn', 'Bến Tre', 'Thái Nguyên', 'Trà Vinh', 'Vĩnh Long', "
        "'Đồng Tháp']. No province is called 'Ben Tree'. Did you mean 'Bến Tre'?"
    ]
