"""The worlds the results run on: generated, or built on a loaded network, one per seed.

Every analysis of :mod:`analysis.results` takes a world. :func:`build_world` makes the one
a headline needs (people, ties, the address books Facebook can hold), either drawing the
ties or keeping those of a loaded network (``edges``, from
:func:`analysis.world.load_edge_list`); :func:`seeded_world` gives the world of one seed of
a seeded analysis: on a loaded network the ties stay the network's and the people (who
they are, what they chose) are drawn afresh per seed.

>>> from analysis.world import SocialParams, WorldParams
>>> import pandas as pd
>>> edges = pd.DataFrame({"node_a": [10, 10, 20], "node_b": [20, 30, 30]})
>>> w = seeded_world(3, WorldParams(), SocialParams(), edges=edges)
>>> w.n_people, w.node_labels.tolist()
(3, [10, 20, 30])
"""

from __future__ import annotations

from typing import Any

from analysis.world.params import SocialParams, WorldParams

__all__ = [
    "HEADLINE_N_PEOPLE",
    "NETWORK_HEADLINES",
    "build_world",
    "seeded_world",
]


#: People in a generated headline world when no parameters are given
#: (:attr:`analysis.results.FindingsParams.n_people`'s default).
HEADLINE_N_PEOPLE = 1_500


#: Headlines compared between a loaded network and the synthetic world (metric, scenario)
#: -> label: those that do not need customer lists (too few people on a small network).
NETWORK_HEADLINES: dict[tuple[str, str], str] = {
    ("own_join_share", "all_partial_opt_out"): "(b) Joined for Facebook's own use, all opt out",
    ("ads_join_share", "mix_2016"): "(d) Join usable for ads, 2016 mix",
    ("held_ads_join_share", "accepted_then_left"): "(d) Still held after leaving",
    ("whatsapp_only_suggestion_share", "mix_2016"): "(c) Suggestions only from WhatsApp",
    ("members_suggested_share", "mix_2016"): "(c) Members suggested to others via WhatsApp",
    ("never_whatsapp_tie_known_share", "mix_2016"): "Non-users with a tie known via uploads",
    ("never_whatsapp_number_attached_share", "mix_2016"): "Non-users whose number is attached",
}


def build_world(
    world: WorldParams | None = None,
    social: SocialParams | None = None,
    *,
    address_books: bool = False,
    edges: Any | None = None,
) -> Any:
    """Build the population and social world the headlines need.

    Only the address books Facebook can hold are written: those of people who upload their
    contacts to Facebook, and, with ``address_books`` (the address-book switch), those of
    WhatsApp users who did not leave. Each is exactly the book the full build gives
    (:func:`analysis.world.build_address_book` with ``owners``).

    Parameters
    ----------
    world : WorldParams, optional
        Default ``WorldParams(n_people=HEADLINE_N_PEOPLE)``.
    social : analysis.world.SocialParams, optional
    address_books : bool
        Also write WhatsApp users' books (for the address-book what-if).
    edges : pandas.DataFrame or path, optional
        A loaded network: the world is built on its edges
        (:func:`analysis.world.build_social_world_from_edges`, one person per node, person
        ``k`` on the k-th label in sorted order) instead of drawing ties; ``n_people`` is
        then the number of nodes.

    Returns
    -------
    analysis.world.SocialWorld
    """
    from analysis.world.addressbook import build_address_book
    from analysis.world.edgelist import build_social_world_from_edges
    from analysis.world.population import generate_population
    from analysis.world.socialworld import build_social_world

    world = world or WorldParams(n_people=HEADLINE_N_PEOPLE)
    social = social or SocialParams()
    if edges is None:
        people = generate_population(world)
        sw = build_social_world(people, social, address_books=False)
    else:
        sw = build_social_world_from_edges(edges, social, world, address_books=False)
        people = sw.people
    owners = sw.person_attrs["uploads_contacts_to_facebook"].to_numpy(bool) & people[
        "is_facebook_user"
    ].to_numpy(bool)
    if address_books:
        owners |= people["is_whatsapp_user"].to_numpy(bool) & (
            people["consent_state"].astype(str).to_numpy() != "left_whatsapp"
        )
    sw.address_book = build_address_book(people, sw.ties, social, owners=owners)
    return sw


def seeded_world(
    seed: int,
    world: WorldParams | None = None,
    social: SocialParams | None = None,
    address_books: bool = False,
    edges: Any | None = None,
) -> Any:
    """Build the world of one seed of a seeded analysis (``seed`` replaces both seeds).

    Parameters
    ----------
    seed : int
    world, social
        Parameters (default ``WorldParams(n_people=HEADLINE_N_PEOPLE)`` and
        ``SocialParams()``); their seeds are replaced by ``seed``.
    address_books : bool
        As :func:`build_world`.
    edges : pandas.DataFrame or path, optional
        A loaded network (the same ties in every seed's world).
    """
    world = (world or WorldParams(n_people=HEADLINE_N_PEOPLE)).replace(seed=int(seed))
    social = (social or SocialParams()).replace(seed=int(seed))
    return build_world(world, social, address_books=address_books, edges=edges)
