"""The fast paths of the exposure stage give the same tables as the plain ones."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.core.numbers import e164_keys
from analysis.effects.exposure import contacts
from analysis.effects.exposure.suggestions import sensitive_matrices
from analysis.policy import builtin_scenarios
from analysis.world import SocialParams, WorldParams, build_social_world, generate_population


@pytest.fixture(scope="module")
def world():
    people = generate_population(WorldParams(n_people=1500, seed=3))
    return build_social_world(people, SocialParams(seed=3))


def test_integer_number_join_equals_the_string_join(world):
    fast = contacts.contact_universe(world)
    plain = contacts._contact_universe_by_strings(world)
    assert fast.fb_owner.size > 0 and fast.wa_owner.size > 0
    for name, scenario in builtin_scenarios().items():
        a = contacts.contact_edges(world, scenario, seed=4, universe=fast)
        b = contacts.contact_edges(world, scenario, seed=4, universe=plain)
        assert a.equals(b), name


def test_contact_universe_reads_a_book_of_plain_strings_as_a_book_of_categories(world):
    """A book loaded with ``entry_e164`` as strings (not categories) gives the same matches."""
    import dataclasses

    book = world.address_book.assign(entry_e164=world.address_book["entry_e164"].astype("string"))
    assert not isinstance(book["entry_e164"].dtype, pd.CategoricalDtype)
    a = contacts.contact_universe(world)
    b = contacts.contact_universe(dataclasses.replace(world, address_book=book))
    for field in dataclasses.fields(a):
        x, y = getattr(a, field.name), getattr(b, field.name)
        assert np.array_equal(x, y), field.name
    assert a.fb_owner.size > 0


def test_number_keys_refuse_what_is_not_e164():
    keys = e164_keys(pd.Series(["+4915112345678", None], dtype="string"))
    assert keys.tolist() == [4915112345678, -1]
    assert e164_keys(pd.Series(["+49 151", "+1"], dtype="string")) is None
    assert e164_keys(pd.Series(["0151123"], dtype="string")) is None


def test_inner_join_lists_every_matching_pair():
    i, j = contacts._inner_join(np.array([5, 7, -1, 5]), np.array([7, 5, 5, -1]))
    pairs = sorted(zip(i.tolist(), j.tolist(), strict=True))
    assert pairs == [(0, 1), (0, 2), (1, 0), (3, 1), (3, 2)]


def test_sensitive_matrices_from_codes_equal_those_from_strings(world):
    fast = sensitive_matrices(world)
    plain_world = type("W", (), {})()
    plain_world.people = world.people
    plain_world.ties = world.ties.assign(tie_kind=world.ties["tie_kind"].astype(str))
    plain = sensitive_matrices(plain_world)
    assert fast.keys() == plain.keys() and len(fast) > 0
    for label in fast:
        assert (fast[label] != plain[label]).nnz == 0, label


def test_inner_join_equals_a_brute_force_join_in_its_order():
    rng = np.random.default_rng(0)
    left, right = rng.integers(-1, 30, 500), rng.integers(-1, 30, 80)
    i, j = contacts._inner_join(left, right)
    order = np.argsort(right, kind="stable")
    expect = [
        (a, b) for a in range(left.size) if left[a] >= 0 for b in order if right[b] == left[a]
    ]
    assert len(expect) > 500 and list(zip(i.tolist(), j.tolist(), strict=True)) == expect
    codes, distinct = pd.factorize(left)  # reused, with compact codes, and no left
    again = contacts._inner_join(None, right, (codes.astype(np.int32), distinct))
    assert again[0].tolist() == i.tolist() and again[1].tolist() == j.tolist()
