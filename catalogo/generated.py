"""Every file generated from the contract and committed, by path in the repository.

``python build.py schema`` writes them; a test fails when a committed copy is stale.
"""

from __future__ import annotations

from .cms import CONFIG_FILE, Backend, cms_config, dump_config
from .jsonschema import (
    FRONTMATTER_FILE,
    ISSUE_FORM_FILE,
    SCHEMA_FILE,
    dump_yaml,
    dumps,
    frontmatter_cms,
    issue_form,
    practice_schema,
)
from .model import Site


def generated_files(site: Site) -> dict[str, str]:
    schema = practice_schema(site.vocabularies, site.territories)
    return {
        SCHEMA_FILE: dumps(schema),
        FRONTMATTER_FILE: dumps(frontmatter_cms(schema)),
        ISSUE_FORM_FILE: dump_yaml(issue_form(site.vocabularies)),
        CONFIG_FILE: dump_config(cms_config(site, Backend.from_settings(site.settings))),
    }
