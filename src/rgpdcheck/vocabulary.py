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
# Every value of a treatment's `donnees_sensibles`, in the register's documented order.
SENSITIVE = (*ART9, *ART10, NIR)
SENSITIVE_LABELS = {
    "sante": "santé", "origine_raciale_ethnique": "origine raciale ou ethnique", "opinions_politiques": "opinions politiques",
    "convictions_religieuses": "convictions religieuses ou philosophiques", "appartenance_syndicale": "appartenance syndicale",
    "genetique": "données génétiques", "biometrique": "données biométriques", "vie_sexuelle": "vie sexuelle",
    "orientation_sexuelle": "orientation sexuelle", "infractions_condamnations": "infractions et condamnations (art. 10)",
    "nir": "NIR (numéro de sécurité sociale)",
}
