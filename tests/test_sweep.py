"""The sweep: through a separately started Dask scheduler, interrupted and resumed, not stale."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from analysis.cli import main
from analysis.results import sweep

PARAMS = ["whatsapp_new_user_share", "opt_out_uptake_share"]
ARGS = ["--n-people", "120", "--trajectories", "1", "--seeds", "0", "1", "--parameters", *PARAMS]
ARGS += ["--no-progress"]


@pytest.fixture(scope="module")
def cluster(dask_scheduler):
    return dask_scheduler


@pytest.fixture(scope="module")
def full(cluster, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("full") / "results"
    assert main(["sweep", "--scheduler", cluster, "--out", str(out), *ARGS]) == 0
    return out


def _files(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((out / "rows").glob("*.parquet"))}


def test_sweep_through_scheduler_writes_dataset_and_manifest(full):
    manifest = json.loads((full / "manifest.json").read_text())
    assert manifest["complete"] and manifest["tasks"] == manifest["tasks_done"] == 6
    assert [p["name"] for p in manifest["design"]["parameters"]] == sorted(
        PARAMS, key=[p.name for p in sweep.swept_parameters()].index
    )
    _, design, rows = sweep.load_sweep(full)
    assert len(design) == 3 and len(_files(full)) == 6
    assert manifest["rows"] == len(rows) and set(rows["seed"]) == {0, 1}
    assert not list((full / "rows").glob("*.tmp"))
    ranges = sweep.headline_ranges(full)
    assert (ranges["p05"] <= ranges["median"]).all() and (ranges["median"] <= ranges["p95"]).all()
    d = sweep.drivers(full)
    assert set(d["parameter"]) <= set(PARAMS) and (d["mu_star"] >= 0).all()
    assert set(d["method"]) == {"SALib"}  # complete: indices by SALib.analyze.morris


def test_interrupted_sweep_resumes_to_the_same_bytes(full, cluster, tmp_path):
    out = tmp_path / "results"
    assert (
        main(["sweep", "--scheduler", cluster, "--out", str(out), "--max-tasks", "2", *ARGS]) == 0
    )
    manifest = json.loads((out / "manifest.json").read_text())
    assert not manifest["complete"] and manifest["tasks_done"] == 2
    assert len(_files(out)) == 2
    assert main(["sweep", "--scheduler", cluster, "--out", str(out), *ARGS]) == 0
    assert _files(out) == _files(full)
    assert json.loads((out / "manifest.json").read_text())["complete"]


def test_resume_with_another_design_is_refused(full, cluster, capsys):
    before = (full / "manifest.json").read_bytes()
    args = [a if a != "120" else "130" for a in ARGS]
    assert main(["sweep", "--scheduler", cluster, "--out", str(full), *args]) == 2
    assert "another design" in capsys.readouterr().err
    assert (full / "manifest.json").read_bytes() == before


def test_bad_config_writes_nothing(tmp_path, capsys):
    out = tmp_path / "results"
    assert main(["sweep", "--out", str(out), "--parameters", "no_such_parameter"]) == 2
    assert "no_such_parameter" in capsys.readouterr().err
    assert main(["sweep", "--out", str(out), "--scheduler", "localhost"]) == 2
    assert not out.exists()


def test_tracked_results_are_not_stale():
    """Recompute the stored check rows and sampled design with the current code."""
    manifest, design, _ = sweep.load_sweep(sweep.RESULTS_DIR)
    cfg = manifest["design"]
    config = sweep.SweepConfig(
        n_people=cfg["n_people"],
        trajectories=cfg["trajectories"],
        levels=cfg["levels"],
        seeds=tuple(cfg["seeds"]),
        design_seed=cfg["design_seed"],
    )
    pd.testing.assert_frame_equal(sweep.morris_design(config), design)
    stored = pd.read_parquet(sweep.RESULTS_DIR / "check.parquet")
    pd.testing.assert_frame_equal(sweep.check_rows(design, cfg["seeds"]), stored)


def test_a_stored_full_size_row_recomputes_identically():
    """One stored world of the tracked sweep, at its own size, recomputed from scratch.

    The small check rows catch most code changes cheaply; this catches a change that only
    shows at the sweep's own world size. The row is picked by a fixed seed, not by hand.
    """
    manifest, design, rows = sweep.load_sweep(sweep.RESULTS_DIR)
    done = rows[["point", "seed"]].drop_duplicates().sort_values(["point", "seed"])
    point, seed = done.sample(1, random_state=2016).iloc[0].tolist()
    task = design[design["point"] == point].iloc[0].to_dict()
    live = sweep.run_task(task, manifest["design"]["n_people"], int(seed))
    stored = pd.read_parquet(sweep.RESULTS_DIR / "rows" / f"point={point:04d}-seed={seed}.parquet")
    pd.testing.assert_frame_equal(live.reset_index(drop=True), stored.reset_index(drop=True))
