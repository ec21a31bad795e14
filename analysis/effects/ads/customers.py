"""Synthetic businesses and their customer lists, written as customers give numbers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.core.schema import Table
from analysis.core.seeds import stream
from analysis.effects.ads.params import AD_CUSTOMERS, AdsParams
from analysis.effects.hashing import (
    normalise_emails,
    normalise_phones,
    sha256_hex,
)
from analysis.world.params import COUNTRIES
from analysis.world.writing import TYPO_KINDS, write_numbers

__all__ = [
    "CustomerLists",
    "generate_customer_lists",
    "hash_customer_keys",
]


@dataclass
class CustomerLists:
    """The businesses and their customer lists.

    Attributes
    ----------
    businesses : pandas.DataFrame
        ``business_id``, ``country_code``, ``list_size_count``.
    customers : pandas.DataFrame
        :data:`AD_CUSTOMERS`.
    """

    businesses: pd.DataFrame
    customers: pd.DataFrame


def _messy_emails(email: pd.Series, rng: np.random.Generator, share: float) -> pd.Series:
    email = email.astype("string")
    messy = rng.random(len(email)) < share
    kind = rng.integers(0, 3, size=len(email))
    capital = email.str.slice(0, 1).str.upper() + email.str.slice(1)
    upper = email.str.upper()
    spaced = "  " + email + " "
    out = email.copy()
    out = out.mask(messy & (kind == 0), capital)
    out = out.mask(messy & (kind == 1), upper)
    out = out.mask(messy & (kind == 2), spaced)
    return out


def generate_customer_lists(
    people: pd.DataFrame, params: AdsParams | None = None, *, seed: int
) -> CustomerLists:
    """Draw synthetic businesses and their customer lists from ``people``.

    Each business sits in one country (drawn with ``params.country_weights`` among the
    countries present) and its customers are distinct people of that country. Phone
    numbers are written by :func:`analysis.world.write_numbers` in a style drawn from
    ``params.phone_style_weights``, with a typo (:data:`analysis.world.TYPO_KINDS`) at
    ``params.typo_share``; emails are given at ``params.email_share``.

    Parameters
    ----------
    people : pandas.DataFrame
        The population (needs ``person_id``, ``country_code``, ``phone_e164``, ``email``).
    params : AdsParams, optional
    seed : int
        Same seed, same lists.

    Returns
    -------
    CustomerLists

    Examples
    --------
    >>> from analysis.world import WorldParams
    >>> from analysis.world import generate_population
    >>> people = generate_population(WorldParams(n_people=400, seed=1))
    >>> params = AdsParams(n_businesses=4, list_size_median=20)
    >>> lists = generate_customer_lists(people, params, seed=1)
    >>> per_business = lists.customers.groupby("business_id")["person_id"].nunique()
    >>> len(lists.businesses), int(per_business.min()) > 0
    (4, True)
    """
    params = params or AdsParams()
    _require(people, ("person_id", "country_code", "phone_e164", "email"), "people")
    rng = stream(seed, "ads-customer-lists")
    country = people["country_code"].astype(str).to_numpy()
    present = [
        c for c in COUNTRIES if params.country_weights.get(c, 0) > 0 and (country == c).any()
    ]
    if not present:
        raise ValueError(
            "ads: no business country has people: country_weights "
            f"{ {c: w for c, w in params.country_weights.items() if w > 0} } vs population "
            f"countries {sorted(set(country))}"
        )
    weights = np.array([params.country_weights[c] for c in present], dtype=float)
    business_country = rng.choice(
        np.array(present, dtype=object), size=params.n_businesses, p=weights / weights.sum()
    )
    sizes = np.maximum(
        1,
        np.round(
            rng.lognormal(
                np.log(params.list_size_median), params.list_size_sigma, params.n_businesses
            )
        ),
    )
    order = np.argsort(country, kind="stable")
    sorted_country = country[order]
    person_ids = people["person_id"].to_numpy()[order]
    chunks_b, chunks_p = [], []
    for b, (c, size) in enumerate(zip(business_country, sizes.astype(np.int64), strict=True)):
        lo, hi = (
            np.searchsorted(sorted_country, c, "left"),
            np.searchsorted(sorted_country, c, "right"),
        )
        take = min(int(size), hi - lo)
        chosen = rng.choice(hi - lo, size=take, replace=False) + lo
        chunks_p.append(person_ids[chosen])
        chunks_b.append(np.full(take, b, dtype=np.int64))
    business_id = np.concatenate(chunks_b)
    person_id = np.concatenate(chunks_p).astype(np.int64)
    n = person_id.size
    row = _rows(people, person_id)
    style_names = np.array(list(params.phone_style_weights), dtype=object)
    style_p = np.array(list(params.phone_style_weights.values()), dtype=float)
    style = rng.choice(style_names, size=n, p=style_p / style_p.sum())
    # one typo (a subscriber digit dropped, doubled, replaced or swapped) in some numbers
    is_typo = rng.random(n) < params.typo_share
    typo = np.full(n, "", dtype=object)
    typo[is_typo] = rng.choice(np.array(TYPO_KINDS, dtype=object), size=int(is_typo.sum()))
    phone_raw = write_numbers(
        people["phone_e164"].to_numpy(dtype=object)[row],
        country[row],
        style,
        typo=typo,
        typo_at=rng.random(n),
    ).to_numpy(dtype=object)
    gives_email = rng.random(n) < params.email_share
    email = _messy_emails(
        pd.Series(people["email"].to_numpy(dtype=object)[row]), rng, params.email_messy_share
    )
    email = email.where(pd.Series(gives_email))
    customers = pd.DataFrame(
        {
            "customer_id": np.arange(n, dtype=np.int64),
            "business_id": business_id,
            "country_code": business_country[business_id],
            "person_id": person_id,
            "phone_style": style,
            "phone_raw": phone_raw,
            "phone_e164": "+"
            + normalise_phones(phone_raw, business_country[business_id])["match_key"],
            "is_phone_typo": is_typo,
            "email_raw": email,
        }
    )
    customers = _apply(customers, AD_CUSTOMERS)
    businesses = pd.DataFrame(
        {
            "business_id": np.arange(params.n_businesses, dtype=np.int64),
            "country_code": business_country.astype(str),
            "list_size_count": np.bincount(business_id, minlength=params.n_businesses).astype(
                np.int64
            ),
        }
    )
    return CustomerLists(businesses, customers)


def hash_customer_keys(customers: pd.DataFrame, *, include_emails: bool = True) -> pd.DataFrame:
    """Normalise and hash every customer's phone (and email) as the Marketing API asks.

    Returns
    -------
    pandas.DataFrame
        One row per customer and key kind: ``customer_id``, ``business_id``,
        ``key_kind`` (``phone``/``email``), ``key_sha256`` (null when the value could
        not be normalised) and ``reason`` (``"ok"`` or why not).
    """
    _require(
        customers,
        ("customer_id", "business_id", "country_code", "phone_raw", "email_raw"),
        "customers",
    )
    phones = normalise_phones(
        customers["phone_raw"].to_numpy(dtype=object),
        customers["country_code"].astype(str).to_numpy(),
    )
    frames = [
        pd.DataFrame(
            {
                "customer_id": customers["customer_id"].to_numpy(),
                "business_id": customers["business_id"].to_numpy(),
                "key_kind": "phone",
                "key_sha256": sha256_hex(
                    phones["match_key"].astype(object).where(phones["match_key"].notna(), None)
                ),
                "reason": phones["reason"].to_numpy(),
            }
        )
    ]
    if include_emails:
        given = customers["email_raw"].notna().to_numpy()
        emails = normalise_emails(customers["email_raw"].to_numpy(dtype=object)[given])
        frames.append(
            pd.DataFrame(
                {
                    "customer_id": customers["customer_id"].to_numpy()[given],
                    "business_id": customers["business_id"].to_numpy()[given],
                    "key_kind": "email",
                    "key_sha256": sha256_hex(
                        emails["match_key"].astype(object).where(emails["match_key"].notna(), None)
                    ),
                    "reason": emails["reason"].to_numpy(),
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    out["key_kind"] = pd.Categorical(out["key_kind"], categories=["email", "phone"])
    return out


def _require(frame: pd.DataFrame, columns, what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what}: missing column(s) {missing}; has {list(frame.columns)}")


def _check_person_ids(people: pd.DataFrame) -> None:
    pid = people["person_id"].to_numpy()
    if not np.array_equal(pid, np.arange(len(people))):
        raise ValueError(
            "people: person_id must equal the row position 0..n-1 (see analysis.world.PEOPLE)"
        )


def _rows(people: pd.DataFrame, person_id: np.ndarray) -> np.ndarray:
    _check_person_ids(people)
    return person_id


def _apply(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    out = frame[table.columns].copy()
    for f in table.fields:
        if f.dtype == "category":
            out[f.name] = pd.Categorical(out[f.name].astype(str))
        elif f.dtype == "string":
            out[f.name] = out[f.name].astype("string")
        else:
            out[f.name] = out[f.name].astype(f.dtype)
    return out
