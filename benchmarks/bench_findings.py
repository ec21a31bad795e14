"""Cost of one headline world (analysis.results.headline_metrics) by size and part.

Run with ``make bench`` or
``.venv/bin/python -m pytest benchmarks/bench_findings.py -p no:nbval -o addopts="" -s``.
Prints wall time and the process's peak resident memory so far (``ru_maxrss``; no tracing,
which would slow the run several-fold); the machine is shared, so numbers are indicative.
"""

import resource
import time

import pytest

from analysis import results
from analysis.results import headlines
from analysis.world import WorldParams


@pytest.mark.parametrize("n_people", [500, 1_500, 3_000])
def test_one_world_cost(n_people):
    world = WorldParams(n_people=n_people)
    headlines._world.cache_clear()
    results.headline_metrics(world, seed=1)  # warm imports and caches
    for parts in (("linking",), results.PARTS):
        headlines._world.cache_clear()
        t = time.perf_counter()
        out = results.headline_metrics(world, seed=2, parts=parts)
        seconds = time.perf_counter() - t
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1e3
        print(
            f"\n{n_people:>6,} people, parts={'+'.join(parts)}: {seconds:.2f} s, "
            f"process peak RSS {peak / 1e6:.0f} MB, {len(out)} metrics"
        )
        assert len(out) > 0
