"""Text columns stored as categories: each distinct text held once, entries as int32 codes.

Many entries share a text: the address books of 100,000 people hold 9.46M entries but
1.35M distinct typed numbers, 253k distinct labels and 245k distinct normalised numbers.
Held as Arrow strings, the three text columns take about 560 MB; as categories (int32
codes into the sorted distinct texts) 154 MB (``memory_usage(deep=True)``).

The categories are sorted, so a category column sorts and factorizes in the same order as
the strings it stands for. :func:`text_values` and :func:`factorize_texts` read any text
column, categorical or not, without turning a whole categorical column back into strings.

>>> import pyarrow as pa
>>> col = categorical_texts(pa.array(["b", None, "a", "b", "c"]), np.array([0, 2, 1, 0, 3]))
>>> list(col.categories), col.codes.tolist()
(['a', 'b'], [1, 0, -1, 1, 1])
>>> codes, uniques = factorize_texts(pd.Series(col), sort=True)
>>> codes.tolist(), uniques.tolist()
([1, 0, -1, 1, 1], ['a', 'b'])
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["categorical_texts", "factorize_texts", "is_text_category", "text_values"]


def categorical_texts(
    values: pa.Array, ids: np.ndarray, *, overwrite_ids: bool = False
) -> pd.Categorical:
    """``values[ids]`` as a categorical whose categories are the sorted distinct texts.

    Parameters
    ----------
    values : pyarrow.Array of strings
        The distinct writings (repeats and nulls allowed); a null gives a missing entry.
    ids : numpy.ndarray of int
        Per entry, its position in ``values``.
    overwrite_ids : bool
        ``ids`` is not needed afterwards: if it is an int32 array, the codes are written
        into it (the categorical holds it), so no second array of its length is made.

    Returns
    -------
    pandas.Categorical
        Codes int32 (-1 where missing), categories a ``string`` index in code-point order,
        unordered: exactly the texts some entry holds.
    """
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    # each distinct text once (hashing, no copy of the texts), then a code per writing
    encoded = pc.dictionary_encode(values)
    distinct = encoded.dictionary
    of_value = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False).astype(np.int32)
    del encoded
    held = np.zeros(len(distinct) + 1, dtype=bool)  # the last slot takes the -1s
    for lo in range(0, ids.size, _CHUNK):
        held[of_value[ids[lo : lo + _CHUNK]]] = True
    used = np.flatnonzero(held[:-1])  # only the texts some entry holds become categories
    del held
    texts, n_distinct = distinct.take(pa.array(used)), len(distinct)
    del distinct
    by_text = pc.array_sort_indices(texts).to_numpy(zero_copy_only=False)
    code = np.full(n_distinct + 1, -1, dtype=np.int32)  # code[-1] (a missing text) stays -1
    code[used[by_text]] = np.arange(used.size, dtype=np.int32)
    of_value = code[of_value]
    del used, code
    reuse = (
        overwrite_ids and ids.dtype == np.int32 and ids.flags.writeable and ids.flags.c_contiguous
    )
    entry = ids if reuse else np.empty(ids.size, dtype=np.int32)
    for lo in range(0, ids.size, _CHUNK):  # a piece at a time (bounds the temporaries)
        entry[lo : lo + _CHUNK] = of_value[ids[lo : lo + _CHUNK]]
    del of_value
    categories = pd.Index(pd.arrays.ArrowStringArray(pa.chunked_array([texts.take(by_text)])))
    dtype = pd.CategoricalDtype(categories, ordered=False)
    return pd.Categorical.from_codes(entry, dtype=dtype, validate=False)


#: Entries recoded per step of :func:`categorical_texts` (bounds its temporary arrays).
_CHUNK = 1 << 22


def is_text_category(values) -> bool:
    """Tell whether ``values`` is a categorical series or array (of texts, here)."""
    return isinstance(getattr(values, "dtype", None), pd.CategoricalDtype)


def text_values(values: pd.Series, rows: np.ndarray | None = None) -> np.ndarray:
    """Return the texts at ``rows`` (a mask or positions; all rows if None) as objects.

    Missing values are ``pd.NA``, as ``values.astype("string").to_numpy()`` gives them; a
    categorical column is read through its codes, so only the chosen rows become strings.
    """
    values = values if isinstance(values, pd.Series) else pd.Series(values, copy=False)
    if is_text_category(values):
        codes = values.cat.codes.to_numpy()
        if rows is not None:
            codes = codes[rows]
        texts = np.append(values.cat.categories.astype(object).to_numpy(), pd.NA)
        return texts[np.where(codes < 0, texts.size - 1, codes)]
    out = values.astype("string").to_numpy()
    return out if rows is None else out[rows]


def factorize_texts(
    values: pd.Series, mask: np.ndarray | None = None, *, sort: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize(values.astype("string")[mask], sort=sort)``, codes and texts.

    Returns the codes (-1 where missing) and the distinct texts as an object array, in
    order of first appearance or, with ``sort``, in code-point order. A categorical column
    is factorized through its codes: its texts are looked up once per distinct value.

    >>> factorize_texts(pd.Series(["b", None, "a", "b"], dtype="category"))[0].tolist()
    [0, -1, 1, 0]
    """
    if not is_text_category(values):
        sub = pd.Series(values).astype("string")
        if mask is not None:
            sub = sub[mask]
        codes, uniques = pd.factorize(sub, sort=sort)
        return codes, np.asarray(uniques, dtype=object)
    codes = values.cat.codes.to_numpy()
    if mask is not None:
        codes = codes[mask]
    local, used = pd.factorize(codes)  # order of first appearance; -1 is a value here
    missing = np.flatnonzero(used < 0)
    if missing.size:
        k = int(missing[0])
        local = np.where(local == k, -1, local - (local > k))
        used = np.delete(used, k)
    cats = values.cat.categories
    texts = cats.take(used).astype(object).to_numpy()
    if sort:
        # sorted categories: code order is text order (no string comparisons)
        order = np.argsort(used if cats.is_monotonic_increasing else texts, kind="stable")
        rank = np.empty(order.size, dtype=np.int64)
        rank[order] = np.arange(order.size)
        present = local >= 0
        local[present] = rank[local[present]]
        texts = texts[order]
    return local.astype(np.intp, copy=False), texts
