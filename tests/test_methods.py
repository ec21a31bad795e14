"""Tests of the generated methods documentation (analysis.results.methods)."""

from __future__ import annotations

import dataclasses

from analysis import results
from analysis.policy import PURPOSES, builtin_scenarios


def test_parameter_table_covers_every_parameter_of_every_class():
    table = results.parameter_table()
    expected = {
        (cls.section, f.name)
        for cls in results.parameter_classes()
        for f in dataclasses.fields(cls)
        if f.metadata
    }
    got = set(zip(table["section"], table["parameter"], strict=True))
    assert got == expected
    assert not table["source"].str.strip().eq("").any()
    assert {"population", "social", "linking", "exposure", "ads"} <= set(table["section"])


def test_parameters_by_section_splits_without_loss():
    parts = results.parameters_by_section()
    assert sum(len(p) for p in parts.values()) == len(results.parameter_table())
    assert all("section" not in p.columns for p in parts.values())
    assert next(iter(parts)) == "population"


def test_data_flow_table_has_every_purpose_and_known_values():
    flows = results.data_flow_table()
    assert list(flows.columns) == ["state", *PURPOSES]
    assert set(flows[list(PURPOSES)].to_numpy().ravel()) <= {"yes", "no", "some fields"}
    kept = flows.set_index("state").loc["kept_default"]
    assert (kept == "yes").all()
    assert (flows.set_index("state").loc["left_whatsapp"] == "no").all()


def test_scenario_overview_matches_builtins():
    overview = results.scenario_overview()
    assert overview["scenario"].tolist() == list(builtin_scenarios())
    assert overview["title"].str.len().gt(0).all()


def test_mechanism_table_and_notebook_parameters():
    mech = results.mechanism_table()
    assert mech["whatsapp_fields_needed"].str.len().gt(0).all()
    nbp = results.notebook_parameters()
    assert {"notebook", "parameter", "default"} == set(nbp.columns)
    assert nbp["notebook"].str.match(r"^\d\d-").all()
