"""The web editor on a laptop: ``serve`` starts decap-server in git mode on the content's checkout.

Saving a practice in /admin/ then makes a ``cms/pratiche/<slug>`` branch with one commit in the
local repository, exactly as it would open a pull request on GitHub: no account, no network.
decap-server listens on 127.0.0.1 only and stops with ``serve``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from catalogo.core.npm import NODE_MODULES
from catalogo.core.processes import node_command, start, stop
from catalogo.editors.decap import Backend

SERVER = Path("decap-server") / "dist" / "index.js"
CMS_BRANCH = "cms"  # decap-server names each entry's branch cms/<collection>/<slug>
STARTUP_SECONDS = 15.0


def _git(folder: Path, *args: str) -> str | None:
    try:
        proc = subprocess.run(
            ["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout.strip() if proc.returncode == 0 else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


@dataclass
class LocalEditor:
    process: subprocess.Popen[bytes]
    port: int
    branch: str
    content_dir: str  # the content folder, relative to the repository's root
    warning: str = ""  # something the person should know before saving (uncommitted changes)
    log: IO[bytes] | None = None

    @classmethod
    def start(cls, content: Path, node_modules: Path = NODE_MODULES) -> LocalEditor | str:
        """decap-server on a free port, or the Italian reason it cannot run."""
        script = node_modules / SERVER
        command = node_command(script)
        if command is None:
            return "serve Node.js per l'editor web in locale: installalo, poi esegui 'npm ci'"
        if not script.is_file():
            return f"manca decap-server in {node_modules}: esegui 'npm ci'"
        root = _git(content, "rev-parse", "--show-toplevel")
        if root is None:
            return (
                f"la cartella {content} non è in un repository git: l'editor web salva ogni scheda "
                "in un ramo git, come una proposta di modifica"
            )
        branch = _git(content, "rev-parse", "--abbrev-ref", "HEAD")
        if not branch or branch == "HEAD":
            return "il repository non è su un ramo (HEAD staccato): passa a un ramo con 'git switch main'"
        relative = os.path.relpath(content.resolve(), Path(root).resolve())
        if relative.startswith(".."):
            return f"la cartella {content} non è dentro il repository {root}"
        warning = ""
        if _git(content, "status", "--porcelain", "--untracked-files=no"):
            warning = (
                "ci sono modifiche non ancora registrate con git: l'editor web le includerebbe nelle "
                "schede che salva. Fai commit (o 'git stash') prima di salvare dall'editor"
            )
        port = _free_port()
        env = {
            "MODE": "git",
            "GIT_REPO_DIRECTORY": root,
            "PORT": str(port),
            "BIND_HOST": "127.0.0.1",
            "LOG_LEVEL": "warn",
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", root),
        }
        log = tempfile.TemporaryFile()  # a file, not a pipe: nobody reads it while serve runs
        try:
            process = start(command, env=env, cwd=root, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        except OSError as exc:
            log.close()
            return f"non riesco ad avviare decap-server ({exc.strerror})"
        try:
            deadline = time.monotonic() + STARTUP_SECONDS
            while not _listening(port):
                if process.poll() is not None or time.monotonic() > deadline:
                    stop(process)
                    log.seek(0)
                    lines = log.read().decode("utf-8", "replace").strip().splitlines()[-1:] or ["nessun messaggio"]
                    log.close()
                    return f"decap-server non è partito ({lines[0][:200]})"
                time.sleep(0.05)
        except BaseException:  # Ctrl+C while it starts: it must not outlive us
            stop(process)
            log.close()
            raise
        return cls(process, port, branch, relative.replace(os.sep, "/") or ".", warning, log)

    def backend(self) -> Backend:
        return Backend(
            branch=self.branch, proxy_url=f"http://127.0.0.1:{self.port}/api/v1", content_dir=self.content_dir
        )

    def stop(self) -> None:
        """decap-server and whatever it started (git): asked to stop, killed after a second."""
        stop(self.process, grace=1.0)
        if self.log is not None:
            self.log.close()
