"""What regulators and courts found or ordered, beside the scenario that models it.

``data/reference/decisions.csv`` has one row per decision: who decided, when, for which
population, what it found or ordered, which built-in scenario(s) correspond to it, which
of the model's figures to put beside it, and its primary source.
"""

from __future__ import annotations

import pandas as pd

from analysis.core.reference import ReferenceDataError, known_country_codes, load
from analysis.policy.record import citation_problems, load_sources, source_ids
from analysis.policy.scenarios import BUILTIN_NAMES

__all__ = ["decisions_table"]


def decisions_table() -> pd.DataFrame:
    """Load what regulators and courts found or ordered, and the scenario each corresponds to.

    Read from ``data/reference/decisions.csv`` and checked: every ``source_id`` is a
    primary document of ``sources.csv`` whose date is ``decided_on``, every scenario is a
    built-in one (several are separated by ``;``; blank where no scenario applies, e.g.
    the hashing findings), every country code is known.

    Returns
    -------
    pandas.DataFrame
        Columns ``decision_id, decided_on, authority, decision, population,
        country_codes, scenario, found_or_ordered, model_figure, source_id``, oldest first.

    >>> t = decisions_table()
    >>> t.set_index("decision_id").loc["delhi_hc_2016", "scenario"]
    'india_pre_2016_09_25;india_later_data_flows'
    """
    frame = load("decisions").copy()
    sources = load_sources()
    where = "data/reference/decisions.csv"
    if frame["decision_id"].duplicated().any():
        raise ReferenceDataError(f"{where}: decision_id values must be unique")
    for i, row in enumerate(frame.itertuples(index=False), start=2):
        problems = citation_problems(row.source_id, context=row.found_or_ordered)
        if not problems and len(source_ids(row.source_id)) != 1:
            problems = ["give exactly one source_id"]
        if not problems and sources.at[row.source_id, "date"] != row.decided_on:
            problems = [
                f"decided_on {row.decided_on!r} is not the date of {row.source_id!r} "
                f"({sources.at[row.source_id, 'date']})"
            ]
        unknown = [s for s in source_ids(row.scenario) if s not in BUILTIN_NAMES]
        if unknown:
            problems.append(f"unknown scenario(s) {unknown}; allowed: {list(BUILTIN_NAMES)}")
        bad = [c for c in source_ids(row.country_codes) if c not in known_country_codes()]
        if bad:
            problems.append(f"unknown country code(s) {bad}")
        if problems:
            raise ReferenceDataError(f"{where}, line {i}: {problems[0]}")
    return frame.sort_values(["decided_on", "decision_id"], kind="stable").reset_index(drop=True)
