"""Real edge lists as input: the loader's checks and a world built on given edges."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from analysis.world import (
    TIES,
    EdgeListError,
    SocialParams,
    WorldParams,
    attach_people,
    build_social_world_from_edges,
    load_edge_list,
)
from analysis.world.ordering import reverse_cuthill_mckee_order

DATA = Path(__file__).parent / "data" / "edgelists"


def test_good_file_loads_in_order():
    edges = load_edge_list(DATA / "good.txt")
    assert list(edges.columns) == ["node_a", "node_b"]
    assert edges["node_a"].dtype == np.int64
    assert len(edges) == 15
    assert edges.iloc[0].tolist() == [0, 1] and edges.iloc[-1].tolist() == [4, 10]


@pytest.mark.parametrize(
    ("name", "line", "words"),
    [
        ("bad_three_columns.txt", 4, "found 3 field(s) in '3 4 7'"),
        ("bad_self_loop.txt", 3, "self-loop '2' -> '2'"),
        (
            "bad_reversed_duplicate.txt",
            5,
            "duplicate edge '2 1' (the same pair, reversed, as line 2",
        ),
        ("bad_empty.txt", None, "no edges"),
        ("bad_only_comments.txt", None, "no edges"),
    ],
)
def test_bad_files_raise_specific_errors(name, line, words):
    with pytest.raises(EdgeListError) as info:
        load_edge_list(DATA / name)
    err = info.value
    assert err.line == line
    assert words in str(err)
    assert name in str(err)
    if line is not None:
        assert f"line {line}:" in str(err)


def write(tmp_path, text, name="g.txt"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def test_same_direction_duplicate_names_both_lines(tmp_path):
    path = write(tmp_path, "# c\n1 2\n\n3 4\n1 2\n")
    with pytest.raises(
        EdgeListError, match=r"line 5: duplicate edge '1 2' \(the same pair as line 2"
    ):
        load_edge_list(path)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("1 2\n3 3\n4\n", "line 2: self-loop"),
        ("1 2\n4\n3 3\n", "line 2: expected two node labels"),
        ("1 2\n2 1\n3 3\n", "line 2: duplicate edge"),
    ],
)
def test_first_problem_in_file_order_is_reported(tmp_path, text, match):
    with pytest.raises(EdgeListError, match=match):
        load_edge_list(write(tmp_path, text))


def test_one_column_line_and_missing_file_and_binary(tmp_path):
    with pytest.raises(EdgeListError, match=r"line 2: .*found 1 field"):
        load_edge_list(write(tmp_path, "1 2\n7\n"))
    with pytest.raises(EdgeListError, match="file not found"):
        load_edge_list(tmp_path / "nope.txt")
    with pytest.raises(EdgeListError, match="line 2: not UTF-8"):
        load_edge_list(write(tmp_path, b"1 2\n\xff\xfe 3\n", "bin.txt"))


def test_tabs_spaces_and_string_labels(tmp_path):
    edges = load_edge_list(write(tmp_path, "alice\tbob\n  bob   carol  \n# x\ncarol alice\n"))
    assert isinstance(edges["node_a"].dtype, pd.StringDtype)
    assert edges.values.tolist() == [["alice", "bob"], ["bob", "carol"], ["carol", "alice"]]


def test_nothing_half_loaded_on_error(tmp_path):
    path = write(tmp_path, "1 2\n2 3\n3 1\n2 1\n")
    result = None
    with pytest.raises(EdgeListError):
        result = load_edge_list(path)
    assert result is None


def test_world_on_real_edges_keeps_exactly_those_edges():
    edges = load_edge_list(DATA / "good.txt")
    world = build_social_world_from_edges(edges, SocialParams(seed=4), WorldParams(seed=4))
    assert world.n_people == 12
    assert list(world.ties.columns) == TIES.columns
    labels = world.node_labels
    a = labels.loc[world.ties["person_a_id"]].to_numpy()
    b = labels.loc[world.ties["person_b_id"]].to_numpy()
    got = {frozenset(p) for p in zip(a.tolist(), b.tolist(), strict=True)}
    want = {frozenset(p) for p in edges.itertuples(index=False)}
    assert got == want
    fb = world.people["is_facebook_user"].to_numpy()
    friends = world.ties[world.ties["is_facebook_friend"]]
    assert fb[friends["person_a_id"]].all() and fb[friends["person_b_id"]].all()
    assert len(world.address_book) > 0
    assert world.person_attrs["tie_count"].sum() == 2 * len(edges)


def test_path_input_and_determinism():
    one = build_social_world_from_edges(DATA / "good.txt", SocialParams(seed=9))
    two = build_social_world_from_edges(DATA / "good.txt", SocialParams(seed=9))
    pd.testing.assert_frame_equal(one.ties, two.ties)
    pd.testing.assert_series_equal(one.node_labels, two.node_labels)
    pd.testing.assert_frame_equal(one.address_book, two.address_book)


def test_bigger_real_like_graph_gets_sensitive_kinds(tmp_path):
    # a ring of cliques (a caveman graph) written as an edge list with big labels
    rng = np.random.default_rng(0)
    cliques = [np.arange(k * 20, k * 20 + 20) for k in range(40)]
    pairs = {(int(i), int(j)) for c in cliques for i in c for j in c if i < j}
    pairs |= {(int(c[0]), int(cliques[(k + 1) % 40][1])) for k, c in enumerate(cliques)}
    lines = [f"{1000 + i} {1000 + j}" for i, j in sorted(pairs)]
    rng.shuffle(lines)
    path = write(tmp_path, "# caveman\n" + "\n".join(lines) + "\n")
    world = build_social_world_from_edges(path, SocialParams(seed=2), address_books=False)
    kinds = set(world.ties["tie_kind"].astype(str))
    assert {"family", "friend", "work"} <= kinds
    assert len(world.ties) == len(pairs)
    # locality: most cliques map onto a single country
    country = world.people["country_code"].astype(str).to_numpy()
    a, b = world.ties["person_a_id"].to_numpy(), world.ties["person_b_id"].to_numpy()
    assert np.mean(country[a] == country[b]) > 0.8


def test_attach_people_checks_sizes(small_people):
    edges = load_edge_list(DATA / "good.txt")
    with pytest.raises(ValueError, match="12 nodes"):
        attach_people(edges, small_people)


_SEATING = """
import hashlib, networkx as nx, numpy as np, pandas as pd, scipy.sparse as sp
from analysis.world.edgelist import attach_people
from analysis.world.ordering import reverse_cuthill_mckee_order
from analysis.world.params import WorldParams
from analysis.world.population import generate_population
g = nx.powerlaw_cluster_graph(2000, 20, 0.3, seed=2016)
a = sp.csr_matrix(nx.to_scipy_sparse_array(g, format="csr", dtype=np.int8))
edges = pd.DataFrame(list(g.edges()), columns=["node_a", "node_b"])
seats = attach_people(edges, generate_population(WorldParams(n_people=2000, seed=1)))
order = reverse_cuthill_mckee_order(a)
print(hashlib.sha256(order.tobytes() + seats.to_numpy().tobytes()).hexdigest())
ties = np.random.default_rng(0).integers(0, 50, 3000).astype(np.int32)
print(hashlib.sha256(np.argsort(ties).tobytes()).hexdigest())  # NumPy's own tie order
"""


def test_seating_people_on_nodes_does_not_depend_on_the_cpu():
    """NumPy's unstable argsort orders ties differently with AVX2 and AVX-512.

    SciPy's reverse Cuthill-McKee used it, so one edge list seated people differently
    on different machines; the project's own order must not. The same code runs with
    NumPy limited to baseline SSE4.2, to AVX2, and with every feature of this CPU.
    """
    import os
    import subprocess
    import sys

    limits = [
        "SSE SSE2 SSE3 SSSE3 SSE41 POPCNT SSE42 X86_V2",
        "SSE SSE2 SSE3 SSSE3 SSE41 POPCNT SSE42 X86_V2 AVX F16C FMA3 AVX2 X86_V3",
        None,
    ]
    digests = []
    for limit in limits:
        env = dict(os.environ)
        env.pop("NPY_ENABLE_CPU_FEATURES", None)
        if limit:
            env["NPY_ENABLE_CPU_FEATURES"] = limit
        out = subprocess.run(
            [sys.executable, "-c", _SEATING], env=env, capture_output=True, text=True, check=True
        )
        digests.append(out.stdout.split())
    seating = [d[0] for d in digests]
    numpy_ties = {d[1] for d in digests}
    # the limits took effect: NumPy's unstable argsort itself orders ties differently
    # (its baseline sort and its AVX2 sort differ on every x86-64 CPU with AVX2)
    assert len(numpy_ties) > 1
    assert len(seating[0]) == 64
    assert seating[0] == seating[1] == seating[2]


def test_reverse_cuthill_mckee_order_is_a_permutation_covering_every_component():
    graph = sp.csr_matrix(
        (np.ones(4), ([0, 1, 3, 4], [1, 0, 4, 3])), shape=(6, 6)
    )  # components {0, 1}, {2}, {3, 4}, {5}
    order = reverse_cuthill_mckee_order(graph)
    assert sorted(order.tolist()) == list(range(6))
    # components start from their lowest (degree, number): 2 and 5 (degree 0), then 0
    # (with 1), then 3 (with 4): Cuthill-McKee 2, 5, 0, 1, 3, 4, reversed
    assert order.tolist() == [4, 3, 1, 0, 5, 2]
