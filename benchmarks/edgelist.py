"""Load a large edge list with the integer fast path or the text path (one process each).

The text path is the loader before issue 15 (labels read as strings, then checked and
converted): ``analysis.world.edgelist._parse_fast`` on the file's text, kept as the
general path for files whose labels are not all canonical integers. The file (SNAP
style: two ``#`` lines, tab-separated integer pairs, no duplicates) is drawn once with a
seed and cached in ``build/bench/``; ``--gzip`` reads a gzip'd copy.

Run two commands side by side in turn with any whole-process timer, e.g.::

    /usr/bin/time -v python benchmarks/edgelist.py --loader fast --edges 1000000
    /usr/bin/time -v python benchmarks/edgelist.py --loader text --edges 1000000
"""

from __future__ import annotations

import argparse
import gzip
import time
from pathlib import Path

import numpy as np

from analysis.core.paths import BUILD_DIR


def edge_file(edges: int, nodes: int, *, compressed: bool = False, seed: int = 0) -> Path:
    """Write (once) a duplicate-free random edge list of ``edges`` edges and return its path."""
    folder = BUILD_DIR / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"edges-{edges}-{nodes}-s{seed}.txt"
    if not path.exists():
        rng = np.random.default_rng(seed)
        a, b = rng.integers(0, nodes, size=(2, int(edges * 1.3)))
        key = np.unique(np.minimum(a, b)[a != b] * nodes + np.maximum(a, b)[a != b])
        key = rng.permutation(key)[:edges]
        body = "\n".join(
            f"{x}\t{y}"
            for x, y in zip((key // nodes).tolist(), (key % nodes).tolist(), strict=True)
        )
        tmp = path.with_suffix(".part")
        tmp.write_text("# Undirected graph\n# FromNodeId\tToNodeId\n" + body + "\n")
        tmp.rename(path)
    if compressed:
        gz = path.with_suffix(".txt.gz")
        if not gz.exists():
            gz.write_bytes(gzip.compress(path.read_bytes(), compresslevel=6))
        return gz
    return path


def load(path: Path, loader: str):
    """Load with the fast path (``load_edge_list``) or the text path (the previous loader)."""
    from analysis.world.edgelist import _parse_fast, _read_bytes, load_edge_list

    if loader == "fast":
        return load_edge_list(path)
    return _parse_fast(_read_bytes(path).decode("utf-8"))


def main() -> None:
    """Command line: generate (once) and load one edge list, print the step's time."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loader", choices=("fast", "text"), default="fast")
    parser.add_argument("--edges", type=int, default=1_000_000)
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--gzip", action="store_true")
    args = parser.parse_args()
    path = edge_file(args.edges, args.nodes, compressed=args.gzip)
    t0 = time.perf_counter()
    frame = load(path, args.loader)
    print(f"{args.loader}: {len(frame):,} edges in {time.perf_counter() - t0:.2f} s")


if __name__ == "__main__":
    main()
