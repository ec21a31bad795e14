"""Results per country: the primary table, each figure with its denominator.

The synthetic world draws the same number of people in every country, so a figure over
all of them describes no real population. The primary results are therefore per country:
for each country and headline scenario, the linking tiers (a)-(d), the Facebook members
suggested to someone else because of WhatsApp data, the extra customer-list entries matched
thanks to WhatsApp (numbers attached only through the model's mechanisms, the linking
module's inference included) and exposures (i)-(iii) of :mod:`analysis.effects.exposure`.

* :func:`country_metrics` gives one world's rows (``country``, ``scenario``, ``metric``,
  ``value``, ``denominator_count``: the people, or list entries, the share is of);
* :func:`country_over_seeds` runs the headline worlds once per seed and returns both the
  all-country headline rows (:func:`analysis.results.headline_metrics`) and the
  per-country rows of the same worlds, so nothing is built twice;
* :func:`exposure_country_rows` reads the exposure worlds' per-person table;
* :func:`tier_rows_from_runs` reads the per-country tiers of
  :func:`analysis.linking.run_seeds` (notebook 04);
* :func:`country_table` averages over seeds with a 95% t-interval, sums the denominators,
  and withholds a cell whose denominator, over all worlds, holds fewer than
  :data:`MIN_PUBLISHED_DENOMINATOR` people: it reads :data:`TOO_FEW` instead of a number;
* :func:`pooled_country_table` pools the countries, weighted by each country's 2016
  WhatsApp users (:func:`analysis.results.pool_countries`), with the weights in words.

>>> MIN_PUBLISHED_DENOMINATOR, TOO_FEW
(100, 'too few people')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from analysis.core.formatting import fmt_estimate
from analysis.core.progress import iterate
from analysis.core.schema import Field, Table, register
from analysis.core.stats import mean_t_interval
from analysis.results.metrics import LINK_SCENARIOS, METRICS, MIX
from analysis.results.pooling import Pooled, pool_countries, whatsapp_user_weights

__all__ = [
    "COUNTRY_COLUMNS",
    "COUNTRY_PARTS",
    "COUNTRY_RESULTS",
    "MIN_PUBLISHED_DENOMINATOR",
    "TOO_FEW",
    "country_metrics",
    "country_over_seeds",
    "country_table",
    "exposure_country_rows",
    "pooled_caption",
    "pooled_country_table",
    "tier_rows_from_runs",
]


#: Publication threshold: a country's cell is shown only if its denominator, summed over
#: the worlds behind it, holds at least this many people (or customer-list entries).
MIN_PUBLISHED_DENOMINATOR = 100


#: What a withheld cell reads instead of a number.
TOO_FEW = "too few people"


#: Parts :func:`country_metrics` can compute.
COUNTRY_PARTS: tuple[str, ...] = ("linking", "suggestions", "exposure", "ads")


#: Columns of the per-world rows.
COUNTRY_COLUMNS: tuple[str, ...] = ("country", "scenario", "metric", "value", "denominator_count")


COUNTRY_RESULTS = register(
    Table(
        "country_results",
        "Results per country: each headline figure under each scenario, with its denominator, "
        "its 95% interval over seeds, and the publication threshold applied.",
        (
            Field("country", "Country code (data/reference/countries.csv).", "string"),
            Field("scenario", "Scenario name (data/scenarios/).", "string"),
            Field("metric", "Headline metric (analysis.results.METRICS).", "string"),
            Field("tier", "Linking tier the figure reads, (a)-(d), or what it rests on.", "string"),
            Field("label", "What the figure counts, in plain words.", "string"),
            Field("denominator", "Who the share is of, in words.", "string"),
            Field("value_pct", "Mean over seeds (empty when withheld).", "float64", "percent"),
            Field("low_pct", "Lower end of the 95% t-interval.", "float64", "percent"),
            Field("high_pct", "Upper end of the 95% t-interval.", "float64", "percent"),
            Field(
                "denominator_count",
                "People (or customer-list entries) the share is of, summed over the seeds.",
                "int64",
                "people",
            ),
            Field("seed_count", "Seeds with a value.", "int64", "seeds"),
            Field(
                "is_published",
                "The denominator reaches MIN_PUBLISHED_DENOMINATOR (100).",
                "bool",
            ),
            Field("shown", "The figure as written, or 'too few people'.", "string"),
        ),
    )
)


_TIER_COLUMNS = {
    "reached_share": "is_reached",
    "own_join_share": "is_joined_for_own_use",
    "suggestions_join_share": "is_usable_for_suggestions",
    "ads_join_share": "is_usable_for_ads",
}


def _by_country(country: np.ndarray, flag: np.ndarray, mask: np.ndarray, metric: str, scen: str):
    """Rows (country, scenario, metric, share of ``mask`` with ``flag``, size of ``mask``)."""
    rows = []
    for c in sorted(set(country.tolist())):
        who = mask & (country == c)
        n = int(who.sum())
        rows.append((c, scen, metric, float(flag[who].mean()) if n else float("nan"), n))
    return rows


def country_metrics(
    world: Any,
    *,
    seed: int,
    scenarios: Mapping[str, Any] | None = None,
    parts: Sequence[str] = COUNTRY_PARTS,
    n_businesses: int | None = None,
) -> pd.DataFrame:
    """Per-country headline figures of one built world, each with its denominator.

    Parameters
    ----------
    world : analysis.world.SocialWorld
    seed : int
        Seed of the scenarios' opt-out draws and of the customer lists.
    scenarios : mapping, optional
        Name -> scenario for the linking tiers (default the built-in
        :data:`analysis.results.LINK_SCENARIOS`); suggestions, exposure and ads use
        ``mix_2016``.
    parts : sequence of str
        Which of :data:`COUNTRY_PARTS` to compute.
    n_businesses : int, optional
        Businesses in the ads part (default :class:`analysis.results.FindingsParams`).

    Returns
    -------
    pandas.DataFrame
        :data:`COUNTRY_COLUMNS`: the tiers ``reached_share`` .. ``ads_join_share`` of each
        country's WhatsApp users, ``members_suggested_share`` of its Facebook members,
        ``ad_extra_match_share`` of its businesses' customer-list entries, and
        ``<group>_<exposure>_share`` of the people in each exposure group.
    """
    from analysis import linking
    from analysis.effects import exposure
    from analysis.policy.scenarios import builtin_scenarios

    bad = [p for p in parts if p not in COUNTRY_PARTS]
    if bad:
        raise ValueError(f"parts = {bad!r} unknown; allowed: {list(COUNTRY_PARTS)}")
    base = builtin_scenarios()
    scen = dict(scenarios) if scenarios is not None else {n: base[n] for n in LINK_SCENARIOS}
    mix = scen.get(MIX, base[MIX])
    people = world.people
    country = people["country_code"].astype(str).to_numpy()
    inferred = linking.infer_numbers(people, world)
    rows: list[tuple] = []
    if "linking" in parts:
        for name, s in scen.items():
            links = linking.compute_links(people, s, world, seed=seed, inferred=inferred)
            t = linking.link_table(people, s, world, seed=seed, links=links)
            tc = t["country_code"].astype(str).to_numpy()
            everyone = np.ones(len(t), dtype=bool)
            for metric, col in _TIER_COLUMNS.items():
                rows += _by_country(tc, t[col].to_numpy(bool), everyone, metric, name)
    if "suggestions" in parts or "exposure" in parts:
        _, res = exposure.compare_scenarios(world, {MIX: mix}, seed=seed)
        per = exposure.person_exposure(world, res[MIX], mix, seed=seed, inferred=inferred)
        if "suggestions" in parts:
            fb = people["is_facebook_user"].to_numpy(bool)
            suggested = per["suggested_count"].to_numpy() > 0
            rows += _by_country(country, suggested, fb, "members_suggested_share", MIX)
        if "exposure" in parts:
            rows += _exposure_rows(per.assign(country_code=country))
    if "ads" in parts:
        rows += _ads_rows(world, mix, seed, n_businesses, inferred)
    return pd.DataFrame(rows, columns=list(COUNTRY_COLUMNS))


def _exposure_rows(per: pd.DataFrame) -> list[tuple]:
    from analysis.effects.exposure import EXPOSURE_GROUPS, EXPOSURES

    country = per["country_code"].astype(str).to_numpy()
    group = per["exposure_group"].astype(str).to_numpy()
    rows = []
    for g in EXPOSURE_GROUPS:
        for e in EXPOSURES:
            flag = per[f"{e}_count"].to_numpy() > 0
            rows += _by_country(country, flag, group == g, f"{g}_{e}_share", MIX)
    return rows


def exposure_country_rows(per_person: pd.DataFrame) -> pd.DataFrame:
    """Per-country exposure rows of :func:`analysis.results.exposure_over_seeds`' people.

    Parameters
    ----------
    per_person : pandas.DataFrame
        One row per person with ``seed``, ``country_code``, ``exposure_group`` and the
        ``*_count`` columns of :func:`analysis.effects.exposure.person_exposure`.

    Returns
    -------
    pandas.DataFrame
        ``seed`` and :data:`COUNTRY_COLUMNS`, for ``mix_2016``.
    """
    missing = {"seed", "country_code", "exposure_group"} - set(per_person.columns)
    if missing:
        raise ValueError(f"per_person: missing column(s) {sorted(missing)}")
    frames = [
        pd.DataFrame(_exposure_rows(part), columns=list(COUNTRY_COLUMNS)).assign(seed=int(s))
        for s, part in per_person.groupby("seed", sort=True)
    ]
    return pd.concat(frames, ignore_index=True)[["seed", *COUNTRY_COLUMNS]]


def _ads_rows(world: Any, mix: Any, seed: int, n_businesses: int | None, inferred) -> list:
    from analysis.effects import ads
    from analysis.results.headlines import FindingsParams

    ap = ads.AdsParams(n_businesses=n_businesses or FindingsParams().n_businesses)
    res = ads.run_scenarios(
        world.people, world, ap, seed=seed, scenarios={MIX: mix}, inferred=inferred
    )
    rates = res.match_rates[res.match_rates["country_code"] != "ALL"]
    return [
        (
            str(r.country_code),
            MIX,
            "ad_extra_match_share",
            (r.matched_count - r.matched_without_whatsapp_count) / r.customers_count,
            int(r.customers_count),
        )
        for r in rates.itertuples()
        if r.customers_count > 0
    ]


def country_over_seeds(
    seeds: Iterable[int],
    world: Any | None = None,
    social: Any | None = None,
    *,
    n_businesses: int | None = None,
    progress: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Headline and per-country figures of the same worlds, one generated world per seed.

    Each world is built once (:func:`analysis.results.seeded_world`) and gives both the
    all-country rows of :func:`analysis.results.headline_metrics` (exactly those of
    :func:`analysis.results.headline_over_seeds` with the same arguments) and the rows of
    :func:`country_metrics` (without exposure, which has its own larger worlds).

    Returns
    -------
    (long, by_country) : (pandas.DataFrame, pandas.DataFrame)
        ``seed, metric, scenario, value`` and ``seed`` plus :data:`COUNTRY_COLUMNS`.
    """
    from analysis.results.headlines import headline_metrics
    from analysis.results.worlds import seeded_world

    seeds = [int(s) for s in seeds]
    if not seeds:
        raise ValueError("seeds: give at least one seed")
    longs, countries = [], []
    for s in iterate(seeds, progress, "worlds"):
        sw = seeded_world(s, world, social)
        longs.append(headline_metrics(sw, seed=s, n_businesses=n_businesses).assign(seed=s))
        countries.append(
            country_metrics(
                sw, seed=s, parts=("linking", "suggestions", "ads"), n_businesses=n_businesses
            ).assign(seed=s)
        )
    long = pd.concat(longs, ignore_index=True)[["seed", "metric", "scenario", "value"]]
    return long, pd.concat(countries, ignore_index=True)[["seed", *COUNTRY_COLUMNS]]


def tier_rows_from_runs(countries: pd.DataFrame) -> pd.DataFrame:
    """Turn the per-country tiers of :func:`analysis.linking.run_seeds` into per-country rows.

    >>> runs = pd.DataFrame({"seed": [1], "scenario": ["eu_pause"], "country_code": ["DE"],
    ...     "whatsapp_users_count": [40], "reached_share": [1.0], "own_join_share": [0.5],
    ...     "usable_for_suggestions_share": [0.0], "usable_for_ads_share": [0.0]})
    >>> r = tier_rows_from_runs(runs).iloc[1]
    >>> str(r["metric"]), float(r["value"]), int(r["denominator_count"])
    ('own_join_share', 0.5, 40)
    """
    names = {
        "reached_share": "reached_share",
        "own_join_share": "own_join_share",
        "usable_for_suggestions_share": "suggestions_join_share",
        "usable_for_ads_share": "ads_join_share",
    }
    frame = countries.rename(columns={"country_code": "country", **names})
    long = frame.melt(
        id_vars=["seed", "scenario", "country", "whatsapp_users_count"],
        value_vars=list(names.values()),
        var_name="metric",
        value_name="value",
    ).rename(columns={"whatsapp_users_count": "denominator_count"})
    long["country"] = long["country"].astype(str)
    order = {m: i for i, m in enumerate(names.values())}
    long = long.sort_values(
        ["seed", "scenario", "country", "metric"],
        key=lambda c: c.map(order) if c.name == "metric" else c,
        kind="stable",
    )
    return long.reset_index(drop=True)[["seed", *COUNTRY_COLUMNS]]


def country_table(
    rows: pd.DataFrame, *, min_denominator: int = MIN_PUBLISHED_DENOMINATOR
) -> pd.DataFrame:
    """Build the primary per-country table: mean, 95% interval, denominator, threshold.

    Parameters
    ----------
    rows : pandas.DataFrame
        ``seed`` and :data:`COUNTRY_COLUMNS` (one row per seed, country, scenario, metric).
    min_denominator : int
        Publication threshold (default :data:`MIN_PUBLISHED_DENOMINATOR`): a cell whose
        denominator, summed over the seeds, is smaller is withheld.

    Returns
    -------
    pandas.DataFrame
        ``country``, ``scenario``, ``metric``, ``tier``, ``label``, ``denominator``
        (who the share is of, in words), ``value_pct``, ``low_pct``, ``high_pct`` (the 95%
        t-interval over seeds, in percent; empty when withheld), ``denominator_count``
        (people, or entries, summed over the seeds), ``seed_count``, ``is_published``
        and ``shown`` (the figure as written, or :data:`TOO_FEW`).

    >>> rows = pd.DataFrame({"seed": [1, 2, 1, 2], "country": ["IN", "IN", "DE", "DE"],
    ...     "scenario": "mix_2016", "metric": "ads_join_share",
    ...     "value": [0.5, 0.6, 0.1, 0.2], "denominator_count": [60, 60, 30, 20]})
    >>> t = country_table(rows)
    >>> t[["country", "denominator_count", "shown"]].values.tolist()
    [['DE', 50, 'too few people'], ['IN', 120, '55% (0-100%)']]
    >>> t["value_pct"].round(1).tolist()
    [nan, 55.0]
    """
    need = {"seed", *COUNTRY_COLUMNS}
    missing = need - set(rows.columns)
    if missing:
        raise ValueError(f"country_table: missing column(s) {sorted(missing)}")
    if isinstance(min_denominator, bool) or int(min_denominator) != min_denominator:
        raise ValueError(f"min_denominator = {min_denominator!r} must be an integer")
    keys = ["country", "scenario", "metric"]
    out = mean_t_interval(rows, keys, "value")
    counts = rows.groupby(keys, sort=False, observed=True)["denominator_count"].sum()
    out = out.merge(counts.rename("denominator_count").reset_index(), on=keys)
    out["denominator_count"] = out["denominator_count"].astype(np.int64)
    out["low"] = out["low"].clip(lower=0.0)
    out["high"] = out["high"].clip(upper=1.0)
    out["is_published"] = (out["denominator_count"] >= min_denominator) & out["mean"].notna()
    out["shown"] = [
        fmt_estimate(r.mean, r.low, r.high, style="table", zero_reason="")
        if r.is_published
        else TOO_FEW
        for r in out.itertuples()
    ]
    for col in ("mean", "low", "high"):
        out[f"{'value' if col == 'mean' else col}_pct"] = (100 * out[col]).where(
            out["is_published"]
        )
    meta = out["metric"].map(METRICS)
    out["tier"] = meta.map(lambda m: m.tier if m else "")
    out["label"] = meta.map(lambda m: m.label if m else "")
    out["denominator"] = meta.map(lambda m: m.denominator if m else "")
    out["denominator"] = out["denominator"].str.replace(
        "WhatsApp users (people who left included)",
        "the country's WhatsApp users (people who left included)",
        regex=False,
    )
    out = out.sort_values(keys, kind="stable").reset_index(drop=True)
    return out[
        [
            "country",
            "scenario",
            "metric",
            "tier",
            "label",
            "denominator",
            "value_pct",
            "low_pct",
            "high_pct",
            "denominator_count",
            "seed_count",
            "is_published",
            "shown",
        ]
    ]


def pooled_caption(countries: Sequence[str]) -> str:
    """Name the pooling weights in words, for a caption.

    >>> pooled_caption(["IN", "DE"])
    'pooled over 2 countries, weighted by 2016 WhatsApp users: IN 82%, DE 18%'
    """
    w = whatsapp_user_weights(sorted(set(countries)))
    return f"pooled over {len(w)} countries, " + Pooled(float("nan"), w).caption()


def pooled_country_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Pool the countries of each seed, weighted by 2016 WhatsApp users, then average seeds.

    Each seed's country values are pooled with :func:`analysis.results.pool_countries`
    (countries without a value that seed drop out, their weights rescaled); the pooled
    values are averaged over seeds with a 95% t-interval.

    Returns
    -------
    pandas.DataFrame
        ``scenario``, ``metric``, ``value_pct``, ``low_pct``, ``high_pct``,
        ``seed_count``, ``country_count``, ``tier``, ``label``, ``shown`` (the figure
        as written) and ``weights`` (the caption text).

    >>> rows = pd.DataFrame({"seed": 1, "country": ["IN", "DE"], "scenario": "mix_2016",
    ...     "metric": "ads_join_share", "value": [0.5, 0.1], "denominator_count": [50, 50]})
    >>> p = pooled_country_table(rows)
    >>> round(float(p["value_pct"].iloc[0]), 1), p["weights"].iloc[0]
    (42.8, 'pooled over 2 countries, weighted by 2016 WhatsApp users: IN 82%, DE 18%')
    """
    keys = ["scenario", "metric"]
    pooled, used = [], {}
    for (seed, scen, metric), part in rows.groupby(["seed", *keys], sort=False):
        part = part[np.isfinite(part["value"].to_numpy(float))]
        if part.empty:
            continue
        p = pool_countries(part.set_index("country")["value"])
        pooled.append({"seed": seed, "scenario": scen, "metric": metric, "value": p.value})
        used.setdefault((scen, metric), set()).update(part["country"].tolist())
    out = mean_t_interval(pd.DataFrame(pooled), keys, "value")
    out["low"], out["high"] = out["low"].clip(lower=0.0), out["high"].clip(upper=1.0)
    for col in ("mean", "low", "high"):
        out[f"{'value' if col == 'mean' else col}_pct"] = 100 * out[col]
    out["country_count"] = [len(used[(r.scenario, r.metric)]) for r in out.itertuples()]
    out["weights"] = [
        pooled_caption(sorted(used[(r.scenario, r.metric)])) for r in out.itertuples()
    ]
    out["shown"] = [
        fmt_estimate(r.mean, r.low, r.high, style="table", zero_reason="") for r in out.itertuples()
    ]
    meta = out["metric"].map(METRICS)
    out["tier"] = meta.map(lambda m: m.tier if m else "")
    out["label"] = meta.map(lambda m: m.label if m else "")
    return out[
        [
            "scenario",
            "metric",
            "value_pct",
            "low_pct",
            "high_pct",
            "seed_count",
            "country_count",
            "tier",
            "label",
            "shown",
            "weights",
        ]
    ]
