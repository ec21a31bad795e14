"""Validated parameter objects with their documentation attached.

Each knob of the model is a dataclass field whose metadata says what it means, its
unit, the values it may take (checked on construction), the plausible range used in
sensitivity analysis, and where the default comes from. The methods notebook and the
data dictionary are generated from this metadata, so a figure is typed once, where the
parameter is declared. Stage packages declare their own parameter classes
(:class:`analysis.world.WorldParams`, :class:`analysis.linking.LinkingParams`, ...)
by subclassing :class:`Params`.

Parameters load from and save to TOML:

>>> from analysis.world import WorldParams
>>> p = WorldParams(n_people=500, seed=7)
>>> WorldParams.from_toml_text(p.to_toml_text()) == p
True
>>> WorldParams(n_people=0)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
analysis.core.params.ParameterError: n_people = 0 is not allowed: must be an integer ...
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

from analysis.core.io import atomic_write_text

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "KINDS",
    "ParameterError",
    "Params",
    "param",
]


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
