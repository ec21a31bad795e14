"""Parameter validation: every bad input gets an error naming parameter, value and rule."""

import pytest

from analysis.core import ParameterError
from analysis.world import WorldParams


def test_defaults_are_valid_and_round_trip_through_toml(tmp_path):
    p = WorldParams()
    path = p.to_toml(tmp_path / "world.toml")
    assert WorldParams.from_toml(path) == p
    assert "[population]" in path.read_text()


@pytest.mark.parametrize(
    ("changes", "fragments"),
    [
        ({"n_people": 0}, ["n_people", "0", "integer between 1"]),
        ({"n_people": -5}, ["n_people", "-5"]),
        ({"n_people": 10.5}, ["n_people", "10.5", "integer"]),
        ({"n_people": "100"}, ["n_people", "'100'", "integer"]),
        ({"n_people": True}, ["n_people", "True"]),
        ({"opt_out_uptake_share": 1.5}, ["opt_out_uptake_share", "1.5", "between 0 and 1"]),
        ({"opt_out_uptake_share": -0.1}, ["opt_out_uptake_share", "-0.1", "probability"]),
        ({"opt_out_uptake_share": float("nan")}, ["opt_out_uptake_share", "nan"]),
        ({"facebook_whatsapp_overlap": "high"}, ["facebook_whatsapp_overlap", "'high'"]),
        ({"snapshot_date": "2016-13-01"}, ["snapshot_date", "YYYY-MM-DD"]),
        ({"snapshot_date": "2015-01-01"}, ["snapshot_date", "2016-08-25"]),
        ({"country_weights": {"FR": 1.0}}, ["country_weights", "'FR'", "allowed keys"]),
        ({"country_weights": {"IN": -1.0}}, ["country_weights", "'IN'", ">= 0"]),
        ({"country_weights": {"IN": 0.0}}, ["country_weights", "positive total"]),
        ({"country_weights": {}}, ["country_weights"]),
        (
            {"facebook_phone_source_weights": {"sms": 1.0}},
            ["facebook_phone_source_weights", "'sms'"],
        ),
        ({"seed": -1}, ["seed", "-1"]),
        ({"opt_out_day_half_life_days": 0.0}, ["opt_out_day_half_life_days", "0.0"]),
    ],
)
def test_bad_values_name_parameter_value_and_rule(changes, fragments):
    with pytest.raises(ParameterError) as err:
        WorldParams(**changes)
    message = str(err.value)
    for fragment in fragments:
        assert fragment in message, message


def test_unknown_key_in_file_is_named_with_known_keys(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("[population]\nn_people = 100\nn_peple = 3\n")
    with pytest.raises(
        ParameterError, match=r"unknown parameter\(s\) \['n_peple'\].*known parameters"
    ):
        WorldParams.from_toml(path)


def test_invalid_toml_and_missing_file_are_clear(tmp_path):
    bad = tmp_path / "broken.toml"
    bad.write_text("[population\nn_people = ")
    with pytest.raises(ParameterError, match="not valid TOML"):
        WorldParams.from_toml(bad)
    with pytest.raises(ParameterError, match="not found"):
        WorldParams.from_toml(tmp_path / "absent.toml")


def test_top_level_keys_are_accepted_too():
    p = WorldParams.from_toml_text("n_people = 50\nseed = 3\n")
    assert (p.n_people, p.seed) == (50, 3)


def test_country_subset_and_shares():
    p = WorldParams(country_weights={"IN": 3, "BR": 1})
    assert p.countries == ("IN", "BR")
    assert p.country_shares() == {"IN": 0.75, "BR": 0.25}


def test_documentation_covers_every_parameter():
    rows = WorldParams.documentation()
    names = {r["parameter"] for r in rows}
    assert names == set(WorldParams().to_dict())
    assert all(r["description"] and r["source"] for r in rows)
    assert WorldParams.plausible_range("opt_out_uptake_share") == (0.01, 0.25)
