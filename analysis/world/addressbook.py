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
owner's country as the default region. ``phonenumbers`` is per-string Python
(~30,000 strings a second), so each distinct ``(raw, region)`` is normalised once
(:func:`normalise_entries`); a book's entries repeat the same few writings of the
same numbers, so the distinct count is several times smaller than the entries.

>>> from analysis.world import normalise_entries
>>> normalise_entries(pd.Series(["07610 000001", "Mum", "+49 1530 0000001"]),
...                   pd.Series(["GB", "GB", "GB"]))[1].tolist()
['ok', 'not a number', 'ok']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.core.seeds import stream
from analysis.world.booklabels import (
    _WORD,
    BUSINESS_LABELS,
    FAMILY_LABELS,
    SERVICE_CODES,
    _label_key,
    _label_texts,
    _labels_for_people,
)
from analysis.world.params import TIE_KINDS
from analysis.world.phones import blocks, draw_numbers, normalise
from analysis.world.writing import (
    DOMESTIC_STYLE_WEIGHTS,
    FOREIGN_STYLE_WEIGHTS,
    STYLES,
    normalisation_calls,
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


def empty_address_book() -> pd.DataFrame:
    """Return an address-book frame with no rows and the documented dtypes."""
    return pd.DataFrame(
        {
            "owner_person_id": pd.Series([], dtype="int64"),
            "entry_label": pd.Series([], dtype="string"),
            "entry_raw": pd.Series([], dtype="string"),
            "contact_person_id": pd.Series([], dtype="Int64"),
            "contact_kind": pd.Categorical([], categories=list(CONTACT_KINDS)),
            "entry_e164": pd.Series([], dtype="string"),
            "normalise_reason": pd.Categorical([], categories=["ok"]),
        }
    )


def _outside_pools(people: pd.DataFrame, params: SocialParams) -> dict[str, dict[str, np.ndarray]]:
    """Per country: business and outside numbers (synthetic, none in the population)."""
    pools = {}
    population = pa.array(people["phone_e164"].array)
    counts = people["country_code"].astype(str).value_counts()
    for code in sorted(counts.index):
        n_c = int(counts[code])
        n_business = max(10, n_c // 40)
        n_outside = max(20, n_c // 2)
        cap = blocks()[code].capacity // 4
        want = min(n_business + n_outside + n_c // 10 + 50, cap)
        drawn = draw_numbers(code, want, stream(params.seed, f"addressbook:pool:{code}"))
        taken = pc.is_in(pa.array(drawn, pa.string()), value_set=population)
        drawn = drawn[~taken.to_numpy(zero_copy_only=False)]
        n_business = min(n_business, drawn.size // 3)
        pools[code] = {
            "business": drawn[:n_business],
            "outside": drawn[n_business : n_business + n_outside],
        }
    return pools


def _stable_order(owner: np.ndarray, n: int) -> np.ndarray:
    """``np.argsort(owner, kind="stable")`` for ids below ``n``, as one counting sort.

    scipy's COO-to-CSR conversion places each entry after the earlier ones of its row,
    in linear time; the row index is the owner and the values are the positions.
    """
    import scipy.sparse as sp

    m = owner.size
    index = np.int32 if max(m, n) < 2**31 - 1 else np.int64
    position = np.arange(m, dtype=index)
    grouped = sp.csr_matrix((position, (owner.astype(index), position)), shape=(n, max(m, 1)))
    return grouped.data


def _text_categorical(texts: np.ndarray, codes: np.ndarray) -> pd.Categorical:
    """Build the categorical of ``texts[codes]`` (-1 = missing), texts deduplicated by Arrow.

    Categories keep the first appearance of each distinct text in ``texts``; each entry
    costs a 4-byte code instead of a string.
    """
    encoded = pa.array(texts, pa.string(), from_pandas=True).dictionary_encode()
    remap = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int32)
    codes = np.asarray(codes)
    mapped = remap[codes] if remap.size else np.full(codes.size, -1, np.int32)
    if (codes < 0).any():
        mapped[codes < 0] = -1
    categories = pd.Index(pd.arrays.ArrowStringArray(pa.chunked_array([encoded.dictionary])))
    return pd.Categorical.from_codes(mapped, categories=categories, validate=False)


def build_address_book(
    people: pd.DataFrame, ties: pd.DataFrame, params: SocialParams
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
    """
    n = len(people)
    rng = stream(params.seed, "addressbook:entries")
    # people as integer codes: country (sorted categories), first and last name pools
    country_cat = pd.Categorical(people["country_code"].astype(str))
    cnames = [str(c) for c in country_cat.categories]
    country = country_cat.codes.astype(np.int8)
    first, first_names = _name_codes(people["first_name"])
    last, last_names = _name_codes(people["last_name"])

    # --- person contacts: each side of a tie keeps the other's number independently
    a = ties["person_a_id"].to_numpy(np.int32)
    b = ties["person_b_id"].to_numpy(np.int32)
    kind_cat = pd.Categorical(ties["tie_kind"])
    # tie-kind codes in TIE_KINDS order whatever the frame's categories
    to_kind = np.array([TIE_KINDS.index(str(k)) for k in kind_cat.categories], dtype=np.int8)
    kind = to_kind[kind_cat.codes] if len(ties) else np.empty(0, np.int8)
    incl_by_code = np.array([params.address_book_inclusion[str(k)] for k in kind_cat.categories])
    incl = incl_by_code[kind_cat.codes] if len(ties) else np.empty(0)
    keep_a = rng.random(a.size) < incl  # a's phone holds b
    keep_b = rng.random(a.size) < incl
    del incl
    owner = np.concatenate([a[keep_a], b[keep_b]])
    contact = np.concatenate([b[keep_a], a[keep_b]])
    pkind = np.concatenate([kind[keep_a], kind[keep_b]])
    owner_is_a = np.concatenate(
        [np.ones(int(keep_a.sum()), bool), np.zeros(int(keep_b.sum()), bool)]
    )
    del a, b, kind, keep_a, keep_b
    p_label = _labels_for_people(
        rng,
        country[owner],
        cnames,
        first[contact],
        last[contact],
        pkind,
        owner_is_a,
        owner.size,
    )
    del pkind, owner_is_a

    # Numbers are ids into one table: people's phones, then business and outside
    # pools, then service codes.
    table_numbers = [people["phone_e164"].astype(str).to_numpy(dtype=object)]
    table_country = [country]
    pools = _outside_pools(people, params)
    offset = n
    pool_offset = {}
    for code in pools:
        for what in ("business", "outside"):
            pool_offset[code, what] = offset
            table_numbers.append(pools[code][what])
            table_country.append(np.full(pools[code][what].size, cnames.index(code), np.int8))
            offset += pools[code][what].size

    parts = {  # per entry: owner, label key, number id, contact (-1 = none), contact kind
        "owner": [owner],
        "label": [p_label],
        "number": [contact.copy()],
        "contact": [contact],
        "kind": [np.zeros(owner.size, np.int8)],
    }
    del owner, p_label, contact
    business_words = np.array([_WORD[w] for w in BUSINESS_LABELS], dtype=np.int64)
    for what, mean in (
        ("business", params.businesses_per_book),
        ("outside", params.outside_per_book),
    ):
        r = stream(params.seed, f"addressbook:{what}")
        k = r.poisson(mean, n)
        own = np.repeat(np.arange(n, dtype=np.int32), k)
        # outside contacts are sometimes abroad; businesses are local
        ncountry = country[own]
        if what == "outside":
            codes = np.array([cnames.index(c) for c in sorted(pools)], dtype=np.int8)
            abroad = r.random(own.size) < 0.1
            ncountry[abroad] = codes[r.integers(0, codes.size, int(abroad.sum()))]
        number = np.full(own.size, -1, dtype=np.int32)
        label = np.full(own.size, _label_key("word", _WORD["Unknown"]), dtype=np.int64)
        for code in pools:  # 8 countries
            sel = np.flatnonzero(ncountry == cnames.index(code))
            pool = pools[code][what]
            if pool.size == 0:
                continue
            # popular businesses and people are saved by many: Zipf-like popularity
            ranks = np.arange(1, pool.size + 1, dtype=float)
            p = ranks**-0.8 if what == "business" else np.ones(pool.size)
            pick = r.choice(pool.size, size=sel.size, p=p / p.sum())
            number[sel] = pool_offset[code, what] + pick
            if what == "business":
                label[sel] = _label_key("word", business_words[pick % BUSINESS_LABELS.size])
            else:
                # a name from someone of that country, not a person in the population
                donor_f = np.flatnonzero(country == cnames.index(code))
                if donor_f.size:
                    label[sel] = _label_key(
                        "first", first[donor_f[r.integers(0, donor_f.size, sel.size)]]
                    )
        keep = number >= 0
        parts["owner"].append(own[keep])
        parts["label"].append(label[keep])
        parts["number"].append(number[keep])
        parts["contact"].append(np.full(int(keep.sum()), -1, np.int32))
        kind_code = CONTACT_KINDS.index(what)
        parts["kind"].append(np.full(int(keep.sum()), kind_code, np.int8))
        del own, ncountry, number, label, keep
    s_owner, s_label, s_codes, s_country = _service_entries(country, cnames, params)
    parts["owner"].append(s_owner)
    parts["label"].append(s_label)
    parts["number"].append(offset + np.arange(s_codes.size, dtype=np.int32))
    parts["contact"].append(np.full(s_owner.size, -1, np.int32))
    parts["kind"].append(np.full(s_owner.size, CONTACT_KINDS.index("business"), np.int8))
    table_numbers.append(s_codes)
    table_country.append(s_country)
    numbers = np.concatenate(table_numbers)
    number_country = np.concatenate(table_country)
    del table_numbers, table_country
    entry = {}
    for key in list(parts):  # one column at a time, its parts freed as it is joined
        entry[key] = np.concatenate(parts.pop(key))

    # --- duplicates: some entries saved twice
    r = stream(params.seed, "addressbook:writing")
    dup = np.flatnonzero(r.random(entry["owner"].size) < params.duplicate_entry_share)
    if dup.size:
        suffix = np.where(r.random(dup.size) < 0.5, 1, 2).astype(np.int64)  # " 2", " (old)"
        for key in entry:
            extra = entry[key][dup]
            if key == "label":
                extra |= suffix << 54
            entry[key] = np.concatenate([entry[key], extra])
    order = _stable_order(entry["owner"], n)
    for key in entry:
        entry[key] = entry[key][order]
    del order

    # --- how each number is typed (style codes into STYLES)
    owner_country = country[entry["owner"]]
    m = owner_country.size
    domestic = number_country[entry["number"]] == owner_country
    style = np.where(
        domestic,
        _pick_codes(r, DOMESTIC_STYLE_WEIGHTS, m),
        _pick_codes(r, FOREIGN_STYLE_WEIGHTS, m),
    )
    del domestic
    typo = np.flatnonzero(r.random(m) < params.typo_share)
    style[typo] = np.where(
        r.random(typo.size) < 0.5,
        STYLES.index("typo_dropped_digit"),
        STYLES.index("typo_doubled_digit"),
    )
    del typo
    is_service = ~pd.Series(numbers).str.startswith("+").to_numpy(dtype=bool)
    style[is_service[entry["number"]]] = STYLES.index("as_is")
    del is_service
    raw_texts, raw_id = _write_distinct(
        entry.pop("number"), numbers, np.array(cnames, dtype=object)[number_country], style
    )
    del style, numbers, number_country
    label_codes, label_keys = pd.factorize(entry.pop("label"))
    labels = _text_categorical(
        _label_texts(label_keys, first_names, last_names), label_codes.astype(np.int32)
    )
    del label_codes, label_keys

    # --- normalise each distinct (writing, owner country) once, then map back
    width = len(cnames)
    key = raw_id.astype(np.int64) * width
    key += owner_country
    del owner_country
    pairs, pair_id = _dense_unique(key, max(raw_texts.size * width, 1))
    del key
    e164_d, reason_d, reasons = _normalise_ids(
        raw_texts,
        pairs // width,
        pd.Categorical.from_codes((pairs % width).astype(np.int8), categories=cnames),
    )
    e164 = _text_categorical(e164_d, pair_id)
    reason_codes = reason_d[pair_id]
    del pair_id
    raw = _text_categorical(raw_texts, raw_id)
    del raw_id

    contact = entry.pop("contact")
    contact_id = pd.arrays.IntegerArray(
        np.where(contact < 0, 0, contact).astype(np.int64), contact < 0
    )
    del contact
    return pd.DataFrame(
        {
            "owner_person_id": entry.pop("owner").astype(np.int64),
            "entry_label": labels,
            "entry_raw": raw,
            "contact_person_id": contact_id,
            "contact_kind": pd.Categorical.from_codes(
                entry.pop("kind"), categories=list(CONTACT_KINDS)
            ),
            "entry_e164": e164,
            "normalise_reason": pd.Categorical.from_codes(reason_codes, categories=reasons),
        },
        copy=False,
    )


def _name_codes(names: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer code of each name and the distinct names (object array), via Arrow."""
    encoded = pa.array(names.astype(str).array).dictionary_encode()
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int32)
    return codes, np.asarray(encoded.dictionary.to_pylist(), dtype=object)


def _pick_codes(rng: np.random.Generator, weights: dict, n: int) -> np.ndarray:
    """Draw ``n`` styles from ``weights`` as codes into :data:`STYLES`."""
    names = list(weights)
    p = np.array(list(weights.values()), dtype=float)
    to_style = np.array([STYLES.index(name) for name in names], dtype=np.int8)
    return to_style[rng.choice(len(names), size=n, p=p / p.sum())]


def _normalise_ids(raw_texts: np.ndarray, raw_id: np.ndarray, region: np.ndarray):
    """Normalise entries given as ids into ``raw_texts`` with a default region each.

    Returns ``(e164, reason_codes, reasons)``: a string array per entry, and codes into
    ``reasons`` (``"ok"`` first, then the failure reasons sorted).
    """
    r_codes, r_uniques = pd.factorize(region)
    width = max(len(r_uniques), 1)
    key = raw_id.astype(np.int64) * width + r_codes
    uniq, inverse = np.unique(key, return_inverse=True)
    texts, regions, call = normalisation_calls(
        pd.Series(raw_texts[uniq // width]),
        pd.Series(np.asarray(r_uniques, dtype=object)[uniq % width]),
    )
    results = [normalise(str(t), str(g)) for t, g in zip(texts, regions, strict=True)]
    e164_u = np.array([x[0] for x in results], dtype=object)
    reason_u = np.array([x[1] for x in results], dtype=object)
    reasons = ["ok", *sorted(set(reason_u.tolist()) - {"ok"})]
    code_u = pd.Categorical(reason_u, categories=reasons).codes.astype(np.int8)
    per_key = call.ravel()
    pick = per_key[inverse.ravel()]
    e164 = pd.array(e164_u, dtype="string").take(pick)
    return e164, code_u[pick], reasons


def _service_entries(country: np.ndarray, cnames: list[str], params: SocialParams):
    """Short codes (voicemail, balance, emergency) saved in books: ``business`` entries.

    ``country`` holds codes into ``cnames``. Returns ``(owner, label_key, code,
    code_country)`` arrays, one per entry.
    """
    r = stream(params.seed, "addressbook:service")
    n = country.size
    k = r.poisson(params.service_codes_per_book, n)
    own = np.repeat(np.arange(n, dtype=np.int32), k)
    label = np.full(own.size, _label_key("word", _WORD["Unknown"]), dtype=np.int64)
    code = np.empty(own.size, dtype=object)
    pick = r.integers(0, 3, own.size)
    own_country = country[own]
    for c, options in SERVICE_CODES.items():  # 8 countries
        sel = np.flatnonzero(own_country == (cnames.index(c) if c in cnames else -1))
        words = np.array([_WORD[o[0]] for o in options], dtype=np.int64)
        label[sel] = _label_key("word", words[pick[sel]])
        code[sel] = np.array([o[1] for o in options], dtype=object)[pick[sel]]
    return own, label, code, own_country


def _write_distinct(
    number_id: np.ndarray, numbers: np.ndarray, number_country: np.ndarray, style: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`write_numbers` on each distinct (number, style) once.

    ``style`` holds codes into :data:`STYLES`. Returns ``(texts, ids)``: the distinct
    writings and, per entry, its index (int32).
    """
    width = len(STYLES)
    key = number_id.astype(np.int64) * width
    key += style
    uniq, inverse = _dense_unique(key, numbers.size * width)
    del key
    num = uniq // width
    written = write_numbers(
        pd.Series(numbers[num]),
        number_country[num],
        np.array(STYLES, dtype=object)[uniq % width],
    ).to_numpy(dtype=object)
    return written, inverse


def _dense_unique(key: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(key, return_inverse=True)`` for keys in ``0..size-1``, in linear time.

    A table of ``size`` flags replaces the sort (keys here are number id x style, a few
    times the number of people).
    """
    seen = np.zeros(size, dtype=bool)
    seen[key] = True
    uniq = np.flatnonzero(seen)
    del seen
    rank = np.full(size, -1, dtype=np.int32)
    rank[uniq] = np.arange(uniq.size, dtype=np.int32)
    return uniq, rank[key]


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
        & (book["entry_e164"].astype("string").fillna("").to_numpy(dtype=object) == phone[contact])
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
