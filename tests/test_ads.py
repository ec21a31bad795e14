"""Custom Audiences: customer lists, Facebook's key set, matching invariants per scenario."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.core import ParameterError
from analysis.effects.ads import (
    AD_AUDIENCES,
    AD_CUSTOMERS,
    AD_MATCH_RATES,
    AD_OPT_OUT_REACH,
    AdsParams,
    CustomerLists,
    evaluate_scenario,
    facebook_match_keys,
    generate_customer_lists,
    hash_customer_keys,
    match_customers,
    permitted_match_rows,
    run_scenarios,
)
from analysis.effects.hashing import normalise_phones, sha256_one
from analysis.world import PHONE_STYLES, TYPO_KINDS, write_numbers

PARAMS = AdsParams(n_businesses=12, list_size_median=60, list_size_sigma=0.5)


# --------------------------------------------------------------------------------------
# hand-built world that follows the contracts (people + social address book)
# --------------------------------------------------------------------------------------
def tiny_people() -> pd.DataFrame:
    """Six people in GB. 0-3 use Facebook; 4 is a non-user; 5 uses only WhatsApp."""
    phone = [f"+44761000000{i}" for i in range(6)]
    return pd.DataFrame(
        {
            "person_id": np.arange(6, dtype=np.int64),
            "country_code": ["GB"] * 6,
            "phone_e164": phone,
            "email": [f"p{i}@example.org" for i in range(6)],
            "is_whatsapp_user": [True, True, True, False, True, True],
            "is_facebook_user": [True, True, True, True, False, False],
            "is_facebook_phone_on_file": [True, False, False, True, False, False],
            "facebook_phone_source": ["profile", "none", "none", "two_factor", "none", "none"],
            # person 3's number on file is stale: it now belongs to person 2
            "facebook_phone_e164": [phone[0], None, None, phone[2], None, None],
            "consent_state": [
                "kept_default",
                "unticked_before_agreeing",
                "kept_default",
                "never_whatsapp",
                "kept_default",
                "left_whatsapp",
            ],
        }
    )


def tiny_inferred() -> pd.DataFrame:
    """What the linking module inferred: person 0's upload attaches 1's number to account 1."""
    return pd.DataFrame(
        {
            "facebook_person_id": np.array([1], dtype=np.int64),
            "inferred_e164": pd.array(["+447610000001"], dtype="string"),
            "uploader_count": np.array([1], dtype=np.int64),
        }
    )


def key(e164: str) -> str:
    return sha256_one(e164.lstrip("+"))


def test_facebook_keys_follow_the_sources():
    keys = facebook_match_keys(tiny_people(), tiny_inferred(), include_emails=False)
    got = {
        (h, int(p), str(s))
        for h, p, s in keys[["key_sha256", "person_id", "source"]].itertuples(index=False)
    }
    assert (key("+447610000000"), 0, "profile") in got
    assert (key("+447610000002"), 3, "two_factor") in got  # the stale number, on 3's account
    assert (key("+447610000001"), 1, "shadow_contacts") in got  # inferred from 0's upload
    # a number attaches to an account only through the account's own number or inference
    assert {p for _, p, s in got if s == "shadow_contacts"} == {1}
    assert not any(p == 4 for _, p, _ in got)  # no Facebook account
    # WhatsApp numbers are listed for Facebook users with WhatsApp (0, 1, 2), never 5
    wa = {p for _, p, s in got if s == "whatsapp"}
    assert wa == {0, 1, 2}
    assert not keys.duplicated(["key_sha256", "person_id", "source"]).any()


def tiny_lists() -> CustomerLists:
    customers = pd.DataFrame(
        {
            "customer_id": np.arange(5, dtype=np.int64),
            "business_id": np.zeros(5, dtype=np.int64),
            "country_code": ["GB"] * 5,
            "person_id": np.array([0, 1, 2, 4, 5], dtype=np.int64),
            "phone_style": ["national"] * 5,
            "phone_raw": [
                "07610 000000",
                "07610 000001",
                "+44 7610 000002",
                "7610000004",
                "call me",
            ],
            "is_phone_typo": [False] * 5,
            "email_raw": pd.array([None, None, None, None, None], dtype="string"),
        }
    )
    businesses = pd.DataFrame({"business_id": [0], "country_code": ["GB"], "list_size_count": [5]})
    return CustomerLists(businesses, customers)


def test_tiny_match_per_scenario():
    people, lists = tiny_people(), tiny_lists()
    ckeys = hash_customer_keys(lists.customers, include_emails=False)
    assert ckeys.loc[ckeys["customer_id"] == 4, "reason"].item() == "not a number"
    fkeys = facebook_match_keys(people, tiny_inferred(), include_emails=False)
    matches = match_customers(ckeys, fkeys)
    args = dict(
        people=people,
        lists=lists,
        customer_keys=ckeys,
        matches=matches,
        facebook_keys=fkeys,
        min_audience_size=20,
    )
    none = evaluate_scenario("none", ads_permitted=np.zeros(6, bool), **args)
    allowed = evaluate_scenario("all", ads_permitted=np.ones(6, bool), **args)
    # without WhatsApp: 0 (profile), 1 (shadow), 2 (via 3's stale number -> wrong account 3)
    assert none.audiences["audience_without_whatsapp_count"].item() == 3
    assert none.audiences["audience_count"].item() == 3
    assert none.audiences["wrong_account_count"].item() == 1
    # with WhatsApp: customer 2 also matches their own account
    assert allowed.audiences["audience_count"].item() == 4
    rates = allowed.match_rates.set_index("country_code")
    assert rates.loc["GB", "matched_count"] == 3 and rates.loc["GB", "phone_unusable_count"] == 1
    assert rates.loc["ALL", "extra_reach_count"] == 1
    # person 1 opted out: ads off, yet reachable through person 0's uploaded contacts
    reach = none.opt_out_reach.set_index("group")
    assert reach.loc["ads_off_whatsapp_users", "people_count"] == 3  # 0, 1, 2
    assert reach.loc["ads_off_whatsapp_users", "reachable_by_phone_elsewhere_count"] == 2  # 0, 1
    assert reach.loc["ads_off_whatsapp_users", "matched_on_lists_count"] == 2


# --------------------------------------------------------------------------------------
# generated lists
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def lists(small_people):
    return generate_customer_lists(small_people, PARAMS, seed=3)


def test_lists_are_seeded(small_people, lists):
    again = generate_customer_lists(small_people, PARAMS, seed=3)
    pd.testing.assert_frame_equal(lists.customers, again.customers)
    other = generate_customer_lists(small_people, PARAMS, seed=4)
    assert not lists.customers["phone_raw"].equals(other.customers["phone_raw"])


def test_lists_follow_the_schema_and_the_countries(small_people, lists):
    customers = lists.customers
    assert list(customers.columns) == AD_CUSTOMERS.columns
    assert customers["customer_id"].tolist() == list(range(len(customers)))
    assert not customers.duplicated(["business_id", "person_id"]).any()
    home = small_people["country_code"].astype(str).to_numpy()[customers["person_id"]]
    assert (home == customers["country_code"].astype(str).to_numpy()).all()
    sizes = customers.groupby("business_id").size()
    assert (
        sizes.reindex(lists.businesses["business_id"], fill_value=0).tolist()
        == lists.businesses["list_size_count"].tolist()
    )
    assert set(customers["phone_style"].astype(str)) <= set(PHONE_STYLES)


def test_numbers_without_typos_normalise_back_to_the_person(small_people, lists):
    customers = lists.customers
    clean = customers[~customers["is_phone_typo"]]
    keys = normalise_phones(clean["phone_raw"], clean["country_code"].astype(str))
    assert (keys["reason"] == "ok").all(), keys.loc[keys["reason"] != "ok"]
    own = small_people["phone_e164"].to_numpy(dtype=object)[clean["person_id"]]
    same = keys["match_key"].to_numpy(dtype=object) == np.char.lstrip(own.astype(str), "+")
    # every style, German digits with the country code included (issue 14)
    assert same.all(), clean.loc[~same, ["country_code", "phone_style", "phone_raw"]].head()


def test_typos_change_the_number(lists):
    typo = lists.customers[lists.customers["is_phone_typo"]]
    assert len(typo) > 0
    raw = write_numbers(
        ["+447610000001"] * 200,
        ["GB"] * 200,
        ["national"] * 200,
        typo=np.array(TYPO_KINDS * 50, dtype=object),
        typo_at=np.random.default_rng(1).random(200),
    )
    assert (raw != "07610 000001").all()
    # a typo touches only subscriber digits: the block prefix survives
    assert raw.str.replace(" ", "").str.startswith("0761").all()


def test_emails_are_messy_but_normalise(small_people, lists):
    given = lists.customers[lists.customers["email_raw"].notna()]
    assert 0.15 < len(given) / len(lists.customers) < 0.45
    cleaned = given["email_raw"].str.strip().str.lower().to_numpy()
    assert (cleaned == small_people["email"].to_numpy(dtype=object)[given["person_id"]]).all()


def test_writer_rejects_unknown_style_and_typo():
    with pytest.raises(ValueError, match="unknown writing style"):
        write_numbers(["+447610000001"], ["GB"], ["fax"])
    with pytest.raises(ValueError, match="unknown typo kind"):
        write_numbers(["+447610000001"], ["GB"], ["e164"], typo=["smudge"])
    with pytest.raises(ValueError, match="typos are made only"):
        write_numbers(["+447610000001"], ["GB"], ["old_form"], typo=["drop"])


@pytest.mark.parametrize("bad", [10, 19, 1001])
def test_min_audience_size_bounds(bad):
    with pytest.raises(ParameterError, match="min_audience_size"):
        AdsParams(min_audience_size=bad)


def test_params_round_trip_and_no_country():
    p = AdsParams(n_businesses=5, min_audience_size=20)
    assert AdsParams.from_toml_text(p.to_toml_text()) == p
    with pytest.raises(ParameterError, match="country_weights"):
        AdsParams(country_weights={"GB": 0.0})


# --------------------------------------------------------------------------------------
# invariants on a generated world with a random address book
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def world(small_people, lists):
    from analysis.effects.ads.keys import _finish_keys, _inferred_keys

    rng = np.random.default_rng(0)
    fb = (
        small_people["is_facebook_user"].to_numpy()
        & ~small_people["is_facebook_phone_on_file"].to_numpy()
    )
    accounts = rng.permutation(np.flatnonzero(fb))[:1200]
    # mostly the account's own number; some inferences are wrong (someone else's number)
    owner = np.where(
        rng.random(accounts.size) < 0.9, accounts, rng.integers(0, len(small_people), accounts.size)
    )
    phones = small_people["phone_e164"].to_numpy(dtype=object)
    inferred = pd.DataFrame(
        {
            "facebook_person_id": accounts[:900].astype(np.int64),
            "inferred_e164": pd.array(phones[owner[:900]], dtype="string"),
        }
    )
    extra = pd.DataFrame(
        {
            "facebook_person_id": accounts[900:].astype(np.int64),
            "inferred_e164": pd.array(phones[owner[900:]], dtype="string"),
        }
    )
    ckeys = hash_customer_keys(lists.customers)
    fkeys = pd.concat(
        [
            facebook_match_keys(small_people, inferred),
            _finish_keys(_inferred_keys(extra, "whatsapp_contacts")),
        ],
        ignore_index=True,
    )
    return ckeys, fkeys, match_customers(ckeys, fkeys)


def _evaluate(small_people, lists, world, permitted, flow=False):
    ckeys, fkeys, matches = world
    return evaluate_scenario(
        "s",
        small_people,
        lists,
        ckeys,
        matches,
        fkeys,
        permitted,
        min_audience_size=40,
        address_books_flow=flow,
    )


def test_no_whatsapp_match_when_ads_purpose_is_off(small_people, lists, world):
    rng = np.random.default_rng(2)
    permitted = rng.random(len(small_people)) < 0.5
    result = _evaluate(small_people, lists, world, permitted, flow=True)
    m = result.matches
    wa = m[m["source"].astype(str) == "whatsapp"]
    assert len(wa) > 0 and permitted[wa["person_id"]].all()
    # whatsapp_contacts keys are made from permitted owners only (whatsapp_contact_keys), so
    # with the switch on they all count
    wc = m[m["source"].astype(str) == "whatsapp_contacts"]
    assert len(wc) > 0
    # without the address-book switch, no WhatsApp address book is used
    off = _evaluate(small_people, lists, world, permitted, flow=False).matches
    assert not (off["source"].astype(str) == "whatsapp_contacts").any()
    # nobody off: identical to Facebook's own data
    none = _evaluate(small_people, lists, world, np.zeros(len(small_people), bool), flow=False)
    rates = none.match_rates
    assert (rates["matched_count"] == rates["matched_without_whatsapp_count"]).all()
    assert (rates["extra_reach_count"] == 0).all()
    assert not none.audiences["is_unlocked_by_whatsapp"].any()


@given(st.integers(0, 2**32 - 1), st.floats(0, 1), st.floats(0, 1), st.booleans())
@settings(max_examples=15, deadline=None)
def test_more_data_never_lowers_the_match(small_people, lists, world, seed, a, b, flow):
    u = np.random.default_rng(seed).random(len(small_people))
    small, large = u < min(a, b), u < max(a, b)
    r_small = _evaluate(small_people, lists, world, small, flow)
    r_large = _evaluate(small_people, lists, world, large, flow)
    key = ["country_code"]
    s = r_small.match_rates.set_index(key)
    lg = r_large.match_rates.set_index(key)
    assert (lg["matched_count"] >= s["matched_count"]).all()
    assert (s["matched_count"] >= s["matched_without_whatsapp_count"]).all()
    assert (lg["match_share"] >= s["match_share"]).all()
    assert (
        r_large.audiences["audience_count"].to_numpy()
        >= r_small.audiences["audience_count"].to_numpy()
    ).all()
    assert (
        r_small.audiences["audience_count"] >= r_small.audiences["audience_without_whatsapp_count"]
    ).all()


def test_permitted_match_rows_keep_whatsapp_contacts_only_with_the_switch():
    """``whatsapp_contacts`` keys come only from owners who permit ads: the switch decides."""
    m = pd.DataFrame(
        {
            "person_id": [1, 1, 0],
            "owner_person_id": [1, 1, 0],
            "source": ["whatsapp", "whatsapp_contacts", "profile"],
        }
    )
    on = permitted_match_rows(m, np.array([True, False]), address_books_flow=True)
    assert on.tolist() == [False, True, True]
    off = permitted_match_rows(m, np.array([True, True]), address_books_flow=False)
    assert off.tolist() == [True, False, True]


def test_evaluate_rejects_bad_input(small_people, lists, world):
    with pytest.raises(ValueError, match="ads_permitted has shape"):
        _evaluate(small_people, lists, world, np.ones(3, bool))
    ckeys, fkeys, matches = world
    with pytest.raises(ValueError, match="min_audience_size"):
        evaluate_scenario(
            "s",
            small_people,
            lists,
            ckeys,
            matches,
            fkeys,
            np.ones(len(small_people), bool),
            min_audience_size=5,
        )


# --------------------------------------------------------------------------------------
# with the real policy module
# --------------------------------------------------------------------------------------
def test_run_scenarios_with_policy(small_people):
    from analysis import policy

    scenarios = {
        k: v
        for k, v in policy.builtin_scenarios().items()
        if k in ("before_change", "no_opt_out", "mix_2016", "all_leave")
    }
    params = AdsParams(n_businesses=8, list_size_median=80, shadow_contacts_usable=False)
    results = run_scenarios(small_people, None, params, seed=1, scenarios=scenarios)
    assert list(results.match_rates.columns) == AD_MATCH_RATES.columns
    assert list(results.audiences.columns) == AD_AUDIENCES.columns
    assert list(results.opt_out_reach.columns) == AD_OPT_OUT_REACH.columns
    rates = results.match_rates.set_index(["scenario", "country_code"])
    for name in ("before_change", "all_leave"):
        assert (
            rates.loc[(name, "ALL"), "matched_count"]
            == rates.loc[(name, "ALL"), "matched_without_whatsapp_count"]
        )
    assert (
        rates.loc[("no_opt_out", "ALL"), "matched_count"]
        >= rates.loc[("mix_2016", "ALL"), "matched_count"]
    )
    assert (
        rates.loc[("mix_2016", "ALL"), "matched_count"]
        > rates.loc[("before_change", "ALL"), "matched_count"]
    )
    reach = results.opt_out_reach.set_index(["scenario", "group"])
    wa_fb = int((small_people["is_whatsapp_user"] & small_people["is_facebook_user"]).sum())
    assert reach.loc[("before_change", "ads_off_whatsapp_users"), "people_count"] == wa_fb
    assert reach.loc[("no_opt_out", "ads_off_whatsapp_users"), "people_count"] == 0


def test_customer_styles_read_back_to_the_customer_in_every_country():
    from analysis.world import blocks, draw_numbers

    rng = np.random.default_rng(7)
    for country in blocks():
        numbers = draw_numbers(country, 60, rng)
        for style in PHONE_STYLES:
            got = write_numbers(numbers, [country] * len(numbers), [style] * len(numbers))
            keys = normalise_phones(got, country)
            same = keys["match_key"].to_numpy(dtype=object) == np.char.lstrip(
                numbers.astype(str), "+"
            )
            assert same.all(), (country, style, got[~same][:3].tolist())


def test_match_rates_over_seeds_are_the_mean_of_each_seeds_run_with_a_t_interval():
    from analysis.effects.ads import compare_facebook_data
    from analysis.policy import builtin_scenarios
    from analysis.results import ad_rates_over_seeds, seeded_world, wide_intervals
    from analysis.world import WorldParams

    world = WorldParams(n_people=300)
    scenarios = {k: v for k, v in builtin_scenarios().items() if k in {"mix_2016", "all_leave"}}
    params = AdsParams(n_businesses=6, list_size_median=30, list_size_sigma=0.3)
    seeds = [3, 4]
    rates = ad_rates_over_seeds(seeds, world, ads=params, scenarios=scenarios)
    # every world has customers overall; a country without any in one world counts once
    assert set(rates.loc[rates["country_code"] == "ALL", "seed_count"]) == {2}
    rates = rates.dropna(subset=["mean"])
    assert (rates["low"] <= rates["mean"] + 1e-12).all()
    assert (rates["mean"] <= rates["high"] + 1e-12).all()
    # the mean is the average of the seeds' own runs, recomputed here
    one = []
    for seed in seeds:
        built = seeded_world(seed, world)
        res = compare_facebook_data(built.people, built, params, seed=seed, scenarios=scenarios)
        r = res["numbers users gave Facebook"].match_rates
        rate = r.set_index(["scenario", "country_code"]).loc[("mix_2016", "ALL"), "match_share"]
        one.append(rate)
    row = rates.query(
        "facebook_data == 'numbers users gave Facebook' and scenario == 'mix_2016' "
        "and country_code == 'ALL' and measure == 'match_share'"
    )
    assert row["mean"].item() == pytest.approx(np.mean(one))
    assert row["low"].item() < row["high"].item() or one[0] == one[1]
    wide = wide_intervals(rates[rates["country_code"] == "ALL"], ["facebook_data", "scenario"])
    assert {"match_share", "match_share_low", "match_share_high"} <= set(wide.columns)
    assert len(wide) == 3 * len(scenarios)
    with pytest.raises(ValueError, match="seeds is empty"):
        ad_rates_over_seeds([], world, ads=params)
