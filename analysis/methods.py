"""Methods documentation generated from the package's own metadata.

Nothing here is retyped: the parameter table comes from each parameter class's field
metadata, the data-flow table from ``data/reference/policy_flows.csv``, and the
scenario list from ``data/scenarios/``.

>>> table = parameter_table()
>>> {"population", "social"} <= set(table["section"])
True
"""

from __future__ import annotations

import importlib

import pandas as pd

from analysis.params import Params

#: Modules that define parameter classes, in the order a reader meets them.
PARAMETER_MODULES = ("params", "social", "linking", "suggest", "exposure", "ads")


def parameter_classes() -> list[type[Params]]:
    """Every parameter class of the package, in reading order."""
    seen: list[type[Params]] = []
    for name in PARAMETER_MODULES:
        module = importlib.import_module(f"analysis.{name}")
        for value in vars(module).values():
            if (isinstance(value, type) and issubclass(value, Params) and value is not Params
                    and value.__module__ == module.__name__ and value not in seen):
                seen.append(value)
    return seen


def parameter_table() -> pd.DataFrame:
    """Every parameter: section, name, default, unit, allowed values, range, source.

    ``plausible_range`` is the range explored by the sensitivity analysis; ``allowed`` is
    what validation accepts.
    """
    rows = [row for cls in parameter_classes() for row in cls.documentation()]
    frame = pd.DataFrame(rows)
    frame["default"] = frame["default"].map(_short)
    frame["plausible_range"] = frame["plausible_range"].map(
        lambda r: "" if r is None else f"{_short(r[0])} to {_short(r[1])}")
    return frame[["section", "parameter", "default", "unit", "plausible_range", "allowed",
                  "confidence", "source", "description"]]


def _short(value) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_short(v)}" for k, v in value.items())
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def data_flow_table() -> pd.DataFrame:
    """The consent-state x purpose table, one row per state (fields collapsed when equal)."""
    from analysis.policy import PURPOSES, load_flow_table

    flows = load_flow_table()
    consent = flows[flows["layer"] == "consent"] if "layer" in flows else flows
    consent = consent[consent["field"] != "address_book"]  # a scenario switch, shown apart

    def summary(col: pd.Series) -> str:
        allowed = col.astype(str).str.lower().isin(["yes", "true", "1"])
        return "yes" if allowed.all() else ("no" if not allowed.any() else "some fields")

    wide = consent.groupby("state", sort=False)[list(PURPOSES)].agg(summary)
    return wide.reset_index()


def scenario_overview() -> pd.DataFrame:
    """Name, title and description of each built-in scenario."""
    from analysis.policy import builtin_scenarios

    return pd.DataFrame(
        [{"scenario": name, "title": s.title, "description": s.description}
         for name, s in builtin_scenarios().items()]
    )
