"""'Pratiche simili': up to four related practices per practice, computed at build time.

Shared call area, V Piano areas and destinatari, plus the overlap of the words (stems) of
titles and summaries. Deterministic: ties are broken by slug.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

from .model import PracticeRecord, Site
from .search import index_stems, tokenize, trim

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


def related_practices(site: Site, stop_words: frozenset[str]) -> dict[str, tuple[Related, ...]]:
    """Memoized on what the choice depends on, so the dev server does not redo it after a body edit."""
    key = (stop_words, tuple((p.slug, p.data.area_tematica, p.data.aree_strategiche, p.data.destinatari,
                              p.titolo, p.data.sintesi) for p in site.practices))
    by_slug = {p.slug: p for p in site.practices}
    return {slug: tuple(Related(by_slug[other], reason) for other, reason in chosen)
            for slug, chosen in _related_slugs(key, site).items()}


_memo: dict[object, dict[str, tuple[tuple[str, str], ...]]] = {}


def _related_slugs(key: object, site: Site) -> dict[str, tuple[tuple[str, str], ...]]:
    if key not in _memo:
        _memo.clear()  # only the latest catalogue is worth keeping
        computed = _compute(site, key[0])  # type: ignore[index]
        _memo[key] = {slug: tuple((r.practice.slug, r.reason) for r in rs) for slug, rs in computed.items()}
    return _memo[key]


def _compute(site: Site, stop_words: frozenset[str]) -> dict[str, tuple[Related, ...]]:
    practices = list(site.practices)
    plan_bits: dict[str, int] = {}
    audience_bits: dict[str, int] = {}
    plans = [_mask(p.data.aree_strategiche, plan_bits) for p in practices]
    audiences = [_mask(p.data.destinatari, audience_bits) for p in practices]
    words = [_words(p, stop_words) for p in practices]
    postings: dict[str, list[int]] = {}
    for i, ws in enumerate(words):
        for w in ws:
            postings.setdefault(w, []).append(i)
    out: dict[str, tuple[Related, ...]] = {}
    for i, p in enumerate(practices):
        shared_words: dict[int, int] = {}
        for w in words[i]:
            for j in postings[w]:
                shared_words[j] = shared_words.get(j, 0) + 1
        scored = []
        for j, q in enumerate(practices):
            if j == i:
                continue
            score = AREA if q.data.area_tematica == p.data.area_tematica else 0.0
            score += PLAN * (plans[i] & plans[j]).bit_count() + AUDIENCE * (audiences[i] & audiences[j]).bit_count()
            shared = shared_words.get(j, 0)
            overlap = shared / (len(words[i]) + len(words[j]) - shared) if shared else 0.0
            if overlap >= MIN_OVERLAP:
                score += WORDS * overlap
            if score > 0:
                scored.append((-round(score, 9), q.slug, j, overlap))
        best = heapq.nsmallest(MAX_RELATED, scored)
        out[p.slug] = tuple(Related(practices[j], _reason(p, practices[j], plans[i] & plans[j],
                                                            audiences[i] & audiences[j], overlap))
                            for _, _, j, overlap in best)
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
