"""Small plotting helpers shared by every chart (Matplotlib only).

Each returns ``(fig, data)``: the figure and the tidy table of plotted values, ready for
:func:`analysis.report.save_figure`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import PercentFormatter

from analysis.core.formatting import fmt_share
from analysis.core.labels import ZERO_REASONS
from analysis.policy.scenarios import Scenario, scenario_label
from analysis.report.palette import BLUE, SERIES

__all__ = [
    "grouped_bars",
    "horizontal_bars",
    "stacked_shares",
]


def grouped_bars(
    table: pd.DataFrame,
    category: str,
    series: dict[str, str],
    *,
    title: str,
    ylabel: str = "Share of people",
    reference: dict[str, str] | None = None,
    percent: bool = True,
    horizontal: bool = False,
    log: bool = False,
) -> tuple[plt.Figure, pd.DataFrame]:
    """Bars for several ``series`` (column -> legend label) per ``category``.

    Category values that are code names (a ``scenario`` column, say) are written as their
    plain labels (:func:`analysis.core.labels.label`) and wrapped so they never overlap.
    ``reference`` maps a series column to a column of target values drawn as black ticks
    over the bars (e.g. published adoption shares). A series with ``<col>_low`` and
    ``<col>_high`` columns gets its 95% interval as error bars. One series gets no legend
    (its label goes into the axis label instead). On a log value axis the ticks read
    as plain numbers (0.1, 1, 10), not powers of ten. ``horizontal`` draws one row of bars
    per category, labels written out on the left (for many or long category names);
    ``ylabel`` then names the horizontal value axis. ``log`` puts the value axis on a log
    scale, its ticks written as plain numbers (0.1, 1, 10).
    """
    import textwrap

    from analysis.core.labels import label
    from analysis.report.tables import CODE_COLUMNS

    fig, ax = plt.subplots()
    raw = table[category].astype(str)
    if category in CODE_COLUMNS:
        raw = raw.map(lambda v: label(CODE_COLUMNS[category], v))
    cats = [textwrap.fill(v, 34 if horizontal else 22) for v in raw]
    x = np.arange(len(cats))
    if horizontal:
        fig.set_size_inches(8, max(3.5, 0.3 * len(cats) * max(len(series), 1.5) + 1.2))
    width = 0.8 / len(series)
    for i, (col, name) in enumerate(series.items()):
        pos = x - 0.4 + width * (i + 0.5)
        err = None
        if f"{col}_low" in table and f"{col}_high" in table:
            err = np.clip(
                [table[col] - table[f"{col}_low"], table[f"{col}_high"] - table[col]], 0, None
            )
        draw = ax.barh if horizontal else ax.bar
        draw(
            pos,
            table[col],
            width,
            **{"xerr" if horizontal else "yerr": err},
            label=name,
            color=SERIES[i % len(SERIES)],
            error_kw={"lw": 0.8, "capsize": 2},
        )
        if reference and col in reference:
            ax.scatter(
                pos,
                table[reference[col]],
                marker="_",
                s=250,
                color="black",
                zorder=3,
                label="Published figure" if i == 0 else None,
            )
    values = table[list(series)].to_numpy(dtype=float)
    codes = table[category].astype(str).tolist()
    for xx, row, code in zip(x, values, codes, strict=True):
        if (row == 0).all():  # a true zero: say so rather than leave a gap
            if horizontal:  # room to say why, when the scenario is empty by construction
                why = ZERO_REASONS.get(code) if category == "scenario" else None
                ax.text(0, xx, f" 0: {why}" if why else " 0", ha="left", va="center", fontsize=9)
            else:
                ax.text(xx, 0, "0", ha="center", va="bottom", fontsize=9)
    if horizontal:
        ax.set_yticks(x, cats, fontsize=9)
        ax.invert_yaxis()
    else:
        ax.set_xticks(x, cats, fontsize=8 if len(cats) > 5 else 10)
    ax.grid(axis="y" if horizontal else "x", visible=False)
    ax.set_title(title, loc="left", wrap=True)
    value_axis = ax.xaxis if horizontal else ax.yaxis
    set_value_label = ax.set_xlabel if horizontal else ax.set_ylabel
    if log:
        from matplotlib.ticker import FuncFormatter, NullFormatter

        (ax.set_xscale if horizontal else ax.set_yscale)("log")
        value_axis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.10g}"))
        value_axis.set_minor_formatter(NullFormatter())
    elif percent:
        value_axis.set_major_formatter(PercentFormatter(1.0))
    if len(series) == 1 and not reference:
        set_value_label(f"{ylabel}\n({next(iter(series.values()))})")
    else:
        set_value_label(ylabel)
        ax.legend(
            frameon=False,
            ncols=1 if horizontal else min(4, len(series) + 1),
            loc="upper left",
            bbox_to_anchor=(0, -0.75 / (0.8 * fig.get_size_inches()[1]) if horizontal else -0.08),
        )
    bounds = [f"{c}_{e}" for c in series for e in ("low", "high") if f"{c}_{e}" in table]
    cols = [category, *series, *bounds, *(reference or {}).values()]
    return fig, table[cols].reset_index(drop=True)


def _text_colour(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return "black" if 0.299 * r + 0.587 * g + 0.114 * b > 140 else "white"


def stacked_shares(
    wide: pd.DataFrame,
    *,
    title: str,
    xlabel: str = "",
    legend_title: str = "",
    label_segments: bool = False,
) -> tuple[plt.Figure, pd.DataFrame]:
    """Horizontal 100% stacked bars: one bar per row of ``wide``, segments per column.

    With ``label_segments`` each segment wider than 8% carries its column name
    (useful when every row has different segments, like carriers by country).
    """
    fig, ax = plt.subplots()
    left = np.zeros(len(wide))
    rows = wide.index.astype(str)
    seen = np.zeros(len(wide), dtype=int)  # segments drawn so far in each row
    for i, col in enumerate(wide.columns):
        values = wide[col].to_numpy(dtype=float)
        if label_segments:  # colour by position within the row, so neighbours differ
            colours = [SERIES[k % len(SERIES)] for k in seen]
            seen += values > 0
        else:
            colours = SERIES[i % len(SERIES)]
        ax.barh(rows, values, left=left, label=str(col), color=colours)
        if label_segments:
            for y, (start, width) in enumerate(zip(left, values, strict=True)):
                if width > 0.08:
                    ax.text(
                        start + width / 2,
                        y,
                        str(col),
                        ha="center",
                        va="center",
                        fontsize=7,
                        color=_text_colour(colours[y]),
                    )
        left += values
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlim(0, 1)
    ax.set_xlabel(xlabel)
    ax.set_title(title, loc="left", wrap=True)
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    ax.legend(
        frameon=False,
        title=legend_title or None,
        ncols=min(5, wide.shape[1]),
        loc="upper left",
        bbox_to_anchor=(0, -0.1),
    )
    data = wide.reset_index().melt(
        id_vars=wide.index.name or "index", var_name="value", value_name="share"
    )
    return fig, data


def horizontal_bars(
    labels: pd.Series, values: pd.Series, *, title: str, xlabel: str, percent: bool = True
) -> tuple[plt.Figure, pd.DataFrame]:
    """One horizontal bar per label, value printed at the end of each bar."""
    fig, ax = plt.subplots()
    ax.barh(labels.astype(str), values, color=BLUE)
    for y, v in enumerate(values):
        ax.text(v, y, f" {fmt_share(v)}" if percent else f" {v:,.0f}", va="center", fontsize=9)
    if percent:
        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel(xlabel)
    ax.set_title(title, loc="left", wrap=True)
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    return fig, pd.DataFrame({"label": labels.to_numpy(), "value": values.to_numpy()})


def _panel_grid(n: int, ncols: int = 3, size=(3.6, 2.8)):
    import matplotlib.pyplot as plt

    nrows = max(1, math.ceil(n / ncols))
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(size[0] * ncols, size[1] * nrows), squeeze=False
    )
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    return fig, axes.ravel()


def _labels(names: Sequence[str], scenarios: Mapping[str, Scenario]) -> list[str]:
    missing = [n for n in names if n not in scenarios]
    if missing:
        raise KeyError(f"scenario(s) {missing} not in scenarios; known: {sorted(scenarios)}")
    return [scenario_label(scenarios[n]) for n in names]


def _legend_below(ax, ncols: int, offset: float = -0.14) -> None:
    ax.legend(frameon=False, ncols=ncols, loc="upper left", bbox_to_anchor=(0, offset))
