"""``python -m analysis convergence`` and ``uniqueness``: the scale results in ``data/results/``.

``convergence`` computes every headline in default worlds of 1,500 to 100,000 people
(:mod:`analysis.results.world_size`; resumes where an interrupted run stopped);
``uniqueness`` the fingerprint-uniqueness curve over population size and its extrapolation
to each country's WhatsApp users in 2016 (:mod:`analysis.results.uniqueness`).
"""

from __future__ import annotations

import argparse
import sys

from analysis.cli.output import UsageError

__all__ = ["add_scale_parsers", "cmd_convergence", "cmd_uniqueness"]


def add_scale_parsers(sub) -> None:
    """Register the ``convergence`` and ``uniqueness`` subcommands on ``sub``."""
    from analysis.results.world_size import DEFAULT_SIZES

    p = sub.add_parser(
        "convergence", help="headlines against world size into data/results/convergence/"
    )
    p.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES), help="people")
    p.add_argument(
        "--seeds", type=int, nargs="+", help="seeds at every size (default: 3, 2 at 100k)"
    )
    p.add_argument("--out", metavar="DIR", help="results folder")
    p.add_argument("--max-worlds", type=int, help="stop after this many worlds (resume later)")
    p.add_argument(
        "--progress", action=argparse.BooleanOptionalAction, default=None, help="progress bar"
    )
    u = sub.add_parser(
        "uniqueness", help="fingerprint uniqueness curve into data/results/uniqueness/"
    )
    u.add_argument("--sizes", type=int, nargs="+", help="people per simulated population")
    u.add_argument("--seeds", type=int, nargs="+", help="seeds per size")
    u.add_argument("--out", metavar="DIR", help="results folder")
    u.add_argument(
        "--progress", action=argparse.BooleanOptionalAction, default=None, help="progress bar"
    )


def _progress(args: argparse.Namespace) -> bool:
    return sys.stderr.isatty() if args.progress is None else bool(args.progress)


def cmd_convergence(args: argparse.Namespace) -> int:
    """Run or resume the convergence run; print where it went."""
    from analysis.results.world_size import CONVERGENCE_DIR, run_convergence

    out = args.out or CONVERGENCE_DIR
    seeds = {n: args.seeds for n in args.sizes} if args.seeds else None
    try:
        m = run_convergence(
            out, args.sizes, seeds, progress=_progress(args), max_worlds=args.max_worlds
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    print(f"{out}: {m['worlds_done']} of {m['worlds']} worlds, {m['rows']} rows")
    return 0


def cmd_uniqueness(args: argparse.Namespace) -> int:
    """Compute and store the uniqueness curves; print where they went."""
    from analysis.results.uniqueness import SIM_SEEDS, SIM_SIZES, UNIQUENESS_DIR, run_uniqueness

    out = args.out or UNIQUENESS_DIR
    try:
        m = run_uniqueness(
            out, args.sizes or SIM_SIZES, args.seeds or SIM_SEEDS, progress=_progress(args)
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    print(f"{out}: {m['rows']['simulated']} simulated rows, {m['rows']['countries']} country rows")
    return 0
