"""World build stage by stage, and all-pairs scoring against scipy, for ``make bench``.

* ``stages.py`` at each size of ``BENCH_STAGES_SIZES`` (default ``10000,100000``; add
  ``1000000`` for the million-person world, about 10 minutes and 6 GB): time and peak
  memory of population, ties + Facebook friendships, address books and top-10
  suggestions, each size in a fresh process.
* ``run_stages.py`` at each size of ``BENCH_RUN_SIZES`` (default ``10000,100000``): the
  whole ``python -m analysis run mix_2016``, wall, CPU and peak memory per stage.
* ``allpairs.py``: ``candidate_scores`` (each pair once) and the scipy one-liner
  ``A @ diag(w) @ A`` in turn, A B A B, on the same cached graph; the ratio of the
  scoring step's seconds pair by pair, and each process's peak memory.

The machine is shared: read medians and ratios, not single times.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _run(args: list[str]) -> tuple[str, float]:
    """Run a benchmark script in a fresh interpreter: its output and its peak RSS (MB)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    out = subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, check=True, timeout=3600
    ).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the largest child so far: only a new maximum is this run's
    return out, (after / 1024 if after > before else float("nan"))


def test_world_stages():
    sizes = [int(s) for s in os.environ.get("BENCH_STAGES_SIZES", "10000,100000").split(",")]
    for n in sizes:
        out, _ = _run([str(HERE / "stages.py"), "--n-people", str(n)])
        rows = json.loads(next(ln for ln in out.splitlines() if ln.startswith("RESULT "))[7:])
        print(f"\n{n:,} people")
        for row in rows:
            print(
                f"  {row['stage']:10s} {row['wall_s']:8.2f} s wall {row['cpu_s']:8.2f} s cpu "
                f"peak {row['peak_rss_mb']:6d} MB  ({row['output']}, {row['output_mb']} MB)"
            )
        assert [r["stage"] for r in rows] == ["population", "ties", "books", "suggest"]


def _seconds(out: str) -> float:
    return float(out.split("seconds=")[1].split()[0])


def test_all_pairs_against_the_scipy_one_liner():
    size = ["--nodes", "100000", "--edges", "1000000"]
    _run([str(HERE / "allpairs.py"), "scipy", *size])  # draws and caches the graph
    ratios = []
    for _ in range(3):  # A B A B
        ours, _ = _run([str(HERE / "allpairs.py"), "once", *size])
        theirs, _ = _run([str(HERE / "allpairs.py"), "scipy", *size])
        ratios.append(_seconds(ours) / _seconds(theirs))
    print(
        f"\ncandidate_scores(unique_pairs=True) / scipy one-liner, scoring step: median "
        f"{statistics.median(ratios):.2f} (min {min(ratios):.2f}, max {max(ratios):.2f})"
    )
    assert all(r > 0 for r in ratios)


def test_run_end_to_end_stages():
    """``python -m analysis run mix_2016`` per stage (``run_stages.py``), each size fresh.

    Sizes from ``BENCH_RUN_SIZES`` (default ``10000,100000``; add ``1000000`` for the
    million-person run).
    """
    sizes = [int(s) for s in os.environ.get("BENCH_RUN_SIZES", "10000,100000").split(",")]
    for n in sizes:
        out, _ = _run([str(HERE / "run_stages.py"), "--n-people", str(n)])
        result = json.loads(next(ln for ln in out.splitlines() if ln.startswith("RESULT "))[7:])
        print(f"\nanalysis run mix_2016, {n:,} people")
        for row in [*result["stages"], result["total"]]:
            print(
                f"  {row['stage']:14s} {row['wall_s']:8.2f} s wall {row['cpu_s']:8.2f} s cpu "
                f"peak {row['peak']} MB"
            )
        assert result["total"]["status"] == 0
        assert {"population", "books", "suggestions"} <= {r["stage"] for r in result["stages"]}
