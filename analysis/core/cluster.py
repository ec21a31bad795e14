"""Where parallel work runs: a Dask cluster, local by default or an existing one by address.

Sweeps (many worlds) and sharded worlds (one task per country shard) both go through
:func:`dask_client`, so the same code runs on a laptop and on a cluster:

- no address: a :class:`distributed.LocalCluster` on this machine (one single-threaded worker
  process per core by default, because the world build holds the GIL);
- an address (``--scheduler tcp://host:8786`` on the command line, or the environment variable
  ``DASK_SCHEDULER_ADDRESS``): the work is sent to that scheduler and its workers.

The project never runs a home-made process pool; Dask owns scheduling, retries and worker
memory limits.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

__all__ = ["SCHEDULER_ENV", "dask_client", "scheduler_address"]

#: Environment variable naming an existing Dask scheduler (e.g. ``tcp://10.0.0.5:8786``).
SCHEDULER_ENV = "DASK_SCHEDULER_ADDRESS"


def scheduler_address(address: str | None = None) -> str | None:
    """Return the scheduler to use: ``address`` if given, else ``$DASK_SCHEDULER_ADDRESS``.

    Parameters
    ----------
    address : str, optional
        An explicit address such as ``"tcp://127.0.0.1:8786"``.

    Returns
    -------
    str or None
        ``None`` means "start a local cluster".

    Raises
    ------
    ValueError
        If the address is not of the form ``protocol://host:port``.

    Examples
    --------
    >>> scheduler_address("tcp://127.0.0.1:8786")
    'tcp://127.0.0.1:8786'
    >>> scheduler_address("localhost")
    Traceback (most recent call last):
    ...
    ValueError: Dask scheduler address 'localhost' must look like tcp://host:port
    """
    chosen = address if address else os.environ.get(SCHEDULER_ENV) or None
    if chosen is None:
        return None
    if "://" not in chosen or not chosen.rsplit(":", 1)[-1].isdigit():
        raise ValueError(f"Dask scheduler address {chosen!r} must look like tcp://host:port")
    return chosen


@contextlib.contextmanager
def dask_client(
    address: str | None = None,
    *,
    n_workers: int | None = None,
    memory_limit: str = "auto",
) -> Iterator[object]:
    """Yield a ``distributed.Client``: connected to ``address``, or to a new local cluster.

    Parameters
    ----------
    address : str, optional
        Scheduler address; falls back to ``$DASK_SCHEDULER_ADDRESS``; ``None`` starts a
        :class:`distributed.LocalCluster`.
    n_workers : int, optional
        Workers of the local cluster (default: the number of cores). Ignored with an address.
    memory_limit : str
        Per-worker memory limit of the local cluster (Dask's own syntax, e.g. ``"4GB"``).

    Notes
    -----
    The local cluster's dashboard is switched off and it listens on loopback only; it is
    closed when the ``with`` block ends, even on error or interrupt.
    """
    from distributed import Client, LocalCluster

    chosen = scheduler_address(address)
    if chosen is not None:
        client = Client(chosen, timeout="30s")
        try:
            yield client
        finally:
            client.close()
        return
    workers = n_workers if n_workers else max(1, os.cpu_count() or 1)
    cluster = LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        memory_limit=memory_limit,
    )
    client = Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()
