"""Writing the clean dataset: tables, codebook, data package, workbook and citations.

The public names are imported by :mod:`parlib`; this package imports nothing itself,
so its modules can import each other without a cycle.
"""
