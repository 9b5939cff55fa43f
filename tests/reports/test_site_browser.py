"""The report site in a real headless Chromium (Debian's package, driven by Playwright)."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from parlib.reports import run_reports

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parents[1] / "fixtures" / "reports"
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("kernels")]

CONFIG = """
timeout: 300
datasets:
  fx-synthetic:
    reports:
      - notebook: trend
        slug: trend-ben-tre
        title: "Bến Tre, Trà Vinh </script><b>x</b>"
        parameters: {provinces: [Bến Tre, Trà Vinh]}
      - notebook: correlation
        slug: par-sipas
      - notebook: comparison
        slug: so-tai-chinh
        parameters: {level: department, unit_type: tai_chinh}
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("site")
    shutil.copytree(FIXTURES / "clean", root / "data" / "clean")
    (root / "notebooks").mkdir()
    for name in ("trend", "correlation", "comparison"):
        shutil.copy(REPO / "notebooks" / f"{name}.ipynb", root / "notebooks")
    (root / "reports.yaml").write_text(CONFIG, encoding="utf-8")
    summary = run_reports(root=root, jobs=2, progress=False)
    assert summary.exit_code == 0, [r.describe() for r in summary.failed]
    return root / "reports"


@pytest.fixture(scope="module")
def browser():
    assert CHROMIUM, "Debian's chromium is needed for this test: apt-get install chromium"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield browser
        browser.close()


def _open(browser, path: Path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("requestfailed", lambda req: errors.append(f"failed request {req.url}"))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, errors


def _check_page(page, errors: list[str], path: Path) -> None:
    # Thumbnails load lazily: bring each into view, then wait until every image settled.
    page.evaluate("Array.from(document.images).forEach(i => { i.loading = 'eager'; })")
    page.wait_for_function("Array.from(document.images).every(i => i.complete)", timeout=15_000)
    broken = page.evaluate(
        "Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0))"
        ".map(i => i.src)"
    )
    assert broken == [], f"images that did not load in {path.name}: {broken}"
    hrefs = page.evaluate("Array.from(document.querySelectorAll('a[href]')).map(a => a.href)")
    for href in hrefs:
        url = urlparse(href)
        if url.scheme == "file":
            assert Path(unquote(url.path)).exists(), f"{path.name} links to a missing {href}"
        else:
            assert url.scheme in ("http", "https"), href
    assert errors == [], f"console errors on {path.name}: {errors}"


def test_index_and_one_report_of_each_kind_load_cleanly(site, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    page, errors = _open(browser, site / "index.html")
    _check_page(page, errors, site / "index.html")
    text = page.inner_text("body")
    assert "Bến Tre, Trà Vinh </script><b>x</b>" in text  # shown escaped, as text
    assert page.evaluate("document.querySelectorAll('b').length") == 0
    # Vietnamese letters render with a real font, not as missing-glyph boxes.
    assert page.evaluate("document.fonts.check('16px sans-serif', 'Đắk Lắk, Thừa Thiên Huế')")
    page.screenshot(path=str(ARTIFACTS / "report-site-index.png"), full_page=True)
    reports = page.evaluate(
        "Array.from(document.querySelectorAll('a[href$=\"report.html\"]')).map(a => a.href)"
    )
    kinds = {}
    for href in reports:
        kind = Path(unquote(urlparse(href).path)).parts[-3]
        kinds.setdefault(kind, Path(unquote(urlparse(href).path)))
    assert set(kinds) == {"trend", "correlation", "comparison"}
    page.close()
    for kind, path in kinds.items():
        page, errors = _open(browser, path)
        _check_page(page, errors, path)
        assert page.evaluate("document.images.length") >= 1
        body = page.inner_text("body")
        assert "Dữ liệu giả lập" in body or "synthetic" in body.lower()
        assert "In [" not in body  # no code input prompts
        page.screenshot(path=str(ARTIFACTS / f"report-{kind}.png"), full_page=True)
        page.close()


def test_codebook_page_is_linked_and_readable(site, browser, tmp_path):
    from parlib.publish.codebook import render_codebook

    (site / "fx-synthetic" / "codebook.html").write_text(
        render_codebook({"name": "fx", "title": "Bộ dữ liệu <i>x</i>", "resources": []}),
        encoding="utf-8",
    )
    from parlib.reports.site import write_site

    write_site(site)
    page, errors = _open(browser, site / "index.html")
    links = page.evaluate(
        "Array.from(document.querySelectorAll('a[href$=\"codebook.html\"]')).map(a => a.href)"
    )
    assert len(links) == 1
    page.close()
    # A page of its own: leaving the index mid-load would cancel its figure thumbnails.
    path = Path(unquote(urlparse(links[0]).path))
    page, errors = _open(browser, path)
    assert "Bộ dữ liệu <i>x</i>" in page.inner_text("h1")
    assert errors == []
    page.close()
