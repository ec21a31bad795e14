"""Marketing-API normalisation, SHA-256 hashing and reversal by enumeration."""

import hashlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.effects.hashing import (
    MOBILE_RANGES,
    block_keys,
    email_match_key,
    enumeration_time,
    normalise_emails,
    normalise_phones,
    order_of_magnitude,
    phone_match_key,
    reverse_by_enumeration,
    sha256_hex,
    sha256_one,
)
from analysis.world import blocks

# (raw as typed, customer's country, expected key) -- written by hand from each
# country's synthetic block (data/reference/phone_blocks.csv) and national format.
OK_CASES = [
    # India: 10 digits, block 500
    ("05001 234 567", "IN", "915001234567"),
    ("+91 5001 234 567", "IN", "915001234567"),
    ("5001234567", "IN", "915001234567"),
    ("0091 5001234567", "IN", "915001234567"),
    # Brazil: 11 digits, area code 20, mobile 9
    ("(20) 91234-5678", "BR", "5520912345678"),
    ("020 91234 5678", "BR", "5520912345678"),
    ("+55 20 91234-5678", "BR", "5520912345678"),
    ("002155 20 91234-5678", "BR", "5520912345678"),
    # Germany: 11 digits, block 1530
    ("01530 1234567", "DE", "4915301234567"),
    ("+49 1530 1234567", "DE", "4915301234567"),
    ("0049 15301234567", "DE", "4915301234567"),
    # United Kingdom: 10 digits, block 761
    ("07610 000001", "GB", "447610000001"),
    ("+44 (0)7610 000001", "GB", "447610000001"),
    ("0044 7610 000001", "GB", "447610000001"),
    ("447610000001", "GB", "447610000001"),
    ("7610 000001", "GB", "447610000001"),
    # United States: 10 digits, area code 292
    ("(292) 555-0123", "US", "12925550123"),
    ("+1 292-555-0123", "US", "12925550123"),
    ("011 1 292 555 0123", "US", "12925550123"),
    ("1-292-555-0123", "US", "12925550123"),
    # Indonesia: 11 digits, block 801
    ("0801-1234-5678", "ID", "6280112345678"),
    ("+62 801 1234 5678", "ID", "6280112345678"),
    ("008 62 801 1234 5678", "ID", "6280112345678"),
    # Mexico: 10 digits, block 501
    ("501 123 4567", "MX", "525011234567"),
    ("+52 501 123 4567", "MX", "525011234567"),
    # Spain: 9 digits, block 750
    ("750 12 34 56", "ES", "34750123456"),
    ("+34 750123456", "ES", "34750123456"),
    ("0034 750 12 34 56", "ES", "34750123456"),
    # digits with the country code but no "+": German lengths allow both readings,
    # and the upload format carries the country code (issue 14)
    ("4915300218409", "DE", "4915300218409"),
    ("49 1530 0218409", "DE", "4915300218409"),
    # a foreign number written in full is read as foreign, whatever the customer's country
    ("+44 7610 000001", "DE", "447610000001"),
    ("+91 5001 234 567", "US", "915001234567"),
]

FAIL_CASES = [
    (None, "GB", "missing"),
    (float("nan"), "GB", "missing"),
    ("", "GB", "empty"),
    ("   ", "IN", "empty"),
    ("Mum", "GB", "not a number"),
    ("n/a", "BR", "not a number"),
    ("+999 123 4567", "GB", "unknown country code"),
    ("0761 00", "GB", "not a possible number (wrong length)"),
    ("07700 9001", "GB", "not a possible number (wrong length)"),
    ("0153", "DE", "not a possible number (wrong length)"),
    ("+49 1", "DE", "too short"),
    ("292-555-012", "US", "not a possible number (wrong length)"),
    ("750 12 34 5", "ES", "not a possible number (wrong length)"),
    ("+91 5001 2345 6789 0123 456", "IN", "too long"),
    ("0801 12", "ID", "not a possible number (wrong length)"),
]


@pytest.mark.parametrize(("raw", "region", "expected"), OK_CASES)
def test_phone_normalisation_by_country(raw, region, expected):
    key, reason = phone_match_key(raw, region)
    assert (key, reason) == (expected, "ok")


@pytest.mark.parametrize(("raw", "region", "reason"), FAIL_CASES)
def test_phone_normalisation_failures_say_why(raw, region, reason):
    assert phone_match_key(raw, region) == (None, reason)


def test_every_country_has_hand_written_cases():
    assert {r for _, r, _ in OK_CASES} == set(blocks())


def test_german_key_for_every_writing_style():
    """The customer's own E.164 digits, for every country, style and block corner."""
    from analysis.world import STYLES, blocks, write_numbers

    for country, block in blocks().items():
        subscribers = [0, 1, block.capacity // 2, block.capacity - 1]
        width = block.national_number_length - len(block.prefix)
        numbers = [f"{block.e164_prefix}{s:0{width}d}" for s in subscribers]
        for style in STYLES:
            if style in ("as_is", "old_form"):  # not a customer's style (old forms differ)
                continue
            written = write_numbers(numbers, [country] * 4, [style] * 4)
            for number, raw in zip(numbers, written, strict=True):
                assert phone_match_key(raw, country) == (number[1:], "ok"), (country, style, raw)


def test_unknown_region_is_a_clear_error():
    with pytest.raises(ValueError, match="default_region = 'XX'"):
        phone_match_key("07610 000001", "XX")
    with pytest.raises(ValueError, match="default_region"):
        normalise_phones(["1"], ["gb"])


def test_vectorised_normalisation_equals_one_by_one():
    raw = [c[0] for c in OK_CASES + FAIL_CASES] * 2
    regions = [c[1] for c in OK_CASES + FAIL_CASES] * 2
    out = normalise_phones(raw, regions)
    expected = [phone_match_key(r, g) for r, g in zip(raw, regions, strict=True)]
    assert out["reason"].tolist() == [why for _, why in expected]
    keys = [
        None if pd_na else k
        for k, pd_na in zip(out["match_key"].tolist(), out["match_key"].isna(), strict=True)
    ]
    assert keys == [k for k, _ in expected]


def test_vectorised_normalisation_checks_lengths():
    with pytest.raises(ValueError, match="regions has 1 values but raw has 2"):
        normalise_phones(["1", "2"], ["GB"])


@given(st.text(max_size=25), st.sampled_from(sorted(blocks())))
@settings(max_examples=200, deadline=None)
def test_phone_keys_are_digits_without_leading_zero(raw, region):
    key, reason = phone_match_key(raw, region)
    if reason == "ok":
        assert key.isdigit() and key[0] != "0"
    else:
        assert key is None and reason


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ana.silva@example.org", ("ana.silva@example.org", "ok")),
        ("  Ana.Silva@Example.ORG\t", ("ana.silva@example.org", "ok")),
        ("RAVI.K@EXAMPLE.NET", ("ravi.k@example.net", "ok")),
        (None, (None, "missing")),
        ("  ", (None, "empty")),
        (
            "ana.silva(at)example.org",
            (None, "not an email address (needs one @ and a dotted domain)"),
        ),
        ("a@b@example.org", (None, "not an email address (needs one @ and a dotted domain)")),
        ("ana@localhost", (None, "not an email address (needs one @ and a dotted domain)")),
    ],
)
def test_email_normalisation(raw, expected):
    assert email_match_key(raw) == expected
    vector = normalise_emails([raw])
    assert vector["reason"].iloc[0] == expected[1]
    assert (
        None if vector["match_key"].isna().iloc[0] else vector["match_key"].iloc[0]
    ) == expected[0]


def test_sha256_against_known_digests():
    # FIPS 180-2 test vectors, and the Marketing API's own example key hashed independently
    assert sha256_one("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert sha256_one("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert sha256_hex(["447700900123"])[0] == hashlib.sha256(b"447700900123").hexdigest()
    assert sha256_hex(["447700900123"])[0] == (
        "033134b911b137918338415ee3d20a064b24773d36a3b02e8b99fdd3fcd6b4cd"
    )


def test_sha256_hex_keeps_missing_and_order():
    out = sha256_hex(["b", None, "a", "b"])
    assert out[1] is None
    assert out[0] == out[3] == hashlib.sha256(b"b").hexdigest()
    assert out[2] == hashlib.sha256(b"a").hexdigest()
    assert all(len(h) == 64 and h == h.lower() for h in out if h is not None)


def test_block_keys_are_the_block_numbers():
    block = blocks()["GB"]
    keys = block_keys("GB", 123_456, 123_460).tolist()
    assert keys[0] == b"447610123456" and keys[-1] == b"447610123459"
    for key in keys:
        key, reason = phone_match_key("+" + key.decode(), "GB")
        assert reason == "ok" and key.startswith(f"{block.calling_code}{block.prefix}")
    with pytest.raises(ValueError, match="outside the GB synthetic block"):
        block_keys("GB", 0, block.capacity + 1)


@pytest.mark.parametrize("chunk_size", [1_000, 7_777, 20_000])
def test_reversal_recovers_every_target_in_the_block(chunk_size):
    rng = np.random.default_rng(5)
    subscribers = rng.choice(20_000, size=40, replace=False)
    keys = [f"34750{s:06d}" for s in subscribers]
    outside = ["34750999999", "447610000001"]  # not in the enumerated range
    targets = sha256_hex(keys + outside)
    result = reverse_by_enumeration(targets, "ES", start=0, stop=20_000, chunk_size=chunk_size)
    assert result.numbers_hashed == 20_000
    assert result.recovered == dict(zip(targets[:40], keys, strict=True))
    assert all(h not in result.recovered for h in targets[40:])
    assert result.hashes_per_second > 0


def test_reversal_rejects_bad_input():
    with pytest.raises(ValueError, match="no synthetic block"):
        reverse_by_enumeration([], "FR")
    with pytest.raises(ValueError, match="chunk_size"):
        reverse_by_enumeration([], "ES", chunk_size=0)


def test_enumeration_time_arithmetic():
    r = enumeration_time(2e6, "IN")
    assert r["numbers"] == 4 * 10**9
    assert r["seconds"] == pytest.approx(2_000)
    assert r["hours"] == pytest.approx(2_000 / 3600)
    assert enumeration_time(2e6, "IN", cores=4)["seconds"] == pytest.approx(500)
    assert set(MOBILE_RANGES) == set(blocks())
    with pytest.raises(ValueError, match="hashes_per_second"):
        enumeration_time(0, "IN")
    with pytest.raises(ValueError, match="no mobile-range assumption"):
        enumeration_time(1e6, "FR")


def test_order_of_magnitude():
    assert order_of_magnitude(999_999) == "10^6"
    assert order_of_magnitude(3.2e5) == "10^6"
    assert order_of_magnitude(3.1e5) == "10^5"
    with pytest.raises(ValueError):
        order_of_magnitude(0)
