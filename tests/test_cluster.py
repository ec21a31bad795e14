"""The cluster helper: local by default, an existing scheduler by address or environment."""

import pytest

from analysis.core import cluster
from tests.dask_cluster import separate_cluster


def test_address_from_environment(monkeypatch):
    monkeypatch.setenv(cluster.SCHEDULER_ENV, "tcp://10.0.0.5:8786")
    assert cluster.scheduler_address() == "tcp://10.0.0.5:8786"
    assert cluster.scheduler_address("tcp://127.0.0.1:1") == "tcp://127.0.0.1:1"
    monkeypatch.setenv(cluster.SCHEDULER_ENV, "nonsense")
    with pytest.raises(ValueError, match="nonsense"):
        cluster.scheduler_address()


def test_separate_scheduler_runs_tasks(tmp_path):
    with separate_cluster(tmp_path) as address:
        with cluster.dask_client(address) as client:
            assert client.scheduler.address == address
            assert client.gather(client.map(pow, [2, 3], [10, 2])) == [1024, 9]
