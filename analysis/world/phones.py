"""Synthetic phone numbers that can never be a real subscriber's, and their normalisation.

The scheme
----------
Each country gets one *subscriber block* (``data/reference/phone_blocks.csv``): a
national-number prefix, at the length of that country's mobile numbers, that the
national numbering plan leaves unallocated. Every number we generate is
``+<calling code><block prefix><digits>`` with exactly the national length, so:

* ``phonenumbers`` finds it *possible* (right country, right length), parses it
  from national, international and E.164 writing, and formats it back; and
* ``phonenumbers`` finds it *not valid*: it lies in no range that libphonenumber's
  metadata (a copy of the national plans) lists as assigned to any operator.

The same table lists where the project's *mis-written* numbers land: Brazil's old
eight-digit mobile form (``old_form``) and a digit dropped or doubled (``typo``). Every
block is proved unallocated, not sampled: :func:`allocated_types_in_block` runs each
number-type pattern of the metadata (every region sharing the calling code) over the
whole block and finds none that can match.

Official fictional ranges (UK 07700 900000-900999, US 555-0100-0199) exist in only
a few countries and hold a thousand numbers or fewer, too few for a population,
so they are not used. :func:`check_numbers` classifies a batch of numbers against
the scheme (in which block, valid or not); :func:`check_synthetic` lists the
problems. ``analysis.results.phone_audit`` runs them over every table.

Normalisation
-------------
:func:`normalise` parses a number as a phone in the owner's country reads it
(``phonenumbers``, the owner's country as the default region) and returns E.164 or
the reason it fails. Two readings are refused rather than guessed: digits that start
with the owner's own calling code but carry no ``+`` when both readings (with and
without the country code) are possible numbers, as German numbers are at almost any
length (*ambiguous*), and service or emergency short codes (*short code*). Because
our numbers are deliberately outside allocated ranges, success means "parsed and
possible", not "valid".
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd
import phonenumbers as pn
import pyarrow as pa
import pyarrow.compute as pc
from phonenumbers import NumberParseException

from analysis.core.reference import load

try:  # the regular-expression parser of the standard library (``sre_parse`` before 3.11)
    from re import _constants as _sre
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover
    import sre_constants as _sre
    import sre_parse as _sre_parse

__all__ = [
    "AMBIGUOUS",
    "BLOCK_ROLES",
    "E164",
    "FAILURE_REASONS",
    "INTERNATIONAL",
    "NATIONAL",
    "NUMBER_TYPES",
    "SHORT_CODE",
    "PhoneBlock",
    "all_blocks",
    "allocated_types_in_block",
    "block_role_of",
    "blocks",
    "calling_code",
    "check_numbers",
    "check_synthetic",
    "draw_numbers",
    "draw_subscribers",
    "e164_text",
    "format_number",
    "max_people",
    "normalise",
    "number_problems",
]


E164 = pn.PhoneNumberFormat.E164


NATIONAL = pn.PhoneNumberFormat.NATIONAL


INTERNATIONAL = pn.PhoneNumberFormat.INTERNATIONAL


#: What a block holds: the numbers people have, where Brazil's pre-ninth-digit form of
#: them lands, and where a digit dropped or typed twice lands.
BLOCK_ROLES = ("subscribers", "old_form", "typo")


@dataclass(frozen=True)
class PhoneBlock:
    """One synthetic block: ``+<calling_code><prefix>`` and digits, national length."""

    country_code: str
    calling_code: int
    national_number_length: int
    prefix: str
    role: str = "subscribers"

    @property
    def capacity(self) -> int:
        """How many distinct numbers the block holds."""
        return 10 ** (self.national_number_length - len(self.prefix))

    @property
    def e164_prefix(self) -> str:
        """The E.164 text every number of the block starts with."""
        return f"+{self.calling_code}{self.prefix}"

    @property
    def e164_length(self) -> int:
        """Length of the block's E.164 text, ``+`` included."""
        return 1 + len(str(self.calling_code)) + self.national_number_length


@cache
def all_blocks() -> tuple[PhoneBlock, ...]:
    """Every block of the reference table, in file order (subscriber blocks first)."""
    frame = load("phone_blocks")
    out = tuple(
        PhoneBlock(
            row.country_code,
            int(row.calling_code),
            int(row.national_number_length),
            str(row.block_prefix),
            str(row.block_role),
        )
        for row in frame.itertuples()
    )
    bad = sorted({b.role for b in out} - set(BLOCK_ROLES))
    if bad:
        raise ValueError(f"phone_blocks.csv: unknown block_role {bad}; allowed: {BLOCK_ROLES}")
    return tuple(sorted(out, key=lambda b: BLOCK_ROLES.index(b.role)))


@cache
def blocks() -> dict[str, PhoneBlock]:
    """Return the subscriber blocks by ISO country code (the numbers people have)."""
    return {b.country_code: b for b in all_blocks() if b.role == "subscribers"}


def max_people(country_code: str) -> int:
    """Most people one country's subscriber block can number (a quarter of it).

    >>> max_people("ES")
    2500000
    """
    return blocks()[country_code].capacity // 4


def draw_subscribers(country_code: str, n: int, rng: np.random.Generator) -> np.ndarray:
    """Draw ``n`` distinct subscriber parts (integers below the block's capacity).

    Subscriber parts are uniform over the block; repeats are redrawn until all
    are distinct, so the result depends only on ``rng``'s state.
    """
    block = blocks()[country_code]
    if n > max_people(country_code):
        raise ValueError(
            f"{n} numbers requested for {country_code}, but its synthetic block holds "
            f"{block.capacity}; keep requests under a quarter of it ({max_people(country_code)})"
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


def _block_lookup(numbers) -> tuple[np.ndarray, np.ndarray]:
    """Role and country of the block each E.164 text lies in (``""`` for none)."""
    values = np.asarray(numbers, dtype=object)
    present = pd.notna(pd.Series(values, dtype=object)).to_numpy()
    text = pa.array(np.where(present, values, ""), pa.string())
    length = pc.utf8_length(text).to_numpy(zero_copy_only=False)
    role = np.full(len(values), "", dtype=object)
    country = np.full(len(values), "", dtype=object)
    for block in reversed(all_blocks()):  # earlier roles overwrite later ones
        hit = (length == block.e164_length) & pc.starts_with(text, block.e164_prefix).to_numpy(
            zero_copy_only=False
        )
        role[hit] = block.role
        country[hit] = block.country_code
    return role, country


def block_role_of(numbers) -> np.ndarray:
    """Role of the block each E.164 text lies in (``""`` for none), vectorised.

    Where blocks overlap (Brazil's typo block inside its old-form block) the first
    role of :data:`BLOCK_ROLES` wins.

    >>> block_role_of(["+447610000001", "+44761000001", "+447910000001", None]).tolist()
    ['subscribers', 'typo', '', '']
    """
    return _block_lookup(numbers)[0]


def _block_index(numbers) -> np.ndarray:
    """Index into :func:`all_blocks` of the first block holding each E.164 text (-1: none)."""
    text = pa.array(np.asarray(numbers, dtype=object), pa.string())
    length = pc.utf8_length(text).to_numpy(zero_copy_only=False)
    out = np.full(len(text), -1, dtype=np.int64)
    for i, block in reversed(list(enumerate(all_blocks()))):
        hit = (length == block.e164_length) & pc.starts_with(text, block.e164_prefix).to_numpy(
            zero_copy_only=False
        )
        out[hit] = i
    return out


@cache
def _block_is_unallocated(block: PhoneBlock) -> bool:
    """Tell whether the block is proved unallocated and its length possible (once)."""
    sample = pn.parse(
        f"{block.e164_prefix}{0:0{block.national_number_length - len(block.prefix)}d}"
    )
    return not allocated_types_in_block(block) and pn.is_possible_number(sample)


def check_numbers(numbers, *, direct_sample: int | None = None) -> pd.DataFrame:
    """Classify E.164 texts against the scheme.

    Returns one row per input: ``number``, ``block_role`` (``subscribers``, ``old_form``,
    ``typo`` or ``""`` outside every block), ``block_country``, ``is_parsed``
    (``phonenumbers`` reads it), ``is_possible`` and ``is_valid`` (``phonenumbers``: a
    valid number could be a real subscriber's). Missing values are ``is_parsed`` False.

    A number outside every block is checked with ``phonenumbers`` itself. A number
    inside a block takes the block's answer: the block is proved unallocated at once
    (:func:`allocated_types_in_block`); with ``direct_sample`` a seeded sample of that
    many distinct in-block numbers is also checked one by one (default: all of them).

    >>> out = check_numbers(["+447610000001", "+447911123456"])
    >>> out[["block_role", "is_valid"]].values.tolist()
    [['subscribers', False], ['', True]]
    """
    text = pd.Series(np.asarray(numbers, dtype=object), dtype="object")
    codes, uniques = pd.factorize(text, use_na_sentinel=True)
    role_u, _ = _block_lookup(np.asarray(uniques, dtype=object))
    parsed = np.zeros(len(uniques) + 1, dtype=bool)
    possible = np.zeros(len(uniques) + 1, dtype=bool)
    valid = np.zeros(len(uniques) + 1, dtype=bool)
    inside = np.flatnonzero(role_u != "")
    by_block = np.zeros(len(uniques), dtype=bool)
    if inside.size and direct_sample is not None:
        proved = np.array([_block_is_unallocated(b) for b in all_blocks()])
        ok = _block_index(np.asarray(uniques, dtype=object)[inside])
        ok = (ok >= 0) & proved[np.maximum(ok, 0)]
        by_block[inside[ok]] = True
        parsed[inside[ok]] = possible[inside[ok]] = True
        if direct_sample > 0:  # and a seeded sample of them one by one
            chosen = inside[ok]
            if direct_sample < chosen.size:
                chosen = np.random.default_rng(0).choice(chosen, size=direct_sample, replace=False)
            by_block[chosen] = False
    for i in np.flatnonzero(~by_block):
        try:
            number = pn.parse(str(uniques[i]), None)
        except NumberParseException:
            continue
        parsed[i] = True
        possible[i] = pn.is_possible_number(number)
        valid[i] = pn.is_valid_number(number)
    role_u, country_u = _block_lookup(np.asarray(uniques, dtype=object))
    role_u, country_u = np.append(role_u, ""), np.append(country_u, "")
    return pd.DataFrame(
        {
            "number": text.to_numpy(dtype=object),
            "block_role": role_u[codes],
            "block_country": country_u[codes],
            "is_parsed": parsed[codes],
            "is_possible": possible[codes],
            "is_valid": valid[codes],
        }
    )


def number_problems(
    numbers, is_typo=None, country_codes=None, *, direct_sample: int | None = None
) -> np.ndarray:
    """Why each E.164 text breaks the synthetic scheme (``""`` when it keeps it).

    The rules of the phone-safety audit: a number must parse, must not be *valid* for
    ``phonenumbers`` (it could be a real subscriber's), and must lie in a documented
    block; a ``typo`` block only when the row is marked as a typo (``is_typo``), and
    in the block of ``country_codes`` when given. Missing values pass (nothing to check).
    ``direct_sample``: see :func:`check_numbers`.

    >>> for why in number_problems(["+447610000001", "+447911123456", "+44761000001", None]):
    ...     print(repr(why))
    ''
    "valid per phonenumbers: could be a real subscriber's"
    'in a typo block but not marked as a typo'
    ''
    """
    values = np.asarray(numbers, dtype=object)
    check = check_numbers(values, direct_sample=direct_sample)
    n = len(values)
    typo = np.zeros(n, dtype=bool) if is_typo is None else np.asarray(is_typo, dtype=bool)
    present = pd.notna(pd.Series(values, dtype=object)).to_numpy()
    out = np.full(n, "", dtype=object)
    role = check["block_role"].to_numpy(dtype=object)
    rules = [
        (present & ~check["is_parsed"].to_numpy(), "does not parse as an E.164 number"),
        (
            present & check["is_valid"].to_numpy(),
            "valid per phonenumbers: could be a real subscriber's",
        ),
        (present & (role == ""), "outside every synthetic block"),
        (present & (role == "typo") & ~typo, "in a typo block but not marked as a typo"),
    ]
    if country_codes is not None:
        wrong = check["block_country"].to_numpy(dtype=object) != np.asarray(
            country_codes, dtype=object
        )
        rules.append((present & (role != "") & wrong, "in another country's block"))
    for hit, why in reversed(rules):  # the first rule that applies is reported
        out[hit] = why
    return out


def check_synthetic(numbers, country_codes) -> list[str]:
    """Return one message per number that breaks the synthetic scheme (empty if none).

    A number passes when it parses, belongs to the country's calling code and
    subscriber block, has the national length, is *possible* and is *not valid* for
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


#: Reason for digits that start with the owner's calling code, without "+", where the
#: number reads as possible both with and without that code.
AMBIGUOUS = "ambiguous (starts with the country code but has no +)"


#: Reason for a service or emergency short code of the owner's country.
SHORT_CODE = "short code (service or emergency number)"


_WRONG_LENGTH = "not a possible number (wrong length)"


def normalise(raw: str, default_region: str) -> tuple[str | None, str]:
    """Normalise one typed phone number to E.164, as a phone in ``default_region`` reads it.

    Returns ``(e164, "ok")`` or ``(None, reason)``.

    >>> normalise("07610 000 001", "GB")
    ('+447610000001', 'ok')
    >>> normalise("+44 7610 000001", "DE")
    ('+447610000001', 'ok')
    >>> normalise("Mum", "GB")
    (None, 'not a number')
    >>> normalise("0761 00", "GB")
    (None, 'not a possible number (wrong length)')
    >>> normalise("4915300000001", "DE")
    (None, 'ambiguous (starts with the country code but has no +)')
    >>> normalise("3311", "DE")
    (None, 'short code (service or emergency number)')
    """
    try:
        parsed = pn.parse(raw, default_region, keep_raw_input=True)
    except NumberParseException as exc:
        return None, FAILURE_REASONS.get(exc.error_type, "does not parse")
    if pn.is_possible_number_with_reason(parsed) != pn.ValidationResult.IS_POSSIBLE:
        return None, _WRONG_LENGTH
    if parsed.country_code_source == pn.CountryCodeSource.FROM_DEFAULT_COUNTRY:
        digits = pn.normalize_digits_only(raw)
        own = str(parsed.country_code)
        if digits.startswith(own) and len(digits) > len(own):
            try:
                other = pn.parse("+" + digits, None)
            except NumberParseException:
                other = None
            if other is not None and other != parsed and pn.is_possible_number(other):
                return None, AMBIGUOUS
        if len(digits) <= 6 and pn.is_valid_short_number_for_region(parsed, default_region):
            return None, SHORT_CODE
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


# --- proof that a block is unallocated -------------------------------------------------

#: The number types of libphonenumber's metadata; a number is valid when one matches.
NUMBER_TYPES = (
    "fixed_line",
    "mobile",
    "toll_free",
    "premium_rate",
    "shared_cost",
    "personal_number",
    "voip",
    "pager",
    "uan",
    "voicemail",
)


_DIGITS = frozenset("0123456789")


def _class_digits(items) -> frozenset:
    """Digits a character class ``[...]`` of the parsed pattern accepts."""
    out: set[str] = set()
    negate = False
    for op, arg in items:
        if op is _sre.NEGATE:
            negate = True
        elif op is _sre.LITERAL:
            out.add(chr(arg))
        elif op is _sre.RANGE:
            out |= {chr(c) for c in range(arg[0], arg[1] + 1)}
        elif op is _sre.CATEGORY and arg is _sre.CATEGORY_DIGIT:
            out |= _DIGITS
        else:
            raise ValueError(f"unsupported character class item {op} in a metadata pattern")
    out &= _DIGITS
    return frozenset(_DIGITS - out) if negate else frozenset(out)


def _reach(sequence, starts: set[int], allowed: list[frozenset]) -> set[int]:
    """Positions where ``sequence`` (a parsed pattern) can end, starting at ``starts``.

    The strings are all those whose character ``i`` is in ``allowed[i]``: a product of
    per-position sets, so a pattern matches one of them exactly when a match path
    exists through the positions (each position is read once on a path).
    """
    current = set(starts)
    size = len(allowed)
    for op, arg in sequence:
        if not current:
            break
        if op is _sre.LITERAL:
            ch = chr(arg)
            current = {i + 1 for i in current if i < size and ch in allowed[i]}
        elif op is _sre.IN:
            digits = _class_digits(arg)
            current = {i + 1 for i in current if i < size and allowed[i] & digits}
        elif op is _sre.ANY:
            current = {i + 1 for i in current if i < size}
        elif op is _sre.SUBPATTERN:
            current = _reach(arg[-1], current, allowed)
        elif op is _sre.BRANCH:
            current = set().union(*(_reach(alt, current, allowed) for alt in arg[1]))
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT):
            low, high, body = arg
            reached = set(current) if low == 0 else set()
            frontier, count = current, 0
            while frontier and (high is _sre.MAXREPEAT or count < high) and count <= size:
                frontier = _reach(body, frontier, allowed)
                count += 1
                if count >= low:
                    if frontier <= reached and count > low:
                        break
                    reached |= frontier
            current = reached
        else:
            raise ValueError(f"unsupported pattern element {op} in a metadata pattern")
    return current


@cache
def _parsed_pattern(pattern: str):
    return list(_sre_parse.parse(pattern))


def _can_match(pattern: str, allowed: list[frozenset]) -> bool:
    """Whether ``pattern`` fully matches some string of the per-position sets ``allowed``."""
    return len(allowed) in _reach(_parsed_pattern(pattern), {0}, allowed)


def allocated_types_in_block(block: PhoneBlock) -> list[tuple[str, str]]:
    """List the metadata number types that any number of ``block`` could match.

    Exact, not sampled: every number-type pattern of every region sharing the
    block's calling code is run over the whole block at once (all strings that
    start with the prefix and have the block's length). An empty list proves that
    ``phonenumbers`` finds no number of the block valid.

    >>> allocated_types_in_block(PhoneBlock("GB", 44, 10, "761"))
    []
    >>> allocated_types_in_block(PhoneBlock("GB", 44, 10, "791"))
    [('GB', 'mobile'), ('GG', 'mobile')]
    """
    allowed = [frozenset(c) for c in block.prefix]
    allowed += [_DIGITS] * (block.national_number_length - len(block.prefix))
    found = []
    for region in pn.COUNTRY_CODE_TO_REGION_CODE.get(block.calling_code, ()):
        metadata = pn.PhoneMetadata.metadata_for_region(region)
        if metadata is None:
            continue
        for kind in NUMBER_TYPES:
            desc = getattr(metadata, kind)
            if desc is None or desc.national_number_pattern is None:
                continue
            lengths = tuple(desc.possible_length or ())
            if lengths and lengths != (-1,) and block.national_number_length not in lengths:
                continue
            if _can_match(desc.national_number_pattern, allowed):
                found.append((region, kind))
    return found
