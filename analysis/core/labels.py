"""Plain words for code names: one label map for every chart, table and sentence.

The computing stages name things in code form (``no_opt_out``, ``usable_for_ads_share``,
``opted_out_in_window``); readers see the words below. Every stage may import this module
(it sits in ``core``), so a table a computing stage builds and the chart the report draws
from it use the same words. The old names stay importable where they used to live
(``analysis.linking.MECHANISM_LABELS``, ``analysis.world.CONSENT_LABELS``, ...).

>>> label("mechanism", "device_id"), label("purpose_class", "ads")
('Device identifier', '(d) join usable for ads')
>>> label("scenario", "all_leave")
'Everyone leaves WhatsApp'
>>> column_label("whatsapp_caused_edge_count"), column_label("people_count")
('Contact edges from WhatsApp data', 'People')
>>> label("scenario", "my_own_scenario")  # unknown codes are shown as they are
'my_own_scenario'
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Mapping

from analysis.core.paths import SCENARIOS_DIR

__all__ = [
    "COLUMN_LABELS",
    "CONSENT_LABELS",
    "LABEL_KINDS",
    "MECHANISM_LABELS",
    "METRIC_LABELS",
    "PARAMETER_LABELS",
    "PURPOSE_CLASS_LABELS",
    "PURPOSE_LABELS",
    "SENSITIVE_PAIR_LABELS",
    "SENSITIVE_SCOPE_LABELS",
    "TIE_KIND_LABELS",
    "USE_LABELS",
    "ZERO_REASONS",
    "column_label",
    "label",
    "labels_for",
    "register_labels",
    "scenario_labels",
]


MECHANISM_LABELS: dict[str, str] = {
    "phone_number": "Phone number",
    "device_id": "Device identifier",
    "address_book": "Address-book inference",
    "fingerprint": "Device fingerprint",
    "any": "Any mechanism",
}
"""Linking mechanisms (``analysis.linking.MECHANISMS``, plus ``any``)."""


PURPOSE_CLASS_LABELS: dict[str, str] = {
    "ads": "(d) join usable for ads",
    "suggestions": "(c) join usable for suggestions, not ads",
    "own_use_only": "(b) join for Facebook's own use, not suggestions or ads",
    "reached_only": "(a) data reached Facebook, no join of its own",
    "not_reached": "nothing reached Facebook",
}
"""Tiers: the highest a WhatsApp user reaches (``analysis.linking.PURPOSE_CLASSES``)."""


PURPOSE_LABELS: dict[str, str] = {
    "infrastructure": "infrastructure",
    "analytics": "analytics",
    "security": "security and anti-spam",
    "suggestions": "friend suggestions",
    "ads": "ads",
}
"""Purposes of the policy table (``analysis.policy.PURPOSES``)."""


USE_LABELS: dict[str, str] = {
    "yes": "yes",
    "processor": "only on WhatsApp's behalf",
    "no": "no",
    "some fields": "some fields",
}
"""Cells of the policy table (``analysis.policy.USES``): may Facebook use the data?"""


CONSENT_LABELS: dict[str, str] = {
    "kept_default": "Kept the default (box ticked)",
    "unticked_before_agreeing": "Unticked the box before agreeing",
    "opted_out_in_window": "Opted out later, within 30 days",
    "new_user_no_choice": "New user: no choice offered",
    "left_whatsapp": "Left WhatsApp",
    "never_whatsapp": "Never a WhatsApp user",
}
"""Plain-words labels for the consent states, for charts and tables."""


TIE_KIND_LABELS: dict[str, str] = {
    "patient_clinician": "patient and clinician",
    "client_lawyer": "client and lawyer",
    "source_journalist": "source and journalist",
    "client_sex_worker": "client and sex worker",
    "ex_partner": "ex-partners",
    "family": "family",
    "work": "colleagues",
    "friend": "friends",
}
"""Kinds of real-world tie (``analysis.world.TIE_KINDS``)."""


SENSITIVE_PAIR_LABELS: dict[str, str] = {
    "patient_clinician": "patient and clinician",
    "client_sex_worker": "client and sex worker",
    "source_journalist": "source and journalist",
    "client_lawyer": "client and lawyer",
    "ex_partner": "ex-partners",
    "co_patients": "patients of the same clinician",
    "co_clients_sex_worker": "clients of the same sex worker",
    "co_sources": "sources of the same journalist",
    "co_clients_lawyer": "clients of the same lawyer",
    "none": "not sensitive",
}
"""What a friend suggestion between two people reveals (``analysis.effects.exposure``)."""


SENSITIVE_SCOPE_LABELS: dict[str, str] = {
    "third_party": "two people who share a sensitive third party",
    "own_tie": "a person's own private tie",
}
"""Whom a sensitive suggestion reveals something to (``analysis.effects.SENSITIVE_SCOPES``)."""


METRIC_LABELS: dict[str, str] = {}
"""Headline metric -> what it counts, in plain words. Filled by the stage that defines the
metrics (:mod:`analysis.results.metrics` registers its labels with :func:`register_labels`),
so the words live beside each metric's tier and denominator and are typed once."""


PARAMETER_LABELS: dict[str, str] = {
    "opt_out_uptake_share": "Opt-out uptake",
    "facebook_whatsapp_overlap": "Facebook-WhatsApp overlap",
    "facebook_phone_on_file_share": "Facebook accounts with a phone on file",
    "uploads_contacts_to_facebook": "Facebook users uploading contacts",
    "address_books": "Address books shared with Facebook",
    "instagram_given_facebook_share": "Facebook users also on Instagram",
    "facebook_phone_stale_share": "Facebook phone numbers out of date",
    "facebook_app_same_phone_share": "Facebook app on the same phone as WhatsApp",
    "whatsapp_new_user_share": "WhatsApp users who joined after the change",
    "whatsapp_left_share": "WhatsApp users who left",
    "opt_out_before_agreeing_share": "Opt-outs made before agreeing (not in the 30 days)",
    "opt_out_day_half_life_days": "How fast opt-outs came in the 30 days (half-life, days)",
    "acceptance_delay_mean_days": "Days before users accepted the new terms (mean)",
    "city_zipf_exponent": "How concentrated people are in big cities",
    "last_seen_mean_hours": "Hours since last seen (mean)",
    "degree_sigma": "Spread of the number of ties",
    "family_size": "Family size",
    "family_density": "Share of family members tied to each other",
    "work_size": "Workplace size",
    "work_density": "Share of colleagues tied to each other",
    "work_share": "People with a workplace",
    "friend_group_size": "Friend-group size",
    "friend_group_density": "Share of a friend group tied to each other",
    "country_wide_group_share": "Friend groups spread over a whole country",
    "cross_country_share": "Ties that cross a border",
    "professional_same_city_share": "Doctors, lawyers and journalists in their clients' city",
    "ex_partner_share": "People with an ex-partner among their ties",
    "businesses_per_book": "Businesses per address book",
    "outside_per_book": "Contacts outside the world per address book",
    "service_codes_per_book": "Service numbers per address book",
    "duplicate_entry_share": "Duplicate address-book entries",
    "contact_edge_weight": "Weight of an uploaded contact in friend suggestions",
    "name_match_threshold": "Name-match score needed to attach a number",
    "min_agreeing_uploaders": "Uploaders who must agree on a number's name",
    "last_seen_bucket_minutes": "Precision of last-seen times in the fingerprint (minutes)",
    "list_size_median": "Customer-list size (median)",
    "list_size_sigma": "Spread of customer-list sizes",
    "email_share": "Customers listed with an email address",
    "email_messy_share": "Email addresses written untidily",
    "min_audience_size": "Minimum audience size for an ad",
    "typo_share": "Entries with a typing error",
}
"""The unknown parameters of the sensitivity runs (``analysis.results.robustness``) and of
the Morris sweep (``analysis.results.sweep``); a name that two parameter classes share
(``typo_share``) is qualified by :func:`analysis.results.screening.parameter_words`."""


ZERO_REASONS: dict[str, str] = {
    "before_change": "no WhatsApp data reached Facebook before the change",
    "all_leave": "nobody is left on WhatsApp",
}
"""Why a figure is exactly zero in a scenario, by construction (see ``fmt_estimate``)."""


COLUMN_LABELS: dict[str, str] = {
    "scenario": "Scenario",
    "scenario_title": "Scenario",
    "title": "Scenario",
    "description": "What it means",
    "mechanism": "Mechanism",
    "mechanism_label": "Mechanism",
    "purpose_class": "Highest tier reached",
    "purpose": "Purpose",
    "state": "Situation (consent state)",
    "consent_state": "Consent state",
    "country_code": "Country",
    "tie_kind": "Kind of tie",
    "metric": "Figure",
    "label": "Figure",
    "headline": "Headline",
    "parameter": "Parameter",
    "parameter_label": "Parameter",
    "value": "Value",
    "unit": "Unit",
    "mean": "Mean",
    "low": "95% interval, low",
    "high": "95% interval, high",
    "seed_count": "Worlds",
    "people_count": "People",
    "person_count": "People",
    "customers_count": "Customers",
    "tie_count": "Ties",
    "entry_count": "Address-book entries",
    "whatsapp_caused_edge_count": "Contact edges from WhatsApp data",
    "whatsapp_only_count": "Suggestions only from WhatsApp data",
    "whatsapp_share": "WhatsApp",
    "facebook_share": "Facebook",
    "precision": "Precision (links that are right)",
    "recall": "Recall (true pairs found)",
    "plausible_range": "Plausible range",
    "confidence": "Confidence",
    "source": "Source",
}
"""Column headers in plain words; :func:`column_label` writes the rest by rule."""


@functools.cache
def _scenario_titles() -> dict[str, str]:
    titles = {}
    for path in sorted(SCENARIOS_DIR.glob("*.toml")):
        with path.open("rb") as fh:
            title = tomllib.load(fh).get("title")
        if isinstance(title, str) and title:
            titles[path.stem] = title
    return titles


def scenario_labels() -> dict[str, str]:
    """Scenario name -> title, read from the built-in scenario files (``data/scenarios/``).

    The titles live in the scenario files themselves, so a new built-in scenario brings
    its own label.

    >>> scenario_labels()["no_opt_out"]
    'Everyone keeps the default'
    """
    return dict(_scenario_titles())


LABEL_KINDS: tuple[str, ...] = (
    "scenario",
    "mechanism",
    "purpose_class",
    "purpose",
    "use",
    "consent_state",
    "tie_kind",
    "sensitive_pair",
    "metric",
    "parameter",
)
"""The kinds of code name :func:`label` knows."""


def labels_for(kind: str) -> Mapping[str, str]:
    """Return the label map of one kind of code name (one of :data:`LABEL_KINDS`).

    >>> labels_for("consent_state")["left_whatsapp"]
    'Left WhatsApp'
    """
    maps: dict[str, Mapping[str, str]] = {
        "mechanism": MECHANISM_LABELS,
        "purpose_class": PURPOSE_CLASS_LABELS,
        "purpose": PURPOSE_LABELS,
        "use": USE_LABELS,
        "consent_state": CONSENT_LABELS,
        "tie_kind": TIE_KIND_LABELS,
        "sensitive_pair": SENSITIVE_PAIR_LABELS,
        "parameter": PARAMETER_LABELS,
    }
    if kind == "scenario":
        return scenario_labels()
    if kind == "metric":
        return METRIC_LABELS
    if kind not in maps:
        raise ValueError(f"label kind = {kind!r} is not known; allowed: {list(LABEL_KINDS)}")
    return maps[kind]


def register_labels(kind: str, words: Mapping[str, str]) -> None:
    """Add plain words for code names that a later stage defines (today: ``metric``).

    >>> register_labels("metric", {"example_share": "an example"})
    >>> label("metric", "example_share")
    'an example'
    >>> _ = METRIC_LABELS.pop("example_share")
    """
    if kind != "metric":
        raise ValueError(f"register_labels: kind = {kind!r}; only 'metric' labels are registered")
    METRIC_LABELS.update(words)


def label(kind: str, code: str) -> str:
    """Return plain words for one code name; an unknown code comes back unchanged."""
    return labels_for(kind).get(code, code)


#: Words whose spelling a rule must fix (brands, abbreviations).
_WORDS = {
    "whatsapp": "WhatsApp",
    "facebook": "Facebook",
    "instagram": "Instagram",
    "e164": "E.164",
    "id": "ID",
    "os": "OS",
    "auc": "AUC",
    "mcc": "MCC",
    "mnc": "MNC",
    "sha256": "SHA-256",
}


def column_label(name: str) -> str:
    """Write a column header in plain words: :data:`COLUMN_LABELS`, else a rule on its suffix.

    ``_share`` and ``_pct`` columns become ``... (%)``, ``_count`` columns drop the suffix,
    ``is_``/``has_`` columns become questions, underscores become spaces.

    >>> column_label("whatsapp_reference_share"), column_label("is_phone_typo")
    ('WhatsApp reference (%)', 'Phone typo?')
    >>> column_label("recovered_count"), column_label("scenario")
    ('Recovered', 'Scenario')
    """
    if name in COLUMN_LABELS:
        return COLUMN_LABELS[name]
    text, suffix = str(name), ""
    if m := re.fullmatch(r"(.+)_(share|pct)", text):
        text, suffix = m[1], " (%)"
    elif m := re.fullmatch(r"(.+)_count", text):
        text = m[1]
    elif m := re.fullmatch(r"(is|has)_(.+)", text):
        text, suffix = m[2], "?"
    words = [_WORDS.get(w.lower(), w) for w in text.split("_") if w]
    if not words:
        return str(name)
    first = words[0]
    words[0] = first if first in _WORDS.values() else first[:1].upper() + first[1:]
    return " ".join(words) + suffix
