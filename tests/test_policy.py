"""The policy model: declarative table, scenarios, per-person permissions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.policy import (
    BUILTIN_NAMES,
    FIELDS,
    PURPOSES,
    PolicyTableError,
    Scenario,
    ScenarioError,
    address_books_flow,
    builtin_scenarios,
    effective_states,
    field_flows,
    flow_cube,
    load_flow_table,
    load_scenario,
    permitted_purposes,
)

SCEN = builtin_scenarios()
P = list(PURPOSES)


def test_contract_constants():
    assert PURPOSES == ("infrastructure", "analytics", "security", "suggestions", "ads")
    assert FIELDS == (
        "phone_number",
        "last_seen",
        "os",
        "screen_resolution",
        "mcc",
        "mnc",
        "device_id",
        "registration_date",
        "app_version",
        "address_book",
    )
    assert list(SCEN) == [
        "before_change",
        "no_opt_out",
        "mix_2016",
        "all_partial_opt_out",
        "all_partial_opt_out_processor",
        "all_leave",
        "eu_pause",
        "germany_hamburg",
        "uk_processor_only",
        "india_pre_2016_09_25",
        "india_later_data_flows",
        "policy_2021",
        "germany_hamburg_2021",
        "india_cci_2024",
    ]
    assert tuple(SCEN) == BUILTIN_NAMES
    for name, s in SCEN.items():
        assert s.name == name and s.title and s.description


def test_table_has_a_source_for_every_row_and_matches_the_domain_table():
    t = load_flow_table()
    assert (t["source"].str.len() > 10).all()
    row = t.set_index(["layer", "state", "field"]) != "no"
    assert row.loc[("consent", "kept_default", "phone_number"), P].all()
    partial = row.loc[("consent", "unticked_before_agreeing", "device_id"), P]
    assert (
        partial[["infrastructure", "analytics", "security"]].all()
        and not partial[["suggestions", "ads"]].any()
    )
    assert not row.loc[("consent", "left_whatsapp", "phone_number"), P].any()
    assert not row.loc[("regime", "hamburg_blocked", "os"), P].any()


def test_malformed_table_is_rejected(tmp_path):
    from analysis.policy import FLOW_TABLE_PATH

    text = FLOW_TABLE_PATH.read_text()
    bad = tmp_path / "bad.csv"
    bad.write_text(
        text.replace("kept_default,phone_number,yes", "kept_default,phone_number,maybe", 1)
    )
    with pytest.raises(PolicyTableError, match=r"line 2: infrastructure = 'maybe'; allowed: \["):
        load_flow_table(bad)
    missing = tmp_path / "missing.csv"
    missing.write_text(
        "\n".join(line for line in text.splitlines() if ",eu_paused,mnc," not in line) + "\n"
    )
    with pytest.raises(PolicyTableError, match="eu_paused must have exactly one row per field"):
        load_flow_table(missing)


def test_output_shapes(small_people):
    for s in SCEN.values():
        pp = permitted_purposes(small_people, s)
        assert list(pp.columns) == ["person_id", *P]
        assert len(pp) == len(small_people)
        assert (pp["person_id"].to_numpy() == small_people["person_id"].to_numpy()).all()
        non_wa = ~small_people["is_whatsapp_user"].to_numpy()
        assert not pp.loc[non_wa, P].to_numpy().any()
        for f in FIELDS:
            flows = field_flows(small_people, s, f)
            assert flows.dtype == bool and flows.shape == (len(small_people),)
        st_ = effective_states(small_people, s)
        assert (st_.index == small_people.index).all()


def test_before_change_and_all_leave_share_nothing(small_people):
    for name in ("before_change", "all_leave"):
        assert not flow_cube(small_people, SCEN[name]).any()


def test_leavers_share_nothing_in_every_scenario(small_people):
    for s in SCEN.values():
        left = effective_states(small_people, s).astype(str).to_numpy() == "left_whatsapp"
        assert not permitted_purposes(small_people, s).loc[left, P].to_numpy().any()


def test_no_opt_out_vs_partial_vs_mix(small_people):
    wa = small_people["is_whatsapp_user"].to_numpy()
    full = permitted_purposes(small_people, SCEN["no_opt_out"])
    assert (full["ads"].to_numpy() == wa).all()
    partial = permitted_purposes(small_people, SCEN["all_partial_opt_out"])
    new = small_people["consent_state"].astype(str).to_numpy() == "new_user_no_choice"
    # only new users (no choice offered) remain usable for ads
    assert (partial["ads"].to_numpy() == new).all()
    assert (partial["security"].to_numpy() == wa).all()
    # the device id still reaches Facebook under the partial opt-out
    assert field_flows(small_people, SCEN["all_partial_opt_out"], "device_id").sum() == wa.sum()


def test_mix_uses_population_states(small_people):
    st_ = effective_states(small_people, SCEN["mix_2016"]).astype(str)
    assert (st_.to_numpy() == small_people["consent_state"].astype(str).to_numpy()).all()


def test_window_day(small_people):
    s = SCEN["mix_2016"]
    states = small_people["consent_state"].astype(str).to_numpy()
    window = np.flatnonzero(states == "opted_out_in_window")
    assert window.size > 0
    k = small_people["opt_out_day"].to_numpy()[window].astype(int)
    for d in (0, 3, 10, 30):
        ads = permitted_purposes(small_people, s, day=d)["ads"].to_numpy()
        assert (ads[window] == (d < k)).all()
    end = permitted_purposes(small_people, s)
    assert end.equals(permitted_purposes(small_people, s, day=30))
    before = states == "unticked_before_agreeing"
    assert not permitted_purposes(small_people, s, day=0)["ads"].to_numpy()[before].any()
    with pytest.raises(ValueError, match="day = -1"):
        permitted_purposes(small_people, s, day=-1)


def test_regional_regimes(small_people):
    country = small_people["country_code"].astype(str).to_numpy()
    base = permitted_purposes(small_people, SCEN["mix_2016"])
    eu = permitted_purposes(small_people, SCEN["eu_pause"])
    es, de, gb = (country == c for c in ("ES", "DE", "GB"))
    # Spain: the EU pause stops suggestions and ads, other uses go on
    assert not eu.loc[es, ["ads", "suggestions"]].to_numpy().any()
    assert (eu.loc[es, "security"] == base.loc[es, "security"]).all()
    # Germany: the Hamburg order bars everything
    assert not eu.loc[de, P].to_numpy().any()
    # UK: only as WhatsApp's processor, so nothing is Facebook's own to use ...
    assert not eu.loc[gb, P].to_numpy().any()
    # ... but the data still reaches Facebook for security, never for ads
    reach = flow_cube(small_people, SCEN["eu_pause"], use="reach")
    wa_gb = gb & base["security"].to_numpy()
    assert wa_gb.any()
    assert reach[wa_gb][:, FIELDS.index("phone_number"), P.index("security")].all()
    assert not reach[gb][:, :, P.index("ads")].any()
    europe = es | de | gb
    assert eu.loc[~europe, P].equals(base.loc[~europe, P])
    # read before the pause started, only Hamburg (September) and the UK finding apply
    early = permitted_purposes(small_people, SCEN["eu_pause"].replace(as_of="2016-10-15"))
    assert early.loc[es, P].equals(base.loc[es, P])
    assert not early.loc[de, P].to_numpy().any()
    ham = permitted_purposes(small_people, SCEN["germany_hamburg"])
    assert not ham.loc[de, P].to_numpy().any()
    assert ham.loc[~de, P].equals(base.loc[~de, P])
    uk = permitted_purposes(small_people, SCEN["uk_processor_only"])
    assert not uk.loc[gb, P].to_numpy().any()
    assert uk.loc[~gb, P].equals(base.loc[~gb, P])


def _field(people, scenario, field, purpose="ads"):
    return flow_cube(people, scenario)[:, FIELDS.index(field), P.index(purpose)]


def test_delhi_order_blocks_by_field_and_date(small_people):
    """Strict reading: what an Indian account held by 25 Sep 2016 is blocked, later data flows."""
    country = small_people["country_code"].astype(str).to_numpy()
    reg = small_people["whatsapp_registered_on"]
    old = (reg < pd.Timestamp("2016-09-25")).fillna(False).to_numpy(bool)
    late = (reg >= pd.Timestamp("2016-09-25")).fillna(False).to_numpy(bool)
    india_old, india_late = (country == "IN") & old, (country == "IN") & late
    s, mix = SCEN["india_pre_2016_09_25"], SCEN["mix_2016"]
    base_ads = _field(small_people, mix, "phone_number")
    assert (india_old & base_ads).any() and (india_late & base_ads).any()
    for f in ("phone_number", "device_id", "os", "mcc", "registration_date"):
        assert not _field(small_people, s, f)[india_old].any()
    # information collected after the cutoff flows: when the person was last seen
    seen = small_people["whatsapp_last_seen_at"] >= pd.Timestamp("2016-09-25")
    seen_late = india_old & base_ads & seen.fillna(False).to_numpy(bool)
    assert seen_late.any()
    assert _field(small_people, s, "last_seen")[seen_late].all()
    # accounts registered after the cutoff, and other countries, share as in the 2016 mix
    cube, base = flow_cube(small_people, s), flow_cube(small_people, mix)
    assert (cube[~india_old] == base[~india_old]).all()
    # the lenient reading: values reported again after the cutoff flow, the registration date not
    lenient = SCEN["india_later_data_flows"]
    assert (_field(small_people, lenient, "phone_number") == base_ads).all()
    assert not _field(small_people, lenient, "registration_date")[india_old].any()
    # read before the order, nothing is blocked
    assert (flow_cube(small_people, s.replace(as_of="2016-09-20")) == base).all()


def test_policy_2021_keeps_2016_opt_outs(small_people):
    """Facebook said in 2021 it continued to honour the 2016 opt-out."""
    states = small_people["consent_state"].astype(str).to_numpy()
    country = small_people["country_code"].astype(str).to_numpy()
    pp = permitted_purposes(small_people, SCEN["policy_2021"])
    base = permitted_purposes(small_people, SCEN["mix_2016"])
    opted = np.isin(states, ["unticked_before_agreeing", "opted_out_in_window"])
    assert opted.any()
    assert not pp.loc[opted, ["ads", "suggestions"]].to_numpy().any()
    assert pp.loc[opted & (country != "GB"), "security"].all()
    assert not pp.loc[states == "left_whatsapp", P].to_numpy().any()
    outside = ~np.isin(country, ["DE", "GB", "ES"])
    assert pp.loc[outside, P].equals(base.loc[outside, P])
    assert not pp.loc[np.isin(country, ["DE", "ES"]), ["ads", "suggestions"]].to_numpy().any()
    assert not pp.loc[country == "GB", P].to_numpy().any()


def test_regimes_that_end_and_the_2021_hamburg_order(small_people):
    country = small_people["country_code"].astype(str).to_numpy()
    s = SCEN["germany_hamburg_2021"]
    on = permitted_purposes(small_people, s)
    p2021 = permitted_purposes(small_people, SCEN["policy_2021"])
    de = country == "DE"
    assert p2021.loc[de, "security"].any()
    assert not on.loc[de, P].to_numpy().any()
    assert on.loc[~de, P].equals(p2021.loc[~de, P])
    # the order was about Facebook's own purposes: processing for WhatsApp still reaches it
    reach = flow_cube(small_people, s, use="reach")
    assert reach[de & p2021["security"].to_numpy()][:, 0, P.index("security")].all()
    # after three months it lapsed
    assert permitted_purposes(small_people, s.replace(as_of="2021-09-01")).equals(p2021)


def test_cci_2024_bars_ads_in_india_until_the_stay(small_people):
    country = small_people["country_code"].astype(str).to_numpy()
    s = SCEN["india_cci_2024"]
    pp = permitted_purposes(small_people, s)
    p2021 = permitted_purposes(small_people, SCEN["policy_2021"])
    india = country == "IN"
    assert p2021.loc[india, "ads"].any() and not pp.loc[india, "ads"].any()
    assert pp.loc[india, "suggestions"].equals(p2021.loc[india, "suggestions"])
    assert pp.loc[~india, P].equals(p2021.loc[~india, P])
    assert permitted_purposes(small_people, s.replace(as_of="2025-02-01")).equals(p2021)


def test_processor_reading_of_the_partial_opt_out(small_people):
    own = SCEN["all_partial_opt_out"]
    proc = SCEN["all_partial_opt_out_processor"]
    assert own.with_processor_reading().regimes == proc.regimes
    states = effective_states(small_people, proc).astype(str).to_numpy()
    opted = np.isin(states, ["unticked_before_agreeing", "opted_out_in_window"])
    new = states == "new_user_no_choice"
    assert opted.any() and new.any()
    c_own = flow_cube(small_people, own)
    c_proc, r_proc = flow_cube(small_people, proc), flow_cube(small_people, proc, use="reach")
    # the opted-out still reach Facebook for security, but it is not Facebook's to use
    sec, shared = P.index("security"), slice(0, FIELDS.index("address_book"))
    assert c_own[opted][:, shared, sec].all() and r_proc[opted][:, shared, sec].all()
    assert not c_proc[opted].any()
    # people who had no choice are untouched
    assert (c_proc[new] == c_own[new]).all()
    # in the 2016 mix, an in-window opt-out shares as by default before the opt-out day
    mix = SCEN["mix_2016"].with_processor_reading()
    st = small_people["consent_state"].astype(str).to_numpy()
    window = np.flatnonzero(st == "opted_out_in_window")
    k = small_people["opt_out_day"].to_numpy()[window].astype(int)
    early = flow_cube(small_people, mix, day=0)[window][:, 0, sec]
    assert window.size and (early == (k > 0)).all()


def test_address_book_switch(small_people):
    assert not address_books_flow(SCEN["mix_2016"])
    assert not field_flows(small_people, SCEN["mix_2016"], "address_book").any()
    on = SCEN["mix_2016"].replace(address_books=True)
    assert address_books_flow(on)
    assert field_flows(small_people, on, "address_book").sum() > 0


def test_shared_fields_and_blocked_purposes(small_people):
    s = SCEN["no_opt_out"].replace(shared_fields=("os", "mcc"), blocked_purposes=("ads",))
    assert not field_flows(small_people, s, "phone_number").any()
    assert field_flows(small_people, s, "os").any()
    assert not permitted_purposes(small_people, s)["ads"].any()


@settings(max_examples=25, deadline=None)
@given(u1=st.floats(0.0, 1.0), u2=st.floats(0.0, 1.0), seed=st.integers(0, 2**32 - 1))
def test_opt_out_is_monotone_in_uptake(small_people, u1, u2, seed):
    lo, hi = sorted((u1, u2))
    base = SCEN["mix_2016"]
    s_lo, s_hi = base.with_uptake(lo), base.with_uptake(hi)
    opted = ("unticked_before_agreeing", "opted_out_in_window")
    out_lo = effective_states(small_people, s_lo, seed=seed).isin(opted).to_numpy()
    out_hi = effective_states(small_people, s_hi, seed=seed).isin(opted).to_numpy()
    assert not (out_lo & ~out_hi).any()
    for day in (None, 0, 15):
        ads_lo = permitted_purposes(small_people, s_lo, day=day, seed=seed)["ads"].to_numpy()
        ads_hi = permitted_purposes(small_people, s_hi, day=day, seed=seed)["ads"].to_numpy()
        assert not (ads_hi & ~ads_lo).any()


@settings(max_examples=20, deadline=None)
@given(
    u=st.floats(0.0, 1.0),
    seed=st.integers(0, 2**32 - 1),
    day=st.one_of(st.none(), st.integers(0, 40)),
)
def test_partial_opt_out_never_allows_more_than_no_opt_out(small_people, u, seed, day):
    full = flow_cube(small_people, SCEN["no_opt_out"], day=day, seed=seed)
    for s in (SCEN["all_partial_opt_out"], SCEN["mix_2016"].with_uptake(u), SCEN["all_leave"]):
        cube = flow_cube(small_people, s, day=day, seed=seed)
        assert not (cube & ~full).any()


def test_uptake_share_is_roughly_the_parameter(small_people):
    stayers = (
        small_people["consent_state"]
        .isin(["kept_default", "unticked_before_agreeing", "opted_out_in_window"])
        .to_numpy()
    )
    st_ = (
        effective_states(small_people, SCEN["mix_2016"].with_uptake(0.25), seed=3)
        .astype(str)
        .to_numpy()
    )
    share = np.isin(st_[stayers], ["unticked_before_agreeing", "opted_out_in_window"]).mean()
    assert 0.2 < share < 0.3


# --- scenario files ------------------------------------------------------------------
GOOD = """
name = "my_scenario"
title = "Mine"
description = "A researcher's own scenario."
consent = "uptake"
opt_out_uptake_share = 0.2
blocked_purposes = ["ads"]
[[regimes]]
regime = "eu_paused"
countries = ["ES"]
"""


def test_custom_scenario_file_loads_and_round_trips(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(GOOD)
    s = load_scenario(path)
    assert s.name == "my_scenario" and s.opt_out_uptake_share == 0.2
    assert s.regimes[0].countries == ("ES",)
    assert Scenario.from_toml_text(s.to_toml_text()) == s
    for b in SCEN.values():
        assert Scenario.from_toml_text(b.to_toml_text()) == b


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('title = "x"', "missing required key 'name'"),
        ('name = "x"\ncolour = "red"', r"unknown key\(s\) \['colour'\]; allowed keys are"),
        ('name = "x"\nconsent = "maybe"', "consent = 'maybe' is not allowed: must be one of"),
        (
            'name = "x"\nopt_out_uptake_share = "five"',
            "opt_out_uptake_share = 'five' is not allowed",
        ),
        ('name = "x"\nopt_out_uptake_share = 1.5', "opt_out_uptake_share = 1.5 is not allowed"),
        (
            'name = "x"\nkeep_leavers = "yes"',
            "keep_leavers = 'yes' is not allowed: must be true or false",
        ),
        ('name = "x"\nblocked_purposes = ["marketing"]', r"unknown purpose\(s\) \['marketing'\]"),
        ('name = "x"\nshared_fields = ["contacts"]', r"unknown field\(s\) \['contacts'\]"),
        ('name = "x"\n[remap_states]\nkept_default = "happy"', "unknown consent state 'happy'"),
        ('name = "x"\n[[regimes]]\nregime = "gdpr"', "unknown regime state 'gdpr'"),
        (
            'name = "x"\n[[regimes]]\nregime = "eu_paused"\ncountries = ["FR"]',
            r"unknown country code\(s\) \['FR'\]",
        ),
        (
            'name = "x"\n[[regimes]]\nregime = "eu_paused"\ncolour = 1',
            r"unknown key\(s\) \['colour'\] in \[\[regimes\]\]",
        ),
        ('name = "x"\nas_of = "next week"', "as_of = 'next week' is not allowed: must be a date"),
        ('name = "Bad Name"', "name = 'Bad Name' is not allowed"),
        ("name = 3", "name = 3 is not allowed"),
        ('name = "x"\nseed = true', "seed = True is not allowed"),
        ("name = ", "not valid TOML"),
    ],
)
def test_bad_scenario_files_get_clear_errors(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ScenarioError, match=message) as info:
        load_scenario(path)
    assert str(path) in str(info.value)


def test_missing_scenario_file(tmp_path):
    with pytest.raises(ScenarioError, match="scenario file not found"):
        load_scenario(tmp_path / "nope.toml")


def test_processor_cells_reach_facebook_but_are_not_its_own_to_use(small_people, tmp_path):
    """A ``processor`` cell counts for ``use="reach"`` and not for ``use="own"``."""
    from analysis.policy import flows

    text = flows.FLOW_TABLE_PATH.read_text()
    target = "consent,kept_default,device_id,yes,"
    assert target in text
    edited = tmp_path / "policy_flows.csv"
    edited.write_text(text.replace(target, "consent,kept_default,device_id,processor,", 1))
    flows.load_flow_table.cache_clear()
    flows._layer_cube.cache_clear()
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(flows, "FLOW_TABLE_PATH", edited)
            reach = flow_cube(small_people, SCEN["no_opt_out"], use="reach")
            own = flow_cube(small_people, SCEN["no_opt_out"], use="own")
    finally:
        flows.load_flow_table.cache_clear()
        flows._layer_cube.cache_clear()
    kept = (effective_states(small_people, SCEN["no_opt_out"]) == "kept_default").to_numpy()
    dev, infra = FIELDS.index("device_id"), P.index("infrastructure")
    assert kept.any() and reach[kept, dev, infra].all() and not own[kept, dev, infra].any()
    # every other cell is unchanged, and own use never exceeds reach
    other = np.ones(reach.shape, dtype=bool)
    other[kept, dev, infra] = False
    assert (reach[other] == own[other]).all() and not (own & ~reach).any()
    default = flow_cube(small_people, SCEN["no_opt_out"])
    assert (default[other] == own[other]).all()
    with pytest.raises(ValueError, match="use = 'some'"):
        flow_cube(small_people, SCEN["no_opt_out"], use="some")
