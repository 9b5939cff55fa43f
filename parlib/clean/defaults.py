"""The columns of a table's long raw rows, and the defaults ``dataset.yaml`` fills in.

:func:`fill_defaults` is the first step of cleaning a table (see :mod:`parlib.clean.rows`):
the long raw rows get every column of :data:`LONG_COLUMNS`, and the blank cells of the
columns a file may default (index, year, province, level, component, max_points,
n_units) take the file's keys from ``dataset.yaml``.
"""

from __future__ import annotations

import pandas as pd

from parlib.clean.columns import with_default
from parlib.ingest.melt import LONG_RAW_COLUMNS

__all__ = ["LONG_COLUMNS", "fill_defaults"]

# The long raw rows' columns are the ones ingest's melt writes, in its order.
LONG_COLUMNS = list(LONG_RAW_COLUMNS)

_DEFAULTABLE = ("index", "year", "province", "level", "component", "max_points", "n_units")


def fill_defaults(long: pd.DataFrame, **defaults: object) -> pd.DataFrame:
    """Return ``long`` with every blank cell of a defaultable column set from ``defaults``.

    The defaults are the file's keys in ``dataset.yaml`` (index, year, province,
    level, component, max_points, n_units); what the table itself says always wins.

    Examples
    --------
    >>> fill_defaults(pd.DataFrame({"raw_row": [2], "year": [None]}), year=2021)["year"].tolist()
    ['2021']
    """
    out = long.copy(deep=False)  # copy-on-write: no column is copied until it changes
    for column in LONG_COLUMNS:
        if column not in out.columns:
            out[column] = None
    for key, default in defaults.items():
        if key not in _DEFAULTABLE:
            raise ValueError(f"{key!r} cannot be defaulted; allowed: {list(_DEFAULTABLE)}.")
        if default is None:
            continue
        out[key] = with_default(out[key], str(default))
    return out
