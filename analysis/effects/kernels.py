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

Several graphs at once (:func:`top_k_rows_many`): the scenarios' visible graphs share the
friendships and most contact edges, so one walk over their union, with a mask per entry
naming the graphs that hold it and one accumulator per graph side by side in memory,
does the work of one walk per graph: each graph's sums still get the same terms in the
same order, so each graph's table has the same bits as :func:`top_k_rows` gives for it.
The walk is bound by memory latency, and eight accumulators fill a cache line where one
fills an eighth of it: at a million nodes, eight graphs in one pass took about five times
as long as one graph alone, not eight times (README, "Ranking and scoring").

Locality (:func:`locality_order`): person ids say nothing about who knows whom, so a
row's friends of friends are spread over the whole population and nearly every
accumulator read misses the cache. :func:`top_k_many` walks the union graph renumbered
in reverse Cuthill-McKee order, where a row's two-hop neighbourhood sits in a narrow
band of ids. Each row keeps its entries in their order (still sorted by the ids as
given), ties are broken by the ids as given, and the tables name the ids as given, so
the tables are the same bits. The walk's rows are dealt to the threads in blocks of
:data:`_BLOCK` in turn, so the costly rows, now next to one another, are shared out;
and the common-neighbour counts of the kept pairs are merged once per candidate for all
graphs (:func:`_common_counts`).
"""

from __future__ import annotations

import numpy as np
from numba import get_num_threads, njit, prange

__all__ = ["all_candidates", "locality_order", "top_k_many", "top_k_rows", "top_k_rows_many"]

#: Rounding factor of scores before they are compared (``RANK_DECIMALS = 9`` places), as
#: ``numpy.round`` does it: multiply, round half to even, divide.
_SCALE = 1e9

#: Rows per block of :func:`top_k_rows_many`: the walk's rows are cut into blocks of this
#: many, dealt to the threads in turn (block ``b`` to thread ``b % threads``), so costly
#: rows next to one another in the walk's order are shared out.
_BLOCK = 512

#: A score this far below the worst kept rounded score is below it once rounded too:
#: rounding moves a score by at most half a unit of the 9th decimal (plus a relative
#: error of a few ``2**-52``, far smaller for any score below a million), so such a
#: candidate is passed over without rounding it (the same decision, found faster).
_MARGIN = 1e-9


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
                if held == k and s < best_r[k - 1] - _MARGIN:
                    continue  # below the worst kept even once rounded (no rounding needed)
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


@njit(cache=True, nogil=True)
def _accumulate_many(
    r, indptr, indices, present, friend, w, cand, every, head, acc, cnt, counts, touched
):
    """:func:`_accumulate` for ``S`` graphs at once (one union graph, a mask per entry).

    ``present[p]`` has bit ``s`` set when entry ``p`` of the union graph is an edge of
    graph ``s``; ``friend[p]`` when it is a friendship (in every graph). ``w[j * S + s]``
    is the weight of node ``j`` in graph ``s``. For row ``r`` and a column ``c``,
    ``head[4 * c ...]`` holds, side by side in memory, the row that last touched ``c``,
    the graphs it was touched in, the graphs in which ``(r, c)`` is a contact edge, and
    whether ``(r, c)`` is a friendship; ``acc[c * S + s]`` and ``cnt[c * S + s]`` are
    graph ``s``'s sums, each formed from the very same terms in the very same order as
    :func:`_accumulate` forms them on graph ``s`` alone. ``counts``: keep ``cnt`` (else it
    is not touched, and :func:`_common_counts` gives the counts of the rows kept).
    """
    n_graphs = w.size // cand.size
    every_graph = (np.int32(1) << n_graphs) - 1
    total = 0
    for p in range(indptr[r], indptr[r + 1]):
        j = indices[p]
        mp = present[p]
        wj = j * n_graphs
        for q in range(indptr[j], indptr[j + 1]):
            c = indices[q]
            if not every and not cand[c]:
                continue
            m = mp & present[q]
            if m == 0:
                continue
            h = 4 * c
            a = c * n_graphs
            if head[h] != r:  # first touch: start every graph's sums (only those in m count)
                head[h] = r
                head[h + 1] = m
                head[h + 2] = 0
                head[h + 3] = 0
                touched[total] = c
                total += 1
                for s in range(n_graphs):
                    acc[a + s] = w[wj + s]
                if counts:
                    for s in range(n_graphs):
                        cnt[a + s] = 1
                continue
            t = head[h + 1]
            if m == every_graph and t == every_graph:  # the common case: no branch per graph
                for s in range(n_graphs):
                    acc[a + s] += w[wj + s]
                if counts:
                    for s in range(n_graphs):
                        cnt[a + s] += 1
                continue
            for s in range(n_graphs):
                if (m >> s) & 1:
                    if (t >> s) & 1:
                        acc[a + s] += w[wj + s]
                        if counts:
                            cnt[a + s] += 1
                    else:
                        acc[a + s] = w[wj + s]
                        if counts:
                            cnt[a + s] = 1
            head[h + 1] = t | m
        if every or cand[j]:  # the visible edge (r, j) itself, in the graphs that hold it
            h = 4 * j
            if head[h] != r:
                head[h] = r
                head[h + 1] = 0
                head[h + 2] = 0
                head[h + 3] = 0
                touched[total] = j
                total += 1
            t = head[h + 1]
            a = j * n_graphs
            for s in range(n_graphs):
                if (mp >> s) & 1 and not (t >> s) & 1:
                    acc[a + s] = 0.0
                    if counts:
                        cnt[a + s] = 0
            head[h + 1] = t | mp
            if friend[p]:
                head[h + 3] = 1
            else:
                head[h + 2] |= mp
    return total


@njit(cache=True, nogil=True)
def _common_counts(indptr, indices, present, label, r, c, found):
    """Count the common neighbours of ``r`` and ``c`` in every graph (merging two rows).

    ``found[g]`` becomes the number of two-hop paths ``r - j - c`` of graph ``g``: what
    :func:`_accumulate` counts for column ``c`` of row ``r`` on graph ``g`` alone. Rows
    are sorted by ``label`` (the node ids the graph had before :func:`locality_order`
    renumbered it), so one merge of the two rows serves every graph.
    """
    n_graphs = found.size
    found[:] = 0
    p, p_end = indptr[r], indptr[r + 1]
    q, q_end = indptr[c], indptr[c + 1]
    while p < p_end and q < q_end:
        a, b = label[indices[p]], label[indices[q]]
        if a < b:
            p += 1
        elif b < a:
            q += 1
        else:
            both = present[p] & present[q]
            for g in range(n_graphs):
                found[g] += (both >> g) & 1
            p += 1
            q += 1


@njit(cache=True, parallel=True)
def top_k_rows_many(
    indptr, indices, present, friend, w, rows, cand, every, k, use_aa, weight, n_chunks,
    label, pos,
):  # fmt: skip
    """:func:`top_k_rows` of ``S`` graphs in one pass over their union (:func:`_accumulate_many`).

    ``w`` is the ``(n, S)`` weight matrix, flattened in C order. Returns ``(count,
    cols, score, cn, aa, direct)`` with a leading axis of graphs: for graph ``s``,
    ``count[s, i]`` kept entries of row ``rows[i]`` at positions ``i * k ...`` of
    ``cols[s]`` and the others, each equal to what :func:`top_k_rows` returns for graph
    ``s`` alone.

    Renumbered graphs (:func:`locality_order`): ``label[c]`` is node ``c``'s id in the
    graph as given (rows sorted by it, ties broken by it, and ``cols`` hold it), and the
    row ``rows[t]`` is written at position ``pos[t]`` (its place in the rows as given).
    ``n_chunks`` accumulator sets (one per thread) take the rows in blocks of
    :data:`_BLOCK`, dealt in turn; a row's result does not depend on which set scores it.
    """
    n = cand.size
    m = rows.size
    n_graphs = w.size // n
    counts = not use_aa  # ranked by counts: count every path; else only the kept pairs
    count = np.zeros((n_graphs, m), np.int64)
    out_c = np.empty((n_graphs, m * k), np.int64)
    out_s = np.empty((n_graphs, m * k), np.float64)
    out_cn = np.empty((n_graphs, m * k), np.int32)
    out_aa = np.empty((n_graphs, m * k), np.float64)
    out_d = np.empty((n_graphs, m * k), np.bool_)
    n_blocks = (m + _BLOCK - 1) // _BLOCK
    for chunk in prange(n_chunks):
        if chunk >= n_blocks:
            continue
        head = np.full(4 * n, -1, np.int32)
        acc = np.zeros(n * n_graphs, np.float64)
        cnt = np.zeros(n * n_graphs if counts else 0, np.int32)
        touched = np.empty(n, np.int64)
        best_r = np.empty((n_graphs, k), np.float64)  # rounded score
        best_c = np.empty((n_graphs, k), np.int64)
        best_l = np.empty((n_graphs, k), np.int64)  # label of best_c: what ties compare
        best_s = np.empty((n_graphs, k), np.float64)
        best_d = np.empty((n_graphs, k), np.bool_)
        held = np.zeros(n_graphs, np.int64)
        floor = np.empty(n_graphs, np.float64)
        kept_c = np.empty(n_graphs * k, np.int64)
        kept_n = np.empty((n_graphs * k, n_graphs), np.int32)
        for b in range(chunk, n_blocks, n_chunks):  # blocks dealt in turn: rows differ in cost
            for t_row in range(b * _BLOCK, min(m, (b + 1) * _BLOCK)):
                r, i = rows[t_row], pos[t_row]
                total = _accumulate_many(
                    r,
                    indptr,
                    indices,
                    present,
                    friend,
                    w,
                    cand,
                    every,
                    head,
                    acc,
                    cnt,
                    counts,
                    touched,
                )
                held[:] = 0
                floor[:] = -np.inf  # a score below floor[g] cannot enter graph g's kept list
                for t in range(total):
                    c = touched[t]
                    h = 4 * c
                    if c == r or head[h + 3] == 1:
                        continue
                    tm, cm, a = head[h + 1], head[h + 2], c * n_graphs
                    passing = 0  # graphs where c may enter the kept list (no branch per graph)
                    for g in range(n_graphs):
                        base = acc[a + g] if use_aa else float(cnt[a + g])
                        s = base + weight * ((cm >> g) & 1)
                        passing |= np.int64(s >= floor[g]) << g
                    passing &= tm
                    if passing == 0:
                        continue
                    lc = np.int64(label[c])
                    for g in range(n_graphs):
                        if not (passing >> g) & 1:
                            continue
                        d = (cm >> g) & 1 == 1
                        base = acc[a + g] if use_aa else float(cnt[a + g])
                        s = base + weight * (1.0 if d else 0.0)
                        hg = held[g]
                        rs = _round(s)
                        if hg == k:
                            wr, wc = best_r[g, k - 1], best_l[g, k - 1]
                            if rs < wr or (rs == wr and lc > wc):
                                continue
                            at = k - 1
                        else:
                            at = hg
                            held[g] = hg + 1
                        while at > 0 and (
                            best_r[g, at - 1] < rs
                            or (best_r[g, at - 1] == rs and best_l[g, at - 1] > lc)
                        ):
                            best_r[g, at] = best_r[g, at - 1]
                            best_c[g, at] = best_c[g, at - 1]
                            best_l[g, at] = best_l[g, at - 1]
                            best_s[g, at] = best_s[g, at - 1]
                            best_d[g, at] = best_d[g, at - 1]
                            at -= 1
                        best_r[g, at] = rs
                        best_c[g, at] = c
                        best_l[g, at] = lc
                        best_s[g, at] = s
                        best_d[g, at] = d
                        if held[g] == k:
                            floor[g] = best_r[g, k - 1] - _MARGIN
                o = i * k
                n_kept = 0  # distinct candidates kept in some graph (their counts, if needed)
                for g in range(n_graphs):
                    hg = held[g]
                    count[g, i] = hg
                    for t in range(hg):
                        c = best_c[g, t]
                        out_c[g, o + t] = best_l[g, t]
                        out_s[g, o + t] = best_s[g, t]
                        if counts:
                            out_cn[g, o + t] = cnt[c * n_graphs + g]
                        else:
                            at = 0
                            while at < n_kept and kept_c[at] != c:
                                at += 1
                            if at == n_kept:
                                kept_c[at] = c
                                _common_counts(indptr, indices, present, label, r, c, kept_n[at])
                                n_kept += 1
                            out_cn[g, o + t] = kept_n[at, g]
                        out_aa[g, o + t] = acc[c * n_graphs + g]
                        out_d[g, o + t] = best_d[g, t]
    return count, out_c, out_s, out_cn, out_aa, out_d


@njit(cache=True, parallel=True)
def _renumber(indptr, indices, present, friend, order, new_id):
    """Renumber a graph: return its CSR arrays with node ``order[i]`` renamed ``i``.

    Row ``i`` of the result is row ``order[i]`` as given, its entries in the same order
    (so still sorted by the old ids) with every column renamed ``new_id[c]``.
    """
    n = order.size
    deg = np.empty(n, np.int64)
    for i in prange(n):
        deg[i] = indptr[order[i] + 1] - indptr[order[i]]
    out_ptr = np.zeros(n + 1, indptr.dtype)
    out_ptr[1:] = np.cumsum(deg)
    out_idx = np.empty(indices.size, indices.dtype)
    out_present = np.empty(present.size, present.dtype)
    out_friend = np.empty(friend.size, friend.dtype)
    for i in prange(n):
        src, dst = indptr[order[i]], out_ptr[i]
        for e in range(deg[i]):
            out_idx[dst + e] = new_id[indices[src + e]]
            out_present[dst + e] = present[src + e]
            out_friend[dst + e] = friend[src + e]
    return out_ptr, out_idx, out_present, out_friend


def locality_order(indptr, indices) -> np.ndarray:
    """Order the nodes so that neighbours are near one another (reverse Cuthill-McKee).

    The ranking walk reads the accumulators of every node two hops from a row; in the
    order nodes are given (the world's person ids) a row's friends of friends are spread
    over the whole population, so nearly every read misses the cache. Renumbered in
    reverse Cuthill-McKee order (breadth first, lowest degree first), a row's two-hop
    neighbourhood sits in a narrow band of ids. Returns ``order``: node ``order[i]``
    becomes node ``i``. Only the walk sees the new ids (:func:`top_k_many`).

    >>> import numpy as np
    >>> indptr, indices = np.array([0, 1, 2, 3, 4]), np.array([2, 3, 0, 1])
    >>> sorted(locality_order(indptr, indices).tolist())
    [0, 1, 2, 3]
    """
    import scipy.sparse as sp
    from scipy.sparse.csgraph import reverse_cuthill_mckee

    n = indptr.size - 1
    ones = np.ones(indices.size, np.int8)
    graph = sp.csr_matrix((ones, indices, indptr), shape=(n, n))
    return reverse_cuthill_mckee(graph, symmetric_mode=True).astype(np.int64)


def top_k_many(
    indptr, indices, present, friend, w, rows, cand, k, use_aa, weight, *, renumber=True
):
    """:func:`top_k_rows_many`, compacted: yield ``(person, candidate, score, cn, aa, direct)``.

    One graph at a time, so a caller that builds each graph's table before asking for the
    next holds one compacted copy, not one per graph. The graph's arrays are let go once
    ranked (a caller that keeps no reference of its own frees them then).

    ``renumber``: walk the graph renumbered in :func:`locality_order` (the arrays as
    given are let go once renumbered). The tables are the same bits either way: each
    row's entries keep their order, so every sum has the same terms in the same order,
    and ties are broken by the ids as given.
    """
    every, n_graphs, n = bool(cand.all()), w.shape[1], cand.size
    chunks = max(1, get_num_threads())  # one accumulator set per thread
    if renumber and n > 1:
        order = locality_order(indptr, indices)
        new_id = np.empty(n, np.int64)
        new_id[order] = np.arange(n)
        graph = _renumber(indptr, indices, present, friend, order, new_id)
        del indptr, indices, present, friend
        indptr, indices, present, friend = graph
        del graph
        w, cand = w[order], cand[order]
        walk = new_id[rows]
        pos = np.argsort(walk, kind="stable")  # rows walked in the new order
        walk = walk[pos]
        label = order
        del new_id
    else:
        walk, pos, label = rows, np.arange(rows.size), np.arange(n, dtype=np.int64)
    count, c, s, cn, aa, d = top_k_rows_many(
        indptr, indices, present, friend, np.ascontiguousarray(w).ravel(), walk, cand, every, k,
        use_aa, weight, chunks, label, pos,
    )  # fmt: skip
    del indptr, indices, present, friend, w, label
    slot = np.arange(rows.size * k) % k
    for g in range(n_graphs):
        keep = np.flatnonzero(slot < np.repeat(count[g], k))
        yield (
            np.repeat(rows, count[g]),
            c[g, keep],
            s[g, keep],
            cn[g, keep],
            aa[g, keep],
            d[g, keep],
        )
