"""Field metadata of the world's tables: people, ties, person attributes, address books."""

from __future__ import annotations

from typing import TYPE_CHECKING

from analysis.core.schema import Field, Table, register

if TYPE_CHECKING:  # pragma: no cover
    pass

if TYPE_CHECKING:  # pragma: no cover
    pass

__all__ = [
    "ADDRESS_BOOK",
    "PEOPLE",
    "PERSON_ATTRS",
    "TIES",
]


_PARAMS = "WorldParams (analysis/world/params.py)"


_REF = "data/reference/"


PEOPLE = register(
    Table(
        "people",
        "One row per synthetic person (an adult smartphone owner) in 2016. "
        "Written to data/processed/people.parquet.",
        (
            Field(
                "person_id",
                "Row identifier, 0..n-1; ground truth for every linking measure.",
                "int64",
            ),
            Field(
                "country_code",
                "ISO 3166-1 alpha-2 country of residence.",
                "category",
                "",
                _REF + "countries.csv",
            ),
            Field(
                "faker_locale",
                "Faker locale used for the person's name and city.",
                "category",
                "",
                _REF + "countries.csv",
            ),
            Field(
                "first_name",
                "Given name, from a seeded Faker pool of the locale.",
                "string",
                "",
                "Faker",
            ),
            Field(
                "last_name",
                "Family name, from a seeded Faker pool of the locale.",
                "string",
                "",
                "Faker",
            ),
            Field(
                "full_name", "first_name and last_name joined by a space.", "string", "", "derived"
            ),
            Field(
                "email",
                "Email address on an RFC 2606 reserved domain (example.com/.org/.net).",
                "string",
                "",
                "derived",
            ),
            Field(
                "city",
                "City, from a seeded Faker pool of the locale; sizes follow a Zipf law.",
                "category",
                "",
                "Faker; " + _PARAMS,
            ),
            Field(
                "phone_e164",
                "The person's mobile number, E.164, from the country's synthetic block (never a real subscriber's).",
                "string",
                "E.164",
                _REF + "phone_blocks.csv",
            ),
            Field(
                "is_whatsapp_user",
                "Had a WhatsApp account in 2016 (including people who left and new users).",
                "bool",
                "",
                _REF + "countries.csv",
            ),
            Field(
                "is_facebook_user",
                "Has a Facebook account.",
                "bool",
                "",
                _REF + "countries.csv; " + _PARAMS,
            ),
            Field("is_instagram_user", "Has an Instagram account.", "bool", "", _PARAMS),
            Field(
                "facebook_account_id",
                "Synthetic Facebook account id (null without an account).",
                "Int64",
                "",
                "derived",
            ),
            Field(
                "is_facebook_phone_on_file",
                "Facebook holds a phone number for the account.",
                "bool",
                "",
                _PARAMS,
            ),
            Field(
                "facebook_phone_source",
                "How Facebook got it: profile, messenger, two_factor, or none.",
                "category",
                "",
                _PARAMS,
            ),
            Field(
                "facebook_phone_e164",
                "The number Facebook holds (null if none); usually the person's own, sometimes a stale recycled number.",
                "string",
                "E.164",
                _PARAMS,
            ),
            Field(
                "is_facebook_phone_stale",
                "The number on file is out of date and now belongs to someone else.",
                "bool",
                "",
                _PARAMS,
            ),
            Field(
                "os_name",
                "Phone operating system: Android, iOS or Other.",
                "category",
                "",
                _REF + "os_share.csv",
            ),
            Field(
                "os_version", "Operating-system version.", "category", "", _REF + "os_versions.csv"
            ),
            Field(
                "screen_resolution",
                "Screen resolution, WIDTHxHEIGHT in pixels.",
                "category",
                "pixels",
                _REF + "screen_resolutions.csv",
            ),
            Field(
                "carrier_name",
                "Mobile network operator of the SIM.",
                "category",
                "",
                _REF + "carriers.csv",
            ),
            Field(
                "mcc",
                "Mobile country code of the SIM (3 digits, text).",
                "category",
                "",
                _REF + "carriers.csv",
            ),
            Field(
                "mnc",
                "Mobile network code of the SIM (2-3 digits, text, leading zeros kept).",
                "category",
                "",
                _REF + "carriers.csv",
            ),
            Field(
                "device_id",
                "Device identifier (16 hex digits), shared by apps on the same phone.",
                "string",
                "",
                "derived",
            ),
            Field(
                "has_facebook_app_same_phone",
                "The Facebook app is installed on this phone (device-identifier link possible).",
                "bool",
                "",
                _PARAMS,
            ),
            Field(
                "consent_state",
                "WhatsApp consent state in 2016; see analysis.world.CONSENT_STATES.",
                "category",
                "",
                _PARAMS,
            ),
            Field(
                "opt_out_day",
                "Day of the 30-day window on which the person opted out (0 = unticked before agreeing); null otherwise.",
                "Int64",
                "days",
                _PARAMS,
            ),
            Field(
                "whatsapp_registered_on",
                "Date the WhatsApp account was created (null for non-users).",
                "datetime64[s]",
                "date",
                _PARAMS,
            ),
            Field(
                "terms_accepted_on",
                "Date the 2016 terms were accepted (null for non-users and leavers).",
                "datetime64[s]",
                "date",
                _PARAMS,
            ),
            Field(
                "whatsapp_last_seen_at",
                "Last time the person used WhatsApp, UTC (null for non-users).",
                "datetime64[s]",
                "UTC timestamp",
                _PARAMS,
            ),
            Field(
                "whatsapp_app_version",
                "WhatsApp app version (null for non-users).",
                "category",
                "",
                "assumption",
            ),
        ),
    )
)


_SOCIAL = "SocialParams (analysis/world/params.py)"


TIES = register(
    Table(
        "ties",
        "One row per real-world tie between two synthetic people (undirected; no duplicate "
        "pairs, no self-loops). SocialWorld.ties.",
        (
            Field(
                "person_a_id",
                "One end: the professional for the asymmetric sensitive kinds, "
                "otherwise the smaller person_id.",
                "int32",
                "",
                "analysis.world",
            ),
            Field(
                "person_b_id",
                "Other end: the patient/client/source for asymmetric kinds, "
                "otherwise the larger person_id.",
                "int32",
                "",
                "analysis.world",
            ),
            Field(
                "tie_kind",
                "family, friend, work, patient_clinician, client_lawyer, "
                "source_journalist, client_sex_worker or ex_partner.",
                "category",
                "",
                _SOCIAL,
            ),
            Field(
                "is_sensitive",
                "The tie is a sensitive kind (patient, client, source, ex-partner).",
                "bool",
                "",
                _SOCIAL,
            ),
            Field(
                "is_facebook_friend",
                "Both are Facebook users and friends there.",
                "bool",
                "",
                _SOCIAL,
            ),
        ),
    )
)


PERSON_ATTRS = register(
    Table(
        "person_attrs",
        "Social attributes of each person, one row per person_id. SocialWorld.person_attrs.",
        (
            Field("person_id", "Person (row of people).", "int64", "", "analysis.world"),
            Field(
                "sensitive_role",
                "none, clinician, lawyer, journalist or sex_worker.",
                "category",
                "",
                _SOCIAL,
            ),
            Field(
                "uploads_contacts_to_facebook",
                "A Facebook user who uploads the phone's contacts to Facebook (app or Messenger).",
                "bool",
                "",
                _SOCIAL,
            ),
            Field("tie_count", "Number of real-world ties.", "int64", "ties", "derived"),
            Field(
                "facebook_friend_count",
                "Number of Facebook friendships inside the population.",
                "int64",
                "friends",
                "derived",
            ),
        ),
    )
)


ADDRESS_BOOK = register(
    Table(
        "address_book",
        "One row per phone address-book entry, as typed and as normalised. "
        "SocialWorld.address_book. Its three text columns (entry_label, entry_raw, "
        "entry_e164) are categories of their sorted distinct texts: many entries share a "
        "writing, so each text is held once and each entry as an integer code.",
        (
            Field("owner_person_id", "Whose phone holds the entry.", "int32", "", "analysis.world"),
            Field(
                "entry_label",
                "Name as saved: 'Mum', 'Dr K', 'Ana Silva', 'Pizza'.",
                "category",
                "",
                "analysis.world",
            ),
            Field(
                "entry_raw",
                "Number as typed (spaces, dashes, national or international form, typos).",
                "category",
                "",
                "analysis.world",
            ),
            Field(
                "contact_person_id",
                "The person whose number it is (null for businesses and "
                "numbers outside the population).",
                "Int32",
                "",
                "analysis.world",
            ),
            Field(
                "contact_kind",
                "person, business or outside.",
                "category",
                "",
                "analysis.world",
            ),
            Field(
                "entry_style",
                "How the number was written (analysis.world.STYLES); foreign numbers always with their country code.",
                "category",
                "",
                "analysis.world",
            ),
            Field(
                "is_entry_typo",
                "The number was typed with one subscriber digit dropped or doubled.",
                "bool",
                "",
                "SocialParams (analysis/world/params.py)",
            ),
            Field(
                "entry_e164",
                "entry_raw normalised with the owner's country as default region "
                "(null when it fails). Differs from the contact's true number only after a typo "
                "or in Brazil's old eight-digit form; always in a synthetic block.",
                "category",
                "E.164",
                "phonenumbers",
            ),
            Field(
                "normalise_reason",
                "'ok' or why normalisation failed (analysis.world.normalise): not possible, ambiguous, short code, ...",
                "category",
                "",
                "analysis.world",
            ),
        ),
    )
)
