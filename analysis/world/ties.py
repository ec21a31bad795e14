"""The social world: who knows whom, which ties Facebook sees, and what phones hold.

The tie model
-------------
People meet in *foci* (Feld 1981): a family, a workplace, a friend group. Every
focus is a run of consecutive people after sorting the population by country,
city and a random key, so a focus sits inside one country and mostly inside one
city (small towns merge with their neighbours in the sort order). Inside a focus
each pair is tied with the focus type's density. How many friend groups a person
belongs to is heavy-tailed (log-normal around the median degree target), which
gives heavy-tailed degrees and, as in real networks, local clustering that falls
as degree grows: a person with three friend groups of density ``d`` has clustering
near ``d / 3``. Some friend groups are drawn country-wide (school, university),
and a share of ties crosses borders (diaspora, travel).

Sensitive roles are then given to a few people: clinicians with patients,
lawyers with clients, journalists with sources, sex workers with clients; some
people keep an ex-partner in their phone. A Facebook friendship needs two
Facebook users and is friended with a probability by tie kind; sensitive ties
rarely are.

Everything is vectorised (numpy sorting, repeats and ``np.unique``); NetworkX is
only the reading API (:meth:`SocialWorld.tie_graph`), and structure measures use
``scipy.sparse`` (:func:`structure_report`). While ties are drawn, each is one
int64 key (pair and kind packed together), so duplicates are removed by one sort.
The median number of ties is calibrated (up to two extra builds of the friend
layer) because pairs drawn twice are lost.

Scale and its effect on clustering
----------------------------------
Cost by stage and world size (time, peak memory, and ratios against the previous
version measured side by side) is in the README's performance table
(``benchmarks/stages.py``). Building is vectorised throughout: pairs are packed with
shifts, sorted runs are merged by one stable sort instead of being sorted again, and
the tie table holds int32 ids without a copy.

Clustering depends on the size of the world as well as on the parameters. With
the defaults, clustering near the median degree is about 0.27 at 10,000 people
(eight countries of 1,250 people: someone with 100 ties knows 8% of their
compatriots, so contacts overlap by chance), 0.15 at 100,000 and 0.08 at
1,000,000 (only the friend groups make triangles). The default
``friend_group_density`` (0.3) is tuned at 100,000 people; at 1,000,000 people
0.5 gives 0.15 (measured). Below about 50,000 people the target cannot be met
with a median of 99 ties.

>>> from analysis.world import WorldParams
>>> from analysis.world import generate_population
>>> people = generate_population(WorldParams(n_people=600, seed=3))
>>> from analysis.world import SocialParams, build_social_world
>>> world = build_social_world(people, SocialParams(seed=3, median_ties=20))
>>> bool((world.ties.person_a_id != world.ties.person_b_id).all())
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis.core.seeds import replay, stream
from analysis.world.params import ROLE_TIE_KIND, ROLES, TIE_KINDS, SocialParams

if TYPE_CHECKING:  # pragma: no cover
    pass

__all__ = [
    "assign_roles",
    "facebook_friendships",
    "kinds_for_edges",
    "sensitive_ties",
    "social_ties",
    "symmetric_matrix",
    "uploads_contacts",
]


def symmetric_matrix(a: np.ndarray, b: np.ndarray, n: int, dtype=np.int32) -> sp.csr_matrix:
    """Symmetric 0/1 CSR adjacency of the undirected pairs ``(a, b)``.

    Values are ``dtype`` (int32 by default, so that products such as ``A @ A``,
    which count common neighbours, cannot overflow; pass ``np.int8`` to save
    memory when only the pattern is needed).

    >>> symmetric_matrix(np.array([0, 1]), np.array([1, 2]), 3).toarray().tolist()
    [[0, 1, 0], [1, 0, 1], [0, 1, 0]]
    """
    index = np.int32 if n < 2**31 - 1 else np.int64  # halves memory at a million people
    rows = np.concatenate([np.asarray(a, dtype=index), np.asarray(b, dtype=index)])
    cols = np.concatenate([np.asarray(b, dtype=index), np.asarray(a, dtype=index)])
    data = np.ones(rows.size, dtype=dtype)
    matrix = sp.csr_matrix((data, (rows, cols)), shape=(n, n))
    del rows, cols, data
    matrix.sum_duplicates()
    matrix.data[:] = 1
    return matrix


def _codes(values) -> np.ndarray:
    """Integer codes of a column (categories sorted), int64."""
    return pd.Categorical(np.asarray(values, dtype=object)).codes.astype(np.int64)


def _segment_starts(sorted_keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For sorted keys: start index of each row's run and the rank inside the run."""
    n = sorted_keys.size
    new = np.ones(n, dtype=bool)
    new[1:] = sorted_keys[1:] != sorted_keys[:-1]
    starts = np.flatnonzero(new)
    run = np.cumsum(new) - 1
    rank = np.arange(n) - starts[run]
    return starts[run], rank


def _focus_ids(
    country: np.ndarray, order_key: np.ndarray, mean_size: int, rng: np.random.Generator
) -> np.ndarray:
    """Cut each country's rows (sorted by ``order_key``) into foci of random sizes.

    Returns the focus id of every row (input order). Sizes are uniform on
    ``[ceil(mean/2), floor(3 mean/2)]``; a focus never crosses a country border.
    """
    n = country.size
    order = np.lexsort((order_key, country))
    _, rank = _segment_starts(country[order])
    lo, hi = max(1, (mean_size + 1) // 2), max(1, (3 * mean_size) // 2)
    n_sizes = n // max(lo, 1) + 2
    bounds = np.cumsum(rng.integers(lo, hi + 1, n_sizes))
    within = np.searchsorted(bounds, rank, side="right")
    focus_sorted = country[order] * (n_sizes + 1) + within
    focus = np.empty(n, dtype=np.int64)
    focus[order] = focus_sorted
    return focus


def _id_bits(n: int) -> int:
    """Bits that hold a person id below ``n`` (pairs pack as ``lo << bits | hi``)."""
    bits = max(1, int(n - 1).bit_length())
    if 2 * bits + 4 > 63:
        raise ValueError(f"{n} people is too many to pack a tie into one int64 key")
    return bits


def _encode(
    a: np.ndarray, b: np.ndarray, kind: int | np.ndarray, n: int, oriented: bool = False
) -> np.ndarray:
    """Pack ties into one sortable int64 key each: ``pair * 16 + kind * 2 + swapped``.

    ``pair = lo << bits | hi`` (``bits`` from :func:`_id_bits`: shifts, not divisions,
    and the same order as ``lo * n + hi``); ``swapped`` records that ``a`` was the larger
    id (only kept for ``oriented`` kinds, where ``a`` is the professional). Self-pairs are
    dropped. One int64 per tie keeps memory at a few bytes per tie during building.
    """
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    keep = a != b
    if not keep.all():
        a, b = a[keep], b[keep]
        if isinstance(kind, np.ndarray):
            kind = kind[keep]
    bits = _id_bits(n)
    key = np.minimum(a, b)
    key <<= bits
    key |= np.maximum(a, b)
    key <<= 4
    key += np.asarray(kind, dtype=np.int64) * 2
    if oriented:
        key += a > b
    return key


def _decode(key: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inverse of :func:`_encode`: ``(a, b, kind)`` with the orientation restored.

    Ids come back as int32 when ``n`` allows it (half the memory of int64).
    """
    bits = _id_bits(n)
    index = np.int32 if n < 2**31 else np.int64
    kind = ((key >> 1) & 7).astype(np.int8)
    work = key >> (4 + bits)
    a = work.astype(index)
    np.right_shift(key, 4, out=work)
    work &= (1 << bits) - 1
    b = work.astype(index)
    del work
    swapped = np.flatnonzero(key & 1)
    if swapped.size:
        a[swapped], b[swapped] = b[swapped], a[swapped]
    return a, b, kind


def _unique_ties(keys: list[np.ndarray], sorted_key: np.ndarray | None = None) -> np.ndarray:
    """Concatenate encoded ties, sort, and keep one per pair (the highest-priority kind).

    ``sorted_key``, an already sorted array (e.g. a previous result), is merged in
    without being sorted again; the result is the same as sorting everything. A single
    array in ``keys`` is sorted in place.
    """
    keys = [k for k in keys if k.size]
    key = np.concatenate(keys) if len(keys) > 1 else (keys[0] if keys else None)
    if key is not None:
        key.sort()
    if sorted_key is not None and sorted_key.size:
        if key is None:
            key = sorted_key
        else:  # two sorted runs: numpy's stable sort (timsort) merges them in one pass
            key = np.concatenate([sorted_key, key])
            key.sort(kind="stable")
    if key is None:
        return np.empty(0, np.int64)
    first = np.empty(key.size, dtype=bool)
    first[0] = True
    diff = np.bitwise_xor(key[1:], key[:-1])  # same pair <=> equal above the low 4 bits
    diff >>= 4
    np.not_equal(diff, 0, out=first[1:])
    del diff
    return key[first]


def _degrees(key: np.ndarray, n: int) -> np.ndarray:
    """Tie count per person from encoded unique ties."""
    bits = _id_bits(n)
    work = key >> (4 + bits)
    deg = np.bincount(work, minlength=n)
    np.right_shift(key, 4, out=work)
    work &= (1 << bits) - 1
    deg += np.bincount(work, minlength=n)
    return deg


def _pairs_within(
    focus: np.ndarray,
    members: np.ndarray,
    density: float,
    kind: int,
    n: int,
    rng: np.random.Generator,
    chunk_pairs: int = 4_000_000,
) -> np.ndarray:
    """All pairs inside each focus, each kept with probability ``density``, encoded.

    Memory is bounded by processing about ``chunk_pairs`` candidate pairs at a time.
    """
    order = np.argsort(focus, kind="stable")
    f_sorted = focus[order]
    m_sorted = members[order]
    del order
    _, rank = _segment_starts(f_sorted)
    is_last = np.ones(f_sorted.size, dtype=bool)
    is_last[:-1] = f_sorted[1:] != f_sorted[:-1]
    end = np.flatnonzero(is_last)  # last row of each focus
    count = end[np.cumsum(rank == 0) - 1] - np.arange(f_sorted.size)  # partners after this row
    del f_sorted, rank, is_last, end
    cum = np.cumsum(count)
    out = []
    first = 0
    rows = count.size
    while first < rows:  # a loop over chunks of a few million candidate pairs
        base = cum[first - 1] if first else 0
        last = int(np.searchsorted(cum, base + chunk_pairs, side="right"))
        last = min(max(last, first + 1), rows)
        c = count[first:last]
        total = int(c.sum())
        if total:
            # candidate j of the chunk belongs to row `local` (the run of cumsum it falls
            # in) and is its (j - before[local])-th partner; only kept candidates are mapped
            kept = np.flatnonzero(rng.random(total) < density)
            ends = np.cumsum(c)
            local = ends.searchsorted(kept, side="right")
            kept -= (ends - c)[local]
            kept += local
            local += first
            kept += first + 1
            out.append(_encode(m_sorted[local], m_sorted[kept], kind, n))
        first = last
    return np.concatenate(out) if out else np.empty(0, np.int64)


def _stochastic_round(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    base = np.floor(x)
    return (base + (rng.random(x.size) < (x - base))).astype(np.int64)


def _random_member(
    pool_order: np.ndarray, pool_start: np.ndarray, pool_size: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """One uniformly random member of each requested pool (pools are runs of ``pool_order``)."""
    return pool_order[
        pool_start + np.floor(rng.random(pool_start.size) * pool_size).astype(np.int64)
    ]


def _pool_index(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """People sorted by ``keys`` and, per person, the start and size of their key's run."""
    order = np.argsort(keys, kind="stable")
    _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    return order, starts[inverse], counts[inverse]


_KIND = {k: i for i, k in enumerate(TIE_KINDS)}


def social_ties(people: pd.DataFrame, params: SocialParams) -> list[np.ndarray]:
    """Draw the family, work and friend ties (no sensitive kinds yet), encoded.

    Returns a list of int64 key arrays (see :func:`_encode`), possibly with
    duplicate pairs, which :func:`_unique_ties` removes; the first is already sorted
    and unique (pass it as ``sorted_key``).
    """
    n = len(people)
    seed = params.seed
    country = _codes(people["country_code"])
    city = _codes(people["city"].astype(str))
    ids = np.arange(n, dtype=np.int64)
    parts: list[np.ndarray] = []

    # family and work: one circle each (work only for some), city-ordered
    rng = stream(seed, "social:family")
    key = city * 2.0 + rng.random(n)  # sort by city, then randomly
    fam = _focus_ids(country, key, params.family_size, rng)
    parts.append(_pairs_within(fam, ids, params.family_density, _KIND["family"], n, rng))
    del fam, key

    rng = stream(seed, "social:work")
    workers = ids[rng.random(n) < params.work_share]
    key = city[workers] * 2.0 + rng.random(workers.size)
    work = _focus_ids(country[workers], key, params.work_size, rng)
    parts.append(_pairs_within(work, workers, params.work_density, _KIND["work"], n, rng))
    del work, key, workers

    # friend groups: heavy-tailed number of memberships per person
    rng = stream(seed, "social:friends")
    per_group = params.friend_group_density * (params.friend_group_size - 1)
    within_target = params.median_ties * (1 - params.cross_country_share)
    target = within_target * np.exp(params.degree_sigma * rng.standard_normal(n))
    target = np.minimum(target, params.max_ties)
    parts = [_unique_ties(parts)]
    fixed = _degrees(parts[0], n)  # family + work degree
    wanted = np.maximum(target - fixed, 0.0) / max(per_group, 1e-9)
    u_round = rng.random(n)
    layer_seed = rng.integers(0, 2**63)

    def friend_layer(scale: float) -> np.ndarray:
        r = replay(layer_seed)  # same draws whatever the scale
        g = np.floor(wanted * scale + u_round).astype(np.int64)
        member = np.repeat(ids, g)
        country_wide = r.random(member.size) < params.country_wide_group_share
        order_key = np.where(country_wide, 0.0, city[member] * 2.0) + r.random(member.size)
        focus = _focus_ids(country[member], order_key, params.friend_group_size, r)
        del country_wide, order_key
        return _pairs_within(focus, member, params.friend_group_density, _KIND["friend"], n, r)

    # calibration: pairs drawn twice and small towns lose ties, so rescale the number
    # of groups (up to two rounds) until the median within-country degree meets its target
    med_fixed = float(np.median(fixed))
    goal = float(np.median(target))
    scale = 1.0
    layer = _unique_ties([friend_layer(scale)], sorted_key=parts[0])
    for _ in range(2):  # at most two extra builds of the friend layer
        achieved = float(np.median(_degrees(layer, n)))
        if abs(achieved - goal) <= 0.02 * goal or achieved <= med_fixed + 1:
            break
        scale *= float(np.clip((goal - med_fixed) / (achieved - med_fixed), 0.5, 3.0))
        layer = _unique_ties([friend_layer(scale)], sorted_key=parts[0])
    parts = [layer]
    del layer

    # cross-country ties: stubs in proportion to each person's within-country ties,
    # matched at random among people of other countries
    rng = stream(seed, "social:cross")
    share = params.cross_country_share
    if share > 0 and np.unique(country).size > 1:
        within_deg = _degrees(parts[0], n)
        lam = within_deg * share / (1 - share) if share < 1 else np.maximum(target, 1.0)
        stubs = rng.poisson(lam)
        owner = np.repeat(ids, stubs)
        owner = owner[rng.permutation(owner.size)]
        half = owner.size // 2
        a, b = owner[:half], owner[half : 2 * half].copy()
        # redraw partners (up to 3 times) for pairs that landed in the same country
        for _ in range(3):  # a fixed small number of vectorised rounds
            same = country[a] == country[b]
            if not same.any():
                break
            b[same] = owner[rng.integers(0, owner.size, int(same.sum()))]
        ok = country[a] != country[b]
        parts.append(_encode(a[ok], b[ok], _KIND["friend"], n))
    return parts


def assign_roles(people: pd.DataFrame, params: SocialParams) -> np.ndarray:
    """Sensitive professional role of each person (object array of :data:`ROLES`)."""
    n = len(people)
    rng = stream(params.seed, "social:roles")
    names = list(params.role_shares)
    shares = np.array([params.role_shares[r] for r in names])
    edges = np.cumsum(shares)
    u = rng.random(n)
    pick = np.searchsorted(edges, u, side="right")
    role = np.full(n, "none", dtype=object)
    has = pick < len(names)
    role[has] = np.array(names, dtype=object)[pick[has]]
    return role


def sensitive_ties(
    people: pd.DataFrame, role: np.ndarray, params: SocialParams
) -> list[np.ndarray]:
    """Professional-client and ex-partner ties, encoded with the professional as ``a``."""
    n = len(people)
    country = _codes(people["country_code"])
    city = _codes(people["city"].astype(str))
    city_key = country * (city.max() + 1) + city
    city_order, city_start, city_size = _pool_index(city_key)
    ctry_order, ctry_start, ctry_size = _pool_index(country)
    rng = stream(params.seed, "social:sensitive")
    parts = []
    for r in ROLES[1:]:  # four roles: a loop over roles, not people
        pros = np.flatnonzero(role == r)
        if pros.size == 0:
            continue
        k = 1 + rng.poisson(max(params.clients_per_professional[r] - 1, 0.0), pros.size)
        a = np.repeat(pros, k)
        local = rng.random(a.size) < params.professional_same_city_share
        b = np.where(
            local,
            _random_member(city_order, city_start[a], city_size[a], rng),
            _random_member(ctry_order, ctry_start[a], ctry_size[a], rng),
        )
        parts.append(_encode(a, b, _KIND[ROLE_TIE_KIND[r]], n, oriented=True))
    has_ex = np.flatnonzero(rng.random(n) < params.ex_partner_share)
    partner = _random_member(city_order, city_start[has_ex], city_size[has_ex], rng)
    parts.append(_encode(has_ex, partner, _KIND["ex_partner"], n))
    return parts


_ASYMMETRIC = np.array([k in ROLE_TIE_KIND.values() for k in TIE_KINDS])


def uploads_contacts(people: pd.DataFrame, params: SocialParams) -> np.ndarray:
    """Which Facebook users upload their contacts (bool per person)."""
    rng = stream(params.seed, "social:uploads")
    fb = people["is_facebook_user"].to_numpy(bool)
    return fb & (rng.random(len(people)) < params.uploads_contacts_to_facebook)


def facebook_friendships(
    people: pd.DataFrame, a: np.ndarray, b: np.ndarray, kind: np.ndarray, params: SocialParams
) -> np.ndarray:
    """Which ties are Facebook friendships: both Facebook users, then P(friend | kind)."""
    fb = people["is_facebook_user"].to_numpy(bool)
    prob = np.array([params.facebook_friend_probability[k] for k in TIE_KINDS])[kind]
    rng = stream(params.seed, "social:facebook")
    return fb[a] & fb[b] & (rng.random(a.size) < prob)


def kinds_for_edges(
    people: pd.DataFrame, role: np.ndarray, a: np.ndarray, b: np.ndarray, params: SocialParams
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Give kinds to a fixed edge set (a real graph) without adding or removing edges.

    Ties of a professional become that role's sensitive kind with probability
    ``clients / degree`` (so a professional keeps about the configured number of
    clients); an ``ex_partner_share / mean degree`` share of other ties become
    ex-partners; the rest are family, work or friend in proportion to what the
    synthetic model makes (family and work more likely within one city).
    """
    n = len(people)
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    if a.size and (a.min() < 0 or max(a.max(), b.max()) >= n):
        raise ValueError(f"edges: person ids must lie in 0..{n - 1}")
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    deg = np.bincount(lo, minlength=n) + np.bincount(hi, minlength=n)
    rng = stream(params.seed, "social:edge-kinds")
    kind_index = {k: i for i, k in enumerate(TIE_KINDS)}
    city = _codes(people["country_code"].astype(str) + "|" + people["city"].astype(str))
    same_city = city[lo] == city[hi]
    u = rng.random(lo.size)
    p_family = np.where(same_city, 0.12, 0.04)
    p_work = np.where(same_city, 0.20, 0.08)
    kind = np.where(
        u < p_family,
        kind_index["family"],
        np.where(u < p_family + p_work, kind_index["work"], kind_index["friend"]),
    ).astype(np.int8)
    mean_deg = max(deg.mean(), 1.0)
    ex = rng.random(lo.size) < params.ex_partner_share / mean_deg
    kind[ex] = kind_index["ex_partner"]
    out_a, out_b = lo.copy(), hi.copy()
    for r, k in ROLE_TIE_KIND.items():  # four roles
        for end, other in ((lo, hi), (hi, lo)):
            is_pro = role[end] == r
            p = np.minimum(1.0, params.clients_per_professional[r] / np.maximum(deg[end], 1))
            take = is_pro & (rng.random(lo.size) < p) & ~_ASYMMETRIC[kind]
            kind[take] = kind_index[k]
            out_a[take] = end[take]
            out_b[take] = other[take]
    return out_a, out_b, kind
