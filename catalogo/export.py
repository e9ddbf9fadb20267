"""Open data: JSON, CSV, DCAT-AP_IT description, Atom feed, sitemap and robots.txt."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from .model import PracticeRecord, Site
from .paths import practice_path
from .schema import SCHEMA_VERSION, Misura
from .urls import Urls

LIST_SEPARATOR = "; "
CONTACT_KEYS = ("referente", "ruolo", "email", "telefono", "sito")
FEED_ID = "tag:catalogo-buone-pratiche.puglia,2024:"
# An empty catalogue has no date of its own; feeds and DCAT still need one, and it must not be the clock.
EPOCH = dt.date(1970, 1, 1)


def _site_date(site: Site) -> dt.date:
    return site.aggiornato or EPOCH


def _result(r: str | Misura) -> Any:
    return r if isinstance(r, str) else {"indicatore": r.indicatore, "valore": r.valore, "note": r.note}


def practice_data(site: Site, p: PracticeRecord, urls: Urls) -> dict[str, Any]:
    """Every field of the contract plus the derived ones, in schema order (stable across builds)."""
    d = p.data
    return {
        "versione_schema": SCHEMA_VERSION,
        "slug": p.slug,
        "url": urls.absolute(practice_path(p)) or urls.url(practice_path(p)),
        "titolo": d.titolo,
        "sintesi": d.sintesi,
        "comune": p.comune.nome if p.comune else None,
        "codice_istat_comune": p.comune.codice_istat if p.comune else None,
        "ambito": p.ambito.nome,
        "ambito_derivato": d.ambito is None,
        "ambito_verificato": p.ambito_verificato,
        "provincia": p.provincia.sigla,
        "provincia_nome": p.provincia.nome,
        "area_tematica": d.area_tematica,
        "aree_strategiche": list(d.aree_strategiche),
        "destinatari": list(d.destinatari),
        "anno_avvio": d.anno_avvio,
        "anno_fine": d.anno_fine,
        "stato": d.stato,
        "risultati": [_result(r) for r in d.risultati],
        "replicabilita": {"livello": d.replicabilita.livello, "condizioni": list(d.replicabilita.condizioni)},
        "ostacoli": list(d.ostacoli),
        "miglioramenti": list(d.miglioramenti),
        "partner": list(d.partner),
        "risorse": {
            "costo_euro": d.risorse.costo_euro if d.risorse else None,
            "finanziamento": list(d.risorse.finanziamento) if d.risorse else [],
        },
        "contatti": {key: getattr(d.contatti, key) if d.contatti else None for key in CONTACT_KEYS},
        "festival": list(d.festival),
        "repliche": [
            {
                "territorio": r.territorio.denominazione,
                "tipo": r.territorio.kind,
                "stato": r.replica.stato,
                "anno": r.replica.anno,
            }
            for r in p.repliche
        ],
        "fonti": list(d.fonti),
        "pubblicata": d.pubblicata.isoformat(),
        "aggiornata": p.aggiornata.isoformat(),
        "testo": p.body,
    }


def _json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def practices_json(site: Site, urls: Urls) -> Iterator[bytes]:
    """dati/pratiche.json, one practice at a time: the same bytes as json.dumps(..., indent=2) of
    the whole document, without the whole document in memory."""
    head = json.dumps(
        {
            "versione_schema": SCHEMA_VERSION,
            "aggiornato": site.aggiornato.isoformat() if site.aggiornato else None,
            "licenza": site.settings.licenza,
            "licenza_url": site.settings.licenza_url,
            "pratiche": [],
        },
        ensure_ascii=False,
        indent=2,
    )
    if not site.practices:
        yield (head + "\n").encode("utf-8")
        return
    yield (head.removesuffix("[]\n}") + "[\n").encode("utf-8")
    last = len(site.practices) - 1
    for i, p in enumerate(site.practices):
        item = json.dumps(practice_data(site, p, urls), ensure_ascii=False, indent=2).replace("\n", "\n    ")
        yield ("    " + item + (",\n" if i < last else "\n")).encode("utf-8")
    yield b"  ]\n}\n"


def practice_json(site: Site, p: PracticeRecord, urls: Urls) -> bytes:
    return _json(practice_data(site, p, urls))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "sì" if value else "no"
    if isinstance(value, list):
        return LIST_SEPARATOR.join(_cell(v) for v in value)
    if isinstance(value, dict):
        if "indicatore" in value:
            note = f" ({value['note']})" if value.get("note") else ""
            return f"{value['indicatore']}: {_cell(value['valore'])}{note}"
        if "territorio" in value:
            extra = ", ".join(str(x) for x in (value["stato"], value.get("anno")) if x)
            return f"{value['territorio']} ({extra})"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _flat(record: dict[str, Any]) -> dict[str, str]:
    """Nested groups become 'group_key' columns; the Markdown text stays in the JSON only."""
    row: dict[str, str] = {}
    for key, value in record.items():
        if key == "testo":
            continue
        if isinstance(value, dict):
            for sub, sub_value in value.items():
                row[f"{key}_{sub}"] = _cell(sub_value)
        else:
            row[key] = _cell(value)
    return row


CSV_COLUMNS = (
    "versione_schema",
    "slug",
    "url",
    "titolo",
    "sintesi",
    "comune",
    "codice_istat_comune",
    "ambito",
    "ambito_derivato",
    "ambito_verificato",
    "provincia",
    "provincia_nome",
    "area_tematica",
    "aree_strategiche",
    "destinatari",
    "anno_avvio",
    "anno_fine",
    "stato",
    "risultati",
    "replicabilita_livello",
    "replicabilita_condizioni",
    "ostacoli",
    "miglioramenti",
    "partner",
    "risorse_costo_euro",
    "risorse_finanziamento",
    *(f"contatti_{k}" for k in CONTACT_KEYS),
    "festival",
    "repliche",
    "fonti",
    "pubblicata",
    "aggiornata",
)


def practices_csv(site: Site, urls: Urls) -> bytes:
    """One row per practice, lists joined with '; ', UTF-8 with BOM so spreadsheets read the accents."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(_flat(practice_data(site, p, urls)) for p in site.practices)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


EU = "http://publications.europa.eu/resource/authority/"


def dcat_dataset(site: Site, urls: Urls) -> bytes:
    """DCAT-AP_IT description of the dataset, as JSON-LD."""
    s = site.settings

    def link(path: str) -> str:
        return urls.absolute(path) or urls.url(path)

    licence = {
        "@id": "https://creativecommons.org/licenses/by/4.0/",
        "@type": ["dct:LicenseDocument", "dcatapit:LicenseDocument"],
        "foaf:name": s.licenza,
        "dct:type": {"@id": "http://purl.org/adms/licencetype/Attribution"},
    }
    distributions = [
        (link("dati/pratiche.json"), "JSON", "application/json", "Le pratiche in JSON"),
        (link("dati/pratiche.csv"), "CSV", "text/csv", "Le pratiche in CSV (una riga per pratica)"),
    ]
    modified = _site_date(site).isoformat()
    issued = min((p.data.pubblicata for p in site.practices), default=_site_date(site))
    agent = {"@type": ["foaf:Agent", "dcatapit:Agent"], "foaf:name": "Regione Puglia", "dct:identifier": "r_puglia"}
    data: dict[str, Any] = {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "dcatapit": "http://dati.gov.it/onto/dcatapit#",
            "vcard": "http://www.w3.org/2006/vcard/ns#",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
            "locn": "http://www.w3.org/ns/locn#",
        },
        "@id": link("dati/"),
        "@type": ["dcat:Dataset", "dcatapit:Dataset"],
        "dct:identifier": "r_puglia:catalogo-buone-pratiche-welfare-locale",
        "dct:title": {"@language": "it", "@value": s.titolo},
        "dct:description": {"@language": "it", "@value": s.descrizione},
        "dct:publisher": agent,
        "dct:rightsHolder": agent,
        "dcat:theme": [{"@id": f"{EU}data-theme/SOCI"}, {"@id": f"{EU}data-theme/GOVE"}],
        "dct:accrualPeriodicity": {"@id": f"{EU}frequency/IRREG"},
        "dct:language": {"@id": f"{EU}language/ITA"},
        "dct:issued": {"@type": "xsd:date", "@value": issued.isoformat()},
        "dct:modified": {"@type": "xsd:date", "@value": modified},
        "dct:spatial": {
            "@type": "dct:Location",
            "dcatapit:geographicalIdentifier": "Puglia",
            "locn:geographicalName": "Puglia",
        },
        "dcat:keyword": [
            {"@language": "it", "@value": k}
            for k in ("welfare locale", "buone pratiche", "servizi sociali", "Ambiti territoriali sociali", "Puglia")
        ],
        "dcat:contactPoint": {
            "@type": ["vcard:Kind", "dcatapit:Organization"],
            "vcard:fn": s.editore,
            **({"vcard:hasEmail": {"@id": f"mailto:{s.contatto_email}"}} if s.contatto_email else {}),
        },
        "dcat:landingPage": {"@id": link("pratiche/")},
        "dct:conformsTo": {"@id": link("dati/schema/pratica.schema.json")},
        "dcat:distribution": [
            {
                "@type": ["dcat:Distribution", "dcatapit:Distribution"],
                "dct:title": {"@language": "it", "@value": t},
                "dcat:accessURL": {"@id": url},
                "dcat:downloadURL": {"@id": url},
                "dcat:mediaType": media,
                "dct:format": {"@id": f"{EU}file-type/{fmt}"},
                "dct:license": licence,
            }
            for url, fmt, media, t in distributions
        ],
    }
    return _json(data)


def atom_feed(site: Site, urls: Urls) -> bytes:
    """Newest practices first (by 'pubblicata'); ids are tag: URIs, stable wherever the site lives."""
    entries = []
    for p in site.latest:
        link = urls.absolute(practice_path(p)) or urls.url(practice_path(p))
        entries.append(
            "  <entry>\n"
            f"    <id>{FEED_ID}pratiche/{p.slug}</id>\n"
            f"    <title>{escape(p.titolo)}</title>\n"
            f'    <link rel="alternate" type="text/html" href={quoteattr(link)}/>\n'
            f"    <published>{p.data.pubblicata.isoformat()}T00:00:00Z</published>\n"
            f"    <updated>{p.aggiornata.isoformat()}T00:00:00Z</updated>\n"
            f"    <summary>{escape(p.data.sintesi)}</summary>\n"
            f"    <category term={quoteattr(p.data.area_tematica)} "
            f"label={quoteattr(site.label('area_tematica', p.data.area_tematica))}/>\n"
            "  </entry>\n"
        )
    updated = _site_date(site).isoformat()
    home = urls.absolute() or urls.url()
    self_link = urls.absolute("feed.xml") or urls.url("feed.xml")
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="it">\n'
        f"  <id>{FEED_ID}catalogo</id>\n"
        f"  <title>{escape(site.settings.titolo)}</title>\n"
        f"  <subtitle>{escape(site.settings.sottotitolo)}</subtitle>\n"
        f'  <link rel="alternate" type="text/html" href={quoteattr(home)}/>\n'
        f'  <link rel="self" type="application/atom+xml" href={quoteattr(self_link)}/>\n'
        f"  <updated>{updated}T00:00:00Z</updated>\n"
        f"  <author><name>{escape(site.settings.editore)}</name></author>\n"
        f"  <rights>{escape(site.settings.licenza)}</rights>\n" + "".join(entries) + "</feed>\n"
    ).encode("utf-8")


def sitemap(pages: list[tuple[str, dt.date | None]], urls: Urls) -> bytes:
    rows = []
    for path, lastmod in pages:
        loc = urls.absolute(path) or urls.url(path)
        mod = f"<lastmod>{lastmod.isoformat()}</lastmod>" if lastmod else ""
        rows.append(f"  <url><loc>{escape(loc)}</loc>{mod}</url>\n")
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + "".join(rows) + "</urlset>\n"
    ).encode("utf-8")


def robots(urls: Urls) -> bytes:
    lines = ["User-agent: *", "Allow: /", f"Disallow: {urls.url('admin/')}"]  # the web editor
    sitemap_url = urls.absolute("sitemap.xml")
    if sitemap_url:
        lines.append(f"Sitemap: {sitemap_url}")
    return ("\n".join(lines) + "\n").encode("utf-8")


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
