"""The way back from the French labels of the register's enumerations (`vocabulary.LABELS`).

The export writes those labels (`archivage définitif`, not `archivage_definitif`); the
import reads them, the register's own values, and the usual variants, through
`normalise.normalise_text` (no accents, no case, no punctuation).
"""

from __future__ import annotations

from .normalise import normalise_text as normalise
from .vocabulary import LABELS

SENSITIVE = LABELS["donnees_sensibles"]
BASES = LABELS["base_legale"]
FINAL = LABELS["sort_final"]
GUARANTEES = LABELS["garantie"]
CRITERIA = LABELS["criteres_aipd"]

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
