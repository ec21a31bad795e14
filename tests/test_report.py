"""The rendered report: self-contained, ordered, captioned, and it loads in a real browser.

The browser test needs Chromium (Debian: `apt-get install chromium`). Without it the test is
skipped with that instruction, unless WAFB_REQUIRE_BROWSER=1 (set by .ci/run), where it fails.
"""

import os
import re
import shutil
import tempfile
from pathlib import Path

import nbformat
import pytest

from analysis.core import notebook_paths
from analysis.report.build import REMOTE_RESOURCE, caption_figures, render_report, saved_figures

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(
    os.environ.get("WAFB_ARTIFACTS_DIR", Path(tempfile.gettempdir()) / "wafb-test-artifacts")
)


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    # the committed notebooks carry their outputs (nbval checks they are current)
    return render_report(notebook_paths(), tmp_path_factory.mktemp("report") / "report.html")


def key_finding_numbers() -> list[str]:
    """Percentages inside the key-findings block of the committed notebook 00's outputs."""
    nb = nbformat.read(next(p for p in notebook_paths() if p.stem.startswith("00-")), as_version=4)
    numbers = []
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            html_text = str(out.get("data", {}).get("text/html", ""))
            if "key-findings" in html_text:
                plain = re.sub(r"<[^>]+>", " ", html_text)
                numbers += re.findall(r"\d+(?:\.\d+)?%", plain)
    return numbers


def saved_figure_count() -> int:
    count = 0
    for path in notebook_paths():
        count += caption_figures(nbformat.read(path, as_version=4))
    return count


def test_report_is_self_contained_and_ordered(report):
    page = report.read_text()
    assert not REMOTE_RESOURCE.search(page)
    assert "<script src" not in page and "<link " not in page
    anchors = re.findall(r'<li><a href="#([^"]+)">', page)
    assert anchors == [p.stem for p in notebook_paths()]
    assert page.count("<figure>") == saved_figure_count() > 0
    # every save_figure call in a notebook shows its figure with a caption
    calls = sum(len(saved_figures(nbformat.read(p, as_version=4))) for p in notebook_paths())
    assert saved_figure_count() == calls
    assert 'alt=""' not in page


def test_browser_renders_every_figure_without_console_errors(report):
    if not CHROMIUM:
        if os.environ.get("WAFB_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium is required here (WAFB_REQUIRE_BROWSER=1) but not installed")
        pytest.skip(
            "Chromium not found: install it with `sudo apt-get install chromium` to run this test"
        )
    from playwright.sync_api import sync_playwright

    errors = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(report.resolve().as_uri())
        page.wait_for_load_state("load")
        sizes = page.eval_on_selector_all(
            "figure img", "els => els.map(e => [e.naturalWidth, e.naturalHeight, e.alt])"
        )
        text = page.inner_text("body")
        findings = page.eval_on_selector_all(".key-findings", "els => els.map(e => e.innerText)")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=False)
        browser.close()
    assert errors == []
    assert len(sizes) == saved_figure_count()
    assert all(w > 0 and h > 0 and alt for w, h, alt in sizes)
    assert "Generate the synthetic population" in text
    # the key findings are on the page, with the very numbers the notebook computed
    expected = key_finding_numbers()
    assert findings and expected
    shown = " ".join(findings)
    missing = [n for n in expected if n not in shown]
    assert missing == [], f"key-findings numbers missing from the rendered page: {missing}"


def test_readme_lists_every_notebook_and_figure():
    from analysis.core import ROOT

    readme = (ROOT / "README.md").read_text()
    for path in notebook_paths():
        assert path.stem in readme, f"README does not list {path.name}"
        for slug in saved_figures(nbformat.read(path, as_version=4)):
            assert f"`{slug}`" in readme, f"README does not list figure {slug} of {path.name}"
