"""Where parlib may write: never over raw data, and only over folders it made.

Every command that writes (``parlib clean``, ``demo-data``, ``reports`` and the
report site) asks :func:`check_output_dir` first, before anything is written:

- an output folder equal to, inside or containing a raw folder is refused. Raw
  folders are the ``--raw`` folder, ``data/raw`` of the project, and any folder
  holding a ``dataset.yaml``;
- a folder parlib replaces or deletes must carry the marker file parlib writes
  into every folder it makes (:data:`MARKER`); a folder made before markers
  existed counts as parlib's when it holds nothing but the files parlib writes;
- ``demo-data`` (which writes a raw dataset) may write inside the raw folder,
  but only into a folder that holds no dataset or a synthetic one.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO

from parlib.errors import ConfigError, OutputError

__all__ = ["MARKER", "check_output_dir", "mark_output", "umask_mode", "write_atomic"]

#: The file parlib writes into every folder it makes and may later replace.
MARKER = ".parlib-output"
_MARKER_TEXT = (
    "This folder was made by parlib. parlib replaces it on its next run; "
    "do not keep other files here.\n"
)


def check_output_dir(
    folder: str | os.PathLike,
    *,
    raw: Iterable[str | os.PathLike] = (),
    replace: bool = False,
    known: Iterable[str] = (),
    synthetic_dataset: bool = False,
) -> Path:
    """Return ``folder`` made absolute, once parlib may write into it.

    Parameters
    ----------
    folder
        The folder a command will write into (or replace).
    raw
        Raw data folders besides ``data/raw`` of the working folder.
    replace
        The folder will be replaced or deleted: it must be parlib's own
        (the :data:`MARKER` file, or only ``known`` files in it).
    known
        The names parlib writes into such a folder.
    synthetic_dataset
        The command writes a synthetic raw dataset (``demo-data``).

    Raises
    ------
    OutputError
        When the folder is, is inside or contains raw data, is a file, or is not
        parlib's to replace.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (root / "raw" / "bt").mkdir(parents=True)
    >>> _ = (root / "raw" / "bt" / "dataset.yaml").write_text("kind: compiled\\n")
    >>> check_output_dir(root / "clean", raw=[root / "raw"]) == root / "clean"
    True
    >>> check_output_dir(root / "raw" / "bt" / "out")
    Traceback (most recent call last):
    ...
    parlib.errors.OutputError: ...
    """
    shown = os.fspath(folder)
    path = _absolute(folder, shown)
    if path.exists() and not path.is_dir():
        raise OutputError(
            "the output folder is a file",
            file=shown,
            fix="give a folder (it is created when missing), not a file",
        )
    fix = "write the outputs somewhere else, e.g. data/clean or reports"
    for root in dict.fromkeys(_absolute(r, os.fspath(r)) for r in (*raw, "data/raw")):
        if path == root or root in path.parents:
            if synthetic_dataset and path != root:
                continue
            raise OutputError(
                f"the output folder is {'' if path == root else 'inside '}the raw "
                f"data folder {root}; parlib never writes there",
                file=shown,
                fix=fix,
            )
        if path in root.parents:
            raise OutputError(
                f"the output folder contains the raw data folder {root}; parlib "
                "never writes over raw data",
                file=shown,
                fix=fix,
            )
    for above in (path, *path.parents):
        if (above / "dataset.yaml").is_file():
            if synthetic_dataset and above == path and _is_synthetic(above):
                continue
            what = (
                "holds a raw dataset that is not synthetic"
                if above == path
                else f"is inside the raw dataset {above}"
            )
            raise OutputError(
                f"the output folder {what}; parlib never writes over raw data",
                file=shown,
                fix=fix
                if not synthetic_dataset
                else "write the demo data into a new folder, e.g. data/raw/demo-synthetic",
            )
    if path.is_dir():
        with os.scandir(path) as entries:
            inside = [e.name for e in entries]
        for name in inside:
            if (path / name / "dataset.yaml").is_file():
                raise OutputError(
                    f"the output folder contains the raw dataset {name}; parlib "
                    "never writes over raw data",
                    file=shown,
                    fix=fix,
                )
        others = set(inside) - set(known) - {MARKER}
        if replace and others and MARKER not in inside:
            raise OutputError(
                "parlib would replace this folder, but it was not made by "
                f"parlib (it holds {sorted(others)[:3]})",
                file=shown,
                fix="move those files away, or write the outputs to another folder",
            )
    return path


def mark_output(folder: str | os.PathLike) -> None:
    """Write the :data:`MARKER` file into ``folder``, a folder parlib made."""
    Path(folder, MARKER).write_text(_MARKER_TEXT, encoding="utf-8")


def umask_mode(*, folder: bool) -> int:
    """Return the mode a new folder (0o777) or file (0o666) gets under the user's umask.

    For what ``mkdtemp`` and ``NamedTemporaryFile`` make private (0o700, 0o600).
    """
    mask = os.umask(0o022)  # reading the umask sets it: put it back at once
    os.umask(mask)
    return (0o777 if folder else 0o666) & ~mask


def write_atomic(target: str | os.PathLike, write: Callable[[IO[bytes]], object]) -> Path:
    """Write a file whole or not at all: into a temporary file beside it, then renamed.

    ``write`` gets the temporary file, open for writing bytes. The file gets
    the mode the umask gives; on any error (a full disk, Ctrl-C) the temporary
    file is removed and ``target`` keeps what it held.

    Examples
    --------
    >>> import pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> write_atomic(target, lambda f: f.write(b"whole")).read_bytes()
    b'whole'
    """
    target = Path(target)
    handle = tempfile.NamedTemporaryFile(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp", delete=False
    )
    try:
        with handle:
            write(handle)
        os.chmod(handle.name, umask_mode(folder=False))  # NamedTemporaryFile makes it 0600
        os.replace(handle.name, target)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    return target


def _absolute(folder: str | os.PathLike, shown: str) -> Path:
    if "\0" in shown:
        raise OutputError(
            "the path holds a NUL character",
            file=shown.replace("\0", "\\0"),
            fix="give the folder's path without control characters",
        )
    try:
        return Path(os.path.abspath(folder)).resolve()
    except (OSError, RuntimeError) as exc:  # a symlink loop
        reason = exc.strerror if isinstance(exc, OSError) else None
        raise OutputError(
            f"the path cannot be resolved ({reason or exc})",
            file=shown,
            fix="give a plain folder path",
        ) from None


def _is_synthetic(folder: Path) -> bool:
    from parlib.limits import load_yaml

    try:
        data = load_yaml(folder / "dataset.yaml", shown=str(folder), name="dataset.yaml")
    except (ConfigError, OSError):
        return False
    return isinstance(data, dict) and data.get("kind") == "synthetic"
