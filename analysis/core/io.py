"""Writing files so that an interrupted run never leaves a half-written one.

Every writer here writes to a temporary file in the destination folder and then
renames it over the target (an atomic step on POSIX file systems).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

__all__ = [
    "atomic_path",
    "atomic_write_bytes",
    "atomic_write_text",
    "atomic_write_with",
    "write_csv",
    "write_json",
    "write_parquet",
]


_UMASK = os.umask(0)
os.umask(_UMASK)


@contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it onto ``target`` on success.

    On any exception the temporary file is removed and ``target`` is untouched.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> with atomic_path(d / "x.txt") as tmp:
    ...     _ = tmp.write_text("done")
    >>> (d / "x.txt").read_text()
    'done'
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600 files; give normal permissions
    try:
        yield tmp
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_text(target: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8, Unix line ends) to ``target`` atomically."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="\n")
    return Path(target)


def atomic_write_bytes(target: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``target`` atomically."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return Path(target)


def atomic_write_with(target: str | Path, writer: Callable[[Path], object]) -> Path:
    """Call ``writer(tmp_path)`` and move the result onto ``target`` atomically."""
    with atomic_path(target) as tmp:
        writer(tmp)
    return Path(target)


def write_parquet(frame: pd.DataFrame, target: str | Path, *, compression: str = "zstd") -> Path:
    """Write ``frame`` as parquet, atomically and byte-reproducibly (no index).

    ``compression`` is zstd by default; the tracked results folders use ``"snappy"``
    (pandas' default), which they were first written with.
    """
    return atomic_write_with(
        target,
        lambda tmp: frame.to_parquet(tmp, index=False, compression=compression, engine="pyarrow"),
    )


def write_json(obj: object, target: str | Path) -> Path:
    """Write ``obj`` as indented JSON with sorted keys and a final newline, atomically.

    >>> import tempfile, pathlib
    >>> p = write_json({"b": 1, "a": [2]}, pathlib.Path(tempfile.mkdtemp()) / "m.json")
    >>> p.read_text().splitlines()
    ['{', '  "a": [', '    2', '  ],', '  "b": 1', '}']
    """
    return atomic_write_text(target, json.dumps(obj, indent=2, sort_keys=True) + "\n")


def write_csv(frame: pd.DataFrame, target: str | Path) -> Path:
    """Write ``frame`` as CSV (no index, Unix line ends), atomically."""
    return atomic_write_with(
        target, lambda tmp: frame.to_csv(tmp, index=False, lineterminator="\n")
    )
