"""Collective exposure: people exposed by other people's data, and a worked example."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysis.effects.exposure.harm import EXPOSURE_GROUPS, person_exposure
from analysis.effects.exposure.params import ExposureParams
from analysis.effects.exposure.suggestions import ScenarioSuggestions, _each_scenario
from analysis.effects.suggest import (
    SuggestParams,
)
from analysis.policy.consent import field_purposes
from analysis.policy.scenarios import Scenario

__all__ = [
    "ClinicianExample",
    "clinician_example",
    "collective_exposure",
    "exposure_curve",
    "exposure_curves",
]


def collective_exposure(
    world: Any,
    scenarios: Mapping[str, Scenario],
    suggest: SuggestParams | None = None,
    *,
    seed: int | None = None,
    groups: Sequence[str] = EXPOSURE_GROUPS,
) -> pd.DataFrame:
    """Exposures (i)-(iii) of the people in ``groups``, with the share of their ties who share.

    For each scenario, :func:`analysis.effects.exposure.person_exposure` of everyone whose
    group (:func:`analysis.effects.exposure.exposure_group`) is in ``groups`` and who has at
    least one real-world tie, plus ``default_tie_share``: the share of their ties whose
    phone number may be used for suggestions (their contacts' choices, not theirs).
    ``suggest`` sets how suggestions are ranked.

    Returns
    -------
    pandas.DataFrame
        ``scenario`` and the :func:`person_exposure` columns, plus ``default_tie_share``.
    """
    from analysis.linking.inference import infer_numbers

    people = world.people
    ties = world.tie_matrix()
    deg = np.diff(ties.indptr)
    base = infer_numbers(people, world)
    frames = []
    for name, r in _each_scenario(world, scenarios, suggest, seed, ties):
        scenario = scenarios[name]
        sharing = field_purposes(people, scenario, "phone_number", seed=seed)[
            "suggestions"
        ].to_numpy(bool)
        share = np.divide(
            ties @ sharing.astype(float), deg, out=np.full(len(people), np.nan), where=deg > 0
        )
        per = person_exposure(world, r, scenario, seed=seed, inferred=base)
        keep = per["exposure_group"].isin(list(groups)).to_numpy() & (deg > 0)
        frames.append(per[keep].assign(default_tie_share=share[keep]).assign(scenario=name))
    out = pd.concat(frames, ignore_index=True)
    return out[["scenario", *[c for c in out.columns if c != "scenario"]]]


def exposure_curve(per_person: pd.DataFrame, bins: int = 5) -> pd.DataFrame:
    """Binned shares exposed against the share of the person's ties who share by default.

    ``suggested_share`` is over the bin's Facebook members (only they can be suggested);
    ``tie_known_share`` and ``number_attached_share`` over everyone in the bin.

    Returns
    -------
    pandas.DataFrame
        ``bin_low``, ``bin_high``, ``bin_mid``, ``person_count``, ``member_count``,
        ``suggested_share``, ``tie_known_share``, ``number_attached_share`` (bins with
        nobody are dropped).
    """
    if bins < 1:
        raise ValueError(f"bins = {bins!r} must be a positive integer")
    edges = np.linspace(0.0, 1.0, bins + 1)
    idx = np.clip(np.digitize(per_person["default_tie_share"].to_numpy(), edges[1:-1]), 0, bins - 1)
    member = per_person["has_facebook_account"].to_numpy(bool)
    frame = per_person.assign(
        bin=idx,
        member=member,
        suggested=np.where(member, per_person["suggested_count"].to_numpy() > 0, np.nan),
        tie_known=per_person["tie_known_count"].to_numpy() > 0,
        number_attached=per_person["number_attached_count"].to_numpy() > 0,
    )
    g = (
        frame.groupby("bin")
        .agg(
            person_count=("person_id", "size"),
            member_count=("member", "sum"),
            suggested_share=("suggested", "mean"),
            tie_known_share=("tie_known", "mean"),
            number_attached_share=("number_attached", "mean"),
        )
        .reset_index()
    )
    g["member_count"] = g["member_count"].astype(np.int64)
    b = g["bin"].to_numpy()
    g.insert(0, "bin_low", edges[b])
    g.insert(1, "bin_high", edges[b + 1])
    g.insert(2, "bin_mid", (edges[b] + edges[b + 1]) / 2)
    return g.drop(columns="bin")


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
                world,
                {f"{u:.2f}": scenarios[base].with_uptake(u) for u in uptakes},
                suggest,
                groups=("opted_out", "left"),
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
