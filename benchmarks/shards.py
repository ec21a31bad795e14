"""Time and memory of one country shard against its size, each size in a fresh process.

One shard is what one Dask task of ``python -m analysis shards`` does
(:func:`analysis.results.sharded.score_shard`): build the country's people, within-country
ties and address books (:func:`analysis.world.shards.build_shard`), score them
(:func:`analysis.results.country_metrics`: linking under the four headline scenarios,
friend suggestions, exposure, ads) and draw the cross-border stubs. Each size runs in its
own interpreter, so the peak resident memory (``ru_maxrss``, interpreter and imports
included) is that shard's alone; wall and CPU seconds cover the work, not the imports.

Then a power law ``y = a * N^b`` is fitted (least squares on log y against log N) to CPU
seconds and to peak memory above the interpreter's baseline over the measured sizes, and
extrapolated to larger shards and to a national-scale world. Run::

    python benchmarks/shards.py --sizes 5000 20000 50000 100000 --country IN
    python benchmarks/shards.py --sizes 5000 20000 --csv build/bench/shards.csv

It prints a Markdown table of the measurements, the fits and the extrapolation, and one
``RESULT {json}`` line.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

import numpy as np

CHILD = """
import json, resource, time
from analysis.results.countries import country_metrics
from analysis.results.metrics import LINK_SCENARIOS
from analysis.policy.scenarios import builtin_scenarios
from analysis.world.params import SocialParams, WorldParams
from analysis.world.shards import build_shard, cross_border_stubs, plan_shards

def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime

base_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
shard = plan_shards({{"{country}": {n}}}, seed={seed})[0]
social = SocialParams()
w0, c0 = time.perf_counter(), cpu()
world = build_shard(shard, WorldParams(), social)
w1, c1 = time.perf_counter(), cpu()
build_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
scen = {{k: v for k, v in builtin_scenarios().items() if k in LINK_SCENARIOS}}
rows = country_metrics(world, seed=shard.seed, scenarios=scen)
stubs = cross_border_stubs(world, shard, social)
w2, c2 = time.perf_counter(), cpu()
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print("RESULT " + json.dumps({{
    "people": {n}, "ties": len(world.ties), "book_entries": len(world.address_book),
    "stubs": int(stubs["stub_count"].sum()),
    "build_wall_s": w1 - w0, "build_cpu_s": c1 - c0,
    "score_wall_s": w2 - w1, "score_cpu_s": c2 - c1,
    "wall_s": w2 - w0, "cpu_s": c2 - c0,
    "baseline_mb": base_mb, "build_peak_mb": build_mb, "peak_mb": peak_mb,
}}))
"""


def measure_shard(n: int, country: str, seed: int, timeout: int = 3600) -> dict:
    """Build and score one shard of ``n`` people in a fresh interpreter; return its figures."""
    code = CHILD.format(n=int(n), country=country, seed=int(seed))
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout, check=True
    )
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


def power_law(n: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Fit ``y = a * n**b`` by least squares on logs; return ``(a, b)``.

    >>> a, b = power_law(np.array([1.0, 10.0, 100.0]), np.array([2.0, 20.0, 200.0]))
    >>> round(a, 6), round(b, 6)
    (2.0, 1.0)
    """
    b, log_a = np.polyfit(np.log(n), np.log(y), 1)
    return float(np.exp(log_a)), float(b)


def _table(rows: list[dict], keys: list[str]) -> str:
    lines = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    for r in rows:
        cells = [f"{r[k]:,.1f}" if isinstance(r[k], float) else f"{r[k]:,}" for k in keys]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Measure the sizes, fit, extrapolate, print."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[5000, 20000, 50000, 100000])
    p.add_argument("--country", default="IN")
    p.add_argument("--seed", type=int, default=2016)
    p.add_argument("--csv", help="also write the measurements as CSV")
    p.add_argument(
        "--extrapolate",
        type=int,
        nargs="+",
        default=[1_000_000, 2_000_000, 5_000_000],
        help="shard sizes to extrapolate to",
    )
    p.add_argument("--national", type=int, nargs="+", default=[150_000_000, 200_000_000])
    p.add_argument(
        "--fit-from",
        type=int,
        default=20_000,
        help="fit only sizes from this many people (small shards are dominated by fixed costs)",
    )
    args = p.parse_args(argv)
    rows = []
    for n in args.sizes:
        r = measure_shard(n, args.country, args.seed)
        rows.append(r)
        print(json.dumps(r), file=sys.stderr, flush=True)
    keys = ["people", "ties", "book_entries", "build_wall_s", "build_cpu_s", "score_wall_s"]
    keys += ["score_cpu_s", "wall_s", "cpu_s", "build_peak_mb", "peak_mb"]
    print(f"\n### One {args.country} shard (seed {args.seed})\n")
    print(_table(rows, keys))
    base = float(np.median([r["baseline_mb"] for r in rows]))
    fitted = [r for r in rows if r["people"] >= args.fit_from] or rows
    n = np.array([r["people"] for r in fitted], dtype=float)
    fits = {
        "cpu_s": power_law(n, np.array([r["cpu_s"] for r in fitted])),
        "wall_s": power_law(n, np.array([r["wall_s"] for r in fitted])),
        "mb_above_baseline": power_law(n, np.array([r["peak_mb"] - base for r in fitted])),
    }
    print(f"\nbaseline (interpreter and imports): {base:,.0f} MB")
    print(f"fitted on shards of {', '.join(f'{int(x):,}' for x in n)} people")
    for name, (a, b) in fits.items():
        print(f"fit {name} = {a:.3g} * N^{b:.3f}")
    extra = []
    for size in args.extrapolate:
        a, b = fits["cpu_s"]
        am, bm = fits["mb_above_baseline"]
        extra.append(
            {"shard_people": size, "cpu_s": a * size**b, "peak_gb": (base + am * size**bm) / 1024}
        )
    print("\n### Extrapolated per shard\n")
    print(_table(extra, ["shard_people", "cpu_s", "peak_gb"]))
    national = []
    for total in args.national:
        for e in extra:
            shards = int(np.ceil(total / e["shard_people"]))
            national.append(
                {
                    "people": total,
                    "shard_people": e["shard_people"],
                    "shards": shards,
                    "core_hours": shards * e["cpu_s"] / 3600,
                    "worker_gb": e["peak_gb"],
                }
            )
    print("\n### National scale (shards of the same cost)\n")
    print(_table(national, ["people", "shard_people", "shards", "core_hours", "worker_gb"]))
    if args.csv:
        import pandas as pd

        pd.DataFrame(rows).to_csv(args.csv, index=False)
    result = {"rows": rows, "baseline_mb": base, "fits": fits, "fitted_sizes": n.tolist()}
    result["extrapolated"] = extra
    print("RESULT " + json.dumps({**result, "national": national}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
