"""Save every figure with the data it plots and a one-line caption.

``save_figure(fig, data, slug, caption)`` writes, under ``figures/``:

* ``slug.png``: the chart (fixed DPI, no timestamp or software metadata, so the
  bytes depend only on the pinned matplotlib and the data);
* ``slug.csv``: the values plotted, one tidy table;
* ``slug.txt``: the caption, one line, used as the image's alt text in the report.

All three are written atomically. Notebooks call this instead of ``savefig``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import pandas as pd

from analysis.core.io import atomic_path, atomic_write_text, write_csv
from analysis.core.paths import FIGURES_DIR
from analysis.report.palette import SERIES

__all__ = [
    "PALETTE",
    "SLUG",
    "STYLE",
    "SavedFigure",
    "save_figure",
    "use_style",
]


SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


#: The default colour cycle (Okabe-Ito, colour-blind-safe). Charts that show a tier, a
#: purpose, a scenario, a mechanism or a consent state take its own colour from
#: :mod:`analysis.report.palette` (``colour("purpose_class", "ads")``) instead.
PALETTE = SERIES


STYLE = {
    "figure.figsize": (8, 4.5),
    "figure.dpi": 100,
    "savefig.dpi": 120,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.prop_cycle": mpl.cycler(color=PALETTE),
    "font.size": 10,
    # log axes read 0.1, 1, 10, 100 rather than 10^-1, 10^0 (scientific only beyond 10^6)
    "axes.formatter.min_exponent": 7,
    "svg.hashsalt": "wafb",
}


@dataclass(frozen=True)
class SavedFigure:
    """Where a figure went. Its repr is one stable line, fit for a notebook's output."""

    slug: str
    png: Path
    csv: Path
    txt: Path
    caption: str

    def __getitem__(self, kind: str) -> Path:
        return {"png": self.png, "csv": self.csv, "txt": self.txt}[kind]

    def __repr__(self) -> str:
        return f"Saved figure {self.slug!r} (png, csv, txt): {self.caption}"


def use_style() -> None:
    """Apply the project's chart style (call once at the top of a notebook)."""
    mpl.rcParams.update(STYLE)


def save_figure(
    fig: plt.Figure,
    data: pd.DataFrame,
    slug: str,
    caption: str,
    *,
    directory: Path | None = None,
    close: bool = False,
) -> SavedFigure:
    """Write ``slug.png``, ``slug.csv`` and ``slug.txt`` and say where they went.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The finished figure.
    data : pandas.DataFrame
        The values plotted (what a reader needs to redraw the chart).
    slug : str
        Lower-case words joined by hyphens, e.g. ``"consent-state-mix"``.
    caption : str
        One sentence describing what the chart shows (alt text).
    directory : pathlib.Path, optional
        Defaults to ``figures/`` at the project root.
    close : bool
        Close the figure once written (batch jobs that draw many figures).
    """
    if not SLUG.match(slug):
        raise ValueError(f"figure slug {slug!r} must be lower-case words joined by hyphens")
    if not isinstance(data, pd.DataFrame) or data.empty:
        raise ValueError(f"figure {slug!r}: save the plotted values as a non-empty DataFrame")
    caption = " ".join(caption.split())
    if not caption:
        raise ValueError(f"figure {slug!r}: a one-line caption is required")
    directory = directory or FIGURES_DIR
    saved = SavedFigure(
        slug,
        directory / f"{slug}.png",
        directory / f"{slug}.csv",
        directory / f"{slug}.txt",
        caption,
    )
    with atomic_path(saved.png) as tmp:
        fig.savefig(tmp, format="png", bbox_inches="tight", metadata={"Software": None})
    write_csv(data, saved.csv)
    atomic_write_text(saved.txt, caption + "\n")
    _show_in_notebook(fig, saved)
    if close:
        plt.close(fig)
    return saved


def _show_in_notebook(fig: plt.Figure, saved: SavedFigure) -> None:
    """In a notebook, show the saved PNG with its caption as alt text, once.

    The image shown is the file on disk (what readers download), tagged with the caption
    in its output metadata so the HTML report can give it alt text and a caption. The
    figure is then closed, so the inline backend does not show it a second time.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is always installed with the project
        return
    shell = get_ipython()
    if shell is None or not hasattr(shell, "kernel"):
        return
    from IPython.display import Image, display

    display(
        Image(data=saved.png.read_bytes(), format="png"),
        metadata={"image/png": {"alt": saved.caption}},
    )
    plt.close(fig)
