"""Related practices: on ordinary catalogues the choice is exactly what scoring every pair picks, and
on a catalogue of alike practices the pairs scored one by one stay near-linear."""

from __future__ import annotations

import heapq
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURE_SITE, ITALIAN_WORDS, NODE_MODULES, ROOT, require
from corpus import write_corpus

from catalogo.content.load import load_site
from catalogo.search.lunr import index_stems, load_stop_words, tokenize, trim
from catalogo.search.related import AREA, AUDIENCE, MAX_RELATED, MIN_OVERLAP, PLAN, WORDS, related_practices


def _words(p, stop_words) -> frozenset[str]:
    """The stems of a practice's title and summary (the definition's 'words')."""
    words = (trim(t) for t in tokenize(f"{p.titolo} {p.data.sintesi}"))
    return frozenset(index_stems(w)[0] for w in words if len(w) > 2 and w not in stop_words)


def every_pair(site, stop_words) -> dict[str, list[str]]:
    """The definition: score every other practice, keep the best four by score, then slug."""
    practices = list(site.practices)
    words = [_words(p, stop_words) for p in practices]
    out = {}
    for i, p in enumerate(practices):
        scored = []
        for j, q in enumerate(practices):
            if j == i:
                continue
            score = AREA if q.data.area_tematica == p.data.area_tematica else 0.0
            score += PLAN * len(set(p.data.aree_strategiche) & set(q.data.aree_strategiche))
            score += AUDIENCE * len(set(p.data.destinatari) & set(q.data.destinatari))
            shared = len(words[i] & words[j])
            overlap = shared / (len(words[i]) + len(words[j]) - shared) if shared else 0.0
            if overlap >= MIN_OVERLAP:
                score += WORDS * overlap
            if score > 0:
                scored.append((-round(score, 9), q.slug))
        out[p.slug] = [slug for _, slug in heapq.nsmallest(MAX_RELATED, scored)]
    return out


@pytest.mark.parametrize("content", [FIXTURE_SITE, ROOT / "content", "sintetico"])
def test_same_choice_as_scoring_every_pair(content, tmp_path: Path) -> None:
    if content == "sintetico":
        require(ITALIAN_WORDS.is_file(), "Debian's witalian word list (/usr/share/dict/italian)")
        content = _with_similar_summaries(write_corpus(tmp_path / "content", 300, body_words=(50, 100)))
    site = load_site(content).site
    stop_words = load_stop_words(NODE_MODULES)
    computed = related_practices(site, stop_words)
    chosen = {slug: [r.practice.slug for r in related] for slug, related in computed.items()}
    assert chosen == every_pair(site, stop_words)
    if len(site.practices) > 100:
        assert all(len(v) == MAX_RELATED for v in chosen.values())
        assert sum(1 for related in computed.values() for r in related if "temi simili" in r.reason) >= 5


def _with_similar_summaries(content: Path) -> Path:
    """Half of the first summary's words in later practices: overlaps on both sides of MIN_OVERLAP."""
    files = sorted((content / "practices").glob("*.md"))
    for k, target in enumerate(files[150:250]):
        source = yaml.load(files[k].read_text(encoding="utf-8").split("---\n")[1], Loader=yaml.CSafeLoader)
        _, front, body = target.read_text(encoding="utf-8").split("---\n", 2)
        data = yaml.load(front, Loader=yaml.CSafeLoader)
        words = source["sintesi"].split()
        data["sintesi"] = " ".join(words[: len(words) * (k % 5 + 1) // 6]) + " " + data["sintesi"]
        data["sintesi"] = data["sintesi"][:480]
        target.write_text(
            "---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False) + "---\n" + body, encoding="utf-8"
        )
    return content


def test_alike_practices_do_not_make_every_pair_a_candidate(tmp_path: Path) -> None:
    """800 practices sharing call area, V Piano area and destinatari (a thematic catalogue): the pairs
    scored one by one grow with the catalogue, not with its square (640,000 pairs). The benchmark
    times 3,000 of them (benchmarks/run.py)."""
    require(ITALIAN_WORDS.is_file(), "Debian's witalian word list (/usr/share/dict/italian)")
    site = load_site(write_corpus(tmp_path / "content", 800, body_words=(1, 2), homogeneous=True)).site
    pairs: list[int] = []
    computed = related_practices(site, load_stop_words(NODE_MODULES), pairs)
    assert len(pairs) == 800 and all(len(v) == MAX_RELATED for v in computed.values())
    assert sum(pairs) < 800 * 200  # at most a couple of hundred candidates each, out of 799
    assert sum(1 for related in computed.values() for r in related if "temi simili" in r.reason) > 50


_CHOICE = """
import json, sys
from pathlib import Path
from catalogo.content.load import load_site
from catalogo.core.npm import NODE_MODULES
from catalogo.search.lunr import load_stop_words
from catalogo.search.related import related_practices
site = load_site(Path(sys.argv[1])).site
chosen = related_practices(site, load_stop_words(NODE_MODULES))
print(json.dumps({k: [[r.practice.slug, r.reason] for r in v] for k, v in sorted(chosen.items())}))
"""


def test_the_choice_is_the_same_in_every_process(synthetic_content) -> None:
    """Python's string hashes change from one process to the next: nothing in the choice may depend
    on the order of a set or a dict of words (300 alike practices reach the candidate limits)."""
    import json
    import os
    import subprocess
    import sys

    runs = [
        subprocess.run(
            [sys.executable, "-c", _CHOICE, str(synthetic_content)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout
        for seed in ("1", "2")
    ]
    assert runs[0] == runs[1]
    assert len(json.loads(runs[0])) == 300
