"""The web editor at /admin/ (Decap CMS): its configuration, generated from the contract.

Every key of a practice and of a festival edition becomes a form field with the contract's
Italian label and help (schema.py), its vocabulary as a select, the Comuni and Ambiti of the
reference tables as searchable selects, and the client-side rules Decap can express (required,
lengths, web addresses, years). What Decap cannot express (a Comune *or* an Ambito, the future
year, cross-file checks) is caught by ``check`` in CI on the pull request the editor opens.

The files Decap writes go through the ``catalogo-frontmatter-<collection>`` formats registered by
``theme/admin/catalogo-cms.js``: keys in the contract's order, empty optional keys left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel

from catalogo.content.contract import FestivalEdition, Practice, SiteSettings
from catalogo.content.keys import LONG_TEXT, Key, keys_of
from catalogo.content.load import CONTENT_DIR, FESTIVAL_DIR, PRACTICES_DIR
from catalogo.content.records import Site
from catalogo.core.text import fold
from catalogo.opendata.schemas import festival_schema, practice_schema, resolve_ref

FORMAT = "catalogo-frontmatter"
# The practices collection: its name is in its entries' addresses (/admin/#/collections/pratiche/...).
PRACTICES_COLLECTION = "pratiche"
CONFIG_FILE = "schema/cms.yml"
URL_PATTERN = [r"^https?://[^\s/]+\.[^\s]+$", "Un indirizzo web completo, che inizia con https://"]
EMAIL_PATTERN = [r"^[^@\s]+@[^@\s]+\.[^@\s]+$", "Un indirizzo e-mail completo, con @ e il dominio"]
COMMIT_MESSAGES = {
    "create": "Nuova scheda: {{collection}} «{{slug}}»",
    "update": "Modifica della scheda: {{collection}} «{{slug}}»",
    "delete": "Eliminazione della scheda: {{collection}} «{{slug}}»",
    "uploadMedia": "Caricamento di «{{path}}»",
    "deleteMedia": "Eliminazione di «{{path}}»",
    "openAuthoring": "{{message}}",
}


@dataclass(frozen=True)
class Backend:
    """Where the editor saves: a GitHub repository with an OAuth service, or decap-server on this
    machine (``serve``)."""

    repo: str | None = None  # "owner/name"
    branch: str = "main"
    auth_url: str | None = None
    auth_endpoint: str | None = None
    proxy_url: str | None = None  # decap-server's API, for 'serve'
    content_dir: str = CONTENT_DIR  # the content folder inside the repository
    unavailable: str | None = None  # why the local editor could not start ('serve')

    @classmethod
    def from_settings(cls, settings: SiteSettings, repository: str | None = None) -> Backend:
        return cls(
            github_repo(repository or settings.repository),
            settings.ramo,
            settings.editor_auth_url,
            settings.editor_auth_endpoint,
        )

    def missing(self) -> list[str]:
        """What an editor's login still needs, in Italian (empty when the editor can work)."""
        if self.unavailable:
            return [self.unavailable]
        if self.proxy_url:
            return []
        problems = []
        if self.repo is None:
            problems.append(
                "l'indirizzo del repository GitHub del catalogo (chiave 'repository' di "
                "content/sito.yml, ad esempio https://github.com/<proprietario>/<nome>)"
            )
        if self.auth_url is None:
            problems.append("il servizio di accesso con GitHub (chiave 'editor_auth_url' di content/sito.yml)")
        return problems


def github_repo(url: str | None) -> str | None:
    """'https://github.com/owner/name' -> 'owner/name' (None for anything else)."""
    if not url:
        return None
    parts = urlsplit(url)
    match = re.fullmatch(r"/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)(?:\.git)?/?", parts.path)
    if parts.netloc != "github.com" or match is None:
        return None
    return f"{match.group(1)}/{match.group(2)}"


def _length_rule(spec: dict[str, Any]) -> list[str] | None:
    low, high = spec.get("minLength", 0), spec.get("maxLength")
    if high is None:
        return None
    if low <= 1:
        return [rf"^[\s\S]{{0,{high}}}$", f"Al massimo {high} caratteri"]
    return [rf"^\s*\S[\s\S]{{{low - 2},{high - 2}}}\S\s*$", f"Da {low} a {high} caratteri"]


def _options(spec: dict[str, Any]) -> list[dict[str, str]]:
    return [{"label": spec["x-etichette"][v], "value": v} for v in spec["enum"]]


class _Fields:
    """JSON Schema properties -> Decap fields, with the site's territories and festival years; the
    contract's keys (content/keys.py) say which values are territories and how a list's item is called."""

    def __init__(self, site: Site, defs: dict[str, Any], model: type[BaseModel]) -> None:
        self.defs = defs
        self.keys = {k.path: k for top in keys_of(model) for k in top.walk()}
        t = site.territories
        self.comuni: list[Any] = [c.nome for c in sorted(t.comuni.values(), key=lambda c: fold(c.nome))]
        ambiti = sorted(t.ambiti.values(), key=lambda a: fold(a.nome))
        self.ambiti = [{"label": a.denominazione, "value": a.nome} for a in ambiti]
        # Replications and presenters name a Comune, or an Ambito as 'Ambito di X' (territory.find).
        self.territori = self.comuni + [{"label": a.denominazione, "value": a.riferimento} for a in ambiti]
        self.years = [{"label": str(e.anno), "value": e.anno} for e in site.editions]

    def field(self, name: str, raw: dict[str, Any], required: bool, path: str = "") -> dict[str, Any]:
        path = path or name
        key = self.keys.get(path)
        spec = resolve_ref(raw, self.defs)
        out: dict[str, Any] = {"name": name, "label": spec.get("title", name)}
        if spec.get("description"):
            out["hint"] = spec["description"]
        out["required"] = required
        items = resolve_ref(spec.get("items", {}), self.defs)
        kind = spec.get("type")
        if key is not None and key.territory:
            options = {"comune": self.comuni, "ambito": self.ambiti, "territorio": self.territori}[key.territory]
            out.update(widget="select", options=list(options), multiple=kind == "array")
        elif name == "festival":
            out.update(widget="select", options=self.years, multiple=True)
        elif "enum" in spec:
            out.update(widget="select", options=_options(spec))
        elif kind == "array" and "enum" in items:
            out.update(widget="select", multiple=True, options=_options(items))
        elif kind == "array" and "oneOf" in items:
            out.update(
                widget="list",
                typeKey="tipo",
                summary="{{fields.indicatore}}",
                collapsed=False,
                types=[self._variant(resolve_ref(b, self.defs), path, key) for b in items["oneOf"]],
            )
            if spec.get("minItems"):  # Decap checks a required list only once it has an item (decap-cms#5381)
                out["default"] = [{"tipo": "testo", "testo": ""}]
        elif kind == "array" and items.get("type") == "object":
            out.update(widget="list", fields=self._object_fields(items, path), collapsed=False)
        elif kind == "array":
            one = key.singular if key and key.singular else name
            out.update(
                widget="list", collapsed=False, field=self.field(one, {**items, "title": one.capitalize()}, True, path)
            )
            out["field"].pop("hint", None)
            if spec.get("minItems"):  # see above: an empty first item makes Decap check the list
                out["default"] = [""]
        elif kind == "object":
            out.update(widget="object", collapsed=False, fields=self._object_fields(spec, path))
        else:
            out.update(self._scalar(spec))
        if kind == "array" and out.get("widget") == "list" and key is not None and key.singular:
            out["label_singular"] = key.singular
        if kind == "array" and spec.get("minItems"):
            out["min"] = spec["minItems"]
        return out

    def _object_fields(self, spec: dict[str, Any], path: str) -> list[dict[str, Any]]:
        required = set(spec.get("required", []))
        return [self.field(k, v, k in required, f"{path}.{k}") for k, v in spec["properties"].items()]

    def _variant(self, spec: dict[str, Any], path: str, key: Key | None) -> dict[str, Any]:
        """One kind of item of a two-kind list: a sentence, or a measure (catalogo-cms.js writes the
        sentence as a string); its label is the contract's (Variant)."""
        labels = {variant.kind == "group": label for label, variant in key.variants} if key else {}
        if spec.get("type") == "object":
            return {
                "name": "misura",
                "label": labels.get(True, "misura"),
                "widget": "object",
                "collapsed": False,
                "fields": self._object_fields(spec, path),
            }
        one = key.singular if key and key.singular else "testo"
        return {
            "name": "testo",
            "label": labels.get(False, "testo"),
            "widget": "object",
            "collapsed": False,
            "fields": [self.field("testo", {**spec, "title": one.capitalize()}, True, path)],
        }

    def _scalar(self, spec: dict[str, Any]) -> dict[str, Any]:
        kind = spec.get("type")
        if spec.get("format") == "date":
            return {
                "widget": "datetime",
                "format": "YYYY-MM-DD",
                "date_format": "DD/MM/YYYY",
                "time_format": False,
                "picker_utc": True,
            }
        if kind == "integer" or (kind is None and "anyOf" in spec):  # a measure's value: number or text
            if kind is None:
                return {"widget": "string"}
            rule = {"widget": "number", "value_type": "int"}
            bounds = (("min", spec.get("minimum")), ("max", spec.get("maximum")))
            rule.update({k: v for k, v in bounds if v is not None})
            return rule
        if kind == "number":
            rule = {"widget": "number", "value_type": "float"}
            if spec.get("minimum") is not None:
                rule["min"] = spec["minimum"]
            return rule
        out: dict[str, Any] = {"widget": "text" if spec.get("maxLength", 0) > LONG_TEXT else "string"}
        if spec.get("format") == "uri":
            out["pattern"] = URL_PATTERN
        elif spec.get("format") == "email":
            out["pattern"] = EMAIL_PATTERN
        elif (length := _length_rule(spec)) is not None:
            out["pattern"] = length
        return out


def _collection_fields(site: Site, schema: dict[str, Any], model: type[BaseModel]) -> list[dict[str, Any]]:
    fields = _Fields(site, schema.get("$defs", {}), model)
    required = set(schema.get("required", []))
    return [fields.field(name, spec, name in required) for name, spec in schema["properties"].items()]


BODY = {
    "name": "body",
    "label": "Testo",
    "widget": "markdown",
    "required": False,
    "buttons": ["bold", "italic", "link", "heading-two", "heading-three", "quote", "bulleted-list", "numbered-list"],
    "editor_components": [],
    "modes": ["rich_text", "raw"],
}


def collections(site: Site, content_dir: str = CONTENT_DIR) -> list[dict[str, Any]]:
    """The two collections, from the contract: practices and festival editions."""
    body_help = (
        "Contesto, obiettivi, attività, metodo e risultati, in parole semplici. "
        "Usa i titoletti per le sezioni; ogni fatto deve trovarsi nelle fonti."
    )
    return [
        {
            "name": PRACTICES_COLLECTION,
            "label": "Pratiche",
            "label_singular": "Pratica",
            "description": "Le schede delle buone pratiche. Ogni salvataggio diventa una proposta di modifica "
            "(pull request) che la redazione controlla prima della pubblicazione.",
            "folder": f"{content_dir}/{PRACTICES_DIR}",
            "extension": "md",
            "format": f"{FORMAT}-pratiche",
            "create": True,
            "delete": False,
            "slug": "{{titolo}}",
            "identifier_field": "titolo",
            "summary": "{{titolo}}",
            "sortable_fields": ["titolo", "pubblicata"],
            "preview_path": "pratiche/{{slug}}/",
            "fields": [
                *_collection_fields(site, practice_schema(site.vocabularies, site.territories), Practice),
                {**BODY, "hint": body_help},
            ],
        },
        {
            "name": "festival",
            "label": "Festival",
            "label_singular": "Edizione del festival",
            "description": "Le edizioni del Festival delle buone pratiche: il nome del file è l'anno.",
            "folder": f"{content_dir}/{FESTIVAL_DIR}",
            "extension": "md",
            "format": f"{FORMAT}-festival",
            "create": True,
            "delete": False,
            "slug": "{{year}}",
            "identifier_field": "titolo",
            "summary": "{{titolo}} {{data}}",
            "preview_path": "festival/{{slug}}/",
            "fields": [
                *_collection_fields(site, festival_schema(site.vocabularies), FestivalEdition),
                {**BODY, "hint": "Il racconto dell'edizione, con i fatti riportati nelle fonti."},
            ],
        },
    ]


def cms_config(site: Site, backend: Backend, site_url: str | None = None) -> dict[str, Any]:
    """The whole Decap configuration: pull requests (editorial workflow), Open Authoring, Italian UI."""
    if backend.proxy_url:
        remote: dict[str, Any] = {
            "name": "proxy",
            "proxy_url": backend.proxy_url,
            "branch": backend.branch,
            "commit_messages": COMMIT_MESSAGES,
        }
    else:
        remote = {
            "name": "github",
            "repo": backend.repo or "",
            "branch": backend.branch,
            "open_authoring": True,
            "always_fork": False,
            "squash_merges": True,
            "commit_messages": COMMIT_MESSAGES,
        }
        if backend.auth_url:
            remote["base_url"] = backend.auth_url
        if backend.auth_endpoint:
            remote["auth_endpoint"] = backend.auth_endpoint
    config: dict[str, Any] = {
        "locale": "it",
        "backend": remote,
        "publish_mode": "editorial_workflow",
        "media_folder": f"{backend.content_dir}/media",
        "show_preview_links": bool(site_url),
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "collections": collections(site, backend.content_dir),
    }
    if site_url:
        config["site_url"] = site_url
        config["display_url"] = site_url
    return config


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump_config(config: dict[str, Any]) -> str:
    header = (
        "# Generato da 'python build.py schema' dallo schema, da content/vocabolari.yml, dai territori\n"
        "# e da content/sito.yml: non modificarlo a mano.\n"
    )
    return header + yaml.dump(config, Dumper=_NoAliases, allow_unicode=True, sort_keys=False, width=110)
