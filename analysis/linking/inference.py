"""Address-book inference: filling in numbers Facebook never got from the account.

A Facebook account that never gave a number gets one from its Facebook friends'
uploaded contacts whose entry label matches the account's name (rapidfuzz
similarity); the number then joins WhatsApp's verified number.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, utils
from rapidfuzz.process import cpdist

from analysis.core.texts import factorize_texts
from analysis.linking.params import LinkingParams

__all__ = [
    "address_book_links",
    "infer_numbers",
    "inference_scores",
    "score_pairs",
]


def _pairs(wa: np.ndarray, fb: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "whatsapp_person_id": np.asarray(wa, dtype=np.int64),
            "facebook_person_id": np.asarray(fb, dtype=np.int64),
        }
    )


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


def _compact(codes: np.ndarray, size: int) -> np.ndarray:
    """``codes`` (below ``size``) as int32 when they fit, else as they are."""
    return codes.astype(np.int32) if size < 2**31 else codes


def _is_sorted(values: np.ndarray) -> bool:
    return bool((values[1:] >= values[:-1]).all()) if values.size > 1 else True


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
        As in the ``analysis.world`` contract.
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
    owner = book["owner_person_id"].to_numpy()  # as stored (int32): no full-length copy
    usable = book["entry_e164"].notna().to_numpy() & uploads[owner]
    owner = owner[usable]
    # labels as codes into their distinct texts (far fewer: many owners write a contact's
    # name the same way); a missing label is the empty text, the last one. Codes are
    # int32 (one per usable entry: tens of millions at a million people)
    label_code, distinct = factorize_texts(book["entry_label"], usable)
    label_code = _compact(label_code, distinct.size + 1)
    labels = np.append(distinct, "")
    label_code[label_code < 0] = labels.size - 1
    num_code, numbers = factorize_texts(book["entry_e164"], usable, sort=True)
    num_code = _compact(num_code, len(numbers))
    # blocking keys: initials of the first and last words, as integer codes
    lab_f, lab_l = _initials(pd.Series(labels, dtype=object))
    name_f, name_l = _initials(people["full_name"])
    codes, _ = pd.factorize(np.concatenate([lab_f, lab_l, name_f, name_l]))
    codes = _compact(codes, codes.size)
    m, n_p = labels.size, len(people)
    lab_f, lab_l = codes[:m][label_code], codes[m : 2 * m][label_code]
    name_f, name_l = codes[2 * m : 2 * m + n_p], codes[2 * m + n_p :]
    # the book is stored in owner order: then no sort is needed
    order = None if _is_sorted(owner) else np.argsort(owner, kind="stable")
    owner_sorted = owner if order is None else owner[order]
    friend_ids = friend.astype(owner_sorted.dtype)  # searched in the owners' own dtype
    starts = np.searchsorted(owner_sorted, friend_ids, side="left")
    counts = np.searchsorted(owner_sorted, friend_ids, side="right") - starts
    del friend_ids
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
        rows = _expand_ranges(starts[lo:hi], counts[lo:hi])
        if order is not None:
            rows = order[rows]
        edge = np.repeat(np.arange(lo, hi), counts[lo:hi])
        who = acc[edge]
        if params.block_on_initial:
            lf, ll, nf, nl = lab_f[rows], lab_l[rows], name_f[who], name_l[who]
            block = ((lf == nf) & (ll == nl)) | ((lf == nl) & (ll == nf))
            rows, edge, who = rows[block], edge[block], who[block]
        if rows.size == 0:
            continue
        scores = cpdist(
            labels[label_code[rows]].tolist(),
            names[who].tolist(),
            scorer=fuzz.token_sort_ratio,
            processor=utils.default_process,
            workers=-1,  # every core: the scores do not depend on the number of threads
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
