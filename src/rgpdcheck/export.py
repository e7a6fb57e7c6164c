"""Art. 30 export: the register as a spreadsheet for an inspector.

`controller_rows`: one row per treatment with the columns of the CNIL's register model
(art. 30(1)). `processor_rows`: Bordeaux Métropole's register as processor (art. 30(2)),
across the communes' registers given; who is processor is decided by the liability rules
(rules/responsabilite/, V-c), not guessed here.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from typing import Any

from .liability import determine_all
from .sanitize import csv_cell
from .validate import Register
from .vocabulary import METROPOLE, METROPOLE_NAME, label
_ISO_UNITS = {"Y": ("an", "ans"), "M": ("mois", "mois"), "W": ("semaine", "semaines"), "D": ("jour", "jours")}


def _join(values: Iterable[Any] | None) -> str:
    return " ; ".join(str(v) for v in values or [] if v not in (None, ""))


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("oui" if value else "non")


def duration_fr(iso: str | None) -> str:
    """`P5Y` -> `5 ans`, `P1Y6M` -> `1 an 6 mois`; anything else as written."""
    if not iso or not iso.startswith("P") or "T" in iso:
        return iso or ""
    out, number = [], ""
    for char in iso[1:]:
        if char.isdigit():
            number += char
        elif char in _ISO_UNITS and number:
            one, many = _ISO_UNITS[char]
            out.append(f"{int(number)} {one if int(number) <= 1 else many}")
            number = ""
        else:
            return iso
    return " ".join(out) or iso


class _Context:
    """What the columns need besides the treatment: names of actors, DPOs, the commune."""

    def __init__(self, register: Register):
        model = register.model
        self.commune = register.contract.nom
        self.names = register.actor_names()
        dpos = [d for d in model.dpo if model.commune in d.organismes]
        self.dpo = _join(d.nom or d.id for d in dpos)


def _retention(t: Any, _: _Context) -> str:
    d = t.duree_conservation
    if d is None:
        return ""
    text = duration_fr(d.duree)
    return f"{text} à compter de : {d.point_de_depart}" if d.point_de_depart else text


def _transfers(t: Any, _: _Context) -> str:
    if t.transferts_hors_ue is None:
        return ""
    if not t.transferts_hors_ue:
        return "aucun"
    return _join(f"{x.pays} ({x.garantie or 'garantie non précisée'})" for x in t.transferts_hors_ue)


def _sensitive(t: Any, _: _Context) -> str:
    if t.donnees_sensibles is None:
        return ""
    if not t.donnees_sensibles:
        return "aucune"
    text = _join(label("donnees_sensibles", s) for s in t.donnees_sensibles)
    return f"{text} — {t.exception_art9}" if t.exception_art9 else text


def _processors(t: Any, ctx: _Context) -> str:
    return _join(ctx.names.get(s.acteur, s.acteur) + (" (ultérieur)" if s.rang == "ulterieur" else "")
                 for s in t.sous_traitants or [])


def _joint(t: Any, ctx: _Context) -> str:
    role = t.metropole.role_declare if t.metropole else None
    return METROPOLE_NAME if role == "responsable_conjoint" else ""


def _dpia(t: Any, _: _Context) -> str:
    if t.aipd and t.aipd.realisee_le:
        return f"réalisée le {t.aipd.realisee_le.isoformat()}"
    return "non réalisée" if t.criteres_aipd else ""


Column = tuple[str, Callable[[Any, _Context], str]]

# The CNIL's register model (fiche de registre), one column each, in its order.
CONTROLLER_COLUMNS: list[Column] = [
    ("Référence", lambda t, c: t.id),
    ("Nom du traitement", lambda t, c: t.nom),
    ("Date de création", lambda t, c: t.cree_le.isoformat() if t.cree_le else ""),
    ("Statut", lambda t, c: t.statut or ""),
    ("Responsable du traitement", lambda t, c: c.names.get(t.responsable or "", t.responsable or "") or c.commune),
    ("Responsable conjoint", _joint),
    ("Délégué à la protection des données", lambda t, c: c.dpo),
    ("Finalités", lambda t, c: _join(t.finalites)),
    ("Base légale", lambda t, c: label("base_legale", t.base_legale) if t.base_legale else ""),
    ("Catégories de personnes concernées", lambda t, c: _join(t.personnes_concernees)),
    ("Catégories de données", lambda t, c: _join(t.categories_donnees)),
    ("Données sensibles", _sensitive),
    ("Destinataires", lambda t, c: _join(t.destinataires)),
    ("Sous-traitants", _processors),
    ("Transferts hors UE et garanties", _transfers),
    ("Durée de conservation", _retention),
    ("Sort final", lambda t, c: (t.sort_final or "").replace("_", " ")),
    ("Mesures de sécurité", lambda t, c: _join(t.mesures_securite)),
    ("Information des personnes", lambda t, c: _yes_no(t.information_personnes.realisee) if t.information_personnes else ""),
    ("Analyse d'impact (AIPD)", _dpia),
]


def _existing(register: Register) -> list[Any]:
    """The treatments as of the audit date (those created later are not in that register)."""
    return sorted((t for t in register.model.traitements if t.cree_le is None or t.cree_le <= register.as_of),
                  key=lambda t: t.id)


def controller_rows(register: Register) -> list[list[str]]:
    ctx = _Context(register)
    return [[fill(t, ctx) for _, fill in CONTROLLER_COLUMNS] for t in _existing(register)]


PROCESSOR_HEADERS = [
    "Sous-traitant", "Responsable du traitement (commune)", "DPO du responsable", "Référence", "Traitement",
    "Catégories de traitements effectués pour le compte du responsable", "Sous-traitants ultérieurs",
    "Transferts hors UE et garanties", "Mesures de sécurité",
]


def processor_rows(registers: list[Register]) -> list[list[str]]:
    """Bordeaux Métropole's register as processor (art. 30(2)): a row per treatment for which
    the liability rules find it processor, over every register given."""
    rows = []
    for register in registers:
        ctx = _Context(register)
        determinations = determine_all(register)
        for t in _existing(register):
            if METROPOLE not in determinations[t.id].roles.get("processors", []):
                continue
            rows.append([METROPOLE_NAME, ctx.commune, ctx.dpo, t.id, t.nom, _join(t.finalites),
                         _processors(t, ctx), _transfers(t, ctx), _join(t.mesures_securite)])
    return rows


def to_csv(headers: list[str], rows: list[list[str]]) -> str:
    """CSV as French spreadsheets open it: `;` separators, UTF-8 with a byte order mark."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows([csv_cell(cell) for cell in row] for row in rows)  # no formula injection
    return "\ufeff" + buffer.getvalue()
