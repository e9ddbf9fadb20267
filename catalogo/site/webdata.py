"""Machine-readable data inside the pages: schema.org JSON-LD, escaped so no text can end its block."""

from __future__ import annotations

import json
from typing import Any

from catalogo.content.paths import practice_path
from catalogo.content.records import PracticeRecord, Site
from catalogo.core.urls import Urls


def json_ld(data: dict[str, Any]) -> str:
    """JSON for a <script type="application/ld+json"> block: '<' escaped so no text can close it."""
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def practice_ld(site: Site, p: PracticeRecord, urls: Urls) -> str:
    return json_ld(
        {
            "@context": "https://schema.org",
            "@type": "Article",
            "headline": p.titolo,
            "description": p.data.sintesi,
            "inLanguage": "it",
            "datePublished": p.data.pubblicata.isoformat(),
            "dateModified": p.aggiornata.isoformat(),
            "url": urls.absolute(practice_path(p)) or urls.url(practice_path(p)),
            "about": site.label("area_tematica", p.data.area_tematica),
            "spatialCoverage": {"@type": "AdministrativeArea", "name": p.territorio.denominazione},
            "publisher": {"@type": "GovernmentOrganization", "name": site.settings.editore},
            "license": site.settings.licenza_url,
            "citation": list(p.data.fonti),
        }
    )
