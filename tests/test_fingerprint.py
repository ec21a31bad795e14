"""Attribute-fingerprint uniqueness statistics."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.linking import (
    K_LABELS,
    class_sizes,
    fingerprint_links,
    k_anonymity_distribution,
    k_anonymity_table,
    last_seen_bucket,
    uniqueness,
    uniqueness_table,
)


def test_known_answers():
    df = pd.DataFrame({"os": ["A", "A", "A", "A", "B", "B", "C", "D"]})
    s = uniqueness(df, ["os"])
    assert s["n"] == 8 and s["n_combinations"] == 4
    assert s["unique_share"] == 0.25
    # p = 1/2, 1/4, 1/8, 1/8 -> 1.75 bits
    assert s["entropy_bits"] == pytest.approx(1.75)
    assert s["max_entropy_bits"] == 3.0
    k = k_anonymity_distribution(df, ["os"])
    assert list(k.index) == list(K_LABELS)
    assert k.iloc[0] == 0.25 and k.iloc[1] == 0.75
    assert class_sizes(df, ["os"]).tolist() == [4, 4, 4, 4, 2, 2, 1, 1]


def test_empty_and_missing_columns():
    assert uniqueness(pd.DataFrame({"a": []}), ["a"])["unique_share"] == 0.0
    with pytest.raises(KeyError, match="not in the frame"):
        uniqueness(pd.DataFrame({"a": [1]}), ["b"])
    with pytest.raises(ValueError, match="minutes = 0"):
        last_seen_bucket(pd.Series(pd.to_datetime(["2016-10-01"])), 0)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 4), st.integers(0, 4), st.integers(0, 4)), min_size=1, max_size=60
    )
)
def test_adding_a_column_never_lowers_uniqueness_or_entropy(rows):
    df = pd.DataFrame(rows, columns=["a", "b", "c"])
    prev = None
    for cols in (["a"], ["a", "b"], ["a", "b", "c"]):
        s = uniqueness(df, cols)
        assert 0.0 <= s["unique_share"] <= 1.0
        assert 0.0 <= s["entropy_bits"] <= s["max_entropy_bits"] + 1e-9
        if prev:
            assert s["unique_share"] >= prev["unique_share"]
            assert s["entropy_bits"] >= prev["entropy_bits"] - 1e-9
        prev = s
    k = k_anonymity_distribution(df, ["a", "b", "c"])
    assert k.sum() == pytest.approx(1.0)


def test_tables_on_a_population(small_people):
    u = uniqueness_table(small_people)
    assert u["unique_share"].is_monotonic_increasing
    assert u["entropy_bits"].is_monotonic_increasing
    # the 2016 device fields alone identify few people; timing makes most unique
    assert u.iloc[4]["unique_share"] < 0.4
    assert u.iloc[-1]["unique_share"] > u.iloc[4]["unique_share"]
    k = k_anonymity_table(small_people)
    assert np.allclose(k.sum(axis=1), 1.0)


def test_fingerprint_links_need_uniqueness_on_both_sides():
    df = pd.DataFrame({"person_id": np.arange(5), "os_name": ["A", "A", "B", "C", "C"]})
    wa = np.array([True, True, True, True, False])
    fb = np.array([False, False, True, False, True])
    pairs = fingerprint_links(df, wa, fb, ["os_name"])
    # A is not unique on the WhatsApp side; C is unique on both sides
    # but belongs to 3 and 4 (a false link)
    assert sorted(map(tuple, pairs.to_numpy().tolist())) == [(2, 2), (3, 4)]
