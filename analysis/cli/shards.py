"""``python -m analysis shards``: a world built and scored as country shards.

Each country is one shard (:mod:`analysis.world.shards`), built and scored by
:func:`analysis.results.sharded.score_shard`; the shards run one after another on this
machine (the default), or as one Dask task each with ``--dask`` (a local cluster) or
``--scheduler ADDRESS`` / ``$DASK_SCHEDULER_ADDRESS`` (an existing cluster, as for
``sweep``). Both give the same tables, written as CSV + parquet into ``--out`` (default
``build/shards/<scenario name>/``), fail-safe like ``run``:

``tables/country_results``, ``tables/country_shares``, ``tables/headline_shares``,
``tables/shards``, ``tables/cross_border_ties``, ``tables/cross_border_summary``
(:data:`analysis.results.sharded.SHARD_TABLES`), beside ``parameters.toml``,
``scenario.toml`` and ``shards.toml`` (the plan: each shard's country, size and seed).

Shard sizes: ``--n-people N`` is the whole world, split over the countries by the
population's ``country_weights`` (equal by default); ``--shard-people N`` gives every
shard N people instead. ``--countries IN DE ...`` keeps only those countries.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import tomli_w

from analysis.cli.output import RunResult, UsageError, atomic_output, check_out

__all__ = ["SHARDS_DIR", "add_shards_parser", "cmd_shards", "run_sharded"]

#: Where ``shards`` writes when no ``--out`` is given: ``SHARDS_DIR / <scenario name>``.
SHARDS_DIR = Path("build") / "shards"


def add_shards_parser(sub) -> None:
    """Register the ``shards`` subcommand on the subparsers ``sub``."""
    p = sub.add_parser("shards", help="build and score the world as country shards (Dask)")
    p.add_argument(
        "scenario_file", metavar="SCENARIO", help="scenario TOML file, or a built-in name"
    )
    p.add_argument("--params", metavar="PARAMS.toml", help="parameter file ([population], ...)")
    p.add_argument("--seed", type=int, help="seed of the sharded world")
    p.add_argument("--n-people", type=int, help="people in the whole world, split by country")
    p.add_argument("--shard-people", type=int, help="people in every shard (instead)")
    p.add_argument("--countries", nargs="+", metavar="CODE", help="only these countries")
    p.add_argument("--out", metavar="DIR", help="output folder (default ./build/shards/<name>)")
    p.add_argument("--dask", action="store_true", help="one Dask task per shard (local cluster)")
    p.add_argument("--scheduler", metavar="ADDR", help="Dask scheduler, e.g. tcp://host:8786")
    p.add_argument("--workers", type=int, help="workers of the local cluster (default: cores)")
    p.add_argument(
        "--progress", action=argparse.BooleanOptionalAction, default=None, help="progress bar"
    )


def _sizes(population, countries, shard_people) -> dict[str, int]:
    """Country -> shard size, from the world size and weights or one size for all."""
    from analysis.world.params import COUNTRIES

    shares = population.country_shares()
    codes = list(countries) if countries else list(shares)
    unknown = [c for c in codes if c not in COUNTRIES]
    if unknown:
        raise UsageError(
            f"--countries: unknown country {unknown[0]!r}; known: {', '.join(sorted(COUNTRIES))}"
        )
    if shard_people is not None:
        return dict.fromkeys(codes, shard_people)
    weight = {c: shares.get(c, 0.0) for c in codes}
    total = sum(weight.values())
    if total <= 0:
        raise UsageError(f"--countries {' '.join(codes)}: none has a positive country weight")
    return {c: round(population.n_people * w / total) for c, w in weight.items()}


def run_sharded(
    scenario,
    params,
    *,
    sizes: dict[str, int],
    out: str | Path | None = None,
    dask: bool = False,
    scheduler: str | None = None,
    n_workers: int | None = None,
    progress: bool = False,
) -> RunResult:
    """Plan, score and combine the shards of one world and write its tables.

    Parameters
    ----------
    scenario : analysis.policy.Scenario
    params : mapping of section name to Params
        As from :func:`analysis.cli.resolve_params`; ``population``, ``social`` used.
    sizes : dict of str to int
        Country -> people in its shard.
    out, dask, scheduler, n_workers, progress
        See the module docstring.

    Returns
    -------
    RunResult
    """
    from analysis.core.cluster import scheduler_address
    from analysis.results.sharded import combine_shards, run_shards
    from analysis.world.shards import ShardError, plan_shards

    population, social = params["population"], params["social"]
    try:
        shards = plan_shards(sizes, seed=population.seed)
        scheduler_address(scheduler)
    except (ShardError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    out = check_out(Path(out) if out is not None else SHARDS_DIR / scenario.name)

    def fill(tmp: Path) -> None:
        from analysis.core.io import atomic_write_text, write_csv, write_parquet

        results = run_shards(
            shards,
            population,
            social,
            scenario=scenario,
            dask=dask,
            scheduler=scheduler,
            n_workers=n_workers,
            progress=progress,
        )
        tables = combine_shards(results, scenario=scenario.name)
        used = {name: params[name].to_dict() for name in ("population", "social")}
        atomic_write_text(tmp / "parameters.toml", tomli_w.dumps(used))
        atomic_write_text(tmp / "scenario.toml", scenario.to_toml_text())
        plan = {
            s.country: {"n_people": s.n_people, "shard_seed": s.seed, "world_seed": s.world_seed}
            for s in shards
        }
        atomic_write_text(tmp / "shards.toml", tomli_w.dumps({"shards": plan}))
        for name, frame in tables.items():
            frame = frame.reset_index(drop=True)
            write_csv(frame, tmp / "tables" / f"{name}.csv")
            write_parquet(frame, tmp / "tables" / f"{name}.parquet")

    return atomic_output(out, fill)


def cmd_shards(args: argparse.Namespace, scenario, params) -> int:
    """Run the ``shards`` subcommand on a resolved scenario and parameters; print where to.

    ``analysis.cli`` reads the scenario and the parameter file (as for ``run``) and
    calls this.
    """
    if args.n_people is not None and args.shard_people is not None:
        raise UsageError("--n-people and --shard-people both set the shard sizes: give one")
    sizes = _sizes(params["population"], args.countries, args.shard_people)
    progress = sys.stderr.isatty() if args.progress is None else args.progress
    result = run_sharded(
        scenario,
        params,
        sizes=sizes,
        out=args.out,
        dask=args.dask,
        scheduler=args.scheduler,
        n_workers=args.workers,
        progress=progress,
    )
    where = "on Dask" if args.dask or args.scheduler else "one after another"
    print(f"{len(sizes)} shards of {scenario.name} ({where}): wrote {len(result.files)} files")
    print(f"  to {result.out}")
    return 0
