"""Front matter parsing: positions, encodings and every YAML trap reported with its line."""

from __future__ import annotations

import datetime as dt

import pytest

from catalogo.content.documents import format_key, load_folder, parse_document


def parse(text: str | bytes):
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return parse_document(raw, "p.md", "p")


def messages(text: str | bytes) -> list[str]:
    doc, diags = parse(text)
    return [d.format() for d in diags]


def test_positions_of_keys_and_values_are_file_lines() -> None:
    doc, diags = parse("---\ntitolo: Uno\nrisultati:\n  - a\n  - indicatore: x\n    valore: 3\n---\nCorpo\n")
    assert diags == []
    assert doc.data == {"titolo": "Uno", "risultati": ["a", {"indicatore": "x", "valore": 3}]}
    assert doc.keys[("titolo",)] == (2, 1)
    assert doc.values[("titolo",)] == (2, 9)
    assert doc.values[("risultati", 1, "valore")] == (6, 13)
    assert doc.body == "Corpo\n"
    assert doc.body_line == 8


def test_bom_and_crlf_are_accepted_with_the_same_lines() -> None:
    doc, diags = parse(b"\xef\xbb\xbf---\r\ntitolo: Uno\r\ndata: 2024-03-27\r\n---\r\nCorpo\r\n")
    assert diags == []
    assert doc.data == {"titolo": "Uno", "data": dt.date(2024, 3, 27)}
    assert doc.values[("data",)] == (3, 7)
    assert doc.body == "Corpo\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "titolo: Uno\n",
            "p.md:1:1: errore: manca il front matter: il file deve iniziare con una riga '---', "
            "poi le chiavi, poi un'altra riga '---'",
        ),
        ("---\ntitolo: Uno\n", "p.md:1:1: errore: front matter non chiuso: manca la riga '---' dopo l'ultima chiave"),
        ("---\n---\nCorpo\n", "p.md:1:1: errore: il front matter è vuoto: mancano tutte le chiavi"),
        ("---\n# solo un commento\n---\n", "p.md:1:1: errore: il front matter è vuoto: mancano tutte le chiavi"),
        (
            "---\n- a\n- b\n---\n",
            "p.md:2:1: errore: il contenuto deve essere un elenco di coppie 'chiave: valore', una per riga",
        ),
        (
            "---\nsolo testo\n---\n",
            "p.md:2:1: errore: il contenuto deve essere un elenco di coppie 'chiave: valore', una per riga",
        ),
        (
            "---\ntitolo: a\ntitolo: b\n---\n",
            "p.md:3:1: errore: titolo: chiave ripetuta (già presente alla riga 2): tienine una sola",
        ),
        ("---\ntitolo: a\n\tsintesi: b\n---\n", "p.md:3:1: errore: carattere di tabulazione: nel YAML usa gli spazi"),
        (
            "---\ntitolo: Ora: 9\n---\n",
            "p.md:2:12: errore: sintassi YAML non valida: qui non può iniziare una coppia "
            "'chiave: valore': se il valore contiene ':' mettilo tra virgolette",
        ),
        (
            "---\ntitolo: [a, b\nstato: x\n---\n",
            "p.md:3:6: errore: sintassi YAML non valida: elenco tra parentesi quadre non chiuso (aperto alla riga 2)",
        ),
        (
            '---\ntitolo: "aperte\n---\n',
            "p.md:3:1: errore: sintassi YAML non valida: virgolette o parentesi non chiuse (aperto alla riga 2)",
        ),
        (  # two places, two messages: the anchor and the alias
            "---\na: &x uno\nb: *x\n---\n",
            [
                "p.md:2:4: errore: ancore e alias YAML ('&' e '*') non sono ammessi: scrivi il valore per intero",
                "p.md:3:4: errore: ancore e alias YAML ('&' e '*') non sono ammessi: scrivi il valore per intero",
            ],
        ),
        (
            "---\npubblicata: 2024-02-30\n---\n",
            "p.md:2:13: errore: pubblicata: valore non valido '2024-02-30': se è "
            "un testo mettilo tra virgolette, se è una data usa AAAA-MM-GG",
        ),
        (
            "---\n1: uno\n---\n",
            "p.md:2:1: errore: chiave non valida '1': le chiavi sono parole minuscole seguite da ':'",
        ),
    ],
)
def test_each_yaml_mistake_is_one_message_at_its_line(text: str, expected: str | list[str]) -> None:
    assert messages(text) == (expected if isinstance(expected, list) else [expected])


def test_non_utf8_file_names_the_line_of_the_first_bad_byte() -> None:
    assert messages(b"---\ntitolo: ok\nsintesi: citt\xe0\n---\n") == [
        "p.md:3:14: errore: il file non è in UTF-8: salvalo con codifica UTF-8 (in genere l'opzione «UTF-8» di "
        "«Salva con nome»)"
    ]


def test_alias_bomb_is_refused_without_expanding_it() -> None:
    lines = ["---", 'a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [
        f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]"
        for i in range(1, 12)
    ]
    doc, diags = parse("\n".join(lines + ["---", ""]))
    assert doc is None
    assert diags and all("ancore e alias YAML" in d.message for d in diags)
    assert diags[0].line == 2


def test_oversized_file_is_refused() -> None:
    doc, diags = parse("---\ntitolo: x\n---\n" + "a" * 600_000)
    assert doc is None
    assert diags[0].message.startswith("file troppo grande (")


def test_yaml_scalars_keep_their_yaml_types() -> None:
    doc, _ = parse("---\na: no\nb: 1.10\nc: '1.10'\nd: 2024\n---\n")
    assert doc.data == {"a": False, "b": 1.1, "c": "1.10", "d": 2024}


def test_format_key_counts_list_items_from_one() -> None:
    assert format_key(("risultati", 1, "indicatore")) == "risultati[2].indicatore"
    assert format_key(()) == ""


def test_folder_loading_is_sorted_and_checks_file_names(tmp_path) -> None:
    (tmp_path / "b-due.md").write_text("---\nt: 2\n---\n", encoding="utf-8")
    (tmp_path / "a-uno.md").write_text("---\nt: 1\n---\n", encoding="utf-8")
    (tmp_path / "Nome Sbagliato.md").write_text("---\nt: 3\n---\n", encoding="utf-8")
    (tmp_path / "nota.txt").write_text("x", encoding="utf-8")
    result = load_folder(tmp_path, slug_hint="usa minuscole e trattini")
    assert [d.stem for d in result.docs] == ["Nome Sbagliato", "a-uno", "b-due"]
    assert result.files == 3
    found = sorted((d.severity, d.message) for d in result.diagnostics)
    assert found == [
        ("avviso", "file ignorato: le schede devono avere estensione .md"),
        ("errore", "nome del file non valido 'Nome Sbagliato.md': usa minuscole e trattini"),
    ]
