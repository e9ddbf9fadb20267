"""The prebuilt Lunr index and the Italian text pipeline shared with the browser.

lunr.py's own Italian support is not used (see NOTES §1): it downloads NLTK data on every
build, its trimmer drops letters such as z and w, and NLTK's stemmer disagrees with the
browser's on -enza words. Instead:

* tokens are split on whitespace, hyphens and apostrophes (``l'inclusione`` -> ``l``,
  ``inclusione``), with the same separator sent to the browser inside the documents file;
* ``trimmer-catalogo`` strips non-letters/digits at both ends (keeps *welfare*, *zona*, *2024*);
* ``stopWordFilter-catalogo`` uses lunr-languages' Italian list, read from node_modules;
* ``stemmer-it`` is Snowball's Italian stemmer from ``snowballstemmer`` 2.x, which stems every
  word of Debian's Italian word list exactly as lunr-languages does in the browser;
* at index time ``stemmer-accenti-catalogo`` also indexes the stem of the accent-free form,
  so a visitor who types *poverta* finds *povertà*; queries use plain ``stemmer-it``.

Queries are built the same way on both sides (``query_words`` here, ``queryWords`` in
cerca.js): every word must match (AND), exactly once stemmed or as a prefix of an indexed term.
"""

from __future__ import annotations

import bisect
import itertools
import json
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import snowballstemmer
from lunr.builder import Builder
from lunr.index import Index
from lunr.pipeline import Pipeline
from lunr.query import Query, QueryPresence
from lunr.token import Token

# Whitespace, hyphens, apostrophes (straight and curly), quotes and Lunr's query syntax characters.
SEPARATOR = "[\\s\\-'\u2019\u2018`\u00b4\"\u201c\u201d\u00ab\u00bb:^~+*/]+"
_SEPARATOR_RE = re.compile(SEPARATOR)
MIN_PREFIX = 4
PREFIX_BOOST = 0.5

# Boosts are baked into the stored vectors: changing them needs a rebuild, nothing else.
FIELDS = (("titolo", 10), ("sintesi", 5), ("etichette", 3), ("testo", 1))
# Stored vector weights are rounded to the IEC 60063 E12 series (12 steps a decade, at most
# about 10% off): enough to rank, and it keeps the index of 1,000 practices under 700 KB gzipped.
E12 = (1.0, 1.2, 1.5, 1.8, 2.2, 2.7, 3.3, 3.9, 4.7, 5.6, 6.8, 8.2, 10.0)


class StopWordsMissing(Exception):
    pass


@cache
def _stemmer() -> Any:
    return snowballstemmer.stemmer("italian")


@cache
def stem(word: str) -> str:
    """Snowball Italian, memoized: a catalogue repeats the same few thousand words."""
    return str(_stemmer().stemWord(word))


def _is_word_char(char: str) -> bool:
    return unicodedata.category(char)[0] in "LN"  # JavaScript: [\p{L}\p{N}]


@cache
def trim(word: str) -> str:
    """Drop what is not a letter or a digit at both ends (cerca.js: same Unicode categories)."""
    start, end = 0, len(word)
    while start < end and not _is_word_char(word[start]):
        start += 1
    while end > start and not _is_word_char(word[end - 1]):
        end -= 1
    return word[start:end]


@cache
def fold(word: str) -> str:
    """Accent-free form of a lower-cased word (cerca.js: NFKD, then drop \\p{M})."""
    return "".join(c for c in unicodedata.normalize("NFKD", word) if unicodedata.category(c)[0] != "M")


def tokenize(text: str) -> list[str]:
    """Lower-cased words, split exactly as the browser splits them."""
    return [w for w in _SEPARATOR_RE.split(unicodedata.normalize("NFC", text).lower()) if w]


def load_stop_words(node_modules: Path) -> frozenset[str]:
    """lunr-languages' Italian stop words: one list for the index and the browser."""
    source = node_modules / "lunr-languages" / "lunr.it.js"
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as exc:
        raise StopWordsMissing(f"manca {source}: esegui 'npm ci' nella cartella del progetto") from exc
    found = re.search(r"generateStopWordFilter\('([^']*)'\.split\(' '\)\)", text)
    if not found:
        raise StopWordsMissing(f"elenco delle parole vuote non trovato in {source}")
    return frozenset(found.group(1).split(" "))


def _trimmer(token: Token, i: int = 0, tokens: Any = None) -> Token:
    return token.update(lambda s, m=None: trim(s))


def _stemmer_fn(token: Token, i: int = 0, tokens: Any = None) -> Token:
    return token.update(lambda s, m=None: stem(s))


@cache
def index_stems(word: str) -> tuple[str, ...]:
    """The stem of a word, and the stem of its accent-free form when that differs."""
    plain = stem(word)
    folded = stem(fold(word))
    return (plain,) if folded == plain else (plain, folded)


def _stemmer_accents(token: Token, i: int = 0, tokens: Any = None) -> Token | list[Token]:
    stems = index_stems(str(token))
    if len(stems) == 1:
        return token.update(lambda s, m=None: stems[0])
    return [token.clone(lambda s, m=None, v=variant: v) for variant in stems]


def _register(fn: Callable[..., Any], label: str) -> Callable[..., Any]:
    Pipeline.registered_functions.pop(label, None)  # lunr.py pre-registers an NLTK 'stemmer-it'
    Pipeline.register_function(fn, label)
    return fn


trimmer = _register(_trimmer, "trimmer-catalogo")
stemmer = _register(_stemmer_fn, "stemmer-it")
stemmer_accents = _register(_stemmer_accents, "stemmer-accenti-catalogo")


def _stop_word_filter(stop_words: frozenset[str]) -> Callable[..., Any]:
    def stop_word_filter(token: Token, i: int = 0, tokens: Any = None) -> Token | None:
        return None if str(token) in stop_words or not str(token) else token

    return _register(stop_word_filter, "stopWordFilter-catalogo")


@dataclass(frozen=True)
class SearchDoc:
    """What the index and the results list need of a practice."""

    ref: str
    titolo: str
    sintesi: str
    etichette: str  # territory names and area/destinatari labels
    testo: str


def build_index(docs: Sequence[SearchDoc], stop_words: frozenset[str]) -> dict[str, Any]:
    builder = Builder()
    builder.pipeline.add(trimmer, _stop_word_filter(stop_words), stemmer_accents)
    builder.search_pipeline.add(trimmer, stemmer)
    builder.ref("ref")
    for name, boost in FIELDS:
        # Lists are not split again by lunr.py's tokenizer: ours (with apostrophes) is used instead.
        builder.field(name, boost=boost, extractor=lambda d, name=name: tokenize(d[name]))
    for doc in docs:
        builder.add({"ref": doc.ref, **{name: getattr(doc, name) for name, _ in FIELDS}})
    serialized: dict[str, Any] = builder.build().serialize()
    _compact(serialized)
    # lunr.js inserts terms in order and throws on anything JavaScript sorts differently (lunr.py #144).
    serialized["invertedIndex"].sort(key=lambda entry: entry[0].encode("utf-16-be"))
    return serialized


_E12_BOUNDS = [math.sqrt(a * b) for a, b in itertools.pairwise(E12)]  # geometric midpoints between steps


def _e12(value: float) -> float | int:
    """The nearest E12 value on a log scale."""
    if value <= 0:
        return 0
    exponent = math.floor(math.log10(value))
    mantissa = value / 10**exponent
    step = E12[bisect.bisect_left(_E12_BOUNDS, mantissa)]
    rounded = float(f"{step * 10**exponent:.2g}")
    return int(rounded) if rounded.is_integer() else rounded


def _compact(serialized: dict[str, Any]) -> None:
    """Shrink the stored index without changing what it finds (the 700 KB budget at 1,000 practices).

    Term numbers are reassigned by document frequency, so the terms that fill most vectors get
    the shortest numbers; vector weights are rounded to the E12 series, which only matters for
    the order of near-ties and is the same for lunr.py and lunr.js, who both read this file.
    """
    postings = serialized["invertedIndex"]
    frequency = {term: sum(len(docs) for field, docs in posting.items() if field != "_index")
                 for term, posting in postings}
    order = sorted(postings, key=lambda entry: (-frequency[entry[0]], entry[0]))
    renumber = {entry[1]["_index"]: new for new, entry in enumerate(order)}
    for _, posting in postings:
        posting["_index"] = renumber[posting["_index"]]
    vectors = []
    for ref, elements in serialized["fieldVectors"]:
        pairs = sorted((renumber[int(elements[i])], _e12(elements[i + 1]))
                       for i in range(0, len(elements), 2))
        vectors.append([ref, [x for pair in pairs for x in pair]])
    serialized["fieldVectors"] = vectors


def index_json(serialized: dict[str, Any]) -> bytes:
    return json.dumps(serialized, ensure_ascii=False, separators=(",", ":"), sort_keys=False).encode("utf-8")


def query_words(query: str, stop_words: Iterable[str]) -> list[str]:
    """The words of a visitor's query that take part in the search (no stop words, no syntax)."""
    stops = set(stop_words)
    words = [trim(w) for w in tokenize(query)]
    return [w for w in words if w and w not in stops]


def search(index: Index, query: str, stop_words: Iterable[str]) -> list[tuple[str, float]]:
    """Refs with scores, best first: every word must match, stemmed or as a prefix."""
    scores: dict[str, float] | None = None
    for word in query_words(query, stop_words):
        def build(q: Query, word: str = word) -> None:
            q.term(word, presence=QueryPresence.OPTIONAL)
            if len(word) >= MIN_PREFIX:
                q.term(fold(word), use_pipeline=False, wildcard=Query.WILDCARD_TRAILING,
                       boost=PREFIX_BOOST, presence=QueryPresence.OPTIONAL)

        found = {r["ref"]: r["score"] for r in index.query(callback=build)}
        scores = found if scores is None else {ref: scores[ref] + s for ref, s in found.items() if ref in scores}
    if scores is None:
        return []
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))
