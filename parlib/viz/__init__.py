"""Plots, figure files with their captions and sidecars, and the labels they print.

The public names are imported by :mod:`parlib`; this package imports nothing itself,
so its modules can import each other without a cycle.
"""
