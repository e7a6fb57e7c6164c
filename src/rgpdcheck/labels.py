"""Human French labels of the register's enumerations, and the way back.

The export writes these labels (`archivage définitif`, not `archivage_definitif`); the
import reads them, the register's own values, and the usual variants, through
`facts.normalise_text` (no accents, no case, no punctuation).
"""

from __future__ import annotations

from .facts import normalise_text as normalise

SENSITIVE = {
    "sante": "santé", "origine_raciale_ethnique": "origine raciale ou ethnique", "opinions_politiques": "opinions politiques",
    "convictions_religieuses": "convictions religieuses ou philosophiques", "appartenance_syndicale": "appartenance syndicale",
    "genetique": "données génétiques", "biometrique": "données biométriques", "vie_sexuelle": "vie sexuelle",
    "orientation_sexuelle": "orientation sexuelle", "infractions_condamnations": "infractions et condamnations (art. 10)",
    "nir": "NIR (numéro de sécurité sociale)", "non_precisee": "catégorie non précisée",
}
BASES = {
    "consentement": "consentement (art. 6(1)(a))", "contrat": "contrat (art. 6(1)(b))",
    "obligation_legale": "obligation légale (art. 6(1)(c))", "interets_vitaux": "intérêts vitaux (art. 6(1)(d))",
    "mission_interet_public": "mission d'intérêt public (art. 6(1)(e))",
    "interets_legitimes": "intérêts légitimes (art. 6(1)(f))",
}
FINAL = {"effacement": "effacement", "anonymisation": "anonymisation",
         "archivage_intermediaire": "archivage intermédiaire", "archivage_definitif": "archivage définitif"}
GUARANTEES = {"decision_adequation": "décision d'adéquation", "clauses_types": "clauses contractuelles types",
              "regles_entreprise": "règles d'entreprise contraignantes", "derogation_art49": "dérogation (art. 49)"}
CRITERIA = {
    "evaluation_notation": "évaluation ou notation", "decision_automatisee": "décision automatisée avec effet",
    "surveillance_systematique": "surveillance systématique", "donnees_sensibles": "données sensibles",
    "grande_echelle": "collecte à grande échelle", "croisement": "croisement de données",
    "personnes_vulnerables": "personnes vulnérables", "usage_innovant": "usage innovant",
    "exclusion_droit": "exclusion du bénéfice d'un droit",
}
STATUS = {"actif": "actif", "clos": "clos"}

# normalised needles -> value, most specific first
_GUARANTEE_NEEDLES = [("adequation", "decision_adequation"), ("clause", "clauses_types"), ("cct", "clauses_types"),
                      ("scc", "clauses_types"), ("regles d entreprise", "regles_entreprise"),
                      ("regles entreprise", "regles_entreprise"), ("bcr", "regles_entreprise"),
                      ("derogation", "derogation_art49"), ("49", "derogation_art49")]
_CRITERIA_NEEDLES = [("evaluation", "evaluation_notation"), ("notation", "evaluation_notation"),
                     ("decision", "decision_automatisee"), ("surveillance", "surveillance_systematique"),
                     ("sensible", "donnees_sensibles"), ("echelle", "grande_echelle"), ("croisement", "croisement"),
                     ("vulnerable", "personnes_vulnerables"), ("innovant", "usage_innovant"),
                     ("exclusion", "exclusion_droit")]


def guarantee(text: str) -> str | None:
    key = normalise(text)
    return next((value for needle, value in _GUARANTEE_NEEDLES if needle in key.split() or needle in key), None)


def criterion(text: str) -> str | None:
    key = normalise(text)
    return next((value for needle, value in _CRITERIA_NEEDLES if needle in key), None)


def sensitive_kind(text: str) -> str | None:
    """A sensitive category from its label or value (`santé`, `sante`, `NIR (…)`)."""
    key = normalise(text)
    for value, label in SENSITIVE.items():
        if key in (normalise(value), normalise(label)):
            return value
    return None
