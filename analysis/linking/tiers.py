"""Linking in tiers, and what Facebook still holds after an opt-out or after leaving.

Every linking figure names one of four tiers, per WhatsApp user and scenario (the policy
cells are read through :func:`analysis.policy.flow_cube`):

(a) ``reached``: some WhatsApp data about the person reached Facebook, for any purpose,
    also where Facebook may process it only on WhatsApp's behalf (``processor`` cells),
    and whether or not the person has a Facebook account;
(b) ``own_join``: a linking mechanism joins the person to their own Facebook account with
    fields Facebook may use for some purpose of its own (``yes`` cells);
(c) ``suggestions_join``: that join may be used for friend suggestions;
(d) ``ads_join``: that join may be used for ads.

(b) lies inside (a), and (c) and (d) inside (b). The denominator is every WhatsApp user of
2016, people who left included.

**Time.** What Facebook received stays with it. :func:`held_cubes` gives, per person,
what reached Facebook on any day from acceptance to the end state (``held``) beside what
flows at the end (``flowing``). A person who opted out on day *d* of the 30-day window
shared as by default on the days before; a person who *accepted, shared and left* on day
*L* after accepting (``leave_day``) shared as in their state before leaving on days
``0 .. L-1`` (the population's leavers left before accepting and shared nothing). The
record does not say whether an opt-out or leaving also withdrew data already received,
so both ends are modelled (``held_use``): ``"as_received"`` keeps the uses the data was
received for; ``"as_now"`` allows only what the person's current state allows.

>>> TIERS
('reached', 'own_join', 'suggestions_join', 'ads_join')
>>> TIER_LETTERS["own_join"]
'(b)'
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from analysis.linking.links import ScenarioLinks, compute_links, link_table, links_from_cubes
from analysis.linking.params import LinkingParams
from analysis.policy.consent import ScenarioFlows, effective_states, flow_cube
from analysis.policy.scenarios import Scenario

__all__ = [
    "HELD_USES",
    "TIERS",
    "TIER_COLUMNS",
    "TIER_LABELS",
    "TIER_LETTERS",
    "held_cubes",
    "held_links",
    "leavers_of",
    "tier_shares",
    "time_table",
]


TIERS: tuple[str, ...] = ("reached", "own_join", "suggestions_join", "ads_join")
"""The four tiers, from what reached Facebook to what may be used for ads."""


TIER_LETTERS: dict[str, str] = dict(zip(TIERS, ("(a)", "(b)", "(c)", "(d)"), strict=True))


TIER_LABELS: dict[str, str] = {
    "reached": "(a) WhatsApp data about them reached Facebook",
    "own_join": "(b) Facebook may join it to their account for its own purposes",
    "suggestions_join": "(c) the join may be used for friend suggestions",
    "ads_join": "(d) the join may be used for ads",
}


#: The column of :data:`analysis.linking.LINKS` holding each tier.
TIER_COLUMNS: dict[str, str] = {
    "reached": "is_reached",
    "own_join": "is_joined_for_own_use",
    "suggestions_join": "is_usable_for_suggestions",
    "ads_join": "is_usable_for_ads",
}


HELD_USES: tuple[str, ...] = ("as_received", "as_now")
"""What Facebook may do with data it already holds: the uses it was received for, or only
what the person's current state allows (the two ends the record leaves open)."""


def tier_shares(table: pd.DataFrame) -> dict[str, float]:
    """Share of the rows of a :func:`analysis.linking.link_table` in each tier.

    >>> t = pd.DataFrame({"is_reached": [True, True, False, True],
    ...                   "is_joined_for_own_use": [True, False, False, True],
    ...                   "is_usable_for_suggestions": [True, False, False, False],
    ...                   "is_usable_for_ads": [False, False, False, False]})
    >>> tier_shares(t)
    {'reached': 0.75, 'own_join': 0.5, 'suggestions_join': 0.25, 'ads_join': 0.0}
    """
    n = len(table)
    return {
        t: (float(table[c].to_numpy(bool).sum()) / n if n else float("nan"))
        for t, c in TIER_COLUMNS.items()
    }


def leavers_of(people: pd.DataFrame, scenario: Scenario, *, seed: int | None = None) -> np.ndarray:
    """Bool per person: a WhatsApp user whose state under ``scenario`` is ``left_whatsapp``."""
    state = effective_states(people, scenario, seed=seed).astype(str).to_numpy()
    return people["is_whatsapp_user"].to_numpy(bool) & (state == "left_whatsapp")


def _before_leaving(people: pd.DataFrame, scenario: Scenario) -> tuple[pd.DataFrame, Scenario]:
    """People and scenario as they were before anyone left (leavers had kept the default)."""
    state = people["consent_state"].astype(str).to_numpy()
    before = people.assign(
        consent_state=pd.Categorical(
            np.where(state == "left_whatsapp", "kept_default", state),
            categories=people["consent_state"].cat.categories,
        )
    )
    return before, (
        scenario.replace(consent="population") if scenario.consent == "all_leave" else scenario
    )


def held_cubes(
    people: pd.DataFrame,
    scenario: Scenario,
    *,
    seed: int | None = None,
    leave_day: int | None = None,
    held_use: str = "as_received",
    before: pd.DataFrame | None = None,
) -> dict[str, np.ndarray]:
    """Return what Facebook holds about each person by the end state, and what still flows.

    Parameters
    ----------
    people : pandas.DataFrame
    scenario : Scenario
    seed : int, optional
        Seed of the scenario's opt-out draws (``uptake`` mode).
    leave_day : int, optional
        ``None``: people who left never accepted (as in the population). An integer
        ``L >= 0``: they accepted in their state before leaving (the population's leavers
        with the default), shared on days ``0 .. L-1`` and left on day ``L``.
    held_use : {"as_received", "as_now"}
        See the module docstring.
    before : pandas.DataFrame, optional
        The people as they were before leaving (same rows): whose state they accepted in.
        Default: ``people`` with the leavers as having kept the default, read under
        ``scenario`` (``all_leave`` read as the population's states).

    Returns
    -------
    dict of numpy.ndarray of bool [person, field, purpose]
        ``held_reach``, ``held_own`` (what Facebook holds, and may use for its own ends
        under ``held_use``), ``reach``, ``own`` (what flows in the end state).
    """
    if held_use not in HELD_USES:
        raise ValueError(
            f"held_use = {held_use!r} is not allowed: must be one of {list(HELD_USES)}"
        )
    if leave_day is not None and (
        isinstance(leave_day, bool) or not isinstance(leave_day, int | np.integer) or leave_day < 0
    ):
        raise ValueError(
            f"leave_day = {leave_day!r} is not allowed: must be None or an integer >= 0"
        )
    flows = ScenarioFlows(people, scenario, seed=seed)
    cube = dict(zip(("own", "reach"), flows.cubes(), strict=True))
    first = dict(zip(("own", "reach"), flows.cubes(0), strict=True))
    held = {u: cube[u] | first[u] for u in cube}  # days 0 .. end: the window's first days too
    if leave_day is not None:
        left = leavers_of(people, scenario, seed=seed)
        before, scen = _before_leaving(people, scenario) if before is None else (before, scenario)
        for u in held:
            shared = np.zeros_like(held[u][left])
            if leave_day > 0:
                last = flow_cube(before, scen, day=int(leave_day) - 1, seed=seed, use=u)[left]
                shared = flow_cube(before, scen, day=0, seed=seed, use=u)[left] | last
            held[u][left] = shared
    own = held["own"] if held_use == "as_received" else held["reach"] & cube["own"]
    return {
        "held_reach": held["reach"],
        "held_own": own,
        "reach": cube["reach"],
        "own": cube["own"],
    }


def held_links(
    people: pd.DataFrame,
    scenario: Scenario,
    social: Any | None = None,
    params: LinkingParams | None = None,
    *,
    seed: int | None = None,
    leave_day: int | None = None,
    held_use: str = "as_received",
    inferred: pd.DataFrame | None = None,
    before: pd.DataFrame | None = None,
) -> ScenarioLinks:
    """Links made from what Facebook holds (:func:`held_cubes`), read by :func:`link_table`."""
    cubes = held_cubes(
        people, scenario, seed=seed, leave_day=leave_day, held_use=held_use, before=before
    )
    states = effective_states(people, scenario, seed=seed)
    return links_from_cubes(
        people,
        scenario,
        cubes["held_reach"],
        cubes["held_own"],
        states,
        social,
        params,
        inferred=inferred,
    )


def _cohort(people: pd.DataFrame, who: np.ndarray, state: str, day: int | None) -> pd.DataFrame:
    """Put ``who`` in consent ``state`` (opting out on ``day``), everyone else unchanged."""
    cs = people["consent_state"].astype(str).to_numpy().copy()
    cs[who] = state
    od = people["opt_out_day"].astype("Int64").to_numpy(dtype=np.int64, na_value=-1).copy()
    od[who] = -1 if day is None else day
    return people.assign(
        consent_state=pd.Categorical(cs, categories=people["consent_state"].cat.categories),
        opt_out_day=pd.array(np.where(od >= 0, od, pd.NA), dtype="Int64"),
    )


def time_table(
    people: pd.DataFrame,
    social: Any | None = None,
    params: LinkingParams | None = None,
    *,
    opt_out_days: Iterable[int] = (0, 1, 10, 29),
    leave_days: Iterable[int] = (0, 1, 10, 30),
    inferred: pd.DataFrame | None = None,
    base: Scenario | None = None,
    views: Iterable[str] = ("held_as_received", "held_as_now", "flowing"),
) -> pd.DataFrame:
    """Tiers held and flowing for cohorts who opted out, or accepted, shared and left, on a day.

    Each cohort is every existing WhatsApp user who stayed in the population (the 2016
    mix), put in one situation: opted out on day ``d`` of the window (``d = 0``: unticked
    before agreeing), or accepted in their 2016 state and left on day ``L`` after accepting
    (``L = 0``: before sharing anything). New users, who had no choice, are not in the
    cohorts. Everyone else keeps their 2016 state.

    Parameters
    ----------
    people, social, params, inferred
        See :func:`analysis.linking.compute_links`.
    opt_out_days, leave_days : iterable of int
        Days after acceptance (0-30).
    base : Scenario, optional
        The scenario everyone else follows (default: the built-in ``mix_2016``).
    views : iterable of str
        Which of ``held_as_received``, ``held_as_now``, ``flowing`` to compute.

    Returns
    -------
    pandas.DataFrame
        One row per cohort, day, view and tier: ``cohort`` (``opted_out`` or ``left``),
        ``day``, ``view`` (``held_as_received``, ``held_as_now``, ``flowing``), ``tier``,
        ``share`` (of the cohort), ``people_count`` (the cohort's size).
    """
    from analysis.linking.inference import infer_numbers
    from analysis.policy.scenarios import builtin_scenarios

    base = base or builtin_scenarios()["mix_2016"]
    state = people["consent_state"].astype(str).to_numpy()
    who = np.isin(state, ("kept_default", "unticked_before_agreeing", "opted_out_in_window"))
    if social is not None and inferred is None and not base.address_books:
        inferred = infer_numbers(people, social, params)
    rows = []
    cases: list[tuple[str, int, pd.DataFrame, int | None]] = []
    for d in opt_out_days:
        s = "unticked_before_agreeing" if int(d) == 0 else "opted_out_in_window"
        cases.append(("opted_out", int(d), _cohort(people, who, s, int(d)), None))
    for d in leave_days:
        cases.append(("left", int(d), _cohort(people, who, "left_whatsapp", None), int(d)))
    scen = base.replace(consent="population")
    in_cohort = who[people["is_whatsapp_user"].to_numpy(bool)]
    views = tuple(views)
    bad = sorted(set(views) - {"held_as_received", "held_as_now", "flowing"})
    if bad:
        raise ValueError(f"views {bad} unknown; allowed: held_as_received, held_as_now, flowing")
    for cohort, day, ppl, leave in cases:
        made = {
            f"held_{use}": held_links(
                ppl,
                scen,
                social,
                params,
                leave_day=leave,
                held_use=use,
                inferred=inferred,
                before=people if leave is not None else None,
            )
            for use in HELD_USES
            if f"held_{use}" in views
        }
        if "flowing" in views:
            made["flowing"] = compute_links(ppl, scen, social, params, inferred=inferred)
        for view, links in made.items():
            part = link_table(ppl, scen, social, params, links=links)[in_cohort]
            for tier, share in tier_shares(part).items():
                rows.append(
                    {
                        "cohort": cohort,
                        "day": day,
                        "view": view,
                        "tier": tier,
                        "share": share,
                        "people_count": len(part),
                    }
                )
    return pd.DataFrame(rows)
