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

from . import labels
from .liability import determine_all
from .sanitize import csv_cell
from .validate import Register
from .vocabulary import METROPOLE, METROPOLE_NAME

_SENSITIVE, _BASES = labels.SENSITIVE, labels.BASES
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
    """What the columns need besides the treatment: actors (names, contact details), DPOs."""

    def __init__(self, register: Register):
        model = register.model
        self.commune_id = model.commune
        self.commune = register.contract.nom
        self.actors = {a.id: a for a in model.acteurs}
        self.names = register.actor_names()
        self.dpos = [d for d in model.dpo if model.commune in d.organismes]
        self.dpo = _join(d.nom or d.id for d in self.dpos)

    def person(self, ident: str) -> dict[str, str]:
        """Name and contact details of an actor, as the fiche's contact row writes them."""
        actor = self.actors.get(ident)
        out = {"nom": self.names.get(ident, ident)}
        if actor is not None:
            out.update({k: getattr(actor, k) for k in ("adresse", "telephone", "courriel") if getattr(actor, k)})
        return out

    def controller(self, t: Any) -> str:
        return t.responsable or self.commune_id

    def joint(self, t: Any) -> list[str]:
        role = t.metropole.role_declare if t.metropole else None
        return ([METROPOLE] if role == "responsable_conjoint" else []) + list(t.responsables_conjoints)


def _contact_text(person: dict[str, Any]) -> str:
    return " ; ".join(person[k] for k in ("adresse", "telephone", "courriel") if person.get(k))


def _retention(t: Any, _: _Context) -> str:
    d = t.duree_conservation
    if d is None:
        return ""
    text = duration_fr(d.duree)
    return f"{text} à compter de {d.point_de_depart}" if d.point_de_depart else text


def _transfers(t: Any, _: _Context) -> str:
    if t.transferts_hors_ue is None:
        return ""
    if not t.transferts_hors_ue:
        return "aucun"
    return _join(f"{x.pays} ({labels.GUARANTEES[x.garantie] if x.garantie else 'garantie non précisée'})"
                 for x in t.transferts_hors_ue)


def _criteria(t: Any, _: _Context) -> str:
    """WP248 criteria: empty when not declared, « aucun » when declared none (kept apart: an
    undeclared list is a finding, va7-criteres-aipd-non-renseignes)."""
    if t.criteres_aipd is None:
        return ""
    if not t.criteres_aipd:
        return "aucun"
    return _join(labels.CRITERIA.get(x, x) for x in t.criteres_aipd)


def _sensitive(t: Any, _: _Context) -> str:
    if t.donnees_sensibles is None:
        return ""
    if not t.donnees_sensibles:
        return "aucune"
    return _join(_SENSITIVE.get(s, s) for s in t.donnees_sensibles)


def _processors(t: Any, ctx: _Context) -> str:
    return _join(ctx.names.get(s.acteur, s.acteur) + (" (ultérieur)" if s.rang == "ulterieur" else "")
                 for s in t.sous_traitants or [])


def _joint(t: Any, ctx: _Context) -> str:
    return _join(ctx.names.get(a, a) for a in ctx.joint(t))


def _dpia(t: Any, _: _Context) -> str:
    if t.aipd and t.aipd.realisee_le:
        return f"réalisée le {t.aipd.realisee_le.isoformat()}"
    return "non réalisée" if t.criteres_aipd else ""


Column = tuple[str, Callable[[Any, _Context], str]]

# The CNIL's register model, one column each, with its headings (« N° / REF », « Nom / sigle »);
# `rgpdcheck import` recognises them all and reads every one back.
CONTROLLER_COLUMNS: list[Column] = [
    ("N° / REF", lambda t, c: t.id),
    ("Nom / sigle", lambda t, c: t.nom),
    ("Date de création", lambda t, c: t.cree_le.isoformat() if t.cree_le else ""),
    ("Statut", lambda t, c: t.statut or ""),
    ("Logiciel / application", lambda t, c: t.application or ""),
    ("Responsable du traitement", lambda t, c: c.names.get(c.controller(t), c.controller(t))),
    ("Coordonnées du responsable du traitement", lambda t, c: _contact_text(c.person(c.controller(t)))),
    ("Représentant", lambda t, c: (r.nom or "") if (r := _representative(t, c)) else ""),
    ("Coordonnées du représentant", lambda t, c: _contact_text(r.model_dump()) if (r := _representative(t, c)) else ""),
    ("Responsables conjoints", _joint),
    ("Coordonnées des responsables conjoints", lambda t, c: " | ".join(_contact_text(c.person(a)) for a in c.joint(t))
     if any(_contact_text(c.person(a)) for a in c.joint(t)) else ""),
    ("Délégué à la protection des données", lambda t, c: c.dpo),
    ("Coordonnées du DPO", lambda t, c: _contact_text(_dpo_person(c.dpos[0])) if c.dpos else ""),
    ("Finalité principale", lambda t, c: t.finalites[0] if t.finalites else ""),
    ("Sous-finalités", lambda t, c: _join(t.finalites[1:])),
    ("Base légale", lambda t, c: _BASES.get(t.base_legale or "", t.base_legale or "")),
    ("Catégories de personnes concernées", lambda t, c: _join(t.personnes_concernees)),
    ("Catégories de données", lambda t, c: _join(t.categories_donnees)),
    ("Données sensibles ?", _sensitive),
    ("Exception (art. 9(2))", lambda t, c: t.exception_art9 or ""),
    ("Destinataires", lambda t, c: _join(t.destinataires)),
    ("Sous-traitants", _processors),
    ("Transferts hors UE ?", _transfers),
    ("Durée de conservation", _retention),
    ("Sort final", lambda t, c: labels.FINAL.get(t.sort_final or "", "")),
    ("Mesures de sécurité", lambda t, c: _join(t.mesures_securite)),
    ("Information des personnes", lambda t, c: _yes_no(t.information_personnes.realisee) if t.information_personnes else ""),
    ("Critères AIPD", _criteria),
    ("AIPD", _dpia),
]
CONTROLLER_HEADERS = [name for name, _ in CONTROLLER_COLUMNS]


def _representative(t: Any, ctx: _Context) -> Any:
    return getattr(ctx.actors.get(ctx.controller(t)), "representant", None)


def _dpo_person(d: Any) -> dict[str, str]:
    return {"nom": d.nom or d.id, **{k: getattr(d, k) for k in ("adresse", "telephone", "courriel") if getattr(d, k)}}


def _existing(register: Register) -> list[Any]:
    """The treatments as of the audit date (those created later are not in that register)."""
    return sorted(register.known_treatments(), key=lambda t: t.id)


def controller_rows(register: Register) -> list[list[str]]:
    ctx = _Context(register)
    return [[fill(t, ctx) for _, fill in CONTROLLER_COLUMNS] for t in _existing(register)]


PROCESSOR_HEADERS = [
    "Sous-traitant", "Responsable du traitement (commune)", "DPO du responsable", "N° / REF", "Nom / sigle",
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


# -- the CNIL model workbook: a list sheet, then one fiche per treatment -------------------------

LIST_HEADERS = ["N° / REF", "Nom / sigle", "Date de création", "Dernière mise à jour", "Responsable du traitement",
                "Finalité principale", "Transferts hors UE ?", "Données sensibles ?", "Fiche"]
LIST_SHEET = "Registre"


def fiche_values(t: Any, ctx: _Context) -> dict[str, Any]:
    """What `cnil.fiche_rows` writes for treatment `t`: plain French text."""
    def person(ident: str) -> dict[str, str]:
        return ctx.person(ident)

    controller = ctx.controller(t)
    actor = ctx.actors.get(controller)
    representative = actor.representant if actor is not None and actor.representant else None
    return {
        "Nom / sigle": t.nom, "N° / REF": t.id, "Date de création": t.cree_le.isoformat() if t.cree_le else "",
        "Statut": t.statut or "", "Logiciel / application": t.application or "",
        "responsables": [person(controller)],
        "dpo": [_dpo_person(d) for d in ctx.dpos],
        "representants": [representative.model_dump(exclude_none=True)] if representative else [],
        "conjoints": [person(a) for a in ctx.joint(t)],
        "finalites": list(t.finalites), "base_legale": _BASES.get(t.base_legale or "", ""),
        "mesures_securite": list(t.mesures_securite), "categories_donnees": list(t.categories_donnees),
        "duree_conservation": _retention(t, ctx), "sort_final": labels.FINAL.get(t.sort_final or "", ""),
        "donnees_sensibles ?": "" if t.donnees_sensibles is None else ("oui" if t.donnees_sensibles else "non"),
        "donnees_sensibles": [_SENSITIVE.get(x, x) for x in t.donnees_sensibles or []],
        "exception_art9": t.exception_art9 or "",
        "personnes_concernees": list(t.personnes_concernees), "destinataires": list(t.destinataires),
        "sous_traitants": [(ctx.names.get(x.acteur, x.acteur), x.rang == "ulterieur") for x in t.sous_traitants],
        "transferts ?": "" if t.transferts_hors_ue is None else ("oui" if t.transferts_hors_ue else "non"),
        "transferts": [(x.pays, labels.GUARANTEES.get(x.garantie or "", "")) for x in t.transferts_hors_ue or []],
        "information_personnes": _yes_no(t.information_personnes.realisee) if t.information_personnes else "",
        "aipd": _dpia(t, ctx),
        "criteres_aipd": [labels.CRITERIA.get(x, x) for x in t.criteres_aipd or []] or ([] if t.criteres_aipd is None else ["aucun"]),
    }


def sheet_name(text: str, used: set[str]) -> str:
    """A sheet name spreadsheets accept (31 characters, none of []:*?/\\), unique in the workbook."""
    base = "".join("-" if c in "[]:*?/\\" else c for c in text)[:31].strip("' ") or "Fiche"
    name, n = base, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    used.add(name.lower())
    return name


def controller_workbook(registers: list[Register]) -> list[tuple[str, list[list[str]]]]:
    """The CNIL model layout: the list sheet, then one fiche per treatment, in the list's order."""
    from .cnil import fiche_rows

    used = {LIST_SHEET.lower()}
    listing: list[list[str]] = [LIST_HEADERS]
    fiches = []
    for register in registers:
        ctx = _Context(register)
        for t in _existing(register):
            name = sheet_name(f"Fiche {t.id}", used)
            values = fiche_values(t, ctx)
            listing.append([t.id, t.nom, values["Date de création"], "", ctx.names.get(ctx.controller(t), ""),
                            t.finalites[0] if t.finalites else "", values["transferts ?"],
                            values["donnees_sensibles ?"], name])
            fiches.append((name, fiche_rows(values)))
    return [(LIST_SHEET, listing), *fiches]


def processor_workbook(registers: list[Register]) -> list[tuple[str, list[list[str]]]]:
    """BM's register as processor: its list, then one vertical sheet per treatment processed."""
    rows = processor_rows(registers)
    used = {LIST_SHEET.lower()}
    sheets = [(LIST_SHEET, [PROCESSOR_HEADERS, *rows])]
    for row in rows:
        sheets.append((sheet_name(f"Fiche {row[3]}", used), [["Fiche de registre du sous-traitant (art. 30(2))"], [],
                                                           *[[h, value] for h, value in zip(PROCESSOR_HEADERS, row,
                                                                                             strict=True)]]))
    return sheets
