"""The cluster helper: local by default, an existing scheduler by address or environment."""

import pytest

from analysis.core import cluster


def test_address_from_environment(monkeypatch):
    monkeypatch.setenv(cluster.SCHEDULER_ENV, "tcp://10.0.0.5:8786")
    assert cluster.scheduler_address() == "tcp://10.0.0.5:8786"
    assert cluster.scheduler_address("tcp://127.0.0.1:1") == "tcp://127.0.0.1:1"
    monkeypatch.setenv(cluster.SCHEDULER_ENV, "nonsense")
    with pytest.raises(ValueError, match="nonsense"):
        cluster.scheduler_address()


def test_separate_scheduler_runs_tasks(dask_scheduler):
    with cluster.dask_client(dask_scheduler) as client:
        assert client.scheduler.address == dask_scheduler
        assert client.gather(client.map(pow, [2, 3], [10, 2])) == [1024, 9]
