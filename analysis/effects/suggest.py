"""Friend suggestions ("People You May Know") scored with sparse matrix products.

For every node of an undirected graph (a ``scipy.sparse`` adjacency matrix) the
candidates are the nodes two hops away that are not already friends, plus, when
given, the nodes joined to it by an *extra* edge (a phone-contact edge made
visible by WhatsApp or Facebook contact uploads). Each candidate carries

* ``common_neighbour_count``: mutual neighbours in the visible graph;
* ``adamic_adar_score``: the sum of ``1 / log(degree)`` over those neighbours
  (Adamic and Adar 2003; the same definition as ``networkx.adamic_adar_index``);
* ``is_contact_edge``: the pair is joined directly by an extra edge (a separate
  signal, worth ``contact_edge_weight`` in the ranking score).

The visible graph is the friendship graph plus the extra edges (both symmetric).
Rows are processed in blocks sized by the number of two-hop paths they hold, and
only the top ``k`` candidates of each row survive a block (``numpy.argpartition``
to find the k-th score, then an exact, deterministic tie-break: higher score
first, then the lower node id). Scores are *compared* after rounding to
:data:`RANK_DECIMALS` decimal places, so two sums that are mathematically equal but
differ in their last bits (floating-point addition depends on the order of the terms)
tie, and the tie goes to the lower node id; the reported scores are not rounded. All
non-edges are never materialised.

>>> import scipy.sparse as sp
>>> a = sp.csr_matrix(([1.0] * 6, ([0, 1, 1, 2, 2, 3], [1, 0, 2, 1, 3, 2])), shape=(4, 4))
>>> top = top_k_suggestions(a, k=2)
>>> top[["person_id", "suggested_person_id", "common_neighbour_count"]].values.tolist()
[[0, 2, 1], [1, 3, 1], [2, 0, 1], [3, 1, 1]]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis.core.params import Params, param
from analysis.core.schema import Field, Table, register
from analysis.effects.pairs import (
    _EDGE,
    _as_canonical,
    _candidate_blocks,
    _check_rows,
    _marked_visible,
    _visible_graph,
    _weights_of_degree,
    adamic_adar_weights,
    as_adjacency,
    candidate_scores,
)

__all__ = [
    "ENGINES",
    "METHODS",
    "RANK_DECIMALS",
    "SUGGESTIONS",
    "SuggestParams",
    "adamic_adar_weights",
    "as_adjacency",
    "candidate_scores",
    "edges_to_adjacency",
    "frame_to_adjacency",
    "iter_top_k_suggestions_many",
    "pair_scores",
    "top_k_suggestions",
    "top_k_suggestions_many",
]


METHODS = ("adamic_adar", "common_neighbours")
ENGINES = ("rows", "blocks")


#: Decimal places to which scores are rounded before they are ranked: sums equal to this
#: precision tie, and ties go to the lower node id. Far coarser than floating-point noise
#: (about 1e-15 for a sum of a few hundred weights), far finer than any real difference.
RANK_DECIMALS = 9


SUGGESTIONS = register(
    Table(
        "suggestions",
        "Top-k friend suggestions per person (People You May Know), one row per "
        "(person, suggested person), from analysis.effects.suggest.top_k_suggestions.",
        (
            Field("person_id", "The person (graph node) the suggestion is shown to.", "int64"),
            Field("suggested_person_id", "The person suggested.", "int64"),
            Field(
                "rank",
                "1 = best suggestion; scores equal to RANK_DECIMALS places tie, and ties go "
                "to the lower suggested_person_id.",
                "int16",
            ),
            Field(
                "score",
                "Ranking score: the method's score plus contact_edge_weight if a contact "
                "edge joins the pair.",
                "float64",
            ),
            Field(
                "common_neighbour_count",
                "Mutual neighbours in the visible graph (friends plus contact edges).",
                "int32",
            ),
            Field(
                "adamic_adar_score", "Sum of 1/log(degree) over the mutual neighbours.", "float64"
            ),
            Field(
                "is_contact_edge", "A visible phone-contact edge joins the two directly.", "bool"
            ),
        ),
    )
)


@dataclass(frozen=True)
class SuggestParams(Params):
    """Knobs of the friend-suggestion model and its evaluation (issue 5)."""

    section: ClassVar[str] = "suggestions"

    k: int = param(
        10,
        kind="int",
        low=1,
        high=1000,
        unit="suggestions",
        plausible=(5, 50),
        description="Suggestions kept per person (People You May Know shows a handful at a time).",
        source="convention",
        confidence="n/a",
    )
    method: str = param(
        "adamic_adar",
        kind="str",
        choices=METHODS,
        description="Score that ranks two-hop candidates.",
        source="Liben-Nowell and Kleinberg 2007: Adamic-Adar among the best simple predictors",
        confidence="med",
    )
    contact_edge_weight: float = param(
        1.0,
        kind="float",
        low=0.0,
        high=100.0,
        unit="score points",
        plausible=(0.25, 5.0),
        description="What a direct phone-contact edge adds to the ranking score (one unit = "
        "one mutual friend under common neighbours, about 2-4 mutual friends under Adamic-Adar).",
        source="assumption: Facebook's help page names contacts as a signal, not its weight",
    )
    test_share: float = param(
        0.2,
        kind="share",
        plausible=(0.1, 0.3),
        description="Share of friendships held out to evaluate link prediction.",
        source="convention (80/20 split)",
        confidence="n/a",
    )
    negative_pairs: int = param(
        100_000,
        kind="int",
        low=100,
        high=10_000_000,
        unit="pairs",
        plausible=(10_000, 1_000_000),
        description="Non-edges sampled (seeded) to estimate the AUC.",
        source="convention",
        confidence="n/a",
    )
    block_paths: int = param(
        2_000_000,
        kind="int",
        low=1_000,
        high=500_000_000,
        unit="two-hop paths",
        description="Rows are scored in blocks holding about this many two-hop paths "
        "(bounds the memory of one block product).",
        source="convention (memory/speed trade-off)",
        confidence="n/a",
    )


def edges_to_adjacency(a_ids, b_ids, n: int) -> sp.csr_matrix:
    """Symmetric 0/1 CSR adjacency from two arrays of node ids.

    >>> edges_to_adjacency([0, 1], [1, 2], 3).toarray().astype(int).tolist()
    [[0, 1, 0], [1, 0, 1], [0, 1, 0]]
    """
    a_ids = np.asarray(a_ids, dtype=np.int64)
    b_ids = np.asarray(b_ids, dtype=np.int64)
    if a_ids.shape != b_ids.shape:
        raise ValueError(f"edge endpoint arrays differ in length: {a_ids.shape} vs {b_ids.shape}")
    if a_ids.size and (min(a_ids.min(), b_ids.min()) < 0 or max(a_ids.max(), b_ids.max()) >= n):
        raise ValueError(f"edge endpoints must be node ids in 0..{n - 1}")
    m = sp.coo_matrix((np.ones(a_ids.size), (a_ids, b_ids)), shape=(n, n))
    return as_adjacency(m)


def frame_to_adjacency(
    edges: pd.DataFrame, a: str = "node_a", b: str = "node_b"
) -> tuple[sp.csr_matrix, np.ndarray]:
    """Adjacency of an edge-list frame (e.g. :func:`analysis.world.load_edge_list`).

    Node labels (integers or strings) are numbered 0..n-1 in sorted order, the package's
    one node order (:func:`analysis.world.node_order`): row ``k`` is person ``k`` of a
    world built on the same edge list, and "ties go to the lower node id" means the lower
    label.

    Returns
    -------
    (adjacency, labels)
        The symmetric CSR matrix and the label of each row.

    >>> m, labels = frame_to_adjacency(pd.DataFrame({"node_a": ["x", "y"], "node_b": ["y", "z"]}))
    >>> m.shape, labels.tolist()
    ((3, 3), ['x', 'y', 'z'])
    """
    for col in (a, b):
        if col not in edges.columns:
            raise ValueError(f"edge list has no column {col!r}; columns are {list(edges.columns)}")
    codes, labels = pd.factorize(pd.concat([edges[a], edges[b]], ignore_index=True), sort=True)
    half = len(edges)
    return edges_to_adjacency(codes[:half], codes[half:], len(labels)), np.asarray(labels)


def _top_k_rows(rows: np.ndarray, cols: np.ndarray, score: np.ndarray, k: int | None) -> np.ndarray:
    """Return the kept entries, ordered by row, then score descending, then col ascending.

    ``rows`` must be sorted (CSR order). Scores are compared after rounding to
    :data:`RANK_DECIMALS` places. Rows with more than ``k`` entries go through
    ``numpy.argpartition`` (via ``np.partition``) on padded, length-bucketed blocks to find
    the k-th best score; every entry at or above it survives, and an exact lexsort picks
    the final k, so ties at the boundary are broken by the lower column id.
    """
    score = np.round(score, RANK_DECIMALS)
    m = rows.size
    if m == 0:
        return np.zeros(0, dtype=np.int64)
    if k is not None:
        starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
        lengths = np.diff(np.r_[starts, m])
        keep = np.ones(m, dtype=bool)
        long = np.flatnonzero(lengths > k)
        if long.size:
            bucket = np.ceil(np.log2(lengths[long])).astype(np.int64)
            for b in np.unique(bucket):
                sel = long[bucket == b]
                width = int(lengths[sel].max())
                offs = np.arange(width)
                valid = offs[None, :] < lengths[sel, None]
                idx = np.where(valid, starts[sel, None] + offs[None, :], 0)
                vals = np.where(valid, -score[idx], np.inf)
                part = np.argpartition(vals, k - 1, axis=1)[:, k - 1]
                kth = -vals[np.arange(sel.size), part]
                threshold = np.repeat(kth, lengths[sel])
                span = _ranges(starts[sel], lengths[sel])
                keep[span] = score[span] >= threshold
        cand = np.flatnonzero(keep)
    else:
        cand = np.arange(m)
    order = cand[np.lexsort((cols[cand], -score[cand], rows[cand]))]
    if k is None:
        return order
    r = rows[order]
    first = np.flatnonzero(np.r_[True, r[1:] != r[:-1]])
    rank = np.arange(order.size) - np.repeat(first, np.diff(np.r_[first, order.size]))
    return order[rank < k]


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Concatenation of ``arange(s, s + l)`` for each pair, vectorised.

    >>> _ranges(np.array([5, 0]), np.array([2, 3])).tolist()
    [5, 6, 0, 1, 2]
    """
    total = int(lengths.sum())
    before = np.cumsum(lengths) - lengths
    return np.arange(total) - np.repeat(before, lengths) + np.repeat(starts, lengths)


def top_k_suggestions(
    adjacency,
    *,
    k: int | None = 10,
    method: str = "adamic_adar",
    extra_edges=None,
    contact_edge_weight: float = 1.0,
    nodes=None,
    candidates=None,
    block_paths: int = 2_000_000,
    engine: str = "rows",
) -> pd.DataFrame:
    """Top-``k`` friend suggestions for every node, scored block by block.

    Parameters
    ----------
    adjacency : scipy.sparse matrix
        Friendship graph (symmetrised; diagonal ignored). Existing friends and the node
        itself are never suggested.
    k : int or None
        Suggestions kept per node; ``None`` keeps every candidate (small graphs, tests).
    method : {"adamic_adar", "common_neighbours"}
        Score that ranks candidates.
    extra_edges : scipy.sparse matrix, optional
        Phone-contact edges (symmetrised) added to the visible graph: they create two-hop
        paths, count in degrees and common neighbours, and a direct one adds
        ``contact_edge_weight`` to the score (``is_contact_edge``).
    contact_edge_weight : float
        Score added for a direct contact edge.
    nodes : array of int, optional
        Only score these rows (default: all nodes).
    candidates : bool array, optional
        Which nodes may be suggested (e.g. Facebook members); others may still be
        common neighbours. Default: every node.
    block_paths : int
        About this many two-hop paths per block (memory bound of one block product).
    engine : {"rows", "blocks"}
        ``"rows"`` (default, for an integer ``k``): the compiled row-by-row kernel of
        :mod:`analysis.effects.kernels`, which ranks each row's accumulator on the spot;
        ``"blocks"``: scipy block products, then :func:`_top_k_rows`. Same bytes out.

    Returns
    -------
    pandas.DataFrame
        The ``suggestions`` table: sorted by person, then rank.
    """
    if method not in METHODS:
        raise ValueError(f"method = {method!r} is not allowed: must be one of {list(METHODS)}")
    if (
        k != -1
        and k is not None
        and (isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1)
    ):
        raise ValueError(f"k = {k!r} is not allowed: must be a positive integer or None")
    if not np.isfinite(contact_edge_weight) or contact_edge_weight < 0:
        raise ValueError(f"contact_edge_weight = {contact_edge_weight!r} must be a number >= 0")
    friends, contact, visible = _visible_graph(adjacency, extra_edges)
    row_ids, candidates = _check_rows(nodes, candidates, friends.shape[0])
    if engine not in ENGINES:
        raise ValueError(f"engine = {engine!r} is not allowed: must be one of {list(ENGINES)}")
    if engine == "rows" and k is not None and k != -1:
        return _top_k_by_rows(
            friends, contact, visible, row_ids, candidates, k, method, contact_edge_weight
        )
    blocks = _candidate_blocks(
        friends, contact, visible, row_ids, candidates, block_paths, nodes is not None
    )
    parts = []
    for _ids, all_rows, all_cols, data, keep, direct in blocks:
        grow, cols, z = all_rows[keep].astype(np.int64), all_cols[keep], data[keep]
        cn, im = z.real.copy(), z.imag.copy()
        is_direct = np.zeros(keep.size, bool) if direct is None else direct
        if direct is not None:
            cn[direct] -= _EDGE
        base = im if method == "adamic_adar" else cn
        score = base + contact_edge_weight * is_direct
        if k == -1:
            parts.append((grow, cols, score, cn, im, is_direct))
            continue
        sel = _top_k_rows(grow, cols, score, k)  # rows sorted by node id, as in CSR order
        parts.append((grow[sel], cols[sel], score[sel], cn[sel], im[sel], is_direct[sel]))
    if parts:
        person, cand, score, cn, aa, isd = (
            x[0] if len(x) == 1 else np.concatenate(x) for x in zip(*parts, strict=True)
        )
    else:
        person = cand = np.zeros(0, dtype=np.int64)
        score = cn = aa = np.zeros(0)
        isd = np.zeros(0, dtype=bool)
    return _suggestion_frame(person, cand, score, cn, aa, isd, k)


def _top_k_by_rows(friends, contact, visible, row_ids, candidates, k, method, weight):
    """:func:`top_k_suggestions` with the compiled row kernel (same table, same bytes)."""
    from analysis.effects.kernels import top_k

    indptr, indices, mark = _marked_visible(friends, contact)
    n = visible.shape[0]
    cand = np.ones(n, bool) if candidates is None else candidates
    person, cols, score, cn, aa, isd = top_k(
        indptr,
        indices,
        mark,
        adamic_adar_weights(visible),
        np.ascontiguousarray(row_ids, dtype=np.int64),
        cand,
        int(k),
        method == "adamic_adar",
        float(weight),
    )
    return _suggestion_frame(person, cols, score, cn.astype(np.float64), aa, isd, k)


#: Graphs ranked together by :func:`top_k_suggestions_many` by default (at most 30: the
#: bits of an int32 mask).
MAX_GRAPHS_PER_PASS = 8


def top_k_suggestions_many(
    adjacency,
    extra_edges,
    *,
    k: int = 10,
    method: str = "adamic_adar",
    contact_edge_weight: float = 1.0,
    nodes=None,
    candidates=None,
    graphs_per_pass: int = MAX_GRAPHS_PER_PASS,
) -> list[pd.DataFrame]:
    """:func:`top_k_suggestions` of one friendship graph with each of several contact-edge sets.

    ``[top_k_suggestions(adjacency, extra_edges=e, k=k, ...) for e in extra_edges]``,
    the very same tables, computed in one pass over the union of the visible graphs
    (up to ``graphs_per_pass`` at a time) instead of one pass per set. The visible
    graphs of scenarios differ only in a minority of contact edges, so most two-hop
    paths are shared: walking them once, with one accumulator per graph side by side
    in memory, costs a fraction of walking each graph on its own. Every sum is still
    formed from the same terms in the same order as for that graph alone
    (:func:`analysis.effects.kernels.top_k_rows_many`), so the bits are the same.

    Parameters
    ----------
    adjacency : scipy.sparse matrix
        Friendship graph, as for :func:`top_k_suggestions`.
    extra_edges : iterable of scipy.sparse matrices
        One contact-edge matrix per visible graph (``None`` for no contact edges). Each
        is let go once its pass has built the union graph, so matrices handed over
        through an iterator (no other reference kept) are freed before the ranking.
    k, method, contact_edge_weight, nodes, candidates
        As for :func:`top_k_suggestions` (``k`` a positive integer).
    graphs_per_pass : int
        At most this many graphs share one pass (1 to 30).

    Returns
    -------
    list of pandas.DataFrame
        One ``suggestions`` table per entry of ``extra_edges``, in that order.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> a = sp.csr_matrix(([1.0] * 4, ([0, 1, 1, 2], [1, 0, 2, 1])), shape=(4, 4))
    >>> e = sp.csr_matrix(([1.0] * 2, ([2, 3], [3, 2])), shape=(4, 4))
    >>> many = top_k_suggestions_many(a, [None, e], k=2)
    >>> all(m.equals(top_k_suggestions(a, extra_edges=x, k=2)) for m, x in zip(many, [None, e]))
    True
    """
    return list(
        iter_top_k_suggestions_many(
            adjacency, extra_edges, k=k, method=method, contact_edge_weight=contact_edge_weight,
            nodes=nodes, candidates=candidates, graphs_per_pass=graphs_per_pass,
        )
    )  # fmt: skip


def iter_top_k_suggestions_many(
    adjacency,
    extra_edges,
    *,
    k: int = 10,
    method: str = "adamic_adar",
    contact_edge_weight: float = 1.0,
    nodes=None,
    candidates=None,
    graphs_per_pass: int = MAX_GRAPHS_PER_PASS,
):
    """:func:`top_k_suggestions_many`, one table at a time (an iterator, in that order).

    The parameters are checked at once; each pass of ``graphs_per_pass`` graphs is ranked
    when its first table is asked for, and each table is built only when asked for, so a
    caller that is done with one table before taking the next holds one at a time.

    >>> import scipy.sparse as sp
    >>> a = sp.csr_matrix(([1.0] * 4, ([0, 1, 1, 2], [1, 0, 2, 1])), shape=(4, 4))
    >>> tables = iter_top_k_suggestions_many(a, [None, None], k=1)
    >>> next(tables).equals(top_k_suggestions(a, k=1))
    True
    """
    if method not in METHODS:
        raise ValueError(f"method = {method!r} is not allowed: must be one of {list(METHODS)}")
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise ValueError(f"k = {k!r} is not allowed: must be a positive integer")
    if not np.isfinite(contact_edge_weight) or contact_edge_weight < 0:
        raise ValueError(f"contact_edge_weight = {contact_edge_weight!r} must be a number >= 0")
    if (
        isinstance(graphs_per_pass, bool)
        or not isinstance(graphs_per_pass, int | np.integer)
        or not 1 <= graphs_per_pass <= 30
    ):
        raise ValueError(f"graphs_per_pass = {graphs_per_pass!r} must be an integer in 1..30")
    friends = _as_canonical(adjacency)
    n = friends.shape[0]
    extra_edges = [
        None if e is None else _as_canonical(e, name="extra_edges", n=n) for e in extra_edges
    ]
    row_ids, candidates = _check_rows(nodes, candidates, n)
    cand = np.ones(n, bool) if candidates is None else candidates
    rows = np.ascontiguousarray(row_ids, dtype=np.int64)
    return _ranked_passes(
        friends, extra_edges, rows, cand, int(k), method, float(contact_edge_weight),
        graphs_per_pass,
    )  # fmt: skip


def _ranked_passes(
    friends, extra_edges, rows, cand, k, method, contact_edge_weight, graphs_per_pass
):
    """Yield :func:`iter_top_k_suggestions_many`'s tables, one pass of graphs at a time."""
    from analysis.effects.kernels import top_k_many

    for lo in range(0, len(extra_edges), graphs_per_pass):
        batch = extra_edges[lo : lo + graphs_per_pass]
        union = _union_graph(friends, batch)
        # the union holds all the pass needs: its graphs are let go here (freed if the
        # caller handed them over, e.g. as an iterator), the union itself by top_k_many
        # once ranked, before the tables are built
        del batch
        hi = min(lo + graphs_per_pass, len(extra_edges))
        extra_edges[lo:hi] = [None] * (hi - lo)
        ranked = top_k_many(*union, rows, cand, k, method == "adamic_adar", contact_edge_weight)
        del union
        for person, cols, score, cn, aa, isd in ranked:
            yield _suggestion_frame(person, cols, score, cn.astype(np.float64), aa, isd, k)


def _union_graph(friends: sp.csr_matrix, contacts: list) -> tuple[np.ndarray, ...]:
    """Union of the visible graphs ``friends + contacts[s]``, with what each entry is in each.

    Returns ``(indptr, indices, present, friend, w)``: the union's CSR arrays (sorted
    indices); ``present[p]``, bit ``s`` set when entry ``p`` is an edge of graph ``s``;
    ``friend[p]``, a friendship (an edge of every graph); ``w[:, s]``, the Adamic-Adar
    weights of graph ``s`` (:func:`adamic_adar_weights` of its visible graph, from the
    same degrees).
    """
    n_graphs = len(contacts)
    code = friends * float(2**n_graphs)  # exact: sums of distinct powers of two
    for s, contact in enumerate(contacts):
        if contact is not None:
            code = code + contact * float(2**s)
    code = code.tocsr()
    code.sum_duplicates()
    code.sort_indices()
    data = code.data.astype(np.int64)
    friend = data >= 2**n_graphs
    every = np.int64(2**n_graphs - 1)
    present = np.where(friend, every, data & every).astype(np.int32)
    n = code.shape[0]
    rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(code.indptr))
    w = np.empty((n, n_graphs), np.float64)
    for s in range(n_graphs):
        w[:, s] = _weights_of_degree(np.bincount(rows, weights=(present >> s) & 1, minlength=n))
    return code.indptr, code.indices, present, friend, np.ascontiguousarray(w)


def _suggestion_frame(person, cand, score, cn, aa, isd, k) -> pd.DataFrame:
    """Build the ``suggestions`` table from its columns (grouped by person, in rank order)."""
    first = (
        np.flatnonzero(np.r_[True, person[1:] != person[:-1]]) if person.size else np.zeros(0, int)
    )
    rank = np.arange(person.size) - np.repeat(first, np.diff(np.r_[first, person.size]))
    out = pd.DataFrame(
        {
            "person_id": person.astype(np.int64, copy=False),
            "suggested_person_id": cand.astype(np.int64, copy=False),
            "rank": (rank + 1).astype(np.int16 if (k or 0) < 32000 and k is not None else np.int64),
            "score": score.astype(np.float64, copy=False),
            "common_neighbour_count": np.rint(cn).astype(np.int32),
            "adamic_adar_score": aa.astype(np.float64, copy=False),
            "is_contact_edge": isd.astype(bool, copy=False),
        }
    )
    return out.drop(columns=["rank", "score"]) if k == -1 else out


def pair_scores(adjacency, u, v) -> pd.DataFrame:
    """Common-neighbour count and Adamic-Adar score of given node pairs.

    Vectorised: gathers the two rows of every pair and multiplies them elementwise.

    >>> import scipy.sparse as sp
    >>> a = edges_to_adjacency([0, 0, 1], [1, 2, 2], 3)
    >>> pair_scores(a, [1], [2])["common_neighbour_count"].tolist()
    [1]
    """
    a = adjacency if _is_canonical(adjacency) else as_adjacency(adjacency)
    u = np.asarray(u, dtype=np.int64)
    v = np.asarray(v, dtype=np.int64)
    if u.shape != v.shape:
        raise ValueError(f"u and v differ in length: {u.shape} vs {v.shape}")
    w = adamic_adar_weights(a)
    ru = a[u]
    rv = a[v]
    common = ru.multiply(rv).tocsr()
    cn = np.asarray(common.sum(axis=1)).ravel()
    aa = np.asarray((common @ sp.diags(w)).sum(axis=1)).ravel()
    return pd.DataFrame(
        {"u": u, "v": v, "common_neighbour_count": cn.astype(np.int64), "adamic_adar_score": aa}
    )


def _is_canonical(a) -> bool:
    return (
        sp.isspmatrix_csr(a)
        and a.dtype == np.float64
        and a.has_sorted_indices
        and (a.data.size == 0 or (a.data.min() == 1 and a.data.max() == 1))
        and (abs(a - a.T).nnz == 0)
        and a.diagonal().sum() == 0
    )
