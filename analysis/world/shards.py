"""The world as country shards: one country's people, ties and address books per shard.

Ties are overwhelmingly within a country, so a world can be built country by country: a
*shard* is one country's population with its own within-country ties, Facebook
friendships and address books, built by the ordinary single-world builders
(:func:`analysis.world.generate_population`, :func:`analysis.world.build_social_world`)
on a population of that country alone. Shards need nothing from each other, so they can be
built one after another on one machine or as independent tasks on a cluster.

What a shard keeps of the unsharded model
-----------------------------------------
* **People**: :func:`generate_population` with ``country_weights = {country: 1}`` and
  ``n_people`` the shard's size. Names, cities and phone numbers already come from
  per-country streams; the shard's own seed (:func:`shard_seed`) drives the rest.
* **Within-country ties**: the unsharded model aims at a median of
  ``median_ties * (1 - cross_country_share)`` ties inside the country and draws the rest
  across borders. A shard is built with ``cross_country_share = 0`` and
  ``median_ties`` set to that within-country target, so its within-country degree
  distribution (log-normal target, cap, calibration) is the one of the unsharded model.
* **Cross-border ties** are their own table, drawn exactly as the unsharded model draws
  them: each person gets ``Poisson(d * s / (1 - s))`` stubs, with ``d`` their
  within-country degree and ``s = cross_country_share`` (:func:`cross_border_stubs`, drawn
  inside the shard from the shard's seed); the stubs of all shards are then shuffled and
  paired, partners landing in the same country are redrawn up to three times and pairs
  still within one country are dropped (:func:`cross_border_ties`, from the world seed).
  With the default ``s = 0.12`` this table is about a seventh of all ties; only the
  per-shard stub counts (one row per person with a stub) travel between tasks.

What sharding changes
---------------------
The random streams differ from the unsharded world (each shard has its own seed and its
own country-sized population), and the cross-border ties are kept out of each shard's
address books, Facebook friendships and suggestions: a shard is scored on its
within-country ties alone. ``tests/test_shards.py`` checks that the headline shares of
the sharded world stay within their Monte-Carlo error of the unsharded model.

>>> from analysis.world import WorldParams, SocialParams
>>> shards = plan_shards({"DE": 300, "IN": 400}, seed=5)
>>> [(s.country, s.n_people) for s in shards]
[('DE', 300), ('IN', 400)]
>>> world = build_shard(shards[0], WorldParams(), SocialParams(median_ties=20))
>>> world.people["country_code"].astype(str).unique().tolist(), len(world.people)
(['DE'], 300)
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.core.seeds import stream
from analysis.world.params import COUNTRIES, SocialParams, WorldParams

__all__ = [
    "CROSS_BORDER_COLUMNS",
    "MIN_SHARD_PEOPLE",
    "STUB_COLUMNS",
    "Shard",
    "ShardError",
    "build_shard",
    "cross_border_stubs",
    "cross_border_ties",
    "plan_shards",
    "shard_params",
    "shard_seed",
]


#: The smallest shard: a country with fewer people has too few for ties, suggestions and
#: customer lists (the single-world minimum of 200 people over 8 countries is 25 each).
MIN_SHARD_PEOPLE = 25


#: Columns of the per-shard stub table (:func:`cross_border_stubs`).
STUB_COLUMNS = ("country", "person_id", "stub_count")


#: Columns of the cross-border tie table (:func:`cross_border_ties`); person ids are those
#: of each person's own shard.
CROSS_BORDER_COLUMNS = ("person_a_country", "person_a_id", "person_b_country", "person_b_id")


#: Tie kinds whose degree sets the cross-border stubs (the unsharded model's rule).
_LAYER_KINDS = ("family", "work", "friend")


class ShardError(ValueError):
    """A shard plan that cannot be built (unknown country, empty or too small a shard)."""


@dataclass(frozen=True)
class Shard:
    """One country's part of a sharded world.

    Attributes
    ----------
    country : str
        Country code (``data/reference/countries.csv``).
    n_people : int
        People in the shard.
    seed : int
        The shard's own seed (:func:`shard_seed`), for its population, ties and scoring.
    world_seed : int
        Seed of the whole sharded world.
    """

    country: str
    n_people: int
    seed: int
    world_seed: int


def shard_seed(seed: int, country: str) -> int:
    """Derive a shard's seed from the world seed and its country (same inputs, same seed).

    >>> shard_seed(1, "IN") == shard_seed(1, "IN") != shard_seed(1, "DE")
    True
    """
    mix = np.random.SeedSequence([int(seed), zlib.crc32(f"shard:{country}".encode())])
    return int(mix.generate_state(1, np.uint32)[0])


def plan_shards(
    people: Mapping[str, int] | int,
    countries: Sequence[str] | None = None,
    *,
    seed: int,
) -> list[Shard]:
    """Plan one shard per country, sorted by country code.

    Parameters
    ----------
    people : mapping or int
        Country code -> people in its shard; or one number of people for every country
        of ``countries``.
    countries : sequence of str, optional
        With an int ``people``: the countries (default every known country).
    seed : int
        Seed of the sharded world.

    Returns
    -------
    list of Shard

    Raises
    ------
    ShardError
        Naming an unknown country, a repeated one, an empty shard or one with fewer than
        :data:`MIN_SHARD_PEOPLE` people.

    Examples
    --------
    >>> [s.country for s in plan_shards(100, ["IN", "BR"], seed=1)]
    ['BR', 'IN']
    >>> plan_shards({"XX": 100}, seed=1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    analysis.world.shards.ShardError: unknown country 'XX' in the shard plan; known: BR, ...
    >>> plan_shards({"IN": 0}, seed=1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    analysis.world.shards.ShardError: shard IN is empty (0 people); ...
    """
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ShardError(f"seed = {seed!r} must be a non-negative integer")
    if isinstance(people, Mapping):
        if countries is not None:
            raise ShardError("give either a mapping country -> people or countries, not both")
        sizes = dict(people)
    else:
        codes = list(COUNTRIES if countries is None else countries)
        repeated = sorted({c for c in codes if codes.count(c) > 1})
        if repeated:
            raise ShardError(f"country {repeated[0]!r} is listed twice in the shard plan")
        sizes = dict.fromkeys(codes, people)
    if not sizes:
        raise ShardError("the shard plan holds no country: give at least one")
    known = ", ".join(sorted(COUNTRIES))
    for code, n in sizes.items():
        if code not in COUNTRIES:
            raise ShardError(f"unknown country {code!r} in the shard plan; known: {known}")
        if isinstance(n, bool) or not isinstance(n, int | np.integer):
            raise ShardError(f"shard {code}: n_people = {n!r} must be an integer")
        if n <= 0:
            raise ShardError(
                f"shard {code} is empty ({n} people); every shard needs at least "
                f"{MIN_SHARD_PEOPLE} people (leave the country out instead)"
            )
        if n < MIN_SHARD_PEOPLE:
            raise ShardError(
                f"shard {code} has {n} people; a shard needs at least {MIN_SHARD_PEOPLE} "
                "(too few for ties, friend suggestions and customer lists)"
            )
    return [
        Shard(country=c, n_people=int(sizes[c]), seed=shard_seed(seed, c), world_seed=int(seed))
        for c in sorted(sizes)
    ]


def shard_params(
    shard: Shard, population: WorldParams, social: SocialParams
) -> tuple[WorldParams, SocialParams]:
    """Return the single-world parameters that build ``shard``.

    The population keeps every knob of ``population`` but its size, seed and country
    weights; the social world keeps every knob of ``social`` but its seed, draws no
    cross-border ties and aims at the unsharded model's within-country median.

    >>> s = plan_shards({"IN": 100}, seed=2)[0]
    >>> w, t = shard_params(s, WorldParams(), SocialParams(median_ties=100))
    >>> w.n_people, w.country_weights, t.cross_country_share, round(t.median_ties, 1)
    (100, {'IN': 1.0}, 0.0, 88.0)
    """
    share = social.cross_country_share
    if share >= 1:
        raise ShardError(
            "cross_country_share = 1 leaves no tie inside a country: a sharded world needs "
            "a share below 1"
        )
    pop = population.replace(
        n_people=shard.n_people, seed=shard.seed, country_weights={shard.country: 1.0}
    )
    soc = social.replace(
        seed=shard.seed,
        cross_country_share=0.0,
        median_ties=social.median_ties * (1 - share),
    )
    return pop, soc


def build_shard(
    shard: Shard,
    population: WorldParams | None = None,
    social: SocialParams | None = None,
    *,
    address_books: bool = True,
):
    """Build one shard's world: its people, within-country ties and address books.

    Parameters
    ----------
    shard : Shard
    population, social : WorldParams, SocialParams, optional
        Parameters of the whole world (defaults); see :func:`shard_params`.
    address_books : bool
        Passed to :func:`analysis.world.build_social_world`.

    Returns
    -------
    analysis.world.SocialWorld
        Person ids run 0..n-1 within the shard.
    """
    from analysis.world.population import generate_population
    from analysis.world.socialworld import build_social_world

    pop, soc = shard_params(shard, population or WorldParams(), social or SocialParams())
    people = generate_population(pop)
    return build_social_world(people, soc, address_books=address_books)


def cross_border_stubs(world, shard: Shard, social: SocialParams | None = None) -> pd.DataFrame:
    """Each person's number of cross-border tie ends, drawn inside the shard.

    ``Poisson(d * s / (1 - s))`` stubs per person, ``d`` their within-country degree and
    ``s`` the (unsharded) ``cross_country_share``: the unsharded model's rule, which counts
    family, work and friend ties (the sensitive ties are drawn after the cross-border ones).

    Returns
    -------
    pandas.DataFrame
        :data:`STUB_COLUMNS`, one row per person with at least one stub.
    """
    share = (social or SocialParams()).cross_country_share
    ties = world.ties[world.ties["tie_kind"].astype(str).isin(_LAYER_KINDS).to_numpy()]
    n = len(world.people)
    degree = np.bincount(ties["person_a_id"].to_numpy(np.int64), minlength=n) + np.bincount(
        ties["person_b_id"].to_numpy(np.int64), minlength=n
    )
    rng = stream(shard.seed, "shard:cross-stubs")
    lam = degree * (share / (1 - share)) if 0 < share < 1 else np.zeros(degree.size)
    count = rng.poisson(lam)
    has = np.flatnonzero(count > 0)
    return pd.DataFrame(
        {
            "country": pd.Series([shard.country] * has.size, dtype="string"),
            "person_id": has.astype(np.int64),
            "stub_count": count[has].astype(np.int64),
        }
    )


def cross_border_ties(stubs: Sequence[pd.DataFrame] | pd.DataFrame, *, seed: int) -> pd.DataFrame:
    """Pair the shards' stubs into cross-border ties (the unsharded model's matching).

    Stubs are shuffled and paired; partners in the same country are redrawn up to three
    times; pairs still within one country are dropped.

    Parameters
    ----------
    stubs : DataFrame or sequence of DataFrame
        :data:`STUB_COLUMNS` of every shard.
    seed : int
        Seed of the sharded world.

    Returns
    -------
    pandas.DataFrame
        :data:`CROSS_BORDER_COLUMNS`, each tie once, ``person_a_country < person_b_country``,
        sorted.

    >>> stubs = pd.DataFrame({"country": ["DE", "IN", "BR"], "person_id": [0, 0, 5],
    ...     "stub_count": [2, 1, 1]})
    >>> t = cross_border_ties(stubs, seed=1)
    >>> bool((t["person_a_country"] < t["person_b_country"]).all())
    True
    """
    frame = stubs if isinstance(stubs, pd.DataFrame) else pd.concat(list(stubs))
    frame = frame.sort_values(["country", "person_id"], kind="stable")
    codes = sorted(set(frame["country"].astype(str)))
    cc = pd.Categorical(frame["country"].astype(str), categories=codes).codes.astype(np.int64)
    count = frame["stub_count"].to_numpy(np.int64)
    country = np.repeat(cc, count)
    person = np.repeat(frame["person_id"].to_numpy(np.int64), count)
    rng = stream(seed, "shard:cross-pairs")
    order = rng.permutation(country.size)
    half = order.size // 2
    a, b = order[:half], order[half : 2 * half].copy()
    for _ in range(3):  # the unsharded model's three vectorised redraws
        same = country[a] == country[b]
        if not same.any():
            break
        b[same] = order[rng.integers(0, order.size, int(same.sum()))]
    ok = country[a] != country[b]
    a, b = a[ok], b[ok]
    swap = country[a] > country[b]
    a, b = np.where(swap, b, a), np.where(swap, a, b)
    names = np.array(codes, dtype=object)
    out = pd.DataFrame(
        {
            "person_a_country": pd.array(names[country[a]], dtype="string"),
            "person_a_id": person[a],
            "person_b_country": pd.array(names[country[b]], dtype="string"),
            "person_b_id": person[b],
        }
    )
    out = out.drop_duplicates().sort_values(list(CROSS_BORDER_COLUMNS), kind="stable")
    return out.reset_index(drop=True)
