"""Write the outputs atomically: stage in a sibling temporary folder, then swap it in.

A failed or interrupted build leaves the previous site whole; a folder that is not a
previous build is never replaced; two builds into the same place take turns (flock).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Protocol

from .output import Output

MARKER = ".catalogo-build"
MARKER_TEXT = b"Cartella generata da 'python build.py build': viene sostituita a ogni build.\n"


class WriteError(Exception):
    """A problem with the output folder, explained in Italian for the person running the build."""


def _checked(outputs: Iterable[Output]) -> Iterator[Output]:
    seen: set[str] = set()
    for out in outputs:
        pure = PurePosixPath(out.path)
        if pure.is_absolute() or ".." in pure.parts or not out.path or out.path == MARKER:
            raise WriteError(f"percorso di uscita non ammesso: {out.path!r}")
        if out.path in seen:
            raise WriteError(f"due file diversi vogliono lo stesso percorso: {out.path}")
        seen.add(out.path)
        yield out


def check_outputs(outputs: Sequence[Output]) -> None:
    for _ in _checked(outputs):
        pass


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _write_file(path: str, pieces: Iterable[bytes]) -> None:
    with open(path, "wb") as fh:
        for piece in pieces:
            fh.write(piece)


def is_previous_build(folder: Path) -> bool:
    return (folder / MARKER).is_file()


class Helper(Protocol):
    """Work writing into the same staging folder at the same time (see parallel.py)."""

    def finish(self) -> None: ...

    def cancel(self) -> None: ...


def write_outputs(outputs: Iterable[Output], staging: Path) -> None:
    made = {str(staging)}
    for item in _checked(outputs):
        target = os.path.join(staging, item.path)
        folder = os.path.dirname(target)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        _write_file(target, item.pieces())


def write_site(outputs: Iterable[Output], out: Path, before_swap: Callable[[Path], None] | None = None,
               alongside: Callable[[Path], Helper] | None = None) -> None:
    """Write the outputs as they come (a generator keeps memory flat at 10,000 practices) into a
    staging folder, with ``alongside(staging)`` writing its share at the same time;
    ``before_swap(staging)`` may still refuse the site by raising."""
    out = Path(os.path.abspath(out))
    parent = out.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(f"non riesco a creare la cartella {parent}: {exc.strerror}") from exc
    with _locked(parent):
        if out.exists() or out.is_symlink():
            if out.is_symlink() or not out.is_dir():
                raise WriteError(f"{out} esiste e non è una cartella: scegli un'altra destinazione")
            if any(out.iterdir()) and not is_previous_build(out):
                raise WriteError(f"la cartella {out} non è vuota e non contiene un sito generato "
                                 "da questo programma: non la sostituisco. Scegli una cartella "
                                 "vuota o nuova con --out")
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=parent))
        try:
            os.chmod(staging, 0o755)
            helper = alongside(staging) if alongside is not None else None
            try:
                write_outputs(outputs, staging)
                if helper is not None:
                    helper.finish()
            except BaseException:
                if helper is not None:
                    helper.cancel()
                raise
            if before_swap is not None:
                before_swap(staging)
            (staging / MARKER).write_bytes(MARKER_TEXT)
            if out.exists():
                retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=parent))
                os.rename(out, retired / "site")
                os.rename(staging, out)
                shutil.rmtree(retired, ignore_errors=True)
            else:
                os.rename(staging, out)
        except OSError as exc:
            shutil.rmtree(staging, ignore_errors=True)
            raise WriteError(f"scrittura del sito non riuscita: {exc.strerror or exc}") from exc
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
