"""E.164 phone numbers as int64 keys, read straight from Arrow's string buffers.

Joining millions of address-book entries to accounts by number is far cheaper on
integers than on strings. An E.164 number (``+``, a country code that never starts with
0, at most 15 digits in all) maps one to one onto the integer of its digits, so an
integer join gives exactly the string join's answer. :func:`e164_keys` checks every
value has that form and returns ``None`` otherwise, so callers can fall back to joining
the strings.

The parse is one compiled pass over the column's bytes (numba), instead of a dictionary
encoding, a regular expression and a cast (for the 9.4M entries of a 100,000-person
world: about 0.2 s against 0.8-1.2 s, measured one after the other).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numba import njit

__all__ = ["e164_keys"]

#: most digits an E.164 number has (ITU-T E.164, section 6)
MAX_DIGITS = 15


@njit(cache=True, nogil=True)
def _parse(offsets, data, valid, out):
    """Write each value's key into ``out`` (-1 if missing); False at the first bad value."""
    for i in range(out.size):
        if not valid[i]:
            out[i] = -1
            continue
        lo, hi = offsets[i], offsets[i + 1]
        if hi - lo < 2 or hi - lo > MAX_DIGITS + 1 or data[lo] != 43:  # 43: "+"
            return False
        key = 0
        for p in range(lo + 1, hi):
            d = data[p] - 48  # 48: "0"
            if d < 0 or d > 9 or (p == lo + 1 and d == 0):
                return False
            key = key * 10 + d
        out[i] = key
    return True


def _chunk_keys(chunk, out: np.ndarray) -> bool:
    import pyarrow as pa

    if pa.types.is_large_string(chunk.type):
        off_type = np.int64
    elif pa.types.is_string(chunk.type):
        off_type = np.int32
    else:
        raise TypeError(f"expected an Arrow string array, got {chunk.type}")
    _, off_buf, data_buf = chunk.buffers()
    offsets = np.frombuffer(off_buf, off_type)[chunk.offset : chunk.offset + len(chunk) + 1]
    data = np.frombuffer(data_buf, np.uint8) if data_buf is not None else np.zeros(0, np.uint8)
    valid = chunk.is_valid().to_numpy(zero_copy_only=False)
    return bool(_parse(offsets.astype(np.int64, copy=False), data, valid, out))


def e164_keys(values) -> np.ndarray | None:
    """E.164 numbers as int64 keys (the digits after ``+``), -1 where missing.

    ``None`` if some present value is not an E.164 number (``+``, a first digit 1-9, at
    most 15 digits, nothing else): then two different texts could share a key, and the
    caller should compare the strings instead.

    Parameters
    ----------
    values : pandas.Series or array-like of str
        Any string column; Arrow-backed columns are read without copying their text, and
        a categorical column through its codes (each category parsed once).

    Examples
    --------
    >>> e164_keys(pd.Series(["+4915300000001", None, "+14155550100"], dtype="string"))
    array([4915300000001,            -1,   14155550100])
    >>> e164_keys(pd.Series(["+49 153", "+1"])) is None  # a space is not E.164
    True
    >>> e164_keys(pd.Series(["+049153"])) is None  # a country code never starts with 0
    True
    """
    import pyarrow as pa

    s = values if isinstance(values, pd.Series) else pd.Series(values, dtype="object")
    if isinstance(s.dtype, pd.CategoricalDtype):  # each distinct text parsed once
        keys = e164_keys(pd.Series(s.cat.categories, dtype="string[pyarrow]"))
        if keys is None:
            return None
        return np.append(keys, -1)[s.cat.codes.to_numpy()]  # code -1 (missing): key -1
    if not (isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow"):
        s = s.astype("string[pyarrow]")
    arr = pa.array(s.array)  # Arrow-backed: no copy
    chunks = arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]
    out = np.empty(len(s), np.int64)
    start = 0
    for chunk in chunks:
        if not _chunk_keys(chunk, out[start : start + len(chunk)]):
            return None
        start += len(chunk)
    return out
