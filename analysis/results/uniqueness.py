"""Fingerprint uniqueness as a curve over population size, extrapolated to real countries.

Whether the shared phone details (OS, version, screen, MCC, MNC, last seen) single a
WhatsApp user out depends on how many other users are compared: the same combination that
is unique among 700 users of a 1,500-person world is shared by thousands among India's 160
million. A share "unique" from one world size is therefore not a finding; the finding is
the curve.

Two ways, which agree where both apply:

* **Simulated** (:func:`simulated_uniqueness`): generate the population alone (the
  fingerprint needs no ties) at 1,500 to 1,000,000 people, several seeds, and measure the
  share unique, the share in a group of at most 5 (k-anonymity <= 5), the median group size
  and the fingerprint link's recall and precision (:func:`analysis.linking.fingerprint_links`,
  device fields unique on both sides, under ``mix_2016``).
* **Expected** (:func:`expected_uniqueness`): the model draws each field from published
  shares (``data/reference/``), independently given the country and the OS, and the time
  since last seen from an exponential distribution. That gives every combination's
  probability ``p`` exactly, so among ``n`` users the expected share unique is
  ``sum p (1 - p)^(n - 1)`` and the expected share in a group of at most ``k`` is
  ``sum p P(Binomial(n - 1, p) <= k - 1)``, for any ``n``. :func:`country_extrapolation`
  evaluates it at each country's real number of WhatsApp users in 2016
  (``data/reference/countries.csv``), among that country's users (the MCC names the
  country, so nobody abroad shares a combination that includes it).

The extrapolation is exact *for the model's distributions*; the real ones have more
device models (more cells: more unique) and a last-seen clock that is not exponential.

:func:`run_uniqueness` stores all three tables in :data:`UNIQUENESS_DIR`
(``data/results/uniqueness/``) with a manifest; :func:`load_uniqueness` reads them back.

>>> import numpy as np
>>> expected_share(np.array([0.5, 0.5]), None, 2)  # two equally likely cells, 2 people
{'unique_share': 0.5, 'k5_share': 1.0}
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.core.io import write_json, write_parquet
from analysis.core.paths import DATA_DIR
from analysis.core.progress import iterate
from analysis.core.provenance import provenance
from analysis.world.params import WorldParams

__all__ = [
    "CURVE_STEPS",
    "SIM_SIZES",
    "UNIQUENESS_DIR",
    "bucket_probabilities",
    "by_size_table",
    "cell_table",
    "compress_cells",
    "country_extrapolation",
    "country_table",
    "expected_at",
    "expected_share",
    "expected_uniqueness",
    "load_uniqueness",
    "run_uniqueness",
    "simulated_uniqueness",
    "step_probabilities",
]

#: The tracked uniqueness results (``python -m analysis uniqueness`` writes it).
UNIQUENESS_DIR = DATA_DIR / "results" / "uniqueness"

#: People per simulated world.
SIM_SIZES: tuple[int, ...] = (1_500, 3_000, 10_000, 30_000, 100_000, 300_000, 1_000_000)

#: Seeds per simulated size.
SIM_SEEDS: tuple[int, ...] = (2016, 2017, 2018)

#: Feature sets of the curve (labels of :func:`analysis.linking.fingerprint_steps`).
CURVE_STEPS: tuple[str, ...] = (
    "+ MNC",
    "+ last seen (1 h)",
    "+ last seen (10 min)",
    "+ last seen (1 min)",
)

#: Numbers of WhatsApp users at which the expected curve is tabulated.
CURVE_USERS: tuple[int, ...] = tuple(round(float(x)) for x in np.logspace(2.5, 9, 27))

_FIELDS = ("os_name", "os_version", "screen_resolution", "mcc", "mnc")


def _non_leaver_share(params: WorldParams) -> float:
    return 1.0 - (1.0 - params.whatsapp_new_user_share) * params.whatsapp_left_share


def cell_table(params: WorldParams | None = None) -> pd.DataFrame:
    """Probability of every device combination among compared WhatsApp users.

    The compared users are WhatsApp users who did not leave (as
    :func:`analysis.linking.uniqueness_table`). The generator draws the OS from the
    country's shares, version and screen from the OS's, the carrier (MCC, MNC) from the
    country's, each share rescaled to sum to one (:func:`analysis.core.normalised_shares`).

    Returns
    -------
    pandas.DataFrame
        ``country_code``, the five device columns, ``country_share`` (the country's share
        of compared users), ``p_in_country`` (the combination's probability within the
        country) and ``p`` (its probability among all compared users).

    Examples
    --------
    >>> t = cell_table()
    >>> bool(np.isclose(t["p"].sum(), 1.0)), bool(np.allclose(
    ...     t.groupby("country_code")["p_in_country"].sum(), 1.0))
    (True, True)
    """
    from analysis.core.reference import load, normalised_shares

    params = params or WorldParams()
    countries = load("countries").set_index("country_code")
    shares = params.country_shares()
    weight = {c: s * float(countries.at[c, "whatsapp_adoption_share"]) for c, s in shares.items()}
    total = sum(weight.values())
    os_by_country = normalised_shares("os_share", "country_code", "os_name", "market_share")
    versions = normalised_shares("os_versions", "os_name", "os_version", "version_share")
    screens = normalised_shares(
        "screen_resolutions", "os_name", "screen_resolution", "resolution_share"
    )
    carriers = load("carriers")
    recs = []
    for code in shares:
        if weight[code] <= 0:
            continue
        rows = carriers[carriers["country_code"] == code]
        cw = rows["market_share"].to_numpy(float)
        cw = cw / cw.sum()
        names, p_os = os_by_country[code]
        for os_, po in zip(names, p_os, strict=True):
            for v, pv in zip(*versions[str(os_)], strict=True):
                for s, ps in zip(*screens[str(os_)], strict=True):
                    for (mcc, mnc), pc in zip(
                        rows[["mcc", "mnc"]].itertuples(index=False, name=None), cw, strict=True
                    ):
                        recs.append(
                            (code, str(os_), str(v), str(s), str(mcc), str(mnc), po * pv * ps * pc)
                        )
    out = pd.DataFrame(recs, columns=["country_code", *_FIELDS, "p_in_country"])
    out["country_share"] = out["country_code"].map(weight) / total
    out["p"] = out["p_in_country"] * out["country_share"]
    return out


def bucket_probabilities(minutes: int, mean_hours: float, *, tail: float = 1e-10) -> np.ndarray:
    """Probability of each last-seen bucket of ``minutes`` (most recent first).

    The generator sets last seen to the snapshot minus ``round(60 h)`` minutes, ``h``
    exponential with mean ``mean_hours``; the snapshot falls on a bucket boundary, so the
    bucket is ``ceil(m / minutes)`` buckets back: bucket 0 holds ``m = 0`` (``60 h < 0.5``),
    bucket ``j`` holds ``60 h`` in ``(minutes (j - 1) + 0.5, minutes j + 0.5)``. Buckets
    are listed until the rest of the tail is below ``tail``.

    >>> p = bucket_probabilities(60, 18.0)
    >>> bool(abs(p.sum() - 1) < 1e-9), bool(p[1] > p[2])
    (True, True)
    """
    if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes < 1:
        raise ValueError(f"minutes = {minutes!r} is not allowed: must be an integer >= 1")
    if not mean_hours > 0:
        raise ValueError(f"mean_hours = {mean_hours!r} must be positive")
    scale = 60.0 * mean_hours  # mean in minutes
    last = int(np.ceil(-scale * np.log(tail) / minutes)) + 1
    edges = np.concatenate([[0.0], minutes * np.arange(0, last + 1) + 0.5])
    cdf = -np.expm1(-edges / scale)
    return np.diff(cdf)


def step_probabilities(
    cells: pd.DataFrame, step: str, mean_hours: float, country: str | None = None
) -> tuple[np.ndarray, np.ndarray | None]:
    """Probabilities of the device part and of the last-seen part of one feature set.

    Parameters
    ----------
    cells : pandas.DataFrame
        :func:`cell_table` output.
    step : str
        A label of :func:`analysis.linking.fingerprint_steps`.
    mean_hours : float
        Mean time since last seen (``WorldParams.last_seen_mean_hours``).
    country : str, optional
        Condition on one country (among its users only).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray or None)
        Device-part probabilities, and last-seen bucket probabilities (``None`` without
        last seen); a combination's probability is their product.
    """
    from analysis.linking.fingerprint import fingerprint_steps

    steps = {label: (cols, minutes) for label, cols, minutes in fingerprint_steps()}
    if step not in steps:
        raise ValueError(f"step = {step!r} unknown; allowed: {list(steps)}")
    cols, minutes = steps[step]
    device = [c for c in cols if c != "last_seen_bucket"]
    if country is not None:
        part = cells[cells["country_code"] == country]
        if part.empty:
            raise ValueError(f"country = {country!r} has no compared users in the cell table")
        p = part.groupby(device, observed=True)["p_in_country"].sum().to_numpy(float)
    else:
        p = cells.groupby(device, observed=True)["p"].sum().to_numpy(float)
    buckets = None if minutes is None else bucket_probabilities(minutes, mean_hours)
    return p, buckets


def compress_cells(
    device: np.ndarray,
    buckets: np.ndarray | None,
    *,
    bins: int = 20_000,
    chunk: int = 2_000_000,
) -> tuple[np.ndarray, np.ndarray]:
    """Group the combinations (device part times last-seen bucket) by probability.

    Combinations whose log-probabilities fall in one of ``bins`` equal bins (over the
    observed range; ``bins`` = 20,000 makes a bin a relative width of about 0.1% for a
    range of ten orders of magnitude) are replaced by that many combinations of their mean
    probability: the expected shares of :func:`expected_share` are smooth in ``p``, so this
    changes them by far less than a rounding digit, and lets them be evaluated at any
    number of users in microseconds.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Mean probability and number of combinations per non-empty bin (the probabilities
        times the counts sum to the total probability).

    >>> p, c = compress_cells(np.array([0.5, 0.5]), None)
    >>> p.tolist(), c.tolist()
    ([0.5], [2.0])
    """
    device = np.asarray(device, float)
    device = device[device > 0]
    b = np.ones(1) if buckets is None else np.asarray(buckets, float)
    b = b[b > 0]
    lo = np.log(device.min()) + np.log(b.min())
    hi = np.log(device.max()) + np.log(b.max())
    if hi - lo < 1e-12:
        return np.array([float(np.exp(hi))]), np.array([float(device.size * b.size)])
    edges = np.linspace(lo, hi + 1e-12, bins + 1)
    count = np.zeros(bins)
    mass = np.zeros(bins)
    step = max(1, chunk // b.size)
    for i in range(0, device.size, step):
        p = np.outer(device[i : i + step], b).ravel()
        idx = np.clip(np.searchsorted(edges, np.log(p), side="right") - 1, 0, bins - 1)
        count += np.bincount(idx, minlength=bins)
        mass += np.bincount(idx, weights=p, minlength=bins)
    keep = count > 0
    return mass[keep] / count[keep], count[keep]


def expected_share(
    device: np.ndarray, buckets: np.ndarray | None, n: float, *, exact: bool = False
) -> dict[str, float]:
    """Return the expected share unique and in a group of at most 5, among ``n`` users.

    With combination probabilities ``p`` (``device`` times ``buckets``, all pairs), the
    expected share unique is ``sum p (1 - p)^(n - 1)`` and the expected share whose
    combination at most 4 others share is ``sum p P(Binomial(n - 1, p) <= 4)``, the binomial
    terms summed exactly in log space. The combinations are grouped by probability
    (:func:`compress_cells`) unless ``exact``.
    """
    if exact:
        device = np.asarray(device, float)
        b = np.ones(1) if buckets is None else np.asarray(buckets, float)
        p, c = np.outer(device, b).ravel(), None
    else:
        p, c = compress_cells(device, buckets)
    return _shares(p, c, n)


def _shares(p: np.ndarray, count: np.ndarray | None, n: float) -> dict[str, float]:
    from scipy.special import gammaln

    if not n >= 1:
        raise ValueError(f"n = {n!r}: give at least one user")
    count = np.ones_like(p) if count is None else count
    keep = p > 0
    p, count = np.minimum(p[keep], 1.0 - 1e-15), count[keep]
    m = float(n) - 1.0
    log_p, log_q = np.log(p), np.log1p(-p)
    unique = float((count * p * np.exp(m * log_q)).sum())
    cdf = np.zeros_like(p)
    for j in range(5):
        if j <= m:
            lc = float(gammaln(m + 1) - gammaln(j + 1) - gammaln(m - j + 1))
            cdf += np.exp(lc + j * log_p + (m - j) * log_q)
    k5 = float((count * p * np.minimum(cdf, 1.0)).sum())
    return {"unique_share": round(unique, 12), "k5_share": round(min(k5, 1.0), 12)}


def expected_uniqueness(
    users: Sequence[float] = CURVE_USERS,
    steps: Sequence[str] = CURVE_STEPS,
    params: WorldParams | None = None,
) -> pd.DataFrame:
    """Tabulate the expected share unique and in a group of at most 5, by number of users.

    Returns
    -------
    pandas.DataFrame
        ``features``, ``users`` (compared WhatsApp users), ``unique_share``, ``k5_share``.
    """
    params = params or WorldParams()
    cells = cell_table(params)
    recs = []
    for step in steps:
        dev, buckets = step_probabilities(cells, step, params.last_seen_mean_hours)
        p, count = compress_cells(dev, buckets)
        for n in users:
            recs.append({"features": step, "users": float(n), **_shares(p, count, n)})
    return pd.DataFrame(recs)


def country_extrapolation(
    steps: Sequence[str] = CURVE_STEPS, params: WorldParams | None = None
) -> pd.DataFrame:
    """Evaluate the expected shares at each country's real number of WhatsApp users in 2016.

    Among the country's own users (the MCC in every feature set of :data:`CURVE_STEPS`
    names the country). The counts and their confidence come from
    ``data/reference/countries.csv`` (``whatsapp_users_2016_count``).

    Returns
    -------
    pandas.DataFrame
        ``country_code``, ``country_name``, ``whatsapp_users_2016``, ``count_confidence``,
        ``features``, ``unique_share``, ``k5_share``.
    """
    from analysis.core.reference import load

    params = params or WorldParams()
    cells = cell_table(params)
    ref = load("countries").set_index("country_code")
    recs = []
    for code in params.country_shares():
        n = float(ref.at[code, "whatsapp_users_2016_count"])
        for step in steps:
            dev, buckets = step_probabilities(cells, step, params.last_seen_mean_hours, code)
            recs.append(
                {
                    "country_code": code,
                    "country_name": str(ref.at[code, "country_name"]),
                    "whatsapp_users_2016": n,
                    "count_confidence": str(ref.at[code, "whatsapp_users_2016_confidence"]),
                    "features": step,
                    **expected_share(dev, buckets, n),
                }
            )
    return pd.DataFrame(recs)


def _world_rows(n_people: int, seed: int) -> list[dict[str, Any]]:
    from analysis.linking import compute_links, mechanism_scores
    from analysis.linking.fingerprint import k_anonymity_table, uniqueness_table
    from analysis.policy import builtin_scenarios
    from analysis.world import generate_population

    people = generate_population(WorldParams(n_people=n_people, seed=seed))
    uniq = uniqueness_table(people)
    kan = k_anonymity_table(people)
    recs = []
    for r in uniq.itertuples(index=False):
        recs.append(
            {
                "n_people": n_people,
                "seed": seed,
                "features": r.features,
                "users": int(r.n),
                "n_combinations": int(r.n_combinations),
                "unique_share": float(r.unique_share),
                "k5_share": float(kan.loc[r.features, ["1 (unique)", "2-5"]].sum()),
                "median_k": float(r.median_k),
                "entropy_bits": float(r.entropy_bits),
            }
        )
    links = compute_links(people, builtin_scenarios()["mix_2016"], None, seed=seed)
    score = mechanism_scores(people, links).set_index("mechanism").loc["fingerprint"]
    recs.append(
        {
            "n_people": n_people,
            "seed": seed,
            "features": "fingerprint link (device fields)",
            "users": int(score["true"]),
            "n_combinations": -1,
            "unique_share": float("nan"),
            "k5_share": float("nan"),
            "median_k": float("nan"),
            "entropy_bits": float("nan"),
            "link_recall": float(score["recall"]),
            "link_precision": float(score["precision"]),
        }
    )
    return recs


def simulated_uniqueness(
    sizes: Sequence[int] = SIM_SIZES, seeds: Sequence[int] = SIM_SEEDS, *, progress: bool = False
) -> pd.DataFrame:
    """Measured uniqueness of generated populations (no ties needed), per size and seed.

    Returns
    -------
    pandas.DataFrame
        ``n_people``, ``seed``, ``features``, ``users`` (compared WhatsApp users),
        ``n_combinations``, ``unique_share``, ``k5_share``, ``median_k``, ``entropy_bits``,
        ``link_recall``, ``link_precision`` (the last two on the fingerprint-link row).
    """
    tasks = [(int(n), int(s)) for n in sizes for s in seeds]
    recs = []
    for n, s in iterate(tasks, progress, "populations"):
        recs += _world_rows(n, s)
    out = pd.DataFrame(recs)
    for c in ("link_recall", "link_precision"):
        if c not in out:
            out[c] = np.nan
    return out


def run_uniqueness(
    out: Path | str = UNIQUENESS_DIR,
    sizes: Sequence[int] = SIM_SIZES,
    seeds: Sequence[int] = SIM_SEEDS,
    *,
    progress: bool = False,
) -> dict[str, Any]:
    """Compute and store the simulated and expected curves and the country extrapolation.

    Writes ``simulated.parquet``, ``expected.parquet``, ``countries.parquet`` and
    ``manifest.json`` into ``out`` (each to a temporary file, then renamed).
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ValueError(f"out = {str(out)!r} is a file, not a folder")
    sim = simulated_uniqueness(sizes, seeds, progress=progress)
    exp = expected_uniqueness()
    countries = country_extrapolation()
    for name, df in (("simulated", sim), ("expected", exp), ("countries", countries)):
        write_parquet(df, out / f"{name}.parquet", compression="snappy")
    manifest = {
        "what": "fingerprint uniqueness against population size; expected curve; countries",
        "method_expected": "sum over combinations of p (1 - p)^(n - 1) (unique) and "
        "p P(Binomial(n - 1, p) <= 4) (group of at most 5), with p from the model's "
        "reference shares and its exponential last-seen clock",
        "sizes": [int(n) for n in sizes],
        "seeds": [int(s) for s in seeds],
        "rows": {"simulated": len(sim), "expected": len(exp), "countries": len(countries)},
        **provenance(),
    }
    write_json(manifest, out / "manifest.json")
    return manifest


def load_uniqueness(out: Path | str = UNIQUENESS_DIR) -> dict[str, Any]:
    """Read the stored uniqueness results: ``manifest``, ``simulated``, ``expected``, ``countries``.

    Raises
    ------
    FileNotFoundError
        If ``out`` holds no results (run ``python -m analysis uniqueness``).
    """
    out = Path(out)
    if not (out / "manifest.json").exists():
        raise FileNotFoundError(
            f"{out} holds no uniqueness results: run `python -m analysis uniqueness`"
        )
    res: dict[str, Any] = {"manifest": json.loads((out / "manifest.json").read_text())}
    for name in ("simulated", "expected", "countries"):
        res[name] = pd.read_parquet(out / f"{name}.parquet")
    return res


def _cell_share(x: float) -> str:
    """Write a share for a table: ``under 0.1%`` when too small to print (``0.0%`` reads as 0).

    >>> _cell_share(0.0002), _cell_share(0.0), _cell_share(0.25)
    ('under 0.1%', '0%', '25%')
    """
    from analysis.core.formatting import fmt_share

    return "under 0.1%" if 0 < x < 0.0005 else fmt_share(x)


def by_size_table(simulated: pd.DataFrame, steps: Sequence[str] = CURVE_STEPS) -> pd.DataFrame:
    """Measured share unique per world size (mean over seeds), and the fingerprint link's recall.

    Returns
    -------
    pandas.DataFrame
        ``people``, ``WhatsApp users compared``, one ``unique: <step>`` column per step,
        ``fingerprint link recall``, ``seeds``.
    """
    from analysis.core.formatting import fmt_count

    g = simulated.groupby("n_people")
    recs = []
    for n, part in g:
        rec = {
            "people": fmt_count(n),
            "WhatsApp users compared": fmt_count(
                part.loc[part["features"] == steps[0], "users"].mean()
            ),
        }
        for step in steps:
            rec[f"unique: {step.lstrip('+ ')}"] = _cell_share(
                part.loc[part["features"] == step, "unique_share"].mean()
            )
        link = part.loc[part["features"] == "fingerprint link (device fields)", "link_recall"]
        rec["fingerprint link recall"] = _cell_share(link.mean())
        rec["seeds"] = int(part["seed"].nunique())
        recs.append(rec)
    return pd.DataFrame(recs)


def country_table(countries: pd.DataFrame) -> pd.DataFrame:
    """Tabulate the expected share unique (and in a group of at most 5) per country, 2016.

    Returns
    -------
    pandas.DataFrame
        ``country``, ``WhatsApp users in 2016``, ``count confidence``, then per step
        ``unique`` and ``group of at most 5`` columns.
    """
    from analysis.core.formatting import fmt_count

    recs = []
    for _code, part in countries.groupby("country_code", sort=False):
        first = part.iloc[0]
        rec = {
            "country": first["country_name"],
            "WhatsApp users in 2016": fmt_count(first["whatsapp_users_2016"]),
            "count confidence": first["count_confidence"],
        }
        for r in part.itertuples(index=False):
            step = r.features.lstrip("+ ")
            rec[f"unique: {step}"] = _cell_share(r.unique_share)
            rec[f"at most 5 share it: {step}"] = _cell_share(r.k5_share)
        recs.append(rec)
    return pd.DataFrame(recs)


def expected_at(expected: pd.DataFrame, step: str, users: float) -> float:
    """Read the expected share unique at ``users`` off the stored curve (log-linear).

    >>> e = pd.DataFrame({"features": "s", "users": [100.0, 10_000.0],
    ...                   "unique_share": [0.9, 0.5]})
    >>> expected_at(e, "s", 1_000.0)
    0.7
    """
    e = expected[expected["features"] == step].sort_values("users")
    if e.empty:
        raise ValueError(f"step = {step!r} is not in the stored curve")
    return round(
        float(np.interp(np.log(users), np.log(e["users"].to_numpy()), e["unique_share"])), 12
    )
