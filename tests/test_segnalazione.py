"""'segnalazione': a submitted issue form becomes content, or every problem names the field to fix.

Bodies are made from the generated forms exactly as GitHub renders a submitted form.
"""

from __future__ import annotations

import html
import json

import pytest
import yaml
from conftest import ROOT, tree

from catalogo.content.load import load_site
from catalogo.editors.issueforms import NO_RESPONSE, IssueForm, form_url, interest_form, proposal_form
from catalogo.editors.segnalazione import add_replica

VOCABULARIES = load_site(ROOT / "tests/fixtures/site").site.vocabularies
PROPOSAL = proposal_form(VOCABULARIES)
INTEREST = interest_form(VOCABULARIES)
DATE = "2026-05-10"

GOOD_PROPOSAL = {
    "titolo": "Sportello di prossimità per le famiglie",
    "sintesi": "Uno sportello comunale che accoglie, orienta e accompagna le famiglie\nverso i servizi del territorio.",
    "comune": "palo del colle",
    "ambito": "",
    "area_tematica": ["Modalità di erogazione dei servizi"],
    "aree_strategiche": ["Welfare d'accesso", "Famiglie e minori"],
    "destinatari": ["Famiglie"],
    "anno_avvio": "2023",
    "anno_fine": "",
    "stato": ["Attiva"],
    "risultati": "- Oltre 300 famiglie accolte nel primo anno.\n- Tempi di risposta dimezzati.",
    "replicabilita-livello": ["Alta"],
    "replicabilita-condizioni": "Un ufficio comunale dedicato.\nUn'équipe di due assistenti sociali.",
    "ostacoli": "",
    "miglioramenti": "",
    "partner": "Parrocchia del quartiere",
    "risorse-costo_euro": "25.000",
    "risorse-finanziamento": "Fondi comunali",
    "contatti-referente": "Ufficio servizi sociali",
    "contatti-ruolo": "",
    "contatti-email": "",
    "contatti-telefono": "",
    "contatti-sito": "",
    "festival": "",
    "repliche": "",
    "fonti": "https://example.org/notizia-sportello",
    "descrizione": "## Contesto\n\nUn quartiere *periferico*.",
    "conferme": [True, True],
}
EXPECTED_PRACTICE = """---
titolo: Sportello di prossimità per le famiglie
sintesi: Uno sportello comunale che accoglie, orienta e accompagna le famiglie verso i servizi del territorio.
comune: Palo del Colle
area_tematica: modalita-erogazione
aree_strategiche:
  - welfare-accesso
  - famiglie-minori
destinatari:
  - famiglie
anno_avvio: 2023
stato: attiva
risultati:
  - Oltre 300 famiglie accolte nel primo anno.
  - Tempi di risposta dimezzati.
replicabilita:
  livello: alta
  condizioni:
    - Un ufficio comunale dedicato.
    - Un'équipe di due assistenti sociali.
partner:
  - Parrocchia del quartiere
risorse:
  costo_euro: 25000
  finanziamento:
    - Fondi comunali
contatti:
  referente: Ufficio servizi sociali
fonti:
  - https://example.org/notizia-sportello
pubblicata: 2026-05-10
---
## Contesto

Un quartiere *periferico*.
"""
GOOD_INTEREST = {
    "pratica": "https://example.org/catalogo/pratiche/sportello-prova/",
    "territorio": "ambito di andria",
    "stato": ["Interesse espresso"],
    "anno": "2025",
    "fonte": "",
    "contatto": "Ufficio di piano, ufficio.piano@example.org",
    "conferme": [True],
}


def body(form: IssueForm, answers: dict, drop: tuple[str, ...] = ()) -> str:
    """The Markdown GitHub writes for a submitted form."""
    parts = []
    for f in form.fields:
        if f.id in drop:
            continue
        value = answers.get(f.id, "")
        if f.kind == "checkboxes":
            text = "\n".join(
                f"- [{'X' if ticked else ' '}] {option}" for option, ticked in zip(f.options, value, strict=True)
            )
        elif f.kind == "dropdown":
            text = ", ".join(value) or NO_RESPONSE
        else:
            text = value or NO_RESPONSE
        parts.append(f"### {f.label}\n\n{text}")
    return "\n\n".join(parts) + "\n"


@pytest.fixture
def submit(run_cli, make_content, tmp_path):
    """Write a body to a file and run the command on a copy of the fixture content."""
    content = make_content()

    def run(text: str, *extra: str):
        source = tmp_path / "segnalazione.md"
        source.write_text(text, encoding="utf-8")
        before = tree(content)
        result = run_cli("segnalazione", source, "--content", content, "--data", DATE, *extra)
        return result, content, before

    return run


def test_a_valid_proposal_becomes_a_practice_file_check_accepts(submit, run_cli) -> None:
    result, content, before = submit(body(PROPOSAL, GOOD_PROPOSAL))
    assert result.code == 0, result.err
    target = content / "practices/sportello-di-prossimita-per-le-famiglie-palo-del-colle.md"
    assert target.read_text(encoding="utf-8") == EXPECTED_PRACTICE
    assert set(tree(content)) - set(before) == {"practices/" + target.name}
    assert f"Modificato {target}" in result.out
    assert "Nuova pratica «Sportello di prossimità per le famiglie» (Palo del Colle)" in result.out
    assert run_cli("check", "--content", content).code == 0


def test_replications_in_a_proposal_are_read_by_identifier_or_label(submit) -> None:
    lines = "Ambito di Corato; Replica in corso; 2025\nAndria; realizzata\nAmbito di Andria; interesse espresso"
    result, content, _ = submit(body(PROPOSAL, {**GOOD_PROPOSAL, "repliche": lines}))
    assert result.code == 0, result.err
    written = yaml.safe_load(
        (content / "practices/sportello-di-prossimita-per-le-famiglie-palo-del-colle.md")
        .read_text(encoding="utf-8")
        .split("---\n")[1]
    )
    assert [(r["territorio"], r["stato"]) for r in written["repliche"]] == [
        ("Ambito di Corato", "in_corso"),
        ("Andria", "realizzata"),
        ("Ambito di Andria", "interesse"),
    ]


def test_an_interest_adds_one_entry_and_touches_no_other_byte(submit) -> None:
    result, content, before = submit(body(INTEREST, GOOD_INTEREST), "--format", "json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert report["problemi"] == [] and report["modificati"] == [str(content / "practices/sportello-prova.md")]
    assert report["riepilogo"].startswith("Ambito di Andria: interesse a replicare «Sportello unico di prova»")
    old = before["practices/sportello-prova.md"].decode("utf-8")
    new = (content / "practices/sportello-prova.md").read_text(encoding="utf-8")
    added = "repliche:\n  - territorio: Ambito di Andria\n    stato: interesse\n    anno: 2025\n"
    assert new.replace(added, "", 1) == old
    assert {p for p in tree(content) if tree(content)[p] != before.get(p)} == {"practices/sportello-prova.md"}
    assert load_site(content).ok


def test_a_second_interest_of_the_same_territory_is_refused(submit) -> None:
    practice = (ROOT / "tests/fixtures/site/practices/centro-famiglie-prova.md").read_text(encoding="utf-8")
    assert "territorio: Andria" in practice  # a replication the fixture already has
    result, content, before = submit(
        body(INTEREST, {**GOOD_INTEREST, "pratica": "centro-famiglie-prova", "territorio": "andria"})
    )
    assert result.code == 1
    assert "Territorio: Comune di Andria è già tra le repliche di questa pratica (stato: realizzata)" in result.err
    assert tree(content) == before


@pytest.mark.parametrize(
    ("shape", "after"),
    [
        ("repliche: []\n", "repliche:\n  - territorio: Ambito di Andria\n    stato: interesse\n"),
        (
            "repliche:\n  - territorio: Bitonto\n    stato: realizzata  # nota\n\n",
            "repliche:\n  - territorio: Bitonto\n    stato: realizzata  # nota\n"
            "  - territorio: Ambito di Andria\n    stato: interesse\n\n",
        ),
        (
            "repliche:\n- territorio: Bitonto\n  stato: in_corso\n",
            "repliche:\n- territorio: Bitonto\n  stato: in_corso\n- territorio: Ambito di Andria\n  stato: interesse\n",
        ),
        (
            "repliche: [{territorio: Bitonto, stato: interesse}]\n",
            "repliche: [{territorio: Bitonto, stato: interesse}, {territorio: Ambito di Andria, stato: interesse}]\n",
        ),
        ("", "repliche:\n  - territorio: Ambito di Andria\n    stato: interesse\n"),
    ],
)
def test_insertion_is_byte_exact_whatever_the_list_looks_like(shape: str, after: str) -> None:
    page = "---\ntitolo: Prova  # commento\nsintesi: >-\n  Testo\n  piegato\n{}fonti:\n  - https://x.it\n---\nCorpo\n"
    new = add_replica(page.format(shape), {"territorio": "Ambito di Andria", "stato": "interesse"})
    assert new == page.format(after)


WRONG = [  # (field id, wrong answer, the field's label and the start of the message)
    ("titolo", "Uno", "Titolo: troppo corto: servono almeno 5 caratteri (ora 3)"),
    ("sintesi", "Breve.", "Sintesi: troppo corto: servono almeno 40 caratteri (ora 6)"),
    ("comune", "Palo del Cole", "Comune: Comune sconosciuto 'Palo del Cole' (forse intendevi 'Palo del Colle'?)"),
    ("area_tematica", ["Innovazione"], "Area tematica dell'Avviso: «Innovazione» non è tra le scelte del modulo"),
    ("aree_strategiche", [], "Aree strategiche del V Piano: campo obbligatorio lasciato vuoto"),
    ("anno_avvio", "duemila", "Anno di avvio: deve essere un numero intero (ad esempio 2023), non un testo"),
    ("anno_fine", "2020", "Anno di conclusione: l'anno di fine non può precedere l'anno di avvio (2023)"),
    ("risultati", "", "Risultati: campo obbligatorio lasciato vuoto"),
    ("replicabilita-condizioni", "", "Condizioni per replicarla: campo obbligatorio lasciato vuoto"),
    ("contatti-email", "ufficio@", "E-mail: 'ufficio@' non è un indirizzo e-mail valido"),
    ("contatti-sito", "www.comune.it", "Sito web: 'www.comune.it' non è un indirizzo web valido"),
    ("festival", "2019", "Festival: non esiste un'edizione del festival 2019"),
    ("fonti", "non è un indirizzo", "Fonti: 'non è un indirizzo' non è un indirizzo web valido"),
    ("repliche", "Bitontto; interesse", "Repliche: territorio sconosciuto 'Bitontto' (forse intendevi 'Bitonto'?)"),
    ("conferme", [True, False], "Conferme: conferma mancante: «I contatti sono istituzionali"),
]


@pytest.mark.parametrize(("field_id", "value", "message"), WRONG, ids=[w[0] for w in WRONG])
def test_each_wrong_field_is_named_and_nothing_changes(submit, tmp_path, field_id: str, value, message: str) -> None:
    result, content, before = submit(body(PROPOSAL, {**GOOD_PROPOSAL, field_id: value}))
    assert result.code == 1
    lines = [line for line in result.err.splitlines() if ": errore: " in line]
    assert len(lines) == 1 and lines[0].split(": errore: ", 1)[1].startswith(message), result.err
    label = message.split(":")[0]
    heading = body(PROPOSAL, {**GOOD_PROPOSAL, field_id: value}).split("\n").index(f"### {label}") + 1
    assert lines[0].startswith(f"{tmp_path / 'segnalazione.md'}:{heading}:1:")  # the field's line in the body
    assert result.err.rstrip().endswith("Nessun file modificato: correggi la segnalazione.")
    assert tree(content) == before


@pytest.mark.parametrize(
    ("field_id", "value", "message"),
    [
        (
            "pratica",
            "sportello-prov",
            "Pratica: non c'è nel catalogo una pratica «sportello-prov» (forse intendevi 'sportello-prova'?)",
        ),
        (
            "territorio",
            "Ruvo di Pugla",
            "Territorio: territorio sconosciuto «Ruvo di Pugla» (forse intendevi 'Ruvo di Puglia'?)",
        ),
        ("territorio", "Ambito di Corato", "Territorio: Ambito di Corato è il territorio della pratica stessa"),
        ("anno", "2099", "Anno: 2099 è un anno futuro"),
        ("fonte", "delibera 12", "Fonte: 'delibera 12' non è un indirizzo web valido"),
    ],
)
def test_each_wrong_field_of_an_interest_is_named(submit, field_id: str, value: str, message: str) -> None:
    result, content, before = submit(body(INTEREST, {**GOOD_INTEREST, field_id: value}))
    assert result.code == 1 and message in result.err, result.err
    assert tree(content) == before


def test_hostile_text_stays_text(submit, run_cli, tmp_path) -> None:
    hostile = {
        **GOOD_PROPOSAL,
        "titolo": "<script>alert(1)</script> & «Sportello»",
        "sintesi": "titolo: finto\n- voce: {a: b} &ancora *alias !!python/object \"virgolette\" 'apici' #x",
        "partner": "---\n...\n%YAML 1.1",
        "descrizione": "<img src=x onerror=alert(1)> [link](javascript:alert(1))\n\n### Titolo\n\n<!-- c -->",
    }
    result, content, _ = submit(body(PROPOSAL, hostile))
    assert result.code == 0, result.err
    (written,) = [p for p in load_site(content).site.practices if p.titolo.startswith("<script>")]
    assert written.titolo == hostile["titolo"]
    assert written.data.sintesi == " ".join(hostile["sintesi"].split())
    assert written.data.partner == ("---", "...", "%YAML 1.1")
    assert "### Titolo" in written.body  # a heading typed in an answer is part of it, not a new section
    out = tmp_path / "sito"
    assert run_cli("build", "--content", content, "--out", out).code == 0
    page = (out / f"pratiche/{written.slug}/index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "onerror" not in page and "javascript:" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; «Sportello»" in page


def test_bodies_that_are_not_the_form(submit) -> None:
    result, content, before = submit("x" * 1_000_000)
    assert result.code == 1 and "non è una segnalazione inviata con uno dei moduli" in result.err
    result, _, _ = submit(body(PROPOSAL, GOOD_PROPOSAL) + "\n" + "parola " * 150_000)
    assert result.code == 1 and "la segnalazione è troppo lunga" in result.err
    result, _, _ = submit(body(PROPOSAL, GOOD_PROPOSAL, drop=("stato", "fonti")))
    assert result.code == 1
    assert "Stato: manca la sezione «### Stato» del modulo" in result.err
    assert "Fonti: manca la sezione «### Fonti» del modulo" in result.err
    result, _, _ = submit("### Domanda inventata\n\nTesto\n\n" + body(PROPOSAL, GOOD_PROPOSAL))
    assert result.code == 0 and "avviso: sezione sconosciuta «Domanda inventata»" in result.out
    assert len(list((content / "practices").glob("*.md"))) == 1 + sum(p.startswith("practices/") for p in before)


def test_the_practice_page_link_fills_in_the_interest_form(run_cli, make_content, tmp_path) -> None:
    out = tmp_path / "sito"
    repository = "https://github.com/esempio/catalogo"
    assert run_cli("build", "--content", make_content(), "--out", out, "--repository", repository).code == 0
    url = (
        "https://github.com/esempio/catalogo/issues/new?template=interesse-replica.yml&"
        "pratica=sportello-prova&title=Interesse+a+replicare%3A+Sportello+unico+di+prova"
    )
    page = (out / "pratiche/sportello-prova/index.html").read_text(encoding="utf-8")
    assert f'href="{html.escape(url)}"' in page  # the page's own link, pre-filled
    title = "Interesse a replicare: Sportello unico di prova"
    assert form_url(repository, INTEREST.file, pratica="sportello-prova", title=title) == url
    assert INTEREST.fields[0].id == "pratica"  # the field the link fills in
