"""parlib: clean, validate and report Vietnam's public-administration indices."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
