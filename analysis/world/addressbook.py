"""Phone address books written the way people type them, and their normalisation.

Each person's book lists the numbers of some of their ties (with a probability
by tie kind), of businesses and of people outside the synthetic population. A
number is *written* in one of several styles (:data:`STYLES`): E.164, spaced
international, ``00`` + country code, national with or without the trunk ``0``,
dashes, a country's old form (Mexico's ``044`` mobile prefix, Brazil's
eight-digit mobiles from before the ninth digit, ``+44 (0)``), the country code
without ``+``, or with a digit dropped or doubled. Numbers of foreign contacts are
sometimes saved without their country code. Labels are what people save: "Mum",
"Dr K", first names, nicknames.

Every entry is then normalised with :func:`analysis.world.normalise` using the
owner's country as the default region, resolved once per writing pattern
(:func:`analysis.world.normalise_entries`). Every writing is safe: it reads back to a
synthetic block or fails (:mod:`analysis.world.writing`).

>>> from analysis.world import normalise_entries
>>> normalise_entries(pd.Series(["07610 000001", "Mum", "+49 1530 0000001", "3311"]),
...                   pd.Series(["GB", "GB", "GB", "DE"]))[1].tolist()
['ok', 'not a number', 'ok', 'short code (service or emergency number)']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from analysis.core.seeds import stream
from analysis.world.phones import blocks, draw_numbers
from analysis.world.reading import normalise_entries
from analysis.world.writing import (
    DOMESTIC_STYLE_WEIGHTS,
    FOREIGN_STYLE_WEIGHTS,
    IDD_PREFIX,
    STYLES,
    TYPO_STYLES,
    write_numbers,
)

if TYPE_CHECKING:  # pragma: no cover
    from analysis.world.params import SocialParams

__all__ = [
    "BUSINESS_LABELS",
    "CONTACT_KINDS",
    "FAMILY_LABELS",
    "SERVICE_CODES",
    "build_address_book",
    "empty_address_book",
    "normalisation_by_country",
    "normalisation_summary",
]


CONTACT_KINDS = ("person", "business", "outside")


#: Carrier and emergency short codes people save (label, code as typed), per country.
#: They are not phone numbers: normalisation fails (not a possible number, or a short
#: code of the owner's country, as Germany's "3311" is).
SERVICE_CODES = {
    "IN": [("Balance", "*123#"), ("Customer care", "198"), ("Voicemail", "121")],
    "BR": [("Saldo", "*144"), ("Operadora", "1058"), ("Caixa postal", "*100")],
    "DE": [("Mailbox", "3311"), ("Notruf", "112"), ("Guthaben", "*100#")],
    "GB": [("Voicemail", "121"), ("NHS", "111"), ("Top up", "*100#")],
    "US": [("Voicemail", "*86"), ("Customer care", "611"), ("Info", "411")],
    "ID": [("Cek pulsa", "*888#"), ("CS", "363"), ("Darurat", "112")],
    "MX": [("Saldo", "*133#"), ("Atención", "*611"), ("Emergencias", "911")],
    "ES": [("Buzón", "22123"), ("Emergencias", "112"), ("Saldo", "*111#")],
}


#: Labels saved for relatives, per country (a few common forms).
FAMILY_LABELS = {
    "IN": ["Mummy", "Papa", "Bhaiya", "Didi", "Maa"],
    "BR": ["Mãe", "Pai", "Vó", "Tia", "Mana"],
    "DE": ["Mama", "Papa", "Oma", "Bruder", "Tante"],
    "GB": ["Mum", "Dad", "Nan", "Sis", "Bro"],
    "US": ["Mom", "Dad", "Grandma", "Sis", "Bro"],
    "ID": ["Ibu", "Bapak", "Kakak", "Adik", "Om"],
    "MX": ["Mamá", "Papá", "Abuela", "Tía", "Carnal"],
    "ES": ["Mamá", "Papá", "Abuela", "Tía", "Hermano"],
}


#: Business labels (generic words people save), drawn for each business.
BUSINESS_LABELS = np.array(
    [
        "Pizza",
        "Taxi",
        "Bank",
        "Dentist",
        "Pharmacy",
        "Plumber",
        "Hairdresser",
        "Garage",
        "Vet",
        "Gym",
        "School office",
        "Landlord",
        "Electrician",
        "Delivery",
        "Doctor surgery",
        "Insurance",
        "Cleaner",
        "Hotel",
        "Restaurant",
        "Internet support",
    ],
    dtype=object,
)


def empty_address_book() -> pd.DataFrame:
    """Return an address-book frame with no rows and the documented dtypes."""
    return pd.DataFrame(
        {
            "owner_person_id": pd.Series([], dtype="int64"),
            "entry_label": pd.Series([], dtype="string"),
            "entry_raw": pd.Series([], dtype="string"),
            "contact_person_id": pd.Series([], dtype="Int64"),
            "contact_kind": pd.Categorical([], categories=list(CONTACT_KINDS)),
            "entry_style": pd.Categorical([], categories=list(STYLES)),
            "is_entry_typo": pd.Series([], dtype="bool"),
            "entry_e164": pd.Series([], dtype="string"),
            "normalise_reason": pd.Categorical([], categories=["ok"]),
        }
    )


def _pick(rng: np.random.Generator, weights: dict, n: int) -> np.ndarray:
    names = np.array(list(weights), dtype=object)
    p = np.array(list(weights.values()), dtype=float)
    return names[rng.choice(names.size, size=n, p=p / p.sum())]


def _outside_pools(people: pd.DataFrame, params: SocialParams) -> dict[str, dict[str, np.ndarray]]:
    """Per country: business and outside numbers (synthetic, none in the population)."""
    pools = {}
    population = people["phone_e164"].astype(str).to_numpy(dtype=object)
    counts = people["country_code"].astype(str).value_counts()
    for code in sorted(counts.index):
        n_c = int(counts[code])
        n_business = max(10, n_c // 40)
        n_outside = max(20, n_c // 2)
        cap = blocks()[code].capacity // 4
        want = min(n_business + n_outside + n_c // 10 + 50, cap)
        drawn = draw_numbers(code, want, stream(params.seed, f"addressbook:pool:{code}"))
        drawn = drawn[~pd.Series(drawn).isin(population).to_numpy()]
        n_business = min(n_business, drawn.size // 3)
        pools[code] = {
            "business": drawn[:n_business],
            "outside": drawn[n_business : n_business + n_outside],
        }
    return pools


def _labels_for_people(rng, owner_country, first, last, kind, owner_is_a, n) -> np.ndarray:
    """Label under which each person contact is saved, from tie kind and side.

    Strings are built only for the rows that use each form, so memory stays near
    one label per entry.
    """

    def initial(idx):
        return pd.Series(last[idx], dtype=object).str.slice(0, 1).to_numpy(dtype=object)

    def nick(idx):
        return pd.Series(first[idx], dtype=object).str.slice(0, 4).to_numpy(dtype=object)

    def full(idx):
        return first[idx] + " " + last[idx]

    u = rng.random(n)
    label = first.copy()  # 45%: first name only
    for lo, hi, form in ((0.45, 0.85, full), (0.85, 0.93, nick)):
        idx = np.flatnonzero((u >= lo) & (u < hi))
        label[idx] = form(idx)
    idx = np.flatnonzero(u >= 0.93)
    label[idx] = first[idx] + " " + initial(idx) + "."
    del u, idx
    fam = kind == "family"
    if fam.any():
        fam_idx = np.flatnonzero(fam & (rng.random(n) < 0.35))
        for code, words in FAMILY_LABELS.items():  # 8 countries
            sel = fam_idx[owner_country[fam_idx] == code]
            label[sel] = np.array(words, dtype=object)[rng.integers(0, len(words), sel.size)]
    work = np.flatnonzero((kind == "work") & (rng.random(n) < 0.3))
    label[work] = first[work] + " work"
    # the patient/client/source (side b) saves the professional (side a)
    client_side = ~owner_is_a
    doc = np.flatnonzero((kind == "patient_clinician") & client_side)
    label[doc] = np.where(rng.random(doc.size) < 0.6, "Dr " + initial(doc), "Dr " + last[doc])
    law = np.flatnonzero((kind == "client_lawyer") & client_side)
    label[law] = np.where(rng.random(law.size) < 0.5, "Lawyer " + last[law], full(law))
    sw = np.flatnonzero((kind == "client_sex_worker") & client_side)
    label[sw] = np.where(rng.random(sw.size) < 0.5, initial(sw), nick(sw))
    src = np.flatnonzero((kind == "source_journalist") & owner_is_a)
    label[src] = np.where(rng.random(src.size) < 0.5, "S " + initial(src), nick(src))
    ex = np.flatnonzero(kind == "ex_partner")
    label[ex] = np.where(
        rng.random(ex.size) < 0.3,
        "Ex",
        np.where(rng.random(ex.size) < 0.5, "Don't answer", first[ex]),
    )
    return label


def build_address_book(
    people: pd.DataFrame,
    ties: pd.DataFrame,
    params: SocialParams,
    *,
    owners: np.ndarray | None = None,
) -> pd.DataFrame:
    """Every person's phone address book, typed and normalised (:data:`ADDRESS_BOOK`).

    Entries are held as integer codes (owner, number id, style) until the end:
    each distinct (number, style) is written once and each distinct (writing,
    owner country) normalised once, then mapped back, so memory and time grow with
    the distinct writings rather than with the entries.

    Parameters
    ----------
    people : pandas.DataFrame
        The population.
    ties : pandas.DataFrame
        :data:`analysis.world.TIES`.
    params : SocialParams
        Inclusion probabilities, businesses/outside numbers per book, typo and
        duplicate shares, seed.
    owners : numpy.ndarray of bool, optional
        Keep only these people's books (one flag per person). Every random draw is made
        as for the whole population and only the writing and normalisation are skipped
        for the others, so each kept book is exactly the one the full build gives.
    """
    n = len(people)
    rng = stream(params.seed, "addressbook:entries")
    country = people["country_code"].astype(str).to_numpy(dtype=object)
    phone = people["phone_e164"].astype(str).to_numpy(dtype=object)
    first = people["first_name"].astype(str).to_numpy(dtype=object)
    last = people["last_name"].astype(str).to_numpy(dtype=object)

    # --- person contacts: each side of a tie keeps the other's number independently
    a = ties["person_a_id"].to_numpy(np.int64)
    b = ties["person_b_id"].to_numpy(np.int64)
    kind_cat = pd.Categorical(ties["tie_kind"])
    kind = (
        np.asarray(kind_cat.categories, dtype=object)[kind_cat.codes]
        if len(ties)
        else np.empty(0, object)
    )
    incl_by_code = np.array([params.address_book_inclusion[str(k)] for k in kind_cat.categories])
    incl = incl_by_code[kind_cat.codes] if len(ties) else np.empty(0)
    keep_a = rng.random(a.size) < incl  # a's phone holds b
    keep_b = rng.random(a.size) < incl
    owner = np.concatenate([a[keep_a], b[keep_b]])
    contact = np.concatenate([b[keep_a], a[keep_b]])
    pkind = np.concatenate([kind[keep_a], kind[keep_b]])
    owner_is_a = np.concatenate(
        [np.ones(int(keep_a.sum()), bool), np.zeros(int(keep_b.sum()), bool)]
    )
    del a, b, kind, incl, keep_a, keep_b
    p_label = _labels_for_people(
        rng, country[owner], first[contact], last[contact], pkind, owner_is_a, owner.size
    )
    del pkind, owner_is_a

    # Numbers are ids into one table: people's phones, then business and outside
    # pools, then service codes.
    table_numbers = [phone]
    table_country = [country]
    pools = _outside_pools(people, params)
    offset = n
    pool_offset = {}
    for code in pools:
        for what in ("business", "outside"):
            pool_offset[code, what] = offset
            table_numbers.append(pools[code][what])
            table_country.append(np.full(pools[code][what].size, code, dtype=object))
            offset += pools[code][what].size

    parts = {  # per entry: owner, label, number id, contact (-1 = none), contact kind code
        "owner": [owner],
        "label": [p_label],
        "number": [contact.copy()],
        "contact": [contact],
        "kind": [np.zeros(owner.size, np.int8)],
    }
    for what, mean in (
        ("business", params.businesses_per_book),
        ("outside", params.outside_per_book),
    ):
        r = stream(params.seed, f"addressbook:{what}")
        k = r.poisson(mean, n)
        own = np.repeat(np.arange(n, dtype=np.int64), k)
        # outside contacts are sometimes abroad; businesses are local
        ncountry = country[own].copy()
        if what == "outside":
            codes = np.array(sorted(pools), dtype=object)
            abroad = r.random(own.size) < 0.1
            ncountry[abroad] = codes[r.integers(0, codes.size, int(abroad.sum()))]
        number = np.full(own.size, -1, dtype=np.int64)
        label = np.empty(own.size, dtype=object)
        for code in pools:  # 8 countries
            sel = np.flatnonzero(ncountry == code)
            pool = pools[code][what]
            if pool.size == 0:
                continue
            # popular businesses and people are saved by many: Zipf-like popularity
            ranks = np.arange(1, pool.size + 1, dtype=float)
            p = ranks**-0.8 if what == "business" else np.ones(pool.size)
            pick = r.choice(pool.size, size=sel.size, p=p / p.sum())
            number[sel] = pool_offset[code, what] + pick
            if what == "business":
                label[sel] = BUSINESS_LABELS[pick % BUSINESS_LABELS.size]
            else:
                # a name from someone of that country, not a person in the population
                donor_f = np.flatnonzero(country == code)
                if donor_f.size:
                    label[sel] = first[donor_f[r.integers(0, donor_f.size, sel.size)]]
                else:
                    label[sel] = "Unknown"
        keep = number >= 0
        parts["owner"].append(own[keep])
        parts["label"].append(label[keep])
        parts["number"].append(number[keep])
        parts["contact"].append(np.full(int(keep.sum()), -1, np.int64))
        kind_code = CONTACT_KINDS.index(what)
        parts["kind"].append(np.full(int(keep.sum()), kind_code, np.int8))
    s_owner, s_label, s_codes, s_country = _service_entries(country, params)
    parts["owner"].append(s_owner)
    parts["label"].append(s_label)
    parts["number"].append(offset + np.arange(s_codes.size, dtype=np.int64))
    parts["contact"].append(np.full(s_owner.size, -1, np.int64))
    parts["kind"].append(np.full(s_owner.size, CONTACT_KINDS.index("business"), np.int8))
    table_numbers.append(s_codes)
    table_country.append(s_country)
    numbers = np.concatenate(table_numbers)
    number_country = np.concatenate(table_country)
    entry = {key: np.concatenate(value) for key, value in parts.items()}
    del parts, table_numbers, table_country

    # --- duplicates: some entries saved twice
    r = stream(params.seed, "addressbook:writing")
    dup = np.flatnonzero(r.random(entry["owner"].size) < params.duplicate_entry_share)
    if dup.size:
        suffix = np.where(r.random(dup.size) < 0.5, " 2", " (old)")
        dup_label = entry["label"][dup].astype(str).astype(object) + suffix.astype(object)
        for key in entry:
            extra = dup_label if key == "label" else entry[key][dup]
            entry[key] = np.concatenate([entry[key], extra])
    order = np.argsort(entry["owner"], kind="stable")
    entry = {key: value[order] for key, value in entry.items()}
    del order

    # --- how each number is typed
    owner_country = country[entry["owner"]]
    m = owner_country.size
    domestic = number_country[entry["number"]] == owner_country
    style = np.where(
        domestic,
        _pick(r, DOMESTIC_STYLE_WEIGHTS, m),
        _pick(r, FOREIGN_STYLE_WEIGHTS, m),
    ).astype(object)
    typo = r.random(m) < params.typo_share
    typo_kind = np.full(m, "", dtype=object)
    typo_kind[typo] = np.where(r.random(int(typo.sum())) < 0.5, "drop", "double")
    is_service = ~pd.Series(numbers).str.startswith("+").to_numpy(dtype=bool)
    style[is_service[entry["number"]]] = "as_is"
    typo_kind[~np.isin(style, TYPO_STYLES)] = ""  # an old form or a code is kept as saved
    typo_at = r.random(m)
    if owners is not None:  # every draw is made; only the kept books are written
        owners = np.asarray(owners, dtype=bool)
        if owners.shape != (n,):
            raise ValueError(f"owners must be a bool array of length {n}, got {owners.shape}")
        kept = owners[entry["owner"]]
        entry = {key: value[kept] for key, value in entry.items()}
        owner_country, style = owner_country[kept], style[kept]
        typo_kind, typo_at = typo_kind[kept], typo_at[kept]
    raw_texts, raw_id = _write_distinct(
        entry["number"], numbers, number_country, style, owner_country, typo_kind, typo_at
    )
    del domestic, typo, typo_at
    e164, reason_codes, reasons = _normalise_ids(raw_texts, raw_id, owner_country)

    contact = entry["contact"]
    return pd.DataFrame(
        {
            "owner_person_id": entry["owner"].astype(np.int64),
            "entry_label": pd.array(entry["label"], dtype="string"),
            "entry_raw": pd.array(raw_texts, dtype="string").take(raw_id),
            "contact_person_id": pd.arrays.IntegerArray(
                np.where(contact < 0, 0, contact), contact < 0
            ),
            "contact_kind": pd.Categorical.from_codes(
                entry["kind"], categories=list(CONTACT_KINDS)
            ),
            "entry_style": pd.Categorical(style, categories=list(STYLES)),
            "is_entry_typo": typo_kind != "",
            "entry_e164": e164,
            "normalise_reason": pd.Categorical.from_codes(reason_codes, categories=reasons),
        }
    )


def _normalise_ids(raw_texts: np.ndarray, raw_id: np.ndarray, region: np.ndarray):
    """Normalise entries given as ids into ``raw_texts`` with a default region each.

    Returns ``(e164, reason_codes, reasons)``: a string array per entry, and codes into
    ``reasons`` (``"ok"`` first, then the failure reasons sorted).
    """
    r_codes, r_uniques = pd.factorize(region)
    width = max(len(r_uniques), 1)
    key = raw_id.astype(np.int64) * width + r_codes
    uniq, inverse = np.unique(key, return_inverse=True)
    e164_u, reason_u = normalise_entries(
        pd.Series(raw_texts[uniq // width]),
        pd.Series(np.asarray(r_uniques, dtype=object)[uniq % width]),
    )
    reason_u = reason_u.to_numpy(dtype=object)
    reasons = ["ok", *sorted(set(reason_u.tolist()) - {"ok"})]
    code_u = pd.Categorical(reason_u, categories=reasons).codes.astype(np.int8)
    pick = inverse.ravel()
    return e164_u.array.take(pick), code_u[pick], reasons


def _service_entries(country: np.ndarray, params: SocialParams):
    """Short codes (voicemail, balance, emergency) saved in books: ``business`` entries.

    Returns ``(owner, label, code, code_country)`` arrays, one per entry.
    """
    r = stream(params.seed, "addressbook:service")
    n = country.size
    k = r.poisson(params.service_codes_per_book, n)
    own = np.repeat(np.arange(n, dtype=np.int64), k)
    label = np.empty(own.size, dtype=object)
    code = np.empty(own.size, dtype=object)
    pick = r.integers(0, 3, own.size)
    for c, options in SERVICE_CODES.items():  # 8 countries
        sel = np.flatnonzero(country[own] == c)
        label[sel] = np.array([o[0] for o in options], dtype=object)[pick[sel]]
        code[sel] = np.array([o[1] for o in options], dtype=object)[pick[sel]]
    return own, label, code, country[own]


def _write_distinct(
    number_id: np.ndarray,
    numbers: np.ndarray,
    number_country: np.ndarray,
    style: np.ndarray,
    owner_country: np.ndarray,
    typo_kind: np.ndarray,
    typo_at: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`write_numbers` on each distinct (number, style, call prefix) once; typos each.

    Returns ``(texts, ids)``: the writings and, per entry, its index.
    """
    idd = np.array([IDD_PREFIX.get(c, "00") for c in owner_country.tolist()], dtype=object)
    s_codes, s_uniques = pd.factorize(pd.Series(style, dtype=object) + "|" + idd)
    width = max(len(s_uniques), 1)
    clean = typo_kind == ""
    key = np.where(clean, number_id.astype(np.int64) * width + s_codes, -1)
    uniq, inverse = np.unique(key[clean], return_inverse=True)
    first = np.flatnonzero(clean)[np.unique(inverse, return_index=True)[1]]
    typo_rows = np.flatnonzero(~clean)
    rows = np.concatenate([first, typo_rows])  # one representative entry per writing
    written = write_numbers(
        pd.Series(numbers[number_id[rows]]),
        number_country[number_id[rows]],
        style[rows],
        region=owner_country[rows],
        typo=typo_kind[rows],
        typo_at=typo_at[rows],
    ).to_numpy(dtype=object)
    ids = np.empty(number_id.size, dtype=np.int64)
    ids[clean] = inverse.ravel()
    ids[typo_rows] = uniq.size + np.arange(typo_rows.size)
    return written, ids


def normalisation_summary(book: pd.DataFrame) -> pd.DataFrame:
    """Share of entries per normalisation outcome, split into correct/incorrect numbers.

    Columns ``outcome``, ``entry_count``, ``entry_share``. ``ok (right number)``
    means the normalised number is the contact's true number (checked for person
    contacts; businesses and outside numbers are checked against the number written).
    """
    reason = book["normalise_reason"].astype(str)
    counts = reason.value_counts()
    out = pd.DataFrame({"outcome": counts.index, "entry_count": counts.to_numpy(np.int64)})
    out["entry_share"] = out["entry_count"] / max(len(book), 1)
    return out.sort_values(["entry_count", "outcome"], ascending=[False, True], ignore_index=True)


def normalisation_by_country(book: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """Summarise normalisation per owner country.

    Entries and share normalised; for entries of people in the population, share
    normalised and share normalised to that person's real number.
    """
    country = people["country_code"].astype(str).to_numpy(dtype=object)
    phone = people["phone_e164"].astype(str).to_numpy(dtype=object)
    owner_country = country[book["owner_person_id"].to_numpy()]
    ok = (book["normalise_reason"].astype(str) == "ok").to_numpy()
    is_person = book["contact_person_id"].notna().to_numpy()
    contact = book["contact_person_id"].fillna(0).to_numpy(np.int64)
    right = (
        ok
        & is_person
        & (book["entry_e164"].fillna("").astype(str).to_numpy(dtype=object) == phone[contact])
    )
    frame = pd.DataFrame(
        {
            "country_code": owner_country,
            "ok": ok,
            "person": is_person,
            "right": right,
            "person_ok": ok & is_person,
        }
    )
    g = frame.groupby("country_code")
    out = pd.DataFrame(
        {
            "entry_count": g.size().astype(np.int64),
            "normalised_share": g["ok"].mean(),
            "person_entry_count": g["person"].sum().astype(np.int64),
        }
    )
    people_n = out["person_entry_count"].where(out["person_entry_count"] > 0)
    out["person_normalised_share"] = g["person_ok"].sum() / people_n
    out["person_right_number_share"] = g["right"].sum() / people_n
    return out.reset_index()
