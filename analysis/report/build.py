"""The main job: execute every notebook and render the report (``make report``).

1. Each numbered notebook runs top to bottom in a fresh kernel; the executed copy goes to
   ``build/notebooks/`` (the committed notebooks are not touched), and the notebooks write
   their tables to ``data/processed/`` and their figures to ``figures/``. A progress bar
   counts the cells as they run.
2. The executed notebooks are rendered into two self-contained HTML editions
   (:mod:`analysis.report.editions`): the reader edition ``reports/report.html`` (no code,
   key findings first) and the full edition ``reports/report-with-code.html`` (every
   notebook's code, folded). Images are embedded and styles inline; nothing is fetched
   from the web, so both work offline.

Everything written lands in ignored folders, so ``git status`` stays clean.
"""

from __future__ import annotations

import copy
import html
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import nbformat
from tqdm import tqdm

from analysis.core.io import atomic_write_text
from analysis.core.paths import BUILD_DIR, REPORTS_DIR, ROOT, ensure_dir, notebook_paths
from analysis.report.editions import EDITIONS, KEY_FINDINGS_TAG, Edition, exporter
from analysis.report.notebooks import code_cell_count, execute
from analysis.report.page import CSS, REMOTE_RESOURCE, Section, page_html

__all__ = [
    "CSS",
    "HEADING",
    "REMOTE_RESOURCE",
    "main",
    "notebook_number",
    "notebook_title",
    "render_editions",
    "render_report",
    "saved_figures",
]


HEADING = "WhatsApp &rarr; Facebook, 2016: what the opt&#8209;outs left"


def notebook_number(path: Path) -> str:
    """Return the notebook's number, the two digits its file name starts with.

    >>> notebook_number(Path("notebooks/04-compare-opt-out-scenarios.ipynb"))
    '04'
    """
    match = re.match(r"(\d\d)-", path.name)
    if not match:
        raise ValueError(f"notebook {path.name!r} is not numbered (NN-verb-topic.ipynb)")
    return match.group(1)


def notebook_title(nb: nbformat.NotebookNode, fallback: str) -> str:
    """Return the notebook's first ``#`` heading, without a leading ``NN ·`` number.

    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 04 · Compare")])
    >>> notebook_title(nb, "x")
    'Compare'
    """
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#\s+(.+)$", cell.source, flags=re.M)
            if match:
                return re.sub(r"^\d\d\s*[·.:-]\s*", "", match.group(1).strip())
    return fallback


def saved_figures(nb: nbformat.NotebookNode) -> list[str]:
    """Slugs of the figures an executed notebook saved, in order (from its source)."""
    return [
        m.group(1)
        for cell in nb.cells
        if cell.cell_type == "code"
        for m in re.finditer(r"""save_figure\([^"']*["']([a-z0-9-]+)["']""", cell.source)
    ]


def _lead(cells: Sequence[nbformat.NotebookNode], edition: Edition, first: Section) -> str:
    """Render the lifted key-findings cells as the block at the top of the reader edition."""
    if not cells:
        return ""
    lifted = []
    for cell in cells:
        cell = copy.deepcopy(cell)
        tags = [t for t in cell.metadata.get("tags", []) if t != KEY_FINDINGS_TAG]
        cell.metadata["tags"] = tags
        lifted.append(cell)
    nb = nbformat.v4.new_notebook(cells=lifted)
    body, _ = exporter(edition).from_notebook_node(nb, resources={"wafb_fold_code": False})
    return (
        body + f'<p class="more">How these figures were computed, with their charts: '
        f'<a href="#{first.anchor}">{first.number} · {html.escape(first.title)}</a>.</p>'
    )


def render_report(
    executed: Sequence[Path], target: Path, *, edition: Edition | str = "reader"
) -> Path:
    """Render executed notebooks into one self-contained HTML page at ``target``.

    ``edition`` is ``"reader"`` (no code, key findings first) or ``"full"`` (code folded);
    see :mod:`analysis.report.editions`.
    """
    edition = EDITIONS[edition] if isinstance(edition, str) else edition
    exp = exporter(edition)
    sections, lifted = [], []
    for path in executed:
        nb = nbformat.read(path, as_version=4)
        number, title = notebook_number(path), notebook_title(nb, path.stem)
        body, res = exp.from_notebook_node(nb, resources={"wafb_fold_code": edition.show_code})
        lifted += res.get("key_findings", [])
        label = f'Notebook <span class="num">{number}</span>'
        if edition.show_code:
            label += f" &middot; <code>notebooks/{html.escape(path.name)}</code>"
        sections.append(Section(path.stem, number, title, label, body))
    other = EDITIONS["reader" if edition.show_code else "full"]
    link = (
        f'<a href="{other.filename}">The edition with code</a> shows how every number is computed.'
        if not edition.show_code
        else f'<a href="{other.filename}">The reader\'s edition</a> leaves the code out.'
    )
    lede = (
        "A model of WhatsApp's 2016 data sharing with Facebook, run on synthetic people "
        "(no real person's data). Every number is computed by the project's notebooks."
    )
    if edition.show_code:
        lede += " This edition keeps every notebook's code, folded under \u201cCode\u201d."
    page = page_html(
        title="WhatsApp -> Facebook 2016: privacy-impact report"
        + (" (with code)" if edition.show_code else ""),
        heading=HEADING,
        lede=lede,
        sections=sections,
        lead=_lead(lifted, edition, sections[0]) if sections else "",
        edition_link=link,
        footer=f"{link} Rebuild both editions with <code>make report</code>.",
        show_code=edition.show_code,
    )
    return atomic_write_text(target, page)


def render_editions(executed: Sequence[Path], directory: Path) -> dict[str, Path]:
    """Render both editions into ``directory``; return their paths by edition name."""
    return {
        name: render_report(executed, directory / ed.filename, edition=ed)
        for name, ed in EDITIONS.items()
    }


def main() -> int:
    """Execute every notebook into build/notebooks/ and write both editions into reports/."""
    out_dir = ensure_dir(BUILD_DIR / "notebooks")
    notebooks = notebook_paths()
    total = sum(code_cell_count(nb) for nb in notebooks)
    executed = []
    with tqdm(total=total, desc="cells", unit="cell", file=sys.stdout, mininterval=1) as bar:
        for nb in notebooks:
            bar.set_postfix_str(nb.stem, refresh=True)
            executed.append(execute(nb, out_dir / nb.name, on_cell=lambda _i: bar.update(1)))
    print("rendering the reader edition and the edition with code", flush=True)
    paths = render_editions(executed, ensure_dir(REPORTS_DIR))
    shown = ", ".join(
        str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else str(p) for p in paths.values()
    )
    print(f"report: {shown}; figures: figures/; tables: data/processed/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
