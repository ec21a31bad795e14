"""Custom Audience match rates over seeded worlds, with 95% intervals.

One world is one draw of people, ties and customer lists; :func:`ad_rates_over_seeds`
runs :func:`analysis.effects.ads.compare_facebook_data` on the world of each seed and
returns, per assumption about Facebook's own data, scenario and country, the mean match
rates with their 95% t-interval over seeds (:func:`analysis.core.mean_t_interval`).
:func:`wide_intervals` turns them into the ``<measure>``, ``<measure>_low``,
``<measure>_high`` columns the report's bar charts draw as error bars.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from analysis.core.stats import mean_t_interval
from analysis.effects.ads import AdsParams, compare_facebook_data
from analysis.results.worlds import seeded_world
from analysis.world import SocialParams, WorldParams

__all__ = [
    "AD_RATE_MEASURES",
    "ad_rates_over_seeds",
    "wide_intervals",
]


#: The shares :func:`ad_rates_over_seeds` summarises: of uploaded customers matched
#: without WhatsApp's numbers, with the numbers the scenario permits for ads (tier d), and
#: the difference.
AD_RATE_MEASURES: tuple[str, ...] = (
    "match_without_whatsapp_share",
    "match_share",
    "extra_match_share",
)


def ad_rates_over_seeds(
    seeds: Sequence[int],
    world: WorldParams | None = None,
    social: SocialParams | None = None,
    ads: AdsParams | None = None,
    *,
    scenarios: Mapping | None = None,
) -> pd.DataFrame:
    """Match rates of every scenario, assumption and country, mean and interval over seeds.

    Parameters
    ----------
    seeds : sequence of int
        One world per seed (:func:`analysis.results.seeded_world`); the customer lists of a
        world are drawn with the same seed.
    world, social : optional
        Parameters of the worlds (their seeds are replaced by each seed).
    ads : AdsParams, optional
        Parameters of the customer lists and matching.
    scenarios : mapping, optional
        Scenario name -> scenario (default the built-in ones).

    Returns
    -------
    pandas.DataFrame
        ``facebook_data``, ``scenario``, ``country_code`` (``ALL`` for all countries),
        ``measure`` (one of :data:`AD_RATE_MEASURES`), ``mean``, ``seed_count``, ``low``,
        ``high``; shares keep their interval inside [0, 1] (``extra_match_share`` inside
        [-1, 1]).
    """
    if not seeds:
        raise ValueError("ad_rates_over_seeds: seeds is empty; give at least one seed")
    rows = []
    for seed in seeds:
        built = seeded_world(int(seed), world, social)
        results = compare_facebook_data(
            built.people, built, ads, seed=int(seed), scenarios=dict(scenarios or {}) or None
        )
        for label, res in results.items():
            rates = res.match_rates.assign(facebook_data=label, seed=int(seed))
            rates["extra_match_share"] = (
                rates["match_share"] - rates["match_without_whatsapp_share"]
            )
            rows.append(rates)
    keys = ["facebook_data", "scenario", "country_code"]
    long = pd.concat(rows, ignore_index=True).melt(
        id_vars=[*keys, "seed"], value_vars=list(AD_RATE_MEASURES), var_name="measure"
    )
    out = mean_t_interval(long, [*keys, "measure"], "value")
    floor = out["measure"].eq("extra_match_share").map({True: -1.0, False: 0.0})
    out["low"] = out["low"].clip(lower=floor)
    out["high"] = out["high"].clip(upper=1.0)
    return out


def wide_intervals(rates: pd.DataFrame, index: Sequence[str]) -> pd.DataFrame:
    """One row per ``index`` group, columns ``<measure>``, ``<measure>_low``, ``<measure>_high``.

    >>> t = pd.DataFrame({"scenario": ["a", "a"], "measure": ["x_share", "y_share"],
    ...                   "mean": [0.5, 0.2], "low": [0.4, 0.1], "high": [0.6, 0.3],
    ...                   "seed_count": [3, 3]})
    >>> list(wide_intervals(t, ["scenario"]).columns)[:4]
    ['scenario', 'x_share', 'x_share_low', 'x_share_high']
    """
    index = list(index)
    order = list(dict.fromkeys(rates["measure"]))
    wide = rates.pivot_table(
        index=index, columns="measure", values=["mean", "low", "high"], sort=False
    )
    out = pd.DataFrame(index=wide.index)
    for m in order:
        out[m] = wide[("mean", m)]
        out[f"{m}_low"] = wide[("low", m)]
        out[f"{m}_high"] = wide[("high", m)]
    out["seed_count"] = rates.groupby(index, sort=False)["seed_count"].min()
    return out.reset_index()
