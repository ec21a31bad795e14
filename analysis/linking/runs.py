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
from analysis.policy.scenarios import Scenario
from analysis.world.params import WorldParams
from analysis.world.population import generate_population

__all__ = [
    "headline_numbers",
    "run_seeds",
]


def _build_social(people: pd.DataFrame, seed: int):
    from analysis.world.params import SocialParams
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

    Returns
    -------
    dict of pandas.DataFrame
        ``shares`` (seed, scenario, mechanism, purpose_class, share), ``scores`` (seed,
        scenario, mechanism, precision, recall, ...), ``countries`` (seed, scenario,
        country_code, shares), ``curve`` (seed, scenario, day, shares).
    """
    world = world or WorldParams(n_people=n_people)
    iterator: Iterable[int] = seeds
    if progress:
        from tqdm.auto import tqdm

        iterator = tqdm(list(seeds), desc="seeds", file=sys.stderr)
    shares, scores, countries, curves = [], [], [], []
    for s in iterator:
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
            if name in curve_scenarios:
                curves.append(window_curve(people, links, seed=int(s)).assign(**tag))

    def cat(frames: list[pd.DataFrame]) -> pd.DataFrame:
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    return {
        "shares": cat(shares),
        "scores": cat(scores),
        "countries": cat(countries),
        "curve": cat(curves),
    }


def _pct(mean: float, low: float, high: float) -> str:
    return f"{100 * mean:.1f}% ({100 * max(low, 0):.1f}-{100 * min(high, 1):.1f}%)"


def headline_numbers(
    summary: pd.DataFrame, rows: Sequence[tuple[str, str, str, str]]
) -> pd.DataFrame:
    """Build a table of key numbers in plain words.

    Parameters
    ----------
    summary : pandas.DataFrame
        :func:`mean_t_interval` of the ``shares`` table.
    rows : sequence of (text, scenario, mechanism, measure)
        ``measure`` is a purpose class, or ``"linked"`` (any use: 1 - not_linked).

    Returns
    -------
    pandas.DataFrame
        ``finding`` and ``share of WhatsApp users (95% interval)``.
    """
    s = summary.set_index(["scenario", "mechanism", "purpose_class"])
    out = []
    for text, scen, mech, measure in rows:
        if measure == "linked":
            r = s.loc[(scen, mech, "not_linked")]
            mean, low, high = 1 - r["mean"], 1 - r["high"], 1 - r["low"]
        else:
            r = s.loc[(scen, mech, measure)]
            mean, low, high = r["mean"], r["low"], r["high"]
        out.append(
            {"finding": text, "share of WhatsApp users (95% interval)": _pct(mean, low, high)}
        )
    return pd.DataFrame(out)
