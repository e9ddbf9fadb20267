"""Shared fixtures: small content folders, the CLI, the golden-file switch."""

from __future__ import annotations

import ctypes
import io
import os
import shutil
import signal
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from catalogo.cli import main

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))  # corpus.py: the synthetic catalogue shared with the benchmarks
FIXTURE_SITE = Path(__file__).resolve().parent / "fixtures" / "site"


PR_SET_CHILD_SUBREAPER = 36  # linux/prctl.h


def children_of(pid: int) -> dict[int, str]:
    """The processes whose parent is ``pid``, with their command lines (zombies reaped, not listed)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        state, parent = stat.rsplit(")", 1)[1].split()[:2]
        if int(parent) != pid:
            continue
        if state == "Z":
            try:
                os.waitpid(int(entry.name), os.WNOHANG)
            except ChildProcessError:
                pass
            continue
        found[int(entry.name)] = command
    return found


@pytest.fixture(scope="session", autouse=True)
def no_process_left_behind() -> Iterator[None]:
    """Every process the suite starts ends with it. This process becomes a subreaper, so a process
    orphaned by a test (a decap-server whose 'serve' was killed) is handed to it instead of init;
    at the end of the session none may be left (the last ones are killed, and the session fails)."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    yield
    deadline = time.monotonic() + 5  # the Node processes' orphan guard looks every 0.2 s
    while (left := children_of(os.getpid())) and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid in left:
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
    assert not left, f"processes started by the tests were left running: {left}"


MEMORY = Path("/dev/shm")


def pytest_configure(config: pytest.Config) -> None:
    """The tests' temporary folders in memory when the machine has room there (2 GB; a session
    writes about 150 MB in 14,000 files): on a disk, writing and then deleting them took a sixth of
    the quick suite's time. One folder per run, removed at its end; --basetemp still decides."""
    if config.option.basetemp or hasattr(config, "workerinput"):  # xdist's workers get theirs
        return
    if MEMORY.is_dir() and os.access(MEMORY, os.W_OK) and shutil.disk_usage(MEMORY).free > 2 * 2**30:
        config.option.basetemp = str(MEMORY / f"catalogo-test-{os.getuid()}-{os.getpid()}")
        config.add_cleanup(lambda: shutil.rmtree(config.option.basetemp, ignore_errors=True))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/golden/ from the fixture site instead of comparing",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def make_content(tmp_path: Path) -> Callable[..., Path]:
    """A copy of the fixture content folder with some files replaced (text) or removed (None)."""

    def make(files: dict[str, str | bytes | None] | None = None, base: Path = FIXTURE_SITE) -> Path:
        folder = tmp_path / "content"
        if folder.exists():
            shutil.rmtree(folder)
        shutil.copytree(base, folder)
        for name, text in (files or {}).items():
            target = folder / name
            if text is None:
                target.unlink()
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                target.write_bytes(text)
            else:
                target.write_text(text, encoding="utf-8")
        return folder

    return make


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def run_cli(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Run the CLI in-process with captured streams and a clean GitHub environment."""
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)

    def run(*args: str | os.PathLike[str]) -> Result:
        out, err = io.StringIO(), io.StringIO()
        code = main([str(a) for a in args], stdout=out, stderr=err)
        return Result(code, out.getvalue(), err.getvalue())

    return run


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under a folder, by relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def require(available: bool, what: str) -> None:
    """Skip when a tool is missing on a developer's machine; fail under CI, where .ci/run installs it."""
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing, and CI must run every test")
    pytest.skip(f"{what} is missing")


NODE_MODULES = ROOT / "node_modules"
ITALIAN_WORDS = Path("/usr/share/dict/italian")


def require_node() -> str:
    node = shutil.which("node")
    require(node is not None and (NODE_MODULES / "lunr").is_dir(), "node with npm ci's node_modules")
    assert node is not None
    return node


def project_copy(tmp_path: Path, content: Path = FIXTURE_SITE) -> Path:
    """The code, the theme, the generated files and a content folder in a folder of their own (run
    with PYTHONPATH=<copy>), for changing the code or the theme as their authors would."""
    copy = tmp_path / "progetto"
    ignore = shutil.ignore_patterns("__pycache__")
    for folder in ("catalogo", "theme", "schema", ".github"):
        shutil.copytree(ROOT / folder, copy / folder, ignore=ignore)
    shutil.copy(ROOT / "build.py", copy / "build.py")
    shutil.copy(ROOT / "frontmatter.json", copy / "frontmatter.json")
    shutil.copytree(content, copy / "content")
    (copy / "node_modules").symlink_to(NODE_MODULES)
    return copy


SYNTHETIC_SIZE = 300


@pytest.fixture(scope="session")
def synthetic_content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One synthetic catalogue for the whole session (benchmarks/corpus.py): read it, never change it."""
    require(ITALIAN_WORDS.is_file(), "Debian's witalian word list (/usr/share/dict/italian)")
    from corpus import write_corpus

    return write_corpus(tmp_path_factory.mktemp("sintetico") / "content", SYNTHETIC_SIZE, body_words=(100, 400))
