"""Charts say what they show: palette colours by meaning, zero rows labelled, plain ticks."""

from __future__ import annotations

import itertools

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import to_hex

from analysis.core.labels import ZERO_REASONS
from analysis.linking.params import MECHANISMS
from analysis.report import grouped_bars, use_style
from analysis.report.charts.linking import plot_headline
from analysis.report.palette import colour

CLASSES = ["ads", "suggestions", "own_use_only", "reached_only", "not_reached"]


def _summary(scenarios):
    rng = np.random.default_rng(1)
    rows = []
    for m in (*MECHANISMS, "any"):
        for sc in scenarios:
            empty = sc in ZERO_REASONS
            vals = np.array([0, 0, 0, 0, 1.0]) if empty else rng.dirichlet(np.ones(5))
            for c, v in zip(CLASSES, vals, strict=True):
                lo, hi = (v, v) if empty else (max(v - 0.02, 0), min(v + 0.02, 1))
                rows.append(
                    dict(mechanism=m, scenario=sc, purpose_class=c, mean=v, low=lo, high=hi)
                )
    return pd.DataFrame(rows)


def test_headline_small_multiples_use_tier_colours_and_label_zero_rows():
    use_style()
    titles = {"before_change": "Before", "mix_2016": "Mix", "all_leave": "Leave"}
    fig, _ = plot_headline(_summary(titles), titles, title="t")
    visible = [ax for ax in fig.axes if ax.get_visible() and ax.axison]
    assert len(visible) == 5
    # two columns: no panel row is wider than two panels, so each stays legible at 700 px
    assert len({round(ax.get_position().x0, 2) for ax in visible}) == 2
    faces = {to_hex(p.get_facecolor()).upper() for ax in visible for p in ax.patches}
    assert colour("purpose_class", "ads").upper() in faces
    texts = [t.get_text() for ax in visible for t in ax.texts]
    for sc in ("before_change", "all_leave"):
        assert any(t.replace("\n", " ") == f"0: {ZERO_REASONS[sc]}" for t in texts), texts
    assert all(ax.get_xlabel() for ax in visible[-2:])
    plt.close(fig)


def test_grouped_bars_plain_labels_zero_and_log_ticks():
    use_style()
    t = pd.DataFrame({"scenario": ["all_leave", "mix_2016"], "a": [0.0, 0.4], "b": [0.0, 0.5]})
    fig, _ = grouped_bars(t, "scenario", {"a": "A", "b": "B"}, title="t")
    ax = fig.axes[0]
    ticks = [x.get_text() for x in ax.get_xticklabels()]
    assert "all_leave" not in ticks and "mix_2016" not in ticks
    assert "0" in [x.get_text() for x in ax.texts]
    plt.close(fig)
    h = pd.DataFrame({"country_code": ["DE", "IN"], "hours": [0.05, 300.0]})
    fig, _ = grouped_bars(h, "country_code", {"hours": "x"}, title="t", percent=False)
    ax = fig.axes[0]
    ax.set_yscale("log")
    fig.canvas.draw()
    labels = [x.get_text() for x in ax.get_yticklabels() if x.get_text()]
    assert labels and not any("^" in s for s in labels), labels
    plt.close(fig)


def test_grouped_bars_on_their_side_keep_plain_labels_intervals_and_a_unit():
    use_style()
    names = ["no_opt_out", "mix_2016", "all_partial_opt_out", "eu_pause", "policy_2021"]
    t = pd.DataFrame(
        {
            "scenario": names,
            "a": [0.5, 0.48, 0.3, 0.4, 0.41],
            "a_low": [0.45, 0.44, 0.28, 0.35, 0.4],
            "a_high": [0.55, 0.52, 0.33, 0.45, 0.43],
            "b": [0.2, 0.1, 0.0, 0.3, 0.2],
        }
    )
    fig, data = grouped_bars(
        t, "scenario", {"a": "A", "b": "B"}, title="t", ylabel="Share (%)", horizontal=True
    )
    ax = fig.axes[0]
    fig.canvas.draw()
    ticks = [x.get_text().replace("\n", " ") for x in ax.get_yticklabels()]
    assert ticks[:2] == ["Everyone keeps the default", "The 2016 mix"]
    assert not any("_" in s for s in ticks)
    assert ax.get_xlabel() == "Share (%)"
    # one error bar per category of the series with _low/_high columns, none for the other
    bars = [c for c in ax.containers if getattr(c, "errorbar", None) is not None]
    assert len(bars) == 1 and len(bars[0].errorbar.lines[2][0].get_segments()) == len(names)
    assert {"a_low", "a_high"} <= set(data.columns)
    # labels on the left never overlap each other
    boxes = [x.get_window_extent() for x in ax.get_yticklabels()]
    assert all(a.y0 >= b.y1 - 1 or b.y0 >= a.y1 - 1 for a, b in itertools.pairwise(boxes))
    plt.close(fig)
