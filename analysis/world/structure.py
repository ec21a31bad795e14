"""Structure of the social world: degrees, clustering, visibility, ego networks.

Measures use ``scipy.sparse``; NetworkX is the reading API for small pictures
(:func:`ego_network`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis.core.seeds import stream
from analysis.world.socialworld import SocialWorld, build_social_world
from analysis.world.ties import _codes

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

__all__ = [
    "attachment_effect",
    "clustering_by_degree",
    "clustering_by_world_size",
    "degree_distribution",
    "ego_network",
    "local_clustering",
    "structure_report",
    "tie_kind_mix",
    "visibility_by_kind",
]


def local_clustering(
    matrix: sp.csr_matrix, nodes: np.ndarray | None = None, chunk: int = 256
) -> np.ndarray:
    """Local clustering coefficient of ``nodes`` (all by default) from a 0/1 symmetric CSR.

    Triangles through node i are ``((A[i] @ A) .multiply(A[i])).sum() / 2``,
    computed for ``chunk`` rows at a time so memory stays bounded. Nodes of degree
    below 2 get 0.

    >>> from analysis.world import symmetric_matrix
    >>> A = symmetric_matrix(np.array([0, 0, 1, 2]), np.array([1, 2, 2, 3]), 4)
    >>> local_clustering(A).round(3).tolist()
    [1.0, 1.0, 0.333, 0.0]
    """
    matrix = sp.csr_matrix(matrix)
    if matrix.dtype != np.int32:  # counts of common neighbours need more than int8
        matrix = matrix.astype(np.int32)
    n = matrix.shape[0]
    nodes = np.arange(n) if nodes is None else np.asarray(nodes, dtype=np.int64)
    deg = np.diff(matrix.indptr)[nodes].astype(np.float64)
    tri = np.empty(nodes.size, dtype=np.float64)
    for s in range(0, nodes.size, chunk):  # loop over chunks of rows, not edges
        rows = matrix[nodes[s : s + chunk]]
        tri[s : s + chunk] = np.asarray((rows @ matrix).multiply(rows).sum(axis=1)).ravel() / 2
    pairs = deg * (deg - 1) / 2
    return np.divide(tri, pairs, out=np.zeros_like(tri), where=pairs > 0)


def degree_distribution(world_or_ties, n: int | None = None) -> pd.DataFrame:
    """Count people by tie count: columns ``tie_count``, ``people_count``, ``people_share``."""
    if isinstance(world_or_ties, SocialWorld):
        deg = world_or_ties.person_attrs["tie_count"].to_numpy()
    else:
        ties = world_or_ties
        deg = np.bincount(ties["person_a_id"], minlength=n) + np.bincount(
            ties["person_b_id"], minlength=n
        )
    counts = np.bincount(deg)
    keep = np.flatnonzero(counts)
    return pd.DataFrame(
        {
            "tie_count": keep.astype(np.int64),
            "people_count": counts[keep].astype(np.int64),
            "people_share": counts[keep] / deg.size,
        }
    )


def structure_report(world: SocialWorld, *, sample: int = 2000, seed: int = 0) -> pd.DataFrame:
    """Achieved structure against the targets it was built to meet.

    Clustering is averaged over a seeded sample of ``sample`` people (all if fewer);
    the target 0.14 is Ugander et al.'s value at degree ~100, compared with people
    whose tie count is within 20% of ``median_ties`` (80-120 at the default 99).

    A world built on a loaded network (``world.node_labels`` set) keeps the network's own
    ties, so the tie model's targets (median ties, clustering, share of ties across
    countries) do not apply to it: their ``target`` is empty, ``target_applies`` is False
    and ``note`` says what the synthetic target was and why it no longer applies. The
    last rows say how attaching people to nodes placed countries on the ties: the share
    of ties within one country against the share of all pairs of people who live in one
    country (what attaching at random gives).

    Returns
    -------
    pandas.DataFrame
        ``metric``, ``target``, ``achieved``, ``target_applies``, ``note``.
    """
    params = world.params
    matrix = world.tie_matrix()
    n = world.n_people
    deg = np.diff(matrix.indptr)
    rng = stream(seed, "social:report")
    nodes = np.sort(rng.choice(n, size=min(sample, n), replace=False))
    cc = local_clustering(matrix, nodes)
    loaded = getattr(world, "node_labels", None) is not None
    centre = float(np.median(deg)) if loaded else params.median_ties
    near100 = (deg[nodes] >= 0.8 * centre) & (deg[nodes] <= 1.2 * centre)
    ties = world.ties
    country = _codes(world.people["country_code"])
    city = _codes(world.people["country_code"].astype(str) + "|" + world.people["city"].astype(str))
    a, b = ties["person_a_id"].to_numpy(), ties["person_b_id"].to_numpy()
    cross = float(np.mean(country[a] != country[b])) if len(ties) else float("nan")
    same_city = float(np.mean(city[a] == city[b])) if len(ties) else float("nan")
    sizes = np.bincount(country).astype(np.float64)
    random_same = float((sizes * (sizes - 1)).sum() / (n * (n - 1))) if n > 1 else float("nan")
    fb_users = world.people["is_facebook_user"].to_numpy(bool)
    fb_median = (
        float(np.median(world.person_attrs["facebook_friend_count"].to_numpy()[fb_users]))
        if fb_users.any()
        else float("nan")
    )
    near_median = float(cc[near100].mean()) if near100.any() else float("nan")
    rows = [
        ("median ties per person", params.median_ties, float(np.median(deg))),
        ("mean ties per person", float("nan"), float(deg.mean())),
        ("99th percentile of ties", float("nan"), float(np.percentile(deg, 99))),
        ("local clustering near the median degree (0.8-1.2 x target)", 0.14, near_median),
        ("average local clustering (all people)", float("nan"), float(cc.mean())),
        ("share of ties across countries", params.cross_country_share, cross),
        ("share of ties within one city", float("nan"), same_city),
        ("median Facebook friends (Facebook users)", float("nan"), fb_median),
        ("share of ties within one country", float("nan"), 1.0 - cross),
        ("share of all pairs of people within one country", float("nan"), random_same),
    ]
    out = pd.DataFrame(rows, columns=["metric", "target", "achieved"])
    out["target_applies"] = out["target"].notna()
    out["note"] = ""
    if loaded:
        _loaded_notes(out, params)
    return out


def _loaded_notes(out: pd.DataFrame, params) -> None:
    """Blank the tie model's targets of a loaded network's report and say why."""
    why = {
        0: f"synthetic target {params.median_ties:g} does not apply: the ties are the "
        "network's own",
        3: "synthetic target 0.14 (Ugander et al. 2011, at about 100 ties) does not apply: "
        "the clustering is the network's own, measured near its own median",
        5: f"synthetic target {params.cross_country_share:g} does not apply: countries come "
        f"from attaching people to nodes ({params.attach_people.replace('_', ' ')})",
    }
    for i, note in why.items():
        out.loc[i, "note"] = note
    out.loc[3, "metric"] = "local clustering near the network's median degree (0.8-1.2 x)"
    out["target"] = float("nan")
    out["target_applies"] = False
    out.loc[8, "note"] = f"people attached {params.attach_people.replace('_', ' ')}"
    out.loc[9, "note"] = "what attaching people at random gives"


def tie_kind_mix(world: SocialWorld) -> pd.DataFrame:
    """Ties by kind: counts, share, and how many are Facebook friendships."""
    ties = world.ties
    g = ties.groupby("tie_kind", observed=False)
    out = pd.DataFrame(
        {
            "tie_count": g.size().astype(np.int64),
            "facebook_friend_count": g["is_facebook_friend"].sum().astype(np.int64),
        }
    )
    out["tie_share"] = out["tie_count"] / max(len(ties), 1)
    out["facebook_friend_share"] = out["facebook_friend_count"] / out["tie_count"].where(
        out["tie_count"] > 0
    )
    out.index = out.index.astype(str)
    out.index.name = "tie_kind"
    return out.reset_index()


def _pair_keys(a: np.ndarray, b: np.ndarray, n: int) -> np.ndarray:
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    return np.minimum(a, b) * n + np.maximum(a, b)


def visibility_by_kind(world: SocialWorld) -> pd.DataFrame:
    """How many ties of each kind phones, WhatsApp and Facebook can see.

    Columns: ``tie_kind``, ``tie_count``, and shares of those ties that are
    ``in_any_phone_share`` (either end's address book holds the other),
    ``whatsapp_sees_share`` (in a book WhatsApp holds), ``facebook_friend_share``,
    ``facebook_upload_share`` (in a book uploaded to Facebook) and
    ``facebook_sees_share`` (friendship or upload).
    """
    n = world.n_people
    ties = world.ties
    tie_key = _pair_keys(ties["person_a_id"], ties["person_b_id"], n)
    book = world.address_book
    person = book["contact_person_id"].notna().to_numpy()
    owner = book["owner_person_id"].to_numpy()[person]
    contact = book["contact_person_id"].to_numpy(dtype=np.int64, na_value=-1)[person]
    entry_key = _pair_keys(owner, contact, n)
    people = world.people
    holds_wa = people["is_whatsapp_user"].to_numpy(bool) & (
        people["consent_state"].astype(str).to_numpy() != "left_whatsapp"
    )
    uploads = world.person_attrs["uploads_contacts_to_facebook"].to_numpy(bool)
    in_phone = np.isin(tie_key, entry_key)
    in_wa = np.isin(tie_key, entry_key[holds_wa[owner]])
    in_up = np.isin(tie_key, entry_key[uploads[owner]])
    fb = ties["is_facebook_friend"].to_numpy(bool)
    frame = pd.DataFrame(
        {
            "tie_kind": ties["tie_kind"],
            "in_any_phone_share": in_phone,
            "whatsapp_sees_share": in_wa,
            "facebook_friend_share": fb,
            "facebook_upload_share": in_up,
            "facebook_sees_share": fb | in_up,
        }
    )
    g = frame.groupby("tie_kind", observed=False)
    out = g.mean()
    out.insert(0, "tie_count", g.size().astype(np.int64))
    out.index = out.index.astype(str)
    out.index.name = "tie_kind"
    total = frame.drop(columns="tie_kind").mean().to_frame().T
    total.insert(0, "tie_count", len(frame))
    total.index = pd.Index(["all ties"], name="tie_kind")
    return pd.concat([out, total]).reset_index()


def ego_network(world: SocialWorld, person_id: int) -> nx.Graph:
    """Build one person's ego network: them, their ties, and the ties among those.

    Built from the tie table without materialising the whole graph. Edge
    attributes: ``tie_kind``, ``is_sensitive``, ``is_facebook_friend``.
    """
    import networkx as nx

    ties = world.ties
    a, b = ties["person_a_id"].to_numpy(), ties["person_b_id"].to_numpy()
    touching = (a == person_id) | (b == person_id)
    members = np.union1d(a[touching], b[touching])
    members = np.union1d(members, [person_id])
    inside = np.isin(a, members) & np.isin(b, members)
    sub = ties[inside]
    graph = nx.Graph()
    graph.add_nodes_from(members.tolist())
    graph.add_edges_from(
        (
            int(x),
            int(y),
            {"tie_kind": str(k), "is_sensitive": bool(s), "is_facebook_friend": bool(f)},
        )
        for x, y, k, s, f in sub[
            ["person_a_id", "person_b_id", "tie_kind", "is_sensitive", "is_facebook_friend"]
        ].itertuples(index=False)
    )
    return graph


def clustering_by_degree(world: SocialWorld, *, sample: int = 3000, seed: int = 0) -> pd.DataFrame:
    """Average local clustering by tie-count bin (log-spaced), on a seeded sample of people."""
    matrix = world.tie_matrix()
    n = world.n_people
    rng = stream(seed, "social:report")
    nodes = np.sort(rng.choice(n, size=min(sample, n), replace=False))
    cc = local_clustering(matrix, nodes)
    deg = np.diff(matrix.indptr)[nodes]
    edges = np.unique(np.round(np.geomspace(2, max(deg.max(), 3) + 1, 16)).astype(int))
    bins = pd.cut(deg, edges, right=False)
    frame = pd.DataFrame({"bin": bins, "deg": deg, "cc": cc}).dropna()
    g = frame.groupby("bin", observed=True)
    out = pd.DataFrame(
        {
            "tie_count_mid": g["deg"].median(),
            "local_clustering": g["cc"].mean(),
            "people_count": g.size().astype(np.int64),
        }
    )
    return out[out["people_count"] >= 5].reset_index(drop=True)


def clustering_by_world_size(
    world: SocialWorld, sizes, *, sample: int = 1000, seed: int = 0
) -> pd.DataFrame:
    """Structure of ``world`` and of larger worlds built with the same parameters.

    Each larger world has a fresh population of that size (same ``WorldParams`` seed as
    ``world.params.seed``) and ties only (no address books). Only the size changes.

    Parameters
    ----------
    world : SocialWorld
        The reference world (its own size is the first row).
    sizes : iterable of int
        Further world sizes.
    sample, seed : int
        Passed to :func:`structure_report`.

    Returns
    -------
    pandas.DataFrame
        ``people``, ``median_ties``, ``clustering_near_median``, ``cross_country_share``.
    """
    from analysis.world.params import WorldParams
    from analysis.world.population import generate_population

    rows = []
    for size in [world.n_people, *sizes]:
        if size == world.n_people:
            w = world
        else:
            big = generate_population(WorldParams(n_people=int(size), seed=world.params.seed))
            w = build_social_world(big, world.params, address_books=False)
        r = structure_report(w, sample=sample, seed=seed).set_index("metric")["achieved"]
        rows.append(
            {
                "people": int(size),
                "median_ties": r.iloc[0],
                "clustering_near_median": r.iloc[3],
                "cross_country_share": r.iloc[5],
            }
        )
    return pd.DataFrame(rows)


def attachment_effect(
    edges: pd.DataFrame, seeds, *, world_params=None, social=None, modes=None
) -> pd.DataFrame:
    """Measure what attaching people to a loaded network's nodes does to countries, cities.

    For each way of attaching (:data:`analysis.world.ATTACH_MODES`), the world is built on
    ``edges`` once per seed and :func:`structure_report` read: the share of ties within
    one country and one city, beside the share of all pairs of people within one country
    (what attaching at random gives on average).

    Returns
    -------
    pandas.DataFrame
        ``attach_people``, ``same_country_tie_share``, ``same_country_pair_share``,
        ``same_city_tie_share`` (means over seeds), ``seed_count``.
    """
    from analysis.world.edgelist import build_social_world_from_edges
    from analysis.world.params import ATTACH_MODES, SocialParams, WorldParams

    seeds = [int(s) for s in seeds]
    rows = []
    for mode in modes or ATTACH_MODES:
        for s in seeds:
            p = (social or SocialParams()).replace(seed=s, attach_people=mode)
            w = build_social_world_from_edges(
                edges, p, (world_params or WorldParams()).replace(seed=s), address_books=False
            )
            r = structure_report(w, seed=s)["achieved"].to_numpy()
            rows.append((mode, r[8], r[9], r[6]))
    frame = pd.DataFrame(
        rows,
        columns=[
            "attach_people",
            "same_country_tie_share",
            "same_country_pair_share",
            "same_city_tie_share",
        ],
    )
    out = frame.groupby("attach_people", sort=False).mean().reset_index()
    out["seed_count"] = len(seeds)
    return out
