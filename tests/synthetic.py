"""A large synthetic catalogue for search parity, index size and speed (never published).

Practices are made of real Italian words (Debian's witalian list) drawn with a Zipf-like
law, real Comuni, and every vocabulary, from a fixed seed: the same folder on every machine
that has the same word list.
"""

from __future__ import annotations

import itertools
import random
import shutil
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
WORDS = Path("/usr/share/dict/italian")
# The most frequent Italian words lead the Zipf ranking, as in real text (about half of the tokens).
FUNCTION_WORDS = ("di e il la che per in un a della del non una con le i si è da al dei alla gli delle "
                  "anche nel come più ma sono nella dal lo degli tra questo ha alle ai nei su sul dalla "
                  "o se cui loro dell sulla hanno stato essere ne questa quando dopo perché fra già").split()
COMMON = ("servizi sociali famiglie minori comunità territorio inclusione povertà educativa welfare accesso "
          "accoglienza assistenza autosufficienza anziani disabilità giovani scuola lavoro rete progetto "
          "ambito comune cittadini associazioni volontariato sportello domiciliare centro laboratorio "
          "formazione operatori integrazione salute casa abitare donne violenza sostegno genitori").split()


def _vocabulary_words(seed: int) -> list[str]:
    words = [w for w in WORDS.read_text(encoding="utf-8").split("\n") if w and "'" not in w and w.islower()]
    random.Random(seed).shuffle(words)
    return FUNCTION_WORDS + COMMON + words[:12000]


def write_synthetic_content(target: Path, count: int = 1000, seed: int = 2024, words_per_body: int = 150) -> Path:
    """A content folder with the real settings and tables and ``count`` synthetic practices."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(ROOT / "content", target, ignore=shutil.ignore_patterns("practices"))
    (target / "practices").mkdir()
    rng = random.Random(seed)
    pool = _vocabulary_words(seed)
    cumulative = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(pool))))
    vocab = yaml.safe_load((target / "vocabolari.yml").read_text(encoding="utf-8"))
    comuni = [line.split(",")[1] for line in (target / "territori/comuni.csv").read_text(encoding="utf-8").splitlines()[1:]]

    def text(n: int) -> str:
        return " ".join(rng.choices(pool, cum_weights=cumulative, k=n))

    for i in range(count):
        front = {
            "titolo": f"{text(6).capitalize()} {i}",
            "sintesi": text(40)[:480].rsplit(" ", 1)[0].capitalize() + ".",
            "comune": rng.choice(comuni),
            "area_tematica": rng.choice(list(vocab["area_tematica"])),
            "aree_strategiche": rng.sample(list(vocab["aree_strategiche"]), rng.randint(1, 2)),
            "destinatari": rng.sample(list(vocab["destinatari"]), rng.randint(1, 3)),
            "anno_avvio": rng.randint(2010, 2024),
            "stato": rng.choice(list(vocab["stato"])),
            "risultati": [text(12).capitalize() + "." for _ in range(2)],
            "replicabilita": {"livello": rng.choice(list(vocab["livello_replicabilita"])),
                              "condizioni": [text(10).capitalize() + "."]},
            "fonti": [f"https://example.org/pratica-{i}"],
            "pubblicata": f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        }
        if rng.random() < 0.3:
            front["festival"] = [2024]
        body = "\n\n".join(text(words_per_body // 4).capitalize() + "." for _ in range(4))
        (target / "practices" / f"pratica-sintetica-{i:04d}.md").write_text(
            "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n" + body + "\n",
            encoding="utf-8")
    return target
