"""Content hashes and the ``manifest.json`` each report folder holds.

A report is rebuilt only when the key of its inputs changes: the hash of the
notebook, its parameters, the parlib version and the hashes of the clean files
it reads. Timestamps are recorded for people, never compared.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import threading
from pathlib import Path
from typing import Any

from parlib.safety import write_atomic

__all__ = [
    "FAILURE",
    "INPUT_FILES",
    "MANIFEST",
    "git_commit",
    "hash_file",
    "input_hashes",
    "read_manifest",
    "relative_posix",
    "report_key",
    "write_json",
]

#: Files of ``<clean_dir>/<dataset>/`` that a report reads.
INPUT_FILES = ("scores.parquet", "sources.csv")
#: Clean files reports read when a dataset has them (published means, disputed figures).
OPTIONAL_INPUT_FILES = ("aggregates.csv", "disputed.csv")
MANIFEST = "manifest.json"
FAILURE = "report.failed.json"
SCHEMA = 1

_hash_cache: dict[tuple[str, int, int], str] = {}
_hash_lock = threading.Lock()


def hash_file(path: str | Path) -> str | None:
    """Return the sha256 of a file's bytes as hex, or None when it does not exist.

    Results are cached by path, size and modification time within one process,
    so the same data file is read once per run however many reports use it.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> _ = p.write_bytes(b"abc")
    >>> hash_file(p)[:16]
    'ba7816bf8f01cfea'
    >>> hash_file(p.with_name("missing")) is None
    True
    """
    path = Path(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    with _hash_lock:
        if key in _hash_cache:
            return _hash_cache[key]
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    value = digest.hexdigest()
    with _hash_lock:
        _hash_cache[key] = value
    return value


def relative_posix(path: Path, start: Path) -> str:
    """Return ``path`` relative to ``start`` with forward slashes (``..`` when needed)."""
    return Path(os.path.relpath(path, start)).as_posix()


def input_hashes(notebook: Path, dataset_dir: Path, root: Path) -> dict[str, str | None]:
    """Return ``{path relative to root: sha256}`` for the notebook and the clean files read."""
    files = [notebook] + [dataset_dir / name for name in INPUT_FILES]
    files += [dataset_dir / name for name in OPTIONAL_INPUT_FILES if (dataset_dir / name).is_file()]
    return {relative_posix(f, root): hash_file(f) for f in files}


def report_key(
    *,
    notebook_hash: str | None,
    parameters: dict[str, Any],
    version: str,
    inputs: dict[str, str | None],
) -> str:
    """Return the sha256 that changes when anything a report depends on changes.

    Examples
    --------
    >>> a = report_key(notebook_hash="n", parameters={"lang": "vi"}, version="1", inputs={})
    >>> b = report_key(notebook_hash="n", parameters={"lang": "en"}, version="1", inputs={})
    >>> a == b
    False
    """
    blob = json.dumps(
        {"notebook": notebook_hash, "parameters": parameters, "parlib": version, "inputs": inputs},
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def read_manifest(folder: Path, name: str = MANIFEST) -> dict[str, Any] | None:
    """Return the parsed manifest in ``folder``, or None when missing or unreadable."""
    try:
        data = json.loads((folder / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write_json(path: Path, data: dict[str, Any]) -> bool:
    """Write ``data`` as indented UTF-8 JSON, unless the file already holds exactly that.

    Returns whether the file was written (see :func:`write_if_changed`).
    """
    text = json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"
    return write_if_changed(path, text.encode("utf-8"))


def write_if_changed(path: Path, content: bytes) -> bool:
    """Write ``content`` to ``path`` (a temporary file, then renamed) unless it is already there.

    A build that changes nothing leaves every file, and its time, as it was.

    Returns
    -------
    bool
        True when the file was written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> write_if_changed(path, b"x"), write_if_changed(path, b"x"), write_if_changed(path, b"y")
    (True, False, True)
    """
    path = Path(path)
    try:
        if path.stat().st_size == len(content) and path.read_bytes() == content:
            return False
    except OSError:
        pass
    write_atomic(path, lambda handle: handle.write(content))  # a full disk leaves no half file
    return True


def git_commit(root: Path) -> str | None:
    """Return the commit checked out in ``root``, or None outside a git work tree.

    Only ``git rev-parse HEAD`` runs; it changes nothing.
    """
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = out.stdout.strip()
    return commit if out.returncode == 0 and len(commit) == 40 else None
