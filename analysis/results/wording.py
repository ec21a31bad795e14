"""The key findings in plain words: every sentence names its tier and its denominator."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from analysis.core.formatting import fmt_estimate
from analysis.effects.exposure.harm import EXPOSURE_GROUPS, GROUP_LABELS
from analysis.results.headlines import FindingsParams
from analysis.results.metrics import METRICS, MIX

__all__ = [
    "SENTENCE_NUMBERS",
    "findings_table",
    "key_findings_html",
    "sentences",
]


def _get(summary: pd.DataFrame, metric: str, scenario: str) -> pd.Series:
    hit = summary[(summary["metric"] == metric) & (summary["scenario"] == scenario)]
    if hit.empty:
        raise KeyError(f"summary has no row for metric {metric!r} under scenario {scenario!r}")
    return hit.iloc[0]


def _iv(summary: pd.DataFrame, metric: str, scenario: str) -> str:
    r = _get(summary, metric, scenario)
    unit = METRICS[metric].unit if metric in METRICS else "share"
    return _plain(r["mean"], r["low"], r["high"], unit=unit)


def _plain(mean: float, low: float, high: float, *, unit: str = "share") -> str:
    """Write one estimate in words, a collapsed interval as one figure.

    ``74% (95% interval 73-75%)``, ``0 (in every seed)`` or ``99% (in every seed)``.

    >>> _plain(0.74, 0.73, 0.75), _plain(0.0, 0.0, 0.0), _plain(0.99, 0.99, 0.99)
    ('74% (95% interval 73-75%)', '0 (in every seed)', '99% (in every seed)')
    """
    return fmt_estimate(mean, low, high, unit=unit, zero_reason="in every seed")


def _direction(a: float, b: float) -> str:
    if round(100 * a) == round(100 * b):
        return "stayed at"
    return "fell from" if b < a else "rose from"


def _has(summary: pd.DataFrame, pairs: Iterable[tuple[str, str]]) -> bool:
    keys = set(zip(summary["metric"], summary["scenario"], strict=True))
    return all(p in keys for p in pairs)


def _count(summary: pd.DataFrame, metric: str, scenario: str) -> str:
    """``N per world (M over the W worlds)`` for a count metric."""
    r = _get(summary, metric, scenario)
    total = float(r["mean"]) * int(r["seed_count"])
    return f"{r['mean']:,.0f} per world, {total:,.0f} over the {int(r['seed_count'])} worlds"


_TIERS = ("reached_share", "own_join_share", "suggestions_join_share", "ads_join_share")


#: Each key sentence: the (metric, scenario) numbers it uses, in order.
SENTENCE_NUMBERS: dict[str, tuple[tuple[str, str], ...]] = {
    "partial": (
        ("own_join_share", "all_partial_opt_out"),
        ("own_join_share", "no_opt_out"),
        ("ads_join_share", "no_opt_out"),
        ("ads_join_share", "all_partial_opt_out"),
        ("ads_join_no_choice_share", "all_partial_opt_out"),
    ),
    "tiers": tuple((m, MIX) for m in _TIERS),
    "leaving": (
        ("reached_share", "all_leave"),
        ("held_reached_share", "accepted_then_left"),
        ("held_ads_join_share", "accepted_then_left"),
    ),
    "window": (("held_ads_join_share", "opted_out_in_window"),),
    "suggestions": (
        ("whatsapp_only_suggestion_share", MIX),
        ("members_suggested_share", MIX),
    ),
    "sensitive": (
        ("co_client_member_count", MIX),
        ("co_client_suggested_share", MIX),
        ("third_party_sensitive_per_1000_members", MIX),
        ("own_tie_sensitive_per_1000_members", MIX),
    ),
    **{
        f"exposure_{g}": (
            (f"{g}_people_count", MIX),
            (f"{g}_suggested_share", MIX),
            (f"{g}_member_count", MIX),
            (f"{g}_suggested_member_share", MIX),
            (f"{g}_tie_known_share", MIX),
            (f"{g}_number_attached_share", MIX),
        )
        for g in EXPOSURE_GROUPS
    },
    "ads": (
        ("ad_match_without_whatsapp_share", MIX),
        ("ad_match_share", MIX),
        ("ad_extra_match_share", MIX),
        ("ad_extra_match_numbers_only_share", MIX),
    ),
}


def _sentence(key: str, s: pd.DataFrame) -> str:
    m = lambda metric, scen: _get(s, metric, scen)["mean"]  # noqa: E731
    if key == "tiers":
        return (
            f"In the 2016 mix (as it happened, in the model), WhatsApp data about "
            f"{_iv(s, 'reached_share', MIX)} of WhatsApp users reached Facebook (tier a; the "
            "denominator is every WhatsApp user, people who left and people without a "
            "Facebook account included). Facebook could join it to the person's own Facebook "
            f"account for its own purposes for {_iv(s, 'own_join_share', MIX)} (tier b), "
            + (
                "by a join it may use for friend suggestions and for ads alike for "
                f"{_iv(s, 'ads_join_share', MIX)} (tiers c and d)."
                if _iv(s, "suggestions_join_share", MIX) == _iv(s, "ads_join_share", MIX)
                else "by a join it may use for friend suggestions for "
                f"{_iv(s, 'suggestions_join_share', MIX)} (tier c) and for ads for "
                f"{_iv(s, 'ads_join_share', MIX)} (tier d)."
            )
        )
    if key == "partial":
        own_a, own_b = m("own_join_share", "no_opt_out"), m("own_join_share", "all_partial_opt_out")
        ads_a, ads_b = m("ads_join_share", "no_opt_out"), m("ads_join_share", "all_partial_opt_out")
        if _iv(s, "own_join_share", "all_partial_opt_out") == _iv(
            s, "ads_join_share", "no_opt_out"
        ):
            kept = (
                "What it did not change: Facebook could still join that same "
                "share of WhatsApp users to their own Facebook account for its own purposes "
                "(tier b)."
            )
        elif _direction(own_a, own_b) == "stayed at":
            kept = (
                "What it did not change: Facebook could still join "
                f"{_iv(s, 'own_join_share', 'all_partial_opt_out')} of WhatsApp users to their own "
                "Facebook account for its own purposes (tier b), the same as with no opt-out."
            )
        else:
            kept = (
                "What it did not change much: Facebook could still join "
                f"{_iv(s, 'own_join_share', 'all_partial_opt_out')} of WhatsApp users to their own "
                "Facebook account for its own purposes (tier b), against "
                f"{_iv(s, 'own_join_share', 'no_opt_out')} with no opt-out."
            )
        if _direction(ads_a, ads_b) == "stayed at":
            changed = (
                "The 2016 partial opt-out did not change the use: the share with a join "
                "usable for ads (tier d) stayed at "
                f"{_iv(s, 'ads_join_share', 'all_partial_opt_out')}."
            )
        else:
            changed = (
                "What the 2016 partial opt-out changed is the use: had every existing user "
                "taken it, the share of WhatsApp users with a join usable for ads (tier d) "
                f"{_direction(ads_a, ads_b)} {_iv(s, 'ads_join_share', 'no_opt_out')} with no "
                f"opt-out to {_iv(s, 'ads_join_share', 'all_partial_opt_out')}."
            )
        return (
            f"{changed} {kept} Of those still usable for ads, "
            f"{_iv(s, 'ads_join_no_choice_share', 'all_partial_opt_out')} were new users, "
            "who were offered no choice."
        )
    if key == "leaving":
        return (
            "Leaving stops what flows: had every user left, WhatsApp data about "
            f"{_iv(s, 'reached_share', 'all_leave')} of WhatsApp users would have reached "
            "Facebook afterwards (tier a). What was received stays: of the existing users who "
            "accepted in their 2016 state, shared, and left "
            f"{FindingsParams().leave_after_days} days later, Facebook still held "
            f"data about {_iv(s, 'held_reached_share', 'accepted_then_left')} (tier a) and a "
            "join usable for ads for "
            f"{_iv(s, 'held_ads_join_share', 'accepted_then_left')} (tier d), if what it holds "
            "keeps the uses it was received for (the record is silent; notebook 04 shows the "
            "other reading)."
        )
    if key == "window":
        return (
            "Opting out during the 30-day window stops later flows for ads, not what came "
            "before: of the existing users who unticked the box on day "
            f"{FindingsParams().opt_out_day}, "
            f"{_iv(s, 'held_ads_join_share', 'opted_out_in_window')} still had a join usable for "
            "ads built from data received before that day (tier d, share of those who opted "
            "out, if held data keeps the uses it was received for)."
        )
    if key == "suggestions":
        return (
            f"In the 2016 mix, {_iv(s, 'whatsapp_only_suggestion_share', MIX)} of the friend "
            "suggestions shown to Facebook members existed only because of WhatsApp data "
            f"(tier c), and {_iv(s, 'members_suggested_share', MIX)} of Facebook members were "
            "suggested to someone else because of it (being shown a suggestion does not count)."
        )
    if key == "sensitive":
        return (
            "Of the Facebook members who are patients, clients or sources of a professional "
            f"({_count(s, 'co_client_member_count', MIX)}), "
            f"{_iv(s, 'co_client_suggested_share', MIX)} were suggested to another patient, "
            "client or source of the same professional because of WhatsApp data (tier c): such "
            "a suggestion tells each of the two a secret of the other. Per 1,000 Facebook "
            f"members there were {_iv(s, 'third_party_sensitive_per_1000_members', MIX)} such "
            "suggestions, beside "
            f"{_iv(s, 'own_tie_sensitive_per_1000_members', MIX)} suggestions of a person's own "
            "private tie (their clinician, an ex-partner), which tell the viewer nothing new."
        )
    if key.startswith("exposure_"):
        g = key.removeprefix("exposure_")
        who = GROUP_LABELS[g]
        return (
            f"Of the people who {who} ({_count(s, f'{g}_people_count', MIX)}), "
            f"{_iv(s, f'{g}_suggested_share', MIX)} were suggested to someone else because of "
            f"WhatsApp data (exposure i, tier c; "
            f"{_iv(s, f'{g}_suggested_member_share', MIX)} of those with a Facebook account, "
            f"{_count(s, f'{g}_member_count', MIX)}), "
            f"{_iv(s, f'{g}_tie_known_share', MIX)} had a tie known to "
            "Facebook through someone else's upload (ii) and "
            f"{_iv(s, f'{g}_number_attached_share', MIX)} had their number attached to an "
            "account or a shadow profile by other people's data (iii): data Facebook holds, "
            "whatever they chose themselves."
        )
    if key == "ads":
        return (
            "For businesses uploading customer lists, Facebook matched "
            f"{_iv(s, 'ad_match_without_whatsapp_share', MIX)} of list entries to an account "
            "without WhatsApp's numbers (numbers on file, account emails, and numbers the "
            "linking module attaches to accounts from friends' uploaded contacts), and "
            f"{_iv(s, 'ad_match_share', MIX)} with the WhatsApp numbers the 2016 mix permits "
            f"for ads (tier d): {_iv(s, 'ad_extra_match_share', MIX)} of entries more "
            "(denominator: customer-list entries). Had Facebook matched only on the numbers "
            "users gave it, WhatsApp's numbers would have added "
            f"{_iv(s, 'ad_extra_match_numbers_only_share', MIX)} of entries."
        )
    raise KeyError(f"unknown sentence {key!r}; known: {list(SENTENCE_NUMBERS)}")


def sentences(
    summary: pd.DataFrame,
    *,
    n_people: int | None = None,
    exposure: pd.DataFrame | None = None,
    exposure_n_people: int | None = None,
) -> list[str]:
    """Render the key findings as plain-words sentences from :func:`summarise` output.

    Sentences whose numbers are missing (parts not computed) are skipped.

    Parameters
    ----------
    summary : pandas.DataFrame
        ``metric``, ``scenario``, ``mean``, ``low``, ``high``, ``seed_count``.
    n_people : int, optional
        People per world, for the opening sentence about the runs.
    exposure, exposure_n_people : optional
        A separate summary (and world size) for the exposure sentences, e.g. from larger
        worlds so that each group's denominator holds enough people.

    Returns
    -------
    list of str
    """
    table = findings_table(
        summary, n_people=n_people, exposure=exposure, exposure_n_people=exposure_n_people
    )
    return table["sentence"].drop_duplicates().tolist()


def _opening(summary: pd.DataFrame, n_people: int | None, what: str) -> str:
    seeds = int(summary["seed_count"].max()) if len(summary) else 0
    world = f" of {n_people:,} people each" if n_people else ""
    return (
        f"{what} the mean over {seeds} synthetic worlds{world}, with its 95% interval over "
        "those worlds."
    )


def findings_table(
    summary: pd.DataFrame,
    *,
    n_people: int | None = None,
    exposure: pd.DataFrame | None = None,
    exposure_n_people: int | None = None,
) -> pd.DataFrame:
    """Every key sentence with the numbers it quotes (one row per sentence and number).

    Returns
    -------
    pandas.DataFrame
        ``sentence_number``, ``sentence``, ``metric``, ``scenario``, ``tier``,
        ``denominator``, ``mean``, ``low``, ``high``, ``seed_count`` (opening sentences
        have no metric).
    """
    rows = [
        {
            "sentence_number": 0,
            "sentence": _opening(summary, n_people, "Every number below is")
            if exposure is None
            else _opening(summary, n_people, "Every number below, but those about exposure, is"),
            "metric": "",
            "scenario": "",
        }
    ]
    i = 0
    for key, pairs in SENTENCE_NUMBERS.items():
        source = exposure if (exposure is not None and key.startswith("exposure_")) else summary
        if not _has(source, pairs):
            continue
        i += 1
        if source is exposure and key == f"exposure_{EXPOSURE_GROUPS[0]}":
            rows.append(
                {
                    "sentence_number": i,
                    "sentence": _opening(
                        exposure, exposure_n_people, "Each exposure number below is"
                    ),
                    "metric": "",
                    "scenario": "",
                }
            )
            i += 1
        text = _sentence(key, source)
        for metric, scen in pairs:
            r = _get(source, metric, scen)
            rows.append(
                {
                    "sentence_number": i,
                    "sentence": text,
                    "metric": metric,
                    "scenario": scen,
                    "tier": METRICS[metric].tier,
                    "denominator": METRICS[metric].denominator,
                    "mean": float(r["mean"]),
                    "low": float(r["low"]),
                    "high": float(r["high"]),
                    "seed_count": int(r["seed_count"]),
                }
            )
    out = pd.DataFrame(rows)
    for c in ("tier", "denominator"):
        out[c] = out.get(c, pd.Series("", index=out.index)).fillna("")
    for c in ("mean", "low", "high"):
        out[c] = out.get(c, pd.Series(np.nan, index=out.index)).astype(float).round(6)
    out["seed_count"] = out.get("seed_count", np.nan)
    out["seed_count"] = out["seed_count"].astype("Int64")
    return out[
        [
            "sentence_number",
            "sentence",
            "metric",
            "scenario",
            "tier",
            "denominator",
            "mean",
            "low",
            "high",
            "seed_count",
        ]
    ]


def key_findings_html(lines: Sequence[str]) -> str:
    """Wrap the sentences as an HTML list inside ``<div class="key-findings">``.

    >>> key_findings_html(["A & B."])
    '<div class="key-findings"><ul><li>A &amp; B.</li></ul></div>'
    """
    import html

    items = "".join(f"<li>{html.escape(t, quote=False)}</li>" for t in lines)
    return f'<div class="key-findings"><ul>{items}</ul></div>'
