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

from analysis.core.params import Params

__all__ = [
    "MECHANISM_JOINS",
    "PARAMETER_MODULES",
    "data_flow_table",
    "mechanism_table",
    "notebook_parameters",
    "parameter_classes",
    "parameter_table",
    "parameters_by_section",
    "scenario_overview",
]


#: Modules that define parameter classes, in the order a reader meets them.
PARAMETER_MODULES = (
    "world.params",
    "linking.params",
    "effects.suggest",
    "effects.exposure.params",
    "effects.ads.params",
    "results.headlines",
)


def parameter_classes() -> list[type[Params]]:
    """Every parameter class of the package, in reading order."""
    seen: list[type[Params]] = []
    for name in PARAMETER_MODULES:
        module = importlib.import_module(f"analysis.{name}")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Params)
                and value is not Params
                and value.__module__ == module.__name__
                and value not in seen
            ):
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
        lambda r: "" if r is None else f"{_short(r[0])} to {_short(r[1])}"
    )
    return frame[
        [
            "section",
            "parameter",
            "default",
            "unit",
            "plausible_range",
            "allowed",
            "confidence",
            "source",
            "description",
        ]
    ]


def _short(value) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_short(v)}" for k, v in value.items())
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def data_flow_table() -> pd.DataFrame:
    """Return the consent-state x purpose table, one row per state (fields collapsed if equal)."""
    from analysis.policy.flows import PURPOSES, load_flow_table

    flows = load_flow_table()
    consent = flows[flows["layer"] == "consent"] if "layer" in flows else flows
    consent = consent[consent["field"] != "address_book"]  # a scenario switch, shown apart

    def summary(col: pd.Series) -> str:
        values = set(col.astype(str))
        return values.pop() if len(values) == 1 else "some fields"

    wide = consent.groupby("state", sort=False)[list(PURPOSES)].agg(summary)
    return wide.reset_index()


def scenario_overview() -> pd.DataFrame:
    """Name, title and description of each built-in scenario."""
    from analysis.policy.scenarios import builtin_scenarios

    return pd.DataFrame(
        [
            {"scenario": name, "title": s.title, "description": s.description}
            for name, s in builtin_scenarios().items()
        ]
    )


def parameters_by_section() -> dict[str, pd.DataFrame]:
    """:func:`parameter_table` split by section, in reading order, without the section column.

    >>> list(parameters_by_section())[:2]
    ['population', 'social']
    """
    table = parameter_table()
    return {
        section: group.drop(columns="section").reset_index(drop=True)
        for section, group in table.groupby("section", sort=False)
    }


#: How each linking mechanism joins the two sides (one line each, for readers).
MECHANISM_JOINS = {
    "phone_number": "WhatsApp's verified number equals a number Facebook holds on an account",
    "device_id": "the Facebook app on the same phone reports the same device identifier",
    "address_book": "friends' uploaded contacts give a numberless Facebook account a number "
    "under a matching name, which then equals a WhatsApp number",
    "fingerprint": "the device fields together are unique on both sides",
}


def mechanism_table() -> pd.DataFrame:
    """Each linking mechanism: label, what it joins and the WhatsApp fields it needs.

    A link is usable for a purpose only when every listed field may be used for it.

    >>> mechanism_table()["mechanism"].tolist()
    ['phone_number', 'device_id', 'address_book', 'fingerprint']
    """
    from analysis.linking.params import MECHANISM_FIELDS, MECHANISM_LABELS, MECHANISMS

    return pd.DataFrame(
        [
            {
                "mechanism": m,
                "label": MECHANISM_LABELS[m],
                "joins_when": MECHANISM_JOINS[m],
                "whatsapp_fields_needed": ", ".join(MECHANISM_FIELDS[m]),
            }
            for m in MECHANISMS
        ]
    )


def notebook_parameters() -> pd.DataFrame:
    """List the papermill parameters of every numbered notebook (its ``parameters`` cell).

    Returns
    -------
    pandas.DataFrame
        ``notebook`` (file name), ``parameter``, ``default`` (the source text after ``=``).

    >>> t = notebook_parameters()
    >>> bool((t["parameter"] == "n_people").any())
    True
    """
    import ast

    import nbformat

    from analysis.core.paths import notebook_paths

    rows = []
    for path in notebook_paths():
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type != "code" or "parameters" not in cell.metadata.get("tags", []):
                continue
            for node in ast.parse(cell.source).body:
                if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
                    rows.append(
                        {
                            "notebook": path.name,
                            "parameter": node.targets[0].id,
                            "default": ast.get_source_segment(cell.source, node.value),
                        }
                    )
    return pd.DataFrame(rows, columns=["notebook", "parameter", "default"])
