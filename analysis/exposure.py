"""What WhatsApp's data does to People You May Know, and who it exposes.

Contact edges
-------------
An address-book entry of owner ``o`` whose number *resolves* to the Facebook
account of person ``t`` is a **contact edge** ``o -> t``. Facebook sees it when it
holds the book and can resolve the number:

* the book: ``o`` uploaded their contacts to Facebook (Facebook's own data), or
  WhatsApp's copy of ``o``'s book reaches Facebook for suggestions (only when the
  scenario's address-book switch is on and ``o``'s ``address_book`` field may be used
  for the *suggestions* purpose);
* the number: Facebook holds it on an account (``facebook_phone_e164``; a stale,
  recycled number resolves to the wrong account), or it is ``t``'s WhatsApp number,
  linked to ``t``'s Facebook account (the Facebook app on the same phone, or the same
  number on file) and ``t``'s ``phone_number`` field may be used for suggestions.

**Who is involved.** The people *involved* in a contact edge are the people whose
WhatsApp data it uses: the owner ``o`` when the book is WhatsApp's copy, and the
contact ``t`` when the number is resolved through ``t``'s WhatsApp number. An edge
is visible with WhatsApp data only if the suggestions purpose is permitted for every
person involved in one of its routes (:func:`analysis.policy.field_purposes`). A
*WhatsApp-caused* edge is visible with WhatsApp data and not without it (Facebook's
own uploads and numbers). So an edge can never be caused by WhatsApp data when
neither of its two people may have their data used for suggestions, and nothing is
caused before the change (scenario ``before_change`` permits no purpose).

Suggestions
-----------
Suggestions are the top-k of :func:`analysis.suggest.top_k_suggestions` on the
Facebook friendship graph plus the visible contact edges, shown to and made of
Facebook members. *WhatsApp-only* suggestions are in the top-k with WhatsApp data
and not in the top-k without it. Each is checked against the real-world tie graph
(precision) and classified as exposing a sensitive tie (:data:`SENSITIVE_PAIR_KINDS`).

A WhatsApp-only suggestion ``(u, v)`` is *attributed* to the people whose WhatsApp
data makes the WhatsApp-caused edges on its paths (the direct edge ``u-v`` and the
edges ``u-w``, ``w-v`` through a common neighbour ``w``). When ``u`` or ``v`` opted
out or left, the attribution says whether their own data, a contact's who kept the
default, or someone else's caused it; ``ranking shift`` means no WhatsApp-caused edge
is on its paths (another candidate fell out of the top-k).

Collective exposure and shadow ties
-----------------------------------
:func:`collective_exposure`: people who took the partial opt-out or left, and have a
Facebook account, are *exposed* when a WhatsApp-caused contact edge touches them (a
tie of theirs made visible) or they are in a WhatsApp-only suggestion; plotted
against the share of their real-world ties whose data may be used for suggestions.
:func:`shadow_tie_auc`: ties between non-members (never WhatsApp users and leavers)
predicted from the books of the members who disclose (Horvat et al. 2012).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis.params import Params, param
from analysis.policy import Scenario, effective_states, field_purposes
from analysis.population import stream
from analysis.schema import Field, Table, register
from analysis.suggest import (
    SuggestParams,
    auc_score,
    edges_to_adjacency,
    pair_scores,
    top_k_suggestions,
)

#: Consent states of people who took the partial opt-out or left WhatsApp.
OPTED_OUT_STATES = ("unticked_before_agreeing", "opted_out_in_window", "left_whatsapp")
#: Consent states in which a WhatsApp user's data may be used for suggestions (absent regimes).
DEFAULT_STATES = ("kept_default", "new_user_no_choice")

#: Sensitive pair kinds, in the order a pair is classified (first match wins).
SENSITIVE_PAIR_KINDS = (
    "patient_clinician",
    "client_sex_worker",
    "source_journalist",
    "client_lawyer",
    "ex_partner",
    "co_patients",
    "co_clients_sex_worker",
    "co_sources",
    "co_clients_lawyer",
)
SENSITIVE_PAIR_LABELS = {
    "patient_clinician": "patient and clinician",
    "client_sex_worker": "client and sex worker",
    "source_journalist": "source and journalist",
    "client_lawyer": "client and lawyer",
    "ex_partner": "ex-partners",
    "co_patients": "patients of the same clinician",
    "co_clients_sex_worker": "clients of the same sex worker",
    "co_sources": "sources of the same journalist",
    "co_clients_lawyer": "clients of the same lawyer",
    "none": "not sensitive",
}
_CO_KIND = {
    "co_patients": "patient_clinician",
    "co_clients_sex_worker": "client_sex_worker",
    "co_sources": "source_journalist",
    "co_clients_lawyer": "client_lawyer",
}
ATTRIBUTIONS = (
    "own data",
    "a contact who kept the default",
    "someone else's data",
    "ranking shift",
)


@dataclass(frozen=True)
class ExposureParams(Params):
    """Knobs of the exposure analysis.

    How suggestions are ranked (``k``, ``method``, ``contact_edge_weight``) is set once, in
    :class:`analysis.suggest.SuggestParams`, and passed as ``suggest=`` where needed.
    """

    section: ClassVar[str] = "exposure"

    exposure_bins: int = param(
        5,
        kind="int",
        low=2,
        high=50,
        unit="bins",
        description="Equal-width bins of the share of a person's ties who kept the default "
        "(collective-exposure curve).",
        source="convention",
        confidence="n/a",
    )
    shadow_negative_ratio: float = param(
        1.0,
        kind="float",
        low=0.1,
        high=100.0,
        unit="negatives per positive",
        description="Non-tied pairs of non-members sampled per real tie to estimate the "
        "shadow-tie AUC.",
        source="convention",
        confidence="n/a",
    )


CONTACT_EDGES = register(
    Table(
        "contact_edges",
        "Phone-contact edges Facebook can see under a scenario: one row per (owner, resolved "
        "Facebook account), from analysis.exposure.contact_edges.",
        (
            Field("owner_person_id", "Whose address book holds the number.", "int64"),
            Field("contact_person_id", "The Facebook account the number resolves to.", "int64"),
            Field(
                "is_true_contact",
                "The account is the person the owner saved (not a stale recycled number).",
                "bool",
            ),
            Field(
                "is_baseline",
                "Visible without WhatsApp data (Facebook upload and a number Facebook holds).",
                "bool",
            ),
            Field(
                "is_whatsapp_visible",
                "Visible when WhatsApp data is used as the scenario permits.",
                "bool",
            ),
            Field("is_whatsapp_caused", "Visible with WhatsApp data and not without it.", "bool"),
            Field(
                "is_owner_data_used", "The route needs the owner's WhatsApp address book.", "bool"
            ),
            Field("is_contact_data_used", "The route needs the contact's WhatsApp number.", "bool"),
        ),
    )
)

SCENARIO_SUMMARY = register(
    Table(
        "suggestion_scenarios",
        "Per scenario: friend suggestions with and without WhatsApp data, and what the "
        "WhatsApp-only ones reveal (analysis.exposure.compare_scenarios).",
        (
            Field("scenario", "Scenario name (data/scenarios).", "string"),
            Field(
                "suggestion_count",
                "Top-k suggestions shown, with WhatsApp data as permitted.",
                "int64",
            ),
            Field(
                "whatsapp_caused_edge_count",
                "Contact edges visible only because of WhatsApp data.",
                "int64",
            ),
            Field(
                "whatsapp_only_count",
                "Suggestions that exist only because of WhatsApp data.",
                "int64",
            ),
            Field("whatsapp_only_share", "whatsapp_only_count / suggestion_count.", "float64"),
            Field(
                "members_with_whatsapp_only_share",
                "Share of Facebook members shown at least one WhatsApp-only suggestion.",
                "float64",
            ),
            Field(
                "baseline_precision_share",
                "Share of suggestions without WhatsApp data that are real-world ties.",
                "float64",
            ),
            Field(
                "whatsapp_only_precision_share",
                "Share of WhatsApp-only suggestions that are real-world ties.",
                "float64",
            ),
            Field(
                "sensitive_count",
                "WhatsApp-only suggestions that expose a sensitive tie (any kind).",
                "int64",
            ),
            Field(
                "opted_out_involved_count",
                "WhatsApp-only suggestions involving someone who opted out or left.",
                "int64",
            ),
        ),
    )
)


# --------------------------------------------------------------------------------------
# contact edges
# --------------------------------------------------------------------------------------
def _bool(frame: pd.DataFrame, col: str) -> np.ndarray:
    return frame[col].fillna(False).to_numpy(dtype=bool)


def contact_edges(world: Any, scenario: Scenario, *, seed: int | None = None) -> pd.DataFrame:
    """List the phone-contact edges Facebook can see with and without WhatsApp data.

    Parameters
    ----------
    world : analysis.social.SocialWorld
    scenario : analysis.policy.Scenario
    seed : int, optional
        Seed of the scenario's per-person opt-out draws (``uptake`` mode).

    Returns
    -------
    pandas.DataFrame
        The ``contact_edges`` table (directed, owner -> resolved account, unique pairs),
        in (owner, contact) order. See the module docstring for the rules.
    """
    people = world.people
    n = len(people)
    is_fb = _bool(people, "is_facebook_user")
    uploads = world.person_attrs["uploads_contacts_to_facebook"].to_numpy(bool) & is_fb
    book_ok = field_purposes(people, scenario, "address_book", seed=seed)["suggestions"].to_numpy(
        bool
    )
    num_ok = field_purposes(people, scenario, "phone_number", seed=seed)["suggestions"].to_numpy(
        bool
    )
    holds_wa_book = _bool(people, "is_whatsapp_user") & (
        people["consent_state"].astype(str).to_numpy() != "left_whatsapp"
    )
    wa_book = book_ok & holds_wa_book
    fb_phone = people["facebook_phone_e164"].astype("string")
    own_phone = people["phone_e164"].astype("string")
    wa_linked = (
        _bool(people, "is_whatsapp_user")
        & is_fb
        & num_ok
        & (
            _bool(people, "has_facebook_app_same_phone")
            | (fb_phone == own_phone).fillna(False).to_numpy(bool)
        )
    )

    book = world.address_book
    owner = book["owner_person_id"].to_numpy(np.int64)
    keep = (uploads[owner] | wa_book[owner]) & book["entry_e164"].notna().to_numpy()
    entries = pd.DataFrame(
        {
            "owner_person_id": owner[keep],
            "number": book["entry_e164"].astype("string").to_numpy()[keep],
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
        {"number": own_phone[wa_linked].to_numpy(), "contact_person_id": np.flatnonzero(wa_linked)}
    )
    by_fb = entries.merge(fb_numbers, on="number", how="inner", validate="many_to_many")
    by_fb["via_fb_number"] = True
    by_wa = entries.merge(wa_numbers, on="number", how="inner", validate="many_to_one")
    by_wa["via_wa_number"] = True
    both = pd.concat([by_fb, by_wa], ignore_index=True)
    both = both[both["owner_person_id"] != both["contact_person_id"]]
    cols = ["owner_person_id", "contact_person_id"]
    both["is_true_contact"] = both["saved_id"] == both["contact_person_id"]
    agg = (
        both.fillna({"via_fb_number": False, "via_wa_number": False})
        .astype({"via_fb_number": bool, "via_wa_number": bool})
        .groupby(cols, sort=True)[["via_fb_number", "via_wa_number", "is_true_contact"]]
        .any()
        .reset_index()
    )
    o = agg["owner_person_id"].to_numpy(np.int64)
    fbn = agg["via_fb_number"].to_numpy(bool)
    wan = agg["via_wa_number"].to_numpy(bool)
    up, wab = uploads[o], wa_book[o]
    baseline = up & fbn
    route_contact = up & wan  # Facebook upload + the contact's WhatsApp number
    route_owner = wab & fbn  # WhatsApp book + a number Facebook holds
    route_both = wab & wan  # WhatsApp book + WhatsApp number
    visible = baseline | route_contact | route_owner | route_both
    caused = visible & ~baseline
    out = pd.DataFrame(
        {
            "owner_person_id": o,
            "contact_person_id": agg["contact_person_id"].to_numpy(np.int64),
            "is_true_contact": agg["is_true_contact"].to_numpy(bool),
            "is_baseline": baseline,
            "is_whatsapp_visible": visible,
            "is_whatsapp_caused": caused,
            "is_owner_data_used": caused & (route_owner | route_both),
            "is_contact_data_used": caused & (route_contact | route_both),
        }
    )
    if n and len(out) and out[cols].to_numpy().max() >= n:
        raise ValueError("address book refers to person ids outside the population")
    return out[out["is_whatsapp_visible"]].reset_index(drop=True)


def _edge_matrix(edges: pd.DataFrame, mask: np.ndarray, n: int) -> sp.csr_matrix:
    return edges_to_adjacency(
        edges["owner_person_id"].to_numpy()[mask], edges["contact_person_id"].to_numpy()[mask], n
    )


# --------------------------------------------------------------------------------------
# sensitive pairs
# --------------------------------------------------------------------------------------
def sensitive_pair_kinds(world: Any, u, v) -> pd.Series:
    """Which sensitive tie, if any, a suggested pair ``(u, v)`` exposes.

    Direct kinds: the two share a sensitive tie (patient and clinician, client and sex
    worker, ...). Shared-professional kinds: both are patients (clients, sources) of
    the same professional. First match in :data:`SENSITIVE_PAIR_KINDS`; else ``none``.

    Returns
    -------
    pandas.Series
        Categorical with categories ``SENSITIVE_PAIR_KINDS + ("none",)``.
    """
    u = np.asarray(u, dtype=np.int64)
    v = np.asarray(v, dtype=np.int64)
    n = len(world.people)
    ties = world.ties
    kind = ties["tie_kind"].astype(str).to_numpy()
    a = ties["person_a_id"].to_numpy(np.int64)
    b = ties["person_b_id"].to_numpy(np.int64)
    out = np.full(u.size, "none", dtype=object)
    done = np.zeros(u.size, dtype=bool)
    for label in SENSITIVE_PAIR_KINDS:
        sel = kind == _CO_KIND.get(label, label)
        if not sel.any() or u.size == 0:
            continue
        if label in _CO_KIND:
            # clients x professionals; two clients share a professional
            m = sp.csr_matrix((np.ones(sel.sum()), (b[sel], a[sel])), shape=(n, n))
            hit = np.asarray(m[u].multiply(m[v]).sum(axis=1)).ravel() > 0
        else:
            m = edges_to_adjacency(a[sel], b[sel], n)
            hit = np.asarray(m[u, v]).ravel() > 0
        new = hit & ~done
        out[new] = label
        done |= hit
    return pd.Series(pd.Categorical(out, categories=[*SENSITIVE_PAIR_KINDS, "none"]))


# --------------------------------------------------------------------------------------
# suggestions per scenario
# --------------------------------------------------------------------------------------
@dataclass
class ScenarioSuggestions:
    """Suggestions of one scenario with and without WhatsApp data.

    Attributes
    ----------
    scenario : str
    edges : pandas.DataFrame
        :func:`contact_edges` of the scenario.
    baseline, with_whatsapp : pandas.DataFrame
        ``suggestions`` tables (Facebook's own data only; plus WhatsApp data as permitted).
    whatsapp_only : pandas.DataFrame
        Rows of ``with_whatsapp`` absent from ``baseline``, with ``is_real_tie`` and
        ``sensitive_kind``.
    states : pandas.Series
        Effective consent states under the scenario.
    """

    scenario: str
    edges: pd.DataFrame
    baseline: pd.DataFrame
    with_whatsapp: pd.DataFrame
    whatsapp_only: pd.DataFrame
    states: pd.Series


def _is_tie(world: Any, u: np.ndarray, v: np.ndarray, tie_matrix=None) -> np.ndarray:
    t = tie_matrix if tie_matrix is not None else world.tie_matrix()
    if len(u) == 0:
        return np.zeros(0, dtype=bool)
    return np.asarray(t[u, v]).ravel() > 0


def scenario_suggestions(
    world: Any,
    scenario: Scenario,
    suggest: SuggestParams | None = None,
    *,
    seed: int | None = None,
    baseline: pd.DataFrame | None = None,
    tie_matrix=None,
) -> ScenarioSuggestions:
    """Top-k suggestions for every Facebook member, with and without WhatsApp data.

    Parameters
    ----------
    world : analysis.social.SocialWorld
    scenario : analysis.policy.Scenario
    suggest : analysis.suggest.SuggestParams, optional
        How suggestions are ranked (``k``, ``method``, ``contact_edge_weight``).
    seed : int, optional
        Seed of the scenario's opt-out draws (``uptake`` mode).
    baseline : pandas.DataFrame, optional
        Reuse a baseline computed for another scenario (it does not depend on the scenario).
    tie_matrix : scipy.sparse matrix, optional
        Reuse ``world.tie_matrix()``.
    """
    suggest = suggest or SuggestParams()
    n = len(world.people)
    members = _bool(world.people, "is_facebook_user")
    friends = world.facebook_matrix()
    edges = contact_edges(world, scenario, seed=seed)
    run = dict(
        k=suggest.k,
        method=suggest.method,
        contact_edge_weight=suggest.contact_edge_weight,
        nodes=np.flatnonzero(members),
        candidates=members,
    )
    if baseline is None:
        baseline = top_k_suggestions(
            friends, extra_edges=_edge_matrix(edges, edges["is_baseline"].to_numpy(), n), **run
        )
    if edges["is_whatsapp_caused"].any():
        with_wa = top_k_suggestions(
            friends, extra_edges=_edge_matrix(edges, np.ones(len(edges), bool), n), **run
        )
    else:
        with_wa = baseline
    key = ["person_id", "suggested_person_id"]
    merged = with_wa.merge(baseline[key], on=key, how="left", indicator=True, validate="one_to_one")
    only = merged[merged["_merge"] == "left_only"].drop(columns="_merge").reset_index(drop=True)
    u, v = only["person_id"].to_numpy(), only["suggested_person_id"].to_numpy()
    only["is_real_tie"] = _is_tie(world, u, v, tie_matrix)
    only["sensitive_kind"] = sensitive_pair_kinds(world, u, v).to_numpy()
    states = effective_states(world.people, scenario, seed=seed)
    return ScenarioSuggestions(scenario.name, edges, baseline, with_wa, only, states)


def attribute_suggestions(world: Any, result: ScenarioSuggestions) -> pd.DataFrame:
    """Whose WhatsApp data caused each WhatsApp-only suggestion involving an opted-out person.

    Returns
    -------
    pandas.DataFrame
        One row per (WhatsApp-only suggestion, involved person who opted out or left):
        ``person_id``, ``suggested_person_id``, ``involved_person_id``, ``involved_state``,
        ``data_owner_count`` (people whose WhatsApp data is on the suggestion's paths),
        ``attribution`` (one of :data:`ATTRIBUTIONS`: own data first, then a contact's
        who kept the default, then someone else's).
    """
    only = result.whatsapp_only
    n = len(world.people)
    states = result.states.astype(str).to_numpy()
    opted = np.isin(states, OPTED_OUT_STATES)
    u_all, v_all = only["person_id"].to_numpy(), only["suggested_person_id"].to_numpy()
    inv = opted[u_all] | opted[v_all]
    cols = [
        "person_id",
        "suggested_person_id",
        "involved_person_id",
        "involved_state",
        "data_owner_count",
        "attribution",
    ]
    if not inv.any():
        return pd.DataFrame(
            {c: pd.Series(dtype="int64") for c in cols[:3]}
            | {
                "involved_state": pd.Series(dtype="string"),
                "data_owner_count": pd.Series(dtype="int64"),
                "attribution": pd.Series(dtype="string"),
            }
        )
    u, v = u_all[inv], v_all[inv]
    edges = result.edges
    visible = _edge_matrix(edges, np.ones(len(edges), bool), n) + world.facebook_matrix()
    visible.data[:] = 1
    caused_e = edges[edges["is_whatsapp_caused"]]
    caused = _edge_matrix(caused_e, np.ones(len(caused_e), bool), n)
    # data owners of each caused undirected edge
    o, t = caused_e["owner_person_id"].to_numpy(), caused_e["contact_person_id"].to_numpy()
    lo, hi = np.minimum(o, t), np.maximum(o, t)
    own_rows = caused_e["is_owner_data_used"].to_numpy(bool)
    con_rows = caused_e["is_contact_data_used"].to_numpy(bool)
    owners = pd.DataFrame(
        {
            "edge_key": np.r_[(lo * n + hi)[own_rows], (lo * n + hi)[con_rows]],
            "data_owner_id": np.r_[o[own_rows], t[con_rows]],
        }
    ).drop_duplicates()
    # caused edges on each pair's paths: direct u-v, and u-w / w-v through common neighbours w
    pair = np.arange(u.size)
    common = visible[u].multiply(visible[v]).tocsr()
    cw = common.tocoo()
    pidx, w = cw.row.astype(np.int64), cw.col.astype(np.int64)
    uw = np.asarray(caused[u[pidx], w]).ravel() > 0
    wv = np.asarray(caused[w, v[pidx]]).ravel() > 0
    direct = np.asarray(caused[u, v]).ravel() > 0
    ea = np.r_[u[pidx][uw], w[wv], u[direct]]
    eb = np.r_[w[uw], v[pidx][wv], v[direct]]
    ep = np.r_[pidx[uw], pidx[wv], pair[direct]]
    on_path = pd.DataFrame({"pair": ep, "edge_key": np.minimum(ea, eb) * n + np.maximum(ea, eb)})
    who = on_path.merge(owners, on="edge_key", how="inner", validate="many_to_many")[
        ["pair", "data_owner_id"]
    ]
    who = who.drop_duplicates()
    # one row per (pair, involved opted-out person)
    inv_rows = pd.DataFrame(
        {
            "pair": np.r_[pair[opted[u]], pair[opted[v]]],
            "involved_person_id": np.r_[u[opted[u]], v[opted[v]]],
        }
    )
    x = inv_rows.merge(who, on="pair", how="left", validate="many_to_many")
    has_owner = x["data_owner_id"].notna().to_numpy()
    d = x["data_owner_id"].fillna(-1).to_numpy(np.int64)
    xi = x["involved_person_id"].to_numpy(np.int64)
    ties = world.tie_matrix() + world.facebook_matrix()
    is_own = has_owner & (d == xi)
    is_contact = np.zeros(len(x), dtype=bool)
    ok = has_owner & ~is_own
    if ok.any():
        is_contact[ok] = (np.asarray(ties[xi[ok], d[ok]]).ravel() > 0) & np.isin(
            states[d[ok]], DEFAULT_STATES
        )
    x = x.assign(is_own=is_own, is_contact=is_contact, has_owner=has_owner)
    g = (
        x.groupby(["pair", "involved_person_id"], sort=True)
        .agg(
            is_own=("is_own", "any"),
            is_contact=("is_contact", "any"),
            has_owner=("has_owner", "any"),
            data_owner_count=("has_owner", "sum"),
        )
        .reset_index()
    )
    attribution = np.select(
        [g["is_own"], g["is_contact"], g["has_owner"]],
        list(ATTRIBUTIONS[:3]),
        default=ATTRIBUTIONS[3],
    )
    p = g["pair"].to_numpy()
    return pd.DataFrame(
        {
            "person_id": u[p],
            "suggested_person_id": v[p],
            "involved_person_id": g["involved_person_id"].to_numpy(np.int64),
            "involved_state": pd.array(states[g["involved_person_id"].to_numpy()], dtype="string"),
            "data_owner_count": g["data_owner_count"].to_numpy(np.int64),
            "attribution": pd.array(attribution, dtype="string"),
        }
    )


def summarise(world: Any, result: ScenarioSuggestions, *, tie_matrix=None) -> dict:
    """One row of the ``suggestion_scenarios`` table for ``result``."""
    only = result.whatsapp_only
    base = result.baseline
    members = _bool(world.people, "is_facebook_user")
    states = result.states.astype(str).to_numpy()
    opted = np.isin(states, OPTED_OUT_STATES)
    bu, bv = base["person_id"].to_numpy(), base["suggested_person_id"].to_numpy()
    shown = len(result.with_whatsapp)
    u, v = only["person_id"].to_numpy(), only["suggested_person_id"].to_numpy()
    return {
        "scenario": result.scenario,
        "suggestion_count": shown,
        "whatsapp_caused_edge_count": int(result.edges["is_whatsapp_caused"].sum()),
        "whatsapp_only_count": len(only),
        "whatsapp_only_share": len(only) / shown if shown else 0.0,
        "members_with_whatsapp_only_share": (np.unique(u).size / members.sum())
        if members.sum()
        else 0.0,
        "baseline_precision_share": float(_is_tie(world, bu, bv, tie_matrix).mean())
        if len(bu)
        else float("nan"),
        "whatsapp_only_precision_share": float(only["is_real_tie"].mean())
        if len(only)
        else float("nan"),
        "sensitive_count": int((only["sensitive_kind"].astype(str) != "none").sum()),
        "opted_out_involved_count": int((opted[u] | opted[v]).sum()),
    }


def compare_scenarios(
    world: Any,
    scenarios: Mapping[str, Scenario],
    suggest: SuggestParams | None = None,
    *,
    seed: int | None = None,
) -> tuple[pd.DataFrame, dict[str, ScenarioSuggestions]]:
    """Suggestions under several scenarios: the ``suggestion_scenarios`` table and each result.

    The baseline (Facebook's own data) is computed once and shared; ``suggest`` sets how
    suggestions are ranked.
    """
    ties = world.tie_matrix()
    results = dict(_each_scenario(world, scenarios, suggest, seed, ties))
    rows = [
        summarise(world, r, tie_matrix=ties) | {"scenario": name} for name, r in results.items()
    ]
    return pd.DataFrame(rows), results


def _each_scenario(world: Any, scenarios: Mapping[str, Scenario], suggest, seed, ties):
    """Yield ``(name, ScenarioSuggestions)``, computing Facebook's own baseline only once."""
    baseline = None
    for name, scenario in scenarios.items():
        r = scenario_suggestions(
            world, scenario, suggest, seed=seed, baseline=baseline, tie_matrix=ties
        )
        baseline = r.baseline
        yield name, r


def sensitive_counts(results: Mapping[str, ScenarioSuggestions]) -> pd.DataFrame:
    """Count WhatsApp-only suggestions per scenario and sensitive kind (zeros kept)."""
    rows = []
    for name, r in results.items():
        counts = r.whatsapp_only["sensitive_kind"].astype(str).value_counts()
        for kind in SENSITIVE_PAIR_KINDS:
            rows.append(
                {
                    "scenario": name,
                    "sensitive_kind": kind,
                    "label": SENSITIVE_PAIR_LABELS[kind],
                    "suggestion_count": int(counts.get(kind, 0)),
                }
            )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------
# collective exposure
# --------------------------------------------------------------------------------------
def collective_exposure(
    world: Any,
    scenarios: Mapping[str, Scenario],
    suggest: SuggestParams | None = None,
    *,
    seed: int | None = None,
) -> pd.DataFrame:
    """Find opted-out and departed Facebook members exposed through other people's data.

    For each scenario and each person with a Facebook account whose effective state is
    in :data:`OPTED_OUT_STATES`: ``default_tie_share`` (share of their real-world ties
    whose phone number may be used for suggestions), ``is_tie_exposed`` (a
    WhatsApp-caused contact edge touches them), ``is_suggested`` (in a WhatsApp-only
    suggestion, either side) and ``is_exposed`` (either). ``suggest`` sets how
    suggestions are ranked.
    """
    people = world.people
    members = _bool(people, "is_facebook_user")
    ties = world.tie_matrix()
    deg = np.diff(ties.indptr)
    frames = []
    for name, r in _each_scenario(world, scenarios, suggest, seed, ties):
        scenario = scenarios[name]
        states = r.states.astype(str).to_numpy()
        sharing = field_purposes(people, scenario, "phone_number", seed=seed)[
            "suggestions"
        ].to_numpy(bool)
        share = np.divide(
            ties @ sharing.astype(float), deg, out=np.full(len(people), np.nan), where=deg > 0
        )
        c = r.edges[r.edges["is_whatsapp_caused"]]
        touched = np.zeros(len(people), dtype=bool)
        touched[c["owner_person_id"].to_numpy()] = True
        touched[c["contact_person_id"].to_numpy()] = True
        sugg = np.zeros(len(people), dtype=bool)
        sugg[r.whatsapp_only["person_id"].to_numpy()] = True
        sugg[r.whatsapp_only["suggested_person_id"].to_numpy()] = True
        who = np.flatnonzero(np.isin(states, OPTED_OUT_STATES) & members & (deg > 0))
        frames.append(
            pd.DataFrame(
                {
                    "scenario": name,
                    "person_id": who,
                    "consent_state": pd.array(states[who], dtype="string"),
                    "default_tie_share": share[who],
                    "is_tie_exposed": touched[who],
                    "is_suggested": sugg[who],
                    "is_exposed": touched[who] | sugg[who],
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def exposure_curve(per_person: pd.DataFrame, bins: int = 5) -> pd.DataFrame:
    """Binned share exposed against the share of ties who kept the default.

    Returns
    -------
    pandas.DataFrame
        ``bin_low``, ``bin_high``, ``bin_mid``, ``person_count``, ``exposed_share``,
        ``tie_exposed_share``, ``suggested_share`` (bins with nobody are dropped).
    """
    if bins < 1:
        raise ValueError(f"bins = {bins!r} must be a positive integer")
    edges = np.linspace(0.0, 1.0, bins + 1)
    idx = np.clip(np.digitize(per_person["default_tie_share"].to_numpy(), edges[1:-1]), 0, bins - 1)
    g = (
        per_person.assign(bin=idx)
        .groupby("bin")
        .agg(
            person_count=("person_id", "size"),
            exposed_share=("is_exposed", "mean"),
            tie_exposed_share=("is_tie_exposed", "mean"),
            suggested_share=("is_suggested", "mean"),
        )
    )
    g = g.reset_index()
    b = g["bin"].to_numpy()
    g.insert(0, "bin_low", edges[b])
    g.insert(1, "bin_high", edges[b + 1])
    g.insert(2, "bin_mid", (edges[b] + edges[b + 1]) / 2)
    return g.drop(columns="bin")


# --------------------------------------------------------------------------------------
# shadow ties (Horvat et al. 2012)
# --------------------------------------------------------------------------------------
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


def interval_over_seeds(
    frame: pd.DataFrame, by: str, value: str, *, level: float = 0.9
) -> pd.DataFrame:
    """Mean and central ``level`` interval (quantiles) of ``value`` over seeds, per ``by``.

    >>> f = pd.DataFrame({"d": [0.1] * 3, "auc": [0.8, 0.9, 1.0]})
    >>> iv = interval_over_seeds(f, "d", "auc", level=1.0)
    >>> iv[["mean", "low", "high"]].round(2).values.tolist()
    [[0.9, 0.8, 1.0]]
    """
    q = (1 - level) / 2
    g = frame.groupby(by)[value]
    return pd.DataFrame(
        {
            "mean": g.mean(),
            "low": g.quantile(q),
            "high": g.quantile(1 - q),
            "seed_count": g.size(),
        }
    ).reset_index()


# --------------------------------------------------------------------------------------
# tables and charts for the notebooks
# --------------------------------------------------------------------------------------
def scenario_label(scenario: Scenario) -> str:
    """Short human label of a scenario for charts: its title, noting address books.

    A copy of a built-in scenario with the ``address_books`` switch turned on keeps the
    built-in title, so the switch is added to the label to keep the two apart.

    >>> from analysis.policy import builtin_scenarios
    >>> mix = builtin_scenarios()["mix_2016"]
    >>> scenario_label(mix)
    'The 2016 mix'
    >>> scenario_label(mix.replace(name="mix_books", address_books=True))
    'The 2016 mix, with address books'
    """
    label = scenario.title or scenario.name
    if scenario.address_books and "address book" not in label.lower():
        label += ", with address books"
    return label


def _labels(names: Sequence[str], scenarios: Mapping[str, Scenario]) -> list[str]:
    missing = [n for n in names if n not in scenarios]
    if missing:
        raise KeyError(f"scenario(s) {missing} not in scenarios; known: {sorted(scenarios)}")
    return [scenario_label(scenarios[n]) for n in names]


def _legend_below(ax, ncols: int, offset: float = -0.14) -> None:
    ax.legend(frameon=False, ncols=ncols, loc="upper left", bbox_to_anchor=(0, offset))


def plot_new_suggestions(summary: pd.DataFrame, scenarios: Mapping[str, Scenario]):
    """Bars of the WhatsApp-only share of suggestions and of members shown one, per scenario.

    Parameters
    ----------
    summary : pandas.DataFrame
        The ``suggestion_scenarios`` table of :func:`compare_scenarios`.
    scenarios : mapping of str to Scenario
        The scenarios compared, for their chart labels (:func:`scenario_label`).

    Returns
    -------
    fig : matplotlib.figure.Figure
    data : pandas.DataFrame
        ``scenario``, ``scenario_title``, ``whatsapp_only_share``,
        ``members_with_whatsapp_only_share`` (0-1), one row per scenario.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    from analysis.figures import PALETTE

    data = summary[["scenario", "whatsapp_only_share", "members_with_whatsapp_only_share"]].copy()
    data.insert(1, "scenario_title", _labels(data["scenario"].tolist(), scenarios))
    data = data.reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(data) + 1.8))
    y = np.arange(len(data))
    ax.barh(
        y - 0.2,
        data["whatsapp_only_share"],
        height=0.4,
        color=PALETTE[0],
        label="share of friend suggestions",
    )
    ax.barh(
        y + 0.2,
        data["members_with_whatsapp_only_share"],
        height=0.4,
        color=PALETTE[1],
        label="share of Facebook members shown at least one",
    )
    ax.set_yticks(y, data["scenario_title"])
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlim(0, 1)
    ax.set_xlabel("Share that exists only because of WhatsApp data")
    ax.set_title("Friend suggestions that exist only because of WhatsApp data", loc="left")
    _legend_below(ax, 2, -0.1)
    return fig, data


def sensitive_table(sens: pd.DataFrame, keep: Sequence[str]) -> pd.DataFrame:
    """Wide table of :func:`sensitive_counts`: one row per kind, one column per kept scenario.

    Parameters
    ----------
    sens : pandas.DataFrame
        Output of :func:`sensitive_counts`.
    keep : sequence of str
        Scenario names, in column order.
    """
    missing = [k for k in keep if k not in set(sens["scenario"])]
    if missing:
        raise KeyError(f"scenario(s) {missing} not in the sensitive counts")
    part = sens[sens["scenario"].isin(keep)]
    wide = part.pivot(index="label", columns="scenario", values="suggestion_count")
    order = list(dict.fromkeys(part["label"]))
    return wide.loc[order, list(keep)]


def plot_sensitive_ties(sens: pd.DataFrame, scenarios: Mapping[str, Scenario], keep: Sequence[str]):
    """Stacked bars of WhatsApp-only suggestions revealing a sensitive tie, by kind.

    Parameters
    ----------
    sens : pandas.DataFrame
        Output of :func:`sensitive_counts`.
    scenarios : mapping of str to Scenario
        For the chart labels.
    keep : sequence of str
        Scenario names to show, top to bottom.

    Returns
    -------
    fig : matplotlib.figure.Figure
    data : pandas.DataFrame
        The rows of ``sens`` for the kept scenarios plus ``scenario_title``.
    """
    import matplotlib.pyplot as plt

    from analysis.figures import PALETTE

    wide = sensitive_table(sens, keep)
    labels = _labels(list(keep), scenarios)
    data = sens[sens["scenario"].isin(keep)].reset_index(drop=True)
    data.insert(1, "scenario_title", data["scenario"].map(dict(zip(keep, labels, strict=True))))
    colours = [*PALETTE, "#999999"]
    fig, ax = plt.subplots(figsize=(8, 4.5))
    left = np.zeros(len(keep))
    for i, label in enumerate(wide.index):
        values = wide.loc[label].to_numpy(dtype=float)
        ax.barh(labels, values, left=left, label=label, color=colours[i % len(colours)])
        left += values
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("WhatsApp-only suggestions revealing a sensitive tie")
    ax.set_title("Friend suggestions that reveal a sensitive tie, by kind", loc="left")
    _legend_below(ax, 2, -0.16)
    return fig, data


def attribution_table(
    world: Any, results: Mapping[str, ScenarioSuggestions], names: Sequence[str]
) -> pd.DataFrame:
    """Count :func:`attribute_suggestions` rows per scenario (rows) and attribution (columns)."""
    attr = pd.concat([attribute_suggestions(world, results[n]).assign(scenario=n) for n in names])
    return attr.groupby(["scenario", "attribution"]).size().unstack(fill_value=0)


def exposure_curves(
    world: Any,
    scenarios: Mapping[str, Scenario],
    bases: Sequence[str],
    uptakes: Sequence[float],
    params: ExposureParams | None = None,
    *,
    suggest: SuggestParams | None = None,
) -> pd.DataFrame:
    """:func:`exposure_curve` per base scenario, pooling re-draws of opt-out at ``uptakes``.

    Each base scenario is run at every uptake (:meth:`Scenario.with_uptake`); the people who
    opted out or left in all those runs are pooled and binned.

    Returns
    -------
    pandas.DataFrame
        :func:`exposure_curve` columns plus ``setting`` (the base scenario's name).
    """
    params = params or ExposureParams()
    per_person = pd.concat(
        [
            collective_exposure(
                world, {f"{u:.2f}": scenarios[base].with_uptake(u) for u in uptakes}, suggest
            ).assign(setting=base)
            for base in bases
        ]
    )
    return pd.concat(
        [
            exposure_curve(g, bins=params.exposure_bins).assign(setting=s)
            for s, g in per_person.groupby("setting")
        ],
        ignore_index=True,
    )


def plot_exposure_curve(curve: pd.DataFrame, scenarios: Mapping[str, Scenario]):
    """Share of opted-out or departed people exposed, by the share of their ties at default.

    Parameters
    ----------
    curve : pandas.DataFrame
        Output of :func:`exposure_curves`.
    scenarios : mapping of str to Scenario
        For the line labels.

    Returns
    -------
    fig : matplotlib.figure.Figure
    data : pandas.DataFrame
        ``curve`` plus ``setting_title``.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    from analysis.figures import PALETTE

    settings = list(dict.fromkeys(curve["setting"]))
    titles = dict(zip(settings, _labels(settings, scenarios), strict=True))
    data = curve.assign(setting_title=curve["setting"].map(titles)).reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for i, setting in enumerate(settings):
        part = data[data["setting"] == setting]
        ax.plot(
            part["bin_mid"],
            part["exposed_share"],
            marker="o",
            color=PALETTE[i % len(PALETTE)],
            label=titles[setting],
        )
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("Share of the person's ties whose data may be used for suggestions")
    ax.set_ylabel("Share of opted-out or departed people exposed")
    ax.set_title("Exposed by other people's choices", loc="left")
    _legend_below(ax, 2, -0.16)
    return fig, data


def shadow_auc_table(shadow: pd.DataFrame, *, level: float = 0.9) -> pd.DataFrame:
    """Mean and interval over seeds of both shadow-tie AUCs, per disclosure share.

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
    auc = interval_over_seeds(shadow, "disclosure_share", "auc", level=level)
    auc_cn = interval_over_seeds(shadow, "disclosure_share", "auc_shared_contacts", level=level)
    return auc.merge(
        auc_cn,
        on=["disclosure_share", "seed_count"],
        suffixes=("", "_shared_contacts"),
        validate="one_to_one",
    )


def plot_shadow_auc(table: pd.DataFrame, *, reference: float = 0.85):
    """AUC of shadow-tie prediction by disclosure share (log axis), with the seed range.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`shadow_auc_table`.
    reference : float
        A dashed reference AUC.

    Returns
    -------
    fig : matplotlib.figure.Figure
    data : pandas.DataFrame
        ``table`` itself.
    """
    import matplotlib.pyplot as plt

    from analysis.figures import PALETTE

    fig, ax = plt.subplots(figsize=(7, 4.5))
    x = table["disclosure_share"] * 100
    for i, (suffix, label) in enumerate(
        (("", "full score"), ("_shared_contacts", "shared contacts only"))
    ):
        ax.plot(x, table[f"mean{suffix}"], marker="o", color=PALETTE[i], label=label)
        ax.fill_between(
            x, table[f"low{suffix}"], table[f"high{suffix}"], color=PALETTE[i], alpha=0.25
        )
    ax.axhline(reference, color="grey", linestyle="--", linewidth=1, label=f"AUC {reference:g}")
    ax.set_xscale("log")
    ticks = x.to_numpy()
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.minorticks_off()
    ax.set_xlabel("% of members whose address books are disclosed")
    ax.set_ylabel("AUC, ties between non-members")
    ax.set_title("Predicting ties between people who are not members", loc="left")
    _legend_below(ax, 3, -0.16)
    return fig, table.copy()


@dataclass(frozen=True)
class ClinicianExample:
    """The worked example of :func:`clinician_example`.

    Attributes
    ----------
    scenario : str
        Scenario the example comes from.
    clinician : int
        ``person_id`` of the clinician.
    patients : numpy.ndarray
        Their patients' ``person_id``.
    suggestion_count : int
        WhatsApp-only suggestions between two of their patients.
    drawn : pandas.DataFrame
        Edges to draw: ``a``, ``b``, ``kind`` (patient-clinician tie, WhatsApp-caused
        contact edge, WhatsApp-only suggestion).
    states : pandas.Series
        Effective consent states under the scenario (str).
    """

    scenario: str
    clinician: int
    patients: np.ndarray
    suggestion_count: int
    drawn: pd.DataFrame
    states: pd.Series

    def __str__(self) -> str:
        return (
            f"scenario {self.scenario}: {len(self.patients)} patients, "
            f"{self.suggestion_count} patient-to-patient suggestions"
        )


def clinician_example(
    world: Any,
    results: Mapping[str, ScenarioSuggestions],
    candidates: Sequence[str] = ("mix_2016", "mix_2016_address_books"),
) -> ClinicianExample:
    """Find the clinician whose patients were most often suggested to each other via WhatsApp.

    The first of ``candidates`` with at least one WhatsApp-only suggestion between
    co-patients is used (the last one otherwise); ties in the count go to the lowest id.

    Raises
    ------
    ValueError
        If no candidate scenario has a patient-to-patient WhatsApp-only suggestion.
    """
    names = [c for c in candidates if c in results]
    if not names:
        raise KeyError(f"none of {list(candidates)} in results; known: {sorted(results)}")
    name = next(
        (n for n in names if (results[n].whatsapp_only["sensitive_kind"] == "co_patients").any()),
        names[-1],
    )
    r = results[name]
    pc = world.ties.loc[
        world.ties["tie_kind"] == "patient_clinician", ["person_a_id", "person_b_id"]
    ]
    co = r.whatsapp_only[r.whatsapp_only["sensitive_kind"] == "co_patients"]
    pairs = co.merge(pc, left_on="person_id", right_on="person_b_id").merge(
        pc, left_on="suggested_person_id", right_on="person_b_id", suffixes=("", "_2")
    )
    pairs = pairs[pairs["person_a_id"] == pairs["person_a_id_2"]]
    if pairs.empty:
        raise ValueError(f"no patient-to-patient WhatsApp-only suggestion in {names}")
    counts = pairs.groupby("person_a_id").size().sort_values(ascending=False, kind="stable")
    clinician = int(counts.index[0])
    patients = pc.loc[pc["person_a_id"] == clinician, "person_b_id"].to_numpy()
    nodes = {clinician, *patients.tolist()}
    caused = r.edges[r.edges["is_whatsapp_caused"]]
    caused = caused[caused["owner_person_id"].isin(nodes) & caused["contact_person_id"].isin(nodes)]
    own = pairs[pairs["person_a_id"] == clinician]
    drawn = pd.concat(
        [
            pd.DataFrame({"a": clinician, "b": patients, "kind": "patient-clinician tie"}),
            pd.DataFrame(
                {
                    "a": caused["owner_person_id"],
                    "b": caused["contact_person_id"],
                    "kind": "WhatsApp-caused contact edge",
                }
            ),
            pd.DataFrame(
                {
                    "a": own["person_id"],
                    "b": own["suggested_person_id"],
                    "kind": "WhatsApp-only suggestion",
                }
            ),
        ],
        ignore_index=True,
    )
    return ClinicianExample(
        name, clinician, patients, int(counts.iloc[0]), drawn, r.states.astype(str)
    )


def plot_clinician_example(example: ClinicianExample, *, seed: int = 2016):
    """Draw a :class:`ClinicianExample` (seeded spring layout).

    Grey: patient-clinician ties; orange: WhatsApp-caused contact edges; red dashed:
    WhatsApp-only suggestions. Blue node: the clinician; pink: a patient who opted out or
    left; green: another patient.

    Returns
    -------
    fig : matplotlib.figure.Figure
    data : pandas.DataFrame
        ``example.drawn`` with node positions ``ax_``, ``ay``, ``bx``, ``by`` (4 decimals).
    """
    import matplotlib.pyplot as plt
    import networkx as nx
    from matplotlib.lines import Line2D

    from analysis.figures import PALETTE

    drawn = example.drawn
    g = nx.Graph()
    g.add_nodes_from(sorted({example.clinician, *example.patients.tolist()}))
    g.add_edges_from(drawn[["a", "b"]].itertuples(index=False, name=None))
    pos = nx.spring_layout(g, seed=seed)
    fig, ax = plt.subplots(figsize=(6, 5.5))
    styles = {
        "patient-clinician tie": ("#999999", "solid"),
        "WhatsApp-caused contact edge": (PALETTE[1], "solid"),
        "WhatsApp-only suggestion": (PALETTE[3], "dashed"),
    }
    for kind, (colour, style) in styles.items():
        part = drawn[drawn["kind"] == kind]
        nx.draw_networkx_edges(
            g,
            pos,
            edgelist=list(zip(part["a"], part["b"], strict=True)),
            edge_color=colour,
            style=style,
            ax=ax,
            width=1.5,
        )
    opted = set(OPTED_OUT_STATES)
    colours = [
        PALETTE[0]
        if v == example.clinician
        else (PALETTE[4] if example.states[v] in opted else PALETTE[2])
        for v in g
    ]
    nx.draw_networkx_nodes(g, pos, node_color=colours, node_size=120, ax=ax)
    handles = [
        Line2D([], [], color=c, linestyle="--" if s == "dashed" else "-", label=k)
        for k, (c, s) in styles.items()
    ]
    present = set(colours)
    handles += [
        Line2D([], [], marker="o", linestyle="", color=c, label=k)
        for c, k in (
            (PALETTE[0], "clinician"),
            (PALETTE[4], "patient who opted out or left"),
            (PALETTE[2], "other patient" if PALETTE[4] in present else "patient"),
        )
        if c in present
    ]
    ax.legend(
        handles=handles,
        frameon=False,
        ncols=2,
        fontsize=8,
        loc="upper left",
        bbox_to_anchor=(0, 0.0),
    )
    ax.set_title(f"One clinician's patients ({len(example.patients)})", loc="left")
    ax.set_axis_off()
    data = drawn.assign(
        ax_=[pos[a][0] for a in drawn["a"]],
        ay=[pos[a][1] for a in drawn["a"]],
        bx=[pos[b][0] for b in drawn["b"]],
        by=[pos[b][1] for b in drawn["b"]],
    ).round(4)
    return fig, data
