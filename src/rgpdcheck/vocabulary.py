"""The domain's words, defined once: severities, sensitive-data categories, the métropole.

Every module that needs one of these words imports it from here, so that a new severity
or a new category is added in one place (the register models, the facts, the rules'
loader, the formatters and the export all read these).
"""

from __future__ import annotations

from typing import Literal

# -- severities of a finding (docs: reading.md, « Severity ») -------------------------------

# Most severe first: the order of reports and of `--fail-on`.
SEVERITIES = ("erreur", "avertissement", "info")
Severity = Literal["erreur", "avertissement", "info"]
SEVERITY_RANK = {severity: rank for rank, severity in enumerate(SEVERITIES)}
# (singular, plural) for counts in reports
SEVERITY_LABELS = {
    "erreur": ("erreur", "erreurs"),
    "avertissement": ("avertissement", "avertissements"),
    "info": ("information", "informations"),
}



def count(n: int, one: str, many: str) -> str:
    """« 0 constat », « 1 constat », « 2 constats »: French takes the singular below two."""
    return f"{n} {one if abs(n) < 2 else many}"


# -- the parties ---------------------------------------------------------------------------

# Bordeaux Métropole's actor id: present in every register, listed or not (registre.md).
METROPOLE = "metropole"
METROPOLE_NAME = "Bordeaux Métropole"

# -- special categories of data (GDPR art. 9 and 10) and the NIR ----------------------------

ART9 = (
    "sante", "origine_raciale_ethnique", "opinions_politiques", "convictions_religieuses",
    "appartenance_syndicale", "genetique", "biometrique", "vie_sexuelle", "orientation_sexuelle",
)
ART10 = ("infractions_condamnations",)
NIR = "nir"  # the social security number: not art. 9, but high-risk (art. 87, CNIL)
# Declared (an imported spreadsheet said « oui ») without saying which: to be specified.
UNSPECIFIED = "non_precisee"
# Every value of a treatment's `donnees_sensibles`, in the register's documented order.
SENSITIVE = (*ART9, *ART10, NIR, UNSPECIFIED)
SENSITIVE_LABELS = {
    "sante": "santé", "origine_raciale_ethnique": "origine raciale ou ethnique", "opinions_politiques": "opinions politiques",
    "convictions_religieuses": "convictions religieuses ou philosophiques", "appartenance_syndicale": "appartenance syndicale",
    "genetique": "données génétiques", "biometrique": "données biométriques", "vie_sexuelle": "vie sexuelle",
    "orientation_sexuelle": "orientation sexuelle", "infractions_condamnations": "infractions et condamnations (art. 10)",
    "nir": "NIR (numéro de sécurité sociale)", "non_precisee": "catégorie non précisée",
}

# -- French labels of every enumerated value of the register format ---------------------
# By the register key that holds the value (one table per key, since a word such as
# `commune` or `effacement` means different things under different keys); the event
# types under `type`. tests/test_vocabulary.py checks every value the models allow has one.

_PARTY = {"metropole": METROPOLE_NAME, "commune": "la commune"}
LABELS: dict[str, dict[object, str]] = {
    "cadre": {"avenant": "RGPD et avenant RGPD avec Bordeaux Métropole", "rgpd": "RGPD seul (commune sans avenant)"},
    "acteur_type": {"commune": "commune", "metropole": METROPOLE_NAME, "prestataire": "prestataire",
                    "etablissement_public": "établissement public", "autre": "autre"},
    "base_legale": {
        "consentement": "consentement (art. 6(1)(a))", "contrat": "contrat (art. 6(1)(b))",
        "obligation_legale": "obligation légale (art. 6(1)(c))", "interets_vitaux": "intérêts vitaux (art. 6(1)(d))",
        "mission_interet_public": "mission d'intérêt public (art. 6(1)(e))",
        "interets_legitimes": "intérêts légitimes (art. 6(1)(f))",
    },
    "donnees_sensibles": SENSITIVE_LABELS,
    "garantie": {"decision_adequation": "décision d'adéquation (art. 45)", "clauses_types": "clauses types (art. 46)",
                 "regles_entreprise": "règles d'entreprise contraignantes (art. 47)",
                 "derogation_art49": "dérogation pour une situation particulière (art. 49)"},
    "sort_final": {"effacement": "effacement", "anonymisation": "anonymisation",
                   "archivage_intermediaire": "archivage intermédiaire", "archivage_definitif": "archivage définitif"},
    "criteres_aipd": {
        "evaluation_notation": "évaluation ou notation", "decision_automatisee": "décision automatisée",
        "surveillance_systematique": "surveillance systématique", "donnees_sensibles": "données sensibles",
        "grande_echelle": "traitement à grande échelle", "croisement": "croisement de données",
        "personnes_vulnerables": "personnes vulnérables", "usage_innovant": "usage innovant",
        "exclusion_droit": "exclusion du bénéfice d'un droit",
    },
    "role_declare": {"responsable": "responsable de traitement", "responsable_conjoint": "responsable conjoint",
                     "sous_traitant": "sous-traitant", "aucun": "aucun rôle"},
    "voie": {"projet_numerique": "projet numérique (V-e/1)", "commande_publique": "commande publique (V-e/2)",
             "saisine_directe": "création directe ou évolution (V-e/3)", "anterieur": "traitement antérieur (V-k)"},
    "rang": {1: "premier rang", "ulterieur": "sous-traitant ultérieur"},
    "selectionne_par": _PARTY,
    "autorisation": {"generale": "autorisation générale", "specifique": "autorisation spécifique", "aucune": "aucune autorisation"},
    "statut": {"actif": "actif", "clos": "clos"},
    "exploitation": {"service_commun": "service commun", "commune": "la commune elle-même"},
    "phase": {"etude_et_conseil": "étude et conseil", "conception": "conception", "redaction_dce": "rédaction du DCE",
              "avant_mise_en_oeuvre": "avant la mise en œuvre"},
    "avis": {"favorable": "favorable", "conforme": "conforme", "reserve": "réservé", "defavorable": "défavorable",
             "en_attente": "en attente"},
    "nature": {"nouvelle_extraction": "nouvelle extraction", "croisement": "croisement",
               "nouvelle_fonctionnalite": "nouvelle fonctionnalité", "nouveau_destinataire": "nouveau destinataire",
               "nouvelle_finalite": "nouvelle finalité"},
    "traitee_par": _PARTY,
    "par": {"commune": "les services de la commune", "metropole": "les services communs (Bordeaux Métropole)"},
    "geree_par": _PARTY,
    "risque": {"faible": "faible", "risque": "risque", "eleve": "élevé"},
    "droit": {"information": "droit à l'information", "acces": "droit d'accès", "rectification": "droit de rectification",
              "opposition": "droit d'opposition", "effacement": "droit à l'effacement",
              "limitation": "droit à la limitation", "portabilite": "droit à la portabilité"},
    "option": {"effacement": "effacement", "anonymisation": "anonymisation",
               "archivage_intermediaire": "archivage intermédiaire", "archivage_definitif": "archivage définitif"},
    "type": {
        "saisine_dpo": "saisine du DPO", "saisine_dgnsi": "saisine de la DGNSI", "diagnostic_securite": "diagnostic de sécurité",
        "validation_projet": "validation du projet", "conception_technique": "conception technique",
        "redaction_dce": "rédaction du DCE", "mise_en_oeuvre": "mise en œuvre", "evolution": "évolution",
        "violation": "violation de données", "demande_droit": "demande d'exercice des droits",
        "fin_conservation": "fin de conservation", "etat_des_lieux": "état des lieux des traitements antérieurs",
        "communication_cnil": "communication des déclarations CNIL", "declaration_arret": "déclaration d'arrêt",
        "plan_action_anterieurs": "plan d'action des traitements antérieurs",
        "notification_processus": "notification des processus", "sensibilisation": "sensibilisation",
    },
    "version": {1: "format v1"},
}


def label(key: str, value: object) -> str:
    """The French label of `value` under register key `key` (the value itself if unknown)."""
    return LABELS.get(key, {}).get(value, str(value))
