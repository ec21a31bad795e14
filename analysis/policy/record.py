"""The record: the primary documents the policy table and the scenarios cite.

``data/reference/sources.csv`` lists every document the project cites, with its
``kind``. The *primary* kinds (:data:`PRIMARY_KINDS`) are the record itself: a
regulator's or court's decision or order, an undertaking, a regulator's letter, a
company's own statement (its terms, FAQ, blog or a spokesperson's words). Studies and
press reports are sources of parameters, not of what was allowed.

Every row of ``policy_flows.csv`` and every built-in scenario names at least one
primary source by its ``source_id`` (several are separated by ``;``), never the
project's own notes. :func:`citation_problems` says what is wrong with a citation;
:func:`load_flow_table` and the scenario loader refuse a table or file with one.

>>> citation_problems("delhi_hc_2016")
[]
>>> citation_problems("pew_2019")[0].split(",")[0]
"'pew_2019' is a study"
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from analysis.core.reference import ReferenceDataError, load

__all__ = [
    "PRIMARY_KINDS",
    "PROJECT_NOTES",
    "SOURCE_KINDS",
    "citation_problems",
    "load_sources",
    "primary_sources",
    "source_ids",
    "source_label",
]


PRIMARY_KINDS: tuple[str, ...] = ("decision", "order", "undertaking", "letter", "statement")
"""Kinds of document that are the record: what a regulator, court or company said or ordered."""


SOURCE_KINDS: tuple[str, ...] = (*PRIMARY_KINDS, "study", "press")
"""Every kind a row of ``sources.csv`` may have."""


PROJECT_NOTES: tuple[str, ...] = (
    "data-flows.md",
    "record.md",
    "parameters.md",
    "shared/domain",
    "project notes",
)
"""Names of the project's own notes: a citation that mentions one is refused."""


_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def load_sources() -> pd.DataFrame:
    """Load the checked source list (``data/reference/sources.csv``), indexed by ``source_id``.

    Returns
    -------
    pandas.DataFrame
        Columns ``kind, date, label, citation, url_or_reference``. ``date`` is written
        ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (as precise as the record is).

    The checked frame is cached for as long as :func:`analysis.core.reference.load`
    keeps the same file read; callers must not modify it (take a ``.copy()``).

    >>> load_sources().loc["delhi_hc_2016", "date"]
    '2016-09-23'
    """
    frame = load("sources")
    if _CHECKED_SOURCES and _CHECKED_SOURCES[0] is frame:
        return _CHECKED_SOURCES[1]
    checked = _check_sources(frame)
    _CHECKED_SOURCES[:] = [frame, checked]
    return checked


#: ``[the frame load("sources") returned, its checked and indexed form]``.
_CHECKED_SOURCES: list[pd.DataFrame] = []


def _check_sources(frame: pd.DataFrame) -> pd.DataFrame:
    if frame["source_id"].duplicated().any():
        dup = frame.loc[frame["source_id"].duplicated(), "source_id"].iloc[0]
        raise ReferenceDataError(f"sources.csv: source_id {dup!r} appears twice")
    bad = ~frame["kind"].isin(SOURCE_KINDS)
    if bad.any():
        raise ReferenceDataError(
            f"sources.csv: {frame.loc[bad, 'source_id'].iloc[0]!r} has kind "
            f"{frame.loc[bad, 'kind'].iloc[0]!r}; allowed: {list(SOURCE_KINDS)}"
        )
    for sid, date in zip(frame["source_id"], frame["date"].astype(str), strict=True):
        if not _DATE.match(date) or not _valid_partial_date(date):
            raise ReferenceDataError(
                f"sources.csv: {sid!r} has date {date!r}; write YYYY, YYYY-MM or YYYY-MM-DD"
            )
    empty = (frame[["label", "citation"]].astype(str).apply(lambda c: c.str.strip()) == "").any(
        axis=1
    )
    if empty.any():
        raise ReferenceDataError(
            f"sources.csv: {frame.loc[empty, 'source_id'].iloc[0]!r} needs a label and a citation"
        )
    return frame.set_index("source_id")


def _valid_partial_date(text: str) -> bool:
    parts = text.split("-")
    try:
        numbers = [int(p) for p in parts] + [1] * (3 - len(parts))
        dt.date(*numbers)
    except ValueError:
        return False
    return True


def source_ids(text: str) -> list[str]:
    """Split a citation cell (``"a; b"``) into source ids.

    >>> source_ids("hamburg_order_2016; vg_hamburg_2017")
    ['hamburg_order_2016', 'vg_hamburg_2017']
    """
    return [s.strip() for s in str(text).split(";") if s.strip()]


def citation_problems(text: str, *, context: str = "") -> list[str]:
    """Say what is wrong with a citation: unknown ids, no primary document, project notes.

    Parameters
    ----------
    text : str
        One or more source ids separated by ``;``, optionally followed by notes that are
        checked for references to the project's own notes.
    context : str
        Extra text that goes with the citation (section, note), checked for project notes.

    Returns
    -------
    list of str
        Empty when the citation is sound: every id is in ``sources.csv`` and at least one
        is of a :data:`PRIMARY_KINDS` kind.
    """
    sources = load_sources()
    ids = source_ids(text)
    problems: list[str] = []
    if not ids:
        problems.append("no source_id given")
    unknown = [i for i in ids if i not in sources.index]
    problems += [f"{i!r} is not in sources.csv" for i in unknown]
    known = [i for i in ids if i in sources.index]
    if known and not any(sources.at[i, "kind"] in PRIMARY_KINDS for i in known):
        if len(known) == 1:
            problems.append(
                f"{known[0]!r} is a {sources.at[known[0], 'kind']}, not a primary document "
                f"(allowed kinds: {', '.join(PRIMARY_KINDS)})"
            )
        else:
            problems.append(
                f"none of {known} is a primary document (allowed kinds: {', '.join(PRIMARY_KINDS)})"
            )
    words = f"{text} {context}".lower()
    problems += [f"cites the project's own notes ({n})" for n in PROJECT_NOTES if n in words]
    return problems


def source_label(source_id: str) -> str:
    """Short label of a source for tables, with its date.

    >>> source_label("ico_undertaking_2018")
    'ICO undertaking (2018), 2018-03-14'
    """
    row = load_sources().loc[source_id]
    return f"{row['label']}, {row['date']}"


def primary_sources() -> pd.DataFrame:
    """Every primary document of the record, oldest first.

    Returns
    -------
    pandas.DataFrame
        Columns ``source_id, date, kind, label, citation, reference``.
    """
    s = load_sources().reset_index()
    s = s[s["kind"].isin(PRIMARY_KINDS)].sort_values(["date", "source_id"], kind="stable")
    return s.rename(columns={"url_or_reference": "reference"})[
        ["source_id", "date", "kind", "label", "citation", "reference"]
    ].reset_index(drop=True)
