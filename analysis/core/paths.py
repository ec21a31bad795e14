"""Every path the project reads or writes, in one place.

Nothing else in the package or the notebooks spells out a relative path such as
``'../data'``: import the constants below instead.

The project root is the folder that holds ``pyproject.toml`` next to this
package (an editable install or a plain checkout). A researcher who installs the
package elsewhere can point it at a working folder with the environment variable
``WAFB_PROJECT_ROOT``; outputs then go under that folder.
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


#: Ignored outputs, rebuilt by ``make report``
PROCESSED_DIR = DATA_DIR / "processed"


FIGURES_DIR = ROOT / "figures"


REPORTS_DIR = ROOT / "reports"


BUILD_DIR = ROOT / "build"


def ensure_dir(path: Path) -> Path:
    """Create ``path`` (and parents) if needed and return it."""
    path.mkdir(parents=True, exist_ok=True)
    return path


def notebook_paths() -> list[Path]:
    """Return the numbered notebooks, in reading order."""
    return sorted(p for p in NOTEBOOKS_DIR.glob("[0-9][0-9]-*.ipynb"))
