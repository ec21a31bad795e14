"""Every path the project reads or writes, in one place.

Nothing else in the package or the notebooks spells out a relative path such as
``'../data'``: import the constants below instead.

The project root is the folder that holds ``pyproject.toml`` next to this
package (an editable install or a plain checkout). A researcher who installs the
package elsewhere can point it at a working folder with the environment variable
``WAFB_PROJECT_ROOT``; outputs then go under that folder.

Parameterised runs (papermill, a notebook run with other parameters, a sweep) must not
overwrite the canonical outputs that ``make report`` writes and the report shows
(``figures/``, ``data/processed/``). Point ``WAFB_OUTPUT_DIR`` at a folder of the run's own
(relative paths are taken from the project root, e.g. ``build/runs/n20000``): every output
folder below (:data:`FIGURES_DIR`, :data:`PROCESSED_DIR`, :data:`REPORTS_DIR`,
:data:`BUILD_DIR`) then lies inside it, while the inputs (reference data, scenarios,
notebooks) are still read from the project.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "BUILD_DIR",
    "CONFIG_DIR",
    "DATA_DICTIONARY",
    "DATA_DIR",
    "FIGURES_DIR",
    "NOTEBOOKS_DIR",
    "OUTPUT_DIR",
    "PACKAGE_DIR",
    "PROCESSED_DIR",
    "REFERENCE_DIR",
    "REPORTS_DIR",
    "ROOT",
    "SCENARIOS_DIR",
    "ensure_dir",
    "notebook_paths",
]


PACKAGE_DIR = Path(__file__).resolve().parents[1]
"""The ``analysis`` package folder."""


def _find_root() -> Path:
    override = os.environ.get("WAFB_PROJECT_ROOT")
    if override:
        return Path(override).expanduser().resolve()
    candidate = PACKAGE_DIR.parent
    if (candidate / "pyproject.toml").is_file():
        return candidate
    return Path.cwd().resolve()


ROOT = _find_root()


#: Tracked inputs
DATA_DIR = ROOT / "data"


REFERENCE_DIR = DATA_DIR / "reference"
"""Sourced reference tables (CSV). Read by code, never written by it."""


SCENARIOS_DIR = DATA_DIR / "scenarios"
"""Opt-out scenarios as TOML (the built-in ones; researchers add their own)."""


NOTEBOOKS_DIR = ROOT / "notebooks"


CONFIG_DIR = ROOT / "config"


DATA_DICTIONARY = DATA_DIR / "DATA_DICTIONARY.md"


def _find_output_dir() -> Path:
    override = os.environ.get("WAFB_OUTPUT_DIR")
    if not override:
        return ROOT
    path = Path(override).expanduser()
    return (path if path.is_absolute() else ROOT / path).resolve()


OUTPUT_DIR = _find_output_dir()
"""Where outputs go: the project root, or ``WAFB_OUTPUT_DIR`` for a run of its own."""


#: Ignored outputs, rebuilt by ``make report``
PROCESSED_DIR = OUTPUT_DIR / "data" / "processed"


FIGURES_DIR = OUTPUT_DIR / "figures"


REPORTS_DIR = OUTPUT_DIR / "reports"


BUILD_DIR = OUTPUT_DIR / "build"


def ensure_dir(path: Path) -> Path:
    """Create ``path`` (and parents) if needed and return it."""
    path.mkdir(parents=True, exist_ok=True)
    return path


def notebook_paths() -> list[Path]:
    """Return the numbered notebooks, in reading order."""
    return sorted(p for p in NOTEBOOKS_DIR.glob("[0-9][0-9]-*.ipynb"))
