"""Numbers in words: one way to write a share, a range or an estimate with its interval.

Percentages are whole below 100 and above 5, with one decimal below 5% (``61%``,
``3.1%``); a range is written ``70-78%``; an estimate with its 95% interval over seeds is
``74% (95% interval 73-75%)``, or ``74% (73-75%)`` in a table cell. A figure that is zero
in every world is a true zero: it is written ``0``, with its reason when one is given,
never ``0.0% (0.0-0.0%)``.

>>> fmt_share(0.6149), fmt_share(0.0042)
('61%', '0.4%')
>>> fmt_range(0.702, 0.781)
'70-78%'
>>> fmt_estimate(0.738, 0.731, 0.748)
'74% (95% interval 73-75%)'
>>> fmt_estimate(0.0, 0.0, 0.0, zero_reason="nobody is left on WhatsApp")
'0 (nobody is left on WhatsApp)'
"""

from __future__ import annotations

import math
from typing import Literal

__all__ = [
    "fmt_count",
    "fmt_estimate",
    "fmt_interval",
    "fmt_range",
    "fmt_share",
    "is_true_zero",
    "share_decimals",
]


Unit = Literal["share", "rate", "count"]


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def share_decimals(x: float) -> int:
    """Decimals of a percentage: one below 5% (and above 0), else none.

    >>> share_decimals(0.031), share_decimals(0.25), share_decimals(0.0)
    (1, 0, 0)
    """
    return 1 if 0 < abs(x) < 0.05 else 0


def fmt_share(x: float, *, decimals: int | None = None) -> str:
    """Format a share as a percentage: whole percents, one decimal below 5%.

    >>> fmt_share(0.25), fmt_share(0.031), fmt_share(0.0), fmt_share(float("nan"))
    ('25%', '3.1%', '0%', 'n/a')
    """
    if _missing(x):
        return "n/a"
    if decimals is None:
        decimals = share_decimals(x)
    return f"{100 * x:.{decimals}f}%"


def fmt_count(n: float) -> str:
    """Write a count with thousands separators (``n/a`` when missing).

    >>> fmt_count(1234567), fmt_count(12.0), fmt_count(None)
    ('1,234,567', '12', 'n/a')
    """
    if _missing(n):
        return "n/a"
    return f"{round(n):,}"


def is_true_zero(mean: float, low: float | None = None, high: float | None = None) -> bool:
    """Whether an estimate is exactly zero in every world (mean and both interval ends).

    >>> is_true_zero(0.0, 0.0, 0.0), is_true_zero(0.0004, 0.0, 0.001), is_true_zero(0)
    (True, False, True)
    """
    ends = [v for v in (mean, low, high) if v is not None]
    return all(not _missing(v) and v == 0 for v in ends)


def fmt_range(low: float, high: float, *, unit: Unit = "share", decimals: int | None = None) -> str:
    """Write a range: ``70-78%`` for shares, ``1.2-3.5`` for rates, ``10-14`` for counts.

    Ends are clipped to 0-100% for shares. When both ends would print the same, one
    more decimal is used, so a range never reads ``74-74%``.

    >>> fmt_range(0.702, 0.781), fmt_range(0.0312, 0.0451), fmt_range(1.23, 3.49, unit="rate")
    ('70-78%', '3.1-4.5%', '1.2-3.5')
    >>> fmt_range(0.7381, 0.7419), fmt_range(-0.01, 0.02), fmt_range(0.5, 0.5)
    ('73.8-74.2%', '0-2.0%', '50%')
    """
    if _missing(low) or _missing(high):
        return "n/a"
    if low == high:  # the same in every world: one value, not "74-74%"
        if unit == "share":
            return fmt_share(low)
        return fmt_count(low) if unit == "count" else f"{low:.1f}"
    if unit == "share":
        low, high = max(low, 0.0), min(high, 1.0)
        d = share_decimals(max(abs(low), abs(high))) if decimals is None else decimals
        while d < 3 and f"{100 * low:.{d}f}" == f"{100 * high:.{d}f}" and low != high:
            d += 1
        lo = "0" if low == 0 else f"{100 * low:.{d}f}"
        return f"{lo}-{100 * high:.{d}f}%"
    if unit == "count":
        return f"{round(low):,}-{round(high):,}"
    d = 1 if decimals is None else decimals
    return f"{low:.{d}f}-{high:.{d}f}"


def fmt_estimate(
    mean: float,
    low: float,
    high: float,
    *,
    unit: Unit = "share",
    zero_reason: str | None = None,
    style: Literal["sentence", "table"] = "sentence",
) -> str:
    """Write an estimate with its 95% interval over seeds: one format for words and tables.

    ``style="sentence"`` writes ``74% (95% interval 73-75%)``; ``style="table"`` writes
    ``74% (73-75%)``. A true zero (:func:`is_true_zero`) is written ``0``, followed by its
    reason in brackets when ``zero_reason`` is given (e.g. ``labels.ZERO_REASONS``).

    >>> fmt_estimate(0.614, 0.59, 0.632)
    '61% (95% interval 59-63%)'
    >>> fmt_estimate(0.614, 0.59, 0.632, style="table")
    '61% (59-63%)'
    >>> fmt_estimate(2.345, 1.2, 3.49, unit="rate")
    '2.3 (95% interval 1.2-3.5)'
    >>> fmt_estimate(12.4, 10, 14.6, unit="count", style="table")
    '12 (10-15)'
    >>> fmt_estimate(0.0, 0.0, 0.0), fmt_estimate(0.0, 0.0, 0.0, zero_reason="by construction")
    ('0', '0 (by construction)')
    >>> fmt_estimate(0.5, 0.5, 0.5), fmt_estimate(0.99, 0.99, 0.99, style="table")
    ('50% (in every seed)', '99% (in every seed)')
    >>> fmt_estimate(0.9902, 0.99, 0.9904)  # an interval too narrow to print: one figure
    '99% (in every seed, to the nearest 0.1%)'
    """
    if _missing(mean):
        return "n/a"
    if is_true_zero(mean, low, high):
        return f"0 ({zero_reason})" if zero_reason else "0"
    if unit == "share":
        value = fmt_share(mean)
    elif unit == "count":
        value = fmt_count(mean)
    else:
        value = f"{mean:.1f}"
    if low == high == mean:
        return f"{value} (in every seed)"
    narrow = f"{100 * max(low, 0.0):.1f}" == f"{100 * min(high, 1.0):.1f}"
    if unit == "share" and narrow and mean >= 0.05:
        return f"{value} (in every seed, to the nearest 0.1%)"
    span = fmt_range(low, high, unit=unit)
    return f"{value} (95% interval {span})" if style == "sentence" else f"{value} ({span})"


def fmt_interval(mean: float, low: float, high: float, *, unit: str = "share") -> str:
    """``mean (95% interval low-high)`` in percents (shares) or plain numbers.

    The older spelling of :func:`fmt_estimate`, kept for the sentences written with it:
    its decimals follow the mean, and a zero keeps its interval. New code uses
    :func:`fmt_estimate`.

    >>> fmt_interval(0.614, 0.59, 0.632)
    '61% (95% interval 59-63%)'
    >>> fmt_interval(2.345, 1.2, 3.49, unit="rate")
    '2.3 (95% interval 1.2-3.5)'
    """
    if unit == "share":
        low, high = max(low, 0.0), min(high, 1.0)
        d = share_decimals(mean)
        return (
            f"{fmt_share(mean, decimals=d)} (95% interval "
            f"{100 * low:.{d}f}-{fmt_share(high, decimals=d)})"
        )
    return f"{mean:.1f} (95% interval {low:.1f}-{high:.1f})"
