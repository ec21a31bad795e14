"""The social world: ground truth of who knows whom, what Facebook sees, what phones hold.

:func:`build_social_world` draws ties (:mod:`analysis.world.ties`), Facebook
friendships and address books (:mod:`analysis.world.addressbook`) for a population and
returns a :class:`SocialWorld`.

>>> from analysis.world import WorldParams, generate_population, SocialParams
>>> people = generate_population(WorldParams(n_people=600, seed=3))
>>> world = build_social_world(people, SocialParams(seed=3, median_ties=20))
>>> bool((world.ties.person_a_id != world.ties.person_b_id).all())
True
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis.world.addressbook import TEXT_COLUMNS
from analysis.world.params import ROLES, SENSITIVE_KINDS, TIE_KINDS, SocialParams
from analysis.world.ties import (
    _decode,
    _unique_ties,
    assign_roles,
    facebook_friendships,
    kinds_for_edges,
    sensitive_ties,
    social_ties,
    symmetric_matrix,
    uploads_contacts,
)

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

__all__ = [
    "SocialWorld",
    "address_book_of",
    "build_social_world",
    "example_person",
]


@dataclass
class SocialWorld:
    """Ground truth of who knows whom, what Facebook sees and what phones hold.

    Attributes
    ----------
    people : pandas.DataFrame
        The population, unchanged (:data:`analysis.world.PEOPLE`).
    person_attrs : pandas.DataFrame
        :data:`PERSON_ATTRS`, one row per person in ``people`` order.
    ties : pandas.DataFrame
        :data:`TIES`.
    address_book : pandas.DataFrame
        :data:`analysis.world.ADDRESS_BOOK`, one row per entry.
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


_IS_SENSITIVE = np.array([k in SENSITIVE_KINDS for k in TIE_KINDS])


def _ties_frame(a, b, kind, is_fb) -> pd.DataFrame:
    """Build the :data:`TIES` frame over the given arrays without copying them.

    Person ids are int32 (half the memory of int64); ``copy=False``
    keeps pandas from stacking same-typed columns into a new 2-D block.
    """
    kind = np.asarray(kind, dtype=np.int8)
    tie_kind = pd.Categorical.from_codes(kind, categories=list(TIE_KINDS))
    ids = np.int32 if len(a) == 0 or max(int(a.max()), int(b.max())) < 2**31 - 1 else np.int64
    return pd.DataFrame(
        {
            "person_a_id": np.asarray(a, dtype=ids),
            "person_b_id": np.asarray(b, dtype=ids),
            "tie_kind": tie_kind,
            "is_sensitive": _IS_SENSITIVE[kind],
            "is_facebook_friend": np.asarray(is_fb, dtype=bool),
        },
        copy=False,
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
            "analysis.world.generate_population"
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
        The population from :func:`analysis.world.generate_population`.
    params : SocialParams, optional
        Defaults to ``SocialParams()``.
    edges : tuple of two int arrays, optional
        A given tie graph (person ids ``a``, ``b``), e.g. a real network from
        :func:`analysis.world.build_social_world_from_edges`. Its edges are kept
        exactly; kinds are assigned to them instead of drawing new ties.
    address_books : bool
        Set False to skip the address books (an empty frame); useful at very large scale.

    Returns
    -------
    SocialWorld
    """
    from analysis.world.addressbook import build_address_book, empty_address_book

    params = params or SocialParams()
    _check_people(people)
    n = len(people)
    role = assign_roles(people, params)
    if edges is None:
        social = social_ties(people, params)  # the first part is sorted and unique
        key = _unique_ties(sensitive_ties(people, role, params) + social[1:], social[0])
        del social
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
    shown = book.loc[book["owner_person_id"] == owner, cols].head(n)
    return shown.astype(dict.fromkeys(TEXT_COLUMNS, "string"))  # categories, shown as text


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
