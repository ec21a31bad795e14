"""Shadow ties: ties between non-members predicted from members' address books.

Horvát et al. 2012 ("One plus one makes three", PLoS ONE) showed that members' contact
lists reveal ties among non-members. Their set-up, in words: on real social networks,
with a classifier trained on network features, they predicted whether two non-members
*known by the same member* are tied, and reported an AUC of at least 0.85. The curves
here use a different set-up (below), so their figure is not a reference line for them.

Here the only signal is shared disclosed contacts (Adamic-Adar over the disclosing
members who hold both numbers), and every negative is drawn to be *like* its positive
in what the model assigns: a non-tied shadow profile from the same country as the
positive's first person, or from the same city. Negatives drawn from anywhere would let
the country code alone score about 0.9, because the model rarely ties people across
borders.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis.core.seeds import stream
from analysis.core.stats import mean_t_interval
from analysis.core.texts import text_values
from analysis.effects.exposure.contacts import _bool
from analysis.effects.link_prediction import auc_score
from analysis.effects.suggest import (
    edges_to_adjacency,
    pair_scores,
)

__all__ = [
    "NEGATIVE_MATCHES",
    "shadow_auc_table",
    "shadow_tie_auc",
]


#: How negatives are matched to positives: a shadow profile from the same country, or city.
NEGATIVE_MATCHES: tuple[str, ...] = ("same_country", "same_city")


def _matched_negatives(
    rng: np.random.Generator,
    pu: np.ndarray,
    ids: np.ndarray,
    place: np.ndarray,
    ties: sp.csr_matrix,
    per_positive: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Negatives ``(u, w)`` for positives with first person ``u``: ``w`` from ``u``'s place."""
    order = np.argsort(place[ids], kind="stable")
    by_place = ids[order]
    keys = place[by_place]
    n_neg = round(pu.size * per_positive)
    src = np.resize(pu, n_neg) if n_neg else pu[:0]
    a_out, b_out = [], []
    for _ in range(8):  # redraw the few draws that hit the person themself or a tie
        if src.size == 0:
            break
        lo = np.searchsorted(keys, place[src], side="left")
        hi = np.searchsorted(keys, place[src], side="right")
        w = by_place[lo + np.floor(rng.random(src.size) * (hi - lo)).astype(np.int64)]
        ok = (w != src) & ~(np.asarray(ties[src, w]).ravel() > 0)
        a_out.append(src[ok])
        b_out.append(w[ok])
        src = src[~ok]
    a = np.concatenate(a_out) if a_out else pu[:0]
    b = np.concatenate(b_out) if b_out else pu[:0]
    return a, b


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
    is a *shadow profile*. Pairs are scored by Adamic-Adar over the disclosing members who
    hold both numbers (weighted by 1/log of their book size). Positives: every real tie
    between two shadow profiles. Negatives (``negative_ratio`` per positive): for a
    positive ``(u, v)``, a shadow profile ``w`` not tied to ``u`` from the same country as
    ``u`` (``same_country``), or from the same city (``same_city``). Works on any world
    with address books, generated or loaded from an edge list.

    Returns
    -------
    pandas.DataFrame
        ``disclosure_share``, ``seed``, ``shadow_profile_count``, ``positive_count``, and
        per match ``m`` in :data:`NEGATIVE_MATCHES`: ``negative_count_m``, ``auc_m``.
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
        text_values(book["entry_e164"], ok)
        == people["phone_e164"].astype("string").to_numpy()[contact]
    )
    owner, contact = owner[right & member[owner]], contact[right & member[owner]]
    ties = world.tie_matrix()
    country = pd.factorize(people["country_code"].astype(str))[0]
    city = pd.factorize(people["country_code"].astype(str) + "\x00" + people["city"].astype(str))[0]
    places = {"same_country": country, "same_city": city}
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
            row["positive_count"] = int(pu.size)
            pos = pair_scores(vis, pu, pv)["adamic_adar_score"].to_numpy() if pu.size else None
            for match in NEGATIVE_MATCHES:
                rng = stream(int(seed), f"exposure-shadow-negatives-{match}-{d:.6f}")
                a, b = _matched_negatives(rng, pu, ids, places[match], ties, negative_ratio)
                row[f"negative_count_{match}"] = int(a.size)
                if pos is None or a.size == 0:
                    row[f"auc_{match}"] = float("nan")
                    continue
                neg = pair_scores(vis, a, b)["adamic_adar_score"].to_numpy()
                row[f"auc_{match}"] = auc_score(pos, neg)
            rows.append(row)
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
        ``disclosure_share``, ``seed_count``, and per match ``m`` in
        :data:`NEGATIVE_MATCHES`: ``mean_m``, ``low_m``, ``high_m``.
    """
    out = None
    for match in NEGATIVE_MATCHES:
        t = mean_t_interval(shadow, ["disclosure_share"], f"auc_{match}", level=level)
        t = t.rename(columns={c: f"{c}_{match}" for c in ("mean", "low", "high")})
        out = (
            t
            if out is None
            else out.merge(t, on=["disclosure_share", "seed_count"], validate="one_to_one")
        )
    return out
