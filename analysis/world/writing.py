"""How people write phone numbers: one writer for address books and customer lists.

Address books and customer lists hold numbers as people typed them: with or without the
country code, with a trunk prefix, spaces, brackets, dashes, a country's old form, now
and then a typo. :func:`write_numbers` writes every one of them, vectorised per
(country, style) group; :mod:`analysis.world.reading` reads typed numbers back.

Safe by construction
--------------------
Every form written here, read by a phone in the owner's country
(:func:`analysis.world.normalise`), gives the number's own synthetic number, a number
of a documented synthetic block (Brazil's old form, a typo: ``phone_blocks.csv``), or
a recorded failure (not possible, ambiguous). Never a valid number:

* a typo changes only the subscriber digits (after the block prefix), so it stays in
  the block or lands in the block's ``typo`` rows (the prefix at another length);
* the international call prefix is the owner's (``011`` from the US, ``0021`` from
  Brazil, ``008`` from Indonesia, ``00`` elsewhere): a ``00`` typed in Brazil or
  Indonesia is read as a carrier or prefix code and gives another country's number;
* a foreign number is written only with its country code (:data:`FOREIGN_STYLE_WEIGHTS`):
  without it the owner's phone reads the digits in its own numbering plan, where they
  land outside every synthetic block and, for some country pairs, in allocated ranges
  (:data:`FOREIGN_UNSAFE_STYLES`, ``data/README.md``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.world.phones import blocks

__all__ = [
    "DOMESTIC_STYLE_WEIGHTS",
    "FOREIGN_STYLE_WEIGHTS",
    "FOREIGN_UNSAFE_STYLES",
    "IDD_PREFIX",
    "PHONE_STYLES",
    "STYLES",
    "TYPO_KINDS",
    "TYPO_STYLES",
    "WRITING",
    "write_numbers",
]


STYLES = (
    "e164",
    "international",
    "international_idd",
    "digits_with_country_code",
    "national",
    "national_compact",
    "national_dashes",
    "no_trunk_prefix",
    "old_form",
    "as_is",
)
"""Every way a number is written (examples for ``+447610000001`` saved in the UK):
``+447610000001``, ``+44 7610 000001``, ``0044 7610 000001`` (the owner's
international call prefix, :data:`IDD_PREFIX`), ``447610000001``, ``07610 000001``,
``07610000001``, ``07610-000001``, ``7610 000001``, the country's old form
(:data:`WRITING`: ``+44 (0)7610 000001``), and ``as_is`` (service codes, kept as saved)."""


PHONE_STYLES = (
    "e164",
    "international",
    "international_idd",
    "digits_with_country_code",
    "national",
    "national_compact",
    "no_trunk_prefix",
)
"""How a customer writes their number on a business's form (a subset of :data:`STYLES`)."""


TYPO_KINDS = ("drop", "double", "substitute", "swap")
"""A subscriber digit left out, typed twice, replaced by another, or swapped with its neighbour."""


TYPO_STYLES = tuple(s for s in STYLES if s not in ("old_form", "as_is"))
"""Styles a typo can be made in (an old form or a service code is kept as saved)."""


#: Style probabilities for a contact in the owner's own country.
DOMESTIC_STYLE_WEIGHTS = {
    "e164": 0.10,
    "international": 0.10,
    "international_idd": 0.03,
    "national": 0.35,
    "national_compact": 0.20,
    "national_dashes": 0.08,
    "no_trunk_prefix": 0.05,
    "old_form": 0.06,
    "digits_with_country_code": 0.03,
}


#: Style probabilities for a contact in another country: always with the country code.
FOREIGN_STYLE_WEIGHTS = {
    "e164": 0.30,
    "international": 0.33,
    "international_idd": 0.15,
}


#: Styles never used for a foreign contact, and why (see the module docstring).
FOREIGN_UNSAFE_STYLES = {
    style: "without its country code a foreign number is read in the owner's numbering plan"
    for style in (
        "national",
        "national_compact",
        "national_dashes",
        "no_trunk_prefix",
        "digits_with_country_code",
        "old_form",
    )
}


IDD_PREFIX = {"US": "011", "BR": "0021", "ID": "008"}
"""International call prefix dialled from a country where it is not ``00`` (Brazil: with
carrier code 21; Indonesia: 008, as ``00`` + digit is read as a carrier prefix there)."""


#: How each country's numbers are written: trunk prefix, national grouping of the
#: national significant number (NSN), whether the first group is an area code in
#: brackets, international grouping, and the old or habitual form.
WRITING = {
    "IN": {
        "trunk": "0",
        "national": (5, 5),
        "paren": False,
        "intl": (5, 5),
        "old": "plus_cc_trunk",
    },
    "BR": {
        "trunk": "0",
        "national": (2, 5, 4),
        "paren": True,
        "intl": (2, 5, 4),
        "old": "drop_ninth_digit",
    },
    "DE": {
        "trunk": "0",
        "national": (4, 7),
        "paren": False,
        "intl": (4, 7),
        "old": "plus_cc_paren_trunk",
    },
    "GB": {
        "trunk": "0",
        "national": (4, 6),
        "paren": False,
        "intl": (4, 6),
        "old": "plus_cc_paren_trunk",
    },
    "US": {
        "trunk": "",
        "national": (3, 3, 4),
        "paren": True,
        "intl": (3, 3, 4),
        "old": "one_dashes",
    },
    "ID": {
        "trunk": "0",
        "national": (3, 4, 4),
        "paren": False,
        "intl": (3, 4, 4),
        "old": "plus_cc_trunk",
    },
    "MX": {
        "trunk": "",
        "national": (3, 3, 4),
        "paren": False,
        "intl": (3, 3, 4),
        "old": "mobile_044",
    },
    "ES": {
        "trunk": "",
        "national": (3, 2, 2, 2),
        "paren": False,
        "intl": (3, 2, 2, 2),
        "old": "cc_no_plus",
    },
}


#: Groups of at most this many numbers are written one text at a time in plain Python;
#: larger ones with vectorised string calls, whose fixed cost per call (about 0.1 ms)
#: dominates in small groups. Both run the same :func:`_write_style`, so they agree.
SMALL_GROUP = 2_000


def _slice(text, start: int, stop: int | None = None):
    """``text[start:stop]`` for one string or a Series of strings."""
    return text[start:stop] if isinstance(text, str) else text.str.slice(start, stop)


def _group(nsn, lengths: tuple[int, ...], sep: str, paren: bool = False):
    """Split digit strings (a Series, or one string) into groups of ``lengths``.

    The last group takes the rest.

    >>> _group("7610000001", (4, 6), " ")
    '7610 000001'
    """
    parts, pos = [], 0
    for i, size in enumerate(lengths):
        parts.append(_slice(nsn, pos, None if i == len(lengths) - 1 else pos + size))
        pos += size
    if paren:
        tail = parts[1]
        for p in parts[2:]:
            tail = tail + "-" + p
        return "(" + parts[0] + ") " + tail
    out = parts[0]
    for p in parts[1:]:
        out = out + sep + p
    return out


def _write_style(nsn, cc: str, spec: dict, style: str, idd: str):
    """Write national significant numbers of one country in one style.

    ``nsn`` is a Series of digit strings or one string; the result has the same form.
    """
    trunk = spec["trunk"]
    if style == "e164":
        return "+" + cc + nsn
    if style == "international":
        return "+" + cc + " " + _group(nsn, spec["intl"], " ")
    if style == "international_idd":
        return idd + ("" if idd == "00" else " ") + cc + " " + _group(nsn, spec["intl"], " ")
    if style == "digits_with_country_code":
        return cc + nsn
    if style == "national":  # an area code in brackets is written without the trunk 0
        return ("" if spec["paren"] else trunk) + _group(nsn, spec["national"], " ", spec["paren"])
    if style == "national_compact":
        return trunk + nsn
    if style == "national_dashes":
        return trunk + _group(nsn, spec["national"], "-")
    if style == "no_trunk_prefix":
        return _group(nsn, spec["national"], " ")
    if style == "old_form":
        old = spec["old"]
        if old == "plus_cc_trunk":
            return "+" + cc + " 0" + nsn
        if old == "plus_cc_paren_trunk":
            return "+" + cc + " (0)" + _group(nsn, spec["intl"], " ")
        if old == "drop_ninth_digit":  # saved before the ninth mobile digit was added
            return "(" + _slice(nsn, 0, 2) + ") " + _slice(nsn, 3, 7) + "-" + _slice(nsn, 7)
        if old == "one_dashes":
            return "1-" + _group(nsn, spec["national"], "-")
        if old == "mobile_044":  # prefix for calling a mobile from a landline until 2019
            return "044 " + _group(nsn, spec["national"], " ")
        if old == "cc_no_plus":
            return cc + " " + _group(nsn, spec["intl"], " ")
        raise ValueError(f"unknown old form {old!r}")
    raise ValueError(f"unknown writing style {style!r}; allowed: {list(STYLES)}")


def _typo(text: pd.Series, kind: str, at: np.ndarray, subscriber_digits: int) -> pd.Series:
    """Put one typo of ``kind`` into texts of one layout, among the subscriber digits.

    ``at`` in [0, 1) picks the digit (and, for a substitution, the new digit). All
    texts share one layout, so the digit positions are those of the first text.
    One pass in plain Python over the texts: string slicing per text costs far less
    than a vectorised pandas string call per digit position (``tests/test_writing_fast.py``
    holds the pandas version this replaced and requires equal output).
    """
    if kind not in TYPO_KINDS:
        raise ValueError(f"unknown typo kind {kind!r}; allowed: {list(TYPO_KINDS)}")
    first = text.iloc[0]
    digit_pos = [i for i, ch in enumerate(first) if ch.isdigit()][-subscriber_digits:]
    k = len(digit_pos)
    slot = np.minimum((at * k).astype(np.int64), k - 1)
    replacement = 1 + np.minimum(((at * k - slot) * 9).astype(np.int64), 8)
    out = np.empty(len(text), dtype=object)
    rows = zip(text.tolist(), slot.tolist(), replacement.tolist(), strict=True)
    for row, (t, s, rep) in enumerate(rows):
        i = digit_pos[s]
        head, here, tail = t[:i], t[i : i + 1], t[i + 1 :]
        if kind == "drop":
            out[row] = head + tail
            continue
        if kind == "double":
            out[row] = head + here + here + tail
            continue
        res = head + str((int(here) + rep) % 10) + tail
        if kind == "swap":
            j = digit_pos[s + 1] if s + 1 < k else digit_pos[s - 1]
            lo, hi = min(i, j), max(i, j)
            a, b = t[lo : lo + 1], t[hi : hi + 1]
            if a != b:  # swapping two equal digits changes nothing: replace the digit instead
                res = t[:lo] + b + t[lo + 1 : hi] + a + t[hi + 1 :]
        out[row] = res
    return pd.Series(out, dtype=object)


def write_numbers(
    e164,
    country,
    style,
    *,
    region=None,
    typo=None,
    typo_at=None,
) -> pd.Series:
    """Write numbers of ``country`` in ``style`` (:data:`STYLES`), as typed in ``region``.

    The one number writer of the project (address books and customer lists).
    Vectorised per (country, style, typo) group.

    Parameters
    ----------
    e164 : array-like of str
        The numbers, E.164 (``as_is`` rows: any text, kept as it is).
    country : array-like of str
        Country of each number (its synthetic block and national writing).
    style : array-like of str
        :data:`STYLES`, per row.
    region : array-like of str, optional
        Country of the phone or form the number is typed on (its international call
        prefix, :data:`IDD_PREFIX`); default: the number's own country.
    typo : array-like of str, optional
        :data:`TYPO_KINDS` or ``""`` (none), per row; only in :data:`TYPO_STYLES`.
    typo_at : array-like of float, optional
        Per row, in [0, 1): which subscriber digit the typo hits (uniform draws).

    Examples
    --------
    >>> write_numbers(["+447610000001"] * 3, ["GB"] * 3,
    ...               ["national", "international_idd", "old_form"]).tolist()
    ['07610 000001', '0044 7610 000001', '+44 (0)7610 000001']
    >>> write_numbers(["+12925550123"], ["US"], ["international_idd"], region=["BR"]).tolist()
    ['0021 1 292 555 0123']
    >>> write_numbers(["+447610000001"], ["GB"], ["national"], typo=["drop"],
    ...               typo_at=[0.0]).tolist()
    ['0761 000001']
    """
    e164 = pd.Series(np.asarray(e164, dtype=object))
    n = len(e164)
    country = np.asarray(country, dtype=object)
    style = np.asarray(style, dtype=object)
    region = country if region is None else np.asarray(region, dtype=object)
    typo = np.full(n, "", dtype=object) if typo is None else np.asarray(typo, dtype=object)
    typo_at = np.zeros(n) if typo_at is None else np.asarray(typo_at, dtype=float)
    if not (len(country) == len(style) == len(region) == len(typo) == len(typo_at) == n):
        raise ValueError("write_numbers: every argument needs one value per number")
    bad = sorted(set(pd.unique(style)) - set(STYLES))
    if bad:
        raise ValueError(f"unknown writing style(s) {bad}; allowed: {list(STYLES)}")
    bad = sorted(set(pd.unique(typo)) - {"", *TYPO_KINDS})
    if bad:
        raise ValueError(f"unknown typo kind(s) {bad}; allowed: {list(TYPO_KINDS)}")
    if ((typo != "") & ~np.isin(style, TYPO_STYLES)).any():
        raise ValueError(f"typos are made only in the styles {list(TYPO_STYLES)}")
    idd = np.array([IDD_PREFIX.get(r, "00") for r in region], dtype=object)
    out = np.empty(n, dtype=object)
    table = blocks()
    key = pd.DataFrame({"c": country, "s": style, "i": idd, "t": typo})
    for (code, st, prefix, kind), rows in key.groupby(
        ["c", "s", "i", "t"], sort=False
    ).indices.items():
        if st == "as_is":  # service codes: kept exactly as saved
            out[rows] = e164.iloc[rows].to_numpy(dtype=object)
            continue
        if code not in WRITING:
            raise ValueError(
                f"no writing conventions for country {code!r}; known: {sorted(WRITING)}"
            )
        block = table[code]
        cc = str(block.calling_code)
        spec, start = WRITING[code], 1 + len(cc)
        if rows.size <= SMALL_GROUP:
            texts = [_write_style(x[start:], cc, spec, st, prefix) for x in e164.iloc[rows]]
            text = pd.Series(texts, dtype=object)
        else:
            nsn = e164.iloc[rows].str.slice(start).reset_index(drop=True)
            text = _write_style(nsn, cc, spec, st, prefix)
        if kind:
            width = block.national_number_length - len(block.prefix)
            text = _typo(text, kind, typo_at[rows], width)
        out[rows] = text.to_numpy(dtype=object)
    return pd.Series(out, dtype=object)
