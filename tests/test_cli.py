"""Tests of the ``python -m analysis`` command line (tiny worlds, written to tmp_path)."""

from __future__ import annotations

import tomllib

import pandas as pd
import pytest

from analysis import cli
from analysis.core import SCENARIOS_DIR

MIX = str(SCENARIOS_DIR / "mix_2016.toml")


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "mix"
    code = cli.main(
        ["run", MIX, "--n-people", "500", "--seed", "11", "--out", str(out), "--no-progress"]
    )
    return code, out


def test_run_writes_tables_and_figures(tiny_run):
    code, out = tiny_run
    assert code == 0
    for name in (
        "links",
        "link_shares",
        "mechanism_scores",
        "country_shares",
        "suggestion_summary",
        "ad_match_rates",
    ):
        csv = pd.read_csv(out / "tables" / f"{name}.csv")
        parquet = pd.read_parquet(out / "tables" / f"{name}.parquet")
        assert len(csv) == len(parquet) > 0, name
    for slug in ("run-linking-precision-recall", "run-linked-share-by-use"):
        for ext in ("png", "csv", "txt"):
            assert (out / "figures" / f"{slug}.{ext}").stat().st_size > 0
    # nothing temporary is left beside the output
    assert [p.name for p in out.parent.iterdir()] == ["mix"]


def test_run_compares_with_no_opt_out_and_records_inputs(tiny_run):
    _, out = tiny_run
    shares = pd.read_parquet(out / "tables" / "link_shares.parquet")
    assert set(shares["scenario"]) == {"mix_2016", "no_opt_out"}
    sums = shares.groupby(["scenario", "mechanism"])["share"].sum()
    assert sums.between(0.999, 1.001).all()
    used = tomllib.loads((out / "parameters.toml").read_text())
    assert used["population"]["n_people"] == 500
    assert used["population"]["seed"] == used["social"]["seed"] == 11
    links = pd.read_parquet(out / "tables" / "links.parquet")
    assert links["person_id"].is_unique and len(links) < 500


def test_run_is_deterministic(tiny_run, tmp_path):
    _, first = tiny_run
    again = tmp_path / "again"
    assert (
        cli.main(
            ["run", MIX, "--n-people", "500", "--seed", "11", "--out", str(again), "--no-progress"]
        )
        == 0
    )
    for name in ("link_shares", "mechanism_scores", "suggestion_summary"):
        a = (first / "tables" / f"{name}.csv").read_bytes()
        assert a == (again / "tables" / f"{name}.csv").read_bytes(), name


def test_bad_scenario_file_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\nconsent = "sometimes"\n')
    assert cli.main(["run", str(bad), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and "bad.toml" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()
    assert cli.main(["run", str(tmp_path / "missing.toml")]) == 2
    assert "not found" in capsys.readouterr().err


def test_bad_params_key_and_section(tmp_path, capsys):
    p = tmp_path / "p.toml"
    p.write_text("[population]\nn_peeple = 10\n")
    assert cli.main(["run", MIX, "--params", str(p), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "n_peeple" in err and "n_people" in err and "[population]" in err
    p.write_text("[populace]\nn_people = 10\n")
    assert cli.main(["run", MIX, "--params", str(p)]) == 2
    err = capsys.readouterr().err
    assert "[populace]" in err and "[social]" in err
    p.write_text("[population]\nfacebook_whatsapp_overlap = 2.0\n")
    assert cli.main(["run", MIX, "--params", str(p)]) == 2
    assert "facebook_whatsapp_overlap" in capsys.readouterr().err


def test_params_write_round_trips(tmp_path, capsys):
    target = tmp_path / "defaults.toml"
    assert cli.main(["params", "--write", str(target)]) == 0
    loaded = cli.load_params(target)
    assert set(loaded) == set(cli.parameter_sections())
    defaults = cli.resolve_params()
    assert all(loaded[k] == defaults[k] for k in loaded)
    assert cli.main(["params"]) == 0
    assert "[population]" in capsys.readouterr().out


def test_scenarios_lists_builtins(capsys):
    assert cli.main(["scenarios"]) == 0
    out = capsys.readouterr().out
    from analysis.policy import BUILTIN_NAMES

    assert "mix_2016" in out and "The 2016 mix" in out
    assert len(out.splitlines()) == len(BUILTIN_NAMES)


def test_interrupted_run_leaves_nothing(tmp_path, monkeypatch, capsys):
    out = tmp_path / "runs" / "mix"
    out.mkdir(parents=True)
    (out / "old.txt").write_text("previous run")
    real = cli._write_all

    def half_then_fail(tmp, *args):
        real(tmp, *args)  # everything written into the temporary folder...
        raise KeyboardInterrupt  # ...then the user presses Ctrl-C before the rename

    monkeypatch.setattr(cli, "_write_all", half_then_fail)
    code = cli.main(["run", MIX, "--n-people", "400", "--out", str(out), "--no-progress"])
    assert code == 130
    assert "interrupted" in capsys.readouterr().err
    # the previous output is untouched and no temporary folder remains
    assert sorted(p.name for p in out.parent.iterdir()) == ["mix"]
    assert [p.name for p in out.iterdir()] == ["old.txt"]


def test_failure_mid_run_leaves_nothing(tmp_path, monkeypatch):
    from analysis.effects import exposure

    def boom(*args, **kwargs):
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(exposure, "compare_scenarios", boom)
    with pytest.raises(RuntimeError, match="simulated"):
        cli.main(["run", MIX, "--n-people", "400", "--out", str(tmp_path / "o"), "--no-progress"])
    assert list(tmp_path.iterdir()) == []
