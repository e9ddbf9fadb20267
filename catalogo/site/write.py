"""Write the outputs atomically: stage in a sibling temporary folder, then swap it in.

A failed or interrupted build leaves the previous site whole; a folder that is not a
previous build is never replaced; two builds into the same place take turns (flock).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath

from catalogo.core.output import Output

MARKER = ".catalogo-build"
MARKER_TEXT = b"Cartella generata da 'python build.py build': viene sostituita a ogni build.\n"


class WriteError(Exception):
    """A problem with the output folder, explained in Italian for the person running the build."""


def check_path(path: str) -> None:
    """A file stays inside the output folder (checked before each write)."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or not path or path == MARKER:
        raise WriteError(f"percorso di uscita non ammesso: {path!r}")


def check_paths(paths: Iterable[str]) -> None:
    """Every file inside the output folder, one file per path: the build checks its whole plan
    before the swap."""
    seen: set[str] = set()
    for path in paths:
        check_path(path)
        if path in seen:
            raise WriteError(f"due file diversi vogliono lo stesso percorso: {path}")
        seen.add(path)


# Stores one file: its path in the staging folder and its content in pieces. A parameter of
# build() and Staging, so a test can make a write fail half way.
WriteFile = Callable[[str, Iterable[bytes]], None]


_made: set[str] = set()  # folders this process has made (a failed open and a mkdir cost 0.3 ms each)


def write_file(path: str, pieces: Iterable[bytes]) -> None:
    folder = os.path.dirname(path)
    if folder not in _made:
        os.makedirs(folder, exist_ok=True)
        _made.add(folder)
    with open(path, "wb") as fh:
        for piece in pieces:
            fh.write(piece)


def is_previous_build(folder: Path) -> bool:
    return (folder / MARKER).is_file()


class Staging:
    """A temporary sibling of the output folder that the site is written into; ``commit()`` swaps it
    in. Leaving the block without a commit (an error, Ctrl+C) removes it: the previous site stays.
    The parent folder is locked meanwhile, so two builds into one place take turns."""

    def __init__(self, out: Path, write: WriteFile = write_file) -> None:
        self.out = Path(os.path.abspath(out))
        self.write_file = write
        self.path = Path()
        self._lock: int | None = None
        self._committed = False

    def __enter__(self) -> Staging:
        out, parent = self.out, self.out.parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WriteError(f"non riesco a creare la cartella {parent}: {exc.strerror}") from exc
        self._lock = os.open(parent, os.O_RDONLY)
        fcntl.flock(self._lock, fcntl.LOCK_EX)
        try:
            if out.exists() or out.is_symlink():
                if out.is_symlink() or not out.is_dir():
                    raise WriteError(f"{out} esiste e non è una cartella: scegli un'altra destinazione")
                if any(out.iterdir()) and not is_previous_build(out):
                    raise WriteError(
                        f"la cartella {out} non è vuota e non contiene un sito generato "
                        "da questo programma: non la sostituisco. Scegli una cartella "
                        "vuota o nuova con --out"
                    )
            self.path = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=parent))
            os.chmod(self.path, 0o755)
        except BaseException:
            self._unlock()
            raise
        return self

    def write(self, output: Output) -> None:
        check_path(output.path)
        try:
            self.write_file(os.path.join(self.path, output.path), output.pieces())
        except OSError as exc:
            raise WriteError(f"scrittura del sito non riuscita: {exc.strerror or exc}") from exc

    def commit(self) -> None:
        out, parent = self.out, self.out.parent
        try:
            (self.path / MARKER).write_bytes(MARKER_TEXT)
            if out.exists():
                retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=parent))
                os.rename(out, retired / "site")
                os.rename(self.path, out)
                shutil.rmtree(retired, ignore_errors=True)
            else:
                os.rename(self.path, out)
        except OSError as exc:
            raise WriteError(f"scrittura del sito non riuscita: {exc.strerror or exc}") from exc
        self._committed = True

    def __exit__(self, *exc: object) -> None:
        if not self._committed:
            shutil.rmtree(self.path, ignore_errors=True)
        self._unlock()

    def _unlock(self) -> None:
        if self._lock is not None:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            os.close(self._lock)
            self._lock = None
