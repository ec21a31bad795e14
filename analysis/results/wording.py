"""The key findings in plain words: sentences and the findings table."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from analysis.core.formatting import fmt_interval
from analysis.results.headlines import METRICS, MIX

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
    return fmt_interval(r["mean"], r["low"], r["high"], unit=METRICS.get(metric, ("", "share"))[1])


def _direction(a: float, b: float) -> str:
    if round(100 * a) == round(100 * b):
        return "stayed at"
    return "fell from" if b < a else "rose from"


def _has(summary: pd.DataFrame, pairs: Iterable[tuple[str, str]]) -> bool:
    keys = set(zip(summary["metric"], summary["scenario"], strict=True))
    return all(p in keys for p in pairs)


#: Each key sentence: the (metric, scenario) numbers it uses, in order.
SENTENCE_NUMBERS: dict[str, tuple[tuple[str, str], ...]] = {
    "linking": (
        ("linked_share", "all_partial_opt_out"),
        ("linked_share", "no_opt_out"),
        ("linked_share", "all_leave"),
    ),
    "ads_links": (
        ("usable_for_ads_share", "no_opt_out"),
        ("usable_for_ads_share", "all_partial_opt_out"),
    ),
    "mix": (
        ("linked_share", MIX),
        ("usable_for_ads_share", MIX),
        ("usable_for_suggestions_share", MIX),
    ),
    "suggestions": (
        ("whatsapp_only_suggestion_share", MIX),
        ("members_with_whatsapp_only_share", MIX),
        ("sensitive_suggestions_per_1000_members", MIX),
    ),
    "ads": (
        ("ad_match_without_whatsapp_share", MIX),
        ("ad_match_share", MIX),
        ("ad_extra_match_share", MIX),
        ("ad_extra_match_numbers_only_share", MIX),
    ),
    "exposure": (("opted_out_exposed_share", MIX),),
}


def _sentence(key: str, s: pd.DataFrame) -> str:
    m = lambda metric, scen: _get(s, metric, scen)["mean"]  # noqa: E731
    if key == "linking":
        return (
            "If everyone had taken the partial opt-out, "
            f"{_iv(s, 'linked_share', 'all_partial_opt_out')} of WhatsApp users would still "
            "have been linked to their Facebook account, against "
            f"{_iv(s, 'linked_share', 'no_opt_out')} with no opt-out and "
            f"{_iv(s, 'linked_share', 'all_leave')} if everyone had left WhatsApp."
        )
    if key == "ads_links":
        a = m("usable_for_ads_share", "no_opt_out")
        b = m("usable_for_ads_share", "all_partial_opt_out")
        return (
            "What the partial opt-out changed is what a link may be used for: the share of "
            f"WhatsApp users with a link usable for ads {_direction(a, b)} "
            f"{_iv(s, 'usable_for_ads_share', 'no_opt_out')} with no opt-out"
            + (
                ""
                if _direction(a, b) == "stayed at"
                else f" to {_iv(s, 'usable_for_ads_share', 'all_partial_opt_out')} under the "
                "partial opt-out"
            )
            + "."
        )
    if key == "mix":
        return (
            f"In the 2016 mix (as it happened, in the model), {_iv(s, 'linked_share', MIX)} of "
            "WhatsApp users were linked to their Facebook account, "
            f"{_iv(s, 'usable_for_ads_share', MIX)} by a link usable for ads and "
            f"{_iv(s, 'usable_for_suggestions_share', MIX)} by one usable for friend suggestions."
        )
    if key == "suggestions":
        return (
            f"In the 2016 mix, {_iv(s, 'whatsapp_only_suggestion_share', MIX)} of friend "
            "suggestions existed only because of WhatsApp data; "
            f"{_iv(s, 'members_with_whatsapp_only_share', MIX)} of Facebook members were "
            "shown at least one, and "
            f"{_iv(s, 'sensitive_suggestions_per_1000_members', MIX)} such suggestions per "
            "1,000 members revealed a sensitive tie (patient and clinician, client and lawyer, "
            "source and journalist, ex-partners and the like)."
        )
    if key == "ads":
        return (
            "For businesses uploading customer lists, Facebook matched "
            f"{_iv(s, 'ad_match_without_whatsapp_share', MIX)} of list entries to an account "
            "without WhatsApp's numbers, and "
            f"{_iv(s, 'ad_match_share', MIX)} with them: WhatsApp's numbers added "
            f"{_iv(s, 'ad_extra_match_share', MIX)} of entries, because Facebook already "
            "matched on account emails and on numbers from other users' uploaded contacts. "
            "Had Facebook matched only on the numbers users gave it, WhatsApp's numbers would "
            f"have added {_iv(s, 'ad_extra_match_numbers_only_share', MIX)} of entries."
        )
    if key == "exposure":
        return (
            "Of the people who took the partial opt-out or left WhatsApp and have a Facebook "
            f"account, {_iv(s, 'opted_out_exposed_share', MIX)} were still exposed through "
            "other people's data (a tie of theirs made visible to Facebook, or a friend "
            "suggestion that exists only because of WhatsApp data)."
        )
    raise KeyError(f"unknown sentence {key!r}; known: {list(SENTENCE_NUMBERS)}")


def sentences(summary: pd.DataFrame, *, n_people: int | None = None) -> list[str]:
    """Render the key findings as plain-words sentences from :func:`summarise` output.

    Sentences whose numbers are missing from ``summary`` (parts not computed) are skipped.

    Parameters
    ----------
    summary : pandas.DataFrame
        ``metric``, ``scenario``, ``mean``, ``low``, ``high``, ``seed_count``.
    n_people : int, optional
        People per world, for the opening sentence about the runs.

    Returns
    -------
    list of str
    """
    return findings_table(summary, n_people=n_people)["sentence"].drop_duplicates().tolist()


def findings_table(summary: pd.DataFrame, *, n_people: int | None = None) -> pd.DataFrame:
    """Every key sentence with the numbers it quotes (one row per sentence and number).

    Returns
    -------
    pandas.DataFrame
        ``sentence_number``, ``sentence``, ``metric``, ``scenario``, ``mean``, ``low``,
        ``high``, ``seed_count`` (the opening sentence has no metric).
    """
    rows = []
    seeds = int(summary["seed_count"].max()) if len(summary) else 0
    world = f" of {n_people:,} people each" if n_people else ""
    rows.append(
        {
            "sentence_number": 0,
            "sentence": f"Every number below is the mean over {seeds} synthetic worlds{world}, "
            "with its 95% interval over those worlds.",
            "metric": "",
            "scenario": "",
        }
    )
    i = 0
    for key, pairs in SENTENCE_NUMBERS.items():
        if not _has(summary, pairs):
            continue
        i += 1
        text = _sentence(key, summary)
        for metric, scen in pairs:
            r = _get(summary, metric, scen)
            rows.append(
                {
                    "sentence_number": i,
                    "sentence": text,
                    "metric": metric,
                    "scenario": scen,
                    "mean": float(r["mean"]),
                    "low": float(r["low"]),
                    "high": float(r["high"]),
                    "seed_count": int(r["seed_count"]),
                }
            )
    out = pd.DataFrame(rows)
    for c in ("mean", "low", "high"):
        out[c] = out.get(c, pd.Series(np.nan, index=out.index)).astype(float).round(6)
    out["seed_count"] = out.get("seed_count", np.nan)
    out["seed_count"] = out["seed_count"].astype("Int64")
    return out[
        ["sentence_number", "sentence", "metric", "scenario", "mean", "low", "high", "seed_count"]
    ]


def key_findings_html(lines: Sequence[str]) -> str:
    """Wrap the sentences as an HTML list inside ``<div class="key-findings">``.

    >>> key_findings_html(["A & B."])
    '<div class="key-findings"><ul><li>A &amp; B.</li></ul></div>'
    """
    import html

    items = "".join(f"<li>{html.escape(t, quote=False)}</li>" for t in lines)
    return f'<div class="key-findings"><ul>{items}</ul></div>'
