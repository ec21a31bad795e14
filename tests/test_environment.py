"""The pinned environment: lock file, environment.yml and the running interpreter agree."""

import re
import sys
from importlib import metadata
from pathlib import Path

import yaml

from analysis.core import ROOT

PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([A-Za-z0-9_.+\-!]+)$")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements" / "lock.txt").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = PIN.match(line)
        assert match, f"lock line is not an exact pin: {line!r}"
        pins[canonical(match[1])] = match[2]
    return pins


def test_every_lock_line_is_an_exact_patch_pin():
    pins = lock_pins()
    assert len(pins) > 50  # transitive dependencies included, not just the direct ones
    for name in ["numpy", "pandas", "faker", "matplotlib", "phonenumbers", "networkx", "nbval"]:
        assert name in pins, name


def test_environment_yml_mirrors_the_lock():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "conda-forge" in env["channels"]
    deps = env["dependencies"]
    assert "python=3.11" in deps
    pip_section = next(d["pip"] for d in deps if isinstance(d, dict) and "pip" in d)
    env_pins = {}
    for item in pip_section:
        if item.startswith("-e"):
            continue
        match = PIN.match(item)
        assert match, f"environment.yml pip entry is not an exact pin: {item!r}"
        env_pins[canonical(match[1])] = match[2]
    assert env_pins == lock_pins()


def test_running_environment_matches_the_lock():
    """The interpreter running the tests has exactly the pinned versions installed."""
    assert sys.version_info[:2] == (3, 11)
    pins = lock_pins()
    wrong = {}
    for name, version in pins.items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            wrong[name] = (version, "missing")
            continue
        if installed != version:
            wrong[name] = (version, installed)
    assert wrong == {}


def test_pyproject_includes_the_package_explicitly():
    text = (ROOT / "pyproject.toml").read_text()
    # flat layout (analysis/ beside notebooks/ and data/): the stage packages are named
    assert 'include = ["analysis*"]' in text
    assert Path(ROOT / "analysis" / "__init__.py").is_file()


def test_setup_bootstraps_the_pinned_uv_and_falls_back_to_pip():
    """make installs uv at the lock's pin, then the lock with it; pip does it without uv."""
    assert "uv" in lock_pins(), "uv is pinned in the lock like every other package"
    makefile = (ROOT / "Makefile").read_text()
    assert "UV_PIN := $(shell grep -E '^uv==' requirements/lock.txt)" in makefile
    assert "uv pip install --quiet --python $(BIN)/python -r requirements/lock.txt" in makefile
    assert "$(PIP) -r requirements/lock.txt" in makefile  # the fallback installs the same pins
