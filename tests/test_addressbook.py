"""Address books: writing styles, normalisation of tricky entries per country, contract."""

import numpy as np
import pandas as pd
import pytest

from analysis.world import (
    ADDRESS_BOOK,
    CONTACT_KINDS,
    FAILURE_REASONS,
    STYLES,
    SocialParams,
    build_social_world,
    draw_numbers,
    normalisation_by_country,
    normalisation_summary,
    normalise,
    normalise_entries,
    write_numbers,
)

# One synthetic number per country (from the country's unallocated block).
NUMBER = {
    "IN": "+915004731886",
    "BR": "+5520947318869",
    "DE": "+4915304731886",
    "GB": "+447614731886",
    "US": "+12924731886",
    "ID": "+6280147318869",
    "MX": "+525014731886",
    "ES": "+34750473188",
}

# (owner country, as typed, expected E.164 or None, expected reason). Hand-written the
# way people save numbers; some normalise to a WRONG number, which is the point.
TRICKY = [
    ("IN", "05004 731 886", NUMBER["IN"], "ok"),
    ("IN", "+91 0500 473 1886", NUMBER["IN"], "ok"),  # trunk 0 kept after +91
    ("IN", "5004731886", NUMBER["IN"], "ok"),  # no trunk
    ("IN", "Papa", None, "not a number"),
    ("BR", "(20) 94731-8869", NUMBER["BR"], "ok"),  # area code in brackets
    ("BR", "0 21 20 94731-8869", NUMBER["BR"], "ok"),  # carrier code 21 before the area
    ("BR", "(20) 4731-8869", "+552047318869", "ok"),  # saved before the ninth digit: wrong number
    (
        "BR",
        "0055 20 94731 8869",
        "+20947318869",
        "ok",
    ),  # 00 read as carrier selection: wrong number
    ("DE", "01530/4731886", NUMBER["DE"], "ok"),  # slash after the area code
    ("DE", "+49 (0)1530 4731886", NUMBER["DE"], "ok"),
    ("DE", "4915304731886", "+494915304731886", "ok"),  # country code without +: wrong number
    ("DE", "015", None, "not a possible number (wrong length)"),
    ("DE", "0153", "+490153", "ok"),  # German lengths are loose: a fragment passes
    ("GB", "07614 731886", NUMBER["GB"], "ok"),
    ("GB", "+44 (0)7614 731886", NUMBER["GB"], "ok"),
    ("GB", "0044 7614-731-886", NUMBER["GB"], "ok"),
    ("GB", "07614 73188", "+44761473188", "ok"),  # a digit short is still possible: wrong
    ("US", "(292) 473-1886", NUMBER["US"], "ok"),
    ("US", "1-292-473-1886", NUMBER["US"], "ok"),
    ("US", "0044 7614 731886", None, "not a possible number (wrong length)"),  # US dials 011
    ("US", "011 44 7614 731886", NUMBER["GB"], "ok"),
    ("ID", "0801-4731-8869", NUMBER["ID"], "ok"),
    ("ID", "+62 0801 4731 8869", NUMBER["ID"], "ok"),
    ("ID", "62801 4731 8869", NUMBER["ID"], "ok"),
    ("MX", "501 473 1886", NUMBER["MX"], "ok"),
    ("MX", "044 501 473 1886", None, "not a possible number (wrong length)"),  # old mobile prefix
    ("MX", "+52 1 501 473 1886", None, "not a possible number (wrong length)"),  # old +52 1
    ("ES", "750 47 31 88", NUMBER["ES"], "ok"),
    ("ES", "0034 750473188", NUMBER["ES"], "ok"),
    ("ES", "34 750 47 31 88", NUMBER["ES"], "ok"),
    ("ES", "750 47 31 8", None, "not a possible number (wrong length)"),
]


@pytest.mark.parametrize(("region", "raw", "e164", "reason"), TRICKY)
def test_tricky_entries_per_country(region, raw, e164, reason):
    got_e164, got_reason = normalise_entries(pd.Series([raw]), pd.Series([region]))
    assert got_reason.iloc[0] == reason
    if e164 is None:
        assert pd.isna(got_e164.iloc[0])
    else:
        assert got_e164.iloc[0] == e164


def test_every_country_is_covered_by_tricky_entries():
    assert {r for r, *_ in TRICKY} == set(NUMBER)


@pytest.mark.parametrize("country", sorted(NUMBER))
def test_writing_styles_round_trip_at_home(country):
    """A domestic number written in any non-typo style normalises to itself, except the
    documented traps (old forms, 00 in countries with another IDD, missing '+')."""
    styles = [s for s in STYLES if not s.startswith("typo")]
    raw = write_numbers(
        pd.Series([NUMBER[country]] * len(styles)),
        pd.Series([country] * len(styles)),
        pd.Series(styles),
    )
    e164, _ = normalise_entries(raw, pd.Series([country] * len(styles)))
    right = dict(zip(styles, (e164 == NUMBER[country]).fillna(False), strict=True))
    traps = {"old_form", "idd_00", "missing_plus"}
    for style in set(styles) - traps:
        assert right[style], (country, style, raw[styles.index(style)])
    assert len(set(raw)) >= len(styles) - 3, "styles write differently"


def test_typos_change_the_number():
    nums = draw_numbers("GB", 50, np.random.default_rng(3))
    raw = write_numbers(
        pd.Series(nums), pd.Series(["GB"] * 50), pd.Series(["typo_dropped_digit"] * 50)
    )
    e164, _ = normalise_entries(raw, pd.Series(["GB"] * 50))
    assert not (e164.fillna("") == pd.Series(nums)).any()


def test_write_numbers_rejects_unknown_style():
    with pytest.raises(ValueError, match="unknown writing style"):
        write_numbers(pd.Series([NUMBER["GB"]]), pd.Series(["GB"]), pd.Series(["morse"]))


def test_distinct_normalisation_equals_per_entry(small_people):
    rng = np.random.default_rng(0)
    idx = rng.integers(0, len(small_people), 300)
    raw = write_numbers(
        small_people["phone_e164"].astype(str).iloc[idx].reset_index(drop=True),
        small_people["country_code"].astype(str).iloc[idx].reset_index(drop=True),
        pd.Series(rng.choice(STYLES, 300)),
    )
    region = pd.Series(rng.choice(sorted(NUMBER), 300))
    raw = pd.concat([raw, raw], ignore_index=True)  # repeats share one normalisation
    region = pd.concat([region, region], ignore_index=True)
    e164, reason = normalise_entries(raw, region)
    expected = [normalise(r, g) for r, g in zip(raw, region, strict=True)]
    assert reason.tolist() == [x[1] for x in expected]
    assert e164.fillna("").tolist() == [x[0] or "" for x in expected]


@pytest.fixture(scope="module")
def world(small_people):
    return build_social_world(small_people, SocialParams(seed=11, median_ties=30))


def test_address_book_matches_the_contract(world):
    book = world.address_book
    assert list(book.columns) == ADDRESS_BOOK.columns
    assert book["owner_person_id"].dtype == np.int64
    assert book["contact_person_id"].dtype == "Int64"
    for col in ("entry_label", "entry_raw", "entry_e164"):
        # categorical over Arrow strings: a 4-byte code per entry, each text stored once
        assert isinstance(book[col].dtype, pd.CategoricalDtype), col
        assert isinstance(book[col].cat.categories.dtype, pd.StringDtype), col
        assert book[col].cat.categories.is_unique, col
    assert list(book["contact_kind"].cat.categories) == list(CONTACT_KINDS)
    assert book["normalise_reason"].cat.categories[0] == "ok"
    allowed = {
        "ok",
        "not a possible number (wrong length)",
        *FAILURE_REASONS.values(),
        "does not parse",
    }
    assert set(book["normalise_reason"].astype(str)) <= allowed
    assert (book["entry_e164"].isna() == (book["normalise_reason"] != "ok")).all()
    assert book["entry_label"].notna().all() and (book["entry_label"].str.len() > 0).all()
    assert book["entry_raw"].notna().all()
    is_person = book["contact_kind"] == "person"
    assert book.loc[is_person, "contact_person_id"].notna().all()
    assert book.loc[~is_person, "contact_person_id"].isna().all()
    assert book["owner_person_id"].is_monotonic_increasing


def test_person_entries_are_ties_and_outside_numbers_are_outside(world):
    book = world.address_book
    n = world.n_people
    people_entries = book[book["contact_kind"] == "person"]
    key = people_entries["owner_person_id"].to_numpy() * n + people_entries[
        "contact_person_id"
    ].to_numpy(np.int64)
    a, b = world.ties["person_a_id"].to_numpy(), world.ties["person_b_id"].to_numpy()
    tie_keys = np.concatenate([a * n + b, b * n + a])
    assert np.isin(key, tie_keys).all()
    others = book[book["contact_kind"] != "person"]
    assert len(others) > 0
    ok = others[others["normalise_reason"] == "ok"]
    population = set(world.people["phone_e164"].astype(str))
    # a correctly typed business/outside number never belongs to a person of the world
    right = ok["entry_raw"].str.startswith("+")
    assert not ok.loc[right, "entry_e164"].isin(population).any()


def test_normalisation_share_and_reasons(world):
    summary = normalisation_summary(world.address_book)
    share = summary.set_index("outcome")["entry_share"]
    assert 0.9 < share["ok"] < 0.995
    assert share.drop("ok").sum() > 0.005
    assert summary["entry_count"].sum() == len(world.address_book)
    by_country = normalisation_by_country(world.address_book, world.people)
    assert set(by_country["country_code"]) == set(NUMBER)
    assert (by_country["person_right_number_share"] < by_country["person_normalised_share"]).all()
    reasons = set(summary["outcome"]) - {"ok"}
    assert {"not a number", "not a possible number (wrong length)"} <= reasons, "short codes fail"
    assert (by_country["person_right_number_share"] > 0.7).all()


def test_book_sizes_and_labels_look_like_phones(world):
    book = world.address_book
    sizes = book.groupby("owner_person_id").size()
    assert 15 < sizes.median() < 150
    labels = book["entry_label"].astype(str)
    patients = book[book["contact_kind"] == "person"]
    assert labels.str.startswith("Dr ").any(), "patients save their clinician as 'Dr K'"
    assert labels.isin(["Mum", "Mãe", "Mama", "Mom", "Mummy", "Ibu", "Mamá"]).any()
    dup = book.duplicated(["owner_person_id", "contact_person_id"], keep=False) & (
        book["contact_kind"] == "person"
    )
    assert dup.any(), "some contacts are saved twice"
    assert len(patients) > len(book) / 2


def test_inclusion_follows_tie_kind(world):
    book = world.address_book
    n = world.n_people
    saved = set(
        (book["owner_person_id"].to_numpy() * n)
        + book["contact_person_id"].fillna(-1).to_numpy(np.int64)
    )
    ties = world.ties
    rates = {}
    for kind in ("family", "friend"):
        t = ties[ties["tie_kind"] == kind]
        keys = t["person_a_id"].to_numpy() * n + t["person_b_id"].to_numpy()
        rates[kind] = np.mean([k in saved for k in keys[:3000]])
    p = world.params.address_book_inclusion
    assert abs(rates["family"] - p["family"]) < 0.05
    assert abs(rates["friend"] - p["friend"]) < 0.05


def test_who_holds_which_books(world):
    wa = world.whatsapp_address_books()
    people = world.people
    holders = people["is_whatsapp_user"] & (people["consent_state"] != "left_whatsapp")
    assert set(wa["owner_person_id"]) <= set(people.loc[holders, "person_id"])
    fb = world.facebook_uploaded_books()
    uploaders = world.person_attrs["uploads_contacts_to_facebook"]
    assert set(fb["owner_person_id"]) <= set(world.person_attrs.loc[uploaders, "person_id"])
    assert 0 < len(fb) < len(world.address_book)
