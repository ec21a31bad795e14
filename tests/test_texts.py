"""Text columns as categories (analysis.core.texts) read exactly like the strings they hold."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.core.numbers import e164_keys
from analysis.core.texts import categorical_texts, factorize_texts, text_values

# a small alphabet, so repeats, prefixes and non-ASCII code points all occur
texts = st.lists(st.one_of(st.none(), st.text("ab+1é", max_size=3)), min_size=0, max_size=30)


def _column(values, ids):
    ids = np.asarray(ids, dtype=np.int64)
    return pd.Series(categorical_texts(pa.array(values, pa.large_string()), ids))


@settings(max_examples=200, deadline=None)
@given(values=texts, data=st.data())
def test_categories_hold_exactly_the_texts_of_the_entries(values, data):
    n = len(values)
    ids = data.draw(st.lists(st.integers(0, max(n - 1, 0)), max_size=40)) if n else []
    col = _column(values, ids)
    want = pd.Series([values[i] for i in ids], dtype="string")
    assert col.astype("string").tolist() == want.tolist()
    cats = col.cat.categories
    assert list(cats) == sorted(set(want.dropna()))  # sorted, unique, none unused
    assert col.cat.codes.dtype.itemsize <= 4 and not col.cat.ordered


@settings(max_examples=200, deadline=None)
@given(values=texts, data=st.data(), sort=st.booleans())
def test_factorize_equals_factorizing_the_strings(values, data, sort):
    n = len(values)
    ids = data.draw(st.lists(st.integers(0, max(n - 1, 0)), max_size=40)) if n else []
    col = _column(values, ids)
    mask = np.asarray(data.draw(st.lists(st.booleans(), min_size=len(ids), max_size=len(ids))))
    mask = mask.astype(bool) if len(ids) else np.zeros(0, dtype=bool)
    strings = col.astype("string")
    want_codes, want_uniques = pd.factorize(strings[mask], sort=sort)
    for given_col in (col, strings):  # the categorical path and the string path
        codes, uniques = factorize_texts(given_col, mask, sort=sort)
        assert codes.tolist() == want_codes.tolist()
        assert uniques.tolist() == list(want_uniques)
        assert all(type(u) is str for u in uniques)


def test_factorize_sorts_unsorted_categories_by_their_text():
    col = pd.Series(pd.Categorical(["b", "a", None, "c", "a"], categories=["c", "b", "a"]))
    codes, uniques = factorize_texts(col, sort=True)
    assert codes.tolist() == [1, 0, -1, 2, 0] and uniques.tolist() == ["a", "b", "c"]


@pytest.mark.parametrize("rows", [None, np.array([True, False, True, True]), np.array([3, 0])])
def test_text_values_equal_the_strings(rows):
    col = _column(["x", None, "y"], [0, 1, 2, 0])
    want = col.astype("string").to_numpy()
    want = want if rows is None else want[rows]
    got = text_values(col, rows)
    assert got.dtype == object and len(got) == len(want)
    assert all((g is pd.NA and w is pd.NA) or g == w for g, w in zip(got, want, strict=True))


def test_e164_keys_of_a_categorical_equal_those_of_its_strings():
    col = _column(["+4915300000001", None, "+14155550100"], [2, 1, 0, 2, 1])
    assert e164_keys(col).tolist() == e164_keys(col.astype("string")).tolist()
    assert e164_keys(col).tolist() == [14155550100, -1, 4915300000001, 14155550100, -1]
    assert e164_keys(_column(["+0123"], [0])) is None  # not E.164: the caller joins strings
