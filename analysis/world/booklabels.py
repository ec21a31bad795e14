"""Labels under which people save numbers ("Mum", "Dr K", "Pizza"), held as integer keys.

A label is one int64 key per address-book entry (a form and the name codes it uses),
written out once per distinct key: names repeat, so the distinct labels are far fewer
than the entries (:func:`analysis.world.build_address_book`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.world.params import TIE_KINDS

__all__: list[str] = []  # the label tables are re-exported by analysis.world.addressbook


#: Carrier and emergency short codes people save (label, code as typed), per country.
#: They are not phone numbers: normalisation fails (or, with Germany's loose lengths,
#: yields a short "possible" number).
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


#: Label forms. A label is held as one int64 key, ``form << 56 | suffix << 54 | a << 27 | b``
#: (``a`` a first-name code or a word id, ``b`` a last-name code), and written out once
#: per distinct key: names repeat, so the distinct labels are far fewer than the entries.
_FORMS = (
    "first",  # Ana
    "full",  # Ana Silva
    "nick",  # first four letters
    "first_initial",  # Ana S.
    "word",  # a fixed word: Mum, Pizza, Voicemail, Ex
    "work",  # Ana work
    "dr_initial",  # Dr S
    "dr_last",  # Dr Silva
    "lawyer",  # Lawyer Silva
    "initial",  # S
    "s_initial",  # S S (a journalist's source)
)
_FORM = {name: i for i, name in enumerate(_FORMS)}
_SUFFIXES = ("", " 2", " (old)")  # duplicates are saved again with a suffix
_WORDS = list(
    dict.fromkeys(
        [w for words in FAMILY_LABELS.values() for w in words]
        + ["Ex", "Don't answer", "Unknown", *BUSINESS_LABELS.tolist()]
        + [label for options in SERVICE_CODES.values() for label, _ in options]
    )
)
_WORD = {w: i for i, w in enumerate(_WORDS)}


def _label_key(form: str, a=0, b=0) -> np.ndarray:
    """Pack a label form and its name codes (or word id) into int64 keys."""
    key = np.asarray(a, dtype=np.int64) << 27
    key |= np.asarray(b, dtype=np.int64)
    key |= np.int64(_FORM[form]) << 56
    return key


def _label_texts(keys: np.ndarray, first_names: np.ndarray, last_names: np.ndarray) -> np.ndarray:
    """Write out the label text of each (distinct) key, as an object array."""
    form = (keys >> 56).astype(np.int64)
    suffix = (keys >> 54) & 3
    a = (keys >> 27) & (2**27 - 1)
    b = keys & (2**27 - 1)
    out = np.empty(keys.size, dtype=object)
    words = np.array(_WORDS, dtype=object)
    for name, i in _FORM.items():  # a loop over the eleven forms
        sel = np.flatnonzero(form == i)
        if sel.size == 0:
            continue
        if name == "word":
            out[sel] = words[a[sel]]
            continue
        first = pd.Series(first_names[a[sel]], dtype=object)
        last = pd.Series(last_names[b[sel]], dtype=object)
        initial = last.str.slice(0, 1)
        text = {
            "first": first,
            "full": first + " " + last,
            "nick": first.str.slice(0, 4),
            "first_initial": first + " " + initial + ".",
            "work": first + " work",
            "dr_initial": "Dr " + initial,
            "dr_last": "Dr " + last,
            "lawyer": "Lawyer " + last,
            "initial": initial,
            "s_initial": "S " + initial,
        }[name]
        out[sel] = text.to_numpy(dtype=object)
    tail = np.flatnonzero(suffix > 0)
    out[tail] = out[tail] + np.array(_SUFFIXES, dtype=object)[suffix[tail]]
    return out


def _labels_for_people(rng, owner_country, cnames, first, last, kind, owner_is_a, n) -> np.ndarray:
    """Label key under which each person contact is saved, from tie kind and side.

    ``first``/``last`` are the contacts' name codes, ``kind`` tie-kind codes
    (:data:`TIE_KINDS`), ``owner_country`` codes into ``cnames``. The draws are those
    the label strings were once made from, in the same order.
    """
    kind_of = {k: np.int8(i) for i, k in enumerate(TIE_KINDS)}
    u = rng.random(n)
    label = _label_key("first", first)  # 45%: first name only
    idx = np.flatnonzero((u >= 0.45) & (u < 0.85))
    label[idx] = _label_key("full", first[idx], last[idx])
    idx = np.flatnonzero((u >= 0.85) & (u < 0.93))
    label[idx] = _label_key("nick", first[idx])
    idx = np.flatnonzero(u >= 0.93)
    label[idx] = _label_key("first_initial", first[idx], last[idx])
    del u, idx
    fam = kind == kind_of["family"]
    if fam.any():
        fam_idx = np.flatnonzero(fam & (rng.random(n) < 0.35))
        for code, words in FAMILY_LABELS.items():  # 8 countries
            ci = cnames.index(code) if code in cnames else -1
            sel = fam_idx[owner_country[fam_idx] == ci]
            pick = np.array([_WORD[w] for w in words], dtype=np.int64)
            label[sel] = _label_key("word", pick[rng.integers(0, len(words), sel.size)])
    del fam
    work = np.flatnonzero((kind == kind_of["work"]) & (rng.random(n) < 0.3))
    label[work] = _label_key("work", first[work])
    # the patient/client/source (side b) saves the professional (side a)
    client_side = ~owner_is_a
    doc = np.flatnonzero((kind == kind_of["patient_clinician"]) & client_side)
    label[doc] = np.where(
        rng.random(doc.size) < 0.6,
        _label_key("dr_initial", 0, last[doc]),
        _label_key("dr_last", 0, last[doc]),
    )
    law = np.flatnonzero((kind == kind_of["client_lawyer"]) & client_side)
    label[law] = np.where(
        rng.random(law.size) < 0.5,
        _label_key("lawyer", 0, last[law]),
        _label_key("full", first[law], last[law]),
    )
    sw = np.flatnonzero((kind == kind_of["client_sex_worker"]) & client_side)
    label[sw] = np.where(
        rng.random(sw.size) < 0.5, _label_key("initial", 0, last[sw]), _label_key("nick", first[sw])
    )
    src = np.flatnonzero((kind == kind_of["source_journalist"]) & owner_is_a)
    label[src] = np.where(
        rng.random(src.size) < 0.5,
        _label_key("s_initial", 0, last[src]),
        _label_key("nick", first[src]),
    )
    ex = np.flatnonzero(kind == kind_of["ex_partner"])
    label[ex] = np.where(
        rng.random(ex.size) < 0.3,
        _label_key("word", _WORD["Ex"]),
        np.where(
            rng.random(ex.size) < 0.5,
            _label_key("word", _WORD["Don't answer"]),
            _label_key("first", first[ex]),
        ),
    )
    return label
