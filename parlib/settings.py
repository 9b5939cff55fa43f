"""The settings parlib reads from the environment (``PARLIB_*``), in one place.

``PARLIB_CLEAN_DIR`` names the folder of cleaned datasets that :mod:`parlib.analysis.load`
reads when no folder is given; the ``PARLIB_MAX_*`` variables raise the limits of
:mod:`parlib.limits`. :func:`get_settings` reads them as they are when it is
called, so a notebook or a test that sets one sees it at once.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from parlib.errors import ConfigError

__all__ = ["LIMITS", "Settings", "get_settings"]

#: name -> (environment variable, default) of each limit of :mod:`parlib.limits`
LIMITS: dict[str, tuple[str, int]] = {
    "xlsx_cells": ("PARLIB_MAX_XLSX_CELLS", 5_000_000),
    "xlsx_bytes": ("PARLIB_MAX_XLSX_BYTES", 500_000_000),
    "cells": ("PARLIB_MAX_CELLS", 100_000_000),
    "columns": ("PARLIB_MAX_COLUMNS", 10_000),
    "line_bytes": ("PARLIB_MAX_LINE_BYTES", 10_000_000),
    "cell_chars": ("PARLIB_MAX_CELL_CHARS", 1_000_000),
    "yaml_bytes": ("PARLIB_MAX_YAML_BYTES", 1_000_000),
    "output_bytes": ("PARLIB_MAX_OUTPUT_BYTES", 4_000_000_000),
}


@dataclass(frozen=True)
class Settings:
    """parlib's settings: the clean-data folder (None: found from the working folder) and limits."""

    clean_dir: Path | None
    limits: Mapping[str, int]

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Settings:
        """Read the settings from ``environ``; a limit that is not a whole number from 1 is an error.

        Examples
        --------
        >>> s = Settings.from_environ({"PARLIB_MAX_COLUMNS": "20_000"})
        >>> s.limits["columns"], s.limits["cells"], s.clean_dir
        (20000, 100000000, None)
        """
        limits = {}
        for name, (variable, default) in LIMITS.items():
            text = environ.get(variable, "").strip().replace("_", "")
            if text and (not text.isdigit() or int(text) < 1):
                raise ConfigError(
                    f"the setting {variable} must be a whole number from 1",
                    value=environ[variable],
                    fix=f"unset it (default {default:,}) or set e.g. {variable}={default * 2}",
                )
            limits[name] = int(text) if text else default
        clean_dir = environ.get("PARLIB_CLEAN_DIR")
        return cls(clean_dir=Path(clean_dir) if clean_dir else None, limits=limits)


def get_settings() -> Settings:
    """Return the settings of the environment as it is now.

    Examples
    --------
    >>> get_settings().limits["yaml_bytes"] >= 1
    True
    """
    return Settings.from_environ(os.environ)
