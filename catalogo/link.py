"""Cross-file checks: territories exist and agree, festival years exist, replications resolve."""

from __future__ import annotations

from dataclasses import dataclass

from .diagnostics import Diagnostic
from .model import ResolvedReplica
from .schema import FestivalEdition, Practice
from .sources import RawDoc, format_key
from .territory import Ambito, Comune, Provincia, Territories, Territorio
from .text import did_you_mean, fold, join_quoted, suggest


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
    return (f"territorio sconosciuto '{value}'{hint}: scrivi il nome di un Comune pugliese "
            "oppure 'Ambito di' seguito dal nome dell'Ambito")


def place_practice(doc: RawDoc, fm: Practice, territories: Territories) -> tuple[Placement | None, list[Diagnostic]]:
    """Resolve comune/ambito against the reference tables; derive provincia and Ambito."""
    diags: list[Diagnostic] = []
    comune = ambito = None
    if fm.comune is not None:
        comune = territories.find_comune(fm.comune)
        if comune is None:
            diags.append(_error(doc, ("comune",), f"Comune sconosciuto '{fm.comune}'"
                                f"{did_you_mean(fm.comune, territories.comuni)}: usa il nome ufficiale ISTAT"))
    if fm.ambito is not None:
        ambito = territories.find_ambito(fm.ambito)
        if ambito is None:
            found = territories.suggest_ambito(fm.ambito)
            hint = f" (forse intendevi '{found[0]}'?)" if found else ""
            diags.append(_error(doc, ("ambito",), f"Ambito sconosciuto '{fm.ambito}'{hint}: "
                                "scrivi il nome dell'Ambito territoriale sociale, ad esempio 'Bitonto'"))
    if diags:
        return None, diags
    verified = True
    if comune is not None:
        own = territories.ambiti[comune.ambito]
        if ambito is not None and ambito.nome != own.nome:
            if comune.ambito_verificato:
                diags.append(_error(doc, ("ambito",), f"il Comune di {comune.nome} fa parte dell'"
                                    f"{own.denominazione}, non dell'{ambito.denominazione}"))
                return None, diags
            diags.append(_error(doc, ("ambito",), f"secondo la tabella dei territori (appartenenza "
                                f"da verificare) il Comune di {comune.nome} fa parte dell'"
                                f"{own.denominazione}: vale quanto scritto nella scheda, ma "
                                "correggi content/territori/comuni.csv se serve", "avviso"))
        elif ambito is None:
            ambito = own
            verified = comune.ambito_verificato
    assert ambito is not None
    provincia = territories.province[(comune or ambito).provincia]
    return Placement(comune, ambito, verified, provincia), diags


def resolve_replicas(doc: RawDoc, fm: Practice, placement: Placement | None,
                     territories: Territories) -> tuple[tuple[ResolvedReplica, ...], list[Diagnostic]]:
    resolved: list[ResolvedReplica] = []
    diags: list[Diagnostic] = []
    own = {placement.comune, placement.ambito} if placement else set()
    for i, replica in enumerate(fm.repliche):
        where = ("repliche", i, "territorio")
        found = territories.find(replica.territorio)
        if found is None:
            diags.append(_error(doc, where, _unknown_territory(replica.territorio, territories)))
        elif found in own:
            diags.append(_error(doc, where, f"{found.denominazione} è il territorio della pratica "
                                "stessa: le repliche sono di altri territori"))
        else:
            resolved.append(ResolvedReplica(replica, found))
    return tuple(resolved), diags


def check_festival_years(doc: RawDoc, fm: Practice, years: set[int]) -> list[Diagnostic]:
    diags = []
    for i, year in enumerate(fm.festival):
        if year not in years:
            available = join_quoted(str(y) for y in sorted(years)) or "nessuno"
            diags.append(_error(doc, ("festival", i), f"non esiste un'edizione del festival {year} "
                                f"(manca content/festival/{year}.md); anni disponibili: {available}"))
    return diags


def resolve_presenters(doc: RawDoc, fm: FestivalEdition,
                       territories: Territories) -> tuple[tuple[Territorio, ...], list[Diagnostic]]:
    found: list[Territorio] = []
    diags = []
    for i, name in enumerate(fm.enti_presentatori):
        territory = territories.find(name)
        if territory is None:
            diags.append(_error(doc, ("enti_presentatori", i), _unknown_territory(name, territories)))
        else:
            found.append(territory)
    if str(fm.data.year) != doc.stem:
        diags.append(_error(doc, ("data",), f"la data è del {fm.data.year} ma il file si chiama "
                            f"{doc.stem}.md: il nome del file è l'anno dell'edizione"))
    return tuple(sorted(found, key=lambda t: (t.kind, fold(t.nome)))), diags
