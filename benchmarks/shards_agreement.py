"""Headline shares of the sharded world beside the unsharded model, over seeds.

For each seed, one unsharded world of ``len(countries) * per_country`` people (equal
country weights) is scored with :func:`analysis.results.country_metrics`, and the same
countries are built and scored as shards (:func:`analysis.results.sharded.run_shards`);
both give all-country shares weighted by the denominators. The table shows each model's
mean over seeds with its 95% t-interval half-width (:func:`analysis.core.stats.mean_t_interval`),
the gap, and whether the gap is within the sum of the half-widths (the intervals overlap).
Run::

    python benchmarks/shards_agreement.py --per-country 300 --median-ties 20 --seeds 10
"""

from __future__ import annotations

import argparse

import pandas as pd

from analysis.core.stats import mean_t_interval
from analysis.results.countries import country_metrics
from analysis.results.sharded import combine_shards, run_shards
from analysis.world.params import SocialParams, WorldParams
from analysis.world.population import generate_population
from analysis.world.shards import plan_shards
from analysis.world.socialworld import build_social_world


def weighted(rows: pd.DataFrame) -> pd.DataFrame:
    """Denominator-weighted share over the countries, per scenario and metric."""
    rows = rows[rows["denominator_count"] > 0]
    rows = rows.assign(weighted=rows["value"] * rows["denominator_count"])
    g = rows.groupby(["scenario", "metric"])[["weighted", "denominator_count"]].sum()
    return (g["weighted"] / g["denominator_count"]).rename("value").reset_index()


def main(argv: list[str] | None = None) -> int:
    """Run both models over the seeds and print the comparison."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--countries", nargs="+", default=["BR", "DE", "IN"])
    p.add_argument("--per-country", type=int, default=300)
    p.add_argument("--median-ties", type=float, default=20)
    p.add_argument("--seeds", type=int, default=10)
    p.add_argument("--parts", nargs="+", default=["linking"])
    args = p.parse_args(argv)
    social = SocialParams(median_ties=args.median_ties)
    parts = tuple(args.parts)
    frames = []
    for seed in range(args.seeds):
        population = WorldParams(
            n_people=args.per_country * len(args.countries),
            seed=seed,
            country_weights=dict.fromkeys(args.countries, 1.0),
        )
        world = build_social_world(generate_population(population), social.replace(seed=seed))
        rows = country_metrics(world, seed=seed, parts=parts)
        frames.append(weighted(rows).assign(seed=seed, model="unsharded"))
        shards = plan_shards(args.per_country, args.countries, seed=seed)
        results = run_shards(shards, None, social, parts=parts)
        head = combine_shards(results)["headline_shares"][["scenario", "metric", "value"]]
        frames.append(head.assign(seed=seed, model="sharded"))
    ci = mean_t_interval(pd.concat(frames), ["model", "scenario", "metric"], "value")
    ci["half"] = (ci["high"] - ci["low"]) / 2
    wide = ci.pivot(index=["scenario", "metric"], columns="model", values=["mean", "half"])
    out = pd.DataFrame(
        {
            "sharded": wide[("mean", "sharded")],
            "sharded_half": wide[("half", "sharded")],
            "unsharded": wide[("mean", "unsharded")],
            "unsharded_half": wide[("half", "unsharded")],
        }
    )
    out["gap"] = out["sharded"] - out["unsharded"]
    out["within_error"] = out["gap"].abs() <= out["sharded_half"] + out["unsharded_half"] + 1e-12
    print(out.round(4).to_string())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
