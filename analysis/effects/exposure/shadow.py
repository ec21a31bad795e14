"""Shadow ties: ties between non-members predicted from members' address books.

Horvát et al. 2012 ("One plus one makes three") showed that the contact lists of
members reveal ties among non-members.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis.core.seeds import stream
from analysis.core.stats import mean_t_interval
from analysis.effects.exposure.contacts import _bool
from analysis.effects.link_prediction import auc_score
from analysis.effects.suggest import (
    edges_to_adjacency,
    pair_scores,
)

__all__ = [
    "SHADOW_COUNTRY_WEIGHT",
    "shadow_auc_table",
    "shadow_tie_auc",
]


#: Weight of the same country code in the shadow-tie score: a tie-break below any shared
#: disclosing contact (the smallest Adamic-Adar weight of a contact is 1/log(n) > 0.001).
SHADOW_COUNTRY_WEIGHT = 0.001


def shadow_tie_auc(
    world: Any,
    disclosure_shares: Sequence[float],
    seeds: Sequence[int],
    *,
    negative_ratio: float = 1.0,
) -> pd.DataFrame:
    """AUC of predicting ties between non-members from disclosing members' address books.

    Members are WhatsApp users who did not leave (WhatsApp holds their books);
    non-members are everyone else (never users and leavers). For disclosure share ``d``
    each member discloses with probability ``d`` (seeded; a member disclosing at ``d``
    also discloses at every larger ``d``). A non-member in at least one disclosed book
    is a *shadow profile*. Pairs of shadow profiles are scored by (1) Adamic-Adar over
    the disclosing members who hold both numbers (weighted by 1/log of their book size),
    then, as a tie-break, (2) whether the two numbers share a country code
    (:data:`SHADOW_COUNTRY_WEIGHT`; Facebook reads it off the number). Positives: every
    real tie between two shadow
    profiles; negatives: sampled non-tied pairs of shadow profiles (``negative_ratio``
    per positive). ``auc_shared_contacts`` scores with (1) alone.

    Returns
    -------
    pandas.DataFrame
        ``disclosure_share``, ``seed``, ``shadow_profile_count``, ``positive_count``,
        ``negative_count``, ``auc``, ``auc_shared_contacts``.
    """
    people = world.people
    n = len(people)
    member = _bool(people, "is_whatsapp_user") & (
        people["consent_state"].astype(str).to_numpy() != "left_whatsapp"
    )
    book = world.address_book
    cid = book["contact_person_id"]
    ok = cid.notna().to_numpy() & book["entry_e164"].notna().to_numpy()
    owner = book["owner_person_id"].to_numpy(np.int64)[ok]
    contact = cid.to_numpy(dtype="int64", na_value=-1)[ok]
    # the entry reaches the right person only if it normalised to that person's number
    right = (
        book["entry_e164"].astype("string").to_numpy()[ok]
        == people["phone_e164"].astype("string").to_numpy()[contact]
    )
    owner, contact = owner[right & member[owner]], contact[right & member[owner]]
    ties = world.tie_matrix()
    country = pd.factorize(people["country_code"].astype(str))[0]
    rows = []
    for seed in seeds:
        draw = stream(int(seed), "exposure-shadow-disclosure").random(n)
        for d in disclosure_shares:
            if not 0.0 < d <= 1.0:
                raise ValueError(f"disclosure share {d!r} must be in (0, 1]")
            sel = (member & (draw < d))[owner]
            vis = edges_to_adjacency(owner[sel], contact[sel], n)
            shadow = np.zeros(n, dtype=bool)
            shadow[contact[sel]] = True
            shadow &= ~member
            ids = np.flatnonzero(shadow)
            row = {
                "disclosure_share": float(d),
                "seed": int(seed),
                "shadow_profile_count": int(ids.size),
            }
            up = sp.triu(ties[ids][:, ids], k=1).tocoo()
            pu, pv = ids[up.row], ids[up.col]
            n_neg = round(pu.size * negative_ratio)
            if pu.size == 0 or ids.size < 3:
                rows.append(
                    row
                    | {
                        "positive_count": int(pu.size),
                        "negative_count": 0,
                        "auc": float("nan"),
                        "auc_shared_contacts": float("nan"),
                    }
                )
                continue
            rng = stream(int(seed), f"exposure-shadow-negatives-{d:.6f}")
            draws = n_neg * 2 + 16
            a, b = ids[rng.integers(0, ids.size, draws)], ids[rng.integers(0, ids.size, draws)]
            keep = (a != b) & ~(np.asarray(ties[a, b]).ravel() > 0)
            a, b = a[keep][:n_neg], b[keep][:n_neg]
            pos_aa = pair_scores(vis, pu, pv)["adamic_adar_score"].to_numpy()
            neg_aa = pair_scores(vis, a, b)["adamic_adar_score"].to_numpy()
            pos = pos_aa + SHADOW_COUNTRY_WEIGHT * (country[pu] == country[pv])
            neg = neg_aa + SHADOW_COUNTRY_WEIGHT * (country[a] == country[b])
            rows.append(
                row
                | {
                    "positive_count": int(pu.size),
                    "negative_count": int(a.size),
                    "auc": auc_score(pos, neg),
                    "auc_shared_contacts": auc_score(pos_aa, neg_aa),
                }
            )
    return pd.DataFrame(rows)


def shadow_auc_table(shadow: pd.DataFrame, *, level: float = 0.95) -> pd.DataFrame:
    """Mean and t-interval over seeds of both shadow-tie AUCs, per disclosure share.

    Parameters
    ----------
    shadow : pandas.DataFrame
        Output of :func:`shadow_tie_auc`.

    Returns
    -------
    pandas.DataFrame
        ``disclosure_share``, ``mean``, ``low``, ``high``, ``seed_count`` (full score) and
        ``mean_shared_contacts``, ``low_shared_contacts``, ``high_shared_contacts``.
    """
    auc = mean_t_interval(shadow, ["disclosure_share"], "auc", level=level)
    auc_cn = mean_t_interval(shadow, ["disclosure_share"], "auc_shared_contacts", level=level)
    return auc.merge(
        auc_cn,
        on=["disclosure_share", "seed_count"],
        suffixes=("", "_shared_contacts"),
        validate="one_to_one",
    )
