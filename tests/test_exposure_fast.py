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


def test_contact_edges_equal_a_grouping_of_every_selected_match(world):
    """The universe's order, made once, gives the table a per-scenario sort and group give."""
    from analysis.policy.consent import field_purposes

    u = contacts.contact_universe(world)
    people = world.people
    for name, scenario in builtin_scenarios().items():
        got = contacts.contact_edges(world, scenario, seed=4, universe=u)
        book_ok = field_purposes(people, scenario, "address_book", seed=4)["suggestions"]
        num_ok = field_purposes(people, scenario, "phone_number", seed=4)["suggestions"]
        wa_book = book_ok.to_numpy(bool) & u.holds_wa_book
        fsel = u.uploads[u.fb_owner] | wa_book[u.fb_owner]
        wsel = (u.uploads[u.wa_owner] | wa_book[u.wa_owner]) & (
            u.wa_linkable & num_ok.to_numpy(bool)
        )[u.wa_contact]
        matches = pd.DataFrame(
            {
                "owner_person_id": np.r_[u.fb_owner[fsel], u.wa_owner[wsel]].astype(np.int64),
                "contact_person_id": np.r_[u.fb_contact[fsel], u.wa_contact[wsel]].astype(np.int64),
                "is_true_contact": np.r_[u.fb_true[fsel], u.wa_true[wsel]],
                "fb": np.r_[np.ones(fsel.sum(), bool), np.zeros(wsel.sum(), bool)],
            }
        ).assign(wa=lambda f: ~f["fb"])
        grouped = (
            matches.groupby(["owner_person_id", "contact_person_id"], sort=True)
            .agg(is_true_contact=("is_true_contact", "any"), fb=("fb", "any"), wa=("wa", "any"))
            .reset_index()
        )
        up = u.uploads[grouped["owner_person_id"]]
        wab = wa_book[grouped["owner_person_id"]]
        visible = (up | wab) & (grouped["fb"] | grouped["wa"]).to_numpy()
        want = grouped[visible]
        assert len(got) == len(want) and len(got) > 0, name
        for col in ("owner_person_id", "contact_person_id", "is_true_contact"):
            assert np.array_equal(got[col].to_numpy(), want[col].to_numpy()), (name, col)
        assert np.array_equal(
            got["is_baseline"].to_numpy(), (up & grouped["fb"].to_numpy())[visible]
        ), name


def test_whatsapp_only_suggestions_are_those_the_baseline_lacks(world):
    """The binary search on the baseline's sorted keys gives the anti-join a merge gives."""
    from analysis.effects.exposure.suggestions import compare_scenarios

    _, results = compare_scenarios(world, builtin_scenarios(), seed=4)
    checked = 0
    for name, r in results.items():
        key = ["person_id", "suggested_person_id"]
        merged = r.with_whatsapp.merge(
            r.baseline[key], on=key, how="left", indicator=True, validate="one_to_one"
        )
        want = merged[merged["_merge"] == "left_only"].drop(columns="_merge")
        got = r.whatsapp_only[list(r.with_whatsapp.columns)]
        assert got.equals(want.reset_index(drop=True)), name
        checked += len(got)
    assert checked > 0


def test_owner_runs_order_is_the_stable_sort_of_the_match_keys():
    """Each owner's matches sorted by contact, Facebook's first on equal keys."""
    rng = np.random.default_rng(2)
    n = 50
    fo, wo = np.sort(rng.integers(0, n, 400)), np.sort(rng.integers(0, n, 300))
    fc, wc = rng.integers(0, 8, 400), rng.integers(0, 8, 300)  # many equal keys
    fo, fc, wo, wc = (x.astype(np.int32) for x in (fo, fc, wo, wc))
    order = np.empty(700, np.int32)
    contacts._owner_runs_order(fo, fc, wo, wc, order)
    key = np.r_[fo, wo].astype(np.int64) * n + np.r_[fc, wc]
    assert np.array_equal(order, np.argsort(key, kind="stable"))
    u = contacts._universe(n, *[np.zeros(n, bool)] * 3, fo, fc, np.ones(400, bool), wo, wc,
                           np.ones(300, bool))  # fmt: skip
    assert np.array_equal(u.order, order)
    shuffled = rng.permutation(400)  # not by owner: the plain stable sort is used
    v = contacts._universe(n, *[np.zeros(n, bool)] * 3, fo[shuffled], fc[shuffled],
                           np.ones(400, bool), wo, wc, np.ones(300, bool))  # fmt: skip
    key = np.r_[fo[shuffled], wo].astype(np.int64) * n + np.r_[fc[shuffled], wc]
    assert np.array_equal(v.order, np.argsort(key, kind="stable"))
