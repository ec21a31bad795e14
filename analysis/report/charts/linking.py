"""Charts of identity linking: precision and recall, scenarios, the opt-out window."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.linking.fingerprint import ANCHORS
from analysis.linking.params import (
    MECHANISM_LABELS,
    MECHANISMS,
    PURPOSE_CLASS_LABELS,
    PURPOSE_CLASSES,
)

__all__ = [
    "plot_headline",
    "plot_precision_recall",
    "plot_time_tiers",
    "plot_uniqueness",
    "plot_uploader_curve",
    "plot_window_curve",
]


def plot_precision_recall(scores: pd.DataFrame, *, title: str):
    """Bars of precision and recall per mechanism; returns ``(fig, data)``."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    from analysis.report.palette import BLUE, ORANGE

    data = scores[["mechanism", "precision", "recall"]].copy()
    data["mechanism_label"] = data["mechanism"].map(MECHANISM_LABELS)
    fig, ax = plt.subplots()
    x = np.arange(len(data))
    ax.bar(
        x - 0.2,
        data["precision"].fillna(0),
        0.4,
        label="Precision (links that are right)",
        color=BLUE,
    )
    ax.bar(x + 0.2, data["recall"].fillna(0), 0.4, label="Recall (true pairs found)", color=ORANGE)
    ax.set_xticks(x, data["mechanism_label"])
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylim(0, 1.05)
    ax.set_title(title, loc="left", wrap=True)
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(0, -0.08), ncols=2)
    return fig, data


def plot_uploader_curve(inf_scores: pd.DataFrame, *, title: str):
    """Precision and recall of address-book inference by minimum agreeing uploaders."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    fig, ax = plt.subplots()
    ax.plot(inf_scores["min_uploaders"], inf_scores["precision"], marker="o", label="Precision")
    ax.plot(inf_scores["min_uploaders"], inf_scores["recall"], marker="s", label="Recall")
    ax.set_xlabel("Friends whose uploaded contacts agree on the number (at least)")
    ax.set_xticks(inf_scores["min_uploaders"])
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylim(0, 1.05)
    ax.set_title(title, loc="left", wrap=True)
    ax.legend(frameon=False)
    return fig, inf_scores[["min_uploaders", "accounts_given_number", "precision", "recall"]].copy()


def plot_headline(
    summary: pd.DataFrame,
    scenario_titles: Mapping[str, str],
    *,
    title: str,
    mechanisms: Sequence[str] = (*MECHANISMS, "any"),
    ncols: int = 2,
):
    """Stacked bars: per mechanism panel, per scenario, share of WhatsApp users by highest tier.

    ``summary`` is :func:`mean_t_interval` of the ``shares`` table (columns scenario,
    mechanism, purpose_class, mean, low, high). Segments are the tiers (d) ads, (c)
    suggestions, (b) Facebook's own use, (a) reached only, in their palette colours; error
    bars show the 95% interval of the share reached (tier a). Panels wrap into rows of
    ``ncols`` so each stays legible at 700 px; a scenario where nothing reaches Facebook
    is labelled "0" with its reason (:data:`analysis.core.labels.ZERO_REASONS`). Only the
    tiers that appear get a legend entry.
    """
    import math
    import textwrap

    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    from analysis.core.labels import ZERO_REASONS
    from analysis.report.palette import colour

    classes = [c for c in PURPOSE_CLASSES if c != "not_reached"]
    scen = list(scenario_titles)
    n = len(mechanisms)
    ncols = max(1, min(ncols, n))
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(3.3 * ncols + 1.9, 0.34 * len(scen) * nrows + 1.1 * nrows + 0.6),
        sharey=True,
        squeeze=False,
    )
    flat = axes.ravel()
    for ax in flat[n:]:
        ax.set_visible(False)
    s = summary.set_index(["mechanism", "scenario", "purpose_class"])
    shown: set[str] = set()
    for k, (ax, m) in enumerate(zip(flat, mechanisms, strict=False)):
        y = np.arange(len(scen))[::-1]
        left = np.zeros(len(scen))
        for c in classes:
            vals = np.array([s.loc[(m, sc, c), "mean"] for sc in scen])
            if (vals > 0).any():
                shown.add(c)
            ax.barh(y, vals, left=left, color=colour("purpose_class", c), height=0.7)
            left += vals
        nl = s.loc[[(m, sc, "not_reached") for sc in scen]]
        lo = 1 - nl["high"].to_numpy()
        hi = 1 - nl["low"].to_numpy()
        ax.errorbar(
            left,
            y,
            xerr=[np.clip(left - lo, 0, None), np.clip(hi - left, 0, None)],
            fmt="none",
            color="black",
            capsize=2,
            lw=0.8,
        )
        for yy, total, hi_end, sc in zip(y, left, hi, scen, strict=True):
            if total == 0 and hi_end == 0:
                reason = ZERO_REASONS.get(sc, "nothing reached Facebook")
                text = textwrap.fill(f"0: {reason}", 30)
                ax.text(0.01, yy, text, va="center", fontsize=7, color="#444444")
        ax.set_title(MECHANISM_LABELS[m], fontsize=10, loc="left")
        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_xlim(0, 1)
        ax.grid(axis="y", visible=False)
        if k // ncols == nrows - 1 or k + ncols >= n:
            ax.set_xlabel("Share of WhatsApp users", fontsize=9)
        ax.tick_params(labelsize=8)
    axes[0, 0].set_yticks(np.arange(len(scen))[::-1], [scenario_titles[k] for k in scen])
    from matplotlib.patches import Patch

    handles = [
        Patch(color=colour("purpose_class", c), label=PURPOSE_CLASS_LABELS[c])
        for c in classes
        if c in shown
    ]
    handles.append(
        plt.Line2D([], [], color="black", lw=0.8, marker="|", label="95% interval, reached (a)")
    )
    if n < nrows * ncols:  # the legend takes the empty panel's place
        spare = flat[n]
        spare.set_visible(True)
        spare.set_axis_off()
        spare.legend(handles=handles, frameon=False, loc="center left", fontsize=9)
    else:
        fig.legend(handles=handles, frameon=False, loc="lower left", ncols=3, fontsize=9)
    fig.suptitle(title, x=0.01, ha="left")
    # Keep ~0.4 inch above the panels for the title (tight_layout leaves suptitle out).
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.4 / fig.get_figheight()))
    data = summary[summary["mechanism"].isin(mechanisms)].reset_index(drop=True)
    return fig, data


def plot_window_curve(curve_summary: pd.DataFrame, labels: Mapping[str, str], *, title: str):
    """Tier (d) over days 0-30 after acceptance: usable now, and held from earlier days.

    ``curve_summary`` is :func:`mean_t_interval` of the ``curve`` table melted to a
    ``measure`` column (scenario, day, measure, mean, low, high); ``labels`` maps
    scenario names to legend labels. Solid lines: a join usable for ads from what may flow
    that day; dotted: from what Facebook received up to that day (held with the uses it
    was received for); dashed black: tier (b), Facebook's own use, for the first scenario.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    fig, ax = plt.subplots()
    from analysis.report.palette import colours

    scenario_colours = colours("scenario", list(labels))
    for i, (name, label) in enumerate(labels.items()):
        d = curve_summary[(curve_summary["scenario"] == name)]
        colour = scenario_colours[i]
        ads = d[d["measure"] == "usable_for_ads_share"]
        ax.plot(ads["day"], ads["mean"], color=colour, label=f"(d) usable for ads now: {label}")
        ax.fill_between(ads["day"], ads["low"], ads["high"], color=colour, alpha=0.2)
        held = d[d["measure"] == "held_usable_for_ads_share"]
        ax.plot(held["day"], held["mean"], color=colour, ls=":", lw=1.2)
    first = curve_summary[
        (curve_summary["measure"] == "own_join_share")
        & (curve_summary["scenario"] == next(iter(labels)))
    ]
    ax.plot(
        first["day"],
        first["mean"],
        color="black",
        ls="--",
        label="(b) joined for Facebook's own use",
    )
    ax.plot([], [], color="grey", ls=":", label="(d) held from data received up to that day")
    ax.set_xlabel("Days since the user accepted the new terms")
    ax.set_ylabel("Share of WhatsApp users")
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylim(0, 1)
    ax.set_title(title, loc="left", wrap=True)
    ax.legend(frameon=False, fontsize=7, loc="lower left")
    data = curve_summary[curve_summary["scenario"].isin(list(labels))].reset_index(drop=True)
    return fig, data


def plot_time_tiers(table: pd.DataFrame, *, title: str):
    """Tiers held and flowing per cohort (:func:`analysis.linking.time_table`).

    One panel per cohort and day; in each, the four tiers for what Facebook holds (with
    the uses it was received for; with only the uses the person's state now allows) and
    for what flows afterwards. Returns ``(fig, data)``.
    """
    from matplotlib.ticker import PercentFormatter

    from analysis.linking.tiers import TIER_LETTERS, TIERS
    from analysis.report.palette import SERIES

    views = {
        "held_as_received": "held, uses as received",
        "held_as_now": "held, only uses allowed now",
        "flowing": "flows afterwards",
    }
    cases = list(dict.fromkeys(zip(table["cohort"], table["day"], strict=True)))
    names = {"opted_out": "opted out on day {}", "left": "accepted, left on day {}"}
    from analysis.report.charts.common import _panel_grid

    fig, axes = _panel_grid(len(cases), ncols=3, size=(3.0, 2.7))
    x = np.arange(len(TIERS))
    for ax, (cohort, day) in zip(axes, cases, strict=False):
        part = table[(table["cohort"] == cohort) & (table["day"] == day)]
        for i, (v, lab) in enumerate(views.items()):
            d = part[part["view"] == v].set_index("tier").reindex(list(TIERS))
            ax.bar(x + (i - 1) * 0.27, d["share"], 0.27, color=SERIES[i], label=lab)
        ax.set_xticks(x, [TIER_LETTERS[t] for t in TIERS])
        ax.set_title(names[cohort].format(day), fontsize=8)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_ylim(0, 1)
    axes[0].set_ylabel("Share of the cohort")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, frameon=False, fontsize=8, loc="lower center", ncols=3)
    fig.suptitle(title, x=0.01, ha="left")
    fig.tight_layout(rect=(0, 0.05, 1, 0.97))
    return fig, table.reset_index(drop=True)


def plot_uniqueness(table: pd.DataFrame, *, title: str):
    """Plot the share unique per cumulative feature set, with the published anchors as lines."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    from analysis.report.palette import BLUE, SERIES

    fig, ax = plt.subplots()
    x = np.arange(len(table))
    ax.bar(x, table["unique_share"], color=BLUE, label="Share of WhatsApp users unique")
    for i, row in ANCHORS.iterrows():
        ax.axhline(row["unique_share"], color=SERIES[3 + i], ls="--", lw=1, label=row["anchor"])
    for xi, share, bits in zip(x, table["unique_share"], table["entropy_bits"], strict=True):
        ax.text(xi, share + 0.01, f"{bits:.1f} bits", ha="center", va="bottom", fontsize=7)
    ax.set_xticks(x, table["features"], rotation=30, ha="right")
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylim(0, 1.12)
    ax.set_title(title, loc="left", wrap=True)
    ax.legend(frameon=False, fontsize=8, loc="upper left")
    return fig, table[["features", "n", "n_combinations", "unique_share", "entropy_bits"]].copy()
