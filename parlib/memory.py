"""Hand memory that a step has freed back to the operating system.

Between the large steps of cleaning (read, melt, clean, validate, write) each
step's temporaries are freed, but the allocator keeps them for reuse, resident,
and the next step adds its own on top: the peak memory of a run becomes the sum
of its steps' temporaries rather than the largest of them. :func:`release_memory`
asks Arrow's memory pool to give back what it holds unused; ``parlib clean`` gives
Arrow the C library's allocator, and on glibc Arrow's ``release_unused`` then
trims the C heap (numpy's and pandas' freed blocks too).
"""

from __future__ import annotations

__all__ = ["release_memory"]


def release_memory() -> None:
    """Return memory freed by the last step to the system, through Arrow's memory pool.

    Examples
    --------
    >>> release_memory()
    """
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
