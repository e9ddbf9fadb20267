"""The web editor's page, /admin/: Decap CMS's bundle and the libraries of its preview, copied from
node_modules, our own scripts, and the data the preview renders with (the file shapes, the
vocabularies, the territories, the theme's practice template).

decap.py makes the editor's configuration; site/pages.py plans the page with both.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from catalogo.content.keys import Key
from catalogo.content.markup import ALLOWED_ATTRIBUTES, ALLOWED_TAGS
from catalogo.content.records import Site
from catalogo.core.output import Output
from catalogo.editors.decap import FORMAT
from catalogo.editors.issueforms import INTEREST_FILE, form_url
from catalogo.opendata.schemas import festival_schema, practice_schema, resolve_ref

DECAP = Path("decap-cms") / "dist"
# The browser libraries of the editor's own code (catalogo-cms.js), with their licences.
ADMIN_VENDOR = (
    ("nunjucks/browser/nunjucks.min.js", "nunjucks.min.js"),
    ("marked/lib/marked.umd.js", "marked.umd.js"),
    ("dompurify/dist/purify.min.js", "purify.min.js"),
)
ADMIN_LICENCES = (
    ("decap-cms/dist/decap-cms.js.LICENSE.txt", "LICENSE-decap-cms.txt"),
    ("nunjucks/LICENSE", "LICENSE-nunjucks.txt"),
    ("marked/LICENSE", "LICENSE-marked.txt"),
    ("dompurify/LICENSE", "LICENSE-dompurify.txt"),
    ("yaml/LICENSE", "LICENSE-yaml.txt"),
)
# Decap compiles its config schema with 'eval' (ajv) and styles its interface with inline <style>
# (emotion): this policy is only for /admin/; every public page keeps render.CSP.
# No blob: (only the media library needs it, and it is not used) and only GitHub's API among other
# hosts (Decap also polls www.githubstatus.com every five minutes: blocked, it only logs a warning).
ADMIN_CSP = (
    "default-src 'none'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self' https://api.github.com{extra}; "
    "object-src 'none'; base-uri 'self'; form-action 'none'"
)


APP_FILES = ("avvio.js", "catalogo-cms.js", "formato.js")


class EditorMissing(Exception):
    """The web editor's files are not in node_modules."""


def _shape(spec: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    """How catalogo-cms.js orders, prunes and types a value of this schema when it writes a file."""
    spec = resolve_ref(spec, defs)
    if spec.get("type") == "array":
        items = resolve_ref(spec.get("items", {}), defs)
        if "oneOf" in items:
            measure = next(resolve_ref(b, defs) for b in items["oneOf"] if resolve_ref(b, defs).get("type") == "object")
            return {"kind": "risultato", "misura": _shape(measure, defs)}
        return _shape(items, defs)
    if spec.get("type") == "object":
        return {
            "keys": list(spec["properties"]),
            "children": {k: _shape(v, defs) for k, v in spec["properties"].items()},
        }
    if spec.get("format") == "date":
        return {"kind": "date"}
    if spec.get("type") == "integer":
        return {"kind": "integer"}
    return {}


def shapes(site: Site) -> dict[str, Any]:
    return {
        "pratiche": _shape(practice := practice_schema(site.vocabularies, site.territories), practice.get("$defs", {})),
        "festival": _shape(festival := festival_schema(site.vocabularies), festival.get("$defs", {})),
    }


def _territory_data(site: Site) -> dict[str, Any]:
    t = site.territories
    return {
        "comuni": {
            c.nome: {
                "nome": c.nome,
                "slug": c.slug,
                "denominazione": c.denominazione,
                "ambito": c.ambito,
                "provincia": c.provincia,
                "verificata": c.ambito_verificato,
            }
            for c in t.comuni.values()
        },
        "ambiti": {
            a.nome: {"nome": a.nome, "slug": a.slug, "denominazione": a.denominazione, "provincia": a.provincia}
            for a in t.ambiti.values()
        },
        "province": {p.sigla: {"slug": p.slug, "denominazione": p.denominazione} for p in t.province.values()},
    }


def _key_data(key: Key) -> dict[str, Any]:
    """A key of the contract as the preview's generic facts read it (site/facts.py does the same)."""
    return {
        "name": key.name,
        "label": key.label,
        "kind": key.kind,
        "many": key.many,
        "vocabulary": key.vocabulary,
        "children": [_key_data(c) for c in key.children],
    }


def editor_data(
    site: Site, base_path: str, stylesheets: list[str], templates: dict[str, str], other_keys: tuple[Key, ...] = ()
) -> dict[str, Any]:
    """What catalogo-cms.js needs: the file shapes, and what the preview renders with (``other_keys``:
    the practice's keys its template does not place by name, shown as generic facts)."""
    return {
        "altre_chiavi": [_key_data(k) for k in other_keys],
        # The interest form's address; the preview adds the practice as the page does (interest_url).
        "modulo_interesse": form_url(site.settings.repository, INTEREST_FILE) if site.settings.repository else None,
        "formato": FORMAT,
        "forme": shapes(site),
        "base": base_path,
        "stili": stylesheets,
        "modelli": templates,
        "vocabolari": {
            name: {slug: {"etichetta": term.etichetta, "descrizione": term.descrizione} for slug, term in terms.items()}
            for name, terms in site.vocabularies.items()
        },
        "territori": _territory_data(site),
        "html": {
            "tag": sorted(ALLOWED_TAGS),
            "attributi": sorted({a for attrs in ALLOWED_ATTRIBUTES.values() for a in attrs}),
        },
    }


def editor_files(node_modules: Path, theme: Path) -> list[Output]:
    """Decap CMS's bundle (its lazily loaded chunks beside it), the preview's libraries, our two scripts."""
    dist = node_modules / DECAP
    try:
        version = json.loads((node_modules / "decap-cms" / "package.json").read_text(encoding="utf-8"))["version"]
        decap = sorted(p for p in dist.iterdir() if p.name.endswith("decap-cms.js") or p.suffix == ".wasm")
        files = [Output(f"admin/decap-cms-{version}/{p.name}", p.read_bytes()) for p in decap]
        files += [
            Output(f"admin/vendor/{target}", (node_modules / source).read_bytes())
            for source, target in (*ADMIN_VENDOR, *ADMIN_LICENCES)
        ]
        yaml_dist = node_modules / "yaml" / "browser" / "dist"
        files += [
            Output(f"admin/vendor/yaml/{p.relative_to(yaml_dist).as_posix()}", p.read_bytes())
            for p in sorted(yaml_dist.rglob("*.js"))
        ]
    except (OSError, KeyError, ValueError) as exc:
        raise EditorMissing(
            f"mancano i file dell'editor web (decap-cms, nunjucks, marked, dompurify, yaml) in "
            f"{node_modules}: esegui 'npm ci'"
        ) from exc
    if not any(f.path.endswith("/decap-cms.js") for f in files):
        raise EditorMissing(f"manca decap-cms in {node_modules}: esegui 'npm ci'")
    # Our own files import each other by name: they share a folder named after their content.
    own = {name: (theme / "admin" / name).read_bytes() for name in APP_FILES}
    digest = hashlib.sha256(b"".join(hashlib.sha256(data).digest() for data in own.values())).hexdigest()[:10]
    files += [Output(f"admin/app-{digest}/{name}", data) for name, data in own.items()]
    return files
