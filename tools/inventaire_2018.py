"""Write the scenario register modelled on a real 2018 inventory, and its expected audit.

    python tools/inventaire_2018.py           # rewrite fixtures/inventaire-2018/{registre.yaml,attendu.txt}
    python tools/inventaire_2018.py --check   # exit 1 when either file is stale

The model is a French commune's 2018 spreadsheet, outside Bordeaux Métropole (so party to no
avenant: `cadre: rgpd`): about a hundred entries, most with a name and little else, a few
with a purpose, a legal basis or a retention period, and some flagged as holding sensitive
data (biometrics, video protection, files on minors, social aid). The entries are generated
from fixed lists (no randomness), so the file is the same on every run.

tests/test_scenarios.py audits it and compares the text report (80 columns) with
`attendu.txt`: a change of rules or of the report shows there, and is accepted by running
this script again and reviewing the diff.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "fixtures" / "inventaire-2018"
AS_OF = "2019-03-01"

SERVICES = {
    "Population": ["Actes de naissance", "Actes de mariage", "Actes de décès", "Livret de famille", "PACS",
                   "Recensement citoyen", "Listes électorales", "Bureaux de vote (assesseurs)", "Cimetière (concessions)",
                   "Attestations d'accueil", "Cartes d'identité et passeports", "Recensement de la population"],
    "Enfance": ["Inscriptions scolaires", "Restauration scolaire", "Accueil périscolaire", "Transport scolaire",
                "Multi-accueil petite enfance", "Relais assistantes maternelles", "Conseil municipal des jeunes",
                "Aide aux devoirs"],
    "Ressources humaines": ["Paie", "Carrières", "Formation", "Recrutement", "Médecine préventive", "Congés et absences",
                            "Entretiens professionnels", "Action sociale du personnel", "Astreintes"],
    "Finances": ["Facturation des services", "Régies de recettes", "Mandatement des fournisseurs", "Subventions aux associations",
                 "Marchés publics", "Taxe de séjour"],
    "Urbanisme": ["Permis de construire", "Déclarations préalables", "Certificats d'urbanisme", "Déclarations d'intention d'aliéner",
                  "Numérotage des voies", "Enquêtes publiques"],
    "Services techniques": ["Demandes d'intervention", "Prêt de matériel", "Gestion du parc automobile", "Salles municipales",
                            "Arrêtés de voirie", "Déchets verts (inscriptions)"],
    "Culture et sport": ["Médiathèque (lecteurs)", "École de musique", "Inscriptions sportives", "Billetterie des spectacles",
                         "Location des équipements sportifs", "Fête locale (exposants)"],
    "Communication": ["Lettre d'information", "Site internet (formulaires)", "Réseaux sociaux", "Photothèque",
                      "Annuaire des associations"],
    "Vie locale": ["Élus (indemnités)", "Délibérations et arrêtés", "Courrier entrant", "Plaintes et réclamations",
                   "Marché de plein vent (droits de place)", "Jardins familiaux", "Registre canicule", "Cérémonies"],
    "Social": ["Banque alimentaire", "Logement social (demandes)", "Domiciliation", "Portage de repas",
               "Transport solidaire", "Colis des aînés"],
    "Police et sécurité": ["Stationnement", "Objets trouvés", "Opération tranquillité vacances", "Fourrière",
                           "Débits de boissons"],
    "Informatique": ["Comptes utilisateurs", "Messagerie", "Sauvegardes", "Téléphonie", "Journaux de connexion"],
}

# The entries the spreadsheet flags as holding sensitive data: what it says of each, in the
# register's terms (a sensitive category, or the DPIA criteria that video protection and files
# on minors meet). Each must lead to a finding (tests/test_scenarios.py).
FLAGGED = [
    {"nom": "Contrôle d'accès biométrique des locaux techniques", "donnees_sensibles": ["biometrique"]},
    {"nom": "Pointage biométrique des agents", "donnees_sensibles": ["biometrique"]},
    {"nom": "Vidéoprotection de la voie publique", "criteres_aipd": ["surveillance_systematique", "grande_echelle"]},
    {"nom": "Vidéoprotection des bâtiments communaux", "criteres_aipd": ["surveillance_systematique", "grande_echelle"]},
    {"nom": "Accueil de loisirs sans hébergement (dossiers sanitaires des mineurs)",
     "donnees_sensibles": ["sante"], "criteres_aipd": ["personnes_vulnerables"]},
    {"nom": "Projets d'accueil individualisé (PAI) des élèves", "donnees_sensibles": ["sante"],
     "criteres_aipd": ["personnes_vulnerables"]},
    {"nom": "Programme de réussite éducative (suivi des mineurs)", "donnees_sensibles": ["sante"],
     "criteres_aipd": ["personnes_vulnerables", "evaluation_notation"]},
    {"nom": "Aides sociales facultatives", "donnees_sensibles": ["sante"]},
    {"nom": "Maintien à domicile des personnes âgées", "donnees_sensibles": ["sante"],
     "criteres_aipd": ["personnes_vulnerables"]},
    {"nom": "Service jeunesse (fichier des mineurs accueillis)", "criteres_aipd": ["personnes_vulnerables", "grande_echelle"]},
]


def entries() -> list[dict]:
    out = []
    n = 0
    for service, activities in SERVICES.items():
        for activity in activities:
            n += 1
            entry: dict = {"id": f"T-{n:03d}", "nom": f"{activity} ({service.lower()})"}
            # the few fields a 2018 inventory filled, on a fixed pattern
            if n % 3 == 0:
                entry["finalites"] = [f"Gestion : {activity.lower()}"]
            if n % 4 == 0:
                entry["base_legale"] = "obligation_legale" if service == "Population" else "mission_interet_public"
            if n % 7 == 0:
                entry["duree_conservation"] = "P5Y"
            if n % 9 == 0:
                entry["destinataires"] = [f"service {service.lower()}"]
            out.append(entry)
    for flagged in FLAGGED:
        n += 1
        out.append({"id": f"T-{n:03d}", **flagged})
    return out


def register_text() -> str:
    lines = [
        "# Scenario register modelled on a real 2018 inventory of a commune outside Bordeaux Métropole",
        "# (written by tools/inventaire_2018.py: edit the script, not this file). Most entries carry a",
        "# name and little else; the entries at the end are those the spreadsheet flags as holding",
        "# sensitive data. Party to no avenant: audited against the GDPR alone.",
        "version: 1",
        "commune: la-brede",
        "cadre: rgpd",
        f"date_reference: {AS_OF}",
        "acteurs:",
        "  - {id: la-brede, type: commune, nom: La Brède}",
        "dpo:",
        "  - {id: dpo-la-brede, nom: Délégué à la protection des données, organismes: [la-brede], designe_le: 2018-05-25,",
        "     courriel: dpo@mairie-labrede.example}",
        "traitements:",
    ]
    for e in entries():
        lines.append(f"  - id: {e['id']}")
        lines.append(f"    nom: \"{e['nom']}\"")
        for key in ("finalites", "base_legale", "duree_conservation", "destinataires", "donnees_sensibles", "criteres_aipd"):
            if key in e:
                value = e[key]
                shown = "[" + ", ".join(f'"{v}"' if " " in v or ":" in v else v for v in value) + "]" if isinstance(value, list) else value
                lines.append(f"    {key}: {shown}")
    return "\n".join(lines) + "\n"


def expected_text(register: Path) -> str:
    """The text report at 80 columns, the file named as the tests name it (relative path)."""
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1"}
    done = subprocess.run([sys.executable, "-m", "rgpdcheck", "audit", str(register.relative_to(ROOT))],
                          cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):
        raise SystemExit(f"rgpdcheck audit a échoué :\n{done.stderr}")
    return done.stdout


def main(argv: list[str]) -> int:
    FOLDER.mkdir(parents=True, exist_ok=True)
    register = FOLDER / "registre.yaml"
    expected = FOLDER / "attendu.txt"
    text = register_text()
    if "--check" in argv:
        stale = register.read_text(encoding="utf-8") != text or expected.read_text(encoding="utf-8") != expected_text(register)
        print("périmé : lancez python tools/inventaire_2018.py" if stale else "à jour")
        return int(stale)
    register.write_text(text, encoding="utf-8")
    expected.write_text(expected_text(register), encoding="utf-8")
    print(f"{register} et {expected} écrits")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
