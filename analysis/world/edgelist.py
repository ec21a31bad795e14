r"""Real networks as input: load an undirected edge list and build the world on it.

Researchers can replace the synthetic tie graph with a real one, e.g. a
network from the Stanford SNAP collection: a text file with one edge per line,
two node labels separated by whitespace, and ``#`` comment lines::

    # Undirected graph: ego-Facebook
    # FromNodeId  ToNodeId
    0   1
    0   2

:func:`load_edge_list` checks the whole file before returning anything. A
malformed line (not exactly two labels), a self-loop, a duplicate edge (also
reversed: ``2 1`` after ``1 2``) or a file without edges raises
:class:`EdgeListError` naming the file, the line number and what was wrong;
nothing is half-loaded.

:func:`build_social_world_from_edges` then generates a synthetic population of
the right size, attaches one person to each node and builds the rest of the
world (tie kinds, roles, Facebook friendships, address books) on those exact
edges.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "g.txt"
>>> _ = path.write_text("# toy\n1 2\n2 3\n3 1\n")
>>> load_edge_list(path).values.tolist()
[[1, 2], [2, 3], [3, 1]]
>>> _ = path.write_text("1 2\n2 1\n")
>>> load_edge_list(path)
Traceback (most recent call last):
...
analysis.world.edgelist.EdgeListError: ...g.txt, line 2: duplicate edge '2 1' (the same pair, ...)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import reverse_cuthill_mckee

from analysis.world.params import SocialParams, WorldParams
from analysis.world.population import generate_population
from analysis.world.socialworld import SocialWorld, build_social_world

__all__ = [
    "EdgeListError",
    "attach_people",
    "build_social_world_from_edges",
    "load_edge_list",
    "text_line",
]


class EdgeListError(ValueError):
    """An edge-list file is unusable.

    Attributes: ``path``, ``line`` (1-based, or None for the whole file), ``problem``.
    """

    def __init__(self, path: str | Path, line: int | None, problem: str):
        self.path = str(path)
        self.line = line
        self.problem = problem
        where = f"{self.path}, line {line}" if line is not None else self.path
        super().__init__(f"{where}: {problem}")


def load_edge_list(
    path: str | Path, *, weighted: bool = False, delimiter: str | None = None
) -> pd.DataFrame:
    """Load an undirected, whitespace-separated edge list with ``#`` comments.

    Parameters
    ----------
    path : str or pathlib.Path
        The text file (UTF-8). Blank lines are skipped; ``#`` starts a comment that
        runs to the end of the line.
    weighted : bool
        Lines have a third field, a weight (a number), which is ignored.
    delimiter : str, optional
        Field separator other than whitespace, e.g. ``","`` for a CSV file without a
        header line.

    Returns
    -------
    pandas.DataFrame
        Columns ``node_a``, ``node_b`` in file order: int64 when every label is an
        integer, otherwise strings.

    Raises
    ------
    EdgeListError
        Missing or unreadable file, a line without exactly two labels, a self-loop,
        a duplicate edge (either direction) or no edges at all; the message gives
        the line number and the offending text.
    """
    path = Path(path)
    if not path.is_file():
        raise EdgeListError(path, None, "file not found")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise EdgeListError(path, text_line(path, exc.start), "not UTF-8 text") from None
    if delimiter is not None:
        if not delimiter or delimiter in "#\n":
            raise EdgeListError(path, None, f"delimiter {delimiter!r} is not allowed")
        text = text.replace(delimiter, " ")
    edges = _parse_fast(text, weighted)
    if edges is None:  # something is wrong: find the first problem line by line
        edges = _parse_exact(text, path, weighted, delimiter)
    return edges


_CANONICAL_INT = r"-?(0|[1-9][0-9]{0,17})"


def _labels_frame(a, b) -> pd.DataFrame:
    """Edge frame with int64 labels when every label is a canonical integer, else strings.

    "007" and "7" are different labels, so only canonical integers become numbers.
    """
    n = len(a)
    both = pd.Series(
        np.concatenate([np.asarray(a, dtype=object), np.asarray(b, dtype=object)]),
        dtype="string[pyarrow]",
    )
    if bool(both.str.fullmatch(_CANONICAL_INT).all()):
        ints = both.astype("int64").to_numpy()
        return pd.DataFrame({"node_a": ints[:n], "node_b": ints[n:]})
    return pd.DataFrame(
        {
            "node_a": pd.array(both[:n].to_numpy(dtype=object), dtype="string"),
            "node_b": pd.array(both[n:].to_numpy(dtype=object), dtype="string"),
        }
    )


def _pair_key(a, b) -> np.ndarray:
    """One int64 per undirected pair (the same for ``a b`` and ``b a``)."""
    n = len(a)
    codes, labels = pd.factorize(pd.concat([pd.Series(a), pd.Series(b)], ignore_index=True))
    ca, cb = codes[:n].astype(np.int64), codes[n:].astype(np.int64)
    return np.minimum(ca, cb) * max(len(labels), 1) + np.maximum(ca, cb)


def _parse_fast(text: str, weighted: bool = False) -> pd.DataFrame | None:
    """Parse with pandas' C reader; None if anything looks wrong (or no edges).

    The fast path for valid files; any doubt hands over to :func:`_parse_exact`,
    which finds and names the problem.
    """
    import io

    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=r"\s+",
            comment="#",
            header=None,
            names=[0, 1, 2],
            dtype="string[pyarrow]",
            skip_blank_lines=True,
            engine="c",
            keep_default_na=False,
            na_values=[],
            quoting=3,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError):
        return None
    if frame.empty:
        return None
    missing = frame.isna() | (frame == "")
    if missing[0].any() or missing[1].any():
        return None
    if weighted:
        if pd.to_numeric(frame[2].astype(object), errors="coerce").isna().any():
            return None
    elif not missing[2].all():
        return None
    if (frame[0] == frame[1]).any():
        return None
    key = np.sort(_pair_key(frame[0], frame[1]))
    if (key[1:] == key[:-1]).any():
        return None
    return _labels_frame(frame[0].to_numpy(dtype=object), frame[1].to_numpy(dtype=object))


def _width_problem(fields: list[str], line: str, weighted: bool, delimiter: str | None) -> str:
    """Explain a line without exactly two labels, with the way to load such a file."""
    found = f"found {len(fields)} field(s) in {line!r}"
    if weighted:
        if len(fields) == 3:
            return f"the third field of {line!r} is not a number (a weight)"
        return f"expected two node labels and a weight, {found}"
    if len(fields) == 3 and _is_number(fields[2]):
        return (
            f"expected two node labels, {found}: a weighted edge list? Pass weighted=True "
            "(command line: --weighted) to ignore the weights, or keep the first two "
            "columns (cut -d' ' -f1,2)"
        )
    if len(fields) == 1 and delimiter is None:
        for sep in (",", ";", "|"):
            if sep in line:
                return (
                    f"expected two node labels separated by whitespace, {found}: a "
                    f"{'CSV' if sep == ',' else 'delimited'} file? Pass delimiter={sep!r} "
                    f"(command line: --delimiter '{sep}'), with any header line removed or "
                    "commented out with #"
                )
    return f"expected two node labels separated by whitespace, {found}"


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _parse_exact(
    text: str, path: Path, weighted: bool = False, delimiter: str | None = None
) -> pd.DataFrame:
    """Line-by-line parse that names the first bad line (slow, for diagnostics)."""
    lines = text.splitlines()
    stripped = [ln.split("#", 1)[0].strip() for ln in lines]
    line_no = np.flatnonzero(np.fromiter((bool(x) for x in stripped), bool, len(stripped))) + 1
    tokens = [stripped[i - 1].split() for i in line_no]
    if not tokens:
        raise EdgeListError(path, None, "no edges: the file is empty or holds only comments")
    widths = np.fromiter((len(t) for t in tokens), dtype=np.int64, count=len(tokens))
    # every check runs on the whole file; the problem on the earliest line is reported
    problems: list[tuple[int, str]] = []
    right = (widths == 3) if weighted else (widths == 2)
    if weighted:
        right &= np.array([len(t) == 3 and _is_number(t[2]) for t in tokens], dtype=bool)
    bad = np.flatnonzero(~right)
    if bad.size:
        i = int(bad[0])
        line = lines[line_no[i] - 1].strip()
        problems.append((int(line_no[i]), _width_problem(tokens[i], line, weighted, delimiter)))
    good = np.flatnonzero(right)
    a = np.array([tokens[i][0] for i in good], dtype=object)
    b = np.array([tokens[i][1] for i in good], dtype=object)
    good_line = line_no[good]
    loops = np.flatnonzero(a == b)
    if loops.size:
        i = int(loops[0])
        problems.append(
            (int(good_line[i]), f"self-loop {a[i]!r} -> {b[i]!r} (a node tied to itself)")
        )
    key = _pair_key(a, b)
    key[a == b] = -1 - np.arange(int((a == b).sum()))  # self-loops are reported as such
    order = np.argsort(key, kind="stable")
    dup_sorted = np.flatnonzero(key[order][1:] == key[order][:-1]) + 1
    if dup_sorted.size:
        i = int(order[dup_sorted].min())  # the first repeat in file order
        first = int(np.flatnonzero(key == key[i])[0])
        how = "the same pair as" if a[i] == a[first] else "the same pair, reversed, as"
        problems.append(
            (
                int(good_line[i]),
                f"duplicate edge '{a[i]} {b[i]}' ({how} line {int(good_line[first])}, "
                "edges are undirected)",
            )
        )
    if problems:
        line, problem = min(problems)
        raise EdgeListError(path, line, problem)
    return _labels_frame(a, b)


def text_line(path: Path, byte_offset: int) -> int:
    """1-based line number of a byte offset in a file."""
    return path.read_bytes()[:byte_offset].count(b"\n") + 1


def attach_people(edges: pd.DataFrame, people: pd.DataFrame) -> pd.Series:
    """Map node labels to person ids, deterministically and with locality.

    Nodes are ordered by reverse Cuthill-McKee (graph neighbours get nearby
    positions) starting from labels in sorted order; people are ordered by
    country, city and person_id; the k-th node gets the k-th person. Real
    communities therefore map onto places, as in the synthetic model.

    Returns
    -------
    pandas.Series
        Index: node label (sorted); values: person_id (int64).
    """
    labels = pd.Index(
        pd.concat([edges["node_a"], edges["node_b"]], ignore_index=True).unique()
    ).sort_values()
    n = labels.size
    if len(people) != n:
        raise ValueError(f"people: {len(people)} rows, but the edge list has {n} nodes")
    ia = labels.get_indexer(edges["node_a"])
    ib = labels.get_indexer(edges["node_b"])
    graph = sp.csr_matrix(
        (np.ones(ia.size * 2, dtype=np.int8), (np.concatenate([ia, ib]), np.concatenate([ib, ia]))),
        shape=(n, n),
    )
    rcm = reverse_cuthill_mckee(graph, symmetric_mode=True)
    people_order = np.lexsort(
        (
            people["person_id"].to_numpy(),
            people["city"].astype(str).to_numpy(),
            people["country_code"].astype(str).to_numpy(),
        )
    )
    person_of_node = np.empty(n, dtype=np.int64)
    person_of_node[rcm] = people["person_id"].to_numpy(np.int64)[people_order]
    return pd.Series(person_of_node, index=labels, name="person_id")


def build_social_world_from_edges(
    edges: pd.DataFrame | str | Path,
    params: SocialParams | None = None,
    world_params: WorldParams | None = None,
    *,
    address_books: bool = True,
) -> SocialWorld:
    """Build a social world whose ties are exactly the edges of a real network.

    Parameters
    ----------
    edges : pandas.DataFrame or path
        The frame from :func:`load_edge_list`, or a path to load.
    params : SocialParams, optional
        Roles, Facebook friendships, address books (the tie-model knobs are unused).
    world_params : WorldParams, optional
        Population settings; ``n_people`` is replaced by the number of nodes.
    address_books : bool
        Build the address books (default) or leave them empty.

    Returns
    -------
    SocialWorld
        With ``node_labels``: the node label of each person_id.
    """
    if not isinstance(edges, pd.DataFrame):
        edges = load_edge_list(edges)
    params = params or SocialParams()
    world_params = world_params or WorldParams(seed=params.seed)
    n = int(pd.concat([edges["node_a"], edges["node_b"]], ignore_index=True).nunique())
    people = generate_population(world_params.replace(n_people=n))
    mapping = attach_people(edges, people)
    a = mapping.loc[edges["node_a"]].to_numpy(np.int64)
    b = mapping.loc[edges["node_b"]].to_numpy(np.int64)
    world = build_social_world(people, params, edges=(a, b), address_books=address_books)
    labels = pd.Series(
        mapping.index.to_numpy(), index=mapping.to_numpy(), name="node_label"
    ).sort_index()
    labels.index.name = "person_id"
    world.node_labels = labels
    return world
