"""What could Facebook learn about me? One kind of person, read off seeded synthetic worlds.

A reader describes a situation (:class:`Situation`: country, Facebook account or not,
number on Facebook, uploads contacts, the 2016 choice, left and on which day, friends'
choices, a professional's client, how many held address books hold the number). Nothing
about the answer is written by hand: :func:`person_facts` computes, for every synthetic
person of a world, what the model makes of them under the 2016 mix; :func:`persona_summary`
finds the people who match the situation in each of several seeded worlds (generated, or
built on a loaded network) and summarises them:

* **links** that form, by mechanism (the person's own WhatsApp data: phone number, device
  identifier, fingerprint; other people's data: the address-book inference), as shares of
  the matching people;
* **tiers** (:mod:`analysis.linking.tiers`): (a) their WhatsApp data reached Facebook,
  (b) Facebook may join it to their account for its own purposes, (c) for friend
  suggestions, (d) for ads; for someone who accepted, shared and left on day ``L``, what
  Facebook still holds (as received);
* **exposure through others** (:mod:`analysis.effects.exposure.harm`): suggested to
  someone else because of WhatsApp data (and to how many people), a tie known to Facebook
  through someone else's upload, their number attached to an account or shadow profile by
  other people's data; for a patient, client or source, suggested to a fellow client;
* **ad reach**: an advertiser who uploads their phone number can match it to their
  account with Facebook's own data, and with the WhatsApp join usable for ads added.

Each measure is the share of all matching people pooled over the worlds (its denominator
is ``people_count``, stated beside it), with the range of the per-world shares; a
situation nobody matches gives no number, not a zero.

>>> Situation(country_code="IN", choice="kept_default").describe()
'in India, kept the default (box ticked)'
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysis.core.labels import label
from analysis.core.schema import Field, Table, register
from analysis.results.worlds import HEADLINE_N_PEOPLE, seeded_world
from analysis.world.params import SocialParams, WorldParams

__all__ = [
    "CHOICES",
    "LEFT_COHORT_SHARE",
    "MEASURES",
    "PERSONAS",
    "PERSONA_SUMMARY",
    "PERSONA_WORLD",
    "Situation",
    "person_facts",
    "persona_detail",
    "persona_facts_over_seeds",
    "persona_summary",
    "persona_table",
    "share_over_worlds",
]


#: The 2016 choices a situation can name (consent states of the 2016 mix).
CHOICES: tuple[str, ...] = (
    "kept_default",
    "unticked_before_agreeing",
    "opted_out_in_window",
    "new_user_no_choice",
    "left_whatsapp",
    "never_whatsapp",
)

#: States of people who stayed on WhatsApp in 2016 and could accept and then leave.
_STAYED = ("kept_default", "unticked_before_agreeing", "opted_out_in_window")

_CLIENT_KINDS = ("patient_clinician", "client_lawyer", "source_journalist", "client_sex_worker")

_COUNTRY_NAMES = {
    "BR": "Brazil",
    "DE": "Germany",
    "ES": "Spain",
    "GB": "the UK",
    "IN": "India",
    "MX": "Mexico",
    "NG": "Nigeria",
    "US": "the US",
}

#: Measure -> (plain words, denominator: who the share is of).
MEASURES: dict[str, tuple[str, str]] = {
    "is_linked_phone_number": ("joined by their own phone number", "matching people"),
    "is_linked_device_id": ("joined by their own device identifier", "matching people"),
    "is_linked_fingerprint": ("joined by their device fingerprint", "matching people"),
    "is_linked_address_book": (
        "joined through other people's address books (inference)",
        "matching people",
    ),
    "is_reached": ("(a) their WhatsApp data reached Facebook", "matching people"),
    "is_joined_for_own_use": (
        "(b) Facebook may join it to their account for its own purposes",
        "matching people",
    ),
    "is_usable_for_suggestions": (
        "(c) the join may be used for friend suggestions",
        "matching people",
    ),
    "is_usable_for_ads": ("(d) the join may be used for ads", "matching people"),
    "is_suggested": (
        "(c) suggested to someone else because of WhatsApp data",
        "matching people with a Facebook account",
    ),
    "suggested_to_count": (
        "people shown them as a WhatsApp-only suggestion (mean)",
        "matching people with a Facebook account",
    ),
    "is_co_client_suggested": (
        "(c) suggested to a fellow patient or client of the same professional",
        "matching patients, clients and sources with a Facebook account",
    ),
    "is_tie_known": (
        "a tie of theirs known to Facebook through someone else's upload",
        "matching people",
    ),
    "is_number_attached": (
        "their number attached to an account or shadow profile by others' data",
        "matching people",
    ),
    "is_ad_reachable_without_whatsapp": (
        "an advertiser with their number can reach them: Facebook's own data",
        "matching people with a Facebook account",
    ),
    "is_ad_reachable": (
        "an advertiser with their number can reach them: WhatsApp's join for ads added",
        "matching people with a Facebook account",
    ),
}

_MEMBERS_ONLY = {
    "is_suggested",
    "suggested_to_count",
    "is_co_client_suggested",
    "is_ad_reachable_without_whatsapp",
    "is_ad_reachable",
}


PERSONA_SUMMARY = register(
    Table(
        "persona_summary",
        "What the model finds for the people matching a situation, pooled over seeded "
        "worlds (analysis.results.persona_summary).",
        (
            Field("persona", "Name of the situation.", "string"),
            Field("measure", "What is counted (analysis.results.MEASURES).", "string"),
            Field("value", "Share of the denominator (a mean for *_count measures).", "float64"),
            Field("range_low", "Lowest per-world value (worlds with a match).", "float64"),
            Field("range_high", "Highest per-world value (worlds with a match).", "float64"),
            Field("people_count", "Matching people in the denominator, all worlds.", "int64"),
            Field("world_count", "Worlds with at least one such person.", "int64"),
        ),
    )
)


@dataclass(frozen=True)
class Situation:
    """A kind of person. ``None`` everywhere means "anyone"; every field narrows.

    Attributes
    ----------
    country_code : str, optional
        Country of residence (ISO code).
    has_facebook_account, number_on_facebook, uploads_contacts : bool, optional
        Has a Facebook account; Facebook has their phone number (profile, Messenger, two-
        factor); they upload their phone contacts to Facebook.
    choice : str, optional
        Their 2016 state, one of :data:`CHOICES`.
    left_on_day : int, optional
        They accepted in that state (default: kept the default), shared, and left WhatsApp
        this many days later (1-30); the tiers are then what Facebook still holds.
    friends_kept_default : {"most", "few"}, optional
        At least half / fewer than half of their ties let their number be used for
        suggestions under the 2016 mix (their friends' choices).
    is_client : bool, optional
        A patient, client or source of a professional (clinician, lawyer, journalist).
    min_held_books : int, optional
        Their number sits in at least this many of the address books Facebook or WhatsApp
        holds.
    """

    country_code: str | None = None
    has_facebook_account: bool | None = None
    number_on_facebook: bool | None = None
    uploads_contacts: bool | None = None
    choice: str | None = None
    left_on_day: int | None = None
    friends_kept_default: str | None = None
    is_client: bool | None = None
    min_held_books: int | None = None

    def __post_init__(self) -> None:
        from analysis.world.params import COUNTRIES

        if self.country_code is not None and self.country_code not in COUNTRIES:
            raise ValueError(f"country_code = {self.country_code!r}: must be one of {COUNTRIES}")
        if self.choice is not None and self.choice not in CHOICES:
            raise ValueError(f"choice = {self.choice!r}: must be one of {list(CHOICES)}")
        if self.left_on_day is not None:
            if not 1 <= int(self.left_on_day) <= 30:
                raise ValueError(f"left_on_day = {self.left_on_day!r}: must be a day 1-30")
            if self.choice not in (None, *_STAYED):
                raise ValueError(
                    f"left_on_day with choice = {self.choice!r}: only people who accepted "
                    f"({', '.join(_STAYED)}) can accept, share and then leave"
                )
        if self.friends_kept_default not in (None, "most", "few"):
            raise ValueError(
                f"friends_kept_default = {self.friends_kept_default!r}: 'most', 'few' or None"
            )
        if self.min_held_books is not None and int(self.min_held_books) < 1:
            raise ValueError(f"min_held_books = {self.min_held_books!r}: must be at least 1")

    def describe(self) -> str:
        """Return the situation in plain words."""
        words = []
        if self.country_code:
            words.append(f"in {_COUNTRY_NAMES.get(self.country_code, self.country_code)}")
        flags = (
            (self.has_facebook_account, "has a Facebook account", "no Facebook account"),
            (self.number_on_facebook, "number on Facebook", "number not on Facebook"),
            (self.uploads_contacts, "uploads contacts", "does not upload contacts"),
            (self.is_client, "a professional's patient or client", "no professional's client"),
        )
        words += [yes if v else no for v, yes, no in flags if v is not None]
        if self.choice:
            words.append(label("consent_state", self.choice).lower())
        if self.left_on_day:
            words.append(f"left WhatsApp {self.left_on_day} days after accepting")
        if self.friends_kept_default:
            words.append(f"{self.friends_kept_default} of their ties kept the default")
        if self.min_held_books:
            words.append(f"in at least {self.min_held_books} held address books")
        return ", ".join(words) or "anyone"


#: The worlds personas are read from by default: the headline size, at the top of the
#: plausible ranges of opt-out uptake (1-25%) and of leaving (0-10%), as the exposure
#: headline does, so that rarer choices have people to count (fewer of everyone's contacts
#: then share by default). Twice the headline size, for the same reason.
PERSONA_WORLD = WorldParams(
    n_people=2 * HEADLINE_N_PEOPLE, opt_out_uptake_share=0.25, whatsapp_left_share=0.1
)


#: Worked personas shown in the report (each computed, never written by hand).
PERSONAS: dict[str, Situation] = {
    "Facebook user in India who kept the default": Situation(
        country_code="IN", has_facebook_account=True, choice="kept_default"
    ),
    "UK Facebook user who unticked the box": Situation(
        country_code="GB", has_facebook_account=True, choice="unticked_before_agreeing"
    ),
    "Facebook user who opted out within the 30 days": Situation(
        has_facebook_account=True, choice="opted_out_in_window"
    ),
    "Facebook user who accepted, then left on day 20": Situation(
        has_facebook_account=True, choice="kept_default", left_on_day=20
    ),
    "New user in Brazil, offered no choice": Situation(
        country_code="BR", choice="new_user_no_choice"
    ),
    "Non-user of WhatsApp and Facebook in 50 or more held address books": Situation(
        has_facebook_account=False, choice="never_whatsapp", min_held_books=50
    ),
    "A clinician's, lawyer's or journalist's client on Facebook": Situation(
        is_client=True, has_facebook_account=True
    ),
    "Facebook user who opted out, most of whose ties kept the default": Situation(
        has_facebook_account=True,
        choice="unticked_before_agreeing",
        friends_kept_default="most",
    ),
}


#: Share of the people who stayed in 2016 put in the cohort that accepted, shared and then
#: left (a seeded draw): everyone else keeps their 2016 choice.
LEFT_COHORT_SHARE = 0.2


def _cohort_left(people: pd.DataFrame, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    """Put a seeded fifth of those who stayed in 2016 in the cohort that accepted, then left."""
    from analysis.core.seeds import person_uniforms

    state = people["consent_state"].astype(str).to_numpy()
    u = person_uniforms(people["person_id"].to_numpy(), seed, "persona:left")
    who = np.isin(state, _STAYED) & (u < LEFT_COHORT_SHARE)
    out = people.assign(
        consent_state=pd.Categorical(
            np.where(who, "left_whatsapp", state), categories=people["consent_state"].cat.categories
        ),
        opt_out_day=people["opt_out_day"].astype("Int64").mask(who),
    )
    return out, who


def person_facts(world: Any, seed: int, *, left_on_day: int | None = None) -> pd.DataFrame:
    """Everything the persona measures read, for every person of one world (2016 mix).

    Parameters
    ----------
    world : analysis.world.SocialWorld
        With the address books Facebook and WhatsApp hold
        (:func:`analysis.results.build_world` with ``address_books=True``).
    seed : int
        Seed of the scenario's draws.
    left_on_day : int, optional
        Put a seeded share (:data:`LEFT_COHORT_SHARE`) of the people who stayed in 2016 in
        the cohort that accepted in their 2016 state, shared, and left this many days
        later (``is_in_cohort``; everyone else keeps their 2016 choice): their tiers are
        then what Facebook still holds (as received), and suggestions and exposure those of
        the world where they left.

    Returns
    -------
    pandas.DataFrame
        One row per person: situation columns (``country_code``, ``has_facebook_account``,
        ``number_on_facebook``, ``uploads_contacts``, ``choice``, ``friends_default_share``,
        ``is_client``, ``held_book_count``) and every :data:`MEASURES` column.
    """
    from analysis import linking
    from analysis.effects import ads, exposure
    from analysis.policy.consent import field_purposes
    from analysis.policy.scenarios import builtin_scenarios

    mix = builtin_scenarios()["mix_2016"]
    people = world.people
    choice = people["consent_state"].astype(str).to_numpy()
    inferred = linking.infer_numbers(people, world)
    cohort = np.ones(len(people), dtype=bool)
    if left_on_day is None:
        now, scen = people, mix
        links = linking.compute_links(people, mix, world, seed=seed, inferred=inferred)
    else:
        now, cohort = _cohort_left(people, seed)
        scen = mix.replace(consent="population")
        links = linking.held_links(
            now, scen, world, leave_day=int(left_on_day), inferred=inferred, before=people
        )
    table = linking.link_table(now, scen, world, seed=seed, links=links)
    sw = world if now is people else dataclasses.replace(world, people=now)
    _, made = exposure.compare_scenarios(sw, {"mix": scen}, seed=seed)
    per = exposure.person_exposure(sw, made["mix"], scen, seed=seed, inferred=inferred)
    clients = exposure.client_exposure(sw, made["mix"])
    n = len(people)
    fb = people["is_facebook_user"].to_numpy(bool)
    out = pd.DataFrame(
        {
            "person_id": people["person_id"].to_numpy(np.int64),
            "country_code": people["country_code"].astype(str).to_numpy(),
            "has_facebook_account": fb,
            "number_on_facebook": people["is_facebook_phone_on_file"].to_numpy(bool),
            "uploads_contacts": world.person_attrs["uploads_contacts_to_facebook"].to_numpy(bool)
            & fb,
            "choice": choice,
            "is_in_cohort": cohort,
        }
    )
    ties = world.tie_matrix()
    deg = np.diff(ties.indptr)
    sharing = field_purposes(now, scen, "phone_number", seed=seed)["suggestions"].to_numpy(float)
    out["friends_default_share"] = np.divide(
        ties @ sharing, deg, out=np.full(n, np.nan), where=deg > 0
    )
    out["is_client"] = np.isin(out["person_id"], _clients_of(world))
    out["held_book_count"] = _held_book_counts(world, now)
    cols = [c for c in MEASURES if c in table.columns]
    flags = pd.DataFrame(False, index=np.arange(n), columns=cols)
    flags.loc[table["person_id"].to_numpy(), cols] = table[cols].to_numpy(bool)
    out[cols] = flags.to_numpy(bool)
    out["suggested_to_count"] = per["suggested_count"].to_numpy(np.int64)
    out["is_suggested"] = out["suggested_to_count"] > 0
    co = np.zeros(n, dtype=bool)
    co[clients["person_id"].to_numpy(np.int64)] = clients["co_client_suggested_count"] > 0
    out["is_co_client_suggested"] = co
    out["is_tie_known"] = per["tie_known_count"].to_numpy() > 0
    out["is_number_attached"] = per["number_attached_count"].to_numpy() > 0
    keys = ads.facebook_match_keys(people, inferred)
    own = ads.reachable_by_phone(people, keys) & fb
    out["is_ad_reachable_without_whatsapp"] = own
    out["is_ad_reachable"] = own | (out["is_usable_for_ads"].to_numpy(bool) & fb)
    return out


def _clients_of(world: Any) -> np.ndarray:
    """person_ids of everyone tied to a professional as patient, client or source."""
    from analysis.world.params import ROLE_TIE_KIND

    ties = world.ties
    kind = ties["tie_kind"].astype(str).to_numpy()
    role = world.person_attrs["sensitive_role"].astype(str).to_numpy()
    a, b = ties["person_a_id"].to_numpy(np.int64), ties["person_b_id"].to_numpy(np.int64)
    found = []
    for r, k in ROLE_TIE_KIND.items():
        on = kind == k
        found += [b[on & (role[a] == r)], a[on & (role[b] == r)]]
    return np.unique(np.concatenate(found)) if found else np.zeros(0, np.int64)


def _held_book_counts(world: Any, people: pd.DataFrame) -> np.ndarray:
    """Per person: distinct address books Facebook or WhatsApp holds that contain them."""
    book = world.address_book
    person = book["contact_person_id"].notna().to_numpy()
    owner = book["owner_person_id"].to_numpy(np.int64)[person]
    contact = book["contact_person_id"].to_numpy(dtype=np.int64, na_value=-1)[person]
    fb = people["is_facebook_user"].to_numpy(bool)
    uploads = world.person_attrs["uploads_contacts_to_facebook"].to_numpy(bool) & fb
    holds = people["is_whatsapp_user"].to_numpy(bool) & (
        people["consent_state"].astype(str).to_numpy() != "left_whatsapp"
    )
    keep = (uploads | holds)[owner] & (owner != contact)
    n = len(people)
    pairs = np.unique(owner[keep] * n + contact[keep])
    return np.bincount(pairs % n, minlength=n).astype(np.int64)


def persona_facts_over_seeds(
    seeds: Iterable[int],
    world: WorldParams | None = None,
    social: SocialParams | None = None,
    *,
    left_on_days: Sequence[int] = (),
    edges: Any | None = None,
) -> dict[int | None, pd.DataFrame]:
    """:func:`person_facts` of every person in one world per seed, with a ``seed`` column.

    Returns a frame for the 2016 mix (key ``None``) and one per day in ``left_on_days``.
    Worlds are generated (default :data:`PERSONA_WORLD`) or built on ``edges``.
    """
    seeds = [int(s) for s in seeds]
    if not seeds:
        raise ValueError("seeds: give at least one seed")
    world = world or PERSONA_WORLD
    out: dict[int | None, list[pd.DataFrame]] = {d: [] for d in (None, *left_on_days)}
    for s in seeds:
        sw = seeded_world(s, world, social, True, edges)
        for day in out:
            out[day].append(person_facts(sw, s, left_on_day=day).assign(seed=s))
    return {d: pd.concat(frames, ignore_index=True) for d, frames in out.items()}


def _matches(facts: pd.DataFrame, s: Situation) -> np.ndarray:
    keep = facts["is_in_cohort"].to_numpy(bool).copy()
    simple = {
        "country_code": s.country_code,
        "has_facebook_account": s.has_facebook_account,
        "number_on_facebook": s.number_on_facebook,
        "uploads_contacts": s.uploads_contacts,
        "choice": s.choice,
        "is_client": s.is_client,
    }
    for col, want in simple.items():
        if want is not None:
            keep &= facts[col].to_numpy() == want
    if s.left_on_day is not None and s.choice is None:
        keep &= np.isin(facts["choice"].to_numpy(), _STAYED)
    share = facts["friends_default_share"].to_numpy()
    if s.friends_kept_default == "most":
        keep &= share >= 0.5
    elif s.friends_kept_default == "few":
        keep &= share < 0.5
    if s.min_held_books is not None:
        keep &= facts["held_book_count"].to_numpy() >= int(s.min_held_books)
    return keep


def persona_summary(
    personas: Mapping[str, Situation] | None = None,
    facts: Mapping[int | None, pd.DataFrame] | None = None,
    seeds: Iterable[int] = (0, 1, 2),
    **kwargs: Any,
) -> pd.DataFrame:
    """Summarise each situation over the people who match it in every world.

    Parameters
    ----------
    personas : mapping of name to Situation, optional
        Default :data:`PERSONAS`.
    facts : mapping, optional
        :func:`persona_facts_over_seeds` output (computed from ``seeds`` and ``kwargs``,
        with the leaving days the personas need, if omitted).
    seeds : iterable of int
    **kwargs
        Passed to :func:`persona_facts_over_seeds` (``world``, ``social``, ``edges``).

    Returns
    -------
    pandas.DataFrame
        :data:`PERSONA_SUMMARY` columns, one row per persona and measure (no row for a
        measure whose denominator is empty).
    """
    personas = dict(PERSONAS if personas is None else personas)
    if facts is None:
        days = sorted({s.left_on_day for s in personas.values() if s.left_on_day is not None})
        facts = persona_facts_over_seeds(seeds, left_on_days=days, **kwargs)
    rows = []
    for name, s in personas.items():
        if s.left_on_day not in facts:
            raise ValueError(f"persona {name!r}: no facts for left_on_day = {s.left_on_day}")
        f = facts[s.left_on_day]
        hit = f[_matches(f, s)]
        for m in MEASURES:
            pool = hit[hit["has_facebook_account"]] if m in _MEMBERS_ONLY else hit
            if m == "is_co_client_suggested":
                pool = pool[pool["is_client"]]
            if pool.empty:
                continue
            values = pool[m].astype(float)
            per_world = values.groupby(pool["seed"]).mean()
            rows.append(
                {
                    "persona": name,
                    "measure": m,
                    "value": float(values.mean()),
                    "range_low": float(per_world.min()),
                    "range_high": float(per_world.max()),
                    "people_count": len(pool),
                    "world_count": int(per_world.size),
                }
            )
    return pd.DataFrame(rows, columns=PERSONA_SUMMARY.columns)


def share_over_worlds(value: float, low: float, high: float) -> str:
    """Write a persona's share with its range over worlds: ``74% (60-90%)``.

    A share that is zero in every world is a true zero, ``0``; one that is the same in
    every world says so rather than repeat itself.

    >>> share_over_worlds(0.74, 0.6, 0.9), share_over_worlds(0.0, 0.0, 0.0)
    ('74% (60-90%)', '0')
    >>> share_over_worlds(1.0, 1.0, 1.0)
    '100% (in every world)'
    """
    from analysis.core.formatting import fmt_range, fmt_share

    if value == low == high == 0:
        return "0"
    if low == high:
        return f"{fmt_share(value)} (in every world)"
    return f"{fmt_share(value)} ({fmt_range(low, high)})"


def persona_table(summary: pd.DataFrame, measures: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per persona, one column per measure, each cell ``74% (60-90%)``.

    ``measures`` defaults to the tiers, the suggestions, the number attached and the ad
    reach; the first column gives how many matching people (over all worlds) the shares
    are of.
    """
    measures = list(
        measures
        or (
            "is_joined_for_own_use",
            "is_usable_for_ads",
            "is_suggested",
            "is_number_attached",
            "is_ad_reachable_without_whatsapp",
            "is_ad_reachable",
        )
    )
    out = []
    for name, g in summary.groupby("persona", sort=False):
        g = g.set_index("measure")
        row = {"persona": name, "people matched (all worlds)": int(g["people_count"].max())}
        for m in measures:
            if m not in g.index:
                row[MEASURES[m][0]] = "no one to count"
                continue
            r = g.loc[m]
            row[MEASURES[m][0]] = share_over_worlds(r["value"], r["range_low"], r["range_high"])
        out.append(row)
    return pd.DataFrame(out)


def persona_detail(summary: pd.DataFrame, persona: str) -> pd.DataFrame:
    """Every measure of one persona in words: share (range over worlds) and denominator.

    Returns
    -------
    pandas.DataFrame
        ``what the model finds``, ``share (range over worlds)``, ``of whom``, ``people``.
    """
    g = summary[summary["persona"] == persona]
    if g.empty:
        raise ValueError(f"persona {persona!r} is not in the summary (or nobody matched it)")
    rows = []
    for r in g.itertuples(index=False):
        words, whom = MEASURES[r.measure]
        if r.measure.endswith("_count"):
            value = f"{r.value:.1f} ({r.range_low:.1f}-{r.range_high:.1f})"
        else:
            value = share_over_worlds(r.value, r.range_low, r.range_high)
        rows.append(
            {
                "what the model finds": words,
                "share (range over worlds)": value,
                "of whom": whom,
                "people": int(r.people_count),
            }
        )
    return pd.DataFrame(rows)
