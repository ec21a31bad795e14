"""Collective exposure measured as harm to the exposed person.

A person is never counted as exposed because of what *they* are shown: being shown a
suggestion reveals nothing about the viewer. Each exposure is something other people's
data does *to the person named*, per person and scenario:

(i) ``suggested``: they are suggested to someone else because of WhatsApp data (a
    WhatsApp-only suggestion, :mod:`analysis.effects.exposure.suggestions`, whose
    *suggested* person they are). Count: distinct people shown them. Only Facebook
    members can be suggested; shares are given over the whole group and over its members.
(ii) ``tie_known``: a tie of theirs is made known to Facebook through *someone else's*
    upload: another person's address book that Facebook holds (uploaded to Facebook, or
    WhatsApp's copy where the scenario lets it reach Facebook) holds their correct number.
    Their own uploads never count. Count: distinct other people whose books do it.
(iii) ``number_attached``: their own number is attached to a Facebook account by the
    linking module's inference from other people's uploaded contacts
    (:func:`analysis.linking.infer_numbers`; the account may be theirs or someone
    else's), or, if they have no Facebook account, to a *shadow profile*: it sits in
    address books Facebook holds. Count: distinct other people whose data do it.

For (ii) and (iii) the ``*_whatsapp_count`` columns count the part that needs WhatsApp's
copies of address books (the scenario's address-book switch; zero when it is off). The
headline groups (:data:`EXPOSURE_GROUPS`) are the people whose own WhatsApp data may not
be used for suggestions: those who took the partial opt-out, those who left, and those who
never used WhatsApp.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from analysis.core.texts import text_values
from analysis.effects.exposure.contacts import _bool
from analysis.effects.exposure.params import _CO_KIND
from analysis.policy.consent import effective_states, flow_cube
from analysis.policy.flows import FIELDS
from analysis.policy.scenarios import Scenario

__all__ = [
    "COUNT_BINS",
    "EXPOSURES",
    "EXPOSURE_GROUPS",
    "EXPOSURE_LABELS",
    "GROUP_LABELS",
    "GROUP_STATES",
    "client_exposure",
    "exposure_distribution",
    "exposure_group",
    "exposure_shares",
    "held_books",
    "person_exposure",
]


EXPOSURES: tuple[str, ...] = ("suggested", "tie_known", "number_attached")


EXPOSURE_LABELS: dict[str, str] = {
    "suggested": "(i) suggested to someone else because of WhatsApp data",
    "tie_known": "(ii) a tie of theirs known to Facebook through someone else's upload",
    "number_attached": "(iii) their number attached to an account or a shadow profile by "
    "other people's data",
}


EXPOSURE_GROUPS: tuple[str, ...] = ("opted_out", "left", "never_whatsapp")


GROUP_STATES: dict[str, tuple[str, ...]] = {
    "opted_out": ("unticked_before_agreeing", "opted_out_in_window"),
    "left": ("left_whatsapp",),
    "never_whatsapp": ("never_whatsapp",),
}


GROUP_LABELS: dict[str, str] = {
    "opted_out": "took the partial opt-out",
    "left": "left WhatsApp",
    "never_whatsapp": "never used WhatsApp",
    "shares": "share by default or had no choice",
}


#: Per-person count bins of :func:`exposure_distribution` (lower bounds; the last is open).
COUNT_BINS: tuple[int, ...] = (0, 1, 2, 3, 6, 11, 21)


def exposure_group(states: pd.Series | np.ndarray) -> np.ndarray:
    """Each person's headline group from their consent state (``shares`` if in none).

    >>> exposure_group(np.array(["left_whatsapp", "kept_default", "opted_out_in_window"])).tolist()
    ['left', 'shares', 'opted_out']
    """
    s = np.asarray(states, dtype=object).astype(str)
    out = np.full(s.size, "shares", dtype=object)
    for g, members in GROUP_STATES.items():
        out[np.isin(s, members)] = g
    return out


def held_books(world: Any, scenario: Scenario, *, seed: int | None = None) -> dict[str, np.ndarray]:
    """Whose address books Facebook holds, and how.

    Returns
    -------
    dict of numpy.ndarray of bool, one flag per person
        ``upload``: the owner uploaded their contacts to Facebook (Facebook's own data);
        ``whatsapp``: WhatsApp's copy of the owner's book reaches Facebook for some
        purpose under the scenario (a WhatsApp user who did not leave, the address-book
        switch on, the ``address_book`` field not ``no``).
    """
    people = world.people
    fb = _bool(people, "is_facebook_user")
    upload = world.person_attrs["uploads_contacts_to_facebook"].to_numpy(bool) & fb
    state = effective_states(people, scenario, seed=seed).astype(str).to_numpy()
    holds = _bool(people, "is_whatsapp_user") & (state != "left_whatsapp")
    if scenario.address_books:
        reach = flow_cube(people, scenario, seed=seed, use="reach")
        wa = holds & reach[:, FIELDS.index("address_book")].any(axis=1)
    else:
        wa = np.zeros(len(people), dtype=bool)
    return {"upload": upload, "whatsapp": wa}


def _correct_entries(world: Any) -> tuple[np.ndarray, np.ndarray]:
    """(owner, person) of every entry holding that person's own current number."""
    people = world.people
    book = world.address_book
    cid = book["contact_person_id"]
    ok = cid.notna().to_numpy() & book["entry_e164"].notna().to_numpy()
    owner = book["owner_person_id"].to_numpy(np.int64)[ok]
    person = cid.to_numpy(dtype="int64", na_value=-1)[ok]
    right = (
        text_values(book["entry_e164"], ok)
        == people["phone_e164"].astype("string").to_numpy()[person]
    )
    keep = right & (owner != person)
    return owner[keep], person[keep]


def _distinct_count(owner: np.ndarray, person: np.ndarray, n: int) -> np.ndarray:
    """Per person, the number of distinct owners among the (owner, person) pairs."""
    if owner.size == 0:
        return np.zeros(n, dtype=np.int64)
    key = np.unique(person.astype(np.int64) * n + owner.astype(np.int64))
    return np.bincount(key // n, minlength=n).astype(np.int64)


def _attached_counts(people: pd.DataFrame, inferred: pd.DataFrame | None) -> np.ndarray:
    """Per person: agreeing uploaders behind every account their number was attached to."""
    n = len(people)
    out = np.zeros(n, dtype=np.int64)
    if inferred is None or len(inferred) == 0:
        return out
    owner_of = pd.Series(
        people["person_id"].to_numpy(np.int64), index=people["phone_e164"].astype(str).to_numpy()
    )
    owner_of = owner_of[~owner_of.index.duplicated()]
    num = inferred["inferred_e164"].astype(str).to_numpy()
    who = owner_of.reindex(num).to_numpy(dtype=float)
    ok = ~np.isnan(who)
    np.add.at(out, who[ok].astype(np.int64), inferred["uploader_count"].to_numpy(np.int64)[ok])
    return out


def person_exposure(
    world: Any,
    result: Any,
    scenario: Scenario,
    *,
    seed: int | None = None,
    inferred: pd.DataFrame | None = None,
    inferred_with_whatsapp: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Exposures (i)-(iii) of every person under one scenario (see the module docstring).

    Parameters
    ----------
    world : analysis.world.SocialWorld
    result : analysis.effects.exposure.ScenarioSuggestions
        The scenario's suggestions (for (i)).
    scenario : analysis.policy.Scenario
        The same scenario (for whose books Facebook holds).
    seed : int, optional
        Seed of the scenario's opt-out draws (``uptake`` mode).
    inferred : pandas.DataFrame, optional
        :func:`analysis.linking.infer_numbers` on Facebook's own uploads (computed if
        omitted).
    inferred_with_whatsapp : pandas.DataFrame, optional
        The same with WhatsApp's copies of the books added (only read when the scenario's
        address-book switch is on; computed if omitted).

    Returns
    -------
    pandas.DataFrame
        One row per person: ``person_id``, ``consent_state``, ``exposure_group``,
        ``has_facebook_account``, ``suggested_count``, ``tie_known_count``,
        ``tie_known_whatsapp_count``, ``number_attached_count``,
        ``number_attached_whatsapp_count``.

    Examples
    --------
    A person who is only *shown* suggestions is not exposed by them:

    >>> import pandas as pd
    >>> from types import SimpleNamespace
    >>> only = pd.DataFrame({"person_id": [0, 0], "suggested_person_id": [1, 2]})
    >>> _suggested_counts(SimpleNamespace(whatsapp_only=only), 3).tolist()
    [0, 1, 1]
    """
    from analysis.linking.inference import infer_numbers

    people = world.people
    n = len(people)
    fb = _bool(people, "is_facebook_user")
    states = effective_states(people, scenario, seed=seed).astype(str).to_numpy()
    books = held_books(world, scenario, seed=seed)
    owner, person = _correct_entries(world)
    held = books["upload"][owner] | books["whatsapp"][owner]
    tie_known = _distinct_count(owner[held], person[held], n)
    by_upload = _distinct_count(owner[books["upload"][owner]], person[books["upload"][owner]], n)
    if inferred is None:
        inferred = infer_numbers(people, world)
    attached = _attached_counts(people, inferred)
    attached_wa = np.zeros(n, dtype=np.int64)
    shadow = np.where(fb, 0, tie_known)
    shadow_own = np.where(fb, 0, by_upload)
    if books["whatsapp"].any():
        if inferred_with_whatsapp is None:
            inferred_with_whatsapp = infer_numbers(people, world, extra_uploaders=books["whatsapp"])
        with_wa = _attached_counts(people, inferred_with_whatsapp)
        attached_wa = np.maximum(with_wa - attached, 0)
        attached = np.maximum(with_wa, attached)
    return pd.DataFrame(
        {
            "person_id": people["person_id"].to_numpy(np.int64),
            "consent_state": pd.array(states, dtype="string"),
            "exposure_group": pd.array(exposure_group(states), dtype="string"),
            "has_facebook_account": fb,
            "suggested_count": _suggested_counts(result, n),
            "tie_known_count": tie_known,
            "tie_known_whatsapp_count": tie_known - by_upload,
            "number_attached_count": attached + shadow,
            "number_attached_whatsapp_count": attached_wa + (shadow - shadow_own),
        }
    )


def _suggested_counts(result: Any, n: int) -> np.ndarray:
    """Per person: distinct *other* people shown them as a WhatsApp-only suggestion."""
    only = result.whatsapp_only
    u = only["person_id"].to_numpy(np.int64)
    v = only["suggested_person_id"].to_numpy(np.int64)
    keep = u != v
    return _distinct_count(u[keep], v[keep], n)


def exposure_shares(
    per_person: pd.DataFrame, groups: Sequence[str] = EXPOSURE_GROUPS
) -> pd.DataFrame:
    """Share of each group with each exposure, with its denominator.

    The denominator is everyone in the group (only Facebook members can be suggested, so
    for (i) the share over the group's Facebook members is given as well).

    Parameters
    ----------
    per_person : pandas.DataFrame
        :func:`person_exposure` output (several worlds may be stacked; a ``seed`` column
        is then kept as a key).
    groups : sequence of str
        Groups of :func:`exposure_group` to report.

    Returns
    -------
    pandas.DataFrame
        One row per (``seed``,) group and exposure: ``exposure_group``, ``exposure``,
        ``people_count`` (the denominator: people in the group), ``exposed_count``,
        ``exposed_share``, ``whatsapp_exposed_share`` (the part that needs WhatsApp data:
        all of (i)), ``mean_count`` (mean per person), ``member_count`` and
        ``member_exposed_share`` (the group's Facebook members).
    """
    keys = ["seed"] if "seed" in per_person.columns else []
    rows = []
    for key, part in per_person.groupby(keys, sort=True) if keys else [((), per_person)]:
        tag = dict(zip(keys, key if isinstance(key, tuple) else (key,), strict=True))
        for g in groups:
            frame = part[part["exposure_group"].astype(str) == g]
            member = frame["has_facebook_account"].to_numpy(bool)
            for e in EXPOSURES:
                c = frame[f"{e}_count"].to_numpy(np.int64)
                wa = c if e == "suggested" else frame[f"{e}_whatsapp_count"].to_numpy(np.int64)
                m = len(frame)
                rows.append(
                    tag
                    | {
                        "exposure_group": g,
                        "exposure": e,
                        "people_count": m,
                        "exposed_count": int((c > 0).sum()),
                        "exposed_share": float((c > 0).mean()) if m else float("nan"),
                        "whatsapp_exposed_share": float((wa > 0).mean()) if m else float("nan"),
                        "mean_count": float(c.mean()) if m else float("nan"),
                        "member_count": int(member.sum()),
                        "member_exposed_share": float((c[member] > 0).mean())
                        if member.any()
                        else float("nan"),
                    }
                )
    return pd.DataFrame(rows)


def exposure_distribution(
    per_person: pd.DataFrame, groups: Sequence[str] = EXPOSURE_GROUPS
) -> pd.DataFrame:
    """Distribution of the per-person counts, per group and exposure (:data:`COUNT_BINS`).

    Over everyone in the group (people without a Facebook account are never suggested).

    >>> pp = pd.DataFrame({"exposure_group": ["left"] * 3, "has_facebook_account": True,
    ...                    "suggested_count": [0, 1, 7], "tie_known_count": 0,
    ...                    "number_attached_count": 0})
    >>> d = exposure_distribution(pp, ["left"])
    >>> d[d.exposure == "suggested"].set_index("count_bin")["people_count"].to_dict()
    {'0': 1, '1': 1, '2': 0, '3-5': 0, '6-10': 1, '11-20': 0, '21+': 0}
    """
    labels = []
    for lo, hi in zip(COUNT_BINS, (*COUNT_BINS[1:], None), strict=True):
        labels.append(f"{lo}+" if hi is None else (str(lo) if hi == lo + 1 else f"{lo}-{hi - 1}"))
    rows = []
    for g in groups:
        frame = per_person[per_person["exposure_group"].astype(str) == g]
        for e in EXPOSURES:
            c = frame[f"{e}_count"].to_numpy(np.int64)
            idx = np.searchsorted(np.array(COUNT_BINS), c, side="right") - 1
            counts = np.bincount(idx, minlength=len(COUNT_BINS)) if c.size else np.zeros(7, int)
            for label, k in zip(labels, counts, strict=True):
                rows.append(
                    {
                        "exposure_group": g,
                        "exposure": e,
                        "count_bin": label,
                        "people_count": int(k),
                        "people_share": float(k / c.size) if c.size else float("nan"),
                    }
                )
    return pd.DataFrame(rows)


def client_exposure(world: Any, result: Any) -> pd.DataFrame:
    """Clients of a professional suggested to a fellow client because of WhatsApp data.

    A WhatsApp-only suggestion between two patients of the same clinician (clients of one
    lawyer or sex worker, sources of one journalist) tells each that the other is one too:
    it reveals a sensitive relationship to someone new. One row per Facebook member who is
    on the client side of a professional tie.

    Returns
    -------
    pandas.DataFrame
        ``person_id``, ``co_client_suggested_count`` (distinct fellow clients shown them).
    """
    people = world.people
    n = len(people)
    ties = world.ties
    kind = ties["tie_kind"].astype(str).to_numpy()
    prof = np.isin(kind, list(set(_CO_KIND.values())))
    clients = np.zeros(n, dtype=bool)
    clients[ties["person_b_id"].to_numpy(np.int64)[prof]] = True
    clients &= _bool(people, "is_facebook_user")
    only = result.whatsapp_only
    co = only["sensitive_kind"].astype(str).isin(list(_CO_KIND)).to_numpy()
    counts = _distinct_count(
        only["person_id"].to_numpy(np.int64)[co],
        only["suggested_person_id"].to_numpy(np.int64)[co],
        n,
    )
    ids = np.flatnonzero(clients)
    return pd.DataFrame({"person_id": ids, "co_client_suggested_count": counts[ids]})
