r"""Real networks as input: load an undirected edge list and build the world on it.

Researchers can replace the synthetic tie graph with a real one, e.g. a
network from the Stanford SNAP collection: a text file with one edge per line,
two node labels separated by whitespace, and ``#`` comment lines::

    # Undirected graph: ego-Facebook
    # FromNodeId  ToNodeId
    0   1
    0   2

A file ending in ``.gz`` (or starting with gzip's magic bytes) is decompressed first.
Integer labels take a fast path (pandas' C reader straight to int64, then checks on the
arrays); any other file, or any doubt, takes the general path that reads labels as text,
and a file with a problem is read line by line to name it.

**Node order.** Everywhere in the package a loaded network's nodes are numbered by their
labels *in sorted order* (:func:`node_order`: integers numerically, text labels by code
point): the k-th smallest label is node ``k`` and, in a world built on the network, person
``k``. So ``person_id`` and node number are one thing, a file labelled ``0 .. n-1`` (as
SNAP's) keeps its labels as person ids, and "ties go to the lower id" means the lower label.
``SocialWorld.node_labels`` gives the label of each person; :func:`with_node_labels` adds a
``node_label`` column next to every person-id column of an output table.

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

import gzip
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis.core.seeds import stream
from analysis.world.ordering import reverse_cuthill_mckee_order
from analysis.world.params import ATTACH_MODES, SocialParams, WorldParams
from analysis.world.population import generate_population
from analysis.world.socialworld import SocialWorld, build_social_world

__all__ = [
    "BUNDLED_NETWORKS",
    "EdgeListError",
    "attach_people",
    "build_social_world_from_edges",
    "bundled_network",
    "load_edge_list",
    "node_order",
    "text_line",
    "with_node_labels",
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
    if delimiter is not None and (not delimiter or delimiter in "#\n"):
        raise EdgeListError(path, None, f"delimiter {delimiter!r} is not allowed")
    data = _read_bytes(path)
    if data.isascii():
        edges = _parse_integers(data, weighted, delimiter)
        if edges is not None:
            return edges
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise EdgeListError(path, data[: exc.start].count(b"\n") + 1, "not UTF-8 text") from None
    if delimiter is not None:
        text = text.replace(delimiter, " ")
    edges = _parse_fast(text, weighted)
    if edges is None:  # something is wrong: find the first problem line by line
        edges = _parse_exact(text, path, weighted, delimiter)
    return edges


def _read_bytes(path: Path) -> bytes:
    """Read the file's bytes, decompressed when it is gzip'd (by name or by magic bytes)."""
    data = path.read_bytes()
    if path.suffix == ".gz" or data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise EdgeListError(path, None, f"not a readable gzip file ({exc})") from None
    return data


#: Bytes that make the integer fast path unsafe: a label with a sign or a leading zero
#: ("+7", "007", "-0" are other labels than "7" and "0" as text). Used for weighted files;
#: unweighted ones are checked by counting digits (:func:`_all_canonical`), much faster.
_NOT_CANONICAL = re.compile(rb"(?:^|[\s,;|])(?:\+|-?0[0-9]|-0(?:[\s,;|]|$))")
_COMMENT = re.compile(rb"#[^\n]*")
_POWERS_OF_TEN = np.array([10**k for k in range(19)], dtype=np.int64)
_DIGITS = b"0123456789"


def _all_canonical(data: bytes, labels: np.ndarray) -> bool:
    """Tell whether every label was written canonically ("7", "-3"; not "007" or "+7").

    Outside comments, an unweighted file holds only the labels' characters and
    separators. Each label parsed as the integer ``x`` needs exactly the digits of
    ``str(x)``; a leading zero adds a digit and a sign a character, so the file's digit
    and minus-sign counts equal those of the canonical writings exactly when every label
    was written canonically.
    """
    body = _COMMENT.sub(b"", data) if b"#" in data else data
    if b"+" in body:
        return False
    digits = len(body) - len(body.translate(None, _DIGITS))
    negative = labels < 0
    magnitude = np.abs(labels)
    width = np.maximum(np.searchsorted(_POWERS_OF_TEN, magnitude, side="right"), 1)
    return digits == int(width.sum()) and body.count(b"-") == int(negative.sum())


def _parse_integers(data: bytes, weighted: bool, delimiter: str | None) -> pd.DataFrame | None:
    """Fast path: every label a canonical integer, no problem anywhere; else None.

    pandas' C reader parses straight to int64 (no Python string per label); the checks
    (width, canonical writing, self-loops, duplicates in either direction) then run on
    integer arrays.
    """
    if weighted and _NOT_CANONICAL.search(data):
        return None
    try:
        frame = pd.read_csv(
            io.BytesIO(data),
            sep=r"\s+" if delimiter is None else delimiter,
            comment="#",
            header=None,
            names=[0, 1, 2],
            dtype={0: np.int64, 1: np.int64, 2: np.float64},
            skip_blank_lines=True,
            skipinitialspace=True,
            engine="c",
            quoting=3,
        )
    except (ValueError, TypeError, OverflowError, pd.errors.ParserError, pd.errors.EmptyDataError):
        return None
    if frame.empty:
        return None
    third = frame[2].to_numpy()
    if (np.isnan(third).any()) if weighted else (not np.isnan(third).all()):
        return None
    a, b = frame[0].to_numpy(np.int64), frame[1].to_numpy(np.int64)
    both = np.concatenate([a, b])
    lowest, highest = int(both.min()), int(both.max())
    if lowest <= -(2**62) or (not weighted and not _all_canonical(data, both)):
        return None
    if (a == b).any():
        return None
    span = highest - lowest + 1
    if span < 2**31:  # one int64 per unordered pair without renumbering
        lo, hi = np.minimum(a, b) - lowest, np.maximum(a, b) - lowest
    else:
        _, codes = np.unique(both, return_inverse=True)
        lo = np.minimum(codes[: a.size], codes[a.size :]).astype(np.int64)
        hi = np.maximum(codes[: a.size], codes[a.size :]).astype(np.int64)
        span = int(codes.max()) + 1
    key = np.sort(lo * span + hi)
    if (key[1:] == key[:-1]).any():
        return None
    return pd.DataFrame({"node_a": a, "node_b": b})


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
    """Parse labels as text with pandas' C reader; None if anything looks wrong (or no edges).

    The general path for valid files whose labels are not all canonical integers (the
    package's only path before the integer one); any doubt hands over to
    :func:`_parse_exact`, which finds and names the problem.
    """
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


def node_order(edges: pd.DataFrame) -> pd.Index:
    """Return the nodes of an edge list in the package's one order: labels sorted.

    Integers sort numerically, text labels by code point. Node ``k`` (row ``k`` of any
    adjacency matrix the package builds from the edge list, and person ``k`` of a world
    built on it) is the k-th label.

    >>> node_order(pd.DataFrame({"node_a": [10, 2], "node_b": [2, 7]})).tolist()
    [2, 7, 10]
    """
    both = pd.concat([edges["node_a"], edges["node_b"]], ignore_index=True)
    return pd.Index(both.unique()).sort_values()


def attach_people(
    edges: pd.DataFrame, people: pd.DataFrame, how: str = "by_community", *, seed: int = 0
) -> pd.Series:
    """Choose which synthetic person sits on each node, deterministically.

    Parameters
    ----------
    edges : pandas.DataFrame
        From :func:`load_edge_list`.
    people : pandas.DataFrame
        A population with one person per node.
    how : {"by_community", "at_random"}
        ``by_community``: nodes are ordered by reverse Cuthill-McKee (graph neighbours get
        nearby positions) starting from :func:`node_order`; people are ordered by country,
        city and person_id; the k-th node in that order gets the k-th person, so real
        communities map onto places (and most ties join two people of one country).
        ``at_random``: a seeded random permutation (countries mix as random pairs do).
    seed : int
        Seed of the ``at_random`` permutation.

    Returns
    -------
    pandas.Series
        Index: node label (:func:`node_order`); values: the ``person_id`` in ``people``
        attached to it.
    """
    if how not in ATTACH_MODES:
        raise ValueError(
            f"attach_people = {how!r} is not allowed: must be one of {list(ATTACH_MODES)}"
        )
    labels = node_order(edges)
    n = labels.size
    if len(people) != n:
        raise ValueError(f"people: {len(people)} rows, but the edge list has {n} nodes")
    person = people["person_id"].to_numpy(np.int64)
    person_of_node = np.empty(n, dtype=np.int64)
    if how == "at_random":
        person_of_node[:] = person[stream(seed, "edgelist:attach").permutation(n)]
        return pd.Series(person_of_node, index=labels, name="person_id")
    ia = labels.get_indexer(edges["node_a"])
    ib = labels.get_indexer(edges["node_b"])
    graph = sp.csr_matrix(
        (np.ones(ia.size * 2, dtype=np.int8), (np.concatenate([ia, ib]), np.concatenate([ib, ia]))),
        shape=(n, n),
    )
    rcm = reverse_cuthill_mckee_order(graph)
    people_order = np.lexsort(
        (
            person,
            people["city"].astype(str).to_numpy(),
            people["country_code"].astype(str).to_numpy(),
        )
    )
    person_of_node[rcm] = person[people_order]
    return pd.Series(person_of_node, index=labels, name="person_id")


def _as_edges(edges: pd.DataFrame | str | Path) -> pd.DataFrame:
    return edges if isinstance(edges, pd.DataFrame) else load_edge_list(edges)


def _people_on_nodes(
    edges: pd.DataFrame, params: SocialParams, world_params: WorldParams
) -> tuple[pd.DataFrame, pd.Index]:
    """Draw a population with person ``k`` on node ``k`` (:func:`node_order`), and the labels."""
    labels = node_order(edges)
    people = generate_population(world_params.replace(n_people=int(labels.size)))
    mapping = attach_people(edges, people, params.attach_people, seed=params.seed)
    people = people.iloc[mapping.to_numpy()].reset_index(drop=True)
    people["person_id"] = np.arange(len(people), dtype=np.int64)
    return people, labels


def build_social_world_from_edges(
    edges: pd.DataFrame | str | Path,
    params: SocialParams | None = None,
    world_params: WorldParams | None = None,
    *,
    address_books: bool | np.ndarray = True,
) -> SocialWorld:
    """Build a social world whose ties are exactly the edges of a real network.

    Person ``k`` sits on node ``k``, the k-th label in sorted order (:func:`node_order`);
    who that person is (country, city, accounts, choices) is drawn by
    :func:`analysis.world.generate_population` and attached as
    ``params.attach_people`` says (:func:`attach_people`).

    Parameters
    ----------
    edges : pandas.DataFrame or path
        The frame from :func:`load_edge_list`, or a path to load.
    params : SocialParams, optional
        Roles, Facebook friendships, address books, how people are attached (the
        tie-model knobs are unused).
    world_params : WorldParams, optional
        Population settings; ``n_people`` is replaced by the number of nodes. Default:
        ``WorldParams(seed=params.seed)``.
    address_books : bool or array of bool
        Build every address book (default), none, or only those of the owners flagged
        (one flag per node, as :func:`analysis.world.build_address_book` ``owners``).

    Returns
    -------
    SocialWorld
        With ``node_labels``: the node label of each person_id.
    """
    from analysis.world.addressbook import build_address_book

    edges = _as_edges(edges)
    params = params or SocialParams()
    world_params = world_params or WorldParams(seed=params.seed)
    people, labels = _people_on_nodes(edges, params, world_params)
    a = labels.get_indexer(edges["node_a"]).astype(np.int64)
    b = labels.get_indexer(edges["node_b"]).astype(np.int64)
    partial = not isinstance(address_books, bool)
    world = build_social_world(
        people, params, edges=(a, b), address_books=bool(address_books) and not partial
    )
    if partial:
        owners = np.asarray(address_books, dtype=bool)
        world.address_book = build_address_book(people, world.ties, params, owners=owners)
    world.node_labels = pd.Series(
        labels.to_numpy(), index=pd.RangeIndex(labels.size, name="person_id"), name="node_label"
    )
    return world


def with_node_labels(frame: pd.DataFrame, world: SocialWorld) -> pd.DataFrame:
    """Add the file's node label beside every person-id column of an output table.

    For a world built on an edge list, each column ``X_person_id`` (and ``person_id``)
    gets a neighbour ``X_node_label`` (``node_label``) holding the label of that node in
    the file; a generated world's tables come back unchanged.

    >>> w = SocialWorld(None, None, None, None, node_labels=pd.Series([10, 20, 30]))
    >>> with_node_labels(pd.DataFrame({"person_id": [2, 0]}), w)["node_label"].tolist()
    [30, 10]
    """
    labels = getattr(world, "node_labels", None)
    if labels is None:
        return frame
    values = labels.to_numpy()
    out = frame.copy()
    for col in [c for c in frame.columns if c == "person_id" or c.endswith("_person_id")]:
        label_col = col[: -len("person_id")] + "node_label"
        ids = frame[col]
        mask = ids.notna().to_numpy()
        shown = pd.array([pd.NA] * len(frame), dtype=pd.Series(values).convert_dtypes().dtype)
        shown[mask] = values[ids[mask].to_numpy(np.int64)]
        out.insert(out.columns.get_loc(col) + 1, label_col, shown)
    return out


#: Real social networks that ship inside a pinned dependency (no download at run time).
BUNDLED_NETWORKS = {
    "karate_club": (
        "Zachary's karate club: friendships among 34 members of a US university karate "
        "club, observed 1970-72 (W. W. Zachary, 'An information flow model for conflict and "
        "fission in small groups', Journal of Anthropological Research 33(4): 452-473, "
        "1977); shipped inside NetworkX (networkx.karate_club_graph, BSD-3-Clause licence)"
    ),
}


def bundled_network(name: str = "karate_club") -> pd.DataFrame:
    """Return a real social network that ships inside a pinned dependency, as an edge list.

    The frame is what :func:`load_edge_list` returns (``node_a``, ``node_b``, integer
    labels: NetworkX's node numbers), with ``attrs["source"]`` saying what it is
    (:data:`BUNDLED_NETWORKS`).

    >>> edges = bundled_network()
    >>> len(edges), int(node_order(edges).size)
    (78, 34)
    """
    if name not in BUNDLED_NETWORKS:
        raise ValueError(f"network {name!r} is not bundled; allowed: {list(BUNDLED_NETWORKS)}")
    import networkx as nx

    graph = nx.karate_club_graph()
    edges = pd.DataFrame(sorted((min(u, v), max(u, v)) for u, v in graph.edges()))
    edges.columns = ["node_a", "node_b"]
    edges = edges.astype(np.int64)
    edges.attrs["source"] = BUNDLED_NETWORKS[name]
    return edges
