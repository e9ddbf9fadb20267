"""Italian search: the pipeline, and proof that lunr.js in Node finds exactly what lunr.py finds."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import lunr
import pytest
from conftest import FIXTURE_SITE, ITALIAN_WORDS, NODE_MODULES, ROOT, require, require_node
from corpus import write_corpus
from lunr_reference import load, lunr_py_index, search, shipped_index

from catalogo.content.load import load_site
from catalogo.content.markup import markdown_text
from catalogo.search.analysis import search_doc
from catalogo.search.assets import catalogue_assets
from catalogo.search.lunr import SHARD_BYTES, Analyser, js_order, shard_index, stem, tokenize, trim, weigh

CORE_JS = ROOT / "theme" / "static" / "js" / "ricerca.js"
JS_DIR = Path(__file__).resolve().parent / "js"

QUERIES = [
    "bitonto",
    "Bitonto",
    "frazioni",
    "frazione",
    "palombaio mariotto",
    "l'inclusione",
    "l’inclusione",
    "inclusione",
    "dell'ambito",
    "welfare",
    "zona",
    "2024",
    "poverta",
    "povertà",
    "poverta'",
    "sanita",
    "attivita",
    "attività",
    "comunità",
    "comunita",
    "accoglienza",
    "autosufficienza",
    "associazione",
    "asso",
    "In.Con.Tra",
    "co-progettazione",
    "famiglie laboratori",
    "la famiglia",
    "centro per le famiglie",
    "sportello",
    "scuole",
    "équipe",
    "prova",
    "ambito di corato",
    "welfare: accesso",
    "+famiglie -minori",
    "servizi~2",
    "titolo:centro",
    "^",
    "*",
    "xyz",
    "",
    "   ",
    "a",
    "di",
    "Città metropolitana",
    "replicabilità alta",
]


def _documents(assets) -> dict:
    return json.loads(next(o.data for o in assets.outputs if o.path == assets.documents))


def _shards(assets) -> list[bytes]:
    """The shipped shards, in the manifest's order."""
    manifest = json.loads(next(o.data for o in assets.outputs if o.path == assets.index))
    files = {o.path: o.data for o in assets.outputs}
    return [files[path] for _, _, path in manifest["frammenti"]]


def _write(assets, folder: Path) -> Path:
    for output in assets.outputs:
        target = folder / output.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(output.data)
    return folder


def _node(assets, tmp_path: Path, queries: list[str], mode: str) -> dict:
    node = require_node()
    site = _write(assets, tmp_path / "sito")
    if mode == "--intero":
        index = tmp_path / "intero.json"
        index.write_text(json.dumps(shipped_index(assets), ensure_ascii=False), encoding="utf-8")
    else:
        index = site / assets.index
    proc = subprocess.run(
        [node, str(JS_DIR / "search.js"), str(site), str(site / assets.documents), str(CORE_JS), mode, str(index)],
        input="\n".join(queries),
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
        env={"NODE_PATH": str(NODE_MODULES), "PATH": "/usr/bin:/bin"},
    )
    assert proc.stderr == ""
    return json.loads(proc.stdout)


def node_results(assets, tmp_path: Path, queries: list[str]) -> dict[str, list[list]]:
    """What the browser finds: lunr.js over the shards each query loads."""
    return {q: r["risultati"] for q, r in _node(assets, tmp_path, queries, "--frammenti").items()}


def python_results(assets, queries: list[str]) -> dict[str, list[list]]:
    """What lunr.py finds in the whole index."""
    index = load(assets)
    return {q: [[ref, score] for ref, score in search(index, q, assets.stop_words)] for q in queries if q}


def assert_same(py: dict[str, list[list]], js: dict[str, list[list]]) -> None:
    assert set(py) == set(js)
    for q in py:
        assert [r[0] for r in py[q]] == [r[0] for r in js[q]], q
        assert [r[1] for r in py[q]] == pytest.approx([r[1] for r in js[q]], rel=1e-12), q


def test_tokens_keep_every_letter_and_digit_and_split_elisions() -> None:
    assert tokenize("L'inclusione dell’Ambito, welfare di zona 2024: «città»") == [
        "l",
        "inclusione",
        "dell",
        "ambito,",
        "welfare",
        "di",
        "zona",
        "2024",
        "città",
    ]
    assert [trim(t) for t in ("ambito,", "(zona)", "k-way", "x.", "1.000")] == ["ambito", "zona", "k-way", "x", "1.000"]
    assert stem("accoglienza") == "accoglient" and stem("autosufficienza") == "autosufficient"


def test_lunr_py_targets_the_installed_lunr_js() -> None:
    require((NODE_MODULES / "lunr").is_dir(), "npm ci's node_modules")
    installed = json.loads((NODE_MODULES / "lunr" / "package.json").read_text(encoding="utf-8"))["version"]
    assert lunr.__TARGET_JS_VERSION__ == installed == "2.3.9"


def test_the_build_needs_neither_lunr_py_nor_nltk(make_content, tmp_path: Path) -> None:
    """lunr.py is the tests' reference only: a build never imports it (nor NLTK, nor the network)."""
    script = (
        "import sys; from catalogo.cli import main; "
        f"code = main(['build', '--content', {str(make_content())!r}, '--out', {str(tmp_path / 'sito')!r}]); "
        "print(code, sorted(m for m in sys.modules if m.split('.')[0] in ('lunr', 'nltk')))"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT)
    assert proc.stdout.strip().splitlines()[-1] == "0 []"


@pytest.mark.parametrize("content", [FIXTURE_SITE, ROOT / "content"], ids=["fixture", "real"])
def test_lunr_js_in_node_finds_what_lunr_py_finds(content: Path, tmp_path: Path) -> None:
    assets = catalogue_assets(load_site(content).site)
    queries = [q for q in QUERIES if q.strip()]
    python = python_results(assets, queries)
    assert_same(python, node_results(assets, tmp_path, queries))
    assert sum(1 for hits in python.values() if hits) >= 10  # the query set really exercises the index


def test_findability_in_the_fixture() -> None:
    assets = catalogue_assets(load_site(FIXTURE_SITE).site)
    results = python_results(
        assets,
        ["poverta", "equipe", "l'apostrofo", "apostrofo", "sabato", "2024", "welfare", "Bitonto", "corato", "zzz"],
    )
    refs = {q: {r[0] for r in hits} for q, hits in results.items()}
    # refs follow title order: 0 centro-famiglie, 1 andria, 2 sportello
    assert refs["poverta"] == {"0", "1"}  # 'povertà' in an area label and in the Andria practice's area
    assert refs["equipe"] == {"0"} and refs["l'apostrofo"] == refs["apostrofo"] == {"0"}
    assert refs["sabato"] == {"0"} and refs["corato"] == {"2"} and refs["zzz"] == set()


def test_every_italian_word_stems_the_same_in_python_and_the_browser(tmp_path: Path) -> None:
    require(ITALIAN_WORDS.is_file(), "Debian's witalian word list (/usr/share/dict/italian)")
    node = require_node()
    words = [w.lower() for w in ITALIAN_WORDS.read_text(encoding="utf-8").split("\n") if w]
    proc = subprocess.run(
        [node, str(JS_DIR / "stem.js")],
        input="\n".join(words),
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
        env={"NODE_PATH": str(NODE_MODULES), "PATH": "/usr/bin:/bin"},
    )
    browser = proc.stdout.split("\n")[: len(words)]
    different = [(w, stem(w), b) for w, b in zip(words, browser, strict=True) if stem(w) != b]
    assert len(words) > 100_000
    assert different == []


@pytest.fixture(scope="module")
def synthetic_assets(synthetic_content):
    loaded = load_site(synthetic_content)
    assert loaded.ok, [d.format() for d in loaded.diagnostics][:5]
    return catalogue_assets(loaded.site, keep_analysis=True)  # the analyser's terms: every term indexed


def _synthetic_queries(assets) -> list[str]:
    docs = json.loads(next(o.data for o in assets.outputs if o.path == assets.documents))
    titles = [d["t"] for d in docs["pratiche"][:25]]
    queries = (
        [q for q in QUERIES if q.strip()] + [t.split()[0] for t in titles] + [" ".join(t.split()[:2]) for t in titles]
    )
    return queries + [t.split()[0][:4] for t in titles]  # prefixes, as typed


def test_parity_on_300_synthetic_practices(synthetic_assets, tmp_path: Path) -> None:
    queries = _synthetic_queries(synthetic_assets)
    python = python_results(synthetic_assets, queries)
    assert_same(python, node_results(synthetic_assets, tmp_path, queries))
    assert sum(1 for hits in python.values() if hits) >= 50


def test_a_body_gives_the_index_its_words_and_nothing_a_reader_does_not_see() -> None:
    """The words of the page's body: link texts and table cells in (each cell its own words, a word
    with emphasis inside one word), tags, addresses, titles of links, comments, scripts and styles
    out, entities as the page escapes them."""
    body = (
        '# Contesto\n\nUn [servizio](https://example.org/s "titolo>nascosto") inter**comunale** per **famiglie** & minori.\n\n'
        "| Anno | Utenti |\n|---|---|\n| 2024 | 120 |\n\n<!-- nota interna -->\n<script>segreto()</script>"
        '<style>p{color:red}</style><div class="x">Sportello</div>\n\n```\ncodice <b>\n```\n'
    )
    assert markdown_text(body) == (
        "Contesto Un servizio intercomunale per famiglie &amp; minori. Anno Utenti 2024 120 Sportello codice &lt;b&gt;"
    )


@pytest.mark.parametrize("content", [FIXTURE_SITE, ROOT / "content", "sintetico"])
def test_the_index_is_what_lunr_py_builds(content, tmp_path: Path) -> None:
    """Our weights, term by term and document by document, equal lunr.py's Builder's."""
    if content == "sintetico":
        require(ITALIAN_WORDS.is_file(), "Debian's witalian word list (/usr/share/dict/italian)")
        content = write_corpus(tmp_path / "content", 100, body_words=(300, 1000))
    site = load_site(content).site
    assets = catalogue_assets(site)
    refs = [d["ref"] for d in _documents(assets)["pratiche"]]
    docs = [search_doc(site, ref, p) for ref, p in zip(refs, site.by_title, strict=True)]
    assert shipped_index(assets) == lunr_py_index(docs, assets.stop_words)


def test_shards_answer_exactly_as_the_whole_index(synthetic_assets, tmp_path: Path) -> None:
    """Same refs, same scores to the last bit, same order: lunr.js on the whole index and on shards."""
    queries = _synthetic_queries(synthetic_assets) + ["serv", "servizi sociali", "famiglie minori scuola"]
    sharded = _node(synthetic_assets, tmp_path / "a", queries, "--frammenti")
    whole = _node(synthetic_assets, tmp_path / "b", queries, "--intero")
    assert {q: r["risultati"] for q, r in sharded.items()} == whole
    assert len(_shards(synthetic_assets)) >= 5
    # A one-word query reads one or two shards of the many.
    assert max(sharded[q]["frammenti"] for q in queries if len(q.split()) == 1) <= 3
    assert sum(1 for q in queries if whole[q]) >= 50


def test_shards_are_small_and_cover_every_term_once(synthetic_assets) -> None:
    manifest = json.loads(next(o.data for o in synthetic_assets.outputs if o.path == synthetic_assets.index))
    shards = _shards(synthetic_assets)
    starts = [start for _, start, _ in manifest["frammenti"]]
    assert starts == sorted(starts) and starts[0] == 0
    terms = [entry[0] for data in shards for entry in json.loads(data)]
    assert terms == sorted(set(terms), key=js_order)  # every term once, in JavaScript's order
    assert synthetic_assets.analyser is not None
    assert set(terms) == set(synthetic_assets.analyser.terms)  # and none left out
    assert [first for first, _, _ in manifest["frammenti"]] == [json.loads(data)[0][0] for data in shards]
    assert all(len(data) <= SHARD_BYTES + 20_000 for data in shards)  # one long posting list may overflow a bit
    table = manifest["pesi"]
    assert table == sorted(table) and len(table) < 100


def test_an_empty_catalogue_has_one_empty_shard() -> None:
    analyser = Analyser(frozenset())
    table, shards = shard_index(weigh([], [], analyser.terms))
    assert table == [] and len(shards) == 1 and json.loads(shards[0].data) == []


def test_index_fits_the_budget_per_practice(synthetic_assets) -> None:
    """At most 0.9 KB gzipped per practice of 100-400 words at 300 practices (the budget was 700 KB for
    1,000; the benchmark measures 0.7 KB at 1,000 and 0.6 KB at 10,000)."""
    index = [o.data for o in synthetic_assets.outputs if o.path.startswith("static/search/indice")]
    total = sum(len(gzip.compress(data, 6)) for data in index)  # gzip -6, what web servers commonly use
    assert total < 0.9 * 1024 * len(_documents(synthetic_assets)["pratiche"])
