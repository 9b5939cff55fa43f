"""Cleaning read tables into the tidy ``scores`` layout, and checking it.

Cell values (:mod:`~parlib.clean.values`, one cell at a time in
:mod:`~parlib.clean.cells`), names of provinces (:mod:`~parlib.clean.provinces`), units
(:mod:`~parlib.clean.units`), indices, levels and components
(:mod:`~parlib.clean.indices`), rows (:mod:`~parlib.clean.rows`, their defaults in
:mod:`~parlib.clean.defaults` and derived scores in :mod:`~parlib.clean.derive`) and
their quarantine records (:mod:`~parlib.clean.quarantine`), published aggregates
(:mod:`~parlib.clean.aggregates`), derived totals (:mod:`~parlib.clean.totals`),
validation rules (:mod:`~parlib.clean.validate`) and rank consistency
(:mod:`~parlib.clean.consistency`). Shared helpers: work once per distinct value
(:mod:`~parlib.clean.codes`) and text columns held as objects or Categoricals
(:mod:`~parlib.clean.columns`).

The public names are imported by :mod:`parlib`; this package imports nothing itself,
so its modules can import each other without a cycle.
"""
