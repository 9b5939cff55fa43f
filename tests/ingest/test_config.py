from __future__ import annotations

import textwrap

import pytest

from parlib.errors import ConfigError
from parlib.ingest.config import find_datasets, read_config

GOOD = """\
title: Chỉ số CCHC các sở, ngành tỉnh Bến Tre
kind: compiled
license: CC-BY-4.0
sources:
  - id: bt-2094-2022
    title: Quyết định công bố Chỉ số CCHC năm 2021
    publisher: UBND tỉnh Bến Tre
    date: 2022-09-20
    document: 2094/QĐ-UBND
files:
  - path: ben-tre-2021.csv
    source: bt-2094-2022
    index: PAR
    year: 2021
    province: Bến Tre
    level: department
    max_points: 100
"""


def make(tmp_path, text=GOOD, files=("ben-tre-2021.csv",), name="ben-tre"):
    folder = tmp_path / name
    folder.mkdir()
    (folder / "dataset.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    for f in files:
        (folder / f).write_text('Đơn vị,Điểm\nSở Nội vụ,"90,1"\n', encoding="utf-8")
    return folder


def test_read_config_reads_every_key(tmp_path):
    cfg = read_config(make(tmp_path))
    assert cfg.name == "ben-tre"
    assert cfg.kind == "compiled" and not cfg.synthetic
    (spec,) = cfg.files
    assert (spec.index, spec.year, spec.province, spec.level, spec.max_points) == (
        "PAR",
        2021,
        "Bến Tre",
        "department",
        100.0,
    )
    assert cfg.source("bt-2094-2022").document == "2094/QĐ-UBND"
    assert cfg.sources[0].date == "2022-09-20"


def test_find_datasets_lists_folders_with_yaml(tmp_path):
    make(tmp_path, name="a")
    (tmp_path / "not-a-dataset").mkdir()
    assert [p.name for p in find_datasets(tmp_path)] == ["a"]


def test_missing_raw_folder_names_it(tmp_path):
    with pytest.raises(ConfigError, match="does not exist.*Fix: create it"):
        find_datasets(tmp_path / "nope")


@pytest.mark.parametrize(
    ("old", "new", "match"),
    [
        (
            "    source: bt-2094-2022\n    index",
            "    source: other\n    index",
            r"names a source that is not in 'sources' \(value 'other'\).*Fix: use one of",
        ),
        (
            "  - path: ben-tre-2021.csv",
            "  - path: missing.csv",
            r"the file does not exist \(value 'missing.csv'\).*ben-tre-2021.csv",
        ),
        (
            "    year: 2021\n",
            "    yaer: 2021\n",
            r"unknown key 'files\[0\].yaer'.*did you mean 'year'",
        ),
        ("kind: compiled", "kind: guessed", r"'kind' must be one of.*value 'guessed'"),
        ("    date: 2022-09-20", "    date: 20/09/2022", r"YYYY-MM-DD.*value '20/09/2022'"),
        ("    level: department", "    level: ministry", r"'level' must be one of"),
        ("    max_points: 100", "    max_points: -5", r"'max_points' must be a positive number"),
        ("    year: 2021", "    year: '2021a'", r"'year' must be a whole number"),
        ("license: CC-BY-4.0\n", "", r"required key 'license' is missing"),
        (
            "  - path: ben-tre-2021.csv",
            "  - path: ../../etc/passwd",
            r"must stay inside the dataset folder",
        ),
    ],
)
def test_invalid_yaml_values_name_file_key_value_and_fix(tmp_path, old, new, match):
    assert old in GOOD
    folder = make(tmp_path, GOOD.replace(old, new))
    with pytest.raises(ConfigError, match=match) as info:
        read_config(folder)
    assert "dataset.yaml" in str(info.value)
    assert "Fix:" in str(info.value)


def test_missing_source_in_file_entry(tmp_path):
    folder = make(tmp_path, GOOD.replace("    source: bt-2094-2022\n", ""))
    with pytest.raises(ConfigError, match=r"required key 'files\[0\].source' is missing"):
        read_config(folder)


def test_yaml_syntax_error_names_the_line(tmp_path):
    folder = make(tmp_path, GOOD.replace("title: Chỉ", "title: [Chỉ"))
    with pytest.raises(ConfigError, match=r"row \d+: dataset.yaml is not valid YAML"):
        read_config(folder)


def test_missing_dataset_yaml(tmp_path):
    (tmp_path / "x").mkdir()
    with pytest.raises(ConfigError, match="dataset.yaml is missing"):
        read_config(tmp_path / "x")


def test_folder_name_must_be_a_slug(tmp_path):
    folder = make(tmp_path, name="Bến Tre")
    with pytest.raises(ConfigError, match="not a slug"):
        read_config(folder)


def test_boundaries_key(tmp_path):
    folder = make(tmp_path, GOOD.replace("    max_points: 100", "    boundaries: 2025"))
    assert read_config(folder).files[0].boundaries == "2025"


def test_errors_name_the_line_of_the_key(tmp_path):
    folder = make(tmp_path, GOOD.replace("    year: 2021\n", "    yaer: 2021\n"))
    with pytest.raises(ConfigError) as info:
        read_config(folder)
    assert info.value.row == GOOD.splitlines().index("    year: 2021") + 1
    assert f"row {info.value.row}" in str(info.value)


def test_missing_key_error_names_the_line_of_its_entry_and_no_value(tmp_path):
    text = GOOD.replace("    publisher: UBND tỉnh Bến Tre\n", "")
    with pytest.raises(ConfigError) as info:
        read_config(make(tmp_path, text))
    assert info.value.row == 5 and "(value" not in str(info.value)
    assert str(info.value).endswith(
        "column 'sources[0].publisher': required key "
        "'sources[0].publisher' is missing or empty. Fix: add "
        "'publisher:' (see data/raw/README.md)."
    )
