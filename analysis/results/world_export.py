"""Export every table of one synthetic world, for researchers who want the data itself.

:func:`export_world` builds a world (people, ties, Facebook friendships, address books)
with its businesses' customer lists and both sides' hashed match keys, audits every
phone number in it (:mod:`analysis.results.phone_audit`), and writes each table as
parquet with a data dictionary of exactly those tables. Normalised number columns end
in ``_e164``. Nothing is written when the audit fails.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.core.io import atomic_write_text, write_csv, write_parquet
from analysis.core.schema import Field, Table, register
from analysis.effects.ads.customers import generate_customer_lists, hash_customer_keys
from analysis.effects.ads.keys import every_match_key
from analysis.effects.ads.params import AD_CUSTOMERS, AdsParams
from analysis.results.phone_audit import PhoneAudit, audit_world
from analysis.world.params import SocialParams, WorldParams
from analysis.world.population import generate_population
from analysis.world.socialworld import SocialWorld, build_social_world
from analysis.world.tables import ADDRESS_BOOK, PEOPLE, PERSON_ATTRS, TIES

__all__ = [
    "AD_BUSINESSES",
    "AD_CUSTOMER_KEYS",
    "EXPORTED_TABLES",
    "FACEBOOK_FRIENDSHIPS",
    "FACEBOOK_MATCH_KEYS",
    "WorldExport",
    "export_world",
    "world_tables",
]


_ADS = "AdsParams (analysis/effects/ads/params.py)"


FACEBOOK_FRIENDSHIPS = register(
    Table(
        "facebook_friendships",
        "One row per Facebook friendship inside the population (the ties with "
        "is_facebook_friend). Exported by python -m analysis world.",
        (
            Field(
                "person_a_id", "One friend (the smaller person_id).", "int64", "", "analysis.world"
            ),
            Field("person_b_id", "The other friend.", "int64", "", "analysis.world"),
        ),
    )
)


AD_BUSINESSES = register(
    Table(
        "ad_businesses",
        "One row per synthetic business holding a customer list.",
        (
            Field("business_id", "Row identifier, 0..n-1.", "int64", "", _ADS),
            Field("country_code", "Country of the business.", "string", "", _ADS),
            Field("list_size_count", "Customers on its list.", "int64", "customers", _ADS),
        ),
    )
)


AD_CUSTOMER_KEYS = register(
    Table(
        "ad_customer_keys",
        "The hashed keys a business uploads: one row per customer and key kind "
        "(analysis.effects.ads.hash_customer_keys).",
        (
            Field("customer_id", "The customer (ad_customers).", "int64", "", _ADS),
            Field("business_id", "The business uploading it.", "int64", "", _ADS),
            Field("key_kind", "phone or email.", "category", "", _ADS),
            Field(
                "key_sha256",
                "SHA-256 of the Marketing-API normalised key (null when it could not be "
                "normalised).",
                "object",
                "hex",
                "Marketing API normalisation",
            ),
            Field("reason", "'ok' or why the value could not be normalised.", "object", "", _ADS),
        ),
    )
)


FACEBOOK_MATCH_KEYS = register(
    Table(
        "facebook_match_keys",
        "Every hashed key Facebook can match on, with the account it is attached to "
        "(analysis.effects.ads.facebook_match_keys and whatsapp_contact_keys).",
        (
            Field(
                "key_sha256",
                "SHA-256 of the normalised phone number or email.",
                "object",
                "hex",
                _ADS,
            ),
            Field("person_id", "The account holder the key is attached to.", "int64", "", _ADS),
            Field("source", "Where Facebook got the key.", "category", "", _ADS),
            Field(
                "owner_person_id",
                "Who uploaded it (contact-derived keys); else the holder.",
                "int64",
                "",
                _ADS,
            ),
        ),
    )
)


#: The tables :func:`export_world` writes, in order (file name = table name).
EXPORTED_TABLES = (
    PEOPLE,
    PERSON_ATTRS,
    TIES,
    FACEBOOK_FRIENDSHIPS,
    ADDRESS_BOOK,
    AD_BUSINESSES,
    AD_CUSTOMERS,
    AD_CUSTOMER_KEYS,
    FACEBOOK_MATCH_KEYS,
)


@dataclass
class WorldExport:
    """What :func:`export_world` wrote: the folder, the files and the phone audit."""

    out: Path
    files: list[str]
    audit: PhoneAudit


def world_tables(
    world: SocialWorld, *, seed: int, ads: AdsParams | None = None
) -> tuple[dict[str, pd.DataFrame], PhoneAudit]:
    """Every exported table of a built world, by table name, and their phone audit."""
    people = world.people
    lists = generate_customer_lists(people, ads, seed=seed)
    customer_keys = hash_customer_keys(lists.customers)
    facebook_keys = every_match_key(people, world)
    friends = world.ties.loc[world.ties["is_facebook_friend"].to_numpy(dtype=bool)]
    tables = {
        "people": people,
        "person_attrs": world.person_attrs,
        "ties": world.ties,
        "facebook_friendships": friends[["person_a_id", "person_b_id"]],
        "address_book": world.address_book,
        "ad_businesses": lists.businesses,
        "ad_customers": lists.customers,
        "ad_customer_keys": customer_keys,
        "facebook_match_keys": facebook_keys,
    }
    audit = audit_world(people, world.address_book, lists.customers, customer_keys, facebook_keys)
    return tables, audit


def _dictionary(tables: dict[str, pd.DataFrame]) -> str:
    lines = [
        "# Data dictionary of this world",
        "",
        "Every table of one synthetic world (`python -m analysis world`). Nothing here is real:",
        "names are Faker's, emails use reserved example domains, and every phone number lies in",
        "a block the national numbering plan leaves unallocated (`phone_audit.csv` is the audit",
        "of every number in these tables). Normalised number columns end in `_e164`.",
        "",
    ]
    for table in EXPORTED_TABLES:
        frame = tables[table.name]
        lines += [
            f"## `{table.name}.parquet` ({len(frame):,} rows)",
            "",
            table.description,
            "",
            "| column | type | unit | description | source |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| `{f.name}` | {f.dtype} | {f.unit} | {f.description} | {f.source} |"
            for f in table.fields
        ]
        lines.append("")
    return "\n".join(lines)


def export_world(
    directory: str | Path,
    world_params: WorldParams,
    social_params: SocialParams | None = None,
    ads: AdsParams | None = None,
    *,
    world: SocialWorld | None = None,
) -> WorldExport:
    """Build (or take) one world, audit it and write every table into ``directory``.

    Parameters
    ----------
    directory : path
        Folder to write into (created; callers make it appear atomically).
    world_params, social_params, ads : Params
        The world's parameters; ``world_params.seed`` also seeds the customer lists.
    world : SocialWorld, optional
        A world already built (e.g. on a real edge list); else one is built.

    Raises
    ------
    analysis.results.PhoneSafetyError
        When the audit finds a number that could be real (nothing is written).
    """
    directory = Path(directory)
    if world is None:
        people = generate_population(world_params)
        world = build_social_world(people, social_params or SocialParams(seed=world_params.seed))
    tables, audit = world_tables(world, seed=world_params.seed, ads=ads)
    audit.raise_for_problems()
    for table in EXPORTED_TABLES:
        frame = tables[table.name]
        missing = [c for c in table.columns if c not in frame.columns]
        if missing:  # pragma: no cover - the declarations and the frames come together
            raise ValueError(f"{table.name}: missing documented column(s) {missing}")
        write_parquet(
            frame[table.columns].reset_index(drop=True), directory / f"{table.name}.parquet"
        )
    atomic_write_text(directory / "DATA_DICTIONARY.md", _dictionary(tables))
    write_csv(audit.checks, directory / "phone_audit.csv")
    files = sorted(p.relative_to(directory).as_posix() for p in directory.rglob("*") if p.is_file())
    return WorldExport(directory, files, audit)
