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
    "normalise_arrow",
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
    codes, names = _region_codes(region, len(raw))
    texts, call_region, names, inverse = _calls(_arrow_texts(raw), codes, names)
    regions = np.asarray(names, dtype=object)[call_region]
    return texts.to_numpy(zero_copy_only=False), regions, inverse


def _arrow_texts(values) -> pa.Array:
    """``values`` (a Series, an array or an Arrow array of texts) as Arrow strings, null as ""."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if not isinstance(values, pa.Array):
        values = pa.array(np.asarray(values, dtype=object), pa.large_string(), from_pandas=True)
    if values.type != pa.large_string():
        values = values.cast(pa.large_string())
    return pc.fill_null(values, "")


def _region_codes(region, n: int) -> tuple[np.ndarray | int, list[str]]:
    """``(codes, names)`` of the entries' default regions; ``codes`` an int for one region."""
    if isinstance(region, str):
        return 0, [region]
    codes, names = pd.factorize(np.asarray(region, dtype=object))
    if codes.size != n:
        raise ValueError(f"region has {codes.size} values but raw has {n}")
    return codes, [str(r) for r in names]


def _calls(raw: pa.Array, region: np.ndarray | int, names: list[str]):
    """:func:`normalisation_calls` on Arrow texts: ``(texts, region_codes, names, inverse)``.

    Distinct values are found by hashing (Arrow's ``dictionary_encode`` and
    ``pandas.factorize`` of integer keys), in order of first appearance, so no Python
    string is made per entry. ``region`` is a code into ``names`` per entry, or one
    code for every entry; ``"ZZ"`` is added to ``names`` if missing.
    """
    names = list(names)
    if "ZZ" not in names:
        names.append("ZZ")
    zz, width = names.index("ZZ"), len(names)
    encoded = pc.dictionary_encode(raw)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    text_of_entry = encoded.indices.to_numpy(zero_copy_only=False)
    distinct = encoded.dictionary
    del encoded
    if isinstance(region, int | np.integer):
        pair_of_entry = text_of_entry
        pair_text, pair_region = distinct, np.full(len(distinct), int(region), np.int64)
    else:
        key = text_of_entry.astype(np.int64) * width + region
        del text_of_entry
        pair_of_entry, pairs = pd.factorize(key)
        del key
        pair_text, pair_region = distinct.take(pa.array(pairs // width)), pairs % width
    del distinct
    plain = pc.match_substring_regex(pair_text, r"^\+?[0-9() \-./]*$")
    compact = pc.if_else(plain, pc.replace_substring_regex(pair_text, _SEPARATORS, ""), pair_text)
    plus = pc.and_(plain, pc.starts_with(compact, "+")).to_numpy(zero_copy_only=False)
    pair_region = np.where(plus, zz, pair_region)
    del pair_text, plain
    encoded = pc.dictionary_encode(compact)
    key = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64) * width + pair_region
    call_of_pair, calls = pd.factorize(key)
    texts = encoded.dictionary.take(pa.array(calls // width))
    return texts, calls % width, names, call_of_pair[pair_of_entry]


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
    e164, reason = normalise_arrow(raw, region)
    return pd.Series(pd.array(e164, dtype="string")), pd.Series(reason, dtype=object)


def normalise_arrow(raw: pa.Array, region) -> tuple[pa.Array, np.ndarray]:
    """:func:`normalise_entries` on Arrow texts: ``(e164, reason)`` arrays, aligned with ``raw``.

    ``region`` is one region for every entry (a string) or one per entry. ``e164`` is
    an Arrow array of strings (null where it failed), ``reason`` an object array of the
    few reason strings: no Python string is made per entry, so an address book of a
    million people is normalised in the memory of its distinct writings.
    """
    raw = _arrow_texts(raw)  # a missing text reads as an empty one
    codes, names = _region_codes(region, len(raw))
    texts, call_region, names, inverse = _calls(raw, codes, names)
    e164, reason = _normalise_patterns(texts, call_region, names)
    return e164.take(pa.array(inverse)), reason[inverse]


def _normalise_one_by_one(texts, regions) -> tuple[np.ndarray, np.ndarray]:
    results = [normalise(str(t), str(g)) for t, g in zip(texts, regions, strict=True)]
    return (
        np.array([r[0] for r in results], dtype=object),
        np.array([r[1] for r in results], dtype=object),
    )


def _normalise_patterns(
    texts: pa.Array, region: np.ndarray, names: list[str]
) -> tuple[pa.Array, np.ndarray]:
    """Normalise distinct calls (``texts``, region ``names[region]``), each pattern once.

    Returns ``(e164, reason)``: an Arrow string array (null where it failed) and an
    object array of reasons, one per call.
    """
    n = len(texts)
    names = np.asarray(names, dtype=object)
    reason = np.full(n, "", dtype=object)
    digits = pc.replace_substring_regex(texts, r"\D", "")
    length = pc.utf8_length(digits).to_numpy(zero_copy_only=False)
    width = _pattern_widths(digits, length)
    by_pattern = (
        pc.match_substring_regex(texts, r"^\+?[0-9()]*$").to_numpy(zero_copy_only=False)
        & (length > SHORT_TEXT_DIGITS)
        & (width > 0)
    )
    rows = np.flatnonzero(by_pattern)
    pieces: list[tuple[np.ndarray, pa.Array]] = []  # (calls, their e164), every call once

    def one_by_one(at: np.ndarray) -> None:
        picked = texts.take(pa.array(at)).to_pylist()
        e164, reason[at] = _normalise_one_by_one(picked, names[region[at]])
        pieces.append((at, pa.array(e164.tolist(), pa.large_string())))

    one_by_one(np.flatnonzero(~by_pattern))
    if rows.size:
        # per pattern row: its subscriber digits (tail) and the digits before them (head)
        tail_int = np.empty(rows.size, np.int64)
        head_code = np.empty(rows.size, np.int64)
        w_rows = width[rows]
        n_heads, tail_at, tail_parts = 0, [], []
        for w in np.unique(w_rows).tolist():
            at = np.flatnonzero(w_rows == w)
            d = digits.take(pa.array(rows[at]))
            t = pc.utf8_slice_codeunits(d, -w)
            tail_int[at] = pc.cast(t, pa.int64()).to_numpy(zero_copy_only=False)
            h = pc.dictionary_encode(pc.utf8_slice_codeunits(d, 0, -w))
            head_code[at] = h.indices.to_numpy(zero_copy_only=False) + n_heads
            n_heads += len(h.dictionary)
            tail_at.append(at)
            tail_parts.append(t)
        tail = pa.concat_arrays(tail_parts).take(pa.array(_placed(np.concatenate(tail_at))))
        del tail_parts, tail_at
        shape = pc.dictionary_encode(
            pc.replace_substring_regex(texts.take(pa.array(rows)), r"\d", "9")
        )
        shape_code = shape.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        # a pattern: region, punctuation and length (shape), and head (fixes the width)
        key = (region[rows].astype(np.int64) * len(shape.dictionary) + shape_code) * max(
            n_heads, 1
        ) + head_code
        codes, _ = pd.factorize(key)
        del key, shape, shape_code, head_code
        # by pattern, then by the remaining digits (all of one length within a pattern,
        # so their numeric order is their text order)
        order = np.lexsort((tail_int, codes))
        starts = np.flatnonzero(np.r_[True, codes[order][1:] != codes[order][:-1]])
        ends = np.r_[starts[1:], order.size] - 1
        low, high = order[starts], order[ends]
        e_low, r_low = _normalise_one_by_one(
            texts.take(pa.array(rows[low])).to_pylist(), names[region[rows[low]]]
        )
        e_high, r_high = _normalise_one_by_one(
            texts.take(pa.array(rows[high])).to_pylist(), names[region[rows[high]]]
        )
        fixed_low = _fixed_part(e_low, r_low, np.asarray(tail.take(pa.array(low)).to_pylist()))
        fixed_high = _fixed_part(e_high, r_high, np.asarray(tail.take(pa.array(high)).to_pylist()))
        agree = (r_low == r_high) & (fixed_low == fixed_high) & (fixed_low != None)  # noqa: E711
        group = np.empty(codes.max() + 1, np.int64)
        group[codes[low]] = np.arange(low.size)  # pattern code -> its place in low/high
        member = group[codes]
        resolved = agree[member]
        ok = resolved & (r_low[member] == "ok")
        failed = resolved & ~ok
        plus_fixed = pa.array(["+" + str(f) for f in fixed_low.tolist()], pa.large_string())
        ok_rows = np.flatnonzero(ok)
        pieces.append(
            (
                rows[ok_rows],
                pc.binary_join_element_wise(
                    plus_fixed.take(pa.array(member[ok_rows])),
                    tail.take(pa.array(ok_rows)),
                    pa.scalar("", pa.large_string()),
                ),
            )
        )
        reason[rows[ok_rows]] = "ok"
        failed_rows = rows[failed]
        reason[failed_rows] = r_low[member[failed]]
        pieces.append((failed_rows, pa.nulls(failed_rows.size, pa.large_string())))
        one_by_one(rows[~resolved])
    values = pa.concat_arrays([p[1] for p in pieces])
    return values.take(pa.array(_placed(np.concatenate([p[0] for p in pieces])))), reason


def _placed(at: np.ndarray) -> np.ndarray:
    """For values listed for positions ``at`` (each position once): which value goes where."""
    where = np.empty(at.size, np.int64)
    where[at] = np.arange(at.size)
    return where


def _pattern_widths(digits: pa.Array, length: np.ndarray) -> np.ndarray:
    """Each text's subscriber width: how many digits end it after a block's prefix (0 if none).

    The first rule (in :func:`analysis.world.all_blocks` order, :func:`_head_rules`)
    whose block prefix ends the digits that precede the last ``width`` digits names the
    pattern; a typo's extra or missing digit is allowed for (subscriber digits one
    shorter or longer).
    """
    width = np.zeros(len(digits), dtype=np.int64)
    for w, prefixes in _head_rules():
        todo = np.flatnonzero((width == 0) & (length > w))
        if todo.size == 0:
            continue
        cut = pc.utf8_slice_codeunits(digits.take(pa.array(todo)), 0, -w)
        hit = np.zeros(todo.size, dtype=bool)
        for prefix in prefixes:
            hit |= pc.ends_with(cut, prefix).to_numpy(zero_copy_only=False)
        width[todo[hit]] = w
    return width


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
