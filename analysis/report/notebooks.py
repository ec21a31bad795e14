"""Execute the project's notebooks reproducibly, and run them with other parameters.

Notebooks are committed *with* their outputs and validated by ``pytest --nbval``
(strict). To refresh a notebook's committed outputs after changing it, run
``make notebooks`` (all) or ``make notebook NB=notebooks/01-....ipynb``; both call
:func:`execute` with the same kernel environment the tests use.

A run with other parameters (``python -m analysis.report.notebooks NB -p n_people 20000``)
never touches the committed notebook nor the canonical ``figures/`` and ``data/processed/``:
:func:`run_with_parameters` writes the executed notebook, its figures and its tables into a
folder of its own (``build/runs/<notebook>-<parameters>/``), through ``WAFB_OUTPUT_DIR``.
"""

from __future__ import annotations

import ast
import os
import re
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient
from traitlets.config import Config

from analysis.core.io import atomic_write_text
from analysis.core.paths import BUILD_DIR, ROOT, ensure_dir, notebook_paths

__all__ = [
    "KERNEL_ENV",
    "code_cell_count",
    "execute",
    "main",
    "run_with_parameters",
]


#: Environment every kernel runs with when notebooks are executed for the report or
#: validated by nbval: fixed hash seed, inline figures, and no progress bars (their
#: output would differ from run to run and break strict validation).
KERNEL_ENV = {
    "PYTHONHASHSEED": "0",
    "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    "WAFB_BATCH": "1",
}


def code_cell_count(path: str | Path) -> int:
    """Return how many code cells a notebook has (the steps of its progress bar)."""
    nb = nbformat.read(path, as_version=4)
    return sum(cell.cell_type == "code" for cell in nb.cells)


def execute(
    path: str | Path,
    output: str | Path | None = None,
    *,
    timeout: int = 600,
    on_cell: Callable[[int], Any] | None = None,
) -> Path:
    """Run a notebook top to bottom in a fresh kernel and save it with its outputs.

    Parameters
    ----------
    path
        Notebook to run; its folder is the kernel's working directory.
    output
        Where to write the executed notebook (default: over ``path``). Written atomically.
    timeout
        Seconds allowed per cell.
    on_cell
        Called with the cell's index after each code cell has run (progress bars).

    Notes
    -----
    The kernel talks to this process over local IPC sockets in a temporary folder rather
    than TCP, so no port is opened and ipykernel does not warn "Kernel is running over TCP
    without encryption" once per notebook.
    """
    path = Path(path)
    output = Path(output) if output else path
    nb = nbformat.read(path, as_version=4)
    for key in KERNEL_ENV:
        os.environ[key] = KERNEL_ENV[key]

    async def cell_done(cell, cell_index, execute_reply):  # nbclient's hook signature
        if on_cell is not None:
            on_cell(cell_index)

    with tempfile.TemporaryDirectory(prefix="wafb-kernel-") as sockets:
        ipc = Config({"KernelManager": {"transport": "ipc", "ip": f"{sockets}/kernel"}})
        client = NotebookClient(
            nb,
            config=ipc,
            timeout=timeout,
            kernel_name="python3",
            record_timing=False,  # no execution timestamps: same inputs, same notebook bytes
            resources={"metadata": {"path": str(path.parent)}},
            on_cell_executed=cell_done,
        )
        client.execute()
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    atomic_write_text(output, nbformat.writes(nb) + "\n")
    return output


def _run_folder(path: Path, parameters: Mapping[str, Any]) -> Path:
    words = [path.stem] + [f"{k}-{v}" for k, v in parameters.items()]
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", "-".join(words))[:120]
    return BUILD_DIR / "runs" / slug


def run_with_parameters(
    path: str | Path,
    parameters: Mapping[str, Any],
    out: str | Path | None = None,
    *,
    timeout: int = 600,
) -> Path:
    """Run a notebook with other parameters into a folder of its own, with papermill.

    The executed notebook goes to ``out/<notebook>.ipynb`` and everything the notebook
    writes (figures, tables) to ``out/figures/`` and ``out/data/processed/``: the kernel
    runs with ``WAFB_OUTPUT_DIR=out``. ``out`` defaults to
    ``build/runs/<notebook>-<name>-<value>...``. Returns the executed notebook's path.
    """
    import papermill

    path = Path(path).resolve()
    out = Path(out) if out else _run_folder(path, parameters)
    out = ensure_dir(out if out.is_absolute() else ROOT / out).resolve()
    if out == ROOT.resolve() or out in {p.resolve() for p in (ROOT / "figures", ROOT / "data")}:
        raise ValueError(f"--out = {out}: a parameterised run needs a folder of its own")
    env = {**KERNEL_ENV, "WAFB_OUTPUT_DIR": str(out)}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        papermill.execute_notebook(
            str(path),
            str(out / path.name),
            parameters=dict(parameters),
            cwd=str(path.parent),
            kernel_name="python3",
            progress_bar=False,
            execution_timeout=timeout,
        )
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return out / path.name


def _value(text: str) -> Any:
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def main(argv: list[str] | None = None) -> None:
    """Command line: ``python -m analysis.report.notebooks [NOTEBOOK ...] [--out DIR] [-p K V]``.

    Without ``-p``, refresh the committed outputs in place (or write copies into
    ``--out``). With ``-p NAME VALUE`` (repeatable), run with those parameters into a
    folder of its own (``--out``, default ``build/runs/<notebook>-<parameters>/``).
    """
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--out", type=Path, help="write executed copies here instead of in place")
    parser.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        metavar=("NAME", "VALUE"),
        default=[],
        help="run with this parameter (a Python literal or a string) into a folder of its own",
    )
    args = parser.parse_args(argv)
    if args.parameter:
        if len(args.notebooks) != 1:
            parser.error("-p runs exactly one notebook")
        params = {name: _value(value) for name, value in args.parameter}
        result = run_with_parameters(args.notebooks[0], params, args.out)
        print(f"executed {args.notebooks[0].name} with {params}: outputs in {result.parent}")
        return
    for nb in args.notebooks or notebook_paths():
        target = args.out / nb.name if args.out else None
        print(f"executing {nb.name}", flush=True)
        execute(nb, target)


if __name__ == "__main__":
    main()
