"""Write a cleaned dataset's files, atomically, under one lock per output folder.

The files of ``data/clean/<dataset>/`` are written into a temporary folder
next to it and swapped in at the end, so a failed or killed run leaves the
previous good outputs in place. On Linux the swap is one ``renameat2``
``RENAME_EXCHANGE`` call, so a reader always finds a complete folder, old or
new; elsewhere the old folder is renamed aside first and, if a run is killed
between the two renames, put back by the next run (:func:`recover_outputs`).
Everything written is deterministic (no timestamps), so unchanged inputs give
byte-identical outputs and reports downstream can skip work by content hash.
CSV files are written by pyarrow's CSV writer (after a BOM) and ``scores.parquet`` by
``DataFrame.to_parquet``; text held as Categoricals is written as plain text.

:data:`on_stage` is called with the name of each stage of :func:`write_dataset`
as the run reaches it; tests set it to stop a run at a known point and kill it.
"""

from __future__ import annotations

import codecs
import contextlib
import ctypes
import errno
import json
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import filelock
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from parlib.errors import LockError, OutputError
from parlib.limits import limit, too_big
from parlib.memory import release_memory
from parlib.safety import check_output_dir, mark_output
from parlib.text import protect_formula

__all__ = ["dataset_lock", "json_text", "records", "recover_outputs", "write_dataset"]

# What a dataset's output folder holds: a folder of only these, made before parlib marked
# its folders (parlib.safety.MARKER), is parlib's to replace.
_OUTPUT_FILES = frozenset(
    {
        "scores.parquet",
        "scores.csv",
        "quarantine.csv",
        "aggregates.csv",
        "sources.csv",
        "disputed.csv",
        "corrections.csv",
        "report.json",
        "datapackage.json",
        "codebook.html",
        "scores.xlsx",
    }
)
# scores.parquet stores these text columns as Python objects (arrow ``string``) and the
# others as pandas' ``str`` (arrow ``large_string``), as parlib always has.
_FORMULA_START = "^['=+\\-@\t\r]"  # what parlib.text.protect_formula may change
_OBJECT_TEXT = frozenset(
    {"unit", "derivation", "missing_marker", "note", "source_id", "raw_column"}
)

#: Called with each stage of :func:`write_dataset` as it is reached (``write``, ``written``,
#: ``swap``, ``swapped``); None, the default, does nothing. For tests, which set it.
on_stage: Callable[[str], None] | None = None


@contextlib.contextmanager
def dataset_lock(out_dir: str | Path, *, timeout: float = 600.0) -> Iterator[None]:
    """Hold the lock of ``out_dir``; wait up to ``timeout`` seconds for another run."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    lock = filelock.FileLock(str(out / ".parlib.lock"), timeout=timeout)
    try:
        with lock:
            recover_outputs(out)
            yield
    except filelock.Timeout:
        raise LockError(
            "another parlib run is writing to this folder",
            file=out,
            fix=f"wait for it to finish, or remove {out / '.parlib.lock'} if no "
            "parlib process is running",
        ) from None


def recover_outputs(out_dir: Path) -> None:
    """Restore outputs a killed swap left aside, and remove half-written temporary folders."""
    for old in sorted(out_dir.glob(".old-*")):
        name = old.name[len(".old-") :].rsplit("-", 1)[0]
        target = out_dir / name
        if not target.exists():
            os.replace(old, target)
        else:
            shutil.rmtree(old, ignore_errors=True)
    for tmp in out_dir.glob(".tmp-*"):
        shutil.rmtree(tmp, ignore_errors=True)


def write_dataset(
    out_dir: str | Path, name: str, tables: dict[str, pd.DataFrame], documents: dict[str, Any]
) -> Path:
    """Write ``tables`` (CSV, and parquet for scores) and JSON ``documents``, then swap them in.

    Call it while holding :func:`dataset_lock`.
    """
    out = Path(out_dir)
    check_output_dir(out / name, replace=True, known=_OUTPUT_FILES)
    tmp = out / f".tmp-{name}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        _write_files(tmp, tables, documents)
    except BaseException:  # a full disk, a read-only folder, Ctrl-C: leave nothing behind
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    target = out / name
    if target.exists() and _exchange(tmp, target):  # tmp now holds the old outputs
        _pause("swapped")
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        old = out / f".old-{name}-{os.getpid()}"
        if target.exists():
            os.replace(target, old)
            _pause("swap")
        os.replace(tmp, target)
        _pause("swapped")
        shutil.rmtree(old, ignore_errors=True)
    _fsync_dir(out)
    return target


def _write_files(tmp: Path, tables: dict[str, pd.DataFrame], documents: dict[str, Any]) -> None:
    """Write every file of a dataset's outputs into the new folder ``tmp``.

    Raises
    ------
    OutputError
        When the files take more than ``PARLIB_MAX_OUTPUT_BYTES`` (checked after each).
    """
    tmp.mkdir(parents=True)
    mark_output(tmp)
    _pause("write")
    # Parquet is written by Arrow, mostly outside the GIL: in a thread beside the CSV files.
    # Each table is flushed to disk in that thread too, while the next file is written.
    with ThreadPoolExecutor(max_workers=1) as pool:
        jobs = []
        if "scores" in tables:
            jobs.append(pool.submit(_write_parquet, tables["scores"], tmp / "scores.parquet"))
            jobs.append(pool.submit(_fsync, tmp / "scores.parquet"))
        for table, frame in tables.items():
            write_csv(frame, tmp / f"{table}.csv")
            jobs.append(pool.submit(_fsync, tmp / f"{table}.csv"))
            _check_room(tmp)
        if jobs:
            jobs[0].result()  # parquet is written: what its writer held can go back
        release_memory()  # the writers' blocks
        for doc, content in documents.items():
            text = content if isinstance(content, (bytes, str)) else json_text(content)
            _check_room(tmp, len(text))
            path = tmp / doc
            if isinstance(text, bytes):  # a finished file (scores.xlsx)
                path.write_bytes(content)
            else:
                path.write_text(text, encoding="utf-8")
            _fsync(path)
            _check_room(tmp)
        for job in jobs:
            job.result()
    _check_room(tmp)
    _fsync_dir(tmp)
    _pause("written")


def _check_room(folder: Path, more: int = 0) -> None:
    """Stop when the outputs (and ``more`` bytes to come) pass ``PARLIB_MAX_OUTPUT_BYTES``."""
    size = more + sum(p.stat().st_size for p in folder.iterdir() if p.is_file())
    if size > limit("output_bytes"):
        raise too_big(
            "output_bytes",
            f"the dataset's outputs would take {size:,} bytes",
            file=folder.parent,
            error=OutputError,
        )


def json_text(content: Any) -> str:
    """Return ``content`` as indented JSON, with long lists one item per line.

    A cleaning report can hold tens of thousands of warnings: each is one line
    (a DataFrame is written as its :func:`records`), not a dozen indented ones.

    Examples
    --------
    >>> print(json_text({"a": 1, "rows": [{"b": 2}] * 3}), end="")
    {
      "a": 1,
      "rows": [
        {"b": 2},
        {"b": 2},
        {"b": 2}
      ]
    }
    """
    if not isinstance(content, dict) or not content:
        return _dumps(content, indent=2) + "\n"
    parts = []
    for key, value in content.items():
        if isinstance(value, pd.DataFrame):
            value = records(value)
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            text = "[\n    " + ",\n    ".join(map(_dumps, value)) + "\n  ]"
        else:
            text = _dumps(value, indent=2).replace("\n", "\n  ")
        parts.append(f"  {_dumps(key)}: {text}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def _dumps(value: Any, indent: int | None = None) -> str:
    return json.dumps(value, ensure_ascii=False, indent=indent, default=_json)


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """``frame.to_dict("records")`` with plain Python values, missing ones None.

    Column by column (pandas 3 text columns iterate slowly). A missing cell is
    None, never NaN or NA, so the records are JSON as they are.

    Examples
    --------
    >>> records(pd.DataFrame({"a": [1, 2], "b": ["x", None]}))
    [{'a': 1, 'b': 'x'}, {'a': 2, 'b': None}]
    """
    names = list(frame.columns)
    return [dict(zip(names, row)) for row in zip(*(_plain(frame[c]) for c in names))]


def _plain(column: pd.Series) -> list:
    values = column.tolist()
    if column.dtype == object:  # numpy scalars in objects become Python's, as to_dict does
        values = [v.item() if isinstance(v, np.generic) else v for v in values]
    if column.hasnans:  # missing is None (JSON null), never NaN (not JSON) or NA
        values = [None if v is pd.NA or (isinstance(v, float) and v != v) else v for v in values]
    return values


def write_csv(frame: pd.DataFrame, path: str | Path) -> None:
    """Write ``frame`` as CSV (no index, ``"\\n"`` line ends) with pyarrow's CSV writer, Excel-safe.

    The file starts with the UTF-8 byte-order mark, so Excel on Windows reads
    the diacritics right (pandas, pyarrow and Python's ``utf-8-sig`` skip it).
    Text cells a spreadsheet would run as a formula (beginning with ``=``, ``+``,
    ``-``, ``@``, tab or carriage return) get a leading apostrophe
    (:func:`parlib.text.protect_formula`): the one place CSV cells are made
    Excel-safe. Text is quoted, numbers are written as Arrow formats them
    (``98.56``, ``2``), booleans as ``True``/``False``, missing cells as nothing.
    """
    table = pa.table(
        [_csv_column(column) for _, column in frame.items()],
        names=[protect_formula(str(name)) for name in frame.columns],
    )
    if table.num_columns == 1:  # a missing cell alone on its line is "", not a blank line
        table = pa.table(
            [pc.fill_null(table.column(0).cast(pa.string()), "")], names=table.column_names
        )
    with open(path, "wb") as handle:
        handle.write(codecs.BOM_UTF8)
        pa_csv.write_csv(table, handle, write_options=pa_csv.WriteOptions(quoting_style="needed"))


def _csv_column(values: pd.Series) -> pa.ChunkedArray | pa.Array:
    """A column as written: text protected (:func:`parlib.text.protect_formula`), booleans
    as ``True``/``False``; Python objects of several types as their text."""
    try:
        column = pa.chunked_array(
            pa.Table.from_pandas(values.to_frame(), preserve_index=False).column(0)
        )
    except (pa.ArrowTypeError, pa.ArrowInvalid):  # mixed objects (a number among texts)
        column = pa.chunked_array(
            [
                pa.array(
                    [None if v is None or v is pd.NA or v != v else str(v) for v in values],
                    pa.string(),
                )
            ]
        )
    kind = column.type
    if pa.types.is_boolean(kind):
        return pc.if_else(column, "True", "False")
    if pa.types.is_dictionary(kind) and _is_text(kind.value_type):
        return pa.chunked_array(
            [
                pa.DictionaryArray.from_arrays(c.indices, _protect(c.dictionary))
                for c in column.chunks
            ],
            type=kind,
        )
    return _protect(column) if _is_text(kind) else column


def _protect(texts: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Apply :func:`parlib.text.protect_formula` to the few cells that may need it."""
    start = pc.match_substring_regex(texts, _FORMULA_START)
    if not pc.any(start).as_py():
        return texts
    if isinstance(texts, pa.ChunkedArray):
        texts, start = texts.combine_chunks(), start.combine_chunks()
    changed = pa.array([protect_formula(t) for t in texts.filter(start).to_pylist()], texts.type)
    return pc.replace_with_mask(texts, start, changed)


def _is_text(kind: pa.DataType) -> bool:
    return pa.types.is_string(kind) or pa.types.is_large_string(kind)


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` with ``to_parquet`` (zstd), Categorical text as the plain text it holds.

    Text columns in ``_OBJECT_TEXT`` are stored as Python objects (arrow ``string``),
    the others as pandas' ``str`` (arrow ``large_string``), as parlib always has.
    """
    text = {
        col: object if col in _OBJECT_TEXT else "str"
        for col, dtype in frame.dtypes.items()
        if isinstance(dtype, pd.CategoricalDtype)
    }
    frame.astype(text).to_parquet(path, index=False, compression="zstd")


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one atomic step (Linux ``renameat2``); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        func = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # glibc before 2.28, or another libc
        return False
    func.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    if func(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False  # the kernel or the file system cannot exchange
    raise OSError(code, os.strerror(code), str(a), None, str(b))


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(folder: Path) -> None:
    """Make a folder's entries (renames, new files) durable; a no-op where unsupported."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _pause(stage: str) -> None:
    """Tell :data:`on_stage`, if set, that the run has reached ``stage``."""
    if on_stage is not None:
        on_stage(stage)


def _json(value: Any) -> Any:
    if pd.isna(value):
        return None
    if hasattr(value, "item"):
        return value.item()
    return str(value)
