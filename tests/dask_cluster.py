"""A separately started ``dask scheduler`` and ``dask worker`` on localhost, for tests.

Used by the sweep and shard tests: they send work through ``--scheduler ADDRESS`` exactly as a
user with a real cluster would, rather than through an in-process cluster.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def separate_cluster(tmp_path: Path, n_workers: int = 1) -> Iterator[str]:
    """Start ``dask scheduler`` and ``n_workers`` ``dask worker`` processes; yield the address."""
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    dask = [sys.executable, "-m", "distributed.cli.dask_scheduler"]
    logs = tmp_path / "dask-logs"
    logs.mkdir(exist_ok=True)
    procs = [
        subprocess.Popen(
            [
                *dask,
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--dashboard-address",
                ":0",
                "--no-show",
            ],
            stdout=open(logs / "scheduler.log", "w"),
            stderr=subprocess.STDOUT,
        )
    ]
    try:
        _wait_for_port(port, procs[0])
        for i in range(n_workers):
            procs.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "distributed.cli.dask_worker",
                        address,
                        "--nthreads",
                        "1",
                        "--no-nanny",
                        "--no-dashboard",
                        "--local-directory",
                        str(tmp_path / f"worker-{i}"),
                    ],
                    stdout=open(logs / f"worker-{i}.log", "w"),
                    stderr=subprocess.STDOUT,
                )
            )
        from distributed import Client

        with Client(address, timeout="30s") as client:
            client.wait_for_workers(n_workers, timeout=60)
        yield address
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def _wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"dask scheduler exited with code {proc.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"dask scheduler did not listen on port {port} within {timeout:.0f}s")
