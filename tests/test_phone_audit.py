"""Synthetic stays synthetic: the phone-safety audit on whole worlds, the writing styles
under hypothesis, and the fast normaliser against phonenumbers entry by entry."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.effects.ads import (
    generate_customer_lists,
    hash_customer_keys,
    reverse_customer_sample,
)
from analysis.results import (
    PhoneSafetyError,
    audit_generated,
    audit_notebooks,
    audit_reversal,
    audit_world,
)
from analysis.world import (
    AMBIGUOUS,
    FOREIGN_STYLE_WEIGHTS,
    STYLES,
    TYPO_KINDS,
    TYPO_STYLES,
    SocialParams,
    WorldParams,
    blocks,
    build_social_world,
    generate_population,
    normalisation_calls,
    normalise,
    normalise_each,
    normalise_entries,
    number_problems,
    write_numbers,
)

AUDIT_PEOPLE = 20_000


@pytest.fixture(scope="module")
def big_worlds():
    cache = {}

    def build(seed):
        if seed not in cache:
            people = generate_population(WorldParams(n_people=AUDIT_PEOPLE, seed=seed))
            cache[seed] = people, build_social_world(people, SocialParams(seed=seed))
        return cache[seed]

    return build


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
def test_audit_finds_no_real_number_in_any_table(big_worlds, seed):
    people, world = big_worlds(seed)
    owners = people["country_code"].astype(str).to_numpy()[world.address_book["owner_person_id"]]
    assert set(owners) == set(blocks()), "every country is in the world"
    audit = audit_generated(people, world, seed=seed)
    audit.raise_for_problems()
    checks = audit.checks.set_index(["table", "column"])
    assert (checks["valid_count"] == 0).all() and (checks["outside_count"] == 0).all()
    assert checks.loc[("address_book", "entry_e164"), "checked_count"] > 10 * AUDIT_PEOPLE
    assert checks.loc[("facebook_match_keys", "key_sha256"), "checked_count"] > AUDIT_PEOPLE


@pytest.mark.slow
def test_fast_normaliser_equals_phonenumbers_on_every_writing_of_a_world(big_worlds):
    """Every distinct (text, region) of the world's address book, every pattern class.

    The 100,000-person version is ``benchmarks/bench_normalise.py`` (it also times
    both): building that world takes about two minutes, too long for the default run.
    """
    people, world = big_worlds(1)
    book = world.address_book
    region = people["country_code"].astype(str).to_numpy()[book["owner_person_id"].to_numpy()]
    texts, regions, _ = normalisation_calls(book["entry_raw"].astype(object), pd.Series(region))
    assert set(book["entry_style"].astype(str)) == set(STYLES)
    assert book["is_entry_typo"].any()
    fast_e164, fast_reason = normalise_entries(pd.Series(texts), pd.Series(regions))
    slow_e164, slow_reason = normalise_each(pd.Series(texts), pd.Series(regions))
    assert (fast_reason == slow_reason).all()
    assert (fast_e164.fillna("") == slow_e164.fillna("")).all()


def test_audit_catches_real_numbers_strays_and_unmarked_typos(small_people):
    people = small_people.copy()
    people["phone_e164"] = people["phone_e164"].astype(object)
    people.loc[0, "phone_e164"] = "+447911123456"  # a valid UK mobile: could be real
    people.loc[1, "phone_e164"] = "+44761000001"  # a typo's number, not marked as one
    people.loc[4, "facebook_phone_e164"] = "+494915300218409"  # the old German bug
    audit = audit_world(people)
    assert not audit.ok
    checks = audit.checks.set_index("column")
    assert checks.loc["phone_e164", "valid_count"] == 1
    assert checks.loc["phone_e164", "problem_count"] == 2
    assert checks.loc["facebook_phone_e164", "valid_count"] == 1
    with pytest.raises(PhoneSafetyError, match="could be a real subscriber"):
        audit.raise_for_problems()


def test_audit_checks_hashes_against_audited_numbers(small_people):
    lists = generate_customer_lists(small_people, seed=3)
    keys = hash_customer_keys(lists.customers)
    assert audit_world(small_people, customers=lists.customers, customer_keys=keys).ok
    forged = keys.copy()
    forged.loc[0, "key_sha256"] = "0" * 64
    audit = audit_world(small_people, customers=lists.customers, customer_keys=forged)
    assert audit.problems()["example"].str.contains("hash of no audited").any()


def test_hash_reversal_block_is_audited(small_people):
    lists = generate_customer_lists(small_people, seed=3)
    keys = hash_customer_keys(lists.customers)
    demo = reverse_customer_sample(lists, keys, "ES", sample_size=20, seed=1, stop=200_000)
    audit = audit_reversal(demo)
    assert audit.ok, audit.problems()
    assert "proved unallocated" in audit.checks.loc[0, "example"]


def test_committed_notebooks_print_no_real_number():
    audit = audit_notebooks()
    audit.raise_for_problems()
    assert audit.checks["checked_count"].sum() > 0


def test_notebook_audit_flags_a_printed_real_number(tmp_path):
    import json

    nb = {
        "cells": [{"cell_type": "markdown", "source": ["Call +44 7911 123456 or (20) 94731-8869"]}]
    }
    path = tmp_path / "99-x.ipynb"
    path.write_text(json.dumps(nb))
    problems = audit_notebooks([path]).problems()
    assert len(problems) == 1 and "real subscriber" in problems["example"].iloc[0]


COUNTRIES = sorted(blocks())


@st.composite
def writings(draw):
    country = draw(st.sampled_from(COUNTRIES))
    owner = draw(st.sampled_from(COUNTRIES))
    allowed = (
        [s for s in STYLES if s != "as_is"] if owner == country else list(FOREIGN_STYLE_WEIGHTS)
    )
    style = draw(st.sampled_from(allowed))
    typo = draw(st.sampled_from(["", *TYPO_KINDS])) if style in TYPO_STYLES else ""
    block = blocks()[country]
    subscriber = draw(st.integers(0, block.capacity - 1))
    width = block.national_number_length - len(block.prefix)
    at = draw(st.floats(0, 1, exclude_max=True))
    return country, owner, style, typo, f"{block.e164_prefix}{subscriber:0{width}d}", at


@given(writings())
@settings(max_examples=400, deadline=None)
def test_every_writing_reads_back_to_a_synthetic_block_or_fails(case):
    country, owner, style, typo, number, at = case
    written = write_numbers([number], [country], [style], region=[owner], typo=[typo], typo_at=[at])
    e164, reason = normalise(written[0], owner)
    if e164 is not None:
        assert number_problems([e164], [bool(typo)])[0] == "", (written[0], owner, e164)
    if typo:
        assert e164 != number, (written[0], "a typo changes the number")
    elif style == "old_form" and country in ("BR", "MX"):
        assert e164 != number  # Brazil: the old eight-digit number; Mexico: 044 fails
    elif style == "digits_with_country_code" and country == "DE":
        assert reason == AMBIGUOUS
    else:
        assert e164 == number, (written[0], owner, reason)


def test_reading_is_independent_of_separators_and_repeats():
    raw = pd.Series(["07610 000001", "07610-000001", "Mum", "4915300000001", "+44 7610 000001"] * 3)
    region = pd.Series(["GB", "GB", "GB", "DE", "US"] * 3)
    fast = normalise_entries(raw, region)
    slow = [normalise(r, g) for r, g in zip(raw, region, strict=True)]
    assert fast[1].tolist() == [s[1] for s in slow]
    assert fast[0].fillna("").tolist() == [s[0] or "" for s in slow]
    assert np.unique(normalisation_calls(raw, region)[0]).size == 4


def test_arrow_reader_equals_the_series_reader_and_takes_one_region():
    """``normalise_arrow`` (Arrow in, Arrow out) gives ``normalise_entries``' answers.

    One region for every entry (a string) gives what the same region per entry gives,
    and texts with a "+" read the same under region "ZZ" (how the book builder calls it).
    """
    import pyarrow as pa

    from analysis.world.reading import normalise_arrow

    texts = ["07610 000001", "07610 000002", "(07610) 000003", "Mum", "", None, "+44 7610 000004"]
    raw = pd.Series(texts * 2, dtype=object)
    e164, reason = normalise_arrow(pa.array(texts * 2, pa.string()), "GB")
    series_e164, series_reason = normalise_entries(raw, pd.Series(["GB"] * len(raw)))
    assert e164.type == pa.large_string() and len(e164) == len(raw)
    assert e164.to_pylist() == series_e164.astype(object).where(series_e164.notna(), None).tolist()
    assert reason.tolist() == series_reason.tolist()
    assert reason.tolist()[:3] == ["ok", "ok", "ok"] and e164[1].as_py() == "+447610000002"
    plus = pa.array(["+44 7610 000004", "+447610000005"])
    assert normalise_arrow(plus, "ZZ")[0].to_pylist() == normalise_arrow(plus, "DE")[0].to_pylist()
