"""Tidy summary tables of the synthetic population, ready to chart or print.

Every function returns a small ``DataFrame`` with kinds in its column names
(``_share`` for fractions, ``_count`` for counts).
"""

from __future__ import annotations

import pandas as pd

from analysis.core.labels import CONSENT_LABELS
from analysis.core.reference import load
from analysis.world.population import CONSENT_STATES

__all__ = [
    "CONSENT_LABELS",
    "adoption_by_country",
    "consent_mix",
    "mix_by_country",
    "opt_out_days",
]


def adoption_by_country(people: pd.DataFrame) -> pd.DataFrame:
    """Achieved account shares per country beside the reference adoption shares.

    >>> from analysis.world import WorldParams
    >>> from analysis.world import generate_population
    >>> t = adoption_by_country(generate_population(WorldParams(n_people=300, seed=1)))
    >>> list(t.columns)[:3]
    ['country_code', 'people_count', 'whatsapp_share']
    """
    ref = load("countries")[["country_code", "whatsapp_adoption_share", "facebook_adoption_share"]]
    frame = people.assign(both=people["is_whatsapp_user"] & people["is_facebook_user"])
    achieved = (
        frame.groupby("country_code", observed=True)
        .agg(
            people_count=("person_id", "size"),
            whatsapp_share=("is_whatsapp_user", "mean"),
            facebook_share=("is_facebook_user", "mean"),
            instagram_share=("is_instagram_user", "mean"),
            both_whatsapp_facebook_share=("both", "mean"),
        )
        .reset_index()
    )
    achieved["country_code"] = achieved["country_code"].astype(str)
    return achieved.merge(
        ref.rename(
            columns={
                "whatsapp_adoption_share": "whatsapp_reference_share",
                "facebook_adoption_share": "facebook_reference_share",
            }
        ),
        on="country_code",
        how="left",
        validate="one_to_one",
    )


def mix_by_country(people: pd.DataFrame, column: str) -> pd.DataFrame:
    """Share of each value of ``column`` within each country (rows sum to 1).

    Returns a wide table: one row per country, one column per value.
    """
    table = pd.crosstab(
        people["country_code"].astype(str), people[column].astype(str), normalize="index"
    )
    table.columns.name = None
    return table


def consent_mix(people: pd.DataFrame) -> pd.DataFrame:
    """Count and share of each consent state, among everyone and among WhatsApp users."""
    counts = (
        people["consent_state"].astype(str).value_counts().reindex(CONSENT_STATES, fill_value=0)
    )
    wa_total = int(people["is_whatsapp_user"].sum())
    out = pd.DataFrame(
        {
            "consent_state": list(CONSENT_STATES),
            "label": [CONSENT_LABELS[s] for s in CONSENT_STATES],
            "people_count": counts.to_numpy(),
        }
    )
    out["population_share"] = out["people_count"] / len(people)
    out["whatsapp_user_share"] = (out["people_count"] / wa_total).where(
        out["consent_state"] != "never_whatsapp"
    )
    return out


def opt_out_days(people: pd.DataFrame) -> pd.DataFrame:
    """How many in-window opt-outs happened on each day 1-30 after accepting."""
    days = people.loc[people["consent_state"] == "opted_out_in_window", "opt_out_day"].astype(int)
    counts = days.value_counts().reindex(range(1, 31), fill_value=0)
    return pd.DataFrame({"day": counts.index, "opt_out_count": counts.to_numpy()})
