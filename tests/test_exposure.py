"""analysis.effects.exposure: scenario invariants, attribution, sensitive pairs, curves."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from analysis import policy, report
from analysis.core import ParameterError
from analysis.effects import exposure as ex
from analysis.effects.suggest import SuggestParams
from analysis.policy import builtin_scenarios, field_purposes
from analysis.world import SocialParams, WorldParams, build_social_world, generate_population


@pytest.fixture(scope="module")
def world():
    people = generate_population(WorldParams(n_people=1500, seed=3))
    return build_social_world(people, SocialParams(seed=3, median_ties=30))


@pytest.fixture(scope="module")
def scenarios():
    sc = builtin_scenarios()
    sc["mix_2016_books"] = sc["mix_2016"].replace(name="mix_2016_books", address_books=True)
    return sc


@pytest.fixture(scope="module")
def compared(world, scenarios):
    keep = [
        "before_change",
        "no_opt_out",
        "mix_2016",
        "all_leave",
        "all_partial_opt_out",
        "mix_2016_books",
    ]
    return ex.compare_scenarios(world, {k: scenarios[k] for k in keep})


def test_nothing_caused_before_the_change_or_when_everyone_leaves(compared):
    summary, results = compared
    for name in ("before_change", "all_leave"):
        r = results[name]
        assert not r.edges["is_whatsapp_caused"].any()
        assert r.whatsapp_only.empty
        pd.testing.assert_frame_equal(r.with_whatsapp, r.baseline)
    row = summary.set_index("scenario").loc["before_change"]
    assert row.whatsapp_only_count == 0 and row.whatsapp_caused_edge_count == 0


def test_caused_edges_only_use_permitted_peoples_data(world, scenarios, compared):
    _, results = compared
    for name, r in results.items():
        e = r.edges
        book_ok = field_purposes(world.people, scenarios[name], "address_book")[
            "suggestions"
        ].to_numpy(bool)
        num_ok = field_purposes(world.people, scenarios[name], "phone_number")[
            "suggestions"
        ].to_numpy(bool)
        o, t = e["owner_person_id"].to_numpy(), e["contact_person_id"].to_numpy()
        caused = e["is_whatsapp_caused"].to_numpy()
        own, con = e["is_owner_data_used"].to_numpy(), e["is_contact_data_used"].to_numpy()
        assert (own | con)[caused].all()  # every caused edge names whose data
        assert not (own | con)[~caused].any()
        assert book_ok[o[own]].all() and num_ok[t[con]].all()
        # a pair where neither side's data may be used for suggestions is never caused
        neither = ~(book_ok | num_ok)[o] & ~(book_ok | num_ok)[t]
        assert not (caused & neither).any(), name
        assert not e["is_baseline"].to_numpy()[caused].any()


def test_address_book_switch_and_opt_outs_change_what_is_caused(compared):
    summary, results = compared
    s = summary.set_index("scenario")
    assert s.loc["no_opt_out"].whatsapp_caused_edge_count > 0
    assert (
        s.loc["mix_2016_books"].whatsapp_caused_edge_count
        > s.loc["mix_2016"].whatsapp_caused_edge_count
    )
    assert (
        s.loc["all_partial_opt_out"].whatsapp_caused_edge_count
        < s.loc["mix_2016"].whatsapp_caused_edge_count
    )
    key = ["owner_person_id", "contact_person_id"]
    mix = results["mix_2016"].edges
    full = results["no_opt_out"].edges
    caused_mix = mix.loc[mix.is_whatsapp_caused, key]
    caused_full = full.loc[full.is_whatsapp_caused, key]
    assert len(caused_mix.merge(caused_full, on=key)) == len(caused_mix)  # monotone in consent


def test_suggestions_are_members_never_self_or_friends(world, compared):
    _, results = compared
    fb = world.facebook_matrix()
    member = world.people["is_facebook_user"].to_numpy(bool)
    for r in results.values():
        for frame in (r.baseline, r.with_whatsapp):
            u, v = frame["person_id"].to_numpy(), frame["suggested_person_id"].to_numpy()
            assert (u != v).all() and member[u].all() and member[v].all()
            assert np.asarray(fb[u, v]).ravel().sum() == 0
            assert frame.groupby("person_id").size().max() <= 10
        only = r.whatsapp_only
        merged = only.merge(r.baseline, on=["person_id", "suggested_person_id"], how="inner")
        assert merged.empty


def test_precision_and_sensitive_kinds_are_consistent(world, compared):
    summary, results = compared
    r = results["mix_2016_books"]
    only = r.whatsapp_only
    ties = world.tie_matrix()
    expect = (
        np.asarray(ties[only.person_id.to_numpy(), only.suggested_person_id.to_numpy()]).ravel() > 0
    )
    np.testing.assert_array_equal(only["is_real_tie"].to_numpy(), expect)
    row = summary.set_index("scenario").loc["mix_2016_books"]
    assert row.whatsapp_only_precision_share == pytest.approx(expect.mean())
    assert row.sensitive_count == int((only.sensitive_kind.astype(str) != "none").sum())
    counts = ex.sensitive_counts(results)
    assert set(counts.sensitive_kind) == set(ex.SENSITIVE_PAIR_KINDS)


def test_attribution_never_blames_an_opted_out_persons_own_data(world, compared):
    _, results = compared
    for name in ("mix_2016", "mix_2016_books", "all_partial_opt_out"):
        a = ex.attribute_suggestions(world, results[name])
        assert set(a["attribution"].astype(str)) <= set(ex.ATTRIBUTIONS)
        assert not (a["attribution"] == "own data").any()
        states = results[name].states.astype(str).to_numpy()
        assert np.isin(states[a["involved_person_id"].to_numpy()], ex.OPTED_OUT_STATES).all()
        only = results[name].whatsapp_only
        opted = np.isin(states, ex.OPTED_OUT_STATES)
        n_inv = int((opted[only.person_id] | opted[only.suggested_person_id]).sum())
        assert a[["person_id", "suggested_person_id"]].drop_duplicates().shape[0] == n_inv
    a = ex.attribute_suggestions(world, results["mix_2016_books"])
    assert (a["attribution"] == "a contact who kept the default").any()


def test_sensitive_pair_kinds_on_a_hand_built_world():
    # 0 clinician of 1 and 2; 3 sex worker with client 4; 5 journalist with source 6; 7-8 friends
    ties = pd.DataFrame(
        {
            "person_a_id": [0, 0, 3, 5, 7],
            "person_b_id": [1, 2, 4, 6, 8],
            "tie_kind": [
                "patient_clinician",
                "patient_clinician",
                "client_sex_worker",
                "source_journalist",
                "friend",
            ],
        }
    )
    w = SimpleNamespace(people=pd.DataFrame({"person_id": np.arange(9)}), ties=ties)
    got = (
        ex.sensitive_pair_kinds(w, [1, 2, 4, 6, 7, 1, 0], [2, 1, 3, 5, 8, 4, 1])
        .astype(str)
        .tolist()
    )
    assert got == [
        "co_patients",
        "co_patients",
        "client_sex_worker",
        "source_journalist",
        "none",
        "none",
        "patient_clinician",
    ]


def test_collective_exposure_curve(world, scenarios):
    uptakes = {f"u{u}": scenarios["mix_2016_books"].with_uptake(u) for u in (0.1, 0.6)}
    pp = ex.collective_exposure(world, uptakes, groups=("opted_out", "left"))
    assert set(pp.consent_state.astype(str)) <= set(ex.OPTED_OUT_STATES)
    assert pp.default_tie_share.between(0, 1).all()
    assert len(pp[pp.scenario == "u0.6"]) > len(pp[pp.scenario == "u0.1"])
    # only Facebook members can be suggested
    assert (pp.loc[~pp.has_facebook_account, "suggested_count"] == 0).all()
    curve = ex.exposure_curve(pp, bins=4)
    assert curve.person_count.sum() == len(pp)
    assert curve.member_count.sum() == int(pp.has_facebook_account.sum())
    for c in ("suggested_share", "tie_known_share", "number_attached_share"):
        assert curve[c].dropna().between(0, 1).all()
    before = ex.collective_exposure(world, {"before": scenarios["before_change"]})
    assert (before.suggested_count == 0).all()  # no WhatsApp data, no WhatsApp-only suggestion
    # (ii) and (iii) come from Facebook's own uploads: the same before the change
    assert before.tie_known_count.sum() > 0


def test_exposure_curve_bins_by_hand():
    pp = pd.DataFrame(
        {
            "person_id": np.arange(6),
            "default_tie_share": [0.0, 0.1, 0.5, 0.55, 0.99, 1.0],
            "has_facebook_account": [True, True, True, False, True, True],
            "suggested_count": [0, 0, 2, 0, 1, 3],
            "tie_known_count": [0, 1, 0, 0, 0, 1],
            "number_attached_count": [0, 0, 0, 0, 0, 0],
        }
    )
    c = ex.exposure_curve(pp, bins=2)
    assert c.person_count.tolist() == [2, 4] and c.member_count.tolist() == [2, 3]
    # the second bin's suggested share is over its three Facebook members: all suggested
    assert c.suggested_share.tolist() == [0.0, 1.0]
    assert c.tie_known_share.tolist() == [0.5, 0.25]
    with pytest.raises(ValueError, match="bins"):
        ex.exposure_curve(pp, bins=0)


def test_shadow_tie_auc_with_matched_negatives_is_deterministic(world):
    a = ex.shadow_tie_auc(world, [0.05, 1.0], [0, 1])
    for m in ex.NEGATIVE_MATCHES:
        assert a[f"auc_{m}"].between(0, 1).all()
        assert (a[f"negative_count_{m}"] > 0).all()
    by = a.groupby("disclosure_share")
    assert by.auc_same_country.mean()[1.0] > by.auc_same_country.mean()[0.05]
    assert by.shadow_profile_count.mean()[1.0] > by.shadow_profile_count.mean()[0.05]
    pd.testing.assert_frame_equal(a, ex.shadow_tie_auc(world, [0.05, 1.0], [0, 1]))
    with pytest.raises(ValueError, match="disclosure share"):
        ex.shadow_tie_auc(world, [0.0], [0])
    iv = ex.shadow_auc_table(a)
    assert (iv["low_same_city"] <= iv["mean_same_city"]).all()


def test_shadow_negatives_share_the_place_of_their_positive():
    """Every negative (u, w) is a non-tied shadow profile w in u's country (city)."""
    import scipy.sparse as sp

    from analysis.core.seeds import stream
    from analysis.effects.exposure.shadow import _matched_negatives

    ids = np.arange(10)
    place = np.array([0, 0, 0, 0, 1, 1, 1, 2, 2, 2])
    ties = sp.csr_matrix((np.ones(2), ([0, 1], [1, 0])), shape=(10, 10))
    pu = np.array([0, 4, 7, 0])
    a, b = _matched_negatives(stream(1, "t"), pu, ids, place, ties, 2.0)
    assert len(a) == 8 and (place[a] == place[b]).all() and (a != b).all()
    assert not (np.asarray(ties[a, b]).ravel() > 0).any()


def test_determinism_and_params(world, scenarios):
    a = ex.scenario_suggestions(world, scenarios["mix_2016"])
    b = ex.scenario_suggestions(world, scenarios["mix_2016"])
    pd.testing.assert_frame_equal(a.whatsapp_only, b.whatsapp_only)
    pd.testing.assert_frame_equal(a.edges, b.edges)
    with pytest.raises(ParameterError, match="method"):
        SuggestParams(method="jaccard")
    small = ex.scenario_suggestions(world, scenarios["mix_2016"], SuggestParams(k=3))
    assert small.with_whatsapp.groupby("person_id").size().max() <= 3


# --------------------------------------------------------------------------------------
# notebook helpers: tables and charts
# --------------------------------------------------------------------------------------
def _agg():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def test_scenario_label_uses_titles_and_marks_address_books(scenarios):
    assert policy.scenario_label(scenarios["all_partial_opt_out"]) == (
        scenarios["all_partial_opt_out"].title
    )
    assert "address books" in policy.scenario_label(scenarios["mix_2016_books"])
    assert policy.scenario_label(scenarios["mix_2016_books"]) != policy.scenario_label(
        scenarios["mix_2016"]
    )


def test_plot_new_suggestions_labels_scenarios_with_titles(compared, scenarios):
    plt = _agg()
    summary, _ = compared
    fig, data = report.plot_new_suggestions(summary, scenarios)
    assert isinstance(fig, plt.Figure) and len(data) == len(summary)
    assert list(data.columns) == [
        "scenario",
        "scenario_title",
        "whatsapp_only_share",
        "members_suggested_share",
    ]
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert ticks == data["scenario_title"].tolist()
    assert "all_partial_opt_out" not in ticks
    plt.close(fig)
    with pytest.raises(KeyError, match="not in scenarios"):
        report.plot_new_suggestions(summary, {})


def test_sensitive_table_and_chart(compared, scenarios):
    plt = _agg()
    _, results = compared
    sens = ex.sensitive_counts(results)
    keep = ["no_opt_out", "mix_2016", "mix_2016_books"]
    wide = ex.sensitive_table(sens, keep)
    assert list(wide.columns) == keep and len(wide) == len(ex.SENSITIVE_PAIR_KINDS)
    assert wide.to_numpy().sum() == sens[sens.scenario.isin(keep)]["suggestion_count"].sum()
    fig, data = report.plot_sensitive_ties(sens, scenarios, keep)
    assert isinstance(fig, plt.Figure) and not data.empty
    assert {"scenario", "scenario_title", "scope", "label", "suggestion_count"} <= set(data.columns)
    assert set(data["scenario"]) == set(keep)
    plt.close(fig)
    with pytest.raises(KeyError):
        ex.sensitive_table(sens, ["no_such_scenario"])


def test_attribution_table_counts_every_attributed_suggestion(world, compared):
    _, results = compared
    table = ex.attribution_table(world, results, ["mix_2016", "mix_2016_books"])
    n = sum(
        len(ex.attribute_suggestions(world, results[k])) for k in ("mix_2016", "mix_2016_books")
    )
    assert int(table.to_numpy().sum()) == n
    assert set(table.columns) <= set(ex.ATTRIBUTIONS)


def test_exposure_curves_and_chart(world, scenarios):
    plt = _agg()
    curve = ex.exposure_curves(world, scenarios, ["mix_2016"], (0.5,))
    assert not curve.empty and set(curve["setting"]) == {"mix_2016"}
    assert curve["suggested_share"].dropna().between(0, 1).all()
    fig, data = report.plot_exposure_curve(curve, scenarios)
    assert isinstance(fig, plt.Figure) and len(data) == len(curve)
    assert {"bin_mid", "suggested_share", "setting", "setting_title"} <= set(data.columns)
    assert (data["setting_title"] == scenarios["mix_2016"].title).all()
    plt.close(fig)


def test_shadow_auc_table_and_chart(world):
    plt = _agg()
    shadow = ex.shadow_tie_auc(world, (0.2, 1.0), (0, 1))
    table = ex.shadow_auc_table(shadow)
    assert table["disclosure_share"].tolist() == [0.2, 1.0]
    for col in ("mean_same_country", "low_same_city", "high_same_city"):
        assert col in table.columns
    assert (table["low_same_country"] <= table["mean_same_country"]).all()
    fig, data = report.plot_shadow_auc(table)
    assert isinstance(fig, plt.Figure) and len(data) == 2
    # no reference line from a different set-up: the two curves and "guessing" (0.5) only
    flat = [ln for ln in fig.axes[0].lines if len(set(np.asarray(ln.get_ydata()))) == 1]
    assert [float(ln.get_ydata()[0]) for ln in flat] == [0.5] and len(fig.axes[0].lines) == 3
    plt.close(fig)


def test_clinician_example_and_chart(world, compared):
    plt = _agg()
    _, results = compared
    candidates = ("mix_2016", "mix_2016_books")
    has_co = any(
        (results[c].whatsapp_only["sensitive_kind"] == "co_patients").any() for c in candidates
    )
    assert has_co, "the seeded test world is built to contain a co-patient suggestion"
    example = ex.clinician_example(world, results, candidates)
    assert example.scenario in candidates and example.suggestion_count >= 1
    pc = world.ties[world.ties["tie_kind"] == "patient_clinician"]
    assert set(example.patients) == set(pc.loc[pc.person_a_id == example.clinician, "person_b_id"])
    kinds = set(example.drawn["kind"])
    assert {"patient-clinician tie", "WhatsApp-only suggestion"} <= kinds
    nodes = {example.clinician, *example.patients.tolist()}
    assert set(example.drawn["a"]) | set(example.drawn["b"]) <= nodes
    fig, data = report.plot_clinician_example(example, seed=1)
    assert isinstance(fig, plt.Figure) and len(data) == len(example.drawn)
    assert list(data.columns) == ["a", "b", "kind", "ax_", "ay", "bx", "by"]
    plt.close(fig)
    with pytest.raises(KeyError):
        ex.clinician_example(world, results, ("nope",))


def test_shadow_tie_auc_on_a_loaded_edge_list():
    """The same measurement on a world built from an edge list (people attached to nodes)."""
    import networkx as nx

    from analysis.world import SocialParams, build_social_world_from_edges

    g = nx.powerlaw_cluster_graph(600, 12, 0.3, seed=4)
    edges = pd.DataFrame(list(g.edges()), columns=["node_a", "node_b"])
    loaded = build_social_world_from_edges(edges, SocialParams(seed=4))
    out = ex.shadow_tie_auc(loaded, (0.5, 1.0), (0, 1))
    assert (out["positive_count"] > 0).all()
    for m in ex.NEGATIVE_MATCHES:
        assert out[f"auc_{m}"].between(0, 1).all() and (out[f"negative_count_{m}"] > 0).all()


def test_shared_products_give_the_same_results_as_each_scenario_alone(world, scenarios):
    from analysis.effects.exposure.contacts import contact_edges
    from analysis.effects.exposure.suggestions import scenario_suggestions

    # india_later_data_flows sees the same edges as mix_2016: its ranking is reused
    names = ["mix_2016", "india_later_data_flows", "eu_pause", "all_leave"]
    summary, kept = ex.compare_scenarios(
        world, {k: scenarios[k] for k in names}, seed=4, keep=("mix_2016", "eu_pause")
    )
    assert list(summary["scenario"]) == names and set(kept) == {"mix_2016", "eu_pause"}
    for name in ("mix_2016", "eu_pause"):
        alone = scenario_suggestions(world, scenarios[name], seed=4)
        pd.testing.assert_frame_equal(kept[name].whatsapp_only, alone.whatsapp_only)
        pd.testing.assert_frame_equal(kept[name].with_whatsapp, alone.with_whatsapp)
        pd.testing.assert_frame_equal(kept[name].edges, alone.edges)
        assert len(alone.whatsapp_only) > 0
    # the universe-based contact edges equal a fresh computation per scenario
    pd.testing.assert_frame_equal(
        contact_edges(world, scenarios["eu_pause"], seed=4), kept["eu_pause"].edges
    )


def test_rankings_made_together_are_dropped_after_their_last_scenario(world, scenarios):
    """One pass ranks every distinct edge set; each ranking is held only while still needed."""
    from analysis.effects.exposure.suggestions import (
        SharedProducts,
        rank_together,
        scenario_suggestions,
    )

    names = ["mix_2016", "eu_pause", "india_later_data_flows", "all_leave"]
    chosen = {k: scenarios[k] for k in names}
    shared = SharedProducts(world)
    rank_together(world, chosen, None, 4, shared)
    # mix_2016 and india_later_data_flows see the same edges; all_leave adds none (so it is
    # counted, but not ranked: its ranking is Facebook's own)
    assert sorted(shared.uses.values()) == [1, 1, 2]
    # the pass ran (Facebook's own ranking is out); the two others are built when asked for
    assert len(shared.pending) == 2 and not shared.ahead and shared.baseline is not None
    held = []
    for name in names:
        r = scenario_suggestions(world, chosen[name], seed=4, shared=shared)
        alone = scenario_suggestions(world, chosen[name], seed=4)
        pd.testing.assert_frame_equal(r.with_whatsapp, alone.with_whatsapp)
        pd.testing.assert_frame_equal(r.baseline, alone.baseline)
        held.append(len(shared.ranked))
        assert not shared.ahead  # asked for in order: no table is built before it is needed
    assert held == [1, 1, 0, 0]  # mix_2016's ranking waits for india_later_data_flows only
    assert not shared.pending and shared.stream is None


def test_suggestions_from_a_universe_made_ahead_do_not_read_the_books(world, scenarios, compared):
    """``compare_scenarios(universe=...)`` on a world whose books were freed (as ``run`` does)."""
    import dataclasses

    from analysis.world.addressbook import empty_address_book

    keep = list(compared[0]["scenario"])
    universe = ex.contact_universe(world)
    bookless = dataclasses.replace(world, address_book=empty_address_book())
    summary, made = ex.compare_scenarios(
        bookless, {k: scenarios[k] for k in keep}, universe=universe
    )
    pd.testing.assert_frame_equal(summary, compared[0])
    for name in keep:
        pd.testing.assert_frame_equal(made[name].with_whatsapp, compared[1][name].with_whatsapp)
        pd.testing.assert_frame_equal(made[name].edges, compared[1][name].edges)
    # without the universe the bookless world loses its address-book edges (so the
    # equality above is the universe's doing, not books that were never used)
    _, alone = ex.compare_scenarios(bookless, {"mix_2016_books": scenarios["mix_2016_books"]})
    assert len(alone["mix_2016_books"].edges) < len(made["mix_2016_books"].edges)
