"""Knobs of the synthetic world: the population and the social world.

:class:`WorldParams` describes who lives in the world (countries, accounts, consent
state, devices); :class:`SocialParams` who knows whom (ties, sensitive roles, Facebook
friendships, address books). Country-level figures live in ``data/reference/*.csv``;
the scalar unknowns carry a plausible range.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from analysis.core.params import ParameterError, Params, param
from analysis.core.reference import known_country_codes

if TYPE_CHECKING:
    pass

if TYPE_CHECKING:  # pragma: no cover
    pass

__all__ = [
    "ATTACH_MODES",
    "COUNTRIES",
    "FB_PHONE_SOURCES",
    "ROLES",
    "ROLE_TIE_KIND",
    "SENSITIVE_KINDS",
    "TIE_KINDS",
    "SocialParams",
    "WorldParams",
]


COUNTRIES: tuple[str, ...] = known_country_codes()


FB_PHONE_SOURCES = ("profile", "messenger", "two_factor")


@dataclass(frozen=True)
class WorldParams(Params):
    """Knobs of the synthetic population.

    Country-level figures live in ``data/reference/*.csv``; the scalar unknowns below
    carry a plausible range.
    """

    section: ClassVar[str] = "population"

    seed: int = param(
        2016,
        kind="int",
        low=0,
        high=2**32 - 1,
        description="Seed from which every random choice is drawn; same seed, same bytes.",
        source="convention",
        confidence="n/a",
    )
    n_people: int = param(
        10_000,
        kind="int",
        low=1,
        high=5_000_000,
        unit="people",
        plausible=(2_000, 200_000),
        description="Number of synthetic adults (smartphone owners) in the world.",
        source="convention: large enough for stable shares (see the convergence check)",
        confidence="n/a",
    )
    country_weights: dict = param(
        {c: 1.0 for c in COUNTRIES},
        kind="weights",
        choices=COUNTRIES,
        description="Relative share of people per country (normalised to sum to 1). "
        "Equal by default so that every country gets the same sample size.",
        source="assumption",
        confidence="n/a",
    )
    facebook_whatsapp_overlap: float = param(
        0.5,
        kind="share",
        plausible=(0.0, 1.0),
        description="Where P(Facebook | WhatsApp) sits between independence (0) and the "
        "largest overlap the country's two adoption shares allow (1). Country adoption "
        "shares are kept either way.",
        source="unknown (parameters.md: lower bound WA% + FB% - 100)",
    )
    instagram_given_facebook_share: float = param(
        0.4,
        kind="share",
        plausible=(0.1, 0.8),
        description="P(Instagram account | Facebook account).",
    )
    facebook_phone_on_file_share: float = param(
        0.4,
        kind="share",
        plausible=(0.2, 0.8),
        description="Share of Facebook accounts with a phone number on file (profile, "
        "two-factor or Messenger).",
        source="2019 scrape: 533M numbered accounts of ~2.4B (lower bound ~0.22)",
        confidence="low",
    )
    facebook_phone_source_weights: dict = param(
        {"profile": 0.6, "messenger": 0.3, "two_factor": 0.1},
        kind="weights",
        choices=FB_PHONE_SOURCES,
        description="How Facebook got the number, among accounts with one on file.",
    )
    facebook_phone_stale_share: float = param(
        0.03,
        kind="share",
        plausible=(0.0, 0.1),
        description="Share of Facebook numbers on file that are out of date and now belong "
        "to someone else in the same country (recycled numbers): the source of false links.",
    )
    facebook_app_same_phone_share: float = param(
        0.7,
        kind="share",
        plausible=(0.3, 0.95),
        description="P(the Facebook app is installed on the person's phone | Facebook account).",
    )
    whatsapp_new_user_share: float = param(
        0.06,
        kind="share",
        plausible=(0.02, 0.15),
        description="Share of 2016 WhatsApp accounts created after 2016-08-25 (no choice offered).",
        source="WhatsApp user milestones: 1.0B (2016-02) and 1.2B (2017-01), via press",
        confidence="med",
    )
    whatsapp_left_share: float = param(
        0.01,
        kind="share",
        plausible=(0.0, 0.1),
        description="Share of existing WhatsApp users who left (deleted the account) "
        "rather than accept.",
    )
    opt_out_uptake_share: float = param(
        0.05,
        kind="share",
        plausible=(0.01, 0.25),
        description="Share of existing WhatsApp users who took the partial opt-out.",
        source="nothing published (parameters.md: default 5%, range 1-25%)",
    )
    opt_out_before_agreeing_share: float = param(
        0.5,
        kind="share",
        plausible=(0.2, 0.8),
        description="Among opt-outs, the share who unticked the box before agreeing "
        "(the rest opted out later in Settings within the 30-day window).",
    )
    opt_out_day_half_life_days: float = param(
        5.0,
        kind="float",
        low=0.5,
        high=30.0,
        unit="days",
        plausible=(2.0, 15.0),
        description="Half-life of the day on which in-window opt-outs happen "
        "(day 1 to 30 after accepting; earlier days are likelier).",
    )
    acceptance_delay_mean_days: float = param(
        7.0,
        kind="float",
        low=0.0,
        high=120.0,
        unit="days",
        plausible=(2.0, 30.0),
        description="Mean delay between 2016-08-25 and an existing user accepting the new terms.",
    )
    cities_per_country: int = param(
        40,
        kind="int",
        low=1,
        high=300,
        unit="cities",
        description="Distinct cities per country (sizes follow a Zipf law).",
        source="convention",
        confidence="n/a",
    )
    city_zipf_exponent: float = param(
        1.0,
        kind="float",
        low=0.0,
        high=3.0,
        plausible=(0.8, 1.2),
        description="Zipf exponent of city sizes within a country.",
        source="Zipf's law for cities (typical exponent ~1)",
        confidence="med",
    )
    last_seen_mean_hours: float = param(
        18.0,
        kind="float",
        low=0.01,
        high=2000.0,
        unit="hours",
        plausible=(2.0, 72.0),
        description="Mean time since a WhatsApp user was last seen, at the snapshot.",
    )
    snapshot_date: str = param(
        "2016-10-01",
        kind="date",
        low="2016-08-25",
        high="2017-12-31",
        description="Date at which account state (last seen, consent) is read.",
        source="convention: after the 30-day windows of early accepters, before the EU pause",
        confidence="n/a",
    )

    def _check_consistency(self) -> None:
        if not any(self.country_weights.get(c, 0) > 0 for c in COUNTRIES):
            raise ParameterError("country_weights: at least one country needs a positive weight")
        from analysis.world.phones import max_people

        for code, share in self.country_shares().items():
            # the country's head count is binomial: allow six standard deviations above
            expected = self.n_people * share
            worst = expected + 6 * (expected * (1 - share)) ** 0.5
            if worst > max_people(code):
                raise ParameterError(
                    f"n_people = {self.n_people} with country_weights[{code!r}] = "
                    f"{self.country_weights[code]} puts about {round(expected):,} people in "
                    f"{code}, but {code}'s synthetic phone block numbers at most "
                    f"{max_people(code):,} people (data/reference/phone_blocks.csv); "
                    f"lower n_people or {code}'s country weight"
                )

    @property
    def countries(self) -> tuple[str, ...]:
        """Countries with a positive weight, in reference order."""
        return tuple(c for c in COUNTRIES if self.country_weights.get(c, 0.0) > 0)

    def country_shares(self) -> dict[str, float]:
        """Normalised country weights (sum to 1) over :attr:`countries`."""
        total = sum(self.country_weights.get(c, 0.0) for c in self.countries)
        return {c: self.country_weights[c] / total for c in self.countries}


#: Tie kinds; the order is the priority when one pair is drawn twice (first wins).
TIE_KINDS = (
    "patient_clinician",
    "client_lawyer",
    "source_journalist",
    "client_sex_worker",
    "ex_partner",
    "family",
    "work",
    "friend",
)


#: The kinds that live in phones but rarely become Facebook friendships.
SENSITIVE_KINDS = TIE_KINDS[:5]


#: Professional roles and the tie kind linking them to their patients/clients/sources.
ROLES = ("none", "clinician", "lawyer", "journalist", "sex_worker")


#: Ways of attaching synthetic people to the nodes of a loaded network
#: (:attr:`SocialParams.attach_people`).
ATTACH_MODES = ("by_community", "at_random")


ROLE_TIE_KIND = {
    "clinician": "patient_clinician",
    "lawyer": "client_lawyer",
    "journalist": "source_journalist",
    "sex_worker": "client_sex_worker",
}


_SOCIAL_KINDS = ("family", "work", "friend")


_UGANDER = "Ugander, Karrer, Backstrom & Marlow 2011, 'The anatomy of the Facebook social graph'"


def _kind_weights(**values: float) -> dict:
    return {k: float(values[k]) for k in TIE_KINDS}


@dataclass(frozen=True)
class SocialParams(Params):
    """Knobs of the social world (issue 3): ties, roles, Facebook friendships, address books."""

    section: ClassVar[str] = "social"

    seed: int = param(
        2016,
        kind="int",
        low=0,
        high=2**32 - 1,
        description="Seed of every random choice in the social world; same seed, same ties.",
        source="convention",
        confidence="n/a",
    )
    median_ties: float = param(
        99.0,
        kind="float",
        low=2.0,
        high=2000.0,
        unit="ties",
        plausible=(50.0, 200.0),
        description="Target median number of real-world ties per person: all ties (family, "
        "work, friends and the private ties of patients, clients and sources), of which only "
        "some become Facebook friendships (facebook_friend_probability). The source's 99 is "
        "the median number of Facebook friends of active Facebook users, not of all ties, so "
        "the model's median Facebook-friend count is well below 99 (notebook 08 measures it "
        "by world size); about three times more ties would match the source on Facebook "
        "friends instead.",
        source=_UGANDER + ": 99 = median Facebook friends of active users, taken here as the "
        "median of all ties",
        confidence="high",
    )
    degree_sigma: float = param(
        0.85,
        kind="float",
        low=0.0,
        high=2.5,
        plausible=(0.5, 1.2),
        description="Spread (log-normal sigma) of the number of friend groups per person: "
        "larger values give a heavier tail of very connected people.",
        source="assumption tuned to the heavy tail in " + _UGANDER,
    )
    max_ties: int = param(
        5000,
        kind="int",
        low=10,
        high=100_000,
        unit="ties",
        description="Cap on a person's target number of ties (Facebook's friend cap).",
        source=_UGANDER,
        confidence="high",
    )
    family_size: int = param(
        8,
        kind="int",
        low=2,
        high=60,
        unit="people",
        plausible=(4, 15),
        description="Mean size of a family circle (relatives who keep each other's numbers).",
    )
    family_density: float = param(
        0.9,
        kind="share",
        plausible=(0.6, 1.0),
        description="Probability that two members of the same family circle are tied.",
    )
    work_size: int = param(
        30,
        kind="int",
        low=2,
        high=500,
        unit="people",
        plausible=(10, 80),
        description="Mean size of a workplace circle.",
    )
    work_density: float = param(
        0.35,
        kind="share",
        plausible=(0.1, 0.6),
        description="Probability that two members of the same workplace circle are tied.",
    )
    work_share: float = param(
        0.8,
        kind="share",
        plausible=(0.5, 0.95),
        description="Share of people who belong to a workplace circle.",
    )
    friend_group_size: int = param(
        60,
        kind="int",
        low=3,
        high=1000,
        unit="people",
        plausible=(15, 80),
        description="Mean size of a friend group (school class, club, neighbourhood).",
    )
    friend_group_density: float = param(
        0.3,
        kind="share",
        plausible=(0.15, 0.6),
        description="Probability that two members of the same friend group are tied; "
        "sets local clustering (about density / number of groups).",
        source="tuned so that clustering at degree ~100 is near 0.14 at 100,000 people "
        "(use ~0.5 at 1,000,000) ("
        + _UGANDER
        + "); smaller worlds are denser villages and cluster more",
    )
    country_wide_group_share: float = param(
        0.4,
        kind="share",
        plausible=(0.0, 0.5),
        description="Share of friend groups drawn country-wide rather than city by city "
        "(school and university friends who moved).",
    )
    cross_country_share: float = param(
        0.12,
        kind="share",
        plausible=(0.03, 0.25),
        description="Target share of ties that join people of two different countries.",
        source=_UGANDER + " report that about 84% of friendships are within one country; "
        "our 8 countries are a subset of the world, so fewer cross-border ties fall inside it",
        confidence="med",
    )
    role_shares: dict = param(
        {"clinician": 0.004, "lawyer": 0.003, "journalist": 0.002, "sex_worker": 0.002},
        kind="weights",
        choices=ROLES[1:],
        description="Share of people in each sensitive professional role (roles are exclusive).",
        source="assumption: order of magnitude of occupational shares of adults",
        confidence="low",
    )
    clients_per_professional: dict = param(
        {"clinician": 15.0, "lawyer": 10.0, "journalist": 8.0, "sex_worker": 20.0},
        kind="weights",
        choices=ROLES[1:],
        description="Mean number of patients/clients/sources whose number a professional keeps "
        "(Poisson, at least 1). A psychiatrist's patients share one number: the 2016 People "
        "You May Know case.",
    )
    professional_same_city_share: float = param(
        0.8,
        kind="share",
        plausible=(0.5, 1.0),
        description="Share of patients/clients/sources living in the professional's city "
        "(the rest: anywhere in the same country).",
    )
    ex_partner_share: float = param(
        0.25,
        kind="share",
        plausible=(0.05, 0.5),
        description="Share of people who keep one ex-partner in their phone.",
    )
    facebook_friend_probability: dict = param(
        _kind_weights(
            patient_clinician=0.02,
            client_lawyer=0.05,
            source_journalist=0.05,
            client_sex_worker=0.01,
            ex_partner=0.2,
            family=0.75,
            work=0.45,
            friend=0.65,
        ),
        kind="weights",
        choices=TIE_KINDS,
        description="P(a tie between two Facebook users is a Facebook friendship), by tie kind. "
        "Sensitive ties rarely are.",
    )
    address_book_inclusion: dict = param(
        _kind_weights(
            patient_clinician=0.95,
            client_lawyer=0.9,
            source_journalist=0.9,
            client_sex_worker=0.95,
            ex_partner=0.8,
            family=0.9,
            work=0.5,
            friend=0.55,
        ),
        kind="weights",
        choices=TIE_KINDS,
        description="P(a person's phone holds the number of a tie), by tie kind, each side "
        "independently. Values above 1 are not allowed.",
    )
    businesses_per_book: float = param(
        8.0,
        kind="float",
        low=0.0,
        high=200.0,
        unit="entries",
        plausible=(2.0, 25.0),
        description="Mean number of business numbers in an address book (Poisson).",
    )
    outside_per_book: float = param(
        6.0,
        kind="float",
        low=0.0,
        high=200.0,
        unit="entries",
        plausible=(1.0, 30.0),
        description="Mean number of numbers of people outside the population (non-users, "
        "people without a smartphone, abroad) in an address book (Poisson).",
    )
    service_codes_per_book: float = param(
        0.7,
        kind="float",
        low=0.0,
        high=20.0,
        unit="entries",
        plausible=(0.0, 3.0),
        description="Mean number of carrier and emergency short codes saved in a book "
        "(voicemail, balance check, customer care; Poisson). They are not phone numbers.",
    )
    duplicate_entry_share: float = param(
        0.04,
        kind="share",
        plausible=(0.0, 0.15),
        description="Share of address-book entries saved twice (another label and writing).",
    )
    typo_share: float = param(
        0.02,
        kind="share",
        plausible=(0.0, 0.08),
        description="Share of typed numbers with a digit dropped or doubled.",
    )
    uploads_contacts_to_facebook: float = param(
        0.35,
        kind="share",
        plausible=(0.1, 0.7),
        description="Share of Facebook users who upload their phone contacts to Facebook "
        "(Facebook app or Messenger 'continuous contact upload').",
        source="unknown (parameters.md: no published figure); Messenger asked every user",
    )
    attach_people: str = param(
        "by_community",
        kind="str",
        choices=ATTACH_MODES,
        description="How synthetic people are attached to the nodes of a loaded network "
        "(analysis.world.build_social_world_from_edges; unused in a generated world): "
        "'by_community' orders nodes so that graph neighbours sit together (reverse "
        "Cuthill-McKee) and gives them people of one country and city, so whole "
        "communities share a country (most ties then join two people of one country, far "
        "more than the synthetic target); 'at_random' attaches people in a seeded random "
        "order (countries mix as in random pairs).",
        source="convention: a real network carries no countries; both ends are modelled "
        "and structure_report gives the share of same-country ties each one makes",
        confidence="n/a",
    )

    def _check_consistency(self) -> None:
        if sum(self.role_shares.values()) > 0.5:
            raise ParameterError(
                f"role_shares = {self.role_shares!r} is not allowed: "
                "the shares must sum to at most 0.5"
            )
        for name in ("facebook_friend_probability", "address_book_inclusion"):
            for kind, value in getattr(self, name).items():
                if value > 1:
                    raise ParameterError(
                        f"{name}[{kind!r}] = {value!r} is not allowed: "
                        "must be a probability in [0, 1]"
                    )
            missing = [k for k in TIE_KINDS if k not in getattr(self, name)]
            if missing:
                raise ParameterError(
                    f"{name}: missing tie kinds {missing}; "
                    f"give a value for each of {list(TIE_KINDS)}"
                )
