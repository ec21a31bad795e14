"""Matching customer lists to accounts, scenario by scenario."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.effects.ads.customers import (
    CustomerLists,
    generate_customer_lists,
    hash_customer_keys,
)
from analysis.effects.ads.keys import (
    facebook_match_keys,
    match_customers,
    reachable_by_phone,
    whatsapp_contact_keys,
)
from analysis.effects.ads.params import AD_MATCH_RATES, OPT_OUT_STATES, WHATSAPP_SOURCES, AdsParams

__all__ = [
    "FACEBOOK_DATA_ASSUMPTIONS",
    "AdsResults",
    "ScenarioResult",
    "compare_facebook_data",
    "evaluate_scenario",
    "overall_rates",
    "permitted_match_rows",
    "run_scenarios",
]


@dataclass
class ScenarioResult:
    """What one scenario gives a set of businesses.

    Attributes
    ----------
    match_rates : pandas.DataFrame
        :data:`AD_MATCH_RATES` rows of this scenario.
    audiences : pandas.DataFrame
        :data:`AD_AUDIENCES` rows of this scenario.
    opt_out_reach : pandas.DataFrame
        :data:`AD_OPT_OUT_REACH` rows of this scenario.
    matches : pandas.DataFrame
        The permitted match rows (as :func:`match_customers`).
    """

    match_rates: pd.DataFrame
    audiences: pd.DataFrame
    opt_out_reach: pd.DataFrame
    matches: pd.DataFrame


def permitted_match_rows(
    matches: pd.DataFrame, ads_permitted: np.ndarray, *, address_books_flow: bool = False
) -> np.ndarray:
    """Which match rows a scenario allows.

    Facebook's own sources always; ``whatsapp`` rows only for account holders whose
    ads purpose is permitted; ``whatsapp_contacts`` rows only with the address-book
    switch on (they are made only from the books of owners whose ads purpose is
    permitted: :func:`whatsapp_contact_keys`).

    >>> m = pd.DataFrame({"person_id": [0, 1, 1], "owner_person_id": [0, 1, 0],
    ...                   "source": ["profile", "whatsapp", "whatsapp_contacts"]})
    >>> permitted_match_rows(m, np.array([True, False])).tolist()
    [True, False, False]
    """
    ads_permitted = np.asarray(ads_permitted, dtype=bool)
    source = matches["source"].astype(str).to_numpy()
    person = matches["person_id"].to_numpy(dtype=np.int64)
    keep = ~np.isin(source, WHATSAPP_SOURCES)
    keep |= (source == "whatsapp") & ads_permitted[person]
    if address_books_flow:
        keep |= source == "whatsapp_contacts"
    return keep


def evaluate_scenario(
    name: str,
    people: pd.DataFrame,
    lists: CustomerLists,
    customer_keys: pd.DataFrame,
    matches: pd.DataFrame,
    facebook_keys: pd.DataFrame,
    ads_permitted: np.ndarray,
    opted_out: np.ndarray | None = None,
    *,
    min_audience_size: int = 100,
    address_books_flow: bool = False,
    reachable: np.ndarray | None = None,
) -> ScenarioResult:
    """Match rates, audiences and opt-out reach under one scenario.

    Parameters
    ----------
    name : str
        Scenario name, copied into the tables.
    people : pandas.DataFrame
        The population (``person_id`` == row position).
    lists : CustomerLists
    customer_keys : pandas.DataFrame
        From :func:`hash_customer_keys`.
    matches : pandas.DataFrame
        From :func:`match_customers` (all sources, unfiltered).
    facebook_keys : pandas.DataFrame
        From :func:`facebook_match_keys` (for reach outside the lists).
    ads_permitted : array of bool
        Per person (row order): may WhatsApp data about them be used for ads?
        (``analysis.policy.permitted_purposes(people, scenario)["ads"]``).
    opted_out : array of bool, optional
        Per person: took the partial opt-out under the scenario.
    min_audience_size : int
        Minimum audience (20-1,000).
    address_books_flow : bool
        The scenario's address-book switch.
    reachable : array of bool, optional
        :func:`reachable_by_phone` (scenario-independent; pass it to avoid recomputing).
    """
    if not 20 <= min_audience_size <= 1000:
        raise ValueError(
            f"min_audience_size = {min_audience_size} is not allowed: must be 20-1,000"
        )
    n = len(people)
    ads_permitted = np.asarray(ads_permitted, dtype=bool)
    if ads_permitted.shape != (n,):
        raise ValueError(f"ads_permitted has shape {ads_permitted.shape}, expected ({n},)")
    customers = lists.customers
    is_wa = np.isin(matches["source"].astype(str).to_numpy(), WHATSAPP_SOURCES)
    keep = permitted_match_rows(matches, ads_permitted, address_books_flow=address_books_flow)
    allowed = matches[keep]
    base = matches[~is_wa]

    # --- per customer row
    cid = customers["customer_id"].to_numpy()
    matched_any = np.isin(cid, allowed["customer_id"].to_numpy())
    matched_base = np.isin(cid, base["customer_id"].to_numpy())
    phone_rows = customer_keys[customer_keys["key_kind"] == "phone"]
    unusable = np.isin(cid, phone_rows.loc[phone_rows["reason"] != "ok", "customer_id"].to_numpy())

    # --- per business audiences
    def audience(frame: pd.DataFrame) -> pd.Series:
        return frame.drop_duplicates(["business_id", "person_id"]).groupby("business_id").size()

    bids = lists.businesses["business_id"]
    aud = audience(allowed).reindex(bids, fill_value=0).to_numpy()
    aud_base = audience(base).reindex(bids, fill_value=0).to_numpy()
    truth = customers[["business_id", "person_id"]].drop_duplicates()
    in_aud = (
        allowed[["business_id", "person_id"]]
        .drop_duplicates()
        .merge(
            truth,
            on=["business_id", "person_id"],
            how="left",
            indicator=True,
            validate="one_to_one",
        )
    )
    wrong = in_aud[in_aud["_merge"] == "left_only"].groupby("business_id").size()
    audiences = pd.DataFrame(
        {
            "scenario": name,
            "business_id": bids.to_numpy(),
            "country_code": lists.businesses["country_code"].astype(str).to_numpy(),
            "list_size_count": lists.businesses["list_size_count"].to_numpy(),
            "audience_without_whatsapp_count": aud_base.astype(np.int64),
            "audience_count": aud.astype(np.int64),
            "wrong_account_count": wrong.reindex(bids, fill_value=0).to_numpy().astype(np.int64),
        }
    )
    audiences["is_above_minimum_without_whatsapp"] = (
        audiences["audience_without_whatsapp_count"] >= min_audience_size
    )
    audiences["is_above_minimum"] = audiences["audience_count"] >= min_audience_size
    audiences["is_unlocked_by_whatsapp"] = (
        audiences["is_above_minimum"] & ~audiences["is_above_minimum_without_whatsapp"]
    )

    # --- per country rates
    rows = pd.DataFrame(
        {
            "country_code": customers["country_code"].astype(str).to_numpy(),
            "customers_count": 1,
            "phone_unusable_count": unusable.astype(np.int64),
            "matched_without_whatsapp_count": matched_base.astype(np.int64),
            "matched_count": matched_any.astype(np.int64),
        }
    )
    rates = rows.groupby("country_code", sort=True).sum()
    extra = audiences.assign(
        extra=audiences["audience_count"] - audiences["audience_without_whatsapp_count"]
    )
    rates["extra_reach_count"] = (
        extra.groupby("country_code")["extra"].sum().reindex(rates.index, fill_value=0)
    )
    rates["audiences_unlocked_count"] = (
        audiences.groupby("country_code")["is_unlocked_by_whatsapp"]
        .sum()
        .reindex(rates.index, fill_value=0)
    )
    total = rates.sum().to_frame("ALL").T
    rates = pd.concat([rates, total])
    rates.index.name = "country_code"
    rates = rates.reset_index()
    rates["match_without_whatsapp_share"] = (
        rates["matched_without_whatsapp_count"] / rates["customers_count"]
    )
    rates["match_share"] = rates["matched_count"] / rates["customers_count"]
    rates.insert(0, "scenario", name)
    rates = rates[AD_MATCH_RATES.columns]
    for col in rates.columns:
        if col.endswith("_count"):
            rates[col] = rates[col].astype(np.int64)

    # --- people whose ads purpose is off, still reachable elsewhere
    reach = _opt_out_reach(
        name, people, customers, base, facebook_keys, ads_permitted, opted_out, reachable
    )
    return ScenarioResult(rates, audiences, reach, allowed.reset_index(drop=True))


def _opt_out_reach(
    name, people, customers, base, facebook_keys, ads_permitted, opted_out, reachable=None
):
    n = len(people)
    fb = people["is_facebook_user"].to_numpy(dtype=bool)
    wa = people["is_whatsapp_user"].to_numpy(dtype=bool)
    if reachable is None:
        reachable = reachable_by_phone(people, facebook_keys)
    on_lists = np.zeros(n, dtype=bool)
    on_lists[customers["person_id"].to_numpy()] = True
    self_match = base[
        base["person_id"].to_numpy()
        == customers["person_id"].to_numpy()[base["customer_id"].to_numpy()]
    ]
    matched_self = np.zeros(n, dtype=bool)
    matched_self[self_match["person_id"].to_numpy()] = True
    groups = {"ads_off_whatsapp_users": wa & fb & ~ads_permitted}
    if opted_out is not None:
        groups["opted_out"] = wa & fb & np.asarray(opted_out, dtype=bool)
    return pd.DataFrame(
        [
            {
                "scenario": name,
                "group": g,
                "people_count": int(mask.sum()),
                "reachable_by_phone_elsewhere_count": int((mask & reachable).sum()),
                "on_lists_count": int((mask & on_lists).sum()),
                "matched_on_lists_count": int((mask & on_lists & matched_self).sum()),
            }
            for g, mask in groups.items()
        ]
    )


@dataclass
class AdsResults:
    """Tables over all scenarios (see the registered tables) plus the inputs."""

    lists: CustomerLists
    customer_keys: pd.DataFrame
    facebook_keys: pd.DataFrame
    match_rates: pd.DataFrame
    audiences: pd.DataFrame
    opt_out_reach: pd.DataFrame


def run_scenarios(
    people: pd.DataFrame,
    social=None,
    params: AdsParams | None = None,
    *,
    seed: int,
    scenarios: dict | None = None,
    lists: CustomerLists | None = None,
    inferred: pd.DataFrame | None = None,
    customer_keys: pd.DataFrame | None = None,
) -> AdsResults:
    """Simulate Custom Audiences under every scenario.

    Parameters
    ----------
    people : pandas.DataFrame
        The population.
    social : analysis.world.SocialWorld, optional
        Supplies the uploaded address books from which the linking module infers numbers
        for accounts (shadow contacts, :func:`analysis.linking.infer_numbers`); ``None``
        leaves them out.
    params : AdsParams, optional
    seed : int
        Seed for the customer lists.
    scenarios : dict of str to analysis.policy.Scenario, optional
        Defaults to :func:`analysis.policy.builtin_scenarios`.
    lists : CustomerLists, optional
        Customer lists made earlier by :func:`generate_customer_lists`, to compare
        assumptions about Facebook's data on the very same lists; made from ``params`` and
        ``seed`` when omitted.
    inferred : pandas.DataFrame, optional
        :func:`analysis.linking.infer_numbers` on ``social`` (computed when needed).
    customer_keys : pandas.DataFrame, optional
        :func:`hash_customer_keys` of ``lists`` with emails, reused (email rows are dropped
        when ``params.match_emails`` is off).
    """
    from analysis import policy

    params = params or AdsParams()
    scenarios = policy.builtin_scenarios() if scenarios is None else scenarios
    if lists is None:
        lists = generate_customer_lists(people, params, seed=seed)
    if customer_keys is None:
        ckeys = hash_customer_keys(lists.customers, include_emails=params.match_emails)
    elif params.match_emails:
        ckeys = customer_keys
    else:
        ckeys = customer_keys[customer_keys["key_kind"] != "email"].reset_index(drop=True)
    any_flow = social is not None and any(policy.address_books_flow(s) for s in scenarios.values())
    shadow = params.shadow_contacts_usable and social is not None
    if inferred is None and (shadow or any_flow):
        from analysis.linking.inference import infer_numbers

        inferred = infer_numbers(people, social)
    fkeys = facebook_match_keys(
        people, inferred if shadow else None, include_emails=params.match_emails
    )
    matches = match_customers(ckeys, fkeys)
    reachable = reachable_by_phone(people, fkeys)
    rates, auds, reach = [], [], []
    for name, scenario in scenarios.items():
        ads = policy.permitted_purposes(people, scenario)["ads"].to_numpy(dtype=bool)
        states = policy.effective_states(people, scenario).astype(str).to_numpy()
        flow = policy.address_books_flow(scenario) and social is not None
        s_matches, s_keys = matches, fkeys
        if flow:
            holders = people["is_whatsapp_user"].to_numpy(bool) & (states != "left_whatsapp")
            book_ads = policy.field_purposes(people, scenario, "address_book")["ads"]
            wkeys = whatsapp_contact_keys(
                people, social, holders & book_ads.to_numpy(bool), inferred=inferred
            )
            s_keys = pd.concat([fkeys, wkeys], ignore_index=True)
            s_matches = pd.concat([matches, match_customers(ckeys, wkeys)], ignore_index=True)
        result = evaluate_scenario(
            name,
            people,
            lists,
            ckeys,
            s_matches,
            s_keys,
            ads,
            np.isin(states, OPT_OUT_STATES),
            min_audience_size=params.min_audience_size,
            address_books_flow=flow,
            reachable=reachable,
        )
        rates.append(result.match_rates)
        auds.append(result.audiences)
        reach.append(result.opt_out_reach)
    return AdsResults(
        lists,
        ckeys,
        fkeys,
        pd.concat(rates, ignore_index=True),
        pd.concat(auds, ignore_index=True),
        pd.concat(reach, ignore_index=True),
    )


#: Three assumptions about what Facebook holds without WhatsApp, from least to most.
FACEBOOK_DATA_ASSUMPTIONS = {
    "numbers users gave Facebook": {"match_emails": False, "shadow_contacts_usable": False},
    "+ account emails": {"match_emails": True, "shadow_contacts_usable": False},
    "+ shadow contacts": {"match_emails": True, "shadow_contacts_usable": True},
}
"""Each maps to :class:`AdsParams` overrides; ``compare_facebook_data`` runs all three."""


def compare_facebook_data(
    people: pd.DataFrame,
    social=None,
    params: AdsParams | None = None,
    *,
    seed: int,
    scenarios: dict | None = None,
) -> dict[str, AdsResults]:
    """Run :func:`run_scenarios` under each of :data:`FACEBOOK_DATA_ASSUMPTIONS`.

    How much WhatsApp's numbers add depends on what Facebook already holds; the
    same customer lists (same ``seed``) are matched under each assumption.

    Returns
    -------
    dict
        Assumption label -> :class:`AdsResults`.
    """
    params = params or AdsParams()
    return {
        label: run_scenarios(
            people, social, params.replace(**changes), seed=seed, scenarios=scenarios
        )
        for label, changes in FACEBOOK_DATA_ASSUMPTIONS.items()
    }


def overall_rates(results: dict[str, AdsResults]) -> pd.DataFrame:
    """All-country match rates per assumption and scenario, in one tidy table.

    Columns: ``facebook_data``, ``scenario``, ``match_without_whatsapp_share``,
    ``match_share``, ``extra_match_share`` (the difference), ``extra_reach_count``,
    ``audiences_unlocked_count``, ``audiences_above_minimum_count``.
    """
    frames = []
    for label, res in results.items():
        rates = res.match_rates[res.match_rates["country_code"] == "ALL"].copy()
        above = res.audiences.groupby("scenario", sort=False)["is_above_minimum"].sum()
        rates["audiences_above_minimum_count"] = rates["scenario"].map(above).astype(np.int64)
        rates.insert(0, "facebook_data", label)
        frames.append(rates)
    out = pd.concat(frames, ignore_index=True)
    out["extra_match_share"] = out["match_share"] - out["match_without_whatsapp_share"]
    return out[
        [
            "facebook_data",
            "scenario",
            "match_without_whatsapp_share",
            "match_share",
            "extra_match_share",
            "extra_reach_count",
            "audiences_unlocked_count",
            "audiences_above_minimum_count",
        ]
    ]
