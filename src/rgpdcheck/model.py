"""The register format v1 as pydantic models (see docs/registre.md).

Keys are French, as in the file. Unknown keys are refused (a typo must never be
silently ignored). Only `version`, `commune` and each treatment's `id` and `nom` are
required: a missing field that the GDPR asks for is a finding, not an input error.

No `from __future__ import annotations` here: pydantic would then compile and evaluate every
field's annotation from its text when creating the classes (about a third of this module's
import); written as objects, they give the same fields and the same schemas.
"""

import re
from datetime import date as Date
from datetime import datetime
from typing import Annotated, Any, Literal, TypeVar, Union, get_args
from zoneinfo import ZoneInfo

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)

from .vocabulary import SENSITIVE

PARIS = ZoneInfo("Europe/Paris")


def _none_to_empty(value: Any) -> Any:
    return [] if value is None else value


def _parse_instant(value: Any) -> Any:
    """ISO 8601 date or date-time; Europe/Paris when no offset is given."""
    if isinstance(value, datetime):
        instant = value
    elif isinstance(value, Date):
        instant = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            instant = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError("date-heure ISO 8601 attendue, par exemple 2018-10-02T09:30") from None
    else:
        return value
    return instant if instant.tzinfo else instant.replace(tzinfo=PARIS)


_DURATION = re.compile(r"^P(?=\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?$")


def _check_duration(value: Any) -> Any:
    if isinstance(value, str) and not _DURATION.match(value.strip()):
        raise ValueError("durée ISO 8601 attendue, par exemple P3Y (3 ans), P6M (6 mois), P30D (30 jours)")
    return value.strip() if isinstance(value, str) else value


# The dates a register may hold, and an audit be run at: wide enough for any real register
# (prior treatments, retention far ahead), narrow enough that every deadline computed from
# them (months added, `--within` days, 72 hours, the end of a day) stays a valid date.
DATE_MIN = Date(1900, 1, 1)
DATE_MAX = Date(2999, 12, 31)


def date_out_of_range(value: Date) -> str | None:
    """Why `value` is refused (French), or None when it is within the accepted range."""
    day = value.date() if isinstance(value, datetime) else value
    if DATE_MIN <= day <= DATE_MAX:
        return None
    return f"date hors de la plage acceptée ({DATE_MIN.isoformat()} à {DATE_MAX.isoformat()}) : {value.isoformat()}"


def _in_range(value: Any) -> Any:
    if isinstance(value, Date) and (why := date_out_of_range(value)):
        raise ValueError(why)
    return value


T = TypeVar("T")
# A list that may also be written empty (`acteurs:` with nothing after it).
Liste = Annotated[list[T] | None, AfterValidator(_none_to_empty)]
Instant = Annotated[datetime, BeforeValidator(_parse_instant), AfterValidator(_in_range)]
Jour = Annotated[Date, AfterValidator(_in_range)]
DureeIso = Annotated[str, BeforeValidator(_check_duration)]
Ident = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Texte = Annotated[str, StringConstraints(strip_whitespace=True)]


class _Model(BaseModel):
    # Built when first used, not at import: a register is validated through `Registre`
    # alone, whose one schema holds every nested model; building each of the 40 classes'
    # own validator at import cost more than the whole validation of a small register.
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, frozen=True, defer_build=True)


# -- top level -------------------------------------------------------------------------

class Contrat(_Model):
    nom: Texte | None = None  # the commune's name in messages (else its identifier)
    avenant: int | None = None
    date_effet: Jour | None = None
    violations_confiees_metropole: bool | None = None
    dpo_mutualise: bool | None = None


TypeActeur = Literal["commune", "metropole", "prestataire", "etablissement_public", "autre"]


class Contact(_Model):
    """A person reachable on behalf of a body (its representative, art. 27 and 30(1)(a))."""

    nom: Texte | None = None
    adresse: Texte | None = None
    telephone: Texte | None = None
    courriel: Texte | None = None


class Acteur(_Model):
    id: Ident
    type: TypeActeur | None = None
    nom: Texte | None = None
    # contact details (art. 30(1)(a)): the controller's, a joint controller's
    adresse: Texte | None = None
    telephone: Texte | None = None
    courriel: Texte | None = None
    representant: Contact | None = None
    commentaire: Texte | None = None


class Dpo(_Model):
    id: Ident
    nom: Texte | None = None
    adresse: Texte | None = None
    telephone: Texte | None = None
    courriel: Texte | None = None
    organismes: Liste[Ident] = []
    designe_le: Jour | None = None
    lettre_de_mission: bool | None = None
    # art. 37(7): the designation communicated to the supervisory authority (the CNIL)
    communique_cnil_le: Jour | None = None


# -- treatments ------------------------------------------------------------------------

BaseLegale = Literal["consentement", "contrat", "obligation_legale", "interets_vitaux", "mission_interet_public", "interets_legitimes"]
DonneeSensible = Literal[SENSITIVE]  # art. 9 and 10 categories, the NIR, and « non précisée » (vocabulary.py)
Garantie = Literal["decision_adequation", "clauses_types", "regles_entreprise", "derogation_art49"]
SortFinal = Literal["effacement", "anonymisation", "archivage_intermediaire", "archivage_definitif"]
CritereAipd = Literal[
    "evaluation_notation", "decision_automatisee", "surveillance_systematique", "donnees_sensibles",
    "grande_echelle", "croisement", "personnes_vulnerables", "usage_innovant", "exclusion_droit",
]
RoleMetropole = Literal["responsable", "responsable_conjoint", "sous_traitant", "aucun"]
VoieAcquisition = Literal["projet_numerique", "commande_publique", "saisine_directe", "anterieur"]


class Transfert(_Model):
    pays: Ident
    garantie: Garantie | None = None


class Duree(_Model):
    duree: DureeIso | None = None
    point_de_depart: Texte | None = None


def _duration_as_block(value: Any) -> Any:
    """`duree_conservation: P3Y` is short for `{duree: P3Y}`."""
    return {"duree": value} if isinstance(value, str) else value


class Information(_Model):
    realisee: bool | None = None
    support: Texte | None = None


class RoleMetropoleFaits(_Model):
    role_declare: RoleMetropole | None = None
    definit_finalites_moyens: bool | None = None
    pouvoir_adjudicateur: bool | None = None


class AccordConjoint(_Model):
    signe_le: Jour | None = None


class Aipd(_Model):
    realisee_le: Jour | None = None


class SousTraitant(_Model):
    acteur: Ident
    rang: Literal[1, "ulterieur"] | None = None
    selectionne_par: Literal["metropole", "commune"] | None = None
    contrat_ecrit: bool | None = None
    instructions_documentees: bool | None = None
    autorisation: Literal["generale", "specifique", "aucune"] | None = None
    information_commune: bool | None = None


class Acquisition(_Model):
    voie: VoieAcquisition | None = None


class Traitement(_Model):
    id: Ident
    nom: Ident
    application: Texte | None = None
    editeur: Texte | None = None
    responsable: Ident | None = None
    responsables_conjoints: Liste[Ident] = []  # other joint controllers (actors), art. 26 and 30(1)(a)
    finalites: Liste[Texte] = []
    base_legale: BaseLegale | None = None
    preuve_consentement: bool | None = None
    personnes_concernees: Liste[Texte] = []
    categories_donnees: Liste[Texte] = []
    donnees_sensibles: list[DonneeSensible] | None = None
    exception_art9: Texte | None = None
    justification_minimisation: Texte | None = None
    destinataires: Liste[Texte] = []
    transferts_hors_ue: list[Transfert] | None = None
    duree_conservation: Annotated[Duree, BeforeValidator(_duration_as_block, json_schema_input_type=DureeIso | Duree)] | None = None
    sort_final: SortFinal | None = None
    information_personnes: Information | None = None
    procedure_rectification: bool | None = None
    mesures_securite: Liste[Texte] = []
    # None: not declared (a finding); []: declared, none applies (art. 35 screening done)
    criteres_aipd: list[CritereAipd] | None = None
    aipd: Aipd | None = None
    cree_le: Jour | None = None
    statut: Literal["actif", "clos"] | None = None
    clos_le: Jour | None = None
    exploitation: Literal["service_commun", "commune"] | None = None
    metropole: RoleMetropoleFaits | None = None
    accord_conjoint: AccordConjoint | None = None
    sous_traitants: Liste[SousTraitant] = []
    acquisition: Acquisition | None = None
    commentaire: Texte | None = None


# -- events ------------------------------------------------------------------------------

class _Evenement(_Model):
    id: Ident | None = None
    date: Jour | None = None
    traitement: Ident | None = None
    commentaire: Texte | None = None


class SaisineDpo(_Evenement):
    type: Literal["saisine_dpo"]
    dpo: Ident | None = None
    par: Texte | None = None
    phase: Literal["etude_et_conseil", "conception", "redaction_dce", "avant_mise_en_oeuvre"] | None = None
    avis: Literal["favorable", "conforme", "reserve", "defavorable", "en_attente"] | None = None
    preuve_conservee: bool | None = None


class SaisineDgnsi(_Evenement):
    type: Literal["saisine_dgnsi"]


class DiagnosticSecurite(_Evenement):
    type: Literal["diagnostic_securite"]


class ValidationProjet(_Evenement):
    type: Literal["validation_projet"]


class ConceptionTechnique(_Evenement):
    type: Literal["conception_technique"]


class RedactionDce(_Evenement):
    type: Literal["redaction_dce"]


class MiseEnOeuvre(_Evenement):
    type: Literal["mise_en_oeuvre"]
    # who put it in place (V-e/3): the commune's own services or the common services (BM)
    par: Literal["commune", "metropole"] | None = None


class Evolution(_Evenement):
    type: Literal["evolution"]
    nature: Literal["nouvelle_extraction", "croisement", "nouvelle_fonctionnalite", "nouveau_destinataire", "nouvelle_finalite"] | None = None
    demandee_par: Texte | None = None
    traitee_par: Literal["metropole", "commune"] | None = None
    processus_standard: bool | None = None


class Violation(_Evenement):
    type: Literal["violation"]
    detectee_le: Instant | None = None
    notifiee_cnil_le: Instant | None = None
    motif_retard: Texte | None = None
    # why the persons were informed more than 72 hours after detection (art. 34(1))
    motif_retard_personnes: Texte | None = None
    risque: Literal["faible", "risque", "eleve"] | None = None
    personnes_informees_le: Instant | None = None
    inscrite_registre: bool | None = None
    geree_par: Literal["metropole", "commune"] | None = None
    observations_commune: bool | None = None


class Prolongation(_Model):
    motif: Texte | None = None
    notifiee_le: Jour | None = None


class DemandeDroit(_Evenement):
    type: Literal["demande_droit"]
    droit: Literal["information", "acces", "rectification", "opposition", "effacement", "limitation", "portabilite"] | None = None
    recue_le: Jour | None = None
    repondue_le: Jour | None = None
    prolongation: Prolongation | None = None
    observations_commune: bool | None = None


class FinConservation(_Evenement):
    type: Literal["fin_conservation"]
    date_prevue: Jour | None = None
    option: SortFinal | None = None
    commune_informee_le: Jour | None = None
    # V-f/1: the commune renewed its accord to the erasure (« réitérer son accord »)
    accord_commune_le: Jour | None = None
    # V-f/4: who decided the outcome (an actor id), « décidé par le Responsable de Traitement »
    decide_par: Ident | None = None
    realisee_le: Jour | None = None
    acces_restreint: bool | None = None


class EtatDesLieux(_Evenement):
    type: Literal["etat_des_lieux"]
    remis_le: Jour | None = None
    exhaustif: bool | None = None
    # the prior treatments the inventory lists (ids), for V-k's exhaustiveness
    traitements: Liste[Ident] = []


class CommunicationCnil(_Evenement):
    type: Literal["communication_cnil"]


class DeclarationArret(_Evenement):
    type: Literal["declaration_arret"]


class PlanActionAnterieurs(_Evenement):
    type: Literal["plan_action_anterieurs"]


class NotificationProcessus(_Evenement):
    type: Literal["notification_processus"]
    documents: Liste[Texte] = []


class Sensibilisation(_Evenement):
    type: Literal["sensibilisation"]
    public: Texte | None = None
    participants: int | None = None


_EVENTS = (
    SaisineDpo, SaisineDgnsi, DiagnosticSecurite, ValidationProjet, ConceptionTechnique,
    RedactionDce, MiseEnOeuvre, Evolution, Violation, DemandeDroit, FinConservation,
    EtatDesLieux, CommunicationCnil, DeclarationArret, PlanActionAnterieurs,
    NotificationProcessus, Sensibilisation,
)
# Event classes by their `type` tag.
EVENT_CLASSES: dict[str, type[_Evenement]] = {get_args(cls.model_fields["type"].annotation)[0]: cls for cls in _EVENTS}
Evenement = Annotated[Union[_EVENTS], Field(discriminator="type")]

# The date field that places each event type in time when `date` is absent.
EVENT_DATE_FIELD: dict[str, str] = {
    "violation": "detectee_le",
    "demande_droit": "recue_le",
    "fin_conservation": "date_prevue",
    "etat_des_lieux": "remis_le",
}


def event_date(event: Any) -> Date | None:
    """When the event happened (its `date`, else the date field its type names)."""
    if event.date is not None:
        return event.date
    name = EVENT_DATE_FIELD.get(event.type)
    value = getattr(event, name) if name else None
    if isinstance(value, datetime):
        return value.astimezone(PARIS).date()
    return value


class Derogation(_Model):
    regle: Ident
    traitement: Ident | None = None
    motif: Ident
    jusqu_au: Jour


class Registre(_Model):
    version: Literal[1]
    commune: Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
    # the legal frame of the audit: `avenant` (the GDPR and the commune's avenant with Bordeaux
    # Métropole, the default) or `rgpd` (a commune party to no avenant: the GDPR alone)
    cadre: Literal["avenant", "rgpd"] | None = None
    contrat: Contrat | None = None
    date_reference: Jour | None = None
    acteurs: Liste[Acteur] = []
    dpo: Liste[Dpo] = []
    traitements: Liste[Traitement] = []
    evenements: Liste[Evenement] = []
    derogations: Liste[Derogation] = []


def annotation_args(annotation: Any) -> list[Any]:
    """Every type inside an annotation (`list[X] | None` -> list[X], X, None), depth first."""
    out = []
    for arg in get_args(annotation):
        out.append(arg)
        out.extend(annotation_args(arg))
    return out


def json_schema(draft: str = "2020-12") -> dict[str, Any]:
    """The JSON Schema of a register v1, from the models (what editors use to complete).

    Titles and descriptions come from `data/champs.yaml` (see schema.py)."""
    from .schema import json_schema as titled

    return titled(draft)
