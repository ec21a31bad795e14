"""Convergence and uniqueness results: stored rows recompute, the formula matches simulation."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from analysis.cli import main
from analysis.results import uniqueness as uq
from analysis.results import world_size as conv


def test_stored_smallest_convergence_world_recomputes_identically():
    """The staleness check: one stored world of the smallest size, recomputed from scratch."""
    manifest, rows = conv.load_convergence()
    small = min(manifest["sizes"])
    seed = manifest["seeds"][str(small)][0]
    stored = rows[(rows["n_people"] == small) & (rows["seed"] == seed)].reset_index(drop=True)
    live = conv.world_rows(small, seed).sort_values(["metric", "scenario"], ignore_index=True)
    pd.testing.assert_frame_equal(live, stored)


def test_stored_convergence_run_covers_100000_people_with_several_seeds():
    manifest, rows = conv.load_convergence()
    assert max(manifest["sizes"]) >= 100_000
    per_size = rows.groupby("n_people")["seed"].nunique()
    assert (per_size >= 2).all(), per_size.to_dict()
    assert manifest["rows"] == len(rows)
    assert manifest["commit"] and manifest["package_version"]


def test_convergence_run_resumes_and_refuses_bad_input(tmp_path):
    out = tmp_path / "conv"
    m = conv.run_convergence(out, [300], {300: [1, 2]}, max_worlds=1)
    assert (m["worlds_done"], m["complete"]) == (1, False)
    first = sorted(p.name for p in (out / "rows").iterdir())
    m = conv.run_convergence(out, [300], {300: [1, 2]})
    assert m["complete"] and len(list((out / "rows").iterdir())) == 2
    assert first[0] in {p.name for p in (out / "rows").iterdir()}
    assert json.loads((out / "manifest.json").read_text())["rows"] == m["rows"]
    with pytest.raises(ValueError, match="at least 200"):
        conv.run_convergence(tmp_path / "x", [50])
    assert not (tmp_path / "x").exists()
    assert main(["convergence", "--out", str(tmp_path / "y"), "--sizes", "10"]) == 2


def test_verdict_separates_converging_shares_from_growing_counts():
    rows = pd.DataFrame(
        {
            "n_people": [1, 1, 10, 10, 100, 100] * 2,
            "seed": [0, 1] * 6,
            "metric": ["a_share"] * 6 + ["co_client_member_count"] * 6,
            "scenario": "s",
            "value": [0.30, 0.34, 0.40, 0.41, 0.405, 0.40, 1, 1, 10, 11, 100, 102],
        }
    )
    v = conv.convergence_verdict(
        rows, {("a_share", "s"): "A", ("co_client_member_count", "s"): "B"}
    ).set_index("headline")
    assert v.loc["A", "converged_from"] == 10 and v.loc["A", "unit"] == "share"
    assert pd.isna(v.loc["B", "converged_from"]) and v.loc["B", "growth"] > 50
    words = conv.convergence_statements(v.reset_index())
    assert words[0].startswith("A: stable from 10 people")
    assert "grows with the world" in words[1]


def test_expected_formula_is_exact_on_a_toy_distribution():
    # 3 cells with probabilities .5, .25, .25 among n = 3 people: enumerate all 27 outcomes
    p = np.array([0.5, 0.25, 0.25])
    unique = 0.0
    for a in range(3):
        for b in range(3):
            for c in range(3):
                draws = [a, b, c]
                prob = p[a] * p[b] * p[c]
                unique += prob * sum(draws.count(x) == 1 for x in draws) / 3
    got = uq.expected_share(p, None, 3)
    assert got["unique_share"] == pytest.approx(unique, abs=1e-12)
    assert got["k5_share"] == pytest.approx(1.0)
    # grouping by probability changes nothing visible
    dev, buckets = uq.step_probabilities(uq.cell_table(), "+ last seen (1 h)", 18.0, "DE")
    a = uq.expected_share(dev, buckets, 5_000)
    b = uq.expected_share(dev, buckets, 5_000, exact=True)
    assert a["unique_share"] == pytest.approx(b["unique_share"], abs=1e-7)


def test_expected_curve_matches_generated_populations():
    """The formula, from reference shares alone, against measured uniqueness of 3 worlds."""
    sim = uq.simulated_uniqueness([3_000], [1, 2, 3])
    cells = uq.cell_table()
    for step in ("+ MNC", "+ last seen (1 h)"):
        s = sim[sim["features"] == step]
        dev, buckets = uq.step_probabilities(cells, step, 18.0)
        exp = uq.expected_share(dev, buckets, float(s["users"].mean()))
        # three worlds of ~1,400 users: the mean is within 3 points of the expectation
        assert abs(s["unique_share"].mean() - exp["unique_share"]) < 0.03, step
        assert abs(s["k5_share"].mean() - exp["k5_share"]) < 0.03, step


def test_uniqueness_falls_with_the_number_of_users_and_countries_are_stored():
    res = uq.load_uniqueness()
    e = res["expected"]
    for step in uq.CURVE_STEPS:
        u = e[e["features"] == step].sort_values("users")["unique_share"].to_numpy()
        assert (np.diff(u[u.argmax() :]) <= 1e-12).all(), step
    sim = res["simulated"]
    assert (
        sim["n_people"].max() >= 1_000_000 and sim.groupby("n_people")["seed"].nunique().min() >= 2
    )
    c = res["countries"]
    assert set(c["country_code"]) == set(uq.WorldParams().countries)
    ref = uq.country_extrapolation(steps=["+ last seen (1 h)"])
    stored = c[c["features"] == "+ last seen (1 h)"].reset_index(drop=True)
    pd.testing.assert_frame_equal(ref, stored)


def test_bad_bucket_and_step_are_named():
    with pytest.raises(ValueError, match="minutes"):
        uq.bucket_probabilities(0, 18.0)
    with pytest.raises(ValueError, match="step"):
        uq.step_probabilities(uq.cell_table(), "+ nothing", 18.0)
