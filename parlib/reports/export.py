"""Export an executed notebook to HTML without its code, in this process.

``jupyter nbconvert --to html --no-input`` starts a Python process and loads
its templates for every notebook; here one :class:`~nbconvert.HTMLExporter`
per thread is built once and reused. The page is nbconvert's "lab" template
with figures' captions as their alt text (``parlib/templates/report_html.j2``).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

__all__ = ["export_html"]

_local = threading.local()


def _exporter() -> Any:
    exporter = getattr(_local, "exporter", None)
    if exporter is None:
        from nbconvert import HTMLExporter

        templates = Path(__file__).resolve().parent.parent / "templates"
        exporter = HTMLExporter(
            template_name="lab",
            template_file="report_html.j2",
            extra_template_paths=[str(templates)],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
        )
        _local.exporter = exporter
    return exporter


def export_html(nb: Any, path: str | Path, *, title: str | None = None) -> Path:
    """Write ``nb`` to ``path`` as HTML with the code cells' input left out.

    Parameters
    ----------
    nb
        An executed notebook (``nbformat.NotebookNode``).
    path
        The HTML file to write.
    title
        The page title; default the notebook file name.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import nbformat, tempfile, pathlib
    >>> nb = nbformat.v4.new_notebook()
    >>> nb.cells = [nbformat.v4.new_code_cell("secret_code = 1")]
    >>> out = export_html(nb, pathlib.Path(tempfile.mkdtemp()) / "r.html", title="R")
    >>> "secret_code" in out.read_text(encoding="utf-8")
    False
    """
    path = Path(path)
    resources = {"metadata": {"name": title or path.stem}}
    body, _ = _exporter().from_notebook_node(nb, resources=resources)
    path.write_text(body, encoding="utf-8")
    return path
