"""Headline findings of one world and over seeds: what each number counts is in :mod:`metrics`.

One world, generated or given (:class:`analysis.world.SocialWorld`, e.g. loaded from an
edge list), gives one value of each headline metric (:func:`headline_metrics`). The parts:

* ``linking``: the four tiers (:mod:`analysis.linking.tiers`) under ``no_opt_out``,
  ``all_partial_opt_out``, ``all_leave`` and ``mix_2016``, each a share of WhatsApp users;
  and who the joins usable for ads are when everyone else opted out;
* ``time``: what Facebook still holds, from data received before, about a cohort who
  accepted, shared and left (``accepted_then_left``) or opted out during the window
  (``opted_out_in_window``), beside what flows afterwards;
* ``suggestions``: WhatsApp-only friend suggestions in the 2016 mix; Facebook members
  suggested to someone else because of them; patients, clients and sources suggested to a
  fellow client of the same professional; sensitive suggestions split into those between
  two people who share a sensitive third party and those of a person's own private tie;
* ``exposure``: exposures (i)-(iii) of :mod:`analysis.effects.exposure.harm` for people who
  took the partial opt-out, left, or never used WhatsApp, each with its denominator;
* ``ads``: customer-list entries matched with and without WhatsApp's numbers, numbers
  attached to accounts only through the model's mechanisms.

Many seeds give a mean and a 95% t-interval (:func:`headline_over_seeds`,
:func:`summarise`, reusing :func:`analysis.core.mean_t_interval`).

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

from analysis.core.params import Params, param
from analysis.core.progress import iterate
from analysis.core.schema import Field, Table, register
from analysis.core.stats import mean_t_interval
from analysis.results.metrics import LINK_SCENARIOS, METRICS, MIX
from analysis.results.worlds import build_world, seeded_world
from analysis.world.params import WorldParams

__all__ = [
    "HEADLINE_SUMMARY",
    "PARTS",
    "FindingsParams",
    "exposure_over_seeds",
    "headline_metrics",
    "headline_over_seeds",
    "summarise",
]


#: Parts of a world that can be computed (``parts=`` of :func:`headline_metrics`).
PARTS: tuple[str, ...] = ("linking", "time", "suggestions", "exposure", "ads")


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
        5,
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
    exposure_n_people: int = param(
        7_000,
        kind="int",
        low=50,
        high=5_000_000,
        unit="people",
        description="People per world in the exposure headline (larger than the other "
        "headlines' worlds, and built with only the parts exposure needs, so that every "
        "group's denominator, pooled over the worlds, holds at least 1,000 people).",
        source="convention: denominators of at least 1,000 people (issue 10)",
        confidence="n/a",
    )
    exposure_seed_count: int = param(
        3,
        kind="int",
        low=1,
        high=10_000,
        unit="seeds",
        description="Worlds behind the exposure headline.",
        source="convention: speed",
        confidence="n/a",
    )
    exposure_opt_out_uptake_share: float = param(
        0.25,
        kind="share",
        description="Opt-out uptake in the exposure headline's worlds: the top of its "
        "plausible range (1-25%), so that enough people opted out to count them; fewer of "
        "everyone's contacts then share by default.",
        source="WorldParams.opt_out_uptake_share plausible range",
        confidence="n/a",
    )
    exposure_left_share: float = param(
        0.1,
        kind="share",
        description="Share of existing users who left, in the exposure headline's worlds: the "
        "top of its plausible range (0-10%), for the same reason.",
        source="WorldParams.whatsapp_left_share plausible range",
        confidence="n/a",
    )
    leave_after_days: int = param(
        7,
        kind="int",
        low=1,
        high=30,
        unit="days",
        plausible=(1, 30),
        description="In the 'accepted, shared, then left' headline, days between accepting "
        "the 2016 terms and leaving WhatsApp (any day from 1 gives the same held data: "
        "everything flowed from the day of acceptance).",
        source="convention",
        confidence="n/a",
    )
    opt_out_day: int = param(
        10,
        kind="int",
        low=1,
        high=30,
        unit="day of the window",
        description="In the 'opted out during the window' headline, the day of the 30-day "
        "window on which the cohort unticks the box.",
        source="convention",
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


def _check_seed(seed: Any) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed = {seed!r} must be a non-negative integer")
    return int(seed)


@lru_cache(maxsize=4)
def _world(world_toml: str, social_toml: str, address_books: bool) -> Any:
    """Build a world for parameters given as TOML (a few are kept for the what-ifs)."""
    from analysis.world.params import SocialParams

    return build_world(
        WorldParams.from_toml_text(world_toml),
        SocialParams.from_toml_text(social_toml),
        address_books=address_books,
    )


def headline_metrics(
    world: Any | None = None,
    social: Any | None = None,
    *,
    seed: int,
    scenarios: Mapping[str, Any] | None = None,
    address_books: bool = False,
    parts: Sequence[str] = PARTS,
    n_businesses: int | None = None,
    suggest: Any | None = None,
    linking_params: Any | None = None,
    ads_params: Any | None = None,
) -> pd.DataFrame:
    """Compute the headline metrics of one world.

    Parameters
    ----------
    world : WorldParams or analysis.world.SocialWorld, optional
        Either parameters of a world to generate (``seed`` replaces their seed; default
        ``WorldParams(n_people=FindingsParams().n_people)``), or an already-built world:
        a :class:`analysis.world.SocialWorld` from :func:`analysis.world.build_social_world`
        or :func:`analysis.world.build_social_world_from_edges`, used as it is.
    social : analysis.world.SocialParams, optional
        Social-world parameters of a generated world (``seed`` replaces their seed);
        must be ``None`` when ``world`` is a built world.
    seed : int
        Seed of a generated world, of the scenarios' opt-out draws and of the customer lists.
    scenarios : mapping, optional
        Replacements for some of :data:`LINK_SCENARIOS` (same names), e.g. a ``mix_2016``
        re-drawn at another uptake.
    address_books : bool
        Turn on the address-book switch of every scenario (what-if).
    parts : sequence of str
        Which of :data:`PARTS` to compute (skip the rest for speed).
    n_businesses : int, optional
        Businesses in the ads part (default: ``ads_params``' if given, else
        :class:`FindingsParams`').
    suggest : analysis.effects.suggest.SuggestParams, optional
        How suggestions are ranked (e.g. ``contact_edge_weight``; default its defaults).
    linking_params : analysis.linking.LinkingParams, optional
        Knobs of the linking mechanisms (name-match threshold, agreeing uploaders, last-seen
        buckets), used by every part that links or infers numbers.
    ads_params : analysis.effects.ads.AdsParams, optional
        Customer lists and matching of the ads part (default ``AdsParams`` with
        :class:`FindingsParams`' ``n_businesses``).

    Returns
    -------
    pandas.DataFrame
        ``metric``, ``scenario``, ``value`` (one row per metric of the computed parts;
        :data:`METRICS` says what each counts).

    Examples
    --------
    The generated path, and the same call on a world built beforehand:

    >>> from analysis.world import SocialParams
    >>> world = build_world(WorldParams(n_people=300, seed=4), SocialParams(seed=4))
    >>> a = headline_metrics(WorldParams(n_people=300), seed=4, parts=["linking"])
    >>> b = headline_metrics(world, seed=4, parts=["linking"])
    >>> a.equals(b), sorted(set(a["metric"]))[:2]
    (True, ['ads_join_no_choice_share', 'ads_join_share'])
    """
    parts = _check_parts(parts)
    seed = _check_seed(seed)
    scen = _scenarios(scenarios, address_books)
    sw = _given_or_generated(world, social, seed, address_books)
    from analysis import linking

    rows: list[tuple[str, str, float]] = []
    people = sw.people
    inferred = (
        linking.infer_numbers(people, sw, params=linking_params)
        if {"linking", "time", "exposure", "ads"} & set(parts)
        else None
    )
    if "linking" in parts:
        rows += _linking_rows(sw, scen, seed, inferred, linking_params)
    if "time" in parts:
        rows += _time_rows(sw, scen[MIX], inferred, linking_params)
    if "suggestions" in parts or "exposure" in parts:
        rows += _suggestion_rows(sw, scen[MIX], seed, parts, inferred, suggest)
    if "ads" in parts:
        rows += _ads_rows(sw, scen[MIX], seed, n_businesses, inferred, ads_params)
    return pd.DataFrame(rows, columns=["metric", "scenario", "value"])


def _given_or_generated(world: Any, social: Any, seed: int, address_books: bool) -> Any:
    from analysis.world.params import SocialParams
    from analysis.world.socialworld import SocialWorld

    if isinstance(world, SocialWorld):
        if social is not None:
            raise ValueError(
                "social: give SocialParams only with a world to generate, not with a built "
                "SocialWorld"
            )
        return world
    if world is not None and not isinstance(world, WorldParams):
        raise TypeError(
            f"world must be WorldParams, a SocialWorld or None, got {type(world).__name__}"
        )
    world = (world or WorldParams(n_people=FindingsParams().n_people)).replace(seed=seed)
    social = (social or SocialParams()).replace(seed=seed)
    return _world(world.to_toml_text(), social.to_toml_text(), bool(address_books))


def _nan_mean(x: np.ndarray) -> float:
    return float(np.mean(x)) if len(x) else float("nan")


def _linking_rows(sw: Any, scen: Mapping[str, Any], seed: int, inferred, lp=None) -> list:
    from analysis import linking

    people = sw.people
    rows = []
    for name, s in scen.items():
        links = linking.compute_links(people, s, sw, lp, seed=seed, inferred=inferred)
        t = linking.link_table(people, s, sw, lp, seed=seed, links=links)
        for tier, share in linking.tier_shares(t).items():
            rows.append((f"{tier}_share", name, share))
        ads = t["is_usable_for_ads"].to_numpy(bool)
        new = t["consent_state"].astype(str).to_numpy() == "new_user_no_choice"
        rows.append(("ads_join_no_choice_share", name, _nan_mean(new[ads])))
    return rows


def _time_rows(sw: Any, mix: Any, inferred, lp=None) -> list:
    from analysis import linking

    fp = FindingsParams()
    t = linking.time_table(
        sw.people,
        sw,
        lp,
        opt_out_days=(fp.opt_out_day,),
        leave_days=(fp.leave_after_days,),
        inferred=inferred,
        base=mix,
        views=("held_as_received",),
    )
    names = {"left": "accepted_then_left", "opted_out": "opted_out_in_window"}
    return [(f"held_{r.tier}_share", names[r.cohort], float(r.share)) for r in t.itertuples()]


def _suggestion_rows(
    sw: Any, mix: Any, seed: int, parts: Sequence[str], inferred, suggest=None
) -> list:
    from analysis.effects import exposure

    people = sw.people
    summ, res = exposure.compare_scenarios(sw, {MIX: mix}, suggest, seed=seed)
    r, result = summ.iloc[0], res[MIX]
    members = int(people["is_facebook_user"].sum())
    rows = []
    if "suggestions" in parts:
        clients = exposure.client_exposure(sw, result)
        per_1000 = 1000.0 / members if members else float("nan")
        rows += [
            ("whatsapp_only_suggestion_share", MIX, float(r["whatsapp_only_share"])),
            ("members_suggested_share", MIX, float(r["members_suggested_share"])),
            (
                "co_client_suggested_share",
                MIX,
                _nan_mean(clients["co_client_suggested_count"].to_numpy() > 0),
            ),
            ("co_client_member_count", MIX, float(len(clients))),
            (
                "third_party_sensitive_per_1000_members",
                MIX,
                per_1000 * float(r["third_party_sensitive_count"]),
            ),
            (
                "own_tie_sensitive_per_1000_members",
                MIX,
                per_1000 * float(r["own_tie_sensitive_count"]),
            ),
        ]
    if "exposure" in parts:
        per = exposure.person_exposure(sw, result, mix, seed=seed, inferred=inferred)
        rows += _exposure_rows(per)
    return rows


def _exposure_rows(per: pd.DataFrame) -> list:
    """Headline rows of one world's :func:`analysis.effects.exposure.person_exposure`."""
    from analysis.effects import exposure

    shares = exposure.exposure_shares(per).set_index(["exposure_group", "exposure"])
    rows = []
    for g in exposure.EXPOSURE_GROUPS:
        for e in exposure.EXPOSURES:
            rows.append((f"{g}_{e}_share", MIX, float(shares.loc[(g, e), "exposed_share"])))
        sug = shares.loc[(g, "suggested")]
        rows.append((f"{g}_suggested_member_share", MIX, float(sug["member_exposed_share"])))
        wa = float(shares.loc[(g, "tie_known"), "whatsapp_exposed_share"])
        rows.append((f"{g}_tie_known_whatsapp_share", MIX, wa))
        rows.append((f"{g}_member_count", MIX, float(sug["member_count"])))
        rows.append((f"{g}_people_count", MIX, float(sug["people_count"])))
    return rows


def exposure_over_seeds(
    seeds: Iterable[int],
    world: WorldParams | None = None,
    social: Any | None = None,
    *,
    scenario: Any | None = None,
    progress: bool = False,
    edges: Any | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Exposures (i)-(iii) in one generated world per seed: headline rows and every person.

    Only what exposure needs is built (people, ties, the uploaded address books,
    suggestions with and without WhatsApp data, the inference of numbers), so larger
    worlds fit and each group's denominator can hold enough people.

    Parameters
    ----------
    seeds : iterable of int
    world, social
        Parameters of the generated worlds (``seed`` replaced per world).
    scenario : analysis.policy.Scenario, optional
        Default: the built-in ``mix_2016``.
    progress : bool
        Show a tqdm bar.
    edges : pandas.DataFrame or path, optional
        Build every world on this loaded network (:func:`seeded_world`).

    Returns
    -------
    (long, per_person) : (pandas.DataFrame, pandas.DataFrame)
        ``long`` as :func:`headline_over_seeds` (the exposure metrics); ``per_person`` the
        :func:`analysis.effects.exposure.person_exposure` rows of every world, with ``seed``
        and the person's ``country_code``.
    """
    from analysis import linking
    from analysis.effects import exposure
    from analysis.policy.scenarios import builtin_scenarios
    from analysis.world.params import SocialParams

    seeds = [int(s) for s in seeds]
    if not seeds:
        raise ValueError("seeds: give at least one seed")
    scenario = scenario or builtin_scenarios()[MIX]
    longs, people = [], []
    for s in iterate(seeds, progress, "worlds"):
        w = world or WorldParams(n_people=FindingsParams().n_people)
        sw = seeded_world(s, w, social or SocialParams(), edges=edges)
        _, res = exposure.compare_scenarios(sw, {MIX: scenario}, seed=s)
        inferred = linking.infer_numbers(sw.people, sw)
        per = exposure.person_exposure(sw, res[MIX], scenario, seed=s, inferred=inferred)
        rows = _exposure_rows(per)
        longs.append(pd.DataFrame(rows, columns=["metric", "scenario", "value"]).assign(seed=s))
        people.append(per.assign(seed=s, country_code=sw.people["country_code"].to_numpy()))
    long = pd.concat(longs, ignore_index=True)[["seed", "metric", "scenario", "value"]]
    return long, pd.concat(people, ignore_index=True)


def _ads_rows(sw: Any, mix: Any, seed: int, n_businesses: int | None, inferred, ap=None) -> list:
    from analysis.effects import ads

    if ap is None:
        ap = ads.AdsParams(n_businesses=n_businesses or FindingsParams().n_businesses)
    elif n_businesses:
        ap = ap.replace(n_businesses=n_businesses)
    o, o_min = _ads_rates(sw.people, sw, ap, seed, mix, inferred)
    return [
        ("ad_extra_match_numbers_only_share", MIX, float(o_min["extra_match_share"])),
        ("ad_match_without_whatsapp_share", MIX, float(o["match_without_whatsapp_share"])),
        ("ad_match_share", MIX, float(o["match_share"])),
        ("ad_extra_match_share", MIX, float(o["extra_match_share"])),
    ]


def _ads_rates(people: pd.DataFrame, sw: Any, ap: Any, seed: int, scenario: Any, inferred=None):
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
                    people,
                    sw,
                    p,
                    seed=seed,
                    scenarios={MIX: scenario},
                    lists=lists,
                    inferred=inferred,
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
    edges: Any | None = None,
    **kwargs: Any,
) -> pd.DataFrame:
    """Run :func:`headline_metrics` once per seed, on a world generated per seed.

    Parameters
    ----------
    seeds : iterable of int
    world, social
        Parameters of the generated worlds (as :func:`headline_metrics`).
    progress : bool
        Show a tqdm bar (off by default so that notebook outputs stay deterministic).
    edges : pandas.DataFrame or path, optional
        Build every world on this loaded network (:func:`seeded_world`).
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
    from analysis.world.socialworld import SocialWorld

    if isinstance(world, SocialWorld):
        raise TypeError(
            "headline_over_seeds generates one world per seed; for a built world call "
            "headline_metrics(world, seed=...) once per seed of the scenario draws"
        )
    books = bool(kwargs.get("address_books", False))
    frames = [
        headline_metrics(
            *(
                (world, social)
                if edges is None
                else (seeded_world(s, world, social, books, edges),)
            ),
            seed=s,
            **kwargs,
        ).assign(seed=s)
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
    is_share = out["metric"].map(lambda m: m not in METRICS or METRICS[m].unit == "share")
    out["low"] = out["low"].clip(lower=0.0)
    out["high"] = out["high"].where(~is_share, out["high"].clip(upper=1.0))
    return out.reset_index(drop=True)
