"""Child processes that never outlive the catalogue's own process.

Every Node process the build or ``serve`` starts (PurgeCSS, decap-server) runs in a process group
of its own, so stopping it stops whatever it started too, and with a guard preloaded that ends it
when its parent goes away, even when the parent is killed and no Python cleanup runs.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path
from typing import Any

ORPHAN_GUARD = Path(__file__).resolve().parent / "node" / "orphan-guard.js"
STOP_SECONDS = 2.0


def node_command(script: Path) -> list[str] | None:
    """``node`` running ``script`` with the orphan guard preloaded; None without Node.js."""
    node = shutil.which("node")
    return [node, "--require", str(ORPHAN_GUARD), str(script)] if node else None


def start(command: list[str], **popen: Any) -> subprocess.Popen[Any]:
    """A child in a process group of its own: a Ctrl+C in the terminal reaches the catalogue, which
    then stops its children itself, in order (raises OSError when it cannot start). It is told this
    process's number, which the orphan guard watches."""
    env = dict(popen.pop("env", None) or os.environ, CATALOGO_PARENT_PID=str(os.getpid()))
    return subprocess.Popen(command, process_group=0, env=env, **popen)


def stop(process: subprocess.Popen[Any], grace: float = STOP_SECONDS) -> None:
    """The child and its process group: asked to stop, then killed after ``grace`` seconds."""
    if process.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, None)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
    process.wait()
