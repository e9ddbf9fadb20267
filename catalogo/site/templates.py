"""The theme's templates with the catalogue's filters and helpers: the site's pages, the web editor's
preview data and the printed volumes (printed/pdf.py) render the same practice with the same macros."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from pathlib import Path

from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.bccache import Bucket

from catalogo.content.paths import area_path, festival_path, practice_path, territory_path
from catalogo.content.records import PracticeRecord, Site
from catalogo.core.text import count_it
from catalogo.core.urls import Urls
from catalogo.editors.doors import error_report_url, interest_form_url, interest_mail, proposal_mail
from catalogo.site.facts import other_facts, unplaced_keys

# Everything the site loads is its own; no inline script or style can run (JSON-LD is data, not script).
# 'data:' images only for the small SVG icons inside Bootstrap Italia's CSS (checkboxes, selects).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'"
)

MONTHS = (
    "gennaio",
    "febbraio",
    "marzo",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "agosto",
    "settembre",
    "ottobre",
    "novembre",
    "dicembre",
)


def italian_date(value: dt.date) -> str:
    day = "1º" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def italian_size(value: int) -> str:
    """A file's size as people read it: '850 KB', '1,2 MB'."""
    if value < 1024 * 1024:
        return f"{max(1, round(value / 1024))} KB"
    return f"{value / 1024 / 1024:.1f} MB".replace(".", ",")


def italian_number(value: float) -> str:
    whole = int(value)
    text = f"{whole:,}".replace(",", ".")
    if value != whole:
        text += "," + f"{value:.2f}".split(".")[1]
    return text


class _CompiledTemplates(FileSystemBytecodeCache):
    """Compiled templates, checked against their source: kept in this process (the dev server makes a
    Renderer per rebuild) and between builds in Jinja's own cache folder (the system's temporary
    folder, one per user, that no other user may write), as Python keeps .pyc files: compiling the
    theme took 0.3 s of CPU in every process of every build. A folder that cannot be used only means
    the templates are compiled again."""

    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}
        self._disk = True
        try:
            super().__init__()
        except (OSError, RuntimeError):  # no safe folder of our own: memory alone
            self._disk = False

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._store.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)
        elif self._disk:
            with contextlib.suppress(OSError, ValueError, EOFError):  # a damaged file: compiled again
                super().load_bytecode(bucket)
            if bucket.code is not None:
                self._store[bucket.key] = bucket.bytecode_to_string()

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()
        if self._disk:
            with contextlib.suppress(OSError):
                super().dump_bytecode(bucket)


_COMPILED = _CompiledTemplates()


def environment(site: Site, theme: Path, urls: Urls) -> Environment:
    """The theme's templates with the catalogue's filters and helpers: the site's pages and the
    printed volumes (pdf.py) render the same practice with the same macros."""
    env = Environment(
        loader=FileSystemLoader([theme / "templates", theme]),  # theme/admin/... for /admin/
        bytecode_cache=_COMPILED,
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )

    def page_address(p: PracticeRecord) -> str:
        """A practice's page as people can type it: its full address, or its name without one."""
        return urls.absolute(practice_path(p)) or p.slug

    env.filters["data_it"] = italian_date
    env.filters["numero_it"] = italian_number
    env.filters["dimensione_it"] = italian_size
    # A count with its noun (and adjectives) in the right number: '1 pratica documentata'.
    env.filters["concorda"] = lambda n, one, many: one if n == 1 else many
    env.globals.update(
        count_it=count_it,
        url=urls.url,
        territory_url=lambda t: urls.url(territory_path(t)),
        area_url=lambda slug: urls.url(area_path(slug)),
        practice_url=lambda p: urls.url(practice_path(p)),
        festival_url=lambda year: urls.url(festival_path(year)),
        site=site,
        settings=site.settings,
        label=site.label,
        interest_url=functools.partial(interest_form_url, site.settings),
        interest_mail=lambda p: interest_mail(site.settings, site.vocabularies, p, page_address(p)),
        error_report_url=lambda p: error_report_url(site.settings, p, page_address(p)),
        page_address=page_address,
        proposal_mail=lambda: proposal_mail(site.settings, site.vocabularies),
        other_facts=functools.partial(
            other_facts, keys=unplaced_keys(theme), site=site, number=italian_number, date=italian_date
        ),
        absolute=bool(urls.origin),  # the feed and the DCAT description exist only with an absolute address
    )
    return env
