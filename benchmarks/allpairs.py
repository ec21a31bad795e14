"""All-pairs link scores, one method per process, for side-by-side timing.

Every candidate pair of a seeded clustered random graph (``clustered_random_graph``) is
scored by one of:

* ``once``: ``candidate_scores(g, unique_pairs=True)``: every unordered pair two hops
  apart (not already friends) once, with common neighbours, Adamic-Adar and the
  contact flag, as a DataFrame;
* ``both``: ``candidate_scores(g)``: the same pairs in both directions;
* ``scipy``: the one-liner ``A @ diag(w) @ A`` (``w = 1 / log(degree)``): Adamic-Adar of
  every two-hop pair in both directions, existing friends and the diagonal included,
  as a CSR matrix (no common-neighbour count, no exclusion of friends);
* ``networkx``: ``networkx.adamic_adar_index`` over the same unordered pairs (small
  graphs only);
* ``top10``: ``top_k_suggestions(g, k=10)``, the ranking used by the pipeline.

To compare with an older version of the package, put its tree first on the path, e.g.
``git archive <commit> | tar -x -C build/base`` then ``PYTHONPATH=build/base python ...``
(``both`` and ``top10`` exist there too).

The graph is drawn once and cached in ``build/bench/`` (ignored by git), so each
process loads the same file. Run two methods in turn, A B A B, with any whole-process
timer, e.g. ``/usr/bin/time -v``::

    python benchmarks/allpairs.py once --nodes 100000 --edges 1000000
    python benchmarks/allpairs.py scipy --nodes 100000 --edges 1000000

Each run prints one line: method, pairs, wall and CPU seconds of the scoring step alone
(after the same call on a 3-node graph, so numba's loading of its compiled kernels, about
3 CPU seconds once per process, and scipy's imports are outside the step; whole-process
timers include them).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import scipy.sparse as sp

CACHE = Path(__file__).resolve().parents[1] / "build" / "bench"


def graph(nodes: int, edges: int, reach: int) -> sp.csr_matrix:
    """The seeded benchmark graph, drawn once and cached as ``.npz``."""
    path = CACHE / f"clustered_{nodes}_{edges}_{reach}.npz"
    if not path.exists():
        from analysis.core.io import atomic_path
        from analysis.effects.link_prediction import clustered_random_graph

        CACHE.mkdir(parents=True, exist_ok=True)
        g = clustered_random_graph(nodes, edges, seed=2016, reach=reach)
        with atomic_path(path) as tmp, open(tmp, "wb") as fh:
            sp.save_npz(fh, g)
    return sp.load_npz(path).tocsr()


def main() -> None:
    """Score every pair with the chosen method and print its size and time."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("method", choices=["once", "both", "scipy", "networkx", "top10"])
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--edges", type=int, default=1_000_000)
    parser.add_argument("--reach", type=int, default=50)
    args = parser.parse_args()
    g = graph(args.nodes, args.edges, args.reach)
    from analysis.effects.suggest import adamic_adar_weights, candidate_scores, top_k_suggestions

    # start-up outside the timed step (numba loads its compiled kernels on the first call,
    # scipy its sparse modules): the same calls on a 3-node path
    tiny = sp.csr_matrix(([1.0] * 4, ([0, 1, 1, 2], [1, 0, 2, 1])), shape=(3, 3))
    if args.method in ("once", "both", "networkx"):
        candidate_scores(tiny, unique_pairs=args.method != "both")
    elif args.method == "top10":
        top_k_suggestions(tiny, k=10)
    else:
        tiny @ sp.diags(adamic_adar_weights(tiny)) @ tiny
    start, cpu = time.perf_counter(), time.process_time()
    if args.method == "top10":
        pairs = len(top_k_suggestions(g, k=10))
    elif args.method == "scipy":
        scores = g @ sp.diags(adamic_adar_weights(g)) @ g
        pairs = scores.nnz
    elif args.method == "networkx":
        import networkx as nx

        pairs_frame = candidate_scores(g, unique_pairs=True)
        todo = list(
            zip(
                pairs_frame.person_id.tolist(),
                pairs_frame.suggested_person_id.tolist(),
                strict=True,
            )
        )
        G = nx.from_scipy_sparse_array(g)
        start, cpu = time.perf_counter(), time.process_time()
        pairs = sum(1 for _ in nx.adamic_adar_index(G, todo))
    elif args.method == "once":
        pairs = len(candidate_scores(g, unique_pairs=True))
    else:
        pairs = len(candidate_scores(g))
    print(
        f"{args.method} pairs={pairs} seconds={time.perf_counter() - start:.3f} "
        f"cpu={time.process_time() - cpu:.3f}"
    )


if __name__ == "__main__":
    main()
