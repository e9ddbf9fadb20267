"""The ways in without a GitHub account: the interest and the proposal as e-mails whose bodies are
the forms' sections, read back by 'segnalazione' from a message saved as .eml (every way a mail
client encodes it) or as text; and the links to correct a practice or report a mistake."""

from __future__ import annotations

import email.policy
import html
import re
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import yaml
from conftest import ROOT, tree

from catalogo.content.load import load_site
from catalogo.editors.formbody import parse_body, render_body
from catalogo.editors.issueforms import NO_RESPONSE, interest_form, proposal_form

VOCABULARIES = load_site(ROOT / "tests/fixtures/site").site.vocabularies


def _built(run_cli, content: Path, out: Path, *extra: str) -> Path:
    assert run_cli("build", "--content", content, "--out", out, *extra).code == 0
    return out


def _mailto(page: str, text: str) -> tuple[str, str, str]:
    """The address, subject and body of the mailto: link whose text is ``text``."""
    href = re.search(rf'href="(mailto:[^"]+)"[^>]*>{re.escape(text)}<', page)
    assert href, text
    parts = urlsplit(html.unescape(href.group(1)))
    query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    return unquote(parts.path), query["subject"], query["body"]


def _filled(body: str) -> str:
    """What a person writes in place of '_No response_' (as they would type it, not as GitHub would)."""
    answers = {
        "Territorio": "ambito di andria",
        "Stato della replica": "interesse espresso",
        "Anno": "2025",
        "Contatto istituzionale": "Ufficio di piano, ufficio.piano@example.org",
    }
    for label, answer in answers.items():
        body = body.replace(f"### {label}\r\n\r\n{NO_RESPONSE}", f"### {label}\r\n\r\n{answer}")
    return body.replace("- [ ]", "- [x]")


def _message(body: str, *, cte: str = "quoted-printable", charset: str = "utf-8", alternative: bool = False) -> bytes:
    message = EmailMessage(policy=email.policy.default)
    message["From"] = "Ufficio di piano <ufficio.piano@example.org>"
    message["To"] = "redazione@example.org"
    message["Subject"] = "Interesse a replicare: Sportello unico di prova"
    message.set_content(body, charset=charset, cte=cte)
    if alternative:
        message.add_alternative(f"<p>{html.escape(body)}</p>", subtype="html", charset=charset)
    return message.as_bytes()


MESSAGES = {
    "testo": lambda body: body.encode("utf-8"),
    "quoted-printable": lambda body: _message(body),
    "base64": lambda body: _message(body, cte="base64"),
    "multipart/alternative in latin-1": lambda body: _message(
        body, cte="quoted-printable", charset="iso-8859-1", alternative=True
    ),
    "8bit": lambda body: _message(body, cte="8bit"),
}


@pytest.mark.parametrize("kind", MESSAGES)
def test_the_interest_sent_by_e_mail_becomes_a_replication(run_cli, make_content, tmp_path, kind: str) -> None:
    content = make_content()
    out = _built(run_cli, content, tmp_path / "sito")
    page = (out / "pratiche/sportello-prova/index.html").read_text(encoding="utf-8")
    address, subject, body = _mailto(page, "Dichiara l'interesse per e-mail")
    assert address == "redazione@example.org" and subject == "Interesse a replicare: Sportello unico di prova"
    assert body.replace("\r\n", "\n") == render_body(interest_form(VOCABULARIES), {"pratica": "sportello-prova"})
    saved = tmp_path / "messaggio.eml"
    saved.write_bytes(MESSAGES[kind](_filled(body)))
    result = run_cli("segnalazione", saved, "--content", content)
    assert result.code == 0, result.err
    front = yaml.safe_load((content / "practices/sportello-prova.md").read_text(encoding="utf-8").split("---\n")[1])
    assert front["repliche"][-1] == {"territorio": "Ambito di Andria", "stato": "interesse", "anno": 2025}


BAD_MESSAGES = {
    "html only": (
        lambda: _html_only(),
        "il messaggio non ha una parte di testo semplice (text/html)",
    ),
    "attachment only": (lambda: _attachment_only(), "il messaggio non ha un testo da leggere, solo allegati"),
    "wrong charset": (
        lambda: _wrong_charset(),
        "il testo del messaggio non è nella codifica che dichiara (utf-8)",
    ),
}


def _html_only() -> bytes:
    message = EmailMessage(policy=email.policy.default)
    message["Subject"] = "Interesse"
    message.set_content("<p>### Pratica</p><script>alert(1)</script>", subtype="html")
    return message.as_bytes()


def _attachment_only() -> bytes:
    message = EmailMessage(policy=email.policy.default)
    message["Subject"] = "Interesse"
    message.add_attachment(b"### Pratica\n\nsportello-prova\n", maintype="text", subtype="plain", filename="modulo.txt")
    return message.as_bytes()


def _wrong_charset() -> bytes:
    body = "### Pratica\n\nsportello-prova\n\n### Territorio\n\nCittà\n".encode("latin-1")
    head = b"Subject: Interesse\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
    return head + b"Content-Transfer-Encoding: 8bit\n\n" + body


@pytest.mark.parametrize("kind", BAD_MESSAGES)
def test_a_message_without_readable_text_is_a_problem_and_changes_nothing(
    run_cli, make_content, tmp_path, kind
) -> None:
    content = make_content()
    before = tree(content)
    make, message = BAD_MESSAGES[kind]
    saved = tmp_path / "messaggio.eml"
    saved.write_bytes(make())
    result = run_cli("segnalazione", saved, "--content", content)
    assert result.code == 1 and message in result.err and "Traceback" not in result.err
    assert "Nessun file modificato" in result.err
    assert tree(content) == before


def test_the_proposal_sent_by_e_mail_is_the_proposal_form(run_cli, make_content, tmp_path) -> None:
    out = _built(run_cli, make_content(), tmp_path / "sito")
    page = (out / "proponi/index.html").read_text(encoding="utf-8")
    _, subject, body = _mailto(page, "scrivi alla redazione")
    form = proposal_form(VOCABULARIES)
    assert body.replace("\r\n", "\n") == render_body(form, {})
    answers, problems = parse_body(form, body, "messaggio")
    assert {p.key for p in problems} >= {"Titolo", "Sintesi", "Fonti"}  # what the sender still has to write
    assert subject.startswith("Proposta")


def _links(page: str) -> dict[str, str]:
    return {text: html.unescape(href) for href, text in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', page)}


def test_correct_and_report_a_practice(run_cli, make_content, tmp_path) -> None:
    repository = "https://github.com/esempio/catalogo"
    content = make_content()
    page = _built(run_cli, content, tmp_path / "a", "--repository", repository) / "pratiche/sportello-prova/index.html"
    links = _links(page.read_text(encoding="utf-8"))
    assert links["Correggi questa scheda"] == f"{repository}/edit/main/content/practices/sportello-prova.md"
    report = urlsplit(links["Segnala un errore"])
    assert report.path == "/esempio/catalogo/issues/new"
    assert parse_qs(report.query)["title"] == ["Errore nella scheda «Sportello unico di prova»"]
    # Without a repository: no file to correct, the report goes by e-mail.
    links = _links(
        (_built(run_cli, content, tmp_path / "b") / "pratiche/sportello-prova/index.html").read_text("utf-8")
    )
    assert "Correggi questa scheda" not in links and links["Segnala un errore"].startswith("mailto:redazione@")
    # With the web editor able to log in: its entry.
    settings = content / "sito.yml"
    settings.write_text(
        settings.read_text("utf-8") + f"repository: {repository}\neditor_auth_url: https://auth.example.org\n", "utf-8"
    )
    links = _links(
        (_built(run_cli, content, tmp_path / "c") / "pratiche/sportello-prova/index.html").read_text("utf-8")
    )
    assert links["Correggi questa scheda"] == "/admin/#/collections/pratiche/entries/sportello-prova"
