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
def editions(rendered_editions):
    return {name: path.read_text() for name, path in rendered_editions.items()}


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


#: Notebooks whose reader-edition tables are checked for code names (issue #13); the
#: others join the list as their tables move to ``plain_table``.
PLAIN_NOTEBOOKS = ("00", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10")
#: A code name: lower-case words joined by underscores (``whatsapp_caused_edge_count``).
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


def _reader_sections(html_text):
    """Section anchor -> the HTML of that notebook's section in the reader edition."""
    parts = re.split(r'(?=<section class="notebook" id=")', html_text)
    out = {}
    for part in parts[1:]:
        anchor = re.match(r'<section class="notebook" id="([^"]+)"', part)[1]
        out[anchor] = part
    return out


def _tables(section_html):
    """Each table of a section as (header texts, cell texts), tags stripped."""
    import html as html_lib

    text = lambda s: html_lib.unescape(re.sub(r"<[^>]+>", " ", s)).strip()  # noqa: E731
    tables = []
    for t in re.findall(r"<table.*?</table>", section_html, flags=re.S):
        heads = [text(h) for h in re.findall(r"<th[^>]*>(.*?)</th>", t, flags=re.S)]
        cells = [text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", t, flags=re.S)]
        tables.append((heads, cells))
    return tables


def test_reader_tables_speak_plain_words(editions, tmp_path):
    from analysis.policy import builtin_scenarios

    paths = [p for p in notebook_paths() if notebook_number(p) in PLAIN_NOTEBOOKS]
    if len(paths) == len(notebook_paths()):  # every notebook: the edition already rendered
        reader = editions["reader"]
    else:
        reader = render_editions(paths, tmp_path)["reader"].read_text()
    sections = _reader_sections(reader)
    assert len(sections) == len(paths)
    scenario_codes = {n for n in builtin_scenarios() if "_" in n}
    problems = []
    for anchor, part in sections.items():
        tables = _tables(part)
        assert tables, f"{anchor}: no table in the reader edition"
        for heads, cells in tables:
            # every table is a plain_table: no pandas index, no code-name header
            if not heads or heads[0] == "":
                problems.append((anchor, "pandas table with an index column", heads[:3]))
            problems += [(anchor, "code-name header", h) for h in heads if SNAKE.search(h)]
            if any(h.startswith("Parameter (name to set)") for h in heads):
                continue  # the methods notebook lists the names one sets in a parameter file
            problems += [
                (anchor, "code name in a cell", c)
                for c in cells
                if SNAKE.fullmatch(c) or c in scenario_codes
            ]
        # the figures the issue names never appear anywhere a reader sees
        visible = re.sub(
            r"<[^>]+>",
            " ",
            re.sub(r"<(img|script|style)[^>]*>.*?</\1>|<img[^>]*>", " ", part, flags=re.S),
        )
        for name in ("whatsapp_caused_edge_count", "no_opt_out", "0.0% (0.0-0.0%)", "0.0%"):
            if name in visible:
                problems.append((anchor, "shown", name))
    assert problems == []
