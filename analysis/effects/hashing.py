"""Custom-Audiences normalisation and hashing, and why hashing a phone number does not anonymise it.

Facebook's Marketing API asks a business to normalise and hash its customer list
before upload:

* **phone**: digits only, with the country code, no ``+`` and no leading zeros,
  e.g. ``447700900123`` (a number typed without a country code is read in the
  customer's country);
* **email**: leading and trailing spaces trimmed, lower-cased;
* then **SHA-256**, written as 64 lower-case hex digits.

:func:`phone_match_key` and :func:`email_match_key` normalise one value and say
why a value fails; :func:`normalise_phones`, :func:`normalise_emails` and
:func:`sha256_hex` do the same for whole columns (each distinct value is worked
on once).

Hashing is not anonymisation
----------------------------
A phone number has few digits, and a country's mobile numbers sit in a handful
of known blocks, so anyone can hash *every* possible number and look the
uploaded hashes up: :func:`reverse_by_enumeration` does exactly that, in
bounded-memory chunks, over a block of our synthetic (never real) numbers, and
:func:`enumeration_time` extrapolates the measured speed to a country's whole
mobile range. That non-users' phone numbers remain personal data after
WhatsApp's "lossy hashing" was found by the European Data Protection Board's
binding decision 1/2021 (28 July 2021), which resolved other authorities'
objections to the Irish Data Protection Commission's draft and changed it; the
DPC's final decision (IN-18-12-2, EUR 225M fine, 2 September 2021) adopted it
as amended. Hagen et al.,
"Contact Discovery in Mobile Messengers: Low-cost Attacks, Quantitative
Analyses, and Efficient Mitigations" (NDSS 2021), showed that hashed phone
numbers are reversed by enumeration at scale.

>>> phone_match_key("07700 900123", "GB")
('447700900123', 'ok')
>>> sha256_hex(["447700900123"])[0][:16]
'033134b911b13791'
"""

from __future__ import annotations

import hashlib
import math
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import phonenumbers as pn

from analysis.world.phones import AMBIGUOUS, blocks, calling_code, normalise
from analysis.world.reading import normalise_entries

__all__ = [
    "EMPTY",
    "MISSING",
    "MOBILE_RANGES",
    "ReversalResult",
    "block_keys",
    "email_match_key",
    "enumeration_table",
    "enumeration_time",
    "normalise_emails",
    "normalise_phones",
    "order_of_magnitude",
    "phone_match_key",
    "reverse_by_enumeration",
    "sha256_hex",
    "sha256_one",
]


#: Reasons :func:`phone_match_key` gives, besides those of :func:`analysis.world.normalise`.
MISSING = "missing"


EMPTY = "empty"


#: Regions whose national numbers really start with 0 (kept after the country code).
_LEADING_ZERO_REGIONS = frozenset({"IT", "SM", "VA"})


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _check_region(region: object) -> str:
    if not isinstance(region, str) or region not in pn.SUPPORTED_REGIONS:
        raise ValueError(
            f"default_region = {region!r} is not allowed: must be an ISO 3166-1 alpha-2 "
            "region that phonenumbers knows, e.g. 'GB', 'IN', 'BR'"
        )
    return region


def phone_match_key(raw: object, default_region: str) -> tuple[str | None, str]:
    """Normalise one phone number as the Marketing API asks.

    The number is parsed with :func:`analysis.world.normalise` (a number typed
    without a country code is read as a number of ``default_region``), then
    written as digits only: country code first, no ``+``, no leading zeros. Digits
    that start with the region's own calling code and read as a possible number both
    with and without it (German numbers, whose lengths are loose) are already in the
    upload format, which always carries the country code: they are kept as typed.

    Parameters
    ----------
    raw : str or None
        The number as the customer gave it.
    default_region : str
        ISO country of the customer, used when the number has no country code.

    Returns
    -------
    tuple
        ``(key, "ok")`` or ``(None, reason)``; reasons are ``"missing"``,
        ``"empty"`` or those of :func:`analysis.world.normalise` (``"not a
        number"``, ``"too short"``, ``"unknown country code"``, ``"not a
        possible number (wrong length)"``, ...).

    Examples
    --------
    >>> phone_match_key("+44 7700 900123", "DE")
    ('447700900123', 'ok')
    >>> phone_match_key("(292) 555-0123", "US")
    ('12925550123', 'ok')
    >>> phone_match_key("4915300218409", "DE")
    ('4915300218409', 'ok')
    >>> phone_match_key("  ", "GB")
    (None, 'empty')
    >>> phone_match_key("07700 9001", "GB")
    (None, 'not a possible number (wrong length)')
    """
    _check_region(default_region)
    if _is_missing(raw):
        return None, MISSING
    text = str(raw).strip()
    if not text:
        return None, EMPTY
    e164, reason = normalise(text, default_region)
    return _key_from_e164(e164, reason, text)


def _key_from_e164(e164: str | None, reason: str, text: str) -> tuple[str | None, str]:
    """Return the match key of one normalised number (see :func:`phone_match_key`)."""
    if reason == AMBIGUOUS:  # digits with the country code: the upload format itself
        e164, reason = "+" + pn.normalize_digits_only(text), "ok"
    if e164 is None:
        return None, reason
    digits = e164[1:]
    code = calling_code(digits)
    if (
        digits[len(code) : len(code) + 1] == "0"
        and pn.region_code_for_country_code(int(code)) not in _LEADING_ZERO_REGIONS
    ):
        # phonenumbers keeps a stray trunk "0" when the rest is too short to be a number
        return None, "not a possible number (wrong length)"
    return digits.lstrip("0"), "ok"


def email_match_key(raw: object) -> tuple[str | None, str]:
    """Normalise one email address: trim spaces, lower-case, check its shape.

    Returns ``(key, "ok")`` or ``(None, reason)`` with reason ``"missing"``,
    ``"empty"`` or ``"not an email address (needs one @ and a dotted domain)"``.

    >>> email_match_key("  Ana.Silva@Example.ORG ")
    ('ana.silva@example.org', 'ok')
    >>> email_match_key("ana.silva(at)example.org")
    (None, 'not an email address (needs one @ and a dotted domain)')
    """
    if _is_missing(raw):
        return None, MISSING
    text = str(raw).strip().lower()
    if not text:
        return None, EMPTY
    if not _EMAIL.match(text):
        return None, "not an email address (needs one @ and a dotted domain)"
    return text, "ok"


def sha256_one(key: str) -> str:
    """SHA-256 of one normalised key (UTF-8), as 64 lower-case hex digits.

    >>> sha256_one("abc")[:12]
    'ba7816bf8f01'
    """
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def normalise_phones(
    raw: Sequence | pd.Series, regions: Sequence | pd.Series | str
) -> pd.DataFrame:
    """Normalise a column of typed phone numbers; each distinct (number, region) once.

    Parameters
    ----------
    raw : sequence of str (missing values allowed)
    regions : sequence of str or a single str
        Customer country per row (or one for all rows).

    Returns
    -------
    pandas.DataFrame
        Same length and order as ``raw``: ``match_key`` (string, NA on failure)
        and ``reason`` (``"ok"`` or why it failed).

    Examples
    --------
    >>> out = normalise_phones(["07610 000001", "0761"], "GB")
    >>> out["match_key"].tolist()[0], out["reason"].tolist()
    ('447610000001', ['ok', 'not a possible number (wrong length)'])
    """
    raw = pd.Series(raw, dtype="object").reset_index(drop=True)
    if isinstance(regions, str):
        regions = pd.Series([regions] * len(raw), dtype="object")
    else:
        regions = pd.Series(regions, dtype="object").reset_index(drop=True)
    if len(regions) != len(raw):
        raise ValueError(f"regions has {len(regions)} values but raw has {len(raw)}")
    for region in pd.unique(regions):
        _check_region(region)
    missing = raw.isna().to_numpy()
    text = raw.where(~missing, "").astype(str).str.strip()
    empty = (text == "").to_numpy() & ~missing
    usable = ~missing & ~empty
    keys = np.full(len(raw), None, dtype=object)
    reasons = np.where(missing, MISSING, EMPTY).astype(object)
    if usable.any():
        e164, why = normalise_entries(text[usable], regions[usable])
        e164 = e164.astype(object).where(e164.notna(), None).to_numpy(dtype=object)
        why = why.to_numpy(dtype=object)
        # the key rules per distinct normalised result (a few per number)
        pairs = pd.DataFrame({"e": e164, "r": why, "t": text[usable].to_numpy(dtype=object)})
        ambiguous = pairs["r"] == AMBIGUOUS
        pairs.loc[~ambiguous.to_numpy(), "t"] = ""  # the typed text matters only then
        codes, uniques = pd.factorize(pd.MultiIndex.from_frame(pairs.fillna({"e": "\0"})))
        results = [_key_from_e164(None if e == "\0" else e, r, t) for e, r, t in uniques]
        keys[usable] = np.array([k for k, _ in results], dtype=object)[codes]
        reasons[usable] = np.array([r for _, r in results], dtype=object)[codes]
    return pd.DataFrame(
        {"match_key": pd.array(keys, dtype="string"), "reason": reasons.astype(str)}
    )


def normalise_emails(raw: Sequence | pd.Series) -> pd.DataFrame:
    """Normalise a column of emails (vectorised): ``match_key`` and ``reason``.

    >>> normalise_emails([" A@B.ORG", None, "x"]).to_dict("list")["reason"]
    ['ok', 'missing', 'not an email address (needs one @ and a dotted domain)']
    """
    text = pd.Series(raw, dtype="string").reset_index(drop=True).str.strip().str.lower()
    missing = text.isna().to_numpy()
    empty = (text == "").fillna(False).to_numpy(dtype=bool)
    shaped = text.str.match(_EMAIL.pattern).fillna(False).to_numpy(dtype=bool)
    reason = np.where(
        missing,
        MISSING,
        np.where(
            empty,
            EMPTY,
            np.where(shaped, "ok", "not an email address (needs one @ and a dotted domain)"),
        ),
    )
    key = text.where(pd.Series(reason == "ok"))
    return pd.DataFrame({"match_key": key.astype("string"), "reason": reason.astype(str)})


def sha256_hex(keys: Iterable[str | None] | pd.Series) -> np.ndarray:
    """SHA-256 hex of each key; missing keys stay missing (``None``).

    Each distinct key is hashed once (``hashlib`` over the unique values).

    >>> [h if h is None else h[:8] for h in sha256_hex(["abc", None, "abc"])]
    ['ba7816bf', None, 'ba7816bf']
    """
    series = pd.Series(keys, dtype="object")
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    digests = np.array(
        [hashlib.sha256(str(k).encode("utf-8")).hexdigest() for k in uniques] + [None],
        dtype=object,
    )
    return digests[codes]


def block_keys(country_code: str, start: int, stop: int) -> np.ndarray:
    """Match keys of subscriber numbers ``start..stop-1`` of a country's synthetic block.

    Keys are digits, country code first, in a numpy fixed-width bytes array.

    Built with integer arithmetic, not string formatting, so the cost of the
    demonstration is the hashing.

    >>> block_keys("ES", 7, 9).tolist()
    [b'34750000007', b'34750000008']
    """
    block = blocks()[country_code]
    width = block.national_number_length - len(block.prefix)
    if not 0 <= start <= stop <= block.capacity:
        raise ValueError(
            f"subscriber range {start}..{stop} is outside the {country_code} synthetic block "
            f"(0..{block.capacity})"
        )
    head = f"{block.calling_code}{block.prefix}".encode()
    n = stop - start
    subscriber = np.arange(start, stop, dtype=np.int64)
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    digits = (subscriber[:, None] // powers[None, :]) % 10 + ord("0")
    out = np.empty((n, len(head) + width), dtype=np.uint8)
    out[:, : len(head)] = np.frombuffer(head, dtype=np.uint8)
    out[:, len(head) :] = digits.astype(np.uint8)
    return out.view(f"S{len(head) + width}").ravel()


@dataclass(frozen=True)
class ReversalResult:
    """Outcome of :func:`reverse_by_enumeration`.

    Attributes
    ----------
    recovered : dict
        Target hash (hex) -> recovered match key, for every target found.
    numbers_hashed : int
        How many candidate numbers were hashed.
    seconds : float
        Wall-clock time of the enumeration (machine-dependent: never shown raw).
    """

    country_code: str
    start: int
    stop: int
    recovered: dict[str, str]
    numbers_hashed: int
    seconds: float

    @property
    def hashes_per_second(self) -> float:
        """Measured throughput (machine-dependent)."""
        return self.numbers_hashed / self.seconds if self.seconds > 0 else float("inf")


def reverse_by_enumeration(
    target_hashes: Iterable[str],
    country_code: str,
    *,
    start: int = 0,
    stop: int | None = None,
    chunk_size: int = 200_000,
) -> ReversalResult:
    """Hash every number of a synthetic block and look the target hashes up.

    Memory stays bounded: numbers are built and hashed ``chunk_size`` at a time,
    and only the set of target hashes (and what is recovered) is kept. Each
    chunk's digests are compared with the targets on their first 8 bytes with
    :func:`numpy.isin`, then confirmed in full.

    Parameters
    ----------
    target_hashes : iterable of str
        SHA-256 hex digests of match keys (e.g. a business's uploaded list).
    country_code : str
        Country whose synthetic block is enumerated (``analysis.world.blocks()``).
    start, stop : int
        Subscriber range of the block to enumerate (default: the whole block).
    chunk_size : int
        Numbers per chunk.

    Examples
    --------
    >>> target = sha256_one("34750000123")
    >>> result = reverse_by_enumeration([target], "ES", stop=1000, chunk_size=300)
    >>> result.recovered[target], result.numbers_hashed
    ('34750000123', 1000)
    """
    if country_code not in blocks():
        raise ValueError(
            f"country_code = {country_code!r} has no synthetic block; allowed: {sorted(blocks())}"
        )
    if chunk_size < 1:
        raise ValueError(f"chunk_size = {chunk_size} is not allowed: must be >= 1")
    block = blocks()[country_code]
    stop = block.capacity if stop is None else stop
    targets = {bytes.fromhex(h) for h in target_hashes}
    if targets:
        first8 = np.frombuffer(b"".join(sorted(targets)), dtype=np.uint64).reshape(-1, 4)[:, 0]
    else:
        first8 = np.empty(0, dtype=np.uint64)
    recovered: dict[str, str] = {}
    sha = hashlib.sha256
    began = time.perf_counter()
    for lo in range(start, stop, chunk_size):
        hi = min(lo + chunk_size, stop)
        candidates = block_keys(country_code, lo, hi).tolist()
        digests = [sha(c).digest() for c in candidates]
        heads = np.frombuffer(b"".join(digests), dtype=np.uint64).reshape(-1, 4)[:, 0]
        for j in np.flatnonzero(np.isin(heads, first8)):
            if digests[j] in targets:
                recovered[digests[j].hex()] = candidates[j].decode()
    seconds = time.perf_counter() - began
    return ReversalResult(country_code, start, stop, recovered, stop - start, seconds)


#: Size of whole national mobile ranges (numbers an attacker must hash), with the arithmetic.
#: Counts are upper bounds from the national number formats; they are assumptions of
#: order of magnitude, not operator allocation tallies.
MOBILE_RANGES: dict[str, tuple[int, str]] = {
    "IN": (4 * 10**9, "10-digit numbers starting 6, 7, 8 or 9: 4 x 10^9"),
    "BR": (67 * 10**8, "67 area codes x mobile '9' + 8 digits: 67 x 10^8 = 6.7 x 10^9"),
    "DE": (3 * 10**9, "015x/016x/017x, 7-8 subscriber digits: about 3 x 10^9"),
    "GB": (10**9, "07 + 9 digits: at most 10^9"),
    "US": (64 * 10**8, "NANP NXX-NXX-XXXX: 8x10x10 x 8x10x10 x 10^4 = 6.4 x 10^9"),
    "ID": (10**10, "08 + 8-11 digits: about 10^10"),
    "MX": (10**10, "10-digit numbers, mobile not distinguished: at most 10^10"),
    "ES": (14 * 10**7, "9-digit numbers starting 6 or 71-74: 10^8 + 4 x 10^7 = 1.4 x 10^8"),
}


def enumeration_time(hashes_per_second: float, country_code: str, *, cores: int = 1) -> dict:
    """Extrapolate the time to hash a whole national mobile range.

    Returns a record with the range size, its arithmetic (:data:`MOBILE_RANGES`),
    the speed used and the time in seconds, hours and days.

    >>> r = enumeration_time(1e6, "IN")
    >>> r["numbers"], round(r["hours"], 2)
    (4000000000, 1.11)
    """
    if country_code not in MOBILE_RANGES:
        raise ValueError(
            f"country_code = {country_code!r} has no mobile-range assumption; "
            f"allowed: {sorted(MOBILE_RANGES)}"
        )
    if not hashes_per_second > 0 or not math.isfinite(hashes_per_second):
        raise ValueError(f"hashes_per_second = {hashes_per_second!r} must be a positive number")
    if cores < 1:
        raise ValueError(f"cores = {cores} must be >= 1")
    numbers, arithmetic = MOBILE_RANGES[country_code]
    seconds = numbers / (hashes_per_second * cores)
    return {
        "country_code": country_code,
        "numbers": numbers,
        "range_arithmetic": arithmetic,
        "hashes_per_second": hashes_per_second * cores,
        "seconds": seconds,
        "hours": seconds / 3600,
        "days": seconds / 86400,
    }


def order_of_magnitude(x: float) -> str:
    """Write a positive number as a power of ten, rounded in log space: ``"10^6"``.

    >>> order_of_magnitude(1.7e6), order_of_magnitude(4.2e6)
    ('10^6', '10^7')
    """
    if not x > 0:
        raise ValueError(f"order_of_magnitude needs a positive number, got {x!r}")
    return f"10^{round(math.log10(x))}"


def enumeration_table(hashes_per_second: float, *, cores: int = 1) -> pd.DataFrame:
    """Time to hash every country's whole mobile range at a given speed, with the arithmetic.

    One row per country of :data:`MOBILE_RANGES`: ``country_code``, ``numbers``,
    ``range_arithmetic``, ``hashes_per_second``, ``hours``, ``days``.

    >>> t = enumeration_table(1e6)
    >>> t.set_index("country_code").loc["ES", "hours"].round(3)
    np.float64(0.039)
    """
    rows = [enumeration_time(hashes_per_second, c, cores=cores) for c in MOBILE_RANGES]
    return pd.DataFrame(rows)[
        ["country_code", "numbers", "range_arithmetic", "hashes_per_second", "hours", "days"]
    ]
