"""The edge-list loader: integer fast path against the text path (``make bench``).

One million edges among 100,000 nodes (SNAP style), loaded in alternating order by the
fast path (:func:`analysis.world.load_edge_list`) and by the text path it replaced (labels
read as strings, ``edgelist._parse_fast``); both give the same edges. The ratio is the
median of the pair-by-pair ratios. Whole-process figures: ``benchmarks/edgelist.py``.

Run: ``.venv/bin/python -m pytest benchmarks/bench_edgelist.py -p no:nbval -o addopts="" -s``
"""

import time

import numpy as np
from edgelist import edge_file, load


def test_fast_loader_against_the_text_loader():
    path = edge_file(1_000_000, 100_000)
    ratios, fast_s = [], []
    for _ in range(3):
        t0 = time.perf_counter()
        fast = load(path, "fast")
        t1 = time.perf_counter()
        text = load(path, "text")
        t2 = time.perf_counter()
        ratios.append((t1 - t0) / (t2 - t1))
        fast_s.append(t1 - t0)
    assert (fast.to_numpy() == text.astype("int64").to_numpy()).all()
    print(
        f"\nedge list, 1,000,000 edges: fast path {np.median(fast_s):.2f} s; "
        f"fast / text = 1/{1 / np.median(ratios):.1f} (pairs: "
        + ", ".join(f"1/{1 / r:.1f}" for r in ratios)
        + ")"
    )
