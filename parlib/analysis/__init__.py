"""Loading the clean data and computing the statistics the reports show.

The public names are imported by :mod:`parlib`; this package imports nothing itself,
so its modules can import each other without a cycle.
"""
