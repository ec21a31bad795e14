"""Audiences unlocked by WhatsApp's numbers, as a curve over list size and minimum audience.

Whether a business's Custom Audience reaches Facebook's minimum size only because of
WhatsApp's numbers depends on two numbers nobody fixed for 2016: how long the business's
list is, and the minimum (reported between 20 and 1,000 over the years). A single figure
at one list size would mostly say which list size was picked, so :func:`unlock_curve`
gives the whole surface.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from analysis.effects.ads.customers import generate_customer_lists, hash_customer_keys
from analysis.effects.ads.matching import FACEBOOK_DATA_ASSUMPTIONS, run_scenarios
from analysis.effects.ads.params import AdsParams

__all__ = [
    "unlock_curve",
]


def unlock_curve(
    people: pd.DataFrame,
    social: Any,
    scenario: Any,
    params: AdsParams | None = None,
    *,
    seed: int,
    list_sizes: Sequence[int] = (25, 100, 400),
    min_sizes: Sequence[int] = (20, 100, 500),
    assumptions: Mapping[str, Mapping[str, Any]] | None = None,
    inferred: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Share of businesses whose audience reaches the minimum only because of WhatsApp.

    For each list size, every business holds a list of exactly that many customers (fewer
    where its country has fewer people), drawn as in :func:`generate_customer_lists`; the
    lists are matched once per assumption about what Facebook held, and the audiences
    with and without WhatsApp's numbers are compared with each minimum size.

    Parameters
    ----------
    people : pandas.DataFrame
    social : analysis.world.SocialWorld
    scenario : analysis.policy.Scenario
        Which WhatsApp numbers may be used for ads.
    params : AdsParams, optional
        Everything but the list size (``n_businesses``, styles, typos, ...).
    seed : int
        Seed of the customer lists (the same for every list size).
    list_sizes, min_sizes : sequence of int
        Customers per list; minimum audience sizes.
    assumptions : mapping, optional
        Label -> :class:`AdsParams` overrides (default :data:`FACEBOOK_DATA_ASSUMPTIONS`).
    inferred : pandas.DataFrame, optional
        :func:`analysis.linking.infer_numbers` on ``social``, reused.

    Returns
    -------
    pandas.DataFrame
        ``facebook_data``, ``list_size_count``, ``min_audience_size``, ``business_count``,
        ``above_minimum_without_whatsapp_share``, ``above_minimum_share``,
        ``unlocked_count``, ``unlocked_share`` (shares of businesses).
    """
    params = params or AdsParams()
    assumptions = FACEBOOK_DATA_ASSUMPTIONS if assumptions is None else assumptions
    if not list_sizes or not min_sizes:
        raise ValueError("unlock_curve: give at least one list size and one minimum size")
    bad = [m for m in min_sizes if not 1 <= int(m)]
    if bad:
        raise ValueError(f"min_sizes {bad} must be positive integers")
    if inferred is None and social is not None:
        from analysis.linking.inference import infer_numbers

        inferred = infer_numbers(people, social)
    rows = []
    for size in list_sizes:
        base = params.replace(list_size_median=int(size), list_size_sigma=0.0)
        lists = generate_customer_lists(people, base, seed=seed)  # the same for every assumption
        ckeys = hash_customer_keys(lists.customers, include_emails=True)
        for label, changes in assumptions.items():
            res = run_scenarios(
                people,
                social,
                base.replace(**changes),
                seed=seed,
                scenarios={scenario.name: scenario},
                lists=lists,
                inferred=inferred,
                customer_keys=ckeys,
            )
            aud = res.audiences
            with_wa = aud["audience_count"].to_numpy()
            without = aud["audience_without_whatsapp_count"].to_numpy()
            for m in min_sizes:
                above, above_base = with_wa >= m, without >= m
                unlocked = above & ~above_base
                rows.append(
                    {
                        "facebook_data": label,
                        "list_size_count": int(size),
                        "min_audience_size": int(m),
                        "business_count": len(aud),
                        "above_minimum_without_whatsapp_share": float(above_base.mean()),
                        "above_minimum_share": float(above.mean()),
                        "unlocked_count": int(unlocked.sum()),
                        "unlocked_share": float(unlocked.mean()),
                    }
                )
    return pd.DataFrame(rows).astype({"unlocked_count": np.int64})
