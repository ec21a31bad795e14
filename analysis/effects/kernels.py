"""Row-by-row candidate scoring from CSR adjacency, compiled with numba.

The block engine of :mod:`analysis.effects.pairs` computes ``A @ diag(1 + i w) @ A``
block by block with scipy and then filters and ranks the product. The kernels here do
the same arithmetic row by row (Gustavson's sparse accumulator): for a row ``r``, the
neighbours ``j`` of ``r`` are visited in increasing order and ``w[j]`` is added to the
accumulator of every candidate neighbour ``c`` of ``j``, so every Adamic-Adar sum is
formed from the very same terms in the very same order as in scipy's product, and is
bit for bit the same number. Nothing of size "two-hop paths" is materialised: one row's
accumulator is filtered (existing friends and the node itself dropped) and, for top-k,
ranked on the spot.

Rows are split into chunks scored in parallel (``numba.prange``); each chunk has its own
accumulator, and each row's result depends only on the graph, so the output does not
depend on the number of threads.

Visible-edge marks (``mark``, one per entry of the visible graph): 1 = a friendship
(never suggested), 2 = a contact edge only (suggested, flagged ``is_contact_edge``).
"""

from __future__ import annotations

import numpy as np
from numba import get_num_threads, njit, prange

__all__ = ["all_candidates", "top_k_rows"]

#: Rounding factor of scores before they are compared (``RANK_DECIMALS = 9`` places), as
#: ``numpy.round`` does it: multiply, round half to even, divide.
_SCALE = 1e9


@njit(cache=True, nogil=True)
def _accumulate(r, indptr, indices, w, cand, every, slot, acc_aa, flag, touched, mark):
    """Fill the accumulator of row ``r``; return how many columns it touched.

    ``slot[c]`` holds ``r << 32 | count``: whether column ``c`` was touched for this row
    and its common-neighbour count in one word (one memory access per path).
    ``touched`` lists the columns in first-touch order (scipy's product emits them in
    the reverse order). ``flag[c]`` is the mark of the visible edge ``(r, c)``, 0 if none.
    ``every``: every node is a candidate (``cand`` is not read).
    """
    cnt = 0
    tag = np.int64(r) << 32
    for p in range(indptr[r], indptr[r + 1]):
        j = indices[p]
        wj = w[j]
        for q in range(indptr[j], indptr[j + 1]):
            c = indices[q]
            if not every and not cand[c]:
                continue
            s = slot[c]
            if (s >> 32) != r:
                slot[c] = tag + 1
                acc_aa[c] = wj
                flag[c] = 0
                touched[cnt] = c
                cnt += 1
            else:
                slot[c] = s + 1
                acc_aa[c] += wj
        if every or cand[j]:  # the visible edge (r, j) itself
            if (slot[j] >> 32) != r:
                slot[j] = tag
                acc_aa[j] = 0.0
                touched[cnt] = j
                cnt += 1
            flag[j] = mark[p]
    return cnt


@njit(cache=True, nogil=True)
def _round(x):
    return np.rint(x * _SCALE) / _SCALE


@njit(cache=True, parallel=True)
def top_k_rows(indptr, indices, mark, w, rows, cand, every, k, use_aa, weight, n_chunks):
    """Top-``k`` candidates of each row in ``rows`` (sorted), ranked as the block engine does.

    Ranking score: ``aa`` (``use_aa``) or the common-neighbour count, plus ``weight``
    for a direct contact edge; compared after rounding to 9 decimal places, higher
    first, ties to the lower column.

    Returns ``(count, cols, score, cn, aa, direct)``: ``count[i]`` kept entries of row
    ``rows[i]`` at positions ``i * k ...`` of the other arrays (unsorted remainder unused).
    """
    n = cand.size
    m = rows.size
    count = np.zeros(m, np.int64)
    out_c = np.empty(m * k, np.int64)
    out_s = np.empty(m * k, np.float64)
    out_cn = np.empty(m * k, np.int32)
    out_aa = np.empty(m * k, np.float64)
    out_d = np.empty(m * k, np.bool_)
    step = (m + n_chunks - 1) // n_chunks
    for chunk in prange(n_chunks):
        lo = chunk * step
        hi = min(m, lo + step)
        if lo >= hi:
            continue
        slot = np.full(n, -1, np.int64)
        acc_aa = np.zeros(n, np.float64)
        flag = np.zeros(n, np.int8)
        touched = np.empty(n, np.int64)
        best_r = np.empty(k, np.float64)  # rounded score
        best_c = np.empty(k, np.int64)
        best_s = np.empty(k, np.float64)
        best_d = np.empty(k, np.bool_)
        for i in range(lo, hi):
            r = rows[i]
            cnt = _accumulate(r, indptr, indices, w, cand, every, slot, acc_aa, flag, touched, mark)
            held = 0
            for t in range(cnt):
                c = touched[t]
                if c == r or flag[c] == 1:
                    continue
                d = flag[c] == 2
                base = acc_aa[c] if use_aa else float(slot[c] & 0xFFFFFFFF)
                s = base + weight * (1.0 if d else 0.0)
                rs = _round(s)
                if held == k:  # full: does (rs, c) beat the worst kept?
                    wr, wc = best_r[k - 1], best_c[k - 1]
                    if rs < wr or (rs == wr and c > wc):
                        continue
                    pos = k - 1
                else:
                    pos = held
                    held += 1
                while pos > 0 and (
                    best_r[pos - 1] < rs or (best_r[pos - 1] == rs and best_c[pos - 1] > c)
                ):
                    best_r[pos] = best_r[pos - 1]
                    best_c[pos] = best_c[pos - 1]
                    best_s[pos] = best_s[pos - 1]
                    best_d[pos] = best_d[pos - 1]
                    pos -= 1
                best_r[pos] = rs
                best_c[pos] = c
                best_s[pos] = s
                best_d[pos] = d
            count[i] = held
            o = i * k
            for t in range(held):
                c = best_c[t]
                out_c[o + t] = c
                out_s[o + t] = best_s[t]
                out_cn[o + t] = slot[c] & 0xFFFFFFFF
                out_aa[o + t] = acc_aa[c]
                out_d[o + t] = best_d[t]
    return count, out_c, out_s, out_cn, out_aa, out_d


@njit(cache=True, parallel=True)
def _fill_candidates(
    indptr, indices, mark, w, rows, cand, every, upper, bounds, o_u, o_v, o_cn, o_aa, o_d, filled
):
    """Write each chunk's candidates from ``bounds[chunk]`` on; ``filled[chunk]``: how many."""
    n = cand.size
    m = rows.size
    n_chunks = filled.size
    step = (m + n_chunks - 1) // n_chunks
    for chunk in prange(n_chunks):
        lo = chunk * step
        hi = min(m, lo + step)
        if lo >= hi:
            continue
        o = bounds[chunk]
        slot = np.full(n, -1, np.int64)
        acc_aa = np.zeros(n, np.float64)
        flag = np.zeros(n, np.int8)
        touched = np.empty(n, np.int64)
        for i in range(lo, hi):
            r = rows[i]
            cnt = _accumulate(r, indptr, indices, w, cand, every, slot, acc_aa, flag, touched, mark)
            for t in range(cnt - 1, -1, -1):  # scipy's output order: last touched first
                c = touched[t]
                if c == r or flag[c] == 1 or (upper and c <= r):
                    continue
                o_u[o] = r
                o_v[o] = c
                o_cn[o] = slot[c] & 0xFFFFFFFF
                o_aa[o] = acc_aa[c]
                o_d[o] = flag[c] == 2
                o += 1
        filled[chunk] = o - bounds[chunk]


def _compact(cols, bounds, filled) -> int:
    """Move each chunk's entries down to follow the previous chunk's (in place)."""
    dst = 0
    for src, size in zip(bounds.tolist(), filled.tolist(), strict=True):
        if src != dst:
            for values in cols:
                values[dst : dst + size] = values[src : src + size]
        dst += size
    return dst


def _chunks(m: int) -> int:
    """Chunks for ``m`` rows: one with one thread, else a few per thread (rows differ in cost)."""
    threads = get_num_threads()
    return max(1, min(m, 1 if threads == 1 else 4 * threads))


def all_candidates(indptr, indices, mark, w, rows, cand, upper, ids_dtype):
    """Every candidate of every row, in the block engine's order, as five arrays.

    One pass: a row has at most as many candidates as two-hop paths plus edges, so each
    chunk of rows writes from the sum of the earlier chunks' bounds on. The columns are
    allocated at the total bound (address space: a page is only paged in when written),
    the chunks are then moved down to follow one another, and the columns are shrunk in
    place. Returns ``(person, candidate, cn, aa, direct)``.
    """
    chunks = _chunks(rows.size)
    deg = np.diff(indptr)
    step = (rows.size + chunks - 1) // chunks
    paths = np.zeros(indices.size + 1, np.int64)
    np.cumsum(deg[indices], out=paths[1:])
    per_row = paths[indptr[1:]] - paths[indptr[:-1]] + deg
    bound_rows = per_row[rows]
    ends = np.cumsum(bound_rows)
    bounds = np.zeros(chunks, np.int64)
    starts = np.arange(1, chunks) * step
    bounds[1:] = ends[np.minimum(starts, rows.size) - 1] if rows.size else 0
    total = int(ends[-1]) if rows.size else 0
    cols = [np.empty(total, t) for t in (ids_dtype, ids_dtype, np.int32, np.float64, np.bool_)]
    filled = np.zeros(chunks, np.int64)
    _fill_candidates(
        indptr, indices, mark, w, rows, cand, bool(cand.all()), upper, bounds, *cols, filled
    )
    size = _compact(cols, bounds, filled)
    for values in cols:
        values.resize(size, refcheck=False)  # shrinks in place (no copy)
    return tuple(cols)


def top_k(indptr, indices, mark, w, rows, cand, k, use_aa, weight):
    """:func:`top_k_rows`, compacted: ``(person, candidate, score, cn, aa, direct)``."""
    every, chunks = bool(cand.all()), _chunks(rows.size)
    count, c, s, cn, aa, d = top_k_rows(
        indptr, indices, mark, w, rows, cand, every, k, use_aa, weight, chunks
    )
    keep = np.flatnonzero((np.arange(rows.size * k) % k) < np.repeat(count, k))
    person = np.repeat(rows, count)
    return person, c[keep], s[keep], cn[keep], aa[keep], d[keep]
