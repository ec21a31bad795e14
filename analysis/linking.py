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
4. **attribute fingerprint** (:mod:`analysis.fingerprint`): device fields unique on
   both sides.

A link is *usable* for a purpose when every field the mechanism needs may be used
for that purpose about that WhatsApp user (:func:`analysis.policy.flow_cube`).

>>> from analysis.params import WorldParams
>>> from analysis.population import generate_population
>>> from analysis.policy import builtin_scenarios
>>> people = generate_population(WorldParams(n_people=400, seed=5))
>>> t = link_table(people, builtin_scenarios()["before_change"])
>>> int(t["is_linked_any"].sum())
0
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, utils
from rapidfuzz.process import cpdist

from analysis.fingerprint import DEVICE_COLUMNS, fingerprint_links
from analysis.params import Params, WorldParams, param
from analysis.policy import FIELDS, PURPOSES, Scenario, effective_states, flow_cube
from analysis.population import generate_population
from analysis.schema import Field, Table, register

MECHANISMS: tuple[str, ...] = ("phone_number", "device_id", "address_book", "fingerprint")
"""Linking mechanisms, in the order they are reported."""

MECHANISM_LABELS: dict[str, str] = {
    "phone_number": "Phone number",
    "device_id": "Device identifier",
    "address_book": "Address-book inference",
    "fingerprint": "Device fingerprint",
    "any": "Any mechanism",
}

MECHANISM_FIELDS: dict[str, tuple[str, ...]] = {
    "phone_number": ("phone_number",),
    "device_id": ("device_id",),
    "address_book": ("phone_number",),
    "fingerprint": ("os", "screen_resolution", "mcc", "mnc"),
}
"""WhatsApp fields each mechanism needs about the WhatsApp user (policy FIELDS)."""

PURPOSE_CLASSES: tuple[str, ...] = ("ads", "suggestions", "infrastructure_only", "not_linked")
"""What a WhatsApp user's link may be used for, best first: usable for ads; for
suggestions but not ads; only for infrastructure, analytics or security; no link."""

PURPOSE_CLASS_LABELS: dict[str, str] = {
    "ads": "usable for ads",
    "suggestions": "for suggestions, not ads",
    "infrastructure_only": "only infrastructure, analytics, security",
    "not_linked": "not linked",
}


@dataclass(frozen=True)
class LinkingParams(Params):
    """Knobs of the linking mechanisms (issue 4)."""

    section: ClassVar[str] = "linking"

    name_match_threshold: float = param(
        85.0,
        kind="float",
        low=0.0,
        high=100.0,
        unit="score 0-100",
        plausible=(70.0, 95.0),
        description="Minimum rapidfuzz token_sort_ratio between a contact entry's label and a "
        "Facebook account's full name for the entry's number to be a candidate for that account.",
        source="assumption; record-linkage practice",
        confidence="low",
    )
    min_agreeing_uploaders: int = param(
        1,
        kind="int",
        low=1,
        high=50,
        unit="uploaders",
        plausible=(1, 3),
        description="Minimum number of distinct Facebook friends whose uploaded contacts must "
        "agree on a number before it is attached to an account.",
        source="assumption",
        confidence="low",
    )
    last_seen_bucket_minutes: int = param(
        60,
        kind="int",
        low=1,
        high=1440,
        unit="minutes",
        plausible=(1, 60),
        description="Width of the last-seen buckets added to the device fingerprint.",
        source="assumption",
        confidence="low",
    )
    block_on_initial: bool = param(
        True,
        kind="bool",
        description="Compare a contact label with an account's name only if the initials of "
        "the label's first and last words are those of the name's first and last words, in "
        "either order (blocking, for speed; such labels rarely reach the threshold anyway).",
        source="record-linkage practice",
        confidence="n/a",
    )


LINKS = register(
    Table(
        "whatsapp_links",
        "One row per WhatsApp user under one scenario: which mechanisms link them to their own "
        "Facebook account, any false links, and what the links may be used for.",
        (
            Field("person_id", "The WhatsApp user (ground truth row).", "int64"),
            Field("country_code", "Country of residence.", "category"),
            Field(
                "consent_state",
                "Consent state under the scenario.",
                "category",
                "",
                "analysis.policy",
            ),
            Field(
                "has_facebook_account",
                "The person has a Facebook account (a true link exists).",
                "bool",
            ),
            *[
                Field(
                    f"is_linked_{m}",
                    f"Linked to their own Facebook account by {MECHANISM_LABELS[m].lower()}.",
                    "bool",
                )
                for m in MECHANISMS
            ],
            *[
                Field(
                    f"is_mislinked_{m}",
                    f"Linked to someone else's Facebook account by {MECHANISM_LABELS[m].lower()}.",
                    "bool",
                )
                for m in MECHANISMS
            ],
            Field(
                "is_linked_any",
                "Linked to their own Facebook account by at least one mechanism.",
                "bool",
            ),
            *[
                Field(
                    f"is_usable_for_{p}",
                    f"A correct link may be used for {p}.",
                    "bool",
                    "",
                    "policy_flows.csv",
                )
                for p in PURPOSES
            ],
            Field(
                "purpose_class",
                "Best use allowed for the correct links: ads, suggestions, "
                "infrastructure_only, or not_linked.",
                "category",
            ),
        ),
    )
)

SUMMARY = register(
    Table(
        "linking_summary",
        "Share of WhatsApp users linked to their Facebook account, by scenario, mechanism and "
        "permitted use, over seeds (mean and 95% interval).",
        (
            Field("scenario", "Scenario name (data/scenarios/).", "string"),
            Field("mechanism", "Linking mechanism, or 'any'.", "string"),
            Field(
                "purpose_class", "ads, suggestions, infrastructure_only or not_linked.", "string"
            ),
            Field("mean_share", "Mean share of WhatsApp users over seeds.", "float64", "share"),
            Field("low_share", "Lower end of the 95% t-interval of the mean.", "float64", "share"),
            Field("high_share", "Upper end of the 95% t-interval of the mean.", "float64", "share"),
            Field("seed_count", "Number of seeds.", "int64"),
        ),
    )
)


# --------------------------------------------------------------------------------------
# the mechanisms: predicted (whatsapp_person_id, facebook_person_id) pairs
# --------------------------------------------------------------------------------------
def _pairs(wa: np.ndarray, fb: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "whatsapp_person_id": np.asarray(wa, dtype=np.int64),
            "facebook_person_id": np.asarray(fb, dtype=np.int64),
        }
    )


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


def _initials(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Casefolded initial of the first and of the last word of each string."""
    text = values.astype("string[pyarrow]").fillna("").str.strip().str.casefold()
    first = text.str[:1].to_numpy(object)
    last = text.str.replace(r"^.*\s", "", regex=True).str[:1].to_numpy(object)
    return first, last


def _expand_ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Concatenate ``arange(s, s + c)`` for every (s, c), vectorised."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(counts)
    offsets = np.arange(total, dtype=np.int64) - np.repeat(ends - counts, counts)
    return np.repeat(starts, counts) + offsets


def infer_numbers(
    people: pd.DataFrame,
    social: Any,
    params: LinkingParams | None = None,
    *,
    extra_uploaders: np.ndarray | None = None,
    chunk_candidates: int = 2_000_000,
) -> pd.DataFrame:
    """Mechanism 3, first step: guess numbers for Facebook accounts that never gave one.

    For each Facebook account without a number on file, look at the uploaded contacts
    of its Facebook friends; an entry whose label is similar to the account's full
    name (rapidfuzz ``token_sort_ratio`` >= ``name_match_threshold``) proposes its
    number. Candidates are grouped per (account, number); the number proposed by the
    most distinct uploaders wins (ties: higher similarity, then the smaller number).

    The (account, friend, entry) candidates are expanded with integer offsets in
    chunks of about ``chunk_candidates`` rows, blocked on the initials of the first and
    last words (``block_on_initial``), and only then scored, so memory stays bounded at
    large sizes.

    Parameters
    ----------
    people : pandas.DataFrame
    social : SocialWorld or any object with ``ties``, ``address_book``, ``person_attrs``
        As in the ``analysis.social`` contract.
    params : LinkingParams, optional
    extra_uploaders : numpy.ndarray of bool, optional
        People whose books Facebook also holds (WhatsApp-held books when the scenario's
        address-book switch is on).
    chunk_candidates : int
        Approximate number of candidate rows handled at once.

    Returns
    -------
    pandas.DataFrame
        One row per account given a number: ``facebook_person_id``, ``inferred_e164``,
        ``uploader_count`` (distinct friends agreeing), ``best_score``, ``is_correct``.
    """
    params = params or LinkingParams()
    is_fb = people["is_facebook_user"].to_numpy(bool)
    target = is_fb & ~people["is_facebook_phone_on_file"].to_numpy(bool)
    uploads = social.person_attrs["uploads_contacts_to_facebook"].to_numpy(bool) & is_fb
    if extra_uploaders is not None:
        uploads = uploads | extra_uploaders
    # Facebook friendships, both directions: (account without a number, uploading friend)
    ties = social.ties
    fb_ties = ties[ties["is_facebook_friend"].to_numpy(bool)]
    a = fb_ties["person_a_id"].to_numpy(np.int64)
    b = fb_ties["person_b_id"].to_numpy(np.int64)
    acc = np.concatenate([a, b])
    friend = np.concatenate([b, a])
    keep = target[acc] & uploads[friend]
    acc, friend = acc[keep], friend[keep]
    # the uploaded books, sorted by owner, as integer codes
    book = social.address_book
    owner = book["owner_person_id"].to_numpy(np.int64)
    usable = book["entry_e164"].notna().to_numpy() & uploads[owner]
    owner = owner[usable]
    labels = book["entry_label"].astype("string").fillna("").to_numpy(object)[usable]
    num_code, numbers = pd.factorize(book["entry_e164"].astype("string")[usable], sort=True)
    # blocking keys: initials of the first and last words, as integer codes
    lab_f, lab_l = _initials(pd.Series(labels))
    name_f, name_l = _initials(people["full_name"])
    codes, _ = pd.factorize(np.concatenate([lab_f, lab_l, name_f, name_l]))
    m, n_p = owner.size, len(people)
    lab_f, lab_l = codes[:m], codes[m : 2 * m]
    name_f, name_l = codes[2 * m : 2 * m + n_p], codes[2 * m + n_p :]
    order = np.argsort(owner, kind="stable")
    owner_sorted = owner[order]
    starts = np.searchsorted(owner_sorted, friend, side="left")
    counts = np.searchsorted(owner_sorted, friend, side="right") - starts
    names = people["full_name"].astype("string").fillna("").to_numpy(object)
    # chunks of edges with about chunk_candidates book rows each
    cum = np.cumsum(counts)
    bounds = np.searchsorted(
        cum, np.arange(chunk_candidates, int(cum[-1]) if cum.size else 0, chunk_candidates)
    )
    kept = []
    for lo, hi in zip(np.r_[0, bounds], np.r_[bounds, acc.size], strict=True):
        if hi <= lo:
            continue
        rows = order[_expand_ranges(starts[lo:hi], counts[lo:hi])]
        edge = np.repeat(np.arange(lo, hi), counts[lo:hi])
        who = acc[edge]
        if params.block_on_initial:
            lf, ll, nf, nl = lab_f[rows], lab_l[rows], name_f[who], name_l[who]
            block = ((lf == nf) & (ll == nl)) | ((lf == nl) & (ll == nf))
            rows, edge, who = rows[block], edge[block], who[block]
        if rows.size == 0:
            continue
        scores = cpdist(
            labels[rows].tolist(),
            names[who].tolist(),
            scorer=fuzz.token_sort_ratio,
            processor=utils.default_process,
            workers=1,
        )
        scores = np.asarray(scores, dtype=float)
        hit = scores >= params.name_match_threshold
        kept.append(
            pd.DataFrame(
                {
                    "facebook_person_id": who[hit],
                    "number": num_code[rows[hit]],
                    "uploader_id": friend[edge[hit]],
                    "score": scores[hit],
                }
            )
        )
    cand = (
        pd.concat(kept, ignore_index=True)
        if kept
        else pd.DataFrame({"facebook_person_id": [], "number": [], "uploader_id": [], "score": []})
    )
    grouped = (
        cand.groupby(["facebook_person_id", "number"], sort=False)
        .agg(uploader_count=("uploader_id", "nunique"), best_score=("score", "max"))
        .reset_index()
    )
    # numbers are factorised in sorted order, so the smaller code is the smaller number
    grouped = grouped.sort_values(
        ["facebook_person_id", "uploader_count", "best_score", "number"],
        ascending=[True, False, False, True],
        kind="mergesort",
    )
    best = grouped.drop_duplicates("facebook_person_id", keep="first")
    best = best[best["uploader_count"] >= params.min_agreeing_uploaders]
    ids = best["facebook_person_id"].to_numpy(np.int64)
    inferred = np.asarray(numbers, dtype=object)[best["number"].to_numpy(np.int64)]
    own = people["phone_e164"].astype("string").to_numpy(object)
    out = pd.DataFrame(
        {
            "facebook_person_id": ids,
            "inferred_e164": pd.array(inferred, dtype="string"),
            "uploader_count": best["uploader_count"].to_numpy(np.int64),
            "best_score": best["best_score"].to_numpy(float),
        }
    )
    out["is_correct"] = inferred == own[ids]
    return out.reset_index(drop=True)


def address_book_links(
    people: pd.DataFrame, inferred: pd.DataFrame, shares_phone: np.ndarray
) -> pd.DataFrame:
    """Mechanism 3, second step: join inferred numbers with WhatsApp's shared numbers."""
    wa_mask = shares_phone & people["is_whatsapp_user"].to_numpy(bool)
    left = pd.DataFrame(
        {
            "number": people["phone_e164"].astype("string").to_numpy(object)[wa_mask],
            "whatsapp_person_id": people["person_id"].to_numpy()[wa_mask],
        }
    )
    right = pd.DataFrame(
        {
            "number": inferred["inferred_e164"].astype("string").to_numpy(object),
            "facebook_person_id": inferred["facebook_person_id"].to_numpy(),
        }
    )
    pairs = left.merge(right, on="number", how="inner", validate="many_to_many")
    return _pairs(pairs["whatsapp_person_id"], pairs["facebook_person_id"])


def inference_scores(
    people: pd.DataFrame, inferred: pd.DataFrame, max_uploaders: int = 5
) -> pd.DataFrame:
    """Precision and recall of the inferred numbers, by minimum number of agreeing uploaders.

    Recall is over every Facebook account without a number on file.

    Returns
    -------
    pandas.DataFrame
        ``min_uploaders`` (1..max), ``accounts_given_number``, ``correct``,
        ``precision``, ``recall``.
    """
    targets = int(
        (
            people["is_facebook_user"].to_numpy(bool)
            & ~people["is_facebook_phone_on_file"].to_numpy(bool)
        ).sum()
    )
    rows = []
    for k in range(1, max_uploaders + 1):
        sel = inferred[inferred["uploader_count"] >= k]
        correct = int(sel["is_correct"].sum())
        rows.append(
            {
                "min_uploaders": k,
                "accounts_given_number": len(sel),
                "correct": correct,
                "precision": correct / len(sel) if len(sel) else np.nan,
                "recall": correct / targets if targets else np.nan,
            }
        )
    return pd.DataFrame(rows)


def score_pairs(pairs: pd.DataFrame, people: pd.DataFrame) -> dict[str, float]:
    """Precision and recall of predicted pairs against the truth (same ``person_id``).

    The true pairs are every person with both a WhatsApp and a Facebook account.

    >>> import pandas as pd
    >>> people = pd.DataFrame({"person_id": [0, 1, 2], "is_whatsapp_user": [True, True, False],
    ...                        "is_facebook_user": [True, True, True]})
    >>> pairs = pd.DataFrame({"whatsapp_person_id": [0, 1], "facebook_person_id": [0, 2]})
    >>> score_pairs(pairs, people)
    {'predicted': 2, 'correct': 1, 'true': 2, 'precision': 0.5, 'recall': 0.5}
    """
    true = int(
        (
            people["is_whatsapp_user"].to_numpy(bool) & people["is_facebook_user"].to_numpy(bool)
        ).sum()
    )
    uniq = pairs.drop_duplicates()
    correct = int((uniq["whatsapp_person_id"] == uniq["facebook_person_id"]).sum())
    predicted = len(uniq)
    return {
        "predicted": predicted,
        "correct": correct,
        "true": true,
        "precision": correct / predicted if predicted else float("nan"),
        "recall": correct / true if true else float("nan"),
    }


# --------------------------------------------------------------------------------------
# per scenario
# --------------------------------------------------------------------------------------
@dataclass
class ScenarioLinks:
    """Everything computed for one scenario: the pairs per mechanism and the cube of permissions."""

    scenario: Scenario
    pairs: dict[str, pd.DataFrame]
    cube: np.ndarray
    states: pd.Series
    inferred: pd.DataFrame | None


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
    params = params or LinkingParams()
    cube = flow_cube(people, scenario, seed=seed)
    flows = cube.any(axis=2)  # [person, field]: reaches Facebook for some purpose
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
    return ScenarioLinks(
        scenario, pairs, cube, effective_states(people, scenario, seed=seed), inferred
    )


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
    """Per WhatsApp user: linked or not, by which mechanisms, usable for which purposes.

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
        :data:`LINKS` columns, one row per WhatsApp user.
    """
    links = links or compute_links(people, scenario, social, params, seed=seed)
    n = len(people)
    pid = people["person_id"].to_numpy(np.int64)
    pos = pd.Series(np.arange(n), index=pid)
    cube = links.cube if day is None else flow_cube(people, scenario, day=day, seed=seed)
    out = {
        "person_id": pid,
        "country_code": people["country_code"].to_numpy(),
        "consent_state": links.states.to_numpy(),
        "has_facebook_account": people["is_facebook_user"].to_numpy(bool),
    }
    usable = np.zeros((n, len(PURPOSES)), dtype=bool)
    linked_any = np.zeros(n, dtype=bool)
    mis = {}
    for m in MECHANISMS:
        pr = links.pairs[m]
        ok = pr["whatsapp_person_id"].to_numpy() == pr["facebook_person_id"].to_numpy()
        linked = np.zeros(n, dtype=bool)
        linked[pos.loc[pr.loc[ok, "whatsapp_person_id"]].to_numpy(np.int64)] = True
        wrong = np.zeros(n, dtype=bool)
        wrong[pos.loc[pr.loc[~ok, "whatsapp_person_id"]].to_numpy(np.int64)] = True
        out[f"is_linked_{m}"] = linked
        mis[f"is_mislinked_{m}"] = wrong
        linked_any |= linked
        usable |= linked[:, None] & _fields_ok(cube, m)
    out.update(mis)
    out["is_linked_any"] = linked_any
    for j, p in enumerate(PURPOSES):
        out[f"is_usable_for_{p}"] = usable[:, j]
    out["purpose_class"] = _purpose_class(usable, linked_any)
    table = pd.DataFrame(out)
    table = table[people["is_whatsapp_user"].to_numpy(bool)].reset_index(drop=True)
    table["country_code"] = table["country_code"].astype("category")
    table["purpose_class"] = pd.Categorical(
        table["purpose_class"], categories=list(PURPOSE_CLASSES)
    )
    return table[LINKS.columns]


def _purpose_class(usable: np.ndarray, linked: np.ndarray) -> np.ndarray:
    ads = usable[:, PURPOSES.index("ads")]
    sug = usable[:, PURPOSES.index("suggestions")]
    return np.select(
        [ads, sug, linked], ["ads", "suggestions", "infrastructure_only"], "not_linked"
    ).astype(object)


def mechanism_purpose_shares(
    table: pd.DataFrame, links: ScenarioLinks | None = None, people: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Share of WhatsApp users per mechanism (and ``any``) x purpose class.

    A user's class for one mechanism is the best use its correct link by that
    mechanism allows; users it does not link are ``not_linked``.

    Returns
    -------
    pandas.DataFrame
        ``mechanism``, ``purpose_class``, ``share`` (over WhatsApp users; sums to 1 per mechanism).
    """
    rows = []
    n = max(len(table), 1)
    for m in (*MECHANISMS, "any"):
        if m == "any":
            cls = table["purpose_class"].astype(str).to_numpy()
        else:
            linked = table[f"is_linked_{m}"].to_numpy(bool)
            if links is not None and people is not None:
                wa = people["is_whatsapp_user"].to_numpy(bool)
                ok = _fields_ok(links.cube, m)[wa]
                cls = _purpose_class(linked[:, None] & ok, linked)
            else:  # fall back to the user's overall permissions
                use = (
                    table[[f"is_usable_for_{p}" for p in PURPOSES]].to_numpy(bool) & linked[:, None]
                )
                cls = _purpose_class(use, linked)
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
    """Per country: share of WhatsApp users linked (any mechanism), usable for ads / suggestions."""
    g = table.groupby("country_code", observed=True)
    return pd.DataFrame(
        {
            "whatsapp_users_count": g.size(),
            "linked_share": g["is_linked_any"].mean(),
            "usable_for_ads_share": g["is_usable_for_ads"].mean(),
            "usable_for_suggestions_share": g["is_usable_for_suggestions"].mean(),
        }
    ).reset_index()


def window_curve(
    people: pd.DataFrame,
    links: ScenarioLinks,
    days: Iterable[int] = range(31),
    *,
    seed: int | None = None,
) -> pd.DataFrame:
    """Share of WhatsApp users with a link usable for ads / suggestions / anything, by day."""
    wa = people["is_whatsapp_user"].to_numpy(bool)
    n_wa = max(int(wa.sum()), 1)
    linked = {m: np.zeros(len(people), dtype=bool) for m in MECHANISMS}
    pos = pd.Series(np.arange(len(people)), index=people["person_id"].to_numpy())
    for m in MECHANISMS:
        pr = links.pairs[m]
        ok = pr["whatsapp_person_id"].to_numpy() == pr["facebook_person_id"].to_numpy()
        linked[m][pos.loc[pr.loc[ok, "whatsapp_person_id"]].to_numpy(np.int64)] = True
    rows = []
    for d in days:
        cube = flow_cube(people, links.scenario, day=int(d), seed=seed)
        usable = np.zeros((len(people), len(PURPOSES)), dtype=bool)
        for m in MECHANISMS:
            usable |= linked[m][:, None] & _fields_ok(cube, m)
        usable &= wa[:, None]
        rows.append(
            {
                "day": int(d),
                "usable_for_ads_share": usable[:, PURPOSES.index("ads")].sum() / n_wa,
                "usable_for_suggestions_share": usable[:, PURPOSES.index("suggestions")].sum()
                / n_wa,
                "linked_share": usable.any(axis=1).sum() / n_wa,
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------
# many seeds
# --------------------------------------------------------------------------------------
def _build_social(people: pd.DataFrame, seed: int):
    from analysis.social import SocialParams, build_social_world

    return build_social_world(people, SocialParams(seed=seed))


def run_seeds(
    scenarios: Mapping[str, Scenario],
    seeds: Sequence[int],
    *,
    n_people: int = 5_000,
    world: WorldParams | None = None,
    with_social: bool = True,
    params: LinkingParams | None = None,
    curve_scenarios: Sequence[str] = ("mix_2016",),
    progress: bool = False,
) -> dict[str, pd.DataFrame]:
    """Build one world per seed, link under every scenario, and collect tidy results.

    Parameters
    ----------
    scenarios : mapping of name to Scenario
    seeds : sequence of int
        Population (and social-world) seeds; the scenario opt-out draws use the same seed.
    n_people : int
        People per world (ignored if ``world`` is given; its seed is replaced per run).
    world : WorldParams, optional
    with_social : bool
        Build the social world (needed for address-book inference).
    params : LinkingParams, optional
    curve_scenarios : sequence of str
        Scenarios for which the 30-day window curve is computed.
    progress : bool
        Show a tqdm progress bar (off by default: notebooks stay deterministic).

    Returns
    -------
    dict of pandas.DataFrame
        ``shares`` (seed, scenario, mechanism, purpose_class, share), ``scores`` (seed,
        scenario, mechanism, precision, recall, ...), ``countries`` (seed, scenario,
        country_code, shares), ``curve`` (seed, scenario, day, shares).
    """
    world = world or WorldParams(n_people=n_people)
    iterator: Iterable[int] = seeds
    if progress:
        from tqdm.auto import tqdm

        iterator = tqdm(list(seeds), desc="seeds", file=sys.stderr)
    shares, scores, countries, curves = [], [], [], []
    for s in iterator:
        people = generate_population(world.replace(seed=int(s)))
        social = _build_social(people, int(s)) if with_social else None
        base = infer_numbers(people, social, params) if social is not None else None
        for name, scen in scenarios.items():
            links = compute_links(people, scen, social, params, seed=int(s), inferred=base)
            table = link_table(people, scen, social, params, seed=int(s), links=links)
            tag = {"seed": int(s), "scenario": name}
            shares.append(mechanism_purpose_shares(table, links, people).assign(**tag))
            scores.append(mechanism_scores(people, links).assign(**tag))
            countries.append(country_shares(table).assign(**tag))
            if name in curve_scenarios:
                curves.append(window_curve(people, links, seed=int(s)).assign(**tag))

    def cat(frames: list[pd.DataFrame]) -> pd.DataFrame:
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    return {
        "shares": cat(shares),
        "scores": cat(scores),
        "countries": cat(countries),
        "curve": cat(curves),
    }


def summarise_seeds(
    frame: pd.DataFrame, by: Sequence[str], value: str, *, level: float = 0.95
) -> pd.DataFrame:
    """Mean over seeds with a t-interval, per group.

    >>> df = pd.DataFrame({"g": ["a"] * 3, "seed": [1, 2, 3], "v": [0.1, 0.2, 0.3]})
    >>> r = summarise_seeds(df, ["g"], "v")
    >>> round(float(r["mean"].iloc[0]), 3), int(r["seed_count"].iloc[0])
    (0.2, 3)
    """
    from scipy import stats

    g = frame.groupby(list(by), sort=False, observed=True)[value]
    out = g.agg(mean="mean", sd="std", seed_count="count").reset_index()
    t = stats.t.ppf(0.5 + level / 2, np.maximum(out["seed_count"] - 1, 1))
    half = np.where(
        out["seed_count"] > 1, t * out["sd"].fillna(0) / np.sqrt(out["seed_count"]), 0.0
    )
    out["low"] = out["mean"] - half
    out["high"] = out["mean"] + half
    return out.drop(columns="sd")


# --------------------------------------------------------------------------------------
# charts (each returns the figure and the tidy table it plots)
# --------------------------------------------------------------------------------------
def plot_precision_recall(scores: pd.DataFrame, *, title: str):
    """Bars of precision and recall per mechanism; returns ``(fig, data)``."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    from analysis.figures import PALETTE

    data = scores[["mechanism", "precision", "recall"]].copy()
    data["mechanism_label"] = data["mechanism"].map(MECHANISM_LABELS)
    fig, ax = plt.subplots()
    x = np.arange(len(data))
    ax.bar(
        x - 0.2,
        data["precision"].fillna(0),
        0.4,
        label="Precision (links that are right)",
        color=PALETTE[0],
    )
    ax.bar(
        x + 0.2, data["recall"].fillna(0), 0.4, label="Recall (true pairs found)", color=PALETTE[1]
    )
    ax.set_xticks(x, data["mechanism_label"])
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylim(0, 1.05)
    ax.set_title(title, loc="left")
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(0, -0.08), ncols=2)
    return fig, data


def plot_uploader_curve(inf_scores: pd.DataFrame, *, title: str):
    """Precision and recall of address-book inference by minimum agreeing uploaders."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    fig, ax = plt.subplots()
    ax.plot(inf_scores["min_uploaders"], inf_scores["precision"], marker="o", label="Precision")
    ax.plot(inf_scores["min_uploaders"], inf_scores["recall"], marker="s", label="Recall")
    ax.set_xlabel("Friends whose uploaded contacts agree on the number (at least)")
    ax.set_xticks(inf_scores["min_uploaders"])
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylim(0, 1.05)
    ax.set_title(title, loc="left")
    ax.legend(frameon=False)
    return fig, inf_scores[["min_uploaders", "accounts_given_number", "precision", "recall"]].copy()


def plot_headline(
    summary: pd.DataFrame,
    scenario_titles: Mapping[str, str],
    *,
    title: str,
    mechanisms: Sequence[str] = (*MECHANISMS, "any"),
):
    """Stacked bars: per mechanism panel, per scenario, share of WhatsApp users by permitted use.

    ``summary`` is :func:`summarise_seeds` of the ``shares`` table (columns scenario,
    mechanism, purpose_class, mean, low, high). Error bars show the 95% interval of
    the total linked share.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    from analysis.figures import PALETTE

    classes = [c for c in PURPOSE_CLASSES if c != "not_linked"]
    colours = {"ads": PALETTE[3], "suggestions": PALETTE[1], "infrastructure_only": PALETTE[5]}
    scen = list(scenario_titles)
    fig, axes = plt.subplots(1, len(mechanisms), figsize=(3.0 * len(mechanisms), 5.2), sharey=True)
    axes = np.atleast_1d(axes)
    s = summary.set_index(["mechanism", "scenario", "purpose_class"])
    for ax, m in zip(axes, mechanisms, strict=True):
        y = np.arange(len(scen))[::-1]
        left = np.zeros(len(scen))
        for c in classes:
            vals = np.array([s.loc[(m, sc, c), "mean"] for sc in scen])
            ax.barh(y, vals, left=left, color=colours[c], label=PURPOSE_CLASS_LABELS[c])
            left += vals
        nl = s.loc[[(m, sc, "not_linked") for sc in scen]]
        lo = 1 - nl["high"].to_numpy()
        hi = 1 - nl["low"].to_numpy()
        ax.errorbar(
            left,
            y,
            xerr=[np.clip(left - lo, 0, None), np.clip(hi - left, 0, None)],
            fmt="none",
            color="black",
            capsize=2,
            lw=0.8,
        )
        ax.set_title(MECHANISM_LABELS[m], fontsize=9)
        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_xlim(0, 1)
    axes[0].set_yticks(np.arange(len(scen))[::-1], [scenario_titles[k] for k in scen])
    axes[0].legend(frameon=False, loc="upper left", bbox_to_anchor=(0, -0.1), ncols=3)
    fig.suptitle(title, x=0.01, ha="left")
    data = summary[summary["mechanism"].isin(mechanisms)].reset_index(drop=True)
    return fig, data


def plot_window_curve(curve_summary: pd.DataFrame, labels: Mapping[str, str], *, title: str):
    """Share usable for ads over days 0-30 after acceptance, one line (95% band) per scenario.

    ``curve_summary`` is :func:`summarise_seeds` of the ``curve`` table melted to a
    ``measure`` column (scenario, day, measure, mean, low, high); ``labels`` maps
    scenario names to legend labels. The dashed line is the share linked for any use.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    from analysis.figures import PALETTE

    fig, ax = plt.subplots()
    for i, (name, label) in enumerate(labels.items()):
        d = curve_summary[(curve_summary["scenario"] == name)]
        ads = d[d["measure"] == "usable_for_ads_share"]
        colour = PALETTE[i % len(PALETTE)]
        ax.plot(ads["day"], ads["mean"], color=colour, label=f"Usable for ads: {label}")
        ax.fill_between(ads["day"], ads["low"], ads["high"], color=colour, alpha=0.2)
    linked = curve_summary[curve_summary["measure"] == "linked_share"]
    first = linked[linked["scenario"] == next(iter(labels))]
    ax.plot(
        first["day"], first["mean"], color="black", ls="--", label="Linked, any use (all uptakes)"
    )
    ax.set_xlabel("Days since the user accepted the new terms")
    ax.set_ylabel("Share of WhatsApp users")
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylim(0, 1)
    ax.set_title(title, loc="left")
    ax.legend(frameon=False, fontsize=8, loc="lower left")
    data = curve_summary[curve_summary["scenario"].isin(list(labels))].reset_index(drop=True)
    return fig, data


def _pct(mean: float, low: float, high: float) -> str:
    return f"{100 * mean:.1f}% ({100 * max(low, 0):.1f}-{100 * min(high, 1):.1f}%)"


def headline_numbers(
    summary: pd.DataFrame, rows: Sequence[tuple[str, str, str, str]]
) -> pd.DataFrame:
    """Build a table of key numbers in plain words.

    Parameters
    ----------
    summary : pandas.DataFrame
        :func:`summarise_seeds` of the ``shares`` table.
    rows : sequence of (text, scenario, mechanism, measure)
        ``measure`` is a purpose class, or ``"linked"`` (any use: 1 - not_linked).

    Returns
    -------
    pandas.DataFrame
        ``finding`` and ``share of WhatsApp users (95% interval)``.
    """
    s = summary.set_index(["scenario", "mechanism", "purpose_class"])
    out = []
    for text, scen, mech, measure in rows:
        if measure == "linked":
            r = s.loc[(scen, mech, "not_linked")]
            mean, low, high = 1 - r["mean"], 1 - r["high"], 1 - r["low"]
        else:
            r = s.loc[(scen, mech, measure)]
            mean, low, high = r["mean"], r["low"], r["high"]
        out.append(
            {"finding": text, "share of WhatsApp users (95% interval)": _pct(mean, low, high)}
        )
    return pd.DataFrame(out)
