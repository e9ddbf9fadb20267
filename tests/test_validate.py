"""The content contract: each editor mistake gives exactly one Italian message at its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalogo.content.load import load_site

BASE = """---
titolo: Sportello di prova
sintesi: Una pratica inventata con le sole chiavi obbligatorie, per i test di validazione.
comune: Corato
area_tematica: procedure-amministrative
aree_strategiche:
  - welfare-accesso
destinatari:
  - operatori
anno_avvio: 2019
stato: attiva
risultati:
  - Tempi di risposta dimezzati.
replicabilita:
  livello: media
  condizioni:
    - Un accordo tra i Comuni.
fonti:
  - https://example.org/fonte
pubblicata: 2024-05-10
---
Corpo.
"""


def problems(make_content, text: str, name: str = "nuova.md") -> list[str]:
    folder = make_content({f"practices/{name}": text})
    loaded = load_site(folder)
    prefix = str(folder) + "/"
    return [d.format().replace(prefix, "") for d in sorted(loaded.diagnostics)]


def edit(old: str, new: str) -> str:
    assert old in BASE, old
    return BASE.replace(old, new, 1)


def test_the_base_practice_is_valid(make_content) -> None:
    assert problems(make_content, BASE) == []


CASES = [
    ("missing key", edit("stato: attiva\n", ""), "practices/nuova.md:1:1: errore: stato: chiave obbligatoria mancante"),
    (
        "unknown key with suggestion",
        edit("stato: attiva\n", "stato: attiva\nparner: [Uno]\n"),
        "practices/nuova.md:12:1: errore: parner: chiave sconosciuta 'parner' (forse intendevi 'partner'?)",
    ),
    (
        "unknown nested key",
        edit("  livello: media\n", "  livello: media\n  condizione: x\n"),
        "practices/nuova.md:16:3: errore: replicabilita.condizione: chiave sconosciuta 'condizione' "
        "(forse intendevi 'condizioni'?)",
    ),
    (
        "vocabulary value with suggestion and allowed values",
        edit("stato: attiva", "stato: attivo"),
        "practices/nuova.md:11:8: errore: stato: 'attivo' non è ammesso (forse intendevi 'attiva'?); "
        "valori ammessi: 'attiva', 'conclusa' o 'strutturata'",
    ),
    (
        "long vocabulary: no list, only the suggestion",
        edit("  - operatori", "  - famigle"),
        "practices/nuova.md:9:5: errore: destinatari[1]: 'famigle' non è ammesso (forse intendevi 'famiglie'?)",
    ),
    (
        "call area",
        edit("area_tematica: procedure-amministrative", "area_tematica: innovazione-sociale"),
        "practices/nuova.md:5:16: errore: area_tematica: 'innovazione-sociale' non è ammesso (forse intendevi "
        "'innovazione-socio-educativa'?); valori ammessi: 'processi-organizzativi', 'modalita-erogazione', "
        "'ottimizzazione-risorse', 'procedure-amministrative', 'innovazione-socio-educativa' o 'poverta-educative'",
    ),
    (
        "yes/no where text expected",
        edit("stato: attiva", "stato: no"),
        "practices/nuova.md:11:8: errore: stato: deve essere un testo, non un valore sì/no (YAML legge così yes, no, "
        "on, off, true, false): metti il valore tra virgolette",
    ),
    (
        "text where a list is expected",
        edit("aree_strategiche:\n  - welfare-accesso", "aree_strategiche: welfare-accesso"),
        "practices/nuova.md:6:19: errore: aree_strategiche: deve essere un elenco, non un testo: una voce per riga, "
        "ognuna preceduta da '- '",
    ),
    (
        "empty list",
        edit("  - https://example.org/fonte", "  []").replace("fonti:\n  []", "fonti: []"),
        "practices/nuova.md:18:8: errore: fonti: serve almeno una voce",
    ),
    (
        "too short",
        edit("titolo: Sportello di prova", "titolo: Sp"),
        "practices/nuova.md:2:9: errore: titolo: troppo corto: servono almeno 5 caratteri (ora 2)",
    ),
    (
        "too long",
        edit("titolo: Sportello di prova", "titolo: " + "x" * 161),
        "practices/nuova.md:2:9: errore: titolo: troppo lungo: al massimo 160 caratteri (ora 161)",
    ),
    (
        "year as text",
        edit("anno_avvio: 2019", "anno_avvio: duemila"),
        "practices/nuova.md:10:13: errore: anno_avvio: deve essere un numero intero (ad esempio 2023), non un testo",
    ),
    (
        "year too old",
        edit("anno_avvio: 2019", "anno_avvio: 1980"),
        "practices/nuova.md:10:13: errore: anno_avvio: deve essere almeno 1990",
    ),
    (
        "end before start",
        edit("anno_avvio: 2019\n", "anno_avvio: 2019\nanno_fine: 2018\n"),
        "practices/nuova.md:11:1: errore: anno_fine: l'anno di fine non può precedere l'anno di avvio (2019)",
    ),
    (
        "date",
        edit("pubblicata: 2024-05-10", "pubblicata: 10/05/2024"),
        "practices/nuova.md:20:13: errore: pubblicata: deve essere una data nel formato AAAA-MM-GG "
        "(ad esempio 2024-03-27), non un testo",
    ),
    (
        "url",
        edit("  - https://example.org/fonte", "  - www.example.org"),
        "practices/nuova.md:19:5: errore: fonti[1]: 'www.example.org' non è un indirizzo web valido: scrivilo per "
        "intero, a partire da https://",
    ),
    (
        "email",
        edit("fonti:", "contatti:\n  email: ufficio.example.org\nfonti:"),
        "practices/nuova.md:19:10: errore: contatti.email: 'ufficio.example.org' non è un indirizzo e-mail valido",
    ),
    (
        "result with a measure lacks its value",
        edit("  - Tempi di risposta dimezzati.", "  - indicatore: Tempi"),
        "practices/nuova.md:13:5: errore: risultati[1].valore: chiave obbligatoria mancante",
    ),
    (
        "mapping expected",
        edit("replicabilita:\n  livello: media\n  condizioni:\n    - Un accordo tra i Comuni.", "replicabilita: alta"),
        "practices/nuova.md:14:16: errore: replicabilita: deve essere un gruppo di chiavi ('livello' o 'condizioni'), "
        "non un testo",
    ),
    (
        "no territory",
        edit("comune: Corato\n", ""),
        "practices/nuova.md:1:1: errore: indica almeno una chiave tra 'comune' e 'ambito'",
    ),
    (
        "unknown Comune with suggestion",
        edit("comune: Corato", "comune: Coratto"),
        "practices/nuova.md:4:9: errore: comune: Comune sconosciuto 'Coratto' (forse intendevi 'Corato'?): "
        "usa il nome ufficiale ISTAT",
    ),
    (
        "unknown Ambito with suggestion",
        edit("comune: Corato", "ambito: Bitonta"),
        "practices/nuova.md:4:9: errore: ambito: Ambito sconosciuto 'Bitonta' (forse intendevi 'Bitonto'?): "
        "scrivi il nome dell'Ambito territoriale sociale, ad esempio 'Bitonto'",
    ),
    (
        "Comune outside its verified Ambito",
        edit("comune: Corato", "comune: Corato\nambito: Bitonto"),
        "practices/nuova.md:5:9: errore: ambito: il Comune di Corato fa parte dell'Ambito di Corato, "
        "non dell'Ambito di Bitonto",
    ),
    (
        "Comune outside an unverified Ambito: only a warning",
        edit("comune: Corato", "comune: Andria\nambito: Corato"),
        "practices/nuova.md:5:9: avviso: ambito: secondo la tabella dei territori (appartenenza da verificare) il "
        "Comune di Andria fa parte dell'Ambito di Andria: vale quanto scritto nella scheda, ma correggi "
        "content/territori/comuni.csv se serve",
    ),
    (
        "festival year without edition",
        edit("fonti:", "festival: [2025]\nfonti:"),
        "practices/nuova.md:18:12: errore: festival[1]: non esiste un'edizione del festival 2025 (manca il file "
        "festival/2025.md); anni disponibili: '2024'",
    ),
    (
        "replication in an unknown territory",
        edit("fonti:", "repliche:\n  - territorio: Palo del Cole\n    stato: interesse\nfonti:"),
        "practices/nuova.md:19:17: errore: repliche[1].territorio: territorio sconosciuto 'Palo del Cole' (forse "
        "intendevi 'Palo del Colle'?): scrivi il nome di un Comune pugliese oppure 'Ambito di' seguito dal nome dell'Ambito",
    ),
    (
        "replication of itself",
        edit("fonti:", "repliche:\n  - territorio: Ambito di Corato\n    stato: realizzata\nfonti:"),
        "practices/nuova.md:19:17: errore: repliche[1].territorio: Ambito di Corato è il territorio della pratica "
        "stessa: le repliche sono di altri territori",
    ),
    (
        "repeated value",
        edit("  - operatori", "  - operatori\n  - operatori"),
        "practices/nuova.md:8:1: errore: destinatari: contiene un valore ripetuto",
    ),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_one_mistake_one_message(make_content, text: str, expected: str) -> None:
    assert problems(make_content, text) == [expected]


def test_file_name_must_be_a_slug(make_content) -> None:
    assert problems(make_content, BASE, name="Sportello Nuovo.md") == [
        "practices/Sportello Nuovo.md:1:1: errore: nome del file non valido 'Sportello Nuovo.md': usa solo lettere "
        "minuscole senza accenti, cifre e trattini, ad esempio 'centro-famiglie-bitonto.md'"
    ]


def test_every_problem_of_every_file_is_reported_at_once(make_content) -> None:
    folder = make_content(
        {
            "practices/a-uno.md": edit("stato: attiva", "stato: attivo").replace("comune: Corato", "comune: Coratto"),
            "practices/b-due.md": edit("titolo: Sportello di prova", "titolo: x"),
            "festival/2024.md": "---\ntitolo: solo\n---\n",
        }
    )
    loaded = load_site(folder)
    assert loaded.site is None
    where = [(Path(d.path).name, d.line, d.key) for d in sorted(loaded.diagnostics)]
    assert ("a-uno.md", 4, "comune") in where and ("a-uno.md", 11, "stato") in where
    assert ("b-due.md", 2, "titolo") in where
    assert sum(1 for w in where if w[0] == "2024.md") == 10  # every missing key of the edition


def test_festival_presenters_and_file_year_are_checked(make_content) -> None:
    text = (Path(__file__).parent / "fixtures/site/festival/2024.md").read_text(encoding="utf-8")
    text = text.replace("  - Bitonto\n", "  - Bitontto\n").replace("data: 2024-03-27", "data: 2023-03-27")
    assert problems(make_content, BASE) == []
    folder = make_content({"festival/2024.md": text})
    found = [d.format().replace(str(folder) + "/", "") for d in sorted(load_site(folder).diagnostics)]
    assert found == [
        "festival/2024.md:4:7: errore: data: la data è del 2023 ma il file si chiama 2024.md: il nome del file è "
        "l'anno dell'edizione",
        "festival/2024.md:19:5: errore: enti_presentatori[1]: territorio sconosciuto 'Bitontto' (forse intendevi "
        "'Bitonto'?): scrivi il nome di un Comune pugliese oppure 'Ambito di' seguito dal nome dell'Ambito",
    ]


def test_unverified_ambito_is_derived_and_flagged(make_content) -> None:
    site = load_site(make_content()).site
    andria = next(p for p in site.practices if p.slug == "andria-prova")
    assert andria.ambito.nome == "Andria" and andria.ambito_verificato is False
    assert andria.provincia.sigla == "BT"
    bitonto = next(p for p in site.practices if p.slug == "centro-famiglie-prova")
    assert bitonto.ambito_verificato is True


def test_the_avvisos_candidacy_rule_is_a_warning(make_content) -> None:
    """One practice per Comune or Ambito at an edition, plus a second only in educational poverty."""
    presented = edit("fonti:", "festival: [2024]\nfonti:")
    second = presented.replace("area_tematica: procedure-amministrative", "area_tematica: poverta-educative")
    folder = make_content({"practices/a-prima.md": presented, "practices/b-seconda.md": second})
    assert (
        load_site(folder).ok
        and [d for d in load_site(folder).diagnostics if d.severity == "avviso" and "Avviso" in d.message] == []
    )  # the second is in educational poverty
    folder = make_content({"practices/a-prima.md": presented, "practices/b-seconda.md": presented})
    loaded = load_site(folder)
    assert loaded.ok  # a warning: the build goes on, and annotations show it
    warned = [d.format().replace(str(folder) + "/", "") for d in sorted(loaded.diagnostics)]
    message = (
        "avviso: festival[1]: Comune di Corato risulta avere 2 pratiche presentate al festival 2024 "
        "(a-prima.md, b-seconda.md): l'Avviso ammetteva una pratica per ente, più una seconda solo "
        "nell'area «Contrasto alle povertà educative». Controlla anni e territori delle schede"
    )
    assert warned == [f"practices/a-prima.md:18:12: {message}", f"practices/b-seconda.md:18:12: {message}"]


def test_the_dev_servers_cache_follows_the_vocabularies(make_content) -> None:
    """A rebuild of 'serve' must reject what 'check' rejects, even when only vocabolari.yml changed."""
    from catalogo.content.load import BuildCache

    content = make_content()
    cache = BuildCache()
    assert load_site(content, drafts=True, cache=cache).ok
    vocabularies = content / "vocabolari.yml"
    vocabularies.write_text(
        vocabularies.read_text(encoding="utf-8").replace("  attiva:", "  in-corso:"), encoding="utf-8"
    )
    fresh = load_site(content, drafts=True)
    cached = load_site(content, drafts=True, cache=cache)
    assert not fresh.ok and "'attiva' non è ammesso" in " ".join(d.message for d in fresh.diagnostics)
    assert sorted(cached.diagnostics) == sorted(fresh.diagnostics)
