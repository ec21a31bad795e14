"""The population generator: distributions, coherence, consent mix, determinism, safety."""

import numpy as np
import pandas as pd
import pytest

from analysis.core import load, stream, write_parquet
from analysis.world import CONSENT_STATES, PEOPLE, WorldParams, check_synthetic, generate_population


def binomial_tolerance(p, n, z=4.5):
    """Half-width of a very wide binomial interval: a real bug, not noise, fails it."""
    return z * np.sqrt(max(p * (1 - p), 1e-4) / n) + 1e-9


def test_columns_and_dtypes_match_the_schema(small_people):
    assert list(small_people.columns) == PEOPLE.columns
    for f in PEOPLE.fields:
        assert str(small_people[f.name].dtype) == f.dtype or f.dtype == "string", f.name
    assert small_people["person_id"].tolist() == list(range(len(small_people)))


def test_every_phone_number_is_synthetic(small_people):
    assert check_synthetic(small_people["phone_e164"], small_people["country_code"]) == []
    assert small_people["phone_e164"].is_unique
    # Facebook's numbers on file are people's own or recycled numbers of the population
    on_file = small_people["facebook_phone_e164"].dropna()
    assert on_file.isin(set(small_people["phone_e164"])).all()


def test_adoption_matches_reference_within_tolerance():
    people = generate_population(WorldParams(n_people=40_000, seed=3))
    ref = load("countries").set_index("country_code")
    by_country = people.groupby("country_code", observed=True)
    for country, group in by_country:
        n = len(group)
        for col, ref_col in [
            ("is_whatsapp_user", "whatsapp_adoption_share"),
            ("is_facebook_user", "facebook_adoption_share"),
        ]:
            expected = ref.at[country, ref_col]
            assert abs(group[col].mean() - expected) < binomial_tolerance(expected, n), (
                country,
                col,
            )


def test_country_weights_are_respected():
    params = WorldParams(n_people=20_000, seed=4, country_weights={"IN": 3, "US": 1})
    shares = generate_population(params)["country_code"].value_counts(normalize=True)
    assert set(shares.index[shares > 0]) == {"IN", "US"}
    assert abs(shares["IN"] - 0.75) < binomial_tolerance(0.75, 20_000)


def test_overlap_parameter_moves_facebook_given_whatsapp_but_not_marginals():
    low = generate_population(WorldParams(n_people=30_000, seed=5, facebook_whatsapp_overlap=0.0))
    high = generate_population(WorldParams(n_people=30_000, seed=5, facebook_whatsapp_overlap=1.0))

    def cond(df):
        return df.loc[df.is_whatsapp_user, "is_facebook_user"].mean()

    assert cond(high) > cond(low) + 0.05
    assert abs(high.is_facebook_user.mean() - low.is_facebook_user.mean()) < 0.02


def test_consent_state_mix_follows_parameters():
    params = WorldParams(
        n_people=60_000,
        seed=6,
        opt_out_uptake_share=0.2,
        whatsapp_new_user_share=0.1,
        whatsapp_left_share=0.05,
    )
    people = generate_population(params)
    wa = people[people.is_whatsapp_user]
    states = wa["consent_state"].value_counts(normalize=True)
    assert set(people["consent_state"].unique()) <= set(CONSENT_STATES)
    assert (people.loc[~people.is_whatsapp_user, "consent_state"] == "never_whatsapp").all()
    n = len(wa)
    assert abs(states["new_user_no_choice"] - 0.1) < binomial_tolerance(0.1, n)
    existing = 1 - states["new_user_no_choice"]
    assert abs(states["left_whatsapp"] / existing - 0.05) < binomial_tolerance(0.05, n)
    opted = states["unticked_before_agreeing"] + states["opted_out_in_window"]
    stayers = existing - states["left_whatsapp"]
    assert abs(opted / stayers - 0.2) < binomial_tolerance(0.2, n)
    assert abs(states["unticked_before_agreeing"] / opted - 0.5) < binomial_tolerance(
        0.5, int(opted * n)
    )


def test_opt_out_days_and_dates_are_coherent(small_people):
    p = small_people
    window = p[p.consent_state == "opted_out_in_window"]
    assert window["opt_out_day"].between(1, 30).all()
    assert (p.loc[p.consent_state == "unticked_before_agreeing", "opt_out_day"] == 0).all()
    others = ~p.consent_state.isin(["opted_out_in_window", "unticked_before_agreeing"])
    assert p.loc[others, "opt_out_day"].isna().all()
    new = p[p.consent_state == "new_user_no_choice"]
    assert (new["whatsapp_registered_on"] > pd.Timestamp("2016-08-25")).all()
    existing = p[
        p.consent_state.isin(["kept_default", "unticked_before_agreeing", "opted_out_in_window"])
    ]
    assert (existing["whatsapp_registered_on"] <= pd.Timestamp("2016-08-25")).all()
    assert (existing["terms_accepted_on"] >= pd.Timestamp("2016-08-25")).all()
    assert p.loc[p.consent_state == "left_whatsapp", "terms_accepted_on"].isna().all()
    wa = p[p.is_whatsapp_user]
    assert wa["whatsapp_last_seen_at"].notna().all()
    assert (wa["whatsapp_last_seen_at"] <= pd.Timestamp("2016-10-01")).all()
    assert (
        p.loc[~p.is_whatsapp_user, ["whatsapp_registered_on", "whatsapp_last_seen_at"]]
        .isna()
        .all()
        .all()
    )


def test_devices_are_coherent_with_country_and_os(small_people):
    carriers = load("carriers")
    allowed = set(zip(carriers.country_code, carriers.mcc, carriers.mnc, strict=True))
    got = set(zip(small_people.country_code, small_people.mcc, small_people.mnc, strict=True))
    assert got <= allowed
    screens = load("screen_resolutions")
    ok_screens = set(zip(screens.os_name, screens.screen_resolution, strict=True))
    assert set(zip(small_people.os_name, small_people.screen_resolution, strict=True)) <= ok_screens
    versions = load("os_versions")
    ok_versions = set(zip(versions.os_name, versions.os_version, strict=True))
    assert set(zip(small_people.os_name, small_people.os_version, strict=True)) <= ok_versions
    assert small_people["device_id"].str.fullmatch(r"[0-9a-f]{16}").all()
    assert small_people["device_id"].is_unique
    assert not (small_people.has_facebook_app_same_phone & ~small_people.is_facebook_user).any()


def test_android_share_follows_reference():
    people = generate_population(WorldParams(n_people=40_000, seed=8))
    ref = load("os_share")
    android = ref[ref.os_name == "Android"].set_index("country_code")["market_share"]
    got = (
        people.assign(a=people.os_name == "Android")
        .groupby("country_code", observed=True)["a"]
        .mean()
    )
    counts = people["country_code"].value_counts()
    for c, share in got.items():
        assert abs(share - android[c]) < binomial_tolerance(android[c], counts[c]), c


def test_identity_is_coherent_within_locale(small_people):
    p = small_people
    ref = load("countries").set_index("country_code")["faker_locale"]
    assert (p["faker_locale"].astype(str) == p["country_code"].astype(str).map(ref)).all()
    # a city belongs to one country only, and names come from that locale's pool
    assert (p.groupby("city", observed=True)["country_code"].nunique() == 1).all()
    assert (p["full_name"] == p["first_name"] + " " + p["last_name"]).all()
    assert p["email"].str.fullmatch(r"[a-z0-9]+\.[a-z0-9]+\d+@example\.(com|org|net)").all()
    assert p["email"].is_unique


def test_facebook_phone_fields_are_consistent(small_people):
    p = small_people
    assert not (p.is_facebook_phone_on_file & ~p.is_facebook_user).any()
    assert (p.loc[~p.is_facebook_phone_on_file, "facebook_phone_source"] == "none").all()
    assert p.loc[p.is_facebook_phone_on_file, "facebook_phone_e164"].notna().all()
    fresh = p.is_facebook_phone_on_file & ~p.is_facebook_phone_stale
    assert (p.loc[fresh, "facebook_phone_e164"] == p.loc[fresh, "phone_e164"]).all()
    stale = p[p.is_facebook_phone_stale]
    assert (stale["facebook_phone_e164"] != stale["phone_e164"]).all()
    assert p.loc[p.is_facebook_user, "facebook_account_id"].is_unique
    assert p.loc[~p.is_facebook_user, "facebook_account_id"].isna().all()


def test_same_seed_same_bytes_and_different_seed_differs(tmp_path):
    params = WorldParams(n_people=3000, seed=21)
    a = write_parquet(generate_population(params), tmp_path / "a.parquet").read_bytes()
    b = write_parquet(generate_population(params), tmp_path / "b.parquet").read_bytes()
    c = write_parquet(
        generate_population(params.replace(seed=22)), tmp_path / "c.parquet"
    ).read_bytes()
    assert a == b
    assert a != c


def test_streams_are_independent_of_each_other():
    assert stream(1, "a").integers(1 << 30) != stream(1, "b").integers(1 << 30)


@pytest.mark.parametrize("n", [1, 2, 17])
def test_tiny_populations_work(n):
    people = generate_population(WorldParams(n_people=n, seed=1))
    assert len(people) == n
