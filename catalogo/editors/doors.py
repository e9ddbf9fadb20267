"""The ways in a page offers, for people with or without a GitHub account: a practice's interest
form pre-filled, the same form as an e-mail (its body exactly as GitHub renders a submitted form,
so 'segnalazione' reads a saved message as it reads an issue), the proposal by e-mail, and the
links to correct a practice or report a mistake in it."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from catalogo.content.contract import SiteSettings, Vocabularies
from catalogo.content.load import CONTENT_DIR, PRACTICES_DIR
from catalogo.content.records import PracticeRecord
from catalogo.editors.decap import github_repo
from catalogo.editors.formbody import render_body
from catalogo.editors.issueforms import INTEREST_FILE, form_url, interest_form, proposal_form

INTEREST_SUBJECT = "Interesse a replicare: {titolo}"
PROPOSAL_SUBJECT = "Proposta: una buona pratica da segnalare"


def mailto(address: str, subject: str, body: str) -> str:
    """A mailto: address with a subject and a body (RFC 6068: line ends as CRLF, everything encoded)."""
    text = body.replace("\r\n", "\n").replace("\n", "\r\n")
    return f"mailto:{address}?subject={quote(subject, safe='')}&body={quote(text, safe='')}"


def interest_form_url(settings: SiteSettings, p: PracticeRecord) -> str | None:
    """The interest form on GitHub, filled in with the practice, when the repository is known."""
    if not settings.repository:
        return None
    return form_url(settings.repository, INTEREST_FILE, pratica=p.slug, title=INTEREST_SUBJECT.format(titolo=p.titolo))


def interest_mail(settings: SiteSettings, vocabularies: Vocabularies, p: PracticeRecord, page: str) -> str | None:
    """The interest form as an e-mail to the editors, with the practice filled in (``page``: its address)."""
    if not settings.contatto_email:
        return None
    body = render_body(interest_form(vocabularies), {"pratica": page})
    return mailto(settings.contatto_email, INTEREST_SUBJECT.format(titolo=p.titolo), body)


def proposal_mail(settings: SiteSettings, vocabularies: Vocabularies) -> str | None:
    """The proposal form as an e-mail to the editors, every field left for the sender."""
    if not settings.contatto_email:
        return None
    return mailto(settings.contatto_email, PROPOSAL_SUBJECT, render_body(proposal_form(vocabularies), {}))


def correction_url(settings: SiteSettings, editor_entry: str | None, p: PracticeRecord) -> str | None:
    """Where to correct the practice: its entry in the web editor when the editor can log in
    (``editor_entry``), else its file's edit page on GitHub when the repository is known."""
    if editor_entry:
        return editor_entry
    if not settings.repository or github_repo(settings.repository) is None:
        return None
    return f"{settings.repository.rstrip('/')}/edit/{settings.ramo}/{CONTENT_DIR}/{PRACTICES_DIR}/{p.slug}.md"


def error_report_url(settings: SiteSettings, p: PracticeRecord, page: str) -> str | None:
    """A new issue about a mistake in the practice, pre-filled with its page; an e-mail when only the
    editors' address is known."""
    subject = f"Errore nella scheda «{p.titolo}»"
    body = f"Pagina: {page}\n\nChe cosa non va (e la fonte che lo mostra):\n"
    if settings.repository and github_repo(settings.repository):
        return f"{settings.repository.rstrip('/')}/issues/new?" + urlencode({"title": subject, "body": body})
    if settings.contatto_email:
        return mailto(settings.contatto_email, subject, body)
    return None
