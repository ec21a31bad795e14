"""Shared test fixtures."""

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
