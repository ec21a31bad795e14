"""What a stored sweep says: ranges over plausible parameters, seed noise, Morris indices.

The sweep itself (design, Dask tasks, the results folder) is :mod:`analysis.results.sweep`;
this module works on what it stored, as frames:

* :func:`headline_ranges_of`: per headline, the 5th-95th percentile over the design points
  (each point the mean over its seeds: the range over plausible parameters) with the
  Monte-Carlo error of the seeds beside it, named as such;
* :func:`morris_indices`: Morris mu, mu*, sigma (and the bootstrap confidence of mu*) of one
  output, by ``SALib.analyze.morris.analyze`` on the design as SALib sampled it;
* :func:`elementary_effects`: the same elementary effects computed here, pair by pair, which
  also serve a sweep still running (pairs with a missing output are skipped) and outputs
  that are undefined at some points (a share of an empty group);
* :func:`drivers_of`: both, per headline, largest mu* first.

SALib's unscaled effects are ``(y[j+1] - y[j]) / delta`` with ``delta = levels / (2 (levels
- 1))`` and the sign of the step: the change of the output over the parameter's step
**on the unit scale** (a full plausible range = 1), so the design passed to it must be the
one it sampled: integer parameters are rounded before a world is built, and their rounded
step is not ``delta`` (which is why an earlier comparison on the rounded design disagreed).
Both analyses use the seed-mean of each point, never one seed's output.

>>> import numpy as np
>>> x = np.array([[0.0, 0.0], [2 / 3, 0.0], [2 / 3, 2 / 3]])
>>> ee = elementary_effects(x, ["a", "b"], [[0, 1], [0, 1]], [1.0, 3.0, 2.0])
>>> ee["ee"].round(6).tolist()
[3.0, -1.5]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from analysis.results.metrics import HEADLINES

__all__ = [
    "annotate_findings",
    "drivers_of",
    "elementary_effects",
    "fmt_seed_error",
    "headline_ranges_of",
    "morris_indices",
    "parameter_words",
    "point_means",
    "uncertainty_rows",
]


def point_means(rows: pd.DataFrame) -> pd.DataFrame:
    """Mean, standard deviation and count over seeds per metric, scenario and design point."""
    return rows.groupby(["metric", "scenario", "point"], as_index=False)["value"].agg(
        ["mean", "std", "count"]
    )


def headline_ranges_of(rows: pd.DataFrame, headlines=HEADLINES) -> pd.DataFrame:
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
    pm = point_means(rows)
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


def elementary_effects(x, names: Sequence[str], bounds, y) -> pd.DataFrame:
    """Morris elementary effects of consecutive design points where both outputs are known.

    Within a trajectory (``len(names) + 1`` points), consecutive points differ in one
    parameter; its effect is the change of ``y`` over the parameter's change on the unit
    scale (its plausible range = 1; Morris 1991). ``x`` is the design as sampled (not
    rounded). Pairs with a missing output are skipped.

    Returns
    -------
    pandas.DataFrame
        ``trajectory``, ``parameter``, ``ee``.
    """
    x = np.asarray(x, float)
    lo = np.array([b[0] for b in bounds], float)
    span = np.array([b[1] - b[0] for b in bounds], float)
    z = (x - lo) / span
    y = np.asarray(y, float)
    k = len(names)
    recs = []
    for start in range(0, len(x), k + 1):
        for j in range(start, min(start + k, len(x) - 1)):
            dz = z[j + 1] - z[j]
            changed = np.flatnonzero(np.abs(dz) > 1e-9)
            if len(changed) != 1 or np.isnan(y[j]) or np.isnan(y[j + 1]):
                continue
            c = changed[0]
            recs.append((start // (k + 1), names[c], (y[j + 1] - y[j]) / dz[c]))
    return pd.DataFrame(recs, columns=["trajectory", "parameter", "ee"])


def morris_indices(
    names: Sequence[str], bounds, x, y, *, levels: int, seed: int = 0
) -> pd.DataFrame:
    """Morris indices of one output by ``SALib.analyze.morris.analyze`` (unscaled effects).

    ``x`` must be the design as ``SALib.sample.morris.sample`` returned it and ``y`` one
    value per design point, none missing.

    Returns
    -------
    pandas.DataFrame
        ``parameter``, ``mu``, ``mu_star``, ``sigma``, ``mu_star_conf`` (95% bootstrap
        half-width of mu*, seeded by ``seed``).

    Examples
    --------
    >>> from SALib.sample import morris
    >>> problem = {"num_vars": 2, "names": ["a", "b"], "bounds": [[0, 1], [0, 4]]}
    >>> x = morris.sample(problem, 3, num_levels=4, seed=1)
    >>> y = 2 * x[:, 0] + x[:, 1]
    >>> m = morris_indices(["a", "b"], problem["bounds"], x, y, levels=4)
    >>> m["mu_star"].round(6).tolist(), m["sigma"].round(6).tolist()
    ([2.0, 4.0], [0.0, 0.0])
    """
    from SALib.analyze import morris

    y = np.asarray(y, float)
    if np.isnan(y).any():
        raise ValueError(f"morris_indices: {int(np.isnan(y).sum())} output(s) missing")
    problem = {"num_vars": len(names), "names": list(names), "bounds": [list(b) for b in bounds]}
    si = morris.analyze(
        problem, np.asarray(x, float), y, num_levels=levels, seed=seed, print_to_console=False
    )
    return pd.DataFrame(
        {
            "parameter": list(names),
            "mu": np.asarray(si["mu"], float),
            "mu_star": np.asarray(si["mu_star"], float),
            "sigma": np.asarray(si["sigma"], float),
            "mu_star_conf": np.asarray(si["mu_star_conf"], float),
        }
    )


def _own_indices(names: Sequence[str], ee: pd.DataFrame) -> pd.DataFrame:
    agg = ee.groupby("parameter")["ee"]
    return pd.DataFrame(
        {
            "parameter": list(names),
            "mu": agg.mean().reindex(names).to_numpy(),
            "mu_star": agg.apply(lambda e: np.abs(e).mean()).reindex(names).to_numpy(),
            "sigma": agg.std(ddof=1).reindex(names).to_numpy(),
            "mu_star_conf": np.nan,
        }
    )


def drivers_of(
    record: Mapping[str, Any], x, rows: pd.DataFrame, headlines=HEADLINES
) -> pd.DataFrame:
    """Morris indices of every swept parameter for every headline, largest mu* first.

    ``record`` is the manifest's design record, ``x`` the design as SALib sampled it. An
    output known at every point is analysed by ``SALib.analyze.morris.analyze``
    (``method = "SALib"``); otherwise (a sweep still running, or a share undefined at some
    points) by :func:`elementary_effects` over the pairs where it is known
    (``method = "pairs"``); both give the same numbers on complete outputs (tested).
    mu* is the mean absolute elementary effect (Campolongo et al. 2007), sigma their
    standard deviation (NaN with one effect); effects are of the seed-mean, in the metric's
    unit per full plausible range. ``effects`` counts them.

    Returns
    -------
    pandas.DataFrame
        ``metric``, ``scenario``, ``label``, ``parameter``, ``mu_star``, ``sigma``,
        ``effects``, ``rank``, ``mu``, ``mu_star_conf``, ``method``.
    """
    names = [p["name"] for p in record["parameters"]]
    bounds = [[p["low"], p["high"]] for p in record["parameters"]]
    x = np.asarray(x, float)
    pm = point_means(rows)
    frames = []
    for (metric, scenario), label in headlines.items():
        g = pm[(pm["metric"] == metric) & (pm["scenario"] == scenario)].set_index("point")
        y = g["mean"].reindex(np.arange(len(x))).to_numpy(float)
        ee = elementary_effects(x, names, bounds, y)
        counts = ee.groupby("parameter").size().reindex(names).fillna(0).astype(int)
        if not np.isnan(y).any():
            df = morris_indices(names, bounds, x, y, levels=record["levels"])
            df["method"] = "SALib"
        else:
            df = _own_indices(names, ee)
            df["method"] = "pairs"
        df["effects"] = counts.to_numpy()
        df = df[df["effects"] > 0].sort_values(
            ["mu_star", "parameter"], ascending=[False, True], ignore_index=True
        )
        df["rank"] = np.arange(1, len(df) + 1)
        df.insert(0, "label", label)
        df.insert(0, "scenario", scenario)
        df.insert(0, "metric", metric)
        cols = ["metric", "scenario", "label", "parameter", "mu_star", "sigma", "effects"]
        frames.append(df[[*cols, "rank", "mu", "mu_star_conf", "method"]])
    return pd.concat(frames, ignore_index=True)


def parameter_words(name: str) -> str:
    """Return a parameter's plain name: the label map's words, else its code name spelled out.

    A name qualified by its class (``ads.typo_share``) says which one it is.

    >>> parameter_words("facebook_app_same_phone_share")
    'Facebook app on the same phone as WhatsApp'
    >>> parameter_words("ads.typo_share")
    'Entries with a typing error (customer lists)'
    """
    from analysis.core.labels import PARAMETER_LABELS

    where, _, field = name.rpartition(".")
    if name in PARAMETER_LABELS:
        return PARAMETER_LABELS[name]
    if field in PARAMETER_LABELS:
        text = PARAMETER_LABELS[field]
    else:
        brands = {"whatsapp": "WhatsApp", "facebook": "Facebook"}
        text = " ".join(brands.get(w, w) for w in field.split("_"))
        text = text[:1].upper() + text[1:]
    qualifier = {"ads": "customer lists", "social": "address books"}.get(where, where)
    return f"{text} ({qualifier})" if where else text


def _unit(metric: str) -> str:
    from analysis.results.metrics import METRICS

    return METRICS[metric].unit if metric in METRICS else "share"


def fmt_seed_error(se: float, unit: str = "share") -> str:
    """Write the Monte-Carlo (seed) error of one point's mean: ``±0.4 points`` for shares.

    >>> fmt_seed_error(0.0042), fmt_seed_error(1.23, "rate"), fmt_seed_error(float("nan"))
    ('±0.4 points', '±1.2', 'n/a')
    """
    if se is None or not np.isfinite(se):
        return "n/a"
    return f"±{100 * se:.1f} points" if unit == "share" else f"±{se:.1f}"


def uncertainty_rows(
    ranges: pd.DataFrame, drivers: pd.DataFrame, *, top: int = 2, complete: bool = True
) -> pd.DataFrame:
    """One row per headline in words, from :func:`headline_ranges_of` and :func:`drivers_of`.

    Returns
    -------
    pandas.DataFrame
        ``headline``, ``median``, ``range``, ``seed_error``, ``drivers``, ``points``,
        ``seeds``, ``is_complete``, ``metric``, ``scenario``.
    """
    from analysis.core.formatting import fmt_range, fmt_share

    rows = []
    for r in ranges.itertuples(index=False):
        d = drivers[(drivers["metric"] == r.metric) & (drivers["scenario"] == r.scenario)]
        moving = d[d["mu_star"] > 0].nsmallest(top, "rank")["parameter"]
        names = [parameter_words(p) for p in moving] or ["none (the same at every point)"]
        unit = _unit(r.metric)
        rows.append(
            {
                "headline": r.label,
                "median": fmt_share(r.median) if unit == "share" else f"{r.median:.1f}",
                "range": fmt_range(r.p05, r.p95, unit=unit),
                "seed_error": fmt_seed_error(r.mc_se, unit),
                "drivers": ", ".join(names),
                "points": int(r.points),
                "seeds": int(r.seeds),
                "is_complete": bool(complete),
                "metric": r.metric,
                "scenario": r.scenario,
            }
        )
    return pd.DataFrame(rows)


def annotate_findings(findings: pd.DataFrame, uncertainty: pd.DataFrame, per: int = 2) -> str:
    """Write the key findings as HTML, each followed by its figures over plausible parameters.

    ``findings`` is :func:`analysis.results.findings_table` (sentences with the metrics they
    quote), ``uncertainty`` :func:`uncertainty_rows` for those metrics. Under each sentence,
    up to ``per`` of its figures found in the sweep: the range over plausible parameters
    (5th-95th percentile), the Monte-Carlo error of the seeds, and the main drivers.

    >>> f = pd.DataFrame({"sentence_number": [1], "sentence": ["A & B."],
    ...                   "metric": ["m"], "scenario": ["s"]})
    >>> u = pd.DataFrame({"metric": ["m"], "scenario": ["s"], "headline": ["M"],
    ...                   "range": ["1-2%"], "seed_error": ["±0.1 points"], "drivers": ["x"]})
    >>> annotate_findings(f, u).count("<li>")
    2
    """
    import html

    from analysis.policy.scenarios import builtin_scenarios
    from analysis.results.metrics import HEADLINE_SCENARIO_TITLES

    titles = {k: v.title for k, v in builtin_scenarios().items()} | HEADLINE_SCENARIO_TITLES
    u = uncertainty.set_index(["metric", "scenario"])
    items = []
    for _, g in findings.groupby("sentence_number", sort=True):
        text = html.escape(str(g["sentence"].iloc[0]), quote=False)
        subs = []
        for m, s in zip(g["metric"], g["scenario"], strict=True):
            if (m, s) not in u.index or len(subs) >= per:
                continue
            r = u.loc[(m, s)]
            scen = titles.get(s, s.replace("_", " "))
            subs.append(
                f"<li>{html.escape(str(r['headline']), quote=False)} "
                f"({html.escape(scen, quote=False)}): "
                f"<b>{r['range']}</b> over plausible parameters (5th-95th percentile); "
                f"Monte-Carlo error of the seeds {r['seed_error']}; "
                f"main drivers: {html.escape(str(r['drivers']), quote=False)}.</li>"
            )
        sub = f'<ul class="over-parameters">{"".join(subs)}</ul>' if subs else ""
        items.append(f"<li>{text}{sub}</li>")
    return f'<div class="key-findings"><ul>{"".join(items)}</ul></div>'
