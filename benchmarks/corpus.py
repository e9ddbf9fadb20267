"""A deterministic synthetic catalogue: N valid practices for benchmarks and scale tests (never published).

Bodies are Italian text drawn from Debian's word list (package ``witalian``) with a Zipf-like
law, led by the most frequent Italian words, in the shape editors write: sections, lists,
emphasis and links. Territories come from the reference tables, one practice in seven belongs
to a whole Ambito, and every field of the contract appears. The same seed gives the same
folder on every machine that has the same word list.
"""

from __future__ import annotations

import csv
import itertools
import random
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
WORDS = Path("/usr/share/dict/italian")
# The most frequent Italian words lead the Zipf ranking, as in real text (about half of the tokens).
FUNCTION_WORDS = (
    "di e il la che per in un a della del non una con le i si è da al dei alla gli delle "
    "anche nel come più ma sono nella dal lo degli tra questo ha alle ai nei su sul dalla "
    "o se cui loro dell sulla hanno stato essere ne questa quando dopo perché fra già"
).split()
COMMON = (
    "servizi sociali famiglie minori comunità territorio inclusione povertà educativa welfare accesso "
    "accoglienza assistenza autosufficienza anziani disabilità giovani scuola lavoro rete progetto "
    "ambito comune cittadini associazioni volontariato sportello domiciliare centro laboratorio "
    "formazione operatori integrazione salute casa abitare donne violenza sostegno genitori"
).split()
SECTIONS = ("Contesto", "Obiettivi", "Metodo", "Attività", "Risultati", "Cosa serve per replicarla")
BODY_WORDS = (300, 1500)


class WordListMissing(Exception):
    pass


def _vocabulary_words(seed: int) -> list[str]:
    try:
        text = WORDS.read_text(encoding="utf-8")
    except OSError as exc:
        raise WordListMissing(f"{WORDS} is missing: install Debian's 'witalian' package") from exc
    words = [w for w in text.split("\n") if w and "'" not in w and w.islower()]
    random.Random(seed).shuffle(words)
    return FUNCTION_WORDS + COMMON + words[:12000]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


class _Writer:
    """Random Italian-looking text from one seeded generator."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.pool = _vocabulary_words(seed)
        self.cumulative = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(self.pool))))

    def words(self, n: int) -> list[str]:
        return self.rng.choices(self.pool, cum_weights=self.cumulative, k=n)

    def sentence(self, n: int) -> str:
        return " ".join(self.words(n)).capitalize() + "."

    def paragraph(self, n: int) -> str:
        out, left = [], n
        while left > 0:
            size = min(left, self.rng.randint(8, 24))
            out.append(self.sentence(size))
            left -= size
        return " ".join(out)


def _body(w: _Writer, total: int, i: int) -> tuple[str, int]:
    """Sections of paragraphs, one bulleted and one numbered list, bold words and a link."""
    rng = w.rng
    share = [rng.uniform(0.6, 1.4) for _ in SECTIONS]
    budgets = [max(20, round(total * s / sum(share))) for s in share]
    parts, written = [], 0
    for number, (title, budget) in enumerate(zip(SECTIONS, budgets, strict=True)):
        parts.append(f"## {title}")
        if number == 3:
            items = [w.sentence(rng.randint(5, 12)) for _ in range(rng.randint(3, 5))]
            parts.append("\n".join(f"- {item}" for item in items))
            budget -= sum(len(item.split()) for item in items)
            written += sum(len(item.split()) for item in items)
        if number == 2:
            items = [w.sentence(rng.randint(5, 10)) for _ in range(3)]
            parts.append("\n".join(f"{k}. {item}" for k, item in enumerate(items, start=1)))
            budget -= sum(len(item.split()) for item in items)
            written += sum(len(item.split()) for item in items)
        while budget > 0:
            size = min(budget, rng.randint(40, 120))
            text = w.paragraph(size).split(" ")
            if rng.random() < 0.3:
                k = rng.randrange(len(text))
                text[k] = f"**{text[k].rstrip('.')}**" + ("." if text[k].endswith(".") else "")
            if rng.random() < 0.1:
                text.append(f"[Scheda del progetto {i}](https://example.org/progetti/{i}).")
            parts.append(" ".join(text))
            budget -= size
            written += size
    return "\n\n".join(parts) + "\n", written


def write_corpus(
    target: Path,
    count: int,
    *,
    seed: int = 2024,
    body_words: tuple[int, int] = BODY_WORDS,
    content: Path = ROOT / "content",
    homogeneous: bool = False,
) -> Path:
    """A content folder with the real settings, vocabularies and tables, and ``count`` practices.

    ``homogeneous``: every practice shares its call area, V Piano area and destinatari (a thematic
    catalogue, or one grown from a single call), the worst case for 'Pratiche simili'."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(content, target, ignore=shutil.ignore_patterns("practices"))
    (target / "practices").mkdir()
    w = _Writer(seed)
    rng = w.rng
    vocab = yaml.safe_load((target / "vocabolari.yml").read_text(encoding="utf-8"))
    comuni = [row["nome"] for row in _rows(target / "territori" / "comuni.csv")]
    ambiti = [row["nome"] for row in _rows(target / "territori" / "ambiti.csv")]

    def pick(name: str) -> str:
        return str(rng.choice(list(vocab[name])))

    def sample(name: str, low: int, high: int) -> list[str]:
        return rng.sample(list(vocab[name]), rng.randint(low, high))

    def some(make: Callable[[], Any], low: int, high: int) -> list[Any]:
        return [make() for _ in range(rng.randint(low, high))]

    for i in range(count):
        start = rng.randint(2010, 2024)
        front: dict[str, Any] = {
            "titolo": f"{' '.join(w.words(rng.randint(3, 9))).capitalize()} {i}",
            "sintesi": w.sentence(rng.randint(20, 45))[:480],
        }
        if rng.random() < 1 / 7:
            front["ambito"] = rng.choice(ambiti)
        else:
            front["comune"] = rng.choice(comuni)
        if homogeneous:
            front |= {
                "area_tematica": "poverta-educative",
                "aree_strategiche": ["famiglie-minori"],
                "destinatari": ["minori", "famiglie"],
            }
        else:
            front |= {
                "area_tematica": pick("area_tematica"),
                "aree_strategiche": sample("aree_strategiche", 1, 3),
                "destinatari": sample("destinatari", 1, 4),
            }
        front |= {
            "anno_avvio": start,
            "stato": pick("stato"),
        }
        if front["stato"] == "conclusa":
            front["anno_fine"] = rng.randint(start, 2025)
        front |= {
            "risultati": some(lambda: w.sentence(rng.randint(6, 16)), 1, 3)
            + [
                {
                    "indicatore": " ".join(w.words(3)),
                    "valore": rng.randint(5, 5000),
                    "note": w.sentence(rng.randint(4, 10)),
                }
            ],
            "replicabilita": {
                "livello": pick("livello_replicabilita"),
                "condizioni": some(lambda: w.sentence(rng.randint(6, 14)), 1, 3),
            },
            "ostacoli": some(lambda: w.sentence(rng.randint(8, 18)), 0, 2),
            "miglioramenti": some(lambda: w.sentence(rng.randint(6, 14)), 0, 2),
            "partner": some(lambda: f"Associazione {' '.join(w.words(2)).title()}", 0, 3),
            "risorse": {"costo_euro": rng.randint(5, 500) * 1000, "finanziamento": [f"Fondo {' '.join(w.words(2))}"]},
            "contatti": {
                "referente": f"Ufficio di Piano {i}",
                "ruolo": "Responsabile",
                "email": f"pratica{i}@example.org",
                "telefono": f"080 {rng.randint(1000000, 9999999)}",
                "sito": f"https://example.org/pratica-{i}",
            },
        }
        if rng.random() < 0.05:
            front["festival"] = [2024]
        if rng.random() < 0.1:
            elsewhere = rng.choice([c for c in comuni[:40] if c != front.get("comune")])
            front["repliche"] = [
                {"territorio": elsewhere, "stato": pick("stato_replica"), "anno": rng.randint(start, 2025)}
            ]
        front["fonti"] = [f"https://example.org/fonti/pratica-{i}"]
        front["pubblicata"] = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        body, _ = _body(w, rng.randint(*body_words), i)
        (target / "practices" / f"pratica-sintetica-{i:05d}.md").write_text(
            "---\n"
            + yaml.dump(front, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False, width=100)  # libyaml: 10x
            + "---\n"
            + body,
            encoding="utf-8",
        )
    return target
