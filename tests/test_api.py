from __future__ import annotations

import subprocess
import sys

import parlib


def test_every_public_name_resolves():
    missing = [name for name in parlib.__all__ if not hasattr(parlib, name)]
    assert missing == []


def test_import_has_no_heavy_side_effects():
    code = (
        "import sys, parlib; "
        "print(any(m in sys.modules for m in ('matplotlib', 'pandera', 'seaborn')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "False"


def test_unknown_attribute_names_itself():
    try:
        parlib.nope  # noqa: B018
    except AttributeError as exc:
        assert "nope" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("no error")
