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
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from analysis.core.paths import DATA_DIR, ROOT
from analysis.results.metrics import HEADLINES

__all__ = [
    "CHECK_N_PEOPLE",
    "RESULTS_DIR",
    "SweepConfig",
    "SweptParameter",
    "check_rows",
    "drivers",
    "elementary_effects",
    "headline_ranges",
    "load_sweep",
    "morris_design",
    "run_sweep",
    "run_task",
    "swept_parameters",
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
    """One swept parameter: where it lives, its kind and its plausible range."""

    where: str
    name: str
    kind: str
    low: float
    high: float
    confidence: str
    source: str


def _classes() -> dict[str, type]:
    from analysis.world.params import SocialParams, WorldParams

    return {"world": WorldParams, "social": SocialParams}


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
            out.append(
                SweptParameter(
                    where, f.name, m["kind"], float(lo), float(hi), conf, m.get("source", "")
                )
            )
    return out


def unswept_parameters() -> list[tuple[str, str]]:
    """Non-high-confidence parameters left out of the sweep, with the reason.

    >>> dict(unswept_parameters())["role_shares"]
    'a mapping of weights without a plausible range'
    """
    out = []
    for cls in _classes().values():
        for f in dataclasses.fields(cls):
            m = f.metadata
            if m.get("confidence") in (None, "high", "n/a"):
                continue
            if m.get("kind") not in ("share", "int", "float"):
                out.append((f.name, "a mapping of weights without a plausible range"))
            elif m.get("plausible") is None:
                out.append((f.name, "no plausible range declared"))
    return out


@dataclasses.dataclass(frozen=True)
class SweepConfig:
    """What a sweep runs: world size, Morris trajectories and levels, seeds, design seed."""

    n_people: int = 10_000
    trajectories: int = 1
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
    from SALib.sample import morris

    params = _config_parameters(config)
    x = morris.sample(
        _problem(params), config.trajectories, num_levels=config.levels, seed=config.design_seed
    )
    design = pd.DataFrame(x, columns=[p.name for p in params])
    for p in params:
        design[p.name] = design[p.name].round(12)
        if p.kind == "int":
            design[p.name] = design[p.name].round().astype(int)
    design.insert(0, "point", np.arange(len(design), dtype=np.int64))
    return design


def _point_params(row: dict[str, Any], n_people: int, seed: int):
    classes = _classes()
    kinds = {p.name: (p.where, p.kind) for p in swept_parameters()}
    by = {"world": {}, "social": {}}
    for name, value in row.items():
        if name == "point":
            continue
        where, kind = kinds[name]
        by[where][name] = int(value) if kind == "int" else float(value)
    world = classes["world"](n_people=n_people, seed=seed, **by["world"])
    social = classes["social"](seed=seed, **by["social"])
    return world, social


def run_task(row: dict[str, Any], n_people: int, seed: int) -> pd.DataFrame:
    """Headline metrics of one world: design point ``row`` at ``seed`` (one Dask task).

    Returns
    -------
    pandas.DataFrame
        ``point``, ``seed``, ``metric``, ``scenario``, ``value``.
    """
    from analysis.results.headlines import headline_metrics

    world, social = _point_params(row, n_people, seed)
    df = headline_metrics(world, social, seed=seed)
    df.insert(0, "seed", np.int64(seed))
    df.insert(0, "point", np.int64(row["point"]))
    return df.reset_index(drop=True)


def _task_file(out: Path, point: int, seed: int) -> Path:
    return out / "rows" / f"point={point:04d}-seed={seed}.parquet"


def _atomic_parquet(df: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(fd)
    try:
        df.to_parquet(tmp, index=False)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _atomic_json(obj: Any, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "w") as fh:
        json.dump(obj, fh, indent=2, sort_keys=True)
        fh.write("\n")
    os.replace(tmp, path)


def _commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


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
    _atomic_json(manifest, manifest_path)
    _atomic_parquet(design, out / "design.parquet")
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
                    _atomic_parquet(fut.result(), _task_file(out, point, seed))
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
        "package_version": _version(),
        "commit": _commit(),
    }
    _atomic_json(manifest, manifest_path)
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
    _atomic_parquet(check_rows(design, manifest["design"]["seeds"]), path)
    return path


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("whatsapp-facebook-2016")
    except PackageNotFoundError:
        return "unknown"


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


def _point_means(rows: pd.DataFrame) -> pd.DataFrame:
    return rows.groupby(["metric", "scenario", "point"], as_index=False)["value"].agg(
        ["mean", "std", "count"]
    )


def headline_ranges(out: Path | str = RESULTS_DIR, headlines=HEADLINES) -> pd.DataFrame:
    """Per headline: median and 5th-95th percentile over plausible parameters, and MC error.

    The range is over the design points' seed-means; the Monte-Carlo error is the seeds'
    standard error of one point's mean (pooled within-point standard deviation over
    sqrt(seeds)), named as such.

    Returns
    -------
    pandas.DataFrame
        ``metric``, ``scenario``, ``label``, ``median``, ``p05``, ``p95``, ``mc_se``,
        ``points``, ``seeds``.
    """
    _, _, rows = load_sweep(out)
    pm = _point_means(rows)
    recs = []
    for (metric, scenario), label in headlines.items():
        g = pm[(pm["metric"] == metric) & (pm["scenario"] == scenario)].dropna(subset=["mean"])
        if g.empty:
            continue
        seeds = int(g["count"].max())
        pooled_sd = float(np.sqrt(np.nanmean(g["std"].to_numpy() ** 2))) if seeds > 1 else np.nan
        recs.append(
            {
                "metric": metric,
                "scenario": scenario,
                "label": label,
                "median": float(g["mean"].median()),
                "p05": float(g["mean"].quantile(0.05)),
                "p95": float(g["mean"].quantile(0.95)),
                "mc_se": pooled_sd / np.sqrt(seeds),
                "points": len(g),
                "seeds": seeds,
            }
        )
    return pd.DataFrame(recs)


def elementary_effects(design: pd.DataFrame, names: Sequence[str], bounds, y) -> pd.DataFrame:
    """Morris elementary effects of consecutive design points where both outputs are known.

    Within a trajectory, consecutive points differ in one parameter; its effect is the change
    of ``y`` over the change of the parameter scaled to its range (Morris 1991). Pairs with
    a missing output (a sweep still running) are skipped.

    >>> d = pd.DataFrame({"point": [0, 1, 2], "a": [0.0, 1.0, 1.0], "b": [0.0, 0.0, 2.0]})
    >>> elementary_effects(d, ["a", "b"], [[0, 1], [0, 4]], [1.0, 3.0, 2.0])
      parameter   ee
    0         a  2.0
    1         b -2.0
    """
    x = design[list(names)].to_numpy(float)
    lo = np.array([b[0] for b in bounds], float)
    span = np.array([b[1] - b[0] for b in bounds], float)
    z = (x - lo) / span
    y = np.asarray(y, float)
    k = len(names)
    recs = []
    for start in range(0, len(design), k + 1):
        for j in range(start, min(start + k, len(design) - 1)):
            dz = z[j + 1] - z[j]
            changed = np.flatnonzero(np.abs(dz) > 1e-9)
            if len(changed) != 1 or np.isnan(y[j]) or np.isnan(y[j + 1]):
                continue
            c = changed[0]
            recs.append((names[c], (y[j + 1] - y[j]) / dz[c]))
    return pd.DataFrame(recs, columns=["parameter", "ee"])


def drivers(out: Path | str = RESULTS_DIR, headlines=HEADLINES) -> pd.DataFrame:
    """Morris mu* and sigma of every swept parameter for every headline, largest mu* first.

    mu* is the mean absolute elementary effect (Campolongo et al. 2007), sigma their
    standard deviation (NaN with one effect, i.e. one trajectory); effects are of the
    seed-mean, in the metric's unit per full plausible range. ``effects`` counts them.

    Returns
    -------
    pandas.DataFrame
        ``metric``, ``scenario``, ``label``, ``parameter``, ``mu_star``, ``sigma``,
        ``effects``, ``rank``.
    """
    manifest, design, rows = load_sweep(out)
    rec = manifest["design"]
    names = [p["name"] for p in rec["parameters"]]
    bounds = [[p["low"], p["high"]] for p in rec["parameters"]]
    pm = _point_means(rows)
    frames = []
    for (metric, scenario), label in headlines.items():
        g = pm[(pm["metric"] == metric) & (pm["scenario"] == scenario)].set_index("point")
        y = g["mean"].reindex(design["point"]).to_numpy(float)
        ee = elementary_effects(design, names, bounds, y)
        agg = ee.groupby("parameter")["ee"]
        df = pd.DataFrame(
            {
                "parameter": names,
                "mu_star": agg.apply(lambda e: np.abs(e).mean()).reindex(names).to_numpy(),
                "sigma": agg.std(ddof=1).reindex(names).to_numpy(),
                "effects": agg.size().reindex(names).fillna(0).astype(int).to_numpy(),
            }
        )
        df = df[df["effects"] > 0].sort_values(
            ["mu_star", "parameter"], ascending=[False, True], ignore_index=True
        )
        df["rank"] = np.arange(1, len(df) + 1)
        df.insert(0, "label", label)
        df.insert(0, "scenario", scenario)
        df.insert(0, "metric", metric)
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def uncertainty_table(out: Path | str = RESULTS_DIR, top: int = 2) -> pd.DataFrame:
    """One row per headline, in words: its range over plausible parameters and its drivers.

    ``range`` is the 5th-95th percentile over the design points (each point the mean over its
    seeds), ``seed_error`` the Monte-Carlo standard error of one point's mean (seed noise,
    named as such), ``drivers`` the ``top`` parameters with the largest Morris mu*.
    ``is_complete`` says whether every task of the stored design has run.

    Returns
    -------
    pandas.DataFrame
        ``headline``, ``median``, ``range``, ``seed_error``, ``drivers``, ``points``,
        ``seeds``, ``is_complete``.
    """
    from analysis.core.formatting import fmt_range, fmt_share

    manifest, _, _ = load_sweep(out)
    ranges = headline_ranges(out)
    drv = drivers(out)
    rows = []
    for r in ranges.itertuples(index=False):
        d = drv[(drv["metric"] == r.metric) & (drv["scenario"] == r.scenario)]
        names = [_parameter_words(p) for p in d.nsmallest(top, "rank")["parameter"]]
        rows.append(
            {
                "headline": r.label,
                "median": fmt_share(r.median),
                "range": fmt_range(r.p05, r.p95),
                "seed_error": f"±{100 * r.mc_se:.1f} points",
                "drivers": ", ".join(names),
                "points": int(r.points),
                "seeds": int(r.seeds),
                "is_complete": bool(manifest.get("complete", False)),
            }
        )
    return pd.DataFrame(rows)


def _parameter_words(name: str) -> str:
    """Return a parameter's plain name: the label map's words, else its code name spelled out.

    >>> _parameter_words("facebook_app_same_phone_share")
    'Facebook app same phone share'
    """
    from analysis.core.labels import PARAMETER_LABELS

    if name in PARAMETER_LABELS:
        return PARAMETER_LABELS[name]
    brands = {"whatsapp": "WhatsApp", "facebook": "Facebook"}
    text = " ".join(brands.get(w, w) for w in name.split("_"))
    return text[:1].upper() + text[1:]
