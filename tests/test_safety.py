"""Raw data is read-only to parlib: every writing command refuses raw folders first."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from parlib.cli import main
from parlib.errors import OutputError
from parlib.safety import MARKER, check_output_dir, umask_mode, write_atomic

YAML = """\
title: Safety test
kind: compiled
license: CC-BY-4.0
sources: [{id: s1, title: Báo cáo, publisher: UBND tỉnh Bến Tre, date: 2023-05-18}]
files: [{path: t.csv, source: s1, index: PAR, year: 2022, province: Bến Tre, level: department}]
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    ds = tmp_path / "data" / "raw" / "bt"
    ds.mkdir(parents=True)
    (ds / "dataset.yaml").write_text(YAML, encoding="utf-8")
    (ds / "t.csv").write_text('Đơn vị,Điểm\nSở Công Thương,"98,56"\n', encoding="utf-8")
    (tmp_path / "data" / "raw" / "README.md").write_text("notes\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["clean", "--out", "data/raw"], "is the raw data folder"),
        (["clean", "--raw", "data/raw", "--out", "data/raw"], "is the raw data folder"),
        (["clean", "--raw", "data/raw/bt", "--out", "data/raw/bt"], "is the raw data folder"),
        (["clean", "--out", "data"], "contains the raw data folder"),
        (["clean", "--out", "."], "contains the raw data folder"),
        (["clean", "--out", "data/raw/bt/clean"], "is inside the raw data folder"),
        (["demo-data", "--out", "data/raw/bt"], "holds a raw dataset that is not synthetic"),
        (["demo-data", "--out", "data/raw"], "is the raw data folder"),
        (["demo-data", "--out", "data/raw/bt/demo"], "is inside the raw dataset"),
        (["demo-data", "--out", "data"], "contains the raw data folder"),
    ],
)
def test_writing_commands_refuse_raw_folders_before_writing(project, capsys, args, words):
    before = tree(project)
    assert main([*args, *(["--no-progress"] if args[0] == "clean" else [])]) == 1
    err = capsys.readouterr().err.strip()
    assert words in err and "Fix:" in err and "\n" not in err
    assert tree(project) == before  # nothing written, nothing deleted


def test_raw_folder_elsewhere_is_refused_and_its_unrelated_files_kept(tmp_path, capsys):
    """``--raw X --out X`` once deleted a file unrelated to parlib in X."""
    raw = tmp_path / "x"
    (raw / "bt").mkdir(parents=True)
    (raw / "bt" / "dataset.yaml").write_text(YAML, encoding="utf-8")
    (raw / "bt" / "t.csv").write_text("Đơn vị,Điểm\nSở Nội vụ,90\n", encoding="utf-8")
    (raw / "mine.txt").write_text("my own notes\n", encoding="utf-8")
    before = tree(raw)
    assert main(["clean", "--raw", str(raw), "--out", str(raw), "--no-progress"]) == 1
    assert "is the raw data folder" in capsys.readouterr().err
    assert tree(raw) == before


def test_a_folder_parlib_did_not_make_is_never_replaced(project, capsys):
    out = project / "data" / "clean" / "bt"
    out.mkdir(parents=True)
    (out / "thesis.docx").write_bytes(b"years of work")
    assert main(["clean", "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert "was not made by parlib" in err and "thesis.docx" in err
    assert (out / "thesis.docx").read_bytes() == b"years of work"
    assert sorted(p.name for p in out.iterdir()) == ["thesis.docx"]


def test_parlib_marks_its_folders_and_replaces_them(project, capsys):
    assert main(["clean", "--no-progress"]) == 0
    out = project / "data" / "clean" / "bt"
    assert (out / MARKER).is_file()
    (out / "stale.csv").write_text("left by an older parlib\n")  # in a marked folder: replaced
    assert main(["clean", "--no-progress"]) == 0
    assert not (out / "stale.csv").exists()


def test_a_folder_of_only_parlib_outputs_from_before_markers_is_replaced(project, capsys):
    assert main(["clean", "--no-progress"]) == 0
    out = project / "data" / "clean" / "bt"
    (out / MARKER).unlink()
    assert main(["clean", "--no-progress"]) == 0
    assert (out / MARKER).is_file()


def test_demo_data_rewrites_a_synthetic_dataset_only(project, capsys):
    assert main(["demo-data", "--out", "data/raw/demo-synthetic"]) == 0
    assert main(["demo-data", "--out", "data/raw/demo-synthetic"]) == 0  # its own: again
    assert "kind: synthetic" in (project / "data/raw/demo-synthetic/dataset.yaml").read_text(
        encoding="utf-8"
    )


def test_out_that_is_a_file_or_holds_nul_is_refused(project, capsys):
    (project / "afile").write_text("x")
    assert main(["clean", "--out", "afile", "--no-progress"]) == 1
    assert "the output folder is a file" in capsys.readouterr().err
    with pytest.raises(OutputError, match="NUL character"):
        check_output_dir("a\0b")


def test_an_output_path_through_a_symlink_loop_is_named(tmp_path):
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    with pytest.raises(OutputError, match="the path cannot be resolved"):
        check_output_dir(tmp_path / "a" / "out")


def test_reports_refuse_an_output_dir_in_raw_data(project):
    from parlib.reports import run_reports

    fixtures = Path(__file__).parent / "fixtures" / "reports"
    shutil.copytree(fixtures / "clean", project / "data" / "clean")
    (project / "notebooks").mkdir()
    shutil.copy(fixtures / "notebooks" / "probe.ipynb", project / "notebooks")
    before = tree(project / "data" / "raw")
    for output_dir, words in [
        ("data/raw", "is the raw data folder"),
        ("data/raw/bt", "is inside the raw data folder"),
        ("data", "contains the raw data folder"),
    ]:
        (project / "reports.yaml").write_text(
            f"output_dir: {output_dir}\ndatasets:\n  fx-synthetic:\n    reports:\n"
            "      - {notebook: probe, slug: probe-a, parameters: {mark: a}}\n",
            encoding="utf-8",
        )
        with pytest.raises(OutputError, match=words):
            run_reports(root=project, progress=False)
    assert tree(project / "data" / "raw") == before


def test_site_refuses_a_raw_dataset_folder(project):
    from parlib.reports.site import write_site

    with pytest.raises(OutputError, match="raw"):
        write_site(project / "data" / "raw" / "bt")
    assert not (project / "data" / "raw" / "bt" / "index.html").exists()


def test_umask_mode_follows_the_umask():
    old = os.umask(0o027)
    try:
        assert umask_mode(folder=True) == 0o750
        assert umask_mode(folder=False) == 0o640
    finally:
        os.umask(old)


def test_write_atomic_replaces_whole_files_with_the_umask_mode(tmp_path):
    target = tmp_path / "a.json"
    target.write_bytes(b"old")
    assert write_atomic(target, lambda f: f.write(b"new")) == target
    assert target.read_bytes() == b"new"
    assert target.stat().st_mode & 0o777 == umask_mode(folder=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json"]


def test_write_atomic_keeps_the_old_file_when_writing_fails(tmp_path):
    target = tmp_path / "a.json"
    target.write_bytes(b"old")

    def fail(handle):
        handle.write(b"half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        write_atomic(target, fail)
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json"]
