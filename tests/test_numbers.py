"""E.164 keys (:mod:`analysis.core.numbers`) agree with the text they stand for."""

from __future__ import annotations

import re

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.core.numbers import e164_keys

E164 = re.compile(r"\+[1-9][0-9]{0,14}")


def _reference(values):
    """Regular expression and ``int``: the keys, or None if some value is not E.164."""
    out = []
    for v in values:
        if v is None:
            out.append(-1)
        elif E164.fullmatch(v):
            out.append(int(v[1:]))
        else:
            return None
    return out


texts = st.one_of(
    st.none(),
    st.from_regex(r"\+[1-9][0-9]{0,14}", fullmatch=True),
    st.text(alphabet="+0123456789 -", max_size=18),
    st.text(max_size=6),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(texts, max_size=12))
def test_keys_equal_the_regex_reference(values):
    got = e164_keys(pd.Series(values, dtype="string[pyarrow]"))
    want = _reference(values)
    assert (got is None) == (want is None)
    if want is not None:
        assert got.tolist() == want


@pytest.mark.parametrize(
    "bad",
    ["+", "+0", "+0123", "+1234567890123456", "4915300000001", "+49 153", "+49-153", "+1²"],
)
def test_what_is_not_e164_is_refused(bad):
    assert e164_keys(pd.Series(["+4915300000001", bad], dtype="string")) is None


def test_fifteen_digits_and_every_storage():
    top = "+" + "9" * 15
    for dtype in ("string[pyarrow]", "string[python]", "object"):
        assert e164_keys(pd.Series([top, None, "+1"], dtype=dtype)).tolist() == [10**15 - 1, -1, 1]


def test_sliced_and_chunked_arrow_columns():
    values = [f"+49{i:09d}" for i in range(50)] + [None]
    big = pa.large_string()
    arr = pa.chunked_array([pa.array(values[:20], big), pa.array(values[20:], big)])
    s = pd.Series(pd.arrays.ArrowStringArray(arr))
    assert e164_keys(s).tolist() == _reference(values)
    part = s.iloc[7:33]  # a slice: the buffers start before the first value
    assert e164_keys(part).tolist() == _reference(values[7:33])
