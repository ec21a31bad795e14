"""Numbers in words: one way to write a share or an interval.

>>> fmt_share(0.6149), fmt_share(0.0042)
('61%', '0.4%')
"""

from __future__ import annotations

import math

__all__ = [
    "fmt_interval",
    "fmt_share",
]


def fmt_share(x: float, *, decimals: int | None = None) -> str:
    """Format a share as a percentage: whole percents, one decimal below 5%.

    >>> fmt_share(0.25), fmt_share(0.031), fmt_share(0.0), fmt_share(float("nan"))
    ('25%', '3.1%', '0%', 'n/a')
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if decimals is None:
        decimals = 1 if 0 < abs(x) < 0.05 else 0
    return f"{100 * x:.{decimals}f}%"


def _decimals(mean: float) -> int:
    return 1 if 0 < abs(mean) < 0.05 else 0


def fmt_interval(mean: float, low: float, high: float, *, unit: str = "share") -> str:
    """``mean (95% interval low-high)`` in percents (shares) or plain numbers.

    >>> fmt_interval(0.614, 0.59, 0.632)
    '61% (95% interval 59-63%)'
    >>> fmt_interval(2.345, 1.2, 3.49, unit="rate")
    '2.3 (95% interval 1.2-3.5)'
    """
    if unit == "share":
        low, high = max(low, 0.0), min(high, 1.0)
        d = _decimals(mean)
        return (
            f"{fmt_share(mean, decimals=d)} (95% interval "
            f"{100 * low:.{d}f}-{fmt_share(high, decimals=d)})"
        )
    return f"{mean:.1f} (95% interval {low:.1f}-{high:.1f})"
