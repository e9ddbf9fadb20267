"""The whole build: golden site, determinism, atomic output, base URL and link integrity."""

from __future__ import annotations

import os
import re
import shutil
import threading
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import FIXTURE_SITE, ITALIAN_WORDS, require, tree
from corpus import write_corpus

from catalogo import cli
from catalogo.build import THEME, BuildOptions
from catalogo.build import build as build_site
from catalogo.content.load import load_site
from catalogo.core.output import Output
from catalogo.core.urls import Urls
from catalogo.core.workers import worker_count
from catalogo.search.assets import catalogue_assets
from catalogo.site import write as write_module
from catalogo.site.links import check_links
from catalogo.site.write import write_file

GOLDEN = Path(__file__).resolve().parent / "golden"


def build(run_cli, content: Path, out: Path, *extra: str) -> None:
    result = run_cli("build", "--content", content, "--out", out, *extra)
    assert result.code == 0, result.err


def test_golden_site(run_cli, make_content, tmp_path, update_golden) -> None:
    out = tmp_path / "sito"
    build(run_cli, make_content(), out)
    built = tree(out)
    if update_golden:
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for name, data in built.items():
            (GOLDEN / name).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / name).write_bytes(data)
        pytest.skip("golden files rewritten")
    expected = tree(GOLDEN)
    assert sorted(built) == sorted(expected)
    for name in expected:
        if name.endswith((".woff2", ".xlsx")):
            assert built[name] == expected[name], name
        else:  # text: a failure shows the diff
            assert built[name].decode("utf-8") == expected[name].decode("utf-8"), name


def test_two_builds_are_byte_identical(run_cli, make_content, tmp_path) -> None:
    content = make_content()
    build(run_cli, content, tmp_path / "a")
    build(run_cli, content, tmp_path / "b")
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


def test_rebuild_replaces_the_previous_site_whole(run_cli, make_content, tmp_path) -> None:
    out = tmp_path / "sito"
    content = make_content()
    build(run_cli, content, out)
    (content / "practices" / "andria-prova.md").unlink()
    build(run_cli, content, out)
    assert not (out / "pratiche" / "andria-prova").exists()
    assert (out / "pratiche" / "sportello-prova" / "index.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "sito"]  # no staging left behind


def test_failed_build_leaves_the_previous_site_untouched(run_cli, make_content, tmp_path) -> None:
    out = tmp_path / "sito"
    content = make_content()
    build(run_cli, content, out)
    before = tree(out)
    (content / "practices" / "rotta.md").write_text("---\ntitolo: x\n---\n", encoding="utf-8")
    assert run_cli("build", "--content", content, "--out", out).code == 1
    assert tree(out) == before


@pytest.mark.parametrize("content", ["fixture", "sintetico"])
def test_workers_build_exactly_what_one_process_builds(make_content, tmp_path, content) -> None:
    if content == "sintetico":
        require(ITALIAN_WORDS.is_file(), "Debian's witalian word list (/usr/share/dict/italian)")
        folder = write_corpus(tmp_path / "corpus", 100, body_words=(100, 300))  # 4 tasks of practices
    else:
        folder = make_content()
    assert worker_count(3) == 3  # the build below really forks
    alone = build_site(folder, tmp_path / "uno", BuildOptions(workers=-1))
    shared = build_site(folder, tmp_path / "tre", BuildOptions(workers=3))
    assert alone.built and shared.built
    assert tree(tmp_path / "uno") == tree(tmp_path / "tre") and len(tree(tmp_path / "uno")) > 20
    # The index the tasks analysed, a share in each process, is the one analysed at once.
    at_once = catalogue_assets(load_site(folder).site)
    assert {o.path: o.data for o in at_once.outputs} == {
        o.path: (tmp_path / "tre" / o.path).read_bytes() for o in at_once.outputs
    }


def test_timings_show_the_work_of_both_sides(tmp_path) -> None:
    """'--tempi': the stages of this process, and the tasks made here and in the workers."""
    require(ITALIAN_WORDS.is_file(), "Debian's witalian word list (/usr/share/dict/italian)")
    folder = write_corpus(tmp_path / "corpus", 70, body_words=(50, 100))  # 3 tasks of practices
    alone = build_site(folder, tmp_path / "uno", BuildOptions(workers=-1)).stopwatch
    assert set(alone.tasks["pratiche"]) == {True} and alone.tasks["pratiche"][True][0] == 3
    shared = build_site(folder, tmp_path / "due", BuildOptions(workers=2)).stopwatch
    assert sum(count for count, _ in shared.tasks["pratiche"].values()) == 3
    assert sum(count for count, _ in shared.tasks["pubblicazione"].values()) == 1
    report = shared.report()
    assert "indice di ricerca" in report and "negli altri processi" in report
    assert re.search(r"pratiche +\d compit[oi] +\d+\.\d\d s; +\d compit[oi] +\d+\.\d\d s", report), report


def test_a_catalogue_without_practices_builds(make_content, tmp_path) -> None:
    names = [f.name for f in (FIXTURE_SITE / "practices").glob("*.md")]
    content = make_content({f"practices/{name}": None for name in names})
    for workers in (-1, 2):
        result = build_site(content, tmp_path / f"sito{workers}", BuildOptions(workers=workers))
        assert result.built and result.practices == 0, result.diagnostics
        assert (tmp_path / f"sito{workers}" / "pubblicazione/index.html").is_file()


def test_no_worker_is_forked_while_other_threads_run() -> None:
    for left in threading.enumerate():  # what an earlier test in this process may still be ending
        if left is not threading.main_thread():
            left.join(timeout=10)
    assert threading.active_count() == 1, [t.name for t in threading.enumerate()]
    assert worker_count(2) == 2 and worker_count(-1) == 0 and worker_count(0) >= 1
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        # forking a threaded process can deadlock
        assert worker_count(2) == 0
    finally:
        stop.set()
        thread.join()


def _broken_theme(tmp_path: Path) -> tuple[Path, int]:
    theme = tmp_path / "tema"
    shutil.copytree(THEME, theme)
    template = theme / "templates" / "practice_content.html"
    lines = template.read_text(encoding="utf-8").split("\n")
    at = next(n for n, line in enumerate(lines) if "<dt>Periodo</dt>" in line)
    lines.insert(at, "    <dt>{{ d.non_esiste.per_niente }}</dt>")
    template.write_text("\n".join(lines), encoding="utf-8")
    return theme, at + 1


def test_a_template_error_points_at_the_template_line_from_a_worker_as_from_one_process(make_content, tmp_path) -> None:
    content = make_content()
    theme, line = _broken_theme(tmp_path)
    found = []
    assert worker_count(2) == 2  # the second build really forks
    for workers in (-1, 2):
        result = build_site(content, tmp_path / f"sito{workers}", BuildOptions(workers=workers), theme)
        assert not result.built and result.failed == "modelli"
        assert not (tmp_path / f"sito{workers}").exists()
        found.append([d for d in result.diagnostics if d.severity == "errore"])
    assert found[0] == found[1] and len(found[0]) == 1
    (problem,) = found[0]
    assert problem.path.endswith("tema/templates/practice_content.html") and problem.line == line
    assert problem.message.startswith("errore nel modello: UndefinedError: ") and "(file pratiche/" in problem.message


def test_the_command_line_shows_the_template_line_without_a_traceback(
    run_cli, make_content, tmp_path, monkeypatch
) -> None:
    theme, line = _broken_theme(tmp_path)
    monkeypatch.setattr(cli, "THEME", theme)  # the public name the command reads its theme from
    result = run_cli("build", "--content", make_content(), "--out", tmp_path / "sito")
    assert result.code == 1 and "Traceback" not in result.err
    assert f"templates/practice_content.html:{line}:1: errore: errore nel modello: UndefinedError" in result.err


def test_a_failure_in_a_worker_fails_the_build_and_touches_nothing(make_content, tmp_path) -> None:
    out = tmp_path / "sito"
    content = make_content()
    assert build_site(content, out).built
    before = tree(out)

    failed_in = tmp_path / "pid"

    def full_disk(path: str, pieces) -> None:
        if path.endswith("/pratiche/sportello-prova/index.html"):  # a practice's page: only a worker makes it
            failed_in.write_text(str(os.getpid()))
            raise OSError(28, "No space left on device")
        write_file(path, pieces)

    assert worker_count(2) == 2
    result = build_site(content, out, BuildOptions(workers=2), write=full_disk)
    assert int(failed_in.read_text()) != os.getpid()  # the failing write happened in a forked worker
    failed_in.unlink()
    assert not result.built and "scrittura del sito non riuscita: No space left on device" in result.problem
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "sito"]


def test_interrupted_write_leaves_the_previous_site_untouched(make_content, tmp_path) -> None:
    out = tmp_path / "sito"
    content = make_content()
    assert build_site(content, out).built
    before = tree(out)
    calls = {"n": 0}

    def interrupted(path: str, pieces) -> None:
        calls["n"] += 1
        if calls["n"] == 5:
            raise KeyboardInterrupt  # as if the person pressed Ctrl+C half way
        write_file(path, pieces)

    with pytest.raises(KeyboardInterrupt):
        build_site(content, out, BuildOptions(workers=-1), write=interrupted)
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "sito"]


def test_refuses_to_replace_a_folder_that_is_not_a_build(run_cli, make_content, tmp_path) -> None:
    precious = tmp_path / "documenti"
    precious.mkdir()
    (precious / "tesi.txt").write_text("importante", encoding="utf-8")
    result = run_cli("build", "--content", make_content(), "--out", precious)
    assert result.code == 1
    assert "non è vuota e non contiene un sito generato da questo programma" in result.err
    assert tree(precious) == {"tesi.txt": b"importante"}


def test_outputs_never_leave_the_output_folder() -> None:
    for bad in ("../fuori.html", "/etc/passwd", "a/../../b", write_module.MARKER):
        with pytest.raises(write_module.WriteError):
            write_module.check_paths([bad])
    with pytest.raises(write_module.WriteError):
        write_module.check_paths(["a.html", "b.html", "a.html"])


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src", "action") and value:
                self.urls.append(value)


def test_every_internal_link_works_under_a_sub_path(run_cli, make_content, tmp_path) -> None:
    out = tmp_path / "sito"
    build(run_cli, make_content(), out, "--base-url", "https://example.org/catalogo/")
    internal = 0
    for page in out.rglob("*.html"):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for url in parser.urls:
            if re.match(r"^(https?:|mailto:|tel:|#)", url):
                continue
            internal += 1
            assert url.startswith("/catalogo/"), (page, url)
            path = url.removeprefix("/catalogo/").split("#")[0].split("?")[0]
            target = out / path / "index.html" if path == "" or path.endswith("/") else out / path
            assert target.is_file(), (page, url)
    assert internal > 300
    assert '<link rel="canonical" href="https://example.org/catalogo/pratiche/sportello-prova/">' in (
        out / "pratiche/sportello-prova/index.html"
    ).read_text(encoding="utf-8")


def test_link_checker_finds_missing_pages_and_anchors() -> None:
    urls = Urls.from_base_url("/sub/")
    pages = [
        Output(
            "index.html",
            b'<a href="/sub/manca/">x</a>\n<a href="/sub/b/#nessuna">y</a>\n<a href="b/#ok">z</a>'
            b'<a href="/altro/">w</a><a href="https://example.org/x">e</a>',
        ),
        Output("b/index.html", b'<h2 id="ok">ok</h2>'),
    ]
    found = [(d.line, d.message) for d in check_links(pages, urls, "_site")]
    assert found == [
        (1, "collegamento interno non valido: '/sub/manca/' non porta a nessuna pagina del sito"),
        (2, "collegamento interno non valido: la pagina di '/sub/b/#nessuna' non ha l'ancora '#nessuna'"),
        (3, "collegamento interno fuori dal sito: '/altro/'"),
    ]


def test_link_checker_takes_attributes_by_name_wherever_they_stand() -> None:
    """An attribute after a line break is checked (its line is the break's), 'data-href' and
    'data-id' are not the attributes it checks, each occurrence of a broken link has its line, and
    addresses urljoin would rewrite (dot segments) or unescape (&amp;) are read as a browser does."""
    urls = Urls.from_base_url("/sub/")
    pages = [
        Output(
            "index.html",
            b'<a\nhref="/sub/solo-qui/">x</a> <a data-href="/sub/nemmeno/">d</a> <b data-id="ok">\n'
            b'<a href="/sub/manca/">x</a> <a href="/sub/x/../b/#ok">ok</a> <a href="/sub/b/?a=1&amp;c=2#ok">q</a>\n'
            b'<a href="/sub/b/../../fuori/">f</a> <a href="#ok">here</a> <a href="/sub/manca/">again</a>'
            b' <img src="/sub/nessuna.png" alt="">',
        ),
        Output("b/index.html", b'<h2 id="ok">ok</h2>'),
    ]
    found = [(d.line, d.message) for d in check_links(pages, urls, "_site")]
    assert found == [
        (1, "collegamento interno non valido: '/sub/solo-qui/' non porta a nessuna pagina del sito"),
        (3, "collegamento interno non valido: '/sub/manca/' non porta a nessuna pagina del sito"),
        (4, "collegamento interno fuori dal sito: '/sub/b/../../fuori/'"),
        (4, "collegamento interno non valido: '/sub/manca/' non porta a nessuna pagina del sito"),
        (4, "collegamento interno non valido: '/sub/nessuna.png' non porta a nessuna pagina del sito"),
        (4, "collegamento interno non valido: la pagina di '#ok' non ha l'ancora '#ok'"),
    ]


def test_links_of_a_page_written_in_pieces_are_found_wherever_the_pieces_are_cut() -> None:
    urls = Urls.from_base_url("/sub/")
    page = b'<p>\n<a href="/sub/manca/">x</a>\n<h2 id="qui">t</h2><a href="#qui">y</a><a href="#via">z</a>\n'
    expected = [
        (2, "collegamento interno non valido: '/sub/manca/' non porta a nessuna pagina del sito"),
        (3, "collegamento interno non valido: la pagina di '#via' non ha l'ancora '#via'"),
    ]
    for cut in range(len(page)):
        pieces = (page[:cut], page[cut:])
        found = check_links([Output("index.html", stream=lambda pieces=pieces: iter(pieces))], urls, "_site")
        assert [(d.line, d.message) for d in found] == expected, cut


def test_a_broken_link_in_a_body_fails_the_build(run_cli, make_content, tmp_path) -> None:
    content = make_content()
    practice = content / "practices" / "andria-prova.md"
    practice.write_text(
        practice.read_text(encoding="utf-8") + "\nVedi [la scheda](/pratiche/non-esiste/).\n", encoding="utf-8"
    )
    result = run_cli("build", "--content", content, "--out", tmp_path / "sito")
    assert result.code == 1
    lines = practice.read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if "/pratiche/non-esiste/" in text)
    assert f"{practice}:{line}:" in result.err  # the editor's file and line, not the generated page
    assert "'/pratiche/non-esiste/' non porta a nessuna pagina del sito" in result.err
    assert not (tmp_path / "sito").exists()


def test_output_folder_is_served_with_normal_permissions(run_cli, make_content, tmp_path) -> None:
    build(run_cli, make_content(), tmp_path / "sito")
    assert os.stat(tmp_path / "sito").st_mode & 0o777 == 0o755
