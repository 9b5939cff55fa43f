"""Hand memory that a step has freed back to the operating system.

glibc's malloc and Arrow's memory pools keep freed blocks for reuse. Between
the large steps of cleaning (read, melt, clean, validate, write) each step's
temporaries are freed, but the process keeps them resident, and the next step
adds its own on top: the peak memory of a run becomes the sum of its steps'
temporaries rather than the largest of them. :func:`release_memory` undoes that.
"""

from __future__ import annotations

import functools

__all__ = ["release_memory"]


def release_memory() -> None:
    """Return memory freed by the last step to the system (Arrow's pool, then glibc).

    Safe to call anywhere: on a C library without ``malloc_trim`` (macOS, musl)
    only Arrow's pool is asked.

    Examples
    --------
    >>> release_memory()
    """
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim():
    """glibc's ``malloc_trim``, or None on other C libraries."""
    import ctypes

    try:
        trim = getattr(ctypes.CDLL(None), "malloc_trim", None)
    except (OSError, TypeError):  # no C library to open that way (Windows)
        return None
    if trim is not None:
        trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim
