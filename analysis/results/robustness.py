"""Do the conclusions hold? Sensitivity to unknown parameters, and convergence with world size.

:func:`sensitivity` re-runs the headline across each unknown parameter's documented
plausible range, :func:`check_conclusions` says which conclusions hold in every run,
and :func:`convergence` runs it at several population sizes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysis.core.formatting import fmt_interval, fmt_share
from analysis.core.labels import PARAMETER_LABELS
from analysis.core.params import ParameterError
from analysis.core.progress import iterate
from analysis.results.headlines import FindingsParams, headline_over_seeds, summarise
from analysis.results.metrics import HEADLINES, MIX
from analysis.world.params import WorldParams

__all__ = [
    "CONCLUSIONS",
    "PARAMETER_LABELS",
    "SENSITIVITY_PARAMETERS",
    "Conclusion",
    "check_conclusions",
    "convergence",
    "convergence_check",
    "convergence_table",
    "default_value",
    "headline_conclusions",
    "parameter_values",
    "sensitivity",
    "sensitivity_sweep",
    "tornado_data",
]


#: Unknown parameters explored by :func:`sensitivity`: name -> where it lives.
#: ``world`` = :class:`analysis.world.WorldParams`, ``social`` =
#: :class:`analysis.world.SocialParams`, ``scenario`` = the address-book switch of every
#: scenario (off by default, on in the what-if).
SENSITIVITY_PARAMETERS: dict[str, str] = {
    "opt_out_uptake_share": "world",
    "facebook_whatsapp_overlap": "world",
    "facebook_phone_on_file_share": "world",
    "uploads_contacts_to_facebook": "social",
    "address_books": "scenario",
}


def _param_class(parameter: str):
    where = SENSITIVITY_PARAMETERS.get(parameter)
    if where is None:
        raise ValueError(
            f"parameter = {parameter!r} is not explored; allowed: {list(SENSITIVITY_PARAMETERS)}"
        )
    if where == "world":
        return where, WorldParams
    if where == "social":
        from analysis.world.params import SocialParams

        return where, SocialParams
    return where, None


def parameter_values(parameter: str) -> tuple[Any, ...]:
    """Values explored for ``parameter``: low end, default, high end of its plausible range.

    The address-book switch is explored off and on.

    >>> parameter_values("opt_out_uptake_share")
    (0.01, 0.05, 0.25)
    >>> parameter_values("address_books")
    (False, True)
    """
    _, cls = _param_class(parameter)
    if cls is None:
        return (False, True)
    rng = cls.plausible_range(parameter)
    if rng is None:
        raise ParameterError(f"{cls.__name__}.{parameter} has no documented plausible range")
    default = getattr(cls(), parameter)
    return tuple(sorted({rng[0], default, rng[1]}))


def default_value(parameter: str) -> Any:
    """Return the default value of an explored parameter (the switch: off).

    >>> default_value("facebook_phone_on_file_share")
    0.4
    """
    _, cls = _param_class(parameter)
    return False if cls is None else getattr(cls(), parameter)


def _setting(parameter: str, value: Any, world: WorldParams, social: Any) -> dict[str, Any]:
    where, _ = _param_class(parameter)
    if where == "world":
        return {"world": world.replace(**{parameter: value}), "social": social}
    if where == "social":
        return {"world": world, "social": social.replace(**{parameter: value})}
    return {"world": world, "social": social, "address_books": bool(value)}


def sensitivity(
    parameter: str,
    values: Sequence[Any] | None = None,
    seeds: Iterable[int] = (0, 1, 2),
    *,
    world: WorldParams | None = None,
    social: Any | None = None,
    baseline: pd.DataFrame | None = None,
    progress: bool = False,
    **kwargs: Any,
) -> pd.DataFrame:
    """Headline metrics across the plausible range of one unknown parameter.

    Parameters
    ----------
    parameter : str
        One of :data:`SENSITIVITY_PARAMETERS`.
    values : sequence, optional
        Values to try (default :func:`parameter_values`).
    seeds : iterable of int
        Seeds per value (few, e.g. 3).
    world, social
        Base parameters (default: :class:`FindingsParams` sensitivity size, default social).
    baseline : pandas.DataFrame, optional
        :func:`headline_over_seeds` output at the defaults with the same seeds and sizes,
        reused for the default value instead of recomputing it.
    progress : bool
        Show a tqdm bar.
    **kwargs
        Passed to :func:`headline_metrics` (``parts``, ``n_businesses``).

    Returns
    -------
    pandas.DataFrame
        One row per (value, metric, scenario): ``parameter``, ``value``, ``is_default``,
        ``metric``, ``scenario``, ``mean``, ``low``, ``high``, ``seed_count``.
    """
    from analysis.world.params import SocialParams

    values = parameter_values(parameter) if values is None else tuple(values)
    if not values:
        raise ValueError(f"sensitivity({parameter!r}): give at least one value")
    default = default_value(parameter)
    world = world or WorldParams(n_people=FindingsParams().sensitivity_n_people)
    social = social or SocialParams()
    seeds = [int(s) for s in seeds]
    frames = []
    for v in iterate(values, progress, parameter):
        if baseline is not None and v == default:
            long = baseline
        else:
            long = headline_over_seeds(seeds, **_setting(parameter, v, world, social), **kwargs)
        s = summarise(long)
        s.insert(0, "is_default", v == default)
        s.insert(0, "value", float(v))
        s.insert(0, "parameter", parameter)
        frames.append(s)
    return pd.concat(frames, ignore_index=True)


def sensitivity_sweep(
    parameters: Iterable[str] = tuple(SENSITIVITY_PARAMETERS),
    seeds: Iterable[int] = (0, 1, 2),
    *,
    world: WorldParams | None = None,
    social: Any | None = None,
    progress: bool = False,
    baseline: pd.DataFrame | None = None,
    **kwargs: Any,
) -> pd.DataFrame:
    """Run :func:`sensitivity` for several parameters, computing the default run only once.

    ``baseline`` (optional) is :func:`headline_over_seeds` output at the defaults with the
    same seeds and sizes; it is computed when not given.
    """
    from analysis.world.params import SocialParams

    world = world or WorldParams(n_people=FindingsParams().sensitivity_n_people)
    social = social or SocialParams()
    seeds = [int(s) for s in seeds]
    parameters = list(parameters)
    for p in parameters:
        _param_class(p)
    if baseline is None:
        baseline = headline_over_seeds(seeds, world, social, **kwargs)
    # the address-book switch first: it reuses the default worlds still in the cache
    order = sorted(parameters, key=lambda p: SENSITIVITY_PARAMETERS[p] != "scenario")
    frames = {
        p: sensitivity(
            p,
            seeds=seeds,
            world=world,
            social=social,
            baseline=baseline,
            progress=progress,
            **kwargs,
        )
        for p in order
    }
    return pd.concat([frames[p] for p in parameters], ignore_index=True)


@dataclass(frozen=True)
class Conclusion:
    """A claim checked in every sensitivity run.

    The checked value is ``metric`` under ``scenario`` (the mean over seeds of one run),
    divided by ``relative_to`` (another metric, scenario) when given. The claim holds in
    a run when the value is at least ``at_least`` and at most ``at_most``.
    """

    name: str
    claim: str
    metric: tuple[str, str]
    relative_to: tuple[str, str] | None = None
    at_least: float | None = None
    at_most: float | None = None

    def render_claim(self) -> str:
        """Return the claim with its threshold(s) filled in as percentages."""
        return self.claim.format(
            at_least=fmt_share(self.at_least) if self.at_least is not None else "",
            at_most=fmt_share(self.at_most) if self.at_most is not None else "",
        )


#: Conclusions of the key findings, checked against every sensitivity run. None is
#: guaranteed by the policy table (each rests on how many joins the mechanisms make, how
#: the suggestions fall, or what Facebook already held), and each threshold sits where the
#: sentence of the key findings would have to change.
CONCLUSIONS: tuple[Conclusion, ...] = (
    Conclusion(
        "partial_opt_out_keeps_own_joins",
        "had everyone taken the partial opt-out, Facebook could still have joined at least "
        "{at_least} of WhatsApp users to their own account for its own purposes (tier b): "
        "most of them",
        ("own_join_share", "all_partial_opt_out"),
        at_least=0.5,
    ),
    Conclusion(
        "leavers_still_held",
        "of those who accepted, shared and then left, Facebook still held a join usable for "
        "ads (tier d, as received) for at least {at_least}: most of them",
        ("held_ads_join_share", "accepted_then_left"),
        at_least=0.5,
    ),
    Conclusion(
        "whatsapp_creates_suggestions",
        "in the 2016 mix, at least {at_least} of friend suggestions existed only because of "
        "WhatsApp data (tier c): one in ten or more",
        ("whatsapp_only_suggestion_share", MIX),
        at_least=0.10,
    ),
    Conclusion(
        "opted_out_still_suggested",
        "in the 2016 mix, at least {at_least} of the Facebook members who took the partial "
        "opt-out were still suggested to someone else because of WhatsApp data (tier c): "
        "one in ten or more, so the opt-out did not keep them out of others' suggestions",
        ("opted_out_suggested_member_share", MIX),
        at_least=0.10,
    ),
    Conclusion(
        "co_clients_suggested",
        "in the 2016 mix, at least {at_least} of patients, clients and sources with a "
        "Facebook account were suggested to a fellow client of the same professional "
        "because of WhatsApp data (tier c): one in twenty or more",
        ("co_client_suggested_share", MIX),
        at_least=0.05,
    ),
    Conclusion(
        "ads_gain_small",
        "when Facebook already matched on emails and on numbers attached from uploaded "
        "contacts, WhatsApp's numbers added at most {at_most} of customer-list entries to ad "
        "matching (tier d): a small gain",
        ("ad_extra_match_share", MIX),
        at_most=0.05,
    ),
    Conclusion(
        "ads_gain_numbers_only",
        "had Facebook matched only on the numbers users gave it, WhatsApp's numbers would "
        "have added at least {at_least} of customer-list entries to ad matching (tier d): "
        "a large gain",
        ("ad_extra_match_numbers_only_share", MIX),
        at_least=0.10,
    ),
)


def _run_values(sens: pd.DataFrame, c: Conclusion) -> pd.DataFrame:
    key = ["parameter", "value"]

    def pick(ms: tuple[str, str]) -> pd.Series:
        part = sens[(sens["metric"] == ms[0]) & (sens["scenario"] == ms[1])]
        return part.set_index(key)["mean"]

    v = pick(c.metric)
    if c.relative_to is not None:
        d = pick(c.relative_to)
        v, d = v.align(d, join="inner")
        v = v / d.where(d != 0)
    return v.rename("checked").reset_index()


def check_conclusions(
    sens: pd.DataFrame, conclusions: Sequence[Conclusion] = CONCLUSIONS
) -> pd.DataFrame:
    """Which conclusions hold in every sensitivity run (one run = one parameter value).

    Parameters
    ----------
    sens : pandas.DataFrame
        :func:`sensitivity` / :func:`sensitivity_sweep` output (``parameter``, ``value``,
        ``metric``, ``scenario``, ``mean``).
    conclusions : sequence of Conclusion

    Returns
    -------
    pandas.DataFrame
        ``conclusion``, ``run_count``, ``holding_count``, ``holds`` (in every run),
        ``lowest``, ``lowest_run``, ``highest``, ``highest_run``, ``statement``.
        Conclusions whose metrics are absent are skipped; runs where the value is NaN do
        not count.
    """
    need = {"parameter", "value", "metric", "scenario", "mean"} - set(sens.columns)
    if need:
        raise ValueError(f"check_conclusions: missing column(s) {sorted(need)}")
    rows = []
    for c in conclusions:
        v = _run_values(sens, c).dropna(subset=["checked"])
        if v.empty:
            continue
        x = v["checked"].to_numpy(float)
        ok = np.ones(len(x), dtype=bool)
        if c.at_least is not None:
            ok &= x >= c.at_least
        if c.at_most is not None:
            ok &= x <= c.at_most
        lo, hi = int(np.argmin(x)), int(np.argmax(x))

        def run(i: int, v: pd.DataFrame = v) -> str:
            p, val = v["parameter"].iloc[i], v["value"].iloc[i]
            return f"{PARAMETER_LABELS.get(p, p)} = {_fmt_value(p, val)}"

        holds = bool(ok.all())
        rng = f"lowest {fmt_share(x[lo])} ({run(lo)}), highest {fmt_share(x[hi])} ({run(hi)})"
        claim = c.render_claim()
        if holds:
            text = f"Holds in all {len(x)} runs: {claim}; {rng}."
        else:
            text = f"Does not hold in {int((~ok).sum())} of {len(x)} runs: {claim}; {rng}."
        rows.append(
            {
                "conclusion": c.name,
                "run_count": len(x),
                "holding_count": int(ok.sum()),
                "holds": holds,
                "lowest": float(x[lo]),
                "lowest_run": run(lo),
                "highest": float(x[hi]),
                "highest_run": run(hi),
                "statement": text[0].upper() + text[1:],
            }
        )
    return pd.DataFrame(rows)


def headline_conclusions(
    summary: pd.DataFrame, conclusions: Sequence[Conclusion] = CONCLUSIONS
) -> list[str]:
    """State, for one headline run, whether each conclusion holds (with the checked value).

    Parameters
    ----------
    summary : pandas.DataFrame
        :func:`summarise` output at the default parameters.

    Returns
    -------
    list of str
        One plain-words line per conclusion whose metrics are present.
    """
    frame = summary.assign(parameter="defaults", value=0.0)
    out = []
    for c in conclusions:
        v = _run_values(frame, c).dropna(subset=["checked"])
        if v.empty:
            continue
        x = float(v["checked"].iloc[0])
        ok = (c.at_least is None or x >= c.at_least) and (c.at_most is None or x <= c.at_most)
        claim = c.render_claim()
        verdict = "Yes" if ok else "No"
        out.append(f"{verdict}: {claim} (here {fmt_share(x)}).")
    return out


def _fmt_value(parameter: str, value: Any) -> str:
    if SENSITIVITY_PARAMETERS.get(parameter) == "scenario":
        return "on" if bool(value) else "off"
    return f"{float(value):g}"


def convergence(
    sizes: Sequence[int],
    seeds: Iterable[int] = (0, 1, 2),
    *,
    world: WorldParams | None = None,
    social: Any | None = None,
    progress: bool = False,
    known: Mapping[int, pd.DataFrame] | None = None,
    **kwargs: Any,
) -> pd.DataFrame:
    """Headline metrics at several population sizes (mean and 95% interval over seeds).

    Parameters
    ----------
    sizes : sequence of int
        Population sizes.
    seeds : iterable of int
        Seeds per size.
    world, social
        Base parameters (``n_people`` is replaced by each size).
    progress : bool
        Show a tqdm bar.
    known : mapping of int to pandas.DataFrame, optional
        :func:`headline_over_seeds` output already computed at some sizes (same defaults),
        reused instead of recomputed.
    **kwargs
        Passed to :func:`headline_metrics`.

    Returns
    -------
    pandas.DataFrame
        ``n_people``, ``metric``, ``scenario``, ``mean``, ``seed_count``, ``low``, ``high``.
    """
    sizes = [int(n) for n in sizes]
    if not sizes or min(sizes) < 1:
        raise ValueError(f"sizes = {sizes!r}: give positive population sizes")
    world = world or WorldParams()
    seeds = [int(s) for s in seeds]
    frames = []
    known = dict(known or {})
    for n in iterate(sizes, progress, "sizes"):
        if n in known:
            long = known[n]
        else:
            long = headline_over_seeds(seeds, world.replace(n_people=n), social, **kwargs)
        frames.append(summarise(long).assign(n_people=n))
    out = pd.concat(frames, ignore_index=True)
    return out[["n_people", "metric", "scenario", "mean", "seed_count", "low", "high"]]


def convergence_table(conv: pd.DataFrame, headlines: Mapping = HEADLINES) -> pd.DataFrame:
    """Wide table of headline means (rows) by population size (columns), for display."""
    rows = []
    for (metric, scen), label in headlines.items():
        part = conv[(conv["metric"] == metric) & (conv["scenario"] == scen)]
        rows.append(pd.Series(part.set_index("n_people")["mean"].to_dict(), name=label))
    return pd.DataFrame(rows)


def convergence_check(
    conv: pd.DataFrame, default_size: int, headlines: Mapping = HEADLINES
) -> pd.DataFrame:
    """Compare each headline at ``default_size`` with the largest world of ``conv``.

    Returns
    -------
    pandas.DataFrame
        ``headline``, ``at_default``, ``at_largest``, ``low_largest``, ``high_largest``,
        ``difference`` (default minus largest), ``is_within`` (the default-size mean lies in
        the largest world's 95% interval), ``statement``.
    """
    sizes = sorted(conv["n_people"].unique())
    if default_size not in sizes:
        raise ValueError(f"default_size = {default_size!r} is not among the sizes {sizes}")
    big = sizes[-1]
    rows = []
    for (metric, scen), label in headlines.items():
        part = conv[(conv["metric"] == metric) & (conv["scenario"] == scen)]
        if part.empty:
            continue
        d = part[part["n_people"] == default_size].iloc[0]
        b = part[part["n_people"] == big].iloc[0]
        within = bool(b["low"] - 1e-12 <= d["mean"] <= b["high"] + 1e-12)
        rows.append(
            {
                "headline": label,
                "at_default": float(d["mean"]),
                "at_largest": float(b["mean"]),
                "low_largest": float(b["low"]),
                "high_largest": float(b["high"]),
                "difference": float(d["mean"] - b["mean"]),
                "is_within": within,
                "statement": f"{label}: {fmt_share(d['mean'])} with {default_size:,} people, "
                f"against {fmt_interval(b['mean'], b['low'], b['high'])} with {big:,} people, "
                f"a difference of {100 * abs(d['mean'] - b['mean']):.1f} percentage points"
                + (" (inside the interval)." if within else " (outside the interval)."),
            }
        )
    return pd.DataFrame(rows)


def tornado_data(sens: pd.DataFrame, headlines: Mapping = HEADLINES) -> pd.DataFrame:
    """Tabulate, per headline and parameter, the headline at both ends of the range.

    Columns include the headline at the low and high parameter values, at the defaults,
    and ``swing`` (largest minus smallest value over the parameter's runs).
    """
    rows = []
    for (metric, scen), label in headlines.items():
        part = sens[(sens["metric"] == metric) & (sens["scenario"] == scen)]
        if part.empty:
            continue
        base = part[part["is_default"]]["mean"]
        base_v = float(base.iloc[0]) if len(base) else float("nan")
        for p, g in part.groupby("parameter", sort=False):
            g = g.sort_values("value")
            rows.append(
                {
                    "headline": label,
                    "metric": metric,
                    "scenario": scen,
                    "parameter": p,
                    "parameter_label": PARAMETER_LABELS.get(p, p),
                    "low_value": float(g["value"].iloc[0]),
                    "high_value": float(g["value"].iloc[-1]),
                    "at_low_value": float(g["mean"].iloc[0]),
                    "at_high_value": float(g["mean"].iloc[-1]),
                    "at_default": base_v,
                    "run_min": float(g["mean"].min()),
                    "run_max": float(g["mean"].max()),
                }
            )
    out = pd.DataFrame(rows)
    if not out.empty:
        out["swing"] = out["run_max"] - out["run_min"]
    return out
