"""The fast normaliser against ``phonenumbers`` on every entry of a 100,000-person world.

Issue 17's differential test. The address book of the default 100,000-person world
(about 9.4 million entries) is normalised by :func:`analysis.world.normalise_entries`
(one ``phonenumbers`` reading per writing pattern) and compared, entry by entry, with
:func:`analysis.world.normalise` (``phonenumbers.parse`` and its checks) called on the
entry's own text and region. ``normalise`` is a pure function of ``(text, region)``, so
it is called once per distinct exact pair (about a million) and its answer given to
every entry with that pair: no other shortcut is taken (unlike
:func:`analysis.world.normalise_each`, which also merges texts that differ only in
separators). The book's stored ``entry_e164`` and ``normalise_reason``, written by the
address-book builder, must equal the same answers.

This takes about a minute and a half (and 4.3 GB), so it is marked ``scale``: ``make
test`` leaves it out and ``make test-scale`` (run by ``.ci/run`` after ``make test``)
runs it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.world import (
    SocialParams,
    WorldParams,
    build_social_world,
    generate_population,
    normalise,
    normalise_entries,
)

pytestmark = pytest.mark.scale

N_PEOPLE = 100_000


def test_every_entry_of_a_100k_world_reads_as_phonenumbers_reads_it():
    people = generate_population(WorldParams(n_people=N_PEOPLE))
    book = build_social_world(people, SocialParams()).address_book
    assert len(book) > 5_000_000
    raw = book["entry_raw"].astype(object).fillna("").to_numpy()
    owner = book["owner_person_id"].to_numpy()
    region = people["country_code"].astype(str).to_numpy()[owner]
    # the reference: phonenumbers on each distinct exact (text, region) pair
    text_code, texts = pd.factorize(raw)
    region_code, regions = pd.factorize(region)
    pair, inverse = np.unique(
        text_code.astype(np.int64) * len(regions) + region_code, return_inverse=True
    )
    answers = [
        normalise(texts[p // len(regions)], regions[p % len(regions)]) for p in pair.tolist()
    ]
    want_e164 = np.array([a[0] or "" for a in answers], dtype=object)[inverse.ravel()]
    want_reason = np.array([a[1] for a in answers], dtype=object)[inverse.ravel()]
    assert pair.size > 100_000 and (want_reason == "ok").mean() > 0.5
    # the fast normaliser on every entry
    e164, reason = normalise_entries(pd.Series(raw), pd.Series(region))
    assert (e164.fillna("").to_numpy(dtype=object) == want_e164).all()
    assert (reason.to_numpy(dtype=object) == want_reason).all()
    # what the builder stored
    stored = book["entry_e164"].astype(object).fillna("").to_numpy()
    assert (stored == want_e164).all()
    assert (book["normalise_reason"].astype(str).to_numpy(dtype=object) == want_reason).all()
