"""The figures ``python -m analysis run`` writes beside its tables."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "run_figures",
]


def run_figures(tables: Mapping[str, pd.DataFrame], scenario: Any, comparison: str):
    """Draw the run's charts; return ``(slug, fig, data, caption)`` tuples.

    ``comparison`` names the scenario the run is compared with.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    from analysis.core.labels import PURPOSE_CLASS_LABELS, scenario_labels
    from analysis.report.charts.linking import plot_precision_recall
    from analysis.report.palette import colour

    scores = tables["mechanism_scores"]
    mine = scores[scores["scenario"] == scenario.name]
    fig1, data1 = plot_precision_recall(
        mine, title=f"How accurate each linking method is: {scenario.title}"
    )
    shares = tables["link_shares"]
    any_ = shares[shares["mechanism"] == "any"]
    data2 = any_.pivot(index="scenario", columns="purpose_class", values="share")
    data2 = data2.reindex(index=list(dict.fromkeys(shares["scenario"])))
    fig2, ax = plt.subplots()
    left = np.zeros(len(data2))
    names = {**scenario_labels(), scenario.name: scenario.title}
    rows = [names.get(k, k) for k in data2.index]
    for cls in (c for c in data2.columns if c != "not_reached"):
        label = PURPOSE_CLASS_LABELS.get(cls, cls)
        ax.barh(rows, data2[cls], left=left, label=label, color=colour("purpose_class", cls))
        left += data2[cls].to_numpy()
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlim(0, 1)
    ax.set_xlabel("Share of WhatsApp users (people who left included)")
    ax.grid(axis="y", visible=False)
    ax.set_title("WhatsApp users by the highest tier they reach (any mechanism)", loc="left")
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(0, -0.1), ncols=3)
    return [
        (
            "run-linking-precision-recall",
            fig1,
            data1,
            f"Precision and recall of each linking mechanism under '{scenario.title}'.",
        ),
        (
            "run-linked-share-by-use",
            fig2,
            data2.reset_index(),
            f"Share of WhatsApp users linked, by the best use allowed: '{scenario.title}' "
            f"against '{comparison}'.",
        ),
    ]
