"""Execute the project's notebooks reproducibly.

Notebooks are committed *with* their outputs and validated by ``pytest --nbval``
(strict). To refresh a notebook's committed outputs after changing it, run
``make notebooks`` (all) or ``make notebook NB=notebooks/01-....ipynb``; both call
:func:`execute` with the same kernel environment the tests use.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from analysis.core.io import atomic_write_text
from analysis.core.paths import notebook_paths

__all__ = [
    "KERNEL_ENV",
    "execute",
    "main",
]


#: Environment every kernel runs with when notebooks are executed for the report or
#: validated by nbval: fixed hash seed, inline figures, and no progress bars (their
#: output would differ from run to run and break strict validation).
KERNEL_ENV = {
    "PYTHONHASHSEED": "0",
    "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    "WAFB_BATCH": "1",
}


def execute(path: str | Path, output: str | Path | None = None, *, timeout: int = 600) -> Path:
    """Run a notebook top to bottom in a fresh kernel and save it with its outputs.

    Parameters
    ----------
    path
        Notebook to run; its folder is the kernel's working directory.
    output
        Where to write the executed notebook (default: over ``path``). Written atomically.
    timeout
        Seconds allowed per cell.
    """
    path = Path(path)
    output = Path(output) if output else path
    nb = nbformat.read(path, as_version=4)
    for key in KERNEL_ENV:
        os.environ[key] = KERNEL_ENV[key]
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        record_timing=False,  # no execution timestamps: same inputs, same notebook bytes
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    atomic_write_text(output, nbformat.writes(nb) + "\n")
    return output


def main(argv: list[str] | None = None) -> None:
    """Command line: ``python -m analysis.report.notebooks [NOTEBOOK ...] [--out DIR]``."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--out", type=Path, help="write executed copies here instead of in place")
    args = parser.parse_args(argv)
    for nb in args.notebooks or notebook_paths():
        target = args.out / nb.name if args.out else None
        print(f"executing {nb.name}", flush=True)
        execute(nb, target)


if __name__ == "__main__":
    main()
