"""Head to head at one size: the catalogue, Pelican, Hugo, and Hugo followed by Pagefind (a full-text
Italian index of the same pages), built in alternation round after round, with wall and CPU time
(medians and spread); and the catalogue at a large size, ordinary and homogeneous (every practice
sharing call area, V Piano area and destinatari: the worst case for 'Pratiche simili').

Run: .venv/bin/python benchmarks/compare.py [--size 1000] [--rounds 7] [--large 10000] [--large-rounds 5]

Alternation (catalogue, Pelican, Hugo, Hugo + Pagefind, then again) spreads a busy moment of the
machine over every program instead of one. Every build is cold: a new process and an output folder
that does not exist yet. Outputs go to memory (/dev/shm, when there is one): on ext4, deleting the
previous round's thousands of files just before a build charged the next build with the freeing of
their blocks (up to 0.5 s of system time at 1,000 practices), whichever program it was.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import run  # benchmarks/run.py: timed runs, corpora, the reference projects

ROOT = run.ROOT


def _catalogue(content: Path, out: Path) -> list[str]:
    return [run.PYTHON, str(ROOT / "build.py"), "build", "--content", str(content), "--out", str(out)]


def _summary(runs: list[run.Run]) -> str:
    walls = sorted(r.wall for r in runs)
    cpus = sorted(r.cpu for r in runs)
    return (
        f"wall {statistics.median(walls):.2f} s ({walls[0]:.2f}-{walls[-1]:.2f}), "
        f"CPU {statistics.median(cpus):.2f} s ({cpus[0]:.2f}-{cpus[-1]:.2f}), "
        f"peak {max(r.peak_mb for r in runs):.0f} MB"
    )


def _commands(content: Path, work: Path, size: int, n: int) -> dict[str, tuple[list[str], Path | None, Path]]:
    """Each program's command for round ``n``, and where it writes (a folder that does not exist yet)."""
    bin_dir = run.references_python().parent
    pagefind = next(bin_dir.parent.glob("lib/python*/site-packages/pagefind_bin/pagefind"))  # the binary itself
    pelican = run.pelican_project(content, work / f"pelican-{size}")
    hugo = run.hugo_project(content, work / f"hugo-{size}")
    out = work / f"sito-{size}-{n}"
    return {
        "catalogue": (_catalogue(content, out), None, out),
        "pelican": (
            [
                str(bin_dir / "pelican"),
                "content",
                "-s",
                "pelicanconf.py",
                "-o",
                str(pelican / f"output-{n}"),
                "-q",
            ],
            pelican,
            pelican / f"output-{n}",
        ),
        "hugo": (
            [str(bin_dir / "hugo"), "--quiet", "-d", str(hugo / f"public-{n}")],
            hugo,
            hugo / f"public-{n}",
        ),
        # Hugo, then Pagefind over its pages: one shell command, timed as a whole.
        "hugo + pagefind": (
            [
                "/bin/sh",
                "-c",
                f"{bin_dir / 'hugo'} --quiet -d public-{n}p && "
                f"{pagefind} --site public-{n}p --force-language it --quiet",
            ],
            hugo,
            hugo / f"public-{n}p",
        ),
    }


def head_to_head(size: int, rounds: int, work: Path) -> dict[str, list[run.Run]]:
    content = run.corpus(size)
    results: dict[str, list[run.Run]] = {}
    for n in range(rounds):
        commands = _commands(content, work, size, n)
        for name, (cmd, cwd, _) in commands.items():
            result = run.timed(cmd, cwd, timeout=run.REFERENCE_TIMEOUT)
            assert result is not None, f"{name} failed"
            results.setdefault(name, []).append(result)
        for _, _, output in commands.values():  # after the round: nothing is freed during a build
            shutil.rmtree(output, ignore_errors=True)
        time.sleep(1)
        print(f"  round {n + 1}/{rounds} done", file=sys.stderr)
    return results


def large(size: int, rounds: int, work: Path) -> dict[str, list[run.Run]]:
    ordinary = run.corpus(size)
    homogeneous = work.parent / f"omogeneo-{size}"
    if not (homogeneous / ".complete").is_file():
        from corpus import write_corpus

        print(f"  generating {size} alike practices...", file=sys.stderr)
        write_corpus(homogeneous, size, homogeneous=True)
        (homogeneous / ".complete").write_text("ok\n", encoding="utf-8")
    results: dict[str, list[run.Run]] = {"ordinary": [], "homogeneous": []}
    for n in range(rounds):
        for name, content in (("ordinary", ordinary), ("homogeneous", homogeneous)):
            out = work / f"grande-{name}-{n}"
            result = run.timed(_catalogue(content, out))
            assert result is not None, f"{name} failed"
            results[name].append(result)
            shutil.rmtree(out)
    return results


def related_seconds(size: int) -> float:
    """'Pratiche simili' alone, in this process, on ``size`` alike practices (median of 3)."""
    from catalogo.content.load import load_site
    from catalogo.search.lunr import load_stop_words
    from catalogo.search.related import _compute

    folder = run.CORPUS / f"omogeneo-{size}"
    if not (folder / ".complete").is_file():
        from corpus import write_corpus

        write_corpus(folder, size, homogeneous=True)
        (folder / ".complete").write_text("ok\n", encoding="utf-8")
    site = load_site(folder).site
    stop_words = load_stop_words(ROOT / "node_modules")
    times = []
    for _ in range(3):
        started = time.perf_counter()
        _compute(site, stop_words)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def pdf_times(size: int, work: Path) -> dict[str, run.Run]:
    """The printed volumes: the festival's alone, then every volume (one run each, cold)."""
    content = run.corpus(size)
    out = work / f"pdf-{size}"
    results = {}
    for name, extra in (("festival volume", ["--solo-festival"]), ("every volume", [])):
        shutil.rmtree(out, ignore_errors=True)
        result = run.timed(
            [run.PYTHON, str(ROOT / "build.py"), "pdf", "--content", str(content), "--out", str(out), *extra]
        )
        assert result is not None, f"{name} failed"
        pages = sum(int(n) for n in re.findall(r": ([0-9.]+) pagine", result.stdout.replace(".", "")))
        results[f"{name}, {len(list(out.glob('*.pdf')))} PDF, {pages:,} pages"] = result
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--large", type=int, default=10000)
    parser.add_argument("--large-rounds", type=int, default=5)
    parser.add_argument("--pdf-sizes", default="100,1000", help="sizes whose printed volumes are timed ('' for none)")
    options = parser.parse_args(argv)
    run.compiled()
    print(run.machine())
    memory = Path("/dev/shm")
    with tempfile.TemporaryDirectory(dir=memory if memory.is_dir() else run.CORPUS.parent) as tmp:
        work = Path(tmp) / "lavoro"
        work.mkdir()
        for name, runs in head_to_head(options.size, options.rounds, work).items():
            print(f"{options.size:,} practices, {name}: {_summary(runs)}")
        print(f"'Pratiche simili' on 3,000 alike practices: {related_seconds(3000):.2f} s")
        if options.large:
            for name, runs in large(options.large, options.large_rounds, work).items():
                print(f"{options.large:,} practices, {name}: {_summary(runs)}")
        for size in (int(s) for s in options.pdf_sizes.split(",") if s):
            for name, result in pdf_times(size, work).items():
                print(f"{size:,} practices, PDF {name}: {_summary([result])}")


if __name__ == "__main__":
    main()
