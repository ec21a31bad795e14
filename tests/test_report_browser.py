"""The report as readers see it: headless Chromium at a laptop's and a phone's size.

At 1366x768 and 390x844, both editions: the page never scrolls sideways, no chart is shown
below half its natural width, prose lines stay readable, nothing is logged as an error; the
reader edition has its key findings on the first screen and a contents menu that folds away
on the phone. Screenshots and the measured numbers (``layout.json``) are kept in
``build/screenshots/`` (ignored; ``WAFB_ARTIFACTS_DIR`` moves them).

Needs Chromium (Debian: ``apt-get install chromium``). Without it the tests are skipped with
that instruction, unless ``WAFB_REQUIRE_BROWSER=1`` (set by .ci/run), where they fail.
"""

import json
import os
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from analysis.core import ROOT, notebook_paths

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(os.environ.get("WAFB_ARTIFACTS_DIR", ROOT / "build" / "screenshots"))
SIZES = {"laptop": (1366, 768), "phone": (390, 844)}
#: The most characters a line of prose may hold (the aim is about 70).
MAX_LINE_CHARS = 80
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

MEASURE = """() => {
  const doc = document.documentElement;
  const top = el => el.getBoundingClientRect().top + window.scrollY;
  const lead = document.querySelector('.lead-findings');
  const first = document.querySelector('.lead-findings li');
  const toc = document.getElementById('toc');
  const images = [...document.querySelectorAll('figure img')].map(i => ({
    natural: i.naturalWidth, shown: i.getBoundingClientRect().width, alt: i.alt}));
  const canvas = document.createElement('canvas').getContext('2d');
  const lines = [...document.querySelectorAll('main p, main li')]
    .filter(p => p.textContent.length > 300 && !p.closest('table'))
    .map(p => { canvas.font = getComputedStyle(p).font;
                const per = canvas.measureText(p.textContent).width / p.textContent.length;
                return p.clientWidth / per; });
  const main = document.querySelector('main').getBoundingClientRect();
  return {
    viewport: [window.innerWidth, window.innerHeight],
    page_width: doc.scrollWidth, page_height: doc.scrollHeight,
    key_findings_top: lead ? top(lead) : null,
    first_finding_bottom: first ? first.getBoundingClientRect().bottom + window.scrollY : null,
    images: images,
    min_image_scale: Math.min(...images.map(i => i.shown / i.natural)),
    max_line_chars: Math.max(...lines),
    toc_open: toc.open, toc_height: toc.getBoundingClientRect().height,
    toc_right: toc.getBoundingClientRect().right, main_left: main.left,
    code_blocks: document.querySelectorAll('.code-fold').length,
    // table headers in code form (whatsapp_caused_edge_count), and pandas' own tables,
    // with the notebook section they sit in
    code_headers: [...document.querySelectorAll('main th')]
      .filter(th => /\\b[a-z][a-z0-9]*(_[a-z0-9]+)+\\b/.test(th.textContent))
      .map(th => [(th.closest('section.notebook') || {}).id || '', th.textContent.trim()]),
    pandas_tables: [...document.querySelectorAll('main table.dataframe')]
      .map(t => (t.closest('section.notebook') || {}).id || ''),
    // chart images shown narrower than the text column would let them be read
    tiny_images: [...document.querySelectorAll('figure img')]
      .filter(i => i.getBoundingClientRect().width < Math.min(320, window.innerWidth - 40)).length,
    // tables whose first visible column is pandas' row numbers 0, 1, 2, ...
    index_columns: [...document.querySelectorAll('main table')].filter(t => {
      const firsts = [...t.querySelectorAll('tbody tr')].map(r =>
        [...r.cells].find(c => c.offsetParent !== null));
      return firsts.length > 1 && firsts.every((c, i) => c && c.textContent.trim() === String(i));
    }).length,
  };
}"""


@pytest.fixture(scope="module")
def editions(rendered_editions):
    return rendered_editions


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM:
        if os.environ.get("WAFB_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium is required here (WAFB_REQUIRE_BROWSER=1) but not installed")
        pytest.skip("Chromium not found: install it with `apt-get install chromium` to run this")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def measured(editions, browser):
    """Open each edition at each size once; measure, keep a screenshot, collect errors."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    results = {}
    for edition, path in editions.items():
        for size, (width, height) in SIZES.items():
            page = browser.new_page(viewport={"width": width, "height": height})
            errors = []
            page.on("console", lambda m, e=errors: e.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc, e=errors: e.append(str(exc)))
            page.goto(path.resolve().as_uri())
            page.wait_for_load_state("load")
            numbers = page.evaluate(MEASURE)
            numbers["errors"] = errors
            numbers["text"] = page.inner_text(".lead-findings") if edition == "reader" else ""
            page.screenshot(path=str(ARTIFACTS / f"{edition}-{width}x{height}.png"))
            page.close()
            results[(edition, size)] = numbers
    summary = {
        f"{e}-{s}": {k: v for k, v in n.items() if k not in {"images", "text"}}
        for (e, s), n in results.items()
    }
    (ARTIFACTS / "layout.json").write_text(json.dumps(summary, indent=1) + "\n")
    return results


CASES = [(e, s) for e in ("reader", "full") for s in SIZES]


@pytest.mark.parametrize(("edition", "size"), CASES)
def test_page_never_scrolls_sideways(measured, edition, size):
    m = measured[(edition, size)]
    assert m["page_width"] <= m["viewport"][0], f"page is {m['page_width']} px wide"


@pytest.mark.parametrize(("edition", "size"), CASES)
def test_no_chart_shown_below_half_its_natural_width(measured, edition, size):
    m = measured[(edition, size)]
    small = [(i["alt"][:50], round(i["shown"] / i["natural"], 2)) for i in m["images"]]
    small = [s for s in small if s[1] < 0.5]
    assert m["images"] and small == []


@pytest.mark.parametrize(("edition", "size"), CASES)
def test_no_console_errors_and_readable_lines(measured, edition, size):
    m = measured[(edition, size)]
    assert m["errors"] == []
    assert m["max_line_chars"] <= MAX_LINE_CHARS


@pytest.mark.parametrize(("edition", "size"), CASES)
def test_no_table_shows_row_numbers(measured, edition, size):
    assert measured[(edition, size)]["index_columns"] == 0


@pytest.mark.parametrize("size", SIZES)
def test_key_findings_fill_the_first_screen_of_the_reader_edition(measured, size):
    m = measured[("reader", size)]
    height = m["viewport"][1]
    assert m["key_findings_top"] < height / 2
    assert m["first_finding_bottom"] <= height, "the first key finding ends below the first screen"
    assert m["code_blocks"] == 0


def test_contents_is_a_sidebar_on_laptops_and_a_folded_menu_on_phones(measured):
    laptop, phone = measured[("reader", "laptop")], measured[("reader", "phone")]
    assert laptop["toc_open"] and laptop["toc_right"] <= laptop["main_left"]
    assert not phone["toc_open"] and phone["toc_height"] < 60


def test_full_edition_folds_every_code_cell(measured):
    count = sum(
        1
        for p in notebook_paths()
        for c in nbformat.read(p, as_version=4).cells
        if c.cell_type == "code" and c.source
    )
    assert measured[("full", "laptop")]["code_blocks"] == count


def test_key_findings_show_the_numbers_the_notebook_computed(measured):
    nb = nbformat.read(next(p for p in notebook_paths() if p.stem.startswith("00-")), as_version=4)
    expected = []
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            text = str(out.get("data", {}).get("text/html", ""))
            if "key-findings" in text:
                expected += re.findall(r"\d+(?:\.\d+)?%", re.sub(r"<[^>]+>", " ", text))
    shown = measured[("reader", "laptop")]["text"]
    assert expected and [n for n in expected if n not in shown] == []


def test_print_hides_the_menu_and_fits_the_page(editions, browser):
    page = browser.new_page(viewport={"width": 794, "height": 1123})  # A4 at 96 dpi
    page.goto(editions["reader"].resolve().as_uri())
    page.emulate_media(media="print")
    toc = page.evaluate("getComputedStyle(document.getElementById('toc')).display")
    width = page.evaluate("document.documentElement.scrollWidth")
    small = page.evaluate(
        "Math.min(...[...document.querySelectorAll('figure img')]"
        ".map(i => i.getBoundingClientRect().width / i.naturalWidth))"
    )
    page.close()
    assert toc == "none" and width <= 794 and small > 0


#: Notebooks whose tables are all ``plain_table`` (issue #13); the rest join as they move.
PLAIN_NOTEBOOKS = ("00", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10")


@pytest.mark.parametrize("size", SIZES)
def test_plain_notebooks_show_no_code_name_headers_or_pandas_tables(measured, size):
    # the reader edition; the full edition keeps the set-up tables for researchers
    m = measured[("reader", size)]
    mine = lambda section: section[:2] in PLAIN_NOTEBOOKS  # noqa: E731
    assert [(s, h) for s, h in m["code_headers"] if mine(s)] == []
    assert [s for s in m["pandas_tables"] if mine(s)] == []


@pytest.mark.parametrize(("edition", "size"), CASES)
def test_no_chart_is_squeezed_into_a_thumbnail(measured, edition, size):
    assert measured[(edition, size)]["tiny_images"] == 0
