"""Headline worlds: writing only the address books Facebook can hold, against every book.

``analysis.results.build_world`` writes and normalises only the books of people who upload
their contacts to Facebook (``build_address_book(owners=...)``); the kept books are exactly
those of the full build (a test checks it). This times both, interleaved A/B in fresh
interpreters (fastest of ``repeat`` each). Run with::

    .venv/bin/python -m pytest benchmarks/bench_headline_books.py -p no:nbval -o addopts="" -s
"""

from __future__ import annotations

import pytest
from measure import measure

SETUP = """
from analysis.world import WorldParams, SocialParams, generate_population, build_social_world
from analysis.world.addressbook import build_address_book
people = generate_population(WorldParams(n_people={n}, seed=2016))
world = build_social_world(people, SocialParams(seed=2016), address_books=False)
owners = world.person_attrs["uploads_contacts_to_facebook"].to_numpy() & people[
    "is_facebook_user"
].to_numpy()
"""


@pytest.mark.parametrize("n", [5_000, 20_000])
def test_uploaders_books_against_all_books(n):
    full, some = [], []
    for _ in range(2):  # interleaved: A, B, A, B
        full.append(
            measure(SETUP.format(n=n), "build_address_book(people, world.ties, world.params)")
        )
        some.append(
            measure(
                SETUP.format(n=n),
                "build_address_book(people, world.ties, world.params, owners=owners)",
            )
        )
    a = min(r["seconds"] for r in full)
    b = min(r["seconds"] for r in some)
    print(f"\n{n:,} people: every book {a:.1f} s, uploaders' books {b:.1f} s ({a / b:.1f}x faster)")
    assert b < a
