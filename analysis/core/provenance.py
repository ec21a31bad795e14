"""Where a stored result came from: the package version and the git commit.

Every tracked results folder (the sweep, the world-size curves, the uniqueness curves)
records both in its manifest, so a reader can tell which code produced it.
"""

from __future__ import annotations

import subprocess
from importlib.metadata import PackageNotFoundError, version

from analysis.core.paths import ROOT

__all__ = ["git_commit", "package_version", "provenance"]

DISTRIBUTION = "whatsapp-facebook-2016"


def git_commit() -> str:
    """Return the checked-out commit of the project (``"unknown"`` outside a git checkout)."""
    try:
        return subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def package_version() -> str:
    """Return the installed version of the package (``"unknown"`` if it is not installed).

    >>> isinstance(package_version(), str)
    True
    """
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        return "unknown"


def provenance() -> dict[str, str]:
    """``{"package_version": ..., "commit": ...}`` for a results manifest.

    >>> sorted(provenance())
    ['commit', 'package_version']
    """
    return {"package_version": package_version(), "commit": git_commit()}
