"""lunr.py as the reference for the index the build ships.

The build computes lunr's weights itself (catalogo/search/lunr.py, far faster than lunr.py's
Builder) and ships them in shards. Here the shipped files are read back into lunr's whole
serialized index; lunr.py's own Builder indexes the same documents with the same pipeline, and
lunr.py's Index answers queries with the rules of ricerca.js: the tests compare the shipped index
with the first and the browser's results with the second.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from lunr.builder import Builder
from lunr.index import Index
from lunr.pipeline import Pipeline
from lunr.query import Query, QueryPresence
from lunr.token import Token

from catalogo.search.assets import CatalogueAssets
from catalogo.search.lunr import (
    FIELDS,
    MIN_PREFIX,
    PREFIX_BOOST,
    SearchDoc,
    e12,
    index_stems,
    js_order,
    stem,
    strip_accents,
    tokenize,
    trim,
)


def _register(fn: Callable[..., Any], label: str) -> Callable[..., Any]:
    Pipeline.registered_functions.pop(label, None)  # lunr.py pre-registers an NLTK 'stemmer-it'
    Pipeline.register_function(fn, label)
    return fn


def _trimmer(token: Token, i: int = 0, tokens: Any = None) -> Token:
    return token.update(lambda s, m=None: trim(s))


def _stemmer(token: Token, i: int = 0, tokens: Any = None) -> Token:
    return token.update(lambda s, m=None: stem(s))


def _stemmer_accents(token: Token, i: int = 0, tokens: Any = None) -> Token | list[Token]:
    stems = index_stems(str(token))
    if len(stems) == 1:
        return token.update(lambda s, m=None: stems[0])
    return [token.clone(lambda s, m=None, v=variant: v) for variant in stems]


trimmer = _register(_trimmer, "trimmer-catalogo")
stemmer = _register(_stemmer, "stemmer-it")
stemmer_accents = _register(_stemmer_accents, "stemmer-accenti-catalogo")


def _stop_word_filter(stop_words: frozenset[str]) -> Callable[..., Any]:
    def stop_word_filter(token: Token, i: int = 0, tokens: Any = None) -> Token | None:
        return None if str(token) in stop_words or not str(token) else token

    return _register(stop_word_filter, "stopWordFilter-catalogo")


def lunr_py_index(docs: Sequence[SearchDoc], stop_words: frozenset[str]) -> dict[str, Any]:
    """lunr.py's Builder on the same documents, with terms numbered in JavaScript's order and
    weights rounded to E12, as the build stores them."""
    builder = Builder()
    builder.pipeline.add(trimmer, _stop_word_filter(stop_words), stemmer_accents)
    builder.search_pipeline.add(trimmer, stemmer)
    builder.ref("ref")
    for name, boost in FIELDS:
        builder.field(name, boost=boost, extractor=lambda d, name=name: tokenize(d[name]))
    for doc in docs:
        builder.add({"ref": doc.ref, **{name: getattr(doc, name) for name, _ in FIELDS}})
    serialized: dict[str, Any] = builder.build().serialize()
    postings = sorted(serialized["invertedIndex"], key=lambda entry: js_order(entry[0]))
    renumber = {posting["_index"]: new for new, (_, posting) in enumerate(postings)}
    for _, posting in postings:
        posting["_index"] = renumber[posting["_index"]]
    serialized["invertedIndex"] = postings
    vectors = []
    for ref, elements in serialized["fieldVectors"]:
        pairs = sorted((renumber[int(elements[i])], e12(elements[i + 1])) for i in range(0, len(elements), 2))
        vectors.append([ref, [x for pair in pairs for x in pair]])
    serialized["fieldVectors"] = vectors
    return serialized


def shipped_index(assets: CatalogueAssets) -> dict[str, Any]:
    """The whole index in lunr's serialization, read back from the files the build ships: the
    manifest (fields, weights table, shards) and every shard (terms, per field the document numbers
    as gaps and the weights' codes), the documents giving each number its ref."""
    files = {o.path: o.data for o in assets.outputs}
    manifest = json.loads(files[assets.index])
    refs = [d["ref"] for d in json.loads(files[assets.documents])["pratiche"]]
    names, table = manifest["campi"], manifest["pesi"]
    vectors: list[list[list[float | int]]] = [[[] for _ in names] for _ in refs]
    inverted = []
    for _, start, path in manifest["frammenti"]:
        for number, (term, *fields) in enumerate(json.loads(files[path]), start=start):
            posting: dict[str, Any] = {}
            for f, (name, flat) in enumerate(zip(names, fields, strict=True)):
                docs: dict[str, dict[str, Any]] = {}
                d = 0
                for gap, code in zip(flat[0::2], flat[1::2], strict=True):
                    d += gap
                    docs[refs[d]] = {}
                    vectors[d][f] += [number, table[code]]
                posting[name] = docs
            posting["_index"] = number
            inverted.append([term, posting])
    return {
        "version": manifest["versione"],
        "fields": names,
        "fieldVectors": [
            [f"{name}/{ref}", vectors[d][f]] for d, ref in enumerate(refs) for f, name in enumerate(names)
        ],
        "invertedIndex": inverted,
        "pipeline": manifest["pipeline"],
    }


def load(assets: CatalogueAssets) -> Index:
    return Index.load(shipped_index(assets))


def query_words(query: str, stop_words: Iterable[str]) -> list[str]:
    """The words of a visitor's query that take part in the search (no stop words, no syntax), as
    ricerca.js's queryWords picks them."""
    stops = set(stop_words)
    words = [trim(w) for w in tokenize(query)]
    return [w for w in words if w and w not in stops]


def search(index: Index, query: str, stop_words: Iterable[str]) -> list[tuple[str, float]]:
    """Refs with scores, best first: every word must match, stemmed or as a prefix (ricerca.js)."""
    scores: dict[str, float] | None = None
    for word in query_words(query, stop_words):

        def build(q: Query, word: str = word) -> None:
            q.term(word, presence=QueryPresence.OPTIONAL)
            if len(word) >= MIN_PREFIX:
                q.term(
                    strip_accents(word),
                    use_pipeline=False,
                    wildcard=Query.WILDCARD_TRAILING,
                    boost=PREFIX_BOOST,
                    presence=QueryPresence.OPTIONAL,
                )

        found = {r["ref"]: r["score"] for r in index.query(callback=build)}
        scores = found if scores is None else {ref: scores[ref] + s for ref, s in found.items() if ref in scores}
    if scores is None:
        return []
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))
