"""One file of the built site, in memory until the write stage."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Output:
    path: str  # relative, POSIX, inside the output folder
    data: bytes
