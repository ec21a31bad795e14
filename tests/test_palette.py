"""One colour per tier, purpose, scenario, mechanism, consent state; safe for colour blindness."""

import itertools

import numpy as np
import pytest

from analysis.report import figures, palette

#: Machado, Oliveira & Fernandes (2009), full-severity simulation matrices (linear RGB).
CVD = {
    "protanopia": [
        [0.152286, 1.052583, -0.204868],
        [0.114503, 0.786281, 0.099216],
        [-0.003882, -0.048116, 1.051998],
    ],
    "deuteranopia": [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ],
    "tritanopia": [
        [1.255528, -0.076749, -0.178779],
        [-0.078411, 0.930809, 0.147602],
        [0.004733, 0.691367, 0.303900],
    ],
}
#: Smallest CIE76 distance allowed between two colours of one group, for every kind of
#: vision (the Okabe-Ito palette itself keeps about 16 under every simulation).
MIN_DELTA_E = 15.0


def linear(hex_colour: str) -> np.ndarray:
    c = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def lab(rgb_linear: np.ndarray) -> np.ndarray:
    m = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = m @ np.clip(rgb_linear, 0, 1) / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def seen(hex_colour: str, vision: str | None) -> np.ndarray:
    rgb = linear(hex_colour)
    return lab(rgb if vision is None else np.array(CVD[vision]) @ rgb)


@pytest.mark.parametrize("group", sorted(palette.COLOUR_GROUPS))
@pytest.mark.parametrize("vision", [None, *CVD])
def test_colours_of_a_group_stay_apart_for_every_kind_of_vision(group, vision):
    colours = {
        k: v for k, v in palette.COLOUR_GROUPS[group].items() if k not in palette.SCENARIO_READINGS
    }
    closest = min(
        (float(np.linalg.norm(seen(a, vision) - seen(b, vision))), ka, kb)
        for (ka, a), (kb, b) in itertools.combinations(colours.items(), 2)
        if a != b
    )
    assert closest[0] >= MIN_DELTA_E, f"{group} under {vision or 'normal vision'}: {closest}"


def test_each_thing_has_one_colour_and_every_code_name_has_one():
    from analysis.linking.params import MECHANISMS, PURPOSE_CLASSES
    from analysis.policy.flows import PURPOSES
    from analysis.policy.scenarios import builtin_scenarios
    from analysis.world.population import CONSENT_STATES

    needed = {
        "purpose_class": PURPOSE_CLASSES,
        "purpose": PURPOSES,
        "scenario": list(builtin_scenarios()),
        "mechanism": [*MECHANISMS, "any"],
        "consent_state": CONSENT_STATES,
    }
    for group, codes in needed.items():
        colours = dict(palette.COLOUR_GROUPS[group])
        assert [c for c in codes if c not in colours] == [], group
        if group == "scenario":  # readings of a core scenario share its colour, by design
            for variant, core in palette.SCENARIO_READINGS.items():
                assert colours.pop(variant) == colours[core]
        values = list(colours.values())
        assert len(values) == len(set(values)), f"{group}: two things share a colour"
    # a tier and the purpose it names are the same colour everywhere
    for tier in ("ads", "suggestions"):
        assert palette.colour("purpose_class", tier) == palette.colour("purpose", tier)


def test_the_chart_style_cycles_through_the_palette():
    assert figures.PALETTE is palette.SERIES
    assert [c.upper() for c in figures.STYLE["axes.prop_cycle"].by_key()["color"]] == [
        c.upper() for c in palette.SERIES
    ]


def test_unknown_keys_get_spare_colours_not_an_error():
    got = palette.colours("scenario", ["no_opt_out", "my_scenario", "another"])
    assert got[0] == palette.colour("scenario", "no_opt_out")
    assert len(set(got)) == 3
    with pytest.raises(KeyError, match="no colour for scenario = 'my_scenario'"):
        palette.colour("scenario", "my_scenario")
