"""Headline findings with uncertainty, their sensitivity to unknown parameters, and convergence.

One synthetic world gives one value of each headline metric (:func:`headline_metrics`):

* **linking** (:mod:`analysis.linking`), under ``no_opt_out``, ``all_partial_opt_out``,
  ``all_leave`` and ``mix_2016``: share of WhatsApp users linked to their own Facebook
  account by any mechanism (``linked_share``) and share whose link may be used for ads
  (``usable_for_ads_share``) or for friend suggestions (``usable_for_suggestions_share``);
* **suggestions** (:mod:`analysis.effects.exposure`), under ``mix_2016``: share of friend
  suggestions that exist only because of WhatsApp data, share of Facebook members shown
  one, and WhatsApp-only suggestions revealing a sensitive tie (count and per 1,000 members);
* **exposure**, under ``mix_2016``: share of Facebook members who took the partial
  opt-out or left WhatsApp (and have ties) still exposed through other people's data
  (same definition as :func:`analysis.effects.exposure.collective_exposure`);
* **ads** (:mod:`analysis.effects.ads`), under ``mix_2016``: share of customer-list entries matched
  with and without WhatsApp's numbers, and the difference.

Many seeds give a mean and a 95% t-interval (:func:`headline_over_seeds`,
:func:`summarise`, reusing :func:`analysis.core.mean_t_interval`); :func:`sentences`
renders them in plain words. :func:`sensitivity` re-runs the headline across each unknown
parameter's documented plausible range, :func:`check_conclusions` says which conclusions
hold in every run, and :func:`convergence` runs it at several population sizes.

>>> FindingsParams().n_people
1500
>>> from analysis.core import fmt_share
>>> fmt_share(0.6149), fmt_share(0.0042)
('61%', '0.4%')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from analysis.core.labels import HEADLINES, METRICS
from analysis.core.params import Params, param
from analysis.core.progress import iterate
from analysis.core.schema import Field, Table, register
from analysis.core.stats import mean_t_interval
from analysis.world.params import WorldParams

__all__ = [
    "HEADLINES",
    "HEADLINE_SUMMARY",
    "LINK_SCENARIOS",
    "METRICS",
    "MIX",
    "PARTS",
    "FindingsParams",
    "exposed_share",
    "headline_metrics",
    "headline_over_seeds",
    "summarise",
]


#: Scenarios whose linking shares are headline metrics, in reading order.
LINK_SCENARIOS: tuple[str, ...] = ("no_opt_out", "all_partial_opt_out", "all_leave", "mix_2016")


#: Scenario of the suggestion, exposure and ads headlines (the 2016 change as it happened).
MIX = "mix_2016"


#: Parts of a world that can be computed (``parts=`` of :func:`headline_metrics`).
PARTS: tuple[str, ...] = ("linking", "suggestions", "exposure", "ads")


@dataclass(frozen=True)
class FindingsParams(Params):
    """Sizes of the headline, sensitivity and convergence runs (issue 7)."""

    section: ClassVar[str] = "findings"

    n_people: int = param(
        1_500,
        kind="int",
        low=50,
        high=5_000_000,
        unit="people",
        plausible=(1_000, 8_000),
        description="People per world in the headline runs (many seeds of a small world "
        "rather than one large world; see the convergence check).",
        source="convention: speed (notebooks under a minute)",
        confidence="n/a",
    )
    seed_count: int = param(
        10,
        kind="int",
        low=2,
        high=10_000,
        unit="seeds",
        description="Worlds (seeds) behind each headline interval.",
        source="convention",
        confidence="n/a",
    )
    n_businesses: int = param(
        10,
        kind="int",
        low=1,
        high=100_000,
        unit="businesses",
        plausible=(10, 60),
        description="Businesses uploading customer lists in the ads headline (fewer than "
        "the ads notebook, for speed; the match share is a share of list entries).",
        source="convention: speed",
        confidence="n/a",
    )
    sensitivity_seed_count: int = param(
        2,
        kind="int",
        low=2,
        high=1_000,
        unit="seeds",
        description="Seeds per parameter value in the sensitivity runs.",
        source="convention: speed",
        confidence="n/a",
    )
    sensitivity_n_people: int = param(
        500,
        kind="int",
        low=50,
        high=5_000_000,
        unit="people",
        description="People per world in the sensitivity runs.",
        source="convention: speed",
        confidence="n/a",
    )


HEADLINE_SUMMARY = register(
    Table(
        "headline_summary",
        "Headline metrics over seeds: mean and 95% t-interval per metric and scenario.",
        (
            Field("metric", "Headline metric (analysis.results.METRICS).", "string"),
            Field("scenario", "Scenario name (data/scenarios/).", "string"),
            Field("mean", "Mean over seeds.", "float64"),
            Field("seed_count", "Seeds with a value.", "int64"),
            Field("low", "Lower end of the 95% t-interval of the mean.", "float64"),
            Field("high", "Upper end of the 95% t-interval of the mean.", "float64"),
        ),
    )
)


def _scenarios(overrides: Mapping[str, Any] | None, address_books: bool) -> dict[str, Any]:
    from analysis.policy.scenarios import builtin_scenarios

    base = builtin_scenarios()
    out = {name: base[name] for name in LINK_SCENARIOS}
    for name, scen in (overrides or {}).items():
        if name not in out:
            raise ValueError(
                f"scenario override {name!r} is not a headline scenario; allowed: {list(out)}"
            )
        out[name] = scen
    if address_books:
        out = {k: s.replace(address_books=True) for k, s in out.items()}
    return out


def _check_parts(parts: Iterable[str]) -> tuple[str, ...]:
    parts = tuple(parts)
    bad = [p for p in parts if p not in PARTS]
    if bad:
        raise ValueError(f"parts = {bad!r} unknown; allowed: {list(PARTS)}")
    return parts


def exposed_share(world: Any, result: Any) -> tuple[float, int]:
    """Share of opted-out or departed Facebook members (with ties) exposed in one scenario.

    Same definition as :func:`analysis.effects.exposure.collective_exposure` (a WhatsApp-caused
    contact edge touches them, or they are in a WhatsApp-only suggestion), computed from
    an existing :class:`analysis.effects.exposure.ScenarioSuggestions` instead of recomputing it.

    Returns
    -------
    (float, int)
        The share (NaN when nobody opted out) and the number of such people.
    """
    from analysis.effects.exposure.params import OPTED_OUT_STATES

    people = world.people
    n = len(people)
    members = people["is_facebook_user"].to_numpy(bool)
    ties = world.tie_matrix()
    deg = np.diff(ties.indptr)
    states = result.states.astype(str).to_numpy()
    caused = result.edges[result.edges["is_whatsapp_caused"]]
    hit = np.zeros(n, dtype=bool)
    hit[caused["owner_person_id"].to_numpy(np.int64)] = True
    hit[caused["contact_person_id"].to_numpy(np.int64)] = True
    hit[result.whatsapp_only["person_id"].to_numpy(np.int64)] = True
    hit[result.whatsapp_only["suggested_person_id"].to_numpy(np.int64)] = True
    who = np.isin(states, OPTED_OUT_STATES) & members & (deg > 0)
    count = int(who.sum())
    return (float(hit[who].mean()) if count else float("nan")), count


@lru_cache(maxsize=4)
def _world(world_toml: str, social_toml: str) -> tuple[pd.DataFrame, Any]:
    """Build the population and social world for parameters given as TOML.

    A few are kept: the address-book what-if re-reads the default worlds of the
    sensitivity sweep.
    """
    from analysis.world.params import SocialParams
    from analysis.world.population import generate_population
    from analysis.world.socialworld import build_social_world

    people = generate_population(WorldParams.from_toml_text(world_toml))
    return people, build_social_world(people, SocialParams.from_toml_text(social_toml))


def headline_metrics(
    world: WorldParams | None = None,
    social: Any | None = None,
    *,
    seed: int,
    scenarios: Mapping[str, Any] | None = None,
    address_books: bool = False,
    parts: Sequence[str] = PARTS,
    n_businesses: int | None = None,
) -> pd.DataFrame:
    """Build one world and compute the headline metrics.

    Parameters
    ----------
    world : WorldParams, optional
        Population parameters; ``seed`` replaces its seed. Default
        ``WorldParams(n_people=FindingsParams().n_people)``.
    social : analysis.world.SocialParams, optional
        Social-world parameters; ``seed`` replaces its seed.
    seed : int
        Seed of the population, the social world, the scenario draws and the customer lists.
    scenarios : mapping, optional
        Replacements for some of :data:`LINK_SCENARIOS` (same names), e.g. a ``mix_2016``
        re-drawn at another uptake.
    address_books : bool
        Turn on the address-book switch of every scenario (what-if).
    parts : sequence of str
        Which of :data:`PARTS` to compute (skip the rest for speed).
    n_businesses : int, optional
        Businesses in the ads part (default :class:`FindingsParams`).

    Returns
    -------
    pandas.DataFrame
        ``metric``, ``scenario``, ``value`` (one row per metric of the computed parts).
    """
    from analysis import linking
    from analysis.effects import ads, exposure
    from analysis.world.params import SocialParams

    parts = _check_parts(parts)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed = {seed!r} must be a non-negative integer")
    seed = int(seed)
    fp = FindingsParams()
    world = (world or WorldParams(n_people=fp.n_people)).replace(seed=seed)
    social = (social or SocialParams()).replace(seed=seed)
    scen = _scenarios(scenarios, address_books)
    people, sw = _world(world.to_toml_text(), social.to_toml_text())
    rows: list[tuple[str, str, float]] = []
    if "linking" in parts:
        base = linking.infer_numbers(people, sw)
        for name, s in scen.items():
            links = linking.compute_links(people, s, sw, seed=seed, inferred=base)
            t = linking.link_table(people, s, sw, seed=seed, links=links)
            for m, col in (
                ("linked_share", "is_linked_any"),
                ("usable_for_ads_share", "is_usable_for_ads"),
                ("usable_for_suggestions_share", "is_usable_for_suggestions"),
            ):
                rows.append((m, name, float(t[col].mean()) if len(t) else float("nan")))
    if "suggestions" in parts or "exposure" in parts:
        summ, res = exposure.compare_scenarios(sw, {MIX: scen[MIX]}, seed=seed)
        r = summ.iloc[0]
        members = int(people["is_facebook_user"].sum())
        if "suggestions" in parts:
            rows += [
                ("whatsapp_only_suggestion_share", MIX, float(r["whatsapp_only_share"])),
                (
                    "members_with_whatsapp_only_share",
                    MIX,
                    float(r["members_with_whatsapp_only_share"]),
                ),
                ("sensitive_suggestion_count", MIX, float(r["sensitive_count"])),
                (
                    "sensitive_suggestions_per_1000_members",
                    MIX,
                    1000.0 * float(r["sensitive_count"]) / members if members else float("nan"),
                ),
            ]
        if "exposure" in parts:
            share, count = exposed_share(sw, res[MIX])
            rows += [
                ("opted_out_exposed_share", MIX, share),
                ("opted_out_member_count", MIX, float(count)),
            ]
    if "ads" in parts:
        ap = ads.AdsParams(n_businesses=n_businesses or fp.n_businesses)
        o, o_min = _ads_rates(people, sw, ap, seed, scen[MIX])
        rows += [
            ("ad_extra_match_numbers_only_share", MIX, float(o_min["extra_match_share"])),
            ("ad_match_without_whatsapp_share", MIX, float(o["match_without_whatsapp_share"])),
            ("ad_match_share", MIX, float(o["match_share"])),
            ("ad_extra_match_share", MIX, float(o["extra_match_share"])),
        ]
    return pd.DataFrame(rows, columns=["metric", "scenario", "value"])


def _ads_rates(people: pd.DataFrame, sw: Any, ap: Any, seed: int, scenario: Any):
    """All-country ad match rates under ``ap`` and under "numbers users gave Facebook".

    Both assumptions are run by :func:`analysis.effects.ads.run_scenarios` on the same customer
    lists, so the difference between them is what Facebook held, not who is on the lists.
    """
    from analysis.effects import ads

    lists = ads.generate_customer_lists(people, ap, seed=seed)
    numbers_only = ap.replace(match_emails=False, shadow_contacts_usable=False)
    return tuple(
        ads.overall_rates(
            {
                "model": ads.run_scenarios(
                    people, sw, p, seed=seed, scenarios={MIX: scenario}, lists=lists
                )
            }
        ).iloc[0]
        for p in (ap, numbers_only)
    )


def headline_over_seeds(
    seeds: Iterable[int],
    world: WorldParams | None = None,
    social: Any | None = None,
    *,
    progress: bool = False,
    **kwargs: Any,
) -> pd.DataFrame:
    """Run :func:`headline_metrics` once per seed.

    Parameters
    ----------
    seeds : iterable of int
    world, social
        As :func:`headline_metrics`.
    progress : bool
        Show a tqdm bar (off by default so that notebook outputs stay deterministic).
    **kwargs
        Passed to :func:`headline_metrics` (``scenarios``, ``address_books``, ``parts``,
        ``n_businesses``).

    Returns
    -------
    pandas.DataFrame
        ``seed``, ``metric``, ``scenario``, ``value``.
    """
    seeds = [int(s) for s in seeds]
    if not seeds:
        raise ValueError("seeds: give at least one seed")
    frames = [
        headline_metrics(world, social, seed=s, **kwargs).assign(seed=s)
        for s in iterate(seeds, progress, "worlds")
    ]
    return pd.concat(frames, ignore_index=True)[["seed", "metric", "scenario", "value"]]


def summarise(long: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """Mean and 95% t-interval over seeds per metric and scenario (and ``by`` columns).

    Uses :func:`analysis.core.mean_t_interval`. Shares keep their interval inside [0, 1].

    >>> long = pd.DataFrame({"seed": [1, 2, 3], "metric": "linked_share",
    ...                      "scenario": "mix_2016", "value": [0.5, 0.6, 0.7]})
    >>> s = summarise(long)
    >>> round(float(s["mean"].iloc[0]), 2), bool(s["low"].iloc[0] < 0.6 < s["high"].iloc[0])
    (0.6, True)
    """
    need = {"seed", "metric", "scenario", "value"} | set(by)
    missing = need - set(long.columns)
    if missing:
        raise ValueError(
            f"summarise: missing column(s) {sorted(missing)}; has {list(long.columns)}"
        )
    out = mean_t_interval(long, [*by, "metric", "scenario"], "value")
    is_share = out["metric"].map(lambda m: METRICS.get(m, ("", "share"))[1] == "share")
    out["low"] = out["low"].clip(lower=0.0)
    out["high"] = out["high"].where(~is_share, out["high"].clip(upper=1.0))
    return out.reset_index(drop=True)
