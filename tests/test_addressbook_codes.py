"""The integer-coded address-book builder returns exactly the frame of the string-based one.

``tests/_addressbook_reference.py`` is :func:`build_address_book` as it was at commit
639d931 (every per-entry column an object array of Python strings). The new builder
must give the same values, dtypes, row order, categories and Arrow types (the text
columns now as categories, compared as their texts; the person ids now int32, compared
as values), with and without ``owners=``,
since every random draw is the same.
"""

import numpy as np
import pandas as pd
import pytest

import analysis.world.addressbook as addressbook
import analysis.world.bookcodes as bookcodes
from analysis.world import SocialParams, WorldParams, build_social_world, generate_population
from analysis.world.addressbook import TEXT_COLUMNS, build_address_book
from tests._addressbook_reference import build_address_book as reference_build


def assert_same_book(new: pd.DataFrame, old: pd.DataFrame) -> None:
    """Same frame; the reference's text columns are strings, the new ones categories."""
    assert len(new) == len(old) > 0
    assert list(new.columns) == list(old.columns)
    new = new.copy()
    for col in TEXT_COLUMNS:
        dtype = new[col].dtype
        assert isinstance(dtype, pd.CategoricalDtype) and dtype.categories.is_monotonic_increasing
        assert set(new[col].dropna().unique()) == set(dtype.categories), col  # none unused
        new[col] = new[col].astype(old[col].dtype)
    # person ids are int32 now (the reference's are int64): same values
    assert new["owner_person_id"].dtype == np.int32
    assert new["contact_person_id"].dtype == "Int32"
    for col in ("owner_person_id", "contact_person_id"):
        new[col] = new[col].astype(old[col].dtype)
    assert new.dtypes.to_dict() == old.dtypes.to_dict()
    for col in old.columns:
        if isinstance(old[col].dtype, pd.CategoricalDtype):
            assert list(new[col].cat.categories) == list(old[col].cat.categories), col
            assert new[col].cat.codes.dtype == old[col].cat.codes.dtype, col
        if isinstance(old[col].dtype, pd.StringDtype) and col not in TEXT_COLUMNS:
            got, want = new[col].array._pa_array, old[col].array._pa_array
            assert got.type == want.type, col
            assert [b is None for b in got.chunk(0).buffers()] == [
                b is None for b in want.chunk(0).buffers()
            ], col
    same = new.columns.difference(TEXT_COLUMNS)
    assert (new[same].memory_usage(deep=True) == old[same].memory_usage(deep=True)).all()
    pd.testing.assert_frame_equal(new, old, check_exact=True)


@pytest.fixture(scope="module", params=[(2000, 7, {}), (1200, 23, {"typo_share": 0.08})])
def world(request):
    n, seed, extra = request.param
    people = generate_population(WorldParams(n_people=n, seed=seed))
    params = SocialParams(seed=seed, median_ties=25, duplicate_entry_share=0.1, **extra)
    social = build_social_world(people, params, address_books=False)
    return people, social.ties, social.params


def test_every_book_equals_the_reference(world):
    people, ties, params = world
    new = build_address_book(people, ties, params)
    old = reference_build(people, ties, params)
    assert_same_book(new, old)
    # every path of the label and the writing is exercised
    assert new["entry_label"].str.endswith(" (old)").any()
    assert new["is_entry_typo"].any() and (new["entry_style"] == "as_is").any()
    assert new["entry_label"].str.startswith("Dr ").any()


def test_some_owners_books_equal_the_reference(world):
    people, ties, params = world
    owners = np.random.default_rng(5).random(len(people)) < 0.3
    new = build_address_book(people, ties, params, owners=owners)
    old = reference_build(people, ties, params, owners=owners)
    assert_same_book(new, old)
    assert set(new["owner_person_id"]) <= set(np.flatnonzero(owners))


def test_no_ties_still_equal_the_reference():
    people = generate_population(WorldParams(n_people=300, seed=3))
    params = SocialParams(seed=3, median_ties=10)
    ties = build_social_world(people, params, address_books=False).ties.iloc[:0]
    assert_same_book(
        build_address_book(people, ties, params), reference_build(people, ties, params)
    )


def test_writings_in_small_pieces_equal_the_reference(monkeypatch):
    """Draws and writings are made in pieces; pieces of any size give the same book."""
    people = generate_population(WorldParams(n_people=1500, seed=5))
    params = SocialParams(seed=5, median_ties=20)
    ties = build_social_world(people, params, address_books=False).ties
    monkeypatch.setattr(addressbook, "_WRITE_PIECE", 4999)
    monkeypatch.setattr(addressbook, "CHUNK", 1 << 14)
    monkeypatch.setattr(bookcodes, "CHUNK", 1 << 14)
    assert_same_book(
        build_address_book(people, ties, params), reference_build(people, ties, params)
    )
