"""Applying a scenario to people: effective consent states and permitted purposes.

A field may be used for a purpose about a person only if both the person's consent
state and every regime that applies to them allow it (:func:`flow_cube`).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from analysis.core.seeds import person_uniforms
from analysis.policy.flows import FIELDS, PURPOSES, USES, _layer_cube
from analysis.policy.scenarios import Scenario
from analysis.world.population import CONSENT_STATES, OPT_OUT_WINDOW_DAYS

__all__ = [
    "ScenarioFlows",
    "address_books_flow",
    "effective_states",
    "field_flows",
    "field_purposes",
    "flow_cube",
    "permitted_purposes",
]


#: Existing users who stayed, in the population's states.
_STAYERS = ("kept_default", "unticked_before_agreeing", "opted_out_in_window")


def _states_and_days(
    people: pd.DataFrame, scenario: Scenario, seed: int | None
) -> tuple[np.ndarray, np.ndarray]:
    """Consent state (object array) and opt-out day (-1 = none) under the scenario."""
    state = people["consent_state"].astype(object).to_numpy(copy=True)
    day = people["opt_out_day"].astype("Int64").fillna(-1).to_numpy(dtype=np.int64, copy=True)
    existing_stay = np.isin(state, _STAYERS)
    leavers = state == "left_whatsapp"
    new = state == "new_user_no_choice"
    mode = scenario.consent
    if mode == "uptake":
        pid = people["person_id"].to_numpy()
        s = scenario.seed if seed is None else seed
        u_opt = person_uniforms(pid, s, "policy:opt-out")
        u_how = person_uniforms(pid, s, "policy:opt-out-how")
        u_day = person_uniforms(pid, s, "policy:opt-out-day")
        opted = existing_stay & (u_opt < scenario.opt_out_uptake_share)
        before = opted & (u_how < scenario.opt_out_before_agreeing_share)
        window = opted & ~before
        state[existing_stay] = "kept_default"
        state[before] = "unticked_before_agreeing"
        state[window] = "opted_out_in_window"
        days = np.arange(1, OPT_OUT_WINDOW_DAYS + 1)
        cdf = np.cumsum(0.5 ** ((days - 1) / scenario.opt_out_day_half_life_days))
        drawn = days[np.searchsorted(cdf / cdf[-1], u_day, side="right").clip(max=days.size - 1)]
        day = np.where(before, 0, np.where(window, drawn, -1))
    elif mode in ("all_default", "all_partial_opt_out", "all_leave"):
        target = {
            "all_default": "kept_default",
            "all_partial_opt_out": "unticked_before_agreeing",
            "all_leave": "left_whatsapp",
        }[mode]
        who = existing_stay.copy()
        if mode == "all_leave" or not scenario.keep_leavers:
            who |= leavers
        if scenario.include_new_users and mode != "all_default":
            who |= new
        state[who] = target
        day[who] = 0 if target == "unticked_before_agreeing" else -1
    for old, new_state in scenario.remap_states.items():
        hit = state == old
        state[hit] = new_state
        day[hit] = (
            0 if new_state == "unticked_before_agreeing" else (day[hit] if new_state == old else -1)
        )
    return state, day


def effective_states(
    people: pd.DataFrame, scenario: Scenario, *, seed: int | None = None
) -> pd.Series:
    """Each person's consent state under ``scenario`` (aligned to ``people`` rows).

    Parameters
    ----------
    people : pandas.DataFrame
        The population (:data:`analysis.world.PEOPLE` columns).
    scenario : Scenario
    seed : int, optional
        Seed of the per-person opt-out draws in ``uptake`` mode (default ``scenario.seed``).

    Returns
    -------
    pandas.Series
        Categorical with the categories of :data:`analysis.world.CONSENT_STATES`.
    """
    state, _ = _states_and_days(people, scenario, seed)
    return pd.Series(
        pd.Categorical(state, categories=list(CONSENT_STATES)),
        index=people.index,
        name="consent_state",
    )


#: ``use`` of :func:`flow_cube` -> the lowest cell code (:data:`USES`) that counts.
USE_LEVEL = {"reach": USES.index("processor"), "own": USES.index("yes")}


def _regime_mask(people: pd.DataFrame, scenario: Scenario, state: np.ndarray) -> np.ndarray:
    """Int8 array [person, field, purpose]: what the regime layer allows (use codes).

    ``state`` is each person's consent state under the scenario (for regimes that apply
    to some consent states only).
    """
    states, cube = _layer_cube("regime")
    n = len(people)
    allowed = np.full((n, len(FIELDS), len(PURPOSES)), USES.index("yes"), dtype=np.int8)
    as_of = dt.date.fromisoformat(scenario.as_of).isoformat()
    for r in scenario.regimes:
        if not r.applies_on(as_of):
            continue
        who = np.ones(n, dtype=bool)
        if r.consent_states:
            who &= np.isin(state, r.consent_states)
        if r.countries:
            who &= people["country_code"].astype(object).isin(r.countries).to_numpy()
        if r.registered_before:
            reg = people["whatsapp_registered_on"]
            who &= (reg < pd.Timestamp(r.registered_before)).fillna(False).to_numpy(bool)
        allowed[who] = np.minimum(allowed[who], cube[states.index(r.regime)])
    return allowed


def _scenario_mask(scenario: Scenario) -> np.ndarray:
    """Array [field, purpose] of what the scenario's own switches allow."""
    ok = np.zeros((len(FIELDS), len(PURPOSES)), dtype=bool)
    ok[[FIELDS.index(f) for f in scenario.shared_fields]] = True
    if not scenario.address_books:
        ok[FIELDS.index("address_book")] = False
    ok[:, [PURPOSES.index(p) for p in scenario.blocked_purposes]] = False
    return ok


class ScenarioFlows:
    """A scenario applied to people once, read for any day and either use.

    The consent states and opt-out days (three seeded draws per person) are computed
    once; :meth:`cubes` then gives both permission cubes of a day from one pass over the
    layers. :func:`flow_cube` is one call of it; the window curve and the linking read
    31 days and both uses from one object.

    >>> from analysis.policy.scenarios import builtin_scenarios
    >>> from analysis.world import WorldParams, generate_population
    >>> people = generate_population(WorldParams(n_people=300, seed=1))
    >>> flows = ScenarioFlows(people, builtin_scenarios()["mix_2016"])
    >>> own, reach = flows.cubes(day=3)
    >>> bool((own <= reach).all()), own.shape == reach.shape == (300, len(FIELDS), len(PURPOSES))
    (True, True)
    """

    def __init__(self, people: pd.DataFrame, scenario: Scenario, *, seed: int | None = None):
        self.people, self.scenario = people, scenario
        self.state, self.opt_day = _states_and_days(people, scenario, seed)
        self._switches = _scenario_mask(scenario)[None]
        self._regime: np.ndarray | None = None
        self._regime_by_state = any(r.consent_states for r in scenario.regimes)
        #: the consent layer read and the end state's rows in it
        self._rows: tuple[tuple[str, ...], np.ndarray] | None = None
        self._in_window: np.ndarray | None = None

    def states(self) -> pd.Series:
        """Each person's consent state under the scenario (:func:`effective_states`)."""
        return pd.Series(
            pd.Categorical(self.state, categories=list(CONSENT_STATES)),
            index=self.people.index,
            name="consent_state",
        )

    def codes(self, day: int | None = None) -> np.ndarray:
        """Int8 array [person, field, purpose]: the use codes both layers allow on ``day``."""
        if day is not None and (
            isinstance(day, bool) or not isinstance(day, int | np.integer) or day < 0
        ):
            raise ValueError(f"day = {day!r} is not allowed: must be None or an integer >= 0")
        state = self.state
        states, cube = _layer_cube("consent")
        if self._rows is None or self._rows[0] is not states:  # looked up once per layer
            self._rows = (states, self._layer_rows(states, state))
        idx = self._rows[1]
        if day is not None:
            if self._in_window is None:
                self._in_window = state == "opted_out_in_window"
            not_yet = self._in_window & (self.opt_day > day)
            if not_yet.any():
                state = np.where(not_yet, "kept_default", state)
                idx = np.where(
                    not_yet, self._layer_rows(states, np.array(["kept_default"]))[0], idx
                )
        if self._regime_by_state:  # the regimes that apply depend on the day's states
            regime = _regime_mask(self.people, self.scenario, state)
        else:
            if self._regime is None:
                self._regime = _regime_mask(self.people, self.scenario, state)
            regime = self._regime
        return np.minimum(cube[idx], regime)

    @staticmethod
    def _layer_rows(states, state: np.ndarray) -> np.ndarray:
        """Rows of the consent layer for each state in ``state`` (an error names any missing)."""
        idx = pd.Index(states).get_indexer(state)
        if (idx < 0).any():
            bad = sorted(set(state[idx < 0]))
            raise ValueError(
                f"consent_state values {bad} are not in policy_flows.csv; allowed: {list(states)}"
            )
        return idx

    def allowed(self, codes: np.ndarray, use: str = "own") -> np.ndarray:
        """Boolean cube of ``codes`` (from :meth:`codes`) for ``use`` (see :func:`flow_cube`)."""
        if use not in USE_LEVEL:
            raise ValueError(f"use = {use!r} is not allowed: must be one of {sorted(USE_LEVEL)}")
        return (codes >= USE_LEVEL[use]) & self._switches

    def cubes(self, day: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """``(own, reach)`` boolean cubes [person, field, purpose] of ``day``."""
        codes = self.codes(day)
        return self.allowed(codes, "own"), self.allowed(codes, "reach")


def flow_cube(
    people: pd.DataFrame,
    scenario: Scenario,
    *,
    day: int | None = None,
    seed: int | None = None,
    use: str = "own",
) -> np.ndarray:
    """Boolean array [person, field, purpose]: may Facebook use the field about the person for it.

    Parameters
    ----------
    people : pandas.DataFrame
    scenario : Scenario
    day : int, optional
        Days since the person accepted the terms (0-30 for the window curve). People who
        opt out on day ``k`` of the window share as by default on days before ``k``.
        ``None`` means the end state, after every window has closed.
    seed : int, optional
        See :func:`effective_states`.
    use : {"own", "reach"}
        ``"own"``: Facebook may use the field for the purpose for its own ends (cells
        ``yes``). ``"reach"``: the field reaches Facebook for the purpose, also when
        Facebook may process it only on WhatsApp's behalf (cells ``processor`` or ``yes``).
        Both layers (consent, regime) and the scenario's switches must allow it.
        To read several days or both uses, make one :class:`ScenarioFlows`.
    """
    if use not in USE_LEVEL:  # before the per-person draws; ScenarioFlows checks ``day``
        raise ValueError(f"use = {use!r} is not allowed: must be one of {sorted(USE_LEVEL)}")
    flows = ScenarioFlows(people, scenario, seed=seed)
    return flows.allowed(flows.codes(day), use)


def field_purposes(
    people: pd.DataFrame,
    scenario: Scenario,
    field: str,
    *,
    day: int | None = None,
    seed: int | None = None,
) -> pd.DataFrame:
    """For one field: ``person_id`` + one bool column per purpose (see :func:`flow_cube`)."""
    if field not in FIELDS:
        raise ValueError(f"unknown field {field!r}; allowed: {list(FIELDS)}")
    cube = flow_cube(people, scenario, day=day, seed=seed)[:, FIELDS.index(field)]
    out = pd.DataFrame(cube, columns=list(PURPOSES))
    out.insert(0, "person_id", people["person_id"].to_numpy())
    return out


def permitted_purposes(
    people: pd.DataFrame, scenario: Scenario, *, day: int | None = None, seed: int | None = None
) -> pd.DataFrame:
    """Whether Facebook may use WhatsApp-sourced data about each person, per purpose.

    Parameters
    ----------
    people : pandas.DataFrame
        The population.
    scenario : Scenario
    day : int, optional
        Days since the person accepted the terms (for the 30-day window curve);
        ``None`` = the end state.
    seed : int, optional
        See :func:`effective_states`.

    Returns
    -------
    pandas.DataFrame
        One row per person in ``people`` order: ``person_id`` and one bool column per
        purpose in :data:`PURPOSES` (True if any shared field may be used for it).
        Non-WhatsApp users are all False.
    """
    cube = flow_cube(people, scenario, day=day, seed=seed).any(axis=1)
    out = pd.DataFrame(cube, columns=list(PURPOSES))
    out.insert(0, "person_id", people["person_id"].to_numpy())
    return out


def field_flows(
    people: pd.DataFrame,
    scenario: Scenario,
    field: str,
    *,
    day: int | None = None,
    seed: int | None = None,
) -> np.ndarray:
    """Tell whether ``field`` about each person reaches Facebook at all (for any purpose).

    Returns
    -------
    numpy.ndarray
        Bool array aligned to ``people`` rows.
    """
    if field not in FIELDS:
        raise ValueError(f"unknown field {field!r}; allowed: {list(FIELDS)}")
    return flow_cube(people, scenario, day=day, seed=seed)[:, FIELDS.index(field)].any(axis=1)


def address_books_flow(scenario: Scenario) -> bool:
    """Read the address-book switch: do WhatsApp-held address books reach Facebook (default off).

    >>> from analysis.policy import builtin_scenarios
    >>> address_books_flow(builtin_scenarios()["mix_2016"])
    False
    """
    return bool(scenario.address_books and "address_book" in scenario.shared_fields)
