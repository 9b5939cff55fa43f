"""Reading raw score tables: dataset configuration, file reading, header recognition.

The first stage of the pipeline: ``dataset.yaml`` (:mod:`~parlib.ingest.config`, its
sources and corrections in :mod:`~parlib.ingest.config_entries`, its files in
:mod:`~parlib.ingest.config_files`, the checks they share in
:mod:`~parlib.ingest.config_checks`), CSV/XLSX cells
as text (:mod:`~parlib.ingest.read`, with :mod:`~parlib.ingest.csv`,
:mod:`~parlib.ingest.xlsx`, :mod:`~parlib.ingest.encoding` and
:mod:`~parlib.ingest.table`), which column holds what (:mod:`~parlib.ingest.headers`
for one header, :mod:`~parlib.ingest.columns` for a table) and the long raw form
(:mod:`~parlib.ingest.melt`).

The public names are imported by :mod:`parlib`; this package imports nothing itself,
so its modules can import each other without a cycle.
"""
