"""Field metadata for every output table.

Column names carry their kind: ``_id`` identifiers, ``is_``/``has_`` booleans,
``_share`` fractions in [0, 1], ``_pct`` percentages, ``_count`` counts, ``_on``
dates, ``_at`` timestamps (UTC), ``_e164`` phone numbers in E.164.

Each stage declares its tables with :class:`Table` and :class:`Field` and adds them
to the registry with :func:`register`; :mod:`analysis.results.dictionary` renders the
registry as ``data/DATA_DICTIONARY.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

__all__ = [
    "TABLES",
    "Field",
    "Table",
    "apply_dtypes",
    "register",
]


@dataclass(frozen=True)
class Field:
    """One column: its name, meaning, pandas dtype, unit and where it comes from."""

    name: str
    description: str
    dtype: str
    unit: str = ""
    source: str = ""


@dataclass(frozen=True)
class Table:
    """A named output table and its fields, in column order."""

    name: str
    description: str
    fields: tuple[Field, ...]

    @property
    def columns(self) -> list[str]:
        """Column names in order."""
        return [f.name for f in self.fields]


TABLES: dict[str, Table] = {}
"""Registry of documented tables; later modules add theirs with :func:`register`."""


def register(table: Table) -> Table:
    """Add ``table`` to the data dictionary and return it."""
    TABLES[table.name] = table
    return table


def apply_dtypes(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Order columns as ``table`` documents them and cast them to its dtypes.

    Raises ``ValueError`` if the frame's columns differ from the documented ones.
    """
    missing = [c for c in table.columns if c not in frame.columns]
    extra = [c for c in frame.columns if c not in table.columns]
    if missing or extra:
        raise ValueError(
            f"table {table.name}: missing columns {missing}, undocumented columns {extra}"
        )
    out = frame[table.columns].copy()
    for f in table.fields:
        if f.dtype == "category":
            column = out[f.name]
            if isinstance(column.dtype, pd.CategoricalDtype):
                if list(column.cat.categories) != sorted(column.cat.categories):
                    out[f.name] = column.cat.reorder_categories(sorted(column.cat.categories))
            else:
                # categories sorted, so the bytes do not depend on row order
                out[f.name] = pd.Categorical(column, categories=sorted(column.dropna().unique()))
        elif f.dtype == "string":
            out[f.name] = out[f.name].astype("string")
        else:
            out[f.name] = out[f.name].astype(f.dtype)
    return out
