"""Section V of the avenant, as quoted from the source document (`data/clauses.yaml`).

Rules cite clauses by id (`V-e/3`, `V-d/violations`); this module gives their title,
text and source lines, for `explain` and for the help text of SARIF rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from .packagedata import data as package_data


@dataclass(frozen=True)
class Clause:
    id: str
    titre: str
    lignes: tuple[str, ...]  # lines of the source document, "473-496"
    texte: str

    def source(self) -> str:
        return f"source : document d'origine, {'ligne' if len(self.lignes) < 2 else 'lignes'} " + ", ".join(self.lignes)


@cache
def clauses() -> dict[str, Clause]:
    """Every quoted clause, by id, in the order of the avenant."""
    data = package_data("clauses.yaml")
    return {
        c["id"]: Clause(c["id"], c["titre"], tuple(str(x) for x in c["lignes"]), c["texte"])
        for c in data["clauses"]
    }


@dataclass(frozen=True)
class Requirement:
    """One requirement of section V and how the project covers it (`data/exigences.yaml`)."""

    id: str
    clause: str
    lignes: tuple[str, ...]
    exigence: str
    regles: tuple[str, ...]
    limite: str  # what a register cannot show, "" when the rules cover it all


@cache
def requirements() -> tuple[Requirement, ...]:
    data = package_data("exigences.yaml")
    return tuple(
        Requirement(r["id"], r["clause"], tuple(str(x) for x in r["lignes"]), r["exigence"],
                    tuple(r.get("regles", [])), r.get("limite", ""))
        for r in data["exigences"]
    )
