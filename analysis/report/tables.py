"""Tables for readers: plain-word headers and values, one number format, no index column.

``plain_table(frame)`` is the display path for any table a notebook shows: end a cell with
it (or call ``display(plain_table(...))``). It

* drops a default ``0, 1, 2, ...`` index (a meaningful index becomes ordinary columns);
* writes headers in plain words (:func:`analysis.core.column_label`) and code values in
  the columns that hold them (scenario, mechanism, tier, consent state, tie kind, metric)
  as their labels (:func:`analysis.core.label`);
* writes shares (``_share`` columns) as percentages and an estimate (``mean``, ``low``,
  ``high`` columns, as :func:`analysis.core.mean_t_interval` returns them; or a share
  column ``x_share`` with ``x_share_low`` and ``x_share_high`` beside it) as one cell,
  ``74% (73-75%)``, with :func:`analysis.core.fmt_estimate`; a true zero reads ``0``;
* aligns text left and numbers right; wide tables scroll inside their own box.

>>> import pandas as pd
>>> t = pd.DataFrame({"scenario": ["no_opt_out", "all_leave"], "mean": [0.738, 0.0],
...                   "low": [0.731, 0.0], "high": [0.748, 0.0], "seed_count": [10, 10]})
>>> print(plain_table(t))
                  Scenario           Share (95% interval) Worlds
Everyone keeps the default                   74% (73-75%)     10
  Everyone leaves WhatsApp 0 (nobody is left on WhatsApp)     10
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from analysis.core.formatting import fmt_count, fmt_estimate, fmt_share
from analysis.core.labels import ZERO_REASONS, column_label, labels_for
from analysis.results.metrics import HEADLINE_SCENARIO_TITLES, METRICS

__all__ = [
    "CODE_COLUMNS",
    "PlainTable",
    "plain_table",
]


#: Columns whose values are code names, and the kind of label that names them.
CODE_COLUMNS: dict[str, str] = {
    "scenario": "scenario",
    "mechanism": "mechanism",
    "purpose_class": "purpose_class",
    "purpose": "purpose",
    "consent_state": "consent_state",
    "state": "consent_state",
    "tie_kind": "tie_kind",
    "metric": "metric",
    "parameter": "parameter",
}


@dataclass(frozen=True)
class PlainTable:
    """A table as readers see it: every cell already a string, each column text or number."""

    frame: pd.DataFrame
    numeric: tuple[bool, ...]
    caption: str | None = None

    def __repr__(self) -> str:
        text = self.frame.to_string(index=False)
        return f"{self.caption}\n{text}" if self.caption else text

    def _repr_html_(self) -> str:
        kinds = ["num" if n else "text" for n in self.numeric]
        head = "".join(
            f'<th scope="col" class="{k}">{html.escape(str(c))}</th>'
            for c, k in zip(self.frame.columns, kinds, strict=True)
        )
        rows = "".join(
            "<tr>"
            + "".join(
                f'<td class="{k}">{html.escape(v)}</td>' for v, k in zip(row, kinds, strict=True)
            )
            + "</tr>"
            for row in self.frame.itertuples(index=False)
        )
        caption = f"<caption>{html.escape(self.caption)}</caption>" if self.caption else ""
        return (
            f'<div class="table-box"><table class="plain-table">{caption}'
            f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>"
        )


def _number(x) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, int) or (isinstance(x, float) and x.is_integer() and abs(x) >= 1):
        return fmt_count(x)
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def _share(x) -> str:
    """Write a share cell: :func:`fmt_share`, but ``under 0.1%`` for a share too small to print.

    ``0.0%`` would read as a true zero.

    >>> _share(0.0003), _share(0.0), _share(0.021)
    ('under 0.1%', '0%', '2.1%')
    """
    if isinstance(x, (int, float)) and not math.isnan(x) and 0 < abs(x) < 0.0005:
        return "under 0.1%"
    return fmt_share(x)


def _is_default_index(index: pd.Index) -> bool:
    return isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1


def plain_table(
    frame: pd.DataFrame,
    *,
    caption: str | None = None,
    headers: Mapping[str, str] | None = None,
    unit: str = "share",
    zero_reasons: Mapping[str, str] | None = None,
    labels: Mapping[str, Mapping[str, str]] | None = None,
) -> PlainTable:
    """Return ``frame`` as a :class:`PlainTable` for readers (see the module's docstring).

    Parameters
    ----------
    frame : pandas.DataFrame
        The table a computing stage returned.
    caption : str, optional
        A title shown above the table.
    headers : mapping, optional
        Column name -> header, for the columns the label map does not name well.
    unit : str
        Unit of ``mean``/``low``/``high`` when there is no ``metric`` column to tell:
        ``"share"``, ``"rate"`` or ``"count"``.
    zero_reasons : mapping, optional
        Scenario -> why its figures are exactly zero, written after a true zero (default
        ``analysis.core.ZERO_REASONS``; pass ``{}`` for a bare ``0``).
    labels : mapping, optional
        Column name -> (code -> words), for code values the label map does not hold (a
        scenario a notebook made up, an effects stage's own groups); they add to, and win
        over, the label map's words for that column.

    >>> t = pd.DataFrame({"match_share": [0.5], "match_share_low": [0.45],
    ...                   "match_share_high": [0.55]})
    >>> print(plain_table(t))
    Match (95% interval)
            50% (45-55%)
    >>> t = pd.DataFrame({"scenario": ["mix_2016", "my_mix"], "group": ["left", "left"]})
    >>> print(plain_table(pd.DataFrame({"scenario": ["accepted_then_left"]})))
                       Scenario
    Accepted, shared, then left
    >>> print(plain_table(t, labels={"scenario": {"my_mix": "My mix"},
    ...                              "group": {"left": "left WhatsApp"}}))
        Scenario         Group
    The 2016 mix left WhatsApp
          My mix left WhatsApp
    """
    t = frame if _is_default_index(frame.index) else frame.reset_index()
    out, numeric = {}, []
    estimate = {"mean", "low", "high"} <= set(t.columns)
    reasons = ZERO_REASONS if zero_reasons is None else zero_reasons
    scen = t["scenario"] if "scenario" in t else pd.Series(None, index=t.index)
    why = [reasons.get(v) if isinstance(v, str) else None for v in scen]

    explained: set[int] = set()  # rows whose zero has been given its reason once

    def zeros(cells: list[str], values: pd.Series) -> list[str]:
        """Write a scenario's true zero ``0 (reason)`` in the first column it occurs, then ``0``."""
        out = []
        for i, (c, v, w) in enumerate(zip(cells, values.tolist(), why, strict=True)):
            zero = bool(w) and isinstance(v, (int, float)) and v == 0
            out.append(("0" if i in explained else f"0 ({w})") if zero else c)
            if zero:
                explained.add(i)
        return out

    names = {str(c) for c in t.columns}
    bounded = {n for n in names if n.endswith("_share") and {f"{n}_low", f"{n}_high"} <= names}
    for col in t.columns:
        name = str(col)
        if name.endswith(("_low", "_high")) and name.rsplit("_", 1)[0] in bounded:
            continue
        if estimate and name in {"low", "high"}:
            continue
        if name in bounded:
            cells = [
                fmt_estimate(m, lo, hi, style="table", zero_reason=w)
                for m, lo, hi, w in zip(
                    t[name], t[f"{name}_low"], t[f"{name}_high"], why, strict=True
                )
            ]
            header = (headers or {}).get(name) or column_label(name).replace(" (%)", "")
            out[header if headers and name in headers else f"{header} (95% interval)"] = cells
            numeric.append(True)
            continue
        values = t[col]
        if estimate and name == "mean":
            units = (
                t["metric"].map(lambda m: METRICS[m].unit if m in METRICS else unit)
                if "metric" in t
                else pd.Series(unit, index=t.index)
            )
            cells = [
                fmt_estimate(m, lo, hi, unit=u, style="table", zero_reason=reasons.get(s))
                for m, lo, hi, u, s in zip(t["mean"], t["low"], t["high"], units, scen, strict=True)
            ]
            word = {"share": "Share", "rate": "Rate", "count": "Number"}.get(unit, "Value")
            header = "Value (95% interval)" if "metric" in t else f"{word} (95% interval)"
            out[(headers or {}).get(name, header)] = cells
            numeric.append(True)
            continue
        header = (headers or {}).get(name) or column_label(name)
        if name in CODE_COLUMNS or (labels and name in labels):
            words = dict(labels_for(CODE_COLUMNS[name])) if name in CODE_COLUMNS else {}
            if CODE_COLUMNS.get(name) == "scenario":  # the headlines' own time scenarios
                words = {**HEADLINE_SCENARIO_TITLES, **words}
            words.update((labels or {}).get(name, {}))
            out[header] = [words.get(v, str(v)) for v in values]
            numeric.append(False)
        elif name.endswith("_share") and pd.api.types.is_numeric_dtype(values):
            out[header] = zeros([_share(v) for v in values], values)
            numeric.append(True)
        elif name.endswith("_pct") and pd.api.types.is_numeric_dtype(values):
            out[header] = zeros([_share(v / 100) for v in values], values)
            numeric.append(True)
        elif pd.api.types.is_bool_dtype(values):
            out[header] = ["yes" if v else "no" for v in values]
            numeric.append(False)
        elif pd.api.types.is_numeric_dtype(values):
            out[header] = zeros([_number(v) for v in values.tolist()], values)
            numeric.append(True)
        else:
            out[header] = ["" if v is None else str(v) for v in values]
            numeric.append(False)
    if len(out) != len(numeric):
        raise ValueError(f"two columns of the table get the same header: {list(out)}")
    return PlainTable(pd.DataFrame(out), tuple(numeric), caption)
