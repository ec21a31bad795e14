"""Charts of scale: headlines against world size, uniqueness against population size, drivers."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

import numpy as np
import pandas as pd

from analysis.report.charts.common import _panel_grid

__all__ = ["plot_convergence_curves", "plot_drivers", "plot_uniqueness_curve"]


def plot_convergence_curves(
    summary: pd.DataFrame,
    headlines: Mapping[tuple[str, str], str],
    units: Mapping[str, str],
    default_size: int | None = None,
    *,
    title: str | None = None,
):
    """Plot each headline (mean, 95% interval over seeds) against world size, one panel each.

    Parameters
    ----------
    summary : pandas.DataFrame
        :func:`analysis.results.world_size.convergence_summary` output.
    headlines : mapping
        (metric, scenario) -> panel title.
    units : mapping
        metric -> ``"share"`` (axis in percent) or anything else (plain numbers).
    default_size : int, optional
        Marked with a dashed line (the headline worlds' size).
    title : str, optional
        The chart's takeaway, written above the panels.

    Returns ``(fig, data)``.
    """
    from matplotlib.ticker import FuncFormatter, PercentFormatter

    from analysis.report.palette import BLUE, GREY

    frames = []
    for (metric, scen), label in headlines.items():
        part = summary[(summary["metric"] == metric) & (summary["scenario"] == scen)]
        if len(part):
            frames.append(part.assign(headline=label).sort_values("n_people"))
    data = pd.concat(frames, ignore_index=True)
    labels = list(dict.fromkeys(data["headline"]))
    fig, axes = _panel_grid(len(labels), ncols=3, size=(3.7, 2.7))
    for ax, lab in zip(axes, labels, strict=False):
        d = data[data["headline"] == lab]
        ax.errorbar(
            d["n_people"],
            d["mean"],
            yerr=[(d["mean"] - d["low"]).clip(lower=0), (d["high"] - d["mean"]).clip(lower=0)],
            fmt="o-",
            color=BLUE,
            capsize=3,
            ms=4,
        )
        if default_size is not None:
            ax.axvline(default_size, color=GREY, ls="--", lw=0.8)
        ax.set_xscale("log")
        sizes = sorted(d["n_people"].unique())
        ax.set_xticks(sizes, [f"{n / 1000:g}k" if n >= 1000 else str(n) for n in sizes])
        ax.minorticks_off()
        ax.tick_params(labelsize=7)
        if units.get(str(d["metric"].iloc[0]), "share") == "share":
            spread = float(d["high"].max() - d["low"].min())
            ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=1 if spread < 0.08 else 0))
        else:
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.set_title(textwrap.fill(lab, 52), fontsize=8, loc="left")
    for ax in axes[: len(labels)][-3:]:
        ax.set_xlabel("People in the world", fontsize=8)
    _layout(fig, title)
    return fig, data


def plot_uniqueness_curve(
    simulated: pd.DataFrame,
    expected: pd.DataFrame,
    countries: pd.DataFrame,
    steps: tuple[str, ...],
    *,
    title: str | None = None,
):
    """Share of WhatsApp users unique on the shared phone details, by number of users.

    Dots: generated populations (mean over seeds); lines: the expected share from the
    model's combination probabilities; crosses: each country's real number of WhatsApp
    users in 2016. ``title``, if given, states the takeaway above the key line.

    Returns ``(fig, data)``.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    from analysis.report.palette import sequential

    sim = (
        simulated[simulated["features"].isin(steps)]
        .groupby(["features", "n_people"], as_index=False)[["users", "unique_share"]]
        .mean()
    )
    fig, ax = plt.subplots(figsize=(7.2, 4.0))
    colours = dict(zip(steps, sequential(len(steps) + 1)[1:], strict=True))
    frames = []
    for step in steps:
        e = expected[expected["features"] == step].sort_values("users")
        s = sim[sim["features"] == step]
        c = countries[countries["features"] == step]
        name = "device fields only" if step == "+ MNC" else step.lstrip("+ ")
        ax.plot(e["users"], e["unique_share"], color=colours[step], lw=1.5, label=name)
        ax.plot(s["users"], s["unique_share"], "o", color=colours[step], ms=4)
        ax.plot(c["whatsapp_users_2016"], c["unique_share"], "x", color=colours[step], ms=6)
        frames += [
            e.assign(kind="expected")[["features", "kind", "users", "unique_share"]],
            s.assign(kind="simulated")[["features", "kind", "users", "unique_share"]],
            c.rename(columns={"whatsapp_users_2016": "users"}).assign(kind="country 2016")[
                ["features", "kind", "users", "unique_share", "country_code"]
            ],
        ]
    ax.set_xscale("log")
    ax.set_xlim(300, 1.5e9)
    ax.set_ylim(-0.02, 1.02)
    ticks = [1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9]
    ax.set_xticks(ticks, ["1,000", "10k", "100k", "1M", "10M", "100M", "1B"])
    ax.minorticks_off()
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel("WhatsApp users compared (log scale)")
    ax.set_ylabel("Share unique")
    ax.legend(title="Fields compared", fontsize=8, title_fontsize=8, frameon=False)
    ax.set_title(
        "Lines: expected; dots: generated populations; crosses: each country's 2016 users",
        fontsize=8,
        loc="left",
    )
    _layout(fig, title)
    return fig, pd.concat(frames, ignore_index=True)


def _layout(fig, title: str | None) -> None:
    """Lay the panels out, keeping ~0.45 inch above them for ``title`` when there is one."""
    if not title:
        fig.tight_layout()
        return
    fig.suptitle(title, x=0.01, ha="left", fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.45 / fig.get_figheight()))


def _words(name: str, labels: Mapping[str, str]) -> str:
    """Return a parameter's label, else its code name spelled out.

    >>> _words("facebook_app_same_phone_share", {})
    'Facebook app same phone share'
    """
    if name in labels:
        return labels[name]
    brands = {"whatsapp": "WhatsApp", "facebook": "Facebook"}
    text = " ".join(brands.get(w, w) for w in name.split("_"))
    return text[:1].upper() + text[1:]


def plot_drivers(
    drivers: pd.DataFrame, labels: Mapping[str, str], top: int = 5, *, title: str | None = None
):
    """Morris mu* (bars) and sigma (whiskers) of each headline's top parameters, one panel each.

    ``title``, if given, states the takeaway above the panels.

    Returns ``(fig, data)``.
    """
    from analysis.report.palette import BLUE, GREY

    data = (
        drivers.sort_values(["label", "rank"])
        .groupby("label", sort=False)
        .head(top)
        .assign(parameter_label=lambda d: d["parameter"].map(lambda p: _words(p, labels)))
        .reset_index(drop=True)
    )
    heads = list(dict.fromkeys(drivers["label"]))
    fig, axes = _panel_grid(len(heads), ncols=2, size=(5.0, 2.3))
    for ax, lab in zip(axes, heads, strict=False):
        d = data[data["label"] == lab].iloc[::-1]
        y = np.arange(len(d))
        ax.barh(y, d["mu_star"], color=BLUE)
        ax.errorbar(d["mu_star"], y, xerr=d["sigma"].fillna(0), fmt="none", ecolor=GREY, capsize=2)
        ax.set_yticks(y, d["parameter_label"], fontsize=7)
        ax.tick_params(axis="x", labelsize=7)
        ax.set_title(lab, fontsize=8, loc="left")
    for ax in axes[: len(heads)][-2:]:
        ax.set_xlabel("mu* (change over the plausible range)", fontsize=7)
    _layout(fig, title)
    return fig, data
