"""'Pratiche simili': up to four related practices per practice, computed at build time.

Shared call area, V Piano areas and destinatari, plus the overlap of the words (stems) of
titles and summaries. Deterministic: ties are broken by slug.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from catalogo.content.records import PracticeRecord, Site
from catalogo.search.lunr import index_stems, tokenize, trim

MAX_RELATED = 4
AREA, PLAN, AUDIENCE, WORDS = 3.0, 1.5, 1.0, 6.0
MIN_OVERLAP = 0.1


@dataclass(frozen=True)
class Related:
    practice: PracticeRecord
    reason: str


def _words(p: PracticeRecord, stop_words: frozenset[str]) -> frozenset[str]:
    words = (trim(t) for t in tokenize(f"{p.titolo} {p.data.sintesi}"))
    return frozenset(index_stems(w)[0] for w in words if len(w) > 2 and w not in stop_words)


def _mask(values: tuple[str, ...], positions: dict[str, int]) -> int:
    mask = 0
    for v in values:
        mask |= 1 << positions.setdefault(v, len(positions))
    return mask


def related_practices(
    site: Site, stop_words: frozenset[str], pairs: list[int] | None = None
) -> dict[str, tuple[Related, ...]]:
    """Memoized on what the choice depends on, so the dev server does not redo it after a body edit.
    ``pairs`` receives how many pairs were scored one by one (near-linear, tests/test_related.py)."""
    return resolve({p.slug: p for p in site.practices}, related_slugs(site, stop_words, pairs))


Chosen = dict[str, tuple[tuple[str, str], ...]]  # slug -> (related slug, reason), in order


def related_slugs(site: Site, stop_words: frozenset[str], pairs: list[int] | None = None) -> Chosen:
    """The same choice by slug: small enough to send from one process to another."""
    key = (
        stop_words,
        tuple(
            (p.slug, p.data.area_tematica, p.data.aree_strategiche, p.data.destinatari, p.titolo, p.data.sintesi)
            for p in site.practices
        ),
    )
    return _related_slugs(key, site, pairs)


def resolve(by_slug: Mapping[str, PracticeRecord], chosen: Chosen) -> dict[str, tuple[Related, ...]]:
    """The chosen slugs as the practices themselves."""
    return {slug: tuple(Related(by_slug[other], reason) for other, reason in pairs) for slug, pairs in chosen.items()}


_memo: dict[object, Chosen] = {}


def _related_slugs(key: object, site: Site, pairs: list[int] | None) -> Chosen:
    if key not in _memo:
        _memo.clear()  # only the latest catalogue is worth keeping
        computed = _compute(site, key[0], pairs)  # type: ignore[index]
        _memo[key] = {slug: tuple((r.practice.slug, r.reason) for r in rs) for slug, rs in computed.items()}
    return _memo[key]


def _planes(sets: list[int]) -> list[int]:
    """Bit-sliced sum of bitsets: bit j of plane k is bit k of how many sets contain j."""
    planes: list[int] = []
    for carry in sets:
        k = 0
        while carry:
            if k == len(planes):
                planes.append(carry)
                break
            planes[k], carry = planes[k] ^ carry, planes[k] & carry
            k += 1
    return planes


def _exactly(planes: list[int], n: int, everyone: int) -> int:
    if n >> len(planes):
        return 0
    out = everyone
    for k, plane in enumerate(planes):
        out = out & plane if (n >> k) & 1 else out & ~plane
    return out


def _at_least(planes: list[int], n: int, everyone: int) -> int:
    if n <= 0:
        return everyone
    if n >> len(planes):
        return 0
    greater, equal = 0, everyone
    for k in reversed(range(len(planes))):
        if (n >> k) & 1:
            equal &= planes[k]
        else:
            greater |= equal & planes[k]
            equal &= ~planes[k]
    return greater | equal


def _members(bits: int) -> Iterator[int]:
    """Set bits, lowest first."""
    while bits:
        low = bits & -bits
        yield low.bit_length() - 1
        bits ^= low


# Words shared by many practices ('servizi', 'famiglie'...) say little about a theme, and in a
# catalogue of alike practices they make every pair a candidate: quadratic. A practice's candidates
# come from its rarer words (at most RARE practices each), rarest first, until POOL of them; then
# from its frequent words, at most POOL more, those sharing the most first. When neither limit is
# reached the choice is the pairwise definition's, exactly (tests/test_related.py).
RARE = 32
POOL = 64


def _most(planes: list[int], among: int, limit: int, everyone: int) -> int:
    """The members of ``among`` with the highest counts in ``planes``, ``limit`` or a few more (a whole
    count at a time, so the choice does not depend on bit order beyond the count)."""
    chosen = 0
    for k in range(1 << len(planes), 0, -1):
        chosen |= among & _exactly(planes, k, everyone)
        if chosen.bit_count() >= limit:
            break
    return chosen


@dataclass
class _Bits:
    """The catalogue as big integers, one bit per practice in slug order: a bitset per area, V Piano
    area, destinatario and word, so what a practice shares with all the others is a few bitwise
    operations."""

    practices: list[PracticeRecord]
    words: list[frozenset[str]]

    def __post_init__(self) -> None:
        practices = self.practices
        self.everyone = (1 << len(practices)) - 1
        self.areas: dict[str, int] = {}
        self.plans: dict[str, int] = {}
        self.audiences: dict[str, int] = {}
        self.by_word: dict[str, int] = {}
        for j, p in enumerate(practices):
            bit = 1 << j
            self.areas[p.data.area_tematica] = self.areas.get(p.data.area_tematica, 0) | bit
            for x in p.data.aree_strategiche:
                self.plans[x] = self.plans.get(x, 0) | bit
            for x in p.data.destinatari:
                self.audiences[x] = self.audiences.get(x, 0) | bit
            for w in self.words[j]:
                self.by_word[w] = self.by_word.get(w, 0) | bit
        self.frequency = {w: bits.bit_count() for w, bits in self.by_word.items()}
        word_ids = {w: k for k, w in enumerate(sorted(self.by_word))}
        self.vocabulary = [sum(1 << word_ids[w] for w in found) for found in self.words]  # each one's words as bits
        plan_bits: dict[str, int] = {}
        audience_bits: dict[str, int] = {}
        self.plan_masks = [_mask(p.data.aree_strategiche, plan_bits) for p in practices]
        self.audience_masks = [_mask(p.data.destinatari, audience_bits) for p in practices]
        self.by_size: dict[int, int] = {}
        for j, found_words in enumerate(self.words):
            self.by_size[len(found_words)] = self.by_size.get(len(found_words), 0) | (1 << j)
        self.area_of = [p.data.area_tematica for p in practices]
        self.sizes = [len(found) for found in self.words]

    def candidates(self, i: int) -> int:
        """The practices that may share words with practice ``i`` enough to count (see RARE, POOL)."""
        me = 1 << i
        mine = sorted(self.words[i], key=lambda w: (self.frequency[w], w))
        close = 0
        for w in mine:
            if self.frequency[w] > RARE or (close & ~me).bit_count() >= POOL:
                break
            close |= self.by_word[w]
        frequent = [self.by_word[w] for w in mine if self.frequency[w] > RARE]
        if frequent:
            # Sharing only frequent words, a practice is a candidate if it can reach MIN_OVERLAP:
            # overlap >= t needs shared >= t * (|Wi| + |Wj|) / (1 + t) (the tolerance keeps a float
            # rounding from dropping a pair; the scoring makes the exact test).
            word_planes = _planes(frequent)
            needs: dict[int, int] = {}
            for size, bits in self.by_size.items():
                need = max(1, math.ceil(MIN_OVERLAP * (len(self.words[i]) + size) / (1 + MIN_OVERLAP) - 1e-6))
                needs[need] = needs.get(need, 0) | bits
            reach = 0
            for need, bits in needs.items():
                reach |= bits & _at_least(word_planes, need, self.everyone)
            reach &= ~close & ~me
            if reach.bit_count() > POOL:
                reach = _most(word_planes, reach, POOL, self.everyone)
            close |= reach
        return close & ~me

    def scored(self, i: int, close: int) -> list[tuple[float, str, int, float]]:
        """Every candidate scored exactly, as the pairwise definition does (the hot loop: kept flat)."""
        out = []
        area, plan, audience = self.area_of[i], self.plan_masks[i], self.audience_masks[i]
        vocab, size, area_of, sizes = self.vocabulary[i], self.sizes[i], self.area_of, self.sizes
        plan_masks, audience_masks, vocabulary = self.plan_masks, self.audience_masks, self.vocabulary
        for j in _members(close):
            score = AREA if area_of[j] == area else 0.0
            score += PLAN * (plan & plan_masks[j]).bit_count() + AUDIENCE * (audience & audience_masks[j]).bit_count()
            shared = (vocab & vocabulary[j]).bit_count()
            overlap = shared / (size + sizes[j] - shared) if shared else 0.0
            if overlap >= MIN_OVERLAP:
                score += WORDS * overlap
            if score > 0:
                out.append((-round(score, 9), self.practices[j].slug, j, overlap))
        return out

    def by_labels(self, i: int, close: int) -> list[tuple[float, str, int, float]]:
        """The best of the other practices, scored by the areas and destinatari they share alone: the
        lowest bits of each score level are the first slugs, so only MAX_RELATED are looked at."""
        p = self.practices[i]
        same_area = self.areas[p.data.area_tematica]
        plan_planes = _planes([self.plans[x] for x in p.data.aree_strategiche])
        audience_planes = _planes([self.audiences[x] for x in p.data.destinatari])
        levels: dict[float, int] = {}
        for in_area in (True, False):
            area_bits = same_area if in_area else self.everyone & ~same_area
            for s in range(len(p.data.aree_strategiche) + 1):
                with_plans = area_bits & _exactly(plan_planes, s, self.everyone)
                for t in range(len(p.data.destinatari) + 1):
                    key = round((AREA if in_area else 0.0) + PLAN * s + AUDIENCE * t, 9)
                    if key > 0:
                        levels[key] = levels.get(key, 0) | (with_plans & _exactly(audience_planes, t, self.everyone))
        out: list[tuple[float, str, int, float]] = []
        for key in sorted(levels, reverse=True):
            for j in _members(levels[key] & ~close & ~(1 << i)):
                out.append((-key, self.practices[j].slug, j, 0.0))
                if len(out) == MAX_RELATED:
                    return out
        return out


class Choice:
    """'Pratiche simili' one practice at a time: what every choice shares (the catalogue's bitsets) is
    made once, before a build forks its workers, and each task then chooses for its own practices,
    the same choice as for the whole catalogue at once."""

    def __init__(self, site: Site, stop_words: frozenset[str]) -> None:
        self.practices = sorted(site.practices, key=lambda p: p.slug)
        self.bits = _Bits(self.practices, [_words(p, stop_words) for p in self.practices])
        self.number = {p.slug: i for i, p in enumerate(self.practices)}

    def one(self, i: int, pairs: list[int] | None = None) -> tuple[Related, ...]:
        """The best MAX_RELATED for practice ``i`` (in slug order), by score, then slug."""
        bits, practices = self.bits, self.practices
        close = bits.candidates(i)
        if pairs is not None:
            pairs.append(close.bit_count())
        best = heapq.nsmallest(MAX_RELATED, bits.scored(i, close) + bits.by_labels(i, close))
        return tuple(
            Related(
                practices[j],
                _reason(
                    practices[i],
                    practices[j],
                    bits.plan_masks[i] & bits.plan_masks[j],
                    bits.audience_masks[i] & bits.audience_masks[j],
                    overlap,
                ),
            )
            for _, _, j, overlap in best
        )

    def related(self, slugs: list[str]) -> dict[str, tuple[Related, ...]]:
        """The choice for the practices ``slugs`` names, by slug."""
        return {slug: self.one(self.number[slug]) for slug in slugs}


def _compute(site: Site, stop_words: frozenset[str], pairs: list[int] | None = None) -> dict[str, tuple[Related, ...]]:
    """The best MAX_RELATED by score, then slug, scoring only the practices that may share words:
    candidates for the 'temi simili' bonus are scored one by one (see RARE and POOL); every other
    practice scores by the areas and destinatari it shares alone."""
    choice = Choice(site, stop_words)
    return {p.slug: choice.one(i, pairs) for i, p in enumerate(choice.practices)}


def _reason(p: PracticeRecord, q: PracticeRecord, plans: int, audiences: int, overlap: float) -> str:
    """One line saying why: 'stessa area tematica, stessi destinatari'."""
    reasons = []
    if q.data.area_tematica == p.data.area_tematica:
        reasons.append("stessa area tematica")
    if plans:
        reasons.append("stessa area del V Piano" if plans.bit_count() == 1 else "stesse aree del V Piano")
    if audiences:
        reasons.append("stessi destinatari")
    if overlap >= MIN_OVERLAP:
        reasons.append("temi simili")
    text = ", ".join(reasons)
    return text[:1].upper() + text[1:]
