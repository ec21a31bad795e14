"""Shared test fixtures."""

import fcntl
import json
import os
from pathlib import Path

import pytest

from analysis.world import WorldParams, generate_population
from tests.dask_cluster import separate_cluster


@pytest.fixture(scope="session")
def small_params() -> WorldParams:
    return WorldParams(n_people=4000, seed=11)


@pytest.fixture(scope="session")
def small_people(small_params):
    return generate_population(small_params)


@pytest.fixture(scope="session")
def dask_scheduler(tmp_path_factory) -> str:
    """Address of a separately started ``dask scheduler`` with one ``dask worker``.

    One cluster per test process (pytest-xdist worker), shared by the sweep, shard and
    cluster tests: starting one costs about ten seconds.
    """
    with separate_cluster(tmp_path_factory.mktemp("dask")) as address:
        yield address


@pytest.fixture(scope="session")
def rendered_editions(tmp_path_factory) -> dict[str, Path]:
    """Both report editions of the committed notebooks, rendered once per test run.

    The pytest-xdist workers share one folder of the run's temporary root: the first worker
    to get here renders (about 20 seconds of nbconvert), the other waits on a lock and reads.
    """
    from analysis.core.paths import notebook_paths
    from analysis.report.build import render_editions

    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's root, common to every worker
    target = root / "report-editions"
    with open(root / "report-editions.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = target / "editions.json"
        if not done.exists():
            paths = render_editions(notebook_paths(), target)
            done.write_text(json.dumps({name: str(path) for name, path in paths.items()}))
        return {name: Path(path) for name, path in json.loads(done.read_text()).items()}
