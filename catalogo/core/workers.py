"""Worker processes for the build and the printed volumes: forked, so they start with the site and
the compiled templates already in memory (nothing is pickled on the way in), and never forked from
a process running other threads (a lock another thread holds would stay held in the child)."""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

_inherited: list[Any] = []  # what the forked workers find in memory: set before the fork


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def worker_count(requested: int, tasks: int | None = None) -> int:
    """Worker processes beside this one: ``requested``, or one per core but this one's (0), or none
    (-1, or while this process runs other threads: the dev server, test harnesses with servers),
    and never more than there are ``tasks``."""
    if requested < 0 or threading.active_count() > 1:
        return 0
    count = requested or max(1, cores() - 1)
    return min(count, tasks) if tasks is not None else count


@contextmanager
def forked(count: int, state: object) -> Iterator[ProcessPoolExecutor | None]:
    """A pool of ``count`` forked processes that start with ``state`` (``inherited()`` reads it), or
    None for no pool (count 0: the work is done here, and ``inherited()`` works here too)."""
    _inherited[:] = [state]
    pool = ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("fork")) if count >= 1 else None
    try:
        yield pool
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        _inherited.clear()


def inherited() -> Any:
    """The state the current pool was forked with."""
    return _inherited[0]
