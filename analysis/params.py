"""Validated parameter objects with their documentation attached.

Each knob of the synthetic world is a dataclass field whose metadata says what it
means, its unit, the values it may take (checked on construction), the plausible
range used in sensitivity analysis, and where the default comes from. The
methods notebook and the data dictionary are generated from this metadata, so a
figure is typed once, here.

Parameters load from and save to TOML:

>>> p = WorldParams(n_people=500, seed=7)
>>> WorldParams.from_toml_text(p.to_toml_text()) == p
True
>>> WorldParams(n_people=0)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
analysis.params.ParameterError: n_people = 0 is not allowed: must be an integer between 1 and ...
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Self

import tomli_w

if TYPE_CHECKING:
    import pandas as pd

from analysis.io import atomic_write_text
from analysis.reference import known_country_codes


class ParameterError(ValueError):
    """A parameter value, type or name is not allowed. The message names all three."""


KINDS = ("share", "int", "float", "date", "weights", "str", "bool")


def param(
    default: Any,
    *,
    kind: str,
    description: str,
    unit: str = "",
    low: float | None = None,
    high: float | None = None,
    plausible: tuple[Any, Any] | None = None,
    source: str = "assumption (no published figure)",
    confidence: str = "low",
    choices: tuple[str, ...] | None = None,
) -> Any:
    """Declare a parameter field with its documentation and validation rules.

    Parameters
    ----------
    default
        Default value. Mappings are copied for each instance.
    kind
        One of ``share`` (a probability in [0, 1]), ``int``, ``float``, ``date``
        (ISO ``YYYY-MM-DD``), ``weights`` (mapping of key to non-negative float),
        ``str`` or ``bool``.
    description, unit, source, confidence
        Documentation shown in the methods notebook.
    low, high
        Inclusive bounds that a value must respect (validation).
    plausible
        The range explored by sensitivity analyses (documentation and sweeps).
    choices
        Allowed keys (``weights``) or values (``str``).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown parameter kind {kind!r}")
    meta = {
        "kind": kind,
        "description": description,
        "unit": unit,
        "low": low,
        "high": high,
        "plausible": plausible,
        "source": source,
        "confidence": confidence,
        "choices": choices,
    }
    if isinstance(default, Mapping):
        frozen = dict(default)
        return field(default_factory=lambda: dict(frozen), metadata=meta)
    return field(default=default, metadata=meta)


def _num(x: float) -> str:
    return f"{int(x):,}" if float(x).is_integer() else f"{x:g}"


def _allowed_text(meta: Mapping[str, Any]) -> str:
    kind, low, high = meta["kind"], meta["low"], meta["high"]
    if kind == "share":
        return "must be a number between 0 and 1 (a probability)"
    if kind in ("int", "float"):
        noun = "an integer" if kind == "int" else "a number"
        if low is not None and high is not None:
            return f"must be {noun} between {_num(low)} and {_num(high)}"
        if low is not None:
            return f"must be {noun} >= {_num(low)}"
        return f"must be {noun}"
    if kind == "date":
        bounds = ""
        if low is not None and high is not None:
            bounds = f" between {low} and {high}"
        return f"must be a date written YYYY-MM-DD{bounds}"
    if kind == "weights":
        keys = ", ".join(meta["choices"] or ())
        return f"must map keys from {{{keys}}} to non-negative numbers with a positive total"
    if kind == "str":
        return f"must be one of {list(meta['choices'])}" if meta["choices"] else "must be text"
    return "must be true or false"


def _check_value(name: str, value: Any, meta: Mapping[str, Any]) -> Any:
    """Validate one value and return its canonical form, or raise ParameterError."""
    kind = meta["kind"]

    def fail(extra: str = "") -> ParameterError:
        return ParameterError(f"{name} = {value!r} is not allowed: {_allowed_text(meta)}{extra}")

    if kind == "bool":
        if not isinstance(value, bool):
            raise fail()
        return value
    if kind == "str":
        if not isinstance(value, str) or (meta["choices"] and value not in meta["choices"]):
            raise fail()
        return value
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise fail()
    elif kind in ("share", "float"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise fail()
        if not math.isfinite(value):
            raise fail()
        value = float(value)
    if kind == "share":
        if not 0.0 <= value <= 1.0:
            raise fail()
        return value
    if kind in ("int", "float"):
        if (meta["low"] is not None and value < meta["low"]) or (
            meta["high"] is not None and value > meta["high"]
        ):
            raise fail()
        return value
    if kind == "date":
        if isinstance(value, dt.date):
            value = value.isoformat()
        if not isinstance(value, str):
            raise fail()
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            raise fail() from None
        if meta["low"] is not None and not (
            dt.date.fromisoformat(meta["low"]) <= day <= dt.date.fromisoformat(meta["high"])
        ):
            raise fail()
        return day.isoformat()
    # weights
    if not isinstance(value, Mapping) or not value:
        raise fail()
    clean: dict[str, float] = {}
    for key, weight in value.items():
        if meta["choices"] and key not in meta["choices"]:
            raise ParameterError(
                f"{name}: unknown key {key!r}; allowed keys are {sorted(meta['choices'])}"
            )
        if isinstance(weight, bool) or not isinstance(weight, int | float):
            raise ParameterError(
                f"{name}[{key!r}] = {weight!r} is not allowed: must be a number >= 0"
            )
        if not math.isfinite(weight) or weight < 0:
            raise ParameterError(
                f"{name}[{key!r}] = {weight!r} is not allowed: must be a number >= 0"
            )
        clean[str(key)] = float(weight)
    if sum(clean.values()) <= 0:
        raise fail()
    return clean


@dataclass(frozen=True)
class Params:
    """Base class: validation on construction, TOML round trip, documentation table."""

    #: Name of the TOML table that holds these parameters in a combined config file.
    section: ClassVar[str] = "params"

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            if not f.metadata:
                continue
            canonical = _check_value(f.name, getattr(self, f.name), f.metadata)
            object.__setattr__(self, f.name, canonical)
        self._check_consistency()

    def _check_consistency(self) -> None:
        """Cross-field checks; subclasses override."""

    # --- construction -----------------------------------------------------------------
    @classmethod
    def from_dict(cls, values: Mapping[str, Any], *, origin: str = "parameters") -> Self:
        """Build from a mapping, rejecting unknown keys with the list of known ones."""
        if not isinstance(values, Mapping):
            raise ParameterError(
                f"{origin}: expected a table of parameters, got {type(values).__name__}"
            )
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ParameterError(
                f"{origin}: unknown parameter(s) {unknown}; known parameters are {sorted(known)}"
            )
        return cls(**dict(values))

    @classmethod
    def from_toml_text(cls, text: str, *, origin: str = "<text>") -> Self:
        """Parse TOML text. The parameters may sit at top level or in ``[section]``."""
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ParameterError(f"{origin}: not valid TOML ({exc})") from None
        if cls.section in data and isinstance(data[cls.section], dict) and len(data) == 1:
            data = data[cls.section]
        return cls.from_dict(data, origin=origin)

    @classmethod
    def from_toml(cls, path: str | Path) -> Self:
        """Load parameters from a TOML file."""
        path = Path(path)
        if not path.is_file():
            raise ParameterError(f"{path}: parameter file not found")
        return cls.from_toml_text(path.read_text(encoding="utf-8"), origin=str(path))

    # --- output ----------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Plain mapping of every parameter (copies of mutable values)."""
        return {f.name: _copy(getattr(self, f.name)) for f in dataclasses.fields(self)}

    def to_toml_text(self) -> str:
        """TOML text under ``[section]``; loads back to an equal object."""
        return tomli_w.dumps({self.section: self.to_dict()})

    def to_toml(self, path: str | Path) -> Path:
        """Write the parameters to ``path`` atomically and return the path."""
        return atomic_write_text(Path(path), self.to_toml_text())

    def replace(self, **changes: Any) -> Self:
        """Return a validated copy with some values changed."""
        return dataclasses.replace(self, **changes)

    @classmethod
    def documentation(cls) -> list[dict[str, Any]]:
        """One record per parameter: name, default, unit, ranges, source and confidence."""
        rows = []
        default = cls()
        for f in dataclasses.fields(cls):
            meta = f.metadata
            if not meta:
                continue
            rows.append(
                {
                    "section": cls.section,
                    "parameter": f.name,
                    "default": getattr(default, f.name),
                    "unit": meta["unit"],
                    "allowed": _allowed_text(meta).removeprefix("must be "),
                    "plausible_range": meta["plausible"],
                    "description": meta["description"],
                    "source": meta["source"],
                    "confidence": meta["confidence"],
                }
            )
        return rows

    def describe(self) -> pd.DataFrame:
        """Return the documentation table with this object's values, one row per parameter."""
        import pandas as pd

        rows = self.documentation()
        values = self.to_dict()
        for row in rows:
            row["value"] = values[row["parameter"]]
        cols = ["parameter", "value", "unit", "plausible_range", "confidence", "description"]
        return pd.DataFrame(rows)[cols].set_index("parameter")

    @classmethod
    def plausible_range(cls, name: str) -> tuple[Any, Any] | None:
        """Return the documented sensitivity range of one parameter."""
        for f in dataclasses.fields(cls):
            if f.name == name:
                return f.metadata.get("plausible")
        raise ParameterError(f"unknown parameter {name!r}")


def _copy(value: Any) -> Any:
    return dict(value) if isinstance(value, dict) else value


COUNTRIES: tuple[str, ...] = known_country_codes()
FB_PHONE_SOURCES = ("profile", "messenger", "two_factor")


@dataclass(frozen=True)
class WorldParams(Params):
    """Knobs of the synthetic population.

    Country-level figures live in ``data/reference/*.csv``; the scalar unknowns below
    carry a plausible range.
    """

    section: ClassVar[str] = "population"

    seed: int = param(
        2016,
        kind="int",
        low=0,
        high=2**32 - 1,
        description="Seed from which every random choice is drawn; same seed, same bytes.",
        source="convention",
        confidence="n/a",
    )
    n_people: int = param(
        10_000,
        kind="int",
        low=1,
        high=5_000_000,
        unit="people",
        plausible=(2_000, 200_000),
        description="Number of synthetic adults (smartphone owners) in the world.",
        source="convention: large enough for stable shares (see the convergence check)",
        confidence="n/a",
    )
    country_weights: dict = param(
        {c: 1.0 for c in COUNTRIES},
        kind="weights",
        choices=COUNTRIES,
        description="Relative share of people per country (normalised to sum to 1). "
        "Equal by default so that every country gets the same sample size.",
        source="assumption",
        confidence="n/a",
    )
    facebook_whatsapp_overlap: float = param(
        0.5,
        kind="share",
        plausible=(0.0, 1.0),
        description="Where P(Facebook | WhatsApp) sits between independence (0) and the "
        "largest overlap the country's two adoption shares allow (1). Country adoption "
        "shares are kept either way.",
        source="unknown (parameters.md: lower bound WA% + FB% - 100)",
    )
    instagram_given_facebook_share: float = param(
        0.4,
        kind="share",
        plausible=(0.1, 0.8),
        description="P(Instagram account | Facebook account).",
    )
    facebook_phone_on_file_share: float = param(
        0.4,
        kind="share",
        plausible=(0.2, 0.8),
        description="Share of Facebook accounts with a phone number on file (profile, "
        "two-factor or Messenger).",
        source="2019 scrape: 533M numbered accounts of ~2.4B (lower bound ~0.22)",
        confidence="low",
    )
    facebook_phone_source_weights: dict = param(
        {"profile": 0.6, "messenger": 0.3, "two_factor": 0.1},
        kind="weights",
        choices=FB_PHONE_SOURCES,
        description="How Facebook got the number, among accounts with one on file.",
    )
    facebook_phone_stale_share: float = param(
        0.03,
        kind="share",
        plausible=(0.0, 0.1),
        description="Share of Facebook numbers on file that are out of date and now belong "
        "to someone else in the same country (recycled numbers): the source of false links.",
    )
    facebook_app_same_phone_share: float = param(
        0.7,
        kind="share",
        plausible=(0.3, 0.95),
        description="P(the Facebook app is installed on the person's phone | Facebook account).",
    )
    whatsapp_new_user_share: float = param(
        0.06,
        kind="share",
        plausible=(0.02, 0.15),
        description="Share of 2016 WhatsApp accounts created after 2016-08-25 (no choice offered).",
        source="WhatsApp user milestones: 1.0B (2016-02) and 1.2B (2017-01), via press",
        confidence="med",
    )
    whatsapp_left_share: float = param(
        0.01,
        kind="share",
        plausible=(0.0, 0.1),
        description="Share of existing WhatsApp users who left (deleted the account) "
        "rather than accept.",
    )
    opt_out_uptake_share: float = param(
        0.05,
        kind="share",
        plausible=(0.01, 0.25),
        description="Share of existing WhatsApp users who took the partial opt-out.",
        source="nothing published (parameters.md: default 5%, range 1-25%)",
    )
    opt_out_before_agreeing_share: float = param(
        0.5,
        kind="share",
        plausible=(0.2, 0.8),
        description="Among opt-outs, the share who unticked the box before agreeing "
        "(the rest opted out later in Settings within the 30-day window).",
    )
    opt_out_day_half_life_days: float = param(
        5.0,
        kind="float",
        low=0.5,
        high=30.0,
        unit="days",
        plausible=(2.0, 15.0),
        description="Half-life of the day on which in-window opt-outs happen "
        "(day 1 to 30 after accepting; earlier days are likelier).",
    )
    acceptance_delay_mean_days: float = param(
        7.0,
        kind="float",
        low=0.0,
        high=120.0,
        unit="days",
        plausible=(2.0, 30.0),
        description="Mean delay between 2016-08-25 and an existing user accepting the new terms.",
    )
    cities_per_country: int = param(
        40,
        kind="int",
        low=1,
        high=300,
        unit="cities",
        description="Distinct cities per country (sizes follow a Zipf law).",
        source="convention",
        confidence="n/a",
    )
    city_zipf_exponent: float = param(
        1.0,
        kind="float",
        low=0.0,
        high=3.0,
        plausible=(0.8, 1.2),
        description="Zipf exponent of city sizes within a country.",
        source="Zipf's law for cities (typical exponent ~1)",
        confidence="med",
    )
    last_seen_mean_hours: float = param(
        18.0,
        kind="float",
        low=0.01,
        high=2000.0,
        unit="hours",
        plausible=(2.0, 72.0),
        description="Mean time since a WhatsApp user was last seen, at the snapshot.",
    )
    snapshot_date: str = param(
        "2016-10-01",
        kind="date",
        low="2016-08-25",
        high="2017-12-31",
        description="Date at which account state (last seen, consent) is read.",
        source="convention: after the 30-day windows of early accepters, before the EU pause",
        confidence="n/a",
    )

    def _check_consistency(self) -> None:
        if not any(self.country_weights.get(c, 0) > 0 for c in COUNTRIES):
            raise ParameterError("country_weights: at least one country needs a positive weight")

    @property
    def countries(self) -> tuple[str, ...]:
        """Countries with a positive weight, in reference order."""
        return tuple(c for c in COUNTRIES if self.country_weights.get(c, 0.0) > 0)

    def country_shares(self) -> dict[str, float]:
        """Normalised country weights (sum to 1) over :attr:`countries`."""
        total = sum(self.country_weights.get(c, 0.0) for c in self.countries)
        return {c: self.country_weights[c] / total for c in self.countries}
