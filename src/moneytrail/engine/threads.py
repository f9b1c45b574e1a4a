"""One BLAS thread for work made of many small products and solves.

A trace of a firm-level model is thousands of small dense solves and products (55 x 55 per
draw); OpenBLAS's worker threads gain nothing on these and, after each call, keep spinning for
a while, which on a machine with few cores costs the main thread CPU time (a `moneytrail demo`
used about 40 % more CPU with two BLAS threads than with one). Large sector tables (thousands
of sectors) keep every thread. Uses threadpoolctl (a no-op if it is not installed).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

SMALL_MODEL = 1000            # entities up to which a trace runs with one BLAS thread


@contextmanager
def single_blas_thread(active: bool = True) -> Iterator[None]:
    """Within the block, BLAS libraries loaded by numpy and scipy use one thread (when
    `active`); the previous limits are restored afterwards."""
    if not active:
        yield
        return
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:          # optional at run time: only speed depends on it
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield
