"""What the catalogue page loads in the browser: index, documents, and lunr from npm."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from catalogo.content.paths import practice_path
from catalogo.content.records import PracticeRecord, Site
from catalogo.core.npm import NODE_MODULES, NpmMissing
from catalogo.core.output import Output, fingerprinted
from catalogo.search.analysis import Analysed, base36, search_doc, territory_label, text_digest
from catalogo.search.facets import FacetDef, build_facets, facet_values
from catalogo.search.lunr import (
    FIELDS,
    LUNR_VERSION,
    MIN_PREFIX,
    PREFIX_BOOST,
    QUERY_PIPELINE,
    SEPARATOR,
    Analyser,
    DocTerms,
    load_stop_words,
    shard_index,
    weigh,
)

# Loaded in this order: lunr, then the stemmer support, then the Italian language (lunr-languages #29).
VENDOR_FILES = (
    ("lunr/lunr.min.js", "lunr.js"),
    ("lunr-languages/min/lunr.stemmer.support.min.js", "lunr.stemmer.support.js"),
    ("lunr-languages/min/lunr.it.min.js", "lunr.it.js"),
)
VENDOR_LICENCES = (("lunr/LICENSE", "LICENSE-lunr.txt"), ("lunr-languages/LICENSE", "LICENSE-lunr-languages.txt"))


class AssetsMissing(NpmMissing):
    pass


@dataclass(frozen=True)
class CatalogueAssets:
    outputs: tuple[Output, ...]
    scripts: tuple[str, ...]  # vendor scripts, in load order, relative to the base URL
    index: str  # the index manifest: weights table and shard boundaries
    documents: str
    facets: tuple[FacetDef, ...]
    stop_words: frozenset[str] = frozenset()
    key: str = ""  # digest of everything the index is built from
    # Per-document analysis, reused by the dev server for the practices an edit did not touch.
    analyser: Analyser | None = None
    analysis: dict[bytes, DocTerms] = field(default_factory=dict)  # by a digest of the practice's text


def _document(site: Site, ref: str, p: PracticeRecord) -> dict[str, Any]:
    return {
        "ref": ref,
        "t": p.titolo,
        "u": practice_path(p),
        "s": p.data.sintesi,
        "terr": territory_label(p),
        "area": site.label("area_tematica", p.data.area_tematica),
        "d": p.data.pubblicata.isoformat(),
        "f": {k: list(v) for k, v in facet_values(p).items()},
    }


def catalogue_assets(
    site: Site,
    node_modules: Path = NODE_MODULES,
    previous: CatalogueAssets | None = None,
    keep_analysis: bool = False,
    analysed: Analysed | None = None,
) -> CatalogueAssets:
    """Index, documents and lunr files; ``previous`` is returned as is when nothing they use changed.

    ``analysed`` (the build): every practice's analysis, made by the tasks that made its page;
    without it the practices are analysed here, and ``keep_analysis`` (the dev server) keeps each
    one's analysis for the next rebuild."""
    try:
        stop_words = load_stop_words(node_modules)
        vendor = [(target, (node_modules / source).read_bytes()) for source, target in VENDOR_FILES]
        licences = [(target, (node_modules / source).read_bytes()) for source, target in VENDOR_LICENCES]
    except OSError as exc:
        raise AssetsMissing(f"mancano i file di lunr in {node_modules}: esegui 'npm ci'") from exc
    refs = [(base36(i), p) for i, p in enumerate(site.by_title)]
    facets = build_facets(site)
    documents = {
        "separatore": SEPARATOR,
        "paroleVuote": sorted(stop_words),
        "prefissoMinimo": MIN_PREFIX,
        "pesoPrefisso": PREFIX_BOOST,
        "faccette": [
            {"chiave": f.key, "etichetta": f.label, "valori": {v.value: v.label for v in f.values}} for f in facets
        ],
        "pratiche": [_document(site, ref, p) for ref, p in refs],
    }
    docs_bytes = json.dumps(documents, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    digest = hashlib.sha256(docs_bytes)
    reuse = previous is not None and previous.analyser is not None and previous.stop_words == stop_words
    analyser = previous.analyser if reuse and previous is not None else None
    analyser = analyser or Analyser(stop_words)
    known = previous.analysis if reuse and previous is not None else {}
    # One practice at a time, keeping only a digest of its text: the texts of 10,000 bodies are
    # never all in memory at once.
    analysis: dict[bytes, DocTerms] = {}
    docs: list[DocTerms] = []
    if analysed is not None:
        for text in analysed.digests:
            digest.update(text)
        docs, terms = analysed.docs, analysed.terms
    else:
        for ref, p in refs:
            doc = search_doc(site, ref, p)
            text = text_digest(doc)
            digest.update(text)
            found = known.get(text) or analysis.get(text) or analyser.analyse(doc)
            analysis[text] = found
            docs.append(found)
        terms = analyser.terms
    key = digest.hexdigest()
    if previous is not None and previous.key == key:
        return previous
    weights = weigh([ref for ref, _ in refs], docs, terms)
    table, shards = shard_index(weights)
    outputs = []
    parts = []
    for number, shard in enumerate(shards):
        out = fingerprinted(f"static/search/indice-{number}.json", shard.data)
        outputs.append(out)
        parts.append([shard.first, shard.start, out.path])
    manifest = {
        "versione": LUNR_VERSION,
        "campi": [name for name, _ in FIELDS],
        "pipeline": list(QUERY_PIPELINE),
        "pesi": table,
        "frammenti": parts,
    }
    index = fingerprinted(
        "static/search/indice.json", json.dumps(manifest, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    )
    documents_file = fingerprinted("static/search/documenti.json", docs_bytes)
    outputs += [index, documents_file]
    scripts = []
    for target, data in vendor:
        asset = fingerprinted(f"static/vendor/{target}", data)
        outputs.append(asset)
        scripts.append(asset.path)
    outputs += [Output(f"static/vendor/{target}", data) for target, data in licences]
    return CatalogueAssets(
        tuple(outputs),
        tuple(scripts),
        index.path,
        documents_file.path,
        facets,
        stop_words,
        key,
        analyser if keep_analysis else None,
        analysis if keep_analysis else {},
    )
