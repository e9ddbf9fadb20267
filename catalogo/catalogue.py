"""What the catalogue page loads in the browser: index, documents, and lunr from npm."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .facets import FacetDef, build_facets, facet_values
from .markup import plain_text
from .model import PracticeRecord, Site
from .output import Output, fingerprinted
from .paths import practice_path
from .search import (
    MIN_PREFIX,
    PREFIX_BOOST,
    SEPARATOR,
    SearchDoc,
    build_index,
    index_json,
    load_stop_words,
)

NODE_MODULES = Path(__file__).resolve().parent.parent / "node_modules"

# Loaded in this order: lunr, then the stemmer support, then the Italian language (lunr-languages #29).
VENDOR_FILES = (
    ("lunr/lunr.min.js", "lunr.js"),
    ("lunr-languages/min/lunr.stemmer.support.min.js", "lunr.stemmer.support.js"),
    ("lunr-languages/min/lunr.it.min.js", "lunr.it.js"),
)
VENDOR_LICENCES = (("lunr/LICENSE", "LICENSE-lunr.txt"), ("lunr-languages/LICENSE", "LICENSE-lunr-languages.txt"))


class AssetsMissing(Exception):
    pass


def _base36(number: int) -> str:
    """Short document refs: they are repeated in every posting of the index."""
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if not number:
            return out


@dataclass(frozen=True)
class CatalogueAssets:
    outputs: tuple[Output, ...]
    scripts: tuple[str, ...]  # vendor scripts, in load order, relative to the base URL
    index: str
    documents: str
    facets: tuple[FacetDef, ...]
    stop_words: frozenset[str] = frozenset()
    key: str = ""  # digest of everything the index is built from


def _territory_label(p: PracticeRecord) -> str:
    return f"{p.territorio.denominazione} · {p.ambito.denominazione}" if p.comune else p.ambito.denominazione


def search_doc(site: Site, ref: str, p: PracticeRecord) -> SearchDoc:
    d = p.data
    results = [r if isinstance(r, str) else f"{r.indicatore} {r.valore} {r.note or ''}" for r in d.risultati]
    return SearchDoc(
        ref=ref,
        titolo=d.titolo,
        sintesi=d.sintesi,
        etichette=" ".join([t.nome for t in (*p.territori, p.provincia)]
                           + [site.label("area_tematica", d.area_tematica)]
                      + [site.label("aree_strategiche", a) for a in d.aree_strategiche]
                      + [site.label("destinatari", x) for x in d.destinatari]),
        testo=" ".join([plain_text(p.body_html), *results, *d.ostacoli, *d.miglioramenti, *d.partner,
                        *d.replicabilita.condizioni]),
    )


def _document(site: Site, ref: str, p: PracticeRecord) -> dict[str, Any]:
    return {
        "ref": ref,
        "t": p.titolo,
        "u": practice_path(p),
        "s": p.data.sintesi,
        "terr": _territory_label(p),
        "area": site.label("area_tematica", p.data.area_tematica),
        "d": p.data.pubblicata.isoformat(),
        "f": {k: list(v) for k, v in facet_values(site, p).items()},
    }


def catalogue_assets(site: Site, node_modules: Path = NODE_MODULES,
                     previous: CatalogueAssets | None = None) -> CatalogueAssets:
    """Index, documents and lunr files; ``previous`` is returned as is when nothing they use changed."""
    try:
        stop_words = load_stop_words(node_modules)
        vendor = [(target, (node_modules / source).read_bytes()) for source, target in VENDOR_FILES]
        licences = [(target, (node_modules / source).read_bytes()) for source, target in VENDOR_LICENCES]
    except OSError as exc:
        raise AssetsMissing(f"mancano i file di lunr in {node_modules}: esegui 'npm ci'") from exc
    refs = [(_base36(i), p) for i, p in enumerate(site.by_title)]
    docs = [search_doc(site, ref, p) for ref, p in refs]
    facets = build_facets(site)
    documents = {
        "separatore": SEPARATOR,
        "paroleVuote": sorted(stop_words),
        "prefissoMinimo": MIN_PREFIX,
        "pesoPrefisso": PREFIX_BOOST,
        "faccette": [{"chiave": f.key, "etichetta": f.label,
                      "valori": {v.value: v.label for v in f.values}} for f in facets],
        "pratiche": [_document(site, ref, p) for ref, p in refs],
    }
    docs_bytes = json.dumps(documents, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    digest = hashlib.sha256(docs_bytes)
    for doc in docs:
        digest.update(json.dumps(dataclasses.astuple(doc), ensure_ascii=False).encode("utf-8"))
    key = digest.hexdigest()
    if previous is not None and previous.key == key:
        return previous
    index = index_json(build_index(docs, stop_words))
    outputs = [fingerprinted("static/search/indice.json", index),
               fingerprinted("static/search/documenti.json", docs_bytes)]
    scripts = []
    for target, data in vendor:
        asset = fingerprinted(f"static/vendor/{target}", data)
        outputs.append(asset)
        scripts.append(asset.path)
    outputs += [Output(f"static/vendor/{target}", data) for target, data in licences]
    return CatalogueAssets(tuple(outputs), tuple(scripts), outputs[0].path, outputs[1].path, facets, stop_words,
                           key)
