"""Charts of the synthetic world: ties, clustering, visibility, address books."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from analysis.world.socialworld import SocialWorld
from analysis.world.structure import ego_network

if TYPE_CHECKING:  # pragma: no cover
    pass

__all__ = [
    "plot_clustering_by_degree",
    "plot_clustering_by_world_size",
    "plot_degree_distribution",
    "plot_ego_network",
    "plot_normalisation_by_country",
    "plot_visibility_by_kind",
]


def plot_degree_distribution(world: SocialWorld, *, title: str | None = None):
    """Complementary cumulative distribution of ties per person (log-log), median marked.

    ``title`` (default a description) lets the notebook state its takeaway.
    """
    import matplotlib.pyplot as plt

    deg = np.sort(world.person_attrs["tie_count"].to_numpy())
    values, counts = np.unique(deg, return_counts=True)
    ccdf = 1 - (np.cumsum(counts) - counts) / deg.size  # P(ties >= value)
    fb = world.person_attrs["facebook_friend_count"].to_numpy()[
        world.people["is_facebook_user"].to_numpy(bool)
    ]
    fv, fc = np.unique(fb, return_counts=True)
    fccdf = 1 - (np.cumsum(fc) - fc) / max(fb.size, 1)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.loglog(values[values > 0], ccdf[values > 0], label="real-world ties (all people)")
    ax.loglog(fv[fv > 0], fccdf[fv > 0], label="Facebook friends (Facebook users)")
    ax.axvline(
        world.params.median_ties,
        color="black",
        linestyle="--",
        linewidth=1,
        label=f"target median ({world.params.median_ties:g})",
    )
    ax.set_xlabel("Number of ties or friends (log scale)")
    ax.set_ylabel("Share of people with at least that many (log scale)")
    ax.set_title(title or "Heavy-tailed numbers of ties", loc="left", wrap=True)
    ax.legend()
    data = pd.concat(
        [
            pd.DataFrame({"series": "ties", "count": values, "share_at_least": ccdf}),
            pd.DataFrame({"series": "facebook_friends", "count": fv, "share_at_least": fccdf}),
        ],
        ignore_index=True,
    )
    return fig, data


def plot_clustering_by_degree(
    table: pd.DataFrame,
    target: float = 0.14,
    target_degree: float = 99,
    *,
    title: str | None = None,
):
    """Average local clustering by number of ties, with the published anchor.

    ``title`` (default a description) lets the notebook state its takeaway.
    """
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.semilogx(
        table["tie_count_mid"], table["local_clustering"], marker="o", label="synthetic world"
    )
    ax.scatter(
        [target_degree],
        [target],
        color="black",
        zorder=3,
        label="Facebook 2011 (about 0.14 at ~100)",
    )
    ax.set_xlabel("Number of ties (bin median, log scale)")
    ax.set_ylabel("Average local clustering\n(share of contact pairs who know each other)")
    ax.set_ylim(0, max(0.6, float(table["local_clustering"].max()) * 1.1))
    ax.set_title(title or "How many of a person's contacts know each other", loc="left", wrap=True)
    ax.legend()
    return fig, table.copy()


def plot_ego_network(
    world: SocialWorld, person_id: int, *, seed: int = 2016, title: str | None = None
):
    """Draw one person's ego network (seeded spring layout); sensitive ties in red."""
    import matplotlib.pyplot as plt
    import networkx as nx

    from analysis.report.palette import BLUE, ORANGE, VERMILLION

    graph = ego_network(world, person_id)
    pos = nx.spring_layout(graph, seed=seed)
    role = world.person_attrs["sensitive_role"].astype(str).to_numpy()
    fig, ax = plt.subplots(figsize=(7, 7))
    plain = [(u, v) for u, v, d in graph.edges(data=True) if not d["is_sensitive"]]
    sensitive = [(u, v) for u, v, d in graph.edges(data=True) if d["is_sensitive"]]
    nx.draw_networkx_edges(graph, pos, edgelist=plain, ax=ax, edge_color="#BBBBBB", width=0.6)
    nx.draw_networkx_edges(graph, pos, edgelist=sensitive, ax=ax, edge_color=VERMILLION, width=2.2)
    others = [v for v in graph.nodes if v != person_id]
    colours = [VERMILLION if role[v] != "none" else BLUE for v in others]
    nx.draw_networkx_nodes(graph, pos, nodelist=others, node_size=40, node_color=colours, ax=ax)
    nx.draw_networkx_nodes(
        graph, pos, nodelist=[person_id], node_size=220, node_color=ORANGE, ax=ax
    )
    ax.set_title(
        title or f"Ego network of person {person_id} ({role[person_id]}); sensitive ties in red",
        loc="left",
        wrap=True,
    )
    ax.set_axis_off()
    rows = [
        (
            int(u),
            int(v),
            d["tie_kind"],
            bool(d["is_sensitive"]),
            bool(d["is_facebook_friend"]),
            float(pos[u][0]),
            float(pos[u][1]),
            float(pos[v][0]),
            float(pos[v][1]),
        )
        for u, v, d in graph.edges(data=True)
    ]
    data = pd.DataFrame(
        rows,
        columns=[
            "person_a_id",
            "person_b_id",
            "tie_kind",
            "is_sensitive",
            "is_facebook_friend",
            "a_x",
            "a_y",
            "b_x",
            "b_y",
        ],
    )
    return fig, data.sort_values(["person_a_id", "person_b_id"], ignore_index=True)


def plot_clustering_by_world_size(
    table: pd.DataFrame, target: float = 0.14, *, title: str | None = None
):
    """Clustering near the median degree against world size (log axis), with the target.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`clustering_by_world_size`.
    target : float
        Facebook's 2011 value, drawn as a dashed line.

    Returns
    -------
    fig : matplotlib.figure.Figure
    data : pandas.DataFrame
        ``table`` itself.
    """
    import matplotlib.pyplot as plt

    from analysis.report.palette import BLUE

    fig, ax = plt.subplots(figsize=(6, 4))
    ax.semilogx(
        table["people"],
        table["clustering_near_median"],
        marker="o",
        color=BLUE,
        label="synthetic world",
    )
    ax.axhline(
        target, color="black", linestyle="--", linewidth=1, label=f"Facebook 2011 ({target:g})"
    )
    ax.set_xticks(table["people"], [f"{int(n):,}" for n in table["people"]])
    ax.minorticks_off()
    ax.set_xlabel("People in the world (log scale)")
    ax.set_ylabel("Clustering near the median\nnumber of ties")
    ax.set_ylim(0, 0.4)
    ax.set_title(title or "Clustering settles as the world grows", loc="left", wrap=True)
    ax.legend(frameon=False, ncols=2, loc="upper left", bbox_to_anchor=(0, -0.16))
    return fig, table.copy()


_VISIBILITY_SERIES = {
    "in_any_phone_share": "in a phone",
    "whatsapp_sees_share": "WhatsApp holds",
    "facebook_friend_share": "Facebook friendship",
    "facebook_sees_share": "Facebook sees (friend or upload)",
}


def plot_visibility_by_kind(seen: pd.DataFrame, *, title: str | None = None):
    """Draw the share of ties of each kind that phones, WhatsApp and Facebook see.

    Parameters
    ----------
    seen : pandas.DataFrame
        Output of :func:`visibility_by_kind`.

    Returns
    -------
    fig : matplotlib.figure.Figure
    data : pandas.DataFrame
        ``seen`` itself (one row per tie kind).
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    from analysis.core.labels import TIE_KIND_LABELS
    from analysis.report.palette import GREY, colour

    kinds = [TIE_KIND_LABELS.get(k, k.replace("_", " ")) for k in seen["tie_kind"].astype(str)]
    series_colours = {
        "in_any_phone_share": GREY,
        "whatsapp_sees_share": colour("service", "whatsapp"),
        "facebook_friend_share": colour("service", "facebook"),
        "facebook_sees_share": colour("service", "both"),
    }
    y = np.arange(len(kinds))
    height = 0.8 / len(_VISIBILITY_SERIES)
    fig, ax = plt.subplots(figsize=(8, 6))
    for i, (col, label) in enumerate(_VISIBILITY_SERIES.items()):
        ax.barh(
            y - 0.4 + height * (i + 0.5),
            seen[col],
            height,
            color=series_colours[col],
            label=label,
        )
    ax.set_yticks(y, kinds)
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlim(0, 1)
    ax.set_xlabel("Share of ties of this kind (%)")
    ax.set_title(title or "Which ties phones, WhatsApp and Facebook can see", loc="left", wrap=True)
    ax.legend(frameon=False, ncols=2, loc="upper left", bbox_to_anchor=(0, -0.08))
    return fig, seen.reset_index(drop=True)


_NORMALISATION_SERIES = {
    "normalised_share": "all entries normalised",
    "person_normalised_share": "entries for people normalised",
    "person_right_number_share": "... to that person's number",
}


def plot_normalisation_by_country(by_country: pd.DataFrame, *, title: str | None = None):
    """Draw the share of address-book entries that normalise, by the owner's country.

    Parameters
    ----------
    by_country : pandas.DataFrame
        Output of :func:`analysis.world.normalisation_by_country`.

    Returns
    -------
    fig : matplotlib.figure.Figure
    data : pandas.DataFrame
        ``by_country`` itself (one row per country).
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    from analysis.report.palette import sequential

    shades = sequential(len(_NORMALISATION_SERIES))
    countries = by_country["country_code"].astype(str).to_numpy()
    x = np.arange(len(countries))
    width = 0.8 / len(_NORMALISATION_SERIES)
    fig, ax = plt.subplots(figsize=(8, 4))
    for i, (col, label) in enumerate(_NORMALISATION_SERIES.items()):
        ax.bar(
            x - 0.4 + width * (i + 0.5),
            by_country[col],
            width,
            color=shades[i],
            label=label,
        )
    ax.set_xticks(x, countries)
    ax.set_ylim(0.5, 1.0)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylabel("Share of address-book entries (%)")
    ax.set_title(
        title or "Address-book entries that phonenumbers can normalise, by owner country",
        loc="left",
        wrap=True,
    )
    ax.legend(frameon=False, ncols=3, loc="upper left", bbox_to_anchor=(0, -0.1))
    return fig, by_country.reset_index(drop=True)
