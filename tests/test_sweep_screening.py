"""Morris indices of the sweep: SALib's and ours agree; effect parameters reach the world."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.effects.ads.params import AdsParams
from analysis.effects.suggest import SuggestParams
from analysis.linking.params import LinkingParams
from analysis.results import screening, sweep
from analysis.results.headlines import headline_metrics
from analysis.results.metrics import HEADLINES
from analysis.world import WorldParams


def _problem():
    names = ["share", "size"]
    return names, [[0.0, 1.0], [4.0, 15.0]]


def test_salib_and_pairwise_effects_agree_on_the_sampled_design_not_the_rounded_one():
    """The earlier disagreement: effects computed on the rounded design of an integer input."""
    from SALib.sample import morris

    names, bounds = _problem()
    x = morris.sample({"num_vars": 2, "names": names, "bounds": bounds}, 4, num_levels=4, seed=3)
    rng = np.random.default_rng(0)
    y = np.sin(3 * x[:, 0]) * x[:, 1] + rng.normal(0, 0.01, len(x))
    salib = screening.morris_indices(names, bounds, x, y, levels=4).set_index("parameter")
    ours = screening.elementary_effects(x, names, bounds, y)
    mu_star = ours.groupby("parameter")["ee"].apply(lambda e: np.abs(e).mean())
    sigma = ours.groupby("parameter")["ee"].std(ddof=1)
    np.testing.assert_allclose(mu_star[names], salib.loc[names, "mu_star"], rtol=1e-12)
    np.testing.assert_allclose(sigma[names], salib.loc[names, "sigma"], rtol=1e-12)
    rounded = x.copy()
    rounded[:, 1] = np.round(rounded[:, 1])
    off = screening.elementary_effects(rounded, names, bounds, y)
    off_mu = off.groupby("parameter")["ee"].apply(lambda e: np.abs(e).mean())
    assert off_mu["share"] == pytest.approx(salib.loc["share", "mu_star"], rel=1e-12)
    assert abs(off_mu["size"] - salib.loc["size", "mu_star"]) > 1e-6


def test_morris_indices_refuse_missing_outputs():
    from SALib.sample import morris

    names, bounds = _problem()
    x = morris.sample({"num_vars": 2, "names": names, "bounds": bounds}, 2, num_levels=4, seed=3)
    y = x[:, 0].copy()
    y[2] = np.nan
    with pytest.raises(ValueError, match="1 output"):
        screening.morris_indices(names, bounds, x, y, levels=4)


def test_stored_sweep_drivers_are_salib_and_match_the_pairwise_effects():
    """On the tracked sweep: every headline known at every point is ranked by SALib's
    ``analyze``, and its mu*/sigma equal those of the pairwise effects within float error."""
    manifest, design, rows = sweep.load_sweep(sweep.RESULTS_DIR)
    rec = manifest["design"]
    names = [p["name"] for p in rec["parameters"]]
    bounds = [[p["low"], p["high"]] for p in rec["parameters"]]
    x = sweep._sampled(manifest, design)
    assert np.allclose(np.round(x, 12)[:, 0], design[names[0]])
    drv = sweep.drivers(sweep.RESULTS_DIR)
    pm = screening.point_means(rows)
    compared = 0
    for metric, scenario in HEADLINES:
        g = pm[(pm["metric"] == metric) & (pm["scenario"] == scenario)].set_index("point")
        y = g["mean"].reindex(np.arange(len(x))).to_numpy(float)
        d = drv[(drv["metric"] == metric) & (drv["scenario"] == scenario)].set_index("parameter")
        ee = screening.elementary_effects(x, names, bounds, y)
        ours = ee.groupby("parameter")["ee"]
        mu_star = ours.apply(lambda e: np.abs(e).mean())[d.index]
        np.testing.assert_allclose(d["mu_star"], mu_star, rtol=1e-9, atol=1e-15)
        assert (d["effects"] == ours.size()[d.index]).all()
        if np.isnan(y).any():
            assert set(d["method"]) == {"pairs"}
            continue
        assert set(d["method"]) == {"SALib"}
        salib = screening.morris_indices(names, bounds, x, y, levels=rec["levels"])
        salib = salib.set_index("parameter").loc[d.index]
        np.testing.assert_allclose(d["mu_star"], salib["mu_star"], rtol=1e-12)
        np.testing.assert_allclose(d["sigma"], ours.std(ddof=1)[d.index], rtol=1e-9, atol=1e-15)
        compared += 1
    # the tracked sweep is complete, so every headline known at every point went through
    # SALib's analyze and was compared (a partial sweep must not be committed)
    assert manifest["complete"]
    assert compared == len(HEADLINES)


def test_uncertainty_table_keeps_its_columns():
    u = sweep.uncertainty_table(sweep.RESULTS_DIR)
    assert list(u.columns)[:8] == [
        "headline",
        "median",
        "range",
        "seed_error",
        "drivers",
        "points",
        "seeds",
        "is_complete",
    ]
    assert set(u["headline"]) <= set(HEADLINES.values()) and len(u) > 0


def test_effect_parameters_reach_the_world():
    """Suggestion, linking and ads parameters of a design point change their own metrics."""
    w = WorldParams(n_people=300)
    base = headline_metrics(w, seed=3, parts=["suggestions", "ads"])
    moved = headline_metrics(
        w,
        seed=3,
        parts=["suggestions", "ads"],
        suggest=SuggestParams(contact_edge_weight=5.0),
        ads_params=AdsParams(n_businesses=10, email_share=0.8, typo_share=0.1),
    )
    m = base.merge(moved, on=["metric", "scenario"], suffixes=("_base", "_moved"))
    changed = set(m.loc[m["value_base"] != m["value_moved"], "metric"])
    assert {"whatsapp_only_suggestion_share", "ad_match_without_whatsapp_share"} <= changed
    strict = LinkingParams(name_match_threshold=95.0, min_agreeing_uploaders=3)
    loose = LinkingParams(name_match_threshold=70.0, min_agreeing_uploaders=1)
    own = [
        headline_metrics(w, seed=3, parts=["linking"], linking_params=lp)
        .set_index(["metric", "scenario"])
        .loc[("own_join_share", "no_opt_out"), "value"]
        for lp in (strict, loose)
    ]
    assert own[0] < own[1]


def test_point_params_build_every_parameter_object():
    config = sweep.SweepConfig()
    design = sweep.morris_design(config)
    row = design.iloc[1].to_dict()
    kw = sweep._point_params(row, 500, 0)
    assert set(kw) == {"world", "social", "suggest", "linking_params", "ads_params"}
    assert kw["ads_params"].typo_share == pytest.approx(row["ads.typo_share"])
    assert kw["social"].typo_share == pytest.approx(row["social.typo_share"])
    assert kw["suggest"].contact_edge_weight == pytest.approx(row["contact_edge_weight"])
    assert pd.api.types.is_integer_dtype(design["min_agreeing_uploaders"])
