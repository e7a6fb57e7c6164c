"""Cell values as the register writes them: dates, durations, lawful bases, yes/no, lists.

Each parser takes the text of one cell and returns the register's value, or None when the
text cannot be understood (the import then lists the cell, with why).
"""

from __future__ import annotations

import html
import re
from datetime import date, datetime
from typing import Any

from . import labels
from .normalise import normalise_text as normalise

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
          "versement": "archivage_definitif", "archives": "archivage_definitif"}
_UNITS = {"an": "Y", "ans": "Y", "annee": "Y", "annees": "Y", "mois": "M", "semaine": "W", "semaines": "W",
          "jour": "D", "jours": "D"}
_DURATION = re.compile(
    r"^(\d+)\s*(ans|an|annees|annee|mois|semaines|semaine|jours|jour)\b"
    r"(?:\s*(?:et\s*)?(\d+)\s*(mois|semaines|semaine|jours|jour)\b)?\s*(.*)$")
_START = re.compile(r"^(?:a compter d[eu]s?|a partir d[eu]s?|apres|suivant|des|de)\s+(?:l\s+|la\s+|le\s+|les\s+)?")


def split_list(value: str, commas: bool = True, strict: bool = False) -> list[str]:
    """Items of a list cell. `strict` (rgpdcheck's own export): only ` ; ` and new lines separate.
    Otherwise `;`, new lines, bullets and `|` separate when the cell has any; failing those,
    ` - ` and, unless the items are sentences (purposes keep their commas), commas."""
    if strict:
        parts = re.split(r"\s+;\s+|\n|\r", value)
        return [p.strip() for p in parts if p.strip()]
    if re.search(r"[;\n\r•|]", value):
        parts = re.split(r"\s*(?:;|\n|\r|•|\|)\s*", value)
    else:
        parts = re.split(r"\s*,\s*|\s+-\s+" if commas else r"\s+-\s+", value)
    return [p.strip(" ,.-") for p in parts if p.strip(" ,.-")]


def yes_no(value: str) -> bool | None:
    key = normalise(value)
    if key in _YES:
        return True
    if key in _NO:
        return False
    return None


def parse_date(value: str) -> date | None:
    value = re.sub(r"[ T]\d{1,2}:\d{2}(:\d{2})?$", "", value.strip())  # a time of day after the date
    from .model import date_out_of_range

    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            day = datetime.strptime(value, pattern).date()
        except ValueError:
            continue
        return None if date_out_of_range(day) else day  # outside the register's range: not carried
    return None


def parse_duration(value: str) -> dict[str, str] | None:
    """`5 ans après le départ` -> {duree: P5Y, point_de_depart: "départ"}; None if not a duration."""
    value = re.sub(r"^\s*\d+\s*:\s+", "", value)  # Madis numbers its retention periods: « 1: 5 ans »
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
    start = start.removeprefix(":").strip()  # « 3 ans à compter de : la fin » (rgpdcheck's export until 2026)
    return {"duree": iso, "point_de_depart": start} if start else None


_ORIGINAL_TAIL = re.compile(r"^\s*\d+\s*\w+(?:\s*(?:et\s*)?\d+\s*\w+)?\s*(.*)$", re.DOTALL)
_START_ORIGINAL = re.compile(r"^(?:[àa] compter d[eu]s?(?:\s*:)?|[àa] partir d[eu]s?(?:\s*:)?|après|apres|"
                             r"suivant|dès|des|de)\s+(?:l'|l’|la\s+|le\s+|les\s+)?", re.IGNORECASE)



NOTHING = object()  # a value understood as "nothing to record" (no DPIA)


def iso_date(value: str) -> str | None:
    day = parse_date(value)
    return day.isoformat() if day else None


def status(value: str) -> str | None:
    key = normalise(value)
    if key in ("actif", "active", "en cours", "en production", "oui"):
        return "actif"
    return "clos" if key in ("clos", "close", "arrete", "termine", "supprime", "inactif", "non") else None


def lawful_basis(value: str) -> str | None:
    key = normalise(value)
    return next((basis for words, basis in _BASES if all(w in key for w in words)), None)


def sensitive(value: str) -> tuple[list[str], str | None] | None:
    """(categories, art. 9(2) exception) of a cell: « non » -> [], « oui » -> declared but not
    specified, « santé ; NIR — art. 9(2)(h) » -> both; None when nothing is recognised."""
    answer = yes_no(value)
    if answer is not None:
        return ([] if answer is False else ["non_precisee"]), None
    kinds_text, _, exception = value.partition(" — ")
    found = set()
    for item in split_list(kinds_text):
        kind = labels.sensitive_kind(item)
        if kind:
            found.add(kind)
            continue
        key = normalise(item)
        found |= {kind for needle, kind in _SENSITIVE if needle in key}
    if not found:
        return None
    return sorted(found), exception.strip() or None


def retention(value: str) -> Any:
    duration = parse_duration(value)
    if not duration:
        return None
    return duration if len(duration) > 1 else duration["duree"]


def final(value: str) -> str | None:
    key = normalise(value)
    return next((result for needle, result in _FINAL.items() if needle in key), None)


def information(value: str) -> dict[str, bool] | None:
    answer = yes_no(value)
    return None if answer is None else {"realisee": answer}


def dpia(value: str) -> Any:
    day = parse_date(re.sub(r"^\D*", "", value)) if re.search(r"\d", value) else None
    if day:
        return {"realisee_le": day.isoformat()}
    key = normalise(value)
    if yes_no(value) is False or key.startswith(("non ", "pas ")) or key == "non realisee":
        return NOTHING  # no DPIA: the rules judge whether one was needed
    return None


_TRANSFER = re.compile(r"^(?P<pays>[^()]+?)\s*(?:\((?P<garantie>.*)\))?$")  # « US (clauses types (art. 46)) »


def transfers(value: str) -> tuple[list[dict[str, str]], list[str]] | None:
    """Transfers of a cell, and the parts that could not be read: « US (clauses types) ; CA »,
    « aucun » -> [], « oui » -> one transfer to a country to specify."""
    answer = yes_no(value)
    if answer is False:
        return [], []
    if answer is True:
        return [{"pays": "à préciser"}], []
    text = re.sub(r"^\s*oui\s*[-:–]\s*", "", value, flags=re.IGNORECASE)
    out, unread = [], []
    for item in split_list(text, commas=False):
        match = _TRANSFER.match(item)
        if not match:
            unread.append(item)
            continue
        transfer = {"pays": match["pays"].strip()}
        given = (match["garantie"] or "").strip()
        kind = labels.guarantee(given) if given else None
        if kind:
            transfer["garantie"] = kind
        elif given and normalise(given) not in ("garantie non precisee", "non precisee"):
            unread.append(f"({given})")
        out.append(transfer)
    return (out, unread) if out else None


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[\d .()-]{6,}$")


def contact(value: str) -> dict[str, str]:
    """« 12 rue X, 33000 Bordeaux ; 05 56 00 00 00 ; dpo@x.fr » -> {adresse, telephone, courriel}."""
    out: dict[str, str] = {}
    for part in split_list(value, strict=True) if " ; " in value else [value.strip()]:
        part = re.sub(r"^(?:adresse|tél\.?|téléphone|courriel|e-mail|mél)\s*:\s*", "", part, flags=re.IGNORECASE)
        kind = "courriel" if _EMAIL.match(part) else "telephone" if _PHONE.match(part) else "adresse"
        out[kind] = f"{out[kind]} ; {part}" if kind in out else part
    return out


def unescape(value: str) -> str:
    """OpenRGPD escapes its cells for HTML (`&#039;`, `&amp;`)."""
    return html.unescape(value)
