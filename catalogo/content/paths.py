"""Where every file of the site lives, relative to the base URL: one place for every output path and
every internal link (pages end in '/', their file is ``page_file(path)``)."""

from __future__ import annotations

from catalogo.content.records import PracticeRecord
from catalogo.content.territories import Ambito, Comune, Provincia

HOME = ""
PRACTICES = "pratiche/"
AREAS = "aree/"
TERRITORIES = "territori/"
FESTIVAL = "festival/"
MAP = "mappa/"
NETWORK = "rete/"
PUBLICATION = "pubblicazione/"
DATA = "dati/"
PROPOSE = "proponi/"
ACCESSIBILITY = "accessibilita/"
ADMIN = "admin/"
NOT_FOUND = "404.html"

DATA_JSON = "dati/pratiche.json"
DATA_CSV = "dati/pratiche.csv"
DCAT = "dati/catalogo.jsonld"
TEMPLATE = "dati/modello-pratiche.xlsx"
SCHEMA = "dati/schema/pratica.schema.json"
EXPORT_SCHEMA = "dati/schema/pratica-export.schema.json"
FEED = "feed.xml"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"


def page_file(path: str) -> str:
    """The file of a page: 'pratiche/x/' -> 'pratiche/x/index.html' (the home page: 'index.html')."""
    return path + "index.html" if path == "" or path.endswith("/") else path


def page_of(file: str) -> str:
    """The address of a page's file: 'pratiche/x/index.html' -> 'pratiche/x/'."""
    return file.removesuffix("index.html")


def feed_path(page: str) -> str:
    """A page's own Atom feed, beside it: 'aree/x/' -> 'aree/x/feed.xml'."""
    return page + "feed.xml"


def practice_path(p: PracticeRecord | str) -> str:
    return f"{PRACTICES}{p if isinstance(p, str) else p.slug}/"


def practice_data_path(p: PracticeRecord | str) -> str:
    """The practice's own JSON record, beside its page."""
    return practice_path(p) + "index.json"


def practice_files(p: PracticeRecord | str) -> tuple[str, str]:
    """The files a practice makes in the site: its page and its JSON record."""
    return page_file(practice_path(p)), practice_data_path(p)


def list_page_path(number: int) -> str:
    """The catalogue's alphabetical list without JavaScript, page ``number`` (the first is /pratiche/)."""
    return PRACTICES if number == 1 else f"{PRACTICES}pagina/{number}/"


def area_path(slug: str) -> str:
    return f"{AREAS}{slug}/"


def territory_path(territory: Comune | Ambito | Provincia) -> str:
    return f"{TERRITORIES}{territory.slug}/"


def festival_path(year: int | str) -> str:
    return f"{FESTIVAL}{year}/"
