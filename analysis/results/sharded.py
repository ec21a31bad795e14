"""A sharded world scored shard by shard, locally or as one Dask task per country.

:func:`score_shard` builds one country shard (:func:`analysis.world.shards.build_shard`)
and scores it with :func:`analysis.results.country_metrics`: the linking tiers (a)-(d)
under each headline scenario and the chosen one, the Facebook members suggested to someone
else because of WhatsApp data, exposures (i)-(iii), and the extra customer-list entries
matched thanks to WhatsApp; all of them of that country's people. It also draws the
shard's cross-border stubs. :func:`run_shards` runs the shards one after another, or as
Dask tasks through :func:`analysis.core.cluster.dask_client` (a local cluster, or
``--scheduler`` / ``$DASK_SCHEDULER_ADDRESS``): the same function on the same inputs, so
both give the same tables. :func:`combine_shards` turns the per-shard results into:

``country_results``
    ``country, scenario, metric, value, denominator_count``: each country's rows, as
    :func:`analysis.results.country_metrics` gives them for a single world.
``country_shares``
    The per-country tiers of the chosen scenario, with the columns of the
    ``country_shares`` table ``python -m analysis run`` writes.
``headline_shares``
    Each metric over all shards (the share of all the people it is of: the countries'
    values weighted by their denominators) and pooled over countries weighted by their
    2016 WhatsApp users (:func:`analysis.results.pool_countries`), with tier, label and
    denominator in words.
``shards``
    One row per shard: its seed, people, WhatsApp and Facebook users, ties, address-book
    entries and cross-border stubs.
``cross_border_ties`` and ``cross_border_summary``
    The cross-border ties (:func:`analysis.world.shards.cross_border_ties`) and their count
    per pair of countries. They are drawn but not scored: each shard is scored on its
    within-country ties.

>>> SHARD_TABLES[:3]
('country_results', 'country_shares', 'headline_shares')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysis.results.countries import COUNTRY_COLUMNS, COUNTRY_PARTS, country_metrics
from analysis.results.metrics import LINK_SCENARIOS, METRICS
from analysis.results.pooling import pool_countries
from analysis.world.params import SocialParams, WorldParams
from analysis.world.shards import Shard, build_shard, cross_border_stubs, cross_border_ties

__all__ = [
    "SHARD_TABLES",
    "ShardResult",
    "combine_shards",
    "run_shards",
    "score_shard",
]


#: Tables of a sharded run, in the order they are written.
SHARD_TABLES: tuple[str, ...] = (
    "country_results",
    "country_shares",
    "headline_shares",
    "shards",
    "cross_border_ties",
    "cross_border_summary",
)

_TIERS = {
    "reached_share": "reached_share",
    "own_join_share": "own_join_share",
    "suggestions_join_share": "usable_for_suggestions_share",
    "ads_join_share": "usable_for_ads_share",
}


@dataclass
class ShardResult:
    """What one shard task returns: its rows, facts and cross-border stubs."""

    shard: Shard
    rows: pd.DataFrame
    facts: dict[str, Any]
    stubs: pd.DataFrame


def score_shard(
    shard: Shard,
    population: WorldParams | None = None,
    social: SocialParams | None = None,
    *,
    scenario: Any | None = None,
    n_businesses: int | None = None,
    parts: Sequence[str] = COUNTRY_PARTS,
) -> ShardResult:
    """Build and score one shard (a Dask task; pure given its arguments).

    Parameters
    ----------
    shard : analysis.world.shards.Shard
    population, social : WorldParams, SocialParams, optional
        Parameters of the whole world.
    scenario : analysis.policy.Scenario, optional
        The run's scenario, scored beside :data:`analysis.results.LINK_SCENARIOS`.
    n_businesses : int, optional
        Businesses of the shard's ad part (default :class:`analysis.results.FindingsParams`).
    parts : sequence of str
        Which of :data:`analysis.results.COUNTRY_PARTS` to score (default all).

    Returns
    -------
    ShardResult
    """
    from analysis.policy.scenarios import builtin_scenarios

    social = social or SocialParams()
    world = build_shard(shard, population or WorldParams(), social)
    base = builtin_scenarios()
    scen = {n: base[n] for n in LINK_SCENARIOS}
    if scenario is not None:  # the run's own scenario wins over a built-in of its name
        scen[scenario.name] = scenario
    rows = country_metrics(
        world, seed=shard.seed, scenarios=scen, parts=parts, n_businesses=n_businesses
    )
    stubs = cross_border_stubs(world, shard, social)
    people = world.people
    facts = {
        "country": shard.country,
        "shard_seed": shard.seed,
        "people_count": len(people),
        "whatsapp_users_count": int(people["is_whatsapp_user"].sum()),
        "facebook_users_count": int(people["is_facebook_user"].sum()),
        "within_country_ties_count": len(world.ties),
        "address_book_entries_count": len(world.address_book),
        "cross_border_stubs_count": int(stubs["stub_count"].sum()),
    }
    return ShardResult(shard=shard, rows=rows, facts=facts, stubs=stubs)


def run_shards(
    shards: Sequence[Shard],
    population: WorldParams | None = None,
    social: SocialParams | None = None,
    *,
    scenario: Any | None = None,
    n_businesses: int | None = None,
    parts: Sequence[str] = COUNTRY_PARTS,
    dask: bool = False,
    scheduler: str | None = None,
    n_workers: int | None = None,
    progress: bool = False,
) -> list[ShardResult]:
    """Score every shard: one after another, or as one Dask task per shard.

    Parameters
    ----------
    shards : sequence of Shard
        From :func:`analysis.world.shards.plan_shards`.
    population, social, scenario, n_businesses, parts
        As for :func:`score_shard`.
    dask : bool
        Run the shards as Dask tasks (implied by ``scheduler``).
    scheduler : str, optional
        Address of an existing Dask scheduler (else ``$DASK_SCHEDULER_ADDRESS``, else a
        local cluster of ``n_workers``).
    progress : bool
        A progress bar on stderr.

    Returns
    -------
    list of ShardResult
        In the order of ``shards``, however the tasks finished.
    """
    from analysis.core.cluster import dask_client, scheduler_address
    from analysis.core.progress import iterate

    shards = list(shards)
    if not shards:
        raise ValueError("shards: the plan is empty; give at least one shard")
    if len({s.country for s in shards}) != len(shards):
        raise ValueError("shards: a country appears twice in the plan")
    kwargs = {"scenario": scenario, "n_businesses": n_businesses, "parts": tuple(parts)}
    address = scheduler_address(scheduler)  # a bad address fails before any work
    if not dask and address is None:
        return [
            score_shard(s, population, social, **kwargs)
            for s in iterate(shards, progress, "shards")
        ]
    from distributed import as_completed
    from tqdm.auto import tqdm

    with dask_client(address, n_workers=n_workers) as client:
        futures = [
            client.submit(score_shard, s, population, social, **kwargs, pure=False) for s in shards
        ]
        done: dict[int, ShardResult] = {}
        index = {f.key: i for i, f in enumerate(futures)}
        with tqdm(total=len(shards), desc="shards", disable=not progress) as bar:
            try:
                for fut in as_completed(futures):
                    done[index[fut.key]] = fut.result()
                    bar.update(1)
            finally:
                for fut in futures:
                    fut.cancel()
    return [done[i] for i in range(len(shards))]


def combine_shards(
    results: Sequence[ShardResult], *, scenario: str = "mix_2016"
) -> dict[str, pd.DataFrame]:
    """Combine per-shard results into the tables of a sharded run (:data:`SHARD_TABLES`).

    Parameters
    ----------
    results : sequence of ShardResult
        From :func:`run_shards`, one per country.
    scenario : str
        The scenario whose tiers go into ``country_shares``.

    Returns
    -------
    dict of str to pandas.DataFrame
    """
    results = sorted(results, key=lambda r: r.shard.country)
    if not results:
        raise ValueError("combine_shards: no shard results to combine")
    world_seed = {r.shard.world_seed for r in results}
    if len(world_seed) != 1:
        raise ValueError(f"combine_shards: shards of different worlds (seeds {world_seed})")
    rows = pd.concat([r.rows for r in results], ignore_index=True)[list(COUNTRY_COLUMNS)]
    rows["country"] = rows["country"].astype(str)
    rows = rows.sort_values(["country", "scenario", "metric"], kind="stable")
    rows = rows.reset_index(drop=True)
    if scenario not in set(rows["scenario"]):
        raise ValueError(f"combine_shards: scenario {scenario!r} was not scored")
    ties = cross_border_ties([r.stubs for r in results], seed=world_seed.pop())
    return {
        "country_results": rows,
        "country_shares": _country_shares(rows, scenario),
        "headline_shares": _headlines(rows),
        "shards": pd.DataFrame([r.facts for r in results]),
        "cross_border_ties": ties,
        "cross_border_summary": _cross_summary(ties, results),
    }


def _country_shares(rows: pd.DataFrame, scenario: str) -> pd.DataFrame:
    """Return the run's ``country_shares`` columns, from the tiers of ``scenario``."""
    part = rows[(rows["scenario"] == scenario) & rows["metric"].isin(list(_TIERS))]
    wide = part.pivot(index="country", columns="metric", values="value").rename(columns=_TIERS)
    count = part.groupby("country")["denominator_count"].first()
    out = wide.reindex(columns=list(_TIERS.values())).assign(whatsapp_users_count=count)
    out = out.rename_axis(index="country_code", columns=None).reset_index()
    return out[["country_code", "whatsapp_users_count", *_TIERS.values()]]


def _headlines(rows: pd.DataFrame) -> pd.DataFrame:
    """Every metric over all shards: denominator-weighted, and pooled by WhatsApp users."""
    out = []
    for (scen, metric), part in rows.groupby(["scenario", "metric"], sort=True):
        part = part[np.isfinite(part["value"].to_numpy(float)) & (part["denominator_count"] > 0)]
        denom = int(part["denominator_count"].sum())
        value = (
            float((part["value"] * part["denominator_count"]).sum() / denom) if denom else np.nan
        )
        pooled = pool_countries(part.set_index("country")["value"]).value if denom else np.nan
        meta = METRICS.get(metric)
        out.append(
            {
                "scenario": scen,
                "metric": metric,
                "tier": meta.tier if meta else "",
                "label": meta.label if meta else "",
                "denominator": meta.denominator if meta else "",
                "value": value,
                "denominator_count": denom,
                "country_count": len(part),
                "pooled_value": float(pooled),
            }
        )
    return pd.DataFrame(out)


def _cross_summary(ties: pd.DataFrame, results: Sequence[ShardResult]) -> pd.DataFrame:
    """Cross-border ties per pair of countries, and as a share of the pair's ties."""
    within = {r.shard.country: r.facts["within_country_ties_count"] for r in results}
    counts = ties.groupby(["person_a_country", "person_b_country"], observed=True).size()
    out = counts.rename("ties_count").reset_index()
    out["ties_count"] = out["ties_count"].astype(np.int64)
    out = out.rename(columns={"person_a_country": "country_a", "person_b_country": "country_b"})
    ends = pd.concat([ties["person_a_country"], ties["person_b_country"]]).value_counts()
    # share of the tie ends of the country's people that reach another country
    share = {
        c: float(ends.get(c, 0)) / (2 * within[c] + float(ends.get(c, 0)))
        if 2 * within[c] + ends.get(c, 0)
        else np.nan
        for c in within
    }
    out["country_a_cross_share"] = out["country_a"].astype(str).map(share)
    out["country_b_cross_share"] = out["country_b"].astype(str).map(share)
    return out.sort_values(["country_a", "country_b"]).reset_index(drop=True)
