"""How typed numbers are read back: normalisation at the cost of formats, not numbers.

:func:`analysis.world.normalise` reads one typed number as a phone in the owner's
country would (``phonenumbers``). Address books and customer lists hold millions of
entries but only a few hundred *writing patterns*: a region, the punctuation, the
leading digits (international prefix, country code, trunk prefix, block prefix) and
the length. :func:`normalise_entries` resolves each pattern once with
:func:`~analysis.world.normalise` and applies the answer to every entry of the pattern
with vectorised string slicing (:func:`normalisation_calls` lists the distinct calls
the slow path would make).
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.world.phones import all_blocks, normalise

__all__ = [
    "SHORT_TEXT_DIGITS",
    "normalisation_calls",
    "normalise_each",
    "normalise_entries",
]


_SEPARATORS = r"[ \-./]"


def normalisation_calls(
    raw: pd.Series, region: pd.Series
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """List the distinct ``(text, region)`` calls to :func:`~analysis.world.normalise`.

    Returns ``(texts, regions, inverse)``: one call per distinct pair, and for each
    entry the index of its call. Two shortcuts cannot change a result: a number
    written with a leading "+" parses the same whatever the default region
    (phonenumbers ignores it; region ``"ZZ"`` is passed), and spaces, dashes, dots
    and slashes between digits are dropped by phonenumbers anyway (only in texts of
    digits, brackets and those separators). Entries that differ only in these share
    one call.

    >>> texts, regions, inverse = normalisation_calls(
    ...     pd.Series(["07610 000001", "07610-000001", "+44 7610 000001", "+447610000001"]),
    ...     pd.Series(["GB", "GB", "GB", "DE"]))
    >>> texts.tolist(), regions.tolist(), inverse.tolist()
    (['07610000001', '+447610000001'], ['GB', 'ZZ'], [0, 0, 1, 1])
    """
    raw_codes, raw_u = pd.factorize(pd.Series(np.asarray(raw, dtype=object)).fillna(""))
    reg_codes, reg_u = pd.factorize(pd.Series(np.asarray(region, dtype=object)))
    width = max(len(reg_u), 1)
    pair, pair_inverse = np.unique(
        raw_codes.astype(np.int64) * width + reg_codes, return_inverse=True
    )
    raw_p = pa.array(np.asarray(raw_u, dtype=object)[pair // width], pa.string())
    region_p = pd.Series(np.asarray(reg_u, dtype=object)[pair % width], dtype=object)
    plain = pc.match_substring_regex(raw_p, r"^\+?[0-9() \-./]*$").to_numpy(zero_copy_only=False)
    compact = pc.if_else(pa.array(plain), pc.replace_substring_regex(raw_p, _SEPARATORS, ""), raw_p)
    plus = pc.starts_with(compact, "+").to_numpy(zero_copy_only=False)
    region_p = region_p.where(~(plain & plus), "ZZ")
    compact = pd.Series(compact.to_numpy(zero_copy_only=False), dtype=object)
    r_codes, r_uniques = pd.factorize(compact)
    g_codes, g_uniques = pd.factorize(region_p)
    width = max(len(g_uniques), 1)
    key = r_codes.astype(np.int64) * width + g_codes
    uniq, inverse = np.unique(key, return_inverse=True)
    texts = np.asarray(r_uniques, dtype=object)[uniq // width]
    regions = np.asarray(g_uniques, dtype=object)[uniq % width]
    return texts, regions, inverse.ravel()[pair_inverse.ravel()]


def normalise_each(raw, region) -> tuple[pd.Series, pd.Series]:
    """Normalise typed numbers with one ``phonenumbers`` call per distinct text (the slow path).

    The reference for :func:`normalise_entries`: same return values.
    """
    texts, regions, inverse = normalisation_calls(raw, region)
    results = [normalise(str(t), str(g)) for t, g in zip(texts, regions, strict=True)]
    e164 = np.array([r[0] for r in results], dtype=object)
    reason = np.array([r[1] for r in results], dtype=object)
    return (pd.Series(e164[inverse], dtype="string"), pd.Series(reason[inverse], dtype=object))


#: Texts with at most this many digits are read entry by entry (short codes are
#: recognised by their whole text).
SHORT_TEXT_DIGITS = 6


def normalise_entries(raw, region) -> tuple[pd.Series, pd.Series]:
    """Normalise typed numbers (``raw``, with each entry's default ``region``), by pattern.

    The same answers as calling :func:`~analysis.world.normalise` on every entry
    (:func:`normalise_each`), at the cost of the writing patterns rather than the
    numbers. A pattern is a region, the text's punctuation and length, and its digits
    up to the subscriber digits of a synthetic block (international prefix, country
    code, trunk prefix, block prefix: :func:`analysis.world.all_blocks`). Each pattern
    is resolved with ``phonenumbers`` on two of its entries, those with the lowest and
    the highest subscriber digits; when both read as the pattern's fixed digits followed
    by their own subscriber digits (or fail for the same reason), every entry of the
    pattern gets that answer by string slicing. Patterns whose two entries disagree,
    texts with letters, short texts and texts that end in no block's subscriber digits
    are normalised entry by entry.
    ``tests/test_reading.py`` checks the equality on every entry of a
    100,000-person world.

    Returns ``(e164, reason)``: string Series (NA where it failed) and the reason
    (``"ok"`` or why), aligned with ``raw``.

    >>> e164, reason = normalise_entries(
    ...     pd.Series(["07610 000001", "07610 000002", "Mum", "4915300000001"]),
    ...     pd.Series(["GB", "GB", "GB", "DE"]))
    >>> e164.tolist()[:2]
    ['+447610000001', '+447610000002']
    >>> reason.tolist()[2:]
    ['not a number', 'ambiguous (starts with the country code but has no +)']
    """
    texts, regions, inverse = normalisation_calls(raw, region)
    e164, reason = _normalise_patterns(texts, regions)
    return (
        pd.Series(e164[inverse], dtype="string"),
        pd.Series(reason[inverse], dtype=object),
    )


def _normalise_one_by_one(texts, regions) -> tuple[np.ndarray, np.ndarray]:
    results = [normalise(str(t), str(g)) for t, g in zip(texts, regions, strict=True)]
    return (
        np.array([r[0] for r in results], dtype=object),
        np.array([r[1] for r in results], dtype=object),
    )


def _normalise_patterns(texts: np.ndarray, regions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Normalise distinct ``(text, region)`` calls, resolving each writing pattern once."""
    n = len(texts)
    e164 = np.full(n, None, dtype=object)
    reason = np.full(n, "", dtype=object)
    text = pd.Series(texts, dtype="string[pyarrow]")
    digits = text.str.replace(r"\D", "", regex=True)
    head = _pattern_heads(digits)
    by_pattern = (
        text.str.fullmatch(r"\+?[0-9()]*").to_numpy(dtype=bool)
        & (digits.str.len().to_numpy() > SHORT_TEXT_DIGITS)
        & (head != None)  # noqa: E711
    )
    single = np.flatnonzero(~by_pattern)
    e164[single], reason[single] = _normalise_one_by_one(texts[single], regions[single])
    rows = np.flatnonzero(by_pattern)
    if rows.size == 0:
        return e164, reason
    width = pd.Series(head[rows], dtype=object).str.len().to_numpy()
    tail = np.array(
        [d[w:] for d, w in zip(digits.iloc[rows].tolist(), width.tolist(), strict=True)],
        dtype=object,
    )
    shape = text.iloc[rows].str.replace(r"\d", "9", regex=True)
    key = (
        pd.Series(regions[rows], dtype=object)
        + "|"
        + shape.to_numpy(dtype=object)
        + "|"
        + pd.Series(head[rows], dtype=object)
    )
    codes, _ = pd.factorize(key)
    order = np.lexsort((tail, codes))  # by pattern, then by the remaining digits
    starts = np.flatnonzero(np.r_[True, codes[order][1:] != codes[order][:-1]])
    ends = np.r_[starts[1:], order.size] - 1
    low, high = rows[order[starts]], rows[order[ends]]
    e_low, r_low = _normalise_one_by_one(texts[low], regions[low])
    e_high, r_high = _normalise_one_by_one(texts[high], regions[high])
    fixed_low = _fixed_part(e_low, r_low, tail[order[starts]])
    fixed_high = _fixed_part(e_high, r_high, tail[order[ends]])
    agree = (r_low == r_high) & (fixed_low == fixed_high) & (fixed_low != None)  # noqa: E711
    group_fixed = np.where(agree, fixed_low, None)
    member_fixed = group_fixed[codes]
    member_reason = np.where(agree, r_low, "")[codes]
    resolved = member_fixed != None  # noqa: E711
    ok = resolved & (member_reason == "ok")
    failed = resolved & (member_reason != "ok")
    e164[rows[ok]] = (
        "+" + pd.Series(member_fixed[ok], dtype=object) + pd.Series(tail[ok], dtype=object)
    ).to_numpy(dtype=object)
    reason[rows[ok]] = "ok"
    reason[rows[failed]] = member_reason[failed]
    rest = rows[~resolved]
    e164[rest], reason[rest] = _normalise_one_by_one(texts[rest], regions[rest])
    return e164, reason


def _pattern_heads(digits: pd.Series) -> np.ndarray:
    """Each text's digits before the subscriber digits of a synthetic block (None if none).

    The first block (in :func:`analysis.world.all_blocks` order) whose prefix ends the
    digits that precede its subscriber digits names the pattern; a typo's extra or
    missing digit is allowed for (subscriber digits one shorter or longer).
    """
    digits = pa.array(np.asarray(digits, dtype=object), pa.string())
    head = np.full(len(digits), None, dtype=object)
    found = np.zeros(len(digits), dtype=bool)
    length = pc.utf8_length(digits).to_numpy(zero_copy_only=False)
    for width, prefixes in _head_rules():
        todo = np.flatnonzero(~found & (length > width))
        if todo.size == 0:
            continue
        cut = pc.utf8_slice_codeunits(digits.take(pa.array(todo)), 0, -width)
        hit = np.zeros(todo.size, dtype=bool)
        for prefix in prefixes:
            hit |= pc.ends_with(cut, prefix).to_numpy(zero_copy_only=False)
        head[todo[hit]] = np.asarray(cut.filter(pa.array(hit)).to_pylist(), dtype=object)
        found[todo[hit]] = True
    return head


@cache
def _head_rules() -> tuple[tuple[int, tuple[str, ...]], ...]:
    """Return (subscriber width, block prefixes) in the order patterns are looked for."""
    rules: dict[int, list[str]] = {}
    for block in all_blocks():
        base = block.national_number_length - len(block.prefix)
        for width in (base, base - 1, base + 1):
            rules.setdefault(width, [])
            if block.prefix not in rules[width]:
                rules[width].append(block.prefix)
    return tuple((w, tuple(p)) for w, p in rules.items())


def _fixed_part(e164: np.ndarray, reason: np.ndarray, tail: np.ndarray) -> np.ndarray:
    """Return the part of each result that does not come from the remaining digits.

    ``"44761"`` for ``+447610000001`` with remaining digits ``0000001``; ``""`` for a
    failure (the whole answer is the reason); None when the result does not end in
    the remaining digits (the pattern cannot be applied by slicing).
    """
    out = np.full(len(e164), None, dtype=object)
    for i, (e, why, t) in enumerate(
        zip(e164.tolist(), reason.tolist(), tail.tolist(), strict=True)
    ):
        if why != "ok":
            out[i] = ""
        elif t and e.endswith(t):
            out[i] = e[1 : len(e) - len(t)]
    return out
