"""Open data, feeds, map, publication and related practices."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from xml.sax import saxutils

import jsonschema
import pytest
import rdflib
from conftest import FIXTURE_SITE, ROOT
from dcat_validation import DCAT, DCATAPIT, DCT, FOAF, dcatapit_errors, shacl_violations
from lxml import etree
from rdflib import RDF

from catalogo.cli import main
from catalogo.content.load import load_site
from catalogo.core.urls import Urls
from catalogo.opendata import feeds
from catalogo.opendata.dcat import dcat_catalogue
from catalogo.opendata.exports import (
    CSV_COLUMNS,
    CSV_ROWS_PER_PIECE,
    practice_data,
    practice_json,
    practices_csv,
    practices_json,
)
from catalogo.search.lunr import load_stop_words
from catalogo.search.related import related_practices

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("export")
    shutil.copytree(FIXTURE_SITE, root / "content")
    assert (
        main(
            [
                "build",
                "--content",
                str(root / "content"),
                "--out",
                str(root / "sito"),
                "--base-url",
                "https://example.org/catalogo/",
            ],
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
        == 0
    )
    return root / "sito"


def test_json_export_has_every_practice_and_field(site: Path) -> None:
    data = json.loads((site / "dati/pratiche.json").read_text(encoding="utf-8"))
    assert data["versione_schema"] == "1.0" and data["licenza"] == "CC BY 4.0"
    practices = data["pratiche"]
    assert [p["slug"] for p in practices] == ["andria-prova", "centro-famiglie-prova", "sportello-prova"]
    first = practices[1]
    assert list(first)[:4] == ["versione_schema", "slug", "url", "titolo"]
    assert first["url"] == "https://example.org/catalogo/pratiche/centro-famiglie-prova/"
    assert (first["comune"], first["codice_istat_comune"], first["ambito"], first["provincia"]) == (
        "Bitonto",
        "072011",
        "Bitonto",
        "BA",
    )
    assert first["risultati"][1] == {"indicatore": "Famiglie seguite", "valore": 1250, "note": "in due anni"}
    assert first["repliche"][0] == {
        "territorio": "Ambito di Corato",
        "tipo": "ambito",
        "stato": "interesse",
        "anno": 2024,
        "fonte": None,
    }
    assert first["testo"].startswith("## Contesto")
    andria = practices[0]
    assert andria["ambito_derivato"] is True and andria["ambito_verificato"] is False
    for p in practices:  # every practice also has its own file, with the same record
        own = json.loads((site / "pratiche" / p["slug"] / "index.json").read_text(encoding="utf-8"))
        assert own == p


def _decode(cell: str, spec: dict) -> object:
    """A CSV cell back to its JSON value, by the type the export schema gives the field (the rules
    /dati/ states: empty is null, lists are JSON arrays, 'sì'/'no', numbers with a decimal point)."""
    types = {spec["type"]} if "type" in spec else {t.get("type") for t in spec.get("anyOf", [])}
    if cell == "" and "null" in types:
        return None
    if "array" in types:
        return json.loads(cell)
    if "boolean" in types:
        return {"sì": True, "no": False}[cell]
    if "integer" in types:
        return int(cell)
    if "number" in types:
        return float(cell)
    return cell[1:] if cell.startswith("'") else cell  # a text a spreadsheet would run starts with an apostrophe


def _fields(schema: dict) -> dict[str, dict]:
    """Each CSV column's property in the export schema (groups give 'group_key' columns)."""
    defs = schema["$defs"]

    def resolve(spec: dict) -> dict:
        if "$ref" in spec:
            return defs[spec["$ref"].rsplit("/", 1)[1]]
        for option in spec.get("anyOf", []):
            if "$ref" in option:
                return defs[option["$ref"].rsplit("/", 1)[1]]
        return spec

    fields: dict[str, dict] = {}
    for key, spec in schema["properties"].items():
        target = resolve(spec)
        if target.get("type") == "object" and "properties" in target:
            fields.update({f"{key}_{sub}": sub_spec for sub, sub_spec in target["properties"].items()})
        else:
            fields[key] = spec
    return fields


def test_the_json_files_are_written_as_json_writes_them(make_content) -> None:
    """Indented as json.dumps(indent=2) writes it, accents as they are, numbers of any size."""
    practice = "practices/sportello-prova.md"
    text = (FIXTURE_SITE / practice).read_text(encoding="utf-8")
    huge = "risultati:\n  - indicatore: Persone raggiunte\n    valore: 100000000000000000000000000000\n"
    content = make_content({practice: text.replace("risultati:\n  - Tempi di risposta dimezzati.\n", huge)})
    site = load_site(content).site
    urls = Urls.from_base_url("https://example.org/catalogo/")
    for p in site.practices:
        expected = json.dumps(practice_data(site, p, urls), ensure_ascii=False, indent=2) + "\n"
        assert practice_json(site, p, urls).decode("utf-8") == expected
    whole = json.loads(b"".join(practices_json(site, urls)))
    assert whole["pratiche"] == [practice_data(site, p, urls) for p in site.practices]
    assert any(r["valore"] == 10**29 for d in whole["pratiche"] for r in d["risultati"] if isinstance(r, dict))


def test_csv_is_written_a_few_practices_at_a_time(synthetic_content: Path) -> None:
    """At 10,000 practices the whole CSV held at once was the build's peak of memory."""
    site = load_site(synthetic_content).site
    pieces = list(practices_csv(site, Urls.from_base_url("https://example.org/")))
    assert len(site.practices) > 2 * CSV_ROWS_PER_PIECE
    assert len(pieces) == -(-len(site.practices) // CSV_ROWS_PER_PIECE)
    header = pieces[0].decode("utf-8-sig").split("\r\n", 1)[0]
    assert header == ",".join(CSV_COLUMNS)
    for number, piece in enumerate(pieces):  # whole rows in each piece, in the practices' order
        rows = list(csv.reader(io.StringIO(piece.decode("utf-8-sig"), newline="")))[1 if number == 0 else 0 :]
        chunk = site.practices[number * CSV_ROWS_PER_PIECE : (number + 1) * CSV_ROWS_PER_PIECE]
        assert [row[CSV_COLUMNS.index("slug")] for row in rows] == [p.slug for p in chunk]
    empty = list(practices_csv(dataclasses.replace(site, practices=[]), Urls.from_base_url("/")))
    assert b"".join(empty).decode("utf-8-sig") == ",".join(CSV_COLUMNS) + "\r\n"


def test_csv_reads_back_as_the_json_records(site: Path) -> None:
    raw = (site / "dati/pratiche.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # spreadsheets read the accents
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    records = json.loads((site / "dati/pratiche.json").read_text(encoding="utf-8"))["pratiche"]
    schema = json.loads((site / "dati/schema/pratica-export.schema.json").read_text(encoding="utf-8"))
    fields = _fields(schema)
    # The header is the published schema's properties in order, a group's keys as group_key columns.
    assert list(rows[0]) == list(fields)  # the practice's text too, in a column of its own
    assert len(rows) == len(records) == 3
    for row, record in zip(rows, records, strict=True):
        flat = {}
        for key, value in record.items():
            if isinstance(value, dict):
                flat.update({f"{key}_{sub}": v for sub, v in value.items()})
            else:
                flat[key] = value
        assert list(flat) == list(row)  # the JSON record's order too
        assert {column: _decode(cell, fields[column]) for column, cell in row.items()} == flat
    family = rows[1]  # lists as /dati/ shows them; objects survive whole
    assert family["aree_strategiche"] == '["famiglie-minori", "inclusione-poverta"]'
    assert '["famiglie-minori", "inclusione-poverta"]' in (site / "dati/index.html").read_text(encoding="utf-8")
    assert json.loads(family["repliche"])[0] == {
        "territorio": "Ambito di Corato",
        "tipo": "ambito",
        "stato": "interesse",
        "anno": 2024,
        "fonte": None,
    }
    arrays = [column for column, spec in fields.items() if "array" in json.dumps(spec.get("type", spec))]
    assert [c for c in rows[1] if rows[1][c].startswith("[")] == [c for c in arrays if c in rows[1]]


def test_every_exported_document_validates_against_the_schema_it_names(site: Path) -> None:
    schema = json.loads((site / "dati/schema/pratica-export.schema.json").read_text(encoding="utf-8"))
    assert schema["$id"] == "https://example.org/catalogo/dati/schema/pratica-export.schema.json"
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    documents = json.loads((site / "dati/pratiche.json").read_text(encoding="utf-8"))["pratiche"]
    documents += [json.loads(f.read_text(encoding="utf-8")) for f in sorted(site.glob("pratiche/*/index.json"))]
    assert len(documents) == 6
    for document in documents:
        assert not list(validator.iter_errors(document)), document["slug"]
    broken = {**documents[0], "inventato": 1, "repliche": [{"territorio": "Andria", "stato": "interesse"}]}
    assert len(list(validator.iter_errors(broken))) == 2  # an unknown key, a replica without 'tipo'
    contract = json.loads((site / "dati/schema/pratica.schema.json").read_text(encoding="utf-8"))
    assert contract["$id"] == "https://example.org/catalogo/dati/schema/pratica.schema.json"
    catalogue = rdflib.Graph().parse(site / "dati/catalogo.jsonld", format="json-ld")
    named = {str(o) for o in catalogue.objects(None, DCT.conformsTo)}
    assert named == {schema["$id"]}  # the dataset conforms to the export schema
    documented = {str(o) for o in catalogue.objects(None, FOAF.page)}
    assert documented == {schema["$id"]}  # and its JSON distribution points to it


def _catalogue(site: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(site / "dati/catalogo.jsonld", format="json-ld")


def test_dcat_description_passes_the_dcat_ap_3_shapes(site: Path) -> None:
    assert shacl_violations(_catalogue(site)) == []


def test_dcat_description_passes_the_dcat_ap_it_rules(site: Path) -> None:
    graph = _catalogue(site)
    assert dcatapit_errors(graph) == []
    agent = next(graph.subjects(RDF.type, DCATAPIT.Agent))
    assert str(graph.value(agent, DCT.identifier)) == "ente_prova"  # the IPA code from sito.yml
    assert {str(d) for d in graph.objects(None, DCAT.downloadURL)} == {
        "https://example.org/catalogo/dati/pratiche.json",
        "https://example.org/catalogo/dati/pratiche.csv",
    }
    for url in graph.objects(None, DCAT.downloadURL):
        assert (site / str(url).removeprefix("https://example.org/catalogo/")).is_file()


def test_the_licence_is_the_one_the_settings_name() -> None:
    site = load_site(FIXTURE_SITE).site
    urls = Urls.from_base_url("https://example.org/catalogo/")

    def licence(**settings: str) -> rdflib.term.Node:
        changed = dataclasses.replace(site, settings=site.settings.model_copy(update=settings))
        graph = rdflib.Graph().parse(data=dcat_catalogue(changed, urls), format="json-ld")
        return next(graph.objects(None, DCT.license))

    eu = rdflib.URIRef("http://publications.europa.eu/resource/authority/licence/CC_BY_4_0")
    assert licence() == eu  # the fixture's creativecommons.org address of CC BY 4.0
    assert licence(licenza_url="https://creativecommons.org/licenses/by/4.0/legalcode.it") == eu
    other = "https://www.dati.gov.it/iodl/2.0/"
    assert licence(licenza="IODL 2.0", licenza_url=other) == rdflib.URIRef(other)  # never a licence it is not


def test_the_validators_reject_what_a_harvester_rejects(site: Path) -> None:
    """Each check can fail: the faults found in the old description, put back one at a time."""
    graph = _catalogue(site)
    for node, value in list(graph.subject_objects(DCAT.mediaType)):
        graph.remove((node, DCAT.mediaType, value))
        graph.add((node, DCAT.mediaType, rdflib.Literal("text/csv")))
    assert {f.rule for f in shacl_violations(graph)} >= {"NodeKindConstraintComponent", "ClassConstraintComponent"}
    graph = _catalogue(site)
    distribution = next(graph.subjects(RDF.type, DCATAPIT.Distribution))
    graph.add((distribution, DCT.conformsTo, rdflib.URIRef("https://example.org/schema.json")))
    assert {f.rule for f in dcatapit_errors(graph)} == {"dominio"}  # an inferring validator: a dataset
    graph = _catalogue(site)
    graph.remove((None, RDF.type, DCATAPIT.Catalog))
    graph.remove((None, DCT.identifier, rdflib.Literal("ente_prova")))
    modified = next(graph.subject_objects(DCT.modified))
    graph.set((modified[0], DCT.modified, rdflib.Literal(str(modified[1]))))
    assert {f.rule for f in dcatapit_errors(graph)} == {"112", "2", "33"}


def test_the_real_content_passes_both_official_checks(real_site: Path) -> None:
    """With the Region's IPA code (content/sito.yml, with its source) and the theme taxonomy's title,
    AgID's DCAT-AP_IT rules and SEMIC's DCAT-AP 3 shapes find nothing."""
    graph = _catalogue(real_site)
    assert dcatapit_errors(graph) == []
    assert shacl_violations(graph) == []


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Contrasto all'esclusione",
        'Il "Sportello"',
        "l'\"uno\" e l'altro",
        "a & b < c > d",
        "riga\nnuova\tcon\rtab",
        "è più",
    ],
)
def test_the_feeds_escape_text_and_attributes_as_xml_sax_saxutils(text: str) -> None:
    """The feeds' own escape and quoteattr (which spare the build the import of ssl) write what the
    standard library's would."""
    assert feeds.escape(text) == saxutils.escape(text)
    assert feeds.quoteattr(text) == saxutils.quoteattr(text)


def test_feed_ids_are_the_sites_own_addresses_and_updated_is_the_commit_time(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_SITE, content)
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Redazione",
        "GIT_AUTHOR_EMAIL": "redazione@example.org",
        "GIT_COMMITTER_NAME": "Redazione",
        "GIT_COMMITTER_EMAIL": "redazione@example.org",
        "GIT_COMMITTER_DATE": "2030-05-06T07:08:09+02:00",
        "GIT_AUTHOR_DATE": "2030-05-06T07:08:09+02:00",
    }
    for command in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "contenuti"]):
        subprocess.run(["git", *command], cwd=content, env=env, check=True)
    out = tmp_path / "sito"
    args = ["build", "--content", str(content), "--out", str(out), "--base-url", "https://example.org/catalogo/"]
    assert main(args, stdout=io.StringIO(), stderr=io.StringIO()) == 0
    root = ET.fromstring((out / "feed.xml").read_bytes())
    assert root.findtext(f"{ATOM}id") == "https://example.org/catalogo/"
    assert root.findtext(f"{ATOM}updated") == "2030-05-06T05:08:09Z"
    entries = root.findall(f"{ATOM}entry")
    published = [e.findtext(f"{ATOM}published") for e in entries]
    assert published == sorted(published, reverse=True) and len(entries) == 3
    for entry in entries:
        link = entry.find(f"{ATOM}link").get("href")
        assert entry.findtext(f"{ATOM}id") == link and link.startswith("https://example.org/catalogo/pratiche/")
        assert entry.findtext(f"{ATOM}updated") == "2030-05-06T05:08:09Z"


def test_sitemap_passes_the_sitemaps_org_schema_and_robots_points_to_it(site: Path) -> None:
    xsd = etree.XMLSchema(etree.parse(ROOT / "tests/fixtures/sitemaps/sitemap.xsd"))
    document = etree.parse(site / "sitemap.xml")
    assert xsd.validate(document), xsd.error_log
    locs = [u.findtext(f"{SITEMAP}loc") for u in document.getroot().findall(f"{SITEMAP}url")]
    # Every page but the 404 and the web editor, which no search engine should list.
    pages = sorted(p for p in site.rglob("*.html") if p.name != "404.html" and p.relative_to(site).parts[0] != "admin")
    assert len(locs) == len(pages) and all(loc.startswith("https://example.org/catalogo/") for loc in locs)
    for slug in ("andria-prova", "centro-famiglie-prova", "sportello-prova"):
        assert f"https://example.org/catalogo/pratiche/{slug}/" in locs
    robots = (site / "robots.txt").read_text(encoding="utf-8")
    assert "Sitemap: https://example.org/catalogo/sitemap.xml" in robots
    assert "Disallow: /catalogo/admin/" in robots.splitlines()


def test_relative_address_leaves_out_what_needs_an_absolute_one(tmp_path: Path) -> None:
    out = tmp_path / "sito"
    stdout = io.StringIO()
    args = ["build", "--content", str(FIXTURE_SITE), "--out", str(out), "--base-url", "/catalogo/"]
    assert main(args, stdout=stdout, stderr=io.StringIO()) == 0
    assert not any((out / name).exists() for name in ("sitemap.xml", "feed.xml", "dati/catalogo.jsonld"))
    assert "sito.yml:4:1: avviso: base_url: indirizzo del sito relativo" in stdout.getvalue()
    assert "Sitemap:" not in (out / "robots.txt").read_text(encoding="utf-8")
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "feed.xml" not in page and "catalogo.jsonld" not in page
    schema = json.loads((out / "dati/schema/pratica-export.schema.json").read_text(encoding="utf-8"))
    assert "$id" not in schema  # no placeholder host


def test_practice_page_metadata(site: Path) -> None:
    html = (site / "pratiche/centro-famiglie-prova/index.html").read_text(encoding="utf-8")
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:url" content="https://example.org/catalogo/pratiche/centro-famiglie-prova/">' in html
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(block)
    assert data["@type"] == "Article" and data["headline"] == "Centro per le famiglie di prova"
    assert "Pratiche simili" in html


@pytest.fixture(scope="module")
def real_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("real") / "sito"
    assert (
        main(
            [
                "build",
                "--content",
                str(ROOT / "content"),
                "--out",
                str(out),
                "--base-url",
                "https://example.org/catalogo/",
            ],
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
        == 0
    )
    return out


def test_map_has_one_linked_shape_per_ambito(real_site: Path) -> None:
    site = real_site
    html = (site / "mappa/index.html").read_text(encoding="utf-8")
    svg = re.search(r"<svg .*?</svg>", html, re.S).group(0)
    ET.fromstring(svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))  # well-formed
    links = re.findall(r'<a href="([^"]+)" aria-label="([^"]+)">\s*<path class="livello-(\d)" d="M', svg)
    assert len(links) == 45
    for href, _label, _level in links:
        assert (site / href.removeprefix("/catalogo/") / "index.html").is_file()
    shaded = {label: level for _, label, level in links}
    assert shaded["Ambito di Bitonto: 1 pratica"] == "1"  # In.Con.Tra
    assert shaded["Ambito di Lecce: 0 pratiche"] == "0"
    assert len(re.findall(r"<tr><th scope=\"row\">", html)) == 45  # the same data as a table


def test_publication_has_every_practice_on_its_own_page(site: Path) -> None:
    html = (site / "pubblicazione/index.html").read_text(encoding="utf-8")
    sections = re.findall(r'<section class="practice print-page" aria-labelledby="([a-z0-9-]+)">', html)
    assert sections == ["centro-famiglie-prova", "andria-prova", "sportello-prova"]
    for slug in sections:
        assert f'<a href="#{slug}">' in html
    assert len(set(re.findall(r' id="([^"]+)"', html))) == len(re.findall(r' id="([^"]+)"', html))  # unique ids


def test_related_practices_are_deterministic_and_explained() -> None:
    site = load_site(FIXTURE_SITE).site
    stops = load_stop_words(Path(__file__).resolve().parent.parent / "node_modules")
    first = related_practices(site, stops)
    # The same practices read in another order: chosen again, and the same choice (ties go by slug).
    reversed_site = dataclasses.replace(site, practices=tuple(reversed(site.practices)))
    again = related_practices(reversed_site, stops)
    slugs = {k: [(r.practice.slug, r.reason) for r in v] for k, v in first.items()}
    assert slugs == {k: [(r.practice.slug, r.reason) for r in v] for k, v in again.items()}
    centro = [(r.practice.slug, r.reason) for r in first["centro-famiglie-prova"]]
    assert centro[0] == ("andria-prova", "Stessa area del V Piano, stessi destinatari, temi simili")
    assert all(len(v) <= 4 for v in first.values())


def test_home_counts_replications(site: Path) -> None:
    html = (site / "index.html").read_text(encoding="utf-8")
    # Interests, replications in progress and done, counted apart (the fixture: one interest, one done).
    assert "<strong>1</strong> territorio interessato a replicare una pratica" in html
    assert "<strong>0</strong> repliche in corso" in html
    assert "<strong>1</strong> replica realizzata" in html


def _check_atom(path: Path, page_url: str, feed_url: str) -> list[ET.Element]:
    """RFC 4287's required elements, ids the site's own addresses, times in UTC, ids unique."""
    root = ET.fromstring(path.read_bytes())
    assert root.tag == f"{ATOM}feed" and root.findtext(f"{ATOM}id") == page_url
    assert root.findtext(f"{ATOM}title") and root.find(f"{ATOM}author/{ATOM}name") is not None
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", root.findtext(f"{ATOM}updated") or "")
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links == {"alternate": page_url, "self": feed_url}
    entries = root.findall(f"{ATOM}entry")
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(ids) == len(set(ids))
    for entry in entries:
        assert entry.findtext(f"{ATOM}id").startswith("https://example.org/catalogo/pratiche/")
        assert entry.findtext(f"{ATOM}title") and entry.findtext(f"{ATOM}summary")
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", entry.findtext(f"{ATOM}updated") or "")
        alternate = entry.find(f"{ATOM}link")
        assert alternate.get("rel") == "alternate" and alternate.get("href").startswith("https://example.org/")
    return entries


def test_every_area_and_territory_has_its_own_feed_linked_from_its_page(site: Path) -> None:
    feeds = sorted(site.glob("aree/*/feed.xml")) + sorted(site.glob("territori/*/feed.xml"))
    pages = sorted(site.glob("aree/*/index.html")) + sorted(site.glob("territori/*/index.html"))
    assert [f.parent for f in feeds] == [p.parent for p in pages] and feeds  # one per area and territory page
    base = "https://example.org/catalogo/"
    for feed in feeds:
        folder = feed.parent.relative_to(site).as_posix() + "/"
        entries = _check_atom(feed, base + folder, base + folder + "feed.xml")
        page = (feed.parent / "index.html").read_text(encoding="utf-8")
        assert '<link rel="alternate" type="application/atom+xml" title="Aggiornamenti: ' in page
        assert f'href="/catalogo/{folder}feed.xml">Segui gli aggiornamenti' in page  # a visible link too
        listed = set(re.findall(r'<a href="/catalogo/(pratiche/[^/"]+/)"', page.split("<main", 1)[1]))
        practices = {e.findtext(f"{ATOM}id") for e in entries if "#" not in e.findtext(f"{ATOM}id")}
        linked = {base + p for p in listed}
        # An area's feed has exactly the practices its page lists; a territory's page also lists the
        # practices replicated there, and its feed has the territory's own practices among them.
        assert practices == linked if folder.startswith("aree/") else practices <= linked, folder
    # Corato's Ambito wants to replicate the family centre: its feed says so.
    corato = ET.fromstring((site / "territori/ambito-corato/feed.xml").read_bytes())
    titles = [e.findtext(f"{ATOM}title") for e in corato.findall(f"{ATOM}entry")]
    assert "Ambito di Corato: interesse espresso (2024) per «Centro per le famiglie di prova»" in titles
    _check_atom(site / "feed.xml", base, base + "feed.xml")
