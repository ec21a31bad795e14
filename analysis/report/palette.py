"""One colour per tier, purpose, scenario, mechanism, consent state and service, in every chart.

All colours come from the Okabe-Ito palette (Okabe & Ito 2008, "Color Universal Design"),
chosen to stay apart for readers with red-green or blue-yellow colour blindness; the tests
simulate the three kinds of colour blindness (Machado, Oliveira & Fernandes 2009) and check
that the colours of each group stay distinguishable. Charts ask for a colour by what it
stands for, never by position, so "usable for ads" is the same vermillion in the key
findings, in notebook 04 and in the command line's run charts:

>>> colour("purpose_class", "ads") == colour("purpose", "ads") == VERMILLION
True
>>> colours("scenario", ["no_opt_out", "all_leave"])
['#D55E00', '#009E73']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

__all__ = [
    "BLACK",
    "BLUE",
    "COLOUR_GROUPS",
    "CONSENT_COLOURS",
    "GREEN",
    "GREY",
    "INTERVAL_COLOUR",
    "LIGHT_GREY",
    "MECHANISM_COLOURS",
    "MUTED",
    "ORANGE",
    "PURPLE",
    "PURPOSE_CLASS_COLOURS",
    "PURPOSE_COLOURS",
    "SCENARIO_COLOURS",
    "SCENARIO_READINGS",
    "SERIES",
    "SERVICE_COLOURS",
    "SKY_BLUE",
    "TIER_COLOURS",
    "VERMILLION",
    "YELLOW",
    "colour",
    "colours",
    "sequential",
]


# The Okabe-Ito colours, by name.
BLUE = "#0072B2"
ORANGE = "#E69F00"
GREEN = "#009E73"  # "bluish green"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"  # "reddish purple"
SKY_BLUE = "#56B4E9"
YELLOW = "#F0E442"
BLACK = "#000000"
#: Neutral greys: "nothing happens here" and de-emphasised context.
GREY = "#999999"
LIGHT_GREY = "#CCCCCC"
MUTED = GREY
#: Error bars and interval whiskers.
INTERVAL_COLOUR = BLACK


SERIES: list[str] = [BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY_BLUE, YELLOW, BLACK]
"""Colours for series that have no colour of their own, in order (the default cycle)."""


PURPOSE_CLASS_COLOURS: dict[str, str] = {
    "ads": VERMILLION,
    "suggestions": ORANGE,
    "own_use_only": BLUE,
    "reached_only": SKY_BLUE,
    "not_reached": LIGHT_GREY,
}
"""Tiers: the highest a WhatsApp user reaches (``analysis.linking.PURPOSE_CLASSES``):
(d) ads, (c) suggestions, (b) Facebook's own use, (a) reached Facebook."""


TIER_COLOURS: dict[str, str] = {
    "reached": PURPOSE_CLASS_COLOURS["reached_only"],
    "own_join": PURPOSE_CLASS_COLOURS["own_use_only"],
    "suggestions_join": PURPOSE_CLASS_COLOURS["suggestions"],
    "ads_join": PURPOSE_CLASS_COLOURS["ads"],
}
"""The four tiers by their metric names (``analysis.linking.tiers.TIERS``): the same
colours as the highest-tier classes, so tier (d) is vermillion everywhere."""


PURPOSE_COLOURS: dict[str, str] = {
    "ads": VERMILLION,
    "suggestions": ORANGE,
    "infrastructure": SKY_BLUE,
    "analytics": BLUE,
    "security": PURPLE,
}
"""Purposes of the policy table (``analysis.policy.PURPOSES``); ads and suggestions match
their tiers."""


SCENARIO_COLOURS: dict[str, str] = {
    "before_change": LIGHT_GREY,
    "no_opt_out": VERMILLION,
    "mix_2016": ORANGE,
    "all_partial_opt_out": BLUE,
    "all_leave": GREEN,
    "eu_pause": SKY_BLUE,
    "germany_hamburg": PURPLE,
    "india_pre_2016_09_25": YELLOW,
    "policy_2021": BLACK,
}
"""The core built-in scenarios (``data/scenarios/``), one colour each."""

SCENARIO_READINGS: dict[str, str] = {
    "all_partial_opt_out_processor": "all_partial_opt_out",
    "uk_processor_only": "eu_pause",
    "germany_hamburg_2021": "germany_hamburg",
    "india_later_data_flows": "india_pre_2016_09_25",
    "india_cci_2024": "india_pre_2016_09_25",
}
"""Scenarios that are another reading, place or later stage of a core scenario take its
colour: a chart that puts the two side by side tells them apart by label or hatching."""

SCENARIO_COLOURS.update({k: SCENARIO_COLOURS[v] for k, v in SCENARIO_READINGS.items()})


MECHANISM_COLOURS: dict[str, str] = {
    "phone_number": BLUE,
    "device_id": ORANGE,
    "address_book": GREEN,
    "fingerprint": PURPLE,
    "any": BLACK,
}
"""Linking mechanisms (``analysis.linking.MECHANISMS``, plus ``any``)."""


CONSENT_COLOURS: dict[str, str] = {
    "kept_default": VERMILLION,
    "unticked_before_agreeing": BLUE,
    "opted_out_in_window": SKY_BLUE,
    "new_user_no_choice": ORANGE,
    "left_whatsapp": GREEN,
    "never_whatsapp": LIGHT_GREY,
}
"""Consent states (``analysis.world.CONSENT_STATES``)."""


SERVICE_COLOURS: dict[str, str] = {
    "whatsapp": GREEN,
    "facebook": BLUE,
    "both": PURPLE,
    "instagram": ORANGE,
}
"""Services, and people on both WhatsApp and Facebook."""


COLOUR_GROUPS: dict[str, Mapping[str, str]] = {
    "purpose_class": PURPOSE_CLASS_COLOURS,
    "tier": TIER_COLOURS,
    "purpose": PURPOSE_COLOURS,
    "scenario": SCENARIO_COLOURS,
    "mechanism": MECHANISM_COLOURS,
    "consent_state": CONSENT_COLOURS,
    "service": SERVICE_COLOURS,
}
"""Every group of colours; within a group, each colour stands for one thing."""


def colour(kind: str, key: str) -> str:
    """Return the colour of one tier, purpose, scenario, mechanism, consent state or service.

    >>> colour("scenario", "mix_2016")
    '#E69F00'
    >>> colour("purpose_class", "maybe")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    KeyError: "no colour for purpose_class = 'maybe'; known: ['ads', 'suggestions', ...]"
    """
    if kind not in COLOUR_GROUPS:
        raise KeyError(f"no colour group {kind!r}; known: {list(COLOUR_GROUPS)}")
    group = COLOUR_GROUPS[kind]
    if key not in group:
        raise KeyError(f"no colour for {kind} = {key!r}; known: {list(group)}")
    return group[key]


def colours(kind: str, keys: Iterable[str], *, fallback: Iterable[str] | None = None) -> list[str]:
    """Return the colours of several keys of one group, in order.

    Keys the group does not know (a researcher's own scenario, say) take the
    ``fallback`` colours in turn (default: :data:`SERIES` colours not already used), so a
    chart never fails for a new name, and the known ones keep their colours.

    >>> colours("scenario", ["mix_2016", "my_scenario"])
    ['#E69F00', '#0072B2']
    """
    keys = list(keys)
    group = COLOUR_GROUPS[kind]
    used = {group[k] for k in keys if k in group}
    spare = iter([c for c in (fallback or SERIES) if c not in used] or list(fallback or SERIES))
    return [group[k] if k in group else next(spare, GREY) for k in keys]


def sequential(n: int) -> list[str]:
    """Return ``n`` colours from light to dark blue, for ordered values (e.g. opt-out uptake).

    >>> sequential(3)
    ['#9ecae1', '#2171b5', '#08306b']
    """
    ramp = ["#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b"]
    if n <= 0:
        return []
    if n == 1:
        return [ramp[4]]
    start = 1 if n <= 6 else 0
    idx = [round(start + i * (len(ramp) - 1 - start) / (n - 1)) for i in range(n)]
    return [ramp[i] for i in idx]
