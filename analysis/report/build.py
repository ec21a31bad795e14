"""The main job: execute every notebook and render the report (``make report``).

1. Each numbered notebook runs top to bottom in a fresh kernel; the executed copy goes to
   ``build/notebooks/`` (the committed notebooks are not touched), and the notebooks write
   their tables to ``data/processed/`` and their figures to ``figures/``.
2. The executed notebooks are rendered into one self-contained HTML report,
   ``reports/report.html``: a table of contents, the notebooks in reading order, images
   embedded, styles inline, no script or font fetched from the web (readers may be offline).

Everything written lands in ignored folders, so ``git status`` stays clean.
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from tqdm import tqdm

from analysis.core.io import atomic_write_text
from analysis.core.paths import BUILD_DIR, REPORTS_DIR, ROOT, ensure_dir, notebook_paths
from analysis.report.notebooks import execute

__all__ = [
    "CSS",
    "REMOTE_RESOURCE",
    "caption_figures",
    "main",
    "render_report",
    "saved_figures",
]


CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
       color: #1b1b1b; line-height: 1.5; }
nav { position: fixed; top: 0; left: 0; bottom: 0; width: 16rem; overflow-y: auto;
      padding: 1rem; background: #f5f5f2; border-right: 1px solid #ddd; font-size: 0.9rem; }
nav ol { padding-left: 1.2rem; } nav a { color: #0b4f8a; text-decoration: none; }
main { margin-left: 18rem; max-width: 60rem; padding: 1rem 2rem 4rem; }
section.notebook { border-top: 3px solid #0072B2; margin-top: 3rem; padding-top: 1rem; }
pre, code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 0.85rem; }
.jp-InputArea pre, .input_area pre { background: #f7f7f7; padding: 0.5rem; border-radius: 4px;
      overflow-x: auto; }
.jp-OutputArea pre, .output_text pre { background: #fff; padding: 0.25rem 0.5rem;
      overflow-x: auto; }
.jp-InputPrompt, .jp-OutputPrompt, .prompt { display: none; }
img { max-width: 100%; height: auto; }
figcaption { font-size: 0.85rem; color: #555; }
.anchor-link { display: none; }
table { border-collapse: collapse; font-size: 0.85rem; margin: 0.5rem 0; }
th, td { border-bottom: 1px solid #ddd; padding: 0.2rem 0.6rem; text-align: right; }
th { background: #f0f0f0; }
@media print { nav { display: none; } main { margin-left: 0; } }
"""


#: What would make a browser fetch something from the web (plain hyperlinks are fine).
REMOTE_RESOURCE = re.compile(
    r"""(\bsrc=["']https?://|<link\b[^>]*\bhref=["']https?://|@import\s+url\(["']?https?://)""",
    re.I,
)


def _exporter() -> HTMLExporter:
    exporter = HTMLExporter(template_name="basic")
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    return exporter


def _title(nb: nbformat.NotebookNode, fallback: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#\s+(.+)$", cell.source, flags=re.M)
            if match:
                return match.group(1).strip()
    return fallback


def _caption(output: nbformat.NotebookNode) -> str | None:
    return output.get("metadata", {}).get("image/png", {}).get("alt")


def caption_figures(nb: nbformat.NotebookNode) -> int:
    """Turn each saved chart's image output into a ``<figure>`` with alt text and caption.

    :func:`analysis.report.save_figure` shows the saved PNG with its caption in the
    output's metadata; that caption becomes the image's alt text and visible caption.
    Returns how many images were captioned.
    """
    done = 0
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            png, caption = out.get("data", {}).get("image/png"), _caption(out)
            if png and caption:
                text = html.escape(caption)
                out["data"] = {
                    "text/html": (
                        f'<figure><img alt="{text}" src="data:image/png;base64,{png.strip()}">'
                        f"<figcaption>{text}</figcaption></figure>"
                    )
                }
                done += 1
    return done


def saved_figures(nb: nbformat.NotebookNode) -> list[str]:
    """Slugs of the figures an executed notebook saved, in order (from its source)."""
    return [
        m.group(1)
        for cell in nb.cells
        if cell.cell_type == "code"
        for m in re.finditer(r"""save_figure\([^"']*["']([a-z0-9-]+)["']""", cell.source)
    ]


def render_report(executed: list[Path], target: Path) -> Path:
    """Render executed notebooks into one self-contained HTML page at ``target``."""
    exporter = _exporter()
    toc, sections = [], []
    for path in executed:
        nb = nbformat.read(path, as_version=4)
        caption_figures(nb)
        body, _ = exporter.from_notebook_node(nb)
        anchor = path.stem
        title = _title(nb, path.stem)
        toc.append(f'<li><a href="#{anchor}">{html.escape(title)}</a></li>')
        sections.append(
            f'<section class="notebook" id="{anchor}">'
            f'<p class="source">Notebook <code>notebooks/{html.escape(path.name)}</code></p>'
            f"{body}</section>"
        )
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>WhatsApp -> Facebook 2016: privacy-impact report</title>"
        f"<style>{CSS}</style></head><body>"
        "<nav><strong>Contents</strong><ol>" + "".join(toc) + "</ol></nav>"
        "<main><h1>WhatsApp &rarr; Facebook, 2016: what the opt-outs left</h1>"
        "<p>Synthetic, seeded analysis. Every number below is computed by the notebooks in "
        "this repository; rebuild with <code>make report</code>.</p>"
        + "".join(sections)
        + "</main></body></html>\n"
    )
    if REMOTE_RESOURCE.search(page):
        raise RuntimeError(
            "the report would fetch a resource from the web; it must be self-contained"
        )
    return atomic_write_text(target, page)


def main() -> int:
    """Execute every notebook into build/notebooks/ and write reports/report.html."""
    out_dir = ensure_dir(BUILD_DIR / "notebooks")
    executed = []
    notebooks = notebook_paths()
    for nb in tqdm(notebooks, desc="notebooks", unit="nb", file=sys.stdout):
        executed.append(execute(nb, out_dir / nb.name))
    report = render_report(executed, ensure_dir(REPORTS_DIR) / "report.html")
    print(f"report: {report.relative_to(ROOT)}; figures: figures/; tables: data/processed/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
