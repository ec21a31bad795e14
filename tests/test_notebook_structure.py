"""Every notebook follows the house style and is committed executed, in order, reproducibly."""

import re

import nbformat
import pytest

from analysis.core import notebook_paths

NOTEBOOKS = notebook_paths()


def test_notebooks_are_numbered_verb_topic():
    assert NOTEBOOKS, "no notebooks found"
    numbers = [p.name[:2] for p in NOTEBOOKS]
    assert len(set(numbers)) == len(numbers)
    for path in NOTEBOOKS:
        assert re.fullmatch(r"\d\d-[a-z0-9]+(-[a-z0-9]+)*\.ipynb", path.name), path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_structure(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    # committed executed, top to bottom, from a fresh kernel
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))
    # a papermill parameters cell
    assert any("parameters" in c.metadata.get("tags", []) for c in code)
    for cell in code:
        definitions = re.search(r"^\s*(def|class) ", cell.source, flags=re.M)
        assert not definitions, "logic belongs in analysis/"
        assert len(cell.source.splitlines()) <= 25, "short cells: move the logic into analysis/"
        assert "execution" not in cell.metadata, "execution timestamps make the bytes differ"
        assert "../" not in cell.source, "paths come from analysis.core.paths"
