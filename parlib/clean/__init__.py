"""Cleaning read tables into the tidy ``scores`` layout, and checking it.

Cell values (:mod:`~parlib.clean.values`), names of provinces, units, indices and
components (:mod:`~parlib.clean.names`), rows (:mod:`~parlib.clean.rows`), published
aggregates (:mod:`~parlib.clean.aggregates`), derived totals (:mod:`~parlib.clean.totals`),
validation rules (:mod:`~parlib.clean.validate`) and rank consistency
(:mod:`~parlib.clean.consistency`).

The public names are imported by :mod:`parlib`; this package imports nothing itself,
so its modules can import each other without a cycle.
"""
