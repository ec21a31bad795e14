"""Results per country, weighted pooling, the publication threshold and the regulators table.

The per-country values are worked out by hand on the clinic world of ``handbuilt.py``,
with people 0-3 moved to the United States and 4-8 to Germany (their numbers and
everything else unchanged).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from handbuilt import clinic_world

from analysis import results
from analysis.policy import decisions_table

US, DE = [0, 1, 2, 3], [4, 5, 6, 7, 8]


@pytest.fixture(scope="module")
def world():
    w = clinic_world()
    codes = np.array(["US"] * 4 + ["DE"] * 5)
    w.people["country_code"] = pd.Categorical(codes, categories=["DE", "US"])
    return w


@pytest.fixture(scope="module")
def rows(world):
    return results.country_metrics(world, seed=1, parts=["linking", "suggestions", "exposure"])


def test_per_country_values_and_denominators_by_hand(rows):
    v = rows.set_index(["country", "scenario", "metric"])
    # WhatsApp users: US 0 1 2 (3 never used it), DE 4 5 6 7. Reached: 0 1 2 4 5 6 (7 left
    # before accepting); joined for own use 0 1 2 4 5 (6 has no Facebook account); usable
    # for suggestions and ads 0 1 4 5 (2 took the partial opt-out).
    expect = {
        ("US", "reached_share"): (1.0, 3),
        ("DE", "reached_share"): (3 / 4, 4),
        ("US", "own_join_share"): (1.0, 3),
        ("DE", "own_join_share"): (2 / 4, 4),
        ("US", "ads_join_share"): (2 / 3, 3),
        ("DE", "ads_join_share"): (2 / 4, 4),
        ("US", "suggestions_join_share"): (2 / 3, 3),
        # Facebook members: US 0 1 2 3, DE 4 5 7; everyone is suggested to someone else
        ("US", "members_suggested_share"): (1.0, 4),
        ("DE", "members_suggested_share"): (1.0, 3),
        # never used WhatsApp: 3 (US, a member, suggested; 4 holds a mistyped number of his)
        # and 8 (DE, no account, in 4's uploaded book: a shadow profile)
        ("US", "never_whatsapp_suggested_share"): (1.0, 1),
        ("DE", "never_whatsapp_suggested_share"): (0.0, 1),
        ("US", "never_whatsapp_number_attached_share"): (0.0, 1),
        ("DE", "never_whatsapp_number_attached_share"): (1.0, 1),
        # took the partial opt-out: 2 (US); left: 7 (DE), whose tie 4 uploaded
        ("US", "opted_out_suggested_share"): (1.0, 1),
        ("DE", "left_tie_known_share"): (1.0, 1),
    }
    for (country, metric), (value, n) in expect.items():
        r = v.loc[(country, "mix_2016", metric)]
        assert r["value"] == pytest.approx(value), (country, metric)
        assert r["denominator_count"] == n, (country, metric)
    # nobody took the partial opt-out in Germany: no share, a zero denominator
    r = v.loc[("DE", "mix_2016", "opted_out_suggested_share")]
    assert r["denominator_count"] == 0 and np.isnan(r["value"])
    # all leave: nothing reaches Facebook afterwards, in either country
    assert v.loc[("DE", "all_leave", "reached_share"), "value"] == 0.0


def test_per_country_counts_add_up_to_the_headline(world, rows):
    m = results.headline_metrics(world, seed=1, parts=["linking"])
    h = m.set_index(["metric", "scenario"])["value"]
    t = rows[rows["metric"] == "own_join_share"]
    for scen, part in t.groupby("scenario"):
        weighted = (part["value"] * part["denominator_count"]).sum() / part[
            "denominator_count"
        ].sum()
        assert weighted == pytest.approx(h[("own_join_share", scen)]), scen


def test_threshold_withholds_small_cells(rows):
    seeds = pd.concat([rows.assign(seed=1), rows.assign(seed=2)])
    t = results.country_table(seeds, min_denominator=7).set_index(["country", "scenario", "metric"])
    # DE ads: 4 WhatsApp users per world, 8 over two worlds: published
    de = t.loc[("DE", "mix_2016", "ads_join_share")]
    assert de["is_published"] and de["denominator_count"] == 8 and de["value_pct"] == 50.0
    assert de["shown"] == "50% (in every seed)"
    # US ads: 3 per world, 6 < 7: withheld
    us = t.loc[("US", "mix_2016", "ads_join_share")]
    assert not us["is_published"] and us["shown"] == results.TOO_FEW
    assert np.isnan(us["value_pct"]) and us["denominator_count"] == 6
    # a zero denominator is never published, whatever the threshold
    t0 = results.country_table(seeds, min_denominator=0).set_index(
        ["country", "scenario", "metric"]
    )
    assert t0.loc[("DE", "mix_2016", "opted_out_suggested_share"), "shown"] == results.TOO_FEW
    assert results.MIN_PUBLISHED_DENOMINATOR == 100
    assert (results.country_table(seeds)["shown"] == results.TOO_FEW).all()  # all below 100


def test_weighted_pooling_equals_the_hand_computed_mean():
    ref = pd.read_csv("data/reference/countries.csv").set_index("country_code")
    users = ref["whatsapp_users_2016_count"].astype(float)
    values = {"IN": 0.2, "BR": 0.4, "DE": 0.9, "US": 0.5}
    rows = pd.DataFrame(
        [
            {"seed": s, "country": c, "scenario": "mix_2016", "metric": "ads_join_share",
             "value": v + 0.01 * s, "denominator_count": 500}
            for s in (1, 2, 3)
            for c, v in values.items()
        ]
    )  # fmt: skip
    p = results.pooled_country_table(rows).iloc[0]
    # by hand: sum(users x value) / sum(users), averaged over the three seeds (+0.02 mean)
    w = users[list(values)]
    expect = sum(w[c] * v for c, v in values.items()) / w.sum() + 0.02
    assert p["value_pct"] == pytest.approx(100 * expect)
    assert p["country_count"] == 4
    assert p["weights"].startswith("pooled over 4 countries, weighted by 2016 WhatsApp users: IN ")
    # an unweighted mean would differ (India's 160 million dominate)
    assert abs(p["value_pct"] - 100 * (np.mean(list(values.values())) + 0.02)) > 5


def _tier_rows():
    """Per-country tier rows for every scenario of decisions.csv, two seeds, 200 users each."""
    from analysis.core.reference import known_country_codes
    from analysis.policy.record import source_ids

    scen = sorted({s for x in decisions_table()["scenario"] for s in source_ids(x)})
    rows = [
        {"seed": seed, "scenario": s, "country": c, "metric": m, "value": 0.3 + 0.1 * seed,
         "denominator_count": 200}
        for seed in (1, 2)
        for s in scen
        for c in known_country_codes()
        for m in ("reached_share", "own_join_share", "suggestions_join_share", "ads_join_share")
    ]  # fmt: skip
    return pd.DataFrame(rows)


def test_every_decision_has_a_model_figure_or_a_reason():
    decisions = decisions_table()
    t = results.regulators_table(_tier_rows())
    assert t["decision_id"].tolist() == decisions["decision_id"].tolist()
    for r in t.itertuples():
        assert r.model_figure, r.decision_id
        assert r.primary_source and r.decided_on and r.found_or_ordered
        if r.has_model_figure:
            assert "45% (" in r.model_figure, r.decision_id  # mean of 0.4 and 0.5
        else:
            assert "no " in r.model_figure or "not in these runs" in r.model_figure
    by = t.set_index("decision_id")
    # one figure per country of the decision, with its denominator
    assert "DE 45% (" in by.loc["hamburg_2016", "model_figure"]
    assert "of 400 WhatsApp users" in by.loc["hamburg_2016", "model_figure"]
    assert by.loc["hamburg_2016", "model_figure"].count("(b)") == 2  # two scenarios
    # a decision about every country: pooled, the weights named
    assert (
        "pooled over 8 countries, weighted by 2016 WhatsApp users"
        in by.loc["cathcart_2021", "model_figure"]
    )
    assert not by.loc["edpb_binding_2021", "has_model_figure"]
    # a scenario missing from the runs is said, not skipped
    some = _tier_rows()
    some = some[some["scenario"] != "india_cci_2024"]
    t2 = results.regulators_table(some).set_index("decision_id")
    assert "not in these runs" in t2.loc["cci_2024", "model_figure"]


def test_country_over_seeds_matches_headline_over_seeds():
    from analysis.world import WorldParams

    w = WorldParams(n_people=200)
    long, by_country = results.country_over_seeds([3], w, n_businesses=2)
    ref = results.headline_over_seeds([3], w, n_businesses=2)
    pd.testing.assert_frame_equal(long, ref)
    assert set(by_country["country"]) <= set(
        pd.read_csv("data/reference/countries.csv")["country_code"]
    )
    assert {"ads_join_share", "members_suggested_share"} <= set(by_country["metric"])


def test_small_multiples_chart_withholds_small_cells_and_says_the_takeaway(rows):
    import matplotlib

    matplotlib.use("Agg")
    from analysis import report

    seeds = pd.concat([rows.assign(seed=1), rows.assign(seed=2)])
    table = results.country_table(seeds, min_denominator=7)
    fig, data = report.plot_country_tiers(table, "mix_2016")
    assert set(data["country"]) == {"US", "DE"}
    assert fig.get_size_inches()[0] * fig.dpi <= 700
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert texts.count("too few people") == 4  # the US: 6 WhatsApp users over two worlds
    assert fig._suptitle.get_text().startswith(
        "The 2016 mix: a join usable for ads (d) for 50% (DE)"
    )


def test_exposure_rows_per_country_partition_each_group():
    from analysis.world import WorldParams

    _, per = results.exposure_over_seeds([5], WorldParams(n_people=300))
    assert "country_code" in per.columns
    rows = results.exposure_country_rows(per)
    for g, n in per.groupby("exposure_group").size().items():
        if g not in ("opted_out", "left", "never_whatsapp"):
            continue
        part = rows[rows["metric"] == f"{g}_tie_known_share"]
        assert part["denominator_count"].sum() == n, g  # the countries split the group
        exposed = (per[per["exposure_group"] == g]["tie_known_count"] > 0).sum()
        assert (part["value"].fillna(0) * part["denominator_count"]).sum() == pytest.approx(exposed)
