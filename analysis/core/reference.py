"""Read the sourced reference tables under ``data/reference/``.

These CSVs are inputs: code reads and checks them, never writes them. Each loader
checks the columns and basic sanity (shares sum to one per group) and raises a
clear error naming the file and the problem.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from analysis.core.paths import REFERENCE_DIR

__all__ = [
    "ReferenceDataError",
    "known_country_codes",
    "load",
    "normalised_shares",
]


class ReferenceDataError(ValueError):
    """A reference table is missing, malformed or inconsistent."""


_SPECS = {
    "countries": (
        [
            "country_code",
            "country_name",
            "faker_locale",
            "calling_code",
            "whatsapp_adoption_share",
            "facebook_adoption_share",
            "adoption_basis",
            "adoption_year",
            "whatsapp_source_figure",
            "facebook_source_figure",
            "conversion",
            "source",
            "source_ids",
            "confidence",
            "adults_2016_count",
            "whatsapp_users_2016_count",
            "whatsapp_users_2016_source",
            "whatsapp_users_2016_confidence",
        ],
        {"country_code": str, "faker_locale": str, "calling_code": int, "adoption_year": str},
    ),
    "carriers": (
        ["country_code", "carrier_name", "mcc", "mnc", "market_share", "source", "confidence"],
        {"country_code": str, "mcc": str, "mnc": str},
    ),
    "os_share": (["country_code", "os_name", "market_share", "source", "confidence"], {}),
    "os_versions": (
        ["os_name", "os_version", "version_share", "source", "confidence"],
        {"os_version": str},
    ),
    "screen_resolutions": (
        ["os_name", "screen_resolution", "resolution_share", "source", "confidence"],
        {},
    ),
    "phone_blocks": (
        [
            "country_code",
            "calling_code",
            "national_number_length",
            "block_prefix",
            "block_capacity",
            "block_role",
            "reason",
        ],
        {"block_prefix": str},
    ),
    "sources": (
        ["source_id", "kind", "date", "label", "citation", "url_or_reference"],
        {"date": str},
    ),
    "decisions": (
        [
            "decision_id",
            "decided_on",
            "authority",
            "decision",
            "population",
            "country_codes",
            "scenario",
            "found_or_ordered",
            "model_figure",
            "source_id",
        ],
        {"decided_on": str, "country_codes": str, "scenario": str},
    ),
}


@cache
def load(name: str) -> pd.DataFrame:
    """Load reference table ``name`` (file ``data/reference/<name>.csv``), checked.

    The result is cached; callers must not modify it (take a ``.copy()``).

    >>> load("countries").loc[0, "country_code"]
    'IN'
    """
    if name not in _SPECS:
        raise ReferenceDataError(f"unknown reference table {name!r}; known: {sorted(_SPECS)}")
    path = REFERENCE_DIR / f"{name}.csv"
    if not path.is_file():
        raise ReferenceDataError(f"reference table missing: {path}")
    required, dtypes = _SPECS[name]
    frame = pd.read_csv(path, dtype={k: v for k, v in dtypes.items()}, keep_default_na=False)
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ReferenceDataError(f"{path}: missing column(s) {missing}")
    share_cols = {
        "carriers": ("country_code", "market_share"),
        "os_share": ("country_code", "market_share"),
        "os_versions": ("os_name", "version_share"),
        "screen_resolutions": ("os_name", "resolution_share"),
    }
    if name in share_cols:
        group, col = share_cols[name]
        values = pd.to_numeric(frame[col], errors="coerce")
        if values.isna().any() or (values < 0).any():
            raise ReferenceDataError(f"{path}: column {col} must hold non-negative numbers")
        totals = values.groupby(frame[group]).sum()
        if (totals <= 0).any():
            raise ReferenceDataError(f"{path}: a {group} group has no positive {col}")
    return frame


def known_country_codes() -> tuple[str, ...]:
    """Country codes the reference tables cover, in file order."""
    return tuple(load("countries")["country_code"])


def normalised_shares(
    name: str, group: str, key: str, share: str
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per group, the keys and their shares rescaled to sum to 1.

    Reference shares may not sum to one (for example the Indian carriers listed
    cover 74% of subscribers); the model samples among the listed rows in
    proportion to their shares, and says so in the methods notebook.
    """
    frame = load(name)
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for value, rows in frame.groupby(group, sort=False):
        weights = rows[share].to_numpy(dtype=float)
        out[str(value)] = (rows[key].to_numpy(), weights / weights.sum())
    return out
