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


def _compute(site: Site, stop_words: frozenset[str], pairs: list[int] | None = None) -> dict[str, tuple[Related, ...]]:
    """The best MAX_RELATED by score, then slug, scoring only the practices that may share words.

    Practices are bits of big integers, in slug order (one bitset per area, V Piano area,
    destinatario and word): what a practice shares with all the others is a few bitwise operations.
    Candidates for the 'temi simili' bonus are scored one by one (see RARE and POOL); every other
    practice scores by the areas and destinatari it shares alone, and the lowest bits of each score
    level are the first slugs.
    """
    practices = sorted(site.practices, key=lambda p: p.slug)
    everyone = (1 << len(practices)) - 1
    areas: dict[str, int] = {}
    plans: dict[str, int] = {}
    audiences: dict[str, int] = {}
    by_word: dict[str, int] = {}
    words = [_words(p, stop_words) for p in practices]
    for j, p in enumerate(practices):
        bit = 1 << j
        areas[p.data.area_tematica] = areas.get(p.data.area_tematica, 0) | bit
        for x in p.data.aree_strategiche:
            plans[x] = plans.get(x, 0) | bit
        for x in p.data.destinatari:
            audiences[x] = audiences.get(x, 0) | bit
        for w in words[j]:
            by_word[w] = by_word.get(w, 0) | bit
    frequency = {w: bits.bit_count() for w, bits in by_word.items()}
    word_ids = {w: k for k, w in enumerate(sorted(by_word))}
    vocabulary = [sum(1 << word_ids[w] for w in found) for found in words]  # each practice's words as bits
    plan_bits: dict[str, int] = {}
    audience_bits: dict[str, int] = {}
    plan_masks = [_mask(p.data.aree_strategiche, plan_bits) for p in practices]
    audience_masks = [_mask(p.data.destinatari, audience_bits) for p in practices]
    by_size: dict[int, int] = {}
    for j, found_words in enumerate(words):
        by_size[len(found_words)] = by_size.get(len(found_words), 0) | (1 << j)

    area_of = [p.data.area_tematica for p in practices]
    sizes = [len(found) for found in words]

    out: dict[str, tuple[Related, ...]] = {}
    for i, p in enumerate(practices):
        me = 1 << i
        mine = sorted(words[i], key=lambda w: (frequency[w], w))
        close = 0
        for w in mine:
            if frequency[w] > RARE or (close & ~me).bit_count() >= POOL:
                break
            close |= by_word[w]
        frequent = [by_word[w] for w in mine if frequency[w] > RARE]
        if frequent:
            # Sharing only frequent words, a practice is a candidate if it can reach MIN_OVERLAP:
            # overlap >= t needs shared >= t * (|Wi| + |Wj|) / (1 + t) (the tolerance keeps a float
            # rounding from dropping a pair; score_of makes the exact test).
            word_planes = _planes(frequent)
            needs: dict[int, int] = {}
            for size, bits in by_size.items():
                need = max(1, math.ceil(MIN_OVERLAP * (len(words[i]) + size) / (1 + MIN_OVERLAP) - 1e-6))
                needs[need] = needs.get(need, 0) | bits
            reach = 0
            for need, bits in needs.items():
                reach |= bits & _at_least(word_planes, need, everyone)
            reach &= ~close & ~me
            if reach.bit_count() > POOL:
                reach = _most(word_planes, reach, POOL, everyone)
            close |= reach
        close &= ~me
        if pairs is not None:
            pairs.append(close.bit_count())
        scored = []
        # Every candidate scored exactly, as the pairwise definition does (the hot loop: kept flat).
        area, plan, audience, vocab, size = area_of[i], plan_masks[i], audience_masks[i], vocabulary[i], sizes[i]
        for j in _members(close):
            score = AREA if area_of[j] == area else 0.0
            score += PLAN * (plan & plan_masks[j]).bit_count() + AUDIENCE * (audience & audience_masks[j]).bit_count()
            shared = (vocab & vocabulary[j]).bit_count()
            overlap = shared / (size + sizes[j] - shared) if shared else 0.0
            if overlap >= MIN_OVERLAP:
                score += WORDS * overlap
            if score > 0:
                scored.append((-round(score, 9), practices[j].slug, j, overlap))
        same_area = areas[p.data.area_tematica]
        plan_planes = _planes([plans[x] for x in p.data.aree_strategiche])
        audience_planes = _planes([audiences[x] for x in p.data.destinatari])
        levels: dict[float, int] = {}
        for in_area in (True, False):
            area_bits = same_area if in_area else everyone & ~same_area
            for s in range(len(p.data.aree_strategiche) + 1):
                with_plans = area_bits & _exactly(plan_planes, s, everyone)
                for t in range(len(p.data.destinatari) + 1):
                    score = AREA if in_area else 0.0
                    score += PLAN * s + AUDIENCE * t
                    key = round(score, 9)
                    if key > 0:
                        levels[key] = levels.get(key, 0) | (with_plans & _exactly(audience_planes, t, everyone))
        found = 0
        for key in sorted(levels, reverse=True):
            for j in _members(levels[key] & ~close & ~me):
                scored.append((-key, practices[j].slug, j, 0.0))
                found += 1
                if found == MAX_RELATED:
                    break
            if found == MAX_RELATED:
                break
        best = heapq.nsmallest(MAX_RELATED, scored)
        out[p.slug] = tuple(
            Related(
                practices[j],
                _reason(p, practices[j], plan_masks[i] & plan_masks[j], audience_masks[i] & audience_masks[j], overlap),
            )
            for _, _, j, overlap in best
        )
    return out


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
