"""The social world: who knows whom, which ties Facebook sees, and what phones hold.

The tie model
-------------
People meet in *foci* (Feld 1981): a family, a workplace, a friend group. Every
focus is a run of consecutive people after sorting the population by country,
city and a random key, so a focus sits inside one country and mostly inside one
city (small towns merge with their neighbours in the sort order). Inside a focus
each pair is tied with the focus type's density. How many friend groups a person
belongs to is heavy-tailed (log-normal around the median degree target), which
gives heavy-tailed degrees and, as in real networks, local clustering that falls
as degree grows: a person with three friend groups of density ``d`` has clustering
near ``d / 3``. Some friend groups are drawn country-wide (school, university),
and a share of ties crosses borders (diaspora, travel).

Sensitive roles are then given to a few people: clinicians with patients,
lawyers with clients, journalists with sources, sex workers with clients; some
people keep an ex-partner in their phone. A Facebook friendship needs two
Facebook users and is friended with a probability by tie kind; sensitive ties
rarely are.

Everything is vectorised (numpy sorting, repeats and ``np.unique``); NetworkX is
only the reading API (:meth:`SocialWorld.tie_graph`), and structure measures use
``scipy.sparse`` (:func:`structure_report`). While ties are drawn, each is one
int64 key (pair and kind packed together), so duplicates are removed by one sort.
The median number of ties is calibrated (up to two extra builds of the friend
layer) because pairs drawn twice are lost.

Scale and its effect on clustering
----------------------------------
Measured on a shared 2-core machine (``benchmarks/bench_social.py``): ties,
roles and Facebook friendships for 100,000 people in about 4-7 s (6.7M ties, peak
RSS 0.6 GB); for 1,000,000 people in about 1.5 min (71M ties, peak RSS about
4.4 GB). Address books for 100,000 people (9.4M entries) take about 1 min and
2.6 GB, most of it ``phonenumbers`` on 1.1M distinct writings.

Clustering depends on the size of the world as well as on the parameters. With
the defaults, clustering near the median degree is about 0.27 at 10,000 people
(eight countries of 1,250 people: someone with 100 ties knows 8% of their
compatriots, so contacts overlap by chance), 0.15 at 100,000 and 0.08 at
1,000,000 (only the friend groups make triangles). The default
``friend_group_density`` (0.3) is tuned at 100,000 people; at 1,000,000 people
0.5 gives 0.15 (measured). Below about 50,000 people the target cannot be met
with a median of 99 ties.

>>> from analysis.params import WorldParams
>>> from analysis.population import generate_population
>>> people = generate_population(WorldParams(n_people=600, seed=3))
>>> world = build_social_world(people, SocialParams(seed=3, median_ties=20))
>>> bool((world.ties.person_a_id != world.ties.person_b_id).all())
True
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis.params import ParameterError, Params, param
from analysis.population import stream
from analysis.schema import Field, Table, register

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

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
        description="Target median number of real-world ties per person. Facebook's median "
        "friend count among active users was 99; ties in phones are of the same order.",
        source=_UGANDER,
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


_SOCIAL = "SocialParams (analysis/social.py)"

TIES = register(
    Table(
        "ties",
        "One row per real-world tie between two synthetic people (undirected; no duplicate "
        "pairs, no self-loops). SocialWorld.ties.",
        (
            Field(
                "person_a_id",
                "One end: the professional for the asymmetric sensitive kinds, "
                "otherwise the smaller person_id.",
                "int64",
                "",
                "analysis.social",
            ),
            Field(
                "person_b_id",
                "Other end: the patient/client/source for asymmetric kinds, "
                "otherwise the larger person_id.",
                "int64",
                "",
                "analysis.social",
            ),
            Field(
                "tie_kind",
                "family, friend, work, patient_clinician, client_lawyer, "
                "source_journalist, client_sex_worker or ex_partner.",
                "category",
                "",
                _SOCIAL,
            ),
            Field(
                "is_sensitive",
                "The tie is a sensitive kind (patient, client, source, ex-partner).",
                "bool",
                "",
                _SOCIAL,
            ),
            Field(
                "is_facebook_friend",
                "Both are Facebook users and friends there.",
                "bool",
                "",
                _SOCIAL,
            ),
        ),
    )
)

PERSON_ATTRS = register(
    Table(
        "person_attrs",
        "Social attributes of each person, one row per person_id. SocialWorld.person_attrs.",
        (
            Field("person_id", "Person (row of people).", "int64", "", "analysis.population"),
            Field(
                "sensitive_role",
                "none, clinician, lawyer, journalist or sex_worker.",
                "category",
                "",
                _SOCIAL,
            ),
            Field(
                "uploads_contacts_to_facebook",
                "A Facebook user who uploads the phone's contacts to Facebook (app or Messenger).",
                "bool",
                "",
                _SOCIAL,
            ),
            Field("tie_count", "Number of real-world ties.", "int64", "ties", "derived"),
            Field(
                "facebook_friend_count",
                "Number of Facebook friendships inside the population.",
                "int64",
                "friends",
                "derived",
            ),
        ),
    )
)


@dataclass
class SocialWorld:
    """Ground truth of who knows whom, what Facebook sees and what phones hold.

    Attributes
    ----------
    people : pandas.DataFrame
        The population, unchanged (:data:`analysis.schema.PEOPLE`).
    person_attrs : pandas.DataFrame
        :data:`PERSON_ATTRS`, one row per person in ``people`` order.
    ties : pandas.DataFrame
        :data:`TIES`.
    address_book : pandas.DataFrame
        :data:`analysis.addressbook.ADDRESS_BOOK`, one row per entry.
    params : SocialParams
        The parameters the world was built with.
    node_labels : pandas.Series or None
        For a world built on a real edge list: the node label of each person_id.
    """

    people: pd.DataFrame
    person_attrs: pd.DataFrame
    ties: pd.DataFrame
    address_book: pd.DataFrame
    params: SocialParams = dataclasses.field(default_factory=lambda: SocialParams())
    node_labels: pd.Series | None = None

    @property
    def n_people(self) -> int:
        """Number of people (nodes)."""
        return len(self.people)

    def _graph(self, ties: pd.DataFrame) -> nx.Graph:
        import networkx as nx

        graph = nx.Graph()
        graph.add_nodes_from(range(self.n_people))
        kinds = ties["tie_kind"].astype(str).to_numpy()
        graph.add_edges_from(
            zip(
                ties["person_a_id"].tolist(),
                ties["person_b_id"].tolist(),
                ({"tie_kind": k} for k in kinds.tolist()),
                strict=True,
            )
        )
        return graph

    def tie_graph(self) -> nx.Graph:
        """All ties as a NetworkX graph: nodes are person_ids, edge attribute ``tie_kind``."""
        return self._graph(self.ties)

    def facebook_graph(self) -> nx.Graph:
        """Facebook friendships only, as a NetworkX graph over all person_ids."""
        return self._graph(self.ties[self.ties["is_facebook_friend"]])

    def tie_matrix(self) -> sp.csr_matrix:
        """All ties as a symmetric 0/1 ``n_people x n_people`` CSR matrix (int32 values)."""
        return symmetric_matrix(
            self.ties["person_a_id"].to_numpy(), self.ties["person_b_id"].to_numpy(), self.n_people
        )

    def facebook_matrix(self) -> sp.csr_matrix:
        """Facebook friendships as a symmetric 0/1 CSR matrix."""
        fb = self.ties[self.ties["is_facebook_friend"]]
        return symmetric_matrix(
            fb["person_a_id"].to_numpy(), fb["person_b_id"].to_numpy(), self.n_people
        )

    def whatsapp_address_books(self) -> pd.DataFrame:
        """Entries WhatsApp holds: books of every WhatsApp user who did not leave."""
        holders = self.people["is_whatsapp_user"].to_numpy() & (
            self.people["consent_state"].astype(str).to_numpy() != "left_whatsapp"
        )
        book = self.address_book
        return book[holders[book["owner_person_id"].to_numpy()]]

    def facebook_uploaded_books(self) -> pd.DataFrame:
        """Entries Facebook holds: books of owners who upload their contacts."""
        uploads = self.person_attrs["uploads_contacts_to_facebook"].to_numpy()
        book = self.address_book
        return book[uploads[book["owner_person_id"].to_numpy()]]


def symmetric_matrix(a: np.ndarray, b: np.ndarray, n: int, dtype=np.int32) -> sp.csr_matrix:
    """Symmetric 0/1 CSR adjacency of the undirected pairs ``(a, b)``.

    Values are ``dtype`` (int32 by default, so that products such as ``A @ A``,
    which count common neighbours, cannot overflow; pass ``np.int8`` to save
    memory when only the pattern is needed).

    >>> symmetric_matrix(np.array([0, 1]), np.array([1, 2]), 3).toarray().tolist()
    [[0, 1, 0], [1, 0, 1], [0, 1, 0]]
    """
    index = np.int32 if n < 2**31 - 1 else np.int64  # halves memory at a million people
    rows = np.concatenate([np.asarray(a, dtype=index), np.asarray(b, dtype=index)])
    cols = np.concatenate([np.asarray(b, dtype=index), np.asarray(a, dtype=index)])
    data = np.ones(rows.size, dtype=dtype)
    matrix = sp.csr_matrix((data, (rows, cols)), shape=(n, n))
    del rows, cols, data
    matrix.sum_duplicates()
    matrix.data[:] = 1
    return matrix


# --------------------------------------------------------------------------------------
# tie generation
# --------------------------------------------------------------------------------------
def _codes(values) -> np.ndarray:
    """Integer codes of a column (categories sorted), int64."""
    return pd.Categorical(np.asarray(values, dtype=object)).codes.astype(np.int64)


def _segment_starts(sorted_keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For sorted keys: start index of each row's run and the rank inside the run."""
    n = sorted_keys.size
    new = np.ones(n, dtype=bool)
    new[1:] = sorted_keys[1:] != sorted_keys[:-1]
    starts = np.flatnonzero(new)
    run = np.cumsum(new) - 1
    rank = np.arange(n) - starts[run]
    return starts[run], rank


def _focus_ids(
    country: np.ndarray, order_key: np.ndarray, mean_size: int, rng: np.random.Generator
) -> np.ndarray:
    """Cut each country's rows (sorted by ``order_key``) into foci of random sizes.

    Returns the focus id of every row (input order). Sizes are uniform on
    ``[ceil(mean/2), floor(3 mean/2)]``; a focus never crosses a country border.
    """
    n = country.size
    order = np.lexsort((order_key, country))
    _, rank = _segment_starts(country[order])
    lo, hi = max(1, (mean_size + 1) // 2), max(1, (3 * mean_size) // 2)
    n_sizes = n // max(lo, 1) + 2
    bounds = np.cumsum(rng.integers(lo, hi + 1, n_sizes))
    within = np.searchsorted(bounds, rank, side="right")
    focus_sorted = country[order] * (n_sizes + 1) + within
    focus = np.empty(n, dtype=np.int64)
    focus[order] = focus_sorted
    return focus


def _encode(
    a: np.ndarray, b: np.ndarray, kind: int | np.ndarray, n: int, oriented: bool = False
) -> np.ndarray:
    """Pack ties into one sortable int64 key each: ``pair * 16 + kind * 2 + swapped``.

    ``pair = lo * n + hi``; ``swapped`` records that ``a`` was the larger id (only
    kept for ``oriented`` kinds, where ``a`` is the professional). Self-pairs are
    dropped. One int64 per tie keeps memory at a few bytes per tie during building.
    """
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    keep = a != b
    if not keep.all():
        a, b = a[keep], b[keep]
        if isinstance(kind, np.ndarray):
            kind = kind[keep]
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    key = lo * n
    key += hi
    key *= 16
    key += np.asarray(kind, dtype=np.int64) * 2
    if oriented:
        key += a > b
    return key


def _decode(key: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inverse of :func:`_encode`: ``(a, b, kind)`` with the orientation restored."""
    pair = key >> 4
    kind = ((key >> 1) & 7).astype(np.int8)
    swapped = (key & 1).astype(bool)
    lo, hi = np.divmod(pair, n)
    del pair
    a = np.where(swapped, hi, lo)
    b = np.where(swapped, lo, hi)
    return a, b, kind


def _unique_ties(keys: list[np.ndarray]) -> np.ndarray:
    """Concatenate encoded ties, sort, and keep one per pair (the highest-priority kind)."""
    key = np.concatenate(keys) if keys else np.empty(0, np.int64)
    key.sort()
    if key.size:
        pair = key >> 4
        first = np.empty(key.size, dtype=bool)
        first[0] = True
        np.not_equal(pair[1:], pair[:-1], out=first[1:])
        del pair
        key = key[first]
    return key


def _degrees(key: np.ndarray, n: int) -> np.ndarray:
    """Tie count per person from encoded unique ties."""
    lo, hi = np.divmod(key >> 4, n)
    return np.bincount(lo, minlength=n) + np.bincount(hi, minlength=n)


def _pairs_within(
    focus: np.ndarray,
    members: np.ndarray,
    density: float,
    kind: int,
    n: int,
    rng: np.random.Generator,
    chunk_pairs: int = 4_000_000,
) -> np.ndarray:
    """All pairs inside each focus, each kept with probability ``density``, encoded.

    Memory is bounded by processing about ``chunk_pairs`` candidate pairs at a time.
    """
    order = np.argsort(focus, kind="stable")
    f_sorted = focus[order]
    m_sorted = members[order]
    del order
    _, rank = _segment_starts(f_sorted)
    is_last = np.ones(f_sorted.size, dtype=bool)
    is_last[:-1] = f_sorted[1:] != f_sorted[:-1]
    end = np.flatnonzero(is_last)  # last row of each focus
    count = end[np.cumsum(rank == 0) - 1] - np.arange(f_sorted.size)  # partners after this row
    del f_sorted, rank, is_last, end
    cum = np.cumsum(count)
    out = []
    first = 0
    rows = count.size
    while first < rows:  # a loop over chunks of a few million candidate pairs
        base = cum[first - 1] if first else 0
        last = int(np.searchsorted(cum, base + chunk_pairs, side="right"))
        last = min(max(last, first + 1), rows)
        c = count[first:last]
        total = int(c.sum())
        if total:
            src = np.repeat(np.arange(first, last), c)
            offsets = np.arange(total) - np.repeat(np.cumsum(c) - c, c)
            keep = rng.random(total) < density
            src = src[keep]
            dst = src + 1 + offsets[keep]
            out.append(_encode(m_sorted[src], m_sorted[dst], kind, n))
        first = last
    return np.concatenate(out) if out else np.empty(0, np.int64)


def _stochastic_round(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    base = np.floor(x)
    return (base + (rng.random(x.size) < (x - base))).astype(np.int64)


def _random_member(
    pool_order: np.ndarray, pool_start: np.ndarray, pool_size: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """One uniformly random member of each requested pool (pools are runs of ``pool_order``)."""
    return pool_order[
        pool_start + np.floor(rng.random(pool_start.size) * pool_size).astype(np.int64)
    ]


def _pool_index(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """People sorted by ``keys`` and, per person, the start and size of their key's run."""
    order = np.argsort(keys, kind="stable")
    _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    return order, starts[inverse], counts[inverse]


_KIND = {k: i for i, k in enumerate(TIE_KINDS)}


def social_ties(people: pd.DataFrame, params: SocialParams) -> list[np.ndarray]:
    """Draw the family, work and friend ties (no sensitive kinds yet), encoded.

    Returns a list of int64 key arrays (see :func:`_encode`), possibly with
    duplicate pairs, which :func:`_unique_ties` removes.
    """
    n = len(people)
    seed = params.seed
    country = _codes(people["country_code"])
    city = _codes(people["city"].astype(str))
    ids = np.arange(n, dtype=np.int64)
    parts: list[np.ndarray] = []

    # family and work: one circle each (work only for some), city-ordered
    rng = stream(seed, "social:family")
    key = city * 2.0 + rng.random(n)  # sort by city, then randomly
    fam = _focus_ids(country, key, params.family_size, rng)
    parts.append(_pairs_within(fam, ids, params.family_density, _KIND["family"], n, rng))
    del fam, key

    rng = stream(seed, "social:work")
    workers = ids[rng.random(n) < params.work_share]
    key = city[workers] * 2.0 + rng.random(workers.size)
    work = _focus_ids(country[workers], key, params.work_size, rng)
    parts.append(_pairs_within(work, workers, params.work_density, _KIND["work"], n, rng))
    del work, key, workers

    # friend groups: heavy-tailed number of memberships per person
    rng = stream(seed, "social:friends")
    per_group = params.friend_group_density * (params.friend_group_size - 1)
    within_target = params.median_ties * (1 - params.cross_country_share)
    target = within_target * np.exp(params.degree_sigma * rng.standard_normal(n))
    target = np.minimum(target, params.max_ties)
    parts = [_unique_ties(parts)]
    fixed = _degrees(parts[0], n)  # family + work degree
    wanted = np.maximum(target - fixed, 0.0) / max(per_group, 1e-9)
    u_round = rng.random(n)
    layer_seed = rng.integers(0, 2**63)

    def friend_layer(scale: float) -> np.ndarray:
        r = np.random.default_rng(layer_seed)  # same draws whatever the scale
        g = np.floor(wanted * scale + u_round).astype(np.int64)
        member = np.repeat(ids, g)
        country_wide = r.random(member.size) < params.country_wide_group_share
        order_key = np.where(country_wide, 0.0, city[member] * 2.0) + r.random(member.size)
        focus = _focus_ids(country[member], order_key, params.friend_group_size, r)
        del country_wide, order_key
        return _pairs_within(focus, member, params.friend_group_density, _KIND["friend"], n, r)

    # calibration: pairs drawn twice and small towns lose ties, so rescale the number
    # of groups (up to two rounds) until the median within-country degree meets its target
    med_fixed = float(np.median(fixed))
    goal = float(np.median(target))
    scale = 1.0
    layer = _unique_ties([parts[0], friend_layer(scale)])
    for _ in range(2):  # at most two extra builds of the friend layer
        achieved = float(np.median(_degrees(layer, n)))
        if abs(achieved - goal) <= 0.02 * goal or achieved <= med_fixed + 1:
            break
        scale *= float(np.clip((goal - med_fixed) / (achieved - med_fixed), 0.5, 3.0))
        layer = _unique_ties([parts[0], friend_layer(scale)])
    parts = [layer]
    del layer

    # cross-country ties: stubs in proportion to each person's within-country ties,
    # matched at random among people of other countries
    rng = stream(seed, "social:cross")
    share = params.cross_country_share
    if share > 0 and np.unique(country).size > 1:
        within_deg = _degrees(parts[0], n)
        lam = within_deg * share / (1 - share) if share < 1 else np.maximum(target, 1.0)
        stubs = rng.poisson(lam)
        owner = np.repeat(ids, stubs)
        owner = owner[rng.permutation(owner.size)]
        half = owner.size // 2
        a, b = owner[:half], owner[half : 2 * half].copy()
        # redraw partners (up to 3 times) for pairs that landed in the same country
        for _ in range(3):  # a fixed small number of vectorised rounds
            same = country[a] == country[b]
            if not same.any():
                break
            b[same] = owner[rng.integers(0, owner.size, int(same.sum()))]
        ok = country[a] != country[b]
        parts.append(_encode(a[ok], b[ok], _KIND["friend"], n))
    return parts


def assign_roles(people: pd.DataFrame, params: SocialParams) -> np.ndarray:
    """Sensitive professional role of each person (object array of :data:`ROLES`)."""
    n = len(people)
    rng = stream(params.seed, "social:roles")
    names = list(params.role_shares)
    shares = np.array([params.role_shares[r] for r in names])
    edges = np.cumsum(shares)
    u = rng.random(n)
    pick = np.searchsorted(edges, u, side="right")
    role = np.full(n, "none", dtype=object)
    has = pick < len(names)
    role[has] = np.array(names, dtype=object)[pick[has]]
    return role


def sensitive_ties(
    people: pd.DataFrame, role: np.ndarray, params: SocialParams
) -> list[np.ndarray]:
    """Professional-client and ex-partner ties, encoded with the professional as ``a``."""
    n = len(people)
    country = _codes(people["country_code"])
    city = _codes(people["city"].astype(str))
    city_key = country * (city.max() + 1) + city
    city_order, city_start, city_size = _pool_index(city_key)
    ctry_order, ctry_start, ctry_size = _pool_index(country)
    rng = stream(params.seed, "social:sensitive")
    parts = []
    for r in ROLES[1:]:  # four roles: a loop over roles, not people
        pros = np.flatnonzero(role == r)
        if pros.size == 0:
            continue
        k = 1 + rng.poisson(max(params.clients_per_professional[r] - 1, 0.0), pros.size)
        a = np.repeat(pros, k)
        local = rng.random(a.size) < params.professional_same_city_share
        b = np.where(
            local,
            _random_member(city_order, city_start[a], city_size[a], rng),
            _random_member(ctry_order, ctry_start[a], ctry_size[a], rng),
        )
        parts.append(_encode(a, b, _KIND[ROLE_TIE_KIND[r]], n, oriented=True))
    has_ex = np.flatnonzero(rng.random(n) < params.ex_partner_share)
    partner = _random_member(city_order, city_start[has_ex], city_size[has_ex], rng)
    parts.append(_encode(has_ex, partner, _KIND["ex_partner"], n))
    return parts


_ASYMMETRIC = np.array([k in ROLE_TIE_KIND.values() for k in TIE_KINDS])


def uploads_contacts(people: pd.DataFrame, params: SocialParams) -> np.ndarray:
    """Which Facebook users upload their contacts (bool per person)."""
    rng = stream(params.seed, "social:uploads")
    fb = people["is_facebook_user"].to_numpy(bool)
    return fb & (rng.random(len(people)) < params.uploads_contacts_to_facebook)


def facebook_friendships(
    people: pd.DataFrame, a: np.ndarray, b: np.ndarray, kind: np.ndarray, params: SocialParams
) -> np.ndarray:
    """Which ties are Facebook friendships: both Facebook users, then P(friend | kind)."""
    fb = people["is_facebook_user"].to_numpy(bool)
    prob = np.array([params.facebook_friend_probability[k] for k in TIE_KINDS])[kind]
    rng = stream(params.seed, "social:facebook")
    return fb[a] & fb[b] & (rng.random(a.size) < prob)


def _ties_frame(a, b, kind, is_fb) -> pd.DataFrame:
    tie_kind = pd.Categorical.from_codes(kind.astype(np.int8), categories=list(TIE_KINDS))
    return pd.DataFrame(
        {
            "person_a_id": a.astype(np.int64),
            "person_b_id": b.astype(np.int64),
            "tie_kind": tie_kind,
            "is_sensitive": np.isin(kind, [TIE_KINDS.index(k) for k in SENSITIVE_KINDS]),
            "is_facebook_friend": is_fb.astype(bool),
        }
    )


def _check_people(people: pd.DataFrame) -> None:
    needed = [
        "person_id",
        "country_code",
        "city",
        "phone_e164",
        "is_facebook_user",
        "is_whatsapp_user",
        "first_name",
        "last_name",
    ]
    missing = [c for c in needed if c not in people.columns]
    if missing:
        raise ValueError(
            f"people: missing columns {missing}; pass the frame from "
            "analysis.population.generate_population"
        )
    ids = people["person_id"].to_numpy()
    if not np.array_equal(ids, np.arange(len(people))):
        raise ValueError(
            "people: person_id must equal the row position 0..n-1 (as generate_population makes it)"
        )


def build_social_world(
    people: pd.DataFrame,
    params: SocialParams | None = None,
    *,
    edges: tuple[np.ndarray, np.ndarray] | None = None,
    address_books: bool = True,
) -> SocialWorld:
    """Build ties, roles, Facebook friendships and address books for ``people``.

    Parameters
    ----------
    people : pandas.DataFrame
        The population from :func:`analysis.population.generate_population`.
    params : SocialParams, optional
        Defaults to ``SocialParams()``.
    edges : tuple of two int arrays, optional
        A given tie graph (person ids ``a``, ``b``), e.g. a real network from
        :func:`analysis.edgelist.build_social_world_from_edges`. Its edges are kept
        exactly; kinds are assigned to them instead of drawing new ties.
    address_books : bool
        Set False to skip the address books (an empty frame); useful at very large scale.

    Returns
    -------
    SocialWorld
    """
    from analysis.addressbook import build_address_book, empty_address_book

    params = params or SocialParams()
    _check_people(people)
    n = len(people)
    role = assign_roles(people, params)
    if edges is None:
        key = _unique_ties(sensitive_ties(people, role, params) + social_ties(people, params))
        a, b, kind = _decode(key, n)
        del key
    else:
        a, b, kind = kinds_for_edges(
            people, role, np.asarray(edges[0]), np.asarray(edges[1]), params
        )
    is_fb = facebook_friendships(people, a, b, kind, params)
    ties = _ties_frame(a, b, kind, is_fb)
    uploads = uploads_contacts(people, params)
    attrs = pd.DataFrame(
        {
            "person_id": np.arange(n, dtype=np.int64),
            "sensitive_role": pd.Categorical(role, categories=list(ROLES)),
            "uploads_contacts_to_facebook": uploads,
            "tie_count": (np.bincount(a, minlength=n) + np.bincount(b, minlength=n)).astype(
                np.int64
            ),
            "facebook_friend_count": (
                np.bincount(a[is_fb], minlength=n) + np.bincount(b[is_fb], minlength=n)
            ).astype(np.int64),
        }
    )
    book = build_address_book(people, ties, params) if address_books else empty_address_book()
    return SocialWorld(
        people=people, person_attrs=attrs, ties=ties, address_book=book, params=params
    )


def kinds_for_edges(
    people: pd.DataFrame, role: np.ndarray, a: np.ndarray, b: np.ndarray, params: SocialParams
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Give kinds to a fixed edge set (a real graph) without adding or removing edges.

    Ties of a professional become that role's sensitive kind with probability
    ``clients / degree`` (so a professional keeps about the configured number of
    clients); an ``ex_partner_share / mean degree`` share of other ties become
    ex-partners; the rest are family, work or friend in proportion to what the
    synthetic model makes (family and work more likely within one city).
    """
    n = len(people)
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    if a.size and (a.min() < 0 or max(a.max(), b.max()) >= n):
        raise ValueError(f"edges: person ids must lie in 0..{n - 1}")
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    deg = np.bincount(lo, minlength=n) + np.bincount(hi, minlength=n)
    rng = stream(params.seed, "social:edge-kinds")
    kind_index = {k: i for i, k in enumerate(TIE_KINDS)}
    city = _codes(people["country_code"].astype(str) + "|" + people["city"].astype(str))
    same_city = city[lo] == city[hi]
    u = rng.random(lo.size)
    p_family = np.where(same_city, 0.12, 0.04)
    p_work = np.where(same_city, 0.20, 0.08)
    kind = np.where(
        u < p_family,
        kind_index["family"],
        np.where(u < p_family + p_work, kind_index["work"], kind_index["friend"]),
    ).astype(np.int8)
    mean_deg = max(deg.mean(), 1.0)
    ex = rng.random(lo.size) < params.ex_partner_share / mean_deg
    kind[ex] = kind_index["ex_partner"]
    out_a, out_b = lo.copy(), hi.copy()
    for r, k in ROLE_TIE_KIND.items():  # four roles
        for end, other in ((lo, hi), (hi, lo)):
            is_pro = role[end] == r
            p = np.minimum(1.0, params.clients_per_professional[r] / np.maximum(deg[end], 1))
            take = is_pro & (rng.random(lo.size) < p) & ~_ASYMMETRIC[kind]
            kind[take] = kind_index[k]
            out_a[take] = end[take]
            out_b[take] = other[take]
    return out_a, out_b, kind


# --------------------------------------------------------------------------------------
# structure measures
# --------------------------------------------------------------------------------------
def local_clustering(
    matrix: sp.csr_matrix, nodes: np.ndarray | None = None, chunk: int = 256
) -> np.ndarray:
    """Local clustering coefficient of ``nodes`` (all by default) from a 0/1 symmetric CSR.

    Triangles through node i are ``((A[i] @ A) .multiply(A[i])).sum() / 2``,
    computed for ``chunk`` rows at a time so memory stays bounded. Nodes of degree
    below 2 get 0.

    >>> A = symmetric_matrix(np.array([0, 0, 1, 2]), np.array([1, 2, 2, 3]), 4)
    >>> local_clustering(A).round(3).tolist()
    [1.0, 1.0, 0.333, 0.0]
    """
    matrix = sp.csr_matrix(matrix)
    if matrix.dtype != np.int32:  # counts of common neighbours need more than int8
        matrix = matrix.astype(np.int32)
    n = matrix.shape[0]
    nodes = np.arange(n) if nodes is None else np.asarray(nodes, dtype=np.int64)
    deg = np.diff(matrix.indptr)[nodes].astype(np.float64)
    tri = np.empty(nodes.size, dtype=np.float64)
    for s in range(0, nodes.size, chunk):  # loop over chunks of rows, not edges
        rows = matrix[nodes[s : s + chunk]]
        tri[s : s + chunk] = np.asarray((rows @ matrix).multiply(rows).sum(axis=1)).ravel() / 2
    pairs = deg * (deg - 1) / 2
    return np.divide(tri, pairs, out=np.zeros_like(tri), where=pairs > 0)


def degree_distribution(world_or_ties, n: int | None = None) -> pd.DataFrame:
    """Count people by tie count: columns ``tie_count``, ``people_count``, ``people_share``."""
    if isinstance(world_or_ties, SocialWorld):
        deg = world_or_ties.person_attrs["tie_count"].to_numpy()
    else:
        ties = world_or_ties
        deg = np.bincount(ties["person_a_id"], minlength=n) + np.bincount(
            ties["person_b_id"], minlength=n
        )
    counts = np.bincount(deg)
    keep = np.flatnonzero(counts)
    return pd.DataFrame(
        {
            "tie_count": keep.astype(np.int64),
            "people_count": counts[keep].astype(np.int64),
            "people_share": counts[keep] / deg.size,
        }
    )


def structure_report(world: SocialWorld, *, sample: int = 2000, seed: int = 0) -> pd.DataFrame:
    """Achieved structure against the targets: a tidy frame ``metric, target, achieved``.

    Clustering is averaged over a seeded sample of ``sample`` people (all if fewer);
    the target 0.14 is Ugander et al.'s value at degree ~100, compared with people
    whose tie count is within 20% of ``median_ties`` (80-120 at the default 99).
    """
    params = world.params
    matrix = world.tie_matrix()
    n = world.n_people
    deg = np.diff(matrix.indptr)
    rng = stream(seed, "social:report")
    nodes = np.sort(rng.choice(n, size=min(sample, n), replace=False))
    cc = local_clustering(matrix, nodes)
    near100 = (deg[nodes] >= 0.8 * params.median_ties) & (deg[nodes] <= 1.2 * params.median_ties)
    ties = world.ties
    country = _codes(world.people["country_code"])
    city = _codes(world.people["country_code"].astype(str) + "|" + world.people["city"].astype(str))
    a, b = ties["person_a_id"].to_numpy(), ties["person_b_id"].to_numpy()
    cross = float(np.mean(country[a] != country[b])) if len(ties) else float("nan")
    same_city = float(np.mean(city[a] == city[b])) if len(ties) else float("nan")
    rows = [
        ("median ties per person", params.median_ties, float(np.median(deg))),
        ("mean ties per person", float("nan"), float(deg.mean())),
        ("99th percentile of ties", float("nan"), float(np.percentile(deg, 99))),
        (
            "local clustering near the median degree (0.8-1.2 x target)",
            0.14,
            float(cc[near100].mean()) if near100.any() else float("nan"),
        ),
        ("average local clustering (all people)", float("nan"), float(cc.mean())),
        ("share of ties across countries", params.cross_country_share, cross),
        ("share of ties within one city", float("nan"), same_city),
        (
            "median Facebook friends (Facebook users)",
            float("nan"),
            float(
                np.median(
                    world.person_attrs["facebook_friend_count"].to_numpy()[
                        world.people["is_facebook_user"].to_numpy(bool)
                    ]
                )
            )
            if world.people["is_facebook_user"].any()
            else float("nan"),
        ),
    ]
    return pd.DataFrame(rows, columns=["metric", "target", "achieved"])


def tie_kind_mix(world: SocialWorld) -> pd.DataFrame:
    """Ties by kind: counts, share, and how many are Facebook friendships."""
    ties = world.ties
    g = ties.groupby("tie_kind", observed=False)
    out = pd.DataFrame(
        {
            "tie_count": g.size().astype(np.int64),
            "facebook_friend_count": g["is_facebook_friend"].sum().astype(np.int64),
        }
    )
    out["tie_share"] = out["tie_count"] / max(len(ties), 1)
    out["facebook_friend_share"] = out["facebook_friend_count"] / out["tie_count"].where(
        out["tie_count"] > 0
    )
    out.index = out.index.astype(str)
    out.index.name = "tie_kind"
    return out.reset_index()


def _pair_keys(a: np.ndarray, b: np.ndarray, n: int) -> np.ndarray:
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    return np.minimum(a, b) * n + np.maximum(a, b)


def visibility_by_kind(world: SocialWorld) -> pd.DataFrame:
    """How many ties of each kind phones, WhatsApp and Facebook can see.

    Columns: ``tie_kind``, ``tie_count``, and shares of those ties that are
    ``in_any_phone_share`` (either end's address book holds the other),
    ``whatsapp_sees_share`` (in a book WhatsApp holds), ``facebook_friend_share``,
    ``facebook_upload_share`` (in a book uploaded to Facebook) and
    ``facebook_sees_share`` (friendship or upload).
    """
    n = world.n_people
    ties = world.ties
    tie_key = _pair_keys(ties["person_a_id"], ties["person_b_id"], n)
    book = world.address_book
    person = book["contact_person_id"].notna().to_numpy()
    owner = book["owner_person_id"].to_numpy()[person]
    contact = book["contact_person_id"].to_numpy(dtype=np.int64, na_value=-1)[person]
    entry_key = _pair_keys(owner, contact, n)
    people = world.people
    holds_wa = people["is_whatsapp_user"].to_numpy(bool) & (
        people["consent_state"].astype(str).to_numpy() != "left_whatsapp"
    )
    uploads = world.person_attrs["uploads_contacts_to_facebook"].to_numpy(bool)
    in_phone = np.isin(tie_key, entry_key)
    in_wa = np.isin(tie_key, entry_key[holds_wa[owner]])
    in_up = np.isin(tie_key, entry_key[uploads[owner]])
    fb = ties["is_facebook_friend"].to_numpy(bool)
    frame = pd.DataFrame(
        {
            "tie_kind": ties["tie_kind"],
            "in_any_phone_share": in_phone,
            "whatsapp_sees_share": in_wa,
            "facebook_friend_share": fb,
            "facebook_upload_share": in_up,
            "facebook_sees_share": fb | in_up,
        }
    )
    g = frame.groupby("tie_kind", observed=False)
    out = g.mean()
    out.insert(0, "tie_count", g.size().astype(np.int64))
    out.index = out.index.astype(str)
    out.index.name = "tie_kind"
    total = frame.drop(columns="tie_kind").mean().to_frame().T
    total.insert(0, "tie_count", len(frame))
    total.index = pd.Index(["all ties"], name="tie_kind")
    return pd.concat([out, total]).reset_index()


def ego_network(world: SocialWorld, person_id: int) -> nx.Graph:
    """Build one person's ego network: them, their ties, and the ties among those.

    Built from the tie table without materialising the whole graph. Edge
    attributes: ``tie_kind``, ``is_sensitive``, ``is_facebook_friend``.
    """
    import networkx as nx

    ties = world.ties
    a, b = ties["person_a_id"].to_numpy(), ties["person_b_id"].to_numpy()
    touching = (a == person_id) | (b == person_id)
    members = np.union1d(a[touching], b[touching])
    members = np.union1d(members, [person_id])
    inside = np.isin(a, members) & np.isin(b, members)
    sub = ties[inside]
    graph = nx.Graph()
    graph.add_nodes_from(members.tolist())
    graph.add_edges_from(
        (
            int(x),
            int(y),
            {"tie_kind": str(k), "is_sensitive": bool(s), "is_facebook_friend": bool(f)},
        )
        for x, y, k, s, f in sub[
            ["person_a_id", "person_b_id", "tie_kind", "is_sensitive", "is_facebook_friend"]
        ].itertuples(index=False)
    )
    return graph


def clustering_by_degree(world: SocialWorld, *, sample: int = 3000, seed: int = 0) -> pd.DataFrame:
    """Average local clustering by tie-count bin (log-spaced), on a seeded sample of people."""
    matrix = world.tie_matrix()
    n = world.n_people
    rng = stream(seed, "social:report")
    nodes = np.sort(rng.choice(n, size=min(sample, n), replace=False))
    cc = local_clustering(matrix, nodes)
    deg = np.diff(matrix.indptr)[nodes]
    edges = np.unique(np.round(np.geomspace(2, max(deg.max(), 3) + 1, 16)).astype(int))
    bins = pd.cut(deg, edges, right=False)
    frame = pd.DataFrame({"bin": bins, "deg": deg, "cc": cc}).dropna()
    g = frame.groupby("bin", observed=True)
    out = pd.DataFrame(
        {
            "tie_count_mid": g["deg"].median(),
            "local_clustering": g["cc"].mean(),
            "people_count": g.size().astype(np.int64),
        }
    )
    return out[out["people_count"] >= 5].reset_index(drop=True)


# --------------------------------------------------------------------------------------
# figures (each returns (fig, data) for analysis.figures.save_figure)
# --------------------------------------------------------------------------------------
def plot_degree_distribution(world: SocialWorld):
    """Complementary cumulative distribution of ties per person (log-log), median marked."""
    import matplotlib.pyplot as plt

    deg = np.sort(world.person_attrs["tie_count"].to_numpy())
    values, counts = np.unique(deg, return_counts=True)
    ccdf = 1 - (np.cumsum(counts) - counts) / deg.size  # P(ties >= value)
    fb = world.person_attrs["facebook_friend_count"].to_numpy()[
        world.people["is_facebook_user"].to_numpy(bool)
    ]
    fv, fc = np.unique(fb, return_counts=True)
    fccdf = 1 - (np.cumsum(fc) - fc) / max(fb.size, 1)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.loglog(values[values > 0], ccdf[values > 0], label="real-world ties (all people)")
    ax.loglog(fv[fv > 0], fccdf[fv > 0], label="Facebook friends (Facebook users)")
    ax.axvline(
        world.params.median_ties,
        color="black",
        linestyle="--",
        linewidth=1,
        label=f"target median ({world.params.median_ties:g})",
    )
    ax.set_xlabel("Number of ties or friends")
    ax.set_ylabel("Share of people with at least that many")
    ax.set_title("Heavy-tailed numbers of ties")
    ax.legend()
    data = pd.concat(
        [
            pd.DataFrame({"series": "ties", "count": values, "share_at_least": ccdf}),
            pd.DataFrame({"series": "facebook_friends", "count": fv, "share_at_least": fccdf}),
        ],
        ignore_index=True,
    )
    return fig, data


def plot_clustering_by_degree(table: pd.DataFrame, target: float = 0.14, target_degree: float = 99):
    """Average local clustering by number of ties, with the published anchor."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.semilogx(
        table["tie_count_mid"], table["local_clustering"], marker="o", label="synthetic world"
    )
    ax.scatter(
        [target_degree],
        [target],
        color="black",
        zorder=3,
        label="Facebook 2011 (about 0.14 at ~100)",
    )
    ax.set_xlabel("Number of ties (bin median)")
    ax.set_ylabel("Average local clustering")
    ax.set_ylim(0, max(0.6, float(table["local_clustering"].max()) * 1.1))
    ax.set_title("How many of a person's contacts know each other")
    ax.legend()
    return fig, table.copy()


def plot_ego_network(world: SocialWorld, person_id: int, *, seed: int = 2016):
    """Draw one person's ego network (seeded spring layout); sensitive ties in red."""
    import matplotlib.pyplot as plt
    import networkx as nx

    from analysis.figures import PALETTE

    graph = ego_network(world, person_id)
    pos = nx.spring_layout(graph, seed=seed)
    role = world.person_attrs["sensitive_role"].astype(str).to_numpy()
    fig, ax = plt.subplots(figsize=(7, 7))
    plain = [(u, v) for u, v, d in graph.edges(data=True) if not d["is_sensitive"]]
    sensitive = [(u, v) for u, v, d in graph.edges(data=True) if d["is_sensitive"]]
    nx.draw_networkx_edges(graph, pos, edgelist=plain, ax=ax, edge_color="#BBBBBB", width=0.6)
    nx.draw_networkx_edges(graph, pos, edgelist=sensitive, ax=ax, edge_color=PALETTE[3], width=2.2)
    others = [v for v in graph.nodes if v != person_id]
    colours = [PALETTE[3] if role[v] != "none" else PALETTE[0] for v in others]
    nx.draw_networkx_nodes(graph, pos, nodelist=others, node_size=40, node_color=colours, ax=ax)
    nx.draw_networkx_nodes(
        graph, pos, nodelist=[person_id], node_size=220, node_color=PALETTE[1], ax=ax
    )
    ax.set_title(f"Ego network of person {person_id} ({role[person_id]}); sensitive ties in red")
    ax.set_axis_off()
    rows = [
        (
            int(u),
            int(v),
            d["tie_kind"],
            bool(d["is_sensitive"]),
            bool(d["is_facebook_friend"]),
            float(pos[u][0]),
            float(pos[u][1]),
            float(pos[v][0]),
            float(pos[v][1]),
        )
        for u, v, d in graph.edges(data=True)
    ]
    data = pd.DataFrame(
        rows,
        columns=[
            "person_a_id",
            "person_b_id",
            "tie_kind",
            "is_sensitive",
            "is_facebook_friend",
            "a_x",
            "a_y",
            "b_x",
            "b_y",
        ],
    )
    return fig, data.sort_values(["person_a_id", "person_b_id"], ignore_index=True)


def clustering_by_world_size(
    world: SocialWorld, sizes, *, sample: int = 1000, seed: int = 0
) -> pd.DataFrame:
    """Structure of ``world`` and of larger worlds built with the same parameters.

    Each larger world has a fresh population of that size (same ``WorldParams`` seed as
    ``world.params.seed``) and ties only (no address books). Only the size changes.

    Parameters
    ----------
    world : SocialWorld
        The reference world (its own size is the first row).
    sizes : iterable of int
        Further world sizes.
    sample, seed : int
        Passed to :func:`structure_report`.

    Returns
    -------
    pandas.DataFrame
        ``people``, ``median_ties``, ``clustering_near_median``, ``cross_country_share``.
    """
    from analysis.params import WorldParams
    from analysis.population import generate_population

    rows = []
    for size in [world.n_people, *sizes]:
        if size == world.n_people:
            w = world
        else:
            big = generate_population(WorldParams(n_people=int(size), seed=world.params.seed))
            w = build_social_world(big, world.params, address_books=False)
        r = structure_report(w, sample=sample, seed=seed).set_index("metric")["achieved"]
        rows.append(
            {
                "people": int(size),
                "median_ties": r.iloc[0],
                "clustering_near_median": r.iloc[3],
                "cross_country_share": r.iloc[5],
            }
        )
    return pd.DataFrame(rows)


def plot_clustering_by_world_size(table: pd.DataFrame, target: float = 0.14):
    """Clustering near the median degree against world size (log axis), with the target.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`clustering_by_world_size`.
    target : float
        Facebook's 2011 value, drawn as a dashed line.

    Returns
    -------
    fig : matplotlib.figure.Figure
    data : pandas.DataFrame
        ``table`` itself.
    """
    import matplotlib.pyplot as plt

    from analysis.figures import PALETTE

    fig, ax = plt.subplots(figsize=(6, 4))
    ax.semilogx(
        table["people"],
        table["clustering_near_median"],
        marker="o",
        color=PALETTE[0],
        label="synthetic world",
    )
    ax.axhline(
        target, color="black", linestyle="--", linewidth=1, label=f"Facebook 2011 ({target:g})"
    )
    ax.set_xticks(table["people"], [f"{int(n):,}" for n in table["people"]])
    ax.minorticks_off()
    ax.set_xlabel("People in the world")
    ax.set_ylabel("Clustering near the median degree")
    ax.set_ylim(0, 0.4)
    ax.set_title("Clustering settles as the world grows", loc="left")
    ax.legend(frameon=False, ncols=2, loc="upper left", bbox_to_anchor=(0, -0.16))
    return fig, table.copy()


_VISIBILITY_SERIES = {
    "in_any_phone_share": "in a phone",
    "whatsapp_sees_share": "WhatsApp holds",
    "facebook_friend_share": "Facebook friendship",
    "facebook_sees_share": "Facebook sees (friend or upload)",
}


def plot_visibility_by_kind(seen: pd.DataFrame):
    """Draw the share of ties of each kind that phones, WhatsApp and Facebook see.

    Parameters
    ----------
    seen : pandas.DataFrame
        Output of :func:`visibility_by_kind`.

    Returns
    -------
    fig : matplotlib.figure.Figure
    data : pandas.DataFrame
        ``seen`` itself (one row per tie kind).
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    from analysis.figures import PALETTE

    kinds = seen["tie_kind"].astype(str).str.replace("_", " ").to_numpy()
    y = np.arange(len(kinds))
    height = 0.8 / len(_VISIBILITY_SERIES)
    fig, ax = plt.subplots(figsize=(8, 6))
    for i, (col, label) in enumerate(_VISIBILITY_SERIES.items()):
        ax.barh(
            y - 0.4 + height * (i + 0.5),
            seen[col],
            height,
            color=PALETTE[i % len(PALETTE)],
            label=label,
        )
    ax.set_yticks(y, kinds)
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlim(0, 1)
    ax.set_xlabel("Share of ties of this kind")
    ax.set_title("Which ties phones, WhatsApp and Facebook can see", loc="left")
    ax.legend(frameon=False, ncols=2, loc="upper left", bbox_to_anchor=(0, -0.08))
    return fig, seen.reset_index(drop=True)


_NORMALISATION_SERIES = {
    "normalised_share": "all entries normalised",
    "person_normalised_share": "entries for people normalised",
    "person_right_number_share": "... to that person's number",
}


def plot_normalisation_by_country(by_country: pd.DataFrame):
    """Draw the share of address-book entries that normalise, by the owner's country.

    Parameters
    ----------
    by_country : pandas.DataFrame
        Output of :func:`analysis.addressbook.normalisation_by_country`.

    Returns
    -------
    fig : matplotlib.figure.Figure
    data : pandas.DataFrame
        ``by_country`` itself (one row per country).
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    from analysis.figures import PALETTE

    countries = by_country["country_code"].astype(str).to_numpy()
    x = np.arange(len(countries))
    width = 0.8 / len(_NORMALISATION_SERIES)
    fig, ax = plt.subplots(figsize=(8, 4))
    for i, (col, label) in enumerate(_NORMALISATION_SERIES.items()):
        ax.bar(
            x - 0.4 + width * (i + 0.5),
            by_country[col],
            width,
            color=PALETTE[i % len(PALETTE)],
            label=label,
        )
    ax.set_xticks(x, countries)
    ax.set_ylim(0.5, 1.0)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylabel("Share of address-book entries")
    ax.set_title(
        "Address-book entries that phonenumbers can normalise, by owner country", loc="left"
    )
    ax.legend(frameon=False, ncols=3, loc="upper left", bbox_to_anchor=(0, -0.1))
    return fig, by_country.reset_index(drop=True)


def address_book_of(world: SocialWorld, owner: int | None = None, n: int = 12) -> pd.DataFrame:
    """Show the first ``n`` entries of one person's address book, typed and normalised.

    Parameters
    ----------
    world : SocialWorld
        A world built with address books.
    owner : int, optional
        ``person_id`` of the owner; defaults to the owner of the first entry.
    n : int
        Number of entries shown.
    """
    book = world.address_book
    if book is None or len(book) == 0:
        raise ValueError("this world has no address books (build it with address_books=True)")
    if owner is None:
        owner = int(book["owner_person_id"].iloc[0])
    cols = ["entry_label", "entry_raw", "contact_kind", "entry_e164", "normalise_reason"]
    return book.loc[book["owner_person_id"] == owner, cols].head(n)


def example_person(
    world: SocialWorld, role: str = "clinician", tie_range: tuple[int, int] = (20, 60)
) -> int:
    """Pick the person with ``role`` and the fewest ties within ``tie_range`` (lowest id).

    Raises
    ------
    ValueError
        If ``role`` is unknown or nobody with that role has a tie count in range.
    """
    if role not in ROLES:
        raise ValueError(f"role {role!r} is not one of {ROLES}")
    attrs = world.person_attrs
    found = attrs[(attrs["sensitive_role"] == role) & attrs["tie_count"].between(*tie_range)]
    if found.empty:
        raise ValueError(f"nobody with role {role!r} has between {tie_range} ties")
    return int(found.sort_values(["tie_count", "person_id"])["person_id"].iloc[0])
