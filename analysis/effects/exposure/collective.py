"""Collective exposure: people exposed by other people's data, and a worked example."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysis.effects.exposure.contacts import _bool
from analysis.effects.exposure.params import OPTED_OUT_STATES, ExposureParams
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
