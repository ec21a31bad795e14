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


def test_run_compares_all_builtin_scenarios_and_records_inputs(tiny_run):
    _, out = tiny_run
    shares = pd.read_parquet(out / "tables" / "link_shares.parquet")
    from analysis.policy.scenarios import builtin_scenarios

    # every built-in scenario is linked, the chosen one first
    assert set(shares["scenario"]) == set(builtin_scenarios())
    assert shares["scenario"].iloc[0] == "mix_2016"
    summary = pd.read_parquet(out / "tables" / "suggestion_summary.parquet")
    assert list(summary["scenario"]) == list(dict.fromkeys(shares["scenario"]))
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
    err = capsys.readouterr().err
    assert "no such scenario file" in err and "mix_2016" in err  # names the built-in ones


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


# --- fail-safe frictions (issue 14): each gives a one-line error with status 2, or works


def one_line_error(capsys) -> str:
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err, err
    return err


def never_compute(monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("computed before validating")

    monkeypatch.setattr(cli, "_tables", boom)


def test_too_small_a_world_is_refused_with_its_reason(tmp_path, monkeypatch, capsys):
    never_compute(monkeypatch)
    assert cli.main(["run", MIX, "--n-people", "1", "--out", str(tmp_path / "o")]) == 2
    err = one_line_error(capsys)
    assert f"at least {cli.MIN_PEOPLE} people" in err and "empty or zero" in err
    assert cli.main(["world", "--n-people", "1", "--out", str(tmp_path / "w")]) == 2
    one_line_error(capsys)
    assert list(tmp_path.iterdir()) == []


def test_out_that_is_a_file_is_refused_before_computing(tmp_path, monkeypatch, capsys):
    never_compute(monkeypatch)
    target = tmp_path / "taken"
    target.write_text("a file")
    assert cli.main(["run", MIX, "--n-people", "300", "--out", str(target)]) == 2
    assert "exists and is not a folder" in one_line_error(capsys)
    assert target.read_text() == "a file"


def test_out_that_cannot_be_written_is_one_line(monkeypatch, capsys):
    never_compute(monkeypatch)
    assert cli.main(["run", MIX, "--n-people", "300", "--out", "/proc/no/such/dir"]) == 2
    err = one_line_error(capsys)
    assert "cannot write there" in err and ".part" not in err


def test_builtin_name_runs_and_writes_under_the_current_directory(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["run", "no_opt_out", "--n-people", "300", "--no-progress"]) == 0
    assert (tmp_path / "build" / "runs" / "no_opt_out" / "tables" / "links.csv").is_file()
    assert "no_opt_out" in capsys.readouterr().out


def test_sigterm_cleans_up_like_ctrl_c(tmp_path, monkeypatch, capsys):
    import os
    import signal

    real = cli._write_all

    def write_then_terminated(tmp, *args):
        real(tmp, *args)
        os.kill(os.getpid(), signal.SIGTERM)  # the handler turns it into Terminated

    monkeypatch.setattr(cli, "_write_all", write_then_terminated)
    out = tmp_path / "runs" / "mix"
    code = cli.main(["run", MIX, "--n-people", "300", "--out", str(out), "--no-progress"])
    assert code == 143
    assert "terminated: nothing was written" in capsys.readouterr().err
    assert list((tmp_path / "runs").iterdir()) == []
    assert signal.getsignal(signal.SIGTERM) is not cli.output._raise_terminated


def test_stale_part_folders_are_removed_at_start(tmp_path, monkeypatch):
    from analysis.cli.output import remove_leftovers

    out = tmp_path / "mix"
    dead = tmp_path / ".mix.999999999.abc123.part"  # no such process
    legacy = tmp_path / ".mix.k3j2l1.part"  # an older run's name, without a pid
    live = tmp_path / ".mix.1.zz9.part"  # process 1 is alive: another run is writing it
    other = tmp_path / ".other.999999999.abc.part"  # another output's folder
    for path in (dead, legacy, live, other):
        path.mkdir()
    removed = remove_leftovers(out)
    assert sorted(removed) == sorted([dead, legacy])
    assert live.exists() and other.exists()


def test_params_value_errors_name_the_file(tmp_path, capsys):
    p = tmp_path / "p.toml"
    p.write_text("[population]\nn_people = -5\n")
    assert cli.main(["run", MIX, "--params", str(p), "--out", str(tmp_path / "o")]) == 2
    err = one_line_error(capsys)
    assert str(p) in err and "n_people" in err
    assert cli.main(["run", MIX, "--seed", "-3", "--out", str(tmp_path / "o")]) == 2
    assert "--seed -3" in one_line_error(capsys)


def test_weighted_and_csv_edge_lists_say_how_and_flags_accept_them(tmp_path, capsys):
    import numpy as np

    rng = np.random.default_rng(0)
    pairs = {tuple(sorted(p)) for p in rng.integers(0, 260, size=(900, 2)).tolist() if p[0] != p[1]}
    weighted = tmp_path / "w.txt"
    weighted.write_text("".join(f"{a} {b} {rng.random():.3f}\n" for a, b in sorted(pairs)))
    csv = tmp_path / "e.csv"
    csv.write_text("".join(f"{a},{b}\n" for a, b in sorted(pairs)))
    assert cli.main(["world", "--edges", str(weighted), "--out", str(tmp_path / "a")]) == 2
    assert "--weighted" in one_line_error(capsys)
    assert cli.main(["world", "--edges", str(csv), "--out", str(tmp_path / "a")]) == 2
    assert "--delimiter ','" in one_line_error(capsys)
    assert not (tmp_path / "a").exists()
    out = tmp_path / "b"
    assert cli.main(["world", "--edges", str(csv), "--delimiter", ",", "--out", str(out)]) == 0
    ties = pd.read_parquet(out / "ties.parquet")
    assert len(ties) == len(pairs)
    assert cli.main(["world", "--edges", str(weighted), "--weighted", "--out", str(out)]) == 0
    assert len(pd.read_parquet(out / "ties.parquet")) == len(pairs)


def test_world_export_writes_every_table_and_passes_the_audit(tmp_path):
    from analysis.results import EXPORTED_TABLES, audit_world

    out = tmp_path / "world"
    assert cli.main(["world", "--n-people", "800", "--seed", "5", "--out", str(out)]) == 0
    names = {t.name for t in EXPORTED_TABLES}
    assert {p.stem for p in out.glob("*.parquet")} == names
    assert {"people", "ties", "facebook_friendships", "address_book", "ad_customers"} <= names
    assert {"ad_customer_keys", "facebook_match_keys"} <= names
    tables = {name: pd.read_parquet(out / f"{name}.parquet") for name in names}
    for table in EXPORTED_TABLES:
        assert list(tables[table.name].columns) == table.columns, table.name
    dictionary = (out / "DATA_DICTIONARY.md").read_text()
    assert all(f"`{name}.parquet`" in dictionary for name in names)
    e164 = [c for t in tables.values() for c in t.columns if c.endswith("_e164")]
    assert {"phone_e164", "facebook_phone_e164", "entry_e164"} <= set(e164)
    audit = audit_world(
        tables["people"],
        tables["address_book"],
        tables["ad_customers"],
        tables["ad_customer_keys"],
        tables["facebook_match_keys"],
    )
    assert audit.ok, audit.problems()
    assert (pd.read_csv(out / "phone_audit.csv")["problem_count"] == 0).all()
    people = tables["people"]
    assert len(people) == 800 and tomllib.loads((out / "parameters.toml").read_text())
