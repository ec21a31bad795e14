"""Address-book entries as small integer codes: chunked draws, label forms, dense ids.

:func:`analysis.world.build_address_book` holds each entry as a few integers (owner,
number id, style code, label form and reference) instead of Python strings, and turns
them into Arrow strings once, column by column, at the end. This module holds the
pieces that make that possible without changing a single draw or value:

* :func:`uniform_below` and :func:`style_codes` make the same draws as
  ``rng.random(n) < p`` and ``rng.choice(k, size=n, p=...)`` in pieces of
  :data:`CHUNK` rows (``Generator.random`` and ``choice`` with ``p`` consume the
  stream one double per value, so pieces in order give the same values), so a float
  array per entry is never held;
* a label is a *form* of a person's name (:data:`FORMS`: first name, full name, "Dr K"
  ...) with the person's index, or a constant text (:class:`LabelTexts`) with its id;
  the label column is one ``take`` from a table of every person's name in every form
  (:func:`label_ids`, :func:`label_column`);
* :func:`dense_ids` numbers distinct integer keys in sorted order, like
  ``np.unique(..., return_inverse=True)``, through a flag per possible key.

>>> import numpy as np
>>> texts = LabelTexts(np.array(["Ana", "Jo"], dtype=object),
...                    np.array(["Lima", "Ng"], dtype=object))
>>> form = np.array([FORMS.index("full"), FORMS.index("dr_initial"), CONST], dtype=np.int8)
>>> ref = np.array([0, 1, texts.ids(["Mum"])[0]], dtype=np.int32)
>>> label_column(texts, form, ref, np.array([0, 0, 1], dtype=np.int8)).tolist()
['Ana Lima', 'Dr N', 'Mum 2']
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "CHUNK",
    "CONST",
    "FORMS",
    "SUFFIXES",
    "LabelTexts",
    "dense_ids",
    "label_column",
    "label_ids",
    "person_label_forms",
    "style_codes",
    "uniform_below",
    "uniform_chunks",
]

#: Rows per piece of a chunked draw.
CHUNK = 1 << 22

#: Forms of a person's name a label can take (index = form code).
FORMS = (
    "first",  # Ana
    "full",  # Ana Lima
    "nick",  # first four letters of the first name
    "first_initial",  # Ana L.
    "work",  # Ana work
    "dr_initial",  # Dr L
    "dr_last",  # Dr Lima
    "lawyer",  # Lawyer Lima
    "initial",  # L
    "s_initial",  # S L
)
#: Form code of a constant label ("Mum", "Pizza", "Voicemail"): its reference is a text id.
CONST = len(FORMS)
#: Suffix of a duplicate entry's label (code 0: not a duplicate).
SUFFIXES = ("", " 2", " (old)")

_F = {name: i for i, name in enumerate(FORMS)}


def uniform_chunks(rng: np.random.Generator, n: int):
    """Yield ``(start, stop, draws)``: together ``rng.random(n)``, in pieces."""
    for start in range(0, max(n, 1), CHUNK):
        stop = min(start + CHUNK, n)
        yield start, stop, rng.random(stop - start)


def uniform_below(rng: np.random.Generator, n: int, p) -> np.ndarray:
    """``rng.random(n) < p`` without holding the draws.

    ``p`` is a number or a function ``p(start, stop)`` giving the thresholds of a piece.

    >>> a, b = np.random.default_rng(1), np.random.default_rng(1)
    >>> bool((uniform_below(a, 10, 0.3) == (b.random(10) < 0.3)).all())
    True
    """
    out = np.empty(n, dtype=bool)
    for lo, hi, u in uniform_chunks(rng, n):
        out[lo:hi] = u < (p(lo, hi) if callable(p) else p)
    return out


def style_codes(
    rng: np.random.Generator, domestic: np.ndarray, dom: dict, foreign: dict, styles
) -> np.ndarray:
    """Style code per entry: ``np.where(domestic, pick(dom), pick(foreign))``.

    The same draws as two calls ``rng.choice(len(w), size=n, p=w / w.sum())`` (every
    domestic pick first, then every foreign one), made in pieces.
    """
    n = domestic.size
    out = np.empty(n, dtype=np.int8)
    for weights, first in ((dom, True), (foreign, False)):
        codes = np.array([styles.index(s) for s in weights], dtype=np.int8)
        p = np.array(list(weights.values()), dtype=float)
        for lo in range(0, max(n, 1), CHUNK):
            hi = min(lo + CHUNK, n)
            got = codes[rng.choice(codes.size, size=hi - lo, p=p / p.sum())]
            if first:
                out[lo:hi] = got
            else:
                out[lo:hi] = np.where(domestic[lo:hi], out[lo:hi], got)
    return out


def _join(*parts) -> pa.Array:
    parts = [pa.scalar(p, pa.large_string()) if isinstance(p, str) else p for p in parts]
    return pc.binary_join_element_wise(*parts, pa.scalar("", pa.large_string()))


class LabelTexts:
    """Every person's name in every form (:data:`FORMS`), and the constant labels used.

    A label is ``(form, ref)``: ``ref`` is a person's index for a name form, a text id
    (:meth:`ids`) for :data:`CONST`.
    """

    def __init__(self, first: np.ndarray, last: np.ndarray):
        self.n = len(first)
        self._first = pa.array(first, pa.large_string())
        self._last = pa.array(last, pa.large_string())
        self._texts: dict[str, int] = {}

    def ids(self, texts) -> np.ndarray:
        """Ids of constant labels (registered on first use)."""
        return np.array([self._texts.setdefault(str(t), len(self._texts)) for t in texts], np.int32)

    def table(self) -> pa.Array:
        """Return every name in every form (form ``f`` of person ``i`` at ``f * n + i``), texts."""
        f, last = self._first, self._last
        nick = pc.utf8_slice_codeunits(f, 0, 4)
        initial = pc.utf8_slice_codeunits(last, 0, 1)
        forms = {
            "first": f,
            "full": _join(f, " ", last),
            "nick": nick,
            "first_initial": _join(f, " ", initial, "."),
            "work": _join(f, " work"),
            "dr_initial": _join("Dr ", initial),
            "dr_last": _join("Dr ", last),
            "lawyer": _join("Lawyer ", last),
            "initial": initial,
            "s_initial": _join("S ", initial),
        }
        texts = pa.array(list(self._texts), pa.large_string())
        return pa.concat_arrays([forms[name].cast(pa.large_string()) for name in FORMS] + [texts])


def label_ids(
    texts: LabelTexts, form: np.ndarray, ref: np.ndarray, suffix: np.ndarray
) -> tuple[pa.Array, np.ndarray]:
    """Return the label table and each entry's index into it (a duplicate gets its suffix).

    ``table.take(ids)`` is the label column (:func:`label_column`).
    """
    n = texts.n
    wide = np.int64 if (CONST + 1) * max(n, 1) + len(texts._texts) >= 2**31 else np.int32
    label = form.astype(wide)
    label *= n
    label += ref
    const = form == CONST
    label[const] = CONST * n + ref[const]
    del const
    table = texts.table()
    dup = np.flatnonzero(suffix)
    if dup.size:
        pair = label[dup].astype(np.int64) * len(SUFFIXES) + suffix[dup]
        uniq, inverse = np.unique(pair, return_inverse=True)
        ends = pa.array(np.array(SUFFIXES, dtype=object)[uniq % len(SUFFIXES)], pa.large_string())
        extra = _join(table.take(pa.array(uniq // len(SUFFIXES))), ends)
        label[dup] = len(table) + inverse.ravel()
        table = pa.concat_arrays([table, extra])
    return table, label


def label_column(
    texts: LabelTexts, form: np.ndarray, ref: np.ndarray, suffix: np.ndarray
) -> pd.arrays.ArrowStringArray:
    """Return the labels as one Arrow string array (a duplicate's label gets its suffix)."""
    table, ids = label_ids(texts, form, ref, suffix)
    return pd.arrays.ArrowStringArray(pa.chunked_array([table.take(pa.array(ids))]))


def person_label_forms(
    rng: np.random.Generator,
    owner_country: np.ndarray,
    countries: list,
    contact: np.ndarray,
    kind: np.ndarray,
    kinds: list,
    owner_is_a: np.ndarray,
    texts: LabelTexts,
    family_labels: dict,
) -> tuple[np.ndarray, np.ndarray]:
    """Label ``(form, ref)`` under which each person contact is saved, from tie kind and side.

    ``owner_country`` and ``kind`` are codes into ``countries`` and ``kinds``. The draws,
    in order: the form of the name; for family ties, whether a family word is used and
    which (per country, in ``family_labels`` order); "... work"; then per sensitive kind.
    """
    n = kind.size
    form = np.empty(n, dtype=np.int8)
    cuts = np.array([0.45, 0.85, 0.93])  # first name, full, nick, first + initial
    for lo, hi, u in uniform_chunks(rng, n):
        form[lo:hi] = np.searchsorted(cuts, u, side="right")
    ref = contact.astype(np.int32, copy=True)

    def kind_is(name):
        return kind == kinds.index(name) if name in kinds else np.zeros(n, dtype=bool)

    fam = kind_is("family")
    if fam.any():
        fam_idx = np.flatnonzero(fam & uniform_below(rng, n, 0.35))
        for code, words in family_labels.items():  # 8 countries
            sel = (
                fam_idx[owner_country[fam_idx] == countries.index(code)]
                if code in countries
                else fam_idx[:0]
            )
            ref[sel] = texts.ids(words)[rng.integers(0, len(words), sel.size)]
            form[sel] = CONST
    del fam
    form[np.flatnonzero(kind_is("work") & uniform_below(rng, n, 0.3))] = _F["work"]
    # the patient/client/source (side b) saves the professional (side a)
    client_side = ~owner_is_a
    for name, side, p, yes, no in (
        ("patient_clinician", client_side, 0.6, "dr_initial", "dr_last"),
        ("client_lawyer", client_side, 0.5, "lawyer", "full"),
        ("client_sex_worker", client_side, 0.5, "initial", "nick"),
        ("source_journalist", owner_is_a, 0.5, "s_initial", "nick"),
    ):
        idx = np.flatnonzero(kind_is(name) & side)
        form[idx] = np.where(rng.random(idx.size) < p, _F[yes], _F[no])
    ex = np.flatnonzero(kind_is("ex_partner"))
    is_ex = rng.random(ex.size) < 0.3
    dont = rng.random(ex.size) < 0.5
    ex_ids = texts.ids(["Ex", "Don't answer"])
    form[ex] = np.where(is_ex | dont, CONST, _F["first"])
    ref[ex] = np.where(is_ex, ex_ids[0], np.where(dont, ex_ids[1], contact[ex]))
    return form, ref


def dense_ids(key: np.ndarray, space: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct keys in ``[0, space)`` sorted, and each key's index among them.

    The same as ``np.unique(key, return_inverse=True)``; through one flag per possible
    key when ``space`` is at most a few times ``key.size``, else by sorting.

    >>> uniq, ids = dense_ids(np.array([7, 3, 7, 0]), 8)
    >>> uniq.tolist(), ids.tolist()
    ([0, 3, 7], [2, 1, 2, 0])
    """
    if space > 4 * key.size + (1 << 20) or space >= 2**31:
        uniq, inverse = np.unique(key, return_inverse=True)
        return uniq, inverse.ravel()
    seen = np.zeros(space, dtype=bool)
    seen[key] = True
    uniq = np.flatnonzero(seen)
    rank = np.cumsum(seen, dtype=np.int32)
    del seen
    rank -= 1
    return uniq, rank[key]
