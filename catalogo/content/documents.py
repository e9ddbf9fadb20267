"""Read content files and split them into front matter (with line numbers) and body.

YAML is parsed with ``yaml.compose`` rather than ``yaml.safe_load`` so that every key and
value keeps its line, repeated keys are caught, and alias expansion never happens.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

from catalogo.core.diagnostics import Diagnostic

MAX_FILE_BYTES = 512 * 1024
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FM_BOUNDARY = YAMLHandler.FM_BOUNDARY
# libyaml's parser when PyYAML was built with it (the PyPI wheels are): same events and marks, ~10x faster.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_STR = "tag:yaml.org,2002:str"
Pos = tuple[int, int]
KeyPath = tuple[str | int, ...]


@dataclass(frozen=True)
class RawDoc:
    """A file whose front matter parsed into plain Python values, with positions."""

    path: str  # as shown to editors
    stem: str
    data: dict[str, Any]
    values: dict[KeyPath, Pos]  # position of each value node
    keys: dict[KeyPath, Pos]  # position of each mapping key
    body: str
    body_line: int  # file line where the body starts
    fm_line: int  # file line of the opening '---'
    text: str = ""  # the whole file, decoded, with \n line ends

    def pos(self, path: KeyPath, *, key: bool = False) -> Pos:
        """Best position for a (possibly partial) key path: the deepest node that exists."""
        table = self.keys if key else self.values
        while path:
            if path in table:
                return table[path]
            if path in self.values:
                return self.values[path]
            path = path[:-1]
        return (self.fm_line, 1)


@dataclass
class LoadResult:
    docs: list[RawDoc] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: int = 0


def display_path(path: Path) -> str:
    """Paths relative to the working directory, as editors and GitHub annotations expect."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path.as_posix()
    return Path(rel).as_posix() if not rel.startswith("..") else path.as_posix()


_YAML_PROBLEMS = [
    (
        "mapping values are not allowed",
        "qui non può iniziare una coppia 'chiave: valore': se il valore contiene ':' mettilo tra virgolette",
    ),
    ("could not find expected ':'", "manca ':' dopo la chiave, oppure il rientro non è coerente"),
    ("found unexpected end of stream", "virgolette o parentesi non chiuse"),
    ("expected <block end>", "rientro non coerente con le righe precedenti"),
    ("did not find expected key", "rientro non coerente: manca una chiave a questo livello"),
    ("did not find expected '-' indicator", "rientro non coerente in un elenco"),
    ("expected ',' or ']'", "elenco tra parentesi quadre non chiuso"),
    ("expected ',' or '}'", "gruppo tra parentesi graffe non chiuso"),
    ("found unknown escape character", "sequenza di escape non valida: usa le virgolette singole"),
    (
        "found character that cannot start any token",
        "carattere non ammesso a inizio valore: metti il valore tra virgolette",
    ),
    ("expected a single document", "il front matter deve contenere un solo documento YAML"),
    ("found unexpected ':'", "':' inatteso: metti il valore tra virgolette"),
    ("found undefined", "valore non valido: mettilo tra virgolette"),
]


def _yaml_problem(exc: yaml.MarkedYAMLError, line0: int) -> str:
    text = f"{exc.context or ''} {exc.problem or ''}"
    where = ""
    if exc.context_mark and exc.problem_mark and exc.context_mark.line != exc.problem_mark.line:
        where = f" (aperto alla riga {line0 + exc.context_mark.line})"
    for needle, italian in _YAML_PROBLEMS:
        if needle in text:
            return f"sintassi YAML non valida: {italian}{where}"
    return f"sintassi YAML non valida: controlla rientri, due punti e virgolette{where}"


class _Builder:
    """Turns a composed YAML node tree into Python values, recording positions."""

    def __init__(self, path: str, line0: int) -> None:
        self.path = path
        self.line0 = line0
        self.values: dict[KeyPath, Pos] = {}
        self.keys: dict[KeyPath, Pos] = {}
        self.diagnostics: list[Diagnostic] = []
        self._constructor = yaml.SafeLoader("")

    def at(self, node: yaml.Node) -> Pos:
        return (self.line0 + node.start_mark.line, node.start_mark.column + 1)

    def error(self, node: yaml.Node, key: str, message: str) -> None:
        line, col = self.at(node)
        self.diagnostics.append(Diagnostic(self.path, line, col, key, message))

    def build(self, node: yaml.Node, path: KeyPath) -> Any:
        self.values[path] = self.at(node)
        if isinstance(node, yaml.MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                    shown = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
                    self.error(
                        key_node,
                        format_key(path),
                        f"chiave non valida '{shown}': le chiavi sono parole minuscole seguite da ':'",
                    )
                    continue
                name = key_node.value
                child = path + (name,)
                if name in result:
                    first = self.keys[child][0]
                    self.error(
                        key_node,
                        format_key(child),
                        f"chiave ripetuta (già presente alla riga {first}): tienine una sola",
                    )
                    continue
                self.keys[child] = self.at(key_node)
                result[name] = self.build(value_node, child)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        if node.tag == _STR:
            return node.value  # what SafeConstructor would return, without its bookkeeping
        try:
            return self._constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError):
            self.error(
                node,
                format_key(path),
                f"valore non valido '{node.value}': se è un testo mettilo tra virgolette, se è una data usa AAAA-MM-GG",
            )
            return node.value


def format_key(path: KeyPath) -> str:
    """`risultati[2].indicatore`: list positions counted from 1, as editors count."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += ("." if out else "") + part
    return out


def _decode(raw: bytes, path: str) -> tuple[str | None, list[Diagnostic]]:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [
            Diagnostic(
                path,
                line,
                col,
                "",
                "il file non è in UTF-8: salvalo con codifica UTF-8 (in genere l'opzione «UTF-8» di «Salva con nome»)",
            )
        ]
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        return None, [Diagnostic(path, line, 1, "", "il file contiene caratteri nulli: non sembra un file di testo")]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


def parse_document(raw: bytes, path: str, stem: str) -> tuple[RawDoc | None, list[Diagnostic]]:
    """Parse one file; returns the document or the reasons it could not be read."""
    if len(raw) > MAX_FILE_BYTES:
        return None, [
            Diagnostic(
                path, 1, 1, "", f"file troppo grande ({len(raw) // 1024} KB): il limite è {MAX_FILE_BYTES // 1024} KB"
            )
        ]
    text, problems = _decode(raw, path)
    if text is None:
        return None, problems
    opening = FM_BOUNDARY.match(text)
    if not opening:
        return None, [
            Diagnostic(
                path,
                1,
                1,
                "",
                "manca il front matter: il file deve iniziare "
                "con una riga '---', poi le chiavi, poi un'altra riga '---'",
            )
        ]
    closing = FM_BOUNDARY.search(text, opening.end())
    if not closing:
        return None, [Diagnostic(path, 1, 1, "", "front matter non chiuso: manca la riga '---' dopo l'ultima chiave")]
    fm = text[opening.end() : closing.start()]
    line0 = text.count("\n", 0, opening.end()) + 1
    body_start = closing.end() + (1 if text[closing.end() : closing.end() + 1] == "\n" else 0)
    body_line = text.count("\n", 0, body_start) + 1

    parsed, diags = _parse_yaml(fm, path, line0)
    if parsed is None:
        return None, diags
    data, builder = parsed
    doc = RawDoc(path, stem, data, builder.values, builder.keys, text[body_start:], body_line, 1, text)
    return doc, diags


def _parse_yaml(text: str, path: str, line0: int) -> tuple[tuple[dict[str, Any], _Builder] | None, list[Diagnostic]]:
    diags = []
    for offset, row in enumerate(text.split("\n")):
        if "\t" in row:
            diags.append(
                Diagnostic(
                    path, line0 + offset, row.index("\t") + 1, "", "carattere di tabulazione: nel YAML usa gli spazi"
                )
            )
    if diags:
        return None, diags
    if not text.strip():
        return None, [Diagnostic(path, 1, 1, "", "il front matter è vuoto: mancano tutte le chiavi")]
    try:
        # An anchor needs '&' and an alias '*': without either, the event pass has nothing to find.
        events = yaml.parse(text, Loader=_LOADER) if "&" in text or "*" in text else ()
        for event in events:
            anchor = getattr(event, "anchor", None)
            if isinstance(event, yaml.AliasEvent) or anchor is not None:
                line = line0 + event.start_mark.line
                diags.append(
                    Diagnostic(
                        path,
                        line,
                        event.start_mark.column + 1,
                        "",
                        "ancore e alias YAML ('&' e '*') non sono ammessi: scrivi il valore per intero",
                    )
                )
        if diags:
            return None, diags
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = line0 + (mark.line if mark else 0)
        col = (mark.column + 1) if mark else 1
        return None, [Diagnostic(path, line, col, "", _yaml_problem(exc, line0))]
    except yaml.YAMLError:
        return None, [Diagnostic(path, line0, 1, "", "sintassi YAML non valida")]
    if root is None:
        return None, [Diagnostic(path, 1, 1, "", "il front matter è vuoto: mancano tutte le chiavi")]
    builder = _Builder(path, line0)
    if not isinstance(root, yaml.MappingNode):
        builder.error(root, "", "il contenuto deve essere un elenco di coppie 'chiave: valore', una per riga")
        return None, builder.diagnostics
    data = builder.build(root, ())
    return (data, builder), builder.diagnostics


def parse_yaml_file(raw: bytes, path: str) -> tuple[RawDoc | None, list[Diagnostic]]:
    """A plain YAML settings file, with the same checks and positions as front matter."""
    text, problems = _decode(raw, path)
    if text is None:
        return None, problems
    parsed, diags = _parse_yaml(text, path, 1)
    if parsed is None:
        return None, diags
    data, builder = parsed
    return RawDoc(path, Path(path).stem, data, builder.values, builder.keys, "", 1, 1), diags


ParseCache = dict[str, tuple[bytes, RawDoc | None, list[Diagnostic]]]


@dataclass(frozen=True)
class Scanned:
    doc: RawDoc | None
    diagnostics: list[Diagnostic]
    counted: bool  # a content file (.md), as opposed to a stray file that was only reported


def scan_folder(
    folder: Path,
    *,
    slug_re: re.Pattern[str] = SLUG_RE,
    slug_hint: str = "",
    cache: ParseCache | None = None,
    pending: Mapping[str, bytes] | None = None,
) -> Iterator[Scanned]:
    """Every ``*.md`` of a folder, sorted by name so the build is deterministic, one at a time:
    a document can be checked and let go before the next is read (10,000 files in flat memory).

    With a cache (the dev server's), files whose bytes did not change are not parsed again.
    ``pending`` (file name -> bytes) stands for files as they would be once written: a change is
    checked before anything touches the disk.
    """
    pending = pending or {}
    if not folder.is_dir() and not pending:
        return
    on_disk = {f.name: f for f in folder.iterdir()} if folder.is_dir() else {}
    for name in sorted(on_disk.keys() | pending.keys()):
        file = on_disk.get(name, folder / name)
        path = display_path(file)
        if name in pending:
            doc, diags = parse_document(pending[name], path, file.stem)
            yield Scanned(doc, _slug_problems(file, path, slug_re, slug_hint) + diags, True)
            continue
        if file.name.startswith(".") or not file.is_file():
            continue
        if file.suffix != ".md":
            yield Scanned(
                None,
                [Diagnostic(path, 1, 1, "", "file ignorato: le schede devono avere estensione .md", "avviso")],
                False,
            )
            continue
        raw = file.read_bytes()
        cached = cache.get(path) if cache is not None else None
        if cached is None or cached[0] != raw:
            cached = (raw, *parse_document(raw, path, file.stem))
            if cache is not None:
                cache[path] = cached
        yield Scanned(cached[1], _slug_problems(file, path, slug_re, slug_hint) + cached[2], True)


def _slug_problems(file: Path, path: str, slug_re: re.Pattern[str], slug_hint: str) -> list[Diagnostic]:
    if slug_re.match(file.stem):
        return []
    return [Diagnostic(path, 1, 1, "", f"nome del file non valido '{file.name}': {slug_hint}")]


def load_folder(
    folder: Path,
    *,
    slug_re: re.Pattern[str] = SLUG_RE,
    slug_hint: str = "",
    cache: ParseCache | None = None,
    pending: Mapping[str, bytes] | None = None,
) -> LoadResult:
    """scan_folder, all at once."""
    result = LoadResult()
    for scanned in scan_folder(folder, slug_re=slug_re, slug_hint=slug_hint, cache=cache, pending=pending):
        result.diagnostics.extend(scanned.diagnostics)
        result.files += scanned.counted
        if scanned.doc is not None:
            result.docs.append(scanned.doc)
    return result
