"""The record: every scenario and policy row cites a primary document; countries on one base."""

from __future__ import annotations

import tomllib

import numpy as np
import pandas as pd
import pytest

from analysis.core.paths import REFERENCE_DIR, SCENARIOS_DIR
from analysis.core.reference import ReferenceDataError, load
from analysis.policy import (
    BUILTIN_NAMES,
    PRIMARY_KINDS,
    PolicyTableError,
    ScenarioError,
    builtin_scenarios,
    citation_problems,
    decisions_table,
    load_flow_table,
    load_scenario,
    load_sources,
    primary_sources,
    source_ids,
)
from analysis.policy import flows as flows_module
from analysis.results import Pooled, pool_countries, pool_table, whatsapp_user_weights

SOURCES = load_sources()


def _primary(ids: str) -> bool:
    return any(SOURCES.at[i, "kind"] in PRIMARY_KINDS for i in source_ids(ids))


@pytest.mark.parametrize("path", sorted(SCENARIOS_DIR.glob("*.toml")), ids=lambda p: p.stem)
def test_every_scenario_file_cites_a_primary_source_in_sources_csv(path):
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    citations = raw.get("citations", [])
    assert citations, f"{path.name} cites nothing"
    for c in citations:
        assert c["source_id"] in SOURCES.index, c
        assert c.get("section", "").strip() and c.get("changed", "").strip(), c
    assert any(SOURCES.at[c["source_id"], "kind"] in PRIMARY_KINDS for c in citations)
    # and every regime it applies rests on cited rows of the policy table
    states = set(load_flow_table()["state"])
    assert {r["regime"] for r in raw.get("regimes", [])} <= states
    assert load_scenario(path).name in BUILTIN_NAMES


def test_every_policy_row_cites_a_primary_source_with_its_date_and_section():
    t = load_flow_table()
    for row in t.itertuples(index=False):
        assert citation_problems(row.source_id, context=row.source_section) == []
        assert _primary(row.source_id)
        assert row.source_date == SOURCES.at[source_ids(row.source_id)[0], "date"]
        assert row.source_section.strip() and row.source.strip()
        assert "data-flows.md" not in f"{row.source} {row.source_section}"


def _edited_table(tmp_path, old: str, new: str):
    text = flows_module.FLOW_TABLE_PATH.read_text()
    assert old in text
    path = tmp_path / "policy_flows.csv"
    path.write_text(text.replace(old, new, 1))
    return path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "yes,yes,yes,yes,yes,whatsapp_policy_2016;whatsapp_blog_2016,2016-08-25",
            "yes,yes,yes,yes,yes,pew_2019;ugander_2011,2019",
            r"line 2: none of \['pew_2019', 'ugander_2011'\] is a primary document",
        ),
        (
            "regime,hamburg_blocked,os,no,no,no,no,no,hamburg_order_2016;vg_hamburg_2017",
            "regime,hamburg_blocked,os,no,no,no,no,no,hamburg_2016",
            "'hamburg_2016' is not in sources.csv",
        ),
        (
            "by a regulator or court: the consent layer decides",
            "by a regulator or court (see data-flows.md)",
            r"cites the project's own notes \(data-flows.md\)",
        ),
        (
            "regime,cci_ads_barred,phone_number,yes,yes,yes,yes,no,cci_2024,2024-11-18",
            "regime,cci_ads_barred,phone_number,yes,yes,yes,yes,no,cci_2024,2024-11-19",
            r"source_date '2024-11-19' is not the date of 'cci_2024' \(2024-11-18\)",
        ),
    ],
)
def test_a_row_without_a_primary_source_is_refused(tmp_path, old, new, message):
    bad = _edited_table(tmp_path, old, new)
    with pytest.raises(PolicyTableError, match=message):
        load_flow_table(bad)


def test_a_row_citing_only_the_project_notes_is_refused(tmp_path):
    text = flows_module.FLOW_TABLE_PATH.read_text().splitlines()
    head, first = text[0], text[1].split(",")
    cols = head.split(",")
    first[cols.index("source_id")] = ""
    path = tmp_path / "policy_flows.csv"
    path.write_text("\n".join([head, ",".join(first), *text[2:]]) + "\n")
    with pytest.raises(PolicyTableError, match="line 2: no source_id given"):
        load_flow_table(path)


@pytest.mark.parametrize(
    ("citation", "message"),
    [
        ('source_id = "nobody_2016"', "'nobody_2016' is not in sources.csv"),
        ('source_id = "ugander_2011"', "'ugander_2011' is a study, not a primary document"),
        (
            'source_id = "delhi_hc_2016"\nchanged = "as in data-flows.md"',
            r"cites the project's own notes \(data-flows.md\)",
        ),
        ("section = 'p. 3'", "a \\[\\[citations\\]\\] entry needs 'source_id'"),
        (
            'source_id = "delhi_hc_2016"\npage = 3',
            r"unknown key\(s\) \['page'\] in \[\[citations\]\]",
        ),
    ],
)
def test_scenario_file_with_a_bad_citation_gets_a_clear_error(tmp_path, citation, message):
    path = tmp_path / "mine.toml"
    path.write_text(f'name = "mine"\n[[citations]]\n{citation}\n')
    with pytest.raises(ScenarioError, match=message) as info:
        load_scenario(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize(
    ("regime", "message"),
    [
        ('consent_states = ["happy"]', r"unknown consent state\(s\) \['happy'\]"),
        (
            'starts_on = "2021-05-10"\nends_on = "2021-01-01"',
            "ends_on = '2021-01-01' is before starts_on = '2021-05-10'",
        ),
        ('ends_on = "soon"', "regimes.ends_on = 'soon' is not allowed"),
    ],
)
def test_bad_regime_keys_get_clear_errors(tmp_path, regime, message):
    path = tmp_path / "mine.toml"
    path.write_text(f'name = "mine"\n[[regimes]]\nregime = "eu_paused"\n{regime}\n')
    with pytest.raises(ScenarioError, match=message):
        load_scenario(path)


def test_builtin_scenarios_need_citations_and_round_trip():
    for s in builtin_scenarios().values():
        assert s.citations and all(c.label() for c in s.citations)
        assert type(s).from_toml_text(s.to_toml_text()) == s


def test_sources_have_kinds_dates_and_the_record_is_there():
    assert set(SOURCES["kind"]) <= {*PRIMARY_KINDS, "study", "press"}
    needed = {
        "ec_m7217_2014": "decision",
        "ec_m8228_2017": "decision",
        "hamburg_order_2016": "order",
        "vg_hamburg_2017": "decision",
        "wp29_letter_2016": "letter",
        "ico_undertaking_2018": "undertaking",
        "cnil_2017": "order",
        "delhi_hc_2016": "order",
        "edpb_binding_2021": "decision",
        "irish_dpc_2021": "decision",
        "cci_2024": "order",
        "facebook_statement_2021": "statement",
        "cathcart_2021": "statement",
    }
    for sid, kind in needed.items():
        assert SOURCES.at[sid, "kind"] == kind
    p = primary_sources()
    assert list(p["date"]) == sorted(p["date"])
    assert set(p["kind"]) <= set(PRIMARY_KINDS) and len(p) >= len(needed)


def test_decisions_table_matches_sources_and_scenarios():
    d = decisions_table()
    assert d["decision_id"].is_unique
    for row in d.itertuples(index=False):
        assert SOURCES.at[row.source_id, "date"] == row.decided_on
        assert set(source_ids(row.scenario)) <= set(BUILTIN_NAMES)
        assert row.found_or_ordered.strip() and row.model_figure.strip()
    by_id = d.set_index("decision_id")
    assert "india_pre_2016_09_25" in by_id.at["delhi_hc_2016", "scenario"]
    assert by_id.at["edpb_binding_2021", "scenario"] == ""


def test_decisions_table_refuses_an_unknown_scenario(tmp_path, monkeypatch):
    import analysis.core.reference as ref

    for f in REFERENCE_DIR.glob("*.csv"):
        (tmp_path / f.name).write_text(f.read_text())
    text = (REFERENCE_DIR / "decisions.csv").read_text()
    (tmp_path / "decisions.csv").write_text(text.replace(",india_cci_2024,", ",india_2099,", 1))
    monkeypatch.setattr(ref, "REFERENCE_DIR", tmp_path)
    ref.load.cache_clear()
    try:
        with pytest.raises(ReferenceDataError, match=r"unknown scenario\(s\) \['india_2099'\]"):
            decisions_table()
    finally:
        ref.load.cache_clear()


# --- countries on one base ----------------------------------------------------------
def test_countries_are_on_one_base_with_the_sources_own_recorded():
    c = load("countries")
    assert (c["adoption_basis"] == "share of adults").all()
    for col in ("whatsapp_adoption_share", "facebook_adoption_share"):
        v = c[col].astype(float)
        assert ((v > 0) & (v <= 1)).all()
    for col in ("adoption_year", "whatsapp_source_figure", "facebook_source_figure", "conversion"):
        assert c[col].astype(str).str.strip().ne("").all(), col
    for ids in c["source_ids"]:
        assert set(source_ids(ids)) <= set(SOURCES.index)
    users = c["whatsapp_users_2016_count"].astype(float)
    adults = c["adults_2016_count"].astype(float)
    assert (users > 0).all() and (users < adults).all()
    assert set(c["whatsapp_users_2016_confidence"]) <= {"high", "med", "low"}
    # the bases the issue found mixed are converted, and say from what
    gb = c.set_index("country_code").loc["GB"]
    assert (
        "16-24" in gb["whatsapp_source_figure"]
        and "social media profile" in gb["facebook_source_figure"]
    )
    assert gb["facebook_adoption_share"] < 0.9


# --- pooling by 2016 WhatsApp users ----------------------------------------------------
def test_pool_countries_on_a_hand_computed_example(monkeypatch):
    import analysis.results.pooling as pooling

    fake = pd.DataFrame(
        {"country_code": ["AA", "BB", "CC"], pooling.WEIGHT_COLUMN: [300, 100, 600]}
    )
    monkeypatch.setattr(pooling, "load", lambda name: fake)
    # weights 0.3, 0.1, 0.6: 0.3 x 0.5 + 0.1 x 1.0 + 0.6 x 0.0 = 0.25
    p = pool_countries({"AA": 0.5, "BB": 1.0, "CC": 0.0})
    assert isinstance(p, Pooled)
    assert p.value == pytest.approx(0.25)
    assert p.weights.to_dict() == pytest.approx({"AA": 0.3, "BB": 0.1, "CC": 0.6})
    assert p.caption() == "weighted by 2016 WhatsApp users: CC 60%, AA 30%, BB 10%"
    # a subset is re-weighted among itself: 0.75 x 0.5 + 0.25 x 1.0
    assert pool_countries({"AA": 0.5, "BB": 1.0}).value == pytest.approx(0.625)
    t = pd.DataFrame(
        {
            "scenario": ["x", "x", "y", "y"],
            "country_code": ["AA", "CC", "AA", "CC"],
            "share": [1.0, 0.0, 0.2, 0.2],
        }
    )
    out = pool_table(t, "share", ["scenario"]).set_index("scenario")
    assert out.loc["x", "share"] == pytest.approx(1 / 3) and out.loc["y", "share"] == pytest.approx(
        0.2
    )
    assert out.loc["x", "weights"] == "weighted by 2016 WhatsApp users: CC 67%, AA 33%"
    with pytest.raises(ValueError, match=r"unknown country code\(s\) \['ZZ'\]"):
        pool_countries({"ZZ": 0.1})
    with pytest.raises(ValueError, match=r"values for \['AA'\] are missing or not finite"):
        pool_countries({"AA": np.nan, "BB": 0.1})
    with pytest.raises(ValueError, match="more than one row per"):
        pool_table(pd.concat([t, t]), "share", ["scenario"])


def test_real_weights_are_the_2016_user_counts():
    w = whatsapp_user_weights()
    c = load("countries").set_index("country_code")["whatsapp_users_2016_count"].astype(float)
    assert w.sum() == pytest.approx(1)
    assert w.to_dict() == pytest.approx((c / c.sum()).to_dict())
    assert w.idxmax() == "IN"


# --- the methods tables that list the record ------------------------------------------
def test_methods_list_every_primary_source_and_decision():
    from analysis import results

    table = results.primary_sources_table()
    assert set(table.index) == set(SOURCES.index[SOURCES["kind"].isin(PRIMARY_KINDS)])
    assert not table["used_in"].str.contains("listed only").any()
    assert len(results.decisions_overview()) == len(decisions_table())
    regimes = results.regime_flow_table().set_index("state")
    assert regimes.loc["uk_processor_only", "security"] == "processor"
    assert regimes.loc["delhi_pre_cutoff_held", "ads"] == "some fields"
    overview = results.scenario_overview()
    assert overview["based_on"].str.len().gt(0).all()
    inputs = results.country_inputs_table()
    assert inputs["whatsapp_users_2016_weight"].sum() == pytest.approx(1, abs=0.01)
