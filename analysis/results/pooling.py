"""Pool per-country figures into one, weighted by each country's 2016 WhatsApp users.

The synthetic world gives every country the same number of people, so a plain mean
over countries describes no real population. :func:`pool_countries` weights each
country's value by its number of WhatsApp users in 2016
(``data/reference/countries.csv``, column ``whatsapp_users_2016_count``, with its source
and confidence), and returns the weights it used beside the pooled value, so that a
caption can name them (:meth:`Pooled.caption`).

>>> p = pool_countries({"IN": 0.5, "DE": 0.1})
>>> round(p.value, 3)  # (160 x 0.5 + 35 x 0.1) / 195
0.428
>>> p.caption()
'weighted by 2016 WhatsApp users: IN 82%, DE 18%'
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from analysis.core.reference import load

__all__ = ["WEIGHT_COLUMN", "Pooled", "pool_countries", "pool_table", "whatsapp_user_weights"]


#: Column of ``countries.csv`` holding the weights: WhatsApp users per country in 2016.
WEIGHT_COLUMN = "whatsapp_users_2016_count"


def whatsapp_user_weights(countries: Sequence[str] | None = None) -> pd.Series:
    """Each country's share of the 2016 WhatsApp users of the given countries.

    Parameters
    ----------
    countries : sequence of str, optional
        Country codes (default: every country of ``countries.csv``).

    Returns
    -------
    pandas.Series
        Index ``country_code``, values summing to 1, name ``whatsapp_users_2016_weight``.

    >>> w = whatsapp_user_weights(["IN", "DE"])
    >>> w.round(3).to_dict()
    {'IN': 0.821, 'DE': 0.179}
    """
    ref = load("countries").set_index("country_code")
    codes = list(ref.index) if countries is None else list(countries)
    unknown = [c for c in codes if c not in ref.index]
    if unknown:
        raise ValueError(f"unknown country code(s) {unknown}; allowed: {list(ref.index)}")
    if len(set(codes)) != len(codes):
        raise ValueError(f"country codes must not repeat: {codes}")
    if not codes:
        raise ValueError("no countries to weight")
    users = pd.to_numeric(ref.loc[codes, WEIGHT_COLUMN], errors="coerce").astype(float)
    if users.isna().any() or (users <= 0).any():
        raise ValueError(f"countries.csv: {WEIGHT_COLUMN} must be a positive number for {codes}")
    weights = users / users.sum()
    weights.index.name = "country_code"
    return weights.rename("whatsapp_users_2016_weight")


@dataclass(frozen=True)
class Pooled:
    """A pooled figure and the country weights behind it.

    Attributes
    ----------
    value : float
        Weighted mean of the country values.
    weights : pandas.Series
        Weight of each country (summing to 1), index ``country_code``.
    basis : str
        What the weights are, in words.
    """

    value: float
    weights: pd.Series
    basis: str = "2016 WhatsApp users"

    def caption(self) -> str:
        """Name the weights in words, largest first, for a chart caption."""
        parts = ", ".join(
            f"{c} {w:.0%}"
            for c, w in self.weights.sort_values(ascending=False, kind="stable").items()
        )
        return f"weighted by {self.basis}: {parts}"


def pool_countries(values: Mapping[str, float] | pd.Series) -> Pooled:
    """Pool per-country values, weighted by each country's 2016 WhatsApp users.

    Parameters
    ----------
    values : mapping or pandas.Series
        Country code -> value (for example a share of that country's WhatsApp users).
        Only the countries given are pooled; their weights are rescaled to sum to 1.

    Returns
    -------
    Pooled
        The weighted mean and the weights used.

    Raises
    ------
    ValueError
        If a value is missing or not finite, or a country code is unknown.
    """
    series = pd.Series(values, dtype=float)
    bad = [c for c, v in series.items() if not math.isfinite(v)]
    if bad:
        raise ValueError(f"values for {bad} are missing or not finite")
    weights = whatsapp_user_weights(list(series.index))
    return Pooled(float((series * weights).sum()), weights)


def pool_table(
    frame: pd.DataFrame, value: str, by: Sequence[str] = (), *, country: str = "country_code"
) -> pd.DataFrame:
    """Pool a per-country column within groups, weighted by 2016 WhatsApp users.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per (group, country).
    value : str
        Column to pool.
    by : sequence of str
        Grouping columns (for example ``["scenario"]``).
    country : str
        Column with the country code.

    Returns
    -------
    pandas.DataFrame
        ``by`` columns, the pooled ``value`` and ``weights`` (the caption text).

    >>> t = pd.DataFrame({"scenario": ["a", "a"], "country_code": ["IN", "DE"],
    ...                   "share": [0.5, 0.1]})
    >>> out = pool_table(t, "share", ["scenario"])
    >>> out["scenario"].tolist(), out["share"].round(3).tolist()
    (['a'], [0.428])
    >>> out["weights"].iloc[0]
    'weighted by 2016 WhatsApp users: IN 82%, DE 18%'
    """
    by = list(by)
    if frame.duplicated([*by, country]).any():
        raise ValueError(f"more than one row per {[*by, country]}: pool one value per country")
    rows = []
    groups = frame.groupby(by, sort=False, observed=True) if by else [((), frame)]
    for key, part in groups:
        pooled = pool_countries(part.set_index(part[country].astype(str))[value])
        key = key if isinstance(key, tuple) else (key,)
        rows.append(
            {**dict(zip(by, key, strict=True)), value: pooled.value, "weights": pooled.caption()}
        )
    return pd.DataFrame(rows, columns=[*by, value, "weights"])
