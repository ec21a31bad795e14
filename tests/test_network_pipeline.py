"""Bring your own network (issue 15): the loader's fast path, node order, attaching people,
the whole pipeline on a loaded edge list with the file's labels in the outputs, personas."""

from __future__ import annotations

import gzip

import numpy as np
import pandas as pd
import pytest

from analysis import cli, results, world
from analysis.linking import run_seeds
from analysis.policy import builtin_scenarios
from analysis.world import (
    EdgeListError,
    SocialParams,
    WorldParams,
    build_social_world_from_edges,
    load_edge_list,
    node_order,
)


def _caveman(tmp_path, offset=1000, cliques=12, size=20, name="g.txt"):
    """A ring of cliques with non-contiguous labels (offset + 7 * i), shuffled, SNAP-style."""
    rng = np.random.default_rng(0)
    groups = [np.arange(k * size, (k + 1) * size) for k in range(cliques)]
    pairs = {(int(i), int(j)) for g in groups for i in g for j in g if i < j}
    pairs |= {(int(g[0]), int(groups[(k + 1) % cliques][1])) for k, g in enumerate(groups)}
    lines = [f"{offset + 7 * i}\t{offset + 7 * j}" for i, j in sorted(pairs)]
    rng.shuffle(lines)
    path = tmp_path / name
    path.write_text("# Undirected graph\n# FromNodeId\tToNodeId\n" + "\n".join(lines) + "\n")
    return path, len(pairs)


def test_fast_path_matches_the_text_path_and_reads_gzip(tmp_path):
    path, m = _caveman(tmp_path)
    fast = load_edge_list(path)
    assert fast["node_a"].dtype == np.int64 and len(fast) == m
    text = path.read_text()
    gz = tmp_path / "g.txt.gz"
    gz.write_bytes(gzip.compress(text.encode()))
    pd.testing.assert_frame_equal(load_edge_list(gz), fast)
    # the same edges with text labels take the text path
    words = tmp_path / "w.txt"
    words.write_text(text.replace("\t", "\tx").replace("\n1", "\nx1"))
    assert isinstance(load_edge_list(words)["node_a"].dtype, pd.StringDtype)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("1 2\n007 3\n", "string"),
        ("+1 2\n", "string"),
        ("1 2\n7 3\n", "int64"),
        ("-4 2\n", "int64"),
    ],
)
def test_only_canonical_integers_become_numbers(tmp_path, text, kind):
    path = tmp_path / "g.txt"
    path.write_text(text)
    dtype = load_edge_list(path)["node_a"].dtype
    assert (dtype == np.int64) if kind == "int64" else isinstance(dtype, pd.StringDtype)


def test_gzip_errors_keep_their_line_numbers(tmp_path):
    bad = tmp_path / "bad.txt.gz"
    bad.write_bytes(gzip.compress(b"# c\n1 2\n2 3\n3 2\n"))
    with pytest.raises(EdgeListError, match=r"bad.txt.gz, line 4: duplicate edge '3 2'"):
        load_edge_list(bad)
    broken = tmp_path / "broken.txt.gz"
    broken.write_bytes(b"\x1f\x8bnot gzip at all")
    with pytest.raises(EdgeListError, match="not a readable gzip file"):
        load_edge_list(broken)


def test_person_k_sits_on_the_kth_label_and_adjacency_rows_agree(tmp_path):
    from analysis.effects.suggest import frame_to_adjacency

    path, _ = _caveman(tmp_path)
    edges = load_edge_list(path)
    w = build_social_world_from_edges(edges, SocialParams(seed=3), address_books=False)
    labels = node_order(edges)
    assert w.node_labels.tolist() == labels.tolist() == sorted(labels.tolist())
    adj, rows = frame_to_adjacency(edges)
    assert rows.tolist() == labels.tolist()
    np.testing.assert_array_equal((adj != w.tie_matrix()).nnz, 0)


def test_attach_modes_differ_in_same_country_ties_and_are_validated(tmp_path):
    path, _ = _caveman(tmp_path, cliques=40)
    edges = load_edge_list(path)
    effect = world.attachment_effect(edges, [1, 2]).set_index("attach_people")
    community = effect.loc["by_community", "same_country_tie_share"]
    random = effect.loc["at_random", "same_country_tie_share"]
    pairs = effect.loc["at_random", "same_country_pair_share"]
    assert community > 0.8 and abs(random - pairs) < 0.05 and community > random + 0.4
    with pytest.raises(Exception, match="attach_people"):
        SocialParams(attach_people="by_country")


def test_structure_report_of_a_loaded_network_says_targets_do_not_apply(tmp_path):
    path, _ = _caveman(tmp_path)
    loaded = build_social_world_from_edges(path, SocialParams(seed=1), address_books=False)
    rep = world.structure_report(loaded)
    assert not rep["target_applies"].any() and rep["target"].isna().all()
    assert "does not apply" in rep.loc[0, "note"] and rep.loc[0, "achieved"] == 19  # clique of 20
    generated = results.build_world(WorldParams(n_people=400, seed=1))
    gen = world.structure_report(generated)
    assert gen.loc[0, "target_applies"] and gen.loc[0, "note"] == ""


def test_whole_pipeline_on_a_loaded_edge_list_carries_the_files_labels(tmp_path):
    path, m = _caveman(tmp_path)
    out = tmp_path / "run"
    code = cli.main(["run", "mix_2016", "--edges", str(path), "--out", str(out), "--no-progress"])
    assert code == 0
    file_labels = set(node_order(load_edge_list(path)).tolist())
    links = pd.read_parquet(out / "tables" / "links.parquet")
    assert set(links["node_label"]) <= file_labels and len(links) > 0
    assert (links["node_label"] == 1000 + 7 * links["person_id"]).all()
    sugg = pd.read_parquet(out / "tables" / "whatsapp_only_suggestions.parquet")
    assert set(sugg["suggested_node_label"]) <= file_labels
    assert (sugg["suggested_node_label"] == 1000 + 7 * sugg["suggested_person_id"]).all()
    assert f"edge_count = {m}" in (out / "network.toml").read_text()
    # the headlines, linking runs and exposure take the same network
    long = results.headline_over_seeds([1, 2], edges=load_edge_list(path), parts=["linking"])
    assert set(long["seed"]) == {1, 2} and long["value"].notna().any()
    mix = builtin_scenarios()["mix_2016"]
    runs = run_seeds({"mix_2016": mix}, [1], edges=load_edge_list(path), curve_scenarios=())
    assert not runs["tiers"].empty


def test_run_edges_flags_are_checked(tmp_path, capsys):
    path, _ = _caveman(tmp_path)
    assert cli.main(["run", "mix_2016", "--edges", str(path), "--n-people", "500"]) == 2
    assert "--n-people and --edges" in capsys.readouterr().err
    assert cli.main(["run", "mix_2016", "--weighted"]) == 2
    assert cli.main(["run", "mix_2016", "--edges", str(tmp_path / "none.txt")]) == 2
    assert "file not found" in capsys.readouterr().err


def test_bundled_network_is_the_karate_club():
    import networkx as nx

    edges = world.bundled_network()
    g = nx.karate_club_graph()
    assert {frozenset(e) for e in edges.itertuples(index=False)} == {
        frozenset(e) for e in g.edges()
    }
    assert "Zachary" in edges.attrs["source"]


@pytest.fixture(scope="module")
def facts():
    return results.persona_facts_over_seeds(
        [1, 2], WorldParams(n_people=800, opt_out_uptake_share=0.25), left_on_days=(20,)
    )


def test_persona_facts_agree_with_the_link_table_and_exposure(facts):
    f = facts[None]
    assert set(f["seed"]) == {1, 2}
    never = f[f["choice"] == "never_whatsapp"]
    assert not never[["is_reached", "is_joined_for_own_use", "is_usable_for_ads"]].any().any()
    unticked = f[f["choice"] == "unticked_before_agreeing"]
    assert not unticked["is_usable_for_ads"].any()  # the partial opt-out stops ads (d)
    assert (f["is_suggested"] == (f["suggested_to_count"] > 0)).all()
    assert not f.loc[~f["has_facebook_account"], "is_ad_reachable"].any()
    assert (f["is_ad_reachable"] >= f["is_ad_reachable_without_whatsapp"]).all()
    left = facts[20]
    cohort = left[left["is_in_cohort"]]
    assert len(cohort) > 0 and set(cohort["choice"]) <= {
        "kept_default",
        "unticked_before_agreeing",
        "opted_out_in_window",
    }


def test_persona_summary_counts_what_it_says(facts):
    s = results.Situation(has_facebook_account=True, choice="kept_default")
    summary = results.persona_summary({"p": s}, facts).set_index("measure")
    f = facts[None]
    who = f[f["has_facebook_account"] & (f["choice"] == "kept_default")]
    assert summary.loc["is_usable_for_ads", "people_count"] == len(who)
    assert summary.loc["is_usable_for_ads", "value"] == pytest.approx(
        who["is_usable_for_ads"].mean()
    )
    per_world = who.groupby("seed")["is_usable_for_ads"].mean()
    assert summary.loc["is_usable_for_ads", "range_low"] == pytest.approx(per_world.min())
    nobody = results.Situation(country_code="IN", choice="never_whatsapp", min_held_books=10_000)
    assert results.persona_summary({"x": nobody}, facts).empty
    table = results.persona_table(results.persona_summary(facts=facts))
    assert len(table) == len(results.PERSONAS)


def test_situation_is_validated():
    with pytest.raises(ValueError, match="choice"):
        results.Situation(choice="maybe")
    with pytest.raises(ValueError, match="left_on_day"):
        results.Situation(choice="never_whatsapp", left_on_day=3)
    with pytest.raises(ValueError, match="country_code"):
        results.Situation(country_code="XX")
