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
import pyarrow as pa
import pyarrow.compute as pc

from analysis.core.seeds import stream
from analysis.core.texts import categorical_texts, text_values
from analysis.world.bookcodes import (
    CHUNK,
    CONST,
    FORMS,
    LabelTexts,
    dense_ids,
    label_ids,
    person_label_forms,
    style_codes,
    uniform_below,
    uniform_chunks,
)
from analysis.world.phones import blocks, draw_numbers
from analysis.world.reading import normalise_arrow
from analysis.world.writing import (
    DOMESTIC_STYLE_WEIGHTS,
    FOREIGN_STYLE_WEIGHTS,
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
    "TEXT_COLUMNS",
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
    no_ids = np.zeros(0, dtype=np.int32)
    return pd.DataFrame(
        {
            "owner_person_id": pd.Series([], dtype="int32"),
            "entry_label": categorical_texts(pa.array([], pa.large_string()), no_ids),
            "entry_raw": categorical_texts(pa.array([], pa.large_string()), no_ids),
            "contact_person_id": pd.Series([], dtype="Int32"),
            "contact_kind": pd.Categorical([], categories=list(CONTACT_KINDS)),
            "entry_style": pd.Categorical([], categories=list(STYLES)),
            "is_entry_typo": pd.Series([], dtype="bool"),
            "entry_e164": categorical_texts(pa.array([], pa.large_string()), no_ids),
            "normalise_reason": pd.Categorical([], categories=["ok"]),
        }
    )


def _outside_pools(people: pd.DataFrame, params: SocialParams) -> dict[str, dict[str, np.ndarray]]:
    """Per country: business and outside numbers (synthetic, none in the population)."""
    pools = {}
    population = set(people["phone_e164"].astype(str).tolist())
    counts = people["country_code"].astype(str).value_counts()
    for code in sorted(counts.index):
        n_c = int(counts[code])
        n_business = max(10, n_c // 40)
        n_outside = max(20, n_c // 2)
        cap = blocks()[code].capacity // 4
        want = min(n_business + n_outside + n_c // 10 + 50, cap)
        drawn = draw_numbers(code, want, stream(params.seed, f"addressbook:pool:{code}"))
        drawn = drawn[np.array([d not in population for d in drawn.tolist()], dtype=bool)]
        n_business = min(n_business, drawn.size // 3)
        pools[code] = {
            "business": drawn[:n_business],
            "outside": drawn[n_business : n_business + n_outside],
        }
    return pools


def build_address_book(
    people: pd.DataFrame,
    ties: pd.DataFrame,
    params: SocialParams,
    *,
    owners: np.ndarray | None = None,
) -> pd.DataFrame:
    """Every person's phone address book, typed and normalised (:data:`ADDRESS_BOOK`).

    Entries are held as small integer codes until the end (owner and number ids, style,
    typo kind, label form and reference: :mod:`analysis.world.bookcodes`): each distinct
    (number, style, owner country) is written and normalised once, and each string
    column is made in one Arrow ``take``, so memory and time grow with the distinct
    writings and names rather than with Python strings per entry.

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
    if owners is not None:
        owners = np.asarray(owners, dtype=bool)
        if owners.shape != (n,):
            raise ValueError(f"owners must be a bool array of length {n}, got {owners.shape}")
    country_codes, country_names = pd.factorize(
        people["country_code"].astype(str).to_numpy(dtype=object), sort=True
    )
    countries = [str(c) for c in country_names]
    missing = sorted(set(countries) - set(SERVICE_CODES))
    if missing:
        raise ValueError(f"no address-book conventions for countries {missing}")
    cc = country_codes.astype(np.int8)
    texts = LabelTexts(
        people["first_name"].astype(str).to_numpy(dtype=object),
        people["last_name"].astype(str).to_numpy(dtype=object),
    )

    # --- person contacts: each side of a tie keeps the other's number independently
    rng = stream(params.seed, "addressbook:entries")
    a = ties["person_a_id"].to_numpy(np.int64)
    b = ties["person_b_id"].to_numpy(np.int64)
    kind_cat = pd.Categorical(ties["tie_kind"])
    kinds = [str(k) for k in kind_cat.categories]
    kcodes = kind_cat.codes
    incl = np.array([params.address_book_inclusion[k] for k in kinds], dtype=float)

    def p_keep(lo, hi, codes=kcodes):
        return incl[codes[lo:hi]]

    keep_a = uniform_below(rng, a.size, p_keep)  # a's phone holds b
    keep_b = uniform_below(rng, a.size, p_keep)
    owner = np.concatenate([a[keep_a], b[keep_b]]).astype(np.int32)
    contact = np.concatenate([b[keep_a], a[keep_b]]).astype(np.int32)
    pkind = np.concatenate([kcodes[keep_a], kcodes[keep_b]])
    owner_is_a = np.zeros(owner.size, dtype=bool)
    owner_is_a[: int(keep_a.sum())] = True
    del a, b, keep_a, keep_b, p_keep
    p_form, p_ref = person_label_forms(
        rng, cc[owner], countries, contact, pkind, kinds, owner_is_a, texts, FAMILY_LABELS
    )
    del pkind, owner_is_a

    # Numbers are ids into one table: people's phones, then business and outside
    # pools, then service codes; per number its country and contact kind.
    pools = _outside_pools(people, params)
    table = {"number": [people["phone_e164"].astype(str).to_numpy(dtype=object)]}
    table["country"], table["kind"] = [cc], [np.zeros(n, np.int8)]
    offset, pool_offset = n, {}
    for code in pools:
        for what in ("business", "outside"):
            size = pools[code][what].size
            pool_offset[code, what] = offset
            table["number"].append(pools[code][what])
            table["country"].append(np.full(size, countries.index(code), np.int8))
            table["kind"].append(np.full(size, CONTACT_KINDS.index(what), np.int8))
            offset += size

    # per entry: owner, number id, label form and reference (a person or a text id)
    parts = {"owner": [owner], "number": [contact], "form": [p_form], "ref": [p_ref]}
    del owner, contact, p_form, p_ref
    for what, mean in (
        ("business", params.businesses_per_book),
        ("outside", params.outside_per_book),
    ):
        r = stream(params.seed, f"addressbook:{what}")
        k = r.poisson(mean, n)
        own = np.repeat(np.arange(n, dtype=np.int32), k)
        # outside contacts are sometimes abroad; businesses are local
        ncountry = cc[own]
        if what == "outside":
            abroad = r.random(own.size) < 0.1
            ncountry[abroad] = r.integers(0, len(pools), int(abroad.sum()))
        number = np.full(own.size, -1, dtype=np.int32)
        form = np.full(own.size, CONST, dtype=np.int8)
        ref = np.zeros(own.size, dtype=np.int32)
        for code in pools:  # 8 countries
            sel = np.flatnonzero(ncountry == countries.index(code))
            pool = pools[code][what]
            if pool.size == 0:
                continue
            # popular businesses and people are saved by many: Zipf-like popularity
            ranks = np.arange(1, pool.size + 1, dtype=float)
            p = ranks**-0.8 if what == "business" else np.ones(pool.size)
            pick = r.choice(pool.size, size=sel.size, p=p / p.sum())
            number[sel] = pool_offset[code, what] + pick
            if what == "business":
                ref[sel] = texts.ids(BUSINESS_LABELS)[pick % BUSINESS_LABELS.size]
            else:
                # a name from someone of that country, not a person in the population
                donor_f = np.flatnonzero(cc == countries.index(code))
                if donor_f.size:
                    form[sel] = FORMS.index("first")
                    ref[sel] = donor_f[r.integers(0, donor_f.size, sel.size)]
                else:
                    ref[sel] = texts.ids(["Unknown"])[0]
        keep = number >= 0
        for key, value in (("owner", own), ("number", number), ("form", form), ("ref", ref)):
            parts[key].append(value[keep])
    s_owner, s_ref, s_codes, s_country = _service_entries(cc, countries, params, texts)
    for key, value in (
        ("owner", s_owner),
        ("number", offset + np.arange(s_owner.size, dtype=np.int32)),
        ("form", np.full(s_owner.size, CONST, np.int8)),
        ("ref", s_ref),
    ):
        parts[key].append(value)
    table["number"].append(s_codes)
    table["country"].append(s_country)
    table["kind"].append(np.full(s_owner.size, CONTACT_KINDS.index("business"), np.int8))
    table = {key: np.concatenate(value) for key, value in table.items()}
    entry = {key: np.concatenate(value) for key, value in parts.items()}
    del parts, s_owner, s_ref, s_codes, s_country

    # --- duplicates (some entries saved twice), then every entry in owner order
    r = stream(params.seed, "addressbook:writing")
    owner, src, suffix = _owner_order(r, entry.pop("owner"), params.duplicate_entry_share)

    # --- how each number is typed
    number = entry.pop("number")[src]
    owner_cc = cc[owner]
    style = style_codes(
        r,
        table["country"][number] == owner_cc,
        DOMESTIC_STYLE_WEIGHTS,
        FOREIGN_STYLE_WEIGHTS,
        STYLES,
    )
    typo = uniform_below(r, number.size, params.typo_share)
    typo_kind = np.zeros(number.size, dtype=np.int8)  # codes into _TYPO_NAMES
    typo_kind[typo] = np.where(r.random(int(typo.sum())) < 0.5, 1, 2)
    del typo
    is_service = ~pd.Series(table["number"]).str.startswith("+").to_numpy(dtype=bool)
    style[is_service[number]] = STYLES.index("as_is")
    typo_kind[np.isin(style, [STYLES.index(s) for s in STYLES if s not in TYPO_STYLES])] = 0
    typo_rows = np.flatnonzero(typo_kind)
    typo_at = np.empty(typo_rows.size)
    for lo, hi, u in uniform_chunks(r, number.size):
        at = slice(*np.searchsorted(typo_rows, [lo, hi]))
        typo_at[at] = u[typo_rows[at] - lo]
    if owners is not None:  # every draw is made; only the kept books are written
        typo_at = typo_at[owners[owner[typo_rows]]]
        kept = np.flatnonzero(owners[owner])
        owner, src, suffix, number = owner[kept], src[kept], suffix[kept], number[kept]
        owner_cc, style, typo_kind = owner_cc[kept], style[kept], typo_kind[kept]
        del kept
    del typo_rows
    label_table, label = label_ids(texts, entry["form"][src], entry["ref"][src], suffix)
    del entry, src, suffix, texts

    # each distinct writing written and normalised once; then one column at a time
    ids, raw_u, e164_u, reason_u, reasons = _write_and_normalise(
        number, table, countries, style, owner_cc, typo_kind, typo_at
    )
    del owner_cc, typo_at
    # person ids as int32, like the ties (n_people is far below 2**31)
    columns = {"owner_person_id": owner.astype(np.int32, copy=False)}
    del owner
    columns["contact_person_id"] = pd.arrays.IntegerArray(
        np.where(number < n, number, 0).astype(np.int32, copy=False), number >= n
    )
    columns["contact_kind"] = pd.Categorical.from_codes(
        table["kind"][number], categories=list(CONTACT_KINDS)
    )
    del number, table
    columns["entry_style"] = pd.Categorical.from_codes(style, categories=list(STYLES))
    columns["is_entry_typo"] = typo_kind != 0
    columns["normalise_reason"] = pd.Categorical.from_codes(reason_u[ids], categories=reasons)
    del style, typo_kind
    # the three text columns as categories of their sorted distinct texts (int32 codes)
    columns["entry_label"] = categorical_texts(label_table, label, overwrite_ids=True)
    del label, label_table
    columns["entry_raw"] = categorical_texts(raw_u, ids)
    del raw_u
    columns["entry_e164"] = categorical_texts(e164_u, ids, overwrite_ids=True)
    del e164_u, ids
    return pd.DataFrame({name: columns.pop(name) for name in _COLUMNS}, copy=False)


#: the columns of texts, held as categories of their sorted distinct texts
#: (:func:`analysis.core.texts.categorical_texts`)
TEXT_COLUMNS = ("entry_label", "entry_raw", "entry_e164")

_COLUMNS = (
    "owner_person_id",
    "entry_label",
    "entry_raw",
    "contact_person_id",
    "contact_kind",
    "entry_style",
    "is_entry_typo",
    "entry_e164",
    "normalise_reason",
)


_TYPO_NAMES = np.array(["", "drop", "double"], dtype=object)


def _owner_order(r: np.random.Generator, owner: np.ndarray, share: float):
    """Draw the duplicated entries and sort every entry by owner (stable).

    Returns ``(owner, src, suffix)`` in the final order: the owner, the index of the
    entry it copies, and the duplicate's label suffix code
    (:data:`analysis.world.bookcodes.SUFFIXES`, 0 for an original). One sort of
    ``owner << bits | position`` gives the order of a stable argsort.
    """
    m0 = owner.size
    dup = np.flatnonzero(uniform_below(r, m0, share))
    suffix_of_dup = np.where(r.random(dup.size) < 0.5, 1, 2).astype(np.int8) if dup.size else None
    m = m0 + dup.size
    bits = max(int(m).bit_length(), 1)
    key = np.empty(m, dtype=np.int64)
    key[:m0] = owner
    key[m0:] = owner[dup]
    key <<= bits
    for lo in range(0, m, CHUNK):
        hi = min(lo + CHUNK, m)
        key[lo:hi] |= np.arange(lo, hi, dtype=np.int64)
    del owner
    key.sort()
    wide = np.int32 if m < 2**31 else np.int64
    sorted_owner = (key >> bits).astype(np.int32)
    key &= (1 << bits) - 1
    src = key.astype(wide)
    del key
    suffix = np.zeros(m, dtype=np.int8)
    is_dup = np.flatnonzero(src >= m0)
    if is_dup.size:
        pos = src[is_dup] - m0
        src[is_dup] = dup[pos]
        suffix[is_dup] = suffix_of_dup[pos]
    return sorted_owner, src, suffix


def _write_and_normalise(number, table, countries, style, owner_cc, typo_kind, typo_at):
    """Write each distinct (number, style, owner country) once and each typo, normalise them.

    Returns ``(ids, raw, e164, reason_codes, reasons)``: per entry the index of its
    writing; per writing the typed text and the normalised number (``pyarrow`` arrays,
    repeats possible: two keys can give the same text) and a
    code into ``reasons`` (``"ok"`` first, then the failure reasons sorted).
    """
    n_styles, n_countries = len(STYLES), max(len(countries), 1)
    clean = np.flatnonzero(typo_kind == 0)
    typo_rows = np.flatnonzero(typo_kind)
    space = table["number"].size * n_styles * n_countries
    wide = np.int32 if space < 2**31 else np.int64
    key = number[clean].astype(wide)
    key *= n_styles
    key += style[clean]
    key *= n_countries
    key += owner_cc[clean]
    uniq, clean_ids = dense_ids(key, space)
    del key
    ids = np.empty(number.size, dtype=np.int32 if uniq.size + typo_rows.size < 2**31 else np.int64)
    ids[clean] = clean_ids
    ids[typo_rows] = uniq.size + np.arange(typo_rows.size)
    del clean, clean_ids
    # one writing per distinct clean key, in pieces (a pure function of its row), then
    # every typo in one call (a typo's digit positions come from its group's first text)
    names = np.array(countries, dtype=object)

    def write(num, sty, region, typo, at) -> pa.Array:
        text = write_numbers(
            pd.Series(table["number"][num]),
            names[table["country"][num]],
            np.array(STYLES, dtype=object)[sty],
            region=names[region],
            typo=_TYPO_NAMES[typo],
            typo_at=at,
        )
        return pa.array(text.to_numpy(dtype=object), pa.large_string())

    pieces = [pa.array([], pa.large_string())]
    for lo in range(0, uniq.size, _WRITE_PIECE):
        u = uniq[lo : lo + _WRITE_PIECE]
        zero = np.zeros(u.size, dtype=np.int8)
        pieces.append(write(u // (n_styles * n_countries), (u // n_countries) % n_styles,
                            u % n_countries, zero, zero.astype(float)))  # fmt: skip
    if typo_rows.size:
        pieces.append(
            write(number[typo_rows], style[typo_rows], owner_cc[typo_rows],
                  typo_kind[typo_rows], typo_at)
        )  # fmt: skip
    written = pa.concat_arrays(pieces)
    region = np.concatenate([uniq % n_countries, owner_cc[typo_rows]]).astype(np.int8)
    del pieces, uniq
    # normalised per group of calls that share no writing pattern: texts "+..." (read
    # whatever the region, as region "ZZ": reading.normalisation_calls), then per region
    plus = pc.match_substring_regex(written, r"^\+[0-9() \-./]*$").to_numpy(zero_copy_only=False)
    group = np.where(plus, n_countries, region)
    del plus
    order = np.argsort(group, kind="stable")
    bounds = np.searchsorted(group[order], np.arange(n_countries + 2))
    e164_parts, reason_parts = [], []
    for g in range(n_countries + 1):
        rows = order[bounds[g] : bounds[g + 1]]
        # one default region per group ("+..." texts are read as region "ZZ" anyway)
        e164_g, reason_g = normalise_arrow(
            written.take(pa.array(rows)), "ZZ" if g == n_countries else str(names[g])
        )
        e164_parts.append(e164_g)
        reason_parts.append(reason_g)
        del e164_g, reason_g
    reason_u = np.concatenate(reason_parts)
    reasons = ["ok", *sorted(set(reason_u.tolist()) - {"ok"})]
    code_u = pd.Categorical(reason_u, categories=reasons).codes.astype(np.int8)
    del reason_u, reason_parts
    position = np.empty(order.size, dtype=ids.dtype)
    position[order] = np.arange(order.size, dtype=ids.dtype)
    ids = position[ids]  # writings in group order
    raw = written.take(pa.array(order))
    del written, position
    return ids, raw, pa.concat_arrays(e164_parts), code_u, reasons


#: Distinct writings written per call of :func:`write_numbers`.
_WRITE_PIECE = 1 << 20


def _service_entries(cc: np.ndarray, countries: list, params: SocialParams, texts: LabelTexts):
    """Short codes (voicemail, balance, emergency) saved in books: ``business`` entries.

    Returns ``(owner, label_ref, code, code_country)`` arrays, one per entry: the label
    as a text id of ``texts``, the code as typed, its country code.
    """
    r = stream(params.seed, "addressbook:service")
    n = cc.size
    k = r.poisson(params.service_codes_per_book, n)
    own = np.repeat(np.arange(n, dtype=np.int32), k)
    own_cc = cc[own]
    label = np.zeros(own.size, dtype=np.int32)
    code = np.empty(own.size, dtype=object)
    pick = r.integers(0, 3, own.size)
    for c, options in SERVICE_CODES.items():  # 8 countries
        if c not in countries:
            continue
        sel = np.flatnonzero(own_cc == countries.index(c))
        label[sel] = texts.ids([o[0] for o in options])[pick[sel]]
        code[sel] = np.array([o[1] for o in options], dtype=object)[pick[sel]]
    return own, label, code, own_cc


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
    right = ok & is_person  # then: normalised to that person's own number
    right[right] = text_values(book["entry_e164"], right) == phone[contact[right]]
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
