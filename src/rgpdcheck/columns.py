"""Which register field a spreadsheet heading means.

A heading is reduced to its words (accents, case, punctuation, camelCase and snake_case
undone, plurals folded, little words dropped): `nomDuTraitement`, `NOM_TRAITEMENT` and
« Nom du traitement » are the same heading. It is then looked up among the synonyms below
(the CNIL model's headings, Madis's, OpenRGPD's, `rgpdcheck export`'s, and the usual
home-made ones); failing an exact match, the longest synonym the heading begins with wins
(« Finalités (principale, secondaire) » is « Finalités »; « Justification de la base légale »
is not « Base légale »).

Madis and others write a yes/no column per choice, « Onglet - Choix » (« Mesures de sécurité
et confidentialité - Traçabilité » = Oui): such a heading is a *group* whose prefix names the
field and whose suffix is the value to add when the cell says yes.
"""

from __future__ import annotations

import re

from .normalise import normalise_text

_LITTLE = {"de", "du", "des", "la", "le", "les", "l", "d", "et", "a", "au", "aux", "en", "un", "une", "s", "par",
           "pour", "sur", "si", "ou"}

# field -> headings. Fields beginning with "_" are known headings the register has no field for:
# their cells are reported as not carried over, never silently dropped.
SYNONYMS: dict[str, list[str]] = {
    "id": ["N° / REF", "Référence", "Ref", "N°", "Numéro", "Identifiant", "ID", "Code", "Numéro d'activité"],
    "nom": ["Nom / sigle", "Nom du traitement", "Nom", "Libellé", "Intitulé", "Traitement", "Activité de traitement",
            "Nom de l'activité", "Activité", "Nom du logiciel", "Libellé du traitement", "Désignation"],
    "cree_le": ["Date de création", "Date de mise en oeuvre", "Date de mise en œuvre", "Historique - Date de création",
                "Créé le", "Date de début"],
    "statut": ["Statut", "État", "Etat", "Actif"],
    "responsable": ["Responsable du traitement", "Responsable de traitement", "Responsable"],
    "contact_responsable": ["Coordonnées du responsable du traitement", "Coordonnées du responsable de traitement",
                            "Coordonnées du responsable"],
    "contact_representant": ["Coordonnées du représentant"],
    "contact_conjoints": ["Coordonnées des responsables conjoints", "Coordonnées du responsable conjoint"],
    "responsables_conjoints": ["Responsables conjoints", "Responsable conjoint", "Co-responsable du traitement",
                               "Co-responsable", "Responsables conjoints du traitement"],
    "representant": ["Représentant", "Représentant du responsable", "Représentant du responsable du traitement"],
    "dpo": ["Délégué à la protection des données", "DPO", "DPD", "Délégué"],
    "contact_dpo": ["Coordonnées du DPO", "Coordonnées du délégué à la protection des données", "Coordonnées du DPD"],
    "finalites": ["Finalités", "Finalité", "Finalité(s) du traitement", "Finalité principale", "Finalité du traitement",
                  "Sous-finalité", "Sous-finalités", "Objectif", "But"],
    "base_legale": ["Base légale", "Base juridique", "Fondement juridique", "Licéité du traitement", "Licéité",
                    "Fondement"],
    "personnes_concernees": ["Catégories de personnes concernées", "Personnes concernées", "Catégorie de personnes",
                             "Catégorie de personnes concernées"],
    "categories_donnees": ["Catégories de données", "Catégories de données collectées", "Données collectées",
                           "Catégorie de données traitées", "Catégorie de données", "Données traitées",
                           "Catégorie des données - Autres catégories", "Catégories de données personnelles"],
    "donnees_sensibles": ["Données sensibles", "Données sensibles ?", "Catégories de données sensibles", "Sensible",
                          "Données particulières"],
    "exception_art9": ["Exception (art. 9(2))", "Exception article 9", "Exception art 9", "Dérogation article 9"],
    "justification_minimisation": ["Justification de la minimisation", "Justification des données sensibles"],
    "destinataires": ["Destinataires", "Catégories de destinataires", "Destinataires des données",
                      "Destination - Catégorie de destinataires", "Destinataire"],
    "sous_traitants": ["Sous-traitants", "Sous-traitant", "Destination - Sous-traitants", "Prestataires", "Prestataire"],
    "transferts_hors_ue": ["Transferts hors UE", "Transferts hors UE ?", "Transferts hors UE et garanties",
                           "Transferts de données hors UE", "Transfert hors UE", "Transferts"],
    "duree_conservation": ["Durée de conservation", "Durées de conservation", "Délai de conservation",
                           "Durée d'utilité administrative", "Détails - Délai de conservation - Durée", "Conservation"],
    "sort_final": ["Sort final", "Archivage", "Détails - Délai de conservation - Sort final", "Sort à l'issue"],
    "mesures_securite": ["Mesures de sécurité", "Mesures de sécurité techniques et organisationnelles",
                         "Commentaire de sécurité", "Sécurité", "Mesures de sécurité techniques",
                         "Mesures de sécurité organisationnelles"],
    "information_personnes": ["Information des personnes", "Personnes informées", "Information"],
    "aipd": ["Analyse d'impact (AIPD)", "AIPD", "Analyse d'impact", "PIA", "Analyse d'impact relative à la protection "
             "des données"],
    "criteres_aipd": ["Critères AIPD", "Critères de l'AIPD"],
    "application": ["Logiciel / application", "Application", "Logiciel", "Support de données / outils", "Détails - Logiciels et supports",
                    "Logiciels et supports", "Outil"],
    "commentaire": ["Commentaire", "Observations", "Remarques", "Notes"],
    "_madis": ["Structure - Nom", "Structure - SIREN", "Structure - Code INSEE", "Historique - Créé par",
               "Détails - Délai de conservation - Nom", "Détails - Nombre de personnes concernées"],
    "_openrgpd": ["Représentant du Co-responsable du traitement", "Nom du responsable du traitement",
                  "Niveau d'identification", "Niveau de sécurité"],
    "_maj": ["Dernière mise à jour", "Date de dernière mise à jour", "Historique - Date de modification", "Mise à jour"],
    "_fiche": ["Fiche"],
}

# group prefix -> field; the suffix of « prefix - suffix » is the value added when the cell says yes
GROUPS: dict[str, str] = {
    "Détails - Personnes concernées": "personnes_concernees",
    "Personnes concernées": "personnes_concernees",
    "Mesures de sécurité et confidentialité": "mesures_securite",
    "Mesures de sécurité": "mesures_securite",
    "Traitement spécifique": "criteres_aipd",
    "Données sensibles": "donnees_sensibles",
}


def words(heading: str) -> tuple[str, ...]:
    """The significant words of a heading, in order."""
    spaced = re.sub(r"(?<=[a-zà-ÿ])(?=[A-ZÀ-Þ])", " ", heading)  # camelCase
    out = []
    for word in normalise_text(spaced.replace("_", " ")).split():
        if word in _LITTLE:
            continue
        if len(word) > 3 and word[-1] in "sx" and not word.endswith(("ss", "us")):
            word = word[:-1]  # plurals: categories -> categorie, finalites -> finalite
        out.append(word)
    return tuple(out)


def key(heading: str) -> str:
    return " ".join(words(heading))


_EXACT: dict[str, str] = {key(h): field for field, headings in SYNONYMS.items() for h in headings}
_BY_PREFIX = sorted(((words(h), field) for field, headings in SYNONYMS.items() for h in headings),
                    key=lambda item: -len(item[0]))
_GROUPS = {key(prefix): field for prefix, field in GROUPS.items()}


def field_of(heading: str, mapping: dict[str, str] | None = None) -> str | None:
    """The field a heading means, `mapping` (from --correspondance) first."""
    k = key(heading)
    if not k:
        return None
    if mapping is not None and k in mapping:
        return mapping[k]
    if k in _EXACT:
        return _EXACT[k]
    have = tuple(k.split())
    return next((field for start, field in _BY_PREFIX if start and have[:len(start)] == start), None)


def group_of(heading: str) -> tuple[str, str, bool] | None:
    """(field, choice, is_comment) of a « Onglet - Choix » heading, else None."""
    parts = [p.strip() for p in re.split(r"\s+-\s+", heading) if p.strip()]
    if len(parts) < 2:
        return None
    comment = key(parts[-1]) == "commentaire"
    if comment:
        parts = parts[:-1]
    for cut in range(len(parts) - 1, 0, -1):
        field = _GROUPS.get(key(" - ".join(parts[:cut])))
        if field:
            return field, " - ".join(parts[cut:]), comment
    return None
