"""Global sensitivity sweep: Morris screening over every unknown parameter, on Dask.

The design (:func:`morris_design`) is SALib's Morris screening (Morris 1991, with the
trajectory sampler of SALib ``SALib.sample.morris.sample``, 4 levels) over every parameter
of :class:`analysis.world.WorldParams` and :class:`analysis.world.SocialParams` whose
confidence is not ``"high"`` and that declares a plausible range; each range is the
``plausible`` range of the parameter table (the ``param(...)`` declaration, shown in the
methods notebook). Each design point is run at several seeds; **one world per Dask task**
(:func:`analysis.core.cluster.dask_client`). Results stream to a parquet dataset, one file
per task (written to a temporary file, then renamed); a sweep that was interrupted resumes
where it stopped (tasks whose file exists are skipped), and refuses to resume when the
manifest's design differs.

:func:`headline_ranges` gives, per headline, the 5th-95th percentile over the design points
(the range over plausible parameters) with the Monte-Carlo (seed) standard error beside it;
:func:`drivers` ranks the parameters by Morris mu* and sigma.

>>> names = [p.name for p in swept_parameters()]
>>> "facebook_app_same_phone_share" in names, "median_ties" in names
(True, False)
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from analysis.core.io import write_json, write_parquet
from analysis.core.paths import DATA_DIR
from analysis.core.provenance import provenance
from analysis.results.metrics import HEADLINES

__all__ = [
    "CHECK_N_PEOPLE",
    "RESULTS_DIR",
    "SweepConfig",
    "SweptParameter",
    "check_rows",
    "drivers",
    "findings_html",
    "headline_ranges",
    "load_sweep",
    "morris_design",
    "morris_sample",
    "run_sweep",
    "run_task",
    "swept_parameters",
    "uncertainty_table",
    "unswept_parameters",
    "write_check",
]

#: The tracked results folder (``python -m analysis sweep`` writes it).
RESULTS_DIR = DATA_DIR / "results"

_FORMAT = 1

#: People per world of the staleness check (``check.parquet``): small, so a test recomputes it
#: in seconds.
CHECK_N_PEOPLE = 300


class SweptParameter(NamedTuple):
    """One swept parameter: where it lives, its kind and its plausible range.

    ``name`` is the field name, or ``where.field`` when two parameter classes share the
    field name (``social.typo_share`` of address books, ``ads.typo_share`` of customer lists).
    """

    where: str
    name: str
    kind: str
    low: float
    high: float
    confidence: str
    source: str
    field: str = ""


def _classes() -> dict[str, type]:
    from analysis.effects.ads.params import AdsParams
    from analysis.effects.suggest import SuggestParams
    from analysis.linking.params import LinkingParams
    from analysis.world.params import SocialParams, WorldParams

    return {
        "world": WorldParams,
        "social": SocialParams,
        "suggest": SuggestParams,
        "linking": LinkingParams,
        "ads": AdsParams,
    }


def swept_parameters() -> list[SweptParameter]:
    """Every scalar parameter whose confidence is not high (nor n/a) with a plausible range.

    >>> p = {q.name: q for q in swept_parameters()}["opt_out_uptake_share"]
    >>> (p.low, p.high, p.confidence)
    (0.01, 0.25, 'low')
    """
    out = []
    for where, cls in _classes().items():
        for f in dataclasses.fields(cls):
            m = f.metadata
            conf = m.get("confidence")
            if conf in (None, "high", "n/a") or m.get("plausible") is None:
                continue
            if m.get("kind") not in ("share", "int", "float"):
                continue
            lo, hi = m["plausible"]
            src = m.get("source", "")
            out.append(SweptParameter(where, f.name, m["kind"], lo, hi, conf, src, f.name))
    counts: dict[str, int] = {}
    for p in out:
        counts[p.field] = counts.get(p.field, 0) + 1
    return [
        p._replace(
            name=p.field if counts[p.field] == 1 else f"{p.where}.{p.field}",
            low=float(p.low),
            high=float(p.high),
        )
        for p in out
    ]


def unswept_parameters() -> list[tuple[str, str]]:
    """Non-high-confidence parameters left out of the sweep, with the reason.

    >>> dict(unswept_parameters())["role_shares"]
    'a choice or a mapping of weights without a plausible range'
    """
    out = []
    for cls in _classes().values():
        for f in dataclasses.fields(cls):
            m = f.metadata
            if m.get("confidence") in (None, "high", "n/a"):
                continue
            if m.get("kind") == "bool":
                out.append((f.name, "a yes/no switch (the scenarios and what-ifs vary it)"))
            elif m.get("kind") not in ("share", "int", "float"):
                out.append((f.name, "a choice or a mapping of weights without a plausible range"))
            elif m.get("plausible") is None:
                out.append((f.name, "no plausible range declared"))
    return out


@dataclasses.dataclass(frozen=True)
class SweepConfig:
    """What a sweep runs: world size, Morris trajectories and levels, seeds, design seed."""

    n_people: int = 10_000
    trajectories: int = 2
    levels: int = 4
    seeds: tuple[int, ...] = (0, 1)
    design_seed: int = 2016
    #: Only these parameters (default: every one of :func:`swept_parameters`; for tests).
    parameters: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.parameters is not None:
            known = [p.name for p in swept_parameters()]
            bad = [n for n in self.parameters if n not in known]
            if bad or not self.parameters:
                raise ValueError(
                    f"parameters = {bad or list(self.parameters)!r} are not swept; allowed: {known}"
                )
            object.__setattr__(self, "parameters", tuple(self.parameters))
        if not isinstance(self.n_people, int) or self.n_people < 50:
            raise ValueError(f"n_people = {self.n_people!r} must be an integer of at least 50")
        if not isinstance(self.trajectories, int) or self.trajectories < 1:
            raise ValueError(f"trajectories = {self.trajectories!r} must be at least 1")
        if self.levels < 2 or self.levels % 2:
            raise ValueError(f"levels = {self.levels!r} must be an even integer of at least 2")
        seeds = tuple(self.seeds)
        if not seeds or len(set(seeds)) != len(seeds) or any(int(s) < 0 for s in seeds):
            raise ValueError(f"seeds = {self.seeds!r} must be distinct non-negative integers")
        object.__setattr__(self, "seeds", tuple(int(s) for s in seeds))


def _problem(params: Sequence[SweptParameter]) -> dict[str, Any]:
    return {
        "num_vars": len(params),
        "names": [p.name for p in params],
        "bounds": [[p.low, p.high] for p in params],
    }


def morris_design(config: SweepConfig) -> pd.DataFrame:
    """Return the Morris design: one row per point, one column per swept parameter.

    Integer parameters are rounded to the nearest integer.

    >>> d = morris_design(SweepConfig(trajectories=1))
    >>> len(d) == len(swept_parameters()) + 1
    True
    """
    params = _config_parameters(config)
    design = pd.DataFrame(_rounded(morris_sample(config), config), columns=[p.name for p in params])
    for p in params:
        if p.kind == "int":
            design[p.name] = design[p.name].astype(int)
    design.insert(0, "point", np.arange(len(design), dtype=np.int64))
    return design


def morris_sample(config: SweepConfig) -> np.ndarray:
    """Return the design as ``SALib.sample.morris.sample`` returns it, in the parameters' units.

    :func:`morris_design` rounds it (integer parameters to integers) to build worlds;
    ``SALib.analyze.morris.analyze`` needs it as sampled.
    """
    from SALib.sample import morris

    return morris.sample(
        _problem(_config_parameters(config)),
        config.trajectories,
        num_levels=config.levels,
        seed=config.design_seed,
    )


def _rounded(x: np.ndarray, config: SweepConfig) -> np.ndarray:
    x = np.round(np.asarray(x, float), 12)
    for j, p in enumerate(_config_parameters(config)):
        if p.kind == "int":
            x[:, j] = np.round(x[:, j])
    return x


def _point_params(row: dict[str, Any], n_people: int, seed: int) -> dict[str, Any]:
    """Build the parameter objects of one design point (``headline_metrics`` arguments)."""
    from analysis.results.headlines import FindingsParams

    classes = _classes()
    kinds = {p.name: p for p in swept_parameters()}
    by: dict[str, dict[str, Any]] = {where: {} for where in classes}
    for name, value in row.items():
        if name == "point":
            continue
        p = kinds[name]
        by[p.where][p.field] = int(value) if p.kind == "int" else float(value)
    return {
        "world": classes["world"](n_people=n_people, seed=seed, **by["world"]),
        "social": classes["social"](seed=seed, **by["social"]),
        "suggest": classes["suggest"](**by["suggest"]),
        "linking_params": classes["linking"](**by["linking"]),
        "ads_params": classes["ads"](n_businesses=FindingsParams().n_businesses, **by["ads"]),
    }


def run_task(row: dict[str, Any], n_people: int, seed: int) -> pd.DataFrame:
    """Headline metrics of one world: design point ``row`` at ``seed`` (one Dask task).

    Returns
    -------
    pandas.DataFrame
        ``point``, ``seed``, ``metric``, ``scenario``, ``value``.
    """
    from analysis.results.headlines import headline_metrics

    df = headline_metrics(**_point_params(row, n_people, seed), seed=seed)
    df.insert(0, "seed", np.int64(seed))
    df.insert(0, "point", np.int64(row["point"]))
    return df.reset_index(drop=True)


def _task_file(out: Path, point: int, seed: int) -> Path:
    return out / "rows" / f"point={point:04d}-seed={seed}.parquet"


def _config_parameters(config: SweepConfig) -> list[SweptParameter]:
    params = swept_parameters()
    if config.parameters is None:
        return params
    return [p for p in params if p.name in config.parameters]


def _design_record(config: SweepConfig, design: pd.DataFrame) -> dict[str, Any]:
    params = _config_parameters(config)
    return {
        "format": _FORMAT,
        "method": "Morris elementary effects (SALib.sample.morris.sample)",
        "n_people": config.n_people,
        "trajectories": config.trajectories,
        "levels": config.levels,
        "seeds": list(config.seeds),
        "design_seed": config.design_seed,
        "parameters": [
            {
                "name": p.name,
                "where": p.where,
                "kind": p.kind,
                "low": p.low,
                "high": p.high,
                "confidence": p.confidence,
                "range_source": "plausible range of the parameter declaration",
                "value_source": p.source,
            }
            for p in params
        ],
        "points": design.drop(columns="point").to_dict(orient="split")["data"],
    }


def run_sweep(
    config: SweepConfig,
    out: Path | str = RESULTS_DIR,
    *,
    scheduler: str | None = None,
    progress: bool = True,
    max_tasks: int | None = None,
    n_workers: int | None = None,
) -> dict[str, Any]:
    """Run (or resume) the sweep into ``out``; return the manifest.

    Parameters
    ----------
    config : SweepConfig
    out : path
        Results folder: ``manifest.json``, ``design.parquet``, ``rows/`` (one file per task).
    scheduler : str, optional
        Dask scheduler address (else ``$DASK_SCHEDULER_ADDRESS``, else a local cluster).
    progress : bool
        Show a tqdm bar counting tasks.
    max_tasks : int, optional
        Stop after this many new tasks (the rest stays to resume).
    n_workers : int, optional
        Workers of a local cluster.

    Raises
    ------
    ValueError
        If ``out`` holds a sweep of another design (nothing is written).
    """
    from analysis.core.cluster import dask_client, scheduler_address

    scheduler_address(scheduler)  # bad address: error before anything is written
    out = Path(out)
    design = morris_design(config)
    record = _design_record(config, design)
    manifest_path = out / "manifest.json"
    if manifest_path.exists():
        old = json.loads(manifest_path.read_text())
        if old.get("design") != json.loads(json.dumps(record)):
            raise ValueError(
                f"{out} holds a sweep of another design (n_people, trajectories, levels, seeds, "
                "design seed or parameters differ): use another --out or remove it"
            )
    manifest = {"design": record, "complete": False}
    write_json(manifest, manifest_path)
    write_parquet(design, out / "design.parquet", compression="snappy")
    rows = design.to_dict(orient="records")
    tasks = [(r, s) for r in rows for s in config.seeds]
    todo = [(r, s) for r, s in tasks if not _task_file(out, int(r["point"]), s).exists()]
    already = len(tasks) - len(todo)
    if max_tasks is not None:
        todo = todo[: max(0, int(max_tasks))]
    if todo:
        from distributed import as_completed
        from tqdm.auto import tqdm

        with dask_client(scheduler, n_workers=n_workers) as client:
            futures = {
                client.submit(run_task, r, config.n_people, s, pure=False): (int(r["point"]), s)
                for r, s in todo
            }
            bar = tqdm(
                total=len(tasks),
                initial=already,
                desc="sweep tasks",
                unit="task",
                disable=not progress,
                file=sys.stderr,
            )
            try:
                for fut in as_completed(futures):
                    point, seed = futures[fut]
                    write_parquet(fut.result(), _task_file(out, point, seed), compression="snappy")
                    bar.update(1)
            finally:
                bar.close()
                for fut in futures:
                    fut.cancel()
    done = [_task_file(out, int(r["point"]), s) for r, s in tasks]
    n_done = sum(p.exists() for p in done)
    manifest = {
        "design": record,
        "complete": n_done == len(tasks),
        "tasks": len(tasks),
        "tasks_done": n_done,
        "rows": int(sum(pd.read_parquet(p).shape[0] for p in done if p.exists())),
        **provenance(),
    }
    write_json(manifest, manifest_path)
    return manifest


def _check_tasks(design: pd.DataFrame, seeds: Sequence[int]) -> list[tuple[dict, int]]:
    rows = design.to_dict(orient="records")
    return [(rows[0], int(seeds[0])), (rows[-1], int(seeds[-1]))]


def check_rows(design: pd.DataFrame, seeds: Sequence[int]) -> pd.DataFrame:
    """Recompute the staleness check: first and last design point, at ``CHECK_N_PEOPLE``."""
    frames = [run_task(r, CHECK_N_PEOPLE, s) for r, s in _check_tasks(design, seeds)]
    return pd.concat(frames, ignore_index=True)


def write_check(out: Path | str = RESULTS_DIR) -> Path:
    """Write ``check.parquet``: the design's first and last points in small worlds.

    The points are those of the stored design and the code is the current code, so a test
    that recomputes them (:func:`check_rows`) fails when the code's results have changed
    since the sweep was stored.
    """
    out = Path(out)
    manifest, design, _ = load_sweep(out)
    path = out / "check.parquet"
    write_parquet(check_rows(design, manifest["design"]["seeds"]), path, compression="snappy")
    return path


def load_sweep(out: Path | str = RESULTS_DIR) -> tuple[dict[str, Any], pd.DataFrame, pd.DataFrame]:
    """Read a sweep: ``(manifest, design, rows)`` (rows sorted by point, seed, metric, scenario).

    Raises
    ------
    FileNotFoundError
        If ``out`` holds no sweep (run ``python -m analysis sweep``).
    """
    out = Path(out)
    if not (out / "manifest.json").exists():
        raise FileNotFoundError(f"{out} holds no sweep: run `python -m analysis sweep`")
    manifest = json.loads((out / "manifest.json").read_text())
    design = pd.read_parquet(out / "design.parquet")
    files = sorted((out / "rows").glob("*.parquet"))
    rows = pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
    rows = rows.sort_values(["point", "seed", "metric", "scenario"], ignore_index=True)
    return manifest, design, rows


def _sampled(manifest: dict[str, Any], design: pd.DataFrame) -> np.ndarray:
    """Return the stored design as SALib sampled it (integers not rounded), checked."""
    rec = manifest["design"]
    config = SweepConfig(
        n_people=rec["n_people"],
        trajectories=rec["trajectories"],
        levels=rec["levels"],
        seeds=tuple(rec["seeds"]),
        design_seed=rec["design_seed"],
        parameters=tuple(p["name"] for p in rec["parameters"]),
    )
    x = morris_sample(config)
    if not np.allclose(_rounded(x, config), design.drop(columns="point").to_numpy(float)):
        raise ValueError("the stored design is not the one its manifest's settings sample")
    return x


def headline_ranges(out: Path | str = RESULTS_DIR, headlines=HEADLINES) -> pd.DataFrame:
    """Per headline: median and 5th-95th percentile over plausible parameters, and MC error.

    See :func:`analysis.results.screening.headline_ranges_of` (same columns).
    """
    from analysis.results.screening import headline_ranges_of

    return headline_ranges_of(load_sweep(out)[2], headlines)


def drivers(out: Path | str = RESULTS_DIR, headlines=HEADLINES) -> pd.DataFrame:
    """Morris mu* and sigma of every swept parameter for every headline, largest mu* first.

    See :func:`analysis.results.screening.drivers_of`: ``metric``, ``scenario``,
    ``label``, ``parameter``, ``mu_star``, ``sigma``, ``effects``, ``rank``, ``mu``,
    ``mu_star_conf``, ``method`` (``SALib``: by ``SALib.analyze.morris.analyze``).
    """
    from analysis.results.screening import drivers_of

    manifest, design, rows = load_sweep(out)
    return drivers_of(manifest["design"], _sampled(manifest, design), rows, headlines)


def uncertainty_table(
    out: Path | str = RESULTS_DIR, top: int = 2, headlines=HEADLINES
) -> pd.DataFrame:
    """One row per headline, in words: its range over plausible parameters and its drivers.

    ``range`` is the 5th-95th percentile over the design points (each point the mean over its
    seeds), ``seed_error`` the Monte-Carlo standard error of one point's mean (seed noise,
    named as such), ``drivers`` the ``top`` parameters with the largest Morris mu*.
    ``is_complete`` says whether every task of the stored design has run. ``headlines``
    maps ``(metric, scenario)`` to a label (default the headlines of :data:`HEADLINES`).

    Returns
    -------
    pandas.DataFrame
        ``headline``, ``median``, ``range``, ``seed_error``, ``drivers``, ``points``,
        ``seeds``, ``is_complete``, ``metric``, ``scenario``.
    """
    from analysis.results.screening import drivers_of, headline_ranges_of, uncertainty_rows

    manifest, design, rows = load_sweep(out)
    ranges = headline_ranges_of(rows, headlines)
    drv = drivers_of(manifest["design"], _sampled(manifest, design), rows, headlines)
    return uncertainty_rows(ranges, drv, top=top, complete=manifest.get("complete", False))


def findings_html(findings: pd.DataFrame, out: Path | str = RESULTS_DIR, top: int = 2) -> str:
    """Write the key findings as HTML, each with its figures over plausible parameters.

    ``findings`` is :func:`analysis.results.findings_table`; every figure it quotes that the
    sweep stores gets its range, Monte-Carlo error and ``top`` drivers
    (:func:`analysis.results.screening.annotate_findings`).
    """
    from analysis.results.metrics import METRICS
    from analysis.results.screening import annotate_findings

    pairs = findings.loc[findings["metric"] != "", ["metric", "scenario"]].drop_duplicates()
    labels = {
        (m, s): METRICS[m].label[:1].upper() + METRICS[m].label[1:] if m in METRICS else m
        for m, s in zip(pairs["metric"], pairs["scenario"], strict=True)
    }
    return annotate_findings(findings, uncertainty_table(out, top, labels))
