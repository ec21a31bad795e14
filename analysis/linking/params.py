"""Linking vocabulary, parameters and output tables: mechanisms, purpose classes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from analysis.core.labels import MECHANISM_LABELS, PURPOSE_CLASS_LABELS
from analysis.core.params import Params, param
from analysis.core.schema import Field, Table, register
from analysis.policy.flows import PURPOSES

__all__ = [
    "LINKS",
    "MECHANISMS",
    "MECHANISM_FIELDS",
    "MECHANISM_LABELS",
    "PURPOSE_CLASSES",
    "PURPOSE_CLASS_LABELS",
    "SUMMARY",
    "LinkingParams",
]


MECHANISMS: tuple[str, ...] = ("phone_number", "device_id", "address_book", "fingerprint")
"""Linking mechanisms, in the order they are reported."""


MECHANISM_FIELDS: dict[str, tuple[str, ...]] = {
    "phone_number": ("phone_number",),
    "device_id": ("device_id",),
    "address_book": ("phone_number",),
    "fingerprint": ("os", "screen_resolution", "mcc", "mnc"),
}
"""WhatsApp fields each mechanism needs about the WhatsApp user (policy FIELDS)."""


PURPOSE_CLASSES: tuple[str, ...] = (
    "ads",
    "suggestions",
    "own_use_only",
    "reached_only",
    "not_reached",
)
"""A WhatsApp user's highest tier (:mod:`analysis.linking.tiers`), best first: a join usable
for ads (d); for friend suggestions but not ads (c); a join Facebook may use for its own
purposes, but not for suggestions or ads (b); WhatsApp data reached Facebook but no join
Facebook may use for itself (a: no Facebook account, not joined, or processed only on
WhatsApp's behalf); nothing reached Facebook."""


@dataclass(frozen=True)
class LinkingParams(Params):
    """Knobs of the linking mechanisms (issue 4)."""

    section: ClassVar[str] = "linking"

    name_match_threshold: float = param(
        85.0,
        kind="float",
        low=0.0,
        high=100.0,
        unit="score 0-100",
        plausible=(70.0, 95.0),
        description="Minimum rapidfuzz token_sort_ratio between a contact entry's label and a "
        "Facebook account's full name for the entry's number to be a candidate for that account.",
        source="assumption; record-linkage practice",
        confidence="low",
    )
    min_agreeing_uploaders: int = param(
        1,
        kind="int",
        low=1,
        high=50,
        unit="uploaders",
        plausible=(1, 3),
        description="Minimum number of distinct Facebook friends whose uploaded contacts must "
        "agree on a number before it is attached to an account.",
        source="assumption",
        confidence="low",
    )
    last_seen_bucket_minutes: int = param(
        60,
        kind="int",
        low=1,
        high=1440,
        unit="minutes",
        plausible=(1, 60),
        description="Width of the last-seen buckets added to the device fingerprint.",
        source="assumption",
        confidence="low",
    )
    block_on_initial: bool = param(
        True,
        kind="bool",
        description="Compare a contact label with an account's name only if the initials of "
        "the label's first and last words are those of the name's first and last words, in "
        "either order (blocking, for speed; such labels rarely reach the threshold anyway).",
        source="record-linkage practice",
        confidence="n/a",
    )


LINKS = register(
    Table(
        "whatsapp_links",
        "One row per WhatsApp user under one scenario: which mechanisms link them to their own "
        "Facebook account, any false links, and what the links may be used for.",
        (
            Field("person_id", "The WhatsApp user (ground truth row).", "int64"),
            Field("country_code", "Country of residence.", "category"),
            Field(
                "consent_state",
                "Consent state under the scenario.",
                "category",
                "",
                "analysis.policy",
            ),
            Field(
                "has_facebook_account",
                "The person has a Facebook account (a true link exists).",
                "bool",
            ),
            *[
                Field(
                    f"is_linked_{m}",
                    f"Linked to their own Facebook account by {MECHANISM_LABELS[m].lower()}.",
                    "bool",
                )
                for m in MECHANISMS
            ],
            *[
                Field(
                    f"is_mislinked_{m}",
                    f"Linked to someone else's Facebook account by {MECHANISM_LABELS[m].lower()}.",
                    "bool",
                )
                for m in MECHANISMS
            ],
            Field(
                "is_linked_any",
                "Linked to their own Facebook account by at least one mechanism, from the "
                "data that reached Facebook (processing on WhatsApp's behalf included).",
                "bool",
            ),
            Field(
                "is_reached",
                "Tier (a): some WhatsApp data about them reached Facebook, for any purpose, "
                "also when Facebook may process it only on WhatsApp's behalf, with or without "
                "a Facebook account.",
                "bool",
                "",
                "policy_flows.csv",
            ),
            Field(
                "is_joined_for_own_use",
                "Tier (b): a correct link whose fields Facebook may use for some purpose of "
                "its own (a 'yes' cell), not only on WhatsApp's behalf.",
                "bool",
                "",
                "policy_flows.csv",
            ),
            *[
                Field(
                    f"is_usable_for_{p}",
                    f"A correct link may be used for {p} by Facebook for its own ends"
                    + {"suggestions": " (tier c).", "ads": " (tier d)."}.get(p, "."),
                    "bool",
                    "",
                    "policy_flows.csv",
                )
                for p in PURPOSES
            ],
            Field(
                "purpose_class",
                "Highest tier: ads, suggestions, own_use_only, reached_only or not_reached "
                "(analysis.linking.PURPOSE_CLASSES).",
                "category",
            ),
        ),
    )
)


SUMMARY = register(
    Table(
        "linking_summary",
        "Share of WhatsApp users by highest tier (reached, joined for Facebook's own use, usable "
        "for suggestions, for ads), by scenario and mechanism, over seeds (mean and 95% interval).",
        (
            Field("scenario", "Scenario name (data/scenarios/).", "string"),
            Field("mechanism", "Linking mechanism, or 'any'.", "string"),
            Field(
                "purpose_class",
                "Highest tier: ads, suggestions, own_use_only, reached_only or not_reached.",
                "string",
            ),
            Field("mean_share", "Mean share of WhatsApp users over seeds.", "float64", "share"),
            Field("low_share", "Lower end of the 95% t-interval of the mean.", "float64", "share"),
            Field("high_share", "Upper end of the 95% t-interval of the mean.", "float64", "share"),
            Field("seed_count", "Number of seeds.", "int64"),
        ),
    )
)
