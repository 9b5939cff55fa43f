from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from parlib.cli import main

YAML = """\
title: CLI test
kind: compiled
license: CC-BY-4.0
sources:
  - {id: s1, title: Báo cáo, publisher: UBND tỉnh Bến Tre, date: 2023-05-18}
files:
  - {path: t.csv, source: s1, index: PAR, year: 2022, province: Bến Tre, level: department}
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    ds = tmp_path / "data" / "raw" / "bt"
    ds.mkdir(parents=True)
    (ds / "dataset.yaml").write_text(YAML, encoding="utf-8")
    (ds / "t.csv").write_text(
        'Đơn vị,Điểm,Xếp hạng\nSở Công Thương,"98,56%",01/18\nSở Nội vụ,"120%",2/18\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_clean_writes_outputs_and_summarises_quarantine(project, capsys):
    assert main(["clean", "--no-progress"]) == 0
    out, err = capsys.readouterr()
    assert "bt: 2 rows read from 1 file, 1 figure clean, 1 row quarantined" in out
    assert "score_within_scale 1" in err
    assert (project / "data" / "clean" / "bt" / "scores.parquet").is_file()


def test_clean_keeps_the_files_beside_the_datasets(project, capsys):
    keep = project / "data" / "clean" / ".gitkeep"
    keep.parent.mkdir(parents=True)
    keep.write_bytes(b"")
    assert main(["clean", "--no-progress"]) == 0
    assert main(["clean", "--no-progress"]) == 0
    assert keep.is_file()


def test_clean_with_other_folders(project, capsys):
    assert (
        main(
            ["clean", "--raw", "data/raw", "--out", "elsewhere", "--dataset", "bt", "--no-progress"]
        )
        == 0
    )
    assert (project / "elsewhere" / "bt" / "report.json").is_file()


def test_invalid_yaml_exits_non_zero_with_one_paragraph(project, capsys):
    path = project / "data" / "raw" / "bt" / "dataset.yaml"
    path.write_text(YAML.replace("source: s1, index", "source: s9, index"), encoding="utf-8")
    assert main(["clean", "--no-progress"]) == 1
    err = capsys.readouterr().err.strip()
    assert "\n" not in err
    assert "dataset.yaml" in err and "'s9'" in err and "Fix:" in err


def test_unreadable_file_exits_non_zero_and_keeps_outputs(project, capsys):
    assert main(["clean", "--no-progress"]) == 0
    before = (project / "data" / "clean" / "bt" / "scores.csv").read_bytes()
    (project / "data" / "raw" / "bt" / "t.csv").write_bytes(b"")
    assert main(["clean", "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert "t.csv" in err and "Fix:" in err
    assert (project / "data" / "clean" / "bt" / "scores.csv").read_bytes() == before


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "clean" in capsys.readouterr().err


def test_console_script_runs(project):
    exe = Path(sys.executable).with_name("parlib")
    proc = subprocess.run(
        [str(exe), "clean", "--no-progress"],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ},
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads((project / "data" / "clean" / "bt" / "report.json").read_text("utf-8"))
    assert report["totals"]["rows_quarantined"] == 1


def test_demo_data_bad_seed_is_a_clear_error(tmp_path, capsys):
    assert main(["demo-data", "--out", str(tmp_path / "d"), "--seed", "-1"]) == 1
    assert "Fix: pass --seed" in capsys.readouterr().err


# What the clean command sets up in its process, read back as the process sees it.
_POOL = "import pyarrow as pa; print(pa.default_memory_pool().backend_name)"
_BLAS = "import os, numpy; print(os.environ['OPENBLAS_NUM_THREADS'])"


@pytest.mark.parametrize(
    "variable,setting,probe,expected",
    [
        ("ARROW_DEFAULT_MEMORY_POOL", None, _POOL, "system"),
        ("ARROW_DEFAULT_MEMORY_POOL", "mimalloc", _POOL, "mimalloc"),
        ("OPENBLAS_NUM_THREADS", None, _BLAS, "1"),
        ("OPENBLAS_NUM_THREADS", "4", _BLAS, "4"),
    ],
)
def test_clean_command_tunes_its_process_unless_told(variable, setting, probe, expected):
    code = "from parlib.cli import _tune_process; _tune_process(); " + probe
    env = {k: v for k, v in os.environ.items() if k != variable}
    if setting:
        env[variable] = setting
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == expected


@pytest.mark.parametrize(
    "command,code",
    [
        (["clean", "--no-progress"], 0),
        (["clean", "--raw", "missing"], 1),
        (["cite", "missing.png"], 1),
    ],
)
def test_the_program_ends_with_its_output_flushed_and_its_exit_code(project, command, code):
    # What the program printed to a pipe arrives, and its exit code is the command's.
    out = subprocess.run(
        [sys.executable, "-c", "from parlib.cli import run; run()", *command],
        capture_output=True,
        text=True,
    )
    assert out.returncode == code
    if code == 0:
        assert out.stdout.startswith("bt: 2 rows read from 1 file, ")
        assert "score_within_scale 1" in out.stderr
        assert (project / "data" / "clean" / "bt" / "scores.csv").is_file()
    else:
        assert out.stderr.startswith(f"parlib {command[0]}: ") and "Fix:" in out.stderr


def test_cite_without_a_good_sidecar_names_the_file_and_the_fix(tmp_path, capsys):
    assert main(["cite", str(tmp_path / "f.png")]) == 1
    err = capsys.readouterr().err
    assert "f.png: the figure has no sidecar file" in err and "Fix:" in err
    (tmp_path / "g.json").write_text("{bad", encoding="utf-8")
    assert main(["cite", str(tmp_path / "g.png")]) == 1
    err = capsys.readouterr().err
    assert "g.json: the figure's sidecar is not valid JSON" in err and "Fix:" in err


@pytest.mark.parametrize(
    ("fmt", "start"),
    [
        ("text", "SYNTHETIC DATA, NOT REAL FIGURES"),
        ("bibtex", "@misc{demo-trend-a-trend,"),
        ("ris", "TY  - FIGURE"),
        ("csl-json", "["),
    ],
)
def test_cite_prints_each_format(tmp_path, capsys, fmt, start):
    import matplotlib.pyplot as plt

    from parlib.publish.citations import Release, cite_documents
    from parlib.viz.figures import save_figure

    fig, ax = plt.subplots()
    ax.plot([1, 2], [3, 4])
    release = Release(
        dataset="demo", title="Demo", version="1.0.0", released="2025-07-01", synthetic=True
    )
    cite = cite_documents(None, key="demo-trend-a-trend", title="Trend", release=release)
    save_figure(
        fig,
        tmp_path / "trend",
        title="Trend",
        caption="c",
        source="Nguồn: x",
        citation=cite,
        formats=["png"],
        dpi=20,
    )
    plt.close(fig)
    assert main(["cite", str(tmp_path / "trend.png"), "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert out.startswith(start)
    if fmt == "csl-json":
        items = json.loads(out)
        assert [i["type"] for i in items] == ["figure", "dataset"]
        assert "dữ liệu giả lập" in items[0]["note"]


def test_cite_names_a_sidecar_without_the_format(tmp_path, capsys):
    (tmp_path / "old.json").write_text(json.dumps({"citation": {"text": "x"}}), encoding="utf-8")
    assert main(["cite", str(tmp_path / "old.png"), "--format", "ris"]) == 1
    err = capsys.readouterr().err
    assert "has no ris citation" in err and "make reports" in err


def one_paragraph(err: str) -> str:
    err = err.strip()
    assert "Traceback" not in err and "\n" not in err and "Fix:" in err, err
    return err


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        (
            "date: 2023-05-18",
            "date: 2022-02-30",
            ["sources[0].date", "'2022-02-30'", "not a day of the calendar"],
        ),
        (
            "level: department}",
            "level: department, delimiter: ';;'}",
            ["files[0].delimiter", "';;'", "one character"],
        ),
        ("path: t.csv", 'path: "t\\0.csv"', ["files[0].path", "NUL character"]),
        ("title: CLI test", "title: &t CLI test\nnotes: *t", ["YAML alias (*t)"]),
    ],
)
def test_bad_yaml_values_are_one_paragraph_errors(project, capsys, old, new, words):
    path = project / "data" / "raw" / "bt" / "dataset.yaml"
    path.write_text(YAML.replace(old, new), encoding="utf-8")
    assert main(["clean", "--no-progress"]) == 1
    err = one_paragraph(capsys.readouterr().err)
    assert err.startswith("parlib clean: data/raw/bt/dataset.yaml")
    for word in words:
        assert word in err


@pytest.mark.parametrize(
    ("code", "fix"),
    [(28, "free some disk space"), (13, "make the folder writable"), (30, "the disk is read-only")],
)
def test_system_errors_while_writing_are_one_paragraph_and_leave_no_temporary_folder(
    project, capsys, monkeypatch, code, fix
):
    from parlib.publish import outputs

    assert main(["clean", "--no-progress"]) == 0
    before = (project / "data" / "clean" / "bt" / "scores.csv").read_bytes()
    capsys.readouterr()

    def refuse(frame, path):
        Path(path).write_bytes(b"partial")
        raise OSError(code, os.strerror(code), str(path))

    monkeypatch.setattr(outputs, "write_csv", refuse)
    assert main(["clean", "--no-progress"]) == 1
    err = one_paragraph(capsys.readouterr().err)
    assert "scores.csv" in err and os.strerror(code) in err and fix in err
    assert sorted(p.name for p in (project / "data" / "clean").iterdir()) == [".parlib.lock", "bt"]
    assert (project / "data" / "clean" / "bt" / "scores.csv").read_bytes() == before


def test_cite_on_a_json_list_is_a_clear_error(tmp_path, capsys):
    (tmp_path / "f.json").write_text("[1, 2]", encoding="utf-8")
    assert main(["cite", str(tmp_path / "f.png")]) == 1
    assert "holds no citation" in one_paragraph(capsys.readouterr().err)


def test_cite_strips_terminal_control_characters(tmp_path, capsys):
    evil = "Báo cáo\x1b[2J\x1b]0;owned\x07\rFAKE LINE\x9b31m\u202eusb"
    (tmp_path / "f.json").write_text(
        json.dumps({"citation": {"text": evil, "bibtex": "@x{\x1b"}}), encoding="utf-8"
    )
    assert main(["cite", str(tmp_path / "f.png")]) == 0
    out = capsys.readouterr().out
    assert "Báo cáo[2J]0;ownedFAKE LINE31musb" in out
    assert not any(ch in out for ch in "\x1b\x07\r\x9b\u202e")


def test_warnings_and_summaries_strip_terminal_control_characters(project):
    table = project / "data" / "raw" / "bt" / "t.csv"
    table.write_text(
        "Đơn vị,Điểm,Xếp hạng\nSở \x1b[2JCông\x08\x08Thương,80,1/3\n"
        "Sở Công\x1b[31m Thương,90,2/3\nSở Lạ\x1b]0;x\x07,70,3/3\n",
        encoding="utf-8",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "parlib.cli", "clean", "--no-progress"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "[31m Thương is ranked 2 with 90 but Sở [2JCôngThương is ranked higher" in proc.stderr
    assert not any(ch in proc.stdout + proc.stderr for ch in "\x1b\x08\r\x07"), proc.stderr
