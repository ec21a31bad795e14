"""The report's two editions, made from the same executed notebooks by nbconvert.

* The **reader edition** (``reports/report.html``) is for people who do not read code: no
  code, no set-up cells, no "Saved figure ..." lines, and notebook 00's key findings first.
* The **full edition** (``reports/report-with-code.html``) keeps every notebook's code,
  folded under "Code", and every output, for researchers.

Both are nbconvert's own machinery: the ``wafb`` template (``templates/wafb/``), the
exporter's ``exclude_input`` switch, :class:`~nbconvert.preprocessors.TagRemovePreprocessor`
for the cell tags below, and two small preprocessors of our own. Cell tags (set in
JupyterLab's property inspector; they change no output, so nbval does not see them):

``remove_cell``
    Left out of the reader edition (set-up tables, "Imports"/"Parameters" headings,
    bookkeeping such as a table's row count). The full edition keeps it.
``key_findings``
    The cell whose output is the key findings; the reader edition lifts it out of its
    notebook and shows it first, at the top of the page.

Cells tagged ``parameters`` (papermill's) or ``injected-parameters`` are left out of the
reader edition too, and so is every code cell left with nothing to show.
"""

from __future__ import annotations

import base64
import struct
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor

__all__ = [
    "EDITIONS",
    "KEY_FINDINGS_TAG",
    "READER_REMOVE_TAGS",
    "REMOVE_CELL_TAG",
    "TEMPLATES_DIR",
    "Edition",
    "FigureSizePreprocessor",
    "ReaderPreprocessor",
    "exporter",
    "figure_outputs",
    "png_size",
]


REMOVE_CELL_TAG = "remove_cell"
KEY_FINDINGS_TAG = "key_findings"
#: Tags whose cells the reader edition leaves out.
READER_REMOVE_TAGS = frozenset({REMOVE_CELL_TAG, "parameters", "injected-parameters"})
TEMPLATES_DIR = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class Edition:
    """One edition of the report: its file name, and what it keeps."""

    name: str
    filename: str
    title: str
    show_code: bool


EDITIONS: dict[str, Edition] = {
    "reader": Edition("reader", "report.html", "Report", show_code=False),
    "full": Edition("full", "report-with-code.html", "Report with code", show_code=True),
}
"""The two editions, by name; ``make report`` writes both."""


def png_size(data: str | bytes) -> tuple[int, int]:
    r"""Return a PNG's natural ``(width, height)`` in pixels, from its header.

    ``data`` is the PNG, or its base64 text as stored in a notebook.

    >>> import base64, zlib
    >>> def chunk(kind, body):
    ...     crc = zlib.crc32(kind + body).to_bytes(4, "big")
    ...     return len(body).to_bytes(4, "big") + kind + body + crc
    >>> ihdr = (3).to_bytes(4, "big") + (2).to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    >>> png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
    >>> png_size(base64.b64encode(png).decode())
    (3, 2)
    """
    raw = base64.b64decode("".join(data[:128].split())[:64]) if isinstance(data, str) else data
    if raw[:8] != b"\x89PNG\r\n\x1a\n" or raw[12:16] != b"IHDR":
        raise ValueError("not a PNG image: its header is missing")
    width, height = struct.unpack(">II", raw[16:24])
    return int(width), int(height)


def _caption(output: nbformat.NotebookNode) -> str | None:
    return output.get("metadata", {}).get("image/png", {}).get("alt")


def figure_outputs(cell: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    """Return the saved charts a code cell shows: PNG outputs carrying a caption (alt text)."""
    if cell.cell_type != "code":
        return []
    return [
        out
        for out in cell.get("outputs", [])
        if "image/png" in out.get("data", {}) and _caption(out)
    ]


class FigureSizePreprocessor(Preprocessor):
    """Record each captioned chart's natural pixel size in its output metadata.

    The ``wafb`` template gives the image that size as its width and never lets it
    shrink below half of it.
    """

    def preprocess_cell(self, cell, resources, index):
        """Add ``width`` and ``height`` to the ``image/png`` metadata of every saved chart."""
        for out in figure_outputs(cell):
            width, height = png_size(out["data"]["image/png"].strip())
            meta = out.setdefault("metadata", {}).setdefault("image/png", {})
            meta["width"], meta["height"] = width, height
        return cell, resources


class ReaderPreprocessor(Preprocessor):
    """Keep what a reader needs: lift the key findings, drop set-up, keep only the charts.

    * cells tagged ``key_findings`` move to ``resources["key_findings"]`` (the page shows
      them first);
    * in a cell that shows a saved chart, only the chart remains (not the
      ``Saved figure ...`` line the call returns);
    * warnings written to stderr are dropped;
    * a code cell with nothing left to show is dropped.
    """

    def preprocess(self, nb, resources):
        """Return the notebook as the reader edition shows it."""
        lifted = resources.setdefault("key_findings", [])
        cells = []
        for cell in nb.cells:
            tags = set(cell.get("metadata", {}).get("tags", []))
            if KEY_FINDINGS_TAG in tags:
                lifted.append(cell)
                continue
            if cell.cell_type == "code":
                figures = figure_outputs(cell)
                outputs = figures or cell.get("outputs", [])
                cell.outputs = [
                    o
                    for o in outputs
                    if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
                ]
                if not cell.outputs:
                    continue
            cells.append(cell)
        nb.cells = cells
        return nb, resources


def exporter(edition: Edition | str) -> HTMLExporter:
    """Return the nbconvert exporter that renders a notebook's cells for one edition.

    The result is the HTML of the cells only; :mod:`analysis.report.build` puts the
    notebooks together into one page.
    """
    edition = EDITIONS[edition] if isinstance(edition, str) else edition
    exp = HTMLExporter(
        template_name="wafb",
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_input=not edition.show_code,
    )
    if not edition.show_code:
        exp.register_preprocessor(
            TagRemovePreprocessor(remove_cell_tags=set(READER_REMOVE_TAGS), enabled=True),
            enabled=True,
        )
        exp.register_preprocessor(ReaderPreprocessor(), enabled=True)
    exp.register_preprocessor(FigureSizePreprocessor(), enabled=True)
    return exp
