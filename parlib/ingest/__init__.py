"""Reading raw score tables: dataset configuration, file reading, header recognition.

The first stage of the pipeline: ``dataset.yaml`` (:mod:`~parlib.ingest.config`), CSV/XLSX
cells as text (:mod:`~parlib.ingest.read`) and which column holds what
(:mod:`~parlib.ingest.headers`).

The public names are imported by :mod:`parlib`; this package imports nothing itself,
so its modules can import each other without a cycle.
"""
