"""Country shards: the same tables locally and on a separately started Dask cluster, the same
bytes from the same seed, headline shares within their Monte-Carlo error of the unsharded
model, and clear errors for bad plans."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.cli import main
from analysis.core.stats import mean_t_interval
from analysis.results.countries import country_metrics
from analysis.results.sharded import SHARD_TABLES, combine_shards, run_shards, score_shard
from analysis.world.params import SocialParams, WorldParams
from analysis.world.population import generate_population
from analysis.world.shards import ShardError, plan_shards
from analysis.world.socialworld import build_social_world

COUNTRIES = ["DE", "IN"]
SMALL = "[social]\nmedian_ties = 15\n"


def _args(tmp_path: Path, out: str, *extra: str) -> list[str]:
    params = tmp_path / "small.toml"
    params.write_text(SMALL)
    return [
        "shards",
        "mix_2016",
        "--shard-people",
        "120",
        "--countries",
        *COUNTRIES,
        "--seed",
        "7",
        "--params",
        str(params),
        "--out",
        str(tmp_path / out),
        "--no-progress",
        *extra,
    ]


def _files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*.*"))}


@pytest.fixture(scope="module")
def local(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("local")
    assert main(_args(tmp, "run")) == 0
    return tmp / "run"


def test_local_run_writes_every_table_with_per_country_rows(local):
    files = _files(local)
    for name in SHARD_TABLES:
        assert f"tables/{name}.csv" in files and f"tables/{name}.parquet" in files
    rows = pd.read_parquet(local / "tables" / "country_results.parquet")
    assert sorted(rows["country"].unique()) == COUNTRIES
    shares = pd.read_parquet(local / "tables" / "country_shares.parquet")
    assert shares["country_code"].tolist() == COUNTRIES
    assert (shares["reached_share"] >= shares["own_join_share"]).all()
    shards = pd.read_parquet(local / "tables" / "shards.parquet")
    assert shards["people_count"].tolist() == [120, 120]
    ties = pd.read_parquet(local / "tables" / "cross_border_ties.parquet")
    assert len(ties) > 0 and (ties["person_a_country"] != ties["person_b_country"]).all()
    assert ties["person_a_id"].between(0, 119).all() and ties["person_b_id"].between(0, 119).all()
    # the cross-border share is near the model's cross_country_share (0.12 by default)
    summary = pd.read_parquet(local / "tables" / "cross_border_summary.parquet")
    assert summary["country_a_cross_share"].between(0.06, 0.2).all()
    # the all-shard headline is the denominator-weighted mean of the countries
    head = pd.read_parquet(local / "tables" / "headline_shares.parquet").set_index(
        ["scenario", "metric"]
    )
    part = rows[(rows["scenario"] == "mix_2016") & (rows["metric"] == "own_join_share")]
    expected = (part["value"] * part["denominator_count"]).sum() / part["denominator_count"].sum()
    assert head.loc[("mix_2016", "own_join_share"), "value"] == pytest.approx(expected)


def test_run_through_a_separate_scheduler_gives_the_same_tables(local, tmp_path, dask_scheduler):
    assert main(_args(tmp_path, "dask", "--scheduler", dask_scheduler)) == 0
    assert _files(tmp_path / "dask") == _files(local)


def test_same_seed_same_bytes_and_another_seed_differs(local, tmp_path):
    assert main(_args(tmp_path, "again")) == 0
    assert _files(tmp_path / "again") == _files(local)
    shards = plan_shards(120, COUNTRIES, seed=8)
    assert {s.seed for s in shards}.isdisjoint(s.seed for s in plan_shards(120, COUNTRIES, seed=7))


def test_a_shard_does_not_depend_on_the_rest_of_the_plan(local):
    """A shard's seed comes from the world seed and its country alone, so DE scored alone
    gives exactly the DE rows of the two-country run."""
    from analysis.policy.scenarios import builtin_scenarios

    alone = plan_shards({"DE": 120}, seed=7)[0]
    result = score_shard(
        alone, None, SocialParams(median_ties=15), scenario=builtin_scenarios()["mix_2016"]
    )
    rows = pd.read_parquet(local / "tables" / "country_results.parquet")
    de = rows[rows["country"] == "DE"].reset_index(drop=True)
    mine = result.rows.assign(country=result.rows["country"].astype(str))
    mine = mine.sort_values(["country", "scenario", "metric"], kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(mine, de, check_dtype=False, check_exact=True)


def _headline(rows: pd.DataFrame) -> pd.DataFrame:
    """Denominator-weighted share over the countries, per scenario and metric."""
    rows = rows[rows["denominator_count"] > 0].assign(
        weighted=lambda r: r["value"] * r["denominator_count"]
    )
    g = rows.groupby(["scenario", "metric"])[["weighted", "denominator_count"]].sum()
    return (g["weighted"] / g["denominator_count"]).rename("value").reset_index()


def test_sharded_headlines_stay_within_monte_carlo_error_of_the_unsharded_model():
    """Sharding changes the random streams and leaves cross-border ties out of the scoring;
    over several seeds the mix_2016 headline shares of both models agree within their 95%
    t-intervals (the intervals overlap)."""
    social = SocialParams(median_ties=15)
    countries, per_country, seeds = ["DE", "IN"], 150, range(4)
    parts = ("linking", "suggestions")
    frames = []
    for seed in seeds:
        population = WorldParams(
            n_people=per_country * len(countries),
            seed=seed,
            country_weights=dict.fromkeys(countries, 1.0),
        )
        world = build_social_world(generate_population(population), social.replace(seed=seed))
        rows = country_metrics(world, seed=seed, parts=parts)
        frames.append(_headline(rows).assign(seed=seed, model="unsharded"))
        results = run_shards(
            plan_shards(per_country, countries, seed=seed), None, social, parts=parts
        )
        sharded = combine_shards(results)["headline_shares"]
        frames.append(sharded[["scenario", "metric", "value"]].assign(seed=seed, model="sharded"))
    ci = mean_t_interval(pd.concat(frames), ["model", "scenario", "metric"], "value")
    ci = ci[ci["scenario"] == "mix_2016"].set_index(["metric", "model"])
    metrics = sorted({m for m, _ in ci.index})
    assert {"own_join_share", "ads_join_share", "members_suggested_share"} <= set(metrics)
    for metric in metrics:
        a, b = ci.loc[(metric, "sharded")], ci.loc[(metric, "unsharded")]
        assert a["seed_count"] == b["seed_count"] == len(seeds)
        gap = abs(a["mean"] - b["mean"])
        allowed = (a["high"] - a["low"]) / 2 + (b["high"] - b["low"]) / 2
        assert gap <= allowed + 1e-12, (metric, a["mean"], b["mean"], allowed)
    assert np.isfinite(ci["mean"]).all()


def test_bad_plans_give_clear_errors(tmp_path, capsys):
    with pytest.raises(ShardError, match="unknown country 'XX'"):
        plan_shards({"XX": 100}, seed=1)
    with pytest.raises(ShardError, match="shard IN is empty"):
        plan_shards({"IN": 0, "DE": 100}, seed=1)
    with pytest.raises(ShardError, match="at least 25"):
        plan_shards({"IN": 10}, seed=1)
    with pytest.raises(ShardError, match="listed twice"):
        plan_shards(100, ["IN", "IN"], seed=1)
    with pytest.raises(ValueError, match="plan is empty"):
        run_shards([])
    args = _args(tmp_path, "bad")
    args[args.index("DE")] = "XX"
    assert main(args) == 2
    assert "unknown country 'XX'" in capsys.readouterr().err
    args = _args(tmp_path, "empty")
    args[args.index("--shard-people") + 1] = "0"
    assert main(args) == 2
    assert "shard DE is empty (0 people)" in capsys.readouterr().err
    assert main([*_args(tmp_path, "addr"), "--scheduler", "localhost"]) == 2
    assert "tcp://host:port" in capsys.readouterr().err
    assert not any((tmp_path / n).exists() for n in ("bad", "empty", "addr"))
