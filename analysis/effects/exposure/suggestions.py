"""Friend suggestions per scenario, with and without WhatsApp's data, and why each is new.

See :mod:`analysis.effects.exposure` for the definitions.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis.effects.exposure.contacts import (
    ContactUniverse,
    _bool,
    _edge_matrix,
    contact_edges,
    contact_universe,
)
from analysis.effects.exposure.params import (
    _CO_KIND,
    ATTRIBUTIONS,
    DEFAULT_STATES,
    OPTED_OUT_STATES,
    SENSITIVE_PAIR_KINDS,
    SENSITIVE_PAIR_LABELS,
    SENSITIVE_SCOPES,
)
from analysis.effects.suggest import (
    SuggestParams,
    edges_to_adjacency,
    iter_top_k_suggestions_many,
    top_k_suggestions,
)
from analysis.policy.consent import effective_states
from analysis.policy.scenarios import Scenario

__all__ = [
    "ScenarioSuggestions",
    "SharedProducts",
    "attribute_suggestions",
    "attribution_table",
    "compare_scenarios",
    "rank_together",
    "scenario_suggestions",
    "sensitive_counts",
    "sensitive_matrices",
    "sensitive_pair_kinds",
    "sensitive_table",
    "summarise",
]


def sensitive_matrices(world: Any) -> dict[str, sp.csr_matrix]:
    """Make the sparse matrices :func:`sensitive_pair_kinds` tests pairs against, per kind.

    Scenario-independent: make them once per world and pass them as ``matrices``.
    """
    n = len(world.people)
    ties = world.ties
    kind = ties["tie_kind"]
    if isinstance(kind.dtype, pd.CategoricalDtype):  # compare codes, not millions of strings
        codes = kind.cat.codes.to_numpy()
        names = [str(c) for c in kind.cat.categories]

        def select(name):
            return codes == names.index(name) if name in names else np.zeros(codes.size, bool)
    else:
        values = kind.astype(str).to_numpy()

        def select(name):
            return values == name

    a = ties["person_a_id"].to_numpy(np.int64)
    b = ties["person_b_id"].to_numpy(np.int64)
    out = {}
    for label in SENSITIVE_PAIR_KINDS:
        sel = select(_CO_KIND.get(label, label))
        if not sel.any():
            continue
        if label in _CO_KIND:
            out[label] = sp.csr_matrix((np.ones(sel.sum()), (b[sel], a[sel])), shape=(n, n))
        else:
            out[label] = edges_to_adjacency(a[sel], b[sel], n)
    return out


def sensitive_pair_kinds(world: Any, u, v, *, matrices=None) -> pd.Series:
    """Which sensitive tie, if any, a suggested pair ``(u, v)`` exposes.

    Direct kinds: the two share a sensitive tie (patient and clinician, client and sex
    worker, ...). Shared-professional kinds: both are patients (clients, sources) of
    the same professional. First match in :data:`SENSITIVE_PAIR_KINDS`; else ``none``.

    ``matrices`` reuses :func:`sensitive_matrices` of ``world``.

    Returns
    -------
    pandas.Series
        Categorical with categories ``SENSITIVE_PAIR_KINDS + ("none",)``.
    """
    u = np.asarray(u, dtype=np.int64)
    v = np.asarray(v, dtype=np.int64)
    out = np.full(u.size, "none", dtype=object)
    done = np.zeros(u.size, dtype=bool)
    if u.size == 0:
        return pd.Series(pd.Categorical(out, categories=[*SENSITIVE_PAIR_KINDS, "none"]))
    for label, m in (matrices if matrices is not None else sensitive_matrices(world)).items():
        if label in _CO_KIND:
            # clients x professionals; two clients share a professional
            hit = np.asarray(m[u].multiply(m[v]).sum(axis=1)).ravel() > 0
        else:
            hit = np.asarray(m[u, v]).ravel() > 0
        new = hit & ~done
        out[new] = label
        done |= hit
    return pd.Series(pd.Categorical(out, categories=[*SENSITIVE_PAIR_KINDS, "none"]))


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


class SharedProducts:
    """What every scenario's suggestions share, computed once per world and reused.

    The Facebook-friendship matrix, the tie matrix, the contact-edge universe
    (:func:`analysis.effects.exposure.contacts.contact_universe`), the sensitive-kind
    matrices, and the suggestions already ranked for a visible contact-edge set
    (scenarios that let Facebook see the very same edges get the very same ranking,
    computed once). :func:`rank_together` ranks them all ahead in one pass and counts
    the scenarios that need each, so a ranking is held only until its last scenario.
    """

    def __init__(self, world: Any, tie_matrix=None, universe: ContactUniverse | None = None):
        self.friends = world.facebook_matrix()
        self.ties = tie_matrix if tie_matrix is not None else world.tie_matrix()
        self.universe = universe if universe is not None else contact_universe(world)
        self.sensitive = sensitive_matrices(world)
        self.ranked: dict[bytes, tuple[pd.DataFrame, pd.DataFrame]] = {}
        #: Rankings made ahead by :func:`rank_together` (Facebook's own, and one per
        #: distinct visible contact-edge set), and how many scenarios still need each.
        self.baseline: pd.DataFrame | None = None
        self.ahead: dict[bytes, pd.DataFrame] = {}
        self.uses: Counter[bytes] = Counter()
        #: Rankings of the pass not yet built, in the order ``stream`` yields them.
        self.pending: list[bytes] = []
        self.stream: Iterator[pd.DataFrame] | None = None
        #: The baseline and its sorted pair keys (:func:`_in_baseline`).
        self.baseline_keys: tuple[pd.DataFrame, np.ndarray] | None = None

    def ranked_ahead(self, key: bytes) -> pd.DataFrame | None:
        """Hand over the ranking made ahead for ``key`` (``None`` if there is none).

        Rankings are built from the pass's output when first asked for (scenarios ask in
        the order :func:`rank_together` met them), so one table is held at a time.
        """
        if key in self.ahead:
            return self.ahead.pop(key)
        if key not in self.pending:
            return None
        while self.pending:
            k, table = self.pending.pop(0), next(self.stream)
            if k == key:
                break
            self.ahead[k] = table  # asked for out of order: hold the ones skipped
        if not self.pending:
            self.stream = None
        return table

    def take(self, key: bytes, entry: tuple[pd.DataFrame, pd.DataFrame]) -> None:
        """Hold ``entry`` for ``key``, unless :func:`rank_together` counted its last use."""
        if key in self.uses:
            self.uses[key] -= 1
            if self.uses[key] <= 0:
                self.ranked.pop(key, None)
                return
        self.ranked[key] = entry


def rank_together(
    world: Any,
    scenarios: Mapping[str, Scenario],
    suggest: SuggestParams | None,
    seed: int | None,
    shared: SharedProducts,
) -> None:
    """Rank Facebook's own suggestions and every distinct scenario's at once, into ``shared``.

    A first pass lists each scenario's visible contact edges; the distinct edge sets
    (scenarios letting Facebook see the very same edges share one) are then ranked in one
    pass over their union (:func:`analysis.effects.suggest.top_k_suggestions_many`),
    which gives the very same tables as ranking them one by one, in less time.
    ``shared.uses`` counts the scenarios that need each ranking, so
    :func:`scenario_suggestions` can drop it after the last one.
    """
    suggest = suggest or SuggestParams()
    n = len(world.people)
    members = _bool(world.people, "is_facebook_user")
    base_matrix, matrices, keys = None, [], []
    for scenario in scenarios.values():
        edges = contact_edges(world, scenario, seed=seed, universe=shared.universe)
        if base_matrix is None:
            base_matrix = _edge_matrix(edges, edges["is_baseline"].to_numpy(), n)
        key = _edge_key(edges)
        if key not in shared.uses and edges["is_whatsapp_caused"].any():
            matrices.append(_edge_matrix(edges, np.ones(len(edges), bool), n))
            keys.append(key)
        shared.uses[key] += 1
        del edges
    if base_matrix is None:
        return
    graphs = [base_matrix, *matrices]
    del base_matrix, matrices
    ranked = iter_top_k_suggestions_many(
        shared.friends,
        _handed_over(graphs),  # so the ranking frees each graph once its pass has it
        k=suggest.k,
        method=suggest.method,
        contact_edge_weight=suggest.contact_edge_weight,
        nodes=np.flatnonzero(members),
        candidates=members,
    )
    shared.baseline = next(ranked)  # the pass runs here; each other table when asked for
    shared.pending, shared.stream = keys, ranked


def _handed_over(items: list):
    """Yield the items of ``items``, emptying it: the receiver holds the only references."""
    items.reverse()
    while items:
        yield items.pop()


def _pair_keys(table: pd.DataFrame, n: int) -> np.ndarray:
    """One int64 key per (person, suggested person) row: ``person * n + suggested``."""
    return table["person_id"].to_numpy(np.int64) * max(n, 1) + table[
        "suggested_person_id"
    ].to_numpy(np.int64)


def _in_baseline(
    table: pd.DataFrame, baseline: pd.DataFrame, n: int, shared: SharedProducts | None
) -> np.ndarray:
    """Tell, per row of ``table``, whether the baseline suggests the same pair.

    The baseline's keys are sorted once and kept in ``shared`` (every scenario has the
    same baseline), so each scenario costs one binary search per row, not a merge.
    """
    held = shared.baseline_keys if shared is not None else None
    if held is not None and held[0] is baseline:
        keys = held[1]
    else:
        keys = np.sort(_pair_keys(baseline, n))
        if shared is not None:
            shared.baseline_keys = (baseline, keys)
    want = _pair_keys(table, n)
    at = np.searchsorted(keys, want).clip(max=max(keys.size - 1, 0))
    return (keys[at] == want) if keys.size else np.zeros(want.size, bool)


def _edge_key(edges: pd.DataFrame) -> bytes:
    o = np.ascontiguousarray(edges["owner_person_id"].to_numpy(np.int64))
    c = np.ascontiguousarray(edges["contact_person_id"].to_numpy(np.int64))
    return hashlib.sha256(o.tobytes() + b"|" + c.tobytes()).digest()


def scenario_suggestions(
    world: Any,
    scenario: Scenario,
    suggest: SuggestParams | None = None,
    *,
    seed: int | None = None,
    baseline: pd.DataFrame | None = None,
    tie_matrix=None,
    shared: SharedProducts | None = None,
) -> ScenarioSuggestions:
    """Top-k suggestions for every Facebook member, with and without WhatsApp data.

    Parameters
    ----------
    world : analysis.world.SocialWorld
    scenario : analysis.policy.Scenario
    suggest : analysis.effects.suggest.SuggestParams, optional
        How suggestions are ranked (``k``, ``method``, ``contact_edge_weight``).
    seed : int, optional
        Seed of the scenario's opt-out draws (``uptake`` mode).
    baseline : pandas.DataFrame, optional
        Reuse a baseline computed for another scenario (it does not depend on the scenario).
    tie_matrix : scipy.sparse matrix, optional
        Reuse ``world.tie_matrix()``.
    shared : SharedProducts, optional
        Products of ``world`` shared by all scenarios (see :func:`compare_scenarios`).
    """
    suggest = suggest or SuggestParams()
    n = len(world.people)
    members = _bool(world.people, "is_facebook_user")
    friends = shared.friends if shared is not None else world.facebook_matrix()
    if shared is not None and tie_matrix is None:
        tie_matrix = shared.ties
    universe = shared.universe if shared is not None else None
    edges = contact_edges(world, scenario, seed=seed, universe=universe)
    run = dict(
        k=suggest.k,
        method=suggest.method,
        contact_edge_weight=suggest.contact_edge_weight,
        nodes=np.flatnonzero(members),
        candidates=members,
    )
    if baseline is None and shared is not None:
        baseline = shared.baseline
    if baseline is None:
        baseline = top_k_suggestions(
            friends, extra_edges=_edge_matrix(edges, edges["is_baseline"].to_numpy(), n), **run
        )
    cache_key = _edge_key(edges) if shared is not None else None
    if cache_key is not None and cache_key in shared.ranked:
        with_wa, only = shared.ranked[cache_key]
        shared.take(cache_key, (with_wa, only))
        return ScenarioSuggestions(
            scenario.name,
            edges,
            baseline,
            with_wa,
            only.copy(),
            effective_states(world.people, scenario, seed=seed),
        )
    with_wa = shared.ranked_ahead(cache_key) if cache_key is not None else None
    if with_wa is None and edges["is_whatsapp_caused"].any():
        with_wa = top_k_suggestions(
            friends, extra_edges=_edge_matrix(edges, np.ones(len(edges), bool), n), **run
        )
    elif with_wa is None:
        with_wa = baseline
    seen = _in_baseline(with_wa, baseline, n, shared)
    only = with_wa[~seen].reset_index(drop=True)
    u, v = only["person_id"].to_numpy(), only["suggested_person_id"].to_numpy()
    only["is_real_tie"] = _is_tie(world, u, v, tie_matrix)
    matrices = shared.sensitive if shared is not None else None
    only["sensitive_kind"] = sensitive_pair_kinds(world, u, v, matrices=matrices).to_numpy()
    if cache_key is not None:
        shared.take(cache_key, (with_wa, only.copy()))
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
        "members_suggested_share": (np.unique(v[u != v]).size / members.sum())
        if members.sum()
        else 0.0,
        "baseline_precision_share": float(_is_tie(world, bu, bv, tie_matrix).mean())
        if len(bu)
        else float("nan"),
        "whatsapp_only_precision_share": float(only["is_real_tie"].mean())
        if len(only)
        else float("nan"),
        "sensitive_count": int((only["sensitive_kind"].astype(str) != "none").sum()),
        "third_party_sensitive_count": int(
            only["sensitive_kind"].astype(str).isin(SENSITIVE_SCOPES["third_party"]).sum()
        ),
        "own_tie_sensitive_count": int(
            only["sensitive_kind"].astype(str).isin(SENSITIVE_SCOPES["own_tie"]).sum()
        ),
        "opted_out_involved_count": int((opted[u] | opted[v]).sum()),
    }


def compare_scenarios(
    world: Any,
    scenarios: Mapping[str, Scenario],
    suggest: SuggestParams | None = None,
    *,
    seed: int | None = None,
    keep: Sequence[str] | None = None,
    universe: ContactUniverse | None = None,
) -> tuple[pd.DataFrame, dict[str, ScenarioSuggestions]]:
    """Suggestions under several scenarios: the ``suggestion_scenarios`` table and each result.

    The baseline (Facebook's own data) is computed once and shared; ``suggest`` sets how
    suggestions are ranked. ``keep`` names the scenarios whose full results are returned
    (all by default); the others are summarised and freed as soon as they are done, so
    a run over many scenarios holds one scenario's suggestions at a time. ``universe``
    is :func:`analysis.effects.exposure.contacts.contact_universe` of ``world``, made
    ahead: the address books are then not read here (a caller may free them first, as
    ``python -m analysis run`` does).
    """
    ties = world.tie_matrix()
    rows, results = [], {}
    for name, r in _each_scenario(world, scenarios, suggest, seed, ties, universe):
        rows.append(summarise(world, r, tie_matrix=ties) | {"scenario": name})
        if keep is None or name in keep:
            results[name] = r
        del r
    return pd.DataFrame(rows), results


def _each_scenario(
    world: Any, scenarios: Mapping[str, Scenario], suggest, seed, ties, universe=None
):
    """Yield ``(name, ScenarioSuggestions)``, computing Facebook's own baseline only once."""
    baseline = None
    shared = SharedProducts(world, tie_matrix=ties, universe=universe)
    rank_together(world, scenarios, suggest, seed, shared)
    for name, scenario in scenarios.items():
        r = scenario_suggestions(
            world, scenario, suggest, seed=seed, baseline=baseline, tie_matrix=ties, shared=shared
        )
        baseline = r.baseline
        yield name, r


def sensitive_counts(results: Mapping[str, ScenarioSuggestions]) -> pd.DataFrame:
    """Count WhatsApp-only suggestions per scenario and sensitive kind (zeros kept).

    ``scope`` says whether the kind reveals a secret to someone new (``third_party``: the
    two share a sensitive third party) or is the person's own private tie (``own_tie``);
    see :data:`analysis.effects.exposure.SENSITIVE_SCOPES`.
    """
    scope_of = {k: s for s, kinds in SENSITIVE_SCOPES.items() for k in kinds}
    rows = []
    for name, r in results.items():
        counts = r.whatsapp_only["sensitive_kind"].astype(str).value_counts()
        for kind in SENSITIVE_PAIR_KINDS:
            rows.append(
                {
                    "scenario": name,
                    "sensitive_kind": kind,
                    "scope": scope_of[kind],
                    "label": SENSITIVE_PAIR_LABELS[kind],
                    "suggestion_count": int(counts.get(kind, 0)),
                }
            )
    return pd.DataFrame(rows)


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


def attribution_table(
    world: Any, results: Mapping[str, ScenarioSuggestions], names: Sequence[str]
) -> pd.DataFrame:
    """Count :func:`attribute_suggestions` rows per scenario (rows) and attribution (columns)."""
    attr = pd.concat([attribute_suggestions(world, results[n]).assign(scenario=n) for n in names])
    return attr.groupby(["scenario", "attribution"]).size().unstack(fill_value=0)
