"""Address books: writing styles, normalisation of tricky entries per country, contract."""

import numpy as np
import pandas as pd
import pytest

from analysis.world import (
    ADDRESS_BOOK,
    AMBIGUOUS,
    CONTACT_KINDS,
    FAILURE_REASONS,
    SHORT_CODE,
    STYLES,
    TEXT_COLUMNS,
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
    ),  # 00 read as carrier selection: wrong number (so the writer dials 0021 from Brazil)
    ("BR", "0021 55 20 94731 8869", NUMBER["BR"], "ok"),  # international prefix with carrier
    ("DE", "01530/4731886", NUMBER["DE"], "ok"),  # slash after the area code
    ("DE", "+49 (0)1530 4731886", NUMBER["DE"], "ok"),
    ("DE", "4915304731886", None, AMBIGUOUS),  # country code without +: both readings possible
    ("DE", "3311", None, SHORT_CODE),  # the mailbox code, not a number
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
    ("ID", "0091 500 473 1886", "+15004731886", "ok"),  # 009 is a prefix in Indonesia: wrong
    ("ID", "008 91 50047 31886", NUMBER["IN"], "ok"),  # so the writer dials 008
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
    """A domestic number written in any style normalises to itself, except the three
    documented cases: Brazil's old form (a number of the old-form block), Mexico's 044
    (not possible) and German digits with the country code (ambiguous)."""
    styles = [s for s in STYLES if s != "as_is"]
    raw = write_numbers(
        pd.Series([NUMBER[country]] * len(styles)),
        pd.Series([country] * len(styles)),
        pd.Series(styles),
    )
    e164, _ = normalise_entries(raw, pd.Series([country] * len(styles)))
    right = dict(zip(styles, (e164 == NUMBER[country]).fillna(False), strict=True))
    traps = {("BR", "old_form"), ("MX", "old_form"), ("DE", "digits_with_country_code")}
    for style in styles:
        assert right[style] == ((country, style) not in traps), (
            country,
            style,
            raw[styles.index(style)],
        )
    assert len(set(raw)) >= len(styles) - 2, "styles write differently"


def test_typos_change_the_number():
    nums = draw_numbers("GB", 50, np.random.default_rng(3))
    raw = write_numbers(
        pd.Series(nums),
        pd.Series(["GB"] * 50),
        pd.Series(["national_compact"] * 50),
        typo=["drop"] * 50,
        typo_at=np.random.default_rng(4).random(50),
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
    documented = {f.name: f.dtype for f in ADDRESS_BOOK.fields}
    assert book["owner_person_id"].dtype == np.int32
    assert str(book["owner_person_id"].dtype) == documented["owner_person_id"]
    assert str(book["contact_person_id"].dtype) == "Int32" == documented["contact_person_id"]
    for col in TEXT_COLUMNS:  # texts as sorted categories, as the data dictionary says
        assert documented[col] == "category", col
        dtype = book[col].dtype
        assert isinstance(dtype, pd.CategoricalDtype) and not dtype.ordered, col
        assert isinstance(dtype.categories.dtype, pd.StringDtype), col
        assert dtype.categories.is_monotonic_increasing and dtype.categories.is_unique, col
        assert book[col].cat.codes.dtype.itemsize <= 4, col  # int32 or narrower
        used = np.unique(book[col].cat.codes.to_numpy())
        assert (used[used >= 0] == np.arange(len(dtype.categories))).all(), col  # no unused
    assert list(book["contact_kind"].cat.categories) == list(CONTACT_KINDS)
    assert book["normalise_reason"].cat.categories[0] == "ok"
    allowed = {
        "ok",
        "not a possible number (wrong length)",
        AMBIGUOUS,
        SHORT_CODE,
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
    # a business/outside number typed without a typo never belongs to a person of the world
    right = ~ok["is_entry_typo"]
    assert right.sum() > 0
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


def test_books_of_some_owners_are_exactly_the_full_books():
    """``owners=`` skips writing other books; the kept books equal the full build's."""
    from analysis.world import WorldParams, generate_population
    from analysis.world.addressbook import build_address_book

    people = generate_population(WorldParams(n_people=500, seed=4))
    world = build_social_world(people, SocialParams(seed=4, median_ties=20))
    keep = np.zeros(len(people), dtype=bool)
    keep[::3] = True
    some = build_address_book(people, world.ties, world.params, owners=keep)
    full = world.address_book
    expect = full[keep[full["owner_person_id"].to_numpy()]].reset_index(drop=True)
    for col in TEXT_COLUMNS:  # a book's categories are the texts it holds
        expect[col] = expect[col].cat.remove_unused_categories()
    assert len(some) and set(some["owner_person_id"]) <= set(np.flatnonzero(keep))
    pd.testing.assert_frame_equal(some.reset_index(drop=True), expect)
    with pytest.raises(ValueError, match="owners must be a bool array of length 500"):
        build_address_book(people, world.ties, world.params, owners=keep[:10])
