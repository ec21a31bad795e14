"""Scenarios: how consent states are set, which regimes apply to whom, and from when.

The file format is documented in :mod:`analysis.policy`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import tomli_w

from analysis.core.paths import SCENARIOS_DIR
from analysis.core.reference import known_country_codes
from analysis.policy.flows import FIELDS, PURPOSES, regime_states
from analysis.policy.record import citation_problems, source_label
from analysis.world.population import CONSENT_STATES

__all__ = [
    "BUILTIN_NAMES",
    "CONSENT_MODES",
    "OPTED_OUT_STATES",
    "Citation",
    "Regime",
    "Scenario",
    "ScenarioError",
    "builtin_scenarios",
    "load_scenario",
    "scenario_label",
    "scenario_table",
]


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


class ScenarioError(ValueError):
    """A scenario file or value is invalid: the message names file, key, value, allowed values."""


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


#: Consent states of the 2016 partial opt-out.
OPTED_OUT_STATES: tuple[str, ...] = ("unticked_before_agreeing", "opted_out_in_window")


@dataclass(frozen=True)
class Citation:
    """A primary document a scenario rests on, and what it changed.

    Parameters
    ----------
    source_id : str
        Id in ``data/reference/sources.csv`` (its kind must be primary, see
        :data:`analysis.policy.PRIMARY_KINDS`); the date comes from there.
    section : str
        Section, paragraph or direction of the document, as precise as the record is.
    changed : str
        What the document found, ordered or said, and what it changes in the scenario.
    """

    source_id: str
    section: str = ""
    changed: str = ""

    @classmethod
    def from_dict(cls, values: Any, *, origin: str) -> Citation:
        """Build a checked citation from a TOML table."""
        if not isinstance(values, Mapping):
            raise ScenarioError(
                f"{origin}: each [[citations]] entry must be a table, got {values!r}"
            )
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ScenarioError(
                f"{origin}: unknown key(s) {unknown} in [[citations]]; "
                f"allowed keys are {sorted(known)}"
            )
        for key in known:
            if key in values and not isinstance(values[key], str):
                raise ScenarioError(
                    f"{origin}: citations.{key} = {values[key]!r} is not allowed: must be text"
                )
        if "source_id" not in values:
            raise ScenarioError(f"{origin}: a [[citations]] entry needs 'source_id'")
        out = cls(**values)
        out.check(origin=origin)
        return out

    def check(self, *, origin: str) -> None:
        """Raise :class:`ScenarioError` if the source is unknown, not primary, or our notes."""
        problems = citation_problems(self.source_id, context=f"{self.section} {self.changed}")
        if problems:
            raise ScenarioError(f"{origin}: citation {self.source_id!r}: {problems[0]}")

    def to_dict(self) -> dict[str, str]:
        """Plain mapping for TOML."""
        return {"source_id": self.source_id, "section": self.section, "changed": self.changed}

    def label(self) -> str:
        """Short label with the document's date, e.g. ``'ICO undertaking (2018), 2018-03-14'``."""
        return source_label(self.source_id)


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
        (the Delhi High Court's cutoff: what the account held by then).
    ends_on : str, optional
        Last day it applies (compared with the scenario's ``as_of``): an order that
        lapses, is stayed or is set aside.
    consent_states : tuple of str
        If set, it applies only to people in these consent states (for readings of
        what a consent choice allowed); empty means everybody.
    """

    regime: str
    countries: tuple[str, ...] = ()
    starts_on: str | None = None
    registered_before: str | None = None
    ends_on: str | None = None
    consent_states: tuple[str, ...] = ()

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
        states = values.get("consent_states", [])
        if not isinstance(states, list | tuple) or not all(isinstance(c, str) for c in states):
            raise ScenarioError(
                f"{origin}: regimes.consent_states = {states!r} must be a list of consent states"
            )
        bad = sorted(set(states) - set(CONSENT_STATES))
        if bad:
            raise ScenarioError(
                f"{origin}: unknown consent state(s) {bad} in regimes.consent_states; "
                f"allowed: {list(CONSENT_STATES)}"
            )
        dates = {}
        for key in ("starts_on", "registered_before", "ends_on"):
            v = values.get(key)
            dates[key] = None if v is None else _check_date(origin, f"regimes.{key}", v)
        if dates["starts_on"] and dates["ends_on"] and dates["ends_on"] < dates["starts_on"]:
            raise ScenarioError(
                f"{origin}: regimes.ends_on = {dates['ends_on']!r} is before "
                f"starts_on = {dates['starts_on']!r}"
            )
        return cls(regime=name, countries=tuple(countries), consent_states=tuple(states), **dates)

    def to_dict(self) -> dict[str, Any]:
        """Plain mapping for TOML (``None`` values left out)."""
        out: dict[str, Any] = {"regime": self.regime, "countries": list(self.countries)}
        for key in ("starts_on", "registered_before", "ends_on"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        if self.consent_states:
            out["consent_states"] = list(self.consent_states)
        return out

    def applies_on(self, day: str) -> bool:
        """Whether the regime is in force on ``day`` (ISO date).

        >>> r = Regime("cci_ads_barred", starts_on="2024-11-18", ends_on="2025-01-22")
        >>> r.applies_on("2024-12-01"), r.applies_on("2025-02-01")
        (True, False)
        """
        return (not self.starts_on or self.starts_on <= day) and (
            not self.ends_on or day <= self.ends_on
        )


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
        Date at which the scenario is read (regimes starting later, or ended by then,
        do not apply).
    seed : int
        Seed of the per-person draws of the ``uptake`` mode.
    citations : tuple of Citation
        The primary documents the scenario rests on and what each changed (every
        built-in scenario has at least one; a researcher's own may have none).
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
    citations: tuple[Citation, ...] = ()

    def __post_init__(self) -> None:
        # validation shared by TOML loading and direct construction
        Scenario._validate(
            dataclasses.asdict(self) | {"regimes": self.regimes, "citations": self.citations},
            origin=f"scenario {self.name!r}",
        )
        object.__setattr__(self, "regimes", tuple(self.regimes))
        object.__setattr__(self, "citations", tuple(self.citations))
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
        for c in values.get("citations", ()):
            if not isinstance(c, Citation):
                raise ScenarioError(f"{origin}: citations must hold Citation objects, got {c!r}")

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
        citations = values.pop("citations", [])
        for key, items in (("regimes", regimes), ("citations", citations)):
            if not isinstance(items, list | tuple):
                raise ScenarioError(
                    f"{origin}: {key} must be an array of tables ([[{key}]]), got {items!r}"
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
        cited = tuple(Citation.from_dict(c, origin=origin) for c in citations)
        return cls(**values, regimes=parsed, citations=cited)

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
        out["citations"] = [c.to_dict() for c in self.citations]
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

    def with_processor_reading(self) -> Scenario:
        """Return the scenario read at the *processor* end of the partial opt-out question.

        The record leaves open whether, after the 2016 partial opt-out, Facebook used the
        infrastructure, analytics and security data for itself (the consent table's
        ``yes``: WhatsApp's FAQ, the CNIL's 2017 notice, the EDPB's 2021 urgent decision)
        or processed it only on WhatsApp's behalf (the ICO's 2018 finding for the UK).
        This adds the ``processor_reading`` regime for the opted-out states.

        >>> s = builtin_scenarios()["all_partial_opt_out"].with_processor_reading()
        >>> s.regimes[-1].regime, s.regimes[-1].consent_states
        ('processor_reading', ('unticked_before_agreeing', 'opted_out_in_window'))
        """
        extra = Regime("processor_reading", consent_states=OPTED_OUT_STATES)
        return self.replace(regimes=(*self.regimes, extra))


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
    "all_partial_opt_out_processor",
    "all_leave",
    "eu_pause",
    "germany_hamburg",
    "uk_processor_only",
    "india_pre_2016_09_25",
    "india_later_data_flows",
    "policy_2021",
    "germany_hamburg_2021",
    "india_cci_2024",
)


def builtin_scenarios() -> dict[str, Scenario]:
    """Load the built-in scenarios from ``data/scenarios/<name>.toml``, in reading order.

    >>> list(builtin_scenarios())[:3]
    ['before_change', 'no_opt_out', 'mix_2016']
    """
    return dict(_builtin())


@cache
def _builtin() -> tuple[tuple[str, Scenario], ...]:
    out = []
    for name in BUILTIN_NAMES:
        path = SCENARIOS_DIR / f"{name}.toml"
        s = load_scenario(path)
        if s.name != name:
            raise ScenarioError(f"{path}: name = {s.name!r} must match the file name")
        if not s.citations:
            raise ScenarioError(
                f"{path}: a built-in scenario needs at least one [[citations]] entry "
                "naming a primary document of sources.csv"
            )
        out.append((name, s))
    return tuple(out)


def scenario_table() -> pd.DataFrame:
    """Describe the built-in scenarios in plain words.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``scenario``: ``title``, ``read_on`` (the date it describes),
        ``based_on`` (the primary documents, with their dates) and ``description``.
    """
    return pd.DataFrame(
        [
            {
                "scenario": s.name,
                "title": s.title,
                "read_on": s.as_of,
                "based_on": "; ".join(c.label() for c in s.citations),
                "description": s.description,
            }
            for s in builtin_scenarios().values()
        ]
    ).set_index("scenario")


def scenario_label(scenario: Scenario) -> str:
    """Short human label of a scenario for charts: its title, noting address books.

    A copy of a built-in scenario with the ``address_books`` switch turned on keeps the
    built-in title, so the switch is added to the label to keep the two apart.

    >>> from analysis.policy import builtin_scenarios
    >>> mix = builtin_scenarios()["mix_2016"]
    >>> scenario_label(mix)
    'The 2016 mix'
    >>> scenario_label(mix.replace(name="mix_books", address_books=True))
    'The 2016 mix, with address books'
    """
    label = scenario.title or scenario.name
    if scenario.address_books and "address book" not in label.lower():
        label += ", with address books"
    return label
