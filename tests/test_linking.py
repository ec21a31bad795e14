"""Linking mechanisms: known answers on a hand-built world, invariants on generated ones."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.core import mean_t_interval
from analysis.linking import (
    LINKS,
    MECHANISMS,
    PURPOSE_CLASSES,
    LinkingParams,
    compute_links,
    country_shares,
    infer_numbers,
    inference_scores,
    link_table,
    mechanism_purpose_shares,
    mechanism_scores,
    run_seeds,
    window_curve,
)
from analysis.policy import builtin_scenarios
from analysis.world import WorldParams, generate_population

SCEN = builtin_scenarios()


# --------------------------------------------------------------------------------------
# a tiny world with known answers
# --------------------------------------------------------------------------------------
def tiny_world():
    """Eight people; see the comments for who should link to whom."""
    people = generate_population(WorldParams(n_people=8, seed=1, country_weights={"US": 1.0}))
    num = [f"+1292555000{i}" for i in range(8)]
    people["phone_e164"] = pd.array(num, dtype="string")
    people["first_name"] = pd.array(
        ["Carl", "Ana", "Dee", "Eve", "Finn", "Gus", "Hal", "Bob"], dtype="string"
    )
    people["last_name"] = pd.array(
        ["Ray", "Silva", "Moe", "Lin", "Ott", "Poe", "Roe", "Jones"], dtype="string"
    )
    people["full_name"] = people["first_name"] + " " + people["last_name"]
    wa = [True, True, False, False, True, True, True, False]
    fb = [True, True, True, True, True, False, True, True]
    people["is_whatsapp_user"] = wa
    people["is_facebook_user"] = fb
    people["consent_state"] = pd.Categorical(
        [
            "kept_default",
            "kept_default",
            "never_whatsapp",
            "never_whatsapp",
            "unticked_before_agreeing",
            "kept_default",
            "left_whatsapp",
            "never_whatsapp",
        ]
    )
    people["opt_out_day"] = pd.array([None, None, None, None, 0, None, None, None], dtype="Int64")
    # Facebook's numbers: p0 own, p2 holds a stale number now p5's, p3 own, p4 own, p6 own
    on_file = [True, False, True, True, True, False, True, False]
    fb_phone = [num[0], None, num[5], num[3], num[4], None, num[6], None]
    people["is_facebook_phone_on_file"] = on_file
    people["facebook_phone_e164"] = pd.array(fb_phone, dtype="string")
    people["has_facebook_app_same_phone"] = [True, False, False, False, True, False, True, False]
    people["device_id"] = pd.array([f"{i:016x}" for i in range(8)], dtype="string")
    # device fields: p0 and p4 unique, everybody else shares one combination
    for col, common in (
        ("os_name", "Android"),
        ("os_version", "6.0"),
        ("screen_resolution", "720x1280"),
        ("mcc", "310"),
        ("mnc", "410"),
    ):
        vals = [common] * 8
        vals[0] = "iOS" if col == "os_name" else vals[0]
        vals[4] = "5.1" if col == "os_version" else vals[4]
        people[col] = pd.Categorical(vals)
    ties = pd.DataFrame(
        {
            "person_a_id": np.array([1, 1, 3, 0], dtype=np.int64),
            "person_b_id": np.array([2, 3, 7, 5], dtype=np.int64),
            "tie_kind": pd.Categorical(["friend"] * 4),
            "is_sensitive": [False] * 4,
            "is_facebook_friend": [True, True, True, False],
        }
    )
    book = pd.DataFrame(
        {
            "owner_person_id": np.array([2, 2, 3, 3, 3, 3, 0], dtype=np.int64),
            "entry_label": pd.array(
                ["Ana Silva", "Mum", "Ana Silva", "Bob Jones", "Bob Jonas", "Ana S", "Gus Poe"],
                dtype="string",
            ),
            "entry_e164": pd.array(
                [num[1], "+12925559999", num[1], num[7], "+12925558888", "+12925557777", num[5]],
                dtype="string",
            ),
        }
    )
    book["entry_raw"] = book["entry_e164"]
    book["contact_person_id"] = pd.array([1, None, 1, 7, None, None, 5], dtype="Int64")
    book["contact_kind"] = pd.Categorical(
        ["person", "outside", "person", "person", "outside", "outside", "person"]
    )
    book["normalise_reason"] = pd.Categorical(["ok"] * 7)
    attrs = pd.DataFrame(
        {
            "person_id": np.arange(8),
            "uploads_contacts_to_facebook": [True, False, True, True, False, False, False, False],
        }
    )
    return people, SimpleNamespace(ties=ties, address_book=book, person_attrs=attrs)


def test_tiny_world_pairs_and_scores():
    people, social = tiny_world()
    links = compute_links(people, SCEN["mix_2016"], social)
    pairs = {m: sorted(map(tuple, links.pairs[m].to_numpy().tolist())) for m in MECHANISMS}
    assert pairs["phone_number"] == [(0, 0), (4, 4), (5, 2)]  # p5 -> p2: stale number, a false link
    assert pairs["device_id"] == [(0, 0), (4, 4)]  # p6 left: nothing
    assert pairs["address_book"] == [(1, 1)]  # Ana's number filled in by two friends
    assert pairs["fingerprint"] == [(0, 0), (4, 4)]
    scores = mechanism_scores(people, links).set_index("mechanism")
    # true pairs: WhatsApp and Facebook users p0, p1, p4, p6
    assert scores.loc["phone_number", "true"] == 4
    assert scores.loc["phone_number", "precision"] == pytest.approx(2 / 3)
    assert scores.loc["phone_number", "recall"] == pytest.approx(2 / 4)
    assert scores.loc["device_id", "precision"] == 1.0
    assert scores.loc["address_book", "recall"] == pytest.approx(1 / 4)
    assert scores.loc["any", "recall"] == pytest.approx(3 / 4)
    assert scores.loc["any", "precision"] == pytest.approx(3 / 4)


def test_tiny_world_inference_by_uploaders():
    people, social = tiny_world()
    inferred = infer_numbers(people, social).set_index("facebook_person_id")
    assert sorted(inferred.index) == [1, 7]
    assert inferred.loc[1, "uploader_count"] == 2 and inferred.loc[1, "is_correct"]
    # "Bob Jones" beats "Bob Jonas" on similarity at one uploader each
    assert inferred.loc[7, "inferred_e164"] == people.loc[7, "phone_e164"]
    sc = inference_scores(people, infer_numbers(people, social), max_uploaders=3).set_index(
        "min_uploaders"
    )
    assert sc.loc[1, "precision"] == 1.0 and sc.loc[1, "recall"] == 1.0
    assert sc.loc[2, "accounts_given_number"] == 1 and sc.loc[2, "recall"] == 0.5
    assert sc.loc[3, "accounts_given_number"] == 0
    strict = infer_numbers(people, social, LinkingParams(min_agreeing_uploaders=2))
    assert strict["facebook_person_id"].tolist() == [1]
    loose = infer_numbers(
        people, social, LinkingParams(name_match_threshold=50.0, block_on_initial=False)
    )
    assert len(loose) == 2


def test_tiny_world_table_and_purposes():
    people, social = tiny_world()
    t = link_table(people, SCEN["mix_2016"], social).set_index("person_id")
    assert list(t.reset_index().columns) == LINKS.columns
    assert sorted(t.index) == [0, 1, 4, 5, 6]
    # 4 opted out: joined by device id for Facebook's own use only; 5's data reached Facebook
    # but joins no account of theirs (a stale number links them to 2); 6 left before sharing
    assert t["purpose_class"].astype(str).to_dict() == {
        0: "ads",
        1: "ads",
        4: "own_use_only",
        5: "reached_only",
        6: "not_reached",
    }
    assert t["is_reached"].to_dict() == {0: True, 1: True, 4: True, 5: True, 6: False}
    assert t["is_joined_for_own_use"].to_dict() == {0: True, 1: True, 4: True, 5: False, 6: False}
    assert t.loc[5, "is_mislinked_phone_number"] and not t.loc[5, "is_linked_any"]
    assert t.loc[4, "is_usable_for_security"] and not t.loc[4, "is_usable_for_ads"]
    shares = mechanism_purpose_shares(t.reset_index()).set_index(["mechanism", "purpose_class"])[
        "share"
    ]
    assert shares.loc[("any", "ads")] == pytest.approx(2 / 5)
    assert shares.loc[("device_id", "own_use_only")] == pytest.approx(1 / 5)
    assert shares.loc[("any", "reached_only")] == pytest.approx(1 / 5)
    assert shares.groupby(level=0).sum().round(12).eq(1).all()
    # without the social world, mechanism 3 links nobody
    t2 = link_table(people, SCEN["mix_2016"], None)
    assert not t2["is_linked_address_book"].any()
    # everyone leaving: nobody linked, nobody mislinked
    t3 = link_table(people, SCEN["all_leave"], social)
    assert not t3.filter(like="linked").to_numpy().any()


# --------------------------------------------------------------------------------------
# invariants on a generated world
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def world():
    from analysis.world import SocialParams, build_social_world

    people = generate_population(WorldParams(n_people=1200, seed=7))
    return people, build_social_world(people, SocialParams(seed=7))


def test_nothing_linked_before_the_change(world):
    people, social = world
    t = link_table(people, SCEN["before_change"], social)
    assert not t.filter(like="linked").to_numpy().any()
    assert (t["purpose_class"] == "not_reached").all()


def test_leavers_own_data_links_nothing(world):
    people, social = world
    for s in SCEN.values():
        t = link_table(people, s, social)
        left = t["consent_state"].astype(str) == "left_whatsapp"
        assert not t.loc[left].filter(like="linked").to_numpy().any(), s.name


def test_partial_opt_out_keeps_links_but_not_ads(world):
    people, social = world
    full = link_table(people, SCEN["no_opt_out"], social)
    part = link_table(people, SCEN["all_partial_opt_out"], social)
    assert (part["is_linked_device_id"] == full["is_linked_device_id"]).all()
    assert (part["is_usable_for_ads"] <= full["is_usable_for_ads"]).all()
    assert part["is_usable_for_ads"].sum() < full["is_usable_for_ads"].sum()
    assert part["is_linked_any"].sum() == full["is_linked_any"].sum()


@settings(max_examples=8, deadline=None)
@given(u1=st.floats(0.0, 1.0), u2=st.floats(0.0, 1.0))
def test_ads_linking_monotone_in_uptake(world, u1, u2):
    people, social = world
    lo, hi = sorted((u1, u2))
    t_lo = link_table(people, SCEN["mix_2016"].with_uptake(lo), social, seed=3)
    t_hi = link_table(people, SCEN["mix_2016"].with_uptake(hi), social, seed=3)
    for p in ("ads", "suggestions"):
        assert (t_hi[f"is_usable_for_{p}"] <= t_lo[f"is_usable_for_{p}"]).all()
    assert (t_hi["is_linked_any"] == t_lo["is_linked_any"]).all()


def test_window_curve_and_countries(world):
    people, social = world
    links = compute_links(people, SCEN["mix_2016"].with_uptake(0.25), social, seed=1)
    curve = window_curve(people, links, seed=1)
    assert list(curve["day"]) == list(range(31))
    assert (np.diff(curve["usable_for_ads_share"]) <= 1e-12).all()
    assert curve["usable_for_ads_share"].iloc[0] > curve["usable_for_ads_share"].iloc[-1]
    assert np.allclose(curve["own_join_share"], curve["own_join_share"].iloc[0])
    # what was received stays held: the held share never falls and starts where "now" starts
    held = curve["held_usable_for_ads_share"].to_numpy()
    assert (np.diff(held) >= -1e-12).all() and held[0] == curve["usable_for_ads_share"].iloc[0]
    assert (held >= curve["usable_for_ads_share"].to_numpy() - 1e-12).all()
    t = link_table(people, SCEN["germany_hamburg"], social)
    c = country_shares(t).set_index("country_code")
    assert c.loc["DE", "reached_share"] == 0 and c["reached_share"].max() > 0


def test_run_seeds_and_summary():
    scen = {k: SCEN[k] for k in ("no_opt_out", "all_partial_opt_out", "all_leave")}
    res = run_seeds(
        scen, [1, 2, 3], n_people=400, with_social=False, curve_scenarios=("no_opt_out",)
    )
    shares = res["shares"]
    assert set(shares["seed"]) == {1, 2, 3} and set(shares["purpose_class"]) == set(PURPOSE_CLASSES)
    summ = mean_t_interval(shares, ["scenario", "mechanism", "purpose_class"], "share")
    assert ((summ["low"] <= summ["mean"] + 1e-12) & (summ["mean"] <= summ["high"] + 1e-12)).all()
    assert (summ["seed_count"] == 3).all()
    ads = summ.set_index(["scenario", "mechanism", "purpose_class"])["mean"]
    assert ads[("all_leave", "any", "not_reached")] == 1.0
    assert ads[("all_partial_opt_out", "any", "ads")] < ads[("no_opt_out", "any", "ads")]
    assert len(res["curve"]) == 3 * 31


def test_address_book_switch_adds_uploaders(world):
    people, social = world
    off = compute_links(people, SCEN["no_opt_out"], social)
    on = compute_links(people, SCEN["no_opt_out"].replace(address_books=True), social)
    assert len(on.inferred) >= len(off.inferred)
    assert len(on.pairs["address_book"]) >= len(off.pairs["address_book"])
    # opted-out owners' books may not feed "filling in" (it serves suggestions and ads)
    part_on = compute_links(people, SCEN["all_partial_opt_out"].replace(address_books=True), social)
    part_off = compute_links(people, SCEN["all_partial_opt_out"], social)
    new = people["consent_state"].astype(str).to_numpy() == "new_user_no_choice"
    extra = len(part_on.inferred) - len(part_off.inferred)
    assert 0 <= extra <= len(on.inferred) - len(off.inferred) + int(new.sum())
    t_part = link_table(people, part_on.scenario, social, links=part_on)
    t_full = link_table(people, on.scenario, social, links=on)
    assert t_part["is_usable_for_ads"].sum() <= t_full["is_usable_for_ads"].sum()
