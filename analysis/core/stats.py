"""Intervals over seeded worlds.

Every "mean over seeds with an interval" in the package comes from
:func:`mean_t_interval`: the mean of a value over seeds with a Student-t interval at a
stated level. Its name says its statistic, so a table header can too.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = [
    "mean_t_interval",
]


def mean_t_interval(
    frame: pd.DataFrame, by: Sequence[str], value: str, *, level: float = 0.95
) -> pd.DataFrame:
    """Mean over seeds with a t-interval, per group.

    >>> df = pd.DataFrame({"g": ["a"] * 3, "seed": [1, 2, 3], "v": [0.1, 0.2, 0.3]})
    >>> r = mean_t_interval(df, ["g"], "v")
    >>> round(float(r["mean"].iloc[0]), 3), int(r["seed_count"].iloc[0])
    (0.2, 3)
    """
    from scipy import stats

    g = frame.groupby(list(by), sort=False, observed=True)[value]
    out = g.agg(mean="mean", sd="std", seed_count="count").reset_index()
    t = stats.t.ppf(0.5 + level / 2, np.maximum(out["seed_count"] - 1, 1))
    half = np.where(
        out["seed_count"] > 1, t * out["sd"].fillna(0) / np.sqrt(out["seed_count"]), 0.0
    )
    out["low"] = out["mean"] - half
    out["high"] = out["mean"] + half
    return out.drop(columns="sd")
