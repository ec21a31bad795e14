"""How people write phone numbers, and how typed numbers are read back.

Address books and customer lists hold numbers as people typed them: with or without the
country code, with a trunk prefix, spaces, brackets, dashes. :func:`write_numbers`
writes address-book entries in :data:`STYLES`, :func:`write_phone` customer-list
entries in :data:`PHONE_STYLES`; :func:`normalise_entries` reads typed entries back to
E.164 with ``phonenumbers``, each distinct writing once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import phonenumbers as pn

from analysis.world.phones import blocks, calling_code, normalise

if TYPE_CHECKING:  # pragma: no cover
    pass

__all__ = [
    "DOMESTIC_STYLE_WEIGHTS",
    "FOREIGN_STYLE_WEIGHTS",
    "IDD_PREFIX",
    "PHONE_STYLES",
    "STYLES",
    "WRITING",
    "normalisation_calls",
    "normalise_entries",
    "write_numbers",
    "write_phone",
]


#: How a number can be written. ``national`` for a foreign number means its country
#: code was left out (the owner's phone will read it as a local number).
STYLES = (
    "e164",
    "international",
    "idd_00",
    "national",
    "national_compact",
    "national_dashes",
    "no_trunk",
    "old_form",
    "missing_plus",
    "typo_dropped_digit",
    "typo_doubled_digit",
    "as_is",
)


#: Style probabilities for a contact in the owner's own country.
DOMESTIC_STYLE_WEIGHTS = {
    "e164": 0.10,
    "international": 0.10,
    "idd_00": 0.03,
    "national": 0.35,
    "national_compact": 0.20,
    "national_dashes": 0.08,
    "no_trunk": 0.05,
    "old_form": 0.06,
    "missing_plus": 0.03,
}


#: Style probabilities for a contact in another country.
FOREIGN_STYLE_WEIGHTS = {
    "e164": 0.30,
    "international": 0.33,
    "idd_00": 0.15,
    "national": 0.12,
    "national_compact": 0.03,
    "missing_plus": 0.07,
}


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


def _group(nsn: pd.Series, lengths: tuple[int, ...], sep: str, paren: bool = False) -> pd.Series:
    """Split digit strings into groups of ``lengths`` (the last takes the rest)."""
    parts, pos = [], 0
    for i, size in enumerate(lengths):
        parts.append(nsn.str.slice(pos, None if i == len(lengths) - 1 else pos + size))
        pos += size
    if paren:
        head = "(" + parts[0] + ")"
        rest = parts[1:]
        tail = rest[0]
        for p in rest[1:]:
            tail = tail + "-" + p
        return head + " " + tail
    out = parts[0]
    for p in parts[1:]:
        out = out + sep + p
    return out


def write_numbers(e164: pd.Series, country: pd.Series, style: pd.Series) -> pd.Series:
    """Write E.164 numbers of ``country`` in ``style`` (one of :data:`STYLES` each).

    Vectorised per (country, style) group. Typos drop or double one digit of the
    national form at a position chosen from the number's own digits (deterministic).

    >>> write_numbers(pd.Series(["+447610000001"] * 3), pd.Series(["GB"] * 3),
    ...               pd.Series(["national", "idd_00", "old_form"])).tolist()
    ['07610 000001', '00447610000001', '+44 (0)7610 000001']
    """
    e164 = pd.Series(np.asarray(e164, dtype=object))
    country = np.asarray(country, dtype=object)
    style = np.asarray(style, dtype=object)
    out = np.empty(len(e164), dtype=object)
    table = blocks()
    for code in pd.unique(country):  # 8 countries x 11 styles: loops over groups only
        spec = WRITING[code]
        cc = str(table[code].calling_code)
        in_country = country == code
        for st in pd.unique(style[in_country]):
            idx = np.flatnonzero(in_country & (style == st))
            if st == "as_is":  # service codes: kept exactly as saved
                out[idx] = e164.iloc[idx].to_numpy(dtype=object)
                continue
            nsn = e164.iloc[idx].str.slice(1 + len(cc)).reset_index(drop=True)
            out[idx] = _write_style(nsn, cc, spec, st).to_numpy(dtype=object)
    return pd.Series(out, dtype=object)


def _write_style(nsn: pd.Series, cc: str, spec: dict, style: str) -> pd.Series:
    trunk = spec["trunk"]
    if style == "e164":
        return "+" + cc + nsn
    if style == "international":
        return "+" + cc + " " + _group(nsn, spec["intl"], " ")
    if style == "idd_00":
        return "00" + cc + nsn
    if style == "national":  # an area code in brackets is written without the trunk 0
        return ("" if spec["paren"] else trunk) + _group(nsn, spec["national"], " ", spec["paren"])
    if style == "national_compact":
        return trunk + nsn
    if style == "national_dashes":
        return trunk + _group(nsn, spec["national"], "-")
    if style == "no_trunk":
        return nsn
    if style == "missing_plus":
        return cc + nsn
    if style == "old_form":
        old = spec["old"]
        if old == "plus_cc_trunk":
            return "+" + cc + " 0" + nsn
        if old == "plus_cc_paren_trunk":
            return "+" + cc + " (0)" + _group(nsn, spec["intl"], " ")
        if old == "drop_ninth_digit":  # saved before the ninth mobile digit was added
            return "(" + nsn.str.slice(0, 2) + ") " + nsn.str.slice(3, 7) + "-" + nsn.str.slice(7)
        if old == "one_dashes":
            return "1-" + _group(nsn, spec["national"], "-")
        if old == "mobile_044":  # prefix for calling a mobile from a landline until 2019
            return "044 " + _group(nsn, spec["national"], " ")
        if old == "cc_no_plus":
            return cc + " " + _group(nsn, spec["intl"], " ")
        raise ValueError(f"unknown old form {old!r}")
    if style in ("typo_dropped_digit", "typo_doubled_digit"):
        national = trunk + nsn
        # position from the digits themselves: deterministic, varied
        digits = nsn.str.slice(-3).astype(int).to_numpy()
        length = national.str.len().to_numpy()
        pos = 1 + digits % np.maximum(length - 1, 1)
        res = np.empty(len(nsn), dtype=object)
        for p in np.unique(pos):  # at most ~12 positions
            sel = np.flatnonzero(pos == p)
            s = national.iloc[sel]
            if style == "typo_dropped_digit":
                res[sel] = (s.str.slice(0, p) + s.str.slice(p + 1)).to_numpy(dtype=object)
            else:
                res[sel] = (s.str.slice(0, p + 1) + s.str.slice(p)).to_numpy(dtype=object)
        return pd.Series(res, dtype=object)
    raise ValueError(f"unknown writing style {style!r}; allowed: {list(STYLES)}")


_SEPARATORS = r"[ \-./]"


def normalisation_calls(
    raw: pd.Series, region: pd.Series
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """List the distinct ``(text, region)`` calls :func:`normalise_entries` makes.

    Returns ``(texts, regions, inverse)``: one call per distinct pair, and for each
    entry the index of its call. Two shortcuts cannot change a result: a number
    written with a leading "+" parses the same whatever the default region
    (phonenumbers ignores it; region ``"ZZ"`` is passed), and spaces, dashes, dots
    and slashes between digits are dropped by phonenumbers anyway. Entries that
    differ only in these share one call.

    >>> texts, regions, inverse = normalisation_calls(
    ...     pd.Series(["07610 000001", "07610-000001", "+44 7610 000001", "+447610000001"]),
    ...     pd.Series(["GB", "GB", "GB", "DE"]))
    >>> texts.tolist(), regions.tolist(), inverse.tolist()
    (['07610000001', '+447610000001'], ['GB', 'ZZ'], [0, 0, 1, 1])
    """
    raw = pd.Series(np.asarray(raw, dtype=object))
    region = pd.Series(np.asarray(region, dtype=object))
    compact = raw.str.replace(_SEPARATORS, "", regex=True)
    region = region.where(~compact.str.startswith("+").fillna(False).astype(bool), "ZZ")
    r_codes, r_uniques = pd.factorize(compact)
    g_codes, g_uniques = pd.factorize(region)
    width = max(len(g_uniques), 1)
    key = r_codes.astype(np.int64) * width + g_codes
    uniq, inverse = np.unique(key, return_inverse=True)
    texts = np.asarray(r_uniques, dtype=object)[uniq // width]
    regions = np.asarray(g_uniques, dtype=object)[uniq % width]
    return texts, regions, inverse.ravel()


def normalise_entries(raw: pd.Series, region: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Normalise typed numbers, each distinct ``(raw, region)`` once.

    Calls :func:`analysis.world.normalise` once per :func:`normalisation_calls` entry.

    ``phonenumbers`` parses one string at a time in Python (about 30,000 a second
    on one core), so the number of distinct calls sets the cost.

    Returns ``(e164, reason)``: string Series (NA where it failed) and the reason
    (``"ok"`` or why), aligned with ``raw``.
    """
    texts, regions, inverse = normalisation_calls(raw, region)
    results = [normalise(str(t), str(g)) for t, g in zip(texts, regions, strict=True)]
    e164 = np.array([r[0] for r in results], dtype=object)
    reason = np.array([r[1] for r in results], dtype=object)
    return (pd.Series(e164[inverse], dtype="string"), pd.Series(reason[inverse], dtype=object))


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
