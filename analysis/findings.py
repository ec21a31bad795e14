"""Headline findings with uncertainty, their sensitivity to unknown parameters, and convergence.

One synthetic world gives one value of each headline metric (:func:`headline_metrics`):

* **linking** (:mod:`analysis.linking`), under ``no_opt_out``, ``all_partial_opt_out``,
  ``all_leave`` and ``mix_2016``: share of WhatsApp users linked to their own Facebook
  account by any mechanism (``linked_share``) and share whose link may be used for ads
  (``usable_for_ads_share``) or for friend suggestions (``usable_for_suggestions_share``);
* **suggestions** (:mod:`analysis.exposure`), under ``mix_2016``: share of friend
  suggestions that exist only because of WhatsApp data, share of Facebook members shown
  one, and WhatsApp-only suggestions revealing a sensitive tie (count and per 1,000 members);
* **exposure**, under ``mix_2016``: share of Facebook members who took the partial
  opt-out or left WhatsApp (and have ties) still exposed through other people's data
  (same definition as :func:`analysis.exposure.collective_exposure`);
* **ads** (:mod:`analysis.ads`), under ``mix_2016``: share of customer-list entries matched
  with and without WhatsApp's numbers, and the difference.

Many seeds give a mean and a 95% t-interval (:func:`headline_over_seeds`,
:func:`summarise`, reusing :func:`analysis.linking.summarise_seeds`); :func:`sentences`
renders them in plain words. :func:`sensitivity` re-runs the headline across each unknown
parameter's documented plausible range, :func:`check_conclusions` says which conclusions
hold in every run, and :func:`convergence` runs it at several population sizes.

>>> FindingsParams().n_people
1500
>>> fmt_share(0.6149), fmt_share(0.0042)
('61%', '0.4%')
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from analysis.params import ParameterError, Params, WorldParams, param
from analysis.schema import Field, Table, register

#: Scenarios whose linking shares are headline metrics, in reading order.
LINK_SCENARIOS: tuple[str, ...] = ("no_opt_out", "all_partial_opt_out", "all_leave", "mix_2016")
#: Scenario of the suggestion, exposure and ads headlines (the 2016 change as it happened).
MIX = "mix_2016"
#: Parts of a world that can be computed (``parts=`` of :func:`headline_metrics`).
PARTS: tuple[str, ...] = ("linking", "suggestions", "exposure", "ads")

#: Metric -> (plain-words label, unit: ``share`` 0-1 or ``count`` or ``rate``).
METRICS: dict[str, tuple[str, str]] = {
    "linked_share": ("WhatsApp users linked to their Facebook account", "share"),
    "usable_for_ads_share": ("WhatsApp users with a link usable for ads", "share"),
    "usable_for_suggestions_share": (
        "WhatsApp users with a link usable for friend suggestions",
        "share",
    ),
    "whatsapp_only_suggestion_share": (
        "friend suggestions that exist only because of WhatsApp data",
        "share",
    ),
    "members_with_whatsapp_only_share": (
        "Facebook members shown a WhatsApp-only suggestion",
        "share",
    ),
    "sensitive_suggestion_count": (
        "WhatsApp-only suggestions revealing a sensitive tie",
        "count",
    ),
    "sensitive_suggestions_per_1000_members": (
        "WhatsApp-only suggestions revealing a sensitive tie, per 1,000 Facebook members",
        "rate",
    ),
    "opted_out_exposed_share": (
        "people who opted out or left still exposed through others' data",
        "share",
    ),
    "opted_out_member_count": ("Facebook members who opted out or left (with ties)", "count"),
    "ad_match_without_whatsapp_share": (
        "customer-list entries matched without WhatsApp's numbers",
        "share",
    ),
    "ad_match_share": ("customer-list entries matched with WhatsApp's numbers", "share"),
    "ad_extra_match_share": ("extra customer-list entries matched thanks to WhatsApp", "share"),
    "ad_extra_match_numbers_only_share": (
        "extra customer-list entries matched thanks to WhatsApp, if Facebook matched only on "
        "the numbers users gave it",
        "share",
    ),
}

#: The headlines charted in the sensitivity and convergence checks: (metric, scenario) -> label.
HEADLINES: dict[tuple[str, str], str] = {
    ("linked_share", "no_opt_out"): "Linked, no opt-out",
    ("linked_share", "all_partial_opt_out"): "Linked, everyone opts out (partial)",
    ("usable_for_ads_share", "mix_2016"): "Link usable for ads, 2016 mix",
    ("whatsapp_only_suggestion_share", "mix_2016"): "Suggestions only from WhatsApp, 2016 mix",
    ("opted_out_exposed_share", "mix_2016"): "Opted out or left, still exposed, 2016 mix",
    ("ad_extra_match_share", "mix_2016"): "Extra ad matches from WhatsApp, 2016 mix",
    ("ad_extra_match_numbers_only_share", "mix_2016"): "Extra ad matches, numbers-only Facebook",
}

#: Unknown parameters explored by :func:`sensitivity`: name -> where it lives.
#: ``world`` = :class:`analysis.params.WorldParams`, ``social`` =
#: :class:`analysis.social.SocialParams`, ``scenario`` = the address-book switch of every
#: scenario (off by default, on in the what-if).
SENSITIVITY_PARAMETERS: dict[str, str] = {
    "opt_out_uptake_share": "world",
    "facebook_whatsapp_overlap": "world",
    "facebook_phone_on_file_share": "world",
    "uploads_contacts_to_facebook": "social",
    "address_books": "scenario",
}

PARAMETER_LABELS: dict[str, str] = {
    "opt_out_uptake_share": "Opt-out uptake",
    "facebook_whatsapp_overlap": "Facebook-WhatsApp overlap",
    "facebook_phone_on_file_share": "Facebook accounts with a phone on file",
    "uploads_contacts_to_facebook": "Facebook users uploading contacts",
    "address_books": "Address books shared with Facebook",
}


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
            Field("metric", "Headline metric (analysis.findings.METRICS).", "string"),
            Field("scenario", "Scenario name (data/scenarios/).", "string"),
            Field("mean", "Mean over seeds.", "float64"),
            Field("seed_count", "Seeds with a value.", "int64"),
            Field("low", "Lower end of the 95% t-interval of the mean.", "float64"),
            Field("high", "Upper end of the 95% t-interval of the mean.", "float64"),
        ),
    )
)


# --------------------------------------------------------------------------------------
# one world
# --------------------------------------------------------------------------------------
def _scenarios(overrides: Mapping[str, Any] | None, address_books: bool) -> dict[str, Any]:
    from analysis.policy import builtin_scenarios

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

    Same definition as :func:`analysis.exposure.collective_exposure` (a WhatsApp-caused
    contact edge touches them, or they are in a WhatsApp-only suggestion), computed from
    an existing :class:`analysis.exposure.ScenarioSuggestions` instead of recomputing it.

    Returns
    -------
    (float, int)
        The share (NaN when nobody opted out) and the number of such people.
    """
    from analysis.exposure import OPTED_OUT_STATES

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
    from analysis.population import generate_population
    from analysis.social import SocialParams, build_social_world

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
    social : analysis.social.SocialParams, optional
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
    from analysis import ads, exposure, linking
    from analysis.social import SocialParams

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

    Both assumptions are run by :func:`analysis.ads.run_scenarios` on the same customer
    lists, so the difference between them is what Facebook held, not who is on the lists.
    """
    from analysis import ads

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


def _iterate(items: Sequence[Any], progress: bool, desc: str) -> Iterable[Any]:
    if not progress:
        return items
    from tqdm.auto import tqdm

    return tqdm(list(items), desc=desc, file=sys.stderr)


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
        for s in _iterate(seeds, progress, "worlds")
    ]
    return pd.concat(frames, ignore_index=True)[["seed", "metric", "scenario", "value"]]


def summarise(long: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """Mean and 95% t-interval over seeds per metric and scenario (and ``by`` columns).

    Uses :func:`analysis.linking.summarise_seeds`. Shares keep their interval inside [0, 1].

    >>> long = pd.DataFrame({"seed": [1, 2, 3], "metric": "linked_share",
    ...                      "scenario": "mix_2016", "value": [0.5, 0.6, 0.7]})
    >>> s = summarise(long)
    >>> round(float(s["mean"].iloc[0]), 2), bool(s["low"].iloc[0] < 0.6 < s["high"].iloc[0])
    (0.6, True)
    """
    from analysis.linking import summarise_seeds

    need = {"seed", "metric", "scenario", "value"} | set(by)
    missing = need - set(long.columns)
    if missing:
        raise ValueError(
            f"summarise: missing column(s) {sorted(missing)}; has {list(long.columns)}"
        )
    out = summarise_seeds(long, [*by, "metric", "scenario"], "value")
    is_share = out["metric"].map(lambda m: METRICS.get(m, ("", "share"))[1] == "share")
    out["low"] = out["low"].clip(lower=0.0)
    out["high"] = out["high"].where(~is_share, out["high"].clip(upper=1.0))
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------------------
# plain words
# --------------------------------------------------------------------------------------
def fmt_share(x: float, *, decimals: int | None = None) -> str:
    """Format a share as a percentage: whole percents, one decimal below 5%.

    >>> fmt_share(0.25), fmt_share(0.031), fmt_share(0.0), fmt_share(float("nan"))
    ('25%', '3.1%', '0%', 'n/a')
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if decimals is None:
        decimals = 1 if 0 < abs(x) < 0.05 else 0
    return f"{100 * x:.{decimals}f}%"


def _decimals(mean: float) -> int:
    return 1 if 0 < abs(mean) < 0.05 else 0


def fmt_interval(mean: float, low: float, high: float, *, unit: str = "share") -> str:
    """``mean (95% interval low-high)`` in percents (shares) or plain numbers.

    >>> fmt_interval(0.614, 0.59, 0.632)
    '61% (95% interval 59-63%)'
    >>> fmt_interval(2.345, 1.2, 3.49, unit="rate")
    '2.3 (95% interval 1.2-3.5)'
    """
    if unit == "share":
        low, high = max(low, 0.0), min(high, 1.0)
        d = _decimals(mean)
        return (
            f"{fmt_share(mean, decimals=d)} (95% interval "
            f"{100 * low:.{d}f}-{fmt_share(high, decimals=d)})"
        )
    return f"{mean:.1f} (95% interval {low:.1f}-{high:.1f})"


def _get(summary: pd.DataFrame, metric: str, scenario: str) -> pd.Series:
    hit = summary[(summary["metric"] == metric) & (summary["scenario"] == scenario)]
    if hit.empty:
        raise KeyError(f"summary has no row for metric {metric!r} under scenario {scenario!r}")
    return hit.iloc[0]


def _iv(summary: pd.DataFrame, metric: str, scenario: str) -> str:
    r = _get(summary, metric, scenario)
    return fmt_interval(r["mean"], r["low"], r["high"], unit=METRICS.get(metric, ("", "share"))[1])


def _direction(a: float, b: float) -> str:
    if round(100 * a) == round(100 * b):
        return "stayed at"
    return "fell from" if b < a else "rose from"


def _has(summary: pd.DataFrame, pairs: Iterable[tuple[str, str]]) -> bool:
    keys = set(zip(summary["metric"], summary["scenario"], strict=True))
    return all(p in keys for p in pairs)


#: Each key sentence: the (metric, scenario) numbers it uses, in order.
SENTENCE_NUMBERS: dict[str, tuple[tuple[str, str], ...]] = {
    "linking": (
        ("linked_share", "all_partial_opt_out"),
        ("linked_share", "no_opt_out"),
        ("linked_share", "all_leave"),
    ),
    "ads_links": (
        ("usable_for_ads_share", "no_opt_out"),
        ("usable_for_ads_share", "all_partial_opt_out"),
    ),
    "mix": (
        ("linked_share", MIX),
        ("usable_for_ads_share", MIX),
        ("usable_for_suggestions_share", MIX),
    ),
    "suggestions": (
        ("whatsapp_only_suggestion_share", MIX),
        ("members_with_whatsapp_only_share", MIX),
        ("sensitive_suggestions_per_1000_members", MIX),
    ),
    "ads": (
        ("ad_match_without_whatsapp_share", MIX),
        ("ad_match_share", MIX),
        ("ad_extra_match_share", MIX),
        ("ad_extra_match_numbers_only_share", MIX),
    ),
    "exposure": (("opted_out_exposed_share", MIX),),
}


def _sentence(key: str, s: pd.DataFrame) -> str:
    m = lambda metric, scen: _get(s, metric, scen)["mean"]  # noqa: E731
    if key == "linking":
        return (
            "If everyone had taken the partial opt-out, "
            f"{_iv(s, 'linked_share', 'all_partial_opt_out')} of WhatsApp users would still "
            "have been linked to their Facebook account, against "
            f"{_iv(s, 'linked_share', 'no_opt_out')} with no opt-out and "
            f"{_iv(s, 'linked_share', 'all_leave')} if everyone had left WhatsApp."
        )
    if key == "ads_links":
        a = m("usable_for_ads_share", "no_opt_out")
        b = m("usable_for_ads_share", "all_partial_opt_out")
        return (
            "What the partial opt-out changed is what a link may be used for: the share of "
            f"WhatsApp users with a link usable for ads {_direction(a, b)} "
            f"{_iv(s, 'usable_for_ads_share', 'no_opt_out')} with no opt-out"
            + (
                ""
                if _direction(a, b) == "stayed at"
                else f" to {_iv(s, 'usable_for_ads_share', 'all_partial_opt_out')} under the "
                "partial opt-out"
            )
            + "."
        )
    if key == "mix":
        return (
            f"In the 2016 mix (as it happened, in the model), {_iv(s, 'linked_share', MIX)} of "
            "WhatsApp users were linked to their Facebook account, "
            f"{_iv(s, 'usable_for_ads_share', MIX)} by a link usable for ads and "
            f"{_iv(s, 'usable_for_suggestions_share', MIX)} by one usable for friend suggestions."
        )
    if key == "suggestions":
        return (
            f"In the 2016 mix, {_iv(s, 'whatsapp_only_suggestion_share', MIX)} of friend "
            "suggestions existed only because of WhatsApp data; "
            f"{_iv(s, 'members_with_whatsapp_only_share', MIX)} of Facebook members were "
            "shown at least one, and "
            f"{_iv(s, 'sensitive_suggestions_per_1000_members', MIX)} such suggestions per "
            "1,000 members revealed a sensitive tie (patient and clinician, client and lawyer, "
            "source and journalist, ex-partners and the like)."
        )
    if key == "ads":
        return (
            "For businesses uploading customer lists, Facebook matched "
            f"{_iv(s, 'ad_match_without_whatsapp_share', MIX)} of list entries to an account "
            "without WhatsApp's numbers, and "
            f"{_iv(s, 'ad_match_share', MIX)} with them: WhatsApp's numbers added "
            f"{_iv(s, 'ad_extra_match_share', MIX)} of entries, because Facebook already "
            "matched on account emails and on numbers from other users' uploaded contacts. "
            "Had Facebook matched only on the numbers users gave it, WhatsApp's numbers would "
            f"have added {_iv(s, 'ad_extra_match_numbers_only_share', MIX)} of entries."
        )
    if key == "exposure":
        return (
            "Of the people who took the partial opt-out or left WhatsApp and have a Facebook "
            f"account, {_iv(s, 'opted_out_exposed_share', MIX)} were still exposed through "
            "other people's data (a tie of theirs made visible to Facebook, or a friend "
            "suggestion that exists only because of WhatsApp data)."
        )
    raise KeyError(f"unknown sentence {key!r}; known: {list(SENTENCE_NUMBERS)}")


def sentences(summary: pd.DataFrame, *, n_people: int | None = None) -> list[str]:
    """Render the key findings as plain-words sentences from :func:`summarise` output.

    Sentences whose numbers are missing from ``summary`` (parts not computed) are skipped.

    Parameters
    ----------
    summary : pandas.DataFrame
        ``metric``, ``scenario``, ``mean``, ``low``, ``high``, ``seed_count``.
    n_people : int, optional
        People per world, for the opening sentence about the runs.

    Returns
    -------
    list of str
    """
    return findings_table(summary, n_people=n_people)["sentence"].drop_duplicates().tolist()


def findings_table(summary: pd.DataFrame, *, n_people: int | None = None) -> pd.DataFrame:
    """Every key sentence with the numbers it quotes (one row per sentence and number).

    Returns
    -------
    pandas.DataFrame
        ``sentence_number``, ``sentence``, ``metric``, ``scenario``, ``mean``, ``low``,
        ``high``, ``seed_count`` (the opening sentence has no metric).
    """
    rows = []
    seeds = int(summary["seed_count"].max()) if len(summary) else 0
    world = f" of {n_people:,} people each" if n_people else ""
    rows.append(
        {
            "sentence_number": 0,
            "sentence": f"Every number below is the mean over {seeds} synthetic worlds{world}, "
            "with its 95% interval over those worlds.",
            "metric": "",
            "scenario": "",
        }
    )
    i = 0
    for key, pairs in SENTENCE_NUMBERS.items():
        if not _has(summary, pairs):
            continue
        i += 1
        text = _sentence(key, summary)
        for metric, scen in pairs:
            r = _get(summary, metric, scen)
            rows.append(
                {
                    "sentence_number": i,
                    "sentence": text,
                    "metric": metric,
                    "scenario": scen,
                    "mean": float(r["mean"]),
                    "low": float(r["low"]),
                    "high": float(r["high"]),
                    "seed_count": int(r["seed_count"]),
                }
            )
    out = pd.DataFrame(rows)
    for c in ("mean", "low", "high"):
        out[c] = out.get(c, pd.Series(np.nan, index=out.index)).astype(float).round(6)
    out["seed_count"] = out.get("seed_count", np.nan)
    out["seed_count"] = out["seed_count"].astype("Int64")
    return out[
        ["sentence_number", "sentence", "metric", "scenario", "mean", "low", "high", "seed_count"]
    ]


def key_findings_html(lines: Sequence[str]) -> str:
    """Wrap the sentences as an HTML list inside ``<div class="key-findings">``.

    >>> key_findings_html(["A & B."])
    '<div class="key-findings"><ul><li>A &amp; B.</li></ul></div>'
    """
    import html

    items = "".join(f"<li>{html.escape(t, quote=False)}</li>" for t in lines)
    return f'<div class="key-findings"><ul>{items}</ul></div>'


# --------------------------------------------------------------------------------------
# sensitivity
# --------------------------------------------------------------------------------------
def _param_class(parameter: str):
    where = SENSITIVITY_PARAMETERS.get(parameter)
    if where is None:
        raise ValueError(
            f"parameter = {parameter!r} is not explored; allowed: {list(SENSITIVITY_PARAMETERS)}"
        )
    if where == "world":
        return where, WorldParams
    if where == "social":
        from analysis.social import SocialParams

        return where, SocialParams
    return where, None


def parameter_values(parameter: str) -> tuple[Any, ...]:
    """Values explored for ``parameter``: low end, default, high end of its plausible range.

    The address-book switch is explored off and on.

    >>> parameter_values("opt_out_uptake_share")
    (0.01, 0.05, 0.25)
    >>> parameter_values("address_books")
    (False, True)
    """
    _, cls = _param_class(parameter)
    if cls is None:
        return (False, True)
    rng = cls.plausible_range(parameter)
    if rng is None:
        raise ParameterError(f"{cls.__name__}.{parameter} has no documented plausible range")
    default = getattr(cls(), parameter)
    return tuple(sorted({rng[0], default, rng[1]}))


def default_value(parameter: str) -> Any:
    """Return the default value of an explored parameter (the switch: off).

    >>> default_value("facebook_phone_on_file_share")
    0.4
    """
    _, cls = _param_class(parameter)
    return False if cls is None else getattr(cls(), parameter)


def _setting(parameter: str, value: Any, world: WorldParams, social: Any) -> dict[str, Any]:
    where, _ = _param_class(parameter)
    if where == "world":
        return {"world": world.replace(**{parameter: value}), "social": social}
    if where == "social":
        return {"world": world, "social": social.replace(**{parameter: value})}
    return {"world": world, "social": social, "address_books": bool(value)}


def sensitivity(
    parameter: str,
    values: Sequence[Any] | None = None,
    seeds: Iterable[int] = (0, 1, 2),
    *,
    world: WorldParams | None = None,
    social: Any | None = None,
    baseline: pd.DataFrame | None = None,
    progress: bool = False,
    **kwargs: Any,
) -> pd.DataFrame:
    """Headline metrics across the plausible range of one unknown parameter.

    Parameters
    ----------
    parameter : str
        One of :data:`SENSITIVITY_PARAMETERS`.
    values : sequence, optional
        Values to try (default :func:`parameter_values`).
    seeds : iterable of int
        Seeds per value (few, e.g. 3).
    world, social
        Base parameters (default: :class:`FindingsParams` sensitivity size, default social).
    baseline : pandas.DataFrame, optional
        :func:`headline_over_seeds` output at the defaults with the same seeds and sizes,
        reused for the default value instead of recomputing it.
    progress : bool
        Show a tqdm bar.
    **kwargs
        Passed to :func:`headline_metrics` (``parts``, ``n_businesses``).

    Returns
    -------
    pandas.DataFrame
        One row per (value, metric, scenario): ``parameter``, ``value``, ``is_default``,
        ``metric``, ``scenario``, ``mean``, ``low``, ``high``, ``seed_count``.
    """
    from analysis.social import SocialParams

    values = parameter_values(parameter) if values is None else tuple(values)
    if not values:
        raise ValueError(f"sensitivity({parameter!r}): give at least one value")
    default = default_value(parameter)
    world = world or WorldParams(n_people=FindingsParams().sensitivity_n_people)
    social = social or SocialParams()
    seeds = [int(s) for s in seeds]
    frames = []
    for v in _iterate(values, progress, parameter):
        if baseline is not None and v == default:
            long = baseline
        else:
            long = headline_over_seeds(seeds, **_setting(parameter, v, world, social), **kwargs)
        s = summarise(long)
        s.insert(0, "is_default", v == default)
        s.insert(0, "value", float(v))
        s.insert(0, "parameter", parameter)
        frames.append(s)
    return pd.concat(frames, ignore_index=True)


def sensitivity_sweep(
    parameters: Iterable[str] = tuple(SENSITIVITY_PARAMETERS),
    seeds: Iterable[int] = (0, 1, 2),
    *,
    world: WorldParams | None = None,
    social: Any | None = None,
    progress: bool = False,
    baseline: pd.DataFrame | None = None,
    **kwargs: Any,
) -> pd.DataFrame:
    """Run :func:`sensitivity` for several parameters, computing the default run only once.

    ``baseline`` (optional) is :func:`headline_over_seeds` output at the defaults with the
    same seeds and sizes; it is computed when not given.
    """
    from analysis.social import SocialParams

    world = world or WorldParams(n_people=FindingsParams().sensitivity_n_people)
    social = social or SocialParams()
    seeds = [int(s) for s in seeds]
    parameters = list(parameters)
    for p in parameters:
        _param_class(p)
    if baseline is None:
        baseline = headline_over_seeds(seeds, world, social, **kwargs)
    # the address-book switch first: it reuses the default worlds still in the cache
    order = sorted(parameters, key=lambda p: SENSITIVITY_PARAMETERS[p] != "scenario")
    frames = {
        p: sensitivity(
            p,
            seeds=seeds,
            world=world,
            social=social,
            baseline=baseline,
            progress=progress,
            **kwargs,
        )
        for p in order
    }
    return pd.concat([frames[p] for p in parameters], ignore_index=True)


# --------------------------------------------------------------------------------------
# conclusions that hold across runs
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Conclusion:
    """A claim checked in every sensitivity run.

    The checked value is ``metric`` under ``scenario`` (the mean over seeds of one run),
    divided by ``relative_to`` (another metric, scenario) when given. The claim holds in
    a run when the value is at least ``at_least`` and at most ``at_most``.
    """

    name: str
    claim: str
    metric: tuple[str, str]
    relative_to: tuple[str, str] | None = None
    at_least: float | None = None
    at_most: float | None = None

    def render_claim(self) -> str:
        """Return the claim with its threshold(s) filled in as percentages."""
        return self.claim.format(
            at_least=fmt_share(self.at_least) if self.at_least is not None else "",
            at_most=fmt_share(self.at_most) if self.at_most is not None else "",
        )


#: Conclusions of the key findings, checked against every sensitivity run.
CONCLUSIONS: tuple[Conclusion, ...] = (
    Conclusion(
        "partial_opt_out_keeps_links",
        "the partial opt-out kept at least {at_least} of the links that no opt-out gives",
        ("linked_share", "all_partial_opt_out"),
        relative_to=("linked_share", "no_opt_out"),
        at_least=0.5,
    ),
    Conclusion(
        "leaving_removes_links",
        "leaving WhatsApp left at most {at_most} of WhatsApp users linked",
        ("linked_share", "all_leave"),
        at_most=0.01,
    ),
    Conclusion(
        "partial_opt_out_cuts_ads",
        "the partial opt-out removed at least half of the links usable for ads "
        "(at most {at_most} of them remained)",
        ("usable_for_ads_share", "all_partial_opt_out"),
        relative_to=("usable_for_ads_share", "no_opt_out"),
        at_most=0.5,
    ),
    Conclusion(
        "mix_links_mostly_usable_for_ads",
        "in the 2016 mix, at least {at_least} of linked WhatsApp users had a link usable for ads",
        ("usable_for_ads_share", MIX),
        relative_to=("linked_share", MIX),
        at_least=0.5,
    ),
    Conclusion(
        "whatsapp_creates_suggestions",
        "in the 2016 mix, at least {at_least} of friend suggestions existed only because of "
        "WhatsApp data",
        ("whatsapp_only_suggestion_share", MIX),
        at_least=0.05,
    ),
    Conclusion(
        "opted_out_still_exposed",
        "in the 2016 mix, at least {at_least} of the people who opted out or left were still "
        "exposed through others' data",
        ("opted_out_exposed_share", MIX),
        at_least=0.25,
    ),
    Conclusion(
        "ads_gain_small",
        "when Facebook already matched on emails and uploaded contacts, WhatsApp's numbers "
        "added at most {at_most} of customer-list entries to ad matching",
        ("ad_extra_match_share", MIX),
        at_most=0.05,
    ),
    Conclusion(
        "ads_gain_numbers_only",
        "had Facebook matched only on the numbers users gave it, WhatsApp's numbers would have "
        "added at least {at_least} of customer-list entries to ad matching",
        ("ad_extra_match_numbers_only_share", MIX),
        at_least=0.05,
    ),
)


def _run_values(sens: pd.DataFrame, c: Conclusion) -> pd.DataFrame:
    key = ["parameter", "value"]

    def pick(ms: tuple[str, str]) -> pd.Series:
        part = sens[(sens["metric"] == ms[0]) & (sens["scenario"] == ms[1])]
        return part.set_index(key)["mean"]

    v = pick(c.metric)
    if c.relative_to is not None:
        d = pick(c.relative_to)
        v, d = v.align(d, join="inner")
        v = v / d.where(d != 0)
    return v.rename("checked").reset_index()


def check_conclusions(
    sens: pd.DataFrame, conclusions: Sequence[Conclusion] = CONCLUSIONS
) -> pd.DataFrame:
    """Which conclusions hold in every sensitivity run (one run = one parameter value).

    Parameters
    ----------
    sens : pandas.DataFrame
        :func:`sensitivity` / :func:`sensitivity_sweep` output (``parameter``, ``value``,
        ``metric``, ``scenario``, ``mean``).
    conclusions : sequence of Conclusion

    Returns
    -------
    pandas.DataFrame
        ``conclusion``, ``run_count``, ``holding_count``, ``holds`` (in every run),
        ``lowest``, ``lowest_run``, ``highest``, ``highest_run``, ``statement``.
        Conclusions whose metrics are absent are skipped; runs where the value is NaN do
        not count.
    """
    need = {"parameter", "value", "metric", "scenario", "mean"} - set(sens.columns)
    if need:
        raise ValueError(f"check_conclusions: missing column(s) {sorted(need)}")
    rows = []
    for c in conclusions:
        v = _run_values(sens, c).dropna(subset=["checked"])
        if v.empty:
            continue
        x = v["checked"].to_numpy(float)
        ok = np.ones(len(x), dtype=bool)
        if c.at_least is not None:
            ok &= x >= c.at_least
        if c.at_most is not None:
            ok &= x <= c.at_most
        lo, hi = int(np.argmin(x)), int(np.argmax(x))

        def run(i: int, v: pd.DataFrame = v) -> str:
            p, val = v["parameter"].iloc[i], v["value"].iloc[i]
            return f"{PARAMETER_LABELS.get(p, p)} = {_fmt_value(p, val)}"

        holds = bool(ok.all())
        rng = f"lowest {fmt_share(x[lo])} ({run(lo)}), highest {fmt_share(x[hi])} ({run(hi)})"
        claim = c.render_claim()
        if holds:
            text = f"Holds in all {len(x)} runs: {claim}; {rng}."
        else:
            text = f"Does not hold in {int((~ok).sum())} of {len(x)} runs: {claim}; {rng}."
        rows.append(
            {
                "conclusion": c.name,
                "run_count": len(x),
                "holding_count": int(ok.sum()),
                "holds": holds,
                "lowest": float(x[lo]),
                "lowest_run": run(lo),
                "highest": float(x[hi]),
                "highest_run": run(hi),
                "statement": text[0].upper() + text[1:],
            }
        )
    return pd.DataFrame(rows)


def headline_conclusions(
    summary: pd.DataFrame, conclusions: Sequence[Conclusion] = CONCLUSIONS
) -> list[str]:
    """State, for one headline run, whether each conclusion holds (with the checked value).

    Parameters
    ----------
    summary : pandas.DataFrame
        :func:`summarise` output at the default parameters.

    Returns
    -------
    list of str
        One plain-words line per conclusion whose metrics are present.
    """
    frame = summary.assign(parameter="defaults", value=0.0)
    out = []
    for c in conclusions:
        v = _run_values(frame, c).dropna(subset=["checked"])
        if v.empty:
            continue
        x = float(v["checked"].iloc[0])
        ok = (c.at_least is None or x >= c.at_least) and (c.at_most is None or x <= c.at_most)
        claim = c.render_claim()
        verdict = "Yes" if ok else "No"
        out.append(f"{verdict}: {claim} (here {fmt_share(x)}).")
    return out


def _fmt_value(parameter: str, value: Any) -> str:
    if SENSITIVITY_PARAMETERS.get(parameter) == "scenario":
        return "on" if bool(value) else "off"
    return f"{float(value):g}"


# --------------------------------------------------------------------------------------
# convergence
# --------------------------------------------------------------------------------------
def convergence(
    sizes: Sequence[int],
    seeds: Iterable[int] = (0, 1, 2),
    *,
    world: WorldParams | None = None,
    social: Any | None = None,
    progress: bool = False,
    known: Mapping[int, pd.DataFrame] | None = None,
    **kwargs: Any,
) -> pd.DataFrame:
    """Headline metrics at several population sizes (mean and 95% interval over seeds).

    Parameters
    ----------
    sizes : sequence of int
        Population sizes.
    seeds : iterable of int
        Seeds per size.
    world, social
        Base parameters (``n_people`` is replaced by each size).
    progress : bool
        Show a tqdm bar.
    known : mapping of int to pandas.DataFrame, optional
        :func:`headline_over_seeds` output already computed at some sizes (same defaults),
        reused instead of recomputed.
    **kwargs
        Passed to :func:`headline_metrics`.

    Returns
    -------
    pandas.DataFrame
        ``n_people``, ``metric``, ``scenario``, ``mean``, ``seed_count``, ``low``, ``high``.
    """
    sizes = [int(n) for n in sizes]
    if not sizes or min(sizes) < 1:
        raise ValueError(f"sizes = {sizes!r}: give positive population sizes")
    world = world or WorldParams()
    seeds = [int(s) for s in seeds]
    frames = []
    known = dict(known or {})
    for n in _iterate(sizes, progress, "sizes"):
        if n in known:
            long = known[n]
        else:
            long = headline_over_seeds(seeds, world.replace(n_people=n), social, **kwargs)
        frames.append(summarise(long).assign(n_people=n))
    out = pd.concat(frames, ignore_index=True)
    return out[["n_people", "metric", "scenario", "mean", "seed_count", "low", "high"]]


def convergence_table(conv: pd.DataFrame, headlines: Mapping = HEADLINES) -> pd.DataFrame:
    """Wide table of headline means (rows) by population size (columns), for display."""
    rows = []
    for (metric, scen), label in headlines.items():
        part = conv[(conv["metric"] == metric) & (conv["scenario"] == scen)]
        rows.append(pd.Series(part.set_index("n_people")["mean"].to_dict(), name=label))
    return pd.DataFrame(rows)


def convergence_check(
    conv: pd.DataFrame, default_size: int, headlines: Mapping = HEADLINES
) -> pd.DataFrame:
    """Compare each headline at ``default_size`` with the largest world of ``conv``.

    Returns
    -------
    pandas.DataFrame
        ``headline``, ``at_default``, ``at_largest``, ``low_largest``, ``high_largest``,
        ``difference`` (default minus largest), ``is_within`` (the default-size mean lies in
        the largest world's 95% interval), ``statement``.
    """
    sizes = sorted(conv["n_people"].unique())
    if default_size not in sizes:
        raise ValueError(f"default_size = {default_size!r} is not among the sizes {sizes}")
    big = sizes[-1]
    rows = []
    for (metric, scen), label in headlines.items():
        part = conv[(conv["metric"] == metric) & (conv["scenario"] == scen)]
        if part.empty:
            continue
        d = part[part["n_people"] == default_size].iloc[0]
        b = part[part["n_people"] == big].iloc[0]
        within = bool(b["low"] - 1e-12 <= d["mean"] <= b["high"] + 1e-12)
        rows.append(
            {
                "headline": label,
                "at_default": float(d["mean"]),
                "at_largest": float(b["mean"]),
                "low_largest": float(b["low"]),
                "high_largest": float(b["high"]),
                "difference": float(d["mean"] - b["mean"]),
                "is_within": within,
                "statement": f"{label}: {fmt_share(d['mean'])} with {default_size:,} people, "
                f"against {fmt_interval(b['mean'], b['low'], b['high'])} with {big:,} people, "
                f"a difference of {100 * abs(d['mean'] - b['mean']):.1f} percentage points"
                + (" (inside the interval)." if within else " (outside the interval)."),
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------
# charts (each returns the figure and the tidy table it plots)
# --------------------------------------------------------------------------------------
def _panel_grid(n: int, ncols: int = 3, size=(3.6, 2.8)):
    import matplotlib.pyplot as plt

    nrows = max(1, math.ceil(n / ncols))
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(size[0] * ncols, size[1] * nrows), squeeze=False
    )
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    return fig, axes.ravel()


def plot_linking(summary: pd.DataFrame, scenario_titles: Mapping[str, str] | None = None):
    """Plot grouped bars per scenario: share linked, usable for suggestions, for ads (95% bars).

    Returns ``(fig, data)``.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    from analysis.figures import PALETTE

    if scenario_titles is None:
        from analysis.policy import builtin_scenarios

        b = builtin_scenarios()
        scenario_titles = {k: b[k].title for k in LINK_SCENARIOS}
    metrics = ["linked_share", "usable_for_suggestions_share", "usable_for_ads_share"]
    labels = ["Linked (any use)", "Usable for suggestions", "Usable for ads"]
    scen = list(scenario_titles)
    data = summary[summary["metric"].isin(metrics) & summary["scenario"].isin(scen)].copy()
    fig, ax = plt.subplots(figsize=(8, 4.5))
    y = np.arange(len(scen))[::-1]
    h = 0.26
    for i, (m, lab) in enumerate(zip(metrics, labels, strict=True)):
        d = data[data["metric"] == m].set_index("scenario").reindex(scen)
        mean = d["mean"].to_numpy(float)
        err = [mean - d["low"].to_numpy(float), d["high"].to_numpy(float) - mean]
        ax.barh(
            y + (1 - i) * h,
            mean,
            h,
            color=PALETTE[i],
            label=lab,
            xerr=np.clip(err, 0, None),
            error_kw={"lw": 0.8, "capsize": 2},
        )
    ax.set_yticks(y, [scenario_titles[k] for k in scen])
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlim(0, 1)
    ax.set_xlabel("Share of WhatsApp users")
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(0, -0.14), ncols=3)
    ax.set_title("WhatsApp users linked to their Facebook account, by scenario", loc="left")
    data["scenario_title"] = data["scenario"].map(scenario_titles)
    return fig, data.reset_index(drop=True)


def plot_headlines(summary: pd.DataFrame, headlines: Mapping = HEADLINES):
    """Plot the headline shares as dots with their 95% interval over seeds.

    Returns ``(fig, data)``.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    from analysis.figures import PALETTE

    rows = []
    for (metric, scen), label in headlines.items():
        if _has(summary, [(metric, scen)]):
            r = _get(summary, metric, scen)
            rows.append(
                {
                    "label": label,
                    "metric": metric,
                    "scenario": scen,
                    "mean": r["mean"],
                    "low": r["low"],
                    "high": r["high"],
                    "seed_count": int(r["seed_count"]),
                }
            )
    data = pd.DataFrame(rows)
    fig, ax = plt.subplots(figsize=(8, 0.55 * len(data) + 1.2))
    y = np.arange(len(data))[::-1]
    ax.errorbar(
        data["mean"],
        y,
        xerr=[data["mean"] - data["low"], data["high"] - data["mean"]],
        fmt="o",
        color=PALETTE[0],
        capsize=3,
    )
    ax.set_yticks(y, data["label"])
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlim(0, 1)
    ax.set_title("Headline figures (mean and 95% interval over worlds)", loc="left")
    return fig, data


def tornado_data(sens: pd.DataFrame, headlines: Mapping = HEADLINES) -> pd.DataFrame:
    """Tabulate, per headline and parameter, the headline at both ends of the range.

    Columns include the headline at the low and high parameter values, at the defaults,
    and ``swing`` (largest minus smallest value over the parameter's runs).
    """
    rows = []
    for (metric, scen), label in headlines.items():
        part = sens[(sens["metric"] == metric) & (sens["scenario"] == scen)]
        if part.empty:
            continue
        base = part[part["is_default"]]["mean"]
        base_v = float(base.iloc[0]) if len(base) else float("nan")
        for p, g in part.groupby("parameter", sort=False):
            g = g.sort_values("value")
            rows.append(
                {
                    "headline": label,
                    "metric": metric,
                    "scenario": scen,
                    "parameter": p,
                    "parameter_label": PARAMETER_LABELS.get(p, p),
                    "low_value": float(g["value"].iloc[0]),
                    "high_value": float(g["value"].iloc[-1]),
                    "at_low_value": float(g["mean"].iloc[0]),
                    "at_high_value": float(g["mean"].iloc[-1]),
                    "at_default": base_v,
                    "run_min": float(g["mean"].min()),
                    "run_max": float(g["mean"].max()),
                }
            )
    out = pd.DataFrame(rows)
    if not out.empty:
        out["swing"] = out["run_max"] - out["run_min"]
    return out


def plot_tornado(sens: pd.DataFrame, headlines: Mapping = HEADLINES):
    """Plot small multiples of tornado charts, one panel per headline.

    One bar per parameter spans the headline's values across the parameter's plausible
    range (filled dot at the high parameter value), with the default run as a dashed line.

    Returns ``(fig, data)`` where ``data`` is :func:`tornado_data`.
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import PercentFormatter

    from analysis.figures import PALETTE

    data = tornado_data(sens, headlines)
    labels = list(dict.fromkeys(data["headline"]))
    fig, axes = _panel_grid(len(labels), ncols=2, size=(5.2, 2.9))
    for ax, lab in zip(axes, labels, strict=False):
        d = data[data["headline"] == lab].sort_values("swing", kind="stable")
        y = np.arange(len(d))
        lo = np.minimum(d["at_low_value"], d["at_high_value"]).to_numpy()
        hi = np.maximum(d["at_low_value"], d["at_high_value"]).to_numpy()
        ax.barh(y, hi - lo, left=lo, color=PALETTE[0], alpha=0.35, height=0.6)
        ax.plot(d["at_low_value"], y, "o", color=PALETTE[0], ms=4, mfc="white")
        ax.plot(d["at_high_value"], y, "o", color=PALETTE[0], ms=4)
        ax.axvline(d["at_default"].iloc[0], color="black", lw=0.8, ls="--")
        ax.set_yticks(y, d["parameter_label"], fontsize=8)
        small = max(hi.max(), float(d["at_default"].iloc[0])) < 0.05
        ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=1 if small else 0))
        ax.tick_params(axis="x", labelsize=8)
        ax.set_title(lab, fontsize=9, loc="left")
    legend = [
        Line2D([], [], marker="o", ls="", color=PALETTE[0], mfc="white", label="low end of range"),
        Line2D([], [], marker="o", ls="", color=PALETTE[0], label="high end (switch on)"),
        Line2D([], [], color="black", ls="--", lw=0.8, label="default parameters"),
        Patch(color=PALETTE[0], alpha=0.35, label="span"),
    ]
    fig.legend(
        handles=legend, loc="lower center", ncols=4, frameon=False, bbox_to_anchor=(0.5, -0.02)
    )
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig, data


def plot_convergence(
    conv: pd.DataFrame, headlines: Mapping = HEADLINES, default_size: int | None = None
):
    """Plot each headline (mean and 95% interval) against population size, one panel each.

    Returns ``(fig, data)``.
    """
    from matplotlib.ticker import PercentFormatter

    from analysis.figures import PALETTE

    frames = []
    for (metric, scen), label in headlines.items():
        part = conv[(conv["metric"] == metric) & (conv["scenario"] == scen)]
        if len(part):
            frames.append(part.assign(headline=label).sort_values("n_people"))
    data = pd.concat(frames, ignore_index=True)
    labels = list(dict.fromkeys(data["headline"]))
    fig, axes = _panel_grid(len(labels), ncols=3, size=(3.6, 2.7))
    for ax, lab in zip(axes, labels, strict=False):
        d = data[data["headline"] == lab]
        ax.errorbar(
            d["n_people"],
            d["mean"],
            yerr=[d["mean"] - d["low"], d["high"] - d["mean"]],
            fmt="o-",
            color=PALETTE[0],
            capsize=3,
            ms=4,
        )
        if default_size is not None:
            ax.axvline(default_size, color="grey", ls="--", lw=0.8)
        ax.set_xscale("log")
        ax.set_xticks(
            sorted(d["n_people"].unique()),
            [f"{n:,}" for n in sorted(d["n_people"].unique())],
            fontsize=7,
        )
        ax.minorticks_off()
        ax.yaxis.set_major_formatter(
            PercentFormatter(1.0, decimals=1 if d["high"].max() < 0.05 else 0)
        )
        ax.tick_params(axis="y", labelsize=8)
        ax.set_title(lab, fontsize=9, loc="left")
    for ax in axes[: len(labels)][-3:]:
        ax.set_xlabel("People in the world", fontsize=8)
    fig.tight_layout()
    return fig, data
