"""What regulators found, and what the model says: each decision beside the model's figure.

For every decision of ``data/reference/decisions.csv`` (:func:`analysis.policy.decisions_table`)
:func:`regulators_table` writes what it found or ordered, its date and its primary source,
next to the model's figure for the same population (the decision's countries) and
scenario: the linking tier :data:`DECISION_TIERS` names, per country, from the
per-country rows of :func:`analysis.linking.run_seeds`
(:func:`analysis.results.tier_rows_from_runs`). A decision about every country (blank
``country_codes``) gets the figure pooled over the model's countries, weighted by 2016
WhatsApp users, with the weights named. Where no figure of the runs applies the row says
why (:data:`NO_FIGURE`).
"""

from __future__ import annotations

import pandas as pd

from analysis.core.formatting import fmt_estimate
from analysis.linking.tiers import TIER_LETTERS
from analysis.results.countries import country_table, pooled_country_table

__all__ = ["DECISION_TIERS", "NO_FIGURE", "regulators_table"]


#: The tier(s) of the model's figure for each decision (decisions not listed: tier (d), a
#: join usable for ads). ``own_join`` where the decision is about Facebook using the data
#: for any purpose of its own; ``reached`` beside it where it is about data reaching
#: Facebook only as WhatsApp's processor.
DECISION_TIERS: dict[str, tuple[str, ...]] = {
    "ec_merger_2014": ("own_join",),
    "ec_fine_2017": ("own_join",),
    "hamburg_2016": ("own_join",),
    "vg_hamburg_2017": ("own_join",),
    "fb_pause_2016": ("ads_join", "own_join"),
    "cnil_2017": ("own_join",),
    "ico_2018": ("reached", "own_join"),
    "hamburg_2021": ("own_join",),
    "edpb_urgent_2021": ("own_join",),
}


#: Decisions the linking runs give no figure for, and why.
NO_FIGURE: dict[str, str] = {
    "fb_statement_2021": "no figure here: the runs give shares of all WhatsApp users, not of "
    "the 2016 opt-out cohort (that 2016 opt-outs still block ads under the 2021 policy is "
    "tested on the scenario itself)",
    "edpb_binding_2021": "no linking figure: the finding is about hashes of non-users' "
    "numbers; notebook 06 reverses them by enumerating the numbering plan",
    "dpc_2021": "no linking figure: the finding is about transparency and hashes of "
    "non-users' numbers; notebook 06 reverses them by enumerating the numbering plan",
}

_TIER_METRIC = {t: f"{t}_share" for t in TIER_LETTERS}


def regulators_table(rows: pd.DataFrame, titles: dict[str, str] | None = None) -> pd.DataFrame:
    """Each decision, what it found or ordered, and the model's figure for it.

    Parameters
    ----------
    rows : pandas.DataFrame
        Per-country tier rows over seeds (``seed`` and
        :data:`analysis.results.COUNTRY_COLUMNS`), e.g. from
        :func:`analysis.results.tier_rows_from_runs`; should hold every scenario of
        ``decisions.csv``.
    titles : dict, optional
        Scenario name -> title (default the built-in scenarios' titles).

    Returns
    -------
    pandas.DataFrame
        One row per decision, oldest first: ``decision_id``, ``decided_on``,
        ``authority``, ``found_or_ordered``, ``primary_source``, ``population``,
        ``scenario`` (titles), ``model_figure`` (each tier per country, or pooled, with
        its 95% interval over seeds and denominator, or the reason no figure applies) and
        ``has_model_figure``.
    """
    from analysis.policy.decisions import decisions_table
    from analysis.policy.record import load_sources, source_ids
    from analysis.policy.scenarios import builtin_scenarios

    if titles is None:
        titles = {k: s.title for k, s in builtin_scenarios().items()}
    table = country_table(rows).set_index(["country", "scenario", "metric"])
    pooled = pooled_country_table(rows).set_index(["scenario", "metric"])
    sources = load_sources()
    run = set(rows["scenario"].astype(str))
    out = []
    for d in decisions_table().itertuples(index=False):
        scen = source_ids(d.scenario)
        codes = source_ids(d.country_codes)
        tiers = DECISION_TIERS.get(d.decision_id, ("ads_join",))
        parts, reason = [], NO_FIGURE.get(d.decision_id)
        if reason is None and not scen:
            reason = "no scenario of the model corresponds to this decision"
        missing = [s for s in scen if s not in run]
        if reason is None and missing:
            reason = f"scenario(s) {missing} not in these runs"
        if reason is None:
            for s in scen:
                for t in tiers:
                    parts.append(_figure(table, pooled, s, t, codes, titles))
        src = sources.loc[d.source_id]
        out.append(
            {
                "decision_id": d.decision_id,
                "decided_on": d.decided_on,
                "authority": d.authority,
                "found_or_ordered": d.found_or_ordered,
                "primary_source": f"{src['citation']} ({src['url_or_reference']})",
                "population": d.population,
                "scenario": "; ".join(titles.get(s, s) for s in scen) or "none",
                "model_figure": "; ".join(parts) if parts else reason,
                "has_model_figure": bool(parts),
            }
        )
    return pd.DataFrame(out)


def _figure(table, pooled, scenario, tier, codes, titles) -> str:
    metric = _TIER_METRIC[tier]
    head = f"{titles.get(scenario, scenario)}, {TIER_LETTERS[tier]}"
    if not codes:
        r = pooled.loc[(scenario, metric)]
        shown = fmt_estimate(
            r["value_pct"] / 100,
            r["low_pct"] / 100,
            r["high_pct"] / 100,
            style="table",
            zero_reason="",
        )
        return f"{head}: {shown} of WhatsApp users, {r['weights']}"
    each = []
    for c in codes:
        r = table.loc[(c, scenario, metric)]
        each.append(f"{c} {r['shown']} of {int(r['denominator_count']):,} WhatsApp users")
    return f"{head}: " + ", ".join(each)
