"""Run chunks of work here or on a Dask distributed cluster (imported only when asked for).

A chunk is a pure function of (kernel, seed, its blocks), so where it runs does not change a
number. `scheduler` is an address ("tcp://127.0.0.1:8786"), a `distributed.Client`, or a cluster
object (e.g. `LocalCluster`); None runs everything in this process.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

Progress = Callable[[int, int], None]


def connect(scheduler: Any) -> tuple[Any, bool]:
    """A client for the scheduler, and whether we own it (and so must close it). Without the
    dask extra installed: a ResourceError naming --scheduler and the install command."""
    from moneytrail.errors import ResourceError, missing_extra

    try:
        from distributed import Client
    except ImportError as exc:
        raise missing_extra(exc, "dask", "--scheduler",
                            scheduler if isinstance(scheduler, str) else
                            type(scheduler).__name__) from None

    if isinstance(scheduler, str):
        if not scheduler.startswith(("tcp://", "tls://", "ucx://", "inproc://")):
            from moneytrail.errors import MoneytrailError

            raise MoneytrailError("not a Dask scheduler address (use tcp://HOST:PORT)",
                                  field="--scheduler", value=scheduler)
        try:
            return Client(scheduler, timeout="30s", set_as_default=False), True
        except (OSError, TimeoutError) as exc:
            raise ResourceError(f"cannot reach the Dask scheduler ({exc})",
                                field="--scheduler", value=scheduler) from None
    if hasattr(scheduler, "submit") and hasattr(scheduler, "gather"):
        return scheduler, False
    return Client(scheduler, set_as_default=False), True


def run_tasks(func: Callable, shared: Any, tasks: Sequence[tuple], weights: Sequence[int],
              *, scheduler: Any = None, progress: Progress | None = None,
              combine: Callable[[Any, Any], Any] | None = None,
              first: Callable[[Any], Any] | None = None) -> Any:
    """[func(shared, *task) for task in tasks], in order, locally or on a cluster.

    `shared` (the kernel) is sent to every worker once; `weights` (draws per task) drive the
    progress callback. With `combine`, results are folded in task order as they arrive
    (`combine(so_far, next)`, starting from `first(result_0)`) and only the fold is returned,
    so the client never holds more than the results still waiting for an earlier task."""
    total = int(sum(weights))
    folded: list = []

    def take(result: Any) -> None:
        if combine is None:
            folded.append(result)
        elif folded:
            folded[0] = combine(folded[0], result)
        else:
            folded.append(first(result) if first is not None else result)

    if scheduler is None:
        done = 0
        for task, weight in zip(tasks, weights, strict=True):
            take(func(shared, *task))
            done += weight
            if progress is not None:
                progress(done, total)
        return folded if combine is None else folded[0]
    client, owned = connect(scheduler)     # first: it says so if dask is not installed
    from distributed import as_completed

    try:
        remote = client.scatter(shared, broadcast=True)
        futures = [client.submit(func, remote, *task, pure=False) for task in tasks]
        position = {future.key: k for k, future in enumerate(futures)}
        waiting: dict[int, Any] = {}
        following, done = 0, 0
        for future in as_completed(futures, loop=client.loop):
            k = position[future.key]
            waiting[k] = future.result()
            future.release()
            done += weights[k]
            while following in waiting:
                take(waiting.pop(following))
                following += 1
            if progress is not None:
                progress(done, total)
        return folded if combine is None else folded[0]
    finally:
        if owned:
            client.close()
