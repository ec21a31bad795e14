"""The rendered report: two editions, self-contained, numbered like the notebooks, captioned.

These checks read the HTML; tests/test_report_browser.py looks at it in Chromium.
"""

import math
import re

import nbformat
import pytest

from analysis.core import ROOT, notebook_paths
from analysis.report.build import notebook_number, render_editions, saved_figures
from analysis.report.editions import (
    KEY_FINDINGS_TAG,
    READER_REMOVE_TAGS,
    figure_outputs,
    png_size,
)
from analysis.report.page import REMOTE_RESOURCE

#: Every tag a notebook may carry, and what it means (CONTRIBUTING.md, "What readers see").
KNOWN_TAGS = {"parameters", "remove_cell", "key_findings"}


@pytest.fixture(scope="module")
def notebooks():
    # the committed notebooks carry their outputs (nbval checks they are current)
    return {p: nbformat.read(p, as_version=4) for p in notebook_paths()}


@pytest.fixture(scope="module")
def editions(tmp_path_factory):
    paths = render_editions(notebook_paths(), tmp_path_factory.mktemp("report"))
    return {name: path.read_text() for name, path in paths.items()}


def code_cells(notebooks):
    return [c for nb in notebooks.values() for c in nb.cells if c.cell_type == "code" and c.source]


def tags(cell) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def test_both_editions_are_self_contained(editions):
    assert set(editions) == {"reader", "full"}
    for page in editions.values():
        assert not REMOTE_RESOURCE.search(page)
        assert "<script src" not in page and "<link " not in page
        assert "@media print" in page and 'name="viewport"' in page


def test_contents_and_sections_carry_the_notebook_numbers(editions):
    stems = [p.stem for p in notebook_paths()]
    numbers = [notebook_number(p) for p in notebook_paths()]
    assert numbers == [f"{i:02d}" for i in range(len(numbers))]
    for name, page in editions.items():
        toc = page.split("</nav>")[0]
        anchors = re.findall(r'<li><a href="#([^"]+)">', toc)
        assert anchors == (["key-findings"] if name == "reader" else []) + stems
        shown = re.findall(r'<span class="num">(\d\d)</span>', toc)
        assert shown == numbers, f"{name}: contents numbered {shown}"
        sections = re.findall(r'<section class="notebook" id="([^"]+)">', page)
        assert sections == stems


def test_reader_edition_shows_no_code_setup_or_saved_figure_lines(editions, notebooks):
    reader, full = editions["reader"], editions["full"]
    assert "hl-ipython3" not in reader and 'class="code-fold"' not in reader
    assert "Saved figure '" not in reader and "Saved figure '" in full
    left_out = [c for nb in notebooks.values() for c in nb.cells if tags(c) & READER_REMOVE_TAGS]
    assert len(left_out) > 10
    for cell in left_out:
        assert f'id="cell-id={cell.id}"' not in reader, cell.source[:60]
        assert f'id="cell-id={cell.id}"' in full, cell.source[:60]


def test_reader_edition_opens_with_the_key_findings(editions, notebooks):
    reader = editions["reader"]
    lifted = [c for nb in notebooks.values() for c in nb.cells if KEY_FINDINGS_TAG in tags(c)]
    assert len(lifted) == 1
    start = reader.index('<section class="lead-findings" id="key-findings">')
    assert start < reader.index('<section class="notebook"')
    assert reader.count('<div class="key-findings">') == 1
    assert reader.index('<div class="key-findings">') > start
    # in the full edition the findings stay where the notebook computes them
    assert 'id="key-findings"' not in editions["full"]


def test_full_edition_keeps_every_code_cell_folded(editions, notebooks):
    full = editions["full"]
    cells = code_cells(notebooks)
    assert full.count('<details class="code-fold"><summary>Code</summary>') == len(cells)
    missing = [c.source[:40] for c in cells if f'id="cell-id={c.id}"' not in full]
    assert missing == []


def test_tags_follow_the_convention(notebooks):
    used = {t for nb in notebooks.values() for c in nb.cells for t in tags(c)}
    assert used <= KNOWN_TAGS, f"undocumented cell tags: {sorted(used - KNOWN_TAGS)}"
    for path, nb in notebooks.items():
        params = [c for c in nb.cells if "parameters" in tags(c)]
        assert len(params) == 1, f"{path.name} needs exactly one cell tagged parameters"
        for cell in nb.cells:
            if KEY_FINDINGS_TAG in tags(cell):
                assert path.stem.startswith("00-")
                html = "".join(str(o.get("data", {}).get("text/html", "")) for o in cell.outputs)
                assert 'class="key-findings"' in html


def test_every_saved_chart_is_a_captioned_figure_at_natural_size(editions, notebooks):
    calls = sum(len(saved_figures(nb)) for nb in notebooks.values())
    shown = [o for nb in notebooks.values() for c in nb.cells for o in figure_outputs(c)]
    assert calls == len(shown) > 0  # every save_figure call shows its chart with a caption
    sizes = [png_size(o["data"]["image/png"]) for o in shown]
    for page in editions.values():
        imgs = re.findall(r"<img ([^>]*)>", page)
        assert len(imgs) == page.count("<figure") == len(shown)
        for attrs, (w, h) in zip(imgs, sizes, strict=True):
            assert re.search(r'alt="[^"]+"', attrs)
            assert f'width="{w}"' in attrs and f'height="{h}"' in attrs
            assert f"min-width: {math.ceil(w / 2)}px" in attrs


def test_readme_lists_every_notebook_and_figure(notebooks):
    readme = (ROOT / "README.md").read_text()
    for path, nb in notebooks.items():
        assert path.stem in readme, f"README does not list {path.name}"
        for slug in saved_figures(nb):
            assert f"`{slug}`" in readme, f"README does not list figure {slug} of {path.name}"
