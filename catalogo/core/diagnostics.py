"""Problems found in the content, as data: formatted as text, JSON or GitHub annotations."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Literal, TextIO

Severity = Literal["errore", "avviso"]


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem at one place; ordering sorts by file, then line, then column."""

    path: str
    line: int
    col: int
    key: str
    message: str
    severity: Severity = "errore"

    def format(self) -> str:
        key = f"{self.key}: " if self.key else ""
        return f"{self.path}:{self.line}:{self.col}: {self.severity}: {key}{self.message}"


def errors(diags: Iterable[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diags if d.severity == "errore"]


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def summary(diags: list[Diagnostic], files_checked: int) -> str:
    n_err = len(errors(diags))
    n_warn = len(diags) - n_err
    files = _plural(files_checked, "file", "file")
    if not diags:
        return f"Nessun problema in {files}."
    parts = []
    if n_err:
        parts.append(_plural(n_err, "errore", "errori"))
    if n_warn:
        parts.append(_plural(n_warn, "avviso", "avvisi"))
    return f"{' e '.join(parts)} in {files}."


def format_text(diags: list[Diagnostic], files_checked: int) -> str:
    lines = [d.format() for d in sorted(diags)]
    lines.append(summary(diags, files_checked))
    return "\n".join(lines) + "\n"


def format_json(diags: list[Diagnostic]) -> str:
    return json.dumps([asdict(d) for d in sorted(diags)], ensure_ascii=False, indent=2) + "\n"


def _escape_annotation(text: str, is_property: bool = False) -> str:
    # GitHub's workflow-command escaping rules.
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if is_property:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def format_github(diags: list[Diagnostic]) -> str:
    out = []
    for d in sorted(diags):
        command = "error" if d.severity == "errore" else "warning"
        title = _escape_annotation(d.key or "contenuto", is_property=True)
        props = f"file={_escape_annotation(d.path, True)},line={d.line},col={d.col},title={title}"
        out.append(f"::{command} {props}::{_escape_annotation(d.message)}")
    return "\n".join(out) + ("\n" if out else "")


def format_step_summary(diags: list[Diagnostic], files_checked: int) -> str:
    """Markdown for $GITHUB_STEP_SUMMARY: GitHub shows only a few annotations per step."""
    head = "## Controllo dei contenuti\n\n" + summary(diags, files_checked) + "\n"
    if not diags:
        return head
    rows = ["", "| File | Riga | Tipo | Chiave | Problema |", "|---|---|---|---|---|"]
    for d in sorted(diags):
        cells = [d.path, str(d.line), d.severity, d.key, d.message]
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return head + "\n".join(rows) + "\n"


def report(diags: list[Diagnostic], files: int, fmt: str, stdout: TextIO, stderr: TextIO) -> None:
    """Problems as a command prints them: JSON, or text on stderr when any is an error ('check' always
    prints its summary); under GitHub Actions also as annotations and in the job's summary."""
    if fmt == "json":
        stdout.write(format_json(diags))
    elif diags or fmt == "check":
        (stderr if errors(diags) else stdout).write(format_text(diags, files))
    if os.environ.get("GITHUB_ACTIONS") == "true":
        stdout.write(format_github(diags))
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary:
            with open(summary, "a", encoding="utf-8") as fh:
                fh.write(format_step_summary(diags, files))
