"""``python -m analysis sweep``: the global sensitivity sweep into ``data/results/``.

The sweep (:mod:`analysis.results.sweep`) runs one world per Dask task on a local cluster,
or on an existing one with ``--scheduler ADDRESS`` (or ``$DASK_SCHEDULER_ADDRESS``); an
interrupted sweep resumes where it stopped when run again with the same options.
"""

from __future__ import annotations

import argparse
import sys

from analysis.cli.output import UsageError

__all__ = ["add_sweep_parser", "cmd_sweep"]


def add_sweep_parser(sub) -> None:
    """Register the ``sweep`` subcommand on the subparsers ``sub``."""
    from analysis.results.sweep import SweepConfig

    d = SweepConfig()
    p = sub.add_parser("sweep", help="Morris sensitivity sweep on Dask into data/results/")
    p.add_argument("--scheduler", metavar="ADDR", help="Dask scheduler, e.g. tcp://host:8786")
    p.add_argument("--n-people", type=int, default=d.n_people, help="people per world")
    p.add_argument("--trajectories", type=int, default=d.trajectories, help="Morris trajectories")
    p.add_argument("--levels", type=int, default=d.levels, help="Morris grid levels (even)")
    p.add_argument(
        "--seeds", type=int, nargs="+", default=list(d.seeds), help="seeds per design point"
    )
    p.add_argument("--design-seed", type=int, default=d.design_seed, help="seed of the design")
    p.add_argument(
        "--parameters", nargs="+", metavar="NAME", help="sweep only these parameters (tests)"
    )
    p.add_argument("--out", metavar="DIR", help="results folder (default data/results/)")
    p.add_argument("--workers", type=int, help="workers of the local cluster (default: cores)")
    p.add_argument("--max-tasks", type=int, help="stop after this many tasks (resume later)")
    p.add_argument(
        "--progress", action=argparse.BooleanOptionalAction, default=None, help="progress bar"
    )


def cmd_sweep(args: argparse.Namespace) -> int:
    """Run or resume the sweep; print where it went and how many tasks are done."""
    from analysis.results.sweep import RESULTS_DIR, SweepConfig, run_sweep

    try:
        config = SweepConfig(
            n_people=args.n_people,
            trajectories=args.trajectories,
            levels=args.levels,
            seeds=tuple(args.seeds),
            design_seed=args.design_seed,
            parameters=tuple(args.parameters) if args.parameters else None,
        )
        progress = sys.stderr.isatty() if args.progress is None else args.progress
        out = args.out or RESULTS_DIR
        manifest = run_sweep(
            config,
            out,
            scheduler=args.scheduler,
            progress=progress,
            max_tasks=args.max_tasks,
            n_workers=args.workers,
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    print(f"{out}: {manifest['tasks_done']} of {manifest['tasks']} tasks, {manifest['rows']} rows")
    return 0
