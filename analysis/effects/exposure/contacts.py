"""Contact edges: address-book entries that Facebook can resolve to an account.

See :mod:`analysis.effects.exposure` for the definitions.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis.effects.suggest import (
    edges_to_adjacency,
)
from analysis.policy.consent import field_purposes
from analysis.policy.scenarios import Scenario

__all__ = [
    "contact_edges",
]


def _bool(frame: pd.DataFrame, col: str) -> np.ndarray:
    return frame[col].fillna(False).to_numpy(dtype=bool)


def contact_edges(world: Any, scenario: Scenario, *, seed: int | None = None) -> pd.DataFrame:
    """List the phone-contact edges Facebook can see with and without WhatsApp data.

    Parameters
    ----------
    world : analysis.world.SocialWorld
    scenario : analysis.policy.Scenario
    seed : int, optional
        Seed of the scenario's per-person opt-out draws (``uptake`` mode).

    Returns
    -------
    pandas.DataFrame
        The ``contact_edges`` table (directed, owner -> resolved account, unique pairs),
        in (owner, contact) order. See the module docstring for the rules.
    """
    people = world.people
    n = len(people)
    is_fb = _bool(people, "is_facebook_user")
    uploads = world.person_attrs["uploads_contacts_to_facebook"].to_numpy(bool) & is_fb
    book_ok = field_purposes(people, scenario, "address_book", seed=seed)["suggestions"].to_numpy(
        bool
    )
    num_ok = field_purposes(people, scenario, "phone_number", seed=seed)["suggestions"].to_numpy(
        bool
    )
    holds_wa_book = _bool(people, "is_whatsapp_user") & (
        people["consent_state"].astype(str).to_numpy() != "left_whatsapp"
    )
    wa_book = book_ok & holds_wa_book
    fb_phone = people["facebook_phone_e164"].astype("string")
    own_phone = people["phone_e164"].astype("string")
    wa_linked = (
        _bool(people, "is_whatsapp_user")
        & is_fb
        & num_ok
        & (
            _bool(people, "has_facebook_app_same_phone")
            | (fb_phone == own_phone).fillna(False).to_numpy(bool)
        )
    )

    book = world.address_book
    owner = book["owner_person_id"].to_numpy(np.int64)
    keep = (uploads[owner] | wa_book[owner]) & book["entry_e164"].notna().to_numpy()
    entries = pd.DataFrame(
        {
            "owner_person_id": owner[keep],
            "number": book["entry_e164"].astype("string").to_numpy()[keep],
            "saved_id": book["contact_person_id"]
            .astype("Int64")
            .fillna(-1)
            .to_numpy(np.int64)[keep],
        }
    ).drop_duplicates()
    fb_numbers = pd.DataFrame(
        {"number": fb_phone[is_fb].to_numpy(), "contact_person_id": np.flatnonzero(is_fb)}
    ).dropna()
    wa_numbers = pd.DataFrame(
        {"number": own_phone[wa_linked].to_numpy(), "contact_person_id": np.flatnonzero(wa_linked)}
    )
    by_fb = entries.merge(fb_numbers, on="number", how="inner", validate="many_to_many")
    by_fb["via_fb_number"] = True
    by_wa = entries.merge(wa_numbers, on="number", how="inner", validate="many_to_one")
    by_wa["via_wa_number"] = True
    both = pd.concat([by_fb, by_wa], ignore_index=True)
    both = both[both["owner_person_id"] != both["contact_person_id"]]
    cols = ["owner_person_id", "contact_person_id"]
    both["is_true_contact"] = both["saved_id"] == both["contact_person_id"]
    agg = (
        both.fillna({"via_fb_number": False, "via_wa_number": False})
        .astype({"via_fb_number": bool, "via_wa_number": bool})
        .groupby(cols, sort=True)[["via_fb_number", "via_wa_number", "is_true_contact"]]
        .any()
        .reset_index()
    )
    o = agg["owner_person_id"].to_numpy(np.int64)
    fbn = agg["via_fb_number"].to_numpy(bool)
    wan = agg["via_wa_number"].to_numpy(bool)
    up, wab = uploads[o], wa_book[o]
    baseline = up & fbn
    route_contact = up & wan  # Facebook upload + the contact's WhatsApp number
    route_owner = wab & fbn  # WhatsApp book + a number Facebook holds
    route_both = wab & wan  # WhatsApp book + WhatsApp number
    visible = baseline | route_contact | route_owner | route_both
    caused = visible & ~baseline
    out = pd.DataFrame(
        {
            "owner_person_id": o,
            "contact_person_id": agg["contact_person_id"].to_numpy(np.int64),
            "is_true_contact": agg["is_true_contact"].to_numpy(bool),
            "is_baseline": baseline,
            "is_whatsapp_visible": visible,
            "is_whatsapp_caused": caused,
            "is_owner_data_used": caused & (route_owner | route_both),
            "is_contact_data_used": caused & (route_contact | route_both),
        }
    )
    if n and len(out) and out[cols].to_numpy().max() >= n:
        raise ValueError("address book refers to person ids outside the population")
    return out[out["is_whatsapp_visible"]].reset_index(drop=True)


def _edge_matrix(edges: pd.DataFrame, mask: np.ndarray, n: int) -> sp.csr_matrix:
    return edges_to_adjacency(
        edges["owner_person_id"].to_numpy()[mask], edges["contact_person_id"].to_numpy()[mask], n
    )
