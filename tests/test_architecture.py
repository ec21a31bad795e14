"""The package's layout is the pipeline: stages import only from the stages before them.

Read from the source with ``ast`` (nothing is imported), so a function-level import
counts as much as one at the top of a file::

    core <- world <- policy <- linking <- effects <- results <- report <- cli
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import analysis

PACKAGE = Path(analysis.__file__).parent
STAGES = ("core", "world", "policy", "linking", "effects", "results", "report", "cli")
#: Layers that may import matplotlib: drawing lives in the report layer only.
DRAWING = ("report",)
MAX_LINES = 650


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def stage(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) < 2:
        return None  # analysis/__init__.py: the package map
    return "cli" if parts[1] == "__main__" else parts[1]


def imports(path: Path) -> list[tuple[str, int]]:
    """Every ``analysis`` module a file imports, anywhere in it, with its line."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for a in node.names:
                sub = f"{node.module}.{a.name}"
                found.append((sub if sub in MODULES else node.module, node.lineno))
    return [(m, line) for m, line in found if m == "analysis" or m.startswith("analysis.")]


def third_party(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_every_module_belongs_to_a_stage():
    assert {stage(m) for m in MODULES} - {None} == set(STAGES)


def test_dependencies_point_one_way():
    wrong = []
    for module, path in MODULES.items():
        here = stage(module)
        if here is None:
            continue
        for target, line in imports(path):
            there = stage(target)
            if there is not None and STAGES.index(there) > STAGES.index(here):
                wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line} ({here}) imports {target}")
    assert wrong == [], "imports that point up the pipeline:\n" + "\n".join(wrong)


def test_modules_import_exact_modules_not_their_own_stage_namespace():
    """Inside a stage, import the module that defines a name, not the stage's re-export.

    Importing ``analysis.world`` from inside ``analysis/world/`` would run the package's
    ``__init__`` in the middle of loading it.
    """
    wrong = []
    for module, path in MODULES.items():
        if path.name == "__init__.py":
            continue
        packages = {module.rsplit(".", k)[0] for k in range(1, module.count("."))}
        for target, line in imports(path):
            if target in packages and MODULES[target].name == "__init__.py":
                wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {target}")
    assert wrong == []


def test_no_import_cycles():
    graph = {m: set() for m in MODULES}
    for module, path in MODULES.items():
        for target, _ in imports(path):
            if target not in MODULES:
                continue
            # a package's __init__ re-exporting its own modules is not a dependency
            if path.name == "__init__.py" and target.startswith(module + "."):
                continue
            graph[module].add(target)
    state: dict[str, int] = {}
    cycle: list[str] = []

    def visit(node: str, trail: list[str]) -> bool:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                start = trail.index(nxt) if nxt in trail else len(trail)
                cycle.extend([*trail[start:], node, nxt])
                return True
            if state.get(nxt) is None and visit(nxt, [*trail, node]):
                return True
        state[node] = 2
        return False

    for module in sorted(graph):
        if state.get(module) is None and visit(module, []):
            break
    assert cycle == [], "import cycle: " + " -> ".join(cycle)


def test_computation_imports_no_matplotlib():
    drawing = [
        m for m, p in MODULES.items() if "matplotlib" in third_party(p) and stage(m) not in DRAWING
    ]
    assert drawing == [], f"modules outside {DRAWING} that import matplotlib: {drawing}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_stay_readable(module):
    lines = MODULES[module].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{module} has {lines} lines: split it by concept"


def test_one_seeded_stream_helper():
    """Randomness comes from analysis.core.seeds; no other module builds a Generator from a seed."""
    wrong = []
    for module, path in MODULES.items():
        if module == "analysis.core.seeds":
            continue
        text = path.read_text(encoding="utf-8")
        if "default_rng(" in text and ">>>" not in text.split("default_rng(")[0].splitlines()[-1]:
            wrong.append(module)
    assert wrong == []


def test_paths_find_the_project_from_any_folder(tmp_path):
    """ROOT is the folder holding pyproject.toml beside the package, wherever Python starts."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "WAFB_PROJECT_ROOT"}
    out = subprocess.run(
        [sys.executable, "-c", "from analysis.core.paths import ROOT; print(ROOT)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(out.stdout.strip()) == PACKAGE.parent
    assert (PACKAGE.parent / "pyproject.toml").is_file()


@pytest.mark.parametrize(
    "package",
    sorted(m for m, p in MODULES.items() if p.name == "__init__.py" and m != "analysis"),
)
def test_stage_namespaces_export_each_name_once(package):
    """A stage re-exports its modules' names; two modules may not export the same name."""
    import importlib

    pkg = importlib.import_module(package)
    exported = list(getattr(pkg, "__all__", []))
    assert len(exported) == len(set(exported)), sorted(
        n for n in set(exported) if exported.count(n) > 1
    )
    assert all(hasattr(pkg, n) for n in exported)
