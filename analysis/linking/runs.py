"""Linking over many seeded worlds: the runs behind the scenario comparison."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from analysis.linking.inference import infer_numbers
from analysis.linking.links import (
    compute_links,
    country_shares,
    link_table,
    mechanism_purpose_shares,
    mechanism_scores,
    window_curve,
)
from analysis.linking.params import LinkingParams
from analysis.linking.tiers import tier_shares
from analysis.policy.scenarios import Scenario
from analysis.world.edgelist import build_social_world_from_edges
from analysis.world.params import SocialParams, WorldParams
from analysis.world.population import generate_population

__all__ = [
    "headline_numbers",
    "run_seeds",
]


def _build_social(people: pd.DataFrame, seed: int):
    from analysis.world.socialworld import build_social_world

    return build_social_world(people, SocialParams(seed=seed))


def run_seeds(
    scenarios: Mapping[str, Scenario],
    seeds: Sequence[int],
    *,
    n_people: int = 5_000,
    world: WorldParams | None = None,
    with_social: bool = True,
    params: LinkingParams | None = None,
    curve_scenarios: Sequence[str] = ("mix_2016",),
    progress: bool = False,
    edges: pd.DataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """Build one world per seed, link under every scenario, and collect tidy results.

    Parameters
    ----------
    scenarios : mapping of name to Scenario
    seeds : sequence of int
        Population (and social-world) seeds; the scenario opt-out draws use the same seed.
    n_people : int
        People per world (ignored if ``world`` is given; its seed is replaced per run).
    world : WorldParams, optional
    with_social : bool
        Build the social world (needed for address-book inference).
    params : LinkingParams, optional
    curve_scenarios : sequence of str
        Scenarios for which the 30-day window curve is computed.
    progress : bool
        Show a tqdm progress bar (off by default: notebooks stay deterministic).
    edges : pandas.DataFrame or path, optional
        A loaded network (:func:`analysis.world.load_edge_list`): every seed's world is
        built on its edges (:func:`analysis.world.build_social_world_from_edges`), the
        people drawn afresh per seed; ``n_people`` is the number of nodes.

    Returns
    -------
    dict of pandas.DataFrame
        ``shares`` (seed, scenario, mechanism, purpose_class, share), ``scores`` (seed,
        scenario, mechanism, precision, recall, ...), ``countries`` (seed, scenario,
        country_code, shares), ``curve`` (seed, scenario, day, shares), ``tiers`` (seed,
        scenario, tier, share: the four tiers of :mod:`analysis.linking.tiers`).
    """
    world = world or WorldParams(n_people=n_people)
    iterator: Iterable[int] = seeds
    if progress:
        from tqdm.auto import tqdm

        iterator = tqdm(list(seeds), desc="seeds", file=sys.stderr)
    shares, scores, countries, curves, tiers = [], [], [], [], []
    for s in iterator:
        if edges is not None:
            social = build_social_world_from_edges(
                edges, SocialParams(seed=int(s)), world.replace(seed=int(s))
            )
            people = social.people
        else:
            people = generate_population(world.replace(seed=int(s)))
            social = _build_social(people, int(s)) if with_social else None
        base = infer_numbers(people, social, params) if social is not None else None
        for name, scen in scenarios.items():
            links = compute_links(people, scen, social, params, seed=int(s), inferred=base)
            table = link_table(people, scen, social, params, seed=int(s), links=links)
            tag = {"seed": int(s), "scenario": name}
            shares.append(mechanism_purpose_shares(table, links, people).assign(**tag))
            scores.append(mechanism_scores(people, links).assign(**tag))
            countries.append(country_shares(table).assign(**tag))
            tiers.append(
                pd.DataFrame(
                    [{"tier": k, "share": v} for k, v in tier_shares(table).items()]
                ).assign(**tag)
            )
            if name in curve_scenarios:
                curves.append(window_curve(people, links, seed=int(s)).assign(**tag))

    def cat(frames: list[pd.DataFrame]) -> pd.DataFrame:
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    return {
        "shares": cat(shares),
        "scores": cat(scores),
        "countries": cat(countries),
        "curve": cat(curves),
        "tiers": cat(tiers),
    }


def headline_numbers(
    summary: pd.DataFrame,
    rows: Sequence[tuple[str, str, str, str]],
    tiers: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Build a table of key numbers in plain words.

    Parameters
    ----------
    summary : pandas.DataFrame
        :func:`mean_t_interval` of the ``shares`` table.
    rows : sequence of (text, scenario, mechanism, measure)
        ``measure`` is a purpose class (the highest tier; ``"ads"`` is tier d), or a tier
        of :data:`analysis.linking.TIERS` (``mechanism`` must then be ``"any"``), read from
        ``tiers``.
    tiers : pandas.DataFrame, optional
        :func:`mean_t_interval` of the ``tiers`` table of :func:`run_seeds` (scenario,
        tier, mean, low, high).

    Returns
    -------
    pandas.DataFrame
        ``finding``, ``scenario`` and the share of WhatsApp users as ``mean``, ``low`` and
        ``high`` (show it with :func:`analysis.report.plain_table`).
    """
    from analysis.linking.tiers import TIERS

    s = summary.set_index(["scenario", "mechanism", "purpose_class"])
    t = tiers.set_index(["scenario", "tier"]) if tiers is not None else None
    out = []
    for text, scen, mech, measure in rows:
        if measure in TIERS:
            if t is None or mech != "any":
                raise ValueError(f"tier {measure!r}: give tiers= and mechanism 'any'")
            r = t.loc[(scen, measure)]
        else:
            r = s.loc[(scen, mech, measure)]
        out.append(
            {
                "finding": text,
                "scenario": scen,
                "mean": float(r["mean"]),
                "low": float(max(r["low"], 0.0)),
                "high": float(min(r["high"], 1.0)),
            }
        )
    return pd.DataFrame(out)
