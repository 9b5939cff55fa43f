"""Run the parameterised report notebooks and publish them as a static site.

``run_reports`` builds every report of ``reports.yaml`` whose inputs changed,
in parallel, on pre-started kernels; the notebooks call ``start_report`` and
the other helpers of :mod:`parlib.reports.notebook`, then the methods of the
:class:`~parlib.reports.report.Report` it returns.
"""

from __future__ import annotations

import lazy_loader

# Attached lazily (the names are listed in __init__.pyi): ``parlib clean`` reads this
# package for its command line and must not pay for Jupyter's imports.
__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)
