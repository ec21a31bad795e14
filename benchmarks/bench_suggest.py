"""Benchmarks for analysis.effects.suggest (run by ``make bench``, not by the test suite).

* Same candidate pairs, two engines: the block sparse products of
  ``top_k_suggestions`` against ``networkx.adamic_adar_index``: identical scores
  (float tolerance) and the speed-up (target >= 50x).
* Top-10 suggestions for every node of a seeded clustered random graph with
  100k nodes and 1M edges (target < 30 s, peak memory < 1 GB), and 1M nodes / 10M
  edges (measured and recorded). Each large run is a fresh subprocess so that its
  peak resident memory (``ru_maxrss``) is its own.

The machine is shared (2 cores); numbers are single-threaded wall-clock times.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import networkx as nx
import numpy as np
import pytest

from analysis.effects.link_prediction import clustered_random_graph
from analysis.effects.suggest import candidate_scores, top_k_suggestions

_CHILD = r"""
import json, resource, sys, time
from analysis.effects.suggest import candidate_scores, top_k_suggestions
from analysis.effects.link_prediction import clustered_random_graph
n, m = int(sys.argv[1]), int(sys.argv[2])
g = clustered_random_graph(n, m, seed=2016)
t = time.perf_counter()
top = top_k_suggestions(g, k=10)
elapsed = time.perf_counter() - t
print(json.dumps({"nodes": n, "edges": int(g.nnz // 2), "seconds": round(elapsed, 2),
                  "rows": len(top),
                  "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))
"""


def _measure(n: int, m: int) -> dict:
    env = dict(os.environ, OMP_NUM_THREADS="2", OPENBLAS_NUM_THREADS="2", MKL_NUM_THREADS="2")
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(n), str(m)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _best_of(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


@pytest.mark.parametrize(
    ("n", "m", "reach", "target"),
    # average degree 20 (recorded) and 40 (asserted; Facebook's median degree is ~100,
    # Ugander et al. 2011, and NetworkX's per-pair cost grows with degree while ours does not)
    [(3_000, 30_000, 20, None), (5_000, 100_000, 40, 50)],
)
def test_same_scores_as_networkx_and_speedup(n, m, reach, target):
    g = clustered_random_graph(n, m, seed=2016, reach=reach)
    top = candidate_scores(g)  # every candidate pair, scored (warm-up run)
    ours = _best_of(lambda: candidate_scores(g))
    ours_top10 = _best_of(lambda: top_k_suggestions(g, k=10))
    G = nx.from_scipy_sparse_array(g)
    pairs = list(zip(top.person_id.tolist(), top.suggested_person_id.tolist(), strict=True))
    t0 = time.perf_counter()
    ref = np.fromiter((s for _, _, s in nx.adamic_adar_index(G, pairs)), float, len(pairs))
    theirs = time.perf_counter() - t0
    diff = float(np.abs(ref - top.adamic_adar_score.to_numpy()).max())
    print(
        f"\n[networkx n={n:,} m={m:,}] pairs={len(pairs):,} max|diff|={diff:.2e} "
        f"ours_all={ours:.3f}s "
        f"ours_top10={ours_top10:.3f}s networkx={theirs:.2f}s speedup_all={theirs / ours:.0f}x "
        f"speedup_top10={theirs / ours_top10:.0f}x"
    )
    np.testing.assert_allclose(top.adamic_adar_score.to_numpy(), ref, rtol=1e-12, atol=1e-12)
    if target:
        assert theirs / ours >= target


def test_100k_nodes_1m_edges_under_30s_and_1gb():
    r = _measure(100_000, 1_000_000)
    print(f"\n[100k] {r}")
    assert r["edges"] == 1_000_000 and r["rows"] == 1_000_000
    assert r["seconds"] < 30
    assert r["peak_rss_mb"] < 1024


def test_1m_nodes_recorded():
    r = _measure(1_000_000, 10_000_000)
    print(f"\n[1M] {r}")
    assert r["rows"] == 10_000_000
