"""Rank every scenario's friend suggestions: all distinct graphs in one pass, or one by one.

The suggestions stage of ``python -m analysis run`` ranks Facebook's own suggestions and
one top-10 per distinct visible contact-edge set (8 graphs for the built-in scenarios).
This script times that ranking alone, on the real graphs of a seeded world, two ways:

* ``--engine many``: :func:`analysis.effects.suggest.top_k_suggestions_many` (one pass
  over the union of the graphs; what the pipeline does);
* ``--engine one``: :func:`analysis.effects.suggest.top_k_suggestions` once per graph
  (what the pipeline did before, and what a user of the one-graph function would write).

The graphs are built once per world size into ``build/bench/rank_<N>/`` (the world with
its address books, then each scenario's contact edges), so the timed processes only load
and rank them. Run the two side by side, in turn, as whole processes, e.g.::

    python benchmarks/rank_scenarios.py --n-people 300000 --prepare
    python benchmarks/rank_scenarios.py --n-people 300000 --engine many
    python benchmarks/rank_scenarios.py --n-people 300000 --engine one
    python benchmarks/rank_scenarios.py --n-people 300000 --no-renumber

Each run prints one JSON line: the ranking's wall and CPU seconds (all threads), the
graphs ranked, and a SHA-256 of the tables (equal for both engines).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time

import numpy as np
import scipy.sparse as sp

from analysis.core.paths import BUILD_DIR


def _folder(n_people: int):
    return BUILD_DIR / "bench" / f"rank_{n_people}"


def prepare(n_people: int) -> None:
    """Build the world and save the Facebook graph and each distinct contact-edge set."""
    from analysis.effects.exposure.contacts import _edge_matrix, contact_edges
    from analysis.effects.exposure.suggestions import SharedProducts, _edge_key
    from analysis.policy.scenarios import builtin_scenarios
    from analysis.world import SocialParams, WorldParams, build_social_world, generate_population

    people = generate_population(WorldParams(n_people=n_people, seed=0))
    world = build_social_world(people, SocialParams(seed=0))
    shared = SharedProducts(world)
    n = len(world.people)
    mats, keys = [], set()
    for scenario in builtin_scenarios().values():
        edges = contact_edges(world, scenario, seed=0, universe=shared.universe)
        if not mats:
            mats.append(_edge_matrix(edges, edges["is_baseline"].to_numpy(), n))
        key = _edge_key(edges)
        if key not in keys and edges["is_whatsapp_caused"].any():
            keys.add(key)
            mats.append(_edge_matrix(edges, np.ones(len(edges), bool), n))
    out = _folder(n_people)
    out.mkdir(parents=True, exist_ok=True)
    sp.save_npz(out / "friends.npz", shared.friends)
    for i, m in enumerate(mats):
        sp.save_npz(out / f"contacts_{i}.npz", m)
    np.save(out / "members.npy", world.people["is_facebook_user"].to_numpy(bool))


def rank(
    n_people: int, engine: str, graphs_per_pass: int | None = None, renumber: bool = True
) -> dict:
    """Load the saved graphs and rank them with ``engine``; time the ranking only.

    ``renumber=False``: the one-pass engine walks the graph in the ids as given, not
    renumbered for locality (:func:`analysis.effects.kernels.locality_order`).
    """
    import functools

    import analysis.effects.kernels as kernels
    from analysis.effects.suggest import top_k_suggestions, top_k_suggestions_many

    if not renumber:
        kernels.top_k_many = functools.partial(kernels.top_k_many, renumber=False)

    folder = _folder(n_people)
    friends = sp.load_npz(folder / "friends.npz").tocsr()
    contacts = [
        sp.load_npz(p).tocsr()
        for p in sorted(folder.glob("contacts_*.npz"), key=lambda p: int(p.stem.split("_")[1]))
    ]
    members = np.load(folder / "members.npy")
    run = dict(k=10, nodes=np.flatnonzero(members), candidates=members)
    top_k_suggestions_many(friends[:200, :200], [c[:200, :200] for c in contacts[:2]], k=10)
    top_k_suggestions(friends[:200, :200], extra_edges=contacts[0][:200, :200], k=10)  # compile
    wall, cpu = time.perf_counter(), time.process_time()
    if engine == "many":
        per_pass = {} if graphs_per_pass is None else {"graphs_per_pass": graphs_per_pass}
        tables = top_k_suggestions_many(friends, contacts, **run, **per_pass)
    else:
        tables = [top_k_suggestions(friends, extra_edges=c, **run) for c in contacts]
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    digest = hashlib.sha256()
    for t in tables:
        for col in t.columns:
            digest.update(np.ascontiguousarray(t[col].to_numpy()).tobytes())
    return {
        "n_people": n_people,
        "engine": engine,
        "graphs": len(contacts),
        "graphs_per_pass": graphs_per_pass,
        "renumber": renumber,
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "sha256": digest.hexdigest()[:16],
    }


def main() -> None:
    """Parse the command line; prepare the graphs or rank them."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n-people", type=int, required=True)
    ap.add_argument("--engine", choices=["many", "one"], default="many")
    ap.add_argument("--prepare", action="store_true", help="build and save the graphs only")
    ap.add_argument("--graphs-per-pass", type=int, help="for --engine many (default: its own)")
    ap.add_argument(
        "--no-renumber", action="store_true", help="for --engine many: walk the ids as given"
    )
    args = ap.parse_args()
    if args.prepare:
        prepare(args.n_people)
    else:
        print(
            json.dumps(rank(args.n_people, args.engine, args.graphs_per_pass, not args.no_renumber))
        )


if __name__ == "__main__":
    main()
