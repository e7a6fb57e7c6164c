"""Write sample spreadsheets, in the layouts DPOs actually keep, from a bundled register.

    python tests/import/make_samples.py [REGISTRE.yaml] [DOSSIER]

writes, from fixtures/bruges/registre.yaml into tests/import/echantillons/ by default:
- `modele-cnil.xlsx`, `modele-cnil.ods`: a DPO's copy of the CNIL model workbook (an
  instructions sheet, the list of activities under a title, one « fiche de registre » per
  activity with the model's own fixed data-category labels, postcode and town columns, dates
  written the French way);
- `madis.csv`: Madis's treatment export (`;`, UTF-8 with BOM, `Nom` then « Onglet - Libellé »
  headings, yes/no columns per choice, numbered retention periods), headings as Madis's
  TreatmentGenerator and its French translations build them;
- `openrgpd.csv`: OpenRGPD's export (`,`, UTF-8, HTML-escaped values, `/ ` between items);
- `tableur-maison.xlsx` and `correspondance-maison.yaml`: a home-made spreadsheet with
  unfamiliar headings, and the mapping for those that no synonym matches.

Everything is generated here (nobody else's file is copied), so the samples can be rebuilt
whenever the layouts or the register change. The tests call the same functions into tmp_path.
"""

from __future__ import annotations

import csv
import html
import io
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from rgpdcheck import labels
from rgpdcheck.export import duration_fr
from rgpdcheck.workbook import to_ods, to_xlsx

SOURCE = ROOT / "fixtures" / "bruges" / "registre.yaml"
TARGET = ROOT / "tests" / "import" / "echantillons"


def load(path: Path = SOURCE) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _treatments(register: dict[str, Any]) -> list[dict[str, Any]]:
    return [t for t in register["traitements"] if t.get("finalites")][:4]


def _names(register: dict[str, Any]) -> dict[str, str]:
    return {a["id"]: a.get("nom", a["id"]) for a in register.get("acteurs") or []}


def _retention(t: dict[str, Any]) -> str:
    d = t.get("duree_conservation")
    if d is None:
        return ""
    d = {"duree": d} if isinstance(d, str) else d
    text = duration_fr(d["duree"])
    return f"{text} à compter de {d['point_de_depart']}" if d.get("point_de_depart") else text


def _french_date(value: Any) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


# -- the CNIL model, as a DPO fills it in ------------------------------------------------------

_CNIL_CATEGORIES = ["État-civil, identité, données d'identification, images", "Vie personnelle",
                    "Vie professionnelle", "Informations d'ordre économique et financier", "Données de connexion",
                    "Données de localisation", "Internet", "Autres catégories de données"]
_CNIL_SENSITIVE = {"origine_raciale_ethnique": "Données révélant l'origine raciale ou ethnique",
                   "opinions_politiques": "Données révélant les opinions politiques",
                   "convictions_religieuses": "Données révélant les convictions religieuses ou philosophiques",
                   "appartenance_syndicale": "Données révélant l'appartenance syndicale",
                   "genetique": "Données génétiques", "biometrique": "Données biométriques",
                   "sante": "Données concernant la santé", "vie_sexuelle": "Données concernant la vie sexuelle",
                   "infractions_condamnations": "Données relatives à des condamnations pénales ou infractions",
                   "nir": "Numéro d'identification national unique (NIR)"}


def cnil_sheets(register: dict[str, Any]) -> list[tuple[str, list[list[str]]]]:
    names = _names(register)
    commune = register["commune"].capitalize()
    listing = [[f"Registre des activités de traitement — {commune}"], [],
               ["N° / REF", "Nom / sigle", "Date de création", "Dernière mise à jour", "Responsable du traitement",
                "Finalité principale", "Transferts hors UE ?", "Données sensibles ?"]]
    sheets = []
    for n, t in enumerate(_treatments(register), start=1):
        sensitive = t.get("donnees_sensibles")
        listing.append([t["id"], t["nom"], _french_date(t.get("cree_le")), "15/01/2024", f"Mairie de {commune}",
                        t["finalites"][0], "Non" if t.get("transferts_hors_ue") == [] else "",
                        "Oui" if sensitive else "Non" if sensitive == [] else ""])
        categories = list(t.get("categories_donnees") or [])
        rows = [["Fiche de registre de l'activité de traitement"], [],
                ["Description du traitement"],
                ["Nom / sigle", t["nom"]], ["N° / REF", t["id"]], ["Date de création", _french_date(t.get("cree_le"))],
                ["Dernière mise à jour", "15/01/2024"], [],
                ["Acteurs", "Nom", "Adresse", "CP", "Ville", "Téléphone", "Adresse de messagerie"],
                ["Responsable du traitement", f"Mairie de {commune}", "87 avenue Charles de Gaulle", "33520", commune,
                 "05 56 16 80 80", f"mairie@{register['commune']}.example"],
                ["Délégué à la protection des données", "DPO mutualisé de Bordeaux Métropole",
                 "Esplanade Charles-de-Gaulle", "33045", "Bordeaux", "05 56 99 84 84", "dpo@bordeaux-metropole.example"],
                ["Représentant", "Le maire", "", "", "", "", ""],
                ["Responsables conjoints", "", "", "", "", "", ""], [],
                ["Finalité(s) du traitement effectué"], ["Finalité principale", t["finalites"][0]]]
        rows += [[f"Sous-finalité {i}", (t["finalites"][i] if i < len(t["finalites"]) else "")] for i in range(1, 6)]
        rows += [[], ["Mesures de sécurité"],
                 ["Mesures de sécurité techniques", " ; ".join(t.get("mesures_securite") or [])],
                 ["Mesures de sécurité organisationnelles", ""], [],
                 ["Catégories de données personnelles concernées", "Description", "Délai d'effacement"],
                 [_CNIL_CATEGORIES[0], categories[0] if categories else "", _retention(t)]]
        rows += [[label, "", ""] for label in _CNIL_CATEGORIES[1:-1]]
        rows += [[_CNIL_CATEGORIES[-1], " ; ".join(categories[1:]), _retention(t) if categories[1:] else ""], [],
                 ["Données sensibles", "Description", "Délai d'effacement"]]
        rows += [[label, "oui" if kind in (sensitive or []) else "", _retention(t) if kind in (sensitive or []) else ""]
                 for kind, label in _CNIL_SENSITIVE.items()]
        rows += [[], ["Catégories de personnes concernées"]]
        rows += [[f"Catégorie de personnes {i}", p] for i, p in enumerate(t.get("personnes_concernees") or [], 1)]
        rows += [[], ["Destinataires des données", "Type de destinataire", "Précisions"]]
        rows += [[f"Destinataire {i}", d, ""] for i, d in enumerate(t.get("destinataires") or [], 1)]
        rows += [["Sous-traitant", names.get(s["acteur"], s["acteur"]), ""] for s in t.get("sous_traitants") or []]
        rows += [[], ["Transferts des données hors UE", "Destinataire", "Pays", "Type de garanties",
                      "Lien vers la documentation"]]
        rows += [[f"Destinataire {i}", "Hébergeur", x["pays"], labels.GUARANTEES.get(x.get("garantie", ""), ""), ""]
                 for i, x in enumerate(t.get("transferts_hors_ue") or [], 1)]
        sheets.append((f"Activité {n}", rows))
    instructions = ("Mode d'emploi", [["Ce classeur suit le modèle de registre de la CNIL : une fiche par activité."]])
    return [instructions, ("Registre", listing), *sheets]


def cnil_workbook(register: dict[str, Any], fmt: str) -> bytes:
    sheets = cnil_sheets(register)
    return to_xlsx(sheets) if fmt == "xlsx" else to_ods(sheets)


# -- Madis ------------------------------------------------------------------------------------

_MADIS_PEOPLE = ["Particuliers", "Internautes", "Salariés", "Élus", "Professionnels", "Partenaires", "Usagers", "Autres"]
_MADIS_SECURITY = ["Contrôle d'accès", "Traçabilité", "Sauvegarde", "Mise à jour", "Autres"]
_MADIS_SPECIFIC = {"Surveillance systématique": "surveillance_systematique", "Collecte à large échelle": "grande_echelle",
                   "Personnes vulnérables": "personnes_vulnerables", "Croisement de données": "croisement",
                   "Évaluation ou notation": "evaluation_notation",
                   "Décisions automatisées avec effet": "decision_automatisee",
                   "Exclusion automatique d'un service": "exclusion_droit", "Usage innovant": "usage_innovant"}
_MADIS_BASES = {"consentement": "Le consentement", "obligation_legale": "L'obligation légale",
                "contrat": "L'exécution d'un contrat", "mission_interet_public": "L'exécution d'une mission d'intérêt public",
                "interets_legitimes": "L'intérêt légitime", "interets_vitaux": "L'intérêt vital"}
_MADIS_FATE = {"effacement": "Destruction", "archivage_definitif": "Versement", "archivage_intermediaire": "Conservation",
               "anonymisation": "Non déterminé"}


def madis_headers() -> list[str]:
    people = [h for p in _MADIS_PEOPLE for h in (f"Détails - Personnes concernées - {p}",
                                                   f"Détails - Personnes concernées - {p} - Commentaire")]
    security = [h for m in _MADIS_SECURITY for h in (f"Mesures de sécurité et confidentialité - {m}",
                                                     f"Mesures de sécurité et confidentialité - {m} - Commentaire")]
    return ["Nom", "Structure - Nom", "Structure - SIREN", "Structure - Code INSEE", "En tant que",
            "Coordonnées du responsable de traitement", "Finalités", "Gestionnaire", "État", "Base légale",
            "Justification de la base légale", "Observations", "Registre public", "Est exempté d'AIPD",
            "Préconisations", "Catégorie de données", "Catégorie des données - Autres catégories",
            "Destination - Catégorie de destinataires", "Destination - Sous-traitants", "Historique - Créé par",
            "Historique - Date de création", "Historique - Date de modification", *people,
            "Détails - Nombre de personnes concernées", "Détails - Logiciels et supports", "Détails - Traitement papier",
            "Détails - Délai de conservation - Durée", "Détails - Délai de conservation - Nom",
            "Détails - Délai de conservation - Sort final", "Détails - Origine des données",
            "Détails - Moyens de la collecte", *security,
            *[f"Traitement spécifique - {s}" for s in _MADIS_SPECIFIC], "Nb Preuves"]


def madis_csv(register: dict[str, Any]) -> bytes:
    names = _names(register)
    headers = madis_headers()
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quotechar='"', lineterminator="\n")
    writer.writerow(headers)
    for t in _treatments(register):
        row = dict.fromkeys(headers, "")
        row.update({
            "Nom": t["nom"], "Structure - Nom": register["commune"].capitalize(), "Structure - SIREN": "213300650",
            "Structure - Code INSEE": "33075", "En tant que": "Responsable de traitement",
            "Finalités": "\n".join(t["finalites"]), "Gestionnaire": "Service population",
            "État": "Actif" if t.get("statut", "actif") == "actif" else "Inactif",
            "Base légale": _MADIS_BASES.get(t.get("base_legale", ""), "À déterminer"), "Registre public": "Non",
            "Est exempté d'AIPD": "Non", "Catégorie de données": " - ".join(t.get("categories_donnees") or []),
            "Destination - Catégorie de destinataires": ", ".join(t.get("destinataires") or []),
            "Destination - Sous-traitants": " - ".join(names.get(s["acteur"], s["acteur"])
                                                       for s in t.get("sous_traitants") or []),
            "Historique - Créé par": "Jeanne DPO",
            "Historique - Date de création": (t["cree_le"].strftime("%d/%m/%Y 10:30") if t.get("cree_le") else ""),
            "Historique - Date de modification": "15/01/2024 09:00",
            "Détails - Logiciels et supports": t.get("application", ""), "Détails - Traitement papier": "Inactif",
            "Détails - Délai de conservation - Durée": f"1: {_retention(t)} \r\n" if t.get("duree_conservation") else "",
            "Détails - Délai de conservation - Nom": "1: Dossier\r\n" if t.get("duree_conservation") else "",
            "Détails - Délai de conservation - Sort final": (f"1: {_MADIS_FATE[t['sort_final']]}\r\n"
                                                            if t.get("sort_final") else ""),
            "Nb Preuves": "0",
        })
        for person in _MADIS_PEOPLE:
            row[f"Détails - Personnes concernées - {person}"] = "Non"
        row["Détails - Personnes concernées - Usagers"] = "Oui"
        row["Détails - Personnes concernées - Usagers - Commentaire"] = ", ".join(t.get("personnes_concernees") or [])
        measures = set(t.get("mesures_securite") or [])
        for measure, word in zip(_MADIS_SECURITY, ["habilitations", "journalisation", "sauvegarde", "mises a jour", ""],
                                 strict=True):
            row[f"Mesures de sécurité et confidentialité - {measure}"] = "Oui" if word in measures else "Non"
        for label, criterion in _MADIS_SPECIFIC.items():
            row[f"Traitement spécifique - {label}"] = "Oui" if criterion in (t.get("criteres_aipd") or []) else "Non"
        writer.writerow([row[h] for h in headers])
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


# -- OpenRGPD ---------------------------------------------------------------------------------

OPENRGPD_HEADERS = ["ID", "Traitement", "Origine des données", "Validation du DPD", "Finalité du traitement",
                    "Sous-finalité", "Commentaire", "Date de mise en oeuvre", "Catégorie de données traitées",
                    "Catégorie de personnes concernées", "Destinataires des données", "Durée d'utilité administrative",
                    "Archivage", "Transfert hors UE", "Licéité du traitement", "Support de données / outils",
                    "Co-responsable du traitement", "Représentant du Co-responsable du traitement", "Sous-traitant",
                    "Délai d'effacement", "Niveau d'identification", "Commentaire d'identification",
                    "Niveau de sécurité", "Commentaire de sécurité", "Date de dernière mise à jour", "Déclarant",
                    "Gestionnaire(s) des données", "Pôle", "Entité", "Nom du responsable du traitement", "PIA ",
                    "Commentaire PIA", "Plan d'action du DPD", "base Juridique du traitement",
                    "base Juridique de la licéité"]


def openrgpd_csv(register: dict[str, Any]) -> bytes:
    names = _names(register)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(OPENRGPD_HEADERS)
    for n, t in enumerate(_treatments(register), start=1):
        row = dict.fromkeys(OPENRGPD_HEADERS, "")
        row.update({
            "ID": str(n), "Traitement": t["nom"], "Origine des données": "Usager", "Validation du DPD": "Oui",
            "Finalité du traitement": t["finalites"][0], "Sous-finalité": " ; ".join(t["finalites"][1:]),
            "Date de mise en oeuvre": t["cree_le"].isoformat() if t.get("cree_le") else "",
            "Catégorie de données traitées": "".join(f"{c}/ " for c in t.get("categories_donnees") or []),
            "Catégorie de personnes concernées": ", ".join(t.get("personnes_concernees") or []),
            "Destinataires des données": ", ".join(t.get("destinataires") or []),
            "Durée d'utilité administrative": _retention(t),
            "Archivage": labels.FINAL.get(t.get("sort_final", ""), ""),
            "Transfert hors UE": "Non" if t.get("transferts_hors_ue") == [] else "",
            "Licéité du traitement": labels.BASES.get(t.get("base_legale", ""), "").split(" (")[0] + "/ ",
            "Support de données / outils": t.get("application", ""),
            "Sous-traitant": ", ".join(names.get(s["acteur"], s["acteur"]) for s in t.get("sous_traitants") or []),
            "Niveau de sécurité": "2", "Commentaire de sécurité": ", ".join(t.get("mesures_securite") or []),
            "Date de dernière mise à jour": "2024-01-15", "Pôle": "Population", "Entité": "Mairie",
            "Nom du responsable du traitement": "Le maire", "PIA ": "Non",
            "base Juridique du traitement": "Code général des collectivités territoriales",
        })
        writer.writerow([html.escape(row[h], quote=True).replace("&#x27;", "&#039;") for h in OPENRGPD_HEADERS])
    return buffer.getvalue().encode("utf-8")


# -- a home-made spreadsheet ------------------------------------------------------------------

HOME_HEADERS = ["Intitulé du traitement", "objectifPoursuivi", "base_juridique", "Qui est concerné ?",
                "donneesCollectees", "Durée de conservation", "Sensible ?", "Hébergement hors UE", "Logiciel",
                "Service pilote"]
HOME_MAPPING = {"objectifPoursuivi": "finalites", "Qui est concerné ?": "personnes_concernees",
                "donneesCollectees": "categories_donnees", "Hébergement hors UE": "transferts_hors_ue"}


def home_made_xlsx(register: dict[str, Any]) -> bytes:
    rows = [["Registre RGPD de la mairie (version de travail)"], HOME_HEADERS]
    for t in _treatments(register):
        sensitive = t.get("donnees_sensibles")
        rows.append([t["nom"], " ; ".join(t["finalites"]), labels.BASES.get(t.get("base_legale", ""), ""),
                     ", ".join(t.get("personnes_concernees") or []), ", ".join(t.get("categories_donnees") or []),
                     _retention(t), ", ".join(labels.SENSITIVE[s] for s in sensitive) if sensitive else "non",
                     "non" if t.get("transferts_hors_ue") == [] else "", t.get("application", ""), "Population"])
    return to_xlsx([("Traitements", rows)])


def home_made_mapping() -> str:
    return yaml.safe_dump({"colonnes": HOME_MAPPING}, allow_unicode=True, sort_keys=False)


SAMPLES = {
    "modele-cnil.xlsx": lambda r: cnil_workbook(r, "xlsx"),
    "modele-cnil.ods": lambda r: cnil_workbook(r, "ods"),
    "madis.csv": madis_csv,
    "openrgpd.csv": openrgpd_csv,
    "tableur-maison.xlsx": home_made_xlsx,
    "correspondance-maison.yaml": lambda r: home_made_mapping().encode("utf-8"),
}


def write_samples(register: dict[str, Any], target: Path) -> dict[str, Path]:
    target.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, make in SAMPLES.items():
        (target / name).write_bytes(make(register))
        written[name] = target / name
    return written


if __name__ == "__main__":
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else TARGET
    for path in write_samples(load(source), target).values():
        print(path)
