"""The phone-safety audit: synthetic must stay synthetic in every table the project makes.

One audit scans every place a phone number can appear and applies the rules of
:func:`analysis.world.number_problems` (parses; not *valid* for ``phonenumbers``; in a
documented synthetic block; in a typo block only when marked as a typo):

* ``people``: ``phone_e164`` (in the person's own country's subscriber block) and
  ``facebook_phone_e164``;
* ``address_book``: ``entry_raw`` read as the owner's phone reads it (it must give the
  stored ``entry_e164``) and ``entry_e164``;
* ``ad_customers``: ``phone_raw`` read in the business's country;
* match keys: the customers' phone keys and every phone key Facebook holds (people's
  numbers, numbers on file, address-book entries), as ``+`` and the key digits; and
  every hashed key of both sides must be the hash of an audited number or email;
* the hash-reversal block: the enumerated range lies inside a subscriber block, the
  block is proved unallocated, and every recovered key passes;
* the committed notebooks: every number printed in international form (``+...``), and
  every national writing, which must read as a synthetic number in one of the model's
  countries (whose phone printed it is not known).

:func:`audit_world` builds nothing; :func:`audit_generated` builds one world with its
customer lists and keys and audits all of it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.core.paths import notebook_paths
from analysis.core.texts import text_values
from analysis.effects.ads.customers import (
    CustomerLists,
    generate_customer_lists,
    hash_customer_keys,
)
from analysis.effects.ads.keys import every_match_key
from analysis.effects.ads.params import AdsParams
from analysis.effects.ads.reversal import ReversalDemo
from analysis.effects.hashing import normalise_emails, normalise_phones, sha256_hex
from analysis.world.phones import allocated_types_in_block, blocks, normalise, number_problems
from analysis.world.reading import normalise_entries

__all__ = [
    "PhoneAudit",
    "PhoneSafetyError",
    "audit_generated",
    "audit_notebooks",
    "audit_reversal",
    "audit_world",
]


class PhoneSafetyError(AssertionError):
    """A generated number could be a real subscriber's, or lies outside the blocks."""


@dataclass
class PhoneAudit:
    """Outcome of an audit: one row per table and column checked.

    Attributes
    ----------
    checks : pandas.DataFrame
        ``table``, ``column``, ``checked_count`` (values checked, missing ones excluded),
        ``valid_count`` (valid per ``phonenumbers``), ``outside_count`` (outside every
        block), ``problem_count`` (every rule) and ``example`` (the first problem).
    """

    checks: pd.DataFrame

    @property
    def ok(self) -> bool:
        """True when no check found a problem."""
        return bool((self.checks["problem_count"] == 0).all())

    def problems(self) -> pd.DataFrame:
        """Return the checks that found problems."""
        return self.checks[self.checks["problem_count"] > 0]

    def raise_for_problems(self) -> None:
        """Raise :class:`PhoneSafetyError` naming every failing check."""
        bad = self.problems()
        if len(bad):
            lines = [
                f"{r.table}.{r.column}: {r.problem_count} of {r.checked_count} ({r.example})"
                for r in bad.itertuples()
            ]
            raise PhoneSafetyError("phone-safety audit failed:\n" + "\n".join(lines))

    def __add__(self, other: PhoneAudit) -> PhoneAudit:
        return PhoneAudit(pd.concat([self.checks, other.checks], ignore_index=True))


_COLUMNS = [
    "table",
    "column",
    "checked_count",
    "valid_count",
    "outside_count",
    "problem_count",
    "example",
]


def _row(
    table: str, column: str, values, problems: np.ndarray, extra: int = 0, note: str = ""
) -> dict:
    values = np.asarray(values, dtype=object)
    present = pd.notna(pd.Series(values, dtype=object)).to_numpy()
    bad = np.flatnonzero(problems != "")
    example = f"{values[bad[0]]}: {problems[bad[0]]}" if bad.size else note
    return {
        "table": table,
        "column": column,
        "checked_count": int(present.sum()),
        "valid_count": int(
            (problems == "valid per phonenumbers: could be a real subscriber's").sum()
        ),
        "outside_count": int((problems == "outside every synthetic block").sum()),
        "problem_count": int(bad.size) + extra,
        "example": example,
    }


#: In-block numbers of one column checked one by one with ``phonenumbers``, besides the
#: block's proof (every number of the block is covered by the proof).
DIRECT_SAMPLE = 2_000


def _numbers(table: str, column: str, values, is_typo=None, countries=None) -> dict:
    values = np.asarray(values, dtype=object)
    problems = number_problems(values, is_typo, countries, direct_sample=DIRECT_SAMPLE)
    return _row(table, column, values, problems)


def _typed(table: str, column: str, raw, regions, is_typo, stored=None) -> tuple[dict, np.ndarray]:
    """Read typed numbers as a phone in ``regions`` would, and audit what they give."""
    e164, _ = normalise_entries(pd.Series(np.asarray(raw, dtype=object)), pd.Series(regions))
    read = e164.astype(object).where(e164.notna(), None).to_numpy(dtype=object)
    problems = number_problems(read, is_typo, direct_sample=DIRECT_SAMPLE)
    if stored is not None:  # the stored normalisation is what the phone reads
        stored = pd.Series(np.asarray(stored, dtype=object)).astype(object)
        differs = ~(stored.where(stored.notna(), None).to_numpy(dtype=object) == read)
        problems = np.where(
            (problems == "") & differs, "reads differently from the stored number", problems
        )
    return _row(table, column + " (as read)", np.asarray(raw, dtype=object), problems), read


def _hashes(table: str, hashes, allowed: set) -> dict:
    hashes = pd.Series(np.asarray(hashes, dtype=object)).dropna()
    unknown = ~hashes.isin(allowed).to_numpy()
    problems = np.where(unknown, "hash of no audited number or email", "")
    return _row(table, "key_sha256", hashes.to_numpy(dtype=object), problems)


def _as_key_numbers(keys) -> np.ndarray:
    keys = pd.Series(np.asarray(keys, dtype=object), dtype="object")
    return ("+" + keys.where(keys.notna(), None).astype("string")).astype(object).to_numpy()


def audit_world(
    people: pd.DataFrame,
    address_book: pd.DataFrame | None = None,
    customers: pd.DataFrame | None = None,
    customer_keys: pd.DataFrame | None = None,
    facebook_keys: pd.DataFrame | None = None,
) -> PhoneAudit:
    """Audit the tables of one world (any of the optional ones may be left out).

    Parameters
    ----------
    people : pandas.DataFrame
        :data:`analysis.world.PEOPLE`.
    address_book : pandas.DataFrame, optional
        :data:`analysis.world.ADDRESS_BOOK`.
    customers : pandas.DataFrame, optional
        :data:`analysis.effects.ads.AD_CUSTOMERS`.
    customer_keys, facebook_keys : pandas.DataFrame, optional
        From :func:`analysis.effects.ads.hash_customer_keys` and
        :func:`analysis.effects.ads.facebook_match_keys` (and
        :func:`~analysis.effects.ads.whatsapp_contact_keys`, concatenated).
    """
    rows = [
        _numbers(
            "people", "phone_e164", people["phone_e164"], None, people["country_code"].astype(str)
        ),
        _numbers("people", "facebook_phone_e164", people["facebook_phone_e164"]),
    ]
    country = people["country_code"].astype(str).to_numpy(dtype=object)
    phone_keys = [people["phone_e164"], people["facebook_phone_e164"]]
    typo_keys = []
    if address_book is not None:
        owner = address_book["owner_person_id"].to_numpy(dtype=np.int64)
        typo = address_book["is_entry_typo"].to_numpy(dtype=bool)
        e164 = text_values(address_book["entry_e164"])  # the texts (categorical in the book)
        row, _ = _typed(
            "address_book",
            "entry_raw",
            text_values(address_book["entry_raw"]),
            country[owner],
            typo,
            stored=e164,
        )
        rows += [row, _numbers("address_book", "entry_e164", e164, typo)]
        phone_keys.append(e164[~typo])
        typo_keys.append(e164[typo])
    customer_plain: set = set()
    if customers is not None:
        typo = customers["is_phone_typo"].to_numpy(dtype=bool)
        region = customers["country_code"].astype(str).to_numpy(dtype=object)
        row, _ = _typed("ad_customers", "phone_raw", customers["phone_raw"], region, typo)
        keys = normalise_phones(customers["phone_raw"].to_numpy(dtype=object), region)["match_key"]
        rows += [row, _numbers("ad_customer_keys", "phone key", _as_key_numbers(keys), typo)]
        emails = normalise_emails(customers["email_raw"].to_numpy(dtype=object))["match_key"]
        customer_plain = set(keys.dropna().astype(str)) | set(emails.dropna().astype(str))
    if customer_keys is not None:
        rows.append(
            _hashes(
                "ad_customer_keys",
                customer_keys["key_sha256"],
                set(sha256_hex(sorted(customer_plain))),
            )
        )
    if facebook_keys is not None:
        plain = set()
        for values in phone_keys + typo_keys:
            s = pd.Series(np.asarray(values, dtype=object)).dropna().astype(str)
            plain |= set(s.str.lstrip("+"))
        fb = people["is_facebook_user"].to_numpy(dtype=bool) & people["email"].notna().to_numpy()
        plain |= set(
            normalise_emails(people["email"].to_numpy(dtype=object)[fb])["match_key"].dropna()
        )
        numbers = np.concatenate([np.asarray(v, dtype=object) for v in phone_keys])
        rows.append(_numbers("facebook_match_keys", "phone key", numbers))
        rows.append(
            _hashes(
                "facebook_match_keys", facebook_keys["key_sha256"], set(sha256_hex(sorted(plain)))
            )
        )
    return PhoneAudit(pd.DataFrame(rows, columns=_COLUMNS))


def audit_reversal(demo: ReversalDemo) -> PhoneAudit:
    """Audit a hash-reversal demonstration: the block it enumerates and what it recovered."""
    result = demo.result
    block = blocks()[result.country_code]
    inside = 0 <= result.start <= result.stop <= block.capacity
    proof = allocated_types_in_block(block)
    extra = int(not inside) + len(proof)
    note = (
        f"{block.e164_prefix}… {result.start}..{result.stop}: "
        + ("inside the block" if inside else "OUTSIDE the block")
        + ("; allocated: " + str(proof) if proof else "; proved unallocated")
    )
    recovered = _as_key_numbers(demo.sample["recovered_key"].astype(object).to_numpy())
    return PhoneAudit(
        pd.DataFrame(
            [
                _row(
                    "hash_reversal",
                    "enumerated block",
                    [block.e164_prefix],
                    np.array([""]),
                    extra,
                    note,
                ),
                _numbers("hash_reversal", "recovered_key", recovered),
            ],
            columns=_COLUMNS,
        )
    )


#: Numbers printed in international form: "+", a digit, then digits with spaces, dashes, brackets.
_INTERNATIONAL = re.compile(r"\+\d[\d ()\-]{5,}\d")


#: National writings: a bracketed area code or a trunk-prefixed number with separators.
_NATIONAL = re.compile(r"\(\d{2,3}\) ?\d{3,5}-\d{4}\b|\b0\d{2,4}[ \-]\d{3,4}[ \-]?\d{3,7}\b")


def _notebook_text(path: Path) -> str:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    parts = []
    for cell in notebook.get("cells", []):
        parts.append("".join(cell.get("source", [])))
        for output in cell.get("outputs", []):
            parts.append("".join(output.get("text", [])))
            for kind, value in output.get("data", {}).items():
                if kind.startswith("text/"):
                    parts.append("".join(value) if isinstance(value, list) else str(value))
    return "\n".join(parts)


def audit_notebooks(paths: Iterable[str | Path] | None = None) -> PhoneAudit:
    """Audit every phone number printed in the committed notebooks (sources and outputs)."""
    rows: list[dict] = []
    regions = sorted(blocks())
    for path in map(Path, notebook_paths() if paths is None else paths):
        text = _notebook_text(path)
        found = sorted({re.sub(r"[ ()\-]", "", m) for m in _INTERNATIONAL.findall(text)})
        # a printed "+..." may be a typo's number: any documented block will do
        rows.append(_numbers(path.name, "international numbers", found, np.ones(len(found), bool)))
        national = sorted(set(_NATIONAL.findall(text)))
        problems = []
        for token in national:  # whose phone printed it is unknown: one reading must be ours
            readings = [normalise(token, region)[0] for region in regions]
            ours = [r for r in readings if r is not None and number_problems([r], [True])[0] == ""]
            problems.append("" if ours else "reads as a synthetic number in no country")
        rows.append(
            _row(path.name, "national writings", national, np.asarray(problems, dtype=object))
        )
    return PhoneAudit(pd.DataFrame(rows, columns=_COLUMNS))


def audit_generated(
    people: pd.DataFrame, world, *, seed: int, ads: AdsParams | None = None
) -> PhoneAudit:
    """Build the customer lists and match keys of a world and audit every table.

    Parameters
    ----------
    people : pandas.DataFrame
    world : analysis.world.SocialWorld
    seed : int
        Seed of the customer lists.
    ads : AdsParams, optional
    """
    lists: CustomerLists = generate_customer_lists(people, ads, seed=seed)
    customer_keys = hash_customer_keys(lists.customers)
    facebook_keys = every_match_key(people, world)
    return audit_world(people, world.address_book, lists.customers, customer_keys, facebook_keys)
