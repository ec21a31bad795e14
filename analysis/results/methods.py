"""Methods documentation generated from the package's own metadata.

Nothing here is retyped: the parameter table comes from each parameter class's field
metadata, the data-flow tables from ``data/reference/policy_flows.csv``, the scenario
list from ``data/scenarios/``, the record (primary sources and what regulators found)
from ``data/reference/sources.csv`` and ``decisions.csv``.

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
    "cite_sources",
    "country_inputs_table",
    "data_flow_table",
    "decisions_overview",
    "mechanism_table",
    "notebook_parameters",
    "parameter_classes",
    "parameter_table",
    "parameters_by_section",
    "primary_sources_table",
    "regime_flow_table",
    "scenario_overview",
    "used_in_words",
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


def regime_flow_table() -> pd.DataFrame:
    """Return the regime layer: what each order or finding allows, per purpose, with its source.

    Cells are ``yes`` (Facebook may use it for itself), ``processor`` (only on WhatsApp's
    behalf), ``no``, or ``some fields`` when the fields differ (the Delhi readings).
    """
    from analysis.policy.flows import PURPOSES, load_flow_table

    flows = load_flow_table()
    regime = flows[(flows["layer"] == "regime") & (flows["field"] != "address_book")]

    def summary(col: pd.Series) -> str:
        values = set(col.astype(str))
        return values.pop() if len(values) == 1 else "some fields"

    wide = regime.groupby("state", sort=False)[list(PURPOSES)].agg(summary)
    first = regime.groupby("state", sort=False)[["source_id", "source_date"]].first()
    return wide.join(first).reset_index()


def scenario_overview() -> pd.DataFrame:
    """Name, title, the date it describes, the primary documents it rests on, description."""
    from analysis.policy.scenarios import scenario_table

    return scenario_table().reset_index()[
        ["scenario", "title", "read_on", "based_on", "description"]
    ]


def primary_sources_table() -> pd.DataFrame:
    """Every primary document of the record, oldest first, with where the model uses it.

    Returns
    -------
    pandas.DataFrame
        ``date, kind, label, citation, reference, used_in`` (the scenarios, policy
        states, ``decisions.csv`` rows and ``countries.csv`` rows that cite it), indexed
        by ``source_id``.

    >>> t = primary_sources_table()
    >>> "india_pre_2016_09_25" in t.loc["delhi_hc_2016", "used_in"]
    True
    """
    from analysis.policy.decisions import decisions_table
    from analysis.policy.flows import load_flow_table
    from analysis.policy.record import primary_sources, source_ids
    from analysis.policy.scenarios import builtin_scenarios

    used: dict[str, list[str]] = {}
    for name, s in builtin_scenarios().items():
        for c in s.citations:
            used.setdefault(c.source_id, []).append(f"scenario {name}")
    flows = load_flow_table()
    for (layer, state), ids in flows.groupby(["layer", "state"], sort=False)["source_id"]:
        for sid in dict.fromkeys(i for cell in ids for i in source_ids(cell)):
            used.setdefault(sid, []).append(f"{layer} {state}")
    for sid in decisions_table()["source_id"]:
        used.setdefault(sid, []).append("decisions table")
    from analysis.core.reference import load

    for code, ids in zip(
        *(load("countries")[c] for c in ("country_code", "source_ids")), strict=True
    ):
        for sid in source_ids(ids):
            used.setdefault(sid, []).append(f"countries {code}")
    table = primary_sources().set_index("source_id")
    table["used_in"] = [
        "; ".join(dict.fromkeys(used.get(sid, ["(listed only)"]))) for sid in table.index
    ]
    return table


def decisions_overview() -> pd.DataFrame:
    """List what regulators and courts found or ordered, oldest first, with the scenario."""
    from analysis.policy.decisions import decisions_table

    return decisions_table()[
        [
            "decided_on",
            "authority",
            "decision",
            "population",
            "scenario",
            "found_or_ordered",
            "source_id",
        ]
    ]


def country_inputs_table() -> pd.DataFrame:
    """Per country: the adoption inputs on one base, the source's own figure, and the weights.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``country_code``: the model's WhatsApp and Facebook shares of adults
        and their year, what the source measured, how it was converted, the 2016
        WhatsApp users used as pooling weights (with confidence) and the weight itself.
    """
    from analysis.core.reference import load
    from analysis.results.pooling import whatsapp_user_weights

    c = load("countries").set_index("country_code")
    out = c[
        [
            "whatsapp_adoption_share",
            "facebook_adoption_share",
            "adoption_year",
            "whatsapp_source_figure",
            "facebook_source_figure",
            "conversion",
            "confidence",
            "whatsapp_users_2016_count",
            "whatsapp_users_2016_confidence",
        ]
    ].copy()
    out["whatsapp_users_2016_weight"] = whatsapp_user_weights(list(out.index)).round(3)
    return out


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


def cite_sources(ids: str, documents: pd.Series | None = None) -> str:
    """Source ids (``"a;b"``) -> the documents' names, for tables that readers see.

    Parameters
    ----------
    ids : str
        Source ids separated by ``;`` (as in ``policy_flows.csv``).
    documents : pandas.Series, optional
        Source id -> document name (default: the ``label`` column of
        :func:`primary_sources_table`). An unknown id is kept as it is.

    >>> cite_sources("x; y", pd.Series({"x": "A decision (2017)"}))
    'A decision (2017); y'
    """
    if documents is None:
        documents = primary_sources_table()["label"]
    return "; ".join(documents.get(i.strip(), i.strip()) for i in str(ids).split(";") if i.strip())


def used_in_words(text: str) -> str:
    """Where a source is used (``"scenario no_opt_out; regime eu_paused"``), in words.

    >>> used_in_words("regime eu_paused; decisions all")
    'regime eu paused; the decisions table'
    """
    from analysis.core.labels import label

    words = {
        "scenario": lambda c: label("scenario", c),
        "consent": lambda c: label("consent_state", c),
        "regime": lambda c: f"regime {c.replace('_', ' ')}",
        "decisions": lambda c: "the decisions table",
        "countries": lambda c: "the country inputs",
    }
    items = [i.strip().partition(" ") for i in str(text).split(";") if i.strip()]
    return "; ".join(words[k](c) if k in words else f"{k} {c}" for k, _, c in items)
