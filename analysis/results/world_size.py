"""Convergence with world size: every headline at 1,500 to 100,000 people, computed once.

A headline computed in a world of 1,500 people is only worth reporting if it stays put
when the world grows. :func:`run_convergence` computes every headline metric
(:func:`analysis.results.headline_metrics`, all parts, default parameters) and the tie
structure of the world (median ties, median Facebook friends, clustering; scenario
``"world"``) in worlds of several sizes and seeds, and writes them to a tracked results
folder (:data:`CONVERGENCE_DIR`, ``data/results/convergence/``): one parquet file per world
(written to a temporary file, then renamed, so an interrupted run resumes where it
stopped) and a manifest of sizes, seeds, package version, commit and row counts.
``python -m analysis convergence`` (``make convergence``) runs it.

:func:`load_convergence` reads it back, :func:`convergence_summary` gives each metric's
mean and 95% t-interval per size, and :func:`convergence_verdict` says, per headline,
from which size on it stays within a tolerance of the largest worlds' value (shares: 1
percentage point; rates and counts per world: 5% of the value), and whether it is a share
(which converges) or a per-world count (which grows with the world by nature).

>>> DEFAULT_SIZES
(1500, 3000, 10000, 30000, 100000)
>>> seeds_for(100_000), seeds_for(1_500)
((2016, 2017), (2016, 2017, 2018))
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.core.io import write_json, write_parquet
from analysis.core.paths import DATA_DIR
from analysis.core.progress import iterate
from analysis.core.provenance import provenance
from analysis.results.headlines import headline_metrics, summarise
from analysis.results.metrics import HEADLINES, METRICS

__all__ = [
    "CONVERGENCE_DIR",
    "CONVERGENCE_HEADLINES",
    "DEFAULT_SIZES",
    "STRUCTURE_METRICS",
    "convergence_statements",
    "convergence_summary",
    "convergence_verdict",
    "load_convergence",
    "run_convergence",
    "seeds_for",
    "structure_table",
    "verdict_table",
    "world_rows",
]

#: The tracked convergence results (``python -m analysis convergence`` writes it).
CONVERGENCE_DIR = DATA_DIR / "results" / "convergence"

#: World sizes of the stored convergence run.
DEFAULT_SIZES: tuple[int, ...] = (1_500, 3_000, 10_000, 30_000, 100_000)

#: First seed of every size (the headline notebooks' seed).
FIRST_SEED = 2016

#: Seeds per size: 3, but 2 at 100,000 people and above (a world of 100,000 people takes
#: several minutes on the project's 2 shared cores).
_SEED_COUNT = {100_000: 2}

#: Tie-structure metrics stored beside the headlines (scenario ``"world"``): what the tie
#: model was calibrated on, measured in each world.
STRUCTURE_METRICS: dict[str, str] = {
    "median_ties": "median ties per person (all real-world ties)",
    "median_facebook_friends": "median Facebook friends (Facebook users)",
    "clustering_near_median": "local clustering near the median degree (target 0.14)",
    "cross_country_tie_share": "share of ties across countries",
}

#: Headlines shown against world size: the charted headlines, plus the per-1,000 rates and
#: per-world counts the issue names (sensitive suggestions, opted-out members).
CONVERGENCE_HEADLINES: dict[tuple[str, str], str] = {
    **HEADLINES,
    ("members_suggested_share", "mix_2016"): "(c) Members suggested to others via WhatsApp",
    ("third_party_sensitive_per_1000_members", "mix_2016"): (
        "(c) Sensitive suggestions via a shared third party, per 1,000 members"
    ),
    ("own_tie_sensitive_per_1000_members", "mix_2016"): (
        "(c) Sensitive suggestions of one's own private tie, per 1,000 members"
    ),
    ("opted_out_member_count", "mix_2016"): "Facebook members who opted out (count per world)",
    ("co_client_member_count", "mix_2016"): "Patients, clients and sources (count per world)",
}


def seeds_for(n_people: int, first_seed: int = FIRST_SEED) -> tuple[int, ...]:
    """Seeds of the stored run at one size (3 seeds, 2 from 100,000 people on)."""
    count = 3
    for size, c in _SEED_COUNT.items():
        if n_people >= size:
            count = c
    return tuple(range(first_seed, first_seed + count))


def _structure_rows(world: Any) -> list[tuple[str, str, float]]:
    from analysis.world.structure import structure_report

    rep = structure_report(world).set_index("metric")["achieved"]
    return [
        ("median_ties", "world", float(rep["median ties per person"])),
        (
            "median_facebook_friends",
            "world",
            float(rep["median Facebook friends (Facebook users)"]),
        ),
        (
            "clustering_near_median",
            "world",
            float(rep["local clustering near the median degree (0.8-1.2 x target)"]),
        ),
        ("cross_country_tie_share", "world", float(rep["share of ties across countries"])),
    ]


def world_rows(n_people: int, seed: int) -> pd.DataFrame:
    """Every headline metric and the tie structure of one default world.

    Parameters
    ----------
    n_people : int
        People in the world.
    seed : int
        Seed of the world and of the scenario draws (as :func:`headline_metrics`).

    Returns
    -------
    pandas.DataFrame
        ``n_people``, ``seed``, ``metric``, ``scenario``, ``value``.

    Examples
    --------
    >>> r = world_rows(300, 1)
    >>> int(r["n_people"].iloc[0]), "median_facebook_friends" in set(r["metric"])
    (300, True)
    """
    from analysis.results.worlds import build_world
    from analysis.world.params import SocialParams, WorldParams

    if isinstance(n_people, bool) or not isinstance(n_people, int | np.integer) or n_people < 200:
        raise ValueError(f"n_people = {n_people!r} must be an integer of at least 200")
    n_people, seed = int(n_people), int(seed)
    world = build_world(WorldParams(n_people=n_people, seed=seed), SocialParams(seed=seed))
    df = headline_metrics(world, seed=seed)
    extra = pd.DataFrame(_structure_rows(world), columns=["metric", "scenario", "value"])
    df = pd.concat([df, extra], ignore_index=True)
    df.insert(0, "seed", np.int64(seed))
    df.insert(0, "n_people", np.int64(n_people))
    df["value"] = df["value"].astype("float64")
    return df


def _task_file(out: Path, n_people: int, seed: int) -> Path:
    return out / "rows" / f"n={n_people:08d}-seed={seed}.parquet"


def run_convergence(
    out: Path | str = CONVERGENCE_DIR,
    sizes: Sequence[int] = DEFAULT_SIZES,
    seeds: Mapping[int, Sequence[int]] | None = None,
    *,
    progress: bool = False,
    max_worlds: int | None = None,
) -> dict[str, Any]:
    """Compute (or resume) the convergence run into ``out``; return its manifest.

    Parameters
    ----------
    out : path
        Results folder (default :data:`CONVERGENCE_DIR`).
    sizes : sequence of int
        World sizes.
    seeds : mapping of int to sequence of int, optional
        Seeds per size (default :func:`seeds_for`).
    progress : bool
        Show a progress bar over worlds.
    max_worlds : int, optional
        Stop after computing this many worlds (the rest are computed when run again).

    Returns
    -------
    dict
        The manifest written to ``out/manifest.json``.
    """
    out = Path(out)
    sizes = sorted({int(n) for n in sizes})
    if not sizes or sizes[0] < 200:
        raise ValueError(f"sizes = {sizes!r}: give sizes of at least 200 people")
    seeds = {n: tuple(int(s) for s in (seeds or {}).get(n, seeds_for(n))) for n in sizes}
    if any(not s for s in seeds.values()):
        raise ValueError(f"seeds = {seeds!r}: give at least one seed per size")
    if out.exists() and not out.is_dir():
        raise ValueError(f"out = {str(out)!r} is a file, not a folder")
    tasks = [(n, s) for n in sizes for s in seeds[n]]
    todo = [t for t in tasks if not _task_file(out, *t).exists()]
    if max_worlds is not None:
        todo = todo[: max(int(max_worlds), 0)]
    for n, s in iterate(todo, progress, "worlds"):
        df = world_rows(n, s)
        write_parquet(df, _task_file(out, n, s), compression="snappy")
    done = [t for t in tasks if _task_file(out, *t).exists()]
    rows = sum(len(pd.read_parquet(_task_file(out, *t))) for t in done)
    manifest = {
        "what": "headline metrics and tie structure of default worlds against world size",
        "function": "analysis.results.world_size.world_rows",
        "sizes": sizes,
        "seeds": {str(n): list(seeds[n]) for n in sizes},
        "worlds": len(tasks),
        "worlds_done": len(done),
        "complete": len(done) == len(tasks),
        "rows": int(rows),
        **provenance(),
    }
    write_json(manifest, out / "manifest.json")
    return manifest


def load_convergence(out: Path | str = CONVERGENCE_DIR) -> tuple[dict[str, Any], pd.DataFrame]:
    """Read a convergence run: ``(manifest, rows)`` sorted by size, seed, metric, scenario.

    Raises
    ------
    FileNotFoundError
        If ``out`` holds no run (run ``python -m analysis convergence``).
    """
    out = Path(out)
    if not (out / "manifest.json").exists():
        raise FileNotFoundError(
            f"{out} holds no convergence run: run `python -m analysis convergence`"
        )
    manifest = json.loads((out / "manifest.json").read_text())
    files = sorted((out / "rows").glob("*.parquet"))
    rows = pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
    rows = rows.sort_values(["n_people", "seed", "metric", "scenario"], ignore_index=True)
    return manifest, rows


def convergence_summary(rows: pd.DataFrame) -> pd.DataFrame:
    """Mean and 95% t-interval over seeds per size, metric and scenario.

    Returns
    -------
    pandas.DataFrame
        ``n_people``, ``metric``, ``scenario``, ``mean``, ``seed_count``, ``low``, ``high``.
    """
    out = summarise(rows, by=["n_people"])
    return out[["n_people", "metric", "scenario", "mean", "seed_count", "low", "high"]]


def _unit(metric: str) -> str:
    if metric in METRICS:
        return METRICS[metric].unit
    return "share" if metric.endswith("_share") else "count"


def convergence_verdict(
    rows: pd.DataFrame,
    headlines: Mapping[tuple[str, str], str] = CONVERGENCE_HEADLINES,
    *,
    share_tolerance: float = 0.01,
    relative_tolerance: float = 0.05,
) -> pd.DataFrame:
    """Per headline: from which size on its mean stays close to the largest worlds' mean.

    A share has converged at size ``n`` when the means at ``n`` and at every larger size
    lie within ``share_tolerance`` (1 percentage point) of the largest size's mean; a rate
    or count when they lie within ``relative_tolerance`` (5%) of it. ``growth`` is the
    largest size's mean over the smallest's: near 1 for what converges, growing with the
    world for per-world counts.

    Returns
    -------
    pandas.DataFrame
        ``headline``, ``metric``, ``scenario``, ``unit``, ``at_smallest``, ``at_largest``,
        ``low_largest``, ``high_largest``, ``growth``, ``converged_from`` (a size, or
        ``pd.NA`` if only the largest size is close to itself), ``smallest``, ``largest``.

    Examples
    --------
    >>> rows = pd.DataFrame({"n_people": [1, 1, 2, 2, 3, 3], "seed": [0, 1] * 3,
    ...     "metric": "x_share", "scenario": "s", "value": [.5, .52, .6, .6, .605, .6]})
    >>> v = convergence_verdict(rows, {("x_share", "s"): "X"})
    >>> int(v["converged_from"].iloc[0])
    2
    """
    summary = convergence_summary(rows)
    sizes = sorted(summary["n_people"].unique())
    big, small = sizes[-1], sizes[0]
    recs = []
    for (metric, scen), label in headlines.items():
        part = summary[(summary["metric"] == metric) & (summary["scenario"] == scen)]
        if part.empty:
            continue
        means = part.set_index("n_people")["mean"].reindex(sizes)
        unit = _unit(metric)
        ref = float(means[big])
        tol = share_tolerance if unit == "share" else relative_tolerance * abs(ref)
        close = (means - ref).abs() <= tol + 1e-12
        converged_from: Any = pd.NA
        for n in sizes[:-1]:
            if bool(close[[m for m in sizes if m >= n]].all()):
                converged_from = int(n)
                break
        b = part[part["n_people"] == big].iloc[0]
        recs.append(
            {
                "headline": label,
                "metric": metric,
                "scenario": scen,
                "unit": unit,
                "at_smallest": float(means[small]),
                "at_largest": ref,
                "low_largest": float(b["low"]),
                "high_largest": float(b["high"]),
                "growth": ref / float(means[small]) if float(means[small]) else float("nan"),
                "converged_from": converged_from,
                "smallest": int(small),
                "largest": int(big),
            }
        )
    out = pd.DataFrame(recs)
    if not out.empty:
        out["converged_from"] = out["converged_from"].astype("Int64")
    return out


def _fmt(x: float, unit: str) -> str:
    from analysis.core.formatting import fmt_count, fmt_share

    if unit == "share":
        return fmt_share(x)
    return fmt_count(x) if unit == "count" else f"{x:.1f}"


def verdict_table(verdict: pd.DataFrame) -> pd.DataFrame:
    """Write the verdict in words, one row per headline, for display.

    Returns
    -------
    pandas.DataFrame
        ``headline``, ``kind`` (a share of people, or per-world count/rate), the value at the
        smallest and the largest size, ``converged_from`` in words.
    """
    recs = []
    for r in verdict.itertuples(index=False):
        kind = {"share": "share", "rate": "rate per 1,000"}.get(r.unit, "count per world")
        recs.append(
            {
                "headline": r.headline,
                "kind": kind,
                f"at {r.smallest:,} people": _fmt(r.at_smallest, r.unit),
                f"at {r.largest:,} people": _fmt(r.at_largest, r.unit),
                "stable from": "grows with the world"
                if r.unit == "count" and r.growth > 2
                else "not yet"
                if pd.isna(r.converged_from)
                else f"{int(r.converged_from):,} people",
            }
        )
    return pd.DataFrame(recs)


def convergence_statements(verdict: pd.DataFrame) -> list[str]:
    """Plain sentences: which headlines converge, from what size, and which grow.

    >>> v = pd.DataFrame({"headline": ["A"], "unit": ["share"], "at_smallest": [0.3],
    ...     "at_largest": [0.4], "growth": [1.33], "converged_from": [pd.NA],
    ...     "smallest": [1500], "largest": [100000]})
    >>> convergence_statements(v)[0]
    'A: not yet stable at 100,000 people (30% at 1,500 people, 40% at 100,000).'
    """
    out = []
    for r in verdict.itertuples(index=False):
        a, b = _fmt(r.at_smallest, r.unit), _fmt(r.at_largest, r.unit)
        if r.unit == "count" and r.growth > 2:
            out.append(
                f"{r.headline}: grows with the world, as a count does ({a} at "
                f"{r.smallest:,} people, {b} at {r.largest:,}, {r.growth:.0f} times as many); "
                "it is reported as a share or per 1,000 people instead."
            )
        elif pd.isna(r.converged_from):
            out.append(
                f"{r.headline}: not yet stable at {r.largest:,} people ({a} at "
                f"{r.smallest:,} people, {b} at {r.largest:,})."
            )
        elif int(r.converged_from) == int(r.smallest):
            out.append(
                f"{r.headline}: stable from the smallest size, {r.smallest:,} people "
                f"({a}; {b} at {r.largest:,})."
            )
        else:
            out.append(
                f"{r.headline}: stable from {int(r.converged_from):,} people ({a} at "
                f"{r.smallest:,} people, {b} at {r.largest:,})."
            )
    return out


def structure_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Tabulate the tie structure by world size (mean over seeds): what ties were built on.

    Returns
    -------
    pandas.DataFrame
        One row per :data:`STRUCTURE_METRICS` entry (its words), one column per size.
    """
    part = rows[rows["scenario"] == "world"]
    wide = part.groupby(["metric", "n_people"])["value"].mean().unstack("n_people")
    wide = wide.reindex(list(STRUCTURE_METRICS))
    wide.index = [STRUCTURE_METRICS[m] for m in wide.index]
    wide.columns = [f"{int(n):,} people" for n in wide.columns]
    return wide.rename_axis("measure").reset_index()
