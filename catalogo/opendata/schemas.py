"""JSON Schema and Front Matter CMS configuration, generated from the pydantic schema.

Neither is written by hand: ``python build.py schema`` regenerates the committed copies and
a test fails when they are stale.
"""

from __future__ import annotations

import copy
from typing import Any

from catalogo.content.contract import SCHEMA_VERSION, ExportedPractice, FestivalEdition, Practice, Vocabularies
from catalogo.content.keys import keys_of
from catalogo.content.territories import Territories
from catalogo.opendata.exports import json_file

SCHEMA_FILE = "schema/pratica.schema.json"
FRONTMATTER_FILE = "frontmatter.json"


def _replace_vocabularies(node: Any, vocabularies: Vocabularies) -> Any:
    if isinstance(node, dict):
        name = node.pop("x-vocabolario", None)
        out = {k: _replace_vocabularies(v, vocabularies) for k, v in node.items()}
        if name is not None:
            terms = vocabularies[name]
            out["enum"] = list(terms)
            out["x-etichette"] = {slug: t.etichetta for slug, t in terms.items()}
        return out
    if isinstance(node, list):
        return [_replace_vocabularies(v, vocabularies) for v in node]
    return node


def _schema(
    model: Any,
    vocabularies: Vocabularies,
    territories: Territories,
    schema_id: str | None,
    title: str,
    description: str,
    mode: Any,
) -> dict[str, Any]:
    schema = _replace_vocabularies(model.model_json_schema(mode=mode), vocabularies)
    properties = schema["properties"]
    for definition in schema.get("$defs", {}).values():  # a group's description after its keys
        if "description" in definition:
            definition["description"] = definition.pop("description")
    for key in keys_of(model):  # the names a territory key takes, as examples for editors' tools
        if key.territory in ("comune", "ambito") and not key.many:
            names = territories.comuni if key.territory == "comune" else territories.ambiti
            properties[key.name]["examples"] = sorted(names)
    head: dict[str, Any] = {"$schema": "https://json-schema.org/draft/2020-12/schema"}
    if schema_id:  # where the site publishes it (only an absolute address is an identifier)
        head["$id"] = schema_id
    return {
        **head,
        "title": title,
        "description": description,
        "x-versione": SCHEMA_VERSION,
        **{k: v for k, v in schema.items() if k not in ("title", "description")},
    }


def practice_schema(
    vocabularies: Vocabularies, territories: Territories, schema_id: str | None = None
) -> dict[str, Any]:
    """The JSON Schema of a practice's front matter, with the vocabularies as enums."""
    schema = _schema(
        Practice,
        vocabularies,
        territories,
        schema_id,
        "Scheda di una buona pratica",
        "Il front matter YAML di content/practices/<slug>.md nel Catalogo delle buone pratiche del "
        "welfare locale (Regione Puglia, ANCI Puglia).",
        "validation",
    )
    schema["anyOf"] = [{"required": ["comune"]}, {"required": ["ambito"]}]
    return schema


def export_schema(vocabularies: Vocabularies, territories: Territories, schema_id: str | None = None) -> dict[str, Any]:
    """The JSON Schema of an exported practice (each item of dati/pratiche.json, each pratiche/<slug>/
    index.json): the contract's keys, written whole, and the derived ones; from the same declarations."""
    schema = _schema(
        ExportedPractice,
        vocabularies,
        territories,
        schema_id,
        "Pratica nei dati aperti",
        "Una pratica del Catalogo delle buone pratiche del welfare locale come la esportano "
        "dati/pratiche.json (ogni elemento di 'pratiche') e pratiche/<nome>/index.json.",
        "serialization",
    )
    # The properties in the order the records and the CSV's columns are written (each derived key
    # beside the key it comes from), and every key required: it is written, null when empty.
    keys = keys_of(ExportedPractice)
    schema["properties"] = {k.name: schema["properties"][k.name] for k in keys}
    schema["required"] = list(schema["properties"])
    replica = schema["$defs"]["ExportedReplica"]
    order = next(k for k in keys if k.name == "repliche").children
    replica["properties"] = {k.name: replica["properties"][k.name] for k in order}
    return schema


def festival_schema(vocabularies: Vocabularies) -> dict[str, Any]:
    """The JSON Schema of a festival edition's front matter (the web editor's second form)."""
    return _replace_vocabularies(FestivalEdition.model_json_schema(mode="validation"), vocabularies)


def _cms_field(name: str, spec: dict[str, Any], defs: dict[str, Any], required: bool) -> dict[str, Any]:
    spec = resolve_ref(spec, defs)
    field: dict[str, Any] = {"title": spec.get("title") or name, "name": name}
    if spec.get("description"):
        field["description"] = spec["description"]
    if required:
        field["required"] = True
    items = resolve_ref(spec.get("items", {}), defs)
    if "enum" in spec:
        field.update(type="choice", choices=[{"id": v, "title": spec["x-etichette"][v]} for v in spec["enum"]])
    elif spec.get("type") == "array" and "enum" in items:
        field.update(
            type="choice", multiple=True, choices=[{"id": v, "title": items["x-etichette"][v]} for v in items["enum"]]
        )
    elif spec.get("type") == "array" and items.get("type") == "integer":
        field.update(type="list")
    elif spec.get("type") == "array" and (items.get("type") == "object" or "anyOf" in items or "oneOf" in items):
        field.update(type="block", fieldGroup=f"{name}-voce")
    elif spec.get("type") == "array":
        field.update(type="list")
    elif spec.get("type") == "object":
        field.update(
            type="fields",
            fields=[_cms_field(k, v, defs, k in spec.get("required", [])) for k, v in spec["properties"].items()],
        )
    elif spec.get("format") == "date":
        field.update(type="datetime", dateFormat="yyyy-MM-dd")
    elif spec.get("type") in ("integer", "number"):
        field.update(type="number")
    else:
        field.update(type="string", multiline=name == "sintesi")
    return field


def resolve_ref(spec: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    """Inline $ref and drop the 'null' branch of optional fields."""
    spec = copy.deepcopy(spec)
    if "$ref" in spec:
        spec = {**defs[spec.pop("$ref").split("/")[-1]], **spec}
    if "anyOf" in spec:
        branches = [b for b in spec["anyOf"] if b.get("type") != "null"]
        if len(branches) == 1:
            rest = {k: v for k, v in spec.items() if k != "anyOf"}
            spec = {**resolve_ref(branches[0], defs), **rest}
    return spec


def frontmatter_cms(schema: dict[str, Any]) -> dict[str, Any]:
    """Configuration for the Front Matter CMS extension of VS Code: a form with the vocabularies."""
    defs = schema.get("$defs", {})
    required = set(schema.get("required", []))
    fields = [_cms_field(name, spec, defs, name in required) for name, spec in schema["properties"].items()]
    groups = []
    for name in (k.name for k in keys_of(Practice) if k.many and (k.kind == "group" or k.variants)):
        items = resolve_ref(schema["properties"][name]["items"], defs)
        objects = [resolve_ref(b, defs) for b in items.get("oneOf", items.get("anyOf", [items]))]
        obj = next(o for o in objects if o.get("type") == "object")
        groups.append(
            {
                "id": f"{name}-voce",
                "labelField": next(iter(obj["properties"])),
                "fields": [_cms_field(k, v, defs, k in obj.get("required", [])) for k, v in obj["properties"].items()],
            }
        )
    return {
        "$schema": "https://frontmatter.codes/frontmatter.schema.json",
        "frontMatter.framework.id": "other",
        "frontMatter.content.pageFolders": [
            {"title": "Pratiche", "path": "[[workspace]]/content/practices", "contentTypes": ["pratica"]}
        ],
        "frontMatter.taxonomy.contentTypes": [
            {"name": "pratica", "pageBundle": False, "previewPath": "pratiche", "fields": fields}
        ],
        "frontMatter.taxonomy.fieldGroups": groups,
    }


def dumps(data: dict[str, Any]) -> str:
    return json_file(data).decode("utf-8")
