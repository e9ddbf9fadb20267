"""Open data: JSON, CSV, DCAT-AP_IT description, Atom feed, sitemap and robots.txt."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterator
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from catalogo.content.contract import SCHEMA_VERSION, ExportedPractice
from catalogo.content.keys import Key, keys_of
from catalogo.content.paths import practice_path
from catalogo.content.records import PracticeRecord, Site
from catalogo.core.urls import Urls

# An empty catalogue has no date of its own; feeds and DCAT still need one, and it must not be the clock.
EPOCH = dt.date(1970, 1, 1)


def site_date(site: Site) -> dt.date:
    """The catalogue's date: its newest content change, or a fixed epoch (never the clock)."""
    return site.aggiornato or EPOCH


def _ordered(keys: tuple[Key, ...], values: dict[str, Any]) -> dict[str, Any]:
    """A record's values in its keys' order, a missing group written whole (its keys, empty)."""
    out: dict[str, Any] = {}
    for key in keys:
        value = values.get(key.name)
        if key.kind == "group" and not key.many:
            value = _ordered(key.children, value or {})
        elif key.kind == "group":
            value = [_ordered(key.children, item) for item in value or []]
        elif value is None and key.many:
            value = []
        out[key.name] = value
    return out


def practice_data(site: Site, p: PracticeRecord, urls: Urls) -> dict[str, Any]:
    """Every key of the contract, written whole, and the derived ones, in the export model's order
    (keys_of(ExportedPractice)): a key added to the contract is exported without touching this."""
    d = p.data
    values = d.model_dump(mode="json")
    values.update(
        versione_schema=SCHEMA_VERSION,
        slug=p.slug,
        url=urls.absolute(practice_path(p)) or urls.url(practice_path(p)),
        # The reference tables' names, whatever spelling the file used; the Ambito even when derived.
        comune=p.comune.nome if p.comune else None,
        codice_istat_comune=p.comune.codice_istat if p.comune else None,
        ambito=p.ambito.nome,
        ambito_derivato=d.ambito is None,
        ambito_verificato=p.ambito_verificato,
        provincia=p.provincia.sigla,
        provincia_nome=p.provincia.nome,
        repliche=[
            {**r.replica.model_dump(mode="json"), "territorio": r.territorio.denominazione, "tipo": r.territorio.kind}
            for r in p.repliche
        ],
        aggiornata=p.aggiornata.isoformat(),
        testo=p.body,
    )
    return _ordered(keys_of(ExportedPractice), values)


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
    """One CSV cell: lists (and the objects inside them) as a JSON array, so that no item can be
    confused with a separator and every list comes back whole; empty for no value; 'sì'/'no'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "sì" if value else "no"
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# The Markdown text is in the JSON only: a cell holding a whole practice's text is hard to read.
CSV_LEAVES_OUT = ("testo",)


def _columns() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The CSV's columns in the export's order (a group's keys as 'group_key' columns), and those
    whose cells hold a JSON array (the lists of the contract)."""
    columns: list[str] = []
    lists: list[str] = []
    for key in keys_of(ExportedPractice):
        if key.name in CSV_LEAVES_OUT:
            continue
        for leaf, name in (
            [(c, f"{key.name}_{c.name}") for c in key.children]
            if key.kind == "group" and not key.many
            else [(key, key.name)]
        ):
            columns.append(name)
            if leaf.many:
                lists.append(name)
    return tuple(columns), tuple(lists)


CSV_COLUMNS, JSON_COLUMNS = _columns()


def _flat(record: dict[str, Any]) -> dict[str, str]:
    """Nested groups become 'group_key' columns."""
    row: dict[str, str] = {}
    for key, value in record.items():
        if key in CSV_LEAVES_OUT:
            continue
        if isinstance(value, dict):
            for sub, sub_value in value.items():
                row[f"{key}_{sub}"] = _cell(sub_value)
        else:
            row[key] = _cell(value)
    return row


def practices_csv(site: Site, urls: Urls) -> bytes:
    """One row per practice, lists as JSON arrays, UTF-8 with BOM so spreadsheets read the accents."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(_flat(practice_data(site, p, urls)) for p in site.practices)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


EU = "http://publications.europa.eu/resource/authority/"


IANA = "https://www.iana.org/assignments/media-types/"
# Licences by address (without scheme and language page) -> the EU licence authority's code and
# the ADMS licence type, checked against both tables; any other licence keeps its own address.
EU_LICENCES = {"creativecommons.org/licenses/by/4.0": ("CC_BY_4_0", "Attribution")}
# The region's identifier in the national controlled vocabularies (OntoPiA, from ISTAT's codes:
# Puglia is region 16), repository italia/daf-ontologie-vocabolari-controllati.
PUGLIA = "https://w3id.org/italia/controlled-vocabulary/territorial-classifications/regions/16"
CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "dcatapit": "http://dati.gov.it/onto/dcatapit#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "locn": "http://www.w3.org/ns/locn#",
}


def _it(text: str) -> dict[str, str]:
    return {"@language": "it", "@value": text}


def _date(value: dt.date) -> dict[str, str]:
    return {"@type": "xsd:date", "@value": value.isoformat()}


def dcat_catalogue(site: Site, urls: Urls) -> bytes:
    """The catalogue and its dataset in DCAT-AP_IT (and DCAT-AP 3), as JSON-LD, for dati.gov.it and,
    through it, data.europa.eu. Needs the site's absolute address (build checks it is there).

    The publisher is the data's owner from content/sito.yml; its IPA code is written only when the
    settings give it (never an invented code)."""
    s = site.settings
    home = urls.absolute() or urls.url()

    def link(path: str) -> str:
        return urls.absolute(path) or urls.url(path)

    # One node for the owner, publisher of the catalogue and of the dataset and holder of its rights.
    owner: dict[str, Any] = {
        "@id": "_:titolare",
        "@type": ["foaf:Agent", "dcatapit:Agent"],
        "foaf:name": s.titolare_dati,
    }
    if s.titolare_codice_ipa:
        owner["dct:identifier"] = s.titolare_codice_ipa
    agent = {"@id": "_:titolare"}
    licence: dict[str, Any] = {
        "@id": s.licenza_url,
        "@type": ["dct:LicenseDocument", "dcatapit:LicenseDocument"],
        "foaf:name": s.licenza,
    }
    known = EU_LICENCES.get(re.sub(r"^https?://|(deed\.[a-z]+|legalcode(\.[a-z]+)?)?$", "", s.licenza_url).rstrip("/"))
    if known:  # the EU authority's IRI and ADMS licence type, as both profiles ask
        licence["@id"] = f"{EU}licence/{known[0]}"
        licence["dct:type"] = {"@id": f"http://purl.org/adms/licencetype/{known[1]}"}
    modified = site_date(site)
    issued = min((p.data.pubblicata for p in site.practices), default=modified)
    distributions = [
        (
            "dati/pratiche.json",
            "JSON",
            "application/json",
            "Le pratiche in JSON",
            "Tutte le pratiche con ogni campo, anche quelli ricavati, e il testo in Markdown.",
            "dati/schema/pratica-export.schema.json",
        ),
        (
            "dati/pratiche.csv",
            "CSV",
            "text/csv",
            "Le pratiche in CSV",
            "Una riga per pratica; gli elenchi come array JSON nella cella.",
            None,
        ),
    ]
    dataset_id = link("dati/")
    dataset: dict[str, Any] = {
        "@id": dataset_id,
        "@type": ["dcat:Dataset", "dcatapit:Dataset"],
        # codiceIPA:identificativo when the owner's IPA code is known, else the dataset's address.
        "dct:identifier": f"{s.titolare_codice_ipa}:buone-pratiche-welfare-locale"
        if s.titolare_codice_ipa
        else dataset_id,
        "dct:title": _it(s.titolo),
        "dct:description": _it(s.descrizione.strip()),
        "dct:publisher": agent,
        "dct:rightsHolder": agent,
        "dcat:theme": [{"@id": f"{EU}data-theme/SOCI"}, {"@id": f"{EU}data-theme/GOVE"}],
        "dct:accrualPeriodicity": {"@id": f"{EU}frequency/IRREG", "@type": "dct:Frequency"},
        "dct:language": {"@id": f"{EU}language/ITA", "@type": "dct:LinguisticSystem"},
        "dct:issued": _date(issued),
        "dct:modified": _date(modified),
        "dct:spatial": {
            "@id": PUGLIA,
            "@type": "dct:Location",
            "locn:geographicName": _it("Puglia"),
            "dcatapit:geographicalIdentifier": PUGLIA,
        },
        "dcat:keyword": [
            _it(k)
            for k in ("welfare locale", "buone pratiche", "servizi sociali", "Ambiti territoriali sociali", "Puglia")
        ],
        "dcat:landingPage": {"@id": link("pratiche/"), "@type": "foaf:Document"},
        "dct:conformsTo": {
            "@id": link("dati/schema/pratica-export.schema.json"),
            "@type": ["dct:Standard", "dcatapit:Standard"],
            "dct:identifier": link("dati/schema/pratica-export.schema.json"),
            "dct:title": _it("Schema JSON dei dati esportati di una pratica"),
        },
        "dcat:distribution": [
            {
                "@type": ["dcat:Distribution", "dcatapit:Distribution"],
                "dct:title": _it(title),
                "dct:description": _it(description),
                "dcat:accessURL": {"@id": link(path)},
                "dcat:downloadURL": {"@id": link(path)},
                "dcat:mediaType": {"@id": IANA + media, "@type": ["dct:MediaType", "dct:MediaTypeOrExtent"]},
                "dct:format": {"@id": f"{EU}file-type/{fmt}", "@type": "dct:MediaTypeOrExtent"},
                "dct:license": licence,
                "dct:modified": _date(modified),
                # The schema as the distribution's documentation: in AgID's DCAT-AP_IT ontology
                # dct:conformsTo belongs to datasets only (rdfs:domain), so on a distribution an
                # inferring validator would take it for a dataset; the dataset names the schema.
                **({"foaf:page": {"@id": link(schema), "@type": "foaf:Document"}} if schema else {}),
            }
            for path, fmt, media, title, description, schema in distributions
        ],
    }
    if s.contatto_email:  # a contact point needs an address (DCAT-AP_IT): none is better than an invented one
        dataset["dcat:contactPoint"] = {
            "@type": ["vcard:Kind", "dcatapit:Organization"],
            "vcard:fn": s.editore,
            "vcard:hasEmail": {"@id": f"mailto:{s.contatto_email}"},
        }
    catalogue = {
        "@id": link("dati/catalogo.jsonld"),
        "@type": ["dcat:Catalog", "dcatapit:Catalog"],
        "dct:title": _it(s.titolo),
        "dct:description": _it(s.sottotitolo),
        "dct:publisher": agent,
        "dct:issued": _date(issued),
        "dct:modified": _date(modified),
        "dct:language": {"@id": f"{EU}language/ITA", "@type": "dct:LinguisticSystem"},
        "foaf:homepage": {"@id": home, "@type": "foaf:Document"},
        "dcat:themeTaxonomy": {"@id": f"{EU}data-theme"},
        "dct:license": licence,
        "dcat:dataset": {"@id": dataset_id},
    }
    return _json({"@context": CONTEXT, "@graph": [catalogue, dataset, owner]})


def _atom_time(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def atom_feed(site: Site, urls: Urls) -> bytes:
    """Newest practices first (by 'pubblicata'). Ids are the pages' own addresses on the site's
    host (RFC 4287 wants ids their publisher controls), so the feed needs the absolute address;
    'updated' is the time of the commit that last changed the practice."""
    home = urls.absolute()
    if home is None:
        raise ValueError("the Atom feed needs the site's absolute address")
    entries = []
    for p in site.latest:
        link = urls.absolute(practice_path(p)) or ""
        entries.append(
            "  <entry>\n"
            f"    <id>{escape(link)}</id>\n"
            f"    <title>{escape(p.titolo)}</title>\n"
            f'    <link rel="alternate" type="text/html" href={quoteattr(link)}/>\n'
            f"    <published>{p.data.pubblicata.isoformat()}T00:00:00Z</published>\n"
            f"    <updated>{_atom_time(p.updated_at)}</updated>\n"
            f"    <summary>{escape(p.data.sintesi)}</summary>\n"
            f"    <category term={quoteattr(p.data.area_tematica)} "
            f"label={quoteattr(site.label('area_tematica', p.data.area_tematica))}/>\n"
            "  </entry>\n"
        )
    newest = [p.updated_at for p in site.practices]
    updated = max(newest) if newest else dt.datetime.combine(site_date(site), dt.time(), dt.UTC)
    self_link = urls.absolute("feed.xml") or ""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="it">\n'
        f"  <id>{escape(home)}</id>\n"
        f"  <title>{escape(site.settings.titolo)}</title>\n"
        f"  <subtitle>{escape(site.settings.sottotitolo)}</subtitle>\n"
        f'  <link rel="alternate" type="text/html" href={quoteattr(home)}/>\n'
        f'  <link rel="self" type="application/atom+xml" href={quoteattr(self_link)}/>\n'
        f"  <updated>{_atom_time(updated)}</updated>\n"
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
