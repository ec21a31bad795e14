"""The address-book builder as it was at commit 639d931, kept as the reference.

``tests/test_addressbook_codes.py`` requires :func:`analysis.world.build_address_book`
to return exactly this function's frame (values, dtypes, order, categories). It builds
every per-entry column as an object array of Python strings, which is what made it
the memory wall at a million people; do not use it outside the tests.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.core.seeds import stream
from analysis.world.addressbook import (
    BUSINESS_LABELS,
    CONTACT_KINDS,
    FAMILY_LABELS,
    SERVICE_CODES,
)
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


def _pick(rng: np.random.Generator, weights: dict, n: int) -> np.ndarray:
    names = np.array(list(weights), dtype=object)
    p = np.array(list(weights.values()), dtype=float)
    return names[rng.choice(names.size, size=n, p=p / p.sum())]


def _outside_pools(people: pd.DataFrame, params) -> dict[str, dict[str, np.ndarray]]:
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
    params,
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


def _service_entries(country: np.ndarray, params):
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
