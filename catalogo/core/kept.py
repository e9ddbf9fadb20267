"""Files a build keeps for the next ones, as Python keeps .pyc files: each under the digest of all it
is made from, so the same digest gives the same bytes and anything changed gives a new digest.

They live in node_modules/.cache (as Babel and ESLint keep theirs there: 'npm ci' starts it afresh).
A folder that cannot be read or written only means the file is made again.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from catalogo.core.npm import NODE_MODULES

KEEP = 16  # files kept per folder, the most recently made: a theme being edited makes one per save


def kept_path(folder: str, key: str, suffix: str, node_modules: Path = NODE_MODULES) -> Path:
    return node_modules / ".cache" / folder / f"{key}{suffix}"


def recall(path: Path) -> bytes | None:
    """The bytes kept at ``path`` by an earlier build, or None."""
    try:
        return path.read_bytes()
    except OSError:
        return None


def keep(path: Path, data: bytes) -> None:
    """Keep ``data`` for the next builds, whole or not at all, and forget the oldest beyond KEEP."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(data)
        os.replace(temporary, path)
        kept = sorted(path.parent.glob(f"*{path.suffix}"), key=lambda f: f.stat().st_mtime_ns, reverse=True)
        for old in kept[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        with contextlib.suppress(OSError):  # no folder, no temporary file
            temporary.unlink(missing_ok=True)
