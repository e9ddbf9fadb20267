"""Italian search: the pipeline, and proof that lunr.js in Node finds exactly what lunr.py finds."""

from __future__ import annotations

import gzip
import json
import subprocess
from pathlib import Path

import lunr
import pytest
from conftest import FIXTURE_SITE, ITALIAN_WORDS, NODE_MODULES, ROOT, require, require_node
from lunr.index import Index
from synthetic import write_synthetic_content

from catalogo.catalogue import catalogue_assets
from catalogo.pipeline import load_site
from catalogo.search import load_stop_words, search, stem, tokenize, trim

CORE_JS = ROOT / "theme" / "static" / "js" / "ricerca.js"
JS_DIR = Path(__file__).resolve().parent / "js"

QUERIES = [
    "bitonto", "Bitonto", "frazioni", "frazione", "palombaio mariotto", "l'inclusione", "l’inclusione", "inclusione",
    "dell'ambito", "welfare", "zona", "2024", "poverta", "povertà", "poverta'", "sanita", "attivita", "attività",
    "comunità", "comunita", "accoglienza", "autosufficienza", "associazione", "asso", "In.Con.Tra", "co-progettazione",
    "famiglie laboratori", "la famiglia", "centro per le famiglie", "sportello", "scuole", "équipe", "prova",
    "ambito di corato", "welfare: accesso", "+famiglie -minori", "servizi~2", "titolo:centro", "^", "*", "xyz",
    "", "   ", "a", "di", "Città metropolitana", "replicabilità alta",
]


def node_results(assets, tmp_path: Path, queries: list[str]) -> dict[str, list[list]]:
    node = require_node()
    index_file, docs_file = tmp_path / "indice.json", tmp_path / "documenti.json"
    index_file.write_bytes(next(o.data for o in assets.outputs if o.path == assets.index))
    docs_file.write_bytes(next(o.data for o in assets.outputs if o.path == assets.documents))
    proc = subprocess.run([node, str(JS_DIR / "search.js"), str(index_file), str(docs_file), str(CORE_JS)],
                          input="\n".join(queries), capture_output=True, text=True, check=True, timeout=300,
                          env={"NODE_PATH": str(NODE_MODULES), "PATH": "/usr/bin:/bin"})
    assert proc.stderr == ""
    return json.loads(proc.stdout)


def python_results(assets, queries: list[str]) -> dict[str, list[list]]:
    index = Index.load(json.loads(next(o.data for o in assets.outputs if o.path == assets.index)))
    stop_words = load_stop_words(NODE_MODULES)
    return {q: [[ref, score] for ref, score in search(index, q, stop_words)] for q in queries if q}


def assert_same(py: dict[str, list[list]], js: dict[str, list[list]]) -> None:
    assert set(py) == set(js)
    for q in py:
        assert [r[0] for r in py[q]] == [r[0] for r in js[q]], q
        assert [r[1] for r in py[q]] == pytest.approx([r[1] for r in js[q]], rel=1e-12), q


def test_tokens_keep_every_letter_and_digit_and_split_elisions() -> None:
    assert tokenize("L'inclusione dell’Ambito, welfare di zona 2024: «città»") == [
        "l", "inclusione", "dell", "ambito,", "welfare", "di", "zona", "2024", "città"]
    assert [trim(t) for t in ("ambito,", "(zona)", "k-way", "x.", "1.000")] == ["ambito", "zona", "k-way", "x", "1.000"]
    assert stem("accoglienza") == "accoglient" and stem("autosufficienza") == "autosufficient"


def test_lunr_py_targets_the_installed_lunr_js() -> None:
    require((NODE_MODULES / "lunr").is_dir(), "npm ci's node_modules")
    installed = json.loads((NODE_MODULES / "lunr" / "package.json").read_text(encoding="utf-8"))["version"]
    assert lunr.__TARGET_JS_VERSION__ == installed == "2.3.9"


def test_build_needs_no_nltk_download(monkeypatch, make_content) -> None:
    import nltk

    def refuse(*args, **kwargs):
        raise AssertionError("the build must not download NLTK data")

    monkeypatch.setattr(nltk, "download", refuse)
    assets = catalogue_assets(load_site(make_content()).site)
    assert assets.index.startswith("static/search/indice.")


@pytest.mark.parametrize("content", [FIXTURE_SITE, ROOT / "content"], ids=["fixture", "real"])
def test_lunr_js_in_node_finds_what_lunr_py_finds(content: Path, tmp_path: Path) -> None:
    assets = catalogue_assets(load_site(content).site)
    queries = [q for q in QUERIES if q.strip()]
    python = python_results(assets, queries)
    assert_same(python, node_results(assets, tmp_path, queries))
    assert sum(1 for hits in python.values() if hits) >= 10  # the query set really exercises the index


def test_findability_in_the_fixture() -> None:
    assets = catalogue_assets(load_site(FIXTURE_SITE).site)
    results = python_results(assets, ["poverta", "equipe", "l'apostrofo", "apostrofo", "sabato", "2024", "welfare",
                                      "Bitonto", "corato", "zzz"])
    refs = {q: {r[0] for r in hits} for q, hits in results.items()}
    # refs follow title order: 0 centro-famiglie, 1 andria, 2 sportello
    assert refs["poverta"] == {"0", "1"}  # 'povertà' in an area label and in the Andria practice's area
    assert refs["equipe"] == {"0"} and refs["l'apostrofo"] == refs["apostrofo"] == {"0"}
    assert refs["sabato"] == {"0"} and refs["corato"] == {"2"} and refs["zzz"] == set()


def test_every_italian_word_stems_the_same_in_python_and_the_browser(tmp_path: Path) -> None:
    require(ITALIAN_WORDS.is_file(), "Debian's witalian word list (/usr/share/dict/italian)")
    node = require_node()
    words = [w.lower() for w in ITALIAN_WORDS.read_text(encoding="utf-8").split("\n") if w]
    proc = subprocess.run([node, str(JS_DIR / "stem.js")], input="\n".join(words), capture_output=True, text=True,
                          check=True, timeout=300, env={"NODE_PATH": str(NODE_MODULES), "PATH": "/usr/bin:/bin"})
    browser = proc.stdout.split("\n")[: len(words)]
    different = [(w, stem(w), b) for w, b in zip(words, browser, strict=True) if stem(w) != b]
    assert len(words) > 100_000
    assert different == []


@pytest.fixture(scope="module")
def synthetic_assets(tmp_path_factory):
    require(ITALIAN_WORDS.is_file(), "Debian's witalian word list (/usr/share/dict/italian)")
    folder = write_synthetic_content(tmp_path_factory.mktemp("sintetico") / "content", count=1000)
    loaded = load_site(folder)
    assert loaded.ok, [d.format() for d in loaded.diagnostics][:5]
    return catalogue_assets(loaded.site)


def test_parity_on_1000_synthetic_practices(synthetic_assets, tmp_path: Path) -> None:
    docs = json.loads(next(o.data for o in synthetic_assets.outputs if o.path == synthetic_assets.documents))
    titles = [d["t"] for d in docs["pratiche"][:40]]
    queries = [q for q in QUERIES if q.strip()] + [t.split()[0] for t in titles] + [" ".join(t.split()[:2]) for t in titles]
    queries += [t.split()[0][:4] for t in titles]  # prefixes, as typed
    python = python_results(synthetic_assets, queries)
    assert_same(python, node_results(synthetic_assets, tmp_path, queries))
    assert sum(1 for hits in python.values() if hits) >= 80


def test_index_for_1000_practices_fits_the_budget(synthetic_assets) -> None:
    data = next(o.data for o in synthetic_assets.outputs if o.path == synthetic_assets.index)
    assert len(gzip.compress(data, 6)) < 700 * 1024  # gzip -6, what web servers commonly use
