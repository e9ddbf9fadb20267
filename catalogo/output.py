"""One file of the built site, in memory until the write stage."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Output:
    path: str  # relative, POSIX, inside the output folder
    data: bytes


def fingerprinted(path: str, data: bytes) -> Output:
    """'static/x.css' -> 'static/x.<hash>.css': a changed file gets a new URL, so caches never serve it stale."""
    digest = hashlib.sha256(data).hexdigest()[:10]
    stem, dot, suffix = path.rpartition(".")
    return Output(f"{stem}.{digest}.{suffix}" if dot and "/" not in suffix else f"{path}.{digest}", data)
