"""Normalisation by writing pattern against ``phonenumbers`` entry by entry (``make bench``).

The address book of a 100,000-person world (about 9 million entries, 1 million distinct
``(text, region)`` pairs) is normalised three ways, side by side in one process and in
alternating order: the fast normaliser (:func:`analysis.world.normalise_entries`, one
``phonenumbers`` call per writing pattern), one ``phonenumbers`` call per distinct pair
(:func:`analysis.world.normalise_each`, the previous method), and, on a seeded sample
of entries, one call per entry (what a user would write first), extrapolated to all
entries. Every distinct pair is also compared between the fast and the per-pair path:
the same comparison as ``tests/test_scale_normalise.py`` (``make test-scale``), which is
the differential test against ``phonenumbers`` on every entry of such a world.

Run: ``.venv/bin/python -m pytest benchmarks/bench_normalise.py -p no:nbval -o addopts="" -s``
"""

import time

import numpy as np
import pandas as pd
from measure import report

from analysis.world import (
    SocialParams,
    WorldParams,
    build_social_world,
    generate_population,
    normalise,
    normalise_each,
    normalise_entries,
)

N_PEOPLE = 100_000
PER_ENTRY_SAMPLE = 200_000


def _timed(fn, *args):
    t0 = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t0, out


def test_fast_normaliser_against_phonenumbers_on_a_100k_world():
    people = generate_population(WorldParams(n_people=N_PEOPLE, seed=3))
    world = build_social_world(people, SocialParams(seed=3))
    book = world.address_book
    region = people["country_code"].astype(str).to_numpy()[book["owner_person_id"].to_numpy()]
    raw = book["entry_raw"].astype(object)
    region = pd.Series(region)
    fast_s, slow_s = [], []
    for order in range(2):  # A/B then B/A
        runs = [("fast", normalise_entries), ("slow", normalise_each)]
        for name, fn in runs if order == 0 else runs[::-1]:
            seconds, result = _timed(fn, raw, region)
            (fast_s if name == "fast" else slow_s).append(seconds)
            if name == "fast":
                fast = result
            else:
                slow = result
    # the differential test: every entry
    assert (fast[1] == slow[1]).all()
    assert (fast[0].fillna("") == slow[0].fillna("")).all()
    rng = np.random.default_rng(0)
    sample = rng.choice(len(book), size=PER_ENTRY_SAMPLE, replace=False)
    texts, regions = raw.to_numpy()[sample], region.to_numpy()[sample]
    t0 = time.perf_counter()
    for t, g in zip(texts.tolist(), regions.tolist(), strict=True):
        normalise(t, g)
    per_entry = (time.perf_counter() - t0) * len(book) / PER_ENTRY_SAMPLE
    fast_best, slow_best = min(fast_s), min(slow_s)
    report(
        f"Normalising the address book of a {N_PEOPLE:,}-person world ({len(book):,} entries)",
        [
            {
                "method": "by writing pattern (normalise_entries)",
                "seconds": fast_best,
                "ratio": 1.0,
            },
            {
                "method": "phonenumbers per distinct (text, region) (normalise_each)",
                "seconds": slow_best,
                "ratio": slow_best / fast_best,
            },
            {
                "method": "phonenumbers per entry (extrapolated from 200,000)",
                "seconds": per_entry,
                "ratio": per_entry / fast_best,
            },
        ],
    )
