"""The catalogue's description for the national and European data portals: DCAT-AP_IT (and DCAT-AP 3)
as JSON-LD, with the EU's and IANA's controlled vocabularies."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from catalogo.content import paths
from catalogo.content.contract import SiteSettings
from catalogo.content.records import Site
from catalogo.core.urls import Urls
from catalogo.opendata.exports import json_file

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
    "skos": "http://www.w3.org/2004/02/skos/core#",
}


def _it(text: str) -> dict[str, str]:
    return {"@language": "it", "@value": text}


def _date(value: dt.date) -> dict[str, str]:
    return {"@type": "xsd:date", "@value": value.isoformat()}


# The catalogue's files, as distributions: path, EU file type, media type, title, description, and
# the schema documenting it (none for the CSV: it is the JSON's records, flattened).
DISTRIBUTIONS = (
    (
        paths.DATA_JSON,
        "JSON",
        "application/json",
        "Le pratiche in JSON",
        "Tutte le pratiche con ogni campo, anche quelli ricavati, e il testo in Markdown.",
        paths.EXPORT_SCHEMA,
    ),
    (
        paths.DATA_CSV,
        "CSV",
        "text/csv",
        "Le pratiche in CSV",
        "Una riga per pratica; gli elenchi come array JSON nella cella.",
        None,
    ),
)
KEYWORDS = ("welfare locale", "buone pratiche", "servizi sociali", "Ambiti territoriali sociali", "Puglia")
OWNER = {"@id": "_:titolare"}
# The EU data-theme vocabulary, described here with the title its own SKOS file gives it
# (skos:prefLabel of publications.europa.eu/resource/authority/data-theme): DCAT-AP 3's shape for a
# theme taxonomy asks for a dct:title, which the vocabulary's 2016 SKOS file lacks, so the record
# passes whatever version of the vocabulary a validator loads.
THEME_TAXONOMY = {
    "@id": f"{EU}data-theme",
    "@type": "skos:ConceptScheme",
    "dct:title": {"@language": "en", "@value": "Data theme Named Authority List"},
}  # one node: publisher of the catalogue and of the dataset, holder of its rights


def _owner(s: SiteSettings) -> dict[str, Any]:
    """The data's owner from content/sito.yml; its IPA code only when the settings give it."""
    owner: dict[str, Any] = {**OWNER, "@type": ["foaf:Agent", "dcatapit:Agent"], "foaf:name": s.titolare_dati}
    if s.titolare_codice_ipa:
        owner["dct:identifier"] = s.titolare_codice_ipa
    return owner


def _licence(s: SiteSettings) -> dict[str, Any]:
    """The licence the settings name: the EU authority's IRI and ADMS licence type when it is one the
    tables know (both profiles ask for them), else its own address."""
    licence: dict[str, Any] = {
        "@id": s.licenza_url,
        "@type": ["dct:LicenseDocument", "dcatapit:LicenseDocument"],
        "foaf:name": s.licenza,
    }
    known = EU_LICENCES.get(re.sub(r"^https?://|(deed\.[a-z]+|legalcode(\.[a-z]+)?)?$", "", s.licenza_url).rstrip("/"))
    if known:
        licence["@id"] = f"{EU}licence/{known[0]}"
        licence["dct:type"] = {"@id": f"http://purl.org/adms/licencetype/{known[1]}"}
    return licence


def _distributions(link: Callable[[str], str], licence: dict[str, Any], modified: dt.date) -> list[dict[str, Any]]:
    return [
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
        for path, fmt, media, title, description, schema in DISTRIBUTIONS
    ]


def _dataset(site: Site, link: Callable[[str], str], licence: dict[str, Any], issued: dt.date) -> dict[str, Any]:
    s = site.settings
    dataset_id = link(paths.DATA)
    dataset: dict[str, Any] = {
        "@id": dataset_id,
        "@type": ["dcat:Dataset", "dcatapit:Dataset"],
        # codiceIPA:identificativo when the owner's IPA code is known, else the dataset's address.
        "dct:identifier": f"{s.titolare_codice_ipa}:buone-pratiche-welfare-locale"
        if s.titolare_codice_ipa
        else dataset_id,
        "dct:title": _it(s.titolo),
        "dct:description": _it(s.descrizione.strip()),
        "dct:publisher": OWNER,
        "dct:rightsHolder": OWNER,
        "dcat:theme": [{"@id": f"{EU}data-theme/SOCI"}, {"@id": f"{EU}data-theme/GOVE"}],
        "dct:accrualPeriodicity": {"@id": f"{EU}frequency/IRREG", "@type": "dct:Frequency"},
        "dct:language": {"@id": f"{EU}language/ITA", "@type": "dct:LinguisticSystem"},
        "dct:issued": _date(issued),
        "dct:modified": _date(site.date),
        "dct:spatial": {
            "@id": PUGLIA,
            "@type": "dct:Location",
            "locn:geographicName": _it("Puglia"),
            "dcatapit:geographicalIdentifier": PUGLIA,
        },
        "dcat:keyword": [_it(k) for k in KEYWORDS],
        "dcat:landingPage": {"@id": link(paths.PRACTICES), "@type": "foaf:Document"},
        "dct:conformsTo": {
            "@id": link(paths.EXPORT_SCHEMA),
            "@type": ["dct:Standard", "dcatapit:Standard"],
            "dct:identifier": link(paths.EXPORT_SCHEMA),
            "dct:title": _it("Schema JSON dei dati esportati di una pratica"),
        },
        "dcat:distribution": _distributions(link, licence, site.date),
    }
    if s.contatto_email:  # a contact point needs an address (DCAT-AP_IT): none is better than an invented one
        dataset["dcat:contactPoint"] = {
            "@type": ["vcard:Kind", "dcatapit:Organization"],
            "vcard:fn": s.editore,
            "vcard:hasEmail": {"@id": f"mailto:{s.contatto_email}"},
        }
    return dataset


def dcat_catalogue(site: Site, urls: Urls) -> bytes:
    """The catalogue and its dataset in DCAT-AP_IT (and DCAT-AP 3), as JSON-LD, for dati.gov.it and,
    through it, data.europa.eu. Needs the site's absolute address (build checks it is there)."""
    s = site.settings

    def link(path: str) -> str:
        return urls.absolute(path) or urls.url(path)

    licence = _licence(s)
    issued = min((p.data.pubblicata for p in site.practices), default=site.date)
    dataset = _dataset(site, link, licence, issued)
    catalogue = {
        "@id": link(paths.DCAT),
        "@type": ["dcat:Catalog", "dcatapit:Catalog"],
        "dct:title": _it(s.titolo),
        "dct:description": _it(s.sottotitolo),
        "dct:publisher": OWNER,
        "dct:issued": _date(issued),
        "dct:modified": _date(site.date),
        "dct:language": {"@id": f"{EU}language/ITA", "@type": "dct:LinguisticSystem"},
        "foaf:homepage": {"@id": urls.absolute() or urls.url(), "@type": "foaf:Document"},
        "dcat:themeTaxonomy": {"@id": f"{EU}data-theme"},
        "dct:license": licence,
        "dcat:dataset": {"@id": dataset["@id"]},
    }
    return json_file({"@context": CONTEXT, "@graph": [catalogue, dataset, _owner(s), THEME_TAXONOMY]})
