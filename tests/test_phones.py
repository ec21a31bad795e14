"""The synthetic phone scheme: never a real subscriber's number, still real to normalise."""

import numpy as np
import phonenumbers as pn
import pytest

from analysis.core import ParameterError, known_country_codes, load
from analysis.world import (
    BLOCK_ROLES,
    WorldParams,
    all_blocks,
    allocated_types_in_block,
    block_role_of,
    blocks,
    check_numbers,
    check_synthetic,
    draw_numbers,
    format_number,
    max_people,
    normalise,
)


def test_every_country_has_a_block_with_room():
    table = blocks()
    assert set(table) == set(known_country_codes())
    for block in table.values():
        assert block.capacity >= 10**6


@pytest.mark.parametrize("country", known_country_codes())
def test_random_sample_of_each_block_is_possible_but_unallocated(country):
    # 20,000 numbers spread over the whole block, not just the ones a seed happens to draw
    nums = draw_numbers(country, 20_000, np.random.default_rng(99))
    assert check_synthetic(nums, [country] * len(nums)) == []


@pytest.mark.parametrize("country", known_country_codes())
def test_numbers_survive_national_and_international_writing(country):
    for e164 in draw_numbers(country, 200, np.random.default_rng(5)):
        for style in ("national", "international", "e164"):
            written = format_number(e164, style)
            assert normalise(written, country) == (e164, "ok"), (style, written)
        # written nationally, parsed from another country's phone: must need the country code
        assert (
            normalise(format_number(e164, "international"), "US" if country != "US" else "GB")[0]
            == e164
        )


def test_check_synthetic_catches_real_numbers_and_strays():
    real_gb_mobile = "+447911123456"  # valid per phonenumbers: could be a real subscriber
    assert pn.is_valid_number(pn.parse(real_gb_mobile))
    problems = check_synthetic(
        [real_gb_mobile, "+4476100", "+917610000000", "nonsense"], ["GB", "GB", "GB", "GB"]
    )
    assert len(problems) == 4
    assert "outside the synthetic block" in problems[0] or "VALID" in problems[0]


def test_draws_are_distinct_and_seeded():
    a = draw_numbers("ES", 50_000, np.random.default_rng(1))
    b = draw_numbers("ES", 50_000, np.random.default_rng(1))
    assert len(set(a)) == len(a)
    assert list(a) == list(b)


def test_oversized_request_is_refused():
    with pytest.raises(ValueError, match="synthetic block holds"):
        draw_numbers("ES", max_people("ES") + 1, np.random.default_rng(1))


@pytest.mark.parametrize(
    "block",
    all_blocks(),
    ids=lambda b: f"{b.country_code}-{b.role}-{b.prefix}-{b.national_number_length}",
)
def test_every_block_is_proved_unallocated_and_possible(block):
    # exact: no number-type pattern of any region sharing the calling code can match
    assert allocated_types_in_block(block) == []
    width = block.national_number_length - len(block.prefix)
    corners = [0, 1, block.capacity // 3, block.capacity - 1]
    numbers = [f"{block.e164_prefix}{s:0{width}d}" for s in corners]
    for number in numbers:
        parsed = pn.parse(number, None)
        assert pn.is_possible_number(parsed) and not pn.is_valid_number(parsed), number
    assert (block_role_of(numbers) != "").all()


def test_the_proof_finds_allocated_ranges():
    from analysis.world import PhoneBlock

    assert ("GB", "mobile") in allocated_types_in_block(PhoneBlock("GB", 44, 10, "791"))
    assert ("DE", "mobile") in allocated_types_in_block(PhoneBlock("DE", 49, 11, "153"))
    assert allocated_types_in_block(PhoneBlock("US", 1, 10, "212")) != []  # New York


def test_block_table_documents_every_block():
    table = load("phone_blocks")
    assert set(table["block_role"]) <= set(BLOCK_ROLES)
    assert (table["reason"].str.len() > 20).all()
    for row in table.itertuples():
        assert row.block_capacity == 10 ** (row.national_number_length - len(row.block_prefix))
    assert sum(b.role == "subscribers" for b in all_blocks()) == len(blocks())


def test_documented_maximum_population_fits_the_blocks():
    params = WorldParams(n_people=5_000_000)  # the documented maximum validates
    for code, share in params.country_shares().items():
        assert 5_000_000 * share * 1.01 < max_people(code), code
    with pytest.raises(ParameterError, match="n_people"):
        WorldParams(n_people=5_000_001)
    with pytest.raises(ParameterError, match="synthetic phone block numbers at most 2,500,000"):
        WorldParams(n_people=5_000_000, country_weights={"GB": 1.0})


def test_check_numbers_classifies_blocks_and_validity():
    out = check_numbers(["+447610000001", "+44761000001", "+552047318869", "+447911123456", None])
    assert out["block_role"].tolist() == ["subscribers", "typo", "old_form", "", ""]
    assert out["is_valid"].tolist() == [False, False, False, True, False]
    assert out["is_parsed"].tolist() == [True, True, True, True, False]
