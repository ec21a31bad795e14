"""Custom Audiences: businesses upload hashed customer lists, Facebook matches them to accounts.

The seed article names Custom Audiences as the advertising use of WhatsApp's phone
numbers. This module simulates it end to end:

1. **Customer lists** (:func:`generate_customer_lists`): synthetic businesses, each in
   one country, hold lists of customers drawn from the population, with the phone
   number written as the customer gave it (national or international format, spaces,
   ``00`` prefix, no country code, typos) and sometimes an email address.
2. **Upload** (:func:`hash_customer_keys`): normalised and SHA-256 hashed as the
   Marketing API asks (:mod:`analysis.hashing`).
3. **Facebook's side** (:func:`facebook_match_keys`): the hashes of every phone number
   and email Facebook holds, each attached to an account, with where it came from:

   * ``profile``, ``messenger``, ``two_factor``: the number on file
     (``people.facebook_phone_e164``; sometimes stale, i.e. now someone else's);
   * ``shadow_contacts``: numbers found in address books that Facebook users uploaded
     to Facebook, attached to the account of the person the number belongs to
     (Venkatadri et al., PETS 2019, showed these were usable for ad targeting);
   * ``email``: the account's email address (assumption: ``people.email``);
   * ``whatsapp``: WhatsApp's verified number (``people.phone_e164``) of a Facebook
     user, usable only where the scenario permits the *ads* purpose for that person
     (:func:`analysis.policy.permitted_purposes`);
   * ``whatsapp_contacts``: numbers from WhatsApp-held address books, only when the
     scenario's address-book switch is on (:func:`analysis.policy.address_books_flow`)
     and the book's owner permits ads.
4. **Matching** (:func:`match_customers`, :func:`evaluate_scenario`): one hash join for
   all sources, then a per-scenario filter of the WhatsApp-sourced rows. Reported:
   match rates per scenario and country, extra reach from WhatsApp data, audiences
   that reach the minimum audience size only because of it, and how many people whose
   ads purpose is off (opted out, left, paused) are still reachable through numbers
   Facebook got elsewhere.

>>> params = AdsParams(n_businesses=3, list_size_median=40)
>>> params.min_audience_size
100
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd
import phonenumbers as pn

from analysis.hashing import (
    ReversalResult,
    calling_code,
    normalise_emails,
    normalise_phones,
    reverse_by_enumeration,
    sha256_hex,
)
from analysis.params import COUNTRIES, ParameterError, Params, param
from analysis.phones import blocks
from analysis.population import stream
from analysis.schema import Field, Table, register

PHONE_STYLES = (
    "e164",
    "international",
    "international_idd",
    "digits_with_country_code",
    "national",
    "national_compact",
    "no_trunk_prefix",
)
"""How a customer writes their number (examples for ``+447610000001``):
``+447610000001``, ``+44 7610 000001``, ``0044 7610 000001`` (the international call
prefix dialled at home: :data:`IDD_PREFIX`), ``447610000001``, ``07610 000001``,
``07610000001``, ``7610 000001``."""

IDD_PREFIX = {"US": "011", "BR": "0021", "ID": "008"}
"""International call prefix where it is not ``00`` (Brazil: with a carrier code)."""

TYPO_KINDS = ("drop", "double", "substitute", "swap")
"""A digit left out, typed twice, replaced by another, or swapped with its neighbour."""

SOURCES = (
    "profile",
    "messenger",
    "two_factor",
    "shadow_contacts",
    "email",
    "whatsapp",
    "whatsapp_contacts",
)
"""Where a key Facebook matches on comes from; the last two are WhatsApp-sourced."""
WHATSAPP_SOURCES = ("whatsapp", "whatsapp_contacts")

#: Consent states that took the partial opt-out (ads purpose off by their own choice).
OPT_OUT_STATES = ("unticked_before_agreeing", "opted_out_in_window")

_VENKATADRI = (
    "Venkatadri et al., PETS 2019 'Investigating sources of PII used in Facebook's "
    "targeted advertising'"
)


@dataclass(frozen=True)
class AdsParams(Params):
    """Knobs of the Custom Audiences simulation (issue 6)."""

    section: ClassVar[str] = "ads"

    n_businesses: int = param(
        60,
        kind="int",
        low=1,
        high=100_000,
        unit="businesses",
        plausible=(20, 500),
        description="Number of synthetic businesses that upload a customer list.",
        source="convention",
        confidence="n/a",
    )
    list_size_median: int = param(
        150,
        kind="int",
        low=1,
        high=1_000_000,
        unit="customers",
        plausible=(30, 2_000),
        description="Median customer-list size (list sizes are log-normal; a list never "
        "exceeds the population of its country).",
        source="assumption (small businesses; chosen so that lists straddle the minimum "
        "audience size)",
    )
    list_size_sigma: float = param(
        0.8,
        kind="float",
        low=0.0,
        high=3.0,
        plausible=(0.3, 1.5),
        description="Spread (sigma of the logarithm) of customer-list sizes.",
    )
    country_weights: dict = param(
        {c: 1.0 for c in COUNTRIES},
        kind="weights",
        choices=COUNTRIES,
        description="Relative number of businesses per country (zero = none there); "
        "only countries present in the population are used.",
        source="assumption",
        confidence="n/a",
    )
    email_share: float = param(
        0.3,
        kind="share",
        plausible=(0.0, 0.8),
        description="Share of customers who also gave an email address.",
    )
    typo_share: float = param(
        0.03,
        kind="share",
        plausible=(0.0, 0.1),
        description="Share of customer phone numbers written with one typo "
        "(a digit dropped, doubled, replaced or swapped).",
    )
    phone_style_weights: dict = param(
        {
            "e164": 0.1,
            "international": 0.15,
            "international_idd": 0.05,
            "digits_with_country_code": 0.05,
            "national": 0.4,
            "national_compact": 0.15,
            "no_trunk_prefix": 0.1,
        },
        kind="weights",
        choices=PHONE_STYLES,
        description="How customers write their phone number (see analysis.ads.PHONE_STYLES).",
    )
    email_messy_share: float = param(
        0.3,
        kind="share",
        plausible=(0.0, 0.6),
        description="Share of given emails written with capitals or surrounding spaces "
        "(normalisation undoes both).",
    )
    match_emails: bool = param(
        True,
        kind="bool",
        description="Upload email hashes too, and match them against the email of every "
        "Facebook account (assumption: the account's email is people.email).",
        source="Marketing API accepts EMAIL and PHONE keys",
        confidence="med",
    )
    shadow_contacts_usable: bool = param(
        True,
        kind="bool",
        description="Facebook matches on numbers it found in other users' uploaded contacts "
        "(shadow contact information), attached to the account of the person they belong to.",
        source=_VENKATADRI + " (shown for 2018; its use in 2016 is an assumption)",
        confidence="med",
    )
    min_audience_size: int = param(
        100,
        kind="int",
        low=20,
        high=1_000,
        unit="accounts",
        plausible=(20, 1_000),
        description="Minimum matched audience Facebook requires before ads run.",
        source="reported between 20 and 1,000 over the years (domain notes, data-flows.md)",
        confidence="low",
    )

    def _check_consistency(self) -> None:
        if not any(self.country_weights.get(c, 0) > 0 for c in COUNTRIES):
            raise ParameterError("country_weights: at least one country needs a positive weight")


# --------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------
_ADS = "AdsParams (analysis/ads.py)"

AD_CUSTOMERS = register(
    Table(
        "ad_customers",
        "One row per customer on a synthetic business's list, as the business holds it "
        "before normalising and hashing.",
        (
            Field("customer_id", "Row identifier, 0..n-1.", "int64"),
            Field("business_id", "The business holding the list.", "int64"),
            Field(
                "country_code",
                "Country of the business (default region for numbers "
                "typed without a country code).",
                "category",
                "",
                _ADS,
            ),
            Field("person_id", "Ground truth: the person on the list (never uploaded).", "int64"),
            Field(
                "phone_style",
                "How the number was written (analysis.ads.PHONE_STYLES).",
                "category",
                "",
                _ADS,
            ),
            Field("phone_raw", "The number as the customer gave it.", "string", "", _ADS),
            Field("is_phone_typo", "The number was written with one typo.", "bool", "", _ADS),
            Field(
                "email_raw",
                "The email as given (null if none; capitals and spaces possible).",
                "string",
                "",
                _ADS,
            ),
        ),
    )
)

AD_MATCH_RATES = register(
    Table(
        "ad_match_rates",
        "Custom Audiences match rates per scenario and business country.",
        (
            Field("scenario", "Policy scenario (analysis.policy.builtin_scenarios).", "string"),
            Field(
                "country_code",
                "Country of the businesses; ALL for all countries together.",
                "string",
            ),
            Field("customers_count", "Customer rows uploaded.", "int64", "rows"),
            Field(
                "phone_unusable_count", "Rows whose phone could not be normalised.", "int64", "rows"
            ),
            Field(
                "matched_without_whatsapp_count",
                "Rows matched to an account through "
                "Facebook's own data (profile, Messenger, two-factor, shadow contacts, email).",
                "int64",
                "rows",
            ),
            Field(
                "matched_count",
                "Rows matched through any source the scenario permits.",
                "int64",
                "rows",
            ),
            Field(
                "match_without_whatsapp_share",
                "matched_without_whatsapp_count / customers_count.",
                "float64",
                "share",
            ),
            Field("match_share", "matched_count / customers_count.", "float64", "share"),
            Field(
                "extra_reach_count",
                "Accounts added to audiences by WhatsApp-sourced data, "
                "summed over the country's businesses.",
                "int64",
                "accounts",
            ),
            Field(
                "audiences_unlocked_count",
                "Businesses whose audience reaches the minimum size only because of WhatsApp data.",
                "int64",
                "businesses",
            ),
        ),
    )
)

AD_AUDIENCES = register(
    Table(
        "ad_audiences",
        "One row per scenario and business: audience size with and without WhatsApp data.",
        (
            Field("scenario", "Policy scenario.", "string"),
            Field("business_id", "The business.", "int64"),
            Field("country_code", "Country of the business.", "string"),
            Field("list_size_count", "Customers on the list.", "int64", "rows"),
            Field(
                "audience_without_whatsapp_count",
                "Distinct accounts matched through Facebook's own data.",
                "int64",
                "accounts",
            ),
            Field(
                "audience_count",
                "Distinct accounts matched through any permitted source.",
                "int64",
                "accounts",
            ),
            Field(
                "wrong_account_count",
                "Accounts in the audience that are not on the list "
                "(stale recycled numbers, typos).",
                "int64",
                "accounts",
            ),
            Field(
                "is_above_minimum_without_whatsapp",
                "Audience without WhatsApp data reaches the minimum size.",
                "bool",
            ),
            Field("is_above_minimum", "Audience reaches the minimum size.", "bool"),
            Field(
                "is_unlocked_by_whatsapp",
                "Reaches the minimum only because of WhatsApp data.",
                "bool",
            ),
        ),
    )
)

AD_OPT_OUT_REACH = register(
    Table(
        "ad_opt_out_reach",
        "Per scenario: Facebook users whose WhatsApp data may not be used for ads, and how "
        "many of them Facebook can still target through numbers or emails it got elsewhere.",
        (
            Field("scenario", "Policy scenario.", "string"),
            Field(
                "group",
                "ads_off_whatsapp_users (any reason) or opted_out (partial opt-out).",
                "string",
            ),
            Field(
                "people_count",
                "WhatsApp users in the group who have a Facebook account.",
                "int64",
                "people",
            ),
            Field(
                "reachable_by_phone_elsewhere_count",
                "Of those, people whose own current number "
                "Facebook holds without WhatsApp (number on file and not stale, or a shadow "
                "contact): any business with their number can target them.",
                "int64",
                "people",
            ),
            Field(
                "on_lists_count",
                "Of the group, people on at least one customer list.",
                "int64",
                "people",
            ),
            Field(
                "matched_on_lists_count",
                "Of those on lists, people still put in an audience "
                "(as themselves) without WhatsApp data (phone or email).",
                "int64",
                "people",
            ),
        ),
    )
)


# --------------------------------------------------------------------------------------
# 1. Customer lists
# --------------------------------------------------------------------------------------
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


_FORMATS = {
    "national": pn.PhoneNumberFormat.NATIONAL,
    "international": pn.PhoneNumberFormat.INTERNATIONAL,
}


def write_phone(e164: pd.Series | np.ndarray, styles: pd.Series | np.ndarray) -> np.ndarray:
    """Write E.164 numbers in the given styles (:data:`PHONE_STYLES`).

    Numbers of one calling code and length share one ``phonenumbers`` format, so it
    is worked out once per group (and checked on a sample of the group) and applied
    with vectorised string slicing; groups where the check fails are formatted
    number by number. The styles are string operations on those formats.

    >>> write_phone(np.array(["+447610000001"] * 3),
    ...             np.array(["national", "international_idd", "no_trunk_prefix"])).tolist()
    ['07610 000001', '0044 7610 000001', '7610 000001']
    >>> write_phone(np.array(["+12925550123"]), np.array(["international_idd"])).tolist()
    ['011 1 292-555-0123']
    """
    e164 = pd.Series(np.asarray(e164, dtype=object))
    styles = pd.Series(np.asarray(styles, dtype=object))
    bad = sorted(set(styles.unique()) - set(PHONE_STYLES))
    if bad:
        raise ValueError(f"unknown phone style(s) {bad}; allowed: {list(PHONE_STYLES)}")
    national, intl, nsn, idd = _formats(e164)
    national_s = pd.Series(national)
    intl_s = pd.Series(intl)
    # the national number written with the national format's spacing, no trunk prefix
    no_trunk = national_s.str.replace(r"^\(?0\)?\s*", "", regex=True)
    no_trunk = no_trunk.where(no_trunk.str.replace(r"\D", "", regex=True).str.len() > 0, nsn)
    options = {
        "e164": e164,
        "international": intl_s,
        "international_idd": pd.Series(idd)
        + intl_s.str.slice(1).where(pd.Series(idd) == "00", " " + intl_s.str.slice(1)),
        "digits_with_country_code": e164.str.slice(1),
        "national": national_s,
        "national_compact": national_s.str.replace(r"[\s\-\(\)]", "", regex=True),
        "no_trunk_prefix": no_trunk,
    }
    out = np.empty(len(e164), dtype=object)
    for style, values in options.items():
        hit = (styles == style).to_numpy()
        out[hit] = values.to_numpy()[hit]
    return out


def _template(formatted: str, nsn: str) -> list[str | tuple[int, int]] | None:
    """Split a formatted number into literal text and slices of the national number."""
    positions = [i for i, ch in enumerate(formatted) if ch.isdigit()]
    if len(positions) < len(nsn):
        return None
    slots = positions[len(positions) - len(nsn) :]
    if "".join(formatted[i] for i in slots) != nsn:
        return None
    parts: list[str | tuple[int, int]] = []
    cursor = 0
    for j, pos in enumerate(slots):
        if pos > cursor:
            parts.append(formatted[cursor:pos])
        if parts and isinstance(parts[-1], tuple) and parts[-1][1] == j and pos == cursor:
            parts[-1] = (parts[-1][0], j + 1)
        else:
            parts.append((j, j + 1))
        cursor = pos + 1
    if cursor < len(formatted):
        parts.append(formatted[cursor:])
    return parts


def _apply_template(parts: list, nsn: pd.Series) -> pd.Series:
    out = pd.Series([""] * len(nsn), index=nsn.index, dtype=object)
    for part in parts:
        out = out + (part if isinstance(part, str) else nsn.str.slice(part[0], part[1]))
    return out


def _formats(e164: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """National and international formats, national number and IDD prefix of each number."""
    codes, uniques = pd.factorize(e164)
    uniques = pd.Series(np.asarray(uniques, dtype=object))
    national = np.empty(len(uniques), dtype=object)
    intl = np.empty(len(uniques), dtype=object)
    nsn = np.empty(len(uniques), dtype=object)
    idd = np.empty(len(uniques), dtype=object)
    calling = uniques.str.slice(1).map(calling_code)
    # the format depends on the calling code, the length and the leading digits
    lead = pd.Series([u[1 + len(c) : 5 + len(c)] for u, c in zip(uniques, calling, strict=True)])
    group = calling + ":" + uniques.str.len().astype(str) + ":" + lead
    for _, idx in pd.Series(np.arange(len(uniques))).groupby(group.to_numpy()):
        rows = idx.to_numpy()
        values = uniques.iloc[rows]
        cc = calling.iloc[rows[0]]
        sub = values.str.slice(1 + len(cc))
        first = pn.parse(values.iloc[0], None)
        nat_t = _template(pn.format_number(first, _FORMATS["national"]), str(first.national_number))
        int_t = _template(
            pn.format_number(first, _FORMATS["international"]), str(first.national_number)
        )
        check = rows[:: max(1, len(rows) // 25)]
        ok = nat_t is not None and int_t is not None and not sub.str.startswith("0").any()
        if ok:
            nat_v = _apply_template(nat_t, sub)
            int_v = _apply_template(int_t, sub)
            for r in check:
                p = pn.parse(uniques.iloc[r], None)
                pos = int(np.searchsorted(rows, r))
                ok &= nat_v.iloc[pos] == pn.format_number(p, _FORMATS["national"])
                ok &= int_v.iloc[pos] == pn.format_number(p, _FORMATS["international"])
        if not ok:  # formats differ inside the group: number by number
            parsed = [pn.parse(v, None) for v in values]
            nat_v = pd.Series([pn.format_number(p, _FORMATS["national"]) for p in parsed])
            int_v = pd.Series([pn.format_number(p, _FORMATS["international"]) for p in parsed])
            sub = pd.Series([str(p.national_number) for p in parsed])
        national[rows] = nat_v.to_numpy(dtype=object)
        intl[rows] = int_v.to_numpy(dtype=object)
        nsn[rows] = sub.to_numpy(dtype=object)
        idd[rows] = IDD_PREFIX.get(pn.region_code_for_country_code(int(cc or 0)), "00")
    return national[codes], intl[codes], nsn[codes], idd[codes]


def _typo(text: str, kind: str, u: float, digit: int) -> str:
    positions = [i for i, ch in enumerate(text) if ch.isdigit()]
    if len(positions) < 2:
        return text
    k = min(int(u * len(positions)), len(positions) - 1)
    i = positions[k]
    if kind == "drop":
        return text[:i] + text[i + 1 :]
    if kind == "double":
        return text[:i] + text[i] + text[i:]
    if kind == "substitute":
        new = str((int(text[i]) + 1 + digit % 9) % 10)  # always a different digit
        return text[:i] + new + text[i + 1 :]
    j = positions[k + 1] if k + 1 < len(positions) else positions[k - 1]
    a, b = sorted((i, j))
    swapped = text[:a] + text[b] + text[a + 1 : b] + text[a] + text[b + 1 :]
    # swapping two equal digits changes nothing: replace the digit instead
    return swapped if swapped != text else _typo(text, "substitute", u, digit)


def add_typos(
    raw: np.ndarray, rng: np.random.Generator, share: float
) -> tuple[np.ndarray, np.ndarray]:
    """Put one typo (:data:`TYPO_KINDS`) into a random ``share`` of the numbers.

    Returns the new numbers and a bool array marking the changed rows. Only the
    typo rows are touched (a short comprehension over them).

    >>> raw = np.array(["07610 000001"], dtype=object)
    >>> out, hit = add_typos(raw, np.random.default_rng(0), 1.0)
    >>> bool(hit[0]), out[0] != "07610 000001"
    (True, True)
    """
    raw = np.asarray(raw, dtype=object).copy()
    hit = rng.random(len(raw)) < share
    idx = np.flatnonzero(hit)
    kinds = rng.choice(np.array(TYPO_KINDS, dtype=object), size=idx.size)
    u = rng.random(idx.size)
    digit = rng.integers(0, 9, size=idx.size)
    raw[idx] = [
        _typo(t, k, x, d)
        for t, k, x, d in zip(
            raw[idx].tolist(), kinds.tolist(), u.tolist(), digit.tolist(), strict=True
        )
    ]
    changed = np.zeros(len(raw), dtype=bool)
    changed[idx] = True
    return raw, changed


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
    numbers are written in a style drawn from ``params.phone_style_weights``, with
    typos at ``params.typo_share``; emails are given at ``params.email_share``.

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
    >>> from analysis.params import WorldParams
    >>> from analysis.population import generate_population
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
    phone_raw = write_phone(people["phone_e164"].to_numpy(dtype=object)[row], style)
    phone_raw, is_typo = add_typos(phone_raw, rng, params.typo_share)
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


# --------------------------------------------------------------------------------------
# 2. Upload: normalise and hash
# --------------------------------------------------------------------------------------
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


# --------------------------------------------------------------------------------------
# 3. Facebook's side
# --------------------------------------------------------------------------------------
def _e164_key(values: pd.Series | np.ndarray) -> np.ndarray:
    """E.164 text -> Marketing-API phone key (digits, no "+")."""
    s = pd.Series(np.asarray(values, dtype=object))
    return s.where(s.isna(), s.astype(str).str.lstrip("+").str.lstrip("0")).to_numpy(dtype=object)


def facebook_match_keys(
    people: pd.DataFrame,
    address_book: pd.DataFrame | None = None,
    person_attrs: pd.DataFrame | None = None,
    *,
    include_emails: bool = True,
) -> pd.DataFrame:
    """Every hashed key Facebook can match on, with the account holder and the source.

    WhatsApp-sourced rows (``source == "whatsapp"``) are listed for every Facebook user
    who has a WhatsApp number; whether each may be used is decided per scenario by
    :func:`evaluate_scenario`. ``whatsapp_contacts`` rows are added by
    :func:`whatsapp_contact_keys`.

    Parameters
    ----------
    people : pandas.DataFrame
        The population.
    address_book, person_attrs : pandas.DataFrame, optional
        From :class:`analysis.social.SocialWorld`; without them there are no
        shadow-contact keys.
    include_emails : bool
        Add the account email of every Facebook user.

    Returns
    -------
    pandas.DataFrame
        ``key_sha256``, ``person_id`` (the account holder), ``source`` (category of
        :data:`SOURCES`), ``owner_person_id`` (who uploaded it, for contact-derived
        keys; else the holder). No duplicate (key, person, source) rows.
    """
    _require(
        people,
        (
            "person_id",
            "is_facebook_user",
            "is_facebook_phone_on_file",
            "facebook_phone_source",
            "facebook_phone_e164",
            "is_whatsapp_user",
            "phone_e164",
            "email",
        ),
        "people",
    )
    _check_person_ids(people)
    fb = people["is_facebook_user"].to_numpy(dtype=bool)
    pid = people["person_id"].to_numpy(dtype=np.int64)
    frames = []
    on_file = (
        fb
        & people["is_facebook_phone_on_file"].to_numpy(dtype=bool)
        & people["facebook_phone_e164"].notna().to_numpy()
    )
    frames.append(
        pd.DataFrame(
            {
                "key": _e164_key(people["facebook_phone_e164"].to_numpy(dtype=object)[on_file]),
                "person_id": pid[on_file],
                "source": people["facebook_phone_source"].astype(str).to_numpy()[on_file],
                "owner_person_id": pid[on_file],
            }
        )
    )
    if address_book is not None and person_attrs is not None:
        frames.append(
            _contact_keys(
                people,
                address_book,
                person_attrs["uploads_contacts_to_facebook"].to_numpy(dtype=bool) & fb,
                "shadow_contacts",
            )
        )
    if include_emails:
        has_email = fb & people["email"].notna().to_numpy()
        emails = normalise_emails(people["email"].to_numpy(dtype=object)[has_email])
        frames.append(
            pd.DataFrame(
                {
                    "key": emails["match_key"].astype(object).to_numpy(),
                    "person_id": pid[has_email],
                    "source": "email",
                    "owner_person_id": pid[has_email],
                }
            )
        )
    wa = (
        fb
        & people["is_whatsapp_user"].to_numpy(dtype=bool)
        & people["phone_e164"].notna().to_numpy()
    )
    frames.append(
        pd.DataFrame(
            {
                "key": _e164_key(people["phone_e164"].to_numpy(dtype=object)[wa]),
                "person_id": pid[wa],
                "source": "whatsapp",
                "owner_person_id": pid[wa],
            }
        )
    )
    return _finish_keys(pd.concat(frames, ignore_index=True))


def _contact_keys(
    people: pd.DataFrame, address_book: pd.DataFrame, owner_mask: np.ndarray, source: str
) -> pd.DataFrame:
    """Address-book numbers of the owners in ``owner_mask``, on the contact's account.

    Each number is attached to the Facebook account of the person it belongs to.
    """
    _require(address_book, ("owner_person_id", "contact_person_id", "entry_e164"), "address_book")
    fb = people["is_facebook_user"].to_numpy(dtype=bool)
    owner = address_book["owner_person_id"].to_numpy(dtype=np.int64)
    contact = address_book["contact_person_id"]
    known = contact.notna().to_numpy() & address_book["entry_e164"].notna().to_numpy()
    contact_ids = contact.fillna(-1).to_numpy(dtype=np.int64)
    usable = known & owner_mask[owner] & np.where(known, fb[np.maximum(contact_ids, 0)], False)
    return pd.DataFrame(
        {
            "key": _e164_key(address_book["entry_e164"].to_numpy(dtype=object)[usable]),
            "person_id": contact_ids[usable],
            "source": source,
            "owner_person_id": owner[usable],
        }
    )


def whatsapp_contact_keys(people: pd.DataFrame, address_book: pd.DataFrame) -> pd.DataFrame:
    """Keys from WhatsApp-held address books, attached to the contact's Facebook account.

    Owners are WhatsApp users who did not leave. The keys are used only when a
    scenario's address-book switch is on, and then only for owners whose ads purpose
    is permitted.
    """
    holders = people["is_whatsapp_user"].to_numpy(dtype=bool) & (
        people["consent_state"].astype(str).to_numpy() != "left_whatsapp"
    )
    return _finish_keys(_contact_keys(people, address_book, holders, "whatsapp_contacts"))


def _finish_keys(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame[pd.notna(frame["key"])]
    frame = frame.drop_duplicates(["key", "person_id", "source"])
    return pd.DataFrame(
        {
            "key_sha256": sha256_hex(frame["key"].to_numpy(dtype=object)),
            "person_id": frame["person_id"].to_numpy(dtype=np.int64),
            "source": pd.Categorical(frame["source"].to_numpy(), categories=list(SOURCES)),
            "owner_person_id": frame["owner_person_id"].to_numpy(dtype=np.int64),
        }
    )


# --------------------------------------------------------------------------------------
# 4. Matching
# --------------------------------------------------------------------------------------
def hash_prefix64(hex_digests: pd.Series | np.ndarray) -> np.ndarray:
    """First 64 bits of each SHA-256 hex digest, as unsigned integers (vectorised).

    >>> int(hash_prefix64(np.array(["00000000000000ff" + "0" * 48]))[0])
    255
    """
    values = np.asarray(hex_digests, dtype=object)
    if values.size == 0:
        return np.empty(0, dtype=np.uint64)
    heads = "".join(v[:16] for v in values.tolist())
    return np.frombuffer(bytes.fromhex(heads), dtype=">u8").astype(np.uint64)


def match_customers(customer_keys: pd.DataFrame, facebook_keys: pd.DataFrame) -> pd.DataFrame:
    """Join uploaded hashes to Facebook's keys (one hash join for every source).

    Returns
    -------
    pandas.DataFrame
        One row per (customer, matched account, source, owner): ``customer_id``,
        ``business_id``, ``person_id`` (matched account holder), ``source``,
        ``owner_person_id``. Scenario filters are applied by :func:`evaluate_scenario`.
    """
    uploaded = customer_keys.loc[
        customer_keys["key_sha256"].notna(), ["customer_id", "business_id", "key_sha256"]
    ]
    # join on the first 64 bits of the digest (integers join fast), then confirm in full
    left = uploaded.assign(h64=hash_prefix64(uploaded["key_sha256"]))
    right = facebook_keys.assign(h64=hash_prefix64(facebook_keys["key_sha256"]))
    matches = left.merge(
        right, on="h64", how="inner", suffixes=("", "_fb"), validate="many_to_many"
    )
    matches = matches[
        matches["key_sha256"].to_numpy(dtype=object)
        == matches["key_sha256_fb"].to_numpy(dtype=object)
    ]
    matches = matches.drop_duplicates(["customer_id", "person_id", "source", "owner_person_id"])
    return matches[
        ["customer_id", "business_id", "person_id", "source", "owner_person_id"]
    ].reset_index(drop=True)


@dataclass
class ScenarioResult:
    """What one scenario gives a set of businesses.

    Attributes
    ----------
    match_rates : pandas.DataFrame
        :data:`AD_MATCH_RATES` rows of this scenario.
    audiences : pandas.DataFrame
        :data:`AD_AUDIENCES` rows of this scenario.
    opt_out_reach : pandas.DataFrame
        :data:`AD_OPT_OUT_REACH` rows of this scenario.
    matches : pandas.DataFrame
        The permitted match rows (as :func:`match_customers`).
    """

    match_rates: pd.DataFrame
    audiences: pd.DataFrame
    opt_out_reach: pd.DataFrame
    matches: pd.DataFrame


def permitted_match_rows(
    matches: pd.DataFrame, ads_permitted: np.ndarray, *, address_books_flow: bool = False
) -> np.ndarray:
    """Which match rows a scenario allows.

    Facebook's own sources always; ``whatsapp`` rows only for account holders whose
    ads purpose is permitted; ``whatsapp_contacts`` rows only with the address-book
    switch on and the owner's ads purpose permitted.

    >>> m = pd.DataFrame({"person_id": [0, 1, 1], "owner_person_id": [0, 1, 0],
    ...                   "source": ["profile", "whatsapp", "whatsapp_contacts"]})
    >>> permitted_match_rows(m, np.array([True, False])).tolist()
    [True, False, False]
    """
    ads_permitted = np.asarray(ads_permitted, dtype=bool)
    source = matches["source"].astype(str).to_numpy()
    person = matches["person_id"].to_numpy(dtype=np.int64)
    owner = matches["owner_person_id"].to_numpy(dtype=np.int64)
    keep = ~np.isin(source, WHATSAPP_SOURCES)
    keep |= (source == "whatsapp") & ads_permitted[person]
    if address_books_flow:
        keep |= (source == "whatsapp_contacts") & ads_permitted[owner]
    return keep


def evaluate_scenario(
    name: str,
    people: pd.DataFrame,
    lists: CustomerLists,
    customer_keys: pd.DataFrame,
    matches: pd.DataFrame,
    facebook_keys: pd.DataFrame,
    ads_permitted: np.ndarray,
    opted_out: np.ndarray | None = None,
    *,
    min_audience_size: int = 100,
    address_books_flow: bool = False,
    reachable: np.ndarray | None = None,
) -> ScenarioResult:
    """Match rates, audiences and opt-out reach under one scenario.

    Parameters
    ----------
    name : str
        Scenario name, copied into the tables.
    people : pandas.DataFrame
        The population (``person_id`` == row position).
    lists : CustomerLists
    customer_keys : pandas.DataFrame
        From :func:`hash_customer_keys`.
    matches : pandas.DataFrame
        From :func:`match_customers` (all sources, unfiltered).
    facebook_keys : pandas.DataFrame
        From :func:`facebook_match_keys` (for reach outside the lists).
    ads_permitted : array of bool
        Per person (row order): may WhatsApp data about them be used for ads?
        (``analysis.policy.permitted_purposes(people, scenario)["ads"]``).
    opted_out : array of bool, optional
        Per person: took the partial opt-out under the scenario.
    min_audience_size : int
        Minimum audience (20-1,000).
    address_books_flow : bool
        The scenario's address-book switch.
    reachable : array of bool, optional
        :func:`reachable_by_phone` (scenario-independent; pass it to avoid recomputing).
    """
    if not 20 <= min_audience_size <= 1000:
        raise ValueError(
            f"min_audience_size = {min_audience_size} is not allowed: must be 20-1,000"
        )
    n = len(people)
    ads_permitted = np.asarray(ads_permitted, dtype=bool)
    if ads_permitted.shape != (n,):
        raise ValueError(f"ads_permitted has shape {ads_permitted.shape}, expected ({n},)")
    customers = lists.customers
    is_wa = np.isin(matches["source"].astype(str).to_numpy(), WHATSAPP_SOURCES)
    keep = permitted_match_rows(matches, ads_permitted, address_books_flow=address_books_flow)
    allowed = matches[keep]
    base = matches[~is_wa]

    # --- per customer row
    cid = customers["customer_id"].to_numpy()
    matched_any = np.isin(cid, allowed["customer_id"].to_numpy())
    matched_base = np.isin(cid, base["customer_id"].to_numpy())
    phone_rows = customer_keys[customer_keys["key_kind"] == "phone"]
    unusable = np.isin(cid, phone_rows.loc[phone_rows["reason"] != "ok", "customer_id"].to_numpy())

    # --- per business audiences
    def audience(frame: pd.DataFrame) -> pd.Series:
        return frame.drop_duplicates(["business_id", "person_id"]).groupby("business_id").size()

    bids = lists.businesses["business_id"]
    aud = audience(allowed).reindex(bids, fill_value=0).to_numpy()
    aud_base = audience(base).reindex(bids, fill_value=0).to_numpy()
    truth = customers[["business_id", "person_id"]].drop_duplicates()
    in_aud = (
        allowed[["business_id", "person_id"]]
        .drop_duplicates()
        .merge(
            truth,
            on=["business_id", "person_id"],
            how="left",
            indicator=True,
            validate="one_to_one",
        )
    )
    wrong = in_aud[in_aud["_merge"] == "left_only"].groupby("business_id").size()
    audiences = pd.DataFrame(
        {
            "scenario": name,
            "business_id": bids.to_numpy(),
            "country_code": lists.businesses["country_code"].astype(str).to_numpy(),
            "list_size_count": lists.businesses["list_size_count"].to_numpy(),
            "audience_without_whatsapp_count": aud_base.astype(np.int64),
            "audience_count": aud.astype(np.int64),
            "wrong_account_count": wrong.reindex(bids, fill_value=0).to_numpy().astype(np.int64),
        }
    )
    audiences["is_above_minimum_without_whatsapp"] = (
        audiences["audience_without_whatsapp_count"] >= min_audience_size
    )
    audiences["is_above_minimum"] = audiences["audience_count"] >= min_audience_size
    audiences["is_unlocked_by_whatsapp"] = (
        audiences["is_above_minimum"] & ~audiences["is_above_minimum_without_whatsapp"]
    )

    # --- per country rates
    rows = pd.DataFrame(
        {
            "country_code": customers["country_code"].astype(str).to_numpy(),
            "customers_count": 1,
            "phone_unusable_count": unusable.astype(np.int64),
            "matched_without_whatsapp_count": matched_base.astype(np.int64),
            "matched_count": matched_any.astype(np.int64),
        }
    )
    rates = rows.groupby("country_code", sort=True).sum()
    extra = audiences.assign(
        extra=audiences["audience_count"] - audiences["audience_without_whatsapp_count"]
    )
    rates["extra_reach_count"] = (
        extra.groupby("country_code")["extra"].sum().reindex(rates.index, fill_value=0)
    )
    rates["audiences_unlocked_count"] = (
        audiences.groupby("country_code")["is_unlocked_by_whatsapp"]
        .sum()
        .reindex(rates.index, fill_value=0)
    )
    total = rates.sum().to_frame("ALL").T
    rates = pd.concat([rates, total])
    rates.index.name = "country_code"
    rates = rates.reset_index()
    rates["match_without_whatsapp_share"] = (
        rates["matched_without_whatsapp_count"] / rates["customers_count"]
    )
    rates["match_share"] = rates["matched_count"] / rates["customers_count"]
    rates.insert(0, "scenario", name)
    rates = rates[AD_MATCH_RATES.columns]
    for col in rates.columns:
        if col.endswith("_count"):
            rates[col] = rates[col].astype(np.int64)

    # --- people whose ads purpose is off, still reachable elsewhere
    reach = _opt_out_reach(
        name, people, customers, base, facebook_keys, ads_permitted, opted_out, reachable
    )
    return ScenarioResult(rates, audiences, reach, allowed.reset_index(drop=True))


def reachable_by_phone(people: pd.DataFrame, facebook_keys: pd.DataFrame) -> np.ndarray:
    """Flag, per person, whether Facebook holds their own current number without WhatsApp.

    True when a profile, Messenger, two-factor or shadow-contact key attached to the
    person's account is the hash of the person's own number (stale numbers and typos
    do not count).
    """
    phone_sources = ("profile", "messenger", "two_factor", "shadow_contacts")
    own_keys = facebook_keys[facebook_keys["source"].astype(str).isin(phone_sources)]
    holder = own_keys["person_id"].to_numpy(dtype=np.int64)
    own_phone = sha256_hex(_e164_key(people["phone_e164"].to_numpy(dtype=object)[holder]))
    correct = own_keys["key_sha256"].to_numpy(dtype=object) == own_phone
    reachable = np.zeros(len(people), dtype=bool)
    reachable[holder[correct]] = True
    return reachable


def _opt_out_reach(
    name, people, customers, base, facebook_keys, ads_permitted, opted_out, reachable=None
):
    n = len(people)
    fb = people["is_facebook_user"].to_numpy(dtype=bool)
    wa = people["is_whatsapp_user"].to_numpy(dtype=bool)
    if reachable is None:
        reachable = reachable_by_phone(people, facebook_keys)
    on_lists = np.zeros(n, dtype=bool)
    on_lists[customers["person_id"].to_numpy()] = True
    self_match = base[
        base["person_id"].to_numpy()
        == customers["person_id"].to_numpy()[base["customer_id"].to_numpy()]
    ]
    matched_self = np.zeros(n, dtype=bool)
    matched_self[self_match["person_id"].to_numpy()] = True
    groups = {"ads_off_whatsapp_users": wa & fb & ~ads_permitted}
    if opted_out is not None:
        groups["opted_out"] = wa & fb & np.asarray(opted_out, dtype=bool)
    return pd.DataFrame(
        [
            {
                "scenario": name,
                "group": g,
                "people_count": int(mask.sum()),
                "reachable_by_phone_elsewhere_count": int((mask & reachable).sum()),
                "on_lists_count": int((mask & on_lists).sum()),
                "matched_on_lists_count": int((mask & on_lists & matched_self).sum()),
            }
            for g, mask in groups.items()
        ]
    )


# --------------------------------------------------------------------------------------
# Everything, every scenario
# --------------------------------------------------------------------------------------
@dataclass
class AdsResults:
    """Tables over all scenarios (see the registered tables) plus the inputs."""

    lists: CustomerLists
    customer_keys: pd.DataFrame
    facebook_keys: pd.DataFrame
    match_rates: pd.DataFrame
    audiences: pd.DataFrame
    opt_out_reach: pd.DataFrame


def run_scenarios(
    people: pd.DataFrame,
    social=None,
    params: AdsParams | None = None,
    *,
    seed: int,
    scenarios: dict | None = None,
    lists: CustomerLists | None = None,
) -> AdsResults:
    """Simulate Custom Audiences under every scenario.

    Parameters
    ----------
    people : pandas.DataFrame
        The population.
    social : analysis.social.SocialWorld, optional
        Supplies the address books (shadow contacts); ``None`` leaves them out.
    params : AdsParams, optional
    seed : int
        Seed for the customer lists.
    scenarios : dict of str to analysis.policy.Scenario, optional
        Defaults to :func:`analysis.policy.builtin_scenarios`.
    lists : CustomerLists, optional
        Customer lists made earlier by :func:`generate_customer_lists`, to compare
        assumptions about Facebook's data on the very same lists; made from ``params`` and
        ``seed`` when omitted.
    """
    from analysis import policy

    params = params or AdsParams()
    scenarios = policy.builtin_scenarios() if scenarios is None else scenarios
    if lists is None:
        lists = generate_customer_lists(people, params, seed=seed)
    ckeys = hash_customer_keys(lists.customers, include_emails=params.match_emails)
    book = social.address_book if social is not None else None
    attrs = social.person_attrs if social is not None else None
    shadow = params.shadow_contacts_usable and book is not None
    fkeys = facebook_match_keys(
        people,
        book if shadow else None,
        attrs if shadow else None,
        include_emails=params.match_emails,
    )
    if book is not None and any(policy.address_books_flow(s) for s in scenarios.values()):
        fkeys = pd.concat([fkeys, whatsapp_contact_keys(people, book)], ignore_index=True)
    matches = match_customers(ckeys, fkeys)
    reachable = reachable_by_phone(people, fkeys)
    rates, auds, reach = [], [], []
    for name, scenario in scenarios.items():
        ads = policy.permitted_purposes(people, scenario)["ads"].to_numpy(dtype=bool)
        states = policy.effective_states(people, scenario).astype(str).to_numpy()
        result = evaluate_scenario(
            name,
            people,
            lists,
            ckeys,
            matches,
            fkeys,
            ads,
            np.isin(states, OPT_OUT_STATES),
            min_audience_size=params.min_audience_size,
            address_books_flow=policy.address_books_flow(scenario) and book is not None,
            reachable=reachable,
        )
        rates.append(result.match_rates)
        auds.append(result.audiences)
        reach.append(result.opt_out_reach)
    return AdsResults(
        lists,
        ckeys,
        fkeys,
        pd.concat(rates, ignore_index=True),
        pd.concat(auds, ignore_index=True),
        pd.concat(reach, ignore_index=True),
    )


# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------
def _require(frame: pd.DataFrame, columns, what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what}: missing column(s) {missing}; has {list(frame.columns)}")


def _check_person_ids(people: pd.DataFrame) -> None:
    pid = people["person_id"].to_numpy()
    if not np.array_equal(pid, np.arange(len(people))):
        raise ValueError(
            "people: person_id must equal the row position 0..n-1 (see analysis.schema.PEOPLE)"
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


#: Three assumptions about what Facebook holds without WhatsApp, from least to most.
FACEBOOK_DATA_ASSUMPTIONS = {
    "numbers users gave Facebook": {"match_emails": False, "shadow_contacts_usable": False},
    "+ account emails": {"match_emails": True, "shadow_contacts_usable": False},
    "+ shadow contacts": {"match_emails": True, "shadow_contacts_usable": True},
}
"""Each maps to :class:`AdsParams` overrides; ``compare_facebook_data`` runs all three."""


def compare_facebook_data(
    people: pd.DataFrame,
    social=None,
    params: AdsParams | None = None,
    *,
    seed: int,
    scenarios: dict | None = None,
) -> dict[str, AdsResults]:
    """Run :func:`run_scenarios` under each of :data:`FACEBOOK_DATA_ASSUMPTIONS`.

    How much WhatsApp's numbers add depends on what Facebook already holds; the
    same customer lists (same ``seed``) are matched under each assumption.

    Returns
    -------
    dict
        Assumption label -> :class:`AdsResults`.
    """
    params = params or AdsParams()
    return {
        label: run_scenarios(
            people, social, params.replace(**changes), seed=seed, scenarios=scenarios
        )
        for label, changes in FACEBOOK_DATA_ASSUMPTIONS.items()
    }


def overall_rates(results: dict[str, AdsResults]) -> pd.DataFrame:
    """All-country match rates per assumption and scenario, in one tidy table.

    Columns: ``facebook_data``, ``scenario``, ``match_without_whatsapp_share``,
    ``match_share``, ``extra_match_share`` (the difference), ``extra_reach_count``,
    ``audiences_unlocked_count``, ``audiences_above_minimum_count``.
    """
    frames = []
    for label, res in results.items():
        rates = res.match_rates[res.match_rates["country_code"] == "ALL"].copy()
        above = res.audiences.groupby("scenario", sort=False)["is_above_minimum"].sum()
        rates["audiences_above_minimum_count"] = rates["scenario"].map(above).astype(np.int64)
        rates.insert(0, "facebook_data", label)
        frames.append(rates)
    out = pd.concat(frames, ignore_index=True)
    out["extra_match_share"] = out["match_share"] - out["match_without_whatsapp_share"]
    return out[
        [
            "facebook_data",
            "scenario",
            "match_without_whatsapp_share",
            "match_share",
            "extra_match_share",
            "extra_reach_count",
            "audiences_unlocked_count",
            "audiences_above_minimum_count",
        ]
    ]


@dataclass
class ReversalDemo:
    """A sample of uploaded customer hashes reversed by enumerating a synthetic block.

    Attributes
    ----------
    summary : pandas.DataFrame
        One row: ``numbers_hashed_count``, ``targets_count``, ``in_block_count`` (targets
        whose true key lies in the enumerated range), ``recovered_count``,
        ``is_all_recovered_correct`` (every recovered key hashes to its target and is the
        customer's own normalised number), ``is_all_in_block_recovered``.
    sample : pandas.DataFrame
        The targets: ``customer_id``, ``key_sha256``, ``recovered_key`` (null if not found).
    result : ReversalResult
        Timing and the raw lookup (machine-dependent speed).
    """

    summary: pd.DataFrame
    sample: pd.DataFrame
    result: ReversalResult


def reverse_customer_sample(
    lists: CustomerLists,
    customer_keys: pd.DataFrame,
    country_code: str,
    *,
    sample_size: int,
    seed: int,
    stop: int | None = None,
    chunk_size: int = 200_000,
) -> ReversalDemo:
    """Reverse a random sample of one country's uploaded phone hashes by enumeration.

    The attacker sees only the hashes; the customers' true numbers are used
    afterwards to check every recovered number. Targets whose typed number had a
    typo may fall outside the block and stay unrecovered.
    """
    rng = stream(seed, "ads-reversal-sample")
    phones = customer_keys[
        (customer_keys["key_kind"] == "phone") & customer_keys["key_sha256"].notna()
    ]
    country = lists.customers["country_code"].astype(str).to_numpy()[phones["customer_id"]]
    pool = phones[country == country_code].drop_duplicates("key_sha256")
    if pool.empty:
        raise ValueError(f"no hashed phone numbers from customers in {country_code!r}")
    take = min(sample_size, len(pool))
    sample = pool.iloc[np.sort(rng.choice(len(pool), size=take, replace=False))]
    result = reverse_by_enumeration(
        sample["key_sha256"].tolist(), country_code, stop=stop, chunk_size=chunk_size
    )
    recovered = sample["key_sha256"].map(result.recovered)
    # ground truth: the key each customer's typed number normalises to
    truth = normalise_phones(
        lists.customers["phone_raw"].to_numpy(dtype=object)[sample["customer_id"]],
        country_code,
    )["match_key"].to_numpy(dtype=object)
    found = recovered.notna().to_numpy()
    rehash = sha256_hex(recovered[found].tolist())
    correct = bool(
        (rehash == sample["key_sha256"].to_numpy()[found]).all()
        and (recovered[found].to_numpy() == truth[found]).all()
    )
    block = blocks()[country_code]
    head = f"{block.calling_code}{block.prefix}"
    stop_ = block.capacity if stop is None else stop
    width = block.national_number_length - len(block.prefix)
    truth_s = pd.Series(truth, dtype="object").fillna("")
    in_block = (
        truth_s.str.startswith(head)
        & (truth_s.str.len() == len(head) + width)
        & (pd.to_numeric(truth_s.str.slice(len(head)), errors="coerce") < stop_)
    ).to_numpy()
    summary = pd.DataFrame(
        [
            {
                "numbers_hashed_count": result.numbers_hashed,
                "targets_count": take,
                "in_block_count": int(in_block.sum()),
                "recovered_count": int(found.sum()),
                "is_all_recovered_correct": correct,
                "is_all_in_block_recovered": bool((found == in_block).all()),
            }
        ]
    )
    table = pd.DataFrame(
        {
            "customer_id": sample["customer_id"].to_numpy(),
            "key_sha256": sample["key_sha256"].to_numpy(),
            "recovered_key": pd.array(recovered.to_numpy(dtype=object), dtype="string"),
        }
    )
    return ReversalDemo(summary, table, result)
