"""Tests for analysis.effects.suggest: scores equal NetworkX, top-k and tie-break, evaluation."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from analysis.core import ParameterError
from analysis.effects.link_prediction import (
    auc_score,
    clustered_random_graph,
    evaluate_link_prediction,
    sample_non_edges,
    split_edges,
)
from analysis.effects.suggest import (
    RANK_DECIMALS,
    SuggestParams,
    as_adjacency,
    candidate_scores,
    edges_to_adjacency,
    pair_scores,
    top_k_suggestions,
)


def _graphs():
    yield clustered_random_graph(120, 500, seed=1)
    yield sp.csr_matrix(nx.to_scipy_sparse_array(nx.karate_club_graph(), weight=None))
    yield sp.csr_matrix(nx.to_scipy_sparse_array(nx.barabasi_albert_graph(150, 3, seed=4)))


def _two_hop_non_edges(G):
    pairs = set()
    for u in G:
        reach = set()
        for w in G[u]:
            reach |= set(G[w])
        reach -= set(G[u])
        reach.discard(u)
        pairs |= {(u, v) for v in reach}
    return pairs


@pytest.mark.parametrize("graph", list(_graphs()))
def test_scores_equal_networkx(graph):
    G = nx.from_scipy_sparse_array(graph)
    top = top_k_suggestions(graph, k=None)
    got = set(zip(top.person_id.tolist(), top.suggested_person_id.tolist(), strict=True))
    assert got == _two_hop_non_edges(G)  # every candidate, nothing else
    pairs = list(zip(top.person_id.tolist(), top.suggested_person_id.tolist(), strict=True))
    cn = np.array([len(list(nx.common_neighbors(G, u, v))) for u, v in pairs])
    aa = np.array([s for _, _, s in nx.adamic_adar_index(G, pairs)])
    np.testing.assert_array_equal(top.common_neighbour_count.to_numpy(), cn)
    np.testing.assert_allclose(top.adamic_adar_score.to_numpy(), aa, rtol=1e-12, atol=1e-12)
    ps = pair_scores(graph, top.person_id, top.suggested_person_id)
    np.testing.assert_array_equal(ps.common_neighbour_count.to_numpy(), cn)
    np.testing.assert_allclose(ps.adamic_adar_score.to_numpy(), aa, rtol=1e-12)


@pytest.mark.parametrize("method", ["adamic_adar", "common_neighbours"])
@pytest.mark.parametrize("k", [1, 3, 10])
def test_top_k_is_the_sorted_prefix_with_deterministic_ties(method, k):
    g = clustered_random_graph(200, 900, seed=7)
    full = top_k_suggestions(g, k=None, method=method)
    top = top_k_suggestions(g, k=k, method=method, block_paths=1_000)  # many small blocks
    expect = (
        full.assign(key=full["score"].round(RANK_DECIMALS))
        .sort_values(["person_id", "key", "suggested_person_id"], ascending=[True, False, True])
        .drop(columns="key")
        .groupby("person_id")
        .head(k)
        .reset_index(drop=True)
    )
    pd.testing.assert_frame_equal(
        top.drop(columns="rank").reset_index(drop=True),
        expect.drop(columns="rank"),
        check_dtype=False,
    )
    assert top.groupby("person_id").size().max() <= k
    assert (
        top.groupby("person_id")["rank"].apply(lambda r: list(r) == list(range(1, len(r) + 1)))
    ).all()


def test_ties_broken_by_lower_node_id():
    # star: node 0 is everyone's only friend, so all candidates of a leaf tie
    n = 8
    g = edges_to_adjacency(np.zeros(n - 1, int), np.arange(1, n), n)
    top = top_k_suggestions(g, k=3, method="common_neighbours")
    assert top[top.person_id == 5].suggested_person_id.tolist() == [1, 2, 3]
    assert top[top.person_id == 1].suggested_person_id.tolist() == [2, 3, 4]
    assert 0 not in set(top.person_id)  # the hub is friends with everyone


def _equal_sums_graph() -> sp.csr_matrix:
    """Two rows whose best two candidates have mathematically equal Adamic-Adar scores.

    Node 0 reaches 7 through friends 4, 5, 6 (degrees 4, 3, 2) and 8 through friends 1, 2, 3
    (degrees 2, 3, 4): both scores are 1/log 2 + 1/log 3 + 1/log 4, summed in opposite
    orders (9-11 only give the friends their degrees). Node 12 reaches 16 through one
    friend of degree 2 and 17 through two of degree 4: 1/log 2 = 2/log 4 (18-21 are
    fillers).
    """
    edges = [(0, w) for w in range(1, 7)] + [(4, 7), (5, 7), (6, 7), (1, 8), (2, 8), (3, 8)]
    edges += [(2, 9), (3, 9), (3, 10), (4, 10), (4, 11), (5, 11)]
    edges += [(12, 13), (12, 14), (12, 15), (15, 16), (13, 17), (14, 17)]
    edges += [(13, 18), (13, 19), (14, 20), (14, 21)]
    a, b = np.array(edges).T
    return edges_to_adjacency(a, b, 22)


@pytest.mark.parametrize("k", [1, 2, 10])
def test_mathematically_equal_scores_tie_and_go_to_the_lower_id(k):
    g = _equal_sums_graph()
    G = nx.from_scipy_sparse_array(g)
    full = top_k_suggestions(g, k=None)
    pairs = list(zip(full.person_id.tolist(), full.suggested_person_id.tolist(), strict=True))
    aa = np.array([s for _, _, s in nx.adamic_adar_index(G, pairs)])
    np.testing.assert_allclose(full.adamic_adar_score.to_numpy(), aa, rtol=1e-12, atol=1e-12)
    got = full.set_index(["person_id", "suggested_person_id"])["adamic_adar_score"]
    # the two sums differ in their last bits, so ranking the raw floats would order them
    # by summation order; the documented rule ties them and puts the lower id first
    assert got[(0, 7)] != got[(0, 8)] and got[(0, 7)] == pytest.approx(got[(0, 8)], abs=1e-14)
    assert got[(12, 16)] == pytest.approx(got[(12, 17)], abs=1e-14)
    # the reference: NetworkX scores, rounded to RANK_DECIMALS, ties to the lower id
    ref = pd.DataFrame(pairs, columns=["person_id", "suggested_person_id"]).assign(
        key=np.round(aa, RANK_DECIMALS)
    )
    ref = (
        ref.sort_values(["person_id", "key", "suggested_person_id"], ascending=[True, False, True])
        .groupby("person_id")
        .head(k)
    )
    top = top_k_suggestions(g, k=k)
    assert list(zip(top.person_id, top.suggested_person_id, strict=True)) == list(
        zip(ref.person_id, ref.suggested_person_id, strict=True)
    )
    first = top.groupby("person_id")["suggested_person_id"].first()
    assert first[0] == 7 and first[12] == 16  # the lower id wins each tie


def test_never_self_or_existing_friend():
    g = clustered_random_graph(300, 1500, seed=2)
    extra = clustered_random_graph(300, 300, seed=9)
    top = top_k_suggestions(g, k=10, extra_edges=extra)
    u, v = top.person_id.to_numpy(), top.suggested_person_id.to_numpy()
    assert (u != v).all()
    assert np.asarray(g[u, v]).ravel().sum() == 0


def test_extra_edges_are_a_separate_signal():
    # 0-1 friends, 1-2 friends; contact edges 0-3 (direct) and 3-4 (path 0-3-4)
    g = edges_to_adjacency([0, 1], [1, 2], 5)
    extra = edges_to_adjacency([0, 3], [3, 4], 5)
    base = top_k_suggestions(g, k=None)
    assert set(base[base.person_id == 0].suggested_person_id) == {2}
    with_c = top_k_suggestions(g, k=None, extra_edges=extra, contact_edge_weight=2.5)
    row = with_c[(with_c.person_id == 0) & (with_c.suggested_person_id == 3)].iloc[0]
    assert bool(row.is_contact_edge) and row.common_neighbour_count == 0
    assert row.score == pytest.approx(2.5)
    assert set(with_c[with_c.person_id == 0].suggested_person_id) == {2, 3, 4}
    # a friend who is also a contact is still not suggested
    both = top_k_suggestions(g, k=None, extra_edges=edges_to_adjacency([0], [1], 5))
    assert not ((both.person_id == 0) & (both.suggested_person_id == 1)).any()


def test_nodes_subset_and_determinism():
    g = clustered_random_graph(400, 2000, seed=5)
    a = top_k_suggestions(g, k=5)
    b = top_k_suggestions(g, k=5, nodes=np.arange(100, 200))
    pd.testing.assert_frame_equal(
        a[a.person_id.between(100, 199)].reset_index(drop=True), b.reset_index(drop=True)
    )
    pd.testing.assert_frame_equal(a, top_k_suggestions(g, k=5))
    assert clustered_random_graph(400, 2000, seed=5).nnz == g.nnz
    assert (clustered_random_graph(400, 2000, seed=5) != g).nnz == 0
    assert (clustered_random_graph(400, 2000, seed=6) != g).nnz > 0


def test_bad_input_is_named():
    g = clustered_random_graph(50, 100, seed=1)
    with pytest.raises(ValueError, match="method"):
        top_k_suggestions(g, method="jaccard")
    with pytest.raises(ValueError, match="k = 0"):
        top_k_suggestions(g, k=0)
    with pytest.raises(TypeError, match=r"scipy\.sparse"):
        top_k_suggestions(np.eye(3))
    with pytest.raises(ValueError, match="square"):
        top_k_suggestions(sp.csr_matrix((3, 4)))
    with pytest.raises(ValueError, match="extra_edges"):
        top_k_suggestions(g, extra_edges=sp.csr_matrix((3, 3)))
    with pytest.raises(ParameterError, match="k = 0"):
        SuggestParams(k=0)


def test_split_and_negatives():
    g = clustered_random_graph(500, 3000, seed=1)
    train, test = split_edges(g, test_share=0.2, seed=3)
    assert train.nnz // 2 + len(test) == 3000
    assert 0.15 < len(test) / 3000 < 0.25
    assert np.asarray(train[test[:, 0], test[:, 1]]).ravel().sum() == 0
    neg = sample_non_edges(g, 2000, seed=3)
    assert len({tuple(p) for p in neg}) == 2000
    assert np.asarray(g[neg[:, 0], neg[:, 1]]).ravel().sum() == 0
    assert (neg[:, 0] < neg[:, 1]).all()
    t2 = split_edges(g, test_share=0.2, seed=3)[1]
    np.testing.assert_array_equal(test, t2)


def test_auc_matches_pairwise_definition():
    rng = np.random.default_rng(0)
    pos, neg = rng.integers(0, 5, 40).astype(float), rng.integers(0, 5, 60).astype(float)
    brute = ((pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])).mean()
    assert auc_score(pos, neg) == pytest.approx(brute)


def test_link_prediction_beats_chance_on_clustered_graph_and_not_on_random():
    clustered = evaluate_link_prediction(
        clustered_random_graph(2000, 10000, seed=1, reach=8), seed=1, negative_pairs=5000
    )
    assert set(clustered.method) == {"common_neighbours", "adamic_adar"}
    assert (clustered.auc > 0.8).all() and (clustered.precision_at_k > 0.05).all()
    er = nx.gnm_random_graph(2000, 10000, seed=1)
    random = evaluate_link_prediction(
        sp.csr_matrix(nx.to_scipy_sparse_array(er)), seed=1, negative_pairs=5000
    )
    assert (random.auc < 0.6).all()
    again = evaluate_link_prediction(
        clustered_random_graph(2000, 10000, seed=1, reach=8), seed=1, negative_pairs=5000
    )
    pd.testing.assert_frame_equal(clustered, again)


def test_candidates_mask_restricts_suggestions_not_paths():
    g = clustered_random_graph(300, 1500, seed=4)
    mask = np.arange(300) % 3 != 0
    full = top_k_suggestions(g, k=None)
    some = top_k_suggestions(g, k=None, candidates=mask)
    expect = full[mask[full.suggested_person_id.to_numpy()]]
    key = ["person_id", "suggested_person_id"]
    pd.testing.assert_frame_equal(
        some.sort_values(key).reset_index(drop=True)[[*key, "adamic_adar_score"]],
        expect.sort_values(key).reset_index(drop=True)[[*key, "adamic_adar_score"]],
    )
    top = top_k_suggestions(g, k=5, candidates=mask)
    assert mask[top.suggested_person_id.to_numpy()].all()
    with pytest.raises(ValueError, match="candidates"):
        top_k_suggestions(g, candidates=mask[:10])


def test_works_on_a_plain_edge_list_file(tmp_path):
    from analysis.effects.suggest import frame_to_adjacency
    from analysis.world import load_edge_list

    G = nx.karate_club_graph()
    path = tmp_path / "karate.txt"
    path.write_text("# karate\n" + "".join(f"n{u} n{v}\n" for u, v in G.edges()))
    adj, labels = frame_to_adjacency(load_edge_list(path))
    assert adj.shape == (34, 34) and adj.nnz == 2 * G.number_of_edges()
    q = evaluate_link_prediction(adj, seed=1, negative_pairs=200, k=3)
    assert q.auc.between(0, 1).all() and q.precision_at_k.between(0, 1).all()
    top = top_k_suggestions(adj, k=None)
    H = nx.relabel_nodes(G, {i: f"n{i}" for i in G})
    pairs = list(zip(labels[top.person_id], labels[top.suggested_person_id], strict=True))
    ref = [s for _, _, s in nx.adamic_adar_index(H, pairs)]
    np.testing.assert_allclose(top.adamic_adar_score.to_numpy(), ref, rtol=1e-12)
    with pytest.raises(ValueError, match="no column"):
        frame_to_adjacency(pd.DataFrame({"a": [1]}))


@pytest.mark.parametrize("graph", list(_graphs()))
def test_candidate_scores_equal_networkx_over_every_non_edge(graph):
    G = nx.from_scipy_sparse_array(graph)
    once = candidate_scores(graph, unique_pairs=True, block_paths=500)  # many small blocks
    u, v = once.person_id.to_numpy(), once.suggested_person_id.to_numpy()
    assert (u < v).all()
    ref = {(a, b): s for a, b, s in nx.adamic_adar_index(G) if s > 0}  # every non-edge
    assert set(zip(u.tolist(), v.tolist(), strict=True)) == set(ref)
    np.testing.assert_allclose(
        once.adamic_adar_score.to_numpy(),
        [ref[p] for p in zip(u.tolist(), v.tolist(), strict=True)],
        rtol=1e-12,
        atol=1e-12,
    )
    cn = [len(list(nx.common_neighbors(G, a, b))) for a, b in zip(u, v, strict=True)]
    np.testing.assert_array_equal(once.common_neighbour_count.to_numpy(), cn)
    both = candidate_scores(graph)
    assert len(both) == 2 * len(once)


def test_candidate_scores_match_the_ranking_engine_with_contacts_and_masks():
    g = clustered_random_graph(300, 1500, seed=3)
    extra = clustered_random_graph(300, 400, seed=8)
    mask = np.arange(300) % 4 != 0
    key = ["person_id", "suggested_person_id"]
    cols = [*key, "common_neighbour_count", "adamic_adar_score", "is_contact_edge"]
    for kwargs in ({}, {"extra_edges": extra}, {"candidates": mask}, {"nodes": [5, 9, 250]}):
        ours = candidate_scores(g, block_paths=700, **kwargs)
        assert ours.person_id.is_monotonic_increasing
        assert ours.person_id.dtype == np.int32 and ours.suggested_person_id.dtype == np.int32
        ranked = top_k_suggestions(g, k=None, **kwargs)
        pd.testing.assert_frame_equal(
            ours.sort_values(key).reset_index(drop=True)[cols],
            ranked.sort_values(key).reset_index(drop=True)[cols],
            check_dtype=False,
        )
    with_contacts = candidate_scores(g, extra_edges=extra, unique_pairs=True)
    assert with_contacts.is_contact_edge.any()
    with pytest.raises(ValueError, match="unique_pairs"):
        candidate_scores(g, nodes=[1], unique_pairs=True)


def test_as_adjacency_symmetrises_and_drops_the_diagonal():
    m = sp.csr_matrix(([1.0, 1.0, 5.0, 1.0], ([0, 1, 2, 0], [1, 2, 2, 1])), shape=(3, 3))
    a = as_adjacency(m)
    assert a.toarray().tolist() == [[0, 1, 0], [1, 0, 1], [0, 1, 0]]
    assert a.has_sorted_indices and a.dtype == np.float64
    again = as_adjacency(a)  # already symmetric: same pattern, a copy
    assert (again != a).nnz == 0 and again is not a
