"""Link prediction on held-out edges: how well suggestions find real ties.

:func:`evaluate_link_prediction` hides a share of edges, scores them against sampled
non-edges and reports the AUC and precision of the top-k.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.stats import rankdata

from analysis.core.seeds import stream
from analysis.effects.suggest import (
    as_adjacency,
    edges_to_adjacency,
    pair_scores,
    top_k_suggestions,
)

__all__ = [
    "auc_score",
    "clustered_random_graph",
    "evaluate_link_prediction",
    "sample_non_edges",
    "split_edges",
]


def clustered_random_graph(
    n_nodes: int, n_edges: int, *, seed: int, reach: int = 50, long_range_share: float = 0.1
) -> sp.csr_matrix:
    """Draw a seeded random graph with clustering (a noisy ring lattice, Watts-Strogatz style).

    Each edge joins a random node to one within ``reach`` places on a ring; a share
    ``long_range_share`` of edges instead goes to a uniform random node. Duplicates and
    self-loops are redrawn, so the graph has exactly ``n_edges`` edges.

    >>> g = clustered_random_graph(1000, 5000, seed=1)
    >>> g.shape, g.nnz // 2
    ((1000, 1000), 5000)
    """
    if n_nodes < 2 or n_edges < 1:
        raise ValueError(f"need n_nodes >= 2 and n_edges >= 1, got {n_nodes}, {n_edges}")
    rng = stream(seed, "suggest-clustered-graph")
    possible = n_nodes * (n_nodes - 1) // 2
    if n_edges > possible // 2:
        raise ValueError(
            f"n_edges = {n_edges} is too dense for {n_nodes} nodes (max {possible // 2})"
        )
    key = np.zeros(0, dtype=np.int64)
    draw = int(n_edges * 1.2) + 10
    while key.size < n_edges:
        a = rng.integers(0, n_nodes, draw)
        b = (a + rng.integers(1, reach + 1, draw)) % n_nodes
        far = rng.random(draw) < long_range_share
        b[far] = rng.integers(0, n_nodes, int(far.sum()))
        ok = a != b
        lo, hi = np.minimum(a[ok], b[ok]), np.maximum(a[ok], b[ok])
        key = np.unique(np.r_[key, lo.astype(np.int64) * n_nodes + hi])
        draw = int((n_edges - key.size) * 2) + 10
    key = np.sort(key[rng.permutation(key.size)[:n_edges]])
    return edges_to_adjacency(key // n_nodes, key % n_nodes, n_nodes)


def split_edges(
    adjacency, *, test_share: float = 0.2, seed: int
) -> tuple[sp.csr_matrix, np.ndarray]:
    """Seeded random split of the undirected edges into a training graph and held-out edges.

    Returns
    -------
    (train, test) : (scipy.sparse.csr_matrix, numpy.ndarray of shape (m, 2))
        ``test`` rows are (u, v) with u < v.
    """
    if not 0.0 < test_share < 1.0:
        raise ValueError(
            f"test_share = {test_share!r} is not allowed: must be strictly between 0 and 1"
        )
    a = as_adjacency(adjacency)
    up = sp.triu(a, k=1).tocoo()
    order = np.lexsort((up.col, up.row))
    u, v = up.row[order].astype(np.int64), up.col[order].astype(np.int64)
    rng = stream(seed, "suggest-edge-split")
    is_test = rng.random(u.size) < test_share
    train = edges_to_adjacency(u[~is_test], v[~is_test], a.shape[0])
    return train, np.column_stack([u[is_test], v[is_test]])


def sample_non_edges(adjacency, n_pairs: int, *, seed: int) -> np.ndarray:
    """``n_pairs`` distinct node pairs (u < v) that are not edges, sampled uniformly (seeded)."""
    a = as_adjacency(adjacency)
    n = a.shape[0]
    total = n * (n - 1) // 2 - a.nnz // 2
    if n_pairs > total:
        raise ValueError(f"n_pairs = {n_pairs} exceeds the {total} non-edges of the graph")
    rng = stream(seed, "suggest-non-edges")
    up = sp.triu(a, k=1).tocoo()
    edge_keys = np.sort(up.row.astype(np.int64) * n + up.col)
    got = np.zeros(0, dtype=np.int64)
    while got.size < n_pairs:
        need = int((n_pairs - got.size) * 1.2) + 16
        u = rng.integers(0, n, need)
        v = rng.integers(0, n, need)
        lo, hi = np.minimum(u, v), np.maximum(u, v)
        keys = lo * n + hi
        keys = keys[lo != hi]
        pos = np.searchsorted(edge_keys, keys).clip(max=max(edge_keys.size - 1, 0))
        keys = keys[edge_keys[pos] != keys] if edge_keys.size else keys
        _, first = np.unique(np.r_[got, keys], return_index=True)
        got = np.r_[got, keys][np.sort(first)]
    got = got[:n_pairs]
    return np.column_stack([got // n, got % n])


def auc_score(positive: np.ndarray, negative: np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney, ties count one half).

    >>> auc_score(np.array([3.0, 2.0]), np.array([1.0, 2.0]))
    0.875
    """
    positive = np.asarray(positive, dtype=np.float64)
    negative = np.asarray(negative, dtype=np.float64)
    if positive.size == 0 or negative.size == 0:
        raise ValueError("AUC needs at least one positive and one negative score")
    ranks = rankdata(np.r_[positive, negative])
    u = ranks[: positive.size].sum() - positive.size * (positive.size + 1) / 2
    return float(u / (positive.size * negative.size))


def evaluate_link_prediction(
    adjacency,
    *,
    seed: int,
    test_share: float = 0.2,
    k: int = 10,
    negative_pairs: int = 100_000,
) -> pd.DataFrame:
    """AUC and precision@k of common neighbours and Adamic-Adar on held-out edges.

    Works on any graph given as a sparse adjacency (the synthetic Facebook graph or a
    real edge list). The friendships are split 80/20 (``test_share``, seeded); scores
    are computed on the training graph. AUC compares held-out edges with sampled
    non-edges of the full graph; precision@k is the share of each node's top-k
    suggestions (on the training graph) that are held-out edges, averaged over nodes
    with at least one held-out edge.

    Returns
    -------
    pandas.DataFrame
        One row per method: method, auc, precision_at_k, k, test_edge_count,
        negative_pair_count.
    """
    a = as_adjacency(adjacency)
    n = a.shape[0]
    train, test = split_edges(a, test_share=test_share, seed=seed)
    if test.shape[0] == 0:
        raise ValueError("no held-out edges: the graph has too few edges for the split")
    neg_n = int(min(negative_pairs, n * (n - 1) // 2 - a.nnz // 2))
    neg = sample_non_edges(a, neg_n, seed=seed)
    pos_s = pair_scores(train, test[:, 0], test[:, 1])
    neg_s = pair_scores(train, neg[:, 0], neg[:, 1])
    test_keys = np.sort(np.r_[test[:, 0] * n + test[:, 1], test[:, 1] * n + test[:, 0]])
    has_test = np.zeros(n, dtype=bool)
    has_test[test.ravel()] = True
    rows = []
    for method, col in (
        ("common_neighbours", "common_neighbour_count"),
        ("adamic_adar", "adamic_adar_score"),
    ):
        top = top_k_suggestions(train, k=k, method=method, nodes=np.flatnonzero(has_test))
        keys = top["person_id"].to_numpy() * n + top["suggested_person_id"].to_numpy()
        hit = np.isin(keys, test_keys, assume_unique=False)
        hits = np.bincount(top["person_id"].to_numpy(), weights=hit, minlength=n)
        prec = float((hits[has_test] / k).mean())
        rows.append(
            {
                "method": method,
                "auc": auc_score(pos_s[col].to_numpy(), neg_s[col].to_numpy()),
                "precision_at_k": prec,
                "k": k,
                "test_edge_count": int(test.shape[0]),
                "negative_pair_count": int(neg.shape[0]),
            }
        )
    return pd.DataFrame(rows)
