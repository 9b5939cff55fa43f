"""The README's commands on a fresh machine: what `make test` needs, and the pinned environment."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
MAKE = shutil.which("make")


@pytest.mark.skipif(MAKE is None, reason="make is not installed")
def test_make_test_without_chromium_names_what_to_install_before_running_anything(tmp_path):
    bin_dir = tmp_path / "bin"  # a PATH without chromium, as a user who is not root
    bin_dir.mkdir()
    os.symlink(MAKE, bin_dir / "make")
    (bin_dir / "id").write_text("#!/bin/sh\necho 1000\n", encoding="utf-8")
    (bin_dir / "id").chmod(0o755)
    env = {"PATH": str(bin_dir), "HOME": str(tmp_path)}
    result = subprocess.run(
        [str(bin_dir / "make"), "--no-print-directory", "test"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "make test needs Debian's chromium" in result.stdout
    assert "sudo apt-get install chromium" in result.stdout
    assert "pytest" not in result.stdout + result.stderr  # stopped before running anything


def test_lock_file_pins_every_package_with_hashes():
    text = (REPO / "requirements-lock.txt").read_text(encoding="utf-8")
    pins = re.findall(r"^([A-Za-z0-9_.-]+)==([^ \\\n]+)", text, flags=re.M)
    names = {name.lower().replace("_", "-") for name, _ in pins}
    for needed in (
        "pandas",
        "numpy",
        "matplotlib",
        "seaborn",
        "papermill",
        "pyarrow",
        "jupyterlab",
        "pytest",
        "playwright",
    ):
        assert needed in names
    blocks = re.split(r"\n(?=[A-Za-z0-9_.-]+==)", text.split("\n\n", 1)[-1])
    assert all("--hash=sha256:" in block for block in blocks if "==" in block)
    assert ">=" not in "".join(
        line for line in text.splitlines() if not line.startswith("#") and "via" not in line
    )


def test_makefile_installs_from_the_lock_and_can_refresh_it():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "--require-hashes" in makefile and "requirements-lock.txt" in makefile
    assert re.search(r"^lock:", makefile, flags=re.M)
    assert "pip-compile" in makefile and "--generate-hashes" in makefile
