"""Synthetic phone numbers that can never be a real subscriber's, and their normalisation.

The scheme
----------
Each country gets one *synthetic block* (``data/reference/phone_blocks.csv``): a
national-number prefix, at the length of that country's mobile numbers, that the
national numbering plan leaves unallocated. Every number we generate is
``+<calling code><block prefix><digits>`` with exactly the national length, so:

* ``phonenumbers`` finds it *possible* (right country, right length), parses it
  from national, international and E.164 writing, and formats it back; and
* ``phonenumbers`` finds it *not valid*: it lies in no range that libphonenumber's
  metadata (a copy of the national plans) lists as assigned to any operator.

Official fictional ranges (UK 07700 900000-900999, US 555-0100-0199) exist in only
a few countries and hold a thousand numbers or fewer, too few for a population,
so they are not used. :func:`check_synthetic` tests a batch of numbers against
the scheme; the test suite runs it on every number the generator makes.

Normalisation
-------------
:func:`normalise` parses a number as a person would type it into an address book
or a customer list, with the owner's country as the default region, and returns
E.164 or the reason it fails. Because our numbers are deliberately outside
allocated ranges, success means "parsed and possible", not "valid".
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import phonenumbers as pn
import pyarrow as pa
import pyarrow.compute as pc
from phonenumbers import NumberParseException

from analysis.core.reference import load

__all__ = [
    "E164",
    "FAILURE_REASONS",
    "INTERNATIONAL",
    "NATIONAL",
    "PhoneBlock",
    "blocks",
    "calling_code",
    "check_synthetic",
    "draw_numbers",
    "draw_subscribers",
    "e164_text",
    "format_number",
    "normalise",
]


E164 = pn.PhoneNumberFormat.E164


NATIONAL = pn.PhoneNumberFormat.NATIONAL


INTERNATIONAL = pn.PhoneNumberFormat.INTERNATIONAL


@dataclass(frozen=True)
class PhoneBlock:
    """The synthetic block of one country."""

    country_code: str
    calling_code: int
    national_number_length: int
    prefix: str

    @property
    def capacity(self) -> int:
        """How many distinct numbers the block holds."""
        return 10 ** (self.national_number_length - len(self.prefix))

    @property
    def e164_prefix(self) -> str:
        """The E.164 text every number of the block starts with."""
        return f"+{self.calling_code}{self.prefix}"


@cache
def blocks() -> dict[str, PhoneBlock]:
    """Synthetic blocks by ISO country code, from the reference table."""
    frame = load("phone_blocks")
    return {
        row.country_code: PhoneBlock(
            row.country_code,
            int(row.calling_code),
            int(row.national_number_length),
            str(row.block_prefix),
        )
        for row in frame.itertuples()
    }


def draw_subscribers(country_code: str, n: int, rng: np.random.Generator) -> np.ndarray:
    """Draw ``n`` distinct subscriber parts (integers below the block's capacity).

    Subscriber parts are uniform over the block; repeats are redrawn until all
    are distinct, so the result depends only on ``rng``'s state.
    """
    block = blocks()[country_code]
    if n > block.capacity // 4:
        raise ValueError(
            f"{n} numbers requested for {country_code}, but its synthetic block holds "
            f"{block.capacity}; keep requests under a quarter of it"
        )
    subscriber = rng.integers(0, block.capacity, size=n, dtype=np.int64)
    while True:
        _, first = np.unique(subscriber, return_index=True)
        if first.size == n:
            break
        repeat = np.ones(n, dtype=bool)
        repeat[first] = False
        subscriber[repeat] = rng.integers(0, block.capacity, size=int(repeat.sum()))
    return subscriber


def e164_text(countries, which: np.ndarray, subscribers: np.ndarray) -> pa.Array:
    """E.164 text for subscriber parts, vectorised in Arrow.

    ``which[i]`` indexes ``countries`` for the ``i``-th subscriber part.
    """
    table = blocks()
    which = np.asarray(which)
    prefixes = pa.array([table[c].e164_prefix for c in countries], pa.string()).take(which)
    capacity = np.array([table[c].capacity for c in countries], dtype=np.int64)[which]
    # add a leading 1 digit so that a plain integer-to-text cast keeps the zero padding
    padded = pc.cast(pa.array(np.asarray(subscribers, dtype=np.int64) + capacity), pa.string())
    return pc.binary_join_element_wise(prefixes, pc.utf8_slice_codeunits(padded, 1), "")


def draw_numbers(country_code: str, n: int, rng: np.random.Generator) -> np.ndarray:
    """Draw ``n`` distinct synthetic numbers (E.164 text) for one country.

    >>> nums = draw_numbers("GB", 3, np.random.default_rng(1))
    >>> [n.startswith("+44761") and len(n) == 13 for n in nums]
    [True, True, True]
    """
    subscribers = draw_subscribers(country_code, n, rng)
    text = e164_text([country_code], np.zeros(n, dtype=np.int64), subscribers)
    return np.asarray(text.to_pylist(), dtype=object)


def check_synthetic(numbers, country_codes) -> list[str]:
    """Return one message per number that breaks the synthetic scheme (empty if none).

    A number passes when it parses, belongs to the country's calling code and
    block, has the national length, is *possible* and is *not valid* for
    ``phonenumbers``.
    """
    problems = []
    table = blocks()
    for number, country in zip(numbers, country_codes, strict=True):
        block = table.get(country)
        if block is None:
            problems.append(f"{number}: country {country!r} has no synthetic block")
            continue
        try:
            parsed = pn.parse(number, None)
        except NumberParseException as exc:
            problems.append(f"{number}: does not parse ({exc})")
            continue
        national = str(parsed.national_number)
        if parsed.country_code != block.calling_code:
            problems.append(
                f"{number}: calling code {parsed.country_code}, expected {block.calling_code}"
            )
        elif not national.startswith(block.prefix) or len(national) != block.national_number_length:
            problems.append(f"{number}: outside the synthetic block {block.e164_prefix}…")
        elif pn.is_possible_number_with_reason(parsed) != pn.ValidationResult.IS_POSSIBLE:
            problems.append(f"{number}: not a possible {country} number")
        elif pn.is_valid_number(parsed):
            problems.append(f"{number}: VALID per phonenumbers: could be a real subscriber's")
    return problems


def format_number(e164: str, style: str) -> str:
    """Write an E.164 number in ``style``: ``e164``, ``national`` or ``international``.

    >>> format_number("+447610000001", "national")
    '07610 000001'
    """
    styles = {"e164": E164, "national": NATIONAL, "international": INTERNATIONAL}
    return pn.format_number(pn.parse(e164, None), styles[style])


#: Reasons :func:`normalise` gives for a failure, in a stable vocabulary.
FAILURE_REASONS = {
    NumberParseException.INVALID_COUNTRY_CODE: "unknown country code",
    NumberParseException.NOT_A_NUMBER: "not a number",
    NumberParseException.TOO_SHORT_AFTER_IDD: "too short after international prefix",
    NumberParseException.TOO_SHORT_NSN: "too short",
    NumberParseException.TOO_LONG: "too long",
}


def normalise(raw: str, default_region: str) -> tuple[str | None, str]:
    """Normalise one typed phone number to E.164.

    Returns ``(e164, "ok")`` or ``(None, reason)``.

    >>> normalise("07610 000 001", "GB")
    ('+447610000001', 'ok')
    >>> normalise("+44 7610 000001", "DE")
    ('+447610000001', 'ok')
    >>> normalise("Mum", "GB")
    (None, 'not a number')
    >>> normalise("0761 00", "GB")
    (None, 'not a possible number (wrong length)')
    """
    try:
        parsed = pn.parse(raw, default_region)
    except NumberParseException as exc:
        return None, FAILURE_REASONS.get(exc.error_type, "does not parse")
    if pn.is_possible_number_with_reason(parsed) != pn.ValidationResult.IS_POSSIBLE:
        return None, "not a possible number (wrong length)"
    return pn.format_number(parsed, E164), "ok"


def calling_code(digits: str) -> str:
    """Return the country calling code that starts ``digits`` (calling codes are prefix-free).

    >>> calling_code("447610000001"), calling_code("12925550123"), calling_code("5520912345678")
    ('44', '1', '55')
    """
    for width in (1, 2, 3):
        if int(digits[:width] or 0) in pn.COUNTRY_CODE_TO_REGION_CODE:
            return digits[:width]
    return ""
