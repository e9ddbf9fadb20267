"""One file of the built site, in memory until the write stage."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Output:
    path: str  # relative, POSIX, inside the output folder
    data: bytes = b""
    # Very large files (the whole catalogue as JSON, as CSV or as one printable page at 10,000 practices)
    # come as pieces, written one after the other: never the whole file in memory.
    stream: Callable[[], Iterator[bytes]] | None = field(default=None, compare=False)

    def pieces(self) -> Iterator[bytes]:
        if self.stream is None:
            yield self.data
        else:
            yield from self.stream()

    def content(self) -> bytes:
        """The whole file (the dev server and the tests hold the site in memory)."""
        return self.data if self.stream is None else b"".join(self.stream())


def fingerprinted(path: str, data: bytes) -> Output:
    """'static/x.css' -> 'static/x.<hash>.css': a changed file gets a new URL, so caches never serve it stale."""
    digest = hashlib.sha256(data).hexdigest()[:10]
    stem, dot, suffix = path.rpartition(".")
    return Output(f"{stem}.{digest}.{suffix}" if dot and "/" not in suffix else f"{path}.{digest}", data)
