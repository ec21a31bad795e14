"""The policy table: which field may be used for which purpose, per state.

``data/reference/policy_flows.csv`` holds, for every *state* (a consent state or a
regime) and every shared *field*, what Facebook may do with the field for each
*purpose*, with the primary document it rests on (``source_id``: one or more ids of
``sources.csv``, the first one's ``source_date``, the ``source_section`` or paragraph,
and ``source``, the rule in plain words). Each cell is one of :data:`USES`:

* ``yes``: the field reaches Facebook and Facebook may use it for the purpose for its
  own ends (as a controller);
* ``processor``: the field reaches Facebook for the purpose, but Facebook may process it
  only on WhatsApp's behalf (as WhatsApp's processor), not for itself;
* ``no``: the field does not reach Facebook for the purpose.

A person's data *reached* Facebook when some cell is ``processor`` or ``yes``; Facebook
may *use it for itself* only where a cell is ``yes``. :func:`load_flow_table` reads and
checks the table.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.core.paths import REFERENCE_DIR
from analysis.policy.record import citation_problems, load_sources, source_ids
from analysis.world.population import CONSENT_STATES

__all__ = [
    "FIELDS",
    "FLOW_TABLE_PATH",
    "PURPOSES",
    "USES",
    "PolicyTableError",
    "load_flow_table",
    "regime_states",
    "use_codes",
]


PURPOSES: tuple[str, ...] = ("infrastructure", "analytics", "security", "suggestions", "ads")
"""Purposes for which Facebook may use WhatsApp-sourced data (data-flows.md (a)-(e))."""


FIELDS: tuple[str, ...] = (
    "phone_number",
    "last_seen",
    "os",
    "screen_resolution",
    "mcc",
    "mnc",
    "device_id",
    "registration_date",
    "app_version",
    "address_book",
)
"""Fields WhatsApp may pass to Facebook. ``address_book`` flows only when a scenario's
``address_books`` switch is on (off by default)."""


USES: tuple[str, ...] = ("no", "processor", "yes")
"""What a cell of the policy table may say, from least to most: each level includes the
ones before it (``yes`` data also reaches Facebook; ``processor`` data is not Facebook's to
use). The codes of :func:`use_codes` are the positions in this tuple."""


#: Data location of the declarative table and the built-in scenarios.
FLOW_TABLE_PATH = REFERENCE_DIR / "policy_flows.csv"


class PolicyTableError(ValueError):
    """``policy_flows.csv`` is malformed."""


@cache
def load_flow_table(path: Path | None = None) -> pd.DataFrame:
    """Load and check the fields x purposes x states table.

    Returns
    -------
    pandas.DataFrame
        Columns ``layer, state, field, <one column per purpose>, source_id, source_date,
        source_section, source``; one row per (layer, state, field), complete for every
        field. Purpose columns hold one of :data:`USES` (``"yes"``, ``"processor"`` or
        ``"no"``). Every row cites a primary document of ``sources.csv`` (see
        :func:`analysis.policy.citation_problems`).

    >>> t = load_flow_table()
    >>> row = t.query("state == 'unticked_before_agreeing' and field == 'phone_number'")
    >>> row["ads"].iloc[0]
    'no'
    """
    path = Path(path) if path else FLOW_TABLE_PATH
    if not path.is_file():
        raise PolicyTableError(f"policy table missing: {path}")
    t = pd.read_csv(path, dtype=str, keep_default_na=False)
    need = [
        "layer",
        "state",
        "field",
        *PURPOSES,
        "source_id",
        "source_date",
        "source_section",
        "source",
    ]
    missing = [c for c in need if c not in t.columns]
    if missing:
        raise PolicyTableError(f"{path}: missing column(s) {missing}")
    for col in PURPOSES:
        bad = ~t[col].isin(USES)
        if bad.any():
            line = int(np.flatnonzero(bad)[0]) + 2
            raise PolicyTableError(
                f"{path}, line {line}: {col} = {t[col][bad].iloc[0]!r}; allowed: {list(USES)}"
            )
    bad_layer = ~t["layer"].isin(["consent", "regime"])
    if bad_layer.any():
        raise PolicyTableError(
            f"{path}: layer {t['layer'][bad_layer].iloc[0]!r}; allowed: consent, regime"
        )
    unknown_fields = sorted(set(t["field"]) - set(FIELDS))
    if unknown_fields:
        raise PolicyTableError(
            f"{path}: unknown field(s) {unknown_fields}; allowed: {list(FIELDS)}"
        )
    if (t["source"].str.strip() == "").any():
        raise PolicyTableError(f"{path}: every row needs a source")
    _check_citations(t, path)
    counts = t.groupby(["layer", "state"])["field"].agg(lambda s: sorted(s))
    for (layer, state), fields in counts.items():
        if fields != sorted(FIELDS):
            raise PolicyTableError(
                f"{path}: state {layer}/{state} must have exactly one row per field {list(FIELDS)}"
            )
    consent = set(t.loc[t["layer"] == "consent", "state"])
    if consent != set(CONSENT_STATES):
        raise PolicyTableError(
            f"{path}: consent states {sorted(consent)} must be exactly {sorted(CONSENT_STATES)}"
        )
    if "open" not in set(t.loc[t["layer"] == "regime", "state"]):
        raise PolicyTableError(f"{path}: the regime layer needs an 'open' state (no restriction)")
    return t


def _check_citations(t: pd.DataFrame, path: Path) -> None:
    """Every row cites a primary document of ``sources.csv`` with its date, never our notes."""
    dates = load_sources()["date"].astype(str)
    cols = ["source_id", "source_date", "source_section", "source"]
    for i, (ids, date, section, note) in enumerate(t[cols].itertuples(index=False), start=2):
        problems = citation_problems(ids, context=f"{section} {note}")
        if not problems and not str(section).strip():
            problems = ["source_section is empty: give the section or paragraph"]
        if not problems:
            first = source_ids(ids)[0]
            if str(date) != dates[first]:
                problems = [f"source_date {date!r} is not the date of {first!r} ({dates[first]})"]
        if problems:
            raise PolicyTableError(f"{path}, line {i}: {problems[0]}")


def regime_states() -> tuple[str, ...]:
    """Regime names a scenario may apply (the table's regime layer, without ``open``).

    >>> "eu_paused" in regime_states()
    True
    """
    t = load_flow_table()
    return tuple(s for s in dict.fromkeys(t.loc[t["layer"] == "regime", "state"]) if s != "open")


def use_codes(values) -> np.ndarray:
    """Codes of policy-table cells: positions in :data:`USES` (no 0, processor 1, yes 2).

    >>> use_codes(["yes", "no", "processor"]).tolist()
    [2, 0, 1]
    """
    return pd.Index(USES).get_indexer(np.asarray(values, dtype=object)).astype(np.int8)


@cache
def _layer_cube(layer: str) -> tuple[tuple[str, ...], np.ndarray]:
    """(states, int8 array [state, field, purpose] of :func:`use_codes`) for one layer."""
    t = load_flow_table()
    t = t[t["layer"] == layer]
    states = tuple(dict.fromkeys(t["state"]))
    cube = np.zeros((len(states), len(FIELDS), len(PURPOSES)), dtype=np.int8)
    s_idx = pd.Index(states).get_indexer(t["state"])
    f_idx = pd.Index(FIELDS).get_indexer(t["field"])
    cube[s_idx, f_idx] = use_codes(t[list(PURPOSES)].to_numpy().ravel()).reshape(len(t), -1)
    return states, cube
