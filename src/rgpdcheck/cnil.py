"""The CNIL model's « fiche de registre »: one vertical sheet per processing activity.

Column A holds the labels, the next columns the values. `fiche_rows` writes one from a
treatment (for `rgpdcheck export`), `read_fiche` reads one back (for `rgpdcheck import`),
recognising the labels by their words so that a DPO's own copy of the model, with its
labels slightly reworded, reads as well. The same label table serves both ways.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from . import columns
from .normalise import normalise_text as normalise
from .sheets import Sheet, where

if TYPE_CHECKING:
    from .importer import Builder

TITLE = "Fiche de registre de l'activité de traitement"
CONTACT_HEADINGS = ["Nom", "Adresse", "Téléphone", "Adresse de messagerie"]
CONTACT_KEYS = ["nom", "adresse", "telephone", "courriel"]

# sections: label -> headings of their value columns (written on the section's own row)
SECTIONS = {
    "Description du traitement": [],
    "Acteurs": CONTACT_HEADINGS,
    "Finalité(s) du traitement effectué": [],
    "Mesures de sécurité": [],
    "Catégories de données personnelles concernées": ["Description", "Durée de conservation"],
    "Données sensibles": ["Description", "Durée de conservation"],
    "Catégories de personnes concernées": [],
    "Destinataires des données": ["Précisions"],
    "Transferts des données hors UE": ["Destinataire", "Pays", "Type de garanties", "Documentation"],
    "Conservation, information et analyse d'impact": [],
}
# row label -> field (the importer's field names; "*" rows are handled by read_fiche itself)
ROWS = {
    "Nom / sigle": "nom", "N° / REF": "id", "Date de création": "cree_le", "Dernière mise à jour": "_maj",
    "Statut": "statut", "Logiciel / application": "application",
    "Responsable du traitement": "*responsable", "Délégué à la protection des données": "*dpo",
    "Représentant": "*representant", "Responsable conjoint": "*conjoint", "Responsables conjoints": "*conjoint",
    "Finalité principale": "finalites", "Sous-finalité": "finalites", "Base légale": "base_legale",
    "Mesure de sécurité": "mesures_securite", "Mesures de sécurité techniques": "mesures_securite",
    "Mesures de sécurité organisationnelles": "mesures_securite",
    "Catégorie de données": "*categorie", "Durée de conservation": "duree_conservation", "Sort final": "sort_final",
    "Données sensibles ?": "donnees_sensibles", "Catégorie de données sensibles": "*sensible", "Exception (art. 9(2))": "exception_art9",
    "Catégorie de personnes": "personnes_concernees", "Destinataire": "destinataires",
    "Sous-traitant": "*sous_traitant", "Transferts hors UE ?": "transferts_hors_ue", "Transfert": "*transfert",
    "Information des personnes": "information_personnes", "AIPD": "aipd", "Critères AIPD": "criteres_aipd",
}


def _label_key(text: str) -> str:
    return re.sub(r"\s*\d+$", "", columns.key(text))  # « Sous-finalité 3 » is « Sous-finalité »


_ROWS = {_label_key(label): name for label, name in ROWS.items()}
# headings of value columns, wherever a DPO's copy of the model puts them -> role of the column
_ROLES = {columns.key(h): role for h, role in {
    "Nom": "nom", "Nom / raison sociale": "nom", "Adresse": "adresse", "CP": "adresse", "Code postal": "adresse",
    "Ville": "adresse", "Commune": "adresse", "Pays": "pays", "Téléphone": "telephone", "Tél.": "telephone",
    "Adresse de messagerie": "courriel", "Courriel": "courriel", "E-mail": "courriel", "Mél": "courriel",
    "Adresse électronique": "courriel", "Description": "description", "Précisions": "description",
    "Type de destinataire": "description", "Durée de conservation": "duree", "Délai d'effacement": "duree",
    "Délai de conservation": "duree", "Destinataire": "destinataire", "Type de garanties": "garantie",
    "Garanties": "garantie", "Documentation": "documentation", "Lien vers la documentation": "documentation",
}.items()}
_DEFAULT_ROLES = {"Acteurs": ["nom", "adresse", "telephone", "courriel"],
                  "Transferts des données hors UE": ["destinataire", "pays", "garantie", "documentation"]}
_SECTIONS = {_label_key(label): label for label in SECTIONS}


def is_fiche(sheet: Sheet) -> bool:
    """A fiche has the activity's name and an « Acteurs » section in its first column."""
    labels = {_label_key(cells[0]) for _, cells in sheet.rows if cells and cells[0].strip()}
    return columns.key("Nom / sigle") in labels and columns.key("Acteurs") in labels


# -- writing --------------------------------------------------------------------------------

def fiche_rows(t: dict[str, Any]) -> list[list[str]]:
    """The rows of the fiche of treatment `t`, given as the export's plain values (see
    export.fiche_values): texts, lists of texts, and contact rows."""
    rows: list[list[str]] = [[TITLE], []]

    def section(label: str) -> None:
        rows.append([label, *SECTIONS[label]])

    def line(label: str, *cells: str) -> None:
        rows.append([label, *cells])

    section("Description du traitement")
    for label in ("Nom / sigle", "N° / REF", "Date de création", "Dernière mise à jour", "Statut",
                  "Logiciel / application"):
        line(label, t.get(label, ""))
    rows.append([])
    section("Acteurs")
    for label, people in (("Responsable du traitement", t["responsables"]), ("Délégué à la protection des données",
                          t["dpo"]), ("Représentant", t["representants"]), ("Responsable conjoint", t["conjoints"])):
        for person in people or [{}]:
            line(label, *(person.get(k, "") for k in CONTACT_KEYS))
    rows.append([])
    section("Finalité(s) du traitement effectué")
    purposes = t["finalites"] or [""]
    line("Finalité principale", purposes[0])
    for n, purpose in enumerate(purposes[1:] + [""] * max(0, 6 - len(purposes)), start=1):
        line(f"Sous-finalité {n}", purpose)
    line("Base légale", t["base_legale"])
    rows.append([])
    section("Mesures de sécurité")
    for item in t["mesures_securite"] or [""]:
        line("Mesure de sécurité", item)
    rows.append([])
    section("Catégories de données personnelles concernées")
    for item in t["categories_donnees"]:
        line("Catégorie de données", item, t["duree_conservation"])
    line("Durée de conservation", t["duree_conservation"])
    line("Sort final", t["sort_final"])
    rows.append([])
    section("Données sensibles")
    line("Données sensibles ?", t["donnees_sensibles ?"])
    for item in t["donnees_sensibles"]:
        line("Catégorie de données sensibles", item, t["duree_conservation"])
    line("Exception (art. 9(2))", t["exception_art9"])
    rows.append([])
    section("Catégories de personnes concernées")
    for item in t["personnes_concernees"] or [""]:
        line("Catégorie de personnes", item)
    rows.append([])
    section("Destinataires des données")
    for item in t["destinataires"] or [""]:
        line("Destinataire", item)
    for name, later in t["sous_traitants"]:
        line("Sous-traitant", name, "sous-traitant ultérieur" if later else "")
    rows.append([])
    section("Transferts des données hors UE")
    line("Transferts hors UE ?", t["transferts ?"])
    for country, guarantee in t["transferts"]:
        line("Transfert", "", country, guarantee, "")
    rows.append([])
    section("Conservation, information et analyse d'impact")
    line("Information des personnes", t["information_personnes"])
    line("AIPD", t["aipd"])
    line("Critères AIPD", " ; ".join(t["criteres_aipd"]))
    return rows


# -- reading --------------------------------------------------------------------------------

def read_fiche(sheet: Sheet, builder: Builder) -> set[str]:
    """Read one fiche into a treatment of the draft; returns its normalised id and name (the
    list sheet's row for it is then not read twice)."""
    t: dict[str, Any] = {}
    section = ""
    roles: list[str] = []
    retention: list[tuple[str, str]] = []
    flags: dict[str, tuple[str, str]] = {}
    for number, cells in sheet.rows:
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        label, rest = cells[0], cells[1:]
        key = _label_key(label)
        if not label and any(rest):
            for col, cell in enumerate(rest, start=1):
                if cell:
                    builder.drop(where(sheet, number, col), cell, "valeur sans libellé en colonne A")
            continue
        heading_only = all(not c or columns.key(c) in _ROLES for c in rest)
        if (key in _SECTIONS and (heading_only or key not in _ROWS)) or normalise(label) == normalise(TITLE):
            section = _SECTIONS.get(key, "")
            roles = [_ROLES.get(columns.key(c), "") for c in rest] if any(rest) else _DEFAULT_ROLES.get(section, [])
            for col, cell in enumerate(rest, start=1):
                if cell and columns.key(cell) not in _ROLES:
                    builder.drop(where(sheet, number, col, label), cell, "en-tête de section non reconnu")
            continue
        name = _ROWS.get(key)
        if section == "Transferts des données hors UE" and name != "transferts_hors_ue":
            name = "*transfert"  # the CNIL numbers them « Destinataire 1 »…
        if name is None:
            name = _by_section(section)  # the CNIL's own category labels: « Vie personnelle »…
            if name is None:
                for col, cell in enumerate(rest, start=1):
                    if cell:
                        builder.drop(where(sheet, number, col, label), cell, "libellé non reconnu dans la fiche")
                continue
            if not any(rest):
                continue  # a category of the model left empty
            if name != "*categorie" or not rest[0]:  # « Vie personnelle | habitudes de vie »: the description is the data
                rest = [f"{label} : {rest[0]}" if rest[0] else label, *rest[1:]]
        if name in ("donnees_sensibles", "transferts_hors_ue") and rest and rest[0]:
            flags[name] = (where(sheet, number, 1, label), rest[0])
            rest = ["", *rest[1:]]
        _row(sheet, number, label, name, rest, t, builder, retention, roles)
    for loc, text in retention:
        builder.put(t, "duree_conservation", text, loc)
    for name, (loc, answer) in flags.items():  # « oui » stands for the detail rows, when there are any
        if not t.get(name):
            builder.put(t, name, answer, loc)
    carried = {normalise(t["nom"])} if t.get("nom") else set()
    if t.get("id"):
        carried.add(normalise(t["id"]))
    builder.finish(t, f"feuille « {sheet.name} »")
    return carried


def _by_section(section: str) -> str | None:
    return {"Catégories de données personnelles concernées": "*categorie", "Données sensibles": "*sensible",
            "Catégories de personnes concernées": "personnes_concernees",
            "Destinataires des données": "destinataires"}.get(section)


def _by_role(rest: list[str], roles: list[str], wanted: list[str]) -> tuple[dict[str, str], set[int]]:
    """The cells of a row by the role of their column (several « adresse » columns are joined:
    street, postcode, town), and the columns used."""
    out: dict[str, str] = {}
    used = set()
    for col, (cell, role) in enumerate(zip(rest, roles, strict=False), start=1):
        if role in wanted:
            used.add(col)
            if cell:
                out[role] = f"{out[role]}, {cell}" if role in out else cell
    if "adresse" in out:
        out["adresse"] = re.sub(r"\b(\d{5}), ", r"\1 ", out["adresse"])  # « 33520, Bruges » -> « 33520 Bruges »
    return out, used


def _row(sheet: Sheet, number: int, label: str, name: str, rest: list[str], t: dict[str, Any], builder: Builder,
         retention: list[tuple[str, str]], roles: list[str]) -> None:
    def loc(col: int) -> str:
        return where(sheet, number, col, label)

    first = rest[0] if rest else ""
    extra = list(enumerate(rest, start=1))
    if name.startswith("*"):
        kind = name[1:]
        if kind in ("responsable", "dpo", "representant", "conjoint"):
            person, used = _by_role(rest, roles or _DEFAULT_ROLES["Acteurs"], [*CONTACT_KEYS, "pays"])
            if "pays" in person:
                person["adresse"] = ", ".join(x for x in (person.get("adresse"), person.pop("pays")) if x)
            _contact_row(kind, {k: person.get(k, "") for k in CONTACT_KEYS}, t, builder, loc(1))
            extra = [(c, x) for c, x in extra if c not in used]
        elif kind == "categorie":  # one per row (rgpdcheck), or a list under one of the model's labels
            builder.put(t, "categories_donnees", first, loc(1), strict=_label_key(label) in _ROWS)
            if len(rest) > 1 and rest[1]:
                retention.append((loc(2), rest[1]))
            extra = [(c, x) for c, x in extra if c > 2]
        elif kind == "sensible":
            builder.put(t, "donnees_sensibles", first, loc(1))
            if len(rest) > 1 and rest[1]:
                retention.append((loc(2), rest[1]))
            extra = [(c, x) for c, x in extra if c > 2]
        elif kind == "sous_traitant":
            later = len(rest) > 1 and "ulterieur" in normalise(rest[1])
            builder.put(t, "sous_traitants", f"{first} (ultérieur)" if later else first, loc(1), strict=True)
            extra = [(c, x) for c, x in extra if c > 2 or (c == 2 and not later)]
        elif kind == "transfert":
            wanted = ["pays", "garantie"]
            cells, used = _by_role(rest, roles or _DEFAULT_ROLES["Transferts des données hors UE"], wanted)
            if cells.get("pays"):
                country, guarantee = cells["pays"], cells.get("garantie")
                builder.put(t, "transferts_hors_ue", f"{country} ({guarantee})" if guarantee else country, loc(1))
            elif cells.get("garantie"):
                builder.drop(loc(1), cells["garantie"], "garantie d'un transfert sans pays")
            extra = [(c, x) for c, x in extra if c not in used]
    elif name == "duree_conservation":
        if first:
            retention.append((loc(1), first))
        extra = extra[1:]
    else:
        builder.put(t, name, first, loc(1), strict=True)
        extra = extra[1:]
    for col, cell in extra:
        if cell:
            builder.drop(loc(col), cell, "colonne supplémentaire non reprise")


def _contact_row(kind: str, person: dict[str, str], t: dict[str, Any], builder: Builder, loc: str) -> None:
    if not any(person.values()):
        return
    name = person.pop("nom")
    if not name and kind in ("responsable", "representant"):  # the treatment's controller, or its representative
        entry = builder.actor_entry(builder.controller(t))
        builder.set_contact(entry.setdefault("representant", {}) if kind == "representant" else entry, person, loc)
        return
    if not name:
        builder.drop(loc, " ; ".join(x for x in person.values() if x), "coordonnées sans nom")
        return
    details = any(person.values())
    if kind == "responsable":
        builder.put(t, "responsable", name, loc, strict=True)
        if details:
            builder.set_contact(builder.actor_entry(builder.controller(t)), person, loc)
    elif kind == "conjoint":
        builder.put(t, "responsables_conjoints", name, loc, strict=True)
        if details:
            builder.set_contact(builder.actor_entry(builder.actor(name, "autre")), person, loc)
    elif kind == "dpo":
        builder.set_contact(builder.dpo(name), person, loc)
    else:
        entry = builder.actor_entry(builder.controller(t)).setdefault("representant", {})
        builder.set_contact(entry, {"nom": name, **person}, loc)
