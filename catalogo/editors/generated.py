"""Every file generated from the contract and committed, by path in the repository.

``python build.py schema`` writes them; a test fails when a committed copy is stale.
"""

from __future__ import annotations

from catalogo.content.records import Site
from catalogo.editors.decap import CONFIG_FILE, Backend, cms_config, dump_config
from catalogo.editors.issueforms import dump_form, forms
from catalogo.opendata.schemas import FRONTMATTER_FILE, SCHEMA_FILE, dumps, frontmatter_cms, practice_schema


def generated_files(site: Site) -> dict[str, str]:
    schema = practice_schema(site.vocabularies, site.territories)
    return {
        SCHEMA_FILE: dumps(schema),
        FRONTMATTER_FILE: dumps(frontmatter_cms(schema)),
        **{form.file: dump_form(form) for form in forms(site.vocabularies)},
        CONFIG_FILE: dump_config(cms_config(site, Backend.from_settings(site.settings))),
    }
