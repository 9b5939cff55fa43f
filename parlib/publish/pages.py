"""HTML pages rendered from parlib's Jinja templates (``parlib/templates/``).

Every page parlib writes itself (the codebook, the report site's index) goes through
:func:`render_page`: one environment, with autoescape on, so text from raw files or
reports cannot inject markup.
"""

from __future__ import annotations

import functools
from typing import Any

__all__ = ["render_page"]


@functools.cache
def _environment() -> Any:
    import jinja2  # imported on first use: parlib clean renders one page per dataset

    return jinja2.Environment(
        loader=jinja2.PackageLoader("parlib", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_page(template: str, **context: Any) -> str:
    """Return the HTML of ``template`` (a file of ``parlib/templates/``) filled with ``context``.

    Examples
    --------
    >>> page = render_page("codebook.html.j2", package={"name": "<x>"}, title="<x>")
    >>> "&lt;x&gt;" in page and "<x>" not in page
    True
    """
    return str(_environment().get_template(template).render(**context))
