"""Charts of the effects: suggestions, sensitive ties, exposure, shadow ties."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.effects.exposure.collective import ClinicianExample
from analysis.effects.exposure.params import OPTED_OUT_STATES
from analysis.effects.exposure.suggestions import sensitive_table
from analysis.policy.scenarios import Scenario
from analysis.report.charts.common import _labels, _legend_below

__all__ = [
    "plot_clinician_example",
    "plot_exposure_curve",
    "plot_exposure_distribution",
    "plot_exposure_shares",
    "plot_new_suggestions",
    "plot_sensitive_ties",
    "plot_shadow_auc",
    "plot_unlock_curve",
]


def plot_new_suggestions(
    summary: pd.DataFrame, scenarios: Mapping[str, Scenario], *, title: str | None = None
):
    """Bars of the WhatsApp-only share of suggestions and of members shown one, per scenario.

    Parameters
    ----------
    summary : pandas.DataFrame
        The ``suggestion_scenarios`` table of :func:`compare_scenarios`.
    scenarios : mapping of str to Scenario
        The scenarios compared, for their chart labels (:func:`scenario_label`).

    Returns
    -------
    fig : matplotlib.figure.Figure
    data : pandas.DataFrame
        ``scenario``, ``scenario_title``, ``whatsapp_only_share``,
        ``members_suggested_share`` (0-1), one row per scenario.
    """
    import textwrap

    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    from analysis.core.labels import ZERO_REASONS
    from analysis.report.palette import BLUE, ORANGE

    data = summary[["scenario", "whatsapp_only_share", "members_suggested_share"]].copy()
    data.insert(1, "scenario_title", _labels(data["scenario"].tolist(), scenarios))
    data = data.reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(data) + 1.8))
    y = np.arange(len(data))
    ax.barh(
        y - 0.2,
        data["whatsapp_only_share"],
        height=0.4,
        color=BLUE,
        label="share of friend suggestions",
    )
    ax.barh(
        y + 0.2,
        data["members_suggested_share"],
        height=0.4,
        color=ORANGE,
        label="share of Facebook members suggested to someone else because of it",
    )
    ax.set_yticks(y, [textwrap.fill(t, 34) for t in data["scenario_title"]])
    for yy, row in data.iterrows():
        if row["whatsapp_only_share"] == 0 and row["members_suggested_share"] == 0:
            why = ZERO_REASONS.get(row["scenario"])  # a true zero: say so, not an empty row
            ax.text(0, yy, f" 0: {why}" if why else " 0", va="center", fontsize=9)
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlim(0, 1)
    ax.set_xlabel("Share (%; tier c: WhatsApp data used for friend suggestions)")
    ax.set_title(
        title or "Friend suggestions that exist only because of WhatsApp data",
        loc="left",
        wrap=True,
    )
    _legend_below(ax, 1, -0.1)
    return fig, data


def plot_sensitive_ties(
    sens: pd.DataFrame,
    scenarios: Mapping[str, Scenario],
    keep: Sequence[str],
    *,
    title: str | None = None,
):
    """Stacked bars of WhatsApp-only suggestions revealing a sensitive tie, by what they reveal.

    Left panel: suggestions between two people who share a sensitive third party (two
    patients of one clinician: each learns the other's secret). Right panel: suggestions
    of a person's own private tie (their clinician, an ex-partner).

    Parameters
    ----------
    sens : pandas.DataFrame
        Output of :func:`sensitive_counts` (with its ``scope`` column).
    scenarios : mapping of str to Scenario
        For the chart labels.
    keep : sequence of str
        Scenario names to show, top to bottom.

    Returns
    -------
    fig : matplotlib.figure.Figure
    data : pandas.DataFrame
        The rows of ``sens`` for the kept scenarios plus ``scenario_title``.
    """
    import matplotlib.pyplot as plt

    from analysis.effects.exposure.params import SENSITIVE_SCOPE_LABELS
    from analysis.report.palette import SERIES

    labels = _labels(list(keep), scenarios)
    data = sens[sens["scenario"].isin(keep)].reset_index(drop=True)
    data.insert(1, "scenario_title", data["scenario"].map(dict(zip(keep, labels, strict=True))))
    colours = [*SERIES, "#999999"]
    fig, axes = plt.subplots(1, 2, figsize=(9, 4.8), sharey=True)
    for ax, scope in zip(axes, ("third_party", "own_tie"), strict=True):
        part = sens[sens["scope"] == scope]
        wide = sensitive_table(part, keep)
        left = np.zeros(len(keep))
        for i, label in enumerate(wide.index):
            values = wide.loc[label].to_numpy(dtype=float)
            ax.barh(labels, values, left=left, label=label, color=colours[i % len(colours)])
            left += values
        ax.grid(axis="y", visible=False)
        ax.set_title(
            f"Between {SENSITIVE_SCOPE_LABELS[scope]}"
            if scope == "third_party"
            else f"Of {SENSITIVE_SCOPE_LABELS[scope]}",
            loc="left",
            fontsize=9,
        )
        ax.set_xlabel("WhatsApp-only suggestions (number, tier c)")
        ax.legend(frameon=False, fontsize=7, loc="upper left", bbox_to_anchor=(0, -0.14))
    axes[0].invert_yaxis()
    fig.suptitle(
        title or "Friend suggestions that reveal a sensitive tie, by what they reveal",
        x=0.01,
        ha="left",
        wrap=True,
    )
    return fig, data


def plot_exposure_curve(
    curve: pd.DataFrame, scenarios: Mapping[str, Scenario], *, title: str | None = None
):
    """Share of opted-out or departed Facebook members suggested to others, by their ties' choices.

    Parameters
    ----------
    curve : pandas.DataFrame
        Output of :func:`exposure_curves`.
    scenarios : mapping of str to Scenario
        For the line labels.

    Returns
    -------
    fig : matplotlib.figure.Figure
    data : pandas.DataFrame
        ``curve`` plus ``setting_title``.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    settings = list(dict.fromkeys(curve["setting"]))
    titles = dict(zip(settings, _labels(settings, scenarios), strict=True))
    data = curve.assign(setting_title=curve["setting"].map(titles)).reset_index(drop=True)
    from analysis.report.palette import colours

    setting_colours = colours("scenario", settings)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for i, setting in enumerate(settings):
        part = data[data["setting"] == setting]
        ax.plot(
            part["bin_mid"],
            part["suggested_share"],
            marker="o",
            color=setting_colours[i],
            label=titles[setting],
        )
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("Share of the person's ties whose data may be used for suggestions (%)")
    ax.set_ylabel("Suggested to someone else\nbecause of WhatsApp data (%)")
    ax.set_title(
        title or "Opted out or left, still suggested to others (tier c; Facebook members)",
        loc="left",
        wrap=True,
    )
    _legend_below(ax, 2, -0.16)
    return fig, data


def plot_shadow_auc(table: pd.DataFrame, *, title: str | None = None):
    """AUC of shadow-tie prediction by disclosure share (log axis), with the seed interval.

    One curve per way negatives are matched (:data:`analysis.effects.exposure.NEGATIVE_MATCHES`):
    a non-tied shadow profile from the same country as the positive's first person, or
    from the same city. No published figure is drawn: it comes from a different set-up.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`shadow_auc_table`.

    Returns
    -------
    fig : matplotlib.figure.Figure
    data : pandas.DataFrame
        ``table`` itself.
    """
    import matplotlib.pyplot as plt

    from analysis.report.palette import SERIES

    fig, ax = plt.subplots(figsize=(7, 4.5))
    x = table["disclosure_share"] * 100
    for i, (suffix, label) in enumerate(
        (("same_country", "negatives from the same country"), ("same_city", "from the same city"))
    ):
        ax.plot(x, table[f"mean_{suffix}"], marker="o", color=SERIES[i], label=label)
        ax.fill_between(
            x, table[f"low_{suffix}"], table[f"high_{suffix}"], color=SERIES[i], alpha=0.25
        )
    ax.axhline(0.5, color="grey", linestyle=":", linewidth=1, label="guessing")
    ax.set_xscale("log")
    ticks = x.to_numpy()
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.minorticks_off()
    ax.set_ylim(0.3, 1.0)
    ax.set_xlabel("Members whose address books are disclosed (%, log scale)")
    ax.set_ylabel("AUC, ties between non-members\n(0.5 = guessing, 1 = perfect)")
    ax.set_title(
        title or "Predicting ties between people who are not members", loc="left", wrap=True
    )
    _legend_below(ax, 3, -0.16)
    return fig, table.copy()


def plot_exposure_shares(shares: pd.DataFrame):
    """Bars: share of each group with each exposure, with the denominator in the label.

    ``shares`` is :func:`analysis.effects.exposure.exposure_shares` output (one world or
    pooled). Returns ``(fig, data)``.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    from analysis.effects.exposure.harm import EXPOSURE_LABELS, EXPOSURES, GROUP_LABELS
    from analysis.report.palette import SERIES

    groups = list(dict.fromkeys(shares["exposure_group"]))
    fig, ax = plt.subplots(figsize=(8, 4.8))
    y = np.arange(len(groups))[::-1]
    h = 0.26
    for i, e in enumerate(EXPOSURES):
        d = shares[shares["exposure"] == e].set_index("exposure_group").reindex(groups)
        ax.barh(y + (1 - i) * h, d["exposed_share"], h, color=SERIES[i], label=EXPOSURE_LABELS[e])
        for yy, v, n in zip(y + (1 - i) * h, d["exposed_share"], d["people_count"], strict=True):
            ax.text(v, yy, f" {v:.0%} of {int(n):,}", va="center", fontsize=7)
    ax.set_yticks(y, [GROUP_LABELS[g] for g in groups])
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlim(0, 1.18)
    ax.set_xlabel("Share of everyone in the group (only Facebook members can be suggested)")
    ax.set_title("Exposed through other people's data, whatever they chose", loc="left")
    _legend_below(ax, 1, -0.14)
    return fig, shares.reset_index(drop=True)


def plot_exposure_distribution(dist: pd.DataFrame):
    """Per-person counts of each exposure, per group (:func:`exposure_distribution`).

    One panel per exposure; bars are the share of everyone in the group
    with that many other people exposing them. Returns ``(fig, data)``.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    from analysis.effects.exposure.harm import EXPOSURES, GROUP_LABELS
    from analysis.report.palette import SERIES

    groups = list(dict.fromkeys(dist["exposure_group"]))
    short = {
        "suggested": "(i) suggested to someone else (WhatsApp data)",
        "tie_known": "(ii) a tie known via someone else's upload",
        "number_attached": "(iii) number attached by others' data",
    }
    fig, axes = plt.subplots(1, len(EXPOSURES), figsize=(12, 4.0), sharey=True)
    for ax, e in zip(axes, EXPOSURES, strict=True):
        part = dist[dist["exposure"] == e]
        bins = list(dict.fromkeys(part["count_bin"]))
        x = np.arange(len(bins))
        w = 0.8 / len(groups)
        for i, g in enumerate(groups):
            d = part[part["exposure_group"] == g].set_index("count_bin").reindex(bins)
            ax.bar(
                x - 0.4 + w * (i + 0.5),
                d["people_share"],
                w,
                color=SERIES[i],
                label=GROUP_LABELS[g],
            )
        ax.set_xticks(x, bins, fontsize=7, rotation=45)
        ax.set_xlabel("other people exposing them", fontsize=8)
        ax.set_title(short[e], fontsize=9, loc="left")
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    axes[0].set_ylabel("Share of the group")
    axes[0].legend(frameon=False, fontsize=7, loc="upper left", bbox_to_anchor=(0, -0.2), ncols=3)
    fig.tight_layout()
    return fig, dist.reset_index(drop=True)


def plot_clinician_example(
    example: ClinicianExample, *, seed: int = 2016, title: str | None = None
):
    """Draw a :class:`ClinicianExample` (seeded spring layout).

    Grey: patient-clinician ties; orange: WhatsApp-caused contact edges; red dashed:
    WhatsApp-only suggestions. Blue node: the clinician; pink: a patient who opted out or
    left; green: another patient.

    Returns
    -------
    fig : matplotlib.figure.Figure
    data : pandas.DataFrame
        ``example.drawn`` with node positions ``ax_``, ``ay``, ``bx``, ``by`` (4 decimals).
    """
    import matplotlib.pyplot as plt
    import networkx as nx
    from matplotlib.lines import Line2D

    from analysis.report.palette import BLUE, GREEN, ORANGE, PURPLE, VERMILLION

    drawn = example.drawn
    g = nx.Graph()
    g.add_nodes_from(sorted({example.clinician, *example.patients.tolist()}))
    g.add_edges_from(drawn[["a", "b"]].itertuples(index=False, name=None))
    pos = nx.spring_layout(g, seed=seed)
    fig, ax = plt.subplots(figsize=(6, 5.5))
    styles = {
        "patient-clinician tie": ("#999999", "solid"),
        "WhatsApp-caused contact edge": (ORANGE, "solid"),
        "WhatsApp-only suggestion": (VERMILLION, "dashed"),
    }
    for kind, (colour, style) in styles.items():
        part = drawn[drawn["kind"] == kind]
        nx.draw_networkx_edges(
            g,
            pos,
            edgelist=list(zip(part["a"], part["b"], strict=True)),
            edge_color=colour,
            style=style,
            ax=ax,
            width=1.5,
        )
    opted = set(OPTED_OUT_STATES)
    colours = [
        BLUE if v == example.clinician else (PURPLE if example.states[v] in opted else GREEN)
        for v in g
    ]
    nx.draw_networkx_nodes(g, pos, node_color=colours, node_size=120, ax=ax)
    handles = [
        Line2D([], [], color=c, linestyle="--" if s == "dashed" else "-", label=k)
        for k, (c, s) in styles.items()
    ]
    present = set(colours)
    handles += [
        Line2D([], [], marker="o", linestyle="", color=c, label=k)
        for c, k in (
            (BLUE, "clinician"),
            (PURPLE, "patient who opted out or left"),
            (GREEN, "other patient" if PURPLE in present else "patient"),
        )
        if c in present
    ]
    ax.legend(
        handles=handles,
        frameon=False,
        ncols=2,
        fontsize=8,
        loc="upper left",
        bbox_to_anchor=(0, 0.0),
    )
    ax.set_title(
        title or f"One clinician's patients ({len(example.patients)})", loc="left", wrap=True
    )
    ax.set_axis_off()
    data = drawn.assign(
        ax_=[pos[a][0] for a in drawn["a"]],
        ay=[pos[a][1] for a in drawn["a"]],
        bx=[pos[b][0] for b in drawn["b"]],
        by=[pos[b][1] for b in drawn["b"]],
    ).round(4)
    return fig, data


def plot_unlock_curve(curve: pd.DataFrame, *, title: str | None = None):
    """Audiences unlocked by WhatsApp's numbers, by list length, one line per minimum size.

    One panel per assumption about Facebook's own data (:func:`analysis.effects.ads.unlock_curve`
    output). Returns ``(fig, data)``.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    from analysis.report.palette import sequential

    labels = list(dict.fromkeys(curve["facebook_data"]))
    fig, axes = plt.subplots(1, len(labels), figsize=(3.6 * len(labels), 3.8), sharey=True)
    axes = np.atleast_1d(axes)
    for ax, label in zip(axes, labels, strict=True):
        part = curve[curve["facebook_data"] == label]
        shades = sequential(part["min_audience_size"].nunique())
        for i, (m, g) in enumerate(part.groupby("min_audience_size", sort=True)):
            ax.plot(
                g["list_size_count"],
                g["unlocked_share"],
                marker="o",
                color=shades[i],
                label=f"minimum audience {m:,}",
            )
        ax.set_xscale("log")
        ticks = sorted(part["list_size_count"].unique())
        ax.set_xticks(ticks, [f"{t:,}" for t in ticks], fontsize=7)
        ax.minorticks_off()
        ax.set_xlabel("Customers per list (log scale)", fontsize=8)
        ax.set_title(label, fontsize=9, loc="left")
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    axes[0].set_ylabel("Businesses unlocked by WhatsApp\n(%, tier d)")
    handles, names = axes[0].get_legend_handles_labels()  # below the panels, clear of the lines
    fig.legend(handles, names, frameon=False, fontsize=8, ncols=len(names), loc="lower left")
    if title:
        fig.suptitle(title, x=0.01, ha="left", wrap=True)
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    return fig, curve.reset_index(drop=True)
