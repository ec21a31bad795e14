"""Who may use which WhatsApp data for what: the 2016 policy as data, and its scenarios.

The policy model has two declarative parts:

* ``data/reference/policy_flows.csv``: for every *state* and every shared *field*,
  whether the field reaches Facebook and may be used for each *purpose*
  (infrastructure, analytics, security, suggestions, ads), with a ``source`` column.
  The ``consent`` layer holds the person's own choice (see
  :data:`analysis.population.CONSENT_STATES`); the ``regime`` layer holds what a
  regulator or the timeline imposed (nothing shared yet, EU pause, Hamburg order,
  Delhi cutoff). A field may be used for a purpose only if *both* layers allow it.
* Scenarios (``data/scenarios/*.toml``): how consent states are set (as in the
  population, re-drawn at another opt-out uptake, everybody keeping the default,
  everybody opting out, everybody leaving), which regimes apply to whom and from
  when, and the address-book switch. Researchers write their own in the same format
  and load it with :func:`load_scenario`.

No purpose rule is written as an ``if`` in this module: changing a rule means
changing a row of the table.

Scenario file format (every key but ``name`` is optional; unknown keys, states,
purposes, fields, countries and wrong types are rejected with the file name)::

    name = "my_scenario"                # lower-case letters, digits, underscores
    title = "Short label for charts"
    description = "One or two sentences in plain words."
    consent = "uptake"                  # population | uptake | all_default |
                                        # all_partial_opt_out | all_leave
    opt_out_uptake_share = 0.10         # used by consent = "uptake" (0-1)
    opt_out_before_agreeing_share = 0.5 # the rest opt out on a day of the window
    opt_out_day_half_life_days = 5.0
    keep_leavers = true                 # all_*: people who left stay gone
    include_new_users = false           # all_partial_opt_out / all_leave apply to new users
    address_books = false               # the address-book switch
    shared_fields = ["phone_number", "device_id"]   # default: every field
    blocked_purposes = ["ads"]          # purposes nothing may be used for
    as_of = "2016-12-01"                # regimes starting later do not apply
    seed = 2016                         # per-person draws of the uptake mode

    [remap_states]                      # applied after the consent mode
    opted_out_in_window = "kept_default"

    [[regimes]]                         # a regime state of policy_flows.csv
    regime = "eu_paused"
    countries = ["DE", "GB", "ES"]      # empty or absent: everybody
    starts_on = "2016-11-01"
    registered_before = "2016-09-25"    # optional: only accounts registered earlier

>>> from analysis.params import WorldParams
>>> from analysis.population import generate_population
>>> people = generate_population(WorldParams(n_people=300, seed=3))
>>> scenarios = builtin_scenarios()
>>> bool(permitted_purposes(people, scenarios["before_change"])[list(PURPOSES)].any().any())
False
>>> ok = permitted_purposes(people, scenarios["no_opt_out"])
>>> bool((ok["ads"] == people["is_whatsapp_user"]).all())
True
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import tomllib
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import tomli_w

from analysis.paths import REFERENCE_DIR, SCENARIOS_DIR
from analysis.population import CONSENT_STATES, OPT_OUT_WINDOW_DAYS
from analysis.reference import known_country_codes

PURPOSES: tuple[str, ...] = ("infrastructure", "analytics", "security", "suggestions", "ads")
"""Purposes for which Facebook may use WhatsApp-sourced data (data-flows.md (a)-(e))."""

FIELDS: tuple[str, ...] = (
    "phone_number",
    "last_seen",
    "os",
    "screen_resolution",
    "mcc",
    "mnc",
    "device_id",
    "registration_date",
    "app_version",
    "address_book",
)
"""Fields WhatsApp may pass to Facebook. ``address_book`` flows only when a scenario's
``address_books`` switch is on (off by default)."""

CONSENT_MODES: tuple[str, ...] = (
    "population",
    "uptake",
    "all_default",
    "all_partial_opt_out",
    "all_leave",
)
"""How a scenario sets each person's consent state.

* ``population``: the states drawn with the population (``WorldParams.opt_out_uptake_share``).
* ``uptake``: re-drawn at the scenario's ``opt_out_uptake_share``, monotone: a person
  who opts out at uptake ``u`` also opts out at every ``u' > u`` (same seed).
* ``all_default``: every existing user keeps the box ticked.
* ``all_partial_opt_out``: every existing user unticks the box before agreeing.
* ``all_leave``: every existing user deletes the account.
"""

#: Existing users who stayed, in the population's states.
_STAYERS = ("kept_default", "unticked_before_agreeing", "opted_out_in_window")
#: Data location of the declarative table and the built-in scenarios.
FLOW_TABLE_PATH = REFERENCE_DIR / "policy_flows.csv"


class ScenarioError(ValueError):
    """A scenario file or value is invalid: the message names file, key, value, allowed values."""


class PolicyTableError(ValueError):
    """``policy_flows.csv`` is malformed."""


# --------------------------------------------------------------------------------------
# the declarative table
# --------------------------------------------------------------------------------------
@cache
def load_flow_table(path: Path | None = None) -> pd.DataFrame:
    """Load and check the fields x purposes x states table.

    Returns
    -------
    pandas.DataFrame
        Columns ``layer, state, field, <one bool per purpose>, source``; one row per
        (layer, state, field), complete for every field.

    >>> t = load_flow_table()
    >>> row = t.query("state == 'unticked_before_agreeing' and field == 'phone_number'")
    >>> bool(row["ads"].iloc[0])
    False
    """
    path = Path(path) if path else FLOW_TABLE_PATH
    if not path.is_file():
        raise PolicyTableError(f"policy table missing: {path}")
    t = pd.read_csv(path, dtype=str, keep_default_na=False)
    need = ["layer", "state", "field", *PURPOSES, "source"]
    missing = [c for c in need if c not in t.columns]
    if missing:
        raise PolicyTableError(f"{path}: missing column(s) {missing}")
    for col in PURPOSES:
        bad = ~t[col].isin(["yes", "no"])
        if bad.any():
            line = int(np.flatnonzero(bad)[0]) + 2
            raise PolicyTableError(
                f"{path}, line {line}: {col} = {t[col][bad].iloc[0]!r}; allowed: 'yes' or 'no'"
            )
        t[col] = t[col] == "yes"
    bad_layer = ~t["layer"].isin(["consent", "regime"])
    if bad_layer.any():
        raise PolicyTableError(
            f"{path}: layer {t['layer'][bad_layer].iloc[0]!r}; allowed: consent, regime"
        )
    unknown_fields = sorted(set(t["field"]) - set(FIELDS))
    if unknown_fields:
        raise PolicyTableError(
            f"{path}: unknown field(s) {unknown_fields}; allowed: {list(FIELDS)}"
        )
    if (t["source"].str.strip() == "").any():
        raise PolicyTableError(f"{path}: every row needs a source")
    counts = t.groupby(["layer", "state"])["field"].agg(lambda s: sorted(s))
    for (layer, state), fields in counts.items():
        if fields != sorted(FIELDS):
            raise PolicyTableError(
                f"{path}: state {layer}/{state} must have exactly one row per field {list(FIELDS)}"
            )
    consent = set(t.loc[t["layer"] == "consent", "state"])
    if consent != set(CONSENT_STATES):
        raise PolicyTableError(
            f"{path}: consent states {sorted(consent)} must be exactly {sorted(CONSENT_STATES)}"
        )
    if "open" not in set(t.loc[t["layer"] == "regime", "state"]):
        raise PolicyTableError(f"{path}: the regime layer needs an 'open' state (no restriction)")
    return t


def regime_states() -> tuple[str, ...]:
    """Regime names a scenario may apply (the table's regime layer, without ``open``).

    >>> "eu_paused" in regime_states()
    True
    """
    t = load_flow_table()
    return tuple(s for s in dict.fromkeys(t.loc[t["layer"] == "regime", "state"]) if s != "open")


@cache
def _layer_cube(layer: str) -> tuple[tuple[str, ...], np.ndarray]:
    """(states, array [state, field, purpose]) for one layer of the table."""
    t = load_flow_table()
    t = t[t["layer"] == layer]
    states = tuple(dict.fromkeys(t["state"]))
    cube = np.zeros((len(states), len(FIELDS), len(PURPOSES)), dtype=bool)
    s_idx = pd.Index(states).get_indexer(t["state"])
    f_idx = pd.Index(FIELDS).get_indexer(t["field"])
    cube[s_idx, f_idx] = t[list(PURPOSES)].to_numpy(bool)
    return states, cube


# --------------------------------------------------------------------------------------
# scenarios
# --------------------------------------------------------------------------------------
def _check_date(origin: str, key: str, value: Any) -> str:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise ScenarioError(
        f"{origin}: {key} = {value!r} is not allowed: must be a date written YYYY-MM-DD"
    )


@dataclass(frozen=True)
class Regime:
    """A restriction from the regime layer applied to some people from some date.

    Parameters
    ----------
    regime : str
        A regime state of ``policy_flows.csv`` (see :func:`regime_states`).
    countries : tuple of str
        Country codes it applies to; empty means everybody.
    starts_on : str, optional
        ISO date from which it applies (compared with the scenario's ``as_of``).
    registered_before : str, optional
        If set, it applies only to WhatsApp accounts registered before this date
        (the Delhi High Court's cutoff).
    """

    regime: str
    countries: tuple[str, ...] = ()
    starts_on: str | None = None
    registered_before: str | None = None

    @classmethod
    def from_dict(cls, values: Any, *, origin: str) -> Regime:
        """Build a validated regime from a TOML table."""
        if not isinstance(values, Mapping):
            raise ScenarioError(f"{origin}: each [[regimes]] entry must be a table, got {values!r}")
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ScenarioError(
                f"{origin}: unknown key(s) {unknown} in [[regimes]]; "
                f"allowed keys are {sorted(known)}"
            )
        if "regime" not in values:
            raise ScenarioError(
                f"{origin}: a [[regimes]] entry needs 'regime', one of {list(regime_states())}"
            )
        name = values["regime"]
        if not isinstance(name, str) or name not in regime_states():
            raise ScenarioError(
                f"{origin}: unknown regime state {name!r}; allowed: {list(regime_states())}"
            )
        countries = values.get("countries", [])
        if not isinstance(countries, list | tuple) or not all(
            isinstance(c, str) for c in countries
        ):
            raise ScenarioError(
                f"{origin}: regimes.countries = {countries!r} must be a list of country codes"
            )
        bad = sorted(set(countries) - set(known_country_codes()))
        if bad:
            raise ScenarioError(
                f"{origin}: unknown country code(s) {bad}; allowed: {list(known_country_codes())}"
            )
        starts = values.get("starts_on")
        before = values.get("registered_before")
        return cls(
            regime=name,
            countries=tuple(countries),
            starts_on=None if starts is None else _check_date(origin, "regimes.starts_on", starts),
            registered_before=None
            if before is None
            else _check_date(origin, "regimes.registered_before", before),
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain mapping for TOML (``None`` values left out)."""
        out: dict[str, Any] = {"regime": self.regime, "countries": list(self.countries)}
        if self.starts_on:
            out["starts_on"] = self.starts_on
        if self.registered_before:
            out["registered_before"] = self.registered_before
        return out


# key -> (python types allowed, description of allowed values)
_SCALAR_KEYS: dict[str, tuple[tuple[type, ...], str]] = {
    "name": ((str,), "text: lower-case letters, digits and underscores"),
    "title": ((str,), "text"),
    "description": ((str,), "text"),
    "consent": ((str,), f"one of {list(CONSENT_MODES)}"),
    "opt_out_uptake_share": ((int, float), "a number between 0 and 1"),
    "opt_out_before_agreeing_share": ((int, float), "a number between 0 and 1"),
    "opt_out_day_half_life_days": ((int, float), "a number between 0.5 and 30"),
    "keep_leavers": ((bool,), "true or false"),
    "include_new_users": ((bool,), "true or false"),
    "address_books": ((bool,), "true or false"),
    "as_of": ((str, dt.date), "a date written YYYY-MM-DD"),
    "seed": ((int,), "an integer between 0 and 2**32-1"),
}


@dataclass(frozen=True)
class Scenario:
    """A named, documented policy scenario.

    Parameters
    ----------
    name : str
        Identifier (lower-case letters, digits, underscores).
    title, description : str
        Plain-words label and explanation for charts and tables.
    consent : str
        How consent states are set, one of :data:`CONSENT_MODES`.
    opt_out_uptake_share : float, optional
        Share of existing users taking the partial opt-out (``consent = "uptake"``).
        Default 5%, plausible 1-25% (parameters.md: nothing published).
    opt_out_before_agreeing_share : float
        Among opt-outs, share who unticked before agreeing (the rest opt out on a
        day of the 30-day window).
    opt_out_day_half_life_days : float
        Half-life of the in-window opt-out day (days 1-30, earlier days likelier).
    keep_leavers : bool
        Whether people who left WhatsApp in the population stay gone (``all_default``,
        ``all_partial_opt_out``); ``False`` puts them back as if they had stayed.
    include_new_users : bool
        ``all_partial_opt_out`` / ``all_leave`` also apply to users who joined after
        2016-08-25 (who in reality were offered no choice).
    address_books : bool
        The address-book switch: WhatsApp-held address books reach Facebook.
    shared_fields : tuple of str
        Fields that may flow at all (default: every field in :data:`FIELDS`).
    blocked_purposes : tuple of str
        Purposes for which nothing may be used in this scenario.
    remap_states : dict
        Consent state -> consent state applied after the consent mode (for
        what-if questions such as "in-window opt-outs ignored").
    regimes : tuple of Regime
        Restrictions of the regime layer and to whom/when they apply.
    as_of : str
        Date at which the scenario is read (regimes starting later do not apply).
    seed : int
        Seed of the per-person draws of the ``uptake`` mode.
    """

    name: str
    title: str = ""
    description: str = ""
    consent: str = "population"
    opt_out_uptake_share: float = 0.05
    opt_out_before_agreeing_share: float = 0.5
    opt_out_day_half_life_days: float = 5.0
    keep_leavers: bool = True
    include_new_users: bool = False
    address_books: bool = False
    shared_fields: tuple[str, ...] = FIELDS
    blocked_purposes: tuple[str, ...] = ()
    remap_states: Mapping[str, str] = field(default_factory=dict)
    regimes: tuple[Regime, ...] = ()
    as_of: str = "2016-10-01"
    seed: int = 2016

    def __post_init__(self) -> None:
        # validation shared by TOML loading and direct construction
        Scenario._validate(
            dataclasses.asdict(self) | {"regimes": self.regimes}, origin=f"scenario {self.name!r}"
        )
        object.__setattr__(self, "remap_states", dict(self.remap_states))
        object.__setattr__(self, "shared_fields", tuple(self.shared_fields))
        object.__setattr__(self, "blocked_purposes", tuple(self.blocked_purposes))

    def __hash__(self) -> int:
        return hash(self.to_toml_text())

    # --- validation -------------------------------------------------------------------
    @staticmethod
    def _validate(values: Mapping[str, Any], *, origin: str) -> None:
        for key, (types, allowed) in _SCALAR_KEYS.items():
            if key not in values:
                continue
            v = values[key]
            if isinstance(v, bool) and bool not in types:
                raise ScenarioError(f"{origin}: {key} = {v!r} is not allowed: must be {allowed}")
            if not isinstance(v, types):
                raise ScenarioError(f"{origin}: {key} = {v!r} is not allowed: must be {allowed}")
        name = values.get("name")
        if (
            not isinstance(name, str)
            or not name
            or not all(c.islower() or c.isdigit() or c == "_" for c in name)
        ):
            raise ScenarioError(
                f"{origin}: name = {name!r} is not allowed: must be {_SCALAR_KEYS['name'][1]}"
            )
        if values.get("consent", "population") not in CONSENT_MODES:
            raise ScenarioError(
                f"{origin}: consent = {values['consent']!r} is not allowed: "
                f"must be one of {list(CONSENT_MODES)}"
            )
        for key, low, high in (
            ("opt_out_uptake_share", 0, 1),
            ("opt_out_before_agreeing_share", 0, 1),
            ("opt_out_day_half_life_days", 0.5, 30),
        ):
            v = values.get(key)
            if v is not None and not (math.isfinite(v) and low <= v <= high):
                raise ScenarioError(
                    f"{origin}: {key} = {v!r} is not allowed: must be {_SCALAR_KEYS[key][1]}"
                )
        seed = values.get("seed", 0)
        if not 0 <= seed < 2**32:
            raise ScenarioError(
                f"{origin}: seed = {seed!r} is not allowed: must be {_SCALAR_KEYS['seed'][1]}"
            )
        _check_date(origin, "as_of", values.get("as_of", "2016-10-01"))
        for key, allowed in (("shared_fields", FIELDS), ("blocked_purposes", PURPOSES)):
            v = values.get(key, ())
            if not isinstance(v, list | tuple) or not all(isinstance(x, str) for x in v):
                raise ScenarioError(
                    f"{origin}: {key} = {v!r} is not allowed: "
                    f"must be a list of names from {list(allowed)}"
                )
            bad = [x for x in v if x not in allowed]
            if bad:
                what = "field" if key == "shared_fields" else "purpose"
                raise ScenarioError(
                    f"{origin}: unknown {what}(s) {bad} in {key}; allowed: {list(allowed)}"
                )
        remap = values.get("remap_states", {})
        if not isinstance(remap, Mapping):
            raise ScenarioError(
                f"{origin}: remap_states = {remap!r} must be a table of state = state"
            )
        for k, v in remap.items():
            for s in (k, v):
                if s not in CONSENT_STATES:
                    raise ScenarioError(
                        f"{origin}: unknown consent state {s!r} in remap_states; "
                        f"allowed: {list(CONSENT_STATES)}"
                    )
        for r in values.get("regimes", ()):
            if not isinstance(r, Regime):
                raise ScenarioError(f"{origin}: regimes must hold Regime objects, got {r!r}")

    # --- TOML ---------------------------------------------------------------------------
    @classmethod
    def from_dict(cls, values: Any, *, origin: str = "scenario") -> Scenario:
        """Build from a TOML-like mapping, with errors naming ``origin``, key and value."""
        if not isinstance(values, Mapping):
            raise ScenarioError(
                f"{origin}: expected a table of scenario settings, got {type(values).__name__}"
            )
        known = [f.name for f in dataclasses.fields(cls)]
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ScenarioError(
                f"{origin}: unknown key(s) {unknown}; allowed keys are {sorted(known)}"
            )
        if "name" not in values:
            raise ScenarioError(f"{origin}: missing required key 'name'")
        values = dict(values)
        regimes = values.pop("regimes", [])
        if not isinstance(regimes, list | tuple):
            raise ScenarioError(
                f"{origin}: regimes must be an array of tables ([[regimes]]), got {regimes!r}"
            )
        cls._validate(values, origin=origin)
        if "as_of" in values:
            values["as_of"] = _check_date(origin, "as_of", values["as_of"])
        for key in ("shared_fields", "blocked_purposes"):
            if key in values:
                values[key] = tuple(values[key])
        for key in (
            "opt_out_uptake_share",
            "opt_out_before_agreeing_share",
            "opt_out_day_half_life_days",
        ):
            if key in values:
                values[key] = float(values[key])
        parsed = tuple(Regime.from_dict(r, origin=origin) for r in regimes)
        return cls(**values, regimes=parsed)

    @classmethod
    def from_toml_text(cls, text: str, *, origin: str = "<text>") -> Scenario:
        """Parse a scenario from TOML text."""
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ScenarioError(f"{origin}: not valid TOML ({exc})") from None
        return cls.from_dict(data, origin=origin)

    def to_dict(self) -> dict[str, Any]:
        """Plain mapping that :meth:`from_dict` reads back to an equal scenario."""
        out = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        out["shared_fields"] = list(self.shared_fields)
        out["blocked_purposes"] = list(self.blocked_purposes)
        out["remap_states"] = dict(self.remap_states)
        out["regimes"] = [r.to_dict() for r in self.regimes]
        return out

    def to_toml_text(self) -> str:
        """TOML text in the scenario-file format.

        >>> s = builtin_scenarios()["eu_pause"]
        >>> Scenario.from_toml_text(s.to_toml_text()) == s
        True
        """
        return tomli_w.dumps(self.to_dict())

    def replace(self, **changes: Any) -> Scenario:
        """Return a validated copy with some settings changed."""
        return dataclasses.replace(self, **changes)

    def with_uptake(self, share: float) -> Scenario:
        """Return the scenario with consent re-drawn at opt-out uptake ``share`` (monotone in it).

        >>> builtin_scenarios()["mix_2016"].with_uptake(0.2).opt_out_uptake_share
        0.2
        """
        return self.replace(consent="uptake", opt_out_uptake_share=float(share))


def load_scenario(path: str | Path) -> Scenario:
    """Load a scenario TOML file; invalid files raise :class:`ScenarioError` naming the problem.

    Parameters
    ----------
    path : str or pathlib.Path
        A file in the format of ``data/scenarios/*.toml``.
    """
    path = Path(path)
    if not path.is_file():
        raise ScenarioError(f"{path}: scenario file not found")
    return Scenario.from_toml_text(path.read_text(encoding="utf-8"), origin=str(path))


BUILTIN_NAMES: tuple[str, ...] = (
    "before_change",
    "no_opt_out",
    "mix_2016",
    "all_partial_opt_out",
    "all_leave",
    "eu_pause",
    "germany_hamburg",
    "india_pre_2016_09_25",
    "policy_2021",
)


def builtin_scenarios() -> dict[str, Scenario]:
    """Load the nine built-in scenarios from ``data/scenarios/<name>.toml``, in reading order.

    >>> list(builtin_scenarios())[:3]
    ['before_change', 'no_opt_out', 'mix_2016']
    """
    return dict(_builtin())


@cache
def _builtin() -> tuple[tuple[str, Scenario], ...]:
    out = []
    for name in BUILTIN_NAMES:
        s = load_scenario(SCENARIOS_DIR / f"{name}.toml")
        if s.name != name:
            raise ScenarioError(
                f"{SCENARIOS_DIR / (name + '.toml')}: name = {s.name!r} must match the file name"
            )
        out.append((name, s))
    return tuple(out)


# --------------------------------------------------------------------------------------
# per-person evaluation
# --------------------------------------------------------------------------------------
def person_uniforms(person_id: np.ndarray, seed: int, salt: str) -> np.ndarray:
    """Draw a uniform in [0, 1) per person, fixed by (seed, salt, person_id) alone.

    Independent of row order and of the population size, so thresholds on it are
    monotone across scenario settings (splitmix64 hash).

    >>> u = person_uniforms(np.arange(3), 1, "x")
    >>> bool(((0 <= u) & (u < 1)).all()), bool((u == person_uniforms(np.arange(3), 1, "x")).all())
    (True, True)
    """
    key = np.uint64((int(seed) << 32) ^ zlib.crc32(salt.encode()))
    with np.errstate(over="ignore"):
        x = np.asarray(person_id).astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15) + key
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        x = x ^ (x >> np.uint64(31))
    return (x >> np.uint64(11)).astype(np.float64) * 2.0**-53


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
        The population (:data:`analysis.schema.PEOPLE` columns).
    scenario : Scenario
    seed : int, optional
        Seed of the per-person opt-out draws in ``uptake`` mode (default ``scenario.seed``).

    Returns
    -------
    pandas.Series
        Categorical with the categories of :data:`analysis.population.CONSENT_STATES`.
    """
    state, _ = _states_and_days(people, scenario, seed)
    return pd.Series(
        pd.Categorical(state, categories=list(CONSENT_STATES)),
        index=people.index,
        name="consent_state",
    )


def _regime_mask(people: pd.DataFrame, scenario: Scenario) -> np.ndarray:
    """Array [person, field, purpose]: what the regime layer allows."""
    states, cube = _layer_cube("regime")
    n = len(people)
    allowed = np.ones((n, len(FIELDS), len(PURPOSES)), dtype=bool)
    as_of = dt.date.fromisoformat(scenario.as_of)
    for r in scenario.regimes:
        if r.starts_on and dt.date.fromisoformat(r.starts_on) > as_of:
            continue
        who = np.ones(n, dtype=bool)
        if r.countries:
            who &= people["country_code"].astype(object).isin(r.countries).to_numpy()
        if r.registered_before:
            reg = people["whatsapp_registered_on"]
            who &= (reg < pd.Timestamp(r.registered_before)).fillna(False).to_numpy(bool)
        allowed[who] &= cube[states.index(r.regime)]
    return allowed


def _scenario_mask(scenario: Scenario) -> np.ndarray:
    """Array [field, purpose] of what the scenario's own switches allow."""
    ok = np.zeros((len(FIELDS), len(PURPOSES)), dtype=bool)
    ok[[FIELDS.index(f) for f in scenario.shared_fields]] = True
    if not scenario.address_books:
        ok[FIELDS.index("address_book")] = False
    ok[:, [PURPOSES.index(p) for p in scenario.blocked_purposes]] = False
    return ok


def flow_cube(
    people: pd.DataFrame, scenario: Scenario, *, day: int | None = None, seed: int | None = None
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
    """
    if day is not None and (
        isinstance(day, bool) or not isinstance(day, int | np.integer) or day < 0
    ):
        raise ValueError(f"day = {day!r} is not allowed: must be None or an integer >= 0")
    state, opt_day = _states_and_days(people, scenario, seed)
    if day is not None:
        not_yet = (state == "opted_out_in_window") & (opt_day > day)
        state = np.where(not_yet, "kept_default", state)
    states, cube = _layer_cube("consent")
    idx = pd.Index(states).get_indexer(state)
    if (idx < 0).any():
        bad = sorted(set(state[idx < 0]))
        raise ValueError(
            f"consent_state values {bad} are not in policy_flows.csv; allowed: {list(states)}"
        )
    return cube[idx] & _regime_mask(people, scenario) & _scenario_mask(scenario)[None]


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

    >>> address_books_flow(builtin_scenarios()["mix_2016"])
    False
    """
    return bool(scenario.address_books and "address_book" in scenario.shared_fields)


def scenario_table() -> pd.DataFrame:
    """Describe the built-in scenarios in plain words: name, title, description."""
    return pd.DataFrame(
        [
            {"scenario": s.name, "title": s.title, "description": s.description}
            for s in builtin_scenarios().values()
        ]
    ).set_index("scenario")
