"""Charts comparing a real (loaded) network with the synthetic world: structure and results."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from analysis.world.socialworld import SocialWorld
from analysis.world.structure import local_clustering

__all__ = [
    "plot_network_results",
    "plot_network_structure",
]


def _ccdf(deg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    values, counts = np.unique(deg, return_counts=True)
    return values, 1 - (np.cumsum(counts) - counts) / deg.size


def plot_network_structure(worlds: Mapping[str, SocialWorld], *, title: str | None = None):
    """Ties per person and local clustering of several worlds, side by side.

    Left: the share of people with at least k ties (log-log), each world's median marked
    with a dot. Right: each person's local clustering against their number of ties (the
    mean in log-spaced bins). The keys of ``worlds`` name the series.

    Returns ``(fig, data)``: ``series``, ``panel`` (``ties`` or ``clustering``), ``x``, ``y``.
    """
    import matplotlib.pyplot as plt

    from analysis.report.palette import SERIES

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.3))
    rows = []
    for (name, w), colour in zip(worlds.items(), SERIES, strict=False):
        deg = w.person_attrs["tie_count"].to_numpy()
        x, y = _ccdf(deg)
        keep = x > 0
        left.loglog(x[keep], y[keep], color=colour, label=f"{name} ({w.n_people:,} people)")
        med = float(np.median(deg))
        left.plot([med], [float((deg >= med).mean())], "o", color=colour)
        rows.append(pd.DataFrame({"series": name, "panel": "ties", "x": x, "y": y}))
        cc = local_clustering(w.tie_matrix())
        edges = np.unique(np.round(np.geomspace(2, max(int(deg.max()), 3) + 1, 12)).astype(int))
        b = np.digitize(deg, edges)
        frame = pd.DataFrame({"b": b, "deg": deg, "cc": cc})[deg >= 2]
        g = frame.groupby("b").agg(x=("deg", "median"), y=("cc", "mean"), n=("cc", "size"))
        g = g[g["n"] >= 3]
        right.semilogx(g["x"], g["y"], "o-", color=colour, label=name)
        rows.append(pd.DataFrame({"series": name, "panel": "clustering", "x": g["x"], "y": g["y"]}))
    left.set_xlabel("Ties per person (k, log scale)")
    left.set_ylabel("Share of people with at least k ties\n(log scale)")
    left.set_title("Ties per person (dot: median)", loc="left", fontsize=10)
    left.legend(fontsize=8)
    right.set_xlabel("Ties per person (log scale)")
    right.set_ylabel("Local clustering (mean share of a\nperson's tie pairs who know each other)")
    right.set_ylim(0, 1)
    right.set_title("How often two of a person's ties know each other", loc="left", fontsize=10)
    if title:
        fig.suptitle(title, x=0.01, ha="left", wrap=True)
    fig.tight_layout()
    return fig, pd.concat(rows, ignore_index=True)


def plot_network_results(
    summaries: Mapping[str, pd.DataFrame],
    rows: Mapping[tuple[str, str], str],
    *,
    title: str | None = None,
):
    """Headline results on several worlds: means with 95% intervals over seeds.

    Parameters
    ----------
    summaries : mapping of series name to :func:`analysis.results.summarise` output
    rows : mapping of (metric, scenario) to the label shown
        The headlines to draw, top to bottom.

    Returns ``(fig, data)``: ``series``, ``label``, ``metric``, ``scenario``, ``mean``,
    ``low``, ``high``, ``seed_count`` (a headline with no value in a world is left out).
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    from analysis.report.palette import SERIES

    keys = list(rows)
    fig, ax = plt.subplots(figsize=(8.5, 0.55 * len(keys) + 1.6))
    y = np.arange(len(keys))[::-1].astype(float)
    h = 0.8 / max(len(summaries), 1)
    frames = []
    for i, ((name, s), colour) in enumerate(zip(summaries.items(), SERIES, strict=False)):
        d = s.set_index(["metric", "scenario"]).reindex(keys)
        mean = d["mean"].to_numpy(float)
        err = np.vstack([mean - d["low"].to_numpy(float), d["high"].to_numpy(float) - mean])
        pos = y + (len(summaries) - 1) / 2 * h - i * h
        ax.barh(pos, mean, h, color=colour, label=name, xerr=err, capsize=2)
        part = d.reset_index().assign(series=name, label=[rows[k] for k in keys])
        frames.append(part[part["mean"].notna()])
    ax.set_yticks(y, [rows[k] for k in keys], fontsize=9)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlim(0, 1)
    ax.set_xlabel("Share (%; mean over seeds, 95% interval)")
    ax.legend(
        fontsize=8,
        frameon=False,
        ncols=len(summaries),
        loc="upper left",
        bbox_to_anchor=(0, -0.9 / fig.get_size_inches()[1]),
    )  # below, clear of the bars
    ax.set_title(
        title or "The same headlines on the real network and the synthetic world",
        loc="left",
        wrap=True,
    )
    fig.tight_layout()
    data = pd.concat(frames, ignore_index=True)
    return fig, data[["series", "label", "metric", "scenario", "mean", "low", "high", "seed_count"]]
