"""CSV import: a spreadsheet register (the CNIL model's columns, or a mapping of one's own)
turned into a draft register in format v1.

Every value that maps cleanly is kept; everything else is listed (row, column, value, why),
in the draft's header and on stderr, so nothing is silently lost. Spreadsheets exported by
French office suites come in UTF-8 or Windows-1252, separated by `;`, `,` or tabs, with
yes/no columns written `oui`/`non`/`x`, and free-text durations ("5 ans après le départ").
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError, InputErrors
from .loader import parse_document, read_bytes, read_text
from .model import date_out_of_range
from .normalise import normalise_text as normalise
from .sanitize import terminal_safe

MAX_CSV_BYTES = 32 * 1024 * 1024
MAX_MAPPING_BYTES = 1024 * 1024


# Headers of the CNIL's register model (and of `rgpdcheck export`), normalised -> field.
DEFAULT_COLUMNS: dict[str, str] = {normalise(k): v for k, v in {
    "Référence": "id", "Ref": "id", "N°": "id", "Identifiant": "id",
    "Nom du traitement": "nom", "Nom / sigle": "nom", "Activité de traitement": "nom", "Traitement": "nom",
    "Nom de l'activité": "nom", "Activité": "nom",
    "Date de création": "cree_le", "Statut": "statut",
    "Finalités": "finalites", "Finalité": "finalites", "Finalité(s) du traitement": "finalites",
    "Finalité principale": "finalites",
    "Base légale": "base_legale", "Base juridique": "base_legale", "Fondement juridique": "base_legale",
    "Catégories de personnes concernées": "personnes_concernees", "Personnes concernées": "personnes_concernees",
    "Catégories de données": "categories_donnees", "Catégories de données collectées": "categories_donnees",
    "Données collectées": "categories_donnees",
    "Données sensibles": "donnees_sensibles",
    "Destinataires": "destinataires", "Catégories de destinataires": "destinataires",
    "Sous-traitants": "sous_traitants",
    "Transferts hors UE": "transferts_hors_ue", "Transferts hors UE et garanties": "transferts_hors_ue",
    "Transferts de données hors UE": "transferts_hors_ue",
    "Durée de conservation": "duree_conservation", "Durées de conservation": "duree_conservation",
    "Sort final": "sort_final",
    "Mesures de sécurité": "mesures_securite", "Mesures de sécurité techniques et organisationnelles": "mesures_securite",
    "Information des personnes": "information_personnes", "Personnes informées": "information_personnes",
    "Analyse d'impact (AIPD)": "aipd", "AIPD": "aipd", "Analyse d'impact": "aipd",
    "Commentaire": "commentaire", "Observations": "commentaire",
}.items()}


_YES = {"oui", "o", "x", "vrai", "yes", "y", "1", "ok", "fait", "realisee", "realise"}
_NO = {"non", "n", "faux", "no", "0", "aucun", "aucune", "neant", "sans objet", "so", "na", "n a"}

_BASES = [  # (normalised words that must all appear, lawful basis)
    (("interet", "public"), "mission_interet_public"), (("mission",), "mission_interet_public"),
    (("obligation",), "obligation_legale"), (("legal",), "obligation_legale"),
    (("consentement",), "consentement"), (("contrat",), "contrat"),
    (("interets", "legitimes"), "interets_legitimes"), (("interet", "legitime"), "interets_legitimes"),
    (("interets", "vitaux"), "interets_vitaux"), (("interet", "vital"), "interets_vitaux"),
]
_SENSITIVE = [
    ("sante", "sante"), ("medic", "sante"), ("handicap", "sante"), ("biometr", "biometrique"),
    ("genet", "genetique"), ("nir", "nir"), ("securite sociale", "nir"), ("infraction", "infractions_condamnations"),
    ("condamnation", "infractions_condamnations"), ("religi", "convictions_religieuses"),
    ("philosoph", "convictions_religieuses"), ("syndic", "appartenance_syndicale"), ("politique", "opinions_politiques"),
    ("orientation sexuelle", "orientation_sexuelle"), ("sexuel", "vie_sexuelle"), ("origine", "origine_raciale_ethnique"),
    ("ethni", "origine_raciale_ethnique"),
]
_FINAL = {"effacement": "effacement", "suppression": "effacement", "destruction": "effacement",
          "anonymisation": "anonymisation", "archivage intermediaire": "archivage_intermediaire",
          "archivage definitif": "archivage_definitif", "versement aux archives": "archivage_definitif",
          "archives": "archivage_definitif"}
_UNITS = {"an": "Y", "ans": "Y", "annee": "Y", "annees": "Y", "mois": "M", "semaine": "W", "semaines": "W",
          "jour": "D", "jours": "D"}
_DURATION = re.compile(
    r"^(\d+)\s*(ans|an|annees|annee|mois|semaines|semaine|jours|jour)\b"
    r"(?:\s*(?:et\s*)?(\d+)\s*(mois|semaines|semaine|jours|jour)\b)?\s*(.*)$")
_START = re.compile(r"^(?:a compter d[eu]s?|a partir d[eu]s?|apres|suivant|des|de)\s+(?:l\s+|la\s+|le\s+|les\s+)?")


@dataclass
class Import:
    """The draft register, and what could not be kept."""

    register: dict[str, Any]
    unmapped: list[str] = field(default_factory=list)  # "ligne 4, colonne « X » : « v » — why"
    ignored_columns: list[str] = field(default_factory=list)
    rows: int = 0


_UNICODE_BREAKS = {0x85: " ", 0x2028: " ", 0x2029: " "}


def read_table(path: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the rows of a CSV file, each with the line it starts on, whatever its
    encoding and separator."""
    raw = read_bytes(path, MAX_CSV_BYTES, "fichier CSV")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # what French spreadsheets save as "CSV"
    if not text.strip():
        raise InputErrors([InputError(path, 1, "fichier vide : la première ligne doit nommer les colonnes")])
    # NEL and the Unicode line separators: YAML would read them as line breaks in the draft,
    # an editor would not (and the loader refuses them): a space, as they are inside a cell
    text = text.translate(_UNICODE_BREAKS)
    if "\x00" in text:  # a spreadsheet's binary file (.xlsx, .ods) given as CSV
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise InputErrors([InputError(path, line, "octet nul : ce n'est pas un fichier CSV texte (enregistrez le "
                                                  "tableur au format CSV, séparateur « ; »)")])
    first = text.splitlines()[0]
    delimiter = max(";,\t", key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows, line = [], 1
    try:
        header = [h.strip() for h in next(reader)]
        line = reader.line_num + 1
        for cells in reader:
            rows.append((line, cells))
            line = reader.line_num + 1
    except csv.Error as exc:
        reason = (f"cellule de plus de {csv.field_size_limit():,} caractères".replace(",", " ")
                  if "field larger" in str(exc) else "CSV illisible (guillemets mal fermés ?)")
        raise InputErrors([InputError(path, line, reason)]) from None
    return header, rows


def load_mapping(path: str) -> dict[str, str]:
    """A mapping file: `colonnes: {"En-tête du tableur": champ, ...}`.

    Read by the register's own loader: bounded, safe tags only, French messages with lines."""
    document = parse_document(read_text(path, MAX_MAPPING_BYTES, "fichier de correspondance"), path)
    data = document.data
    columns = data.get("colonnes") if isinstance(data, dict) else None
    if not isinstance(columns, dict):
        raise InputErrors([InputError(path, 1, "la correspondance s'écrit « colonnes: {\"En-tête\": champ} »")])
    not_text = [InputError(path, document.line_of(("colonnes", k)), f"« {k} » : un champ s'écrit comme un nom "
                                                                    "(par exemple « nom »), pas une liste ni un bloc")
                for k, v in columns.items() if not isinstance(v, str) or isinstance(k, (dict, list))]
    if not_text:
        raise InputErrors(not_text)
    bad = [f"« {v} »" for v in columns.values() if v not in FIELDS]
    if bad:
        raise InputErrors([InputError(path, 1, f"champ(s) inconnu(s) {', '.join(bad)} ; champs possibles : "
                                                f"{', '.join(sorted(FIELDS))}")])
    return {normalise(str(k)): str(v) for k, v in columns.items()}


def _split(value: str, commas: bool = True) -> list[str]:
    """Items of a list cell: separated by `;`, new lines, bullets, ` - `, and commas unless
    the items are sentences (purposes keep their commas)."""
    separators = r"\s*(?:;|\n|\r|•|\||,)\s*|\s+-\s+" if commas else r"\s*(?:;|\n|\r|•|\|)\s*|\s+-\s+"
    parts = re.split(separators, value)
    return [p.strip(" ,.-") for p in parts if p.strip(" ,.-")]


def _yes_no(value: str) -> bool | None:
    key = normalise(value)
    if key in _YES:
        return True
    if key in _NO:
        return False
    return None


def parse_date(value: str) -> date | None:
    value = value.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


def parse_duration(value: str) -> dict[str, str] | None:
    """`5 ans après le départ` -> {duree: P5Y, point_de_depart: "départ"}; None if not a duration."""
    match = _DURATION.match(normalise(value))
    if not match:
        return None
    number, unit, number2, unit2, rest = match.groups()
    iso = f"P{int(number)}{_UNITS[unit]}"
    if number2:
        if _UNITS[unit] != "Y" or _UNITS[unit2] != "M":
            return None
        iso += f"{int(number2)}M"
    if not rest:
        return {"duree": iso}
    if not _START.match(rest):
        return None  # "5 ans renouvelables": not a starting point
    # the starting point in the user's own words, accents included
    tail = _ORIGINAL_TAIL.match(value.strip())
    start = _START_ORIGINAL.sub("", tail[1] if tail else rest).strip(" .")
    return {"duree": iso, "point_de_depart": start} if start else None


_ORIGINAL_TAIL = re.compile(r"^\s*\d+\s*\w+(?:\s*(?:et\s*)?\d+\s*\w+)?\s*(.*)$", re.DOTALL)
_START_ORIGINAL = re.compile(r"^(?:à compter d[eu]s?|a compter d[eu]s?|à partir d[eu]s?|a partir d[eu]s?|après|apres|"
                             r"suivant|dès|des|de)\s+(?:l'|l’|la\s+|le\s+|les\s+)?", re.IGNORECASE)


class _Row:
    def __init__(self, number: int, out: Import):
        self.number = number
        self.out = out

    def drop(self, column: str, value: str, why: str) -> None:
        self.out.unmapped.append(f"ligne {self.number}, colonne « {column} » : « {value} » — {why}")


_NOTHING = object()  # a value understood as "nothing to record" (no DPIA)


def _date(value: str) -> str | None:
    day = parse_date(value)
    return day.isoformat() if day and not date_out_of_range(day) else None


def _status(value: str) -> str | None:
    key = normalise(value)
    if key in ("actif", "active", "en cours", "en production"):
        return "actif"
    return "clos" if key in ("clos", "close", "arrete", "termine", "supprime") else None


def _lawful_basis(value: str) -> str | None:
    key = normalise(value)
    return next((basis for words, basis in _BASES if all(w in key for w in words)), None)


def _sensitive(value: str) -> list[str] | None:
    if _yes_no(value) is False:
        return []
    key = normalise(value)
    return sorted({kind for needle, kind in _SENSITIVE if needle in key}) or None


def _retention(value: str) -> Any:
    duration = parse_duration(value)
    if not duration:
        return None
    return duration if len(duration) > 1 else duration["duree"]


def _final(value: str) -> str | None:
    key = normalise(value)
    return next((final for needle, final in _FINAL.items() if needle in key), None)


def _information(value: str) -> dict[str, bool] | None:
    answer = _yes_no(value)
    return None if answer is None else {"realisee": answer}


def _dpia(value: str) -> Any:
    day = parse_date(re.sub(r"^\D*", "", value)) if re.search(r"\d", value) else None
    if day and not date_out_of_range(day):
        return {"realisee_le": day.isoformat()}
    return _NOTHING if _yes_no(value) is False else None  # no DPIA: the rules judge whether one was needed


# field -> (value of the cell as the register writes it, or None when it cannot be; why not)
PARSERS: dict[str, tuple[Callable[[str], Any], str]] = {
    "id": (str, ""),
    "nom": (str, ""),
    "commentaire": (str, ""),
    "finalites": (lambda v: _split(v, commas=False), ""),
    "personnes_concernees": (_split, ""),
    "categories_donnees": (_split, ""),
    "destinataires": (_split, ""),
    "mesures_securite": (_split, ""),
    "cree_le": (_date, "date non reconnue (attendu AAAA-MM-JJ ou JJ/MM/AAAA)"),
    "statut": (_status, "statut non reconnu (actif ou clos)"),
    "base_legale": (_lawful_basis, ("base légale non reconnue (art. 6(1) : consentement, contrat, obligation légale, "
                                   "intérêts vitaux, mission d'intérêt public, intérêts légitimes)")),
    "donnees_sensibles": (_sensitive, "catégorie de données sensibles non reconnue : à préciser (donnees_sensibles)"),
    "transferts_hors_ue": (lambda v: [] if _yes_no(v) is False else None,
                           "transfert hors UE : pays et garantie à saisir à la main (transferts_hors_ue)"),
    "duree_conservation": (_retention, ("durée non reconnue (ex. « 5 ans », « 6 mois après la clôture ») : à saisir "
                                       "en duree_conservation")),
    "sort_final": (_final, "sort final non reconnu (effacement, anonymisation, archivage intermédiaire ou définitif)"),
    "information_personnes": (_information, "oui/non attendu"),
    "aipd": (_dpia, "AIPD : date de réalisation attendue (aipd.realisee_le)"),
    "sous_traitants": (lambda v: None, ("prestataires : à déclarer en acteurs puis en sous_traitants "
                                       "(contrat, instructions)")),
}
FIELDS = frozenset(PARSERS)


def _convert(field_name: str, value: str, column: str, row: _Row, treatment: dict[str, Any]) -> None:
    parse, why = PARSERS[field_name]
    result = parse(value)
    if result is None:
        row.drop(column, value, why)
    elif result is not _NOTHING:
        treatment[field_name] = result


def import_table(header: list[str], rows: list[tuple[int, list[str]]], commune: str,
                 mapping: dict[str, str] | None = None, source: str = "") -> Import:
    columns = mapping if mapping is not None else DEFAULT_COLUMNS
    fields = [columns.get(normalise(h)) for h in header]
    out = Import(register={"version": 1, "commune": commune, "traitements": []})
    out.ignored_columns = [h for h, f in zip(header, fields, strict=True) if f is None and h]
    if "nom" not in fields:
        raise InputErrors([InputError(source, 1, "aucune colonne ne donne le nom du traitement "
                                             f"(colonnes lues : {', '.join(header)})")])
    used_ids: set[str] = set()
    for number, cells in rows:
        if not any(c.strip() for c in cells):
            continue  # a blank line
        row = _Row(number, out)
        treatment: dict[str, Any] = {}
        for column, field_name, cell in zip(header, fields, cells, strict=False):
            value = cell.strip()
            if field_name and value:
                _convert(field_name, value, column, row, treatment)
        if not treatment.get("nom"):
            out.unmapped.append(f"ligne {number} : pas de nom de traitement, ligne non reprise")
            continue
        treatment["id"] = _identifier(treatment.get("id"), out.rows + 1, used_ids)
        ordered = {"id": treatment.pop("id"), "nom": treatment.pop("nom"), **treatment}
        out.register["traitements"].append(ordered)
        out.rows += 1
    return out


def _identifier(given: str | None, number: int, used: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9_.-]+", "-", given or "").strip("-") or f"T-{number:03d}"
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base}-{n}", n + 1
    used.add(candidate)
    return candidate


def _comment(text: str) -> str:
    """A one-line YAML comment quoting cells: a new line in a cell would end the comment and
    turn the rest into YAML; a control character would make the draft unreadable."""
    return terminal_safe(text).replace("\n", "\\n")


def to_yaml(result: Import, source: str) -> str:
    lines = [
        f"# Brouillon de registre (format rgpdcheck v1) importé de {Path(source).name} par rgpdcheck import.",
        "# À relire et compléter : rgpdcheck validate puis rgpdcheck audit.",
    ]
    if result.unmapped:
        lines.append("# Valeurs non reprises (à saisir à la main) :")
        lines += [_comment(f"#   - {item}") for item in result.unmapped]
    if result.ignored_columns:
        lines.append(_comment("# Colonnes non reconnues : " + ", ".join(f"« {c} »" for c in result.ignored_columns)))
    body = yaml.safe_dump(result.register, allow_unicode=True, sort_keys=False, width=100)
    return "\n".join(lines) + "\n" + body
