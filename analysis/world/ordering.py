"""Orders of a graph's nodes that are the same on every machine.

:func:`reverse_cuthill_mckee_order` seats people on a loaded network's nodes
(:func:`analysis.world.attach_people`) so that neighbours sit near each other.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["reverse_cuthill_mckee_order"]


def reverse_cuthill_mckee_order(graph: sp.csr_matrix) -> np.ndarray:
    """Reverse Cuthill-McKee order of a symmetric graph, every tie broken by node number.

    Cuthill-McKee as SciPy computes it (each connected component from its node of
    lowest degree, breadth first, each node's unvisited neighbours in increasing
    degree), then reversed. :func:`scipy.sparse.csgraph.reverse_cuthill_mckee` orders
    nodes of equal degree with NumPy's unstable ``argsort``, whose order of ties
    depends on the CPU (its AVX2 and AVX-512 sorts differ), so the same edge list
    would seat people differently on different machines. Here ties go to the lower
    node number: the order is the same everywhere.

    Parameters
    ----------
    graph : scipy.sparse.csr_matrix
        Symmetric adjacency (n x n); values are ignored.

    Returns
    -------
    numpy.ndarray
        A permutation of ``0..n-1`` (int64): position ``i`` holds the ``i``-th node.

    Examples
    --------
    A path 0-1-2-3 with a leaf 4 on node 1 (degrees 1, 3, 2, 1, 1). Cuthill-McKee
    starts at node 0 (lowest degree, lowest number), then 1, then 1's neighbours by
    degree (4 has degree 1, 2 has degree 2), then 3: 0, 1, 4, 2, 3, reversed.

    >>> g = sp.csr_matrix((np.ones(8), ([0, 1, 1, 2, 1, 4, 2, 3], [1, 0, 2, 1, 4, 1, 3, 2])),
    ...                   shape=(5, 5))
    >>> reverse_cuthill_mckee_order(g).tolist()
    [3, 2, 4, 1, 0]
    """
    graph = sp.csr_matrix(graph)
    n = graph.shape[0]
    indptr = graph.indptr.astype(np.int64)
    degree = np.diff(indptr)
    by_rank = np.argsort(degree, kind="stable")  # by degree, then node number
    rank = np.empty(n, dtype=np.int64)
    rank[by_rank] = np.arange(n)
    # each row's neighbours in (degree, node number) order
    row = np.repeat(np.arange(n, dtype=np.int64), degree)
    neighbours = graph.indices.astype(np.int64)[np.lexsort((rank[graph.indices], row))]
    nbr, ptr = neighbours.tolist(), indptr.tolist()
    seen = bytearray(n)
    order: list[int] = []
    for start in by_rank.tolist():  # each component from its lowest-degree node
        if seen[start]:
            continue
        seen[start] = 1
        head = len(order)
        order.append(start)
        while head < len(order):
            v = order[head]
            head += 1
            for u in nbr[ptr[v] : ptr[v + 1]]:
                if not seen[u]:
                    seen[u] = 1
                    order.append(u)
    return np.asarray(order[::-1], dtype=np.int64)
