"""Charts of the headline results: linking, headlines, sensitivity, convergence."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from analysis.core.formatting import fmt_estimate
from analysis.report.charts.common import _panel_grid
from analysis.results.metrics import HEADLINES, LINK_SCENARIOS
from analysis.results.robustness import tornado_data
from analysis.results.wording import _get, _has

__all__ = [
    "plot_convergence",
    "plot_headlines",
    "plot_linking",
    "plot_tornado",
]


def plot_linking(
    summary: pd.DataFrame,
    scenario_titles: Mapping[str, str] | None = None,
    *,
    title: str = "What reached Facebook, and what it may join and use, by scenario",
):
    """Plot the four linking tiers per scenario (grouped bars, 95% intervals).

    (a) WhatsApp data reached Facebook; (b) Facebook may join it to the person's account for
    its own purposes; (c) the join may be used for friend suggestions; (d) for ads. Shares
    of WhatsApp users (people who left included).

    Returns ``(fig, data)``.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    from analysis.linking.tiers import TIER_LABELS, TIERS
    from analysis.report.palette import colour

    if scenario_titles is None:
        from analysis.policy.scenarios import builtin_scenarios

        b = builtin_scenarios()
        scenario_titles = {k: b[k].title for k in LINK_SCENARIOS}
    metrics = [f"{t}_share" for t in TIERS]
    labels = [TIER_LABELS[t] for t in TIERS]
    scen = list(scenario_titles)
    data = summary[summary["metric"].isin(metrics) & summary["scenario"].isin(scen)].copy()
    fig, ax = plt.subplots(figsize=(8, 5.2))
    y = np.arange(len(scen))[::-1]
    h = 0.2
    colours = [colour("tier", t) for t in TIERS]
    for i, (m, lab) in enumerate(zip(metrics, labels, strict=True)):
        d = data[data["metric"] == m].set_index("scenario").reindex(scen)
        mean = d["mean"].to_numpy(float)
        err = [mean - d["low"].to_numpy(float), d["high"].to_numpy(float) - mean]
        ax.barh(
            y + (1.5 - i) * h,
            mean,
            h,
            color=colours[i],
            label=lab,
            xerr=np.clip(err, 0, None),
            error_kw={"lw": 0.8, "capsize": 2},
        )
    ax.set_yticks(y, [scenario_titles[k] for k in scen])
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlim(0, 1)
    ax.set_xlabel("Share of WhatsApp users (people who left included)")
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(0, -0.14), ncols=2, fontsize=8)
    ax.set_title(title, loc="left", wrap=True)
    data["scenario_title"] = data["scenario"].map(scenario_titles)
    return fig, data.reset_index(drop=True)


def plot_headlines(
    summary: pd.DataFrame,
    headlines: Mapping = HEADLINES,
    *,
    title: str = "Headline figures, each with its range over worlds",
):
    """Plot the headline shares as dots with their 95% interval over seeds.

    Returns ``(fig, data)``.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    from analysis.report.palette import BLUE

    rows = []
    for (metric, scen), label in headlines.items():
        if _has(summary, [(metric, scen)]):
            r = _get(summary, metric, scen)
            rows.append(
                {
                    "label": label,
                    "metric": metric,
                    "scenario": scen,
                    "mean": r["mean"],
                    "low": r["low"],
                    "high": r["high"],
                    "seed_count": int(r["seed_count"]),
                }
            )
    data = pd.DataFrame(rows)
    fig, ax = plt.subplots(figsize=(8, 0.55 * len(data) + 1.2))
    y = np.arange(len(data))[::-1]
    ax.errorbar(
        data["mean"],
        y,
        xerr=[data["mean"] - data["low"], data["high"] - data["mean"]],
        fmt="o",
        color=BLUE,
        capsize=3,
    )
    ax.set_yticks(y, data["label"])
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlim(0, 1)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("Share of the people each figure counts (dot: mean; bar: 95% interval)")
    for yy, m, lo, hi in zip(y, data["mean"], data["low"], data["high"], strict=True):
        ax.text(hi, yy, f"  {fmt_estimate(m, lo, hi, style='table')}", va="center", fontsize=8)
    ax.set_title(title, loc="left", wrap=True)
    return fig, data


def plot_tornado(sens: pd.DataFrame, headlines: Mapping = HEADLINES):
    """Plot small multiples of tornado charts, one panel per headline.

    One bar per parameter spans the headline's values across the parameter's plausible
    range (filled dot at the high parameter value), with the default run as a dashed line.

    Returns ``(fig, data)`` where ``data`` is :func:`tornado_data`.
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import PercentFormatter

    from analysis.report.palette import BLUE

    data = tornado_data(sens, headlines)
    labels = list(dict.fromkeys(data["headline"]))
    fig, axes = _panel_grid(len(labels), ncols=2, size=(5.2, 2.9))
    for ax, lab in zip(axes, labels, strict=False):
        d = data[data["headline"] == lab].sort_values("swing", kind="stable")
        y = np.arange(len(d))
        lo = np.minimum(d["at_low_value"], d["at_high_value"]).to_numpy()
        hi = np.maximum(d["at_low_value"], d["at_high_value"]).to_numpy()
        ax.barh(y, hi - lo, left=lo, color=BLUE, alpha=0.35, height=0.6)
        ax.plot(d["at_low_value"], y, "o", color=BLUE, ms=4, mfc="white")
        ax.plot(d["at_high_value"], y, "o", color=BLUE, ms=4)
        ax.axvline(d["at_default"].iloc[0], color="black", lw=0.8, ls="--")
        ax.set_yticks(y, d["parameter_label"], fontsize=8)
        small = max(hi.max(), float(d["at_default"].iloc[0])) < 0.05
        ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=1 if small else 0))
        ax.tick_params(axis="x", labelsize=8)
        ax.set_title(lab, fontsize=9, loc="left")
    legend = [
        Line2D([], [], marker="o", ls="", color=BLUE, mfc="white", label="low end of range"),
        Line2D([], [], marker="o", ls="", color=BLUE, label="high end (switch on)"),
        Line2D([], [], color="black", ls="--", lw=0.8, label="default parameters"),
        Patch(color=BLUE, alpha=0.35, label="span"),
    ]
    fig.legend(
        handles=legend, loc="lower center", ncols=4, frameon=False, bbox_to_anchor=(0.5, -0.02)
    )
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig, data


def plot_convergence(
    conv: pd.DataFrame, headlines: Mapping = HEADLINES, default_size: int | None = None
):
    """Plot each headline (mean and 95% interval) against population size, one panel each.

    Returns ``(fig, data)``.
    """
    from matplotlib.ticker import PercentFormatter

    from analysis.report.palette import BLUE

    frames = []
    for (metric, scen), label in headlines.items():
        part = conv[(conv["metric"] == metric) & (conv["scenario"] == scen)]
        if len(part):
            frames.append(part.assign(headline=label).sort_values("n_people"))
    data = pd.concat(frames, ignore_index=True)
    labels = list(dict.fromkeys(data["headline"]))
    fig, axes = _panel_grid(len(labels), ncols=3, size=(3.6, 2.7))
    for ax, lab in zip(axes, labels, strict=False):
        d = data[data["headline"] == lab]
        ax.errorbar(
            d["n_people"],
            d["mean"],
            yerr=[d["mean"] - d["low"], d["high"] - d["mean"]],
            fmt="o-",
            color=BLUE,
            capsize=3,
            ms=4,
        )
        if default_size is not None:
            ax.axvline(default_size, color="grey", ls="--", lw=0.8)
        ax.set_xscale("log")
        ax.set_xticks(
            sorted(d["n_people"].unique()),
            [f"{n:,}" for n in sorted(d["n_people"].unique())],
            fontsize=7,
        )
        ax.minorticks_off()
        ax.yaxis.set_major_formatter(
            PercentFormatter(1.0, decimals=1 if d["high"].max() < 0.05 else 0)
        )
        ax.tick_params(axis="y", labelsize=8)
        ax.set_title(lab, fontsize=9, loc="left")
    for ax in axes[: len(labels)][-3:]:
        ax.set_xlabel("People in the world", fontsize=8)
    fig.tight_layout()
    return fig, data
