"""The prebuilt Lunr index and the Italian text pipeline shared with the browser.

The index is lunr's, computed here: lunr.py's Builder gives the same weights (the tests use it
as the reference) but took 9 s for 1,000 practices, and its Italian support downloads NLTK
data on every build, drops letters such as z and w and stems -enza words unlike the browser
(see the README's 'Search'). The pipeline, registered under these names in ricerca.js:

* tokens are split on whitespace, hyphens and apostrophes (``l'inclusione`` -> ``l``,
  ``inclusione``), with the same separator sent to the browser inside the documents file;
* ``trimmer-catalogo`` strips non-letters/digits at both ends (keeps *welfare*, *zona*, *2024*);
* ``stopWordFilter-catalogo`` uses lunr-languages' Italian list, read from node_modules;
* ``stemmer-it`` is Snowball's Italian stemmer, from PyStemmer 2.2 (Snowball 2.2's C code; 3.x
  differs on a few words), which stems every word of Debian's Italian word list exactly as
  lunr-languages does in the browser, 26 times faster than the pure-Python port;
* at index time ``stemmer-accenti-catalogo`` also indexes the stem of the accent-free form,
  so a visitor who types *poverta* finds *povertà*; queries use plain ``stemmer-it``.

Queries are built the same way on both sides (tests/lunr_reference.py, ``queryWords`` in
ricerca.js): every word must match (AND), stemmed or as a prefix of an indexed term.
"""

from __future__ import annotations

import bisect
import itertools
import json
import math
import operator
import re
import unicodedata
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import Stemmer

from catalogo.core.npm import NpmMissing

# Whitespace, hyphens, apostrophes (straight and curly), quotes and Lunr's query syntax characters.
SEPARATOR = "[\\s\\-'\u2019\u2018`\u00b4\"\u201c\u201d\u00ab\u00bb:^~+*/]+"
# SEPARATOR's characters beside whitespace (\\s is str.isspace(), which str.split() splits on): replacing
# each by a space and splitting on whitespace gives SEPARATOR's split, 2.5 times faster than the regex.
_OTHER_SEPARATORS = "-'\u2019\u2018`\u00b4\"\u201c\u201d\u00ab\u00bb:^~+*/"
MIN_PREFIX = 4
PREFIX_BOOST = 0.5

# Boosts are baked into the stored vectors: changing them needs a rebuild, nothing else.
FIELDS = (("titolo", 10), ("sintesi", 5), ("etichette", 3), ("testo", 1))
# Stored vector weights are rounded to the IEC 60063 E12 series (12 steps a decade, at most
# about 10% off): enough to rank, and it keeps the index of 1,000 practices under 700 KB gzipped.
E12 = (1.0, 1.2, 1.5, 1.8, 2.2, 2.7, 3.3, 3.9, 4.7, 5.6, 6.8, 8.2, 10.0)


class StopWordsMissing(NpmMissing):
    pass


@cache
def _stemmer() -> Any:
    stemmer = Stemmer.Stemmer("italian")
    # stem() keeps every word's stem already; PyStemmer's own cache of 10,000 words, purged as a
    # catalogue's vocabulary grows past it, doubled the cost of a stem (30,000 words: 47 ms, 20 without).
    stemmer.maxCacheSize = 0
    return stemmer


@cache
def stem(word: str) -> str:
    """Snowball Italian, memoized: a catalogue repeats the same few thousand words."""
    return str(_stemmer().stemWord(word))


def clear_caches() -> None:
    """Forget the words met so far: a build's main process, once its share of the practices is made,
    needs the room for the index (tens of megabytes at 10,000 practices)."""
    for cached in (stem, trim, strip_accents, index_stems):
        cached.cache_clear()


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
def strip_accents(word: str) -> str:
    """Accent-free form of a lower-cased word (cerca.js: NFKD, then drop \\p{M})."""
    return "".join(c for c in unicodedata.normalize("NFKD", word) if unicodedata.category(c)[0] != "M")


def tokenize(text: str) -> list[str]:
    """Lower-cased words, split exactly as the browser splits them."""
    text = unicodedata.normalize("NFC", text).lower()
    for char in _OTHER_SEPARATORS:
        if char in text:
            text = text.replace(char, " ")
    return text.split()


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


@cache
def index_stems(word: str) -> tuple[str, ...]:
    """The stem of a word, and the stem of its accent-free form when that differs."""
    plain = stem(word)
    folded = stem(strip_accents(word))
    return (plain,) if folded == plain else (plain, folded)


@dataclass(frozen=True)
class SearchDoc:
    """What the index and the results list need of a practice."""

    ref: str
    titolo: str
    sintesi: str
    etichette: str  # territory names and area/destinatari labels
    testo: str


# ---- the index: lunr's BM25 weights, computed here, shipped as term-range shards ----

LUNR_VERSION = "2.3.9"  # the lunr.js the browser loads (package-lock.json)
QUERY_PIPELINE = ("trimmer-catalogo", "stemmer-it")  # what the browser runs on a visitor's words
K1, B = 1.2, 0.75  # lunr's BM25 defaults
# A shard holds consecutive terms up to about this many bytes of JSON (~30 KB gzipped): a query
# downloads the shards of its words only, whatever the size of the catalogue.
SHARD_BYTES = 96 * 1024

_E12_BOUNDS = [math.sqrt(a * b) for a, b in itertools.pairwise(E12)]  # geometric midpoints between steps


@cache
def e12(value: float) -> float | int:
    """The nearest E12 value on a log scale."""
    if value <= 0:
        return 0
    exponent = math.floor(math.log10(value))
    mantissa = value / 10**exponent
    step = E12[bisect.bisect_left(_E12_BOUNDS, mantissa)]
    rounded = float(f"{step * 10**exponent:.2g}")
    return int(rounded) if rounded.is_integer() else rounded


@dataclass(frozen=True)
class DocTerms:
    """A document after the index pipeline: per field (FIELDS order), term ids, their frequencies
    and the field length (the number of terms, repeated ones included), packed in one array
    (length, n, n ids, n frequencies, then the next field): ~4 KB for a 1,000-word practice."""

    packed: array[int]

    @classmethod
    def pack(cls, fields: Iterable[tuple[dict[int, int], int]]) -> DocTerms:
        packed = array("I")
        for tf, length in fields:
            packed.extend((length, len(tf)))
            packed.extend(tf.keys())
            packed.extend(tf.values())
        return cls(packed)

    @classmethod
    def from_bytes(cls, data: bytes, number: Callable[[int], int]) -> DocTerms:
        """A document packed in another process, its term ids mapped to this one's by ``number``."""
        packed = array("I")
        packed.frombytes(data)
        at = 0
        for _ in FIELDS:
            n = packed[at + 1]
            packed[at + 2 : at + 2 + n] = array("I", map(number, packed[at + 2 : at + 2 + n]))
            at += 2 + 2 * n
        return cls(packed)

    def fields(self) -> list[tuple[array[int], array[int], int]]:
        out = []
        k = 0
        packed = self.packed
        for _ in FIELDS:
            length, n = packed[k], packed[k + 1]
            out.append((packed[k + 2 : k + 2 + n], packed[k + 2 + n : k + 2 + 2 * n], length))
            k += 2 + 2 * n
        return out


class Analyser:
    """Runs the index pipeline (trimmer-catalogo, stopWordFilter-catalogo, stemmer-accenti-catalogo)
    once per distinct word, and numbers the terms: a document's analysis is a few arrays of ints,
    so 10,000 practices fit in a few tens of megabytes."""

    def __init__(self, stop_words: frozenset[str]) -> None:
        self.stop_words = stop_words
        self.terms: list[str] = []
        self._ids: dict[str, int] = {}
        self._words: dict[str, tuple[int, ...]] = {}

    def _word(self, word: str) -> tuple[int, ...]:
        trimmed = trim(word)
        ids = []
        if trimmed and trimmed not in self.stop_words:
            for term in index_stems(trimmed):
                number = self._ids.get(term)
                if number is None:
                    number = self._ids[term] = len(self.terms)
                    self.terms.append(term)
                ids.append(number)
        self._words[word] = tuple(ids)
        return self._words[word]

    def analyse(self, doc: SearchDoc) -> DocTerms:
        fields = []
        known = self._words
        for name, _ in FIELDS:
            words = tokenize(getattr(doc, name))
            for word in set(words).difference(known):
                self._word(word)
            # Counted in C, every occurrence of every term: the order of a document's terms does not
            # change the index (weigh places postings by term, then by document).
            tf = Counter(itertools.chain.from_iterable(map(known.__getitem__, words)))
            fields.append((tf, sum(tf.values())))
        return DocTerms.pack(fields)


@dataclass(frozen=True)
class Weights:
    """The index as lunr would store it: terms in JavaScript's order and, per field, every term's
    postings (document numbers, ascending, and weight codes into ``table``), packed in three
    arrays per field: 10,000 practices' millions of postings in a few tens of megabytes."""

    refs: tuple[str, ...]
    terms: tuple[str, ...]
    table: tuple[float | int, ...]  # weight values, ascending; codes index it
    starts: tuple[array[int], ...]  # [field][term]: offset of the term's postings; one more at the end
    docs: tuple[array[int], ...]  # [field]: document numbers
    codes: tuple[array[int], ...]  # [field]: weight codes


def js_order(term: str) -> bytes:
    """JavaScript compares strings by UTF-16 code units; the index and its shards follow it."""
    return term.encode("utf-16-be")


def weigh(refs: Sequence[str], docs: Sequence[DocTerms], terms: Sequence[str]) -> Weights:
    """lunr's Builder.build: BM25 per document, field and term, rounded to 3 decimals as lunr does
    and then to the E12 series. The same float operations in the same order as lunr.py, which
    tests/test_search.py checks term by term."""
    n_fields = len(FIELDS)
    count = len(docs)
    lengths = [0] * n_fields
    per_field = [Counter[int]() for _ in range(n_fields)]
    for d in docs:
        for f, (ids, _, length) in enumerate(d.fields()):
            per_field[f].update(ids)
            lengths[f] += length
    average = [total / count if count else 0.0 for total in lengths]
    frequency: Counter[int] = Counter()  # lunr's idf counts a document once per field holding the term
    for counter in per_field:
        frequency.update(counter)
    order = sorted(frequency, key=lambda t: js_order(terms[t]))
    position = [0] * len(terms)
    for i, term in enumerate(order):
        position[term] = i
    idf_of = [0.0] * len(terms)
    for term, with_term in frequency.items():
        x = (count - with_term + 0.5) / (with_term + 0.5)
        idf_of[term] = math.log(1 + abs(x))
    starts = []
    cursors = []
    for f in range(n_fields):
        offsets = array("I", [0])
        total = 0
        for term in order:
            total += per_field[f][term]
            offsets.append(total)
        starts.append(offsets)
        cursors.append(list(offsets[:-1]))
    doc_arrays = [array("I", bytes(4 * starts[f][-1])) for f in range(n_fields)]
    code_arrays = [array("H", bytes(2 * starts[f][-1])) for f in range(n_fields)]
    codes: dict[int, int] = {}  # by the score in thousandths
    values: list[float | int] = []
    k1_plus_1 = K1 + 1
    # Per field and term (by position), what the score's first factors come to in thousandths: the
    # fast path below multiplies in another order than lunr, which only matters near a half, where
    # the exact computation decides (a few ulps against a margin of a millionth).
    scale = [[idf_of[t] * k1_plus_1 * FIELDS[f][1] * 1000 for t in order] for f in range(n_fields)]
    for doc_number, d in enumerate(docs):
        for f, (ids, tfs, length) in enumerate(d.fields()):
            if not ids:
                continue
            boost = FIELDS[f][1]
            norm = K1 * (1 - B + B * (length / average[f]))
            cursor, doc_array, code_array, factor = cursors[f], doc_arrays[f], code_arrays[f], scale[f]
            for t, freq in zip(map(position.__getitem__, ids), tfs, strict=True):
                # lunr: idf * ((k1 + 1) * tf) / (norm + tf), times the field boost, times the
                # document boost (1: a no-op), rounded to 3 decimals: in thousandths, the nearest
                # integer, unless a float's error could make it the wrong one (within a millionth of
                # a half): then round() decides, as it does for every value seen the first time.
                thousandths = factor[t] * freq / (norm + freq) + 0.5
                rounded = int(thousandths)
                code = codes.get(rounded)
                if code is None or not 1e-6 < thousandths - rounded < 0.999999:
                    idf = idf_of[order[t]]
                    score = round(idf * (k1_plus_1 * freq) / (norm + freq) * boost, 3)
                    rounded = round(score * 1000)
                    code = codes.get(rounded)
                    if code is None:
                        code = codes[rounded] = len(values)
                        values.append(e12(score))
                k = cursor[t]
                doc_array[k] = doc_number
                code_array[k] = code
                cursor[t] = k + 1
    # Codes by ascending weight: the table ships sorted, the same catalogue gives the same files.
    table = sorted(set(values))
    rank = {value: i for i, value in enumerate(table)}
    remap = [rank[value] for value in values]
    code_arrays = [array("H", map(remap.__getitem__, code_array)) for code_array in code_arrays]
    return Weights(
        tuple(refs),
        tuple(terms[t] for t in order),
        tuple(table),
        tuple(starts),
        tuple(doc_arrays),
        tuple(code_arrays),
    )


@dataclass(frozen=True)
class Shard:
    first: str  # its first term: the browser finds a term's shard by these boundaries
    start: int  # the number (lunr's _index) of that term
    data: bytes


def shard_index(w: Weights, shard_bytes: int = SHARD_BYTES) -> tuple[list[float | int], list[Shard]]:
    """The weights table and the shards: consecutive terms, each with, per field, the document
    numbers (as gaps from the previous one) and weight codes, in one flat list. A query loads the
    shards of its terms and prefixes; ricerca.js rebuilds exactly the lunr.Index entries of the
    whole index for those terms, so it ranks as the whole index would."""
    shards: list[Shard] = []
    entries: list[bytes] = []
    size = 0
    start = 0
    n_fields = len(FIELDS)
    quote = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) writes for a str
    # Gaps are below the number of documents and codes below the table's length: their texts, once.
    text_of = [str(n) for n in range(max(len(w.refs), len(w.table)) + 1)].__getitem__
    for i, term in enumerate(w.terms):
        # The same bytes as compact json.dumps([term, *fields]): a list of ints is '[' + str(int),... + ']'.
        parts = [quote(term)]
        for f in range(n_fields):
            begin, end = w.starts[f][i], w.starts[f][i + 1]
            docs = w.docs[f][begin:end]
            flat = [0] * (2 * (end - begin))
            flat[0::2] = map(operator.sub, docs, itertools.chain((0,), docs))  # gaps
            flat[1::2] = w.codes[f][begin:end]
            parts.append("[" + ",".join(map(text_of, flat)) + "]")
        entry = ("[" + ",".join(parts) + "]").encode("utf-8")
        if entries and size + len(entry) > shard_bytes:
            shards.append(Shard(w.terms[start], start, b"[" + b",".join(entries) + b"]"))
            entries, size, start = [], 0, i
        entries.append(entry)
        size += len(entry) + 1
    if entries or not shards:
        shards.append(Shard(w.terms[start] if w.terms else "", start, b"[" + b",".join(entries) + b"]"))
    return list(w.table), shards
