"""Candidate pairs of a graph scored by block sparse products (the suggestion engine).

The candidates of a node are the nodes two hops away that are not already friends,
plus those joined to it by an *extra* (contact) edge. :func:`candidate_scores` lists
every candidate pair with its common-neighbour count and Adamic-Adar score;
:func:`analysis.effects.suggest.top_k_suggestions` ranks them. Both read the same
blocks (:func:`_candidate_blocks`): rows are taken a few hundred thousand two-hop
paths at a time, one complex sparse product per block scores them, and only the kept
entries leave the block.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import scipy.sparse as sp

__all__ = ["adamic_adar_weights", "as_adjacency", "candidate_scores"]


try:  # scipy's sparse product kernel, called without its counting pass (see _block_product)
    from scipy.sparse._sparsetools import csr_matmat as _csr_matmat
except ImportError:  # pragma: no cover - another scipy
    _csr_matmat = None


#: Added to the diagonal of the right factor of the block product, so every visible
#: edge (r, c) carries this in the real part of its product entry: an exact float64
#: integer far above any common-neighbour count, so the count stays exact beside it.
_EDGE = float(2**32)


def as_adjacency(matrix, *, name: str = "adjacency", n: int | None = None) -> sp.csr_matrix:
    """Validate a square sparse matrix and return its symmetric 0/1 CSR pattern.

    The diagonal is dropped and ``A + A.T`` is taken, so a directed or upper-triangular
    input becomes the undirected graph it describes.

    Parameters
    ----------
    matrix : scipy.sparse matrix or array
        Square, one row per node.
    name : str
        Parameter name used in error messages.
    n : int, optional
        Required number of nodes.
    """
    if not sp.issparse(matrix):
        raise TypeError(f"{name} must be a scipy.sparse matrix, got {type(matrix).__name__}")
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"{name} must be square, got shape {matrix.shape}")
    if n is not None and matrix.shape[0] != n:
        raise ValueError(
            f"{name} has {matrix.shape[0]} nodes, expected {n} (same as the friendship graph)"
        )
    a = sp.csr_matrix(matrix, dtype=np.float64, copy=True)
    a.sum_duplicates()  # sorted indices, one entry per (row, col)
    a.data[:] = 1.0
    rows = np.repeat(np.arange(a.shape[0], dtype=a.indices.dtype), np.diff(a.indptr))
    on_diagonal = a.indices == rows
    del rows
    if on_diagonal.any():
        a.data[on_diagonal] = 0.0
        a.eliminate_zeros()
    # the transpose, rebuilt as CSR, has sorted indices: equal arrays = already symmetric
    t = a.T.tocsr()
    if not (np.array_equal(t.indptr, a.indptr) and np.array_equal(t.indices, a.indices)):
        a = (a + t).tocsr()
        a.data[:] = 1.0
        a.sort_indices()
    return a


def adamic_adar_weights(adjacency: sp.csr_matrix) -> np.ndarray:
    """Per-node weight ``1 / log(degree)``; 0 for degree < 2 (never a common neighbour).

    >>> import scipy.sparse as sp
    >>> w = adamic_adar_weights(sp.csr_matrix(np.array([[0, 1, 1], [1, 0, 0], [1, 0, 0]])))
    >>> [round(float(x), 4) for x in w]
    [1.4427, 0.0, 0.0]
    """
    return _weights_of_degree(adjacency.getnnz(axis=1))


def _weights_of_degree(degree) -> np.ndarray:
    """``1 / log(degree)`` where ``degree >= 2``, else 0 (float64)."""
    deg = np.asarray(degree, dtype=np.float64)
    w = np.zeros_like(deg)
    ok = deg >= 2
    w[ok] = 1.0 / np.log(deg[ok])
    return w


def _row_blocks(rows: sp.csr_matrix, degree: np.ndarray, budget: int) -> list[tuple[int, int, int]]:
    """Split rows into contiguous blocks holding about ``budget`` two-hop paths each.

    Returns ``(start, stop, paths)`` per block: ``paths`` (two-hop paths plus the row's
    own edges) bounds the number of entries of the block's product row by row.
    """
    paths = np.asarray(rows @ degree.astype(np.float64)).ravel() + np.diff(rows.indptr)
    cum = np.cumsum(paths)
    n = rows.shape[0]
    bounds = [0]
    while bounds[-1] < n:
        start = bounds[-1]
        base = cum[start - 1] if start else 0.0
        stop = int(np.searchsorted(cum, base + budget, side="right"))
        bounds.append(min(n, max(stop, start + 1)))
    return [
        (a, b, int(cum[b - 1] - (cum[a - 1] if a else 0.0))) for a, b in itertools.pairwise(bounds)
    ]


def _block_product(sub: sp.csr_matrix, start: int, stop: int, right: sp.csr_matrix, buffers):
    """``sub[start:stop] @ right`` as ``(indptr, indices, data)`` views into ``buffers``.

    Calls scipy's own kernel (``csr_matmat``) without its counting pass: the output
    arrays are sized by the block's path bound and reused from block to block, so no
    memory is allocated (and paged in) per block. Falls back to ``@`` where that kernel
    is not importable.
    """
    if _csr_matmat is None:  # pragma: no cover - another scipy
        prod = sub[start:stop] @ right
        return prod.indptr, prod.indices, prod.data
    indptr, indices, data = buffers
    p0, p1 = sub.indptr[start], sub.indptr[stop]
    left_indptr = (sub.indptr[start : stop + 1] - p0).astype(right.indptr.dtype, copy=False)
    left_indices = sub.indices[p0:p1].astype(right.indices.dtype, copy=False)
    left_data = sub.data[p0:p1].astype(right.dtype)
    out_indptr = indptr[: stop - start + 1]
    _csr_matmat(
        stop - start,
        right.shape[1],
        left_indptr,
        left_indices,
        left_data,
        right.indptr,
        right.indices,
        right.data,
        out_indptr,
        indices,
        data,
    )
    nnz = int(out_indptr[-1])
    return out_indptr, indices[:nnz], data[:nnz]


def _as_canonical(matrix, *, name: str = "adjacency", n: int | None = None) -> sp.csr_matrix:
    """``matrix`` itself when it already is a canonical adjacency, else :func:`as_adjacency`.

    Canonical: CSR, float64, sorted indices without duplicates, every value 1, no
    diagonal, symmetric. Only read by the callers (no copy of a big graph).
    """
    if (
        sp.issparse(matrix)
        and matrix.format == "csr"
        and matrix.dtype == np.float64
        and matrix.shape[0] == matrix.shape[1]
        and (n is None or matrix.shape[0] == n)
        and matrix.has_canonical_format
        and (matrix.nnz == 0 or (matrix.data.min() == 1.0 and matrix.data.max() == 1.0))
    ):
        rows = np.repeat(
            np.arange(matrix.shape[0], dtype=matrix.indices.dtype), np.diff(matrix.indptr)
        )
        if not (matrix.indices == rows).any():
            del rows
            t = matrix.T.tocsr()
            if np.array_equal(t.indptr, matrix.indptr) and np.array_equal(
                t.indices, matrix.indices
            ):
                return matrix
    return as_adjacency(matrix, name=name, n=n)


def _visible_graph(adjacency, extra_edges):
    """Friendship graph, contact edges (or None) and the visible graph, all canonical."""
    friends = _as_canonical(adjacency)
    if extra_edges is None:
        return friends, None, friends
    contact = _as_canonical(extra_edges, name="extra_edges", n=friends.shape[0])
    visible = (friends + contact).tocsr()
    visible.data[:] = 1.0
    visible.sort_indices()
    return friends, contact, visible


def _marked_visible(friends, contact):
    """Return the visible graph's CSR arrays and a mark per entry (1 friend, 2 contact only).

    Same pattern (sorted indices) as :func:`_visible_graph`'s visible graph.
    """
    if contact is None:
        return friends.indptr, friends.indices, np.ones(friends.nnz, np.int8)
    both = (friends + 2.0 * contact).tocsr()
    both.sort_indices()
    mark = np.where(both.data == 2.0, 2, 1).astype(np.int8)
    return both.indptr, both.indices, mark


def _check_rows(nodes, candidates, n: int) -> tuple[np.ndarray, np.ndarray | None]:
    row_ids = np.arange(n) if nodes is None else np.unique(np.asarray(nodes, dtype=np.int64))
    if row_ids.size and (row_ids[0] < 0 or row_ids[-1] >= n):
        raise ValueError(f"nodes must be node ids in 0..{n - 1}")
    if candidates is not None:
        candidates = np.asarray(candidates, dtype=bool)
        if candidates.shape != (n,):
            raise ValueError(
                f"candidates must be a bool array of length {n}, got shape {candidates.shape}"
            )
    return row_ids, candidates


def _weighted_with_diagonal(visible: sp.csr_matrix, w: np.ndarray) -> sp.csr_matrix:
    """``diag(1 + i w) @ visible + _EDGE * I`` as CSR, built directly from the arrays.

    Each row keeps its entries and gets its diagonal entry appended (indices need not
    be sorted for a product), without a sparse product or addition.
    """
    n = visible.shape[0]
    deg = np.diff(visible.indptr)
    indptr = visible.indptr + np.arange(n + 1, dtype=visible.indptr.dtype)
    data = np.empty(visible.nnz + n, dtype=np.complex128)
    indices = np.empty(visible.nnz + n, dtype=visible.indices.dtype)
    last = indptr[1:] - 1  # the appended diagonal entry of each row
    is_edge = np.ones(data.size, dtype=bool)
    is_edge[last] = False
    indices[is_edge] = visible.indices
    indices[last] = np.arange(n, dtype=indices.dtype)
    data[is_edge] = np.repeat(1.0 + 1j * w, deg)
    data[last] = _EDGE
    return sp.csr_matrix((data, indices, indptr), shape=visible.shape)


def _candidate_blocks(
    friends, contact, visible, row_ids, candidates, block_paths, subset, upper=False
):
    """Yield, block by block, the block product and which of its entries are candidates.

    One complex product per block: the real part counts common neighbours, the
    imaginary part sums ``1 / log(degree)`` over them. :data:`_EDGE` on the diagonal of
    the right factor marks every visible edge in the product itself, so existing
    friendships are dropped and direct contact edges flagged without adding sparse
    matrices; the node itself is dropped by comparing ids. With ``upper`` only pairs
    with the candidate's id above the row's are kept (each unordered pair once).

    Yields ``(ids, row, cols, data, keep, direct)``: the block's row ids; per product
    entry its row (node id), its column (node id) and complex value;
    the indices of the kept entries, and per kept entry whether a contact edge joins
    the pair (``None`` when there are no contact edges). The common-neighbour count of
    a kept entry is ``data.real - _EDGE * direct``, its Adamic-Adar score ``data.imag``.
    """
    n = visible.shape[0]
    right = _weighted_with_diagonal(visible, adamic_adar_weights(visible))
    colmap = None if candidates is None else np.flatnonzero(candidates)
    if colmap is not None:
        right = right[:, colmap].tocsr()
    friend_keys = None
    if contact is not None:  # which visible edges are friendships (sorted pair keys)
        friend_keys = np.repeat(np.arange(n, dtype=np.int64), np.diff(friends.indptr)) * n
        friend_keys += friends.indices
    sub = visible[row_ids] if subset else visible
    blocks = _row_blocks(sub, np.diff(visible.indptr), block_paths)
    size = max((paths for _, _, paths in blocks), default=0)
    rows_max = max((b - a for a, b, _ in blocks), default=0)
    index = np.int64 if max(size, right.nnz, sub.nnz) >= 2**31 else np.int32
    right = sp.csr_matrix(
        (right.data, right.indices.astype(index), right.indptr.astype(index)), shape=right.shape
    )
    buffers = (
        np.empty(rows_max + 1, index),
        np.empty(size, index),
        np.empty(size, np.complex128),
    )
    for start, stop, _ in blocks:
        ids = row_ids[start:stop]
        indptr, indices, data = _block_product(sub, start, stop, right, buffers)
        re = data.real
        cols = indices if colmap is None else colmap[indices]
        row = np.repeat(ids.astype(cols.dtype), np.diff(indptr))
        mask = np.greater(cols, row) if upper else np.not_equal(cols, row)
        if friend_keys is None:
            mask &= np.less(re, _EDGE)  # every visible edge is a friendship
            direct = None
        else:
            edge = re >= _EDGE
            at = np.flatnonzero(edge & mask)
            if friend_keys.size and at.size:
                key = row[at].astype(np.int64) * n + cols[at]
                pos = np.minimum(friend_keys.searchsorted(key), friend_keys.size - 1)
                mask[at[friend_keys[pos] == key]] = False
        keep = np.flatnonzero(mask)
        del mask
        if friend_keys is not None:
            direct = edge[keep]
            del edge
        yield ids, row, cols, data, keep, direct


def candidate_scores(
    adjacency,
    *,
    extra_edges=None,
    nodes=None,
    candidates=None,
    unique_pairs: bool = False,
    block_paths: int = 500_000,
    engine: str = "rows",
) -> pd.DataFrame:
    """Every candidate pair (two hops away or joined by an extra edge) with its scores.

    Same engine as :func:`top_k_suggestions` without the ranking. Rows are grouped by
    ``person_id`` in increasing order (within a person, in the product's order). Ids are
    int32 (half the memory of int64; cast before packing pairs as ``u * n + v``), and
    blocks are written straight into the result's columns, so the peak is the result
    plus one block.

    Parameters
    ----------
    adjacency, extra_edges, nodes, candidates, block_paths
        As in :func:`top_k_suggestions`.
    unique_pairs : bool
        Keep each unordered pair once (``person_id < suggested_person_id``), as
        ``networkx.adamic_adar_index`` lists non-edges; the scores are symmetric, so
        nothing is lost and the result is half the size. Not with ``nodes`` or
        ``candidates``, which make the pairs one-sided.
    engine : {"rows", "blocks"}
        ``"rows"`` (default): the compiled row kernel of :mod:`analysis.effects.kernels`
        (counts each row's candidates, then fills the columns at exact offsets);
        ``"blocks"``: scipy block products. The same table, byte for byte.

    Returns
    -------
    pandas.DataFrame
        ``person_id``, ``suggested_person_id`` (int32), ``common_neighbour_count``
        (int32), ``adamic_adar_score`` (float64), ``is_contact_edge`` (bool).

    >>> a = sp.csr_matrix(([1.0, 1.0], ([0, 1], [1, 2])), shape=(3, 3))  # path 0 - 1 - 2
    >>> candidate_scores(a)[["person_id", "suggested_person_id"]].values.tolist()
    [[0, 2], [2, 0]]
    >>> candidate_scores(a, unique_pairs=True)[["person_id", "suggested_person_id"]].values.tolist()
    [[0, 2]]
    """
    if unique_pairs and (nodes is not None or candidates is not None):
        raise ValueError(
            "unique_pairs=True lists each pair once for the whole graph: "
            "it cannot be combined with nodes or candidates"
        )
    friends, contact, visible = _visible_graph(adjacency, extra_edges)
    n = friends.shape[0]
    row_ids, candidates = _check_rows(nodes, candidates, n)
    ids_dtype = np.int32 if n < 2**31 else np.int64
    if engine not in ("rows", "blocks"):
        raise ValueError(f"engine = {engine!r} is not allowed: must be 'rows' or 'blocks'")
    if engine == "rows":
        from analysis.effects.kernels import all_candidates

        indptr, indices, mark = _marked_visible(friends, contact)
        cols = all_candidates(
            indptr,
            indices,
            mark,
            adamic_adar_weights(visible),
            np.ascontiguousarray(row_ids, dtype=np.int64),
            np.ones(n, bool) if candidates is None else candidates,
            bool(unique_pairs),
            ids_dtype,
        )
        names = (
            "person_id",
            "suggested_person_id",
            "common_neighbour_count",
            "adamic_adar_score",
            "is_contact_edge",
        )
        return pd.DataFrame(dict(zip(names, cols, strict=True)), copy=False)
    dtypes = {
        "person_id": ids_dtype,
        "suggested_person_id": ids_dtype,
        "common_neighbour_count": np.int32,
        "adamic_adar_score": np.float64,
        "is_contact_edge": bool,
    }
    # Each row has at most as many candidates as two-hop paths plus visible edges: the
    # columns are allocated at that bound (address space only; pages are touched as they
    # fill) and shrunk in place at the end, so no block is copied twice.
    sub = visible[row_ids] if nodes is not None else visible
    bound = int(np.asarray(sub @ np.diff(visible.indptr).astype(np.float64)).sum()) + sub.nnz
    del sub
    try:
        out = {name: np.empty(bound, dtype) for name, dtype in dtypes.items()}
    except MemoryError:  # a bound beyond the address space: grow block by block instead
        out = None
        parts: dict[str, list[np.ndarray]] = {name: [] for name in dtypes}
    filled = 0
    for _ids, rows, cols, data, keep, direct in _candidate_blocks(
        friends, contact, visible, row_ids, candidates, block_paths, nodes is not None, unique_pairs
    ):
        m = keep.size
        if out is None:
            block = {name: np.empty(m, dtype) for name, dtype in dtypes.items()}
        else:
            block = {name: values[filled : filled + m] for name, values in out.items()}
        np.take(rows, keep, out=block["person_id"], mode="clip")
        np.take(cols, keep, out=block["suggested_person_id"], mode="clip")
        both = np.take(data, keep, mode="clip")
        cn = both.real
        if direct is None:
            block["is_contact_edge"][:] = False
        else:
            block["is_contact_edge"][:] = direct
            cn[direct] -= _EDGE
        block["common_neighbour_count"][:] = cn  # exact integers in float64
        block["adamic_adar_score"][:] = both.imag
        if out is None:
            for name, values in block.items():
                parts[name].append(values)
        filled += m
    if out is None:
        out = {
            name: np.concatenate(p) if p else np.zeros(0, dtypes[name]) for name, p in parts.items()
        }
    else:
        for values in out.values():
            values.resize(filled, refcheck=False)  # shrinks in place (no copy)
    return pd.DataFrame(out, copy=False)
