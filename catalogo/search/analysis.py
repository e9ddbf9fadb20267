"""The index's per-practice work, done where the pages are: a build's task that renders a practice
also reads its text through the Italian pipeline (tokens, stop words, stems, term frequencies and
field lengths) and sends back a few packed arrays; the main process only makes their term numbers
common, then weighs and shards the index (lunr.py and assets.py). The result is byte for byte the
index of one process reading every practice."""

from __future__ import annotations

import hashlib
from array import array
from dataclasses import dataclass

from catalogo.content.markup import markdown_text
from catalogo.content.records import PracticeRecord, Site
from catalogo.search.lunr import FIELDS, Analyser, DocTerms, SearchDoc


def base36(number: int) -> str:
    """Short document refs: they are repeated in every posting of the index."""
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if not number:
            return out


def territory_label(p: PracticeRecord) -> str:
    return f"{p.territorio.denominazione} · {p.ambito.denominazione}" if p.comune else p.ambito.denominazione


def search_doc(site: Site, ref: str, p: PracticeRecord) -> SearchDoc:
    d = p.data
    results = [r if isinstance(r, str) else f"{r.indicatore} {r.valore} {r.note or ''}" for r in d.risultati]
    return SearchDoc(
        ref=ref,
        titolo=d.titolo,
        sintesi=d.sintesi,
        etichette=" ".join(
            [t.nome for t in (*p.territori, p.provincia)]
            + [site.label("area_tematica", d.area_tematica)]
            + [site.label("aree_strategiche", a) for a in d.aree_strategiche]
            + [site.label("destinatari", x) for x in d.destinatari]
        ),
        testo=" ".join(
            [markdown_text(p.body), *results, *d.ostacoli, *d.miglioramenti, *d.partner, *d.replicabilita.condizioni]
        ),
    )


def text_digest(doc: SearchDoc) -> bytes:
    """What the index reads of a practice, as a digest: the key of its analysis (and of the index)."""
    return hashlib.blake2b("\x00".join(getattr(doc, name) for name, _ in FIELDS).encode("utf-8")).digest()


@dataclass(frozen=True)
class Analysed:
    """Every practice's analysis, per practice in by_title order, its term numbers common."""

    terms: list[str]
    docs: list[DocTerms]
    digests: list[bytes]


# What a task sends: the number of terms its process had sent before, how many it has now, the
# new ones, and per practice its position in by_title, its packed DocTerms and its text's digest.
AnalysisPart = tuple[int, int, list[str], list[tuple[int, bytes, bytes]]]


def analyse_part(
    site: Site, analyser: Analyser, sent: int, first: int, practices: list[PracticeRecord]
) -> AnalysisPart:
    """A task's practices (by_title from position ``first``) through the index's pipeline."""
    docs = []
    for k, p in enumerate(practices, start=first):
        doc = search_doc(site, base36(k), p)
        docs.append((k, analyser.analyse(doc).packed.tobytes(), text_digest(doc)))
    return sent, len(analyser.terms), analyser.terms[sent:], docs


class Merger:
    """The tasks' analyses made common, one task at a time in task order (in which each process's own
    tasks come, so its new terms arrive in the order it numbered them); each task's bytes are let go
    as soon as they are read."""

    def __init__(self, count: int) -> None:
        self.numbers: dict[str, int] = {}
        self.terms: list[str] = []
        self.local: dict[int, list[int]] = {}  # per process: its term numbers -> the common ones
        self.docs: list[DocTerms] = [DocTerms(array("I"))] * count
        self.digests = [b""] * count

    def add(self, process: int, part: AnalysisPart) -> None:
        sent, _, new, items = part
        mapping = self.local.setdefault(process, [])
        if sent != len(mapping):  # a bug, not a mistake of the content: the order is the build's own
            raise RuntimeError("a process's terms arrived out of order")
        numbers, terms = self.numbers, self.terms
        for term in new:
            number = numbers.get(term)
            if number is None:
                number = numbers[term] = len(terms)
                terms.append(term)
            mapping.append(number)
        common = mapping.__getitem__
        for k, data, digest in items:
            self.docs[k] = DocTerms.from_bytes(data, common)
            self.digests[k] = digest

    def analysed(self) -> Analysed:
        return Analysed(self.terms, self.docs, self.digests)
