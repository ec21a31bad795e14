"""Small multiples by country: the linking tiers of one scenario, one panel per country."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = ["country_takeaway", "plot_country_tiers"]


_TIER_METRICS = ("reached_share", "own_join_share", "suggestions_join_share", "ads_join_share")
_TIER_SHORT = {
    "reached_share": "(a) reached",
    "own_join_share": "(b) own use",
    "suggestions_join_share": "(c) suggestions",
    "ads_join_share": "(d) ads",
}


def country_takeaway(table: pd.DataFrame, scenario: str, title: str) -> str:
    """Say the spread of tier (d) across countries, for a chart title.

    >>> t = pd.DataFrame({"country": ["IN", "DE"], "scenario": "mix_2016",
    ...     "metric": "ads_join_share", "value_pct": [48.0, 57.0], "is_published": True})
    >>> country_takeaway(t, "mix_2016", "The 2016 mix")
    'The 2016 mix: a join usable for ads (d) for 48% (IN) to 57% (DE) of WhatsApp users'
    """
    d = table[
        (table["scenario"] == scenario)
        & (table["metric"] == "ads_join_share")
        & table["is_published"].astype(bool)
    ].sort_values("value_pct", kind="stable")
    if d.empty:
        return f"{title}: too few people in every country to show tier (d)"
    lo, hi = d.iloc[0], d.iloc[-1]
    return (
        f"{title}: a join usable for ads (d) for {lo['value_pct']:.0f}% ({lo['country']}) to "
        f"{hi['value_pct']:.0f}% ({hi['country']}) of WhatsApp users"
    )


def plot_country_tiers(
    table: pd.DataFrame,
    scenario: str = "mix_2016",
    *,
    title: str | None = None,
    country_names: Mapping[str, str] | None = None,
    countries: Sequence[str] | None = None,
    ncols: int = 4,
):
    """Plot the tiers (a)-(d) of one scenario in one small panel per country.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`analysis.results.country_table` output (``country``, ``scenario``,
        ``metric``, ``value_pct``, ``low_pct``, ``high_pct``, ``denominator_count``,
        ``is_published``).
    scenario : str
        The scenario drawn.
    title : str, optional
        Default: the takeaway of :func:`country_takeaway` with the scenario's title.
    country_names : mapping, optional
        Code -> name (default ``countries.csv``).
    countries : sequence of str, optional
        Panel order (default: tier (d) from highest to lowest, withheld last).
    ncols : int
        Panels per row.

    Returns
    -------
    (fig, data)
        The figure and the plotted rows (withheld cells kept, with ``is_published`` false).
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    from analysis.core.reference import load
    from analysis.report.palette import INTERVAL_COLOUR, colour

    data = table[(table["scenario"] == scenario) & table["metric"].isin(_TIER_METRICS)].copy()
    if data.empty:
        raise ValueError(f"no tier rows for scenario {scenario!r}")
    if country_names is None:
        ref = load("countries")
        country_names = dict(zip(ref["country_code"], ref["country_name"], strict=True))
    if title is None:
        from analysis.policy.scenarios import builtin_scenarios

        b = builtin_scenarios()
        title = country_takeaway(data, scenario, b[scenario].title if scenario in b else scenario)
    if countries is None:
        ads = data[data["metric"] == "ads_join_share"].set_index("country")["value_pct"]
        countries = list(ads.fillna(-1).sort_values(ascending=False, kind="stable").index)
    n = len(countries)
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(7, 2.0 * nrows + 1.1), sharex=True)
    axes = np.atleast_1d(axes).ravel()
    y = np.arange(len(_TIER_METRICS))[::-1]
    for ax, c in zip(axes, countries, strict=False):
        d = data[data["country"] == c].set_index("metric").reindex(list(_TIER_METRICS))
        shown = d["is_published"].fillna(False).astype(bool).to_numpy()
        mean = np.where(shown, d["value_pct"].to_numpy(float) / 100, 0.0)
        low = np.where(shown, d["low_pct"].to_numpy(float) / 100, 0.0)
        high = np.where(shown, d["high_pct"].to_numpy(float) / 100, 0.0)
        ax.barh(
            y,
            mean,
            0.7,
            color=[colour("tier", m.removesuffix("_share")) for m in _TIER_METRICS],
            xerr=[np.clip(mean - low, 0, None), np.clip(high - mean, 0, None)],
            error_kw={"lw": 0.8, "capsize": 2, "ecolor": INTERVAL_COLOUR},
        )
        for yi, ok in zip(y, shown, strict=True):
            if not ok:
                ax.text(0.02, yi, "too few people", va="center", fontsize=7)
        count = d["denominator_count"].dropna()
        who = f"\n{int(count.max()):,} WhatsApp users" if len(count) else ""
        ax.set_title(f"{country_names.get(c, c)}{who}", fontsize=8, loc="left")
        ax.set_yticks(y, [_TIER_SHORT[m] for m in _TIER_METRICS], fontsize=7.5)
        ax.set_xlim(0, 1)
        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
        ax.tick_params(axis="x", labelsize=7)
        if ax.get_subplotspec().is_first_col() is False:
            ax.tick_params(axis="y", labelleft=False)
    for ax in axes[n:]:
        ax.set_visible(False)
    fig.supxlabel(
        "Share of the country's WhatsApp users (%); users counted over all worlds; 95% intervals",
        fontsize=8.5,
    )
    fig.suptitle(title, fontsize=9.5, x=0.01, ha="left")
    fig.tight_layout()
    data["country_name"] = data["country"].map(country_names)
    return fig, data.reset_index(drop=True)
