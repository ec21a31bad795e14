"""What each headline number counts: its label, unit, tier and denominator.

Every metric of :func:`analysis.results.headline_metrics` is declared here once, with

* ``label``: what it counts, in plain words;
* ``unit``: ``share`` (0-1), ``count`` or ``rate`` (per 1,000);
* ``tier``: which linking tier it reads (:mod:`analysis.linking.tiers`: (a) reached, (b)
  joined for Facebook's own use, (c) usable for suggestions, (d) usable for ads), or the
  WhatsApp use it rests on;
* ``denominator``: who the share is of.

>>> METRICS["reached_share"].tier
'(a)'
>>> METRICS["opted_out_suggested_member_share"].denominator
'Facebook members who took the partial opt-out'
"""

from __future__ import annotations

from typing import NamedTuple

from analysis.core.labels import register_labels
from analysis.effects.exposure.harm import EXPOSURE_GROUPS, GROUP_LABELS
from analysis.linking.tiers import TIER_LETTERS, TIERS

__all__ = [
    "HEADLINES",
    "HEADLINE_SCENARIO_TITLES",
    "LINK_SCENARIOS",
    "METRICS",
    "MIX",
    "TIME_SCENARIOS",
    "Metric",
]


class Metric(NamedTuple):
    """A headline metric: what it counts (``label``), ``unit``, ``tier``, ``denominator``."""

    label: str
    unit: str
    tier: str
    denominator: str


#: Scenarios whose linking tiers are headline metrics, in reading order.
LINK_SCENARIOS: tuple[str, ...] = ("no_opt_out", "all_partial_opt_out", "all_leave", "mix_2016")


#: Scenario of the suggestion, exposure and ads headlines (the 2016 change as it happened).
MIX = "mix_2016"


#: Cohorts of the time headlines (see :func:`analysis.linking.time_table`): everyone who
#: stayed in 2016 accepted in their 2016 state and left on a later day, or opted out on a
#: day of the 30-day window.
TIME_SCENARIOS: tuple[str, ...] = ("accepted_then_left", "opted_out_in_window")


#: Titles of the headline scenarios that are not built-in scenarios.
HEADLINE_SCENARIO_TITLES: dict[str, str] = {
    "accepted_then_left": "Accepted, shared, then left",
    "opted_out_in_window": "Opted out during the 30-day window",
}


_WA = "WhatsApp users (people who left included)"
_TIER_WORDS = {
    "reached": "whose WhatsApp data reached Facebook",
    "own_join": "joined to their own Facebook account for Facebook's own purposes",
    "suggestions_join": "with a join usable for friend suggestions",
    "ads_join": "with a join usable for ads",
}


def _metrics() -> dict[str, Metric]:
    out: dict[str, Metric] = {}
    for t in TIERS:
        out[f"{t}_share"] = Metric(
            f"WhatsApp users {_TIER_WORDS[t]}", "share", TIER_LETTERS[t], _WA
        )
    out["ads_join_no_choice_share"] = Metric(
        "of the WhatsApp users with a join usable for ads, the share who joined after the "
        "change and were offered no choice",
        "share",
        "(d)",
        "WhatsApp users with a join usable for ads",
    )
    for t in TIERS:
        out[f"held_{t}_share"] = Metric(
            f"people still held by Facebook {_TIER_WORDS[t]}, from data received before",
            "share",
            TIER_LETTERS[t],
            "people in the cohort (existing WhatsApp users who stayed in 2016)",
        )
    out["whatsapp_only_suggestion_share"] = Metric(
        "friend suggestions that exist only because of WhatsApp data",
        "share",
        "(c)",
        "suggestions shown to Facebook members",
    )
    out["members_suggested_share"] = Metric(
        "Facebook members suggested to someone else because of WhatsApp data",
        "share",
        "(c)",
        "Facebook members",
    )
    out["co_client_suggested_share"] = Metric(
        "patients, clients and sources suggested to another patient, client or source of "
        "the same professional because of WhatsApp data",
        "share",
        "(c)",
        "Facebook members who are patients, clients or sources of a professional",
    )
    out["co_client_member_count"] = Metric(
        "Facebook members who are patients, clients or sources of a professional",
        "count",
        "",
        "",
    )
    out["third_party_sensitive_per_1000_members"] = Metric(
        "WhatsApp-only suggestions between two people who share a sensitive third party, per "
        "1,000 Facebook members",
        "rate",
        "(c)",
        "Facebook members",
    )
    out["own_tie_sensitive_per_1000_members"] = Metric(
        "WhatsApp-only suggestions of a person's own private tie, per 1,000 Facebook members",
        "rate",
        "(c)",
        "Facebook members",
    )
    for g in EXPOSURE_GROUPS:
        who = GROUP_LABELS[g]
        out[f"{g}_suggested_share"] = Metric(
            f"people who {who}, suggested to someone else because of WhatsApp data",
            "share",
            "(c)",
            f"people who {who}",
        )
        out[f"{g}_suggested_member_share"] = Metric(
            f"Facebook members who {who}, suggested to someone else because of WhatsApp data",
            "share",
            "(c)",
            f"Facebook members who {who}",
        )
        out[f"{g}_tie_known_share"] = Metric(
            f"people who {who} with a tie known to Facebook through someone else's upload",
            "share",
            "held by Facebook",
            f"people who {who}",
        )
        out[f"{g}_tie_known_whatsapp_share"] = Metric(
            f"people who {who} with a tie known to Facebook only through WhatsApp's copy of "
            "someone else's address book",
            "share",
            "(a)",
            f"people who {who}",
        )
        out[f"{g}_number_attached_share"] = Metric(
            f"people who {who} whose number other people's data attached to an account or a "
            "shadow profile",
            "share",
            "held by Facebook",
            f"people who {who}",
        )
        out[f"{g}_member_count"] = Metric(f"Facebook members who {who}", "count", "", "")
        out[f"{g}_people_count"] = Metric(f"people who {who}", "count", "", "")
    out["ad_match_without_whatsapp_share"] = Metric(
        "customer-list entries matched without WhatsApp's numbers",
        "share",
        "Facebook's own data",
        "customer-list entries",
    )
    out["ad_match_share"] = Metric(
        "customer-list entries matched with the WhatsApp numbers permitted for ads",
        "share",
        "(d)",
        "customer-list entries",
    )
    out["ad_extra_match_share"] = Metric(
        "extra customer-list entries matched thanks to WhatsApp",
        "share",
        "(d)",
        "customer-list entries",
    )
    out["ad_extra_match_numbers_only_share"] = Metric(
        "extra customer-list entries matched thanks to WhatsApp, if Facebook matched only on "
        "the numbers users gave it",
        "share",
        "(d)",
        "customer-list entries",
    )
    return out


#: Metric -> :class:`Metric` (label, unit, tier, denominator).
METRICS: dict[str, Metric] = _metrics()
register_labels("metric", {name: m.label for name, m in METRICS.items()})


#: The headlines charted in the sensitivity and convergence checks: (metric, scenario) -> label.
HEADLINES: dict[tuple[str, str], str] = {
    ("own_join_share", "all_partial_opt_out"): "(b) Joined for Facebook's own use, all opt out",
    ("ads_join_share", "mix_2016"): "(d) Join usable for ads, 2016 mix",
    ("held_ads_join_share", "accepted_then_left"): "(d) Still held after leaving",
    ("whatsapp_only_suggestion_share", "mix_2016"): "(c) Suggestions only from WhatsApp",
    ("opted_out_suggested_share", "mix_2016"): "(c) Opted out, suggested to others",
    ("co_client_suggested_share", "mix_2016"): "(c) Patients suggested to co-patients",
    ("ad_extra_match_share", "mix_2016"): "(d) Extra ad matches from WhatsApp",
    ("ad_extra_match_numbers_only_share", "mix_2016"): "(d) Extra ad matches, numbers only",
}
