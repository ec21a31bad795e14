"""Fail-safe output folders for the command line: check first, appear whole or not at all."""

from __future__ import annotations

import os
import re
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "RunResult",
    "Terminated",
    "UsageError",
    "atomic_output",
    "check_out",
    "remove_leftovers",
]


class UsageError(ValueError):
    """A problem with the command line or an input file (exit status 2)."""


class Terminated(BaseException):
    """The process received SIGTERM; handled like Ctrl-C (exit status 143)."""


@dataclass
class RunResult:
    """What a command wrote.

    Attributes
    ----------
    out : pathlib.Path
        The output folder.
    files : list of str
        Relative paths of every file written, sorted (``/``-separated).
    """

    out: Path
    files: list[str]


def check_out(out: Path) -> Path:
    """Check, before computing, that ``out`` can be written; return it absolute."""
    out = out.absolute()
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: exists and is not a folder")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        probe = Path(
            tempfile.mkdtemp(prefix=f".{out.name}.{os.getpid()}.", suffix=".part", dir=out.parent)
        )
        probe.rmdir()
    except OSError as exc:
        raise UsageError(f"--out {out}: cannot write there ({exc.strerror or exc})") from None
    return out


_LEFTOVER = re.compile(
    r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[^.]+\.(?:part|old)$|^\.(?P<legacy>.+)\.[^.]+\.(?:part|old)$"
)


def remove_leftovers(out: Path) -> list[Path]:
    """Remove temporary folders of earlier runs into ``out`` whose process has ended."""
    removed = []
    for path in out.parent.glob(f".{out.name}.*"):
        match = _LEFTOVER.match(path.name)
        if not match or not path.is_dir():
            continue
        if (match.group("name") or match.group("legacy")) != out.name:
            continue
        pid = match.group("pid")
        if pid is not None and _alive(int(pid)):
            continue  # another run is writing it right now
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _raise_terminated(signum, frame) -> None:
    raise Terminated()


def atomic_output(out: Path, fill: Callable[[Path], None]) -> RunResult:
    """Fill a temporary folder beside ``out`` and rename it into place; clean up on any exit."""
    remove_leftovers(out)
    previous = signal.getsignal(signal.SIGTERM)
    in_main = _is_main_thread()
    if in_main:
        signal.signal(signal.SIGTERM, _raise_terminated)
    tmp = None
    try:
        tmp = Path(
            tempfile.mkdtemp(prefix=f".{out.name}.{os.getpid()}.", suffix=".part", dir=out.parent)
        )
        fill(tmp)
        os.chmod(tmp, 0o777 & ~_umask())
        _swap_into_place(tmp, out)
    except BaseException:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, previous)
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    return RunResult(out, files)


def _is_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _swap_into_place(tmp: Path, out: Path) -> None:
    """Rename ``tmp`` to ``out``; an existing ``out`` is moved aside first, then removed."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: exists and is not a folder")
    old = None
    if out.exists():
        old = Path(
            tempfile.mkdtemp(prefix=f".{out.name}.{os.getpid()}.", suffix=".old", dir=out.parent)
        )
        old.rmdir()
        os.replace(out, old)
    try:
        os.replace(tmp, out)
    except BaseException:
        if old is not None:
            os.replace(old, out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
