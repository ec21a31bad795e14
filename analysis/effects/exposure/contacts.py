"""Contact edges: address-book entries that Facebook can resolve to an account.

See :mod:`analysis.effects.exposure` for the definitions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from numba import njit

from analysis.core.numbers import e164_keys
from analysis.core.texts import text_values
from analysis.effects.suggest import (
    edges_to_adjacency,
)
from analysis.policy.consent import flow_cube
from analysis.policy.flows import FIELDS, PURPOSES
from analysis.policy.scenarios import Scenario

__all__ = [
    "ContactUniverse",
    "contact_edges",
    "contact_universe",
]


def _bool(frame: pd.DataFrame, col: str) -> np.ndarray:
    return frame[col].fillna(False).to_numpy(dtype=bool)


@dataclass(frozen=True)
class ContactUniverse:
    """What :func:`contact_edges` needs that does not depend on the scenario.

    Every resolvable (owner, number, account) match of the world's address books, by
    Facebook's own number of the account (``fb_*``) and by the account's WhatsApp
    number (``wa_*``), as integer arrays; a scenario only selects among them. Made by
    :func:`contact_universe` and reused across scenarios (the string joins, the costly
    part, run once per world).
    """

    n: int
    uploads: np.ndarray
    holds_wa_book: np.ndarray
    wa_linkable: np.ndarray
    fb_owner: np.ndarray
    fb_contact: np.ndarray
    fb_true: np.ndarray
    wa_owner: np.ndarray
    wa_contact: np.ndarray
    wa_true: np.ndarray
    #: positions into the ``fb_*`` matches followed by the ``wa_*`` ones, in (owner,
    #: contact) order (a stable sort: made once, so no scenario sorts them again)
    order: np.ndarray


def _universe(n, uploads, holds_wa_book, wa_linkable, fo, fc, ft, wo, wc, wt) -> ContactUniverse:
    """Hold the matches with compact person ids and their (owner, contact) order."""
    ids = np.int32 if n < 2**31 else np.int64
    fo, fc, wo, wc = (x.astype(ids, copy=False) for x in (fo, fc, wo, wc))
    total = fo.size + wo.size
    order = np.empty(total, np.int32 if total < 2**31 else np.int64)
    if _sorted(fo) and _sorted(wo):  # matches listed by owner (book order): sort each owner's
        _owner_runs_order(fo, fc, wo, wc, order)
    else:
        key = np.concatenate([fo, wo]).astype(np.int64)
        key *= max(n, 1)
        key += np.concatenate([fc, wc])
        order[:] = np.argsort(key, kind="stable")
        del key
    return ContactUniverse(n, uploads, holds_wa_book, wa_linkable, fo, fc, ft, wo, wc, wt, order)


def _sorted(values: np.ndarray) -> bool:
    return bool((values[1:] >= values[:-1]).all()) if values.size > 1 else True


@njit(cache=True)
def _owner_runs_order(fo, fc, wo, wc, order):
    """Stable (owner, contact) order of the ``fb`` matches then the ``wa`` ones, into ``order``.

    Both lists are sorted by owner; each owner's matches (``fb`` first) are sorted by
    contact with a stable sort, so the result is what a stable argsort of the
    concatenated ``owner * n + contact`` keys gives, without its full-length arrays.
    """
    nf, nw = fo.size, wo.size
    i = j = at = 0
    while i < nf or j < nw:
        if j >= nw or (i < nf and fo[i] <= wo[j]):
            owner = fo[i]
        else:
            owner = wo[j]
        i_end, j_end = i, j
        while i_end < nf and fo[i_end] == owner:
            i_end += 1
        while j_end < nw and wo[j_end] == owner:
            j_end += 1
        size = (i_end - i) + (j_end - j)
        contact = np.empty(size, np.int64)
        pos = np.empty(size, np.int64)
        for t in range(i_end - i):
            contact[t], pos[t] = fc[i + t], i + t
        for t in range(j_end - j):
            contact[i_end - i + t], pos[i_end - i + t] = wc[j + t], nf + j + t
        for t in np.argsort(contact, kind="mergesort"):
            order[at] = pos[t]
            at += 1
        i, j = i_end, j_end


def _inner_join(
    left: np.ndarray | None, right: np.ndarray, factorized: tuple | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Positions ``(i, j)`` of every pair with ``left[i] == right[j]`` (keys >= 0).

    Pairs come sorted by ``i``, then by ``right``'s stable sort order. The distinct left
    keys are looked up once each (an address book repeats each number many times);
    ``factorized`` reuses ``pandas.factorize(left)`` (its codes may be any integer
    type) across joins of the same ``left``, which may then be ``None``.

    >>> i, j = _inner_join(np.array([5, 7, -1, 5]), np.array([7, 5, 5, -1]))
    >>> i.tolist(), j.tolist()
    ([0, 0, 1, 3, 3], [1, 2, 0, 1, 2])
    """
    codes, distinct = factorized if factorized is not None else pd.factorize(left)
    ok = np.flatnonzero(right >= 0)
    order = ok[np.argsort(right[ok], kind="stable")]
    keys = right[order]
    lo_d = np.searchsorted(keys, distinct, side="left")
    count_d = np.where(distinct >= 0, np.searchsorted(keys, distinct, side="right") - lo_d, 0)
    # only the left rows with a match: the temporaries grow with the matches, not the rows
    hit = np.flatnonzero((count_d > 0)[codes])
    hit_codes = codes[hit]
    count = count_d[hit_codes]
    lo = lo_d[hit_codes]
    del hit_codes
    total = int(count.sum())
    # positions as int32 when they fit: the pairs are the largest arrays of the join
    i = np.empty(total, np.int32 if codes.size < 2**31 else np.int64)
    j = np.empty(total, np.int32 if right.size < 2**31 else np.int64)
    _expand_pairs(hit, lo, count, order, i, j)
    return i, j


@njit(cache=True)
def _expand_pairs(hit, lo, count, order, i, j):
    """Write each hit row ``hit[t]`` against ``order[lo[t] : lo[t] + count[t]]`` into ``i, j``."""
    at = 0
    for t in range(hit.size):
        for q in range(count[t]):
            i[at] = hit[t]
            j[at] = order[lo[t] + q]
            at += 1


class _EntryKeys:
    """:func:`analysis.core.numbers.e164_keys` of the book's numbers, read on demand.

    A categorical column (as :func:`analysis.world.build_address_book` makes it) is
    parsed once per category; :meth:`valid` and :meth:`keys` then index through its
    codes, so no int64 key per entry is held for the entries that are dropped.
    """

    def __init__(self, values: pd.Series):
        if isinstance(values.dtype, pd.CategoricalDtype):
            lut = e164_keys(pd.Series(values.cat.categories, dtype="string[pyarrow]"))
            self.lut = None if lut is None else np.append(lut, -1)  # code -1: missing
            self.codes = values.cat.codes.to_numpy()
            self.all = None
        else:
            self.lut, self.codes = None, None
            self.all = e164_keys(values)

    @property
    def ok(self) -> bool:
        """Whether every present number is E.164 (else the strings must be joined)."""
        return self.lut is not None or self.all is not None

    def valid(self) -> np.ndarray:
        """One flag per entry: it holds a number (key >= 0)."""
        if self.lut is not None:
            return (self.lut >= 0)[self.codes]
        return self.all >= 0

    def factorized(self, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(codes, distinct)`` of the keys of the entries in ``keep``, for :func:`_inner_join`.

        A categorical column needs no factorisation: its codes already name its distinct
        numbers (the categories, each parsed once), so no int64 key per entry is made.
        ``keep`` must hold valid entries only (:meth:`valid`).
        """
        if self.lut is not None:
            return self.codes[keep], self.lut[:-1]
        codes, distinct = pd.factorize(self.all[keep])
        return (codes.astype(np.int32) if distinct.size < 2**31 else codes), distinct


def _entry_keys(values: pd.Series) -> _EntryKeys | None:
    entry = _EntryKeys(values)
    return entry if entry.ok else None


def contact_universe(world: Any) -> ContactUniverse:
    """Make the scenario-independent matches behind :func:`contact_edges` (ContactUniverse).

    Numbers are joined as int64 keys (E.164 without its ``+``,
    :func:`analysis.core.numbers.e164_keys`); where a number is not of that form the
    strings are joined instead (:func:`_contact_universe_by_strings`). Either way
    :func:`contact_edges` gets the same table: it sorts the matches and takes "any" over
    their flags, so neither their order nor repeats matter.
    """
    people = world.people
    book = world.address_book
    fb_keys = e164_keys(people["facebook_phone_e164"])
    own_keys = e164_keys(people["phone_e164"])
    entry = _entry_keys(book["entry_e164"]) if fb_keys is not None else None
    if fb_keys is None or own_keys is None or entry is None:
        return _contact_universe_by_strings(world)
    n = len(people)
    is_fb = _bool(people, "is_facebook_user")
    is_wa = _bool(people, "is_whatsapp_user")
    uploads = world.person_attrs["uploads_contacts_to_facebook"].to_numpy(bool) & is_fb
    holds_wa_book = is_wa & (people["consent_state"].astype(str).to_numpy() != "left_whatsapp")
    same = (fb_keys == own_keys) & (fb_keys >= 0)
    wa_linkable = is_wa & is_fb & (_bool(people, "has_facebook_app_same_phone") | same)
    # the kept entries only, one flag per entry at a time (no full-length int64 copies)
    owner = book["owner_person_id"].to_numpy()
    keep = uploads[owner]
    keep |= holds_wa_book[owner]
    keep &= entry.valid()
    ids = np.int32 if n < 2**31 else np.int64  # person ids, held compact until the end
    owner = owner[keep].astype(ids)
    factorized = entry.factorized(keep)  # the joins need only codes and distinct keys
    saved = book["contact_person_id"].array[keep].to_numpy(dtype=ids, na_value=-1)
    del keep

    def cols(i, contact):
        o, t = owner[i], saved[i] == contact
        ok = o != contact
        return o[ok], contact[ok], t[ok]

    i, j = _inner_join(None, np.where(is_fb, fb_keys, -1), factorized)
    fo, fc, ft = cols(i, j.astype(ids, copy=False))
    i, j = _inner_join(None, np.where(wa_linkable, own_keys, -1), factorized)
    wo, wc, wt = cols(i, j.astype(ids, copy=False))
    if n and (max(fo.max(initial=0), fc.max(initial=0), wo.max(initial=0)) >= n):
        raise ValueError("address book refers to person ids outside the population")
    return _universe(n, uploads, holds_wa_book, wa_linkable, fo, fc, ft, wo, wc, wt)


def _contact_universe_by_strings(world: Any) -> ContactUniverse:
    """:func:`contact_universe` by joining the numbers as strings (any number format)."""
    people = world.people
    n = len(people)
    is_fb = _bool(people, "is_facebook_user")
    is_wa = _bool(people, "is_whatsapp_user")
    uploads = world.person_attrs["uploads_contacts_to_facebook"].to_numpy(bool) & is_fb
    holds_wa_book = is_wa & (people["consent_state"].astype(str).to_numpy() != "left_whatsapp")
    fb_phone = people["facebook_phone_e164"].astype("string")
    own_phone = people["phone_e164"].astype("string")
    wa_linkable = (
        is_wa
        & is_fb
        & (
            _bool(people, "has_facebook_app_same_phone")
            | (fb_phone == own_phone).fillna(False).to_numpy(bool)
        )
    )
    book = world.address_book
    owner = book["owner_person_id"].to_numpy(np.int64)
    keep = (uploads[owner] | holds_wa_book[owner]) & book["entry_e164"].notna().to_numpy()
    entries = pd.DataFrame(
        {
            "owner_person_id": owner[keep],
            "number": text_values(book["entry_e164"], keep),
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
        {
            "number": own_phone[wa_linkable].to_numpy(),
            "contact_person_id": np.flatnonzero(wa_linkable),
        }
    )
    by_fb = entries.merge(fb_numbers, on="number", how="inner", validate="many_to_many")
    by_wa = entries.merge(wa_numbers, on="number", how="inner", validate="many_to_one")

    def cols(frame):
        o = frame["owner_person_id"].to_numpy(np.int64)
        c = frame["contact_person_id"].to_numpy(np.int64)
        t = frame["saved_id"].to_numpy(np.int64) == c
        ok = o != c
        return o[ok], c[ok], t[ok]

    fo, fc, ft = cols(by_fb)
    wo, wc, wt = cols(by_wa)
    if n and (max(fo.max(initial=0), fc.max(initial=0), wo.max(initial=0)) >= n):
        raise ValueError("address book refers to person ids outside the population")
    return _universe(n, uploads, holds_wa_book, wa_linkable, fo, fc, ft, wo, wc, wt)


def contact_edges(
    world: Any,
    scenario: Scenario,
    *,
    seed: int | None = None,
    universe: ContactUniverse | None = None,
) -> pd.DataFrame:
    """List the phone-contact edges Facebook can see with and without WhatsApp data.

    Parameters
    ----------
    world : analysis.world.SocialWorld
    scenario : analysis.policy.Scenario
    seed : int, optional
        Seed of the scenario's per-person opt-out draws (``uptake`` mode).
    universe : ContactUniverse, optional
        :func:`contact_universe` of ``world``, reused across scenarios.

    Returns
    -------
    pandas.DataFrame
        The ``contact_edges`` table (directed, owner -> resolved account, unique pairs),
        in (owner, contact) order. See the module docstring for the rules.
    """
    u = universe if universe is not None else contact_universe(world)
    people = world.people
    n = u.n
    cube = flow_cube(people, scenario, seed=seed)[:, :, PURPOSES.index("suggestions")]
    book_ok = cube[:, FIELDS.index("address_book")]
    num_ok = cube[:, FIELDS.index("phone_number")]
    del cube
    wa_book = book_ok & u.holds_wa_book
    wa_linked = u.wa_linkable & num_ok
    fsel = u.uploads[u.fb_owner] | wa_book[u.fb_owner]
    wsel = (u.uploads[u.wa_owner] | wa_book[u.wa_owner]) & wa_linked[u.wa_contact]
    # the selected matches in (owner, contact) order (the universe's order, made once)
    pick = u.order[np.concatenate([fsel, wsel])[u.order]]
    del fsel, wsel
    o = np.concatenate([u.fb_owner, u.wa_owner])[pick].astype(np.int64)
    c = np.concatenate([u.fb_contact, u.wa_contact])[pick].astype(np.int64)
    t = np.concatenate([u.fb_true, u.wa_true])[pick]
    via_fb = pick < u.fb_owner.size
    del pick
    # one row per (owner, contact); flags are "any" over the matches
    key = o * max(n, 1) + c
    first = np.r_[True, key[1:] != key[:-1]] if key.size else np.zeros(0, bool)
    starts = np.flatnonzero(first)
    del key, first

    def any_of(flags):
        return np.logical_or.reduceat(flags, starts) if starts.size else flags[:0]

    o, c = o[starts], c[starts]
    fbn, wan = any_of(via_fb), any_of(~via_fb)
    true = any_of(t)
    up, wab = u.uploads[o], wa_book[o]
    baseline = up & fbn
    route_contact = up & wan  # Facebook upload + the contact's WhatsApp number
    route_owner = wab & fbn  # WhatsApp book + a number Facebook holds
    route_both = wab & wan  # WhatsApp book + WhatsApp number
    visible = baseline | route_contact | route_owner | route_both
    caused = visible & ~baseline
    out = pd.DataFrame(
        {
            "owner_person_id": o,
            "contact_person_id": c,
            "is_true_contact": true,
            "is_baseline": baseline,
            "is_whatsapp_visible": visible,
            "is_whatsapp_caused": caused,
            "is_owner_data_used": caused & (route_owner | route_both),
            "is_contact_data_used": caused & (route_contact | route_both),
        }
    )
    return out[out["is_whatsapp_visible"]].reset_index(drop=True)


def _edge_matrix(edges: pd.DataFrame, mask: np.ndarray, n: int) -> sp.csr_matrix:
    return edges_to_adjacency(
        edges["owner_person_id"].to_numpy()[mask], edges["contact_person_id"].to_numpy()[mask], n
    )
