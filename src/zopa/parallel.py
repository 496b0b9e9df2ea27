"""One way to Dask for every command that takes ``--dask ADDRESS`` (tournament, robust).

``ADDRESS`` is ``local:N`` (a LocalCluster of N worker processes on this machine),
``inprocess`` (one worker thread in this process, for tests) or a scheduler address
(``tcp://host:8786``). A scheduler that cannot be reached fails within
:data:`DASK_CONNECT_SECONDS` with a message naming the address and the fix. Local clusters put
their dashboard on a free port, so two runs at once never collide on 8787.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from zopa.errors import ZopaError

__all__ = ["DASK_CONNECT_SECONDS", "MAX_LOCAL_WORKERS", "dask_client"]

DASK_CONNECT_SECONDS = 5
MAX_LOCAL_WORKERS = 256


@contextmanager
def dask_client(address: str, error: type[ZopaError] = ZopaError) -> Iterator[Any]:
    """A connected ``distributed.Client`` for ``address``; closes it (and a local cluster).

    Bad addresses and unreachable schedulers raise ``error`` (a :class:`ZopaError` subclass,
    so the CLI prints it and exits 2).
    """
    dd: Any = importlib.import_module("distributed")  # untyped; imported only when used
    cluster: Any = None
    if address.startswith("local:"):
        try:
            n = int(address.removeprefix("local:") or "1")
        except ValueError:
            raise error(
                f"`--dask {address}`: write local:N with a number of workers, e.g. local:2"
            ) from None
        if not 1 <= n <= MAX_LOCAL_WORKERS:
            raise error(
                f"`--dask {address}`: the number of workers must be in 1..{MAX_LOCAL_WORKERS}"
            )
        cluster = dd.LocalCluster(
            n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0"
        )
    elif address == "inprocess":
        cluster = dd.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0"
        )
    elif "://" not in address and ":" not in address:
        raise error(
            f"`{address}` is not a Dask scheduler address; use tcp://HOST:PORT, local:N or "
            "inprocess"
        )
    try:
        client: Any = dd.Client(
            cluster if cluster is not None else address, timeout=DASK_CONNECT_SECONDS
        )
    except (OSError, TimeoutError, ValueError) as exc:
        if cluster is not None:
            cluster.close()
        raise error(
            f"cannot reach the Dask scheduler at {address} within {DASK_CONNECT_SECONDS} s "
            f"({type(exc).__name__}: {str(exc)[:200]}); start it with `dask scheduler`, or use "
            "--dask local:N for a cluster on this machine"
        ) from None
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
