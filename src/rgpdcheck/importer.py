"""Spreadsheet import: a register kept in a spreadsheet becomes a draft register in format v1.

Read (`sheets`): CSV (separator and encoding sniffed), XLSX, ODS, XLS. Recognised layouts:
the CNIL model workbook (a list sheet and one vertical « fiche de registre » per activity,
`cnil.read_fiche`), Madis's treatment export, OpenRGPD's CSV, `rgpdcheck export`'s own, and
any flat table whose headings match the register's fields (`columns`), or the user's
`--correspondance`. Every value that maps cleanly is kept; every other non-empty cell is
listed (sheet, row, column, value, why) in the draft's header and on stderr: nothing the
user gave is lost silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import columns, labels
from . import values as v
from .errors import InputError, InputErrors
from .loader import parse_document, read_text
from .model import Traitement
from .normalise import normalise_text as normalise
from .sanitize import terminal_safe
from .sheets import Sheet, read_sheets, where
from .values import parse_duration  # noqa: F401 (the import's public helper, for its tests)
from .vocabulary import METROPOLE, METROPOLE_NAME

LIST_FIELDS = ("finalites", "personnes_concernees", "categories_donnees", "destinataires", "mesures_securite")
TEXT_FIELDS = ("id", "nom", "application", "exception_art9", "justification_minimisation")
# fields a --correspondance may name
FIELDS = frozenset({*LIST_FIELDS, *TEXT_FIELDS, "commentaire", "cree_le", "statut", "base_legale", "donnees_sensibles",
                    "transferts_hors_ue", "duree_conservation", "sort_final", "information_personnes", "aipd",
                    "criteres_aipd", "sous_traitants", "responsable", "responsables_conjoints", "representant", "dpo",
                    "contact_responsable", "contact_dpo", "contact_representant", "contact_conjoints"})

_WHY = {
    "cree_le": "date non reconnue (attendu AAAA-MM-JJ ou JJ/MM/AAAA)",
    "statut": "statut non reconnu (actif ou clos)",
    "base_legale": ("base légale non reconnue (art. 6(1) : consentement, contrat, obligation légale, intérêts vitaux, "
                    "mission d'intérêt public, intérêts légitimes)"),
    "donnees_sensibles": "catégorie de données sensibles non reconnue : à préciser (donnees_sensibles)",
    "duree_conservation": ("durée non reconnue (ex. « 5 ans », « 6 mois après la clôture ») : à saisir en "
                           "duree_conservation"),
    "sort_final": "sort final non reconnu (effacement, anonymisation, archivage intermédiaire ou définitif)",
    "information_personnes": "oui/non attendu",
    "aipd": "AIPD : date de réalisation attendue (aipd.realisee_le)",
    "transferts_hors_ue": "transfert hors UE : pays et garantie à saisir à la main (transferts_hors_ue)",
    "criteres_aipd": "critère d'AIPD (WP248) non reconnu",
}
_PARSE = {"cree_le": v.iso_date, "statut": v.status, "base_legale": v.lawful_basis, "duree_conservation": v.retention,
          "sort_final": v.final, "information_personnes": v.information, "aipd": v.dpia}


@dataclass
class Import:
    """The draft register, and what could not be kept."""

    register: dict[str, Any]
    unmapped: list[str] = field(default_factory=list)  # "ligne 4, colonne « X » : « v » — why"
    ignored_columns: list[str] = field(default_factory=list)
    rows: int = 0
    layout: str = ""
    notes: list[str] = field(default_factory=list)
    commune_spelling: str | None = None  # the commune's name as the sheet writes it (« La Brède »)


MAX_MAPPING_BYTES = 1024 * 1024


def load_mapping(path: str) -> dict[str, str]:
    """A mapping file: `colonnes: {"En-tête du tableur": champ, ...}`.

    Read by the register's own loader: bounded, safe tags only, French messages with lines."""
    document = parse_document(read_text(path, MAX_MAPPING_BYTES, "fichier de correspondance"), path)
    data = document.data
    mapping = data.get("colonnes") if isinstance(data, dict) else None
    if not isinstance(mapping, dict):
        raise InputErrors([InputError(path, 1, "la correspondance s'écrit « colonnes: {\"En-tête\": champ} »")])
    not_text = [InputError(path, document.line_of(("colonnes", k)), f"« {k} » : un champ s'écrit comme un nom "
                                                                    "(par exemple « nom »), pas une liste ni un bloc")
                for k, f in mapping.items() if not isinstance(f, str) or isinstance(k, (dict, list))]
    if not_text:
        raise InputErrors(not_text)
    bad = [f"« {f} »" for f in mapping.values() if f not in FIELDS]
    if bad:
        raise InputErrors([InputError(path, 1, f"{'champ inconnu' if len(bad) < 2 else 'champs inconnus'} {', '.join(bad)} ; champs possibles : "
                                                f"{', '.join(sorted(FIELDS))}")])
    return {columns.key(str(k)): str(f) for k, f in mapping.items()}


def _unique(base: str, used: set[str]) -> str:
    """`base`, or `base-2`, `base-3`… the first not in `used` (which it joins)."""
    ident, n = base, 2
    while ident in used:
        ident, n = f"{base}-{n}", n + 1
    used.add(ident)
    return ident


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", normalise(text)).strip("-") or "acteur"


class Builder:
    """Builds the draft register cell by cell, keeping track of what it could not carry."""

    def __init__(self, commune: str, commune_name: str, out: Import):
        self.commune, self.out = commune, out
        self.register = out.register
        self.names = {normalise(commune): commune, METROPOLE: METROPOLE, normalise(METROPOLE_NAME): METROPOLE}
        for prefix in ("", "mairie de ", "ville de ", "commune de ", "mairie d ", "ville d ", "commune d "):
            self.names[normalise(prefix + commune_name)] = commune
        self.commune_name = commune_name
        self.ids = {commune, METROPOLE}
        self.dpo_by_name: dict[str, dict[str, Any]] = {}
        self.used_treatment_ids: set[str] = set()

    def drop(self, loc: str, value: str, why: str) -> None:
        self.out.unmapped.append(f"{loc} : « {value} » — {why}")

    # -- actors and DPOs -------------------------------------------------------------------

    def _actors(self) -> list[dict[str, Any]]:
        return self.register.setdefault("acteurs", [])

    def actor(self, name: str, kind: str) -> str:
        """The id of the actor called `name`, declared if new."""
        key = normalise(name)
        if key == normalise(self.commune_name):  # « La Brède » for la-brede: the commune, as the sheet spells it
            self.out.commune_spelling = self.out.commune_spelling or name.strip()
        if key in self.names:
            return self.names[key]
        ident = _unique(_slug(name), self.ids)
        self.names[key] = ident
        self._actors().append({"id": ident, "type": kind, "nom": name.strip()})
        return ident

    def actor_entry(self, ident: str) -> dict[str, Any]:
        """The actor's entry in `acteurs:`, listed if it was implicit (the commune, BM)."""
        for entry in self._actors():
            if entry["id"] == ident:
                return entry
        entry = {"id": ident, "type": "commune" if ident == self.commune else "metropole",
                 "nom": self.commune_name if ident == self.commune else METROPOLE_NAME}
        self._actors().insert(0, entry)
        return entry

    def set_contact(self, entry: dict[str, Any], details: dict[str, str], loc: str) -> None:
        for key, value in details.items():
            if not value:
                continue
            if entry.get(key) not in (None, value):
                self.drop(loc, value, f"{key} différent(e) de celui déjà lu (« {entry[key]} ») : une seule valeur par "
                                      "acteur")
                continue
            entry[key] = value

    def dpo(self, name: str) -> dict[str, Any]:
        key = normalise(name)
        if key not in self.dpo_by_name:
            slug = _slug(name)
            ident = _unique(slug if slug.startswith("dpo") else f"dpo-{slug}", self.ids)
            entry = {"id": ident, "nom": name.strip(), "organismes": [self.commune]}
            self.register.setdefault("dpo", []).append(entry)
            self.dpo_by_name[key] = entry
        return self.dpo_by_name[key]

    def controller(self, t: dict[str, Any]) -> str:
        return t.get("responsable", self.commune)

    # -- cells -------------------------------------------------------------------------------

    def put(self, t: dict[str, Any], name: str, value: str, loc: str, strict: bool = False) -> None:
        """Carry the cell `value` into field `name` of treatment `t`, or list it."""
        value = value.strip()
        if not value:
            return
        if name.startswith("_"):
            self.drop(loc, value, "pas de champ pour cette colonne dans le registre (format v1)")
        elif name in LIST_FIELDS:
            items = v.split_list(value, commas=name != "finalites", strict=strict)
            t.setdefault(name, []).extend(i for i in items if i not in t.get(name, []))
        elif name in TEXT_FIELDS:
            if t.get(name) not in (None, value):
                self.drop(loc, value, f"{name} déjà donné (« {t[name]} »)")
            else:
                t[name] = value
        elif name == "commentaire":
            t[name] = f"{t[name]}\n{value}" if t.get(name) else value
        elif name in _PARSE:
            self._parsed(t, name, value, loc)
        elif name == "donnees_sensibles":
            self._sensitive(t, value, loc)
        elif name == "transferts_hors_ue":
            self._transfers(t, value, loc)
        elif name == "criteres_aipd":
            if v.yes_no(value) is False:  # « aucun »: declared, none applies
                t.setdefault("criteres_aipd", [])
                return
            for item in v.split_list(value, strict=strict):
                criterion = labels.criterion(item)
                if criterion is None:
                    self.drop(loc, item, _WHY["criteres_aipd"])
                elif criterion not in t.setdefault("criteres_aipd", []):
                    t["criteres_aipd"].append(criterion)
        else:
            self._people(t, name, value, loc, strict)

    def _parsed(self, t: dict[str, Any], name: str, value: str, loc: str) -> None:
        result = _PARSE[name](value)
        if result is None:
            self.drop(loc, value, _WHY[name])
        elif result is v.NOTHING:
            return
        elif name in t and t[name] != result:
            self.drop(loc, value, f"{name} déjà donné : le registre n'en porte qu'un par traitement")
        else:
            t[name] = result

    def _sensitive(self, t: dict[str, Any], value: str, loc: str) -> None:
        result = v.sensitive(value)
        if result is None:
            self.drop(loc, value, _WHY["donnees_sensibles"])
            return
        kinds, exception = result
        if kinds == ["non_precisee"]:
            self.drop(loc, value, "données sensibles déclarées sans dire lesquelles : inscrites « non_precisee », "
                                  "à préciser (donnees_sensibles)")
        merged = sorted(set(t.get("donnees_sensibles") or []) | set(kinds))
        if len(merged) > 1 and "non_precisee" in merged:
            merged.remove("non_precisee")
        t["donnees_sensibles"] = merged
        if exception:
            self.put(t, "exception_art9", exception, loc)

    def _transfers(self, t: dict[str, Any], value: str, loc: str) -> None:
        result = v.transfers(value)
        if result is None:
            self.drop(loc, value, _WHY["transferts_hors_ue"])
            return
        found, unread = result
        listed = t.setdefault("transferts_hors_ue", [])
        listed.extend(x for x in found if x not in listed)
        if unread or any(x["pays"] == "à préciser" for x in found):
            self.drop(loc, value, "transfert hors UE : pays ou garantie à vérifier (transferts_hors_ue ; garanties : "
                                  "décision d'adéquation, clauses types, règles d'entreprise, dérogation art. 49)")

    def _people(self, t: dict[str, Any], name: str, value: str, loc: str, strict: bool) -> None:
        items = v.split_list(value, commas=not strict, strict=strict)
        if name == "responsable":
            if len(items) != 1:
                self.drop(loc, value, "un seul responsable du traitement attendu")
                return
            ident = self.actor(items[0], "autre")
            if ident != self.commune:
                t["responsable"] = ident
        elif name == "responsables_conjoints":
            for item in items:
                ident = self.actor(item, "autre")
                t.setdefault("_conjoints", []).append(ident)
                if ident == METROPOLE:
                    t.setdefault("metropole", {})["role_declare"] = "responsable_conjoint"
                elif ident not in t.setdefault("responsables_conjoints", []):
                    t["responsables_conjoints"].append(ident)
        elif name == "sous_traitants":
            for item in items:
                later = re.search(r"\s*\((?:sous-traitant\s+)?ult[ée]rieur\)$", item, flags=re.IGNORECASE)
                ident = self.actor(item[:later.start()] if later else item, "prestataire")
                entry = {"acteur": ident, **({"rang": "ulterieur"} if later else {})}
                if all(s["acteur"] != ident for s in t.setdefault("sous_traitants", [])):
                    t["sous_traitants"].append(entry)
        elif name == "dpo":
            for item in items:
                self.dpo(item)
            t["_dpo"] = [normalise(i) for i in items]
        elif name == "representant":
            self.set_contact(self.actor_entry(self.controller(t)).setdefault("representant", {}), {"nom": value}, loc)
        elif name == "contact_responsable":
            self.set_contact(self.actor_entry(self.controller(t)), v.contact(value), loc)
        elif name == "contact_representant":
            self.set_contact(self.actor_entry(self.controller(t)).setdefault("representant", {}), v.contact(value), loc)
        elif name == "contact_conjoints":
            parts = [p.strip() for p in re.split(r"\s*\|\s*", value)]  # « | courriel » : none for the first
            joint = t.get("_conjoints") or []
            if len(parts) != len(joint):
                self.drop(loc, value, "autant de coordonnées que de responsables conjoints attendues (séparées par « | »)")
                return
            for ident, part in zip(joint, parts, strict=True):
                if part:
                    self.set_contact(self.actor_entry(ident), v.contact(part), loc)
        elif name == "contact_dpo":
            names = t.get("_dpo") or []
            if not names:
                self.drop(loc, value, "coordonnées d'un DPO sans nom de DPO")
            else:
                self.set_contact(self.dpo_by_name[names[0]], v.contact(value), loc)

    # -- treatments --------------------------------------------------------------------------

    def finish(self, t: dict[str, Any], loc: str) -> None:
        t.pop("_dpo", None)
        t.pop("_conjoints", None)
        if not t.get("nom"):
            self.out.unmapped.append(f"{loc} : pas de nom de traitement, ligne non reprise")
            return
        t["id"] = self._identifier(t.get("id"))
        order = list(Traitement.model_fields)
        ordered = {k: t[k] for k in sorted(t, key=lambda k: order.index(k) if k in order else len(order))}
        self.register["traitements"].append(ordered)
        self.out.rows += 1

    def _identifier(self, given: str | None) -> str:
        base = re.sub(r"[^A-Za-z0-9_.-]+", "-", given or "").strip("-") or f"T-{self.out.rows + 1:03d}"
        return _unique(base, self.used_treatment_ids)


# -- flat tables -----------------------------------------------------------------------------

def detect_layout(header: list[str]) -> str:
    keys = {columns.key(h) for h in header}
    if header and columns.key(header[0]) == "nom" and any(h.startswith(("Détails - ", "Structure - ")) for h in header):
        return "madis"
    if {"traitement", "liceite traitement", "duree utilite administrative"} <= keys:
        return "openrgpd"
    from .export import CONTROLLER_HEADERS

    if header[:len(CONTROLLER_HEADERS)] == CONTROLLER_HEADERS:
        return "rgpdcheck"
    return "tableau"


LAYOUT_NAMES = {"madis": "export des traitements de Madis", "openrgpd": "export CSV d'OpenRGPD",
                "rgpdcheck": "export de rgpdcheck", "tableau": "tableau", "cnil": "modèle de registre de la CNIL"}


def header_row(sheet: Sheet, mapping: dict[str, str] | None) -> int | None:
    """The index in `sheet.rows` of the headings: the first row, among the first ten, where a
    heading gives the treatment's name."""
    for index, (_, cells) in enumerate(sheet.rows[:10]):
        if any(columns.field_of(c, mapping) == "nom" for c in cells if c.strip()):
            return index
    return None


def import_flat(sheet: Sheet, builder: Builder, mapping: dict[str, str] | None, source: str,
                skip: set[str] | None = None) -> None:
    index = header_row(sheet, mapping)
    if index is None:
        heading = [c.strip()[:40] for c in (sheet.rows[0][1] if sheet.rows else []) if c.strip()][:20]
        raise InputErrors([InputError(source, sheet.rows[0][0] if sheet.rows else 1,
                                      (f"feuille « {sheet.name} » : " if sheet.name else "")
                                      + "aucune colonne ne donne le nom du traitement "
                                      f"(colonnes lues : {', '.join(heading)})")])
    for number, cells in sheet.rows[:index]:  # a title above the headings
        for col, cell in enumerate(cells):
            if cell.strip():
                builder.drop(where(sheet, number, col), cell.strip(), "au-dessus des en-têtes, non repris")
    header = [h.strip() for h in sheet.rows[index][1]]
    layout = detect_layout(header)
    builder.out.layout = builder.out.layout or layout
    strict = layout == "rgpdcheck"
    plan: list[tuple[str, Any]] = []  # per column: ("field", name) | ("group", (field, choice, comment)) | ("none", None)
    for h in header:
        group = columns.group_of(h) if mapping is None or columns.key(h) not in mapping else None
        name = columns.field_of(h, mapping) if group is None else None
        if name is None and group is None and h:
            builder.out.ignored_columns.append(h)
        plan.append(("group", group) if group else ("field", name) if name else ("none", None))
    if sum(1 for kind, name in plan if kind == "field" and name == "nom") > 1:
        first = next(i for i, (kind, name) in enumerate(plan) if name == "nom")
        plan = [p if p[1] != "nom" or i == first else ("field", "_nom") for i, p in enumerate(plan)]
    for number, cells in sheet.rows[index + 1:]:
        if not any(c.strip() for c in cells):
            continue
        if layout == "openrgpd":
            cells = [v.unescape(c).replace("/ ", " ; ") for c in cells]
        if skip is not None and any(normalise(c) in skip for c, (k, n) in zip(cells, plan, strict=False)
                                    if n in ("id", "nom") and c.strip()):
            continue  # this row's activity has its own fiche, which carries it whole
        _flat_row(sheet, number, cells, header, plan, builder, strict)


def _flat_row(sheet: Sheet, number: int, cells: list[str], header: list[str], plan: list[tuple[str, Any]],
              builder: Builder, strict: bool) -> None:
    t: dict[str, Any] = {}
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for col, cell in enumerate(cells[len(header):], start=len(header)):
        if cell.strip():
            builder.drop(where(sheet, number, col), cell.strip(), "cellule hors des colonnes nommées")
    for col, (heading, (kind, spec), cell) in enumerate(zip(header, plan, cells, strict=False)):
        value = cell.strip()
        if not value:
            continue
        loc = where(sheet, number, col, heading)
        if kind == "field":
            builder.put(t, "_" if spec == "_nom" else spec, value, loc, strict)
        elif kind == "group":
            name, choice, comment = spec
            entry = groups.setdefault((name, choice), {"checked": None, "comment": "", "loc": loc})
            if comment:
                entry["comment"], entry["comment_loc"] = value, loc
            else:
                entry["checked"] = v.yes_no(value)
                entry["value"], entry["loc"] = value, loc
        else:
            builder.drop(loc, value, "colonne non reconnue (--correspondance pour l'associer à un champ)")
    for (name, choice), entry in groups.items():
        if entry["checked"] is True or (entry["checked"] is None and entry.get("value")):
            item = choice if entry["checked"] else f"{choice} : {entry['value']}"
            if entry["comment"]:
                item += f" ({entry['comment']})"
            if name in LIST_FIELDS:
                t.setdefault(name, []).append(item)
            else:
                builder.put(t, name, choice, entry["loc"])
        elif entry["comment"]:
            builder.drop(entry["comment_loc"], entry["comment"], "commentaire d'un choix non coché")
    builder.finish(t, where(sheet, number))


# -- whole files -------------------------------------------------------------------------------

def import_file(path: str, commune: str, commune_name: str, mapping: dict[str, str] | None = None) -> Import:
    """The draft register of the spreadsheet at `path`. Raises InputErrors."""
    from . import cnil

    out = Import(register={"version": 1, "commune": commune, "traitements": []})
    builder = Builder(commune, commune_name, out)
    sheets = read_sheets(path)
    fiches = [s for s in sheets if cnil.is_fiche(s)]
    if fiches:
        out.layout = "cnil"
        carried: set[str] = set()
        for sheet in fiches:
            carried |= cnil.read_fiche(sheet, builder)
    tables = [s for s in sheets if s not in fiches and header_row(s, mapping) is not None]
    if not fiches and not tables:
        import_flat(sheets[0], builder, mapping, path)  # raises: no name column
    for sheet in tables:
        import_flat(sheet, builder, mapping, path, skip=carried if fiches else None)
    for sheet in sheets:
        if sheet in fiches or sheet in tables:
            continue
        for number, cells in sheet.rows:
            for col, cell in enumerate(cells):
                if cell.strip():
                    builder.drop(where(sheet, number, col), cell.strip(), "feuille non reconnue (ni liste ni fiche de "
                                                                          "registre)")
    return out


COMMUNE_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def outside_metropole(result: Import, name: str) -> None:
    """A commune party to no Bordeaux Métropole avenant: its draft says so (`cadre: rgpd`, the
    GDPR alone), and names the commune in its actor entry (the name its findings use)."""
    register = result.register
    spelled = result.commune_spelling
    name = spelled or name
    actors = register.get("acteurs") or []
    if not any(a.get("id") == register["commune"] for a in actors):
        actors.insert(0, {"id": register["commune"], "type": "commune", "nom": name})
    register["acteurs"] = actors
    result.register = {"version": register.pop("version"), "commune": register.pop("commune"),
                       "cadre": "rgpd", **register}
    result.notes.append("Commune hors Bordeaux Métropole : « cadre: rgpd », le registre est audité au regard du RGPD "
                        "seul, sans les règles propres à l'avenant"
                        + (f" (nom « {name} » repris du tableur)." if spelled else f" (nom « {name} » à accentuer dans acteurs)."))


def _comment(text: str) -> str:
    """A one-line YAML comment quoting cells: a new line in a cell would end the comment and
    turn the rest into YAML; a control character would make the draft unreadable."""
    return terminal_safe(text).replace("\n", "\\n")


def to_yaml(result: Import, source: str, notes: list[str] | None = None) -> str:
    lines = [
        f"# Brouillon de registre (format rgpdcheck v1) importé de {Path(source).name} par rgpdcheck import"
        + (f" ({LAYOUT_NAMES.get(result.layout, result.layout)})." if result.layout else "."),
        "# À relire et compléter : rgpdcheck validate puis rgpdcheck audit.",
    ]
    lines += [f"# {_comment(note)}" for note in [*result.notes, *(notes or [])]]
    if result.unmapped:
        lines.append("# Valeurs non reprises (à saisir à la main) :")
        lines += [f"#   - {_comment(item)}" for item in result.unmapped]
    if result.ignored_columns:
        lines.append("# Colonnes non reconnues : " + _comment(", ".join(f"« {c} »" for c in result.ignored_columns)))
    order = ["version", "commune", "cadre", "contrat", "acteurs", "dpo", "traitements"]
    register = {k: result.register[k] for k in sorted(result.register, key=order.index)}
    body = yaml.safe_dump(register, allow_unicode=True, sort_keys=False, width=100)
    return "\n".join(lines) + "\n" + body
