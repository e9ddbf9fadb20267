"""Cross-file checks: territories exist and agree, festival years exist, replications resolve."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from catalogo.content.contract import FestivalEdition, Practice
from catalogo.content.documents import RawDoc, format_key
from catalogo.content.records import ResolvedReplica
from catalogo.content.territories import Ambito, Comune, Provincia, Territories, Territorio
from catalogo.core.diagnostics import Diagnostic
from catalogo.core.text import did_you_mean, fold, join_quoted, suggest


@dataclass(frozen=True)
class Placement:
    comune: Comune | None
    ambito: Ambito
    ambito_verificato: bool
    provincia: Provincia


def _error(doc: RawDoc, path: tuple[str | int, ...], message: str, severity: str = "errore") -> Diagnostic:
    line, col = doc.pos(path)
    return Diagnostic(doc.path, line, col, format_key(path), message, severity)  # type: ignore[arg-type]


def _unknown_territory(value: str, territories: Territories) -> str:
    names = list(territories.comuni) + [a.denominazione for a in territories.ambiti.values()]
    found = suggest(value, names)
    hint = f" (forse intendevi '{found[0]}'?)" if found else ""
    return (
        f"territorio sconosciuto '{value}'{hint}: scrivi il nome di un Comune pugliese "
        "oppure 'Ambito di' seguito dal nome dell'Ambito"
    )


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def place_practice(doc: RawDoc, territories: Territories) -> tuple[Placement | None, list[Diagnostic]]:
    """Resolve comune/ambito against the reference tables; derive provincia and Ambito.

    Works on the raw values, so a wrong territory is reported even when other keys are invalid.
    """
    diags: list[Diagnostic] = []
    comune = ambito = None
    comune_name, ambito_name = _text(doc.data.get("comune")), _text(doc.data.get("ambito"))
    if comune_name is not None:
        comune = territories.find_comune(comune_name)
        if comune is None:
            diags.append(
                _error(
                    doc,
                    ("comune",),
                    f"Comune sconosciuto '{comune_name}'"
                    f"{did_you_mean(comune_name, territories.comuni)}: usa il nome ufficiale ISTAT",
                )
            )
    if ambito_name is not None:
        ambito = territories.find_ambito(ambito_name)
        if ambito is None:
            found = territories.suggest_ambito(ambito_name)
            hint = f" (forse intendevi '{found[0]}'?)" if found else ""
            diags.append(
                _error(
                    doc,
                    ("ambito",),
                    f"Ambito sconosciuto '{ambito_name}'{hint}: "
                    "scrivi il nome dell'Ambito territoriale sociale, ad esempio 'Bitonto'",
                )
            )
    if diags or (comune is None and ambito is None):
        return None, diags
    verified = True
    if comune is not None:
        own = territories.ambiti[comune.ambito]
        if ambito is not None and ambito.nome != own.nome:
            if comune.ambito_verificato:
                diags.append(
                    _error(
                        doc,
                        ("ambito",),
                        f"il Comune di {comune.nome} fa parte dell'"
                        f"{own.denominazione}, non dell'{ambito.denominazione}",
                    )
                )
                return None, diags
            diags.append(
                _error(
                    doc,
                    ("ambito",),
                    f"secondo la tabella dei territori (appartenenza "
                    f"da verificare) il Comune di {comune.nome} fa parte dell'"
                    f"{own.denominazione}: vale quanto scritto nella scheda, ma "
                    "correggi content/territori/comuni.csv se serve",
                    "avviso",
                )
            )
        elif ambito is None:
            ambito = own
            verified = comune.ambito_verificato
    assert ambito is not None
    provincia = territories.province[(comune or ambito).provincia]
    return Placement(comune, ambito, verified, provincia), diags


def _raw_list(doc: RawDoc, key: str) -> list[object]:
    value = doc.data.get(key)
    return value if isinstance(value, list) else []


def check_replicas(doc: RawDoc, placement: Placement | None, territories: Territories) -> list[Diagnostic]:
    """Every replication names a known territory other than the practice's own (raw values)."""
    diags: list[Diagnostic] = []
    own = {placement.comune, placement.ambito} if placement else set()
    for i, item in enumerate(_raw_list(doc, "repliche")):
        name = _text(item.get("territorio")) if isinstance(item, dict) else None
        if name is None:
            continue
        where = ("repliche", i, "territorio")
        found = territories.find(name)
        if found is None:
            diags.append(_error(doc, where, _unknown_territory(name, territories)))
        elif found in own:
            diags.append(
                _error(
                    doc,
                    where,
                    f"{found.denominazione} è il territorio della pratica stessa: le repliche sono di altri territori",
                )
            )
    return diags


def resolve_replicas(fm: Practice, territories: Territories) -> tuple[ResolvedReplica, ...]:
    """For a practice that passed check_replicas: each replication with its territory."""
    resolved = []
    for replica in fm.repliche:
        found = territories.find(replica.territorio)
        assert found is not None
        resolved.append(ResolvedReplica(replica, found))
    return tuple(resolved)


def check_festival_years(doc: RawDoc, years: set[int]) -> list[Diagnostic]:
    diags = []
    for i, year in enumerate(_raw_list(doc, "festival")):
        if isinstance(year, int) and not isinstance(year, bool) and year not in years:
            available = join_quoted(str(y) for y in sorted(years)) or "nessuno"
            diags.append(
                _error(
                    doc,
                    ("festival", i),
                    f"non esiste un'edizione del festival {year} "
                    f"(manca il file festival/{year}.md); anni disponibili: {available}",
                )
            )
    return diags


def resolve_presenters(
    doc: RawDoc, fm: FestivalEdition, territories: Territories
) -> tuple[tuple[Territorio, ...], list[Diagnostic]]:
    found: list[Territorio] = []
    diags = []
    for i, name in enumerate(fm.enti_presentatori):
        territory = territories.find(name)
        if territory is None:
            diags.append(_error(doc, ("enti_presentatori", i), _unknown_territory(name, territories)))
        else:
            found.append(territory)
    if str(fm.data.year) != doc.stem:
        diags.append(
            _error(
                doc,
                ("data",),
                f"la data è del {fm.data.year} ma il file si chiama "
                f"{doc.stem}.md: il nome del file è l'anno dell'edizione",
            )
        )
    return tuple(sorted(found, key=lambda t: (t.kind, fold(t.nome)))), diags


# The Avviso's rule: each Comune or Ambito could submit one practice, plus a second one only in
# the area of educational poverty (seed 001: "una seconda ... esclusivamente nell'ambito del
# contrasto alle povertà educative").
SECOND_PRACTICE_AREA = "poverta-educative"


@dataclass(frozen=True)
class Presented:
    """A practice presented at a festival edition, where its file names the year."""

    path: str
    line: int
    col: int
    key: str
    presenter: str  # the Comune or Ambito that presented it
    year: int
    area: str


def check_candidacy(presented: list[Presented], area_label: str) -> list[Diagnostic]:
    """A warning on each practice of a body that presented more at one edition than the Avviso allowed."""
    groups: dict[tuple[str, int], list[Presented]] = {}
    for item in presented:
        groups.setdefault((item.presenter, item.year), []).append(item)
    diags = []
    for (presenter, year), items in sorted(groups.items()):
        allowed = len(items) <= 1 or (len(items) == 2 and any(i.area == SECOND_PRACTICE_AREA for i in items))
        if allowed:
            continue
        files = ", ".join(sorted(Path(i.path).name for i in items))
        for item in items:
            diags.append(
                Diagnostic(
                    item.path,
                    item.line,
                    item.col,
                    item.key,
                    f"{presenter} risulta avere {len(items)} pratiche presentate al festival {year} ({files}): "
                    f"l'Avviso ammetteva una pratica per ente, più una seconda solo nell'area «{area_label}». "
                    "Controlla anni e territori delle schede",
                    "avviso",
                )
            )
    return diags
