"""Linking WhatsApp users to Facebook identities, under each policy scenario.

Four mechanisms, each a join on columns (no loop per person), each scored against
the ground truth (``person_id``: a WhatsApp user and a Facebook account are the same
human when they are the same row):

1. **phone number**: WhatsApp's verified number (``phone_e164``) against the numbers
   Facebook holds (``facebook_phone_e164``: profile, Messenger, two-factor). Stale,
   recycled numbers on Facebook's side make false links.
2. **device identifier**: the Facebook app on the same phone sees the same device id.
   The device id flows for infrastructure/analytics/security even after the partial
   opt-out, so this link survives it.
3. **address-book inference** ("filling in"): a Facebook account that never gave a
   number gets one from its Facebook friends' uploaded contacts whose entry label
   matches the account's name (rapidfuzz similarity), then joins WhatsApp's number.
4. **attribute fingerprint** (:mod:`analysis.linking`): device fields unique on
   both sides.

A link is *made* from the data that reached Facebook (``use="reach"`` of
:func:`analysis.policy.flow_cube`, processing on WhatsApp's behalf included); it is
*usable* for a purpose when every field the mechanism needs may be used for that purpose
by Facebook for its own ends (``use="own"``). :mod:`analysis.linking.tiers` names the
tiers (reached, joined for Facebook's own use, usable for suggestions, for ads).

>>> from analysis.world import WorldParams
>>> from analysis.world import generate_population
>>> from analysis.policy import builtin_scenarios
>>> people = generate_population(WorldParams(n_people=400, seed=5))
>>> t = link_table(people, builtin_scenarios()["before_change"])
>>> int(t["is_linked_any"].sum())
0
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysis.linking.fingerprint import DEVICE_COLUMNS, fingerprint_links
from analysis.linking.inference import _pairs, address_book_links, infer_numbers, score_pairs
from analysis.linking.params import (
    LINKS,
    MECHANISM_FIELDS,
    MECHANISMS,
    PURPOSE_CLASSES,
    LinkingParams,
)
from analysis.policy.consent import ScenarioFlows
from analysis.policy.flows import FIELDS, PURPOSES
from analysis.policy.scenarios import Scenario

__all__ = [
    "ScenarioLinks",
    "compute_links",
    "country_shares",
    "device_links",
    "link_table",
    "links_from_cubes",
    "mechanism_purpose_shares",
    "mechanism_scores",
    "phone_links",
    "window_curve",
]


def phone_links(people: pd.DataFrame, shares_phone: np.ndarray) -> pd.DataFrame:
    """Mechanism 1: join WhatsApp's verified numbers with Facebook's phone set.

    Parameters
    ----------
    people : pandas.DataFrame
    shares_phone : numpy.ndarray of bool
        WhatsApp users whose number reaches Facebook.

    Returns
    -------
    pandas.DataFrame
        ``whatsapp_person_id``, ``facebook_person_id``: every account holding the number
        (a stale number held by another account is a false link).
    """
    wa_mask = shares_phone & people["is_whatsapp_user"].to_numpy(bool)
    fb_mask = (
        people["is_facebook_user"].to_numpy(bool) & people["facebook_phone_e164"].notna().to_numpy()
    )
    pid = people["person_id"].to_numpy(np.int64)
    return _join(
        people["phone_e164"][wa_mask],
        pid[wa_mask],
        people["facebook_phone_e164"][fb_mask],
        pid[fb_mask],
        validate="one_to_many",
    )


def device_links(people: pd.DataFrame, shares_device: np.ndarray) -> pd.DataFrame:
    """Mechanism 2: join WhatsApp's device ids with the devices Facebook's own app runs on."""
    wa_mask = shares_device & people["is_whatsapp_user"].to_numpy(bool)
    fb_mask = people["has_facebook_app_same_phone"].to_numpy(bool)
    pid = people["person_id"].to_numpy(np.int64)
    return _join(
        people["device_id"][wa_mask],
        pid[wa_mask],
        people["device_id"][fb_mask],
        pid[fb_mask],
        validate="one_to_one",
    )


def _join(
    left_keys: pd.Series,
    left_ids: np.ndarray,
    right_keys: pd.Series,
    right_ids: np.ndarray,
    *,
    validate: str,
) -> pd.DataFrame:
    """Inner join of (key, WhatsApp person) with (key, Facebook person) on integer key codes."""
    codes, _ = pd.factorize(pd.concat([left_keys, right_keys], ignore_index=True))
    n_left = len(left_keys)
    left = pd.DataFrame({"key": codes[:n_left], "whatsapp_person_id": left_ids})
    right = pd.DataFrame({"key": codes[n_left:], "facebook_person_id": right_ids})
    pairs = left.merge(right, on="key", how="inner", validate=validate)
    return _pairs(pairs["whatsapp_person_id"], pairs["facebook_person_id"])


@dataclass
class ScenarioLinks:
    """Everything computed for one scenario: the pairs per mechanism and the cubes of permissions.

    Attributes
    ----------
    scenario : Scenario
    pairs : dict of str to pandas.DataFrame
        Per mechanism: ``whatsapp_person_id``, ``facebook_person_id``, made from the data that
        reached Facebook (``reach``).
    cube : numpy.ndarray of bool [person, field, purpose]
        What Facebook may use for its own ends (``use="own"``).
    states : pandas.Series
        Effective consent states.
    inferred : pandas.DataFrame or None
        Address-book inference used by mechanism 3.
    reach : numpy.ndarray of bool [person, field, purpose], optional
        What reached Facebook (``use="reach"``); ``None`` means the same as ``cube``.
    """

    scenario: Scenario
    pairs: dict[str, pd.DataFrame]
    cube: np.ndarray
    states: pd.Series
    inferred: pd.DataFrame | None
    reach: np.ndarray | None = None


def _fields_ok(cube: np.ndarray, mechanism: str) -> np.ndarray:
    """[person, purpose]: every field of the mechanism may be used for the purpose."""
    idx = [FIELDS.index(f) for f in MECHANISM_FIELDS[mechanism]]
    return cube[:, idx, :].all(axis=1)


def compute_links(
    people: pd.DataFrame,
    scenario: Scenario,
    social: Any | None = None,
    params: LinkingParams | None = None,
    *,
    seed: int | None = None,
    inferred: pd.DataFrame | None = None,
) -> ScenarioLinks:
    """Run every mechanism for one scenario.

    Parameters
    ----------
    people : pandas.DataFrame
    scenario : Scenario
    social : SocialWorld, optional
        Needed for address-book inference; without it mechanism 3 links nobody. With the
        scenario's address-book switch on, the WhatsApp-held books of owners whose address
        book may be used for suggestions or ads join Facebook's uploaded books.
    params : LinkingParams, optional
    seed : int, optional
        Seed of the scenario's per-person opt-out draws (``uptake`` mode).
    inferred : pandas.DataFrame, optional
        Reuse :func:`infer_numbers` output computed on the same world (it does not depend
        on the scenario unless the address-book switch is on, in which case it is redone).
    """
    flows = ScenarioFlows(people, scenario, seed=seed)
    cube, reach = flows.cubes()
    states = flows.states()
    return links_from_cubes(
        people, scenario, reach, cube, states, social, params, inferred=inferred
    )


def links_from_cubes(
    people: pd.DataFrame,
    scenario: Scenario,
    reach: np.ndarray,
    cube: np.ndarray,
    states: pd.Series,
    social: Any | None = None,
    params: LinkingParams | None = None,
    *,
    inferred: pd.DataFrame | None = None,
) -> ScenarioLinks:
    """Run every mechanism on given permission cubes (e.g. what Facebook still holds).

    Parameters
    ----------
    people, scenario, social, params, inferred
        See :func:`compute_links`.
    reach : numpy.ndarray of bool [person, field, purpose]
        What reached Facebook: the mechanisms join these fields.
    cube : numpy.ndarray of bool [person, field, purpose]
        What Facebook may use for its own ends (read by :func:`link_table`).
    states : pandas.Series
        Consent states to report.
    """
    params = params or LinkingParams()
    flows = reach.any(axis=2)  # [person, field]: reaches Facebook for some purpose
    f = {name: flows[:, FIELDS.index(name)] for name in FIELDS}
    pairs = {
        "phone_number": phone_links(people, f["phone_number"]),
        "device_id": device_links(people, f["device_id"]),
    }
    if social is None:
        inferred = None
    elif scenario.address_books or inferred is None:
        # "filling in" numbers serves suggestions and ads: only WhatsApp-held books that
        # may be used for those purposes feed it (the owner's purpose limits bind)
        book_ok = cube[:, FIELDS.index("address_book")]
        profiling = book_ok[:, PURPOSES.index("suggestions")] | book_ok[:, PURPOSES.index("ads")]
        extra = profiling if scenario.address_books else None
        inferred = infer_numbers(people, social, params, extra_uploaders=extra)
    if inferred is not None:
        pairs["address_book"] = address_book_links(people, inferred, f["phone_number"])
    else:
        pairs["address_book"] = _pairs([], [])
    fp_wa = (
        f["os"]
        & f["screen_resolution"]
        & f["mcc"]
        & f["mnc"]
        & people["is_whatsapp_user"].to_numpy(bool)
    )
    pairs["fingerprint"] = fingerprint_links(
        people, fp_wa, people["has_facebook_app_same_phone"].to_numpy(bool), DEVICE_COLUMNS
    )
    return ScenarioLinks(scenario, pairs, cube, states, inferred, reach)


def link_table(
    people: pd.DataFrame,
    scenario: Scenario,
    social: Any | None = None,
    params: LinkingParams | None = None,
    *,
    seed: int | None = None,
    day: int | None = None,
    links: ScenarioLinks | None = None,
) -> pd.DataFrame:
    """Per WhatsApp user: what reached Facebook, which joins exist and what they may serve.

    The tiers (:mod:`analysis.linking.tiers`): ``is_reached`` (a), ``is_joined_for_own_use``
    (b), ``is_usable_for_suggestions`` (c), ``is_usable_for_ads`` (d).

    Parameters
    ----------
    people, scenario, social, params, seed
        See :func:`compute_links`.
    day : int, optional
        Days since acceptance at which purposes are read (links themselves do not
        change over the window); ``None`` = end state.
    links : ScenarioLinks, optional
        Reuse links already computed for this scenario.

    Returns
    -------
    pandas.DataFrame
        :data:`LINKS` columns, one row per WhatsApp user (people who left included).
    """
    links = links or compute_links(people, scenario, social, params, seed=seed)
    n = len(people)
    pid = people["person_id"].to_numpy(np.int64)
    if day is None:
        cube, reach = links.cube, links.reach if links.reach is not None else links.cube
    else:
        cube, reach = ScenarioFlows(people, scenario, seed=seed).cubes(day)
    out = {
        "person_id": pid,
        "country_code": people["country_code"].to_numpy(),
        "consent_state": links.states.to_numpy(),
        "has_facebook_account": people["is_facebook_user"].to_numpy(bool),
    }
    linked = _correct_links(people, links)
    usable = np.zeros((n, len(PURPOSES)), dtype=bool)
    linked_any = np.zeros(n, dtype=bool)
    mis = {}
    for m in MECHANISMS:
        out[f"is_linked_{m}"] = linked[m]
        mis[f"is_mislinked_{m}"] = _wrong_links(people, links, m)
        linked_any |= linked[m]
        usable |= linked[m][:, None] & _fields_ok(cube, m)
    out.update(mis)
    out["is_linked_any"] = linked_any
    reached = reach.any(axis=(1, 2))
    own = usable.any(axis=1)
    out["is_reached"] = reached
    out["is_joined_for_own_use"] = own
    for j, p in enumerate(PURPOSES):
        out[f"is_usable_for_{p}"] = usable[:, j]
    out["purpose_class"] = _purpose_class(usable, reached)
    table = pd.DataFrame(out)
    table = table[people["is_whatsapp_user"].to_numpy(bool)].reset_index(drop=True)
    table["country_code"] = table["country_code"].astype("category")
    table["purpose_class"] = pd.Categorical(
        table["purpose_class"], categories=list(PURPOSE_CLASSES)
    )
    return table[LINKS.columns]


def _correct_links(people: pd.DataFrame, links: ScenarioLinks) -> dict[str, np.ndarray]:
    """Per mechanism, bool per person: joined to their own Facebook account."""
    pos = pd.Series(np.arange(len(people)), index=people["person_id"].to_numpy(np.int64))
    out = {}
    for m in MECHANISMS:
        pr = links.pairs[m]
        ok = pr["whatsapp_person_id"].to_numpy() == pr["facebook_person_id"].to_numpy()
        hit = np.zeros(len(people), dtype=bool)
        hit[pos.loc[pr.loc[ok, "whatsapp_person_id"]].to_numpy(np.int64)] = True
        out[m] = hit
    return out


def _wrong_links(people: pd.DataFrame, links: ScenarioLinks, m: str) -> np.ndarray:
    pos = pd.Series(np.arange(len(people)), index=people["person_id"].to_numpy(np.int64))
    pr = links.pairs[m]
    bad = pr["whatsapp_person_id"].to_numpy() != pr["facebook_person_id"].to_numpy()
    hit = np.zeros(len(people), dtype=bool)
    hit[pos.loc[pr.loc[bad, "whatsapp_person_id"]].to_numpy(np.int64)] = True
    return hit


def _purpose_class(usable: np.ndarray, reached: np.ndarray) -> np.ndarray:
    """Name the highest tier per person (:data:`PURPOSE_CLASSES`)."""
    ads = usable[:, PURPOSES.index("ads")]
    sug = usable[:, PURPOSES.index("suggestions")]
    own = usable.any(axis=1)
    return np.select(
        [ads, sug, own, reached],
        ["ads", "suggestions", "own_use_only", "reached_only"],
        "not_reached",
    ).astype(object)


def mechanism_purpose_shares(
    table: pd.DataFrame, links: ScenarioLinks | None = None, people: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Share of WhatsApp users per mechanism (and ``any``) x highest tier.

    A user's class for one mechanism is the highest tier its correct link by that mechanism
    reaches (:data:`PURPOSE_CLASSES`); users it does not join are ``reached_only`` when some
    of their WhatsApp data reached Facebook, else ``not_reached``.

    Returns
    -------
    pandas.DataFrame
        ``mechanism``, ``purpose_class``, ``share`` (over WhatsApp users; sums to 1 per mechanism).
    """
    rows = []
    n = max(len(table), 1)
    reached = table["is_reached"].to_numpy(bool)
    for m in (*MECHANISMS, "any"):
        if m == "any":
            cls = table["purpose_class"].astype(str).to_numpy()
        else:
            linked = table[f"is_linked_{m}"].to_numpy(bool)
            if links is not None and people is not None:
                wa = people["is_whatsapp_user"].to_numpy(bool)
                ok = _fields_ok(links.cube, m)[wa]
                cls = _purpose_class(linked[:, None] & ok, reached)
            else:  # fall back to the user's overall permissions
                use = (
                    table[[f"is_usable_for_{p}" for p in PURPOSES]].to_numpy(bool) & linked[:, None]
                )
                cls = _purpose_class(use, reached)
        counts = pd.Series(cls).value_counts()
        for c in PURPOSE_CLASSES:
            rows.append({"mechanism": m, "purpose_class": c, "share": float(counts.get(c, 0)) / n})
    return pd.DataFrame(rows)


def mechanism_scores(people: pd.DataFrame, links: ScenarioLinks) -> pd.DataFrame:
    """Precision and recall of each mechanism's pairs (and of their union) for one scenario."""
    rows = []
    for m in MECHANISMS:
        rows.append({"mechanism": m, **score_pairs(links.pairs[m], people)})
    union = pd.concat([links.pairs[m] for m in MECHANISMS], ignore_index=True)
    rows.append({"mechanism": "any", **score_pairs(union, people)})
    return pd.DataFrame(rows)


def country_shares(table: pd.DataFrame) -> pd.DataFrame:
    """Per country: share of WhatsApp users in each tier (reached, own-use join, c, d)."""
    g = table.groupby("country_code", observed=True)
    return pd.DataFrame(
        {
            "whatsapp_users_count": g.size(),
            "reached_share": g["is_reached"].mean(),
            "own_join_share": g["is_joined_for_own_use"].mean(),
            "usable_for_suggestions_share": g["is_usable_for_suggestions"].mean(),
            "usable_for_ads_share": g["is_usable_for_ads"].mean(),
        }
    ).reset_index()


def window_curve(
    people: pd.DataFrame,
    links: ScenarioLinks,
    days: Iterable[int] = range(31),
    *,
    seed: int | None = None,
) -> pd.DataFrame:
    """Tiers by day since acceptance: what Facebook may use now, and what it already holds.

    ``*_share`` columns are read from the permissions of that day (what flows now);
    ``held_*_share`` columns from the data received on any day up to it, with the uses it
    was received for (:func:`analysis.linking.tiers.held_cubes`). Shares are over WhatsApp
    users.

    Returns
    -------
    pandas.DataFrame
        ``day``, ``reached_share``, ``own_join_share``, ``usable_for_suggestions_share``,
        ``usable_for_ads_share``, ``held_usable_for_suggestions_share``,
        ``held_usable_for_ads_share``.
    """
    wa = people["is_whatsapp_user"].to_numpy(bool)
    n_wa = max(int(wa.sum()), 1)
    linked = _correct_links(people, links)
    flows = ScenarioFlows(people, links.scenario, seed=seed)
    first_own, _ = flows.cubes(0)
    sug, ads = PURPOSES.index("suggestions"), PURPOSES.index("ads")
    rows = []
    for d in days:
        cube, reach = flows.cubes(int(d))
        held = cube | first_own  # opting out on a later day keeps what the first days gave
        usable = np.zeros((len(people), len(PURPOSES)), dtype=bool)
        kept = np.zeros_like(usable)
        for m in MECHANISMS:
            usable |= linked[m][:, None] & _fields_ok(cube, m)
            kept |= linked[m][:, None] & _fields_ok(held, m)
        usable &= wa[:, None]
        kept &= wa[:, None]
        rows.append(
            {
                "day": int(d),
                "reached_share": (reach.any(axis=(1, 2)) & wa).sum() / n_wa,
                "own_join_share": usable.any(axis=1).sum() / n_wa,
                "usable_for_suggestions_share": usable[:, sug].sum() / n_wa,
                "usable_for_ads_share": usable[:, ads].sum() / n_wa,
                "held_usable_for_suggestions_share": kept[:, sug].sum() / n_wa,
                "held_usable_for_ads_share": kept[:, ads].sum() / n_wa,
            }
        )
    return pd.DataFrame(rows)
