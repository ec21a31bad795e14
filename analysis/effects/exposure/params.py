"""Exposure vocabulary, parameters and output tables."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from analysis.core.labels import SENSITIVE_PAIR_LABELS, SENSITIVE_SCOPE_LABELS
from analysis.core.params import Params, param
from analysis.core.schema import Field, Table, register

__all__ = [
    "ATTRIBUTIONS",
    "CONTACT_EDGES",
    "DEFAULT_STATES",
    "OPTED_OUT_STATES",
    "SCENARIO_SUMMARY",
    "SENSITIVE_PAIR_KINDS",
    "SENSITIVE_PAIR_LABELS",
    "SENSITIVE_SCOPES",
    "SENSITIVE_SCOPE_LABELS",
    "ExposureParams",
]


#: Consent states of people who took the partial opt-out or left WhatsApp.
OPTED_OUT_STATES = ("unticked_before_agreeing", "opted_out_in_window", "left_whatsapp")


#: Consent states in which a WhatsApp user's data may be used for suggestions (absent regimes).
DEFAULT_STATES = ("kept_default", "new_user_no_choice")


#: Sensitive pair kinds, in the order a pair is classified (first match wins).
SENSITIVE_PAIR_KINDS = (
    "patient_clinician",
    "client_sex_worker",
    "source_journalist",
    "client_lawyer",
    "ex_partner",
    "co_patients",
    "co_clients_sex_worker",
    "co_sources",
    "co_clients_lawyer",
)


#: Which sensitive kinds reveal something to someone new. ``third_party``: the two share a
#: sensitive third party (two patients of one clinician): each learns the other's secret.
#: ``own_tie``: the suggestion is the viewer's own private tie (their clinician, an
#: ex-partner): it shows Facebook knows the tie, but tells the viewer nothing new.
SENSITIVE_SCOPES = {
    "third_party": ("co_patients", "co_clients_sex_worker", "co_sources", "co_clients_lawyer"),
    "own_tie": (
        "patient_clinician",
        "client_sex_worker",
        "source_journalist",
        "client_lawyer",
        "ex_partner",
    ),
}


_CO_KIND = {
    "co_patients": "patient_clinician",
    "co_clients_sex_worker": "client_sex_worker",
    "co_sources": "source_journalist",
    "co_clients_lawyer": "client_lawyer",
}


ATTRIBUTIONS = (
    "own data",
    "a contact who kept the default",
    "someone else's data",
    "ranking shift",
)


@dataclass(frozen=True)
class ExposureParams(Params):
    """Knobs of the exposure analysis.

    How suggestions are ranked (``k``, ``method``, ``contact_edge_weight``) is set once, in
    :class:`analysis.effects.suggest.SuggestParams`, and passed as ``suggest=`` where needed.
    """

    section: ClassVar[str] = "exposure"

    exposure_bins: int = param(
        5,
        kind="int",
        low=2,
        high=50,
        unit="bins",
        description="Equal-width bins of the share of a person's ties who kept the default "
        "(collective-exposure curve).",
        source="convention",
        confidence="n/a",
    )
    shadow_negative_ratio: float = param(
        1.0,
        kind="float",
        low=0.1,
        high=100.0,
        unit="negatives per positive",
        description="Non-tied pairs of non-members sampled per real tie to estimate the "
        "shadow-tie AUC.",
        source="convention",
        confidence="n/a",
    )


CONTACT_EDGES = register(
    Table(
        "contact_edges",
        "Phone-contact edges Facebook can see under a scenario: one row per (owner, resolved "
        "Facebook account), from analysis.effects.exposure.contact_edges.",
        (
            Field("owner_person_id", "Whose address book holds the number.", "int64"),
            Field("contact_person_id", "The Facebook account the number resolves to.", "int64"),
            Field(
                "is_true_contact",
                "The account is the person the owner saved (not a stale recycled number).",
                "bool",
            ),
            Field(
                "is_baseline",
                "Visible without WhatsApp data (Facebook upload and a number Facebook holds).",
                "bool",
            ),
            Field(
                "is_whatsapp_visible",
                "Visible when WhatsApp data is used as the scenario permits.",
                "bool",
            ),
            Field("is_whatsapp_caused", "Visible with WhatsApp data and not without it.", "bool"),
            Field(
                "is_owner_data_used", "The route needs the owner's WhatsApp address book.", "bool"
            ),
            Field("is_contact_data_used", "The route needs the contact's WhatsApp number.", "bool"),
        ),
    )
)


SCENARIO_SUMMARY = register(
    Table(
        "suggestion_scenarios",
        "Per scenario: friend suggestions with and without WhatsApp data, and what the "
        "WhatsApp-only ones reveal (analysis.effects.exposure.compare_scenarios).",
        (
            Field("scenario", "Scenario name (data/scenarios).", "string"),
            Field(
                "suggestion_count",
                "Top-k suggestions shown, with WhatsApp data as permitted.",
                "int64",
            ),
            Field(
                "whatsapp_caused_edge_count",
                "Contact edges visible only because of WhatsApp data.",
                "int64",
            ),
            Field(
                "whatsapp_only_count",
                "Suggestions that exist only because of WhatsApp data.",
                "int64",
            ),
            Field("whatsapp_only_share", "whatsapp_only_count / suggestion_count.", "float64"),
            Field(
                "members_suggested_share",
                "Share of Facebook members suggested to someone else because of WhatsApp data "
                "(being shown a suggestion does not count).",
                "float64",
            ),
            Field(
                "baseline_precision_share",
                "Share of suggestions without WhatsApp data that are real-world ties.",
                "float64",
            ),
            Field(
                "whatsapp_only_precision_share",
                "Share of WhatsApp-only suggestions that are real-world ties.",
                "float64",
            ),
            Field(
                "sensitive_count",
                "WhatsApp-only suggestions that expose a sensitive tie (any kind).",
                "int64",
            ),
            Field(
                "third_party_sensitive_count",
                "WhatsApp-only suggestions between two people who share a sensitive third "
                "party (two patients of one clinician, ...): they reveal a secret to someone new.",
                "int64",
            ),
            Field(
                "own_tie_sensitive_count",
                "WhatsApp-only suggestions of a person's own private tie (their clinician, an "
                "ex-partner, ...).",
                "int64",
            ),
            Field(
                "opted_out_involved_count",
                "WhatsApp-only suggestions involving someone who opted out or left.",
                "int64",
            ),
        ),
    )
)
