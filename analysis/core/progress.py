"""Progress bars for people, none in batch runs.

Notebooks and the command line pass ``progress=show_progress()`` to long computations:
a student in JupyterLab sees tqdm bars, while ``make report`` and nbval (which set
``WAFB_BATCH=1``) get deterministic output.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = [
    "iterate",
    "show_progress",
]


def show_progress() -> bool:
    """Whether long runs should draw progress bars: yes for people, no in batch runs.

    Notebooks pass ``progress=show_progress()`` to long computations: a student in
    JupyterLab sees tqdm bars, while ``make report`` and nbval (which set
    ``WAFB_BATCH=1``) get deterministic output.
    """
    return os.environ.get("WAFB_BATCH") != "1"


def iterate(items: Sequence[Any], progress: bool, desc: str) -> Iterable[Any]:
    """Return ``items``, wrapped in a tqdm bar labelled ``desc`` when ``progress`` is true."""
    if not progress:
        return items
    from tqdm.auto import tqdm

    return tqdm(list(items), desc=desc, file=sys.stderr)
