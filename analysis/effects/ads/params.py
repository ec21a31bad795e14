"""Custom Audiences parameters, vocabulary and output tables."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from analysis.core.params import ParameterError, Params, param
from analysis.core.schema import Field, Table, register
from analysis.world.params import COUNTRIES
from analysis.world.writing import PHONE_STYLES

__all__ = [
    "AD_AUDIENCES",
    "AD_CUSTOMERS",
    "AD_MATCH_RATES",
    "AD_OPT_OUT_REACH",
    "OPT_OUT_STATES",
    "SOURCES",
    "WHATSAPP_SOURCES",
    "AdsParams",
]


SOURCES = (
    "profile",
    "messenger",
    "two_factor",
    "shadow_contacts",
    "email",
    "whatsapp",
    "whatsapp_contacts",
)
"""Where a key Facebook matches on comes from; the last two are WhatsApp-sourced."""


WHATSAPP_SOURCES = ("whatsapp", "whatsapp_contacts")


#: Consent states that took the partial opt-out (ads purpose off by their own choice).
OPT_OUT_STATES = ("unticked_before_agreeing", "opted_out_in_window")


_VENKATADRI = (
    "Venkatadri et al., PETS 2019 'Investigating sources of PII used in Facebook's "
    "targeted advertising'"
)


@dataclass(frozen=True)
class AdsParams(Params):
    """Knobs of the Custom Audiences simulation (issue 6)."""

    section: ClassVar[str] = "ads"

    n_businesses: int = param(
        60,
        kind="int",
        low=1,
        high=100_000,
        unit="businesses",
        plausible=(20, 500),
        description="Number of synthetic businesses that upload a customer list.",
        source="convention",
        confidence="n/a",
    )
    list_size_median: int = param(
        150,
        kind="int",
        low=1,
        high=1_000_000,
        unit="customers",
        plausible=(30, 2_000),
        description="Median customer-list size (list sizes are log-normal; a list never "
        "exceeds the population of its country).",
        source="assumption (small businesses; chosen so that lists straddle the minimum "
        "audience size)",
    )
    list_size_sigma: float = param(
        0.8,
        kind="float",
        low=0.0,
        high=3.0,
        plausible=(0.3, 1.5),
        description="Spread (sigma of the logarithm) of customer-list sizes.",
    )
    country_weights: dict = param(
        {c: 1.0 for c in COUNTRIES},
        kind="weights",
        choices=COUNTRIES,
        description="Relative number of businesses per country (zero = none there); "
        "only countries present in the population are used.",
        source="assumption",
        confidence="n/a",
    )
    email_share: float = param(
        0.3,
        kind="share",
        plausible=(0.0, 0.8),
        description="Share of customers who also gave an email address.",
    )
    typo_share: float = param(
        0.03,
        kind="share",
        plausible=(0.0, 0.1),
        description="Share of customer phone numbers written with one typo "
        "(a digit dropped, doubled, replaced or swapped).",
    )
    phone_style_weights: dict = param(
        {
            "e164": 0.1,
            "international": 0.15,
            "international_idd": 0.05,
            "digits_with_country_code": 0.05,
            "national": 0.4,
            "national_compact": 0.15,
            "no_trunk_prefix": 0.1,
        },
        kind="weights",
        choices=PHONE_STYLES,
        description="How customers write their phone number (see analysis.world.PHONE_STYLES).",
    )
    email_messy_share: float = param(
        0.3,
        kind="share",
        plausible=(0.0, 0.6),
        description="Share of given emails written with capitals or surrounding spaces "
        "(normalisation undoes both).",
    )
    match_emails: bool = param(
        True,
        kind="bool",
        description="Upload email hashes too, and match them against the email of every "
        "Facebook account (assumption: the account's email is people.email).",
        source="Marketing API accepts EMAIL and PHONE keys",
        confidence="med",
    )
    shadow_contacts_usable: bool = param(
        True,
        kind="bool",
        description="Facebook matches on numbers it found in other users' uploaded contacts "
        "(shadow contact information), attached to accounts by the linking module's "
        "inference (a contact label matching the account's name; analysis.linking).",
        source=_VENKATADRI + " (shown for 2018; its use in 2016 is an assumption)",
        confidence="med",
    )
    min_audience_size: int = param(
        100,
        kind="int",
        low=20,
        high=1_000,
        unit="accounts",
        plausible=(20, 1_000),
        description="Minimum matched audience Facebook requires before ads run.",
        source="reported between 20 and 1,000 over the years (domain notes, data-flows.md)",
        confidence="low",
    )

    def _check_consistency(self) -> None:
        if not any(self.country_weights.get(c, 0) > 0 for c in COUNTRIES):
            raise ParameterError("country_weights: at least one country needs a positive weight")


_ADS = "AdsParams (analysis/effects/ads/params.py)"


AD_CUSTOMERS = register(
    Table(
        "ad_customers",
        "One row per customer on a synthetic business's list, as the business holds it "
        "before normalising and hashing.",
        (
            Field("customer_id", "Row identifier, 0..n-1.", "int64"),
            Field("business_id", "The business holding the list.", "int64"),
            Field(
                "country_code",
                "Country of the business (default region for numbers "
                "typed without a country code).",
                "category",
                "",
                _ADS,
            ),
            Field("person_id", "Ground truth: the person on the list (never uploaded).", "int64"),
            Field(
                "phone_style",
                "How the number was written (analysis.world.PHONE_STYLES).",
                "category",
                "",
                _ADS,
            ),
            Field("phone_raw", "The number as the customer gave it.", "string", "", _ADS),
            Field(
                "phone_e164",
                "phone_raw as the Marketing API reads it in the business's country: '+' and "
                "the match key (null when it cannot be read).",
                "string",
                "E.164",
                "phonenumbers",
            ),
            Field("is_phone_typo", "The number was written with one typo.", "bool", "", _ADS),
            Field(
                "email_raw",
                "The email as given (null if none; capitals and spaces possible).",
                "string",
                "",
                _ADS,
            ),
        ),
    )
)


AD_MATCH_RATES = register(
    Table(
        "ad_match_rates",
        "Custom Audiences match rates per scenario and business country.",
        (
            Field("scenario", "Policy scenario (analysis.policy.builtin_scenarios).", "string"),
            Field(
                "country_code",
                "Country of the businesses; ALL for all countries together.",
                "string",
            ),
            Field("customers_count", "Customer rows uploaded.", "int64", "rows"),
            Field(
                "phone_unusable_count", "Rows whose phone could not be normalised.", "int64", "rows"
            ),
            Field(
                "matched_without_whatsapp_count",
                "Rows matched to an account through "
                "Facebook's own data (profile, Messenger, two-factor, shadow contacts, email).",
                "int64",
                "rows",
            ),
            Field(
                "matched_count",
                "Rows matched through any source the scenario permits.",
                "int64",
                "rows",
            ),
            Field(
                "match_without_whatsapp_share",
                "matched_without_whatsapp_count / customers_count.",
                "float64",
                "share",
            ),
            Field("match_share", "matched_count / customers_count.", "float64", "share"),
            Field(
                "extra_reach_count",
                "Accounts added to audiences by WhatsApp-sourced data, "
                "summed over the country's businesses.",
                "int64",
                "accounts",
            ),
            Field(
                "audiences_unlocked_count",
                "Businesses whose audience reaches the minimum size only because of WhatsApp data.",
                "int64",
                "businesses",
            ),
        ),
    )
)


AD_AUDIENCES = register(
    Table(
        "ad_audiences",
        "One row per scenario and business: audience size with and without WhatsApp data.",
        (
            Field("scenario", "Policy scenario.", "string"),
            Field("business_id", "The business.", "int64"),
            Field("country_code", "Country of the business.", "string"),
            Field("list_size_count", "Customers on the list.", "int64", "rows"),
            Field(
                "audience_without_whatsapp_count",
                "Distinct accounts matched through Facebook's own data.",
                "int64",
                "accounts",
            ),
            Field(
                "audience_count",
                "Distinct accounts matched through any permitted source.",
                "int64",
                "accounts",
            ),
            Field(
                "wrong_account_count",
                "Accounts in the audience that are not on the list "
                "(stale recycled numbers, typos).",
                "int64",
                "accounts",
            ),
            Field(
                "is_above_minimum_without_whatsapp",
                "Audience without WhatsApp data reaches the minimum size.",
                "bool",
            ),
            Field("is_above_minimum", "Audience reaches the minimum size.", "bool"),
            Field(
                "is_unlocked_by_whatsapp",
                "Reaches the minimum only because of WhatsApp data.",
                "bool",
            ),
        ),
    )
)


AD_OPT_OUT_REACH = register(
    Table(
        "ad_opt_out_reach",
        "Per scenario: Facebook users whose WhatsApp data may not be used for ads, and how "
        "many of them Facebook can still target through numbers or emails it got elsewhere.",
        (
            Field("scenario", "Policy scenario.", "string"),
            Field(
                "group",
                "ads_off_whatsapp_users (any reason) or opted_out (partial opt-out).",
                "string",
            ),
            Field(
                "people_count",
                "WhatsApp users in the group who have a Facebook account.",
                "int64",
                "people",
            ),
            Field(
                "reachable_by_phone_elsewhere_count",
                "Of those, people whose own current number "
                "Facebook holds without WhatsApp (number on file and not stale, or a shadow "
                "contact): any business with their number can target them.",
                "int64",
                "people",
            ),
            Field(
                "on_lists_count",
                "Of the group, people on at least one customer list.",
                "int64",
                "people",
            ),
            Field(
                "matched_on_lists_count",
                "Of those on lists, people still put in an audience "
                "(as themselves) without WhatsApp data (phone or email).",
                "int64",
                "people",
            ),
        ),
    )
)
