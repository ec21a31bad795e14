"""The synthetic phone scheme: never a real subscriber's number, still real to normalise."""

import numpy as np
import phonenumbers as pn
import pytest

from analysis.core import known_country_codes
from analysis.world import blocks, check_synthetic, draw_numbers, format_number, normalise


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
        draw_numbers("ES", 600_000, np.random.default_rng(1))
