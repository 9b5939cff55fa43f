"""parlib: clean, validate and report Vietnam's public-administration indices.

The public API is listed, with the module each name comes from, in ``__init__.pyi``:
type checkers and readers see every name there, and :mod:`lazy_loader` attaches
them here so that each module is imported on first use (``import parlib`` stays
fast, and ``parlib clean`` can tune the process before numpy loads).

Examples
--------
>>> import parlib
>>> parlib.provinces().shape[0]
63
>>> parlib.match_key("Hoà Bình") == parlib.match_key("HOA BINH")
True
"""

from __future__ import annotations

import lazy_loader

__version__ = "0.1.0"

__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)
