"""Tests of analysis.results: headline metrics, intervals, sentences, sensitivity, conclusions."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from analysis import core, report
from analysis import results as f
from analysis.results import headlines
from analysis.world import WorldParams

TINY = WorldParams(n_people=300)
LINK_ONLY = ("linking",)


@pytest.fixture(scope="module")
def long():
    return f.headline_over_seeds([1, 2, 3], TINY)


@pytest.fixture(scope="module")
def summary(long):
    return f.summarise(long)


def _summary_from(values: dict) -> pd.DataFrame:
    """A hand-built summary: every sentence metric with a chosen mean and +-0.02 interval."""
    rows = []
    for pairs in f.SENTENCE_NUMBERS.values():
        for metric, scen in pairs:
            m = values.get((metric, scen), 0.5)
            rows.append(
                {
                    "metric": metric,
                    "scenario": scen,
                    "mean": m,
                    "seed_count": 10,
                    "low": m - 0.02,
                    "high": m + 0.02,
                }
            )
    return pd.DataFrame(rows).drop_duplicates(["metric", "scenario"])


def test_headline_metrics_shape_and_ranges(long):
    one = long[long["seed"] == 1]
    keys = set(zip(one["metric"], one["scenario"], strict=True))
    for scen in f.LINK_SCENARIOS:
        for tier in ("reached", "own_join", "suggestions_join", "ads_join"):
            assert (f"{tier}_share", scen) in keys
    for scen in f.TIME_SCENARIOS:
        assert ("held_ads_join_share", scen) in keys
    assert ("whatsapp_only_suggestion_share", f.MIX) in keys
    assert ("ad_extra_match_share", f.MIX) in keys
    for g in ("opted_out", "left", "never_whatsapp"):
        assert (f"{g}_suggested_share", f.MIX) in keys and (f"{g}_people_count", f.MIX) in keys
    assert len(keys) == len(one)  # one row per metric and scenario
    assert set(one["metric"]) <= set(f.METRICS)  # every metric says what it counts
    shares = one[one["metric"].map(lambda m: f.METRICS[m].unit == "share")]["value"].dropna()
    assert ((shares >= 0) & (shares <= 1)).all()
    v = one.set_index(["metric", "scenario"])["value"]
    # the tiers nest: (d), (c) within (b) within (a)
    for scen in f.LINK_SCENARIOS:
        assert v[("ads_join_share", scen)] <= v[("own_join_share", scen)] + 1e-12
        assert v[("suggestions_join_share", scen)] <= v[("own_join_share", scen)] + 1e-12
        assert v[("own_join_share", scen)] <= v[("reached_share", scen)] + 1e-12
    # what was received stays: leaving after sharing keeps at least what flows after leaving
    assert v[("held_ads_join_share", "accepted_then_left")] >= v[("ads_join_share", "all_leave")]
    # the extra match is the difference of the two match shares
    assert v[("ad_extra_match_share", f.MIX)] == pytest.approx(
        v[("ad_match_share", f.MIX)] - v[("ad_match_without_whatsapp_share", f.MIX)]
    )


def test_deterministic_and_seed_dependent():
    headlines._world.cache_clear()
    a = f.headline_metrics(TINY, seed=7, parts=LINK_ONLY)
    headlines._world.cache_clear()
    b = f.headline_metrics(TINY, seed=7, parts=LINK_ONLY)
    pd.testing.assert_frame_equal(a, b)
    c = f.headline_metrics(TINY, seed=8, parts=LINK_ONLY)
    assert not np.allclose(a["value"].fillna(-1), c["value"].fillna(-1))


def test_a_built_world_gives_the_generated_answer():
    from analysis.world import SocialParams

    world = f.build_world(WorldParams(n_people=300, seed=5), SocialParams(seed=5))
    given = f.headline_metrics(world, seed=5, parts=("linking", "exposure"))
    made = f.headline_metrics(TINY, seed=5, parts=("linking", "exposure"))
    pd.testing.assert_frame_equal(given, made)
    with pytest.raises(TypeError, match="world must be WorldParams"):
        f.headline_metrics("a world", seed=5)
    with pytest.raises(TypeError, match="one world per seed"):
        f.headline_over_seeds([1], world)


def test_headlines_run_on_a_loaded_edge_list(tmp_path):
    from analysis.world import build_social_world_from_edges

    path = tmp_path / "ring.txt"
    n = 120
    edges = [(i, (i + d) % n) for i in range(n) for d in (1, 2, 3, 5)]
    path.write_text("# a ring with chords\n" + "".join(f"{a}\t{b}\n" for a, b in edges))
    from analysis.world import SocialParams

    world = build_social_world_from_edges(path, SocialParams(seed=3))
    m = f.headline_metrics(world, seed=3, parts=("linking", "suggestions", "exposure"))
    v = m.set_index(["metric", "scenario"])["value"]
    assert 0 < v[("reached_share", f.MIX)] <= 1
    assert v[("own_join_share", "all_leave")] == 0


def test_parts_subset_and_bad_input():
    only = f.headline_metrics(TINY, seed=1, parts=LINK_ONLY)
    assert set(only["metric"]) == {
        "reached_share",
        "own_join_share",
        "suggestions_join_share",
        "ads_join_share",
        "ads_join_no_choice_share",
    }
    with pytest.raises(ValueError, match="parts"):
        f.headline_metrics(TINY, seed=1, parts=("linking", "nope"))
    with pytest.raises(ValueError, match="seed"):
        f.headline_metrics(TINY, seed=-1)
    with pytest.raises(ValueError, match="not a headline scenario"):
        f.headline_metrics(TINY, seed=1, scenarios={"eu_pause": None})
    with pytest.raises(ValueError, match="not explored"):
        f.sensitivity("n_people", seeds=[1], world=TINY)
    with pytest.raises(ValueError, match="missing column"):
        f.summarise(pd.DataFrame({"seed": [1], "value": [0.1]}))


def test_exposure_rows_match_the_per_person_table():
    from analysis.effects import exposure
    from analysis.policy import builtin_scenarios
    from analysis.world import SocialParams

    world = f.build_world(WorldParams(n_people=600, seed=3), SocialParams(seed=3))
    mix = builtin_scenarios()["mix_2016"].with_uptake(0.3)
    m = f.headline_metrics(world, seed=3, parts=("exposure",), scenarios={"mix_2016": mix})
    v = m.set_index("metric")["value"]
    _, res = exposure.compare_scenarios(world, {"mix_2016": mix}, seed=3)
    per = exposure.person_exposure(world, res["mix_2016"], mix, seed=3)
    opted = per[per["exposure_group"] == "opted_out"]
    members = opted[opted["has_facebook_account"]]
    assert v["opted_out_member_count"] == len(members) > 0
    assert v["opted_out_people_count"] == len(opted)
    assert v["opted_out_suggested_share"] == pytest.approx((opted["suggested_count"] > 0).mean())
    assert v["opted_out_suggested_member_share"] == pytest.approx(
        (members["suggested_count"] > 0).mean()
    )
    assert v["opted_out_tie_known_share"] == pytest.approx((opted["tie_known_count"] > 0).mean())


def test_summary_intervals_contain_mean(summary):
    ok = summary.dropna(subset=["mean"])
    assert (ok["low"] <= ok["mean"] + 1e-12).all()
    assert (ok["mean"] <= ok["high"] + 1e-12).all()
    # a share with an empty denominator in some world (no leaver in 300 people) has fewer
    assert ok["seed_count"].between(1, 3).all() and (ok["seed_count"] == 3).mean() > 0.8
    shares = ok[ok["metric"].map(lambda m: f.METRICS[m][1] == "share")]
    assert (shares["low"] >= 0).all() and (shares["high"] <= 1).all()


def test_summary_reuses_linking_interval():
    from analysis.core import mean_t_interval

    long = pd.DataFrame(
        {
            "seed": [1, 2, 3, 4],
            "metric": "linked_share",
            "scenario": "mix_2016",
            "value": [0.4, 0.5, 0.45, 0.55],
        }
    )
    a = f.summarise(long).iloc[0]
    b = mean_t_interval(long, ["metric", "scenario"], "value").iloc[0]
    assert a["low"] == pytest.approx(b["low"]) and a["high"] == pytest.approx(b["high"])
    assert a["low"] < a["mean"] < a["high"]


def test_sentences_contain_computed_numbers():
    s = _summary_from(
        {
            ("own_join_share", "all_partial_opt_out"): 0.6149,
            ("own_join_share", "no_opt_out"): 0.6420,
            ("reached_share", "all_leave"): 0.0,
            ("ad_extra_match_share", f.MIX): 0.0031,
        }
    )
    s.loc[(s["metric"] == "reached_share") & (s["scenario"] == "all_leave"), ["low", "high"]] = 0.0
    extra = (s["metric"] == "ad_extra_match_share") & (s["scenario"] == f.MIX)
    s.loc[extra, ["low", "high"]] = [0.0012, 0.0049]
    lines = f.sentences(s, n_people=2_000)
    text = " ".join(lines)
    assert "61% (95% interval 59-63%)" in text
    assert "64% (95% interval 62-66%)" in text
    assert "0 (in every seed)" in text and "0-0%" not in text
    # the first finding leads with what the partial opt-out changed and what it did not
    assert lines[1].startswith("What the 2016 partial opt-out changed") or lines[1].startswith(
        "The 2016 partial opt-out did not"
    )
    assert "did not change" in lines[1] and "tier b" in lines[1] and "tier d" in lines[1]
    assert "0.3% (95% interval 0.1-0.5%)" in text
    assert "2,000 people" in lines[0] and "10 synthetic worlds" in lines[0]
    # every headline sentence names its tier and its denominator
    for line in lines[1:]:
        assert "tier" in line or "(i" in line, line
    # a different computed value changes the sentence
    s2 = s.copy()
    s2.loc[
        (s2["metric"] == "own_join_share") & (s2["scenario"] == "all_partial_opt_out"), "mean"
    ] = 0.40
    assert "40% (95% interval" in " ".join(f.sentences(s2))


def test_findings_table_carries_tier_and_denominator(summary):
    table = f.findings_table(summary)
    quoted = table[table["metric"] != ""]
    assert (quoted["denominator"] != "").all() or (
        quoted.loc[quoted["denominator"] == "", "metric"].str.endswith("_count").all()
    )
    assert set(quoted["tier"]) >= {"(a)", "(b)", "(c)", "(d)"}


def test_sentences_from_a_real_run(summary):
    lines = f.sentences(summary)
    r = summary.set_index(["metric", "scenario"]).loc[("own_join_share", "no_opt_out")]
    assert core.fmt_estimate(r["mean"], r["low"], r["high"]) in " ".join(lines)
    first = lines[1]
    assert "partial opt-out" in first and "did not change" in first
    # no estimate quoted twice in one sentence ("74% (...) against 74% (...)")
    import re

    quoted = re.findall(r"\d[\d.]*% \(95% interval [^)]*\)", first)
    assert len(quoted) == len(set(quoted)), first
    assert len(lines) == 1 + len(f.SENTENCE_NUMBERS)
    table = f.findings_table(summary)
    assert set(table["sentence"]) == set(lines)
    html = f.key_findings_html(lines)
    assert html.startswith('<div class="key-findings">') and html.count("<li>") == len(lines)


def test_exposure_sentences_from_a_separate_run(summary):
    lines = f.sentences(summary, n_people=300, exposure=summary, exposure_n_people=900)
    assert "but those about exposure" in lines[0]
    assert any(t.startswith("Each exposure number below") and "900 people" in t for t in lines)


def test_sentences_skip_missing_parts():
    long = f.headline_over_seeds([1, 2], TINY, parts=LINK_ONLY)
    lines = f.sentences(f.summarise(long))
    assert len(lines) == 1 + 2  # opening + tiers, partial opt-out
    assert not any("customer lists" in t for t in lines)


def test_sensitivity_one_row_per_value_metric_scenario():
    values = (0.2, 0.8)
    sens = f.sensitivity(
        "facebook_phone_on_file_share", values, seeds=[1, 2], world=TINY, parts=LINK_ONLY
    )
    assert len(sens) == len(values) * 5 * len(f.LINK_SCENARIOS)
    assert not sens.duplicated(["parameter", "value", "metric", "scenario"]).any()
    assert set(sens["value"]) == set(values)
    assert not sens["is_default"].any()
    # ads_join_no_choice_share has no denominator when everyone left
    assert (sens.loc[sens["scenario"] != "all_leave", "seed_count"] == 2).all()


def test_sensitivity_reuses_baseline_and_address_books():
    base = f.headline_over_seeds([1, 2], TINY, parts=LINK_ONLY)
    sens = f.sensitivity("address_books", seeds=[1, 2], world=TINY, baseline=base, parts=LINK_ONLY)
    assert set(sens["value"]) == {0.0, 1.0}
    off = sens[sens["is_default"]].set_index(["metric", "scenario"])["mean"]
    expect = f.summarise(base).set_index(["metric", "scenario"])["mean"]
    pd.testing.assert_series_equal(off, expect, check_names=False)


def test_parameter_values_come_from_plausible_ranges():
    from analysis.world import SocialParams

    lo, hi = WorldParams.plausible_range("facebook_whatsapp_overlap")
    default = WorldParams().facebook_whatsapp_overlap
    assert f.parameter_values("facebook_whatsapp_overlap") == (lo, default, hi)
    lo, hi = SocialParams.plausible_range("uploads_contacts_to_facebook")
    vals = f.parameter_values("uploads_contacts_to_facebook")
    assert vals[0] == lo and vals[-1] == hi


def _hand_sens() -> pd.DataFrame:
    rows = []
    runs = [
        ("opt_out_uptake_share", 0.01),
        ("opt_out_uptake_share", 0.25),
        ("address_books", 0.0),
        ("address_books", 1.0),
    ]
    partial = [0.70, 0.30, 0.72, 0.71]
    none = [0.72, 0.72, 0.72, 0.72]
    sugg = [0.10, 0.12, 0.10, 0.30]
    for (p, v), a, b, c in zip(runs, partial, none, sugg, strict=True):
        rows += [
            {
                "parameter": p,
                "value": v,
                "metric": "own_join_share",
                "scenario": "all_partial_opt_out",
                "mean": a,
            },
            {
                "parameter": p,
                "value": v,
                "metric": "own_join_share",
                "scenario": "no_opt_out",
                "mean": b,
            },
            {
                "parameter": p,
                "value": v,
                "metric": "whatsapp_only_suggestion_share",
                "scenario": f.MIX,
                "mean": c,
            },
        ]
    return pd.DataFrame(rows)


def test_check_conclusions_on_hand_built_frame():
    sens = _hand_sens()
    concl = (
        f.Conclusion(
            "keeps",
            "partial keeps at least {at_least}",
            ("own_join_share", "all_partial_opt_out"),
            relative_to=("own_join_share", "no_opt_out"),
            at_least=0.5,
        ),
        f.Conclusion(
            "sugg",
            "suggestions at least {at_least}",
            ("whatsapp_only_suggestion_share", f.MIX),
            at_least=0.05,
        ),
        f.Conclusion("missing", "absent metric", ("no_such_metric", f.MIX), at_least=0.0),
    )
    out = f.check_conclusions(sens, concl).set_index("conclusion")
    assert "missing" not in out.index
    keeps = out.loc["keeps"]
    assert not keeps["holds"]
    assert keeps["run_count"] == 4 and keeps["holding_count"] == 3
    assert keeps["lowest"] == pytest.approx(0.30 / 0.72)
    assert "Opt-out uptake = 0.25" in keeps["lowest_run"]
    assert keeps["statement"].startswith("Does not hold in 1 of 4 runs")
    assert "42%" in keeps["statement"] and "50%" in keeps["statement"]
    sugg = out.loc["sugg"]
    assert sugg["holds"] and sugg["statement"].startswith("Holds in all 4 runs")
    assert "on" in sugg["highest_run"]  # the address-book switch is shown as on/off


def test_check_conclusions_at_most_and_bad_frame():
    sens = _hand_sens()
    c = f.Conclusion(
        "low", "at most {at_most}", ("whatsapp_only_suggestion_share", f.MIX), at_most=0.2
    )
    out = f.check_conclusions(sens, (c,)).iloc[0]
    assert out["holding_count"] == 3 and not out["holds"]
    with pytest.raises(ValueError, match="missing column"):
        f.check_conclusions(sens.drop(columns="mean"))


def test_convergence_reuses_known_sizes():
    known = f.headline_over_seeds([1, 2], TINY, parts=LINK_ONLY)
    conv = f.convergence([200, 300], seeds=[1, 2], known={300: known}, parts=LINK_ONLY)
    assert set(conv["n_people"]) == {200, 300}
    at300 = conv[conv["n_people"] == 300].set_index(["metric", "scenario"])["mean"]
    expect = f.summarise(known).set_index(["metric", "scenario"])["mean"]
    pd.testing.assert_series_equal(at300, expect, check_names=False)
    wide = f.convergence_table(conv, {("own_join_share", "no_opt_out"): "Joined"})
    assert list(wide.columns) == [200, 300]
    with pytest.raises(ValueError, match="sizes"):
        f.convergence([], seeds=[1])


def test_charts_return_figure_and_data(summary):
    fig, data = report.plot_linking(summary)
    assert len(data) == 4 * len(f.LINK_SCENARIOS)
    plt.close(fig)
    fig, data = report.plot_headlines(summary)
    assert len(data) == len(f.HEADLINES)
    plt.close(fig)
    sens = _hand_sens().assign(
        is_default=lambda d: d["value"].isin([0.0]), low=0.0, high=1.0, seed_count=2
    )
    fig, data = report.plot_tornado(sens)
    assert {"swing", "at_low_value", "at_high_value"} <= set(data.columns)
    assert len(data) == 2 * 2  # two headlines present x two parameters
    plt.close(fig)
    conv = summary.assign(n_people=300)
    fig, data = report.plot_convergence(
        pd.concat([conv, summary.assign(n_people=600)]), default_size=300
    )
    assert set(data["n_people"]) == {300, 600}
    plt.close(fig)


def test_headline_conclusions_render_verdicts(summary):
    lines = f.headline_conclusions(summary)
    assert lines and all(t.startswith(("Yes: ", "No: ")) for t in lines)
    s = _hand_sens()[lambda d: d["parameter"] == "address_books"][lambda d: d["value"] == 1.0]
    concl = (
        f.Conclusion(
            "keeps",
            "keeps at least {at_least}",
            ("own_join_share", "all_partial_opt_out"),
            relative_to=("own_join_share", "no_opt_out"),
            at_least=0.99,
        ),
    )
    assert f.headline_conclusions(s, concl) == ["No: keeps at least 99% (here 99%)."]
    assert f.headline_conclusions(s, ()) == []


def test_ads_rates_use_one_set_of_lists_for_both_assumptions():
    """Both ads assumptions are scored on the lists run_scenarios would make for the seed."""
    from analysis.effects import ads
    from analysis.policy import builtin_scenarios
    from analysis.world import SocialParams

    world = f.build_world(
        WorldParams(n_people=400, seed=4), SocialParams(seed=4), address_books=True
    )
    people = world.people
    scen = builtin_scenarios()[f.MIX].replace(address_books=True)
    ap = ads.AdsParams(n_businesses=4)
    with_data, numbers_only = headlines._ads_rates(people, world, ap, 4, scen)
    res = ads.run_scenarios(people, world, ap, seed=4, scenarios={f.MIX: scen})
    want = ads.overall_rates({"model": res}).iloc[0]
    assert with_data.drop("facebook_data").equals(want.drop("facebook_data"))
    # less data on Facebook's side can only lower the match without WhatsApp
    assert numbers_only["match_without_whatsapp_share"] <= with_data["match_without_whatsapp_share"]
    assert numbers_only["extra_match_share"] >= with_data["extra_match_share"]
