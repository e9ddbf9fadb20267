"""Work in a forked process beside the main one: on two cores, the practices' pages are made and
written while the main process builds the search index and the other pages.

Fork, not spawn: the child starts with the loaded site already in memory, nothing is pickled on
the way in, and only a small result (the links the pages contain) comes back.
"""

from __future__ import annotations

import os
import pickle
import signal
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")

# CATALOGO_PROCESSI=1 builds in one process (same files, byte for byte: tests/test_build.py).
ENV = "CATALOGO_PROCESSI"


def worthwhile() -> bool:
    """Two cores or more, and a process without other threads (forking one that has them can
    deadlock: the dev server and test harnesses with servers running build in one process)."""
    if not hasattr(os, "fork") or threading.active_count() > 1:
        return False
    wanted = os.environ.get(ENV, "")
    if wanted.isdigit():
        return int(wanted) > 1
    return len(os.sched_getaffinity(0)) > 1 if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1) > 1


class Forked(Generic[T]):
    """``work()`` running in a child process; ``result()`` waits for it and returns its value or
    raises its exception; ``cancel()`` stops it (the build failed or was interrupted)."""

    def __init__(self, work: Callable[[], T]) -> None:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child
            os.close(read)
            try:
                outcome: tuple[str, object] = ("ok", work())
            except BaseException as exc:  # reported by the parent, whatever it is
                outcome = ("error", exc)
            try:
                data = pickle.dumps(outcome)
            except Exception as exc:  # an unpicklable exception
                data = pickle.dumps(("error", RuntimeError(f"{type(outcome[1]).__name__}: {exc}")))
            with os.fdopen(write, "wb") as pipe:
                pipe.write(data)
            os._exit(0)
        os.close(write)
        self._pid = pid
        self._read = read
        self._done = False

    def result(self) -> T:
        with os.fdopen(self._read, "rb") as pipe:
            data = pipe.read()
        os.waitpid(self._pid, 0)
        self._done = True
        if not data:
            raise RuntimeError("il processo di supporto si è interrotto senza risultato")
        kind, value = pickle.loads(data)
        if kind == "error":
            raise value
        return value

    def cancel(self) -> None:
        if self._done:
            return
        self._done = True
        try:
            os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
        except ChildProcessError:
            pass
        finally:
            os.close(self._read)
