"""Reading a submitted issue form: the Markdown body GitHub makes of it.

A submitted form is a body of ``### <label>`` sections, each followed by a blank line and the
value; an empty optional field reads ``_No response_``; a multiple dropdown gives the chosen labels
joined by ``, ``; checkboxes are ``- [X] label`` / ``- [ ] label``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from catalogo.content.contract import Vocabularies
from catalogo.core.diagnostics import Diagnostic
from catalogo.core.text import fold
from catalogo.editors.issueforms import NO_RESPONSE, FormField, IssueForm, forms

# The bullets and numbers people type before an item of a list: '- ', '* ', '• ', '1. ', '2) '.
BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")


def spellings(terms: Iterable[tuple[str, str]]) -> dict[str, str]:
    """How a person may write each (identifier, label) of a list of choices, folded -> identifier:
    the identifier, with spaces for '_' and '-', or the label."""
    return {
        fold(spelling): identifier
        for identifier, label in terms
        for spelling in (identifier, identifier.replace("_", " ").replace("-", " "), label)
    }


MAX_BODY = 65536  # GitHub's own limit for an issue body


@dataclass
class FormAnswers:
    """What a submitted form says, by field id, with the body line of each field's heading."""

    form: IssueForm
    values: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)


def which_form(text: str, vocabularies: Vocabularies) -> IssueForm | None:
    """The form a body was submitted from, told by the first heading that is a form's first field."""
    firsts = {form.fields[0].label: form for form in forms(vocabularies)}
    for match in re.finditer(r"^### (.+?)\s*$", text, re.M):
        if match.group(1) in firsts:
            return firsts[match.group(1)]
    return None


def parse_body(form: IssueForm, text: str, path: str) -> tuple[FormAnswers, list[Diagnostic]]:
    """The answers of a body, or every problem at once: missing or unknown headings, a dropdown value
    that is not one of the options, a required field left empty, a checkbox left unticked."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    answers = FormAnswers(form)
    problems: list[Diagnostic] = []
    if len(text.encode("utf-8")) > MAX_BODY:
        return answers, [
            Diagnostic(
                path,
                1,
                1,
                "",
                f"la segnalazione è troppo lunga ({len(text) // 1024} KB): il limite è {MAX_BODY // 1024} KB",
            )
        ]
    lines = text.split("\n")
    headings = [(n, m.group(1)) for n, line in enumerate(lines) if (m := re.fullmatch(r"### (.+?)\s*", line))]
    labels = {f.label: f for f in form.fields}
    # Headings are matched in the form's order: a '### Titolo' typed inside a long answer is text.
    found: dict[str, int] = {}
    position = 0
    for f in form.fields:
        for index in range(position, len(headings)):
            if headings[index][1] == f.label:
                found[f.id] = index
                position = index + 1
                break
    starts = sorted(found.values())
    for f in form.fields:
        if f.id not in found:
            problems.append(
                Diagnostic(
                    path,
                    1,
                    1,
                    f.label,
                    f"manca la sezione «### {f.label}» del modulo: "
                    "non cambiare i titoli delle sezioni quando modifichi la segnalazione",
                )
            )
            continue
        index = found[f.id]
        line, _ = headings[index]
        later = [headings[i][0] for i in starts if i > index]
        end = later[0] if later else len(lines)
        raw = "\n".join(lines[line + 1 : end]).strip()
        answers.lines[f.id] = line + 1
        value, problem = _value(f, raw)
        if problem:
            problems.append(Diagnostic(path, line + 1, 1, f.label, problem))
        answers.values[f.id] = value
    # A heading of its own before the form's first one is not part of any answer: say so. (After it,
    # a '### ...' line is text of the answer it is in, as GitHub shows it.)
    first = min((headings[i][0] for i in found.values()), default=len(lines))
    for line, label in headings:
        if line < first and label not in labels:
            problems.append(
                Diagnostic(
                    path,
                    line + 1,
                    1,
                    "",
                    f"sezione sconosciuta «{label[:80]}»: questo modulo non la prevede e il suo testo non viene usato",
                    "avviso",
                )
            )
    return answers, problems


def _value(f: FormField, raw: str) -> tuple[Any, str]:
    empty = raw in ("", NO_RESPONSE, "None")
    if f.kind == "checkboxes":
        ticked = {m.group(2).strip() for m in re.finditer(r"^- \[([xX ])\] (.+)$", raw, re.M) if m.group(1) != " "}
        missing = [o for o in f.options if o not in ticked]
        return [o for o in f.options if o in ticked], (f"conferma mancante: «{missing[0]}»" if missing else "")
    if empty:
        return ([] if f.multiple else ""), ("campo obbligatorio lasciato vuoto" if f.required else "")
    if f.kind == "dropdown":
        chosen = _exact_options(f, raw)
        if chosen is None:
            chosen = _typed_options(f, raw)
        if chosen is None:
            return ([] if f.multiple else ""), (
                f"«{raw[:80]}» non è tra le scelte del modulo: scegli tra " + ", ".join(f"«{o}»" for o in f.options)
            )
        if not f.multiple and len(chosen) > 1:
            return "", "scegli una sola voce"
        return (chosen if f.multiple else chosen[0]), ""
    return raw, ""


def _exact_options(f: FormField, raw: str) -> list[str] | None:
    """The options as GitHub writes them: labels joined by ', ' (a label may hold a comma)."""
    chosen, rest = [], raw
    while rest:
        match = next(
            (
                o
                for o in sorted(f.options, key=len, reverse=True)
                if rest.startswith(o) and rest[len(o) : len(o) + 2] in ("", ", ")
            ),
            None,
        )
        if match is None:
            return None
        chosen.append(f.values[f.options.index(match)])
        rest = rest[len(match) + 2 :]
    return chosen


def _typed_options(f: FormField, raw: str) -> list[str] | None:
    """The options as a person types them in an e-mail: a label or an identifier, in any case, with
    or without accents, one per line or separated by commas or semicolons."""
    known = spellings(zip(f.values, f.options, strict=True))
    chosen = []
    for part in re.split(r"[,;\n]+", raw):
        part = BULLET.sub("", part).strip().rstrip(".")
        if not part:
            continue
        if fold(part) not in known:
            return None
        chosen.append(known[fold(part)])
    return chosen or None


def render_body(form: IssueForm, values: dict[str, Any]) -> str:
    """The body GitHub writes for a submitted form (parse_body reads it back): each field's heading,
    a blank line, its answer; '_No response_' for an empty one; chosen options by label, joined by
    ', '; checkboxes as '- [X]' or '- [ ]'. ``values``: by field id, text or a list of options (or of
    ticks, for checkboxes)."""
    parts = []
    for f in form.fields:
        value = values.get(f.id)
        if f.kind == "checkboxes":
            ticks = value if isinstance(value, (list, tuple)) else [False] * len(f.options)
            text = "\n".join(
                f"- [{'X' if ticked else ' '}] {option}" for option, ticked in zip(f.options, ticks, strict=True)
            )
        elif isinstance(value, (list, tuple)):
            text = ", ".join(value) or NO_RESPONSE
        else:
            text = str(value or "").strip() or NO_RESPONSE
        parts.append(f"### {f.label}\n\n{text}")
    return "\n\n".join(parts) + "\n"
