"""Shared test fixtures."""

import pytest

from analysis.world import WorldParams, generate_population


@pytest.fixture(scope="session")
def small_params() -> WorldParams:
    return WorldParams(n_people=4000, seed=11)


@pytest.fixture(scope="session")
def small_people(small_params):
    return generate_population(small_params)
