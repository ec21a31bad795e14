"""How identifying the shared device fields are on their own (linking mechanism 4).

WhatsApp's 2016 policy let it pass Facebook the phone's operating system, screen
resolution, mobile country code (MCC) and network code (MNC), and when the person
was last seen. None of these names anyone, but together they may single a phone out.
This module measures that with the usual re-identification statistics:

* **share unique**: the share of people whose combination of values nobody else has;
* **k-anonymity distribution**: how many people share their combination (1, 2-5, ...);
* **entropy**: Shannon entropy of the combinations, in bits (Panopticlick's measure).

Published anchors (for checking, not for tuning): Panopticlick 83.6% of browsers unique,
18.1 bits (Eckersley 2010); ~40% of mobile devices unique on a full browser fingerprint
(adF 2023). The 2016 fields are far fewer, so expect far less until timing is added.

>>> import pandas as pd
>>> df = pd.DataFrame({"os_name": ["A", "A", "B", "C"]})
>>> s = uniqueness(df, ["os_name"])
>>> s["unique_share"], s["entropy_bits"]
(0.5, 1.5)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = [
    "ANCHORS",
    "COLUMN_FIELDS",
    "DEVICE_COLUMNS",
    "K_BINS",
    "K_LABELS",
    "class_sizes",
    "fingerprint_codes",
    "fingerprint_links",
    "fingerprint_steps",
    "k_anonymity_distribution",
    "k_anonymity_table",
    "last_seen_bucket",
    "uniqueness",
    "uniqueness_table",
]


#: Device fields of the 2016 policy, as people columns, cumulatively added.
DEVICE_COLUMNS: tuple[str, ...] = ("os_name", "os_version", "screen_resolution", "mcc", "mnc")


#: The policy field each people column comes from (see analysis.policy.FIELDS).
COLUMN_FIELDS: dict[str, str] = {
    "os_name": "os",
    "os_version": "os",
    "screen_resolution": "screen_resolution",
    "mcc": "mcc",
    "mnc": "mnc",
    "last_seen_bucket": "last_seen",
}


#: k-anonymity classes reported (lower bounds, inclusive; the last is open-ended).
K_BINS: tuple[int, ...] = (1, 2, 6, 11, 51, 101)


K_LABELS: tuple[str, ...] = ("1 (unique)", "2-5", "6-10", "11-50", "51-100", "over 100")


ANCHORS = pd.DataFrame(
    {
        "anchor": [
            "Panopticlick browsers (Eckersley 2010)",
            "Mobile browser fingerprints (adF 2023)",
        ],
        "unique_share": [0.836, 0.40],
        "entropy_bits": [18.1, np.nan],
    }
)
"""Published re-identification anchors (parameters.md)."""


def fingerprint_codes(frame: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """Give each row an integer code for its combination of ``columns`` (missing counts as a value).

    >>> df = pd.DataFrame({"a": ["x", "x", "y"], "b": [1, 1, 1]})
    >>> fingerprint_codes(df, ["a", "b"]).tolist()
    [0, 0, 1]
    """
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise KeyError(
            f"fingerprint columns {missing} are not in the frame; it has {list(frame.columns)}"
        )
    if len(columns) == 0 or len(frame) == 0:
        return np.zeros(len(frame), dtype=np.int64)
    codes = frame.groupby(list(columns), sort=True, dropna=False, observed=True).ngroup()
    return codes.to_numpy(dtype=np.int64)


def class_sizes(frame: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """For each row, how many rows share its combination (its k in k-anonymity)."""
    codes = fingerprint_codes(frame, columns)
    counts = np.bincount(codes) if codes.size else np.zeros(0, dtype=np.int64)
    return counts[codes]


def uniqueness(frame: pd.DataFrame, columns: Sequence[str]) -> dict[str, float]:
    """Share unique, entropy (bits) and class statistics of ``columns`` over ``frame`` rows.

    Returns
    -------
    dict
        ``n`` people, ``n_combinations``, ``unique_share``, ``entropy_bits``,
        ``max_entropy_bits`` (log2 n: what total uniqueness would need),
        ``median_k`` (median class size, as seen by a person).
    """
    n = len(frame)
    if n == 0:
        return {
            "n": 0,
            "n_combinations": 0,
            "unique_share": 0.0,
            "entropy_bits": 0.0,
            "max_entropy_bits": 0.0,
            "median_k": 0.0,
        }
    codes = fingerprint_codes(frame, columns)
    counts = np.bincount(codes)
    counts = counts[counts > 0]
    p = counts / n
    k = np.repeat(counts, counts)  # each person's class size
    return {
        "n": int(n),
        "n_combinations": int(counts.size),
        "unique_share": float((counts == 1).sum() / n),
        "entropy_bits": round(float(-(p * np.log2(p)).sum()), 12),
        "max_entropy_bits": float(np.log2(n)),
        "median_k": float(np.median(k)),
    }


def k_anonymity_distribution(frame: pd.DataFrame, columns: Sequence[str]) -> pd.Series:
    """Share of people by the size of the group sharing their combination (see :data:`K_LABELS`).

    >>> df = pd.DataFrame({"a": ["x", "x", "y"]})
    >>> k_anonymity_distribution(df, ["a"]).round(2).tolist()
    [0.33, 0.67, 0.0, 0.0, 0.0, 0.0]
    """
    k = class_sizes(frame, columns)
    bins = np.searchsorted(np.array(K_BINS), k, side="right") - 1
    counts = np.bincount(bins, minlength=len(K_BINS)).astype(float)
    share = counts / max(len(k), 1)
    return pd.Series(
        share, index=pd.Index(K_LABELS, name="people_sharing_the_combination"), name="share"
    )


def last_seen_bucket(last_seen: pd.Series, minutes: int) -> pd.Series:
    """Last-seen time floored to buckets of ``minutes`` (an integer bucket number; NA stays NA)."""
    if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes < 1:
        raise ValueError(f"minutes = {minutes!r} is not allowed: must be an integer >= 1")
    ts = pd.to_datetime(last_seen)
    secs = (ts - pd.Timestamp("2016-01-01")).dt.total_seconds()
    return (secs // (60 * minutes)).astype("Int64")


def fingerprint_steps(
    bucket_minutes: Sequence[int] = (60, 10, 1),
) -> list[tuple[str, list[str], int | None]]:
    """List the cumulative feature sets reported: (label, columns, last-seen bucket minutes)."""
    steps: list[tuple[str, list[str], int | None]] = []
    labels = {
        "os_name": "OS",
        "os_version": "+ OS version",
        "screen_resolution": "+ screen",
        "mcc": "+ MCC",
        "mnc": "+ MNC",
    }
    for i, col in enumerate(DEVICE_COLUMNS):
        steps.append((labels[col], list(DEVICE_COLUMNS[: i + 1]), None))
    for m in bucket_minutes:
        label = f"+ last seen ({m} min)" if m < 60 else f"+ last seen ({m // 60} h)"
        steps.append((label, [*DEVICE_COLUMNS, "last_seen_bucket"], m))
    return steps


def uniqueness_table(
    people: pd.DataFrame,
    mask: np.ndarray | None = None,
    bucket_minutes: Sequence[int] = (60, 10, 1),
) -> pd.DataFrame:
    """Uniqueness statistics for each cumulative feature set, over the rows in ``mask``.

    Parameters
    ----------
    people : pandas.DataFrame
        The population.
    mask : numpy.ndarray of bool, optional
        Whose data is in the shared set (default: WhatsApp users who did not leave).
    bucket_minutes : sequence of int
        Last-seen bucket widths added after the device fields.

    Returns
    -------
    pandas.DataFrame
        One row per feature set: ``features``, ``n``, ``n_combinations``, ``unique_share``,
        ``entropy_bits``, ``max_entropy_bits``, ``median_k``.
    """
    if mask is None:
        mask = people["is_whatsapp_user"].to_numpy(bool) & (
            people["consent_state"].astype(str).to_numpy() != "left_whatsapp"
        )
    sub = people.loc[mask, list(DEVICE_COLUMNS)].copy()
    rows = []
    for label, cols, minutes in fingerprint_steps(bucket_minutes):
        if minutes is not None:
            sub["last_seen_bucket"] = last_seen_bucket(
                people.loc[mask, "whatsapp_last_seen_at"], minutes
            ).to_numpy()
        rows.append({"features": label, **uniqueness(sub, cols)})
    return pd.DataFrame(rows)


def k_anonymity_table(
    people: pd.DataFrame,
    mask: np.ndarray | None = None,
    bucket_minutes: Sequence[int] = (60, 10, 1),
) -> pd.DataFrame:
    """k-anonymity distribution (share of people per class-size band) for each feature set."""
    if mask is None:
        mask = people["is_whatsapp_user"].to_numpy(bool) & (
            people["consent_state"].astype(str).to_numpy() != "left_whatsapp"
        )
    sub = people.loc[mask, list(DEVICE_COLUMNS)].copy()
    out = {}
    for label, cols, minutes in fingerprint_steps(bucket_minutes):
        if minutes is not None:
            sub["last_seen_bucket"] = last_seen_bucket(
                people.loc[mask, "whatsapp_last_seen_at"], minutes
            ).to_numpy()
        out[label] = k_anonymity_distribution(sub, cols)
    return pd.DataFrame(out).T.rename_axis("features")


def fingerprint_links(
    people: pd.DataFrame,
    whatsapp_side: np.ndarray,
    facebook_side: np.ndarray,
    columns: Sequence[str] = DEVICE_COLUMNS,
) -> pd.DataFrame:
    """Link records whose device combination is unique on both sides and equal.

    Parameters
    ----------
    people : pandas.DataFrame
    whatsapp_side : numpy.ndarray of bool
        People whose shared device fields reached Facebook.
    facebook_side : numpy.ndarray of bool
        People whose phone Facebook's own app sees (the Facebook app on the phone).
    columns : sequence of str
        Device columns compared.

    Returns
    -------
    pandas.DataFrame
        ``whatsapp_person_id``, ``facebook_person_id``: one row per predicted link.
    """
    cols = list(columns)
    both = people.loc[whatsapp_side | facebook_side, ["person_id", *cols]]
    code = fingerprint_codes(both, cols)
    on_wa = whatsapp_side[whatsapp_side | facebook_side]
    on_fb = facebook_side[whatsapp_side | facebook_side]
    n_codes = int(code.max()) + 1 if code.size else 0
    unique_wa = np.bincount(code[on_wa], minlength=n_codes) == 1
    unique_fb = np.bincount(code[on_fb], minlength=n_codes) == 1
    pid = both["person_id"].to_numpy()
    keep_wa = on_wa & unique_wa[code] & unique_fb[code]
    keep_fb = on_fb & unique_wa[code] & unique_fb[code]
    left = pd.DataFrame({"code": code[keep_wa], "whatsapp_person_id": pid[keep_wa]})
    right = pd.DataFrame({"code": code[keep_fb], "facebook_person_id": pid[keep_fb]})
    pairs = left.merge(right, on="code", how="inner", validate="one_to_one")
    return pairs[["whatsapp_person_id", "facebook_person_id"]].astype("int64")
