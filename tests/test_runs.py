"""Runs with other parameters stay in their own folder; notebooks run quietly, cell by cell.

The README's papermill example is run as written (on a small notebook, into tmp) and must
leave ``git status``, the repository's root and the canonical ``figures/`` and
``data/processed/`` exactly as they were.
"""

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from analysis.core import ROOT
from analysis.report.notebooks import execute, run_with_parameters

BIN = Path(sys.executable).parent


def snapshot() -> dict:
    """Files of the canonical output folders, and what git sees, ignored files included."""
    files = {}
    for folder in (ROOT / "figures", ROOT / "data" / "processed"):
        for p in sorted(folder.rglob("*")) if folder.exists() else []:
            if p.is_file():
                st = p.stat()
                files[str(p.relative_to(ROOT))] = (st.st_size, st.st_mtime_ns)
    status = subprocess.run(
        ["git", "status", "--porcelain", "--ignored"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # bytecode caches (Python's and numba's) may appear while other tests import modules
    lines = [ln for ln in status.splitlines() if not ln.rstrip("/").endswith("__pycache__")]
    return {"files": files, "git": sorted(lines)}


def readme_papermill_example() -> list[str]:
    """The shell lines of the README's papermill example, continuation lines joined."""
    blocks, block = [], None
    for line in (ROOT / "README.md").read_text().splitlines():
        if line.strip().startswith("```"):
            if block is None:
                block = []
            else:
                blocks.append("\n".join(block))
                block = None
        elif block is not None:
            block.append(line.strip())
    text = next(b for b in blocks if re.search(r"WAFB_OUTPUT_DIR=\S+ papermill ", b))
    return [ln.strip() for ln in text.replace("\\\n", " ").splitlines() if ln.strip()]


def tiny_notebook(path: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nb.metadata["language_info"] = {"name": "python"}
    params = nbformat.v4.new_code_cell("n = 1")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [
        params,
        nbformat.v4.new_code_cell("from analysis.core import FIGURES_DIR, PROCESSED_DIR"),
        nbformat.v4.new_code_cell("print(n, FIGURES_DIR, PROCESSED_DIR)"),
    ]
    nbformat.write(nb, path)
    return path


@pytest.mark.slow
def test_readme_papermill_example_writes_only_into_its_own_folder(tmp_path):
    lines = readme_papermill_example()
    before = snapshot()
    out = tmp_path / "run"
    for line in lines:
        # the same commands, on notebook 01 with a small world, into tmp
        line = line.replace("build/runs/n20000", str(out))
        line = line.replace("04-compare-opt-out-scenarios", "01-generate-synthetic-population")
        line = line.replace("-p n_people 20000", "-p n_people 500")
        words = shlex.split(line)
        env = dict(os.environ)
        while words and re.fullmatch(r"[A-Z_]+=.*", words[0]):
            key, value = words.pop(0).split("=", 1)
            env[key] = value
        if words[0] == "papermill":
            words = [str(BIN / "papermill"), *words[1:]]
        subprocess.run(words, cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    executed = nbformat.read(out / "01-generate-synthetic-population.ipynb", as_version=4)
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and "n_people = 500" in injected[0].source
    assert len(list((out / "figures").glob("*.png"))) >= 5
    assert (out / "data" / "processed" / "people.parquet").is_file()
    assert snapshot() == before  # figures/, data/processed/, the root and git status untouched


def test_output_dir_moves_every_output_folder_but_not_the_inputs(tmp_path):
    code = (
        "from analysis.core import paths as p; "
        "print(p.FIGURES_DIR, p.PROCESSED_DIR, p.REPORTS_DIR, p.BUILD_DIR, p.REFERENCE_DIR)"
    )
    env = {**os.environ, "WAFB_OUTPUT_DIR": str(tmp_path / "mine")}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    figures, processed, reports, build, reference = map(Path, out.stdout.split())
    for folder in (figures, processed, reports, build):
        assert folder.is_relative_to(tmp_path / "mine"), folder
    assert reference == ROOT / "data" / "reference"
    env["WAFB_OUTPUT_DIR"] = "build/runs/relative"  # relative to the project, not the cwd
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert Path(out.stdout.split()[0]) == ROOT / "build" / "runs" / "relative" / "figures"


def test_parameterised_run_goes_to_its_own_folder(tmp_path):
    nb = tiny_notebook(tmp_path / "tiny.ipynb")
    result = run_with_parameters(nb, {"n": 2}, tmp_path / "out")
    text = "".join(
        o.get("text", "")
        for c in nbformat.read(result, as_version=4).cells
        for o in c.get("outputs", [])
    )
    n, figures, processed = text.split()
    assert n == "2"
    assert Path(figures) == tmp_path / "out" / "figures"
    assert Path(processed) == tmp_path / "out" / "data" / "processed"
    assert result == tmp_path / "out" / "tiny.ipynb"
    assert "WAFB_OUTPUT_DIR" not in os.environ
    for bad in (ROOT, ROOT / "figures"):
        with pytest.raises(ValueError, match="needs a folder of its own"):
            run_with_parameters(nb, {"n": 2}, bad)


def test_execute_reports_each_cell_and_runs_without_the_tcp_warning(tmp_path, capfd):
    nb = tiny_notebook(tmp_path / "tiny.ipynb")
    seen = []
    execute(nb, tmp_path / "out.ipynb", on_cell=seen.append)
    assert seen == [0, 1, 2]  # make report's progress bar moves once per code cell
    # the kernel writes to this process's stderr: over TCP it would warn here
    assert "without encryption" not in capfd.readouterr().err
    assert nbformat.read(tmp_path / "out.ipynb", as_version=4).cells[2].outputs
    assert list(Path.cwd().glob("kernel*ipc*")) == [] and list(ROOT.glob("kernel*ipc*")) == []


def test_make_lab_allows_root_only_when_run_as_root():
    dry = subprocess.run(
        ["make", "-n", "lab"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    line = next(ln for ln in dry.splitlines() if "jupyter lab" in ln)
    assert ("--allow-root" in line) == (os.geteuid() == 0)
