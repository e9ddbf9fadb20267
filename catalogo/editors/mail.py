"""A proposal or an interest that arrived by e-mail: the message as a mail client saves it (.eml), or
its text copied into a file. The text/plain part is taken whole (MIME headers read, quoted-printable
or base64 undone, the charset from the headers): its sections are the issue form's, as the e-mail
door writes them (doors.py), so 'segnalazione' reads them as it reads an issue. Nothing in a
message is run or rendered: only the plain text is read, as data."""

from __future__ import annotations

import email
import email.policy
import re
from email.message import EmailMessage

from catalogo.core.diagnostics import Diagnostic

# A saved message starts with header lines ('Name: value'), among them at least one of these.
MAIL_HEADERS = {b"mime-version", b"content-type", b"from", b"to", b"subject", b"date", b"received", b"message-id"}
_NAME = re.compile(rb"([A-Za-z][A-Za-z0-9-]*):")


def looks_like_message(raw: bytes) -> bool:
    """True for a message with its headers (an .eml file), False for plain text (a form's body)."""
    head = raw.lstrip().replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]
    names = set()
    for line in head.split(b"\n"):
        if line[:1] in (b" ", b"\t"):  # a header folded on the next line
            continue
        match = _NAME.match(line)
        if match is None:
            return False
        names.add(match.group(1).lower())
    return bool(names & MAIL_HEADERS)


def message_text(raw: bytes, path: str) -> tuple[str | None, list[Diagnostic]]:
    """The text of a saved message's plain-text part, or why it cannot be read (in Italian)."""

    def problem(message: str) -> tuple[None, list[Diagnostic]]:
        return None, [Diagnostic(path, 1, 1, "", message)]

    message = email.message_from_bytes(raw, policy=email.policy.default)
    if not isinstance(message, EmailMessage):  # pragma: no cover - the default policy makes EmailMessage
        return problem("messaggio e-mail non leggibile")
    body = message.get_body(preferencelist=("plain",))
    if body is None:
        kinds = sorted({part.get_content_type() for part in message.walk() if not part.is_multipart()})
        if any(part.get_content_disposition() == "attachment" for part in message.walk()):
            return problem(
                "il messaggio non ha un testo da leggere, solo allegati: copia il modulo nel corpo del messaggio, "
                "come testo semplice"
            )
        return problem(
            f"il messaggio non ha una parte di testo semplice ({', '.join(kinds) or 'nessuna parte'}): chiedi a chi "
            "scrive di inviarlo come testo semplice, o copia il testo del modulo in un file"
        )

    def wrong_charset(detail: str = ":") -> tuple[str | None, list[Diagnostic]]:
        charset = body.get_content_charset() or "non indicata"
        return problem(
            f"il testo del messaggio non è nella codifica che dichiara ({charset}){detail} salvalo di nuovo dal "
            "programma di posta, o copia il testo in un file in UTF-8"
        )

    try:
        text = body.get_content()
    except (LookupError, UnicodeDecodeError) as exc:
        return wrong_charset(f": {type(exc).__name__};")
    if not isinstance(text, str):
        return problem("il testo del messaggio non è leggibile come testo")
    if "\ufffd" in text:  # bytes the declared charset cannot read (the mail library replaces them)
        return wrong_charset()
    return text, []


def submission_text(raw: bytes, path: str) -> tuple[str | None, list[Diagnostic]]:
    """A form's text from a file: a saved message's plain-text part, or the file's own text (UTF-8)."""
    if looks_like_message(raw):
        return message_text(raw, path)
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Diagnostic(path, line, 1, "", "il file non è in UTF-8: salvalo con codifica UTF-8")]
