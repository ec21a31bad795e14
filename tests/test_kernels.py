"""The compiled row kernels give the block engine's tables byte for byte.

:mod:`analysis.effects.kernels` scores candidate pairs row by row; the scipy block
products of :mod:`analysis.effects.pairs` are the reference. Both must produce the same
suggestions (same rows, same order, same float bits), and all-pairs scoring must equal
the scipy one-liner ``A @ diag(w) @ A`` on every candidate pair.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from analysis.effects.suggest import (
    adamic_adar_weights,
    candidate_scores,
    edges_to_adjacency,
    top_k_suggestions,
    top_k_suggestions_many,
)


def _graph(seed: int, n: int, per_node: int):
    rng = np.random.default_rng(seed)
    m = n * per_node
    a = edges_to_adjacency(rng.integers(0, n, m), rng.integers(0, n, m), n)
    c = edges_to_adjacency(rng.integers(0, n, m // 3), rng.integers(0, n, m // 3), n)
    return rng, a, c


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("method", ["adamic_adar", "common_neighbours"])
def test_top_k_rows_equals_blocks(seed, method):
    rng, a, c = _graph(seed, 400 + 300 * seed, 4 + 2 * seed)
    n = a.shape[0]
    members = rng.random(n) < 0.7
    for extra, nodes, cand in [
        (None, None, None),
        (c, None, None),
        (c, np.flatnonzero(members), members),
    ]:
        for k in (1, 4, 10):
            kw = dict(
                k=k,
                method=method,
                extra_edges=extra,
                nodes=nodes,
                candidates=cand,
                contact_edge_weight=0.75,
            )
            rows = top_k_suggestions(a, engine="rows", **kw)
            blocks = top_k_suggestions(a, engine="blocks", block_paths=5_000, **kw)
            assert len(rows) > 0
            assert rows.dtypes.equals(blocks.dtypes)
            assert rows.equals(blocks), (seed, method, k)


@pytest.mark.parametrize("unique_pairs", [False, True])
def test_candidate_scores_rows_equal_blocks(unique_pairs):
    rng, a, c = _graph(7, 900, 6)
    members = rng.random(a.shape[0]) < 0.6
    cases = [dict(), dict(extra_edges=c)]
    if not unique_pairs:
        cases.append(dict(extra_edges=c, nodes=np.flatnonzero(members), candidates=members))
    for kw in cases:
        rows = candidate_scores(a, engine="rows", unique_pairs=unique_pairs, **kw)
        blocks = candidate_scores(
            a, engine="blocks", unique_pairs=unique_pairs, block_paths=3_000, **kw
        )
        assert len(rows) > 0
        assert rows.dtypes.equals(blocks.dtypes)
        assert rows.equals(blocks)  # same order within each person, same bits


def test_candidate_scores_equal_the_scipy_one_liner():
    _, a, _ = _graph(11, 1500, 5)
    w = adamic_adar_weights(a)
    one_liner = (a @ sp.diags(w) @ a).tocsr()
    counts = (a @ a).tocsr()
    got = candidate_scores(a)
    u = got["person_id"].to_numpy()
    v = got["suggested_person_id"].to_numpy()
    # the same sums (scipy adds the terms in another order: equal to rounding)
    np.testing.assert_allclose(
        got["adamic_adar_score"].to_numpy(), one_liner[u, v].A1, rtol=0, atol=1e-12
    )
    np.testing.assert_array_equal(got["common_neighbour_count"].to_numpy(), counts[u, v].A1)
    # and the pairs are exactly the one-liner's entries less the diagonal and the friends
    expected = counts.tolil()
    expected.setdiag(0)
    expected = sp.csr_matrix(expected)
    expected = expected - expected.multiply(a)
    expected.eliminate_zeros()
    assert len(got) == expected.nnz
    assert not got.duplicated(["person_id", "suggested_person_id"]).any()


def test_unknown_engine_is_refused():
    _, a, _ = _graph(1, 50, 3)
    with pytest.raises(ValueError, match="engine"):
        top_k_suggestions(a, engine="gpu")
    with pytest.raises(ValueError, match="engine"):
        candidate_scores(a, engine="gpu")


def _contact_sets(rng, a, c, n_sets: int):
    """Contact-edge sets as scenarios make them: overlapping subsets of one universe.

    The universe holds contact edges and some friendships (a contact who is also a friend),
    so the union graph has entries that are friendships in every graph and contact edges
    in only some.
    """
    fa = sp.triu(a, 1).tocoo()
    fc = sp.triu(c, 1).tocoo()
    pick = rng.random(fa.nnz) < 0.2
    uu = np.r_[fc.row, fa.row[pick]]
    vv = np.r_[fc.col, fa.col[pick]]
    n = a.shape[0]
    sets = [None, edges_to_adjacency([], [], n)]
    for share in np.linspace(0.2, 1.0, n_sets - 2):
        keep = rng.random(uu.size) < share
        sets.append(edges_to_adjacency(uu[keep], vv[keep], n))
    return sets


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("method", ["adamic_adar", "common_neighbours"])
def test_top_k_many_equals_one_graph_at_a_time(seed, method):
    rng, a, c = _graph(seed, 500 + 300 * seed, 4 + 2 * seed)
    sets = _contact_sets(rng, a, c, 7)
    n = a.shape[0]
    members = rng.random(n) < 0.7
    for nodes, cand in [(None, None), (np.flatnonzero(members), members)]:
        for k, per_pass in [(1, 16), (4, 3), (10, 1), (10, 7)]:
            kw = dict(k=k, method=method, nodes=nodes, candidates=cand, contact_edge_weight=0.75)
            many = top_k_suggestions_many(a, sets, graphs_per_pass=per_pass, **kw)
            assert len(many) == len(sets)
            for i, (got, extra) in enumerate(zip(many, sets, strict=True)):
                one = top_k_suggestions(a, extra_edges=extra, **kw)
                assert len(one) > 0
                assert got.dtypes.equals(one.dtypes)
                assert got.equals(one), (seed, method, k, per_pass, i)


def test_top_k_many_counts_common_neighbours_of_the_kept_pairs():
    """Ranked by Adamic-Adar, the counts of the kept pairs are merged from the two rows.

    Path 0-1-2 is in both graphs; paths 0-3-2 and 0-3-4 only in the second (contact
    edges 0-3, 3-2), where 3 is suggested for the direct contact edge alone (weight 1,
    no common neighbour), between 2 (1/ln 2 + 1/ln 3) and 4 (1/ln 3).
    """
    a = edges_to_adjacency([0, 1, 3], [1, 2, 4], 5)
    extra = edges_to_adjacency([0, 3], [3, 2], 5)
    first, second = top_k_suggestions_many(a, [None, extra], k=3, nodes=[0])
    pair = ["suggested_person_id", "common_neighbour_count"]
    assert first[pair].values.tolist() == [[2, 1]]
    assert second[pair].values.tolist() == [[2, 2], [3, 0], [4, 1]]


@pytest.mark.parametrize(
    "kw, match",
    [
        (dict(k=None), "k = None"),
        (dict(k=0), "k = 0"),
        (dict(graphs_per_pass=0), "graphs_per_pass = 0"),
        (dict(graphs_per_pass=31), "graphs_per_pass = 31"),
        (dict(method="jaccard"), "method = 'jaccard'"),
        (dict(contact_edge_weight=-1.0), "contact_edge_weight"),
    ],
)
def test_top_k_many_refuses_bad_parameters(kw, match):
    a = edges_to_adjacency([0, 1], [1, 2], 3)
    with pytest.raises(ValueError, match=match):
        top_k_suggestions_many(a, [None], **kw)


def test_top_k_many_refuses_a_contact_set_of_another_size():
    a = edges_to_adjacency([0, 1], [1, 2], 3)
    with pytest.raises(ValueError, match="extra_edges"):
        top_k_suggestions_many(a, [edges_to_adjacency([0], [1], 4)])


def test_top_k_many_lets_go_of_handed_over_graphs_before_ranking(monkeypatch):
    """Graphs handed over as an iterator are freed once the pass has its union graph."""
    import weakref

    import analysis.effects.kernels as kernels
    from analysis.effects.exposure.suggestions import _handed_over

    rng, a, c = _graph(4, 300, 4)
    sets = _contact_sets(rng, a, c, 5)[2:]  # three real matrices
    want = [top_k_suggestions(a, extra_edges=e, k=3) for e in sets]
    refs = [weakref.ref(e) for e in sets]
    alive_when_ranked, union_alive = [], []
    real = kernels.top_k_many

    def spy(*args):
        alive_when_ranked.append([r() is not None for r in refs])
        present = weakref.ref(args[2])
        ranked = real(*args)
        del args
        first = next(ranked)  # ranked: the union graph is no longer needed
        union_alive.append(present() is not None)
        yield first
        yield from ranked

    monkeypatch.setattr(kernels, "top_k_many", spy)
    got = top_k_suggestions_many(a, _handed_over(sets), k=3)
    assert sets == [] and alive_when_ranked == [[False, False, False]]
    assert union_alive == [False]
    assert all(g.equals(x) for g, x in zip(got, want, strict=True))


@pytest.mark.parametrize("method", ["adamic_adar", "common_neighbours"])
def test_top_k_many_renumbered_walk_gives_the_same_bits(method):
    """Walking the graph renumbered for locality changes no bit of any table.

    Ranked by common neighbours, many candidates tie: they must still be broken by the
    ids as given, not by the walk's ids.
    """
    from analysis.effects.kernels import locality_order, top_k_many
    from analysis.effects.suggest import _union_graph

    rng, a, c = _graph(5, 900, 5)
    sets = _contact_sets(rng, a, c, 4)
    union = _union_graph(a, sets)
    assert not np.array_equal(locality_order(*union[:2]), np.arange(a.shape[0]))
    members = rng.random(a.shape[0]) < 0.8
    rows = np.flatnonzero(members)[::2]
    for k in (1, 10):
        args = (rows, members, k, method == "adamic_adar", 0.5)
        walked = list(top_k_many(*union, *args, renumber=True))
        plain = list(top_k_many(*union, *args, renumber=False))
        assert len(walked) == len(sets)
        for got, want in zip(walked, plain, strict=True):
            assert len(got[0]) > 0
            for x, y in zip(got, want, strict=True):
                assert x.dtype == y.dtype and np.array_equal(x, y), (method, k)


def test_locality_order_narrows_a_shuffled_ring():
    """A ring lattice under shuffled ids: renumbered, every edge joins nearby ids again."""
    from analysis.effects.kernels import locality_order

    n, reach = 2000, 3
    rng = np.random.default_rng(0)
    u = np.repeat(np.arange(n), reach)
    v = (u + np.tile(np.arange(1, reach + 1), n)) % n
    shuffle = rng.permutation(n)
    g = edges_to_adjacency(shuffle[u], shuffle[v], n)
    order = locality_order(g.indptr, g.indices)
    assert np.array_equal(np.sort(order), np.arange(n))
    new_id = np.empty(n, np.int64)
    new_id[order] = np.arange(n)
    rows = np.repeat(np.arange(n), np.diff(g.indptr))
    given = np.abs(rows - g.indices).max()
    walked = np.abs(new_id[rows] - new_id[g.indices]).max()
    assert given > n // 2 and walked <= 4 * reach, (given, walked)
