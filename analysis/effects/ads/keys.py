"""Match keys: the hashed phone numbers and emails on both sides of a Custom Audience."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.effects.ads.customers import _check_person_ids, _require
from analysis.effects.ads.params import SOURCES
from analysis.effects.hashing import (
    normalise_emails,
    sha256_hex,
)

__all__ = [
    "every_match_key",
    "facebook_match_keys",
    "hash_prefix64",
    "match_customers",
    "reachable_by_phone",
    "whatsapp_contact_keys",
]


def _e164_key(values: pd.Series | np.ndarray) -> np.ndarray:
    """E.164 text -> Marketing-API phone key (digits, no "+")."""
    s = pd.Series(np.asarray(values, dtype=object))
    return s.where(s.isna(), s.astype(str).str.lstrip("+").str.lstrip("0")).to_numpy(dtype=object)


def facebook_match_keys(
    people: pd.DataFrame,
    inferred: pd.DataFrame | None = None,
    *,
    include_emails: bool = True,
) -> pd.DataFrame:
    """Every hashed key Facebook can match on, with the account holder and the source.

    A number is attached to an account only through a mechanism the model has: the
    account's own number on file, or the linking module's inference from its friends'
    uploaded contacts (``inferred``); never through who the number really belongs to.
    WhatsApp-sourced rows (``source == "whatsapp"``) are listed for every Facebook user
    who has a WhatsApp number; whether each may be used is decided per scenario by
    :func:`evaluate_scenario`. ``whatsapp_contacts`` rows are added by
    :func:`whatsapp_contact_keys`.

    Parameters
    ----------
    people : pandas.DataFrame
        The population.
    inferred : pandas.DataFrame, optional
        :func:`analysis.linking.infer_numbers` output (``facebook_person_id``,
        ``inferred_e164``): the ``shadow_contacts`` keys. Without it there are none.
    include_emails : bool
        Add the account email of every Facebook user.

    Returns
    -------
    pandas.DataFrame
        ``key_sha256``, ``person_id`` (the account holder), ``source`` (category of
        :data:`SOURCES`), ``owner_person_id`` (whose data gave the key: the account itself
        for numbers on file, emails, WhatsApp numbers and inferred numbers). No duplicate
        (key, person, source) rows.
    """
    _require(
        people,
        (
            "person_id",
            "is_facebook_user",
            "is_facebook_phone_on_file",
            "facebook_phone_source",
            "facebook_phone_e164",
            "is_whatsapp_user",
            "phone_e164",
            "email",
        ),
        "people",
    )
    _check_person_ids(people)
    fb = people["is_facebook_user"].to_numpy(dtype=bool)
    pid = people["person_id"].to_numpy(dtype=np.int64)
    frames = []
    on_file = (
        fb
        & people["is_facebook_phone_on_file"].to_numpy(dtype=bool)
        & people["facebook_phone_e164"].notna().to_numpy()
    )
    frames.append(
        pd.DataFrame(
            {
                "key": _e164_key(people["facebook_phone_e164"].to_numpy(dtype=object)[on_file]),
                "person_id": pid[on_file],
                "source": people["facebook_phone_source"].astype(str).to_numpy()[on_file],
                "owner_person_id": pid[on_file],
            }
        )
    )
    if inferred is not None:
        frames.append(_inferred_keys(inferred, "shadow_contacts"))
    if include_emails:
        has_email = fb & people["email"].notna().to_numpy()
        emails = normalise_emails(people["email"].to_numpy(dtype=object)[has_email])
        frames.append(
            pd.DataFrame(
                {
                    "key": emails["match_key"].astype(object).to_numpy(),
                    "person_id": pid[has_email],
                    "source": "email",
                    "owner_person_id": pid[has_email],
                }
            )
        )
    wa = (
        fb
        & people["is_whatsapp_user"].to_numpy(dtype=bool)
        & people["phone_e164"].notna().to_numpy()
    )
    frames.append(
        pd.DataFrame(
            {
                "key": _e164_key(people["phone_e164"].to_numpy(dtype=object)[wa]),
                "person_id": pid[wa],
                "source": "whatsapp",
                "owner_person_id": pid[wa],
            }
        )
    )
    return _finish_keys(pd.concat(frames, ignore_index=True))


def _inferred_keys(inferred: pd.DataFrame, source: str) -> pd.DataFrame:
    """Numbers the linking module attached to accounts, as keys on those accounts."""
    acc = inferred["facebook_person_id"].to_numpy(dtype=np.int64)
    return pd.DataFrame(
        {
            "key": _e164_key(inferred["inferred_e164"].astype(object).to_numpy()),
            "person_id": acc,
            "source": source,
            "owner_person_id": acc,
        }
    )


def whatsapp_contact_keys(
    people: pd.DataFrame,
    social,
    owners: np.ndarray,
    *,
    inferred: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Numbers attached to accounts only because WhatsApp's copies of address books are used.

    The linking module's inference is run with the WhatsApp-held books of ``owners``
    added to Facebook's own uploads; the numbers it attaches that Facebook's uploads alone
    do not (``inferred``) become ``whatsapp_contacts`` keys. Used only when a scenario's
    address-book switch is on; pass as ``owners`` the WhatsApp users (who did not leave)
    whose address book may be used for ads.

    Parameters
    ----------
    people : pandas.DataFrame
    social : analysis.world.SocialWorld
    owners : numpy.ndarray of bool
        One flag per person.
    inferred : pandas.DataFrame, optional
        :func:`analysis.linking.infer_numbers` without WhatsApp's books (computed if omitted).
    """
    from analysis.linking.inference import infer_numbers

    base = inferred if inferred is not None else infer_numbers(people, social)
    with_wa = infer_numbers(people, social, extra_uploaders=np.asarray(owners, dtype=bool))
    key = ["facebook_person_id", "inferred_e164"]
    new = with_wa.merge(base[key], on=key, how="left", indicator=True, validate="one_to_one")
    new = new[new["_merge"] == "left_only"]
    return _finish_keys(_inferred_keys(new, "whatsapp_contacts"))


def _finish_keys(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame[pd.notna(frame["key"])]
    frame = frame.drop_duplicates(["key", "person_id", "source"])
    return pd.DataFrame(
        {
            "key_sha256": sha256_hex(frame["key"].to_numpy(dtype=object)),
            "person_id": frame["person_id"].to_numpy(dtype=np.int64),
            "source": pd.Categorical(frame["source"].to_numpy(), categories=list(SOURCES)),
            "owner_person_id": frame["owner_person_id"].to_numpy(dtype=np.int64),
        }
    )


def hash_prefix64(hex_digests: pd.Series | np.ndarray) -> np.ndarray:
    """First 64 bits of each SHA-256 hex digest, as unsigned integers (vectorised).

    >>> int(hash_prefix64(np.array(["00000000000000ff" + "0" * 48]))[0])
    255
    """
    values = np.asarray(hex_digests, dtype=object)
    if values.size == 0:
        return np.empty(0, dtype=np.uint64)
    heads = "".join(v[:16] for v in values.tolist())
    return np.frombuffer(bytes.fromhex(heads), dtype=">u8").astype(np.uint64)


def match_customers(customer_keys: pd.DataFrame, facebook_keys: pd.DataFrame) -> pd.DataFrame:
    """Join uploaded hashes to Facebook's keys (one hash join for every source).

    Returns
    -------
    pandas.DataFrame
        One row per (customer, matched account, source, owner): ``customer_id``,
        ``business_id``, ``person_id`` (matched account holder), ``source``,
        ``owner_person_id``. Scenario filters are applied by :func:`evaluate_scenario`.
    """
    uploaded = customer_keys.loc[
        customer_keys["key_sha256"].notna(), ["customer_id", "business_id", "key_sha256"]
    ]
    # join on the first 64 bits of the digest (integers join fast), then confirm in full
    left = uploaded.assign(h64=hash_prefix64(uploaded["key_sha256"]))
    right = facebook_keys.assign(h64=hash_prefix64(facebook_keys["key_sha256"]))
    matches = left.merge(
        right, on="h64", how="inner", suffixes=("", "_fb"), validate="many_to_many"
    )
    matches = matches[
        matches["key_sha256"].to_numpy(dtype=object)
        == matches["key_sha256_fb"].to_numpy(dtype=object)
    ]
    matches = matches.drop_duplicates(["customer_id", "person_id", "source", "owner_person_id"])
    return matches[
        ["customer_id", "business_id", "person_id", "source", "owner_person_id"]
    ].reset_index(drop=True)


def reachable_by_phone(people: pd.DataFrame, facebook_keys: pd.DataFrame) -> np.ndarray:
    """Flag, per person, whether Facebook holds their own current number without WhatsApp.

    True when a profile, Messenger, two-factor or shadow-contact key attached to the
    person's account is the hash of the person's own number (stale numbers and typos
    do not count).
    """
    phone_sources = ("profile", "messenger", "two_factor", "shadow_contacts")
    own_keys = facebook_keys[facebook_keys["source"].astype(str).isin(phone_sources)]
    holder = own_keys["person_id"].to_numpy(dtype=np.int64)
    own_phone = sha256_hex(_e164_key(people["phone_e164"].to_numpy(dtype=object)[holder]))
    correct = own_keys["key_sha256"].to_numpy(dtype=object) == own_phone
    reachable = np.zeros(len(people), dtype=bool)
    reachable[holder[correct]] = True
    return reachable


def every_match_key(
    people: pd.DataFrame, social, *, inferred: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Every hashed key Facebook could match on in any scenario: its own and WhatsApp's.

    :func:`facebook_match_keys` with the shadow contacts the linking inference attaches,
    plus :func:`whatsapp_contact_keys` of every WhatsApp user who did not leave (the
    address-book switch on, ads permitted for everyone): the widest set a scenario can
    use, for audits and for exporting a world.

    Parameters
    ----------
    people : pandas.DataFrame
    social : analysis.world.SocialWorld
    inferred : pandas.DataFrame, optional
        :func:`analysis.linking.infer_numbers` on ``social`` (computed if omitted).
    """
    from analysis.linking.inference import infer_numbers

    if inferred is None:
        inferred = infer_numbers(people, social)
    holders = people["is_whatsapp_user"].to_numpy(bool) & (
        people["consent_state"].astype(str).to_numpy() != "left_whatsapp"
    )
    return pd.concat(
        [
            facebook_match_keys(people, inferred),
            whatsapp_contact_keys(people, social, holders, inferred=inferred),
        ],
        ignore_index=True,
    )
