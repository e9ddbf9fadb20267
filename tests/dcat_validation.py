"""The two validators a harvester applies to dati/catalogo.jsonld, run offline.

- DCAT-AP 3.0.1 (data.europa.eu): SEMIC's SHACL shapes with the EU vocabularies the description
  uses, merged into the data graph as the EU's validator does (fixtures in tests/fixtures/dcat-ap/).
- DCAT-AP_IT (dati.gov.it): the mandatory elements of AgID's guidelines (repository
  italia/linee-guida-cataloghi-dati-dcat-ap-it, *_elementi_obbligatori), written here as checks that
  report like AgID's validator (italia/daf-semantic-validator) does, with its rule numbers. AgID's own
  SPARQL files carry no licence that allows copying them into this repository.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyshacl
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "dcat-ap"
SH = Namespace("http://www.w3.org/ns/shacl#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
DCATAPIT = Namespace("http://dati.gov.it/onto/dcatapit#")
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")


@dataclass(frozen=True)
class Finding:
    rule: str  # AgID's rule number, or the SHACL constraint component
    focus: str
    message: str


def shacl_violations(document: Graph) -> list[Finding]:
    """sh:Violation results on nodes of the document (the vocabularies' own nodes are not ours)."""
    shapes = Graph()
    for name in sorted((FIXTURES / "shacl").glob("*.ttl")):
        shapes.parse(name, format="turtle")
    data = Graph()
    data += document
    for name in sorted((FIXTURES / "vocabularies").glob("*.ttl")):
        data.parse(name, format="turtle")
    data += shapes
    _, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True)
    ours = set(document.subjects())
    findings = []
    for result in report.objects(None, SH.result):
        if report.value(result, SH.resultSeverity) != SH.Violation:
            continue
        focus = report.value(result, SH.focusNode)
        if focus not in ours:
            continue
        findings.append(
            Finding(
                str(report.value(result, SH.sourceConstraintComponent)).rsplit("#", 1)[-1],
                str(focus),
                f"{report.value(result, SH.resultPath)}: {report.value(result, SH.resultMessage)}",
            )
        )
    return findings


# (rule, class, property): every node of the class must have the property (AgID severity "error").
REQUIRED = (
    (12, DCATAPIT.Catalog, DCT.title),
    (6, DCATAPIT.Catalog, DCT.description),
    (8, DCATAPIT.Catalog, DCT.publisher),
    (31, DCATAPIT.Catalog, DCT.modified),
    (4, DCATAPIT.Catalog, DCAT.dataset),
    (178, DCATAPIT.Dataset, DCT.identifier),
    (39, DCATAPIT.Dataset, DCT.title),
    (37, DCATAPIT.Dataset, DCT.description),
    (179, DCATAPIT.Dataset, DCT.modified),
    (53, DCATAPIT.Dataset, DCAT.theme),
    (3, DCATAPIT.Dataset, DCT.rightsHolder),
    (180, DCATAPIT.Dataset, DCT.accrualPeriodicity),
    (44, DCATAPIT.Dataset, DCAT.distribution),
    (83, DCATAPIT.Distribution, DCT["format"]),
    (79, DCATAPIT.Distribution, DCAT.accessURL),
    (86, DCATAPIT.Distribution, DCT.license),
    (0, DCATAPIT.Agent, FOAF.name),
    (2, DCATAPIT.Agent, DCT.identifier),
    (205, DCATAPIT.Organization, VCARD.fn),
    (209, DCATAPIT.Organization, VCARD.hasEmail),
    (197, DCATAPIT.Standard, DCT.identifier),
)
# (rule, class, property): at most one value.
AT_MOST_ONE = (
    (9, DCATAPIT.Catalog, DCT.publisher),
    (32, DCATAPIT.Catalog, DCT.modified),
    (60, DCATAPIT.Dataset, DCT.identifier),
    (73, DCATAPIT.Dataset, DCT.modified),
    (58, DCATAPIT.Dataset, DCT.accrualPeriodicity),
    (84, DCATAPIT.Distribution, DCT["format"]),
    (87, DCATAPIT.Distribution, DCT.license),
    (1, DCATAPIT.Agent, FOAF.name),
    (190, DCATAPIT.Agent, DCT.identifier),
)
# The classes a DCAT-AP_IT description must contain.
MANDATORY_CLASSES = (
    (112, DCATAPIT.Catalog),
    (114, DCATAPIT.Dataset),
    (163, DCATAPIT.Distribution),
    (113, DCATAPIT.Agent),
)
# Dates the guidelines want as xsd:date.
DATES = ((33, DCT.modified), (69, DCT.issued))
# Properties whose value must be an IRI (a controlled vocabulary, a document or an address).
IRI_VALUED = (
    (115, DCAT.theme),
    (59, DCT.accrualPeriodicity),
    (85, DCT["format"]),
    (88, DCT.license),
    (188, DCAT.accessURL),
    (207, VCARD.hasEmail),
)


# Properties whose rdfs:domain in AgID's DCAT-AP_IT ontology is a dataset or a distribution. AgID's
# validator can run with RDFS inference: a node using one of them becomes a dataset (a distribution)
# and must then have every mandatory property of one.
DOMAINS = (
    (
        DCATAPIT.Dataset,
        (
            DCT.conformsTo,
            DCT.accrualPeriodicity,
            DCT.rightsHolder,
            DCT.temporal,
            DCT.creator,
            DCT.isVersionOf,
            DCAT.contactPoint,
            DCAT.distribution,
            DCAT.keyword,
            DCAT.landingPage,
            DCAT.theme,
        ),
    ),
    (DCATAPIT.Distribution, (DCT["format"], DCAT.accessURL, DCAT.downloadURL, DCAT.byteSize)),
)


def dcatapit_errors(document: Graph) -> list[Finding]:
    """What AgID's validator reports as an error, by the guidelines' mandatory elements."""
    findings: list[Finding] = []
    for cls, properties in DOMAINS:
        for prop in properties:
            for node in set(document.subjects(prop, None)):
                if (node, RDF.type, cls) not in document:
                    findings.append(Finding("dominio", _name(node), f"{prop} su un nodo che non è {cls}"))
    for rule, cls in MANDATORY_CLASSES:
        if (None, RDF.type, cls) not in document:
            findings.append(Finding(str(rule), "", f"manca la classe obbligatoria {cls}"))
    for rule, cls, prop in REQUIRED:
        for node in document.subjects(RDF.type, cls):
            if document.value(node, prop) is None:
                findings.append(Finding(str(rule), _name(node), f"{cls} senza la proprietà obbligatoria {prop}"))
    for rule, cls, prop in AT_MOST_ONE:
        for node in document.subjects(RDF.type, cls):
            if len(set(document.objects(node, prop))) > 1:
                findings.append(Finding(str(rule), _name(node), f"{cls} con più di un valore per {prop}"))
    for rule, prop in DATES:
        for node, value in document.subject_objects(prop):
            if not (isinstance(value, Literal) and value.datatype == XSD_DATE):
                findings.append(Finding(str(rule), _name(node), f"{prop} non è una data xsd:date: {value!r}"))
    for rule, prop in IRI_VALUED:
        for node, value in document.subject_objects(prop):
            if not isinstance(value, URIRef):
                findings.append(Finding(str(rule), _name(node), f"{prop} non è un IRI: {value!r}"))
    for node, value in document.subject_objects(VCARD.hasEmail):
        if not str(value).startswith("mailto:"):
            findings.append(Finding("207", _name(node), f"vcard:hasEmail non è un indirizzo mailto: {value!r}"))
    return findings


def _name(node: Node) -> str:
    return str(node) if isinstance(node, URIRef) else "@blank_node"
