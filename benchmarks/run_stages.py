"""``python -m analysis run`` end to end, with time and peak memory per stage.

Runs the real command line (``analysis.cli.main``) in this process, with timers wrapped
around the functions it calls for each stage:

* ``population``: :func:`analysis.world.population.generate_population`;
* ``ties``: ties, roles and Facebook friendships (``build_social_world`` less its books);
* ``books``: the address books (:func:`analysis.world.addressbook.build_address_book`);
* ``linking``: ``compute_links`` + ``link_table`` under every scenario (summed);
* ``ads``: :func:`analysis.effects.ads.run_scenarios`;
* ``contacts``: :func:`analysis.effects.exposure.contact_universe` (the address-book
  matches the suggestions need; the books are freed after it);
* ``suggestions``: :func:`analysis.effects.exposure.compare_scenarios` (every scenario);
* ``figures``: :func:`analysis.report.charts.run.run_figures`;
* ``rest``: everything else (imports, parsing, writing the tables and figures).

For every stage: wall and CPU seconds (all threads) and the peak resident memory during
the stage (the kernel's high-water mark, reset at the stage's start through
``/proc/self/clear_refs``; with the earlier stages' outputs still held). Run::

    python benchmarks/run_stages.py --n-people 100000 [--scenario mix_2016]

It prints one JSON line per stage, a Markdown table, and ``RESULT {json}`` (the stages,
then the whole process: wall, CPU and peak).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stages import _peak_mb, _reset_peak

#: stage -> the (module, function) pairs it times (summed over calls)
HOOKS = {
    "population": [("analysis.world.population", "generate_population")],
    "books": [("analysis.world.addressbook", "build_address_book")],
    "ties": [("analysis.world.socialworld", "build_social_world")],
    "linking": [("analysis.linking", "compute_links"), ("analysis.linking", "link_table")],
    "ads": [("analysis.effects.ads", "run_scenarios")],
    "contacts": [("analysis.effects.exposure", "contact_universe")],
    "suggestions": [("analysis.effects.exposure", "compare_scenarios")],
    "figures": [("analysis.report.charts.run", "run_figures")],
}


class _Clock:
    def __init__(self) -> None:
        self.rows: dict[str, dict] = {}
        self.depth = 0
        self.carry = 0.0  # the outer stage's peak before a nested stage reset the mark

    def wrap(self, stage: str, func):
        def timed(*args, **kwargs):
            nested = self.depth > 0  # books inside the social world: time both, subtract later
            self.depth += 1
            if nested:
                self.carry = max(self.carry, _peak_mb(True))
            else:
                self.carry = 0.0
            reset_ok = _reset_peak()
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return func(*args, **kwargs)
            finally:
                self.depth -= 1
                row = self.rows.setdefault(
                    stage, {"stage": stage, "calls": 0, "wall_s": 0.0, "cpu_s": 0.0, "peak": 0}
                )
                row["calls"] += 1
                row["wall_s"] += time.perf_counter() - wall
                row["cpu_s"] += time.process_time() - cpu
                peak = _peak_mb(reset_ok)
                if not nested:
                    peak = max(peak, self.carry)
                row["peak"] = max(row["peak"], round(peak))
                print("STAGE " + json.dumps(row), file=sys.stderr, flush=True)  # as it ends

        return timed


def run(n_people: int, scenario: str, seed: int) -> tuple[list[dict], dict]:
    """Run ``analysis run`` with the stage timers; return the stage rows and the totals."""
    clock = _Clock()
    for stage, hooks in HOOKS.items():
        for module, name in hooks:
            mod = importlib.import_module(module)
            setattr(mod, name, clock.wrap(stage, getattr(mod, name)))
    from analysis.cli import main

    wall, cpu = time.perf_counter(), time.process_time()
    with tempfile.TemporaryDirectory() as out:
        argv = ["run", scenario, "--n-people", str(n_people), "--seed", str(seed)]
        status = main([*argv, "--out", out, "--no-progress"])
    total = {
        "stage": "whole process",
        "wall_s": round(time.perf_counter() - wall, 2),
        "cpu_s": round(time.process_time() - cpu, 2),
        "peak": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "status": status,
    }
    rows = clock.rows
    # the stage timers reset the kernel's high-water mark (ru_maxrss reads it too), so
    # the process's peak is the largest of the stages' peaks and what is left of the mark
    total["peak"] = max([total["peak"], *(r["peak"] for r in rows.values())])
    if "ties" in rows and "books" in rows:  # the social world's own share, less its books
        for key in ("wall_s", "cpu_s"):
            rows["ties"][key] -= rows["books"][key]
    order = [s for s in HOOKS if s in rows]
    order = order[:1] + [s for s in ("ties", "books") if s in rows] + order[3:]
    out = [rows[s] for s in dict.fromkeys(order)]
    rest = {
        "stage": "rest",
        "calls": 1,
        "wall_s": total["wall_s"] - sum(r["wall_s"] for r in out),
        "cpu_s": total["cpu_s"] - sum(r["cpu_s"] for r in out),
        "peak": None,
    }
    out.append(rest)
    for r in out:
        r["wall_s"], r["cpu_s"] = round(r["wall_s"], 2), round(r["cpu_s"], 2)
        print(json.dumps(r), flush=True)
    return out, total


def main() -> None:
    """Parse the size, run, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-people", type=int, default=100_000)
    parser.add_argument("--scenario", default="mix_2016")
    parser.add_argument("--seed", type=int, default=2016)
    args = parser.parse_args()
    with contextlib.redirect_stdout(sys.stderr):  # the command's own messages
        rows, total = run(args.n_people, args.scenario, args.seed)
    print("| stage | calls | wall s | CPU s | peak MB |\n|---|---|---|---|---|")
    for r in [*rows, total]:
        cells = [r["stage"], r.get("calls", ""), r["wall_s"], r["cpu_s"], r["peak"]]
        print("| " + " | ".join(str(c) for c in cells) + " |")
    print("RESULT " + json.dumps({"n_people": args.n_people, "stages": rows, "total": total}))


if __name__ == "__main__":
    main()
