"""Time the strict notebook suite the way ``make test`` runs it: nbval, two workers.

Issue 12 asks that the strict notebook suite stays under five minutes on two cores at
default parameters, because the heavy sweeps are read from ``data/results/`` rather than
recomputed. This runs exactly that part of the test command::

    python -m pytest -n 2 --dist loadfile notebooks/

in a child process and reports its wall time, the CPU time of the child and everything it
started (kernels included), the machine's load average before and after, and the time of
each notebook summed over its cells (from pytest's JUnit XML). Run::

    python benchmarks/notebook_suite.py [--workers 2]

It prints a Markdown table and one ``RESULT {json}`` line. Bytecode caches are written
(as ``make test`` does), so the second of two runs is the steady state.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 300


def run(workers: int) -> dict:
    """Run the notebook suite once; return its timings."""
    with tempfile.TemporaryDirectory() as tmp:
        xml = Path(tmp) / "suite.xml"
        cmd = [sys.executable, "-m", "pytest", "-q", "-n", str(workers), "--dist", "loadfile"]
        cmd += ["notebooks/", f"--junitxml={xml}"]
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        load_before = os.getloadavg()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        load_after = os.getloadavg()
        if proc.returncode != 0:
            sys.exit(f"the notebook suite failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-2000:]}")
        per_notebook: dict[str, float] = defaultdict(float)
        cells = 0
        for case in ET.parse(xml).getroot().iter("testcase"):
            name = case.get("classname", "").removeprefix("notebooks.")
            per_notebook[name] += float(case.get("time", 0))
            cells += 1
    return {
        "workers": workers,
        "wall_s": round(wall, 1),
        "cpu_s": round((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), 1),
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in load_after],
        "cells": cells,
        "per_notebook_s": {k: round(v, 1) for k, v in sorted(per_notebook.items())},
        "target_s": TARGET_SECONDS,
        "under_target": wall < TARGET_SECONDS,
    }


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run the suite, print the table and the RESULT line."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=2, help="pytest-xdist workers (default 2)")
    args = ap.parse_args(argv)
    res = run(args.workers)
    print(f"| notebook suite, {res['workers']} workers | wall | CPU |")
    print("|---|---|---|")
    print(f"| all {res['cells']} cells | {res['wall_s']} s | {res['cpu_s']} s |")
    for name, sec in res["per_notebook_s"].items():
        print(f"| {name} | {sec} s (cells summed) | |")
    print("RESULT " + json.dumps(res, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
